"""Third independent black-box check of Encaisse's cash application: regional conventions.

Nine entities, one per region, each with its own currency and bank account(s): UK (GBP, Faster
Payments/BACS 18-character references, upper-case payer names cut to 18, sort code + account,
numeric invoice numbers colliding with PO and customer numbers), Finland (EUR, viitenumero and RF
built from it), Sweden (SEK, OCR with Luhn and length digit), Norway (NOK, KID mod 10 / mod 11),
Switzerland (CHF, QR-bill QRR on a QR-IBAN reported in camt.054, SCOR/RF, amounts to 0.05), the
Netherlands (EUR, 16-digit betalingskenmerk, "factuur 2026-0456"), Spain, Italy and Portugal (EUR,
Spanish/Italian/Portuguese texts and numbering). Statements are camt.053.001.02 (one file per
region) plus one camt.054.001.02 notification for the Swiss QR-IBAN. Designed from public
knowledge of the conventions, the issue text and the user docs only (not from the product's code).

The product is driven only through its command line on a fresh SQLite workspace (``init`` per
entity, ``import-customers``, ``import-invoices``, ``import-statement``, ``match``,
``export-allocations``) and its export is scored against the truth per region and per scenario.

Run::

    .venv/bin/python benchmarks/cashapp/blackbox_regions.py [--payments 1500] [--seed 1] [--out DIR]

Writes ``truth.csv``, ``out.csv``, ``misses.csv``, ``report.json`` (and the generated input files)
in ``--out`` (default: a temporary directory, removed unless ``--keep``). NumPy and the standard
library only.

Notes on the data:
- Each invoice's ``structured_reference`` is the reference its biller prints: an RF where a biller
  there would print one (Finland: half the invoices, built from the viitenumero; Switzerland: the
  SCOR invoices), else the national one (viitenumero, OCR, KID, QRR, betalingskenmerk), which
  ``import-invoices`` accepts for an entity of that country. Billers build their national references
  from the customer and invoice numbers, as they do.
- Truth: what an AR clerk would book (export contract). Mistyped structured references (check
  digit wrong) come from the customer's known account with the exact amount: the truth is the
  invoice meant, never the one the mistyped digits may point to.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from blackbox import iban_valid, make_iban, make_rf, pct, strip_accents
from blackbox_export import check_arguments, envelope, outcome, read_export, run_steps, step_log

PERIOD_START = date(2026, 3, 2)
PERIOD_END = date(2026, 3, 31)
BOOK_START = date(2025, 9, 15)

# ----------------------------------------------------------------------------------------
# national payment references
# ----------------------------------------------------------------------------------------


def fi_check(base: str) -> str:
    """Finnish viitenumero check digit: weights 7, 3, 1 from the right."""
    w = (7, 3, 1)
    s = sum(int(d) * w[i % 3] for i, d in enumerate(reversed(base)))
    return str((10 - s % 10) % 10)


def luhn(body: str) -> str:
    s = 0
    for i, d in enumerate(reversed(body)):
        v = int(d) * (2 if i % 2 == 0 else 1)
        s += v - 9 if v > 9 else v
    return str((10 - s % 10) % 10)


def mod11(body: str) -> str:
    """Norwegian KID mod 11 (weights 2..7 from the right); '-' when the remainder gives 10."""
    s = sum(int(d) * (2 + i % 6) for i, d in enumerate(reversed(body)))
    c = 11 - s % 11
    return "0" if c == 11 else ("-" if c == 10 else str(c))


def qrr_check(body: str) -> str:
    """Swiss QR reference: recursive modulo 10."""
    table = (0, 9, 4, 6, 8, 2, 7, 1, 3, 5)
    carry = 0
    for d in body:
        carry = table[(carry + int(d)) % 10]
    return str((10 - carry) % 10)


def nl_check(body15: str) -> str:
    """Dutch 16-digit betalingskenmerk (acceptgiro): weighted mod 11, check digit first."""
    w = (2, 4, 8, 5, 10, 9, 7, 3, 6, 1, 2, 4, 8, 5, 10)
    s = sum(int(d) * w[i] for i, d in enumerate(reversed(body15)))
    c = 11 - s % 11
    return "0" if c == 11 else ("1" if c == 10 else str(c))


def fi_groups(ref: str) -> str:
    out = []
    r = ref
    while r:
        out.append(r[-5:])
        r = r[:-5]
    return " ".join(reversed(out))


def qrr_groups(ref: str) -> str:
    return ref[:2] + " " + " ".join(ref[i : i + 5] for i in range(2, 27, 5))


def money(c: int) -> str:
    return f"{abs(c) // 100}.{abs(c) % 100:02d}"


def money_text(c: int, comma: bool) -> str:
    whole, frac = divmod(abs(c), 100)
    if comma:
        return f"{whole:,}".replace(",", ".") + f",{frac:02d}"
    return f"{whole:,}.{frac:02d}"


# ----------------------------------------------------------------------------------------
# regions
# ----------------------------------------------------------------------------------------

REGIONS: dict[str, dict] = {
    "uk": dict(cur="GBP", country="GB", name="Encaisse UK Ltd", share=0.19, scale=1, terms=30, comma=False),
    "fi": dict(
        cur="EUR", country="FI", name="Encaisse Finland Oy", share=0.10, scale=1, terms=14, comma=True
    ),
    "se": dict(
        cur="SEK", country="SE", name="Encaisse Sverige AB", share=0.10, scale=10, terms=30, comma=True
    ),
    "no": dict(cur="NOK", country="NO", name="Encaisse Norge AS", share=0.09, scale=10, terms=14, comma=True),
    "ch": dict(
        cur="CHF", country="CH", name="Encaisse Schweiz AG", share=0.14, scale=1, terms=30, comma=False
    ),
    "nl": dict(
        cur="EUR", country="NL", name="Encaisse Nederland B.V.", share=0.12, scale=1, terms=30, comma=True
    ),
    "es": dict(
        cur="EUR", country="ES", name="Encaisse Iberia S.L.", share=0.09, scale=1, terms=60, comma=True
    ),
    "it": dict(
        cur="EUR", country="IT", name="Encaisse Italia S.r.l.", share=0.09, scale=1, terms=60, comma=True
    ),
    "pt": dict(
        cur="EUR", country="PT", name="Encaisse Portugal Lda", share=0.08, scale=1, terms=30, comma=True
    ),
}

WORDS = {
    "uk": [
        "Acme",
        "Bramley",
        "Cotswold",
        "Harrow",
        "Kestrel",
        "Pennine",
        "Thames",
        "Wessex",
        "Northgate",
        "Redbridge",
        "Ashford",
        "Brunswick",
        "Fairfield",
        "Hawthorn",
        "Kingsway",
        "Lambeth",
        "Marlow",
        "Oakley",
        "Pemberton",
        "Sterling",
        "Tudor",
        "Whitcombe",
        "Yardley",
        "Carrington",
        "Dalton",
        "Ellison",
        "Fenwick",
        "Grantham",
    ],
    "fi": [
        "Kärkkäinen",
        "Mäkelä",
        "Virtanen",
        "Nieminen",
        "Lahtinen",
        "Heikkilä",
        "Koskinen",
        "Järvinen",
        "Laaksonen",
        "Salonen",
        "Tuominen",
        "Rantanen",
        "Hämäläinen",
        "Lehtonen",
        "Saarinen",
        "Pohjola",
        "Kuusisto",
        "Väisänen",
        "Aalto",
        "Halonen",
    ],
    "se": [
        "Lindqvist",
        "Åberg",
        "Sjöberg",
        "Bergström",
        "Nordin",
        "Ekström",
        "Holmgren",
        "Sandberg",
        "Lundgren",
        "Öhman",
        "Wikström",
        "Hedlund",
        "Dahlberg",
        "Forsberg",
        "Söderlund",
        "Björklund",
        "Engström",
        "Falk",
        "Nyström",
        "Strand",
    ],
    "no": [
        "Bråten",
        "Haugen",
        "Solberg",
        "Østby",
        "Kristiansen",
        "Fjeld",
        "Nygård",
        "Lie",
        "Dahl",
        "Bakke",
        "Hagen",
        "Strøm",
        "Moen",
        "Aasen",
        "Berntsen",
        "Sæther",
        "Tveit",
        "Lund",
        "Vik",
        "Myhre",
    ],
    "ch": [
        "Müller",
        "Brügger",
        "Zürcher",
        "Gerber",
        "Häfliger",
        "Baumann",
        "Keller",
        "Frei",
        "Schnyder",
        "Rüegg",
        "Dubois",
        "Favre",
        "Rochat",
        "Gisler",
        "Bühler",
        "Meier",
        "Steiner",
        "Huber",
        "Mettler",
        "Lüthi",
    ],
    "nl": [
        "de Vries",
        "Jansen",
        "van Dijk",
        "Bakker",
        "Visser",
        "Smit",
        "Meijer",
        "de Boer",
        "Mulder",
        "de Groot",
        "Bos",
        "Vos",
        "Peters",
        "Hendriks",
        "van Leeuwen",
        "Dekker",
        "Brouwer",
        "de Wit",
        "Dijkstra",
        "Smits",
    ],
    "es": [
        "Martínez",
        "Fernández",
        "García",
        "López",
        "Sánchez",
        "Ruiz",
        "Gómez",
        "Díaz",
        "Muñoz",
        "Álvarez",
        "Romero",
        "Navarro",
        "Torres",
        "Domínguez",
        "Vázquez",
        "Ramos",
        "Gil",
        "Serrano",
        "Núñez",
        "Castaño",
    ],
    "it": [
        "Rossi",
        "Bianchi",
        "Ferrari",
        "Esposito",
        "Romano",
        "Colombo",
        "Ricci",
        "Marino",
        "Greco",
        "Bruno",
        "Gallo",
        "Conti",
        "De",
        "Luca",
        "Mancini",
        "Costa",
        "Giordano",
        "Rizzo",
        "Lombardi",
        "Moretti",
        "Barbieri",
    ],
    "pt": [
        "Silva",
        "Santos",
        "Ferreira",
        "Pereira",
        "Oliveira",
        "Costa",
        "Rodrigues",
        "Martins",
        "Jesus",
        "Sousa",
        "Fernandes",
        "Gonçalves",
        "Gomes",
        "Lopes",
        "Marques",
        "Alves",
        "Almeida",
        "Ribeiro",
        "Pinto",
        "Carvalho",
    ],
}
ACTIVITY = {
    "uk": [
        "Engineering",
        "Logistics",
        "Foods",
        "Builders Merchants",
        "Plastics",
        "Electrical",
        "Packaging",
        "Print",
        "Motors",
        "Hospitality Group",
        "Facilities Management",
        "Timber",
    ],
    "fi": [
        "Rakennus",
        "Kuljetus",
        "Elektroniikka",
        "Konepaja",
        "Puutarha",
        "Logistiikka",
        "Sähkö",
        "Kiinteistöt",
    ],
    "se": [
        "Bygg",
        "Transport",
        "Elektronik",
        "Mekaniska Verkstad",
        "Trädgård",
        "Logistik",
        "El",
        "Fastigheter",
    ],
    "no": [
        "Bygg",
        "Transport",
        "Elektro",
        "Mekaniske Verksted",
        "Hagesenter",
        "Logistikk",
        "Eiendom",
        "Fisk",
    ],
    "ch": [
        "Holzbau",
        "Transporte",
        "Elektro",
        "Maschinenbau",
        "Gartenbau",
        "Logistique",
        "Bâtiment",
        "Uhren",
    ],
    "nl": [
        "Bouw",
        "Transport",
        "Installatietechniek",
        "Metaal",
        "Hoveniers",
        "Logistiek",
        "Groothandel",
        "Print",
    ],
    "es": [
        "Construcciones",
        "Transportes",
        "Distribuciones",
        "Ingeniería",
        "Alimentación",
        "Logística",
        "Suministros",
    ],
    "it": [
        "Costruzioni",
        "Trasporti",
        "Distribuzione",
        "Meccanica",
        "Alimentari",
        "Logistica",
        "Impianti Elettrici",
    ],
    "pt": ["Construções", "Transportes", "Distribuição", "Engenharia", "Alimentar", "Logística", "Comércio"],
}
FORMS = {
    "uk": [
        ("Ltd", ["LIMITED", "LTD.", ""]),
        ("Limited", ["LTD", ""]),
        ("PLC", ["P.L.C.", ""]),
        ("LLP", [""]),
    ],
    "fi": [("Oy", ["OY", "Osakeyhtiö", ""]), ("Oyj", ["OYJ", ""]), ("Ky", ["KY", ""])],
    "se": [("AB", ["Aktiebolag", "Ab", ""]), ("HB", ["Handelsbolag", ""])],
    "no": [("AS", ["A/S", "As", ""]), ("ASA", ["A.S.A.", ""])],
    "ch": [
        ("AG", ["A.G.", ""]),
        ("GmbH", ["GMBH", ""]),
        ("SA", ["S.A.", ""]),
        ("Sàrl", ["SARL", "S.à r.l.", ""]),
    ],
    "nl": [("B.V.", ["BV", "B.V", ""]), ("N.V.", ["NV", ""]), ("V.O.F.", ["VOF", ""])],
    "es": [
        ("S.L.", ["SL", "S.L", "SOCIEDAD LIMITADA", ""]),
        ("S.A.", ["SA", "SOCIEDAD ANONIMA", ""]),
        ("S.L.U.", ["SLU", "S.L.", ""]),
    ],
    "it": [("S.p.A.", ["SPA", "S.P.A.", ""]), ("S.r.l.", ["SRL", "S.R.L.", ""]), ("S.n.c.", ["SNC", ""])],
    "pt": [
        ("Lda", ["LDA", "Lda.", "Limitada", ""]),
        ("S.A.", ["SA", ""]),
        ("Unipessoal Lda", ["Unip. Lda", "LDA", ""]),
    ],
}
LANG = {
    "uk": "en",
    "fi": "fi",
    "se": "sv",
    "no": "nb",
    "ch": "de",
    "nl": "nl",
    "es": "es",
    "it": "it",
    "pt": "pt",
}

FACTORS = {
    "uk": "CLOSE BROTHERS INVOICE FINANCE",
    "fi": "Nordea Rahoitus Suomi Oy",
    "se": "Svea Ekonomi AB",
    "no": "SpareBank 1 Factoring AS",
    "ch": "PostFinance AG Factoring",
    "nl": "ING Commercial Finance B.V.",
    "es": "BANCO SANTANDER SA CONFIRMING",
    "it": "IFITALIA S.P.A.",
    "pt": "BANCO BPI SA CONFIRMING",
}
ACQUIRERS = {
    "uk": ["WORLDPAY (UK) LTD", "BARCLAYCARD MERCH", "STRIPE PAYMENTS UK"],
    "fi": ["Nets Oy", "Worldline Finland"],
    "se": ["Nets Sweden AB", "Swedbank Pay AB"],
    "no": ["Nets Branch Norway", "Vipps MobilePay AS"],
    "ch": ["Worldline Schweiz AG", "SIX Payment Services"],
    "nl": ["Adyen N.V.", "CCV Group B.V."],
    "es": ["REDSYS SERVICIOS", "COMERCIA GLOBAL PAYMENTS"],
    "it": ["NEXI PAYMENTS S.P.A.", "NUMIA S.P.A."],
    "pt": ["SIBS PAGAMENTOS SA", "REDUNIQ UNICRE"],
}
TAX = {
    "uk": ("HMRC VAT", "VAT REPAYMENT {n}"),
    "fi": ("Verohallinto", "ALV PALAUTUS {n}"),
    "se": ("Skatteverket", "SKATTEÅTERBETALNING {n}"),
    "no": ("Skatteetaten", "TILBAKEBETALING MVA {n}"),
    "ch": ("ESTV MWST", "MWST Rückerstattung {n}"),
    "nl": ("Belastingdienst", "TERUGGAAF OB {n}"),
    "es": ("AEAT", "DEVOLUCION IVA {n}"),
    "it": ("AGENZIA DELLE ENTRATE", "RIMBORSO IVA {n}"),
    "pt": ("AUTORIDADE TRIBUTARIA", "REEMBOLSO IVA {n}"),
}
INTEREST = {
    "uk": "CREDIT INTEREST",
    "fi": "KORKO",
    "se": "RÄNTA",
    "no": "RENTER",
    "ch": "Habenzins",
    "nl": "RENTE",
    "es": "LIQUIDACION INTERESES",
    "it": "INTERESSI CREDITORI",
    "pt": "JUROS CREDORES",
}
SALARY = {
    "uk": "RETURNED SALARY",
    "fi": "PALKAN PALAUTUS",
    "se": "ÅTERFÖRD LÖN",
    "no": "RETUR LØNN",
    "ch": "Rückweisung Lohn",
    "nl": "RETOUR SALARIS",
    "es": "DEVOLUCION NOMINA",
    "it": "STORNO STIPENDIO",
    "pt": "DEVOLUCAO SALARIO",
}
REFUND = {
    "uk": "REFUND CN {n}",
    "fi": "Hyvitys lasku {n}",
    "se": "Återbetalning kreditfaktura {n}",
    "no": "Refusjon kreditnota {n}",
    "ch": "Rückerstattung Gutschrift {n}",
    "nl": "Terugbetaling creditnota {n}",
    "es": "Abono factura {n}",
    "it": "Rimborso nota di credito {n}",
    "pt": "Reembolso nota de crédito {n}",
}
SUPPLIERS = {
    "uk": ["OFFICE DEPOT UK", "BT GROUP PLC", "SCREWFIX DIRECT"],
    "fi": ["Telia Finland Oyj", "Lyreco Oy"],
    "se": ["Telia Sverige AB", "Staples Sverige AB"],
    "no": ["Telenor Norge AS", "Staples Norge AS"],
    "ch": ["Swisscom AG", "Lyreco Switzerland AG"],
    "nl": ["KPN B.V.", "Office Centre B.V."],
    "es": ["Telefonica de España S.A.U.", "Lyreco España S.A."],
    "it": ["TIM S.p.A.", "Lyreco Italia S.r.l."],
    "pt": ["MEO Serviços SA", "Lyreco Portugal SA"],
}

NON_CUSTOMER = ["nc_interest", "nc_refund", "nc_card", "nc_tax", "nc_intragroup", "nc_salary_return"]

# shares of customer payments (realistic proportions; regions adapt the forms)
PLAN = [
    ("ref_exact", 27),
    ("ref_text", 12),
    ("ref_mangled", 6),
    ("ref_typo", 3),
    ("multi_listed", 8),
    ("multi_unlisted", 3),
    ("partial", 4),
    ("bank_charges", 3),
    ("discount", 3),
    ("deduction", 3),
    ("overpayment", 2),
    ("duplicate", 2),
    ("third_parent", 3),
    ("third_factor", 2),
    ("fifo_recurring", 5),
    ("noref_known", 6),
    ("noref_name", 3),
]
NC_PLAN = [
    ("nc_refund", 25),
    ("nc_card", 20),
    ("nc_interest", 14),
    ("nc_tax", 12),
    ("nc_intragroup", 14),
    ("nc_salary_return", 15),
]


# ----------------------------------------------------------------------------------------
# model
# ----------------------------------------------------------------------------------------


@dataclass
class Customer:
    id: str
    region: str
    base: str
    form: str
    form_variants: list[str]
    ibans: list[str]
    num: int  # the biller's customer number used in national references
    parent_id: str = ""
    recurring: bool = False
    discount: bool = False
    kid_mod11: bool = False

    @property
    def name(self) -> str:
        return f"{self.base} {self.form}".strip()


@dataclass
class Invoice:
    number: str
    customer_id: str
    region: str
    issue: date
    due: date
    total: int
    year: int
    seq: int
    natref: str = ""  # national reference printed on the invoice (FI/SE/NO/CH-QRR/NL)
    natkind: str = ""  # FI, OCR, KID, QRR, NL
    sref: str = ""  # what the CSV's structured_reference holds (RF only: the CLI accepts RF/OGM)
    disc_pct: int = 0
    disc_days: int = 0
    order_ref: str = ""
    claimed: bool = False


@dataclass
class Tx:
    region: str
    scenario: str
    amount: int
    value: date
    payer_name: str = ""
    payer_iban: str = ""
    payer_other: str = ""
    ultimate: str = ""
    ustrd: list[str] = field(default_factory=list)
    strd: list[tuple[str, str, str]] = field(default_factory=list)  # (code|prtry, issuer, ref)
    addtl: str = ""
    truth: list[tuple[str, int, str]] = field(default_factory=list)
    customer_payment: bool = True
    domain: tuple[str, str, str] = ("PMNT", "RCDT", "ESCT")
    rtr: str = ""  # return reason code
    known: bool = False  # the paying party's account is on file
    qr: bool = False  # on the Swiss QR-IBAN (camt.054)
    ref: str = ""
    note: str = ""

    def remittance(self) -> str:
        parts = list(self.ustrd) + [f"{c}/{i}:{r}" if i else f"{c}:{r}" for c, i, r in self.strd]
        if self.addtl:
            parts.append(f"[AddtlNtryInf] {self.addtl}")
        if self.rtr:
            parts.append(f"[RtrInf] {self.rtr}")
        return " | ".join(parts)


# ----------------------------------------------------------------------------------------
# generator
# ----------------------------------------------------------------------------------------


def _d(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


class Generator:
    def __init__(self, n_payments: int, seed: int) -> None:
        self.n = n_payments
        self.rng = random.Random(seed)
        self.np = np.random.default_rng(seed)
        self.customers: dict[str, Customer] = {}
        self.by_region: dict[str, list[Customer]] = defaultdict(list)
        self.invoices: list[Invoice] = []
        self.inv_by_cust: dict[str, list[Invoice]] = defaultdict(list)
        self.inv_by_number: dict[str, Invoice] = {}
        self.txs: list[Tx] = []
        self.used_ibans: set[str] = set()
        self.seq: dict[tuple[str, int], int] = defaultdict(int)
        self.accounts: dict[str, str] = {}
        self.own2: dict[str, str] = {}
        self.qr_iban = ""
        self.skipped: Counter[str] = Counter()

    # ---- identifiers -------------------------------------------------------------------
    def iban(self, country: str) -> str:
        rng = self.rng
        while True:
            if country == "GB":
                bban = rng.choice(["NWBK", "BARC", "HBUK", "LOYD", "MIDL"]) + _d(rng, 14)
            elif country == "FI":
                bban = _d(rng, 14)
            elif country == "SE":
                bban = _d(rng, 20)
            elif country == "NO":
                bban = _d(rng, 11)
            elif country == "CH":
                bban = rng.choice(["00762", "00230", "00700", "09000", "08390"]) + _d(rng, 12)
            elif country == "NL":
                bban = rng.choice(["ABNA", "RABO", "INGB", "TRIO", "SNSB", "KNAB"]) + _d(rng, 10)
            elif country == "ES":
                bban = _d(rng, 20)
            elif country == "IT":
                bban = rng.choice("ABCDEFGHIJKLMNOPRSTUVWXYZ") + _d(rng, 22)
            elif country == "PT":
                bban = _d(rng, 21)
            elif country == "DE":
                bban = _d(rng, 18)
            else:
                raise ValueError(country)
            iban = make_iban(country, bban)
            if iban not in self.used_ibans:
                self.used_ibans.add(iban)
                return iban

    # ---- master data -------------------------------------------------------------------
    def gen_customers(self) -> None:
        rng = self.rng
        for reg, cfg in REGIONS.items():
            n_pay = max(20, round(self.n * cfg["share"]))
            n_cust = max(12, n_pay // 3)
            used: set[str] = set()
            k = 0
            while k < n_cust:
                w = rng.choice(WORDS[reg])
                base = w if rng.random() < 0.25 else f"{w} {rng.choice(ACTIVITY[reg])}"
                form, variants = rng.choice(FORMS[reg])
                if (base, form) in used:
                    continue
                used.add((base, form))
                if reg == "uk":
                    cid = str(
                        rng.randrange(100100, 109999)
                    )  # numeric account numbers (collide with invoices)
                    if cid in self.customers:
                        continue
                else:
                    cid = f"{reg.upper()}{k + 1:04d}"
                ibans = [self.iban(cfg["country"]) for _ in range(1 if rng.random() < 0.85 else 2)]
                if rng.random() < 0.12:
                    ibans = []  # no account on file yet
                c = Customer(cid, reg, base, form, variants, ibans, num=10000 + k * 7 + rng.randrange(7))
                c.recurring = rng.random() < 0.10
                c.discount = reg in ("ch", "fi", "nl", "it") and rng.random() < 0.25
                c.kid_mod11 = rng.random() < 0.5
                self.customers[cid] = c
                self.by_region[reg].append(c)
                k += 1
            # parents: group holdings paying for some subsidiaries
            cs = [c for c in self.by_region[reg] if not c.recurring]
            for parent in rng.sample(cs, max(1, len(cs) // 20)):
                if not parent.ibans:
                    parent.ibans = [self.iban(cfg["country"])]
                for sub in rng.sample(cs, 3):
                    if sub is not parent and not sub.parent_id and sub.id != parent.id:
                        sub.parent_id = parent.id
        for reg, cfg in REGIONS.items():
            self.accounts[reg] = self.iban(cfg["country"])
            self.own2[reg] = self.iban(cfg["country"])
        # Swiss QR-IBAN: institution id 30000-31999
        while True:
            q = make_iban("CH", f"3{rng.randrange(0, 2000):04d}" + _d(rng, 12))
            if q not in self.used_ibans:
                self.qr_iban = q
                self.used_ibans.add(q)
                break

    def rand_amount(self, reg: str) -> int:
        v = float(self.np.lognormal(mean=6.9, sigma=1.0))
        v = min(max(v, 25.0), 60000.0) * REGIONS[reg]["scale"]
        c = round(v * 100)
        if reg == "ch":
            c = round(c / 5.0) * 5
        return max(c, 500)

    def number(self, reg: str, year: int, seq: int) -> str:
        if reg == "uk":
            return str(104000 + seq)
        if reg == "fi":
            return str(20000 + seq)
        if reg == "se":
            return str(50000 + seq)
        if reg == "no":
            return str(30000 + seq)
        if reg == "ch":
            return f"RE{year % 100:02d}{seq:05d}"
        if reg == "nl":
            return f"{year}-{seq:04d}"
        if reg == "es":
            return f"FV/{year}/{seq:06d}"
        if reg == "it":
            return f"{year}/A/{seq}"
        return f"FT {year}A/{seq}"  # pt, SAF-T style series

    def add_invoice(self, c: Customer, issue: date, total: int) -> Invoice:
        rng = self.rng
        reg = c.region
        yearly = reg in ("nl", "es", "it", "pt", "ch")
        key = (reg, issue.year if yearly else 0)
        self.seq[key] += 1
        seq = self.seq[key]
        num = self.number(reg, issue.year, seq)
        terms = REGIONS[reg]["terms"]
        inv = Invoice(num, c.id, reg, issue, issue + timedelta(days=terms), total, issue.year, seq)
        digits = "".join(ch for ch in num if ch.isdigit())
        if reg == "fi":
            base = f"{c.num}{digits}"[-12:]
            inv.natref, inv.natkind = base + fi_check(base), "FI"
            if rng.random() < 0.5:
                inv.sref = make_rf(inv.natref)
        elif reg == "se":
            body = digits
            if c.num % 2 == 0:  # length digit agreement
                body += str((len(body) + 2) % 10)
            inv.natref, inv.natkind = body + luhn(body), "OCR"
        elif reg == "no":
            body = f"{c.num}{digits}"
            if c.kid_mod11:
                chk = mod11(body)
                if chk == "-":
                    body = f"{c.num}0{digits}"
                    chk = mod11(body)
                    if chk == "-":
                        chk = luhn(body)
                        c.kid_mod11 = False
            else:
                chk = luhn(body)
            inv.natref, inv.natkind = body + chk, "KID"
        elif reg == "ch":
            r = rng.random()
            if r < 0.55:
                body = f"{c.num:06d}{issue.year % 100:02d}{seq:018d}"
                inv.natref, inv.natkind = body + qrr_check(body), "QRR"
            elif r < 0.85:
                inv.sref = make_rf(f"{c.num}{digits}")
        elif reg == "nl" and rng.random() < 0.6:
            body = f"{c.num:05d}{issue.year}{seq:06d}"
            inv.natref, inv.natkind = nl_check(body) + body, "NL"
        if c.discount:
            inv.disc_pct, inv.disc_days = (2, 10) if reg != "fi" else (2, 7)
        if reg == "uk" and rng.random() < 0.5:
            inv.order_ref = (
                str(rng.randrange(100000, 109999))
                if rng.random() < 0.5
                else f"PO{rng.randrange(10**5, 10**6)}"
            )
        elif rng.random() < 0.2:
            inv.order_ref = f"PO-{rng.randrange(10**4, 10**6)}"
        self.invoices.append(inv)
        self.inv_by_cust[c.id].append(inv)
        self.inv_by_number[num] = inv
        return inv

    def gen_invoices(self) -> None:
        rng = self.rng
        # issue dates in chronological order, so numbers follow dates
        plan: list[tuple[date, Customer, int]] = []
        span = (PERIOD_END - BOOK_START).days
        for reg in REGIONS:
            cs = self.by_region[reg]
            n_pay = max(20, round(self.n * REGIONS[reg]["share"]))
            target = 5 * n_pay + n_pay  # five open documents per payment, plus those the payments settle
            rec = [c for c in cs if c.recurring]
            for c in rec:
                amt = self.rand_amount(reg)
                for m in range(7):
                    d = date(2025, 9, 1) + timedelta(days=30 * m + rng.randrange(0, 3))
                    d = date(d.year, d.month, 1)
                    plan.append((d, c, amt))
            n_rest = max(0, target - 7 * len(rec))
            weights = np.array([self.rng.paretovariate(1.3) for c in cs if not c.recurring])
            others = [c for c in cs if not c.recurring]
            weights /= weights.sum()
            picks = self.np.choice(len(others), size=n_rest, p=weights)
            for p in picks:
                # more recent invoices are more often open
                off = int(span * (1 - self.np.random() ** 1.8))
                plan.append((BOOK_START + timedelta(days=off), others[p], self.rand_amount(reg)))
        plan.sort(key=lambda x: (x[0], x[1].region))
        for d, c, amt in plan:
            self.add_invoice(c, d, amt)

    # ---- helpers -----------------------------------------------------------------------
    def open_items(self, c: Customer, asof: date) -> list[Invoice]:
        return [i for i in self.inv_by_cust[c.id] if not i.claimed and i.issue < asof]

    def payer(self, t: Tx, c: Customer, known: bool = True) -> None:
        rng = self.rng
        reg = c.region
        name = self.name_variant(c)
        t.known = bool(known and c.ibans)
        acct = rng.choice(c.ibans) if known and c.ibans else self.iban(REGIONS[reg]["country"])
        t.payer_name = name
        if reg == "uk":
            t.payer_name = strip_accents(name).upper()[:18]
            if rng.random() < 0.5:
                t.payer_other = acct[8:14] + acct[14:]  # sort code + account number
            else:
                t.payer_iban = acct
        else:
            t.payer_iban = acct

    def name_variant(self, c: Customer) -> str:
        rng = self.rng
        base = c.base
        form = c.form
        r = rng.random()
        if r < 0.25:
            form = rng.choice(c.form_variants)
        name = f"{base} {form}".strip()
        r = rng.random()
        if r < 0.2:
            name = name.upper()
        elif r < 0.35:
            name = strip_accents(name).upper()
        elif r < 0.42:
            name = strip_accents(name)
        if c.region in ("es", "it", "pt") and form and rng.random() < 0.15:
            name = name.replace(f" {form}", f", {form}")
        return name[:70]

    def number_forms(self, inv: Invoice, style: str) -> str:
        """How a payer writes an invoice's number in free text."""
        rng = self.rng
        n = inv.number
        reg = inv.region
        seq = inv.seq
        if reg == "uk":
            if style == "exact":
                return rng.choice(["INV {n}", "SI-{n}", "{n}", "INV{n}", "INVOICE {n}", "SINV {n}"]).format(
                    n=n
                )
            return rng.choice([f"{n[:3]} {n[3:]}", f"IN{n}", f"SI{n}", f"0{n}", f"{n}-INV"])
        if reg in ("fi", "se", "no"):
            word = {
                "fi": ["Lasku", "lasku nro", "Laskunro", "LASKU"],
                "se": ["Faktura", "Fakturanr", "Fakt", "FAKTURA NR"],
                "no": ["Faktura", "Fakturanr.", "Fakt.", "FAKTURA"],
            }[reg]
            if style == "exact":
                return f"{rng.choice(word)} {n}"
            return rng.choice(
                [
                    f"{rng.choice(word)}{n}",
                    f"{rng.choice(word)} {n[:2]} {n[2:]}",
                    f"{rng.choice(word)} 0{n}",
                    f"{rng.choice(word)} nr {n}-1",
                ]
            )
        if reg == "ch":
            yy = n[2:4]
            if style == "exact":
                return rng.choice([f"Rechnung {n}", f"Facture {n}", f"Rg. {n}", f"Rechnung Nr. {n}", n])
            return rng.choice(
                [
                    f"Rechnung {yy}{seq:05d}",
                    f"Rg {yy}/{seq:05d}",
                    f"RE {yy} {seq:05d}",
                    f"Facture no {seq}",
                    f"RE-{yy}-{seq}",
                ]
            )
        if reg == "nl":
            if style == "exact":
                return rng.choice(
                    ["factuur {n}", "Factuur {n}", "factuurnr {n}", "FACTUUR {n}", "fact. {n}", "{n}"]
                ).format(n=n)
            return rng.choice(
                [
                    f"factuur {n.replace('-', '')}",
                    f"fact {inv.year % 100}-{seq:04d}",
                    f"factuur {seq}",
                    f"factuurnummer {inv.year}{seq}",
                    f"FACT {n.replace('-', '/')}",
                ]
            )
        if reg == "es":
            if style == "exact":
                return rng.choice(["FRA {n}", "PAGO FRA {n}", "Factura {n}", "N/FRA {n}", "FRA. {n}"]).format(
                    n=n
                )
            return rng.choice(
                [
                    f"FRA {seq}",
                    f"FRA. {seq:06d}",
                    f"FACTURA {inv.year}/{seq:06d}",
                    f"FV{inv.year}{seq:06d}",
                    f"FRA {seq}/{inv.year % 100}",
                ]
            )
        if reg == "it":
            if style == "exact":
                return rng.choice(
                    ["Fattura n. {n}", "FATT. {n}", "Saldo fattura {n}", "FT {n}", "fatt. n. {n}"]
                ).format(n=n)
            return rng.choice(
                [
                    f"Fattura n. {seq}/A del {inv.issue:%d/%m/%Y}",
                    f"FATT. {seq}/{inv.year}",
                    f"fatt n {seq} del {inv.issue:%d.%m.%y}",
                    f"FT {seq}/A/{inv.year}",
                    f"FATTURA {seq}A",
                ]
            )
        # pt
        if style == "exact":
            return rng.choice(
                ["Pagamento Fatura {n}", "Fatura {n}", "PAG {n}", "{n}", "Liquidação {n}"]
            ).format(n=n)
        return rng.choice(
            [
                f"Fatura n.º {seq}",
                f"FT{inv.year}A{seq}",
                f"FT {seq}/{inv.year}",
                f"Fatura {inv.year}A/{seq}",
                f"FT A/{seq}",
            ]
        )

    def list_text(self, invs: list[Invoice]) -> str:
        rng = self.rng
        reg = invs[0].region
        nums = [i.number for i in invs]
        seqs = [str(i.seq) for i in invs]

        def join(xs: list[str], conj: str) -> str:
            return ", ".join(xs[:-1]) + f" {conj} " + xs[-1] if len(xs) > 1 else xs[0]

        if reg == "uk":
            return rng.choice(["PAYMENT FOR INV ", "INV ", "INVS ", "REMIT "]) + " ".join(nums)
        if reg == "fi":
            return rng.choice(["Laskut ", "Laskut nro ", "LASKUT "]) + join(nums, "ja")
        if reg == "se":
            return rng.choice(["Fakturor ", "Fakt ", "FAKTURA "]) + rng.choice(
                [" ".join(nums), join(nums, "och")]
            )
        if reg == "no":
            return rng.choice(["Faktura ", "Fakturaer ", "FAKTNR "]) + rng.choice(
                [" ".join(nums), join(nums, "og")]
            )
        if reg == "ch":
            return rng.choice(["Rechnungen ", "Factures ", "Rg. "]) + rng.choice(
                [", ".join(nums), join(nums, "und")]
            )
        if reg == "nl":
            if rng.random() < 0.3 and len({i.year for i in invs}) == 1:
                return f"facturen {nums[0]}/" + "/".join(f"{i.seq:04d}" for i in invs[1:])
            return rng.choice(["factuur ", "facturen ", "Factuurnrs "]) + join(nums, "en")
        if reg == "es":
            return rng.choice(
                [
                    f"Pago fras. {join(seqs, 'y')}",
                    f"FRAS {' '.join(nums)}",
                    f"Pago facturas {join(nums, 'y')}",
                ]
            )
        if reg == "it":
            return rng.choice(
                [
                    f"Saldo fatture n. {join(seqs, 'e')}",
                    f"FATT. {' '.join(nums)}",
                    f"Saldo ft {join(nums, 'e')}",
                ]
            )
        return rng.choice(
            [
                f"Pagamento faturas {join(seqs, 'e')}",
                f"Pag. FT {', '.join(nums)}",
                f"Faturas {join(nums, 'e')}",
            ]
        )

    def uk_cut(self, t: Tx, text: str, c: Customer | None) -> None:
        """Faster Payments / BACS: 18 characters, upper case; CHAPS: the whole text."""
        rng = self.rng
        r = rng.random()
        if r < 0.62:
            ref = text.upper()
            if c is not None and len(ref) < 16 and rng.random() < 0.35:
                ref = f"{ref} {strip_accents(c.base).upper()}"
            t.ustrd = [ref[:18]]
            t.domain = ("PMNT", "RCDT", "DMCT")
            t.note = "FPS"
            if rng.random() < 0.3 and t.payer_other:
                sc = t.payer_other
                t.addtl = f"FROM {sc[:2]}-{sc[2:4]}-{sc[4:6]} {sc[6:]} FASTER PAYMENT"
        elif r < 0.87:
            t.ustrd = [text.upper()[:18]]
            t.domain = ("PMNT", "RCDT", "BOOK")
            t.note = "BACS"
            t.addtl = "BACS CREDIT"
        else:
            t.ustrd = [text[:140]]
            t.domain = ("PMNT", "RCDT", "XBCT")
            t.note = "CHAPS"

    def put_text(self, t: Tx, text: str, c: Customer | None) -> None:
        if t.region == "uk":
            self.uk_cut(t, text, c)
        elif text:
            t.ustrd = [text[i : i + 140] for i in range(0, min(len(text), 280), 140)]

    def strd_ref(self, t: Tx, inv: Invoice, typo: bool = False) -> bool:
        """Put the invoice's structured reference in Strd as a payer's bank would; False if it has none."""
        rng = self.rng
        ref, kind = inv.natref, inv.natkind
        if inv.region == "fi" and (not ref or (inv.sref and rng.random() < 0.35)):
            ref, kind = inv.sref, "RF"
        if inv.region == "ch" and not ref and inv.sref:
            ref, kind = inv.sref, "RF"
        if not ref:
            return False
        if typo:
            ref = self.mistype(ref, kind)
        if kind == "QRR":
            t.strd = [("QRR", "", ref)]
            t.qr = True
            t.domain = ("PMNT", "RCDT", "VCOM")
        elif kind == "RF":
            t.strd = [("SCOR", "ISO", ref)]
        elif kind == "NL":
            t.strd = [("SCOR", "CUR", ref)]
        elif kind == "FI":
            t.strd = [("SCOR", "", ref.zfill(20) if rng.random() < 0.4 else ref)]
        else:  # OCR, KID
            t.strd = [("SCOR", "", ref)]
        return True

    def mistype(self, ref: str, kind: str) -> str:
        rng = self.rng
        lo = 4 if kind == "RF" else 0
        for _ in range(50):
            pos = rng.randrange(lo, len(ref) - 1)
            if not ref[pos].isdigit():
                continue
            if rng.random() < 0.5 and ref[pos + 1].isdigit() and ref[pos] != ref[pos + 1]:
                new = ref[:pos] + ref[pos + 1] + ref[pos] + ref[pos + 2 :]
            else:
                new = ref[:pos] + str((int(ref[pos]) + rng.randrange(1, 10)) % 10) + ref[pos + 1 :]
            if not self.ref_valid(new, kind):
                return new
        return ref[:-1] + str((int(ref[-1]) + 1) % 10) if ref[-1].isdigit() else ref

    @staticmethod
    def ref_valid(ref: str, kind: str) -> bool:
        if kind == "RF":
            from blackbox import rf_valid

            return rf_valid(ref)
        if kind == "FI":
            return fi_check(ref[:-1]) == ref[-1]
        if kind == "OCR":
            return luhn(ref[:-1]) == ref[-1]
        if kind == "KID":
            return ref[-1] in (luhn(ref[:-1]), mod11(ref[:-1]))
        if kind == "QRR":
            return qrr_check(ref[:-1]) == ref[-1]
        if kind == "NL":
            return nl_check(ref[1:]) == ref[0]
        return False

    # ---- scenarios ---------------------------------------------------------------------
    def pick_customer(
        self, reg: str, asof: date, k: int = 1, recurring: bool = False, cond=None
    ) -> tuple[Customer, list[Invoice]] | None:
        rng = self.rng
        cs = [c for c in self.by_region[reg] if c.recurring == recurring]
        rng.shuffle(cs)
        for c in cs:
            items = self.open_items(c, asof)
            if cond is not None:
                items = [i for i in items if cond(i)]
            if len(items) >= k:
                return c, items
        return None

    def unique_amount(self, c: Customer, amount: int, asof: date, exclude: list[Invoice]) -> bool:
        return all(i.total != amount for i in self.open_items(c, asof) if i not in exclude)

    def claim(self, invs: list[Invoice]) -> None:
        for i in invs:
            i.claimed = True

    def customer_tx(self, reg: str, scen: str, value: date) -> list[Tx]:
        rng = self.rng
        cfg = REGIONS[reg]
        comma = cfg["comma"]
        has_strd = reg in ("fi", "se", "no", "ch", "nl")
        t = Tx(reg, scen, 0, value)

        def single(cond=None, recurring=False):
            got = self.pick_customer(reg, value, 1, recurring, cond)
            if not got:
                return None
            c, items = got
            inv = rng.choice(items)
            return c, inv

        if scen in ("ref_exact", "ref_text", "ref_mangled", "ref_typo"):
            got = single()
            if not got:
                return []
            c, inv = got
            self.payer(t, c, known=rng.random() < 0.8)
            t.amount = inv.total
            t.truth = [(inv.number, inv.total, "invoice")]
            if scen == "ref_exact":
                if not (has_strd and rng.random() < 0.8 and self.strd_ref(t, inv)):
                    self.put_text(t, self.number_forms(inv, "exact"), c)
                elif rng.random() < 0.3 and reg != "uk":
                    t.ustrd = [self.number_forms(inv, "exact")]
            elif scen == "ref_text":
                text = self.number_forms(inv, "exact")
                if reg == "uk":
                    extra = rng.random()
                    if extra < 0.35 and inv.order_ref:
                        text = (
                            f"PO {inv.order_ref} {text}"
                            if rng.random() < 0.5
                            else f"{text} PO {inv.order_ref}"
                        )
                    elif extra < 0.6:
                        text = rng.choice([f"ACC {c.id} {text}", f"{text} CUST {c.id}", f"{c.id} {text}"])
                elif inv.natref and rng.random() < 0.4:
                    nat = (
                        fi_groups(inv.natref)
                        if inv.natkind == "FI"
                        else (qrr_groups(inv.natref) if inv.natkind == "QRR" else inv.natref)
                    )
                    text = rng.choice(
                        [
                            f"{text} ref {nat}",
                            f"Viite {nat}"
                            if reg == "fi"
                            else f"OCR {nat}"
                            if reg == "se"
                            else f"KID {nat}"
                            if reg == "no"
                            else f"Referenz {nat}"
                            if reg == "ch"
                            else f"betalingskenmerk {nat}",
                        ]
                    )
                elif rng.random() < 0.3:
                    text = f"{text} {c.name}"
                self.put_text(t, text, c)
            elif scen == "ref_mangled":
                self.put_text(t, self.number_forms(inv, "mangled"), c)
            else:  # ref_typo
                t.note = "typo"
                self.payer(t, c, known=True)
                if not c.ibans:
                    return []
                if has_strd and self.strd_ref(t, inv, typo=True):
                    t.note = "mistyped structured reference"
                else:
                    n = inv.number
                    ds = [k for k, ch in enumerate(n) if ch.isdigit()]
                    k = rng.choice(ds[-5:])
                    n2 = n[:k] + str((int(n[k]) + rng.randrange(1, 10)) % 10) + n[k + 1 :]
                    text = self.number_forms(inv, "exact").replace(n, n2)
                    self.put_text(t, text, c)
            self.claim([inv])
            return [t]

        if scen in ("multi_listed", "multi_unlisted"):
            k = rng.choice([2, 2, 2, 3, 3, 4])
            got = self.pick_customer(reg, value, k)
            if not got:
                return []
            c, items = got
            if scen == "multi_unlisted":
                items.sort(key=lambda i: (i.due, i.issue, i.seq))
                invs = items[:k]  # the oldest ones, as from a statement of account
                self.payer(t, c, known=True)
                if not c.ibans:
                    return []
                t.amount = sum(i.total for i in invs)
                self.put_text(
                    t,
                    rng.choice(
                        [
                            "",
                            "",
                            {
                                "uk": "STATEMENT PAYMENT",
                                "fi": "Maksu",
                                "se": "Betalning",
                                "no": "Betaling",
                                "ch": "Zahlung",
                                "nl": "betaling openstaande posten",
                                "es": "PAGO PROVEEDOR",
                                "it": "Bonifico fornitore",
                                "pt": "Pagamento fornecedor",
                            }[reg],
                        ]
                    ),
                    c,
                )
            else:
                invs = sorted(rng.sample(items, k), key=lambda i: i.seq)
                self.payer(t, c, known=rng.random() < 0.8)
                t.amount = sum(i.total for i in invs)
                self.put_text(t, self.list_text(invs), c)
            t.truth = [(i.number, i.total, "invoice") for i in invs]
            self.claim(invs)
            return [t]

        if scen in ("partial", "bank_charges", "deduction", "overpayment", "discount"):
            if scen == "discount":
                got = single(cond=lambda i: i.disc_pct and 2 <= (value - i.issue).days <= i.disc_days)
                if not got:
                    cands = [c for c in self.by_region[reg] if c.discount and not c.recurring]
                    if not cands:
                        return []
                    c = rng.choice(cands)
                    inv = self.add_invoice(
                        c, value - timedelta(days=rng.randrange(2, 8)), self.rand_amount(reg)
                    )
                else:
                    c, inv = got
            else:
                got = single()
                if not got:
                    return []
                c, inv = got
            self.payer(t, c, known=rng.random() < 0.85)
            ref = self.number_forms(inv, "exact")
            if has_strd and rng.random() < 0.5 and scen != "deduction" and not self.strd_ref(t, inv):
                t.strd = []
            text = ref
            if scen == "partial":
                frac = rng.choice([0.25, 0.3, 0.5, 0.5, 0.6, 0.75])
                paid = int(inv.total * frac)
                paid = paid - paid % (5 if reg == "ch" else 1)
                if reg != "ch" and rng.random() < 0.5:
                    paid = paid - paid % 100
                word = {
                    "uk": "PART PAYMENT",
                    "fi": "osamaksu",
                    "se": "delbetalning",
                    "no": "delbetaling",
                    "ch": rng.choice(["Teilzahlung", "acompte"]),
                    "nl": "deelbetaling",
                    "es": "pago a cuenta",
                    "it": "acconto",
                    "pt": "pagamento parcial",
                }[reg]
                text = f"{word} {ref}" if rng.random() < 0.7 else ref
                t.amount = paid
                t.truth = [(inv.number, paid, "invoice")]
            elif scen == "bank_charges":
                ch = rng.choice([250, 500, 700, 750, 1000, 1200, 1500]) * (REGIONS[reg]["scale"])
                if reg == "ch":
                    ch = ch - ch % 5
                ch = min(ch, inv.total // 10)
                t.amount = inv.total - ch
                t.truth = [(inv.number, inv.total, "invoice"), (inv.number, -ch, "deduction")]
                if reg in ("uk", "ch", "no", "se"):
                    if not t.payer_other:  # a cross-border payment (SHA): from an account abroad
                        t.payer_iban = self.iban(rng.choice(["DE", "NL", "IT"]))
                        t.known = False
                    t.domain = ("PMNT", "RCDT", "XBCT")
            elif scen == "discount":
                d = round(inv.total * inv.disc_pct / 100)
                if reg == "ch":
                    d = round(d / 5.0) * 5
                t.amount = inv.total - d
                word = {
                    "uk": "LESS 2PCT",
                    "fi": "-2% kassa-ale",
                    "se": "avdrag 2% kassarabatt",
                    "no": "-2% kontantrabatt",
                    "ch": "abzgl. 2% Skonto",
                    "nl": "-2% betalingskorting",
                    "es": "dto. pronto pago 2%",
                    "it": "sconto 2%",
                    "pt": "desc. p.p. 2%",
                }[reg]
                text = f"{ref} {word}" if rng.random() < 0.5 else ref
                t.truth = [(inv.number, inv.total, "invoice"), (inv.number, -d, "deduction")]
            elif scen == "deduction":
                d = max(500, int(inv.total * rng.choice([0.03, 0.05, 0.1, 0.15])))
                d -= d % (5 if reg == "ch" else 1)
                if rng.random() < 0.5:
                    d -= d % 100
                amt = money_text(d, comma)
                reason = {
                    "uk": f"LESS {amt} DAMAGED GOODS",
                    "fi": f"vähennetty {amt} reklamaatio",
                    "se": f"avdrag {amt} reklamation",
                    "no": f"trekk {amt} reklamasjon",
                    "ch": rng.choice(
                        [f"abzüglich {amt} Mängelrüge", f"déduction {amt} marchandise endommagée"]
                    ),
                    "nl": f"minus {amt} ivm beschadigde levering",
                    "es": f"menos {amt} por devolución mercancía",
                    "it": f"dedotto {amt} per merce danneggiata",
                    "pt": f"deduzido {amt} mercadoria danificada",
                }[reg]
                text = f"{ref} {reason}"
                t.amount = inv.total - d
                t.truth = [(inv.number, inv.total, "invoice"), (inv.number, -d, "deduction")]
                if reg == "uk":
                    t.ustrd = [text]
                    t.domain = ("PMNT", "RCDT", "XBCT")
                    t.note = "CHAPS"
                    text = ""
            else:  # overpayment
                ex = rng.choice([1000, 2500, 5000, 10000, int(inv.total * 0.1)])
                ex -= ex % (5 if reg == "ch" else 1)
                if not self.unique_amount(c, ex, value, [inv]) or ex <= 0:
                    ex += 5
                t.amount = inv.total + ex
                t.truth = [(inv.number, inv.total, "invoice"), ("", ex, "on_account")]
            if text and not (
                t.strd and rng.random() < 0.5 and scen in ("bank_charges", "overpayment", "partial")
            ):
                self.put_text(t, text, c)
            self.claim([inv])
            return [t]

        if scen == "duplicate":
            got = single()
            if not got:
                return []
            c, inv = got
            self.payer(t, c, known=True)
            if not c.ibans or not self.unique_amount(c, inv.total, value + timedelta(days=7), [inv]):
                return []
            t.amount = inv.total
            if not (has_strd and rng.random() < 0.6 and self.strd_ref(t, inv)):
                self.put_text(t, self.number_forms(inv, "exact"), c)
            t.truth = [(inv.number, inv.total, "invoice")]
            t.scenario = "duplicate_first"
            t2 = Tx(
                reg,
                "duplicate_second",
                t.amount,
                value,
                t.payer_name,
                t.payer_iban,
                t.payer_other,
                ustrd=list(t.ustrd),
                strd=list(t.strd),
                addtl=t.addtl,
                domain=t.domain,
                qr=t.qr,
                note="duplicate",
            )
            t2.truth = [("", t.amount, "on_account")]
            t2.known = t.known
            t2.value = min(PERIOD_END, value + timedelta(days=rng.choice([0, 1, 1, 2, 3])))
            self.claim([inv])
            return [t, t2]

        if scen == "third_parent":
            subs = [c for c in self.by_region[reg] if c.parent_id]
            rng.shuffle(subs)
            for c in subs:
                items = self.open_items(c, value)
                if items:
                    break
            else:
                return []
            parent = self.customers[c.parent_id]
            invs = rng.sample(items, min(len(items), rng.choice([1, 1, 2])))
            self.payer(t, parent, known=True)
            t.amount = sum(i.total for i in invs)
            if len(invs) == 1:
                if not (has_strd and rng.random() < 0.5 and self.strd_ref(t, invs[0])):
                    self.put_text(
                        t,
                        f"{self.number_forms(invs[0], 'exact')} {c.name if reg != 'uk' else ''}".strip(),
                        None,
                    )
            else:
                self.put_text(t, self.list_text(invs), None)
            t.truth = [(i.number, i.total, "invoice") for i in invs]
            self.claim(invs)
            return [t]

        if scen == "third_factor":
            got = single()
            if not got:
                return []
            c, inv = got
            t.payer_name = FACTORS[reg]
            t.payer_iban = self.factor_iban(reg)
            t.amount = inv.total
            t.ultimate = c.name if rng.random() < 0.5 else ""
            if has_strd and rng.random() < 0.5 and self.strd_ref(t, inv):
                pass
            else:
                text = f"{self.number_forms(inv, 'exact')}"
                if reg in ("es", "pt"):
                    text = f"CONFIRMING {strip_accents(c.name).upper()} {inv.number}"
                elif rng.random() < 0.5:
                    text = f"{text} {c.name}"
                self.put_text(t, text, None)
            t.truth = [(inv.number, inv.total, "invoice")]
            self.claim([inv])
            return [t]

        if scen == "fifo_recurring":
            got = self.pick_customer(reg, value, 1, recurring=True)
            if not got:
                return []
            c, items = got
            if not c.ibans:
                c.ibans = [self.iban(cfg["country"])]
                self.skipped["recurring_without_iban_given_one"] += 1
            items.sort(key=lambda i: (i.due, i.issue, i.seq))
            inv = items[0]
            self.payer(t, c, known=True)
            t.amount = inv.total
            word = {
                "uk": "MONTHLY FEE",
                "fi": "Kuukausimaksu",
                "se": "Månadsavgift",
                "no": "Månedlig avgift",
                "ch": "Monatsbeitrag",
                "nl": "maandtermijn",
                "es": "CUOTA MENSUAL",
                "it": "Canone mensile",
                "pt": "Mensalidade",
            }[reg]
            self.put_text(t, rng.choice(["", word, f"{word} {value:%m/%Y}", f"DD {value:%d%m%y}"]), c)
            t.truth = [(inv.number, inv.total, "invoice")]
            self.claim([inv])
            return [t]

        if scen in ("noref_known", "noref_name"):
            for _ in range(30):
                got = single()
                if not got:
                    return []
                c, inv = got
                if scen == "noref_known" and not c.ibans:
                    continue
                if not self.unique_amount(c, inv.total, value, [inv]):
                    continue
                if scen == "noref_name":
                    twins = [o for o in self.by_region[reg] if o.base == c.base and o is not c]
                    if any(i.total == inv.total for o in twins for i in self.open_items(o, value)):
                        continue
                break
            else:
                return []
            self.payer(t, c, known=(scen == "noref_known"))
            t.amount = inv.total
            self.put_text(
                t,
                rng.choice(
                    [
                        "",
                        "",
                        {
                            "uk": "PAYMENT",
                            "fi": "Maksu",
                            "se": "Betalning",
                            "no": "Betaling",
                            "ch": "Zahlung",
                            "nl": "betaling",
                            "es": "TRANSFERENCIA",
                            "it": "BONIFICO",
                            "pt": "TRANSFERENCIA",
                        }[reg],
                    ]
                ),
                c,
            )
            t.truth = [(inv.number, inv.total, "invoice")]
            self.claim([inv])
            return [t]
        raise ValueError(scen)

    def factor_iban(self, reg: str) -> str:
        if not hasattr(self, "_factor"):
            self._factor: dict[str, str] = {}
        if reg not in self._factor:
            self._factor[reg] = self.iban(REGIONS[reg]["country"])
        return self._factor[reg]

    def non_customer(self, reg: str, scen: str, value: date) -> Tx:
        rng = self.rng
        t = Tx(reg, scen, 0, value, customer_payment=False)
        scale = REGIONS[reg]["scale"]
        opens = [i for i in self.invoices if i.region == reg and not i.claimed and i.issue < value]
        look = rng.random()
        num_like = rng.choice(opens).number if opens and look < 0.33 else None
        amt_like = rng.choice(opens).total if opens and 0.33 <= look < 0.6 else None
        n = num_like or _d(rng, 6)
        if scen == "nc_interest":
            t.payer_name = ""
            t.amount = amt_like or rng.randrange(100, 40000) * scale
            t.ustrd = [f"{INTEREST[reg]} {value:%m/%Y}" + (f" {num_like}" if num_like else "")]
            t.domain = ("ACMT", "MCOP", "INTR")
        elif scen == "nc_refund":
            t.payer_name = rng.choice(SUPPLIERS[reg])
            t.payer_iban = self.iban(REGIONS[reg]["country"])
            t.amount = amt_like or self.rand_amount(reg) // 3
            t.ustrd = [REFUND[reg].format(n=n)]
        elif scen == "nc_card":
            t.payer_name = rng.choice(ACQUIRERS[reg])
            t.payer_iban = self.iban(REGIONS[reg]["country"])
            t.amount = amt_like or int(self.np.lognormal(8.0, 0.8) * 100) * scale
            mid = _d(rng, 8)
            t.ustrd = [
                rng.choice(
                    [
                        f"SETTLEMENT {value - timedelta(days=1):%Y-%m-%d} MID {mid} BATCH {n}",
                        f"MERCHANT {mid} SETTLEMENT {value:%d%m%y}",
                        f"ABONO TPV {mid} {n}",
                        f"CARD SETTLEMENT {n}",
                    ]
                )
            ]
            t.domain = ("PMNT", "MCRD", "POSP") if rng.random() < 0.5 else ("PMNT", "RCDT", "ESCT")
        elif scen == "nc_tax":
            name, pattern = TAX[reg]
            t.payer_name = name
            t.payer_iban = self.iban(REGIONS[reg]["country"])
            t.amount = amt_like or self.rand_amount(reg) * 2
            t.ustrd = [pattern.format(n=n)]
        elif scen == "nc_intragroup":
            other = rng.choice(
                [r for r in REGIONS if r != reg and REGIONS[r]["cur"] == REGIONS[reg]["cur"]] or [reg]
            )
            if other == reg or rng.random() < 0.4:  # from the entity's own second (deposit) account
                t.payer_name, t.payer_iban = REGIONS[reg]["name"], self.own2[reg]
            else:
                t.payer_name, t.payer_iban = REGIONS[other]["name"], self.accounts[other]
            t.amount = amt_like or rng.randrange(100, 2000) * 10000 * scale // 10
            t.ustrd = [rng.choice([f"INTERCOMPANY {n}", f"IC recharge {value:%m/%Y} {n}", "Cash pooling"])]
            t.domain = ("PMNT", "RCDT", "BOOK") if rng.random() < 0.5 else ("PMNT", "RCDT", "ESCT")
        else:  # salary return
            t.payer_name = rng.choice(
                [
                    "J SMITH",
                    "Anna Virtanen",
                    "Erik Lund",
                    "M. Keller",
                    "P. de Jong",
                    "Lucía Pérez",
                    "Marco Rossi",
                    "João Silva",
                ]
            )
            t.payer_iban = self.iban(REGIONS[reg]["country"])
            t.amount = amt_like or rng.randrange(1500, 4500) * 100 * scale
            t.ustrd = [f"{SALARY[reg]} {value:%m/%Y}" + (f" {num_like}" if num_like else "")]
            if rng.random() < 0.7:
                t.rtr = rng.choice(["AC04", "AC01", "MD07"])
                t.domain = ("PMNT", "ICDT", "RRTN")
        if reg == "ch":
            t.amount -= t.amount % 5
        t.amount = max(t.amount, 1)
        return t

    # ---- the whole set -----------------------------------------------------------------
    def generate(self) -> None:
        rng = self.rng
        self.gen_customers()
        self.gen_invoices()
        days = [PERIOD_START + timedelta(days=k) for k in range((PERIOD_END - PERIOD_START).days + 1)]
        days = [d for d in days if d.weekday() < 5]
        n_nc = round(self.n * 0.09)
        n_cust = self.n - n_nc
        scen_w = np.array([w for _s, w in PLAN], dtype=float)
        nc_w = np.array([w for _s, w in NC_PLAN], dtype=float)
        regs = list(REGIONS)
        reg_w = np.array([REGIONS[r]["share"] for r in regs])
        reg_w /= reg_w.sum()
        slots = [("c", sorted(days)[min(len(days) - 1, int(len(days) * k / n_cust))]) for k in range(n_cust)]
        slots += [("n", rng.choice(days)) for _ in range(n_nc)]
        slots.sort(key=lambda s: s[1])
        for kind, d in slots:
            reg = regs[int(self.np.choice(len(regs), p=reg_w))]
            if kind == "n":
                scen = NC_PLAN[int(self.np.choice(len(NC_PLAN), p=nc_w / nc_w.sum()))][0]
                self.txs.append(self.non_customer(reg, scen, d))
                continue
            got: list[Tx] = []
            for _ in range(6):  # a scenario that does not fit this region or date is drawn again
                scen = PLAN[int(self.np.choice(len(PLAN), p=scen_w / scen_w.sum()))][0]
                got = self.customer_tx(reg, scen, d)
                if got:
                    break
                self.skipped[scen] += 1
            self.txs.extend(got)
        # booking order: by value date (duplicates may come a few days later), stable otherwise
        self.txs.sort(key=lambda t: t.value)
        for t in self.txs:
            if t.region == "uk" and t.payer_name:
                t.payer_name = strip_accents(t.payer_name).upper()[:18]
        cnt: Counter[str] = Counter()
        for t in self.txs:
            cnt[t.region] += 1
            t.ref = f"{t.region.upper()}{t.value:%m%d}{cnt[t.region]:05d}"
            if t.region == "ch" and (t.amount % 5):
                t.amount -= t.amount % 5
                assert not t.truth, t

    # ---- files -------------------------------------------------------------------------
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
                    "entity",
                    "legal_form",
                    "payment_terms_days",
                    "parent_id",
                ]
            )
            for c in self.customers.values():
                dom = strip_accents(c.base.split(" ")[-1]).lower()
                w.writerow(
                    [
                        c.id,
                        c.name,
                        REGIONS[c.region]["country"],
                        "",
                        "|".join(c.ibans),
                        f"ap@{dom}{c.num}.example",
                        LANG[c.region],
                        c.region,
                        c.form,
                        REGIONS[c.region]["terms"],
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
                    "entity",
                    "discount_percent",
                    "discount_days",
                    "order_reference",
                ]
            )
            for i in self.invoices:
                w.writerow(
                    [
                        i.number,
                        i.customer_id,
                        i.issue.isoformat(),
                        i.due.isoformat(),
                        REGIONS[i.region]["cur"],
                        money(i.total),
                        i.sref or i.natref,  # the reference the biller prints: RF, else the national one
                        i.region,
                        i.disc_pct or "",
                        i.disc_days or "",
                        i.order_ref,
                    ]
                )

    def txdtls(self, t: Tx, cur: str, with_amount: bool) -> str:
        rng = self.rng
        s = [
            "<TxDtls><Refs>",
            f"<AcctSvcrRef>{t.ref}</AcctSvcrRef>",
            f"<EndToEndId>{'NOTPROVIDED' if rng.random() < 0.5 else 'E2E' + _d(rng, 12)}</EndToEndId></Refs>",
        ]
        if with_amount:
            s.append(f'<AmtDtls><TxAmt><Amt Ccy="{cur}">{money(t.amount)}</Amt></TxAmt></AmtDtls>')
        if t.payer_name or t.payer_iban or t.payer_other or t.ultimate:
            s.append("<RltdPties>")
            if t.payer_name:
                s.append(f"<Dbtr><Nm>{escape(t.payer_name)}</Nm></Dbtr>")
            if t.payer_iban:
                s.append(f"<DbtrAcct><Id><IBAN>{t.payer_iban}</IBAN></Id></DbtrAcct>")
            elif t.payer_other:
                s.append(
                    f"<DbtrAcct><Id><Othr><Id>{t.payer_other}</Id><SchmeNm><Prtry>SortCodeAccountNumber"
                    "</Prtry></SchmeNm></Othr></Id></DbtrAcct>"
                )
            if t.ultimate:
                s.append(f"<UltmtDbtr><Nm>{escape(t.ultimate)}</Nm></UltmtDbtr>")
            s.append("</RltdPties>")
        if t.ustrd or t.strd:
            s.append("<RmtInf>")
            s.extend(f"<Ustrd>{escape(u[:140])}</Ustrd>" for u in t.ustrd)
            for code, issr, ref in t.strd:
                tp = f"<Prtry>{code}</Prtry>" if code == "QRR" else f"<Cd>{code}</Cd>"
                iss = f"<Issr>{issr}</Issr>" if issr else ""
                s.append(
                    f"<Strd><CdtrRefInf><Tp><CdOrPrtry>{tp}</CdOrPrtry>{iss}</Tp><Ref>{ref}</Ref>"
                    "</CdtrRefInf></Strd>"
                )
            s.append("</RmtInf>")
        if t.rtr:
            s.append(f"<RtrInf><Rsn><Cd>{t.rtr}</Cd></Rsn></RtrInf>")
        s.append("</TxDtls>")
        return "".join(s)

    def entry(self, t: Tx, cur: str) -> str:
        dom, fam, sub = t.domain
        rvsl = "<RvslInd>true</RvslInd>" if t.rtr and self.rng.random() < 0.5 else ""
        s = (
            f'<Ntry><Amt Ccy="{cur}">{money(t.amount)}</Amt><CdtDbtInd>CRDT</CdtDbtInd>{rvsl}<Sts>BOOK</Sts>'
            f"<BookgDt><Dt>{t.value.isoformat()}</Dt></BookgDt><ValDt><Dt>{t.value.isoformat()}</Dt></ValDt>"
            f"<AcctSvcrRef>{t.ref}</AcctSvcrRef><BkTxCd><Domn><Cd>{dom}</Cd><Fmly><Cd>{fam}</Cd>"
            f"<SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls>{self.txdtls(t, cur, True)}</NtryDtls>"
        )
        if t.addtl:
            s += f"<AddtlNtryInf>{escape(t.addtl)}</AddtlNtryInf>"
        return s + "</Ntry>"

    def write_statements(self, out: Path) -> list[Path]:
        rng = self.rng
        files = []
        for k, (reg, cfg) in enumerate(REGIONS.items()):
            cur = cfg["cur"]
            txs = [t for t in self.txs if t.region == reg and not t.qr]
            opening = rng.randrange(10**6, 10**8)
            close = opening + sum(t.amount for t in txs)
            body = [
                '<?xml version="1.0" encoding="UTF-8"?>',
                '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">',
                f"<BkToCstmrStmt><GrpHdr><MsgId>RGN{reg.upper()}{rng.randrange(10**8)}</MsgId>"
                "<CreDtTm>2026-04-01T06:00:00</CreDtTm></GrpHdr>",
                f"<Stmt><Id>{reg.upper()}-2026-03</Id><ElctrncSeqNb>{30 + k}</ElctrncSeqNb>"
                "<CreDtTm>2026-04-01T06:00:00</CreDtTm><FrToDt><FrDtTm>2026-03-01T00:00:00</FrDtTm>"
                "<ToDtTm>2026-03-31T23:59:59</ToDtTm></FrToDt>"
                f"<Acct><Id><IBAN>{self.accounts[reg]}</IBAN></Id><Ccy>{cur}</Ccy></Acct>",
            ]
            for code, amt, d in (("OPBD", opening, "2026-02-28"), ("CLBD", close, "2026-03-31")):
                body.append(
                    f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="{cur}">{money(amt)}</Amt>'
                    f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{d}</Dt></Dt></Bal>"
                )
            body.extend(self.entry(t, cur) for t in txs)
            body.append("</Stmt></BkToCstmrStmt></Document>")
            p = out / f"statement-{reg}.camt053.xml"
            p.write_text("\n".join(body), encoding="utf-8")
            files.append(p)
        # Swiss QR-IBAN: QR-bill credits notified in camt.054, one collective entry per day
        qr = [t for t in self.txs if t.qr]
        by_day: dict[date, list[Tx]] = defaultdict(list)
        for t in qr:
            by_day[t.value].append(t)
        entries = []
        for d, g in sorted(by_day.items()):
            total = sum(t.amount for t in g)
            batch = (
                f'<Btch><NbOfTxs>{len(g)}</NbOfTxs><TtlAmt Ccy="CHF">{money(total)}</TtlAmt></Btch>'
                if len(g) > 1
                else ""
            )
            entries.append(
                f'<Ntry><Amt Ccy="CHF">{money(total)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
                f"<BookgDt><Dt>{d}</Dt></BookgDt><ValDt><Dt>{d}</Dt></ValDt><AcctSvcrRef>QRSAMMEL{d:%Y%m%d}</AcctSvcrRef>"
                "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>VCOM</SubFmlyCd></Fmly></Domn></BkTxCd>"
                f"<NtryDtls>{batch}{''.join(self.txdtls(t, 'CHF', True) for t in g)}</NtryDtls></Ntry>"
            )
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn>'
            f"<GrpHdr><MsgId>QRNTF{rng.randrange(10**8)}</MsgId><CreDtTm>2026-03-31T20:00:00</CreDtTm></GrpHdr>"
            "<Ntfctn><Id>QR-2026-03</Id><CreDtTm>2026-03-31T20:00:00</CreDtTm>"
            f"<Acct><Id><IBAN>{self.qr_iban}</IBAN></Id><Ccy>CHF</Ccy></Acct>{''.join(entries)}</Ntfctn>"
            "</BkToCstmrDbtCdtNtfctn></Document>\n"
        )
        p = out / "notification-ch-qr.camt054.xml"
        p.write_text(xml, encoding="utf-8")
        files.append(p)
        return files

    def write_truth(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(
                ["tx_ref", "invoice_number", "amount", "status", "kind", "confidence", "region", "scenario"]
            )
            for t in self.txs:
                if not t.truth:
                    w.writerow(
                        [t.ref, "", money(t.amount), "unmatched", "unrelated", "", t.region, t.scenario]
                    )
                    continue
                assert sum(a for _n, a, _k in t.truth) == t.amount, (t.scenario, t.truth, t.amount)
                for num, amt, kind in t.truth:
                    w.writerow(
                        [
                            t.ref,
                            num,
                            ("-" if amt < 0 else "") + money(amt),
                            "applied",
                            kind,
                            "1.00",
                            t.region,
                            t.scenario,
                        ]
                    )


# ----------------------------------------------------------------------------------------
# running the product
# ----------------------------------------------------------------------------------------


def run_product(
    gen: Generator, out: Path, exe: Path, files: list[Path]
) -> tuple[dict[str, float], list[dict[str, str]]]:
    home = Path(tempfile.mkdtemp(prefix="encaisse-rgn-"))
    steps = []
    for reg, cfg in REGIONS.items():
        init = [
            "init",
            "--code",
            reg,
            "--name",
            cfg["name"],
            "--country",
            cfg["country"],
            "--currency",
            cfg["cur"],
            "--iban",
            gen.accounts[reg],
            "--iban",
            gen.own2[reg],
        ]
        if reg == "ch":
            init += ["--iban", gen.qr_iban]
        steps.append((f"init-{reg}", init))
    steps += [
        ("import-customers", ["import-customers", str(out / "customers.csv")]),
        ("import-invoices", ["import-invoices", str(out / "invoices.csv")]),
    ]
    # `init --iban` does not register the account for statements (the import refuses it as "not registered
    # and there are several entities"): each region's files are imported with --entity
    for reg in REGIONS:
        mine = [str(f) for f in files if f.name.split(".")[0].split("-")[1] == reg]
        steps.append((f"import-statement-{reg}", ["import-statement", *mine, "--entity", reg]))
    steps += [
        ("match", ["match"]),
        ("export-allocations", ["export-allocations", "-o", str(out / "out.csv")]),
    ]
    timings, problems, results = run_steps(exe, steps, home)
    logs = [f"== {name} {step_log(p, tail=5000)}\n" for name, p in results.items()]
    (out / "product.log").write_text("".join(logs), encoding="utf-8")
    shutil.rmtree(home, ignore_errors=True)
    return timings, problems


# ----------------------------------------------------------------------------------------
# scoring
# ----------------------------------------------------------------------------------------


def fmt_rows(rows) -> str:
    return "; ".join(rows) if rows else "(absent)"


def score(gen: Generator, out: Path) -> dict[str, object]:
    prod = read_export(out / "out.csv")
    stats: dict[str, Counter[str]] = defaultdict(Counter)
    misses: list[list[str]] = []
    for t in gen.txs:
        rows = prod.get(t.ref, [])
        status, applied = outcome(rows)
        keys = [
            f"scen {t.scenario}",
            f"region {t.region}",
            f"rs {t.region} {t.scenario}",
            "ALL customer" if t.customer_payment else "ALL must-stay-unmatched",
        ]
        if t.customer_payment:
            keys.append(f"regcust {t.region}")
        else:
            keys.append(f"regnc {t.region}")
        for k in keys:
            stats[k]["n"] += 1
            stats[k][status] += 1
        truth = sorted(t.truth)
        issue = ""
        if t.customer_payment:
            if status == "applied":
                # envelope: same invoice rows, same Σ deductions per invoice, same Σ on account (a deduction
                # may be split, e.g. a discount per the terms and bank charges)
                ok = envelope(applied) == envelope(truth)
                tc = Counter((n, a, k) for n, a, k in truth if k == "invoice")
                ac = [(n, a, k) for n, a, k in applied if k == "invoice"]
                good = sum(min(c, tc[r]) for r, c in Counter(ac).items())
                for k in keys:
                    stats[k]["env_ok"] += ok
                    stats[k]["lines"] += len(ac)
                    stats[k]["lines_ok"] += good
                if not ok:
                    issue = "wrong"
            else:
                if status == "suggested":
                    sugg = {n for n, _a, _k, s2, _c in rows if s2 == "suggested" and n}
                    hit = {n for n, _a, k in truth if k == "invoice"} <= sugg
                    for k in keys:
                        stats[k]["sugg_hit"] += hit
                issue = f"not_applied:{status}"
        elif status == "applied":
            for k in keys:
                stats[k]["wrongly_applied"] += 1
            issue = "must_stay_unmatched_but_applied"
        if issue:
            truth_s = (
                "; ".join(f"{n or '-'}:{'-' if a < 0 else ''}{money(a)}:{k}" for n, a, k in t.truth)
                or "unmatched"
            )
            prod_s = fmt_rows(
                [f"{s}:{n or '-'}:{'-' if a < 0 else ''}{money(a)}:{k}:{c}" for n, a, k, s, c in rows]
            )
            misses.append(
                [
                    t.region,
                    t.scenario,
                    issue,
                    t.ref,
                    money(t.amount),
                    REGIONS[t.region]["cur"],
                    t.value.isoformat(),
                    t.payer_name,
                    t.payer_iban or t.payer_other,
                    "on file" if t.known else "not on file",
                    t.ultimate,
                    t.note,
                    t.remittance(),
                    truth_s,
                    prod_s,
                ]
            )
    with (out / "misses.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "region",
                "scenario",
                "issue",
                "tx_ref",
                "amount",
                "currency",
                "value_date",
                "payer_name",
                "payer_account",
                "payer_account_known",
                "ultimate_debtor",
                "note",
                "remittance",
                "truth_rows",
                "product_rows",
            ]
        )
        w.writerows(misses)
    return {"stats": {k: dict(v) for k, v in stats.items()}, "misses": len(misses), "product_refs": len(prod)}


def table_line(label: str, s: dict[str, int], nc: bool) -> str:
    n = s.get("n", 0)
    ap = s.get("applied", 0)
    if nc:
        return (
            f"{label:28} {n:5d} {'':>6} {'':>6} {'':>7} {pct(s.get('suggested', 0), n)} "
            f"{pct(s.get('unmatched', 0), n)} {s.get('missing', 0):4d} {'':>5} "
            f"{s.get('wrongly_applied', 0):4d} ({pct(s.get('wrongly_applied', 0), n).strip()}%)"
        )
    return (
        f"{label:28} {n:5d} {pct(ap, n)} {pct(s.get('env_ok', 0), ap)} "
        f"{pct(s.get('lines_ok', 0), s.get('lines', 0)):>7} {pct(s.get('suggested', 0), n)} "
        f"{pct(s.get('unmatched', 0), n)} {s.get('missing', 0):4d} {s.get('sugg_hit', 0):5d}"
    )


def print_table(result: dict[str, object]) -> str:
    stats: dict[str, dict[str, int]] = result["stats"]  # type: ignore[assignment]
    head = (
        f"{'':28} {'n':>5} {'auto%':>6} {'env.p%':>6} {'line.p%':>7} {'sugg%':>6} {'unm%':>6} {'miss':>4} "
        f"{'s.hit':>5} wrongAp"
    )
    lines = ["per region — customer payments", head]
    for reg in REGIONS:
        if f"regcust {reg}" in stats:
            lines.append(table_line(f"{reg} ({REGIONS[reg]['cur']})", stats[f"regcust {reg}"], False))
    lines += ["per region — non-customer credits (must stay unmatched)", head]
    for reg in REGIONS:
        if f"regnc {reg}" in stats:
            lines.append(table_line(f"{reg} ({REGIONS[reg]['cur']})", stats[f"regnc {reg}"], True))
    lines += ["per scenario", head]
    scen_order = [s for s, _ in PLAN if s != "duplicate"] + ["duplicate_first", "duplicate_second"]
    for s in scen_order:
        if f"scen {s}" in stats:
            lines.append(table_line(s, stats[f"scen {s}"], False))
    for s in NON_CUSTOMER:
        if f"scen {s}" in stats:
            lines.append(table_line(s, stats[f"scen {s}"], True))
    lines.append(table_line("ALL customer", stats.get("ALL customer", {}), False))
    lines.append(table_line("ALL must-stay-unmatched", stats.get("ALL must-stay-unmatched", {}), True))
    lines += [
        "",
        "per scenario and region: auto% right% n (right = applied and entirely right); non-customer: wrongly applied/n",
    ]
    regs = list(REGIONS)
    lines.append(f"{'':18}" + "".join(f"{r:>13}" for r in regs))
    for sc in scen_order + NON_CUSTOMER:
        cells = []
        for r in regs:
            st = stats.get(f"rs {r} {sc}", {})
            n = st.get("n", 0)
            if not n:
                cells.append(f"{'.':>13}")
            elif sc in NON_CUSTOMER:
                cells.append(f"{str(st.get('wrongly_applied', 0)) + '/' + str(n):>13}")
            else:
                cells.append(
                    f"{round(100 * st.get('applied', 0) / n):>5}{round(100 * st.get('env_ok', 0) / n):>4} {n:>3}"
                )
        lines.append(f"{sc:18}" + "".join(cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args, exe, out = check_arguments(__doc__, argv, payments=1500, prefix="blackbox-regions-")
    t0 = time.perf_counter()
    gen = Generator(args.payments, args.seed)
    gen.generate()
    assert all(iban_valid(i) for c in gen.customers.values() for i in c.ibans)
    assert all(iban_valid(i) for i in [*gen.accounts.values(), gen.qr_iban])
    for i in gen.invoices:
        if i.natref:
            assert Generator.ref_valid(i.natref, i.natkind), (i.natkind, i.natref)
        if i.sref:
            assert Generator.ref_valid(i.sref, "RF"), i.sref
    gen.write_customers(out / "customers.csv")
    gen.write_invoices(out / "invoices.csv")
    files = gen.write_statements(out)
    gen.write_truth(out / "truth.csv")
    sc = Counter(t.scenario for t in gen.txs)
    print(
        f"generated in {time.perf_counter() - t0:.1f}s: {len(gen.customers)} customers, {len(gen.invoices)} documents "
        f"({sum(not i.claimed for i in gen.invoices)} left open), {len(gen.txs)} credits "
        f"({sum(t.customer_payment for t in gen.txs)} customer payments), out={out}"
    )
    print("scenarios: " + ", ".join(f"{k} {v}" for k, v in sorted(sc.items())))
    redrawn = {k: v for k, v in gen.skipped.items() if k != "recurring_without_iban_given_one"}
    if redrawn:
        print(
            "scenarios drawn again (no fitting item in that region or date): "
            + ", ".join(f"{k} {v}" for k, v in redrawn.items())
        )
    if gen.skipped.get("recurring_without_iban_given_one"):
        print(
            f"recurring customers given an account on file: {gen.skipped['recurring_without_iban_given_one']}"
        )
    if args.generate_only:
        return 0
    timings, problems = run_product(gen, out, exe, files)
    result = score(gen, out)
    table = print_table(result)
    print(table)
    print("timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
    for p in problems:
        print(f"PROBLEM in {p['step']} (rc {p['rc']}): {p['stderr'][-1200:]}")
    (out / "report.json").write_text(
        json.dumps(
            {
                "seed": args.seed,
                "payments": args.payments,
                "timings": timings,
                "problems": problems,
                "scenarios": dict(sc),
                "fallbacks": dict(gen.skipped),
                **result,
            },
            indent=1,
            default=str,
        )
    )
    print(f"misses: {result['misses']} rows in {out / 'misses.csv'}")
    if not args.keep and args.out is None:
        shutil.rmtree(out, ignore_errors=True)
        print(f"{out} removed (pass --keep or --out DIR to keep the files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
