"""Independent black-box check of Encaisse's cash application.

What it is: a generator of realistic receivables (customers, IBANs, open invoices and credit
notes), one camt.053.001.02 bank statement (a EUR account and a USD account) and the ground
truth in the ``export-allocations`` format, designed from the issue text and the user docs only
(not from the project's own generator or engine). The product is driven only through its command
line on a fresh SQLite workspace, and its export is scored against the truth per scenario.

Run::

    .venv/bin/python benchmarks/cashapp/blackbox.py [--payments 2000] [--seed 1] [--out DIR] [--keep]

It prints a figures table and step timings and writes ``truth.csv``, ``out.csv``,
``misses.csv`` and ``report.json`` in ``--out`` (default: a temporary directory, removed unless
``--keep``). NumPy and the standard library only.
"""

from __future__ import annotations

import csv
import random
import shutil
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
from blackbox_export import check_arguments, outcome, pct, read_export, report, run_steps, step_log

ACCOUNT_IBAN = "BE71096123456769"  # recomputed below with valid check digits
PERIOD_START = date(2026, 3, 2)
PERIOD_END = date(2026, 3, 31)
BOOK_START = date(2025, 9, 1)

# ----------------------------------------------------------------------------------------
# identifiers: IBAN (ISO 13616), RF (ISO 11649), Belgian OGM/VCS
# ----------------------------------------------------------------------------------------


def _mod97(text: str) -> int:
    digits = "".join(str(int(c, 36)) for c in text)
    return int(digits) % 97


def make_iban(country: str, bban: str) -> str:
    check = 98 - _mod97(bban + country + "00")
    return f"{country}{check:02d}{bban}"


def iban_valid(iban: str) -> bool:
    return _mod97(iban[4:] + iban[:4]) == 1


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def random_iban(rng: random.Random, country: str) -> str:
    if country == "BE":
        first = _digits(rng, 10)
        chk = int(first) % 97 or 97
        return make_iban("BE", f"{first}{chk:02d}")
    if country == "FR":
        bank, branch, acct = _digits(rng, 5), _digits(rng, 5), _digits(rng, 11)
        key = 97 - ((89 * int(bank) + 15 * int(branch) + 3 * int(acct)) % 97)
        return make_iban("FR", f"{bank}{branch}{acct}{key:02d}")
    if country == "DE":
        return make_iban("DE", _digits(rng, 18))
    if country == "NL":
        bank = rng.choice(["ABNA", "RABO", "INGB", "TRIO", "SNSB", "KNAB"])
        return make_iban("NL", bank + _digits(rng, 10))
    if country == "LU":
        return make_iban("LU", _digits(rng, 16))
    if country == "IT":
        return make_iban("IT", rng.choice("ABCDEFGHIJKLMNOPRSTUVWXYZ") + _digits(rng, 22))
    if country == "ES":
        return make_iban("ES", _digits(rng, 20))
    if country == "GB":
        bank = rng.choice(["NWBK", "BARC", "HBUK", "LOYD", "MIDL"])
        return make_iban("GB", bank + _digits(rng, 14))
    raise ValueError(country)


def make_rf(body: str) -> str:
    check = 98 - _mod97(body + "RF00")
    return f"RF{check:02d}{body}"


def rf_valid(ref: str) -> bool:
    return _mod97(ref[4:] + ref[:4]) == 1


def make_ogm(base10: int) -> str:
    chk = base10 % 97 or 97
    return f"{base10:010d}{chk:02d}"


def ogm_fmt(ogm: str, style: int = 0) -> str:
    a, b, c = ogm[:3], ogm[3:7], ogm[7:]
    return [f"+++{a}/{b}/{c}+++", f"{a}/{b}/{c}", f"***{a}/{b}/{c}***", ogm, f"{a} {b} {c}"][style]


def rf_fmt(rf: str, spaced: bool) -> str:
    return " ".join(rf[i : i + 4] for i in range(0, len(rf), 4)) if spaced else rf


# ----------------------------------------------------------------------------------------
# model
# ----------------------------------------------------------------------------------------


@dataclass
class Customer:
    id: str
    name: str
    base: str
    legal_form: str
    country: str
    city: str
    language: str
    ibans: list[str]
    parent_id: str = ""
    terms: int = 30
    cluster: int = -1
    recurring: bool = False
    usd: bool = False
    vat: str = ""


@dataclass
class Invoice:
    number: str
    customer_id: str
    issue: date
    due: date
    currency: str
    total: int  # cents, positive
    scheme: str
    year: int
    seq: int
    kind: str = "invoice"
    sref: str = ""  # structured reference (RF or 12-digit OGM)
    sref_kind: str = ""
    disc_pct: int = 0
    disc_days: int = 0
    order_ref: str = ""
    claimed: bool = False
    recurring: bool = False

    @property
    def signed(self) -> int:
        return -self.total if self.kind == "credit_note" else self.total


@dataclass
class Tx:
    scenario: str
    amount: int  # cents
    currency: str
    value: date
    payer_name: str = ""
    payer_iban: str = ""
    payer_other: str = ""
    payer_mode: str = ""
    ultimate: str = ""
    ustrd: list[str] = field(default_factory=list)
    strd: list[tuple[str, str]] = field(default_factory=list)  # (issuer, ref)
    addtl: str = ""
    layout: str = "plain"
    truth: list[tuple[str, int, str]] = field(default_factory=list)  # invoice, cents, kind
    customer_payment: bool = True
    domain: tuple[str, str, str] = ("PMNT", "RCDT", "ESCT")
    fifo_customer: str = ""
    dup_of: Tx | None = None
    batch: int = -1
    ref: str = ""
    entry_ref: str = ""
    booking: date = PERIOD_START
    order: float = 0.0
    debit: bool = False

    def remittance(self) -> str:
        parts = list(self.ustrd) + [f"{i}:{r}" for i, r in self.strd]
        if self.addtl:
            parts.append(f"[AddtlNtryInf] {self.addtl}")
        return " | ".join(parts)


# ----------------------------------------------------------------------------------------
# names
# ----------------------------------------------------------------------------------------

SURNAMES = {
    "fr": [
        "Dubois",
        "Lambert",
        "Lefèvre",
        "Moreau",
        "Girard",
        "Fontaine",
        "Rousseau",
        "Chevalier",
        "Mercier",
        "Bérenger",
        "Faure",
        "Gauthier",
        "Rémy",
        "Noël",
        "Leclercq",
        "Delvaux",
        "Piret",
        "Renard",
        "Collignon",
        "Hénin",
        "Thiry",
        "Gérard",
        "Masson",
        "Bouchard",
    ],
    "nl": [
        "Janssens",
        "Peeters",
        "Maes",
        "Willems",
        "Claes",
        "Goossens",
        "Wouters",
        "De Smet",
        "Van den Berghe",
        "Verstraete",
        "Vermeulen",
        "De Vos",
        "Mertens",
        "Van Damme",
        "Bakker",
        "Visser",
        "Smit",
        "De Jong",
        "Van Leeuwen",
        "Hendriks",
        "Dekker",
        "Coppens",
    ],
    "de": [
        "Müller",
        "Schäfer",
        "Weiß",
        "Krüger",
        "Hoffmann",
        "Schröder",
        "Köhler",
        "Braun",
        "Zimmermann",
        "Hartmann",
        "Lange",
        "Schmitz",
        "Wagner",
        "Becker",
        "Fuchs",
        "Vogel",
    ],
    "en": [
        "Harrison",
        "Whitfield",
        "Ashford",
        "Brennan",
        "Caldwell",
        "Donovan",
        "Fairbanks",
        "Holloway",
        "Kingsley",
        "Langford",
        "Merriweather",
        "Prescott",
        "Thornbury",
    ],
    "it": ["Rossi", "Bianchi", "Ferrari", "Esposito", "Colombo", "Ricci", "Marino", "Greco"],
    "es": ["García", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Ruiz"],
}
ACTIVITY = {
    "fr": [
        "Bâtiment",
        "Logistique",
        "Transports",
        "Menuiserie",
        "Électricité",
        "Distribution",
        "Services",
        "Imprimerie",
        "Chauffage",
        "Alimentation",
        "Conseil",
        "Équipements",
    ],
    "nl": [
        "Bouw",
        "Logistiek",
        "Transport",
        "Schrijnwerkerij",
        "Elektro",
        "Distributie",
        "Diensten",
        "Drukkerij",
        "Verwarming",
        "Voeding",
        "Techniek",
        "Installaties",
    ],
    "de": [
        "Bau",
        "Logistik",
        "Spedition",
        "Holzbau",
        "Elektrotechnik",
        "Handel",
        "Dienstleistungen",
        "Druckerei",
        "Heizungsbau",
        "Lebensmittel",
        "Maschinenbau",
        "Anlagenbau",
    ],
    "en": ["Logistics", "Engineering", "Supplies", "Foods", "Systems", "Holdings", "Trading"],
    "it": ["Costruzioni", "Trasporti", "Alimentari", "Impianti", "Forniture"],
    "es": ["Construcciones", "Transportes", "Alimentación", "Suministros", "Ingeniería"],
}
FORMS = {
    "BE": ["SA", "SRL", "NV", "BV", "SPRL", "SC"],
    "FR": ["SAS", "SARL", "SA", "EURL"],
    "DE": ["GmbH", "AG", "GmbH & Co. KG", "KG"],
    "NL": ["B.V.", "N.V."],
    "LU": ["S.à r.l.", "S.A."],
    "IT": ["S.r.l.", "S.p.A."],
    "ES": ["S.L.", "S.A."],
    "GB": ["Ltd", "Limited", "PLC"],
    "US": ["Inc.", "LLC", "Corp."],
}
FORM_VARIANTS = {
    "SA": ["S.A.", "S A", "Société Anonyme", ""],
    "NV": ["N.V.", "Naamloze Vennootschap", ""],
    "SRL": ["S.R.L.", "Srl", ""],
    "BV": ["B.V.", "BVBA", ""],
    "SPRL": ["S.P.R.L.", "SRL", ""],
    "SAS": ["S.A.S.", "SAS U", ""],
    "SARL": ["S.A.R.L.", "Sàrl", ""],
    "EURL": ["E.U.R.L.", ""],
    "GmbH": ["GMBH", "G.m.b.H.", "Gesellschaft mbH", ""],
    "AG": ["A.G.", "Aktiengesellschaft", ""],
    "KG": ["K.G.", ""],
    "GmbH & Co. KG": ["GmbH u. Co. KG", "GMBH + CO KG", ""],
    "B.V.": ["BV", "B V", ""],
    "N.V.": ["NV", ""],
    "S.à r.l.": ["SARL", "S.A R.L.", ""],
    "S.A.": ["SA", ""],
    "S.r.l.": ["SRL", "s.r.l", ""],
    "S.p.A.": ["SPA", ""],
    "S.L.": ["SL", ""],
    "Ltd": ["Limited", "LTD.", ""],
    "Limited": ["Ltd", ""],
    "PLC": ["P.L.C.", ""],
    "Inc.": ["Inc", "Incorporated", ""],
    "LLC": ["L.L.C.", ""],
    "Corp.": ["Corporation", ""],
    "SC": [""],
}
CITIES = {
    "BE": [
        "Bruxelles",
        "Antwerpen",
        "Gent",
        "Liège",
        "Namur",
        "Charleroi",
        "Leuven",
        "Brugge",
        "Mons",
        "Hasselt",
        "Wavre",
        "Kortrijk",
    ],
    "FR": ["Paris", "Lille", "Lyon", "Nantes", "Strasbourg", "Reims", "Metz", "Valenciennes"],
    "DE": ["Köln", "Aachen", "Düsseldorf", "München", "Hamburg", "Frankfurt am Main", "Trier"],
    "NL": ["Rotterdam", "Eindhoven", "Maastricht", "Utrecht", "Breda", "Amsterdam"],
    "LU": ["Luxembourg", "Esch-sur-Alzette", "Differdange"],
    "IT": ["Milano", "Torino", "Bologna"],
    "ES": ["Madrid", "Barcelona", "Valencia"],
    "GB": ["London", "Manchester", "Leeds"],
    "US": ["Chicago", "Boston", "Atlanta", "Denver"],
}
COUNTRY_LANG = {
    "BE": ["fr", "nl"],
    "FR": ["fr"],
    "DE": ["de"],
    "NL": ["nl"],
    "LU": ["fr", "de"],
    "IT": ["it"],
    "ES": ["es"],
    "GB": ["en"],
    "US": ["en"],
}


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def name_variant(rng: random.Random, c: Customer) -> tuple[str, str]:
    """How a bank shows the payer's name: case, accents, legal form, city, 35-char cut."""
    style = rng.choices(
        ["exact", "upper", "noaccent_upper", "form", "noform", "city", "trunc35"], [22, 22, 14, 12, 12, 10, 8]
    )[0]
    name = c.name
    if style == "upper":
        name = name.upper()
    elif style == "noaccent_upper":
        name = strip_accents(name).upper()
    elif style == "form":
        alt = rng.choice(FORM_VARIANTS.get(c.legal_form, [""]) or [""])
        name = f"{c.base} {alt}".strip() if rng.random() < 0.7 or not alt else f"{alt} {c.base}"
    elif style == "noform":
        name = c.base
    elif style == "city":
        name = rng.choice([f"{c.name} {c.city}", f"{c.name.upper()} {c.city.upper()}", f"{c.name}, {c.city}"])
    if style == "trunc35" or len(name) > 70:
        long = f"{c.name} {c.city}" if len(c.name) <= 35 else c.name
        name = long.upper()[:35] if rng.random() < 0.5 else long[:35]
        style = "trunc35"
    return name, style


# ----------------------------------------------------------------------------------------
# the generator
# ----------------------------------------------------------------------------------------

WEIGHTS: dict[str, float] = {
    # customer payments (truth: applied)
    "rf_strd": 7,
    "ogm_strd": 6,
    "ogm_typed": 3,
    "rf_typed": 2,
    "ref_exact": 11,
    "ref_variant": 14,
    "ref_typo": 2,
    "ref_truncated": 1.5,
    "multi_list": 4,
    "multi_range": 1.5,
    "multi_noref": 2.5,
    "single_noref": 4,
    "noref_name": 1,
    "recurring_fifo": 3,
    "partial": 2.5,
    "bank_charges": 2.5,
    "discount": 2.5,
    "deduction": 2,
    "overpayment": 1.5,
    "duplicate": 1.5,
    "parent_pays": 3,
    "factoring": 3,
    "credit_note_netting": 1.5,
    "usd": 1.5,
    "po_reference": 1,
    "recurring_ref": 1,
    # must stay unmatched
    "implausible_date": 0.5,
    "nc_interest": 1,
    "nc_supplier_refund": 1.5,
    "nc_card_settlement": 2.5,
    "nc_tax_refund": 0.7,
    "nc_intragroup": 0.8,
    "nc_return": 0.5,
}
NON_CUSTOMER = {
    "implausible_date",
    "nc_interest",
    "nc_supplier_refund",
    "nc_card_settlement",
    "nc_tax_refund",
    "nc_intragroup",
    "nc_return",
}

PREFIX_WORDS = {
    "fr": ["Facture", "Facture n°", "Fact.", "FACT", "Réf. facture"],
    "nl": ["Factuur", "Factuur nr", "Fact nr.", "factuurnummer"],
    "de": ["Rechnung", "Rechnung Nr.", "RE", "Rechnungsnr.", "Re-Nr"],
    "en": ["Inv no", "Invoice #", "INV", "Invoice no.", "inv."],
    "it": ["Fattura n.", "Fatt.", "Saldo fattura"],
    "es": ["Factura", "Fra.", "Factura nº"],
}
PAY_WORDS = {
    "fr": ["Paiement", "Règlement", "Virement", "Notre paiement"],
    "nl": ["Betaling", "Onze betaling", "Overschrijving"],
    "de": ["Zahlung", "Ausgleich", "Überweisung"],
    "en": ["Payment", "Remittance", "Settlement of"],
    "it": ["Pagamento", "Saldo"],
    "es": ["Pago", "Transferencia"],
}


def fmt_amount(cents: int, style: str = "dot") -> str:
    whole, frac = divmod(abs(cents), 100)
    if style == "comma":
        return f"{whole:,}".replace(",", ".") + f",{frac:02d}"
    return f"{whole}.{frac:02d}"


class Generator:
    def __init__(self, n_payments: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.n = n_payments
        self.customers: list[Customer] = []
        self.invoices: list[Invoice] = []
        self.by_customer: dict[str, list[Invoice]] = defaultdict(list)
        self.txs: list[Tx] = []
        self.clusters: dict[int, list[Customer]] = defaultdict(list)
        self.factors: list[tuple[str, str]] = []
        self.used_ibans: set[str] = set()
        self.numbers: set[str] = set()
        self.digit_forms: set[str] = set()
        first = "0961234567"
        self.account_iban = make_iban("BE", first + f"{int(first) % 97 or 97:02d}")
        first_usd = "0961234590"
        self.usd_iban = make_iban("BE", first_usd + f"{int(first_usd) % 97 or 97:02d}")

    # -- customers ------------------------------------------------------------------------
    def new_iban(self, country: str) -> str:
        while True:
            iban = random_iban(self.rng, country if country != "US" else "GB")
            if iban not in self.used_ibans:
                self.used_ibans.add(iban)
                return iban

    def add_customer(
        self, base: str, country: str, lang: str, form: str | None = None, cluster: int = -1, parent: str = ""
    ) -> Customer:
        rng = self.rng
        form = form or rng.choice(FORMS[country])
        cid = f"K{10001 + len(self.customers)}"
        name = f"{base} {form}"
        if rng.random() < 0.06:  # long official names
            name = (
                f"{base} {rng.choice(ACTIVITY[lang])} et {rng.choice(ACTIVITY[lang])} "
                f"{rng.choice(CITIES[country])} {form}"
                if lang == "fr"
                else f"{base} {rng.choice(ACTIVITY[lang])} & {rng.choice(ACTIVITY[lang])} {form}"
            )
            base = name[: -len(form)].strip()
        ibans: list[str] = []
        r = rng.random()
        if country != "US":
            if r < 0.72:
                ibans = [self.new_iban(country)]
            elif r < 0.82:
                ibans = [self.new_iban(country), self.new_iban(rng.choice(["BE", "FR", "DE", "NL"]))]
        c = Customer(
            cid,
            name,
            base,
            form,
            country,
            rng.choice(CITIES[country]),
            lang,
            ibans,
            parent,
            rng.choice([30, 30, 30, 45, 60, 14]),
            cluster,
            vat=f"{country}0{_digits(rng, 9)}" if country != "US" else "",
        )
        self.customers.append(c)
        if cluster >= 0:
            self.clusters[cluster].append(c)
        return c

    def gen_customers(self, total: int = 400) -> None:
        rng = self.rng
        countries = (
            ["BE"] * 40
            + ["FR"] * 18
            + ["DE"] * 14
            + ["NL"] * 12
            + ["LU"] * 5
            + ["IT"] * 4
            + ["ES"] * 3
            + ["GB"] * 2
            + ["US"] * 2
        )
        # namesake clusters ("Dupont SA" / "Dupont Services SA" / "Dupond SARL")
        for k in range(45):
            country = rng.choice(countries[:-4])
            lang = rng.choice(COUNTRY_LANG[country])
            sur = rng.choice(SURNAMES[lang])
            act = rng.choice(ACTIVITY[lang])
            alt = sur[:-1] + ("d" if sur[-1] == "t" else "t") if sur[-1] in "td" else sur + "s"
            bases = [
                sur,
                f"{sur} {act}",
                alt,
                f"{sur} & Fils"
                if lang == "fr"
                else f"{sur} & Zonen"
                if lang == "nl"
                else f"{sur} & Söhne"
                if lang == "de"
                else f"{sur} & Sons",
            ]
            for b in bases[: rng.choice([2, 2, 3, 4])]:
                self.add_customer(b, country, lang, cluster=k)
        # groups: a parent paying for its subsidiaries
        self.parents: list[Customer] = []
        for _ in range(15):
            country = rng.choice(["BE", "FR", "DE", "NL"])
            lang = rng.choice(COUNTRY_LANG[country])
            sur = rng.choice(SURNAMES[lang])
            pword = {"fr": "Groupe", "nl": "Groep", "de": "Gruppe", "en": "Group"}[lang]
            p = self.add_customer(f"{pword} {sur}", country, lang)
            if not p.ibans:
                p.ibans = [self.new_iban(country)]
            self.parents.append(p)
            for _ in range(rng.randint(2, 4)):
                self.add_customer(f"{sur} {rng.choice(ACTIVITY[lang])}", country, lang, parent=p.id)
        while len(self.customers) < total:
            country = rng.choice(countries)
            lang = rng.choice(COUNTRY_LANG[country])
            base = rng.choice(SURNAMES[lang])
            if rng.random() < 0.6:
                base = (
                    f"{base} {rng.choice(ACTIVITY[lang])}"
                    if rng.random() < 0.7
                    else f"{rng.choice(ACTIVITY[lang])} {base}"
                )
            c = self.add_customer(base, country, lang)
            c.usd = country in ("US", "GB") or rng.random() < 0.02
        # recurring (subscription) customers
        pool = [c for c in self.customers if c.ibans and not c.usd and c.cluster < 0 and not c.parent_id]
        for c in rng.sample(pool, 30):
            c.recurring = True
        # factoring companies, not customers
        for nm in [
            "Eurofactor Commercial Finance SA",
            "Nordfactoring Deutschland GmbH",
            "Factorbank Benelux NV",
        ]:
            self.factors.append((nm, self.new_iban(rng.choice(["BE", "DE", "NL"]))))

    # -- invoices -------------------------------------------------------------------------
    def rand_amount(self) -> int:
        v = float(np.exp(self.rng.gauss(6.6, 1.1)))
        v = min(max(v, 12.0), 90000.0)
        return round(v * 100)

    def gen_invoices(self) -> None:
        rng = self.rng
        target = self.n * 5
        drafts: list[tuple[date, int, int, Customer, int, str, str, int, str]] = []
        weights = [rng.paretovariate(1.3) for _ in self.customers]
        span = (date(2026, 3, 31) - BOOK_START).days
        block = 0

        def add(
            c: Customer, d: date, amt: int, kind: str = "invoice", rec: bool = False, cur: str = "EUR"
        ) -> None:
            nonlocal block
            scheme = (
                "CN"
                if kind == "credit_note"
                else "USD"
                if cur == "USD"
                else rng.choices(["A", "B", "C"], [5, 3, 2])[0]
            )
            drafts.append((d, block, len(drafts), c, amt, kind, scheme, int(rec), cur))

        for c in self.customers:
            if c.recurring:
                amt = rng.choice([39900, 125000, 8470, 24200, 60500, 99000, 18150, 45000])
                for m in range(7):
                    d = date(2025 + (8 + m) // 12, (8 + m) % 12 + 1, 1)
                    add(c, d, amt, rec=True)
                    block += 1
        n_rec = len(drafts)
        wsum = sum(weights)
        while len(drafts) < target:
            c = rng.choices(self.customers, weights)[0]
            d = BOOK_START + timedelta(days=int(span * (rng.random() ** 0.6)))
            cur = "USD" if c.usd else "EUR"
            kind = "credit_note" if rng.random() < 0.035 else "invoice"
            if rng.random() < 0.06 and kind == "invoice":  # consecutive batch of invoices
                for _ in range(rng.randint(3, 5)):
                    add(c, d, self.rand_amount(), cur=cur)
            else:
                amt = self.rand_amount() if kind == "invoice" else self.rand_amount() // 4 + 500
                add(c, d, amt, kind=kind, cur=cur)
            block += 1
        del wsum, n_rec
        drafts.sort(key=lambda t: (t[0], t[1], t[2]))
        seqs: dict[tuple[str, int], int] = defaultdict(int)
        starts = {"A": 0, "B": 0, "C": 100200, "CN": 0, "USD": 0}
        for d, _b, _i, c, amt, kind, scheme, rec, cur in drafts:
            yr = d.year
            key = (scheme, yr if scheme != "C" else 0)
            seqs[key] += 1
            seq = starts[scheme] + seqs[key] + (1200 if yr == 2025 and scheme in "AB" else 0)
            if scheme == "A":
                num = f"FA{yr}-{seq:06d}"
            elif scheme == "B":
                num = f"{yr % 100:02d}/{seq:05d}"
            elif scheme == "C":
                num = f"R-{seq}"
            elif scheme == "CN":
                num = f"AV{yr}-{seq:05d}"
            else:
                num = f"E{yr % 100:02d}-{seq:04d}"
            inv = Invoice(
                num,
                c.id,
                d,
                d + timedelta(days=c.terms),
                cur,
                amt,
                scheme,
                yr,
                seq,
                kind=kind,
                recurring=bool(rec),
            )
            if kind == "invoice" and cur == "EUR":
                r = rng.random()
                if c.country in ("BE", "LU") and r < 0.55:
                    inv.sref, inv.sref_kind = make_ogm(rng.randrange(10**8, 10**10)), "OGM"
                elif c.country not in ("BE", "LU") and r < 0.35:
                    inv.sref, inv.sref_kind = make_rf(f"{rng.randrange(10**6, 10**11)}"), "RF"
                if rng.random() < 0.12:
                    inv.disc_pct, inv.disc_days = rng.choice([(2, 10), (2, 14), (3, 8), (1, 10)])
                if rng.random() < 0.25:
                    inv.order_ref = rng.choice(
                        [f"4500{_digits(rng, 6)}", f"PO-{_digits(rng, 5)}", f"BC{yr % 100}-{_digits(rng, 4)}"]
                    )
            self.invoices.append(inv)
            self.by_customer[c.id].append(inv)
            self.numbers.add(num)
            dg = "".join(ch for ch in num if ch.isdigit())
            self.digit_forms.update({dg, str(seq), f"{seq:05d}", f"{seq:06d}"})
        self.cust = {c.id: c for c in self.customers}

    # -- helpers --------------------------------------------------------------------------
    def cust_of(self, inv: Invoice) -> Customer:
        return self.cust[inv.customer_id]

    def value_for(self, invs: list[Invoice], lo_days: int = 1) -> date | None:
        first = max(max(i.issue for i in invs) + timedelta(days=lo_days), PERIOD_START)
        if first > PERIOD_END:
            return None
        span = (PERIOD_END - first).days
        return first + timedelta(days=self.rng.randint(0, span))

    def pick(
        self,
        pred: object = None,
        currency: str = "EUR",
        kinds: tuple[str, ...] = ("invoice",),
        tries: int = 400,
    ) -> Invoice | None:
        for _ in range(tries):
            inv = self.rng.choice(self.invoices)
            if inv.claimed or inv.recurring or inv.currency != currency or inv.kind not in kinds:
                continue
            if inv.issue >= PERIOD_END:
                continue
            if pred is None or pred(inv):  # type: ignore[operator]
                return inv
        return None

    def subset_count(self, cid: str, target: int, asof: date) -> int:
        """Exact number of subsets of the customer's documents (issued by asof) summing to target."""
        vals = [i.signed for i in self.by_customer[cid] if i.issue <= asof]
        if len(vals) > 36:
            return 99
        half = len(vals) // 2
        a, b = vals[:half], vals[half:]

        def sums(xs: list[int]) -> np.ndarray:
            s = np.zeros(1, dtype=np.int64)
            for x in xs:
                s = np.concatenate([s, s + x])
            return s

        sa, sb = np.sort(sums(a)), sums(b)
        need = target - sb
        return int((np.searchsorted(sa, need, "right") - np.searchsorted(sa, need, "left")).sum())

    def payer(self, tx: Tx, c: Customer, mode: str | None = None) -> None:
        rng = self.rng
        if mode is None:
            mode = rng.choices(["iban_known", "name_only", "no_party"], [62, 34, 4])[0]
            if mode == "iban_known" and not c.ibans:
                mode = "name_only"
        if mode == "iban_known" and not c.ibans:
            c.ibans.append(self.new_iban(c.country if c.country != "US" else "GB"))
        tx.payer_mode = mode
        if mode == "no_party":
            return
        tx.payer_name, style = name_variant(rng, c)
        tx.payer_mode = f"{mode}/{style}"
        if c.country == "US":
            tx.payer_other = _digits(rng, 10)
        elif mode == "iban_known":
            tx.payer_iban = rng.choice(c.ibans)
        else:
            tx.payer_iban = self.new_iban(c.country)

    def lang(self, c: Customer) -> str:
        return c.language if self.rng.random() < 0.85 else self.rng.choice(["fr", "nl", "de", "en"])

    # reference writing ---------------------------------------------------------------------
    def write_ref(self, inv: Invoice, lang: str, style: str | None = None) -> tuple[str, str]:
        rng = self.rng
        n, s, y = inv.number, inv.seq, inv.year
        if inv.scheme == "A":
            forms = {
                "exact": n,
                "nosep": f"FA{y}{s:06d}",
                "spaces": f"FA {y} {s:06d}",
                "nozeros": f"FA{y}-{s}",
                "noyear": rng.choice([f"FA-{s:06d}", f"FA{s:06d}"]),
                "noprefix": rng.choice([f"{y}-{s:06d}", f"{y}{s:06d}", f"{y}/{s}"]),
                "lower": n.lower(),
                "glued": rng.choice([f"FACT{y}{s:06d}", f"{n}PAYMENT", f"REF:FA{y}{s:06d}/"]),
            }
        elif inv.scheme == "B":
            yy = y % 100
            forms = {
                "exact": n,
                "nosep": f"{yy}{s:05d}",
                "spaces": f"{yy} {s:05d}",
                "nozeros": f"{yy}/{s}",
                "noyear": f"{s:05d}",
                "noprefix": f"{yy}-{s:05d}",
                "lower": n,
                "glued": rng.choice([f"Fact{yy}/{s:05d}", f"RE{yy}{s:05d}X"]),
            }
        elif inv.scheme == "C":
            forms = {
                "exact": n,
                "nosep": f"R{s}",
                "spaces": f"R {s}",
                "nozeros": f"R-{s}",
                "noyear": f"{s}",
                "noprefix": f"{s}",
                "lower": n.lower(),
                "glued": rng.choice([f"INVR{s}", f"R{s}Ref"]),
            }
        elif inv.scheme == "CN":
            forms = {"exact": n, "nosep": f"AV{y}{s:05d}", "nozeros": f"AV{y}-{s}"}
        else:
            yy = y % 100
            forms = {
                "exact": n,
                "nosep": f"E{yy}{s:04d}",
                "nozeros": f"E{yy}-{s}",
                "noprefix": f"{yy}-{s:04d}",
            }
        if style is None:
            style = rng.choices(
                [
                    "exact",
                    "nosep",
                    "spaces",
                    "nozeros",
                    "noyear",
                    "noprefix",
                    "lower",
                    "glued",
                    "prefixword",
                    "bare",
                    "prefix_bare",
                ],
                [4, 14, 8, 12, 10, 10, 8, 12, 22, 4, 6],
            )[0]
        if style in ("bare", "prefix_bare") and inv.scheme in "AB":  # "1234": year and zeros dropped
            word = rng.choice(PREFIX_WORDS[lang]) + " " if style == "prefix_bare" else ""
            return f"{word}{s}", style
        if style in ("bare", "prefix_bare"):
            style = "noprefix"
        if style == "prefixword":
            word = rng.choice(PREFIX_WORDS[lang])
            body = (
                forms[rng.choice(["noprefix", "nozeros", "nosep", "exact"])]
                if inv.scheme != "CN"
                else forms["nosep"]
            )
            return f"{word} {body}", style
        return forms.get(style, forms["exact"]), style

    def sentence(self, lang: str, refs: list[str], c: Customer | None = None) -> str:
        rng = self.rng
        pw = rng.choice(PAY_WORDS[lang])
        joined = rng.choice([", ", " ", " + ", "; "]).join(refs)
        if len(refs) > 1 and rng.random() < 0.4:
            conj = {"fr": " et ", "nl": " en ", "de": " und ", "en": " & ", "it": " e ", "es": " y "}[lang]
            joined = ", ".join(refs[:-1]) + conj + refs[-1]
        r = rng.random()
        if r < 0.35:
            return joined
        if r < 0.75:
            return f"{pw} {joined}"
        extra = ""
        if c is not None and rng.random() < 0.5:
            label = {
                "fr": "N° client",
                "nl": "Klantnr",
                "de": "Kd-Nr.",
                "en": "Customer",
                "it": "Cod. cliente",
                "es": "Cliente",
            }[lang]
            extra = f" {label} {c.id[1:]}"
        return f"{pw} {joined}{extra}"

    def layout(self, tx: Tx, text: str, allow_addtl: bool = True) -> None:
        """Spread a remittance text the way different banks do."""
        rng = self.rng
        lay = rng.choices(
            ["plain", "multiline", "svwz", "motif", "addtl"], [52, 14, 14, 10, 10 if allow_addtl else 0]
        )[0]
        tx.layout = lay
        if lay == "plain":
            tx.ustrd = [text[:140]]
        elif lay == "multiline" and rng.random() < 0.35:  # fixed-width bank fields cut anywhere
            tx.layout = "multiline_hard"
            tx.ustrd = [text[i : i + 35] for i in range(0, len(text), 35)]
        elif lay == "multiline":
            words, lines, cur = text.split(" "), [], ""
            for w in words:
                if len(cur) + len(w) + 1 > 35 and cur:
                    lines.append(cur)
                    cur = w
                else:
                    cur = f"{cur} {w}".strip()
            lines.append(cur)
            tx.ustrd = lines
        elif lay == "svwz":
            eref = rng.choice(["NOTPROVIDED", f"E2E{_digits(rng, 12)}"])
            body = f"EREF+{eref} SVWZ+{text}"
            if rng.random() < 0.5:
                tx.ustrd = [f"EREF+{eref}", f"SVWZ+{text}"[:140]]
            else:
                tx.ustrd = [body[:140]]
        elif lay == "motif":
            tx.ustrd = [f"/MOTIF/{strip_accents(text).upper()}/DATE/{tx.value:%d%m%y}"[:140]]
        else:
            tx.ustrd = []
            who = f" /DE {tx.payer_name.upper()}" if tx.payer_name else ""
            tx.addtl = f"VIREMENT SEPA RECU{who} /MOTIF {text} /REF {_digits(rng, 8)}"

    def customer_tx(
        self,
        scen: str,
        invs: list[Invoice],
        amount: int,
        value: date,
        mode: str | None = None,
        c: Customer | None = None,
    ) -> Tx:
        c = c or self.cust_of(invs[0])
        tx = Tx(scen, amount, invs[0].currency if invs else "EUR", value)
        self.payer(tx, c, mode)
        for inv in invs:
            inv.claimed = True
        if tx.currency == "USD":
            tx.domain = ("PMNT", "RCDT", "XBCT")
        return tx

    # -- scenarios ------------------------------------------------------------------------
    def gen_scenario(self, scen: str) -> list[Tx]:
        rng = self.rng
        if scen in ("rf_strd", "ogm_strd", "rf_typed", "ogm_typed"):
            kind = "RF" if scen.startswith("rf") else "OGM"
            inv = self.pick(lambda i: i.sref_kind == kind)
            if inv is None:
                return []
            v = self.value_for([inv])
            if v is None:
                return []
            tx = self.customer_tx(scen, [inv], inv.total, v)
            c, lang = self.cust_of(inv), self.lang(self.cust_of(inv))
            if scen.endswith("strd"):
                tx.strd = [("ISO" if kind == "RF" else "BBA", inv.sref)]
                if rng.random() < 0.3:
                    tx.ustrd = [rng.choice(PAY_WORDS[lang]) + f" {c.name[:20]}"]
                tx.layout = "strd"
            else:
                typed = (
                    rf_fmt(inv.sref, rng.random() < 0.5)
                    if kind == "RF"
                    else ogm_fmt(inv.sref, rng.randrange(5))
                )
                self.layout(tx, typed if rng.random() < 0.6 else f"{rng.choice(PAY_WORDS[lang])} {typed}")
            tx.truth = [(inv.number, inv.total, "invoice")]
            return [tx]
        if scen in (
            "ref_exact",
            "ref_variant",
            "partial",
            "bank_charges",
            "deduction",
            "overpayment",
            "duplicate",
            "discount",
            "implausible_date",
            "usd",
        ):
            return self.single_ref(scen)
        if scen == "ref_typo":
            return self.typo()
        if scen == "ref_truncated":
            return self.truncated()
        if scen in ("multi_list", "multi_range"):
            return self.multi(scen)
        if scen in ("multi_noref", "single_noref", "noref_name"):
            return self.noref(scen)
        if scen == "recurring_fifo":
            cands = [c for c in self.customers if c.recurring and not getattr(c, "fifo_used", 0)]
            if not cands:
                return []
            c = rng.choice(cands)
            c.fifo_used = 1  # type: ignore[attr-defined]
            amt = self.by_customer[c.id][0].total
            out = []
            for _ in range(rng.choice([1, 1, 2])):
                tx = Tx(scen, amt, "EUR", PERIOD_START + timedelta(days=rng.randint(0, 29)))
                self.payer(tx, c, "iban_known")
                lang = self.lang(c)
                text = rng.choice(
                    {
                        "fr": ["Abonnement mensuel", "Cotisation", "Contrat maintenance"],
                        "nl": ["Abonnement", "Maandelijkse bijdrage", "Onderhoudscontract"],
                        "de": ["Wartungsvertrag", "Monatliche Gebühr", "Abo"],
                        "en": ["Monthly subscription", "Service fee"],
                        "it": ["Canone mensile"],
                        "es": ["Cuota mensual"],
                    }[lang]
                )
                self.layout(tx, text)
                tx.fifo_customer = c.id
                out.append(tx)
            return out
        if scen == "recurring_ref":  # the newest of equal items named by its number: not FIFO
            cands = [c for c in self.customers if c.recurring and not getattr(c, "ref_used", 0)]
            if not cands:
                return []
            c = rng.choice(cands)
            c.ref_used = 1  # type: ignore[attr-defined]
            inv = max((i for i in self.by_customer[c.id] if i.recurring), key=lambda i: i.issue)
            v = self.value_for([inv])
            if v is None or not inv.recurring:
                return []
            lang = self.lang(c)
            ref = self.write_ref(inv, lang, rng.choice(["exact", "nosep", "prefixword"]))[0]
            tx = self.customer_tx(scen, [inv], inv.total, v, "iban_known")
            self.layout(tx, self.sentence(lang, [ref]))
            tx.truth = [(inv.number, inv.total, "invoice")]
            return [tx]
        if scen == "parent_pays":
            p = rng.choice(self.parents)
            subs = {c.id for c in self.customers if c.parent_id == p.id}
            invs: list[Invoice] = []
            for _ in range(rng.choice([1, 1, 1, 2, 3])):
                inv = self.pick(lambda i: i.customer_id in subs and i not in invs, tries=600)
                if inv:
                    invs.append(inv)
            if not invs:
                return []
            v = self.value_for(invs)
            if v is None:
                return []
            tx = self.customer_tx(scen, invs, sum(i.total for i in invs), v, "iban_known", c=p)
            lang = self.lang(p)
            refs = [
                self.write_ref(i, lang, rng.choice(["exact", "nosep", "prefixword", "nozeros"]))[0]
                for i in invs
            ]
            sub = self.cust_of(invs[0])
            lead = rng.choice(
                [
                    f"pour compte de {sub.name}",
                    f"i.o.v. {sub.name}",
                    f"für {sub.name}",
                    f"on behalf of {sub.name}",
                    "",
                ]
            )
            self.layout(tx, f"{lead} {self.sentence(lang, refs)}".strip())
            tx.truth = [(i.number, i.total, "invoice") for i in invs]
            return [tx]
        if scen == "factoring":
            fname, fiban = rng.choice(self.factors)
            out = []
            for _ in range(rng.choice([1, 1, 3])):
                inv = self.pick()
                if inv is None:
                    continue
                v = self.value_for([inv])
                if v is None:
                    continue
                c = self.cust_of(inv)
                tx = Tx(
                    scen,
                    inv.total,
                    "EUR",
                    v,
                    payer_name=fname,
                    payer_iban=fiban,
                    payer_mode="third_party_factor",
                )
                inv.claimed = True
                if rng.random() < 0.5:
                    tx.ultimate = c.name
                if inv.sref and rng.random() < 0.4:
                    tx.strd = [("ISO" if inv.sref_kind == "RF" else "BBA", inv.sref)]
                    tx.ustrd = [f"DEBITEUR {c.name.upper()}"[:140]]
                    tx.layout = "strd"
                else:
                    ref = self.write_ref(inv, "en", rng.choice(["exact", "exact", "nosep"]))[0]
                    self.layout(
                        tx,
                        rng.choice(
                            [
                                f"{c.name} INV {ref}",
                                f"Debiteur {c.id[1:]} {ref}",
                                f"REGLEMENT POUR {c.name.upper()} {ref}",
                                f"{ref} {c.base}",
                            ]
                        ),
                        allow_addtl=False,
                    )
                tx.truth = [(inv.number, inv.total, "invoice")]
                out.append(tx)
            if len(out) > 1:
                bid = rng.randrange(10**9)
                for t in out:
                    t.batch = bid
                    t.value = max(x.value for x in out)
            return out
        if scen == "credit_note_netting":
            cn = self.pick(kinds=("credit_note",))
            if cn is None:
                return []
            inv = self.pick(
                lambda i: i.customer_id == cn.customer_id and i.total > cn.total + 1000, tries=800
            )
            if inv is None:
                return []
            v = self.value_for([inv, cn])
            if v is None:
                return []
            c = self.cust_of(inv)
            tx = self.customer_tx(scen, [inv, cn], inv.total - cn.total, v)
            lang = self.lang(c)
            r1 = self.write_ref(inv, lang, rng.choice(["exact", "nosep", "prefixword"]))[0]
            r2 = self.write_ref(cn, lang, rng.choice(["exact", "nosep"]))[0]
            sep = rng.choice(
                [" ./. ", " - ", " moins NC ", " minus creditnota ", " abzgl. Gutschrift ", " less CN "]
            )
            self.layout(tx, f"{r1}{sep}{r2}")
            tx.truth = [(inv.number, inv.total, "invoice"), (cn.number, -cn.total, "invoice")]
            return [tx]
        if scen == "po_reference":
            inv = self.pick(lambda i: bool(i.order_ref) and bool(self.cust_of(i).ibans))
            if inv is None:
                return []
            v = self.value_for([inv])
            if v is None:
                return []
            tx = self.customer_tx(scen, [inv], inv.total, v, "iban_known")
            lang = self.lang(self.cust_of(inv))
            lab = {
                "fr": "Bon de commande",
                "nl": "Bestelbon",
                "de": "Bestellung",
                "en": "PO",
                "it": "Ordine",
                "es": "Pedido",
            }[lang]
            self.layout(tx, f"{lab} {inv.order_ref}")
            tx.truth = [(inv.number, inv.total, "invoice")]
            return [tx]
        return self.non_customer(scen)

    def single_ref(self, scen: str) -> list[Tx]:
        rng = self.rng
        if scen == "usd":
            inv = self.pick(currency="USD")
        elif scen == "discount":
            inv = self.pick(
                lambda i: (
                    i.disc_pct > 0
                    and i.issue + timedelta(days=i.disc_days) >= PERIOD_START + timedelta(days=1)
                ),
                tries=3000,
            )
        elif scen == "implausible_date":
            inv = self.pick(lambda i: i.issue >= date(2026, 3, 16), tries=2000)
        elif scen in ("partial", "bank_charges", "deduction", "overpayment", "duplicate"):
            inv = self.pick(lambda i: i.disc_pct == 0)  # no discount terms: one reading of the short-pay
        else:
            inv = self.pick()
        if inv is None:
            return []
        c = self.cust_of(inv)
        lang = self.lang(c)
        if scen == "discount":
            first = max(inv.issue + timedelta(days=1), PERIOD_START)
            last = inv.issue + timedelta(days=inv.disc_days)
            v = first + timedelta(days=rng.randint(0, max(0, (min(last, PERIOD_END) - first).days)))
        elif scen == "implausible_date":
            v = inv.issue - timedelta(days=rng.randint(8, 14))
        else:
            vv = self.value_for([inv])
            if vv is None:
                return []
            v = vv
        certain = scen in (
            "partial",
            "bank_charges",
            "deduction",
            "overpayment",
            "duplicate",
            "discount",
            "implausible_date",
        )
        style = None if scen in ("ref_variant",) else "exact"
        if scen in ("partial", "bank_charges", "deduction", "overpayment", "duplicate", "discount", "usd"):
            style = rng.choice(["exact", "nosep", "prefixword", "nozeros", None])
        ref, st = self.write_ref(inv, lang, style)
        certain = certain or st in ("bare", "prefix_bare")
        tx = self.customer_tx(scen, [inv], inv.total, v, "iban_known" if certain else None)
        tx.scenario = scen if scen != "ref_variant" else "ref_variant"
        tx.payer_mode += f"|{st}"
        text = self.sentence(lang, [ref], c)
        T = inv.total
        if scen == "partial":
            frac = rng.choice([0.25, 0.3, 0.4, 0.5, 0.5, 0.6])
            amt = round(T * frac / 100.0) * 100 if T > 20000 else int(T * frac)
            amt = max(amt, 100)
            tx.amount = amt
            word = {
                "fr": "acompte",
                "nl": "gedeeltelijke betaling",
                "de": "Teilzahlung",
                "en": "part payment",
                "it": "acconto",
                "es": "pago parcial",
            }[lang]
            if rng.random() < 0.6:
                text = f"{word} {text}"
            tx.truth = [(inv.number, amt, "invoice")]
        elif scen == "bank_charges":
            fee = rng.choice([50, 100, 150, 200, 250, 300, 500])
            if fee * 10 >= T:
                return []
            tx.amount = T - fee
            tx.truth = [(inv.number, T, "invoice"), (inv.number, -fee, "deduction")]
        elif scen == "discount":
            d = (T * inv.disc_pct + 50) // 100
            tx.amount = T - d
            if rng.random() < 0.6:
                text += rng.choice(
                    [
                        f" {inv.disc_pct}% escompte",
                        f" abzgl. {inv.disc_pct}% Skonto",
                        f" -{inv.disc_pct}% korting",
                        f" less {inv.disc_pct}% discount",
                    ]
                )
            tx.truth = [(inv.number, T, "invoice"), (inv.number, -d, "deduction")]
        elif scen == "deduction":
            d = max(500, int(T * rng.uniform(0.03, 0.15)))
            if d >= T:
                return []
            a = fmt_amount(d, "comma" if lang != "en" else "dot")
            reason = rng.choice(
                {
                    "fr": [
                        f"moins {a} EUR marchandise endommagée",
                        f"retenue {a} différence de prix",
                        f"déduction {a} avoir attendu",
                    ],
                    "nl": [
                        f"min {a} beschadigde goederen",
                        f"minus {a} prijsverschil",
                        f"- {a} creditnota te ontvangen",
                    ],
                    "de": [
                        f"abzgl. {a} EUR Transportschaden",
                        f"Kürzung {a} Preisdifferenz",
                        f"minus {a} strittige Position",
                    ],
                    "en": [
                        f"less {a} damaged goods",
                        f"short paid {a} price difference",
                        f"minus {a} disputed line",
                    ],
                    "it": [f"meno {a} merce danneggiata"],
                    "es": [f"menos {a} mercancía dañada"],
                }[lang]
            )
            text = f"{text} {reason}"
            tx.amount = T - d
            tx.truth = [(inv.number, T, "invoice"), (inv.number, -d, "deduction")]
        elif scen == "overpayment":
            extra = rng.choice([rng.randint(500, 25000), (100_00 - T % 100_00) or 100_00])
            tx.amount = T + extra
            tx.truth = [(inv.number, T, "invoice"), ("", extra, "on_account")]
        elif scen == "implausible_date":
            tx.truth = []
            tx.customer_payment = False
        else:
            tx.truth = [(inv.number, T, "invoice")]
        self.layout(tx, text)
        out = [tx]
        if scen == "duplicate":
            v2 = v + timedelta(days=rng.randint(1, 6))
            if v2 > PERIOD_END:
                v2 = PERIOD_END
                if v2 == v:
                    return []
            t2 = Tx(
                scen,
                tx.amount,
                tx.currency,
                v2,
                tx.payer_name,
                tx.payer_iban,
                tx.payer_other,
                tx.payer_mode,
                ustrd=list(tx.ustrd),
                addtl=tx.addtl,
                layout=tx.layout,
            )
            t2.truth = [("", tx.amount, "on_account")]
            tx.scenario, t2.scenario = "duplicate_1st", "duplicate_2nd"
            t2.dup_of = tx
            out.append(t2)
        return out

    def typo(self) -> list[Tx]:
        rng = self.rng
        for _ in range(50):
            inv = self.pick(lambda i: i.scheme in "ABC" and bool(self.cust_of(i).ibans))
            if inv is None:
                return []
            n = inv.number
            pos = [k for k, ch in enumerate(n) if ch.isdigit()]
            if inv.scheme == "A":
                pos = pos[4:]
            elif inv.scheme == "B":
                pos = pos[2:]
            while len(pos) > 2 and n[pos[0]] == "0":  # leading zeros dropped is a variant, not a typo
                pos = pos[1:]
            op = rng.choice(["replace", "swap", "delete", "insert"])
            k = rng.choice(pos[:-1])
            if op == "replace":
                t = n[:k] + rng.choice([d for d in "0123456789" if d != n[k]]) + n[k + 1 :]
            elif op == "swap":
                if n[k] == n[k + 1] or not n[k + 1].isdigit():
                    continue
                t = n[:k] + n[k + 1] + n[k] + n[k + 2 :]
            elif op == "delete":
                t = n[:k] + n[k + 1 :]
            else:
                t = n[:k] + rng.choice("0123456789") + n[k:]
            dg = "".join(ch for ch in t if ch.isdigit())
            if t in self.numbers or dg in self.digit_forms or dg.lstrip("0") in self.digit_forms:
                continue
            v = self.value_for([inv])
            if v is None:
                continue
            c = self.cust_of(inv)
            named = c.cluster < 0 and not c.parent_id and len(c.name) <= 35 and rng.random() < 0.3
            tx = self.customer_tx("ref_typo", [inv], inv.total, v, "name_only" if named else "iban_known")
            if named:  # a new account, but the name is the customer's and no other party bears it
                tx.payer_name = c.name if rng.random() < 0.5 else c.name.upper()
                tx.payer_mode = "name_only/exact"
            tx.payer_mode += f"|{op}"
            self.layout(tx, self.sentence(self.lang(c), [t]))
            tx.truth = [(inv.number, inv.total, "invoice")]
            return [tx]
        return []

    def truncated(self) -> list[Tx]:
        rng = self.rng
        for _ in range(60):
            inv0 = self.pick(lambda i: bool(self.cust_of(i).ibans))
            if inv0 is None:
                return []
            c = self.cust_of(inv0)
            opens = [
                i
                for i in self.by_customer[c.id]
                if not i.claimed
                and i.kind == "invoice"
                and not i.recurring
                and i.currency == "EUR"
                and i.issue < PERIOD_START
            ]
            if len(opens) < 5:
                continue
            invs = rng.sample(opens, rng.randint(5, min(9, len(opens))))
            invs.sort(key=lambda i: i.number)
            lang = self.lang(c)
            head = rng.choice(PAY_WORDS[lang]) + " " + rng.choice(PREFIX_WORDS[lang]) + " "
            text = head + ", ".join(i.number for i in invs)
            if len(text) <= 145:
                pad = rng.choice(
                    [
                        "Ref. contrat cadre 2025 livraisons site principal ",
                        "Rahmenvertrag Lieferungen Hauptwerk laut Aufstellung ",
                        "Raamcontract leveringen hoofdzetel volgens overzicht ",
                    ]
                )
                text = pad + text
            if len(text) <= 145:
                continue
            cut = text[:140]
            # the invoice whose number the cut goes through must be cut at >= 3 chars in
            kept = [i for i in invs if i.number in cut]
            cutpos = [i for i in invs if i.number not in cut]
            if not cutpos or not kept:
                continue
            partial = cutpos[0]
            tail = cut.rsplit(" ", 1)[-1].rstrip(",")
            if len(tail) < 3 or not partial.number.startswith(tail):
                continue
            truth_invs = [*kept, partial]
            v = self.value_for(truth_invs)
            if v is None:
                continue
            amount = sum(i.total for i in truth_invs)
            if self.subset_count(c.id, amount, v) != 1:
                continue
            tx = self.customer_tx("ref_truncated", truth_invs, amount, v, "iban_known")
            tx.ustrd = [cut]
            tx.layout = "plain140"
            tx.truth = [(i.number, i.total, "invoice") for i in truth_invs]
            return [tx]
        return []

    def multi(self, scen: str) -> list[Tx]:
        rng = self.rng
        for _ in range(200):
            inv0 = self.pick()
            if inv0 is None:
                return []
            c = self.cust_of(inv0)
            mine = sorted(
                (
                    i
                    for i in self.by_customer[c.id]
                    if not i.claimed
                    and not i.recurring
                    and i.kind == "invoice"
                    and i.currency == "EUR"
                    and i.scheme == inv0.scheme
                    and i.issue < PERIOD_END
                ),
                key=lambda i: i.seq,
            )
            if scen == "multi_range":
                runs = [
                    mine[k : k + 3]
                    for k in range(len(mine) - 2)
                    if mine[k + 1].seq == mine[k].seq + 1
                    and mine[k + 2].seq == mine[k].seq + 2
                    and mine[k].year == mine[k + 2].year
                ]
                if not runs:
                    continue
                invs = rng.choice(runs)
                if (
                    len(mine) > mine.index(invs[-1]) + 1
                    and mine[mine.index(invs[-1]) + 1].seq == invs[-1].seq + 1
                    and rng.random() < 0.5
                ):
                    invs = [*invs, mine[mine.index(invs[-1]) + 1]]
                a, b = invs[0], invs[-1]
                lang = self.lang(c)
                tos = {"fr": "à", "nl": "t/m", "de": "bis", "en": "to", "it": "a", "es": "a"}[lang]
                if a.scheme == "A":
                    body = rng.choice(
                        [
                            f"{a.number}/{b.seq % 100:02d}",
                            f"{a.number} {tos} {b.seq:06d}",
                            f"{a.number}-{b.seq}",
                            f"{a.number} - {b.number}",
                        ]
                    )
                elif a.scheme == "B":
                    body = rng.choice(
                        [
                            f"{a.number}-{b.seq:05d}",
                            f"{a.number} {tos} {b.number}",
                            f"{a.number}/{b.seq % 100:02d}",
                        ]
                    )
                else:
                    body = rng.choice(
                        [f"{a.number}-{b.seq}", f"{a.number} {tos} {b.seq}", f"{a.number}/{b.seq % 100:02d}"]
                    )
                text = f"{rng.choice(PREFIX_WORDS[lang])} {body}" if rng.random() < 0.5 else body
            else:
                if len(mine) < 2:
                    continue
                invs = rng.sample(mine, rng.choice([2, 2, 3, 3, 4, 5]) if len(mine) >= 5 else 2)
                lang = self.lang(c)
                style = rng.choice(["exact", "nosep", "nozeros", None])
                refs = [
                    self.write_ref(i, lang, style or rng.choice(["exact", "nosep", "nozeros", "noprefix"]))[0]
                    for i in invs
                ]
                bare = False
                if invs[0].scheme in "AB" and rng.random() < 0.2:  # "1234, 1240 & 1301"
                    bare = True
                    conj = {"fr": " et ", "nl": " en ", "de": " und ", "en": " & ", "it": " e ", "es": " y "}[
                        lang
                    ]
                    nums = [str(i.seq) for i in invs]
                    text = f"{rng.choice(PREFIX_WORDS[lang])} " + ", ".join(nums[:-1]) + conj + nums[-1]
                elif invs[0].scheme == "A" and rng.random() < 0.3:  # FA2026-000123/127/131
                    refs = [invs[0].number] + [
                        f"{i.seq:06d}" if i.year == invs[0].year else i.number for i in invs[1:]
                    ]
                    text = "/".join(refs) if rng.random() < 0.5 else ", ".join(refs)
                else:
                    text = self.sentence(lang, refs)
            v = self.value_for(invs)
            if v is None:
                continue
            tx = self.customer_tx(
                scen,
                invs,
                sum(i.total for i in invs),
                v,
                "iban_known" if scen == "multi_list" and bare else None,
            )
            if scen == "multi_list" and bare:
                tx.payer_mode += "|bare_list"
            self.layout(tx, text)
            tx.truth = [(i.number, i.total, "invoice") for i in invs]
            return [tx]
        return []

    def noref(self, scen: str) -> list[Tx]:
        rng = self.rng
        for _ in range(200):
            need_iban = scen != "noref_name"
            inv0 = self.pick(
                lambda i, ni=need_iban: bool(self.cust_of(i).ibans) == ni and not self.cust_of(i).recurring
            )
            if inv0 is None:
                return []
            c = self.cust_of(inv0)
            if scen == "multi_noref":
                mine = [
                    i
                    for i in self.by_customer[c.id]
                    if not i.claimed
                    and not i.recurring
                    and i.kind == "invoice"
                    and i.currency == "EUR"
                    and i.issue < PERIOD_END
                ]
                if len(mine) < 3:
                    continue
                invs = rng.sample(mine, rng.choice([2, 2, 3]))
            else:
                invs = [inv0]
            v = self.value_for(invs)
            if v is None:
                continue
            amount = sum(i.total for i in invs)
            if self.subset_count(c.id, amount, v) != 1:
                continue
            if scen == "noref_name":
                others = [o for o in self.clusters.get(c.cluster, []) if o.id != c.id]
                if any(i.total == amount for o in others for i in self.by_customer[o.id]):
                    continue
            tx = self.customer_tx(scen, invs, amount, v, "iban_known" if need_iban else "name_only")
            if scen == "noref_name" and "trunc35" in tx.payer_mode:
                tx.payer_name = c.name
            lang = self.lang(c)
            text = rng.choice(
                {
                    "fr": ["Paiement", "Règlement fournisseur", "Virement", "Solde"],
                    "nl": ["Betaling", "Betaling leverancier", "Saldo"],
                    "de": ["Zahlung", "Überweisung", "Lieferantenzahlung"],
                    "en": ["Payment", "Supplier payment", "Payables run"],
                    "it": ["Pagamento"],
                    "es": ["Pago proveedor"],
                }[lang]
            )
            if rng.random() < 0.3:
                text += f" {v:%d.%m.%Y}" if rng.random() < 0.5 else " " + c.name.upper()
            self.layout(tx, text)
            tx.truth = [(i.number, i.total, "invoice") for i in invs]
            return [tx]
        return []

    def non_customer(self, scen: str) -> list[Tx]:
        rng = self.rng
        opens = [i for i in self.invoices if i.currency == "EUR" and i.kind == "invoice"]
        trap_amount = rng.choice(opens).total if rng.random() < 0.35 else None
        trap_number = rng.choice(opens).number if rng.random() < 0.3 else None
        v = PERIOD_START + timedelta(days=rng.randint(0, 29))
        tx = Tx(scen, 0, "EUR", v, customer_payment=False)
        if scen == "nc_interest":
            tx.amount = rng.randint(100, 40000)
            tx.payer_name = rng.choice(["", "BELFIUS BANQUE", "KBC BANK"])
            tx.domain = ("LDAS", "CSLN", "INTR") if rng.random() < 0.5 else ("ACMT", "MDOP", "INTR")
            text = rng.choice(
                [
                    "INTERETS CREDITEURS 01/01/2026-31/03/2026",
                    "Habenzinsen Q1 2026",
                    "Creditinterest periode 2026-02",
                    "CREDIT INTEREST 0000123456",
                ]
            )
            trap_amount = None
        elif scen == "nc_supplier_refund":
            tx.amount = trap_amount or rng.randint(2000, 300000)
            sup = rng.choice(
                [
                    "Office Depot BV",
                    "Würth Belux NV",
                    "Lyreco Benelux SA",
                    "Proximus SA",
                    "Engie Electrabel SA",
                    "TotalEnergies Marketing",
                    "Staples GmbH",
                ]
            )
            tx.payer_name, tx.payer_iban = sup, self.new_iban(rng.choice(["BE", "NL", "DE"]))
            num = trap_number or f"{rng.randint(24, 26)}/{rng.randint(10000, 99999)}"
            text = rng.choice(
                [
                    f"Remboursement note de crédit {num}",
                    f"Gutschrift {num} Rückerstattung",
                    f"Terugbetaling creditnota {num}",
                    f"Refund credit memo {num} double payment",
                ]
            )
        elif scen == "nc_card_settlement":
            tx.amount = trap_amount or rng.randint(5000, 1500000)
            psp = rng.choice(
                [
                    ("WORLDLINE SA/NV", "BE"),
                    ("ADYEN N.V.", "NL"),
                    ("STRIPE PAYMENTS EUROPE", "NL"),
                    ("PAYPAL EUROPE S.A R.L.", "LU"),
                    ("SUMUP LIMITED", "BE"),
                ]
            )
            tx.payer_name, tx.payer_iban = psp[0], self.new_iban(psp[1])
            tx.domain = ("PMNT", "MCRD", "POSP") if rng.random() < 0.5 else ("PMNT", "RCDT", "ESCT")
            text = rng.choice(
                [
                    f"SETTLEMENT {v:%Y%m%d} MID {_digits(rng, 7)} BATCH {_digits(rng, 4)}",
                    f"Payout {_digits(rng, 16)} merchant ENCAISSE",
                    f"Worldline payout {v:%d/%m} terminal {_digits(rng, 8)} trx 123",
                    f"STRIPE PAYOUT ST-{_digits(rng, 6)}",
                ]
            )
            if trap_number:
                text += f" ref {trap_number}"
        elif scen == "nc_tax_refund":
            tx.amount = trap_amount or rng.randint(50000, 5000000)
            tx.payer_name = rng.choice(
                ["SPF FINANCES - TVA", "Finanzamt Aachen-Stadt", "DGFIP SIE PARIS", "Belastingdienst"]
            )
            tx.payer_iban = self.new_iban({"S": "BE", "F": "DE", "D": "FR", "B": "NL"}[tx.payer_name[0]])
            text = rng.choice(
                [
                    "Remboursement TVA 2026/02 BE0123456749",
                    "Erstattung USt 02/2026 StNr 201/5123/4567",
                    "Remboursement credit de TVA 2025-T4",
                    "Teruggave omzetbelasting 2026-01",
                ]
            )
        elif scen == "nc_intragroup":
            tx.amount = trap_amount or rng.randint(1000000, 25000000)
            tx.payer_name = rng.choice(["Encaisse Group Holding SA", "ENCAISSE TREASURY CENTER NV"])
            tx.payer_iban = self.new_iban("BE")
            text = rng.choice(
                [
                    "Cash pooling zero balancing",
                    "Intercompany loan drawdown",
                    f"Intragroup settlement {trap_number or 'Q1'}",
                    "Management fee refund 2025",
                ]
            )
        elif scen == "nc_return":  # one of our own outgoing transfers comes back
            tx.amount = trap_amount or rng.randint(2000, 500000)
            tx.payer_name = rng.choice(
                ["Lyreco Benelux SA", "Würth Belux NV", "Transports Dumoulin SARL", ""]
            )
            tx.payer_iban = self.new_iban("BE")
            tx.domain = ("PMNT", "ICDT", "RRTN")
            text = rng.choice(
                [
                    f"RETOUR VIREMENT AC04 COMPTE CLOTURE REF {_digits(rng, 10)}",
                    f"RETURN MS03 ORIGINAL E2E {trap_number or _digits(rng, 12)}",
                    f"Rücküberweisung AC01 IBAN fehlerhaft {_digits(rng, 8)}",
                ]
            )
        else:
            raise ValueError(scen)
        self.layout(tx, text)
        tx.payer_mode = "non_customer"
        tx.truth = []
        return [tx]

    # -- putting it together --------------------------------------------------------------
    def generate(self) -> None:
        rng = self.rng
        self.gen_customers()
        self.gen_invoices()
        total_w = sum(WEIGHTS.values())
        plan: list[str] = []
        for scen, w in WEIGHTS.items():
            plan += [scen] * max(1, round(self.n * w / total_w))
        rng.shuffle(plan)
        # structured/discount/fifo/implausible first so that they find their invoices
        prio = {
            "discount": 0,
            "implausible_date": 0,
            "recurring_fifo": 0,
            "usd": 0,
            "multi_range": 1,
            "ref_truncated": 1,
            "credit_note_netting": 1,
            "multi_noref": 2,
            "noref_name": 2,
            "single_noref": 2,
        }
        plan.sort(key=lambda s: prio.get(s, 3))
        for scen in plan:
            self.txs.extend(self.gen_scenario(scen))
        # a few debits (bank fees, a supplier payment): not scored
        for _ in range(max(3, self.n // 200)):
            t = Tx(
                "debit",
                rng.randint(500, 500000),
                "EUR",
                PERIOD_START + timedelta(days=rng.randint(0, 29)),
                customer_payment=False,
                debit=True,
            )
            t.payer_name = rng.choice(["", "Proximus SA", "Lyreco Benelux SA"])
            t.ustrd = [
                rng.choice(["FRAIS DE TENUE DE COMPTE", "Facture fournisseur 2026-0311", "LOYER MARS"])
            ]
            self.txs.append(t)
        self.order_and_ref()

    def order_and_ref(self) -> None:
        rng = self.rng
        for t in self.txs:
            t.booking = t.value if rng.random() < 0.85 else min(t.value + timedelta(days=1), PERIOD_END)
            if t.booking.weekday() >= 5:  # banks book on working days
                t.booking = min(t.booking + timedelta(days=7 - t.booking.weekday()), PERIOD_END)
            t.order = rng.random()
        for t in self.txs:
            if t.dup_of is not None and (t.booking, t.order) <= (t.dup_of.booking, t.dup_of.order):
                t.booking = t.dup_of.booking
                t.order = t.dup_of.order + 1e-9
        # batches share one entry (same booking date)
        batches: dict[int, list[Tx]] = defaultdict(list)
        for t in self.txs:
            if t.batch >= 0:
                batches[t.batch].append(t)
        # collective credits: group some plain EUR SEPA credits of one day into one entry
        batchable = {
            "ref_exact",
            "ref_variant",
            "rf_typed",
            "ogm_typed",
            "rf_strd",
            "ogm_strd",
            "multi_list",
            "partial",
            "bank_charges",
            "deduction",
        }
        sepa = [t for t in self.txs if t.scenario in batchable and t.batch < 0 and t.layout != "addtl"]
        rng.shuffle(sepa)
        by_day: dict[date, list[Tx]] = defaultdict(list)
        for t in sepa[: len(sepa) // 12]:
            by_day[t.booking].append(t)
        for _day, ts in by_day.items():
            for k in range(0, len(ts) - 1, 4):
                grp = ts[k : k + 4]
                if len(grp) > 1:
                    bid = rng.randrange(10**9, 2 * 10**9)
                    for t in grp:
                        t.batch = bid
                        t.layout += "+batch"
        for ts in list(batches.values()) + [
            [t for t in self.txs if t.batch == b] for b in {t.batch for t in self.txs if t.batch >= 10**9}
        ]:
            day = max(t.booking for t in ts)
            val = max(t.value for t in ts)
            o = min(t.order for t in ts)
            for k, t in enumerate(ts):
                t.booking, t.order, t.value = day, o + k * 1e-12, val
        self.txs.sort(key=lambda t: (t.currency, t.booking, t.order))
        # FIFO truth in booking order
        taken: dict[str, int] = defaultdict(int)
        for t in self.txs:
            if t.fifo_customer:
                items = sorted(
                    (i for i in self.by_customer[t.fifo_customer] if i.recurring and i.issue <= t.value),
                    key=lambda i: (i.due, i.issue, i.number),
                )
                k = taken[t.fifo_customer]
                taken[t.fifo_customer] += 1
                inv = items[k]
                inv.claimed = True
                t.truth = [(inv.number, inv.total, "invoice")]
        seen: set[str] = set()
        for k, t in enumerate(self.txs):
            while True:
                r = rng.choice(
                    [
                        f"{t.booking:%Y%m%d}{_digits(rng, 8)}",
                        f"ZV{_digits(rng, 10)}",
                        f"0{_digits(rng, 3)} {t.booking:%y%j} {k:05d}",
                    ]
                )
                if r not in seen:
                    seen.add(r)
                    t.ref = r
                    break
        self.entry_refs = seen

    # -- files ----------------------------------------------------------------------------
    def write_customers(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(
                [
                    "id",
                    "name",
                    "country",
                    "vat_number",
                    "iban",
                    "email",
                    "language",
                    "legal_form",
                    "payment_terms_days",
                    "parent_id",
                ]
            )
            for c in self.customers:
                dom = strip_accents(c.base.split(" ")[0]).lower().replace("&", "")
                w.writerow(
                    [
                        c.id,
                        c.name,
                        c.country,
                        c.vat,
                        "|".join(c.ibans),
                        f"ap@{dom}{c.id[1:]}.example",
                        c.language,
                        c.legal_form,
                        c.terms,
                        c.parent_id,
                    ]
                )

    def write_invoices(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(
                [
                    "number",
                    "customer_id",
                    "issue_date",
                    "due_date",
                    "currency",
                    "total",
                    "structured_reference",
                    "kind",
                    "rate",
                    "discount_percent",
                    "discount_days",
                    "order_reference",
                ]
            )
            for i in self.invoices:
                sref = ""
                if i.sref_kind == "OGM":
                    sref = ogm_fmt(i.sref)
                elif i.sref_kind == "RF":
                    sref = i.sref
                w.writerow(
                    [
                        i.number,
                        i.customer_id,
                        i.issue.isoformat(),
                        i.due.isoformat(),
                        i.currency,
                        fmt_amount(i.total),
                        sref,
                        i.kind,
                        "0.9200" if i.currency == "USD" else "",
                        i.disc_pct or "",
                        i.disc_days or "",
                        i.order_ref,
                    ]
                )

    def camt(self, path: Path) -> None:
        rng = self.rng
        out = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
            "<BkToCstmrStmt>",
            f"<GrpHdr><MsgId>BBX{rng.randrange(10**9)}</MsgId><CreDtTm>2026-04-01T05:12:00</CreDtTm>"
            "</GrpHdr>",
        ]
        for k, (cur, iban) in enumerate([("EUR", self.account_iban), ("USD", self.usd_iban)]):
            txs = [t for t in self.txs if t.currency == cur]
            opening = rng.randrange(10**6, 10**8)
            net = sum(-t.amount if t.debit else t.amount for t in txs)
            out.append(
                f"<Stmt><Id>BBX-{cur}-2026-03</Id><ElctrncSeqNb>{60 + k}</ElctrncSeqNb>"
                f"<CreDtTm>2026-04-01T05:12:00</CreDtTm><FrToDt><FrDtTm>2026-03-01T00:00:00</FrDtTm>"
                f"<ToDtTm>2026-03-31T23:59:59</ToDtTm></FrToDt>"
                f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>{cur}</Ccy>"
                f"<Svcr><FinInstnId><BIC>GKCCBEBB</BIC></FinInstnId></Svcr></Acct>"
            )
            for code, amt, d in (("OPBD", opening, "2026-02-28"), ("CLBD", opening + net, "2026-03-31")):
                ind = "CRDT" if amt >= 0 else "DBIT"
                out.append(
                    f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="{cur}">'
                    f"{fmt_amount(abs(amt))}</Amt><CdtDbtInd>{ind}</CdtDbtInd><Dt><Dt>{d}</Dt></Dt></Bal>"
                )
            groups: list[list[Tx]] = []
            for t in txs:
                if groups and t.batch >= 0 and groups[-1][0].batch == t.batch:
                    groups[-1].append(t)
                else:
                    groups.append([t])
            for g in groups:
                out.append(self.entry(g, cur))
            out.append("</Stmt>")
        out.append("</BkToCstmrStmt></Document>")
        path.write_text("\n".join(out), encoding="utf-8")

    def entry(self, g: list[Tx], cur: str) -> str:
        rng = self.rng
        t0 = g[0]
        total = sum(t.amount for t in g)
        ind = "DBIT" if t0.debit else "CRDT"
        batch = len(g) > 1
        eref = f"N{t0.ref}" if batch or rng.random() < 0.2 else t0.ref
        if not batch and eref != t0.ref:
            pass
        t0.entry_ref = eref
        dom, fam, sub = ("PMNT", "ICDT", "ESCT") if t0.debit else t0.domain
        s = [
            f'<Ntry><Amt Ccy="{cur}">{fmt_amount(total)}</Amt><CdtDbtInd>{ind}</CdtDbtInd>'
            f"<Sts>BOOK</Sts><BookgDt><Dt>{t0.booking.isoformat()}</Dt></BookgDt>"
            f"<ValDt><Dt>{t0.value.isoformat()}</Dt></ValDt><AcctSvcrRef>{escape(eref)}</AcctSvcrRef>"
            f"<BkTxCd><Domn><Cd>{dom}</Cd><Fmly><Cd>{fam}</Cd><SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn>"
            f"</BkTxCd>"
        ]
        s.append("<NtryDtls>")
        if batch:
            s.append(
                f'<Btch><NbOfTxs>{len(g)}</NbOfTxs><TtlAmt Ccy="{cur}">{fmt_amount(total)}</TtlAmt>'
                f"<CdtDbtInd>CRDT</CdtDbtInd></Btch>"
            )
        for t in g:
            s.append("<TxDtls><Refs>")
            if batch or eref != t.ref:
                s.append(f"<AcctSvcrRef>{escape(t.ref)}</AcctSvcrRef>")
            s.append(
                f"<EndToEndId>{'NOTPROVIDED' if rng.random() < 0.5 else 'E2E' + _digits(rng, 10)}"
                "</EndToEndId></Refs>"
            )
            s.append(f'<AmtDtls><TxAmt><Amt Ccy="{cur}">{fmt_amount(t.amount)}</Amt></TxAmt></AmtDtls>')
            if t.payer_name or t.payer_iban or t.payer_other or t.ultimate:
                s.append("<RltdPties>")
                if t.payer_name:
                    s.append(f"<Dbtr><Nm>{escape(t.payer_name)}</Nm></Dbtr>")
                if t.payer_iban:
                    s.append(f"<DbtrAcct><Id><IBAN>{t.payer_iban}</IBAN></Id></DbtrAcct>")
                elif t.payer_other:
                    s.append(f"<DbtrAcct><Id><Othr><Id>{t.payer_other}</Id></Othr></Id></DbtrAcct>")
                if t.ultimate:
                    s.append(f"<UltmtDbtr><Nm>{escape(t.ultimate[:70])}</Nm></UltmtDbtr>")
                s.append("</RltdPties>")
            if t.ustrd or t.strd:
                s.append("<RmtInf>")
                s.extend(f"<Ustrd>{escape(u[:140])}</Ustrd>" for u in t.ustrd)
                for issr, ref in t.strd:
                    s.append(
                        "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry>"
                        f"<Issr>{issr}</Issr></Tp><Ref>{ref}</Ref></CdtrRefInf></Strd>"
                    )
                s.append("</RmtInf>")
            s.append("</TxDtls>")
        s.append("</NtryDtls>")
        if t0.addtl and not batch:
            s.append(f"<AddtlNtryInf>{escape(t0.addtl[:500])}</AddtlNtryInf>")
        s.append("</Ntry>")
        return "".join(s)

    def write_truth(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["tx_ref", "invoice_number", "amount", "status", "kind", "confidence"])
            for t in self.txs:
                if t.debit:
                    continue
                if not t.truth:
                    w.writerow([t.ref, "", fmt_amount(t.amount), "unmatched", "unrelated", ""])
                    continue
                assert sum(a for _n, a, _k in t.truth) == t.amount, (t.scenario, t.truth, t.amount)
                for num, amt, kind in t.truth:
                    sign = "-" if amt < 0 else ""
                    w.writerow([t.ref, num, sign + fmt_amount(amt), "applied", kind, "1.00"])


# ----------------------------------------------------------------------------------------
# running the product
# ----------------------------------------------------------------------------------------


def run_product(gen: Generator, out: Path, exe: Path) -> tuple[dict[str, float], list[dict[str, str]]]:
    home = Path(tempfile.mkdtemp(prefix="encaisse-bbx-"))
    steps = [
        (
            "init",
            ["init", "--code", "main", "--currency", "EUR", "--country", "BE", "--iban", gen.account_iban],
        ),
        ("import-customers", ["import-customers", str(out / "customers.csv")]),
        ("import-invoices", ["import-invoices", str(out / "invoices.csv")]),
        ("import-statement", ["import-statement", str(out / "statement.xml")]),
        ("match", ["match"]),
        ("export-allocations", ["export-allocations", "-o", str(out / "out.csv")]),
    ]
    timings, problems, results = run_steps(exe, steps, home)
    for name, p in results.items():
        (out / f"{name}.log").write_text(step_log(p))
    shutil.rmtree(home, ignore_errors=True)
    return timings, problems


# ----------------------------------------------------------------------------------------
# scoring
# ----------------------------------------------------------------------------------------


def score(gen: Generator, out: Path) -> dict[str, object]:
    prod = read_export(out / "out.csv")
    stats: dict[str, Counter[str]] = defaultdict(Counter)
    misses: list[list[str]] = []
    for t in gen.txs:
        if t.debit:
            continue
        rows = prod.get(t.ref, [])
        status, applied = outcome(rows)
        st = stats[t.scenario]
        allst = stats["ALL customer" if t.customer_payment else "ALL must-stay-unmatched"]
        for s in (st, allst):
            s["n"] += 1
            s[status] += 1
        truth = sorted(t.truth)
        wrong = False
        if t.customer_payment:
            if status == "applied":
                ok = applied == truth
                tc = Counter(truth)
                good = sum(min(c, tc[r]) for r, c in Counter(applied).items())
                for s in (st, allst):
                    s["env_ok"] += ok
                    s["lines"] += len(applied)
                    s["lines_ok"] += good
                wrong = not ok
            elif status == "suggested":
                sugg = {n for n, _a, _k, s2, _c in rows if s2 == "suggested" and n}
                hit = {n for n, _a, k in truth if k == "invoice"} <= sugg
                for s in (st, allst):
                    s["sugg_hit"] += hit
            if status != "applied" or wrong:
                misses.append(miss_row(t, "wrong" if wrong else f"not_applied:{status}", rows))
        elif status == "applied":
            for s in (st, allst):
                s["wrongly_applied"] += 1
            misses.append(miss_row(t, "must_stay_unmatched_but_applied", rows))
    with (out / "misses.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "scenario",
                "issue",
                "tx_ref",
                "amount",
                "currency",
                "value_date",
                "payer_name",
                "payer_iban",
                "payer_mode",
                "layout",
                "remittance",
                "truth_rows",
                "product_rows",
            ]
        )
        w.writerows(misses)
    return {"stats": {k: dict(v) for k, v in stats.items()}, "misses": len(misses), "product_refs": len(prod)}


def miss_row(t: Tx, issue: str, rows: list[tuple[str, int, str, str, str]]) -> list[str]:
    truth = (
        "; ".join(f"{n or '-'}:{fmt_amount(a) if a >= 0 else '-' + fmt_amount(a)}:{k}" for n, a, k in t.truth)
        or "unmatched"
    )
    prod = (
        "; ".join(
            f"{s}:{n or '-'}:{fmt_amount(a) if a >= 0 else '-' + fmt_amount(a)}:{k}:{c}"
            for n, a, k, s, c in rows
        )
        or "(absent)"
    )
    return [
        t.scenario,
        issue,
        t.ref,
        fmt_amount(t.amount),
        t.currency,
        t.value.isoformat(),
        t.payer_name,
        t.payer_iban or t.payer_other,
        t.payer_mode,
        t.layout,
        t.remittance(),
        truth,
        prod,
    ]


def print_table(result: dict[str, object]) -> str:
    stats: dict[str, dict[str, int]] = result["stats"]  # type: ignore[assignment]
    lines = [
        f"{'scenario':24} {'n':>5} {'auto%':>6} {'env.p%':>6} {'line.p%':>7} {'sugg%':>6} "
        f"{'unm%':>6} {'miss':>4} {'s.hit':>5} {'wrongAp':>7}"
    ]
    keys = sorted(k for k in stats if not k.startswith("ALL"))
    keys = (
        [k for k in keys if k not in NON_CUSTOMER]
        + [k for k in keys if k in NON_CUSTOMER]
        + ["ALL customer", "ALL must-stay-unmatched"]
    )
    for k in keys:
        s = stats.get(k, {})
        n = s.get("n", 0)
        if not n:
            continue
        ap = s.get("applied", 0)
        if k in NON_CUSTOMER or k == "ALL must-stay-unmatched":
            lines.append(
                f"{k:24} {n:5d} {'':>6} {'':>6} {'':>7} {pct(s.get('suggested', 0), n)} "
                f"{pct(s.get('unmatched', 0), n)} {s.get('missing', 0):4d} {'':>5} "
                f"{s.get('wrongly_applied', 0):4d} {pct(s.get('wrongly_applied', 0), n).strip()}%"
            )
            continue
        lines.append(
            f"{k:24} {n:5d} {pct(ap, n)} {pct(s.get('env_ok', 0), ap)} "
            f"{pct(s.get('lines_ok', 0), s.get('lines', 0)):>7} {pct(s.get('suggested', 0), n)} "
            f"{pct(s.get('unmatched', 0), n)} {s.get('missing', 0):4d} "
            f"{s.get('sugg_hit', 0):5d}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args, exe, out = check_arguments(__doc__, argv, payments=2000, prefix="blackbox-")
    t0 = time.perf_counter()
    gen = Generator(args.payments, args.seed)
    gen.generate()
    assert iban_valid(gen.account_iban)
    assert all(iban_valid(i) for c in gen.customers for i in c.ibans)
    assert all(rf_valid(i.sref) for i in gen.invoices if i.sref_kind == "RF")
    assert all(int(i.sref[:10]) % 97 in (int(i.sref[10:]), 0) for i in gen.invoices if i.sref_kind == "OGM")
    gen.write_customers(out / "customers.csv")
    gen.write_invoices(out / "invoices.csv")
    gen.camt(out / "statement.xml")
    gen.write_truth(out / "truth.csv")
    credits = sum(1 for t in gen.txs if not t.debit)
    print(
        f"generated in {time.perf_counter() - t0:.1f}s: {len(gen.customers)} customers, "
        f"{len(gen.invoices)} documents, {credits} credits "
        f"({sum(t.customer_payment for t in gen.txs if not t.debit)} customer payments), out={out}"
    )
    if args.generate_only:
        return 0
    timings, problems = run_product(gen, out, exe)
    result = score(gen, out)
    report(out, print_table(result), timings, problems, result, remove=not args.keep and args.out is None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
