"""The demo workspace: two entities, a user per role and a year of receivables.

:func:`build_demo` fills an empty database with what a small European group's
receivables look like after a year: a Belgian and a French entity, a few
hundred customers in six countries and five languages (company names with
their legal forms, valid VAT numbers and IBANs, subsidiaries under a parent),
monthly invoices with structured payment references (Belgian OGM for the
Belgian entity, ISO 11649 RF for the French one), credit notes, and payments
that follow each customer's habits: most pay on time, some are chronically
late, a few stop paying and have old items written off, some pay in parts.

Everything goes through the services a real workspace uses: customers and
invoices are written as CSV files under ``ENCAISSE_HOME/demo/`` and imported
with :func:`~encaisse.ledger.importing.import_customers` and
:func:`~encaisse.ledger.importing.import_invoices`; money received is a
:class:`~encaisse.ledger.models.Receipt` settled with
:func:`~encaisse.ledger.posting.post_allocations`. So the demo also exercises
the ledger's rules, and ``encaisse ledger-check`` and ``encaisse audit-verify``
pass on it.

Then the day as a user sees it (:func:`deliver_and_collect`): today's invoices,
issued through billing, are delivered through each customer's channel — e-mail
(files in ``ENCAISSE_HOME/outbox``), Peppol (the access-point folder
``ENCAISSE_HOME/peppol-outbox``), the post (a print batch) — and what followed
is recorded as the customer, the access point and the mail server would have
caused it: a portal-link view, a delivery report, two bounces (one customer
falls back to the post, the other leaves an issue to handle). A collector has
taken two promises to pay (one broken), and the dunning run as of today leaves
its letters as drafts in the preview. Nothing leaves the machine, whatever
SMTP server or access point is configured. A portal user sees a customer group.

The same seed, size and date (``ENCAISSE_TODAY``) give the same workspace.
Amounts are integer cents drawn from integer ranges: no float touches money.
"""

from __future__ import annotations

import csv
import json
import random
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import models, transaction
from django.utils import timezone
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import get_cc_module, luhn
from stdnum.iso7064 import mod_11_10

from encaisse.clock import today as clock_today
from encaisse.core.money import Money
from encaisse.core.references import create_ogm, create_rf, format_ogm, format_rf
from encaisse.ledger import audit
from encaisse.ledger.importing import import_customers, import_invoices
from encaisse.ledger.models import (
    AllocationKind,
    Customer,
    DocumentKind,
    Entity,
    EntityGrant,
    Invoice,
    Receipt,
)
from encaisse.ledger.posting import AllocationRequest, post_allocations
from encaisse.ledger.roles import ensure_roles

PASSWORD = "encaisse-demo"  # noqa: S105 -- the documented demo password, for a local demo workspace only
SUPERUSER = "demo"
#: user name → role (group of :mod:`encaisse.ledger.roles`)
ROLE_USERS: dict[str, str] = {
    "clerk": "ar_clerk",
    "collector": "collector",
    "credit": "credit_manager",
    "auditor": "auditor",
}
CURRENCY = "EUR"


class DemoRefused(Exception):
    """The database already holds data; the demo only fills an empty workspace."""


# --- identifiers ----------------------------------------------------------------


def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(n))


def vat_number(rng: random.Random, country: str) -> str:
    """A VAT number of ``country`` with valid check digits (python-stdnum agrees).

    Check digits are computed where the rule is short; the few others are
    drawn until valid.
    """
    module = get_cc_module(country.lower(), "vat")
    for _ in range(10_000):
        if country == "BE":
            body = rng.choice("01") + _digits(rng, 7)
            candidate = f"BE{body}{97 - int(body) % 97:02d}"
        elif country == "FR":
            base = str(rng.randint(30_000_000, 99_999_999))
            siren = base + luhn.calc_check_digit(base)
            candidate = f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"
        elif country == "NL":
            body = str(rng.randint(10_000_000, 99_999_999))
            check = sum(int(d) * (9 - i) for i, d in enumerate(body)) % 11
            if check == 10:
                continue
            candidate = f"NL{body}{check}B01"
        elif country == "DE":
            body = str(rng.randint(10_000_000, 99_999_999))
            candidate = f"DE{body}{mod_11_10.calc_check_digit(body)}"
        elif country == "LU":
            body = str(rng.randint(100_000, 999_999))
            candidate = f"LU{body}{int(body) % 89:02d}"
        elif country == "ES":
            body = str(rng.randint(10_000_000, 99_999_999))
            letter = rng.choice("AB")
            weights = [int(d) * (2 if i % 2 == 0 else 1) for i, d in enumerate(body[:7])]
            check = (10 - sum(w // 10 + w % 10 for w in weights) % 10) % 10
            candidate = f"ES{letter}{body[:7]}{check}"
        elif country == "IT":
            base = _digits(rng, 7) + rng.choice(("001", "015", "037", "058", "096"))
            candidate = f"IT{base}{luhn.calc_check_digit(base)}"
        else:
            candidate = f"{country}{_digits(rng, 9)}"
        if module.is_valid(candidate):
            return candidate
    raise ValueError(f"no valid VAT number found for {country}")  # pragma: no cover


_BANKS: dict[str, tuple[tuple[str, str], ...]] = {
    # country: (bank code, branch code); accounts are drawn, national check digits computed
    "BE": (("001", ""), ("068", ""), ("310", ""), ("363", ""), ("735", ""), ("751", "")),
    "FR": (
        ("30004", "00820"),
        ("30003", "01230"),
        ("30002", "00550"),
        ("20041", "01005"),
        ("10107", "00175"),
    ),
    "NL": (("INGB", ""), ("ABNA", ""), ("RABO", ""), ("TRIO", "")),
    "DE": (("10070000", ""), ("37040044", ""), ("50010517", ""), ("70020270", "")),
    "LU": (("001", ""), ("002", ""), ("003", ""), ("014", "")),
    "GB": (("NWBK", "601613"), ("BARC", "200000"), ("HBUK", "400515"), ("LOYD", "309634")),
    "ES": (("2100", "0418"), ("0049", "1500"), ("0182", "2370")),
    "IT": (("03069", "09606"), ("02008", "01664"), ("05034", "11701")),
}
_ACCOUNT_DIGITS = {"BE": 7, "FR": 11, "NL": 10, "DE": 10, "LU": 13, "GB": 8, "ES": 10, "IT": 12}


def iban(rng: random.Random, country: str) -> str:
    """A valid IBAN of a real bank of ``country`` (schwifty computes and checks every check digit)."""
    for _ in range(1_000):
        bank, branch = rng.choice(_BANKS[country])
        account = _digits(rng, _ACCOUNT_DIGITS[country])
        try:
            value = IBAN.generate(country, bank_code=bank, account_code=account, branch_code=branch)
            return str(IBAN(str(value)).compact)
        except SchwiftyException:
            continue  # a German account number whose bank-specific check digit is wrong
    raise ValueError(f"no valid IBAN found for {country}")  # pragma: no cover


# --- customers --------------------------------------------------------------------

# Per language: family names, trade patterns ({n} is a family name) and regional names.
_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        "family": (
            "Dubois",
            "Lambert",
            "Martin",
            "Dupont",
            "Lefèvre",
            "Moreau",
            "Laurent",
            "Simon",
            "Leroy",
            "Renard",
            "Fontaine",
            "Mercier",
            "Girard",
            "Bonnet",
            "Marchal",
            "Delvaux",
            "Collignon",
            "Thiry",
            "Gillet",
            "Lemaire",
            "Dumont",
            "Poncelet",
            "Masson",
            "Roussel",
            "Chevalier",
            "Gauthier",
            "Hubert",
            "Lejeune",
            "Deprez",
            "Noël",
        ),
        "pattern": (
            "Transports {n}",
            "Boulangerie {n}",
            "Imprimerie {n}",
            "{n} Construction",
            "Menuiserie {n}",
            "Garage {n}",
            "{n} & Fils",
            "Ateliers {n}",
            "Brasserie {n}",
            "Laboratoires {n}",
            "Distribution {n}",
            "Électricité {n}",
            "{n} Frères",
            "Toitures {n}",
            "Cabinet {n}",
        ),
        "region": (
            "Meuse Logistique",
            "Ardennes Bois",
            "Sambre Métal",
            "Alpes Froid Industriel",
            "Rhône Emballages",
            "Loire Électricité",
            "Condroz Matériaux",
            "Hainaut Chimie",
            "Provence Agro",
            "Normandie Textiles",
            "Gaume Énergie",
            "Vosges Papeterie",
        ),
    },
    "nl": {
        "family": (
            "Peeters",
            "Janssens",
            "Maes",
            "Jacobs",
            "Willems",
            "Claes",
            "Goossens",
            "Wouters",
            "De Smet",
            "Van den Broeck",
            "Vermeulen",
            "Mertens",
            "Dierckx",
            "Hendrickx",
            "De Jong",
            "Jansen",
            "De Vries",
            "Van den Berg",
            "Bakker",
            "Visser",
            "Smit",
            "Meijer",
            "Mulder",
            "Bos",
            "Dekker",
        ),
        "pattern": (
            "{n} Bouw",
            "Transport {n}",
            "Bakkerij {n}",
            "{n} Logistiek",
            "Drukkerij {n}",
            "{n} Installatietechniek",
            "Schrijnwerkerij {n}",
            "{n} Techniek",
            "Garage {n}",
            "Brouwerij {n}",
            "{n} & Zonen",
            "Groothandel {n}",
        ),
        "region": (
            "Schelde Logistics",
            "Kempen Metaal",
            "Westhoek Agro",
            "Brabant Verpakkingen",
            "Zeeland Koeltechniek",
            "Limburg Kunststoffen",
            "Waasland Hout",
            "Twente Textiel",
            "Veluwe Groen",
            "Haven Antwerpen Services",
        ),
    },
    "de": {
        "family": (
            "Müller",
            "Schmidt",
            "Schneider",
            "Fischer",
            "Weber",
            "Meyer",
            "Wagner",
            "Becker",
            "Schulz",
            "Hoffmann",
            "Koch",
            "Richter",
            "Klein",
            "Wolf",
            "Neumann",
            "Schröder",
            "Braun",
            "Krüger",
        ),
        "pattern": (
            "{n} Maschinenbau",
            "{n} Logistik",
            "Bäckerei {n}",
            "{n} Elektrotechnik",
            "Druckerei {n}",
            "{n} Metallbau",
            "{n} Haustechnik",
            "Autohaus {n}",
            "{n} Werkzeuge",
        ),
        "region": (
            "Rhein-Ruhr Verpackung",
            "Eifel Holz",
            "Mosel Kellerei",
            "Saar Stahlhandel",
            "Allgäu Molkerei",
            "Spreewald Feinkost",
            "Harz Baustoffe",
        ),
    },
    "en": {
        "family": (
            "Smith",
            "Taylor",
            "Brown",
            "Wilson",
            "Evans",
            "Thomas",
            "Roberts",
            "Walker",
            "Wright",
            "Hughes",
            "Clarke",
            "Harrison",
            "Turner",
            "Cooper",
        ),
        "pattern": (
            "{n} Engineering",
            "{n} & Sons",
            "{n} Logistics",
            "{n} Print",
            "{n} Facilities",
            "{n} Foods",
        ),
        "region": (
            "Thames Valley Packaging",
            "Pennine Tools",
            "Severn Marine",
            "Mersey Freight",
            "Cotswold Interiors",
            "Solent Coatings",
        ),
    },
    "es": {
        "family": ("García", "Fernández", "López", "Martínez", "Sánchez", "Romero", "Navarro"),
        "pattern": ("Transportes {n}", "{n} Ingeniería", "Construcciones {n}", "Talleres {n}"),
        "region": ("Levante Logística", "Cantábrico Metal", "Ebro Alimentación"),
    },
    "it": {
        "family": ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo"),
        "pattern": ("{n} Meccanica", "Trasporti {n}", "Officine {n}", "{n} Impianti"),
        "region": ("Brianza Arredamenti", "Emilia Packaging", "Veneto Componenti"),
    },
}
_LEGAL_FORMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("BE", "fr"): ("SRL", "SRL", "SA", "SC"),
    ("BE", "nl"): ("BV", "BV", "NV", "CommV"),
    ("FR", "fr"): ("SAS", "SARL", "SARL", "SA", "EURL", "SASU"),
    ("LU", "fr"): ("S.A.", "S.à r.l.", "S.à r.l."),
    ("NL", "nl"): ("B.V.", "B.V.", "N.V.", "V.O.F."),
    ("DE", "de"): ("GmbH", "GmbH", "AG", "KG", "GmbH & Co. KG"),
    ("GB", "en"): ("Ltd", "Ltd", "PLC", "LLP"),
    ("ES", "es"): ("S.L.", "S.L.", "S.A."),
    ("IT", "it"): ("S.r.l.", "S.r.l.", "S.p.A."),
}
_GROUP_WORDS = {
    "fr": ("Groupe {r}", ("{r} Nord", "{r} Services", "{r} Distribution", "{r} Est")),
    "nl": ("{r} Groep", ("{r} Noord", "{r} Services", "{r} Distributie", "{r} Oost")),
    "de": ("{r} Holding", ("{r} Nord", "{r} Service", "{r} Vertrieb", "{r} Süd")),
    "en": ("{r} Group", ("{r} North", "{r} Services", "{r} Distribution", "{r} South")),
    "es": ("Grupo {r}", ("{r} Norte", "{r} Servicios", "{r} Distribución")),
    "it": ("Gruppo {r}", ("{r} Nord", "{r} Servizi", "{r} Distribuzione")),
}
_TLD = {"BE": "be", "FR": "fr", "NL": "nl", "DE": "de", "LU": "lu", "GB": "co.uk", "ES": "es", "IT": "it"}
_MAILBOXES = {
    "fr": ("comptabilite", "factures", "compta", "fournisseurs"),
    "nl": ("boekhouding", "facturen", "administratie", "crediteuren"),
    "de": ("buchhaltung", "rechnungen", "kreditoren"),
    "en": ("accounts", "ap", "invoices", "accounts.payable"),
    "es": ("contabilidad", "facturas"),
    "it": ("amministrazione", "fatture"),
}
# Where each entity's customers are: (country, language, weight)
_MARKETS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "demo-be": (
        ("BE", "nl", 28), ("BE", "fr", 24), ("NL", "nl", 16), ("LU", "fr", 10), ("DE", "de", 14),
        ("FR", "fr", 5), ("GB", "en", 3),
    ),
    "demo-fr": (
        ("FR", "fr", 62), ("BE", "fr", 8), ("DE", "de", 9), ("GB", "en", 8), ("ES", "es", 6),
        ("IT", "it", 5), ("LU", "fr", 2),
    ),
}  # fmt: skip
# Segments: (name, share %, invoices a month, (lowest, highest) unit-price scale)
_SEGMENTS = (
    ("key_account", 6, 6.0, 4),
    ("large", 16, 2.5, 2),
    ("medium", 40, 1.0, 1),
    ("small", 38, 0.45, 1),
)
# Payment behaviour: (profile, share %); every profile appears at least once
PROFILES = (
    ("on_time", 60), ("slow", 17), ("late", 10), ("erratic", 5), ("partial", 5), ("defaulter", 3),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DemoCustomer:
    external_id: str
    entity: str
    name: str
    legal_form: str
    country: str
    language: str
    vat_number: str
    iban: str
    emails: tuple[str, ...]
    terms: int
    segment: str
    profile: str
    parent_id: str = ""
    credit_limit_minor: int | None = None
    payment_weekday: int | None = None  # customers that pay in weekly runs


def _ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "-" for c in folded.lower()).strip("-").replace("--", "-")


def _quota(rng: random.Random, n: int, shares: tuple[tuple[str, int], ...]) -> list[str]:
    """``n`` labels in proportion to ``shares``, each at least once, shuffled."""
    total = sum(s for _, s in shares)
    counts = {label: max(1, n * s // total) for label, s in shares}
    first = shares[0][0]
    counts[first] += n - sum(counts.values())
    labels = [label for label, c in counts.items() for _ in range(max(c, 0))]
    rng.shuffle(labels)
    return labels[:n]


def plan_customers(rng: random.Random, count: int) -> list[DemoCustomer]:
    """``count`` customers split over the two entities, parents before their subsidiaries."""
    per_entity = {"demo-be": count - count * 45 // 100, "demo-fr": count * 45 // 100}
    result: list[DemoCustomer] = []
    used_names: set[str] = set()
    serial = 0
    for code, n in per_entity.items():
        profiles = _quota(rng, n, PROFILES)
        segments = _quota(rng, n, tuple((s[0], s[1]) for s in _SEGMENTS))
        markets = _MARKETS[code]
        made = 0
        while made < n:
            country, language, _w = rng.choices(markets, weights=[m[2] for m in markets])[0]
            names = _NAMES[language]
            forms = _LEGAL_FORMS[(country, language)]
            group = made + 3 <= n and rng.randrange(100) < 6
            if group:
                root = rng.choice(names["family"])
                parent_pattern, child_patterns = _GROUP_WORDS[language]
                titles = [parent_pattern.format(r=root)] + [
                    p.format(r=root) for p in rng.sample(child_patterns, rng.randint(1, 2))
                ]
            else:
                titles = [
                    rng.choice(names["pattern"]).format(n=rng.choice(names["family"]))
                    if rng.randrange(100) < 80
                    else rng.choice(names["region"])
                ]
            if any(t in used_names for t in titles):
                continue
            parent_id = ""
            for position, title in enumerate(titles):
                serial += 1
                used_names.add(title)
                form = rng.choice(forms)
                i = made
                made += 1
                segment = "key_account" if group and position == 0 else segments[i]
                terms = rng.choice((30, 30, 30, 30, 45, 60)) if country != "DE" else rng.choice((30, 30, 45))
                mailbox = _MAILBOXES[language]
                domain = f"{_ascii_slug(title)}.{_TLD[country]}"
                emails = (f"{rng.choice(mailbox)}@{domain}",) + (
                    (f"{rng.choice(mailbox)}.{rng.randint(1, 9)}@{domain}",)
                    if rng.randrange(100) < 15
                    else ()
                )
                external_id = f"C{serial:05d}"
                limit = None
                if segment in ("key_account", "large") or rng.randrange(100) < 20:
                    limit = rng.choice((10_000, 25_000, 50_000, 100_000, 250_000)) * 100
                result.append(
                    DemoCustomer(
                        external_id=external_id, entity=code, name=f"{title} {form}", legal_form=form,
                        country=country, language=language,
                        vat_number=vat_number(rng, country) if rng.randrange(100) < 96 else "",
                        iban=iban(rng, country), emails=emails, terms=terms, segment=segment,
                        profile=profiles[i], parent_id=parent_id, credit_limit_minor=limit,
                        payment_weekday=rng.choice((1, 3, 4)) if segment in ("key_account", "large") else None,
                    )
                )  # fmt: skip
                if group and position == 0:
                    parent_id = external_id
    return result


# --- documents ----------------------------------------------------------------------

# (code, unit, lowest and highest unit price in cents, lowest and highest quantity)
_CATALOGUE = (
    ("maintenance", "MON", 9_500, 120_000, 1, 1),
    ("intervention", "HUR", 6_500, 11_000, 1, 8),
    ("parts", "C62", 500, 30_000, 1, 6),
    ("consumables", "C62", 200, 4_500, 1, 20),
    ("travel", "C62", 3_500, 9_500, 1, 1),
    ("training", "DAY", 45_000, 110_000, 1, 2),
)
_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "maintenance": {
        "fr": "Contrat de maintenance – redevance mensuelle", "nl": "Onderhoudscontract – maandvergoeding",
        "de": "Wartungsvertrag – Monatspauschale", "en": "Maintenance contract – monthly fee",
    },
    "intervention": {
        "fr": "Intervention sur site (heures)", "nl": "Interventie ter plaatse (uren)",
        "de": "Technikereinsatz vor Ort (Stunden)", "en": "On-site intervention (hours)",
    },
    "parts": {"fr": "Pièces de rechange", "nl": "Wisselstukken", "de": "Ersatzteile", "en": "Spare parts"},
    "consumables": {"fr": "Consommables", "nl": "Verbruiksgoederen", "de": "Verbrauchsmaterial", "en": "Consumables"},
    "travel": {"fr": "Forfait déplacement", "nl": "Verplaatsingskosten", "de": "Anfahrtspauschale", "en": "Travel costs"},
    "training": {"fr": "Journée de formation", "nl": "Opleidingsdag", "de": "Schulungstag", "en": "Training day"},
    "credit": {
        "fr": "Avoir sur facture {n} – {r}", "nl": "Creditnota op factuur {n} – {r}",
        "de": "Gutschrift zu Rechnung {n} – {r}", "en": "Credit note on invoice {n} – {r}",
    },
}  # fmt: skip
_CREDIT_REASONS = {
    "fr": ("remise commerciale", "marchandise retournée", "erreur de prix", "annulation"),
    "nl": ("commerciële korting", "retour goederen", "prijsfout", "annulering"),
    "de": ("Preisnachlass", "Warenrücksendung", "Preisfehler", "Stornierung"),
    "en": ("commercial discount", "returned goods", "pricing error", "cancellation"),
}
_EU = frozenset({"BE", "FR", "NL", "DE", "LU", "ES", "IT"})
_DOMESTIC_VAT = {"demo-be": ("BE", Decimal(21)), "demo-fr": ("FR", Decimal(20))}


@dataclass(frozen=True, slots=True)
class DemoLine:
    description: str
    unit: str
    quantity: int
    unit_price_minor: int

    @property
    def net_minor(self) -> int:
        return self.quantity * self.unit_price_minor


@dataclass(slots=True)
class DemoDocument:
    """An invoice or credit note; ``number`` and ``reference`` are given once all are dated."""

    customer: DemoCustomer
    kind: str
    issue_date: date
    due_date: date
    lines: tuple[DemoLine, ...]
    vat_rate: Decimal
    vat_category: str
    number: str = ""
    series: str = ""
    reference: str = ""
    credits: DemoDocument | None = None

    @property
    def net_minor(self) -> int:
        return sum(line.net_minor for line in self.lines)

    @property
    def vat_minor(self) -> int:
        return (Money.from_minor(self.net_minor, CURRENCY) * (self.vat_rate / 100)).round().minor_units()

    @property
    def total_minor(self) -> int:
        return self.net_minor + self.vat_minor


def _vat_for(customer: DemoCustomer) -> tuple[Decimal, str]:
    """Domestic rate at home; intra-community reverse charge (K) for EU customers with a VAT
    number; export (G) outside the EU."""
    home, rate = _DOMESTIC_VAT[customer.entity]
    if customer.country == home or (customer.country in _EU and not customer.vat_number):
        return rate, "S"
    if customer.country in _EU:
        return Decimal(0), "K"
    return Decimal(0), "G"


def _language(customer: DemoCustomer) -> str:
    return customer.language if customer.language in ("fr", "nl", "de") else "en"


def _working_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, 28))


def plan_invoices(
    rng: random.Random, customers: list[DemoCustomer], start: date, end: date
) -> list[DemoDocument]:
    """Each customer's invoices from ``start`` to ``end``, at its segment's pace."""
    pace = {s[0]: (s[2], s[3]) for s in _SEGMENTS}
    days = (end - start).days
    result = []
    for customer in customers:
        per_month, scale = pace[customer.segment]
        expected = per_month * days / 30.4
        count = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
        rate, category = _vat_for(customer)
        language = _language(customer)
        for _ in range(count):
            issue = _working_day(start + timedelta(days=rng.randint(0, days)))
            if issue > end:
                issue = end - timedelta(days=(end.weekday() - 4) if end.weekday() >= 5 else 0)
            lines = []
            for code, unit, low, high, qlow, qhigh in rng.sample(_CATALOGUE, rng.randint(1, 3)):
                quantity = rng.randint(qlow, qhigh) * (scale if unit in ("C62", "HUR") else 1)
                lines.append(DemoLine(_DESCRIPTIONS[code][language], unit, quantity, rng.randint(low, high)))
            result.append(
                DemoDocument(
                    customer, DocumentKind.INVOICE, issue, issue + timedelta(days=customer.terms), tuple(lines),
                    rate, category,
                )
            )  # fmt: skip
    return result


def plan_credit_notes(rng: random.Random, invoices: list[DemoDocument], end: date) -> list[DemoDocument]:
    """About one invoice in 25 is credited, in part (a discount, a return) or in full."""
    result = []
    for inv in invoices:
        if rng.randrange(100) >= 4:
            continue
        issue = _working_day(inv.issue_date + timedelta(days=rng.randint(3, 25)))
        if issue > end:
            continue
        language = _language(inv.customer)
        reason = rng.randrange(4)
        share = 100 if reason == 3 else rng.choice((5, 10, 15, 20, 30, 50))
        net = inv.net_minor * share // 100
        if net <= 0:
            continue
        text = _DESCRIPTIONS["credit"][language].format(n="{n}", r=_CREDIT_REASONS[language][reason])
        line = DemoLine(text, "C62", 1, net)
        result.append(
            DemoDocument(inv.customer, DocumentKind.CREDIT_NOTE, issue, issue, (line,), inv.vat_rate,
                         inv.vat_category, credits=inv)
        )  # fmt: skip
    return result


def number_documents(documents: list[DemoDocument]) -> None:
    """Number without gaps per entity, series and year, in issue order; give each invoice its reference.

    Belgian entity: ``F2026-00001`` with an OGM built from year and sequence;
    French entity: ``FA2026-00001`` with the RF reference of the number.
    Credit notes: ``NC…`` (Belgium) and ``AV…`` (France), without reference.
    """
    prefixes = {
        ("demo-be", DocumentKind.INVOICE): "F", ("demo-be", DocumentKind.CREDIT_NOTE): "NC",
        ("demo-fr", DocumentKind.INVOICE): "FA", ("demo-fr", DocumentKind.CREDIT_NOTE): "AV",
    }  # fmt: skip
    counters: dict[tuple[str, str, int], int] = defaultdict(int)
    ordered = sorted(
        documents,
        key=lambda d: (d.customer.entity, d.kind, d.issue_date, d.customer.external_id, d.net_minor),
    )
    for doc in ordered:
        series = prefixes[(doc.customer.entity, doc.kind)]
        key = (doc.customer.entity, series, doc.issue_date.year)
        counters[key] += 1
        seq = counters[key]
        doc.series = series
        doc.number = f"{series}{doc.issue_date.year}-{seq:05d}"
        if doc.kind == DocumentKind.INVOICE:
            if doc.customer.entity == "demo-be":
                doc.reference = create_ogm(f"{doc.issue_date.year}{seq:06d}")
            else:
                doc.reference = create_rf(doc.number)
    for doc in ordered:
        if doc.credits is not None:
            first = doc.lines[0]
            doc.lines = (
                DemoLine(
                    first.description.format(n=doc.credits.number), first.unit, 1, first.unit_price_minor
                ),
            )


# --- payments -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DemoSettlement:
    """One allocation to post: a payment, a credit note applied or a write-off."""

    kind: str
    on: date
    amount_minor: int
    document: DemoDocument
    credit_note: DemoDocument | None = None


@dataclass
class PaymentPlan:
    settlements: list[DemoSettlement] = field(default_factory=list)
    overpaid: dict[tuple[str, date], int] = field(default_factory=dict)  # (customer, day) → extra cents
    written_off: list[DemoDocument] = field(default_factory=list)


def _pay_day(customer: DemoCustomer, day: date) -> date:
    if customer.payment_weekday is not None:
        day += timedelta(days=(customer.payment_weekday - day.weekday()) % 7)
    return _working_day(day)


def _days_late(rng: random.Random, profile: str) -> int | None:
    """Days after the due date the customer pays; None: not paid (yet)."""
    if profile == "on_time":
        return rng.randint(-12, 3)
    if profile == "slow":
        return rng.randint(-3, 15)
    if profile == "late":
        return rng.randint(15, 50)
    if profile == "erratic":
        return rng.randint(-5, 10) if rng.randrange(100) < 55 else rng.randint(30, 110)
    return rng.randint(20, 75)  # partial and defaulter, while they still pay


def plan_payments(
    rng: random.Random, invoices: list[DemoDocument], credit_notes: list[DemoDocument], start: date, end: date
) -> PaymentPlan:
    """What each customer paid, credited and had written off, up to ``end``."""
    plan = PaymentPlan()
    credited: dict[int, DemoDocument] = {id(cn.credits): cn for cn in credit_notes}
    span = (end - start).days
    default_from: dict[str, date] = {}
    for inv in invoices:
        c = inv.customer
        if c.profile == "defaulter" and c.external_id not in default_from:
            default_from[c.external_id] = start + timedelta(
                days=rng.randint(span // 4, max(span // 4, span // 2))
            )
    unpaid: list[DemoDocument] = []
    for inv in sorted(invoices, key=lambda d: d.number):
        c = inv.customer
        due_left = inv.total_minor
        earliest = inv.issue_date + timedelta(days=1)
        cn = credited.get(id(inv))
        if cn is not None:
            plan.settlements.append(
                DemoSettlement(AllocationKind.CREDIT_NOTE, cn.issue_date, cn.total_minor, inv, cn)
            )
            plan.settlements.append(
                DemoSettlement(AllocationKind.CREDIT_NOTE, cn.issue_date, cn.total_minor, cn, cn)
            )
            due_left -= cn.total_minor
            earliest = max(earliest, cn.issue_date)
        if due_left == 0:
            continue
        disputed = rng.randrange(1000) < 20
        if c.profile == "defaulter" and inv.issue_date >= default_from[c.external_id]:
            unpaid.append(inv)
            continue
        late = rng.randint(60, 200) if disputed else _days_late(rng, c.profile)
        if disputed and rng.randrange(100) < 40:
            late = None
        if late is None:
            unpaid.append(inv)
            continue
        first = _pay_day(c, max(earliest, inv.due_date + timedelta(days=late)))
        if first > end:
            continue
        parts = [due_left]
        if c.profile == "partial" and rng.randrange(100) < 70:
            part = due_left * rng.randint(30, 80) // 100
            parts = [part, due_left - part] if part > 0 else [due_left]
        plan.settlements.append(DemoSettlement(AllocationKind.INVOICE, first, parts[0], inv))
        if len(parts) == 2:
            second = _pay_day(c, first + timedelta(days=rng.randint(20, 80)))
            if second <= end:
                plan.settlements.append(DemoSettlement(AllocationKind.INVOICE, second, parts[1], inv))
        if rng.randrange(1000) < 8:
            plan.overpaid[(c.external_id, first)] = rng.randint(5, 50) * 100
    # Collections give up on a few old unpaid items: written off 5 to 7 months after the due date.
    cap = max(2, len({i.customer.external_id for i in invoices}) // 60)
    candidates = []
    for inv in sorted(unpaid, key=lambda d: d.number):
        on = _working_day(inv.due_date + timedelta(days=rng.randint(150, 210)))
        if on <= end:
            candidates.append((inv, on))
    for inv, on in sorted(rng.sample(candidates, min(cap, len(candidates))), key=lambda c: c[0].number):
        left = inv.total_minor - sum(s.amount_minor for s in plan.settlements if s.document is inv)
        plan.settlements.append(DemoSettlement(AllocationKind.WRITE_OFF, on, left, inv))
        plan.written_off.append(inv)
    return plan


# --- the workspace ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntitySpec:
    code: str
    legal_name: str
    country: str
    scheme: str
    address: str
    bic: str
    vat_seed: int


ENTITIES = (
    EntitySpec("demo-be", "Verhaegen Industrial Services SRL", "BE", "ogm",
               "Chaussée de Bruxelles 212, 1300 Wavre, Belgique", "GEBABEBB", 7),
    EntitySpec("demo-fr", "Verhaegen France SAS", "FR", "rf",
               "12 rue de la Villette, 69003 Lyon, France", "BNPAFRPP", 11),
)  # fmt: skip


@dataclass
class DemoSummary:
    as_of: date
    seed: int
    entities: int = 0
    customers: int = 0
    invoices: int = 0
    credit_notes: int = 0
    receipts: int = 0
    allocations: int = 0
    write_offs: int = 0
    issued: int = 0
    users: tuple[str, ...] = ()
    folder: Path = Path()
    collections: CollectionsSummary | None = None

    def lines(self) -> list[str]:
        return [
            f"Demo workspace as of {self.as_of} (seed {self.seed}), files in {self.folder}:",
            f"  {self.entities} entities, {self.customers} customers, {self.invoices} invoices, "
            f"{self.credit_notes} credit notes",
            f"  {self.receipts} receipts, {self.allocations} allocations, {self.write_offs} write-offs",
            f"  {self.issued} invoices issued today through billing (PDF, Peppol UBL, Factur-X, archived)",
            f"  users: {', '.join(self.users)} (password {PASSWORD})",
            *(self.collections.lines(self.as_of) if self.collections is not None else ()),
        ]


def prepare_database(*, reset: bool) -> None:
    """Apply migrations, empty every table (and the demo's outboxes) when ``reset``, and (re)create the roles."""
    call_command("migrate", interactive=False, verbosity=0)
    if reset:
        # flush, not delete(): allocations, journal and audit rows refuse delete() by design
        call_command("flush", interactive=False, verbosity=0)
        # what the previous demo sent (e-mails, Peppol files) would be mistaken for this one's
        home = Path(settings.HOME)
        for path in [*(home / "outbox").glob("*.log"), *(home / "peppol-outbox").glob("inv*.peppol.*")]:
            path.unlink(missing_ok=True)
    ensure_roles()


def _create_entities() -> dict[str, Entity]:
    result = {}
    for spec in ENTITIES:
        own = random.Random(spec.vat_seed)  # an entity's identity does not change with the seed
        vat = vat_number(own, spec.country)
        entity = Entity.objects.create(
            code=spec.code, legal_name=spec.legal_name, country=spec.country, vat_number=vat,
            company_id=vat[2:], functional_currency=CURRENCY, ibans=[iban(own, spec.country)], bic=spec.bic,
            peppol_scheme_id="0208" if spec.country == "BE" else "0002",  # enterprise number; SIREN
            peppol_endpoint_id=vat[2:] if spec.country == "BE" else vat[4:],
            address=spec.address, reference_scheme=spec.scheme,
        )  # fmt: skip
        audit.record(
            "entity.created", entity=entity, object_type="entity", object_id=entity.pk,
            data={"code": entity.code, "legal_name": entity.legal_name},
        )  # fmt: skip
        result[spec.code] = entity
    return result


def _create_users(entities: dict[str, Entity]) -> tuple[str, ...]:
    user_model = get_user_model()
    admin = user_model.objects.create_superuser(SUPERUSER, f"{SUPERUSER}@example.com", PASSWORD)
    admin.groups.add(Group.objects.get(name="admin"))
    users = [admin]
    for name, role in ROLE_USERS.items():
        user = user_model.objects.create_user(name, f"{name}@example.com", PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        users.append(user)
    EntityGrant.objects.bulk_create(EntityGrant(user=u, entity=e) for u in users for e in entities.values())
    audit.record("users.created", object_type="user", object_id=",".join(u.username for u in users))
    return tuple(u.username for u in users)


def _write_customers(path: Path, customers: list[DemoCustomer]) -> None:
    columns = ["entity", "id", "name", "legal_form", "country", "vat_number", "iban", "email", "language",
               "payment_terms_days", "credit_limit", "segment", "parent_id"]  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for c in customers:
            limit = (
                str(Money.from_minor(c.credit_limit_minor, CURRENCY).amount) if c.credit_limit_minor else ""
            )
            writer.writerow(
                [c.entity, c.external_id, c.name, c.legal_form, c.country, c.vat_number, c.iban, ";".join(c.emails),
                 c.language, c.terms, limit, c.segment, c.parent_id]
            )  # fmt: skip


def _amount(minor: int) -> str:
    return str(Money.from_minor(minor, CURRENCY).amount)


def _write_invoices(path: Path, documents: list[DemoDocument]) -> None:
    columns = ["entity", "number", "series", "kind", "customer_id", "issue_date", "due_date", "currency", "net",
               "vat", "total", "structured_reference", "payment_terms", "lines"]  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for d in sorted(documents, key=lambda d: (d.customer.entity, d.issue_date, d.number)):
            lines = [
                {"description": ln.description, "quantity": str(ln.quantity), "unit": ln.unit,
                 "unit_price": _amount(ln.unit_price_minor), "vat_rate": str(d.vat_rate), "vat_category": d.vat_category}
                for ln in d.lines
            ]  # fmt: skip
            terms = f"{d.customer.terms} days net" if d.kind == DocumentKind.INVOICE else ""
            writer.writerow(
                [d.customer.entity, d.number, d.series, d.kind, d.customer.external_id, d.issue_date.isoformat(),
                 d.due_date.isoformat(), CURRENCY, _amount(d.net_minor), _amount(d.vat_minor), _amount(d.total_minor),
                 d.reference, terms, json.dumps(lines, ensure_ascii=False)]
            )  # fmt: skip


_REMITTANCE = {"fr": "Factures", "nl": "Facturen", "de": "Rechnungen", "en": "Invoices"}


def _remittance(docs: list[DemoDocument]) -> str:
    """What the payer writes on the transfer: the structured reference of a single invoice."""
    if len(docs) == 1 and docs[0].reference:
        ref = docs[0].reference
        return format_rf(ref) if ref.startswith("RF") else format_ogm(ref)
    text = f"{_REMITTANCE[_language(docs[0].customer)]} {' '.join(d.number for d in docs)}"
    return text[:140]


def _post_payments(
    entities: dict[str, Entity], plan: PaymentPlan, ids: dict[tuple[str, str], int]
) -> tuple[int, int]:
    """Receipts (one per customer and day) and their allocations; returns (receipts, allocations)."""
    customer_ids = {
        (code, ext): pk for code, ext, pk in Customer.objects.values_list("entity__code", "external_id", "id")
    }
    paid: dict[tuple[str, str, date], list[DemoSettlement]] = defaultdict(list)
    for s in plan.settlements:
        if s.kind == AllocationKind.INVOICE:
            paid[(s.document.customer.entity, s.document.customer.external_id, s.on)].append(s)
    keys = sorted(paid)
    receipts = Receipt.objects.bulk_create(
        Receipt(
            entity=entities[code], customer_id=customer_ids[(code, ext)], currency=CURRENCY, value_date=day,
            amount_minor=sum(s.amount_minor for s in paid[(code, ext, day)]) + plan.overpaid.get((ext, day), 0),
            reference=_remittance([s.document for s in paid[(code, ext, day)]]), source="demo bank statement",
        )
        for code, ext, day in keys
    )  # fmt: skip
    receipt_of = {key: r.pk for key, r in zip(keys, receipts, strict=True)}
    requests: dict[str, list[AllocationRequest]] = defaultdict(list)
    for s in plan.settlements:
        doc = s.document
        code = doc.customer.entity
        receipt_id = (
            receipt_of[(code, doc.customer.external_id, s.on)] if s.kind == AllocationKind.INVOICE else None
        )
        requests[code].append(
            AllocationRequest(
                kind=s.kind, amount_minor=s.amount_minor, currency=CURRENCY, effective_date=s.on,
                invoice_id=ids[(code, doc.number)], receipt_id=receipt_id,
                credit_note_id=ids[(code, s.credit_note.number)] if s.credit_note else None,
                note="written off: collection abandoned" if s.kind == AllocationKind.WRITE_OFF else "",
            )
        )  # fmt: skip
    for (code, ext, day), receipt_id in receipt_of.items():
        extra = plan.overpaid.get((ext, day), 0)
        if extra:
            requests[code].append(
                AllocationRequest(
                    kind=AllocationKind.ON_ACCOUNT, amount_minor=extra, currency=CURRENCY, effective_date=day,
                    receipt_id=receipt_id, note="overpayment kept on account",
                )
            )  # fmt: skip
    posted = 0
    for code in sorted(requests):
        posted += post_allocations(entities[code], requests[code])
    return len(receipts), posted


def build_demo(
    *,
    seed: int = 1,
    customers: int = 300,
    months: int = 12,
    as_of: date | None = None,
    folder: Path | None = None,
) -> DemoSummary:
    """Fill an empty, migrated database with the demo workspace (see the module docstring)."""
    if customers < 10:
        raise ValueError("the demo needs at least 10 customers")
    if not 1 <= months <= 60:
        raise ValueError("the demo covers 1 to 60 months")
    if Entity.objects.exists():
        raise DemoRefused("the database already holds entities; `encaisse demo --reset` empties it first")
    end = as_of or clock_today()
    start = _months_before(end, months)
    folder = folder or Path(settings.HOME) / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    people = plan_customers(rng, customers)
    invoices = plan_invoices(rng, people, start, end)
    credit_notes = plan_credit_notes(rng, invoices, end)
    number_documents(invoices + credit_notes)
    plan = plan_payments(rng, invoices, credit_notes, start, end)
    summary = DemoSummary(as_of=end, seed=seed, folder=folder)
    with transaction.atomic():
        entities = _create_entities()
        summary.entities = len(entities)
        summary.users = _create_users(entities)
        customers_csv, invoices_csv = folder / "customers.csv", folder / "invoices.csv"
        _write_customers(customers_csv, people)
        _write_invoices(invoices_csv, invoices + credit_notes)
        summary.customers = import_customers(customers_csv, actor="demo").new
        imported = import_invoices(invoices_csv, actor="demo")
        summary.invoices, summary.credit_notes = len(invoices), len(credit_notes)
        if imported.new != len(invoices) + len(credit_notes):
            raise RuntimeError(
                f"expected {len(invoices) + len(credit_notes)} new documents, got {imported.new}"
            )
        ids = {
            (code, number): pk
            for code, number, pk in Invoice.objects.values_list("entity__code", "number", "id").iterator()
        }
        summary.receipts, summary.allocations = _post_payments(entities, plan, ids)
        # post_allocations settles the amount; the document's written-off mark is the collector's decision
        Invoice.objects.filter(pk__in=[ids[(d.customer.entity, d.number)] for d in plan.written_off]).update(
            written_off=True
        )
        summary.write_offs = len(plan.written_off)
        summary.issued = issue_recent_invoices(entities, people, end)
        audit.record(
            "demo.built", actor="demo", object_type="workspace", object_id=f"seed-{seed}",
            data={k: str(v) for k, v in _summary_data(summary).items()},
        )  # fmt: skip
    # sending happens outside any transaction (nothing leaves inside one that could roll back)
    summary.collections = deliver_and_collect(end, folder=folder, home=Path(settings.HOME))
    summary.collections.portal_user, summary.collections.portal_note = create_portal_user()
    return summary


ISSUED_PER_ENTITY = 4


def issue_recent_invoices(entities: dict[str, Entity], people: list[DemoCustomer], day: date) -> int:
    """Issue a few of today's invoices as a user would: validated, rendered, archived.

    The year of history is imported (as a company moving to Encaisse would bring it); these go
    through the billing service, so the demo shows issued PDFs, UBL and Factur-X documents.
    """
    from encaisse.billing.models import CustomerBilling
    from encaisse.billing.profiles import configure_billing
    from encaisse.billing.services import create_invoice

    issued = 0
    for spec in ENTITIES:
        entity = entities[spec.code]
        street, town, _country = (part.strip() for part in spec.address.split(","))
        postcode, city = town.split(" ", 1)
        configure_billing(
            entity,
            {"address_lines": [street], "city": city, "postcode": postcode, "contact_email": f"ar@{spec.code}.example",
             "company_id_scheme": "0208" if spec.country == "BE" else "0002", "invoice_series": "E"},
            series={"E": "E{year}-{seq:05d}"}, actor="demo",
        )  # fmt: skip
        chosen = [c for c in people if c.entity == spec.code and c.country == spec.country][
            :ISSUED_PER_ENTITY
        ]
        for n, person in enumerate(chosen, start=1):
            customer = Customer.objects.get(entity=entity, external_id=person.external_id)
            CustomerBilling.objects.get_or_create(
                customer=customer,
                defaults={"address_lines": ["Grand-Place 1"], "city": "Namur", "postcode": "5000"},
            )
            rate = "21" if spec.country == "BE" else "20"
            create_invoice(
                {"entity": spec.code, "customer": person.external_id, "key": f"demo-{spec.code}-{n}",
                 "issue_date": day.isoformat(), "currency": "EUR", "payment_terms": "2/10 net 30",
                 "lines": [{"description": "Maintenance contract, monthly fee", "quantity": "1", "unit": "C62",
                            "unit_price": f"{450 + 25 * n}.00", "vat_rate": rate, "vat_category": "S"},
                           {"description": "On-site intervention", "quantity": f"{n}", "unit": "HUR",
                            "unit_price": "85.00", "vat_rate": rate, "vat_category": "S"}]},
                actor="demo", on=day,
            )  # fmt: skip
            issued += 1
    return issued


def _summary_data(summary: DemoSummary) -> dict[str, Any]:
    return {
        "as_of": summary.as_of, "customers": summary.customers, "invoices": summary.invoices,
        "credit_notes": summary.credit_notes, "receipts": summary.receipts, "allocations": summary.allocations,
        "write_offs": summary.write_offs,
    }  # fmt: skip


# --- delivery and collections ----------------------------------------------------------------

#: How today's invoices of each entity travel, by their position among the entity's issued ones:
#: peppol (the access point reports it delivered), e-mail opened through the portal link, e-mail to an
#: address that no longer exists (bounce), post (print batch) or a plain e-mail.
DELIVERY_PLAN: dict[str, tuple[str, ...]] = {
    "demo-be": ("peppol-delivered", "email-viewed", "email-bounce", "post"),
    "demo-fr": ("peppol", "email-viewed", "email", "email-bounce-post"),
}
PORTAL_USER = "portal@demo.example"


@dataclass
class CollectionsSummary:
    deliveries: dict[str, int] = field(default_factory=dict)  # status → count
    channels: dict[str, int] = field(default_factory=dict)  # channel → count
    issues: int = 0
    post_batches: int = 0
    letters: int = 0
    promises: dict[str, int] = field(default_factory=dict)  # status → count
    call_tasks: int = 0
    portal_user: str = ""
    portal_note: str = ""

    def lines(self, day: date) -> list[str]:
        def counts(figures: dict[str, int]) -> str:
            return ", ".join(f"{n} {name}" for name, n in sorted(figures.items())) or "none"

        home = Path(settings.HOME)
        return [
            f"  deliveries of today's invoices: {counts(self.deliveries)}; by channel: {counts(self.channels)}",
            f"    e-mails in {home / 'outbox'}, Peppol files in {home / 'peppol-outbox'}, "
            f"{self.post_batches} print batch(es); {self.issues} delivery issue(s) to handle",
            f"  dunning run as of {day}: {self.letters} draft letters waiting for a collector's approval "
            f"(Collections); promises to pay: {counts(self.promises)}; {self.call_tasks} call task(s)",
            f"  customer portal: {self.portal_user} (password {PASSWORD})" if self.portal_user
            else f"  customer portal: {self.portal_note}",
        ]  # fmt: skip


@contextmanager
def offline_delivery(home: Path) -> Iterator[Path]:
    """Whatever is configured, the demo's e-mails go to ``home/outbox`` and its Peppol files to ``home/peppol-outbox``.

    The demo's customers are invented but their domains may exist: nothing the demo sends
    leaves the machine. Yields the Peppol folder.
    """
    peppol = home / "peppol-outbox"
    overrides = {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(home / "outbox"),
        "ENCAISSE_PEPPOL_OUTBOX": str(peppol),
    }
    missing = object()
    before = {name: getattr(settings, name, missing) for name in overrides}
    for name, value in overrides.items():
        setattr(settings, name, value)
    try:
        yield peppol
    finally:
        for name, value in before.items():
            if value is missing:
                delattr(settings, name)
            else:
                setattr(settings, name, value)


def _send_all(channels: Any, entities: list[Entity]) -> None:
    """What the job worker would do: send every due delivery, then the fallbacks they queue."""
    from encaisse.delivery.services import due_ids, send_delivery

    pending = due_ids(entities=entities)
    while pending:
        outcome = send_delivery(pending.pop(0), channels=channels)
        pending.extend(outcome.follow_up)


def _dsn(sender: str, address: str, message_id: str, day: date) -> bytes:
    """The bounce a mail server sends back for a mailbox that no longer exists (RFC 3464)."""
    return (
        f"From: Mail Delivery System <MAILER-DAEMON@{sender.rsplit('@', 1)[-1]}>\r\n"
        f"To: {sender}\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        f"Date: {day.strftime('%a, %d %b %Y')} 17:40:00 +0000\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"\r\n\r\n'
        "--dsn\r\nContent-Type: text/plain\r\n\r\n"
        f"Your message could not be delivered to {address}: the mailbox does not exist.\r\n\r\n"
        "--dsn\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.net\r\n\r\n"
        f"Final-Recipient: rfc822; {address}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n"
        "--dsn\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {message_id}\r\nTo: {address}\r\n\r\n--dsn--\r\n"
    ).encode()


def deliver_and_collect(day: date, *, folder: Path, home: Path) -> CollectionsSummary:
    """Deliver today's issued invoices, record what followed, take promises and run dunning as of ``day``.

    Runs outside any transaction (nothing is sent inside one that could roll back): each step is
    a use case of the delivery and collections apps, as a clerk, a customer and the job worker
    would have caused them. The dunning run leaves its letters as drafts for a collector.
    """
    from encaisse.collections.models import CallTask, DunningLetter, PromiseToPay
    from encaisse.collections.services import dunning_run
    from encaisse.delivery import messages
    from encaisse.delivery.channels import Channel, ChannelSet
    from encaisse.delivery.channels.peppol import OutboxChannel
    from encaisse.delivery.dsn import parse_dsn
    from encaisse.delivery.models import BounceSource, Delivery, DeliveryIssue, DeliverySettings
    from encaisse.delivery.services import (
        build_post_batch,
        queue_pending,
        record_bounce,
        record_provider_status,
        record_view,
        set_preference,
    )
    from encaisse.delivery.tokens import make_token

    summary = CollectionsSummary()
    entities = list(Entity.objects.filter(code__in=DELIVERY_PLAN).order_by("code"))
    for entity in entities:
        DeliverySettings.objects.update_or_create(
            entity=entity,
            defaults={
                "from_email": f"invoices@{entity.code}.example",
                "reply_to": f"ar@{entity.code}.example",
            },
        )
    plan: dict[int, str] = {}
    for entity in entities:
        issued = Invoice.objects.filter(entity=entity, billing_document__isnull=False, issue_date=day)
        ordered = issued.select_related("customer").order_by("number")
        for invoice, how in zip(ordered, DELIVERY_PLAN[entity.code], strict=False):
            plan[invoice.pk] = how
            customer = invoice.customer
            domain = (
                customer.emails[0].rsplit("@", 1)[-1]
                if customer.emails
                else f"{customer.external_id}.example"
            )
            gone = f"ancienne.compta@{domain}" if customer.language == "fr" else f"old.accounts@{domain}"
            channels = {
                "peppol-delivered": (["peppol", "email"], []), "peppol": (["peppol", "email"], []),
                "email-bounce": (["email"], [gone]), "email-bounce-post": (["email", "post"], [gone]),
                "post": (["post"], []),
            }.get(how)  # fmt: skip
            if channels is not None:
                set_preference(customer, channels=channels[0], to=channels[1], actor="clerk")

    class OfflineChannels(ChannelSet):
        """The configured channels, except Peppol: the demo's folder, never a configured access point."""

        def get(self, name: str) -> Channel:
            return peppol if name == "peppol" else super().get(name)

    with offline_delivery(home) as peppol_folder, OfflineChannels() as channels:
        peppol = OutboxChannel(peppol_folder)
        queue_pending(entities=entities, actor="demo")
        _send_all(channels, entities)
        deliveries = {
            d.invoice_id: d
            for d in Delivery.objects.filter(invoice_id__in=plan, purpose="invoice", fallback_of__isnull=True)
        }
        for invoice_id, how in plan.items():
            d = deliveries.get(invoice_id)
            if d is None:
                continue
            if how == "peppol-delivered" and d.channel == "peppol" and d.provider_id:
                record_provider_status(d.provider_id, "delivered", actor="access-point")
            elif how == "email-viewed" and d.recipients:
                recipient = d.recipients[0]["address"]
                record_view(make_token(d.pk, invoice_id, recipient), ip="192.0.2.44",
                            user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/128.0")  # fmt: skip
            elif how.startswith("email-bounce") and d.recipients:
                address = d.recipients[0]["address"]
                report = _dsn(
                    f"invoices@{d.entity.code}.example",
                    address,
                    messages.message_id(d.message_token, address),
                    day,
                )
                (folder / f"bounce-{d.invoice.number}.eml").write_bytes(report)
                for bounce in parse_dsn(report):
                    record_bounce(bounce.recipient, f"{bounce.status} {bounce.diagnostic}", source=BounceSource.DSN,
                                  message_id=bounce.original_message_id, actor="demo")  # fmt: skip
        _send_all(channels, entities)  # the fallbacks the bounces queued
        for entity in entities:  # the day's print batch (deliveries carry the real time)
            batch = build_post_batch(entity, day=max(day, timezone.localdate()), actor="demo")
            summary.post_batches += int(batch is not None)
    rows = Delivery.objects.filter(entity__in=entities)
    for status, channel in rows.values_list("status", "channel"):
        summary.deliveries[status] = summary.deliveries.get(status, 0) + 1
        summary.channels[channel] = summary.channels.get(channel, 0) + 1
    summary.issues = DeliveryIssue.objects.filter(entity__in=entities, resolved_at__isnull=True).count()

    _take_promises(entities, day)
    for entity in entities:
        dunning_run(entity, day, actor="demo")
    summary.letters = DunningLetter.objects.filter(entity__in=entities, as_of=day, status="draft").count()
    for status in PromiseToPay.objects.filter(entity__in=entities).values_list("status", flat=True):
        summary.promises[status] = summary.promises.get(status, 0) + 1
    summary.call_tasks = CallTask.objects.filter(entity__in=entities).count()
    return summary


def _take_promises(entities: list[Entity], day: date) -> None:
    """Two promises taken by the collector on the phone: one already broken, one still running."""
    from encaisse.collections.promises import take_promise

    for n, entity in enumerate(entities):
        overdue = (
            Invoice.objects.filter(entity=entity, kind=DocumentKind.INVOICE, written_off=False,
                                   due_date__lt=day - timedelta(days=30), open_minor__gt=0)
            .filter(open_minor=models.F("total_minor"))
            .select_related("customer")
            .order_by("customer__external_id", "due_date", "number")
        )  # fmt: skip
        by_customer: dict[int, list[Invoice]] = defaultdict(list)
        for invoice in overdue:
            by_customer[invoice.customer_id].append(invoice)
        if not by_customer:
            continue
        invoices = next(iter(by_customer.values()))[:2]
        amount = Money.from_minor(sum(i.open_minor for i in invoices), invoices[0].currency).amount
        broken = n % 2 == 0
        taken_on = day - timedelta(days=21 if broken else 2)
        promised = day - timedelta(days=7) if broken else day + timedelta(days=8)
        take_promise(
            invoices[0].customer, invoices, promised, amount, actor="collector", taken_on=taken_on,
            note=f"Promised on the phone on {taken_on.isoformat()}: one transfer for "
            f"{', '.join(i.number for i in invoices)}.",
        )  # fmt: skip


def create_portal_user() -> tuple[str, str]:
    """A portal user on the accounts of a demo group (a parent and its subsidiaries); (e-mail, note)."""
    try:
        from encaisse.portal.services import create_portal_user as create
    except ImportError:
        return "", "not built (the customer portal app is not installed)"
    parent = (
        Customer.objects.filter(entity__code="demo-be", children__isnull=False)
        .distinct()
        .order_by("external_id")
        .first()
    )
    if parent is None:
        return "", "not built (no customer group in this workspace)"
    accounts = [parent, *Customer.objects.filter(parent=parent).order_by("external_id")]
    create(PORTAL_USER, accounts, name=f"Accounts payable, {parent.name}", language=_portal_language(parent),
           password=PASSWORD, actor="demo")  # fmt: skip
    return PORTAL_USER, ""


def _portal_language(customer: Customer) -> str:
    return customer.language if customer.language in ("fr", "nl", "de", "en") else "en"
