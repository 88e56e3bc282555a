"""Realistic receivables and bank credits with the right answer, for cash-application benchmarks.

One call to :func:`generate` makes an entity's customers (with look-alike
names, parent companies, factoring companies, accounts known and unknown),
its open items (invoices and credit notes: recurring equal amounts,
early-payment discount terms, structured references for some, order numbers
for the customers that quote them, a few in USD), and the bank credits of one
or more months that pay some of them, in every way customers really pay, plus
the credits that are no customer's at all. Every credit comes with its ground
truth in the export format ``tx_ref,invoice_number,amount,status,kind`` and
its scenario (the difficulty it stands for).

The noise is meant to be honest: customers type numbers with other
separators, without zeros, year or prefix, with typos, in four languages,
glued to other words, in lists and ranges cut at 140 characters; payer names
come upper case, without accents, legal form or with a city, cut at 35
characters; accounts are often new. Non-customer credits carry numbers that
look like invoice numbers and amounts equal to open invoices.

Ground-truth conventions (the same as the engine's contract, see
``encaisse.core.matching.records``): when a customer pays without any
reference and several open items fit equally, the truth is the oldest one
(first in, first out), as an accounts clerk would book it; bank charges and
unexplained residues are attributed to the last invoice of a payment.

Outputs: the pure records (:class:`Dataset`), and files for the app-level
benchmark: camt.053.001.08 statements (:func:`write_camt053`), customers and
open items as CSV and JSON, the truth and scenarios as CSV
(:func:`write_files`).
"""

from __future__ import annotations

import csv
import itertools
import json
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from encaisse.core.matching.records import (
    CreditTransaction,
    ItemKind,
    MatchSettings,
    OpenItem,
    Party,
    StructuredReference,
    TransactionCode,
)
from encaisse.core.references import create_ogm, create_rf, format_ogm, format_rf

__all__ = ["Config", "Dataset", "generate", "write_camt053", "write_files"]

CENT = Decimal("0.01")

# --- vocabulary ----------------------------------------------------------------------

SURNAMES = [
    "Dupont",
    "Dupond",
    "Dubois",
    "Lambert",
    "Martin",
    "Leroy",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefebvre",
    "Mercier",
    "Durand",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Faure",
    "Blanc",
    "Guerin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "Legrand",
    "Gauthier",
    "Perrin",
    "Robin",
    "Clement",
    "Morin",
    "Henry",
    "Roussel",
    "Mathieu",
    "Lemaire",
    "Renard",
    "Dumont",
    "Lejeune",
    "Noel",
    "Masson",
    "Janssens",
    "Peeters",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "Vermeulen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Mulder",
    "Bos",
    "Vos",
    "Hendriks",
    "Dekker",
    "Brouwer",
    "Dijkstra",
    "Muller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schafer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schroder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Smith",
    "Johnson",
    "Brown",
    "Taylor",
    "Wilson",
    "Davies",
    "Evans",
    "Thomas",
    "Roberts",
    "Walker",
    "Wright",
    "Green",
    "Hall",
    "Wood",
    "Baker",
    "Clarke",
]
SURNAMES += ["De Smet", "Van den Berg", "De Vries", "De Boer", "De Groot", "Van Leeuwen", "De Wit", "Van Damme",
             "Lefèvre", "Müller", "Schäfer", "Schröder", "Gérard", "Hélène", "Bernard-Lévy", "Van der Linden"]  # fmt: skip
ACTIVITIES = {
    "fr": [
        "Transports",
        "Boulangerie",
        "Construction",
        "Menuiserie",
        "Imprimerie",
        "Consulting",
        "Services",
        "Garage",
        "Pharma",
        "Alimentation",
        "Distribution",
        "Electricité",
        "Chauffage",
        "Nettoyage",
        "Sécurité",
        "Informatique",
        "Immobilier",
        "Textiles",
        "Emballages",
        "Traiteur",
        "Peinture",
        "Toitures",
        "Carrelage",
        "Logistique",
    ],
    "nl": [
        "Transport",
        "Bakkerij",
        "Bouw",
        "Schrijnwerkerij",
        "Drukkerij",
        "Consulting",
        "Diensten",
        "Garage",
        "Voeding",
        "Distributie",
        "Elektro",
        "Verwarming",
        "Schoonmaak",
        "Beveiliging",
        "Informatica",
        "Vastgoed",
        "Textiel",
        "Verpakking",
        "Catering",
        "Schilderwerken",
        "Dakwerken",
        "Tegels",
        "Logistiek",
    ],
    "de": [
        "Transporte",
        "Bäckerei",
        "Bau",
        "Tischlerei",
        "Druckerei",
        "Beratung",
        "Dienstleistungen",
        "Autohaus",
        "Lebensmittel",
        "Vertrieb",
        "Elektrotechnik",
        "Heizungsbau",
        "Reinigung",
        "Sicherheit",
        "Informatik",
        "Immobilien",
        "Textil",
        "Verpackung",
        "Catering",
        "Malerbetrieb",
        "Dachdecker",
        "Fliesen",
        "Logistik",
    ],
    "en": [
        "Transport",
        "Bakery",
        "Construction",
        "Joinery",
        "Printing",
        "Consulting",
        "Services",
        "Motors",
        "Pharma",
        "Foods",
        "Distribution",
        "Electrical",
        "Heating",
        "Cleaning",
        "Security",
        "Software",
        "Property",
        "Textiles",
        "Packaging",
        "Catering",
        "Decorators",
        "Roofing",
        "Tiles",
        "Logistics",
    ],
}
LEGAL = {
    "fr": ["SA", "SRL", "SPRL", "SAS", "SARL", "S.A.", "SCRL", "EURL"],
    "nl": ["NV", "BV", "BVBA", "N.V.", "B.V.", "CV", "VOF"],
    "de": ["GmbH", "AG", "KG", "GmbH & Co. KG", "e.K."],
    "en": ["Ltd", "Limited", "PLC", "LLC", "Inc."],
}
LEGAL_LONG = {
    "SA": ["S.A.", "Société Anonyme", "NV"], "NV": ["N.V.", "SA", "Naamloze Vennootschap"], "SRL": ["BV", "S.R.L."],
    "BV": ["B.V.", "SRL", "BVBA"], "SPRL": ["SRL", "S.P.R.L."], "BVBA": ["BV", "B.V.B.A."], "GmbH": ["GMBH", "Gmbh", ""],
    "AG": ["A.G.", "Aktiengesellschaft"], "Ltd": ["Limited", "LTD."], "SAS": ["S.A.S.", "SA"], "SARL": ["S.A.R.L.", "SRL"],
}  # fmt: skip
CITIES = {
    "fr": [
        "Bruxelles",
        "Liège",
        "Namur",
        "Charleroi",
        "Mons",
        "Wavre",
        "Paris",
        "Lyon",
        "Lille",
        "Luxembourg",
    ],
    "nl": [
        "Antwerpen",
        "Gent",
        "Leuven",
        "Brugge",
        "Mechelen",
        "Hasselt",
        "Amsterdam",
        "Rotterdam",
        "Utrecht",
    ],
    "de": ["Köln", "Aachen", "Düsseldorf", "Eupen", "Sankt Vith", "Trier", "Frankfurt am Main"],
    "en": ["London", "Dublin", "Manchester", "Leeds"],
}
COUNTRY = {
    "fr": ["BE", "BE", "FR", "LU"],
    "nl": ["BE", "BE", "NL"],
    "de": ["DE", "DE", "BE"],
    "en": ["GB", "IE", "NL"],
}
INVOICE_WORDS = {
    "fr": ["Facture", "Fact.", "Fact", "FACTURE N°", "Fac", "Paiement facture", "Votre facture", "N/Réf", "Règlement fact."],
    "nl": ["Factuur", "Fact.", "Factuurnr", "Betaling factuur", "Uw factuur", "Fact nr", "Fac."],
    "de": ["Rechnung", "RE", "Rg.", "Rechnungsnr.", "Rg-Nr", "Zahlung RE", "Ihre Rechnung"],
    "en": ["Invoice", "Inv", "Inv no", "INV#", "Payment invoice", "Your invoice", "Inv."],
}  # fmt: skip
PLURAL_WORDS = {"fr": "Factures", "nl": "Facturen", "de": "Rechnungen", "en": "Invoices"}
AND_WORDS = {"fr": "et", "nl": "en", "de": "und", "en": "and"}
POLITE = {
    "fr": ["merci", "Merci d'avance", "cordialement", ""], "nl": ["bedankt", "dank u", "mvg", ""],
    "de": ["danke", "MfG", "Vielen Dank", ""], "en": ["thanks", "thank you", "regards", ""],
}  # fmt: skip
CUSTOMER_NO = {"fr": "Client", "nl": "Klantnr", "de": "Kd-Nr.", "en": "Customer"}
PARTIAL_WORDS = {
    "fr": ["Acompte", "Paiement partiel", "1ère tranche"], "nl": ["Deelbetaling", "Voorschot", "Gedeeltelijke betaling"],
    "de": ["Teilzahlung", "Abschlagszahlung", "1. Rate"], "en": ["Partial payment", "Part payment", "1st instalment"],
}  # fmt: skip
DEDUCTION_TEXT = {
    "fr": ["moins {a} marchandise endommagée", "retenue {a} différence de prix", "déduction avoir attendu {a}",
           "- {a} ligne contestée"],
    "nl": ["min {a} beschadigde goederen", "korting {a} prijsverschil", "inhouding {a} creditnota te ontvangen",
           "minus {a} betwiste lijn"],
    "de": ["abzüglich {a} beschädigte Ware", "abzgl. {a} Preisdifferenz", "Abzug {a} Gutschrift erwartet",
           "minus {a} strittige Position"],
    "en": ["less {a} damaged goods", "minus {a} price difference", "deducted {a} credit note expected",
           "short paid {a} disputed line"],
}  # fmt: skip
FACTORS = ["BNP Paribas Factor", "KBC Commercial Finance", "Belfius Commercial Finance", "ING Commercial Finance",
           "Eurofactor", "Coface Finanz GmbH"]  # fmt: skip
FIRST_NAMES = [
    "Jean",
    "Marie",
    "Pierre",
    "Sophie",
    "Luc",
    "Anne",
    "Jan",
    "Els",
    "Peter",
    "Griet",
    "Hans",
    "Ursula",
    "Tom",
    "Sarah",
    "Marc",
    "Julie",
    "Koen",
    "Inge",
]


@dataclass(frozen=True)
class Config:
    """How much and which kind of data to make."""

    payments: int = 20_000
    open_invoices: int = 100_000
    customers: int | None = None  # default: open_invoices // 25
    months: int = 1
    seed: int = 1
    numbering: str = "INV-{year}-{seq:05d}"  # also "F{yy}{seq:06d}", "{year}/{seq:06d}", "FA{seq:07d}"
    credit_numbering: str = "CN-{year}-{seq:04d}"
    start: date = date(2026, 3, 1)  # first day of the payments
    non_customer_share: float = 0.04
    usd_share: float = 0.01


@dataclass
class Dataset:
    """Records for the engine, and the truth."""

    config: Config
    settings: MatchSettings
    parties: list[Party]
    items: list[OpenItem]
    transactions: list[CreditTransaction]
    truth: list[tuple[str, str, str, str, str]]  # tx_ref, invoice_number, amount, status, kind
    scenarios: dict[str, str]
    month_of: dict[str, int] = field(default_factory=dict)
    account_iban: str = "BE68539007547034"
    account_iban_usd: str = "BE43068999999501"
    entity_name: str = "Encaisse Demo Group NV"

    def truth_by_tx(self) -> dict[str, list[tuple[str, str, str, str, str]]]:
        out: dict[str, list[tuple[str, str, str, str, str]]] = defaultdict(list)
        for row in self.truth:
            out[row[0]].append(row)
        return out


# --- helpers ------------------------------------------------------------------------------


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _fmt_amount(value: Decimal, lang: str, rnd: random.Random) -> str:
    text = f"{value:,.2f}"
    if lang in ("fr", "nl", "de") and rnd.random() < 0.7:
        text = text.replace(",", "X").replace(".", ",").replace("X", "." if rnd.random() < 0.6 else " ")
    else:
        text = text.replace(",", "" if rnd.random() < 0.5 else ",")
    return text


def _iban(country: str, bban: str) -> str:
    digits = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


def random_iban(r: random.Random, country: str) -> str:
    """A valid IBAN (check digits and, for BE and FR, national check digits) of a real bank code."""
    if country == "BE":
        body = f"{r.choice([1, 68, 96, 103, 310, 363, 539, 630, 735, 750, 973]):03d}{r.randint(0, 9_999_999):07d}"
        return _iban("BE", body + f"{int(body) % 97 or 97:02d}")
    if country == "FR":
        bank, branch, account = (
            r.choice([30003, 30004, 20041, 10278, 30002]),
            r.randint(10000, 99999),
            r.randint(0, 10**11 - 1),
        )
        key = 97 - (89 * bank + 15 * branch + 3 * account) % 97
        return _iban("FR", f"{bank:05d}{branch:05d}{account:011d}{key:02d}")
    if country == "NL":
        return _iban(
            "NL", r.choice(["INGB", "ABNA", "RABO", "TRIO", "KNAB"]) + f"{r.randint(0, 10**10 - 1):010d}"
        )
    if country == "DE":
        return _iban(
            "DE",
            r.choice(["37040044", "10070000", "50010517", "20041111", "39050000"])
            + f"{r.randint(0, 10**10 - 1):010d}",
        )
    if country == "LU":
        return _iban("LU", r.choice(["001", "002", "003", "014"]) + f"{r.randint(0, 10**13 - 1):013d}")
    if country in ("GB", "IE"):
        bank = r.choice(["NWBK", "BARC", "LOYD", "HBUK"] if country == "GB" else ["AIBK", "BOFI"])
        return _iban(country, bank + f"{r.randint(0, 10**14 - 1):014d}")
    raise ValueError(f"no IBAN pattern for {country}")


def _strip_accents(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


class _Numbering:
    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.seq: dict[int, int] = defaultdict(int)

    def next(self, issue: date) -> str:
        self.seq[issue.year] += 1
        return self.pattern.format(year=issue.year, yy=issue.year % 100, seq=self.seq[issue.year])


@dataclass
class _Customer:
    index: int
    id: str
    name: str
    lang: str
    country: str
    ibans: list[str]  # known in master data
    unknown_ibans: list[str]  # used but not on file
    weight: float
    habit: str  # "reference", "number", "no_reference", "order"
    uses_ogm: bool
    uses_rf: bool
    discount: tuple[Decimal, int] | None
    terms: int
    recurring: Decimal | None
    payer_id: str | None = None  # a parent or factor that pays for it
    payer_known: bool = True
    sloppy: float = 0.0  # how messy it writes numbers
    currency: str = "EUR"


@dataclass
class _Item:
    index: int
    id: str
    number: str
    customer: _Customer
    currency: str
    total: Decimal
    open: Decimal
    issue: date
    due: date
    reference: str | None
    order: str | None
    is_credit: bool
    discount: tuple[Decimal, int] | None


# --- generation ---------------------------------------------------------------------------------


class _Generator:
    def __init__(self, config: Config) -> None:
        self.c = config
        self.r = random.Random(config.seed)
        self.numbering = _Numbering(config.numbering)
        self.credit_numbering = _Numbering(config.credit_numbering)
        self.customers: list[_Customer] = []
        self.third_parties: list[Party] = []
        self.items: list[_Item] = []
        self.txs: list[CreditTransaction] = []
        self.truth: list[tuple[str, str, str, str, str]] = []
        self.scenarios: dict[str, str] = {}
        self.month_of: dict[str, int] = {}
        self.tx_seq = 0
        self.entity_ibans = ("BE68539007547034", "BE43068999999501")
        self.group_ibans = tuple(random_iban(self.r, "BE") for _ in range(2))

    # parties
    def make_customers(self) -> None:
        r = self.r
        n = self.c.customers or max(40, self.c.open_invoices // 25)
        langs = ["fr"] * 35 + ["nl"] * 35 + ["de"] * 15 + ["en"] * 15
        for name in FACTORS:
            self.third_parties.append(
                Party(
                    f"F{len(self.third_parties) + 1:03d}",
                    name,
                    ibans=(random_iban(r, "BE"),),
                    is_customer=False,
                )
            )
        used_names: set[str] = set()
        families: list[tuple[str, str]] = []  # (base, lang) for groups of look-alike names
        i = 0
        while len(self.customers) < n:
            lang = r.choice(langs)
            base = r.choice(SURNAMES)
            kind = r.random()
            if families and r.random() < 0.25:
                base, lang = r.choice(families)  # a look-alike of an existing customer
            if kind < 0.12:
                name = f"{r.choice(FIRST_NAMES)} {base}"
            elif kind < 0.55:
                name = f"{base} {r.choice(ACTIVITIES[lang])} {r.choice(LEGAL[lang])}"
            elif kind < 0.8:
                name = f"{r.choice(ACTIVITIES[lang])} {base} {r.choice(LEGAL[lang])}"
            elif kind < 0.9:
                name = f"{base} & {r.choice(SURNAMES)} {r.choice(LEGAL[lang])}"
            else:
                name = f"{r.choice(ACTIVITIES[lang])} {r.choice(ACTIVITIES[lang])} {base} {r.choice(CITIES[lang])} {r.choice(LEGAL[lang])}"
            if name in used_names:
                continue
            used_names.add(name)
            families.append((base, lang))
            i += 1
            country = r.choice(COUNTRY[lang])
            n_ibans = r.choices([0, 1, 2], [0.12, 0.75, 0.13])[0]
            ibans = [random_iban(r, country) for _ in range(n_ibans)]
            unknown = [random_iban(r, country)] if r.random() < 0.3 or not ibans else []
            habit = r.choices(["reference", "number", "no_reference", "order"], [0.36, 0.52, 0.09, 0.03])[0]
            uses_ogm = country == "BE" and r.random() < 0.55
            self.customers.append(
                _Customer(
                    index=len(self.customers),
                    id=f"C{len(self.customers) + 1:06d}",
                    name=name,
                    lang=lang,
                    country=country,
                    ibans=ibans,
                    unknown_ibans=unknown,
                    weight=min(r.paretovariate(1.2), 40.0),
                    habit=habit,
                    uses_ogm=uses_ogm,
                    uses_rf=not uses_ogm and r.random() < 0.5,
                    discount=r.choice(
                        [(Decimal(2), 10), (Decimal(1), 8), (Decimal("1.5"), 14), (Decimal(3), 7)]
                    )
                    if r.random() < 0.15
                    else None,
                    terms=r.choice([30, 30, 30, 45, 60, 14, 0]),
                    recurring=_money(Decimal(r.choice([99, 149, 250, 450, 605, 1210, 2420])))
                    if r.random() < 0.15
                    else None,
                    sloppy=r.random(),
                    currency="USD" if r.random() < self.c.usd_share else "EUR",
                )
            )
        # groups: a parent pays for its subsidiaries; factored customers
        parents = r.sample(self.customers, k=max(2, n // 60))
        for parent in parents:
            base = parent.name.split()[0]
            for _ in range(r.randint(1, 4)):
                lang = parent.lang
                sub = _Customer(
                    index=len(self.customers),
                    id=f"C{len(self.customers) + 1:06d}",
                    name=f"{base} {r.choice(['Belgium', 'France', 'Nederland', 'Deutschland', 'Services', 'Logistics', r.choice(CITIES[lang])])} {r.choice(LEGAL[lang])}",
                    lang=lang,
                    country=parent.country,
                    ibans=[random_iban(r, parent.country)] if r.random() < 0.5 else [],
                    unknown_ibans=[],
                    weight=min(r.paretovariate(1.5), 20.0),
                    habit=r.choice(["reference", "number"]),
                    uses_ogm=parent.uses_ogm,
                    uses_rf=parent.uses_rf,
                    discount=None,
                    terms=parent.terms,
                    recurring=None,
                    payer_id=parent.id,
                    payer_known=r.random() < 0.75,
                    sloppy=parent.sloppy,
                )
                self.customers.append(sub)
        for customer in r.sample(self.customers, k=max(2, n // 50)):
            if customer.payer_id is None:
                customer.payer_id = r.choice(self.third_parties).id
                customer.payer_known = r.random() < 0.85
                customer.habit = "reference" if r.random() < 0.6 else "number"

    def parties(self) -> list[Party]:
        out: list[Party] = []
        for c in self.customers:
            paid_by: tuple[str, ...] = ()
            factor: str | None = None
            if c.payer_id and c.payer_known:
                if c.payer_id.startswith("F"):
                    factor = c.payer_id
                else:
                    paid_by = (c.payer_id,)
            out.append(Party(c.id, c.name, ibans=tuple(c.ibans), paid_by=paid_by, factor_id=factor))
        return out + self.third_parties

    # items
    def make_items(self, target_open: int) -> None:
        r = self.r
        weights = [c.weight for c in self.customers]
        start = self.c.start
        horizon = 180
        period = 31 * self.c.months
        # issue dates from six months before the payments to the end of the payment period
        days = horizon + period
        raw: list[tuple[date, _Customer, bool]] = []
        chosen = r.choices(self.customers, cum_weights=list(itertools.accumulate(weights)), k=target_open)
        for customer in chosen:
            offset = int(days * (r.random() ** 0.6))  # more recent invoices than old ones
            issue = start - timedelta(days=horizon) + timedelta(days=offset)
            raw.append((issue, customer, r.random() < 0.025))
        raw.sort(key=lambda t: t[0])
        for issue, customer, is_credit in raw:
            number = (self.credit_numbering if is_credit else self.numbering).next(issue)
            if customer.recurring is not None and not is_credit and r.random() < 0.8:
                total = customer.recurring
            else:
                total = _money(Decimal(str(round(r.lognormvariate(6.6, 1.1), 2))))
                total = max(total, Decimal("12.00"))
                if r.random() < 0.25:
                    total = _money(total.quantize(Decimal(1)) * Decimal("1.21"))  # VAT-inclusive round nets
            if is_credit:
                total = -_money(total / 4)
            reference = None
            if not is_credit:
                if customer.uses_ogm:
                    reference = create_ogm(int("".join(ch for ch in number if ch.isdigit())[-10:]))
                elif customer.uses_rf:
                    reference = create_rf(number)
            order = f"4500{r.randint(100000, 999999)}" if customer.habit == "order" else None
            open_amount = total
            if not is_credit and r.random() < 0.03:
                open_amount = _money(total * Decimal(r.choice(["0.5", "0.3", "0.7"])))  # paid in part before
            index = len(self.items)
            self.items.append(
                _Item(
                    index=index,
                    id=f"I{index + 1:07d}",
                    number=number,
                    customer=customer,
                    currency=customer.currency,
                    total=total,
                    open=open_amount,
                    issue=issue,
                    due=issue + timedelta(days=customer.terms),
                    reference=reference,
                    order=order,
                    is_credit=is_credit,
                    discount=customer.discount,
                )
            )

    def open_items(self) -> list[OpenItem]:
        return [
            OpenItem(
                id=it.id,
                number=it.number,
                customer_id=it.customer.id,
                currency=it.currency,
                total=it.total,
                open_amount=it.open,
                issue_date=it.issue,
                due_date=it.due,
                structured_reference=it.reference,
                discount_percent=it.discount[0] if it.discount else None,
                discount_days=it.discount[1] if it.discount else None,
                order_reference=it.order,
                kind=ItemKind.CREDIT_NOTE if it.is_credit else ItemKind.INVOICE,
            )
            for it in self.items
        ]

    # --- payments -------------------------------------------------------------------------------

    def make_payments(self) -> None:
        r = self.r
        c = self.c
        remaining = {it.index: it.open for it in self.items}
        by_customer: dict[int, list[_Item]] = defaultdict(list)
        for it in self.items:
            by_customer[it.customer.index].append(it)
        for items in by_customer.values():
            items.sort(key=lambda it: (it.due, it.issue, it.number))
        self.remaining = remaining
        self.by_customer = by_customer
        self.first_open: dict[int, int] = {}
        per_month = c.payments // c.months
        duplicates: list[tuple[date, CreditTransaction, _Customer]] = []
        plan = [
            ("structured_rf", 0.14), ("structured_ogm", 0.10), ("ref_typed", 0.05), ("number_clean", 0.13),
            ("number_messy", 0.14), ("number_typo", 0.04), ("multi_list", 0.07), ("multi_noref", 0.02),
            ("name_only", 0.05), ("partial", 0.03), ("discount", 0.03), ("bank_charges", 0.03),
            ("deduction", 0.02), ("overpaid", 0.015), ("duplicate", 0.015), ("third_party", 0.03),
            ("credit_note_netted", 0.01), ("order_reference", 0.01), ("usd", 0.01), ("hopeless", 0.01),
        ]  # fmt: skip
        names = [p[0] for p in plan]
        weights = [p[1] for p in plan]
        customer_weights = list(itertools.accumulate(cu.weight for cu in self.customers))
        discounters = [cu for cu in self.customers if cu.discount is not None and cu.currency == "EUR"]
        for month in range(c.months):
            first = date(
                c.start.year + (c.start.month - 1 + month) // 12, (c.start.month - 1 + month) % 12 + 1, 1
            )
            days = [
                first + timedelta(days=d)
                for d in range(31)
                if (first + timedelta(days=d)).month == first.month
            ]
            business = [d for d in days if d.weekday() < 5]
            count = per_month if month < c.months - 1 else c.payments - per_month * (c.months - 1)
            made = 0
            attempts = 0
            per_day = max(1, count // len(business))
            day_index = 0
            while made < count and attempts < count * 30:
                attempts += 1
                day = (
                    business[min(day_index // per_day, len(business) - 1)]
                    if day_index // per_day < len(business)
                    else r.choice(business)
                )
                if r.random() < c.non_customer_share:
                    self.non_customer(day, month)
                    made += 1
                    day_index += 1
                    continue
                customer = r.choices(self.customers, cum_weights=customer_weights)[0]
                scenario = r.choices(names, weights)[0]
                if scenario == "discount" and discounters:
                    customer = r.choice(discounters)
                if customer.habit == "no_reference":
                    scenario = r.choice(["name_only", "name_only", "multi_noref"])
                elif customer.habit == "order":
                    scenario = "order_reference"
                elif customer.payer_id and scenario not in ("duplicate",) and r.random() < 0.6:
                    scenario = "third_party"
                elif customer.currency == "USD":
                    scenario = "usd"
                if scenario == "usd" and customer.currency != "USD":
                    continue
                if customer.currency == "USD" and scenario != "usd":
                    continue
                tx = self.customer_payment(customer, scenario, day, month)
                if tx is None:
                    continue
                made += 1
                day_index += 1
                if scenario == "duplicate":
                    duplicates.append((day + timedelta(days=r.randint(1, 4)), tx, customer))
            # the second of each duplicate pair, in the following days
            for when, original, customer in duplicates:
                if when.month != first.month:
                    when = max(business[-1], original.booking_date)
                self.tx_seq += 1
                copy = CreditTransaction(
                    id=f"TX{self.tx_seq:07d}",
                    amount=original.amount,
                    currency=original.currency,
                    booking_date=when,
                    value_date=when,
                    counterparty_name=original.counterparty_name,
                    counterparty_account=original.counterparty_account,
                    remittance_lines=original.remittance_lines,
                    creditor_references=original.creditor_references,
                    end_to_end_id=original.end_to_end_id,
                    bank_transaction_code=original.bank_transaction_code,
                )
                self.record(copy, [("", copy.amount, "on_account")], "duplicate", month, customer)
            duplicates = []
        self.txs.sort(key=lambda t: (t.booking_date, t.id))
        positions: list[CreditTransaction] = []
        statement = 0
        current: date | None = None
        entry = 0
        for tx in self.txs:
            if tx.booking_date != current:
                statement += 1
                entry = 0
                current = tx.booking_date
            entry += 1
            positions.append(_with_position(tx, (statement, entry, 1)))
        self.txs = positions

    # one customer payment
    def pick_items(self, customer: _Customer, day: date, k: int = 1, *, fifo: bool = False) -> list[_Item]:
        items = self.by_customer[customer.index]
        start = self.first_open.get(customer.index, 0)
        while start < len(items) and self.remaining[items[start].index] == 0:
            start += 1
        self.first_open[customer.index] = start
        latest = day - timedelta(days=1)
        open_items: list[_Item] = []
        for it in items[start:]:
            if it.issue > latest + timedelta(days=90):
                break  # one customer has one payment term: later items are later still
            if not it.is_credit and self.remaining[it.index] > 0 and it.issue <= latest:
                open_items.append(it)
                if len(open_items) >= max(k, 40):
                    break
        if len(open_items) < k:
            return []
        if fifo:
            return open_items[:k]
        # customers mostly pay what is due, oldest first, with exceptions
        if self.r.random() < 0.6:
            start = self.r.randint(0, max(0, min(len(open_items) - k, 3)))
            return open_items[start : start + k]
        return sorted(self.r.sample(open_items, k), key=lambda it: (it.due, it.issue, it.number))

    def pick_discountable(self, customer: _Customer, day: date) -> list[_Item]:
        if customer.discount is None:
            return []
        days = customer.discount[1]
        fresh = [
            it
            for it in self.by_customer[customer.index]
            if not it.is_credit
            and self.remaining[it.index] == it.total
            and day - timedelta(days=days) <= it.issue < day
        ]
        return [self.r.choice(fresh)] if fresh else []

    def customer_payment(
        self, customer: _Customer, scenario: str, day: date, month: int
    ) -> CreditTransaction | None:
        r = self.r
        lang = customer.lang
        rows: list[tuple[str, Decimal, str]] = []
        text: list[str] = []
        refs: tuple[StructuredReference, ...] = ()
        payer = customer
        value_day = day - timedelta(days=r.choice([0, 0, 0, 1, 2]))
        if scenario in ("structured_rf", "structured_ogm", "ref_typed"):
            items = [it for it in self.pick_items(customer, value_day) if it.reference]
            if not items:
                scenario = "number_clean"
            else:
                it = items[0]
                assert it.reference is not None
                amount = self.remaining[it.index]
                rows.append((it.number, amount, "invoice"))
                if scenario == "ref_typed" or r.random() < 0.15:
                    scenario = "ref_typed"
                    if it.reference.startswith("RF"):
                        shown = r.choice(
                            [
                                format_rf(it.reference),
                                it.reference,
                                it.reference.lower(),
                                format_rf(it.reference).replace(" ", "-"),
                            ]
                        )
                    else:
                        shown = r.choice(
                            [
                                format_ogm(it.reference),
                                format_ogm(it.reference).strip("+"),
                                it.reference,
                                format_ogm(it.reference).replace("+", "*"),
                            ]
                        )
                    text.append(
                        f"{r.choice(['', 'Communication ', 'Ref ', 'Mededeling '])}{shown} {r.choice(POLITE[lang])}".strip()
                    )
                else:
                    scenario = "structured_rf" if it.reference.startswith("RF") else "structured_ogm"
                    kind = "RF" if it.reference.startswith("RF") else "BE_OGM"
                    refs = (StructuredReference(it.reference, kind),)
        if scenario in (
            "number_clean",
            "number_messy",
            "number_typo",
            "partial",
            "discount",
            "bank_charges",
            "deduction",
            "overpaid",
            "duplicate",
            "third_party",
            "usd",
        ):
            items = (
                self.pick_discountable(customer, value_day)
                if scenario == "discount"
                else self.pick_items(customer, value_day)
            )
            if not items:
                return None
            it = items[0]
            open_amount = self.remaining[it.index]
            written = self.write_number(it, customer, scenario)
            amount = open_amount
            if scenario == "number_typo":
                written = self.typo(written)
            if scenario == "partial":
                amount = _money(open_amount * Decimal(r.choice(["0.5", "0.25", "0.3", "0.4", "0.6"])))
                if amount <= 0:
                    return None
                rows.append((it.number, amount, "invoice"))
                if r.random() < 0.6:
                    text.append(r.choice(PARTIAL_WORDS[lang]))
            elif scenario == "discount":
                if not it.discount or open_amount != it.total or (value_day - it.issue).days > it.discount[1]:
                    return None
                pct = it.discount[0]
                discount = _money(it.total * pct / 100)
                amount = open_amount - discount
                rows += [(it.number, open_amount, "invoice"), (it.number, -discount, "deduction")]
                if r.random() < 0.5:
                    text.append(
                        r.choice(
                            [
                                f"escompte {pct}%",
                                f"Skonto {pct}%",
                                f"korting {pct}%",
                                f"discount {pct}%",
                                "-" + str(pct) + "%",
                            ]
                        )
                    )
            elif scenario == "bank_charges":
                charge = _money(
                    Decimal(r.choice(["2.50", "5.00", "7.50", "10.00", "12.00", "15.00", "0.35", "1.20"]))
                )
                if charge >= open_amount:
                    return None
                amount = open_amount - charge
                rows += [(it.number, open_amount, "invoice"), (it.number, -charge, "deduction")]
            elif scenario == "deduction":
                deduction = _money(open_amount * Decimal(r.choice(["0.05", "0.1", "0.15", "0.2"])))
                if deduction <= Decimal("30.00"):
                    deduction = Decimal("35.00") if open_amount > Decimal("100") else Decimal(0)
                if deduction <= 0 or deduction >= open_amount:
                    return None
                amount = open_amount - deduction
                rows += [(it.number, open_amount, "invoice"), (it.number, -deduction, "deduction")]
                text.append(r.choice(DEDUCTION_TEXT[lang]).format(a=_fmt_amount(deduction, lang, r)))
            elif scenario == "overpaid":
                extra = r.choice(
                    [
                        Decimal("40.00"),
                        _money(open_amount * Decimal("0.1")),
                        Decimal("0.50"),
                        Decimal("100.00"),
                        open_amount,
                    ]
                )
                amount = open_amount + extra
                rows += [(it.number, open_amount, "invoice"), ("", extra, "on_account")]
            else:
                rows.append((it.number, amount, "invoice"))
            text.insert(0, written)
            if scenario == "third_party":
                payer_party = customer.payer_id
                if payer_party is None:
                    return None
                payer = self.customer_by_id(payer_party) or customer
        elif scenario in ("multi_list", "credit_note_netted"):
            k = r.choices([2, 3, 4, 5, 8, 12], [0.45, 0.25, 0.12, 0.08, 0.06, 0.04])[0]
            items = self.pick_items(customer, value_day, k)
            if not items:
                return None
            amount = sum((self.remaining[it.index] for it in items), Decimal(0))
            rows += [(it.number, self.remaining[it.index], "invoice") for it in items]
            credit = None
            if scenario == "credit_note_netted":
                credits = [
                    it
                    for it in self.by_customer[customer.index]
                    if it.is_credit and self.remaining[it.index] < 0 and it.issue <= value_day
                ]
                if not credits:
                    return None
                credit = credits[0]
                if amount + self.remaining[credit.index] <= 0:
                    return None
                amount += self.remaining[credit.index]
                rows.append((credit.number, self.remaining[credit.index], "invoice"))
            text.append(self.write_list([*items, *([credit] if credit else [])], customer))
        elif scenario == "multi_noref":
            k = r.choice([2, 2, 3, 4])
            items = self.pick_items(customer, value_day, k, fifo=True)
            if not items:
                return None
            amount = sum((self.remaining[it.index] for it in items), Decimal(0))
            rows += [(it.number, self.remaining[it.index], "invoice") for it in items]
            text.append(
                r.choice(
                    [
                        "",
                        r.choice(POLITE[lang]),
                        f"{CUSTOMER_NO[lang]} {10000 + customer.index}",
                        "Betaling",
                        "Paiement",
                        "Zahlung",
                        "Payment",
                    ]
                )
            )
        elif scenario in ("name_only", "hopeless"):
            items = self.pick_items(customer, value_day, 1, fifo=True)
            if not items:
                return None
            it = items[0]
            amount = self.remaining[it.index]
            if scenario == "hopeless":
                amount = _money(amount * Decimal(r.choice(["0.5", "0.8", "0.33"])))
                if amount <= 0:
                    return None
            rows.append((it.number, amount, "invoice"))
            text.append(
                r.choice(
                    [
                        "",
                        r.choice(POLITE[lang]),
                        f"{CUSTOMER_NO[lang]} {10000 + customer.index}",
                        "Betaling",
                        "Paiement",
                        "Zahlung",
                        "Payment",
                        value_day.strftime("%m/%Y"),
                    ]
                )
            )
        elif scenario == "order_reference":
            items = [it for it in self.pick_items(customer, value_day) if it.order]
            if not items:
                return None
            it = items[0]
            amount = self.remaining[it.index]
            rows.append((it.number, amount, "invoice"))
            text.append(f"{r.choice(['PO', 'Bestelling', 'Commande', 'Bestellung', 'Order'])} {it.order}")
        if not rows:
            return None
        if scenario == "hopeless":
            payer_name = _strip_accents(customer.name.upper())[: r.randint(8, 20)]
            account = random_iban(r, customer.country)
        else:
            payer_name, account = self.payer_identity(payer)
        # settle the truth (in booking order, as the generator goes): an invoice row is what it settles
        for number, value, kind in rows:
            if kind == "invoice":
                self.remaining[self.item_by_number(number).index] -= value
        self.tx_seq += 1
        tx_id = f"TX{self.tx_seq:07d}"
        if r.random() < 0.3:
            text.append(
                r.choice(
                    [
                        f"{CUSTOMER_NO[lang]} {10000 + customer.index}",
                        value_day.strftime("%d.%m.%Y"),
                        f"EUR {_fmt_amount(amount, lang, r)}",
                        r.choice(POLITE[lang]),
                    ]
                )
            )
        lines = _ustrd(" ".join(t for t in text if t))
        e2e = r.choice(
            ["NOTPROVIDED", f"E2E{r.randint(10**9, 10**10)}", f"{customer.id}-{r.randint(1000, 9999)}"]
        )
        tx = CreditTransaction(
            id=tx_id,
            amount=amount,
            currency=customer.currency,
            booking_date=day,
            value_date=value_day,
            counterparty_name=payer_name,
            counterparty_account=account,
            remittance_lines=lines,
            creditor_references=refs,
            end_to_end_id=e2e,
            bank_transaction_code=TransactionCode(
                "PMNT", "RCDT", r.choice(["ESCT", "ESCT", "ESCT", "XBCT", "DMCT"])
            ),
        )
        self.record(tx, rows, scenario, month, customer)
        return tx

    def record(
        self,
        tx: CreditTransaction,
        rows: list[tuple[str, Decimal, str]],
        scenario: str,
        month: int,
        customer: _Customer | None,
    ) -> None:
        self.txs.append(tx)
        self.scenarios[tx.id] = scenario
        self.month_of[tx.id] = month
        for number, value, kind in rows:
            status = "unmatched" if kind == "unrelated" else "applied"
            self.truth.append((tx.id, number, str(value), status, kind))

    def customer_by_id(self, party_id: str) -> _Customer | None:
        if not hasattr(self, "_customer_ids"):
            self._customer_ids = {c.id: c for c in self.customers}
        found = self._customer_ids.get(party_id)
        if found is None:
            third = next((p for p in self.third_parties if p.id == party_id), None)
            if third is None:
                return None
            return _Customer(
                -1,
                third.id,
                third.name,
                "en",
                "BE",
                list(third.ibans),
                [],
                0,
                "reference",
                False,
                False,
                None,
                30,
                None,
            )
        return found

    def item_by_number(self, number: str) -> _Item:
        if not hasattr(self, "_items_by_number"):
            self._items_by_number = {it.number: it for it in self.items}
        return self._items_by_number[number]

    # how customers write
    def payer_identity(self, customer: _Customer) -> tuple[str | None, str | None]:
        r = self.r
        name = customer.name
        roll = r.random()
        if roll < 0.25:
            pass
        elif roll < 0.55:
            name = _strip_accents(name).upper()
        elif roll < 0.7:
            words = name.split()
            legal = words[-1]
            if legal in LEGAL_LONG:
                replacement = r.choice(LEGAL_LONG[legal])
                name = " ".join(words[:-1] + ([replacement] if replacement else []))
            else:
                name = " ".join(words[:-1]) if len(words) > 2 else name
        elif roll < 0.8:
            name = f"{name} {r.choice(CITIES[customer.lang])}"
        elif roll < 0.88:
            name = _strip_accents(f"{name} {r.choice(CITIES[customer.lang])}").upper()[:35]
        elif roll < 0.94:
            words = name.split()
            name = " ".join(reversed(words[:2])) + (" " + " ".join(words[2:]) if len(words) > 2 else "")
            name = name.upper()
        else:
            name = name.lower()
        if len(name) > 35 and r.random() < 0.7:
            name = name[:35]
        pool = customer.ibans + customer.unknown_ibans
        if not pool or r.random() < 0.04:
            account = None
        elif customer.unknown_ibans and r.random() < 0.35:
            account = r.choice(customer.unknown_ibans)
        else:
            account = r.choice(pool)
        if r.random() < 0.02:
            return None, account
        return name, account

    def write_number(self, it: _Item, customer: _Customer, scenario: str) -> str:
        r = self.r
        lang = customer.lang
        word = r.choice(INVOICE_WORDS[lang])
        number = it.number
        if scenario in ("number_clean", "usd", "third_party", "duplicate") and r.random() < 0.8:
            return f"{word} {number}" if r.random() < 0.8 else number
        form = self.messy(number)
        return r.choice(
            [
                f"{word} {form}",
                form,
                f"{word}{form}",
                f"{form} {r.choice(POLITE[lang])}",
                f"{form}{r.choice(['PAYMENT', 'BETALING', 'ZAHLUNG', ''])}",
            ]
        )

    def messy(self, number: str) -> str:
        r = self.r
        import re

        parts = re.findall(r"[A-Za-z]+|[0-9]+", number)
        digits = [i for i, p in enumerate(parts) if p.isdigit()]
        roll = r.random()
        if roll < 0.2:  # other separators
            sep = r.choice([" ", "/", ".", "", "-", "_"])
            return sep.join(parts)
        if roll < 0.35:  # leading zeros dropped
            parts = [p.lstrip("0") or "0" if i == digits[-1] else p for i, p in enumerate(parts)]
            return r.choice(["-", " ", "/"]).join(parts)
        if roll < 0.5 and len(digits) >= 2:  # year dropped
            parts = [p for i, p in enumerate(parts) if i != digits[0]]
            if r.random() < 0.5:
                parts = [p.lstrip("0") or "0" if p.isdigit() else p for p in parts]
            return r.choice(["-", " ", ""]).join(parts)
        if roll < 0.7:  # prefix dropped
            parts = [p for p in parts if p.isdigit()]
            return r.choice(["-", "/", " ", ""]).join(parts)
        if roll < 0.8:
            return number.lower()
        if roll < 0.9:  # glued to the next word
            return "".join(parts)
        return number.replace("-", " - ")

    def typo(self, written: str) -> str:
        r = self.r
        positions = [i for i, ch in enumerate(written) if ch.isdigit()]
        if len(positions) < 4:
            return written
        i = r.choice(positions[len(positions) // 2 :])
        roll = r.random()
        if roll < 0.4:
            return written[:i] + r.choice([d for d in "0123456789" if d != written[i]]) + written[i + 1 :]
        if roll < 0.6:
            return written[:i] + written[i + 1 :]
        if roll < 0.85 and i + 1 < len(written) and written[i + 1].isdigit() and written[i + 1] != written[i]:
            return written[:i] + written[i + 1] + written[i] + written[i + 2 :]
        return written[:i] + r.choice("0123456789") + written[i:]

    def write_list(self, items: Sequence[_Item], customer: _Customer) -> str:
        r = self.r
        lang = customer.lang
        numbers = [it.number for it in items]
        roll = r.random()
        word = PLURAL_WORDS[lang] if r.random() < 0.6 else r.choice(INVOICE_WORDS[lang])
        import re

        def serial(n: str) -> str:
            return re.findall(r"[0-9]+", n)[-1]

        consecutive = all(
            int(serial(b)) == int(serial(a)) + 1 and re.sub(r"[0-9]+$", "", a) == re.sub(r"[0-9]+$", "", b)
            for a, b in itertools.pairwise(numbers)
        )
        if consecutive and len(numbers) >= 2 and roll < 0.7:
            first, last = numbers[0], numbers[-1]
            s_last = serial(last)
            style = r.random()
            if style < 0.4:
                return f"{word} {first}-{s_last}"
            if style < 0.7:
                return (
                    f"{word} {first}/{s_last[-2:]}"
                    if s_last[:-2] == serial(first)[:-2]
                    else f"{word} {first}-{s_last}"
                )
            return f"{word} {first} {r.choice(['to', 'à', 'tot', 'bis'])} {last}"
        if roll < 0.5:
            return f"{word} " + ", ".join(numbers)
        if roll < 0.75:
            short = [numbers[0], *(serial(n) if not n.startswith("CN") else n for n in numbers[1:])]
            return f"{word} " + ", ".join(short[:-1]) + f" {AND_WORDS[lang]} " + short[-1]
        if roll < 0.9:
            return " + ".join(self.messy(n) for n in numbers)
        return " ".join(numbers)

    # --- not a customer's ---------------------------------------------------------------------------

    def non_customer(self, day: date, month: int) -> None:
        r = self.r
        kind = r.choice(
            ["interest", "card", "card", "tax", "intragroup", "salary", "bank", "insurance", "loan"]
        )
        amount = _money(Decimal(str(round(r.lognormvariate(6.0, 1.4), 2))))
        decoy_amount = r.random() < 0.3
        if decoy_amount:
            it = r.choice(self.items)
            if not it.is_credit and it.currency == "EUR" and self.remaining[it.index] > 0:
                amount = self.remaining[it.index]
        decoy_number = ""
        if r.random() < 0.35:
            it = r.choice(self.items)
            decoy_number = r.choice(
                [it.number, self.messy(it.number), "".join(ch for ch in it.number if ch.isdigit())[-6:]]
            )
        code: TransactionCode | None = TransactionCode("PMNT", "RCDT", "ESCT")
        name: str | None
        account: str | None = random_iban(r, "BE")
        if kind == "interest":
            name = r.choice(["BNP Paribas Fortis", "KBC Bank", "ING Belgique", None])
            text = (
                r.choice(["Intérêts créditeurs", "Creditrente", "Habenzinsen Q1", "Interest credit"])
                + f" {day.year}"
            )
            code = r.choice(
                [
                    TransactionCode("LDAS", "INTR", None),
                    TransactionCode(None, None, None, "NINT"),
                    TransactionCode("PMNT", "RCDT", "ESCT"),
                ]
            )
            account = None
        elif kind == "card":
            name = r.choice(
                [
                    "Stripe Payments Europe Ltd",
                    "Adyen N.V.",
                    "Worldline SA",
                    "PayPal Europe",
                    "Mollie B.V.",
                    "SumUp Ltd",
                    "CCV Belgium",
                ]
            )
            text = r.choice(
                [
                    f"STRIPE PAYOUT po_{r.randint(10**8, 10**9)}",
                    f"REMISE CB {r.randint(1000, 9999)} {day:%d%m}",
                    f"Settlement batch {r.randint(10000, 99999)}",
                    f"VISA/MC {day:%Y%m%d}",
                    f"Adyen settlement {r.randint(100, 999)}",
                ]
            )
            code = r.choice(
                [TransactionCode("PMNT", "MCRD", "POSP"), TransactionCode("PMNT", "RCDT", "ESCT")]
            )
        elif kind == "tax":
            name = r.choice(["SPF Finances", "FOD Financien", "Finanzamt Aachen", "DGFiP", "Belastingdienst"])
            text = (
                r.choice(["Remboursement TVA", "BTW teruggave", "Steuererstattung", "Tax refund"])
                + f" {day.year}/{r.randint(1, 12):02d}"
            )
        elif kind == "intragroup":
            name = r.choice(["Encaisse Demo Group NV", "Encaisse Demo Services SRL"])
            account = r.choice(self.group_ibans)
            text = r.choice(
                ["Intercompany transfer", "Cash pooling", "Virement interne", "Interne overboeking"]
            )
        elif kind == "salary":
            first = r.choice(FIRST_NAMES)
            name = f"{first} {r.choice(SURNAMES)}"
            text = (
                r.choice(["Retour salaire", "Salary reversal", "Terugstorting loon", "Rückbuchung Gehalt"])
                + f" {day:%m/%Y}"
            )
            code = r.choice(
                [TransactionCode("PMNT", "ICDT", "RRTN"), TransactionCode("PMNT", "RCDT", "ESCT")]
            )
        elif kind == "bank":
            name = None
            account = None
            text = r.choice(["Rectification frais", "Correction commission", "Refund of charges"])
            code = r.choice(
                [TransactionCode("ACMT", "MDOP", "CHRG"), TransactionCode("PMNT", "CCRD", "CHRG")]
            )
        elif kind == "insurance":
            name = r.choice(["AG Insurance", "Ethias", "AXA Belgium", "Allianz Versicherung"])
            text = (
                r.choice(
                    [
                        "Indemnité sinistre",
                        "Schadevergoeding dossier",
                        "Versicherungsleistung",
                        "Insurance claim",
                    ]
                )
                + f" {r.randint(100000, 999999)}"
            )
        else:
            name = r.choice(["BNP Paribas Fortis", "Belfius Bank", "KBC Bank"])
            text = (
                r.choice(
                    ["Mise à disposition prêt", "Uitbetaling lening", "Darlehen Auszahlung", "Loan drawdown"]
                )
                + f" {r.randint(10000, 99999)}"
            )
            code = (
                TransactionCode("LDAS", "LOAN", None)
                if r.random() < 0.5
                else TransactionCode("PMNT", "RCDT", "ESCT")
            )
        if decoy_number:
            text = f"{text} ref {decoy_number}"
        self.tx_seq += 1
        tx = CreditTransaction(
            id=f"TX{self.tx_seq:07d}",
            amount=amount,
            currency="EUR",
            booking_date=day,
            value_date=day,
            counterparty_name=name,
            counterparty_account=account,
            remittance_lines=_ustrd(text),
            end_to_end_id="NOTPROVIDED",
            bank_transaction_code=code,
        )
        self.record(tx, [("", amount, "unrelated")], f"non_customer_{kind}", month, None)


def _ustrd(text: str) -> tuple[str, ...]:
    """Unstructured remittance as banks pass it: at most 140 characters (cut, as they do)."""
    text = " ".join(text.split())
    return (text[:140],) if text else ()


def _with_position(tx: CreditTransaction, position: tuple[int, int, int]) -> CreditTransaction:
    from dataclasses import replace

    return replace(tx, position=position)


def generate(config: Config | None = None) -> Dataset:
    """A dataset (see the module)."""
    config = config or Config()
    g = _Generator(config)
    g.make_customers()
    g.make_items(config.open_invoices)
    parties = g.parties()
    items = g.open_items()
    g.make_payments()
    settings = MatchSettings(
        currency="EUR",
        charge_tolerance=Decimal("25.00"),
        own_ibans=g.entity_ibans + g.group_ibans,
        group_names=("Encaisse Demo Group", "Encaisse Demo Services"),
    )
    return Dataset(
        config=config,
        settings=settings,
        parties=parties,
        items=items,
        transactions=g.txs,
        truth=g.truth,
        scenarios=g.scenarios,
        month_of=g.month_of,
    )


# --- files for the app-level benchmark -------------------------------------------------------------


def write_camt053(dataset: Dataset, path: Path, *, currency: str = "EUR") -> int:
    """One camt.053.001.08 file with a statement per booking day of ``currency``; returns the entries written."""
    txs = [t for t in dataset.transactions if t.currency == currency]
    iban = dataset.account_iban if currency == "EUR" else dataset.account_iban_usd
    by_day: dict[date, list[CreditTransaction]] = defaultdict(list)
    for tx in txs:
        by_day[tx.booking_date].append(tx)
    out: list[str] = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">',
        "<BkToCstmrStmt>",
        f"<GrpHdr><MsgId>BENCH-{dataset.config.seed}-{currency}</MsgId><CreDtTm>{dataset.config.start.isoformat()}T06:00:00+00:00</CreDtTm></GrpHdr>",
    ]
    balance = Decimal("100000.00")
    count = 0
    for n, day in enumerate(sorted(by_day), start=1):
        entries = by_day[day]
        closing = balance + sum((t.amount for t in entries), Decimal(0))
        out.append("<Stmt>")
        out.append(
            f"<Id>{day:%Y%m%d}-{currency}</Id><ElctrncSeqNb>{n}</ElctrncSeqNb><LglSeqNb>{n}</LglSeqNb>"
        )
        out.append(f"<CreDtTm>{day.isoformat()}T22:00:00+00:00</CreDtTm>")
        out.append(
            f"<FrToDt><FrDtTm>{day.isoformat()}T00:00:00+00:00</FrDtTm><ToDtTm>{day.isoformat()}T23:59:59+00:00</ToDtTm></FrToDt>"
        )
        out.append(
            f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>{currency}</Ccy><Ownr><Nm>{escape(dataset.entity_name)}</Nm></Ownr></Acct>"
        )
        for code, value in (("OPBD", balance), ("CLBD", closing)):
            out.append(
                f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="{currency}">{value}</Amt>'
                f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>"
            )
        out.append(f"<TxsSummry><TtlNtries><NbOfNtries>{len(entries)}</NbOfNtries></TtlNtries></TxsSummry>")
        for tx in entries:
            out.append(_camt_entry(tx))
            count += 1
        out.append("</Stmt>")
        balance = closing
    out.append("</BkToCstmrStmt></Document>")
    path.write_text("\n".join(out), encoding="utf-8")
    return count


def _camt_entry(tx: CreditTransaction) -> str:
    code = tx.bank_transaction_code
    btc = ""
    if code is not None:
        if code.domain:
            family = (
                f"<Fmly><Cd>{code.family}</Cd><SubFmlyCd>{code.sub_family or 'OTHR'}</SubFmlyCd></Fmly>"
                if code.family
                else "<Fmly><Cd>OTHR</Cd><SubFmlyCd>OTHR</SubFmlyCd></Fmly>"
            )
            btc = f"<BkTxCd><Domn><Cd>{code.domain}</Cd>{family}</Domn></BkTxCd>"
        elif code.proprietary:
            btc = f"<BkTxCd><Prtry><Cd>{code.proprietary}</Cd><Issr>SWIFT</Issr></Prtry></BkTxCd>"
    parties = ""
    if tx.counterparty_name or tx.counterparty_account:
        parties = "<RltdPties>"
        if tx.counterparty_name:
            parties += f"<Dbtr><Pty><Nm>{escape(tx.counterparty_name)}</Nm></Pty></Dbtr>"
        if tx.counterparty_account:
            parties += f"<DbtrAcct><Id><IBAN>{tx.counterparty_account}</IBAN></Id></DbtrAcct>"
        parties += "</RltdPties>"
    remittance = ""
    if tx.remittance_lines or tx.creditor_references:
        remittance = "<RmtInf>" + "".join(f"<Ustrd>{escape(line)}</Ustrd>" for line in tx.remittance_lines)
        for ref in tx.creditor_references:
            issuer = "ISO" if ref.kind == "RF" else "BBA"
            remittance += (
                f"<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>{issuer}</Issr></Tp>"
                f"<Ref>{escape(ref.value)}</Ref></CdtrRefInf></Strd>"
            )
        remittance += "</RmtInf>"
    value_date = tx.value_date or tx.booking_date
    return (
        f'<Ntry><NtryRef>{tx.id}</NtryRef><Amt Ccy="{tx.currency}">{tx.amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        f"<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{tx.booking_date.isoformat()}</Dt></BookgDt>"
        f"<ValDt><Dt>{value_date.isoformat()}</Dt></ValDt><AcctSvcrRef>{tx.id}</AcctSvcrRef>{btc}"
        f"<NtryDtls><TxDtls><Refs><AcctSvcrRef>{tx.id}</AcctSvcrRef><EndToEndId>{escape(tx.end_to_end_id or 'NOTPROVIDED')}</EndToEndId></Refs>"
        f'<Amt Ccy="{tx.currency}">{tx.amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>{btc}{parties}{remittance}</TxDtls></NtryDtls></Ntry>'
    )


def write_files(dataset: Dataset, folder: Path) -> dict[str, Path]:
    """camt.053 statements, customers and open items (CSV and JSON), truth and scenarios (CSV)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for currency in sorted({t.currency for t in dataset.transactions}):
        p = folder / f"statements-{currency.lower()}.camt053.xml"
        write_camt053(dataset, p, currency=currency)
        paths[f"camt053_{currency.lower()}"] = p
    customers = [
        {
            "id": p.id, "name": p.name, "aliases": list(p.aliases), "ibans": list(p.ibans), "paid_by": list(p.paid_by),
            "factor_id": p.factor_id, "is_customer": p.is_customer,
        }
        for p in dataset.parties
    ]  # fmt: skip
    items = [
        {
            "id": it.id, "number": it.number, "customer_id": it.customer_id, "kind": str(it.kind), "currency": it.currency,
            "total": str(it.total), "open_amount": str(it.open_amount), "issue_date": it.issue_date.isoformat(),
            "due_date": it.due_date.isoformat(), "structured_reference": it.structured_reference or "",
            "discount_percent": str(it.discount_percent) if it.discount_percent is not None else "",
            "discount_days": it.discount_days if it.discount_days is not None else "",
            "order_reference": it.order_reference or "",
        }
        for it in dataset.items
    ]  # fmt: skip
    for name, rows in (("customers", customers), ("open_items", items)):
        (folder / f"{name}.json").write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            for row in rows:
                writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in row.items()})
        paths[name] = folder / f"{name}.csv"
    settings = dataset.settings
    (folder / "settings.json").write_text(
        json.dumps(
            {
                "currency": settings.currency, "charge_tolerance": str(settings.charge_tolerance),
                "auto_apply": settings.auto_apply, "suggest": settings.suggest, "own_ibans": list(settings.own_ibans),
                "group_names": list(settings.group_names), "account_iban": dataset.account_iban,
            },
            indent=1,
        ),
        encoding="utf-8",
    )  # fmt: skip
    with (folder / "truth.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(("tx_ref", "invoice_number", "amount", "status", "kind"))
        writer.writerows(dataset.truth)
    with (folder / "scenarios.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(("tx_ref", "scenario", "month"))
        for tx in dataset.transactions:
            writer.writerow((tx.id, dataset.scenarios[tx.id], dataset.month_of.get(tx.id, 0)))
    paths["truth"] = folder / "truth.csv"
    paths["scenarios"] = folder / "scenarios.csv"
    return paths


Progress = Callable[[str], None]
