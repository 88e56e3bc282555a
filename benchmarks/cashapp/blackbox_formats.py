"""Second black-box check of Encaisse's cash application, through other bank formats.

What it is: an independent end-to-end check where the customer payments arrive in the statement
formats banks of several countries send besides camt.053 — SWIFT MT940 (German ``?20``–``?33``
subfields with SEPA keywords, Dutch ``/EREF/…/ORDP//NAME/…/REMI/USTD//…/`` codes and plain free
text, all wrapped at 65 characters), Belgian CODA (128-character records, structured
communication type 101 and free communication over records 2.1/2.2/2.3 and 3.x), ISO 20022
camt.054 notifications (``Strd/CdtrRefInf``, ``Strd/RfrdDocInf``, ``Ustrd``) and BAI2 (US, USD,
``16`` records with ``88`` continuations) — so that parsing and matching are judged together.
It was designed from the issue text, the user docs (docs/banking.md, docs/cli.md,
docs/cashapp.md) and the formats' public specifications, not from the product's code.

It generates customers, open invoices and statement files with the ground truth in the
``export-allocations`` format, drives the product through its command line on a fresh SQLite
workspace (``init``, ``import-customers``, ``import-invoices``, ``import-statement``, ``match``,
``export-allocations``) and scores the export per format and per scenario.

Run::

    .venv/bin/python benchmarks/cashapp/blackbox_formats.py [--payments 1500] [--seed 1] [--out DIR]

Writes the generated files, ``truth.csv``, ``out.csv``, ``misses.csv``, the command logs and
``report.json`` into ``--out`` (default: a new temporary directory, kept). Standard library and
NumPy only.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
import subprocess
import sys
import time
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from blackbox import iban_valid, make_iban, make_ogm, make_rf, pct, strip_accents
from blackbox_export import check_arguments, outcome, read_export, run_steps, step_log

PERIOD_START = date(2026, 3, 2)
PERIOD_END = date(2026, 3, 31)
BOOK_START = date(2025, 10, 1)
FORMATS = ("mt940_de", "mt940_nl", "mt940_txt", "coda", "camt054", "bai2")
FORMAT_WEIGHTS = (0.2, 0.16, 0.1, 0.2, 0.2, 0.14)
US_ACCOUNT = "4471029385"  # the entity's US operating account (BAI2)

# ----------------------------------------------------------------------------------------
# identifiers
# ----------------------------------------------------------------------------------------


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def random_iban(rng: random.Random, country: str) -> str:
    if country == "BE":
        first = digits(rng, 10)
        return make_iban("BE", f"{first}{int(first) % 97 or 97:02d}")
    if country == "FR":
        bank, branch, acct = digits(rng, 5), digits(rng, 5), digits(rng, 11)
        key = 97 - ((89 * int(bank) + 15 * int(branch) + 3 * int(acct)) % 97)
        return make_iban("FR", f"{bank}{branch}{acct}{key:02d}")
    if country == "DE":
        return make_iban("DE", digits(rng, 18))
    if country == "NL":
        return make_iban("NL", rng.choice(["ABNA", "RABO", "INGB", "SNSB", "TRIO"]) + digits(rng, 10))
    if country == "LU":
        return make_iban("LU", digits(rng, 16))
    if country == "GB":
        return make_iban("GB", rng.choice(["NWBK", "BARC", "HBUK"]) + digits(rng, 14))
    raise ValueError(country)


def one_edit(a: str, b: str) -> bool:
    """True when b is a (with one substitution, transposition, deletion or insertion) or equal."""
    if a == b:
        return True
    if len(a) == len(b):
        diff = [k for k in range(len(a)) if a[k] != b[k]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if abs(len(a) - len(b)) != 1:
        return False
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:k] + long_[k + 1 :] == short for k in range(len(long_)))


def money(cents: int, style: str = "dot") -> str:
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    if style == "comma":
        return f"{sign}{whole},{frac:02d}"
    if style == "eu":
        return sign + f"{whole:,}".replace(",", ".") + f",{frac:02d}"
    if style == "us":
        return f"{sign}{whole:,}.{frac:02d}"
    return f"{sign}{whole}.{frac:02d}"


# ----------------------------------------------------------------------------------------
# model
# ----------------------------------------------------------------------------------------


@dataclass
class Customer:
    id: str
    name: str
    base: str
    form: str
    country: str
    city: str
    lang: str
    currency: str
    ibans: list[str]
    sref: str = ""  # RF / OGM / ""
    parent_id: str = ""
    recurring: bool = False


@dataclass
class Invoice:
    number: str
    cust: str
    issue: date
    due: date
    currency: str
    total: int
    seq: int
    sref: str = ""
    disc_pct: int = 0
    disc_days: int = 0
    claimed: bool = False
    batch: int = -1


@dataclass
class Tx:
    fmt: str
    scenario: str
    amount: int
    currency: str
    value: date
    payer_name: str = ""
    payer_iban: str = ""
    text: str = ""
    strd: list[tuple[str, str]] = field(default_factory=list)  # (RF|OGM, ref)
    rdi: list[tuple[str, int]] = field(default_factory=list)  # (document number, amount)
    truth: list[tuple[str, int, str]] = field(default_factory=list)
    customer_payment: bool = True
    nature: str = "transfer"  # transfer interest card return tax intragroup refund
    ref: str = ""
    e2e: str = ""
    debit: bool = False
    raw: str = ""  # the remittance as the file carries it
    kref: str = ""  # German KREF+ (the payer's own reference)
    pref: str = ""  # the tx_ref the product exports, where it differs from the file's bank reference


SURNAMES = {
    "fr": [
        "Dubois",
        "Lambert",
        "Lefèvre",
        "Moreau",
        "Girard",
        "Fontaine",
        "Rousseau",
        "Mercier",
        "Bérenger",
        "Gauthier",
        "Noël",
        "Leclercq",
        "Delvaux",
        "Piret",
        "Renard",
        "Hénin",
        "Thiry",
        "Gérard",
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
        "Verstraete",
        "Vermeulen",
        "De Vos",
        "Mertens",
        "Van Damme",
        "Bakker",
        "Visser",
        "De Jong",
        "Hendriks",
        "Dekker",
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
        "Prescott",
        "Thornbury",
        "McAllister",
        "O'Brien",
    ],
}
ACTIVITY = {
    "fr": ["Bâtiment", "Logistique", "Transports", "Menuiserie", "Électricité", "Distribution", "Imprimerie"],
    "nl": ["Bouw", "Logistiek", "Transport", "Schrijnwerkerij", "Elektro", "Distributie", "Installaties"],
    "de": ["Bau", "Logistik", "Spedition", "Holzbau", "Elektrotechnik", "Handel", "Maschinenbau"],
    "en": ["Logistics", "Engineering", "Supplies", "Foods", "Systems", "Industries", "Distribution"],
}
FORMS = {
    "BE": ["SA", "SRL", "NV", "BV"],
    "FR": ["SAS", "SARL", "SA"],
    "DE": ["GmbH", "AG", "GmbH & Co. KG"],
    "NL": ["B.V.", "N.V."],
    "LU": ["S.à r.l.", "S.A."],
    "US": ["Inc.", "LLC", "Corp."],
}
FORM_ALT = {
    "SA": ["S.A.", "SA/NV", ""],
    "SRL": ["S.R.L.", "BV/SRL", ""],
    "NV": ["N.V.", "NV/SA", ""],
    "BV": ["B.V.", "BVBA", ""],
    "SAS": ["S.A.S.", ""],
    "SARL": ["S.A.R.L.", "Sàrl", ""],
    "GmbH": ["GMBH", "G.m.b.H.", ""],
    "AG": ["A.G.", ""],
    "GmbH & Co. KG": ["GmbH u. Co. KG", "GMBH+CO.KG", ""],
    "B.V.": ["BV", ""],
    "N.V.": ["NV", ""],
    "S.à r.l.": ["SARL", ""],
    "S.A.": ["SA", ""],
    "Inc.": ["INC", "Incorporated", ""],
    "LLC": ["L.L.C.", ""],
    "Corp.": ["CORPORATION", "CORP", ""],
}
CITIES = {
    "BE": ["Bruxelles", "Antwerpen", "Gent", "Liège", "Namur", "Leuven", "Wavre", "Kortrijk"],
    "FR": ["Paris", "Lille", "Lyon", "Reims", "Metz"],
    "DE": ["Köln", "Aachen", "Düsseldorf", "München", "Trier"],
    "NL": ["Rotterdam", "Eindhoven", "Maastricht", "Utrecht", "Breda"],
    "LU": ["Luxembourg", "Esch-sur-Alzette"],
    "US": ["Chicago", "Boston", "Atlanta", "Denver", "Columbus"],
}
LANG = {"BE": ["fr", "nl"], "FR": ["fr"], "DE": ["de"], "NL": ["nl"], "LU": ["fr", "de"], "US": ["en"]}
INV_WORDS = {
    "fr": ["Facture", "Fact.", "FACT", "Facture n°", "Fac"],
    "nl": ["Factuur", "Factuurnr", "Fact nr.", "factuur"],
    "de": ["Rechnung", "Rechnung Nr.", "RE", "Re-Nr.", "Rechnungsnr"],
    "en": ["Inv", "Invoice #", "INV NO", "Invoice"],
}
PAY_WORDS = {
    "fr": ["Paiement", "Règlement", "Virement"],
    "nl": ["Betaling", "Onze betaling", "Overschrijving"],
    "de": ["Zahlung", "Ausgleich", "Überweisung"],
    "en": ["Payment", "Remittance", "Settlement"],
}
FACTORS = [
    ("Eurofactor SA", "FR"),
    ("BNP Paribas Factor", "FR"),
    ("Coface Finanz GmbH", "DE"),
    ("ING Commercial Finance BV", "NL"),
    ("Belfius Commercial Finance", "BE"),
]

CUSTOMER_SCEN: dict[str, float] = {
    "ref_exact": 12,
    "ref_variant": 14,
    "rf_strd": 5,
    "rf_typed": 3,
    "ogm_strd": 6,
    "ogm_typed": 3,
    "rdi": 4,
    "multi_list": 5,
    "multi_range": 2,
    "multi_noref": 2.5,
    "single_noref": 5,
    "fifo": 3,
    "typo": 2,
    "partial": 2.5,
    "bank_charges": 3,
    "discount": 3,
    "deduction": 2.5,
    "overpayment": 2,
    "duplicate": 2,
    "parent_pays": 2.5,
    "factoring": 2.5,
    "new_iban_name": 3,
}
NC_SCEN: dict[str, float] = {
    "nc_interest": 1.2,
    "nc_card": 2.0,
    "nc_supplier_refund": 1.2,
    "nc_tax_refund": 0.8,
    "nc_intragroup": 0.8,
    "nc_return": 0.8,
}
ONLY = {
    "rf_strd": {"camt054"},
    "ogm_strd": {"coda", "camt054"},
    "rdi": {"camt054"},
    "ogm_typed": {"coda", "camt054", "mt940_txt", "mt940_nl"},
    "rf_typed": {"mt940_de", "mt940_nl", "mt940_txt", "coda"},
}
NOT_BAI2 = {
    "rf_strd",
    "rf_typed",
    "ogm_strd",
    "ogm_typed",
    "rdi",
    "nc_intragroup",
    "factoring",
    "parent_pays",
}


class Gen:
    def __init__(self, n: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.np = np.random.default_rng(seed)
        self.n = n
        self.customers: list[Customer] = []
        self.by_id: dict[str, Customer] = {}
        self.invoices: list[Invoice] = []
        self.inv_by_cust: dict[str, list[Invoice]] = defaultdict(list)
        self.txs: list[Tx] = []
        self.used_ibans: set[str] = set()
        self.entity = {
            "coda": random_iban(self.rng, "BE"),
            "camt054": random_iban(self.rng, "FR"),
            "mt940_de": random_iban(self.rng, "DE"),
            "mt940_nl": random_iban(self.rng, "NL"),
            "mt940_txt": random_iban(self.rng, "LU"),
            "bai2": US_ACCOUNT,
        }
        self.group_iban = random_iban(self.rng, "LU")  # the holding's account (intra-group)
        self.factor_ibans = {f: random_iban(self.rng, c) for f, c in FACTORS}
        self.fifo_used: set[str] = set()
        self.refn = 0

    # -- master data ---------------------------------------------------------------------
    def new_iban(self, country: str) -> str:
        while True:
            i = random_iban(self.rng, "BE" if country == "US" else country)
            if i not in self.used_ibans:
                self.used_ibans.add(i)
                return i

    def gen_customers(self, total: int = 300) -> None:
        rng = self.rng
        countries = ["BE"] * 30 + ["NL"] * 18 + ["DE"] * 20 + ["FR"] * 12 + ["LU"] * 5 + ["US"] * 15
        names: set[str] = set()
        for k in range(total):
            country = rng.choice(countries)
            lang = rng.choice(LANG[country])
            while True:
                sur = rng.choice(SURNAMES[lang])
                style = rng.random()
                if style < 0.4:
                    base = f"{sur} {rng.choice(ACTIVITY[lang])}"
                elif style < 0.6:
                    base = f"{rng.choice(ACTIVITY[lang])} {sur}"
                elif style < 0.8:
                    base = f"{sur} & {rng.choice(SURNAMES[lang])}"
                else:
                    base = f"{sur} {rng.choice(ACTIVITY[lang])} {rng.choice(CITIES[country])}"
                if base not in names:
                    names.add(base)
                    break
            form = rng.choice(FORMS[country])
            cid = f"K{10000 + k * 7}"
            usd = country == "US"
            ibans = [] if usd else [self.new_iban(country) for _ in range(rng.choice([1, 1, 1, 2]))]
            sref = ""
            if country == "BE" and rng.random() < 0.55:
                sref = "OGM"
            elif country in ("NL", "DE", "FR", "LU") and rng.random() < 0.35:
                sref = "RF"
            c = Customer(
                cid,
                f"{base} {form}",
                base,
                form,
                country,
                rng.choice(CITIES[country]),
                lang,
                "USD" if usd else "EUR",
                ibans,
                sref,
                recurring=rng.random() < 0.15,
            )
            self.customers.append(c)
            self.by_id[cid] = c
        # parents: a few groups (parent is a customer too, same currency)
        eur = [c for c in self.customers if c.currency == "EUR"]
        for _ in range(12):
            p = rng.choice(eur)
            for ch in rng.sample(eur, 3):
                if ch is not p and not ch.parent_id and not p.parent_id:
                    ch.parent_id = p.id

    def gen_invoices(self) -> None:
        rng = self.rng
        target = self.n * 5
        weights = np.array([rng.paretovariate(1.3) for _ in self.customers])
        weights /= weights.sum()
        span = (date(2026, 3, 27) - BOOK_START).days
        seq = 1200
        batch = 0
        while len(self.invoices) < target:
            c = self.customers[int(self.np.choice(len(self.customers), p=weights))]
            issue = BOOK_START + timedelta(days=int(rng.random() ** 0.7 * span))
            k = 1 if rng.random() < 0.8 else rng.randint(2, 4)
            base_amt = self.amount()
            batch += 1
            for j in range(k):
                seq += 1
                if c.recurring and rng.random() < 0.7:
                    total = 10000 * (1 + (int(c.id[1:]) % 9)) + 4500  # a fixed monthly fee
                else:
                    total = base_amt if j == 0 else self.amount()
                if c.currency == "USD":
                    number = f"VK{issue.year % 100:02d}-{seq:05d}"
                else:
                    number = f"VK{issue.year % 100:02d}-{seq:05d}"
                terms = rng.choice([30, 30, 45, 60])
                sref = ""
                if c.sref == "OGM":
                    sref = make_ogm(rng.randint(10**8, 10**10 - 1))
                elif c.sref == "RF":
                    sref = make_rf(f"{issue.year % 100:02d}{seq:05d}{rng.randint(100, 999)}")
                disc = rng.random() < 0.12
                inv = Invoice(
                    number,
                    c.id,
                    issue,
                    issue + timedelta(days=terms),
                    c.currency,
                    total,
                    seq,
                    sref,
                    2 if disc else 0,
                    10 if disc else 0,
                    batch=batch if k > 1 else -1,
                )
                self.invoices.append(inv)
                self.inv_by_cust[c.id].append(inv)
        for lst in self.inv_by_cust.values():
            lst.sort(key=lambda i: (i.due, i.issue, i.number))

    def amount(self) -> int:
        a = float(self.np.lognormal(6.6, 1.1))
        a = min(max(a, 35.0), 60000.0)
        if self.rng.random() < 0.3:
            return int(round(a, -1) * 100)
        return int(a * 100)

    # -- helpers ---------------------------------------------------------------------------
    def open_of(self, cid: str, value: date) -> list[Invoice]:
        return [i for i in self.inv_by_cust[cid] if not i.claimed and i.issue <= value - timedelta(days=2)]

    def issued_by(self, cid: str, value: date) -> list[Invoice]:
        """All the customer's items the product can see on the value date, whoever pays them (booking
        order between files is not ours to decide, so amount-only truths must not depend on it)."""
        return [i for i in self.inv_by_cust[cid] if i.issue <= value]

    def payer(self, tx: Tx, c: Customer, known: bool = True) -> None:
        rng = self.rng
        r = rng.random()
        name = c.name
        if r < 0.25:
            name = name.upper()
        elif r < 0.4:
            name = strip_accents(name).upper()
        elif r < 0.55:
            name = f"{c.base} {rng.choice(FORM_ALT.get(c.form, ['']))}".strip()
        elif r < 0.65:
            name = f"{c.name} {c.city}".upper()
        tx.payer_name = name
        if c.currency == "USD":
            tx.payer_iban = ""
        elif known and c.ibans:
            tx.payer_iban = rng.choice(c.ibans)
        else:
            tx.payer_iban = self.new_iban(c.country if c.country != "US" else "BE")

    def write_num(self, inv: Invoice, lang: str, style: str | None = None) -> str:
        """The invoice number the way a customer types it."""
        rng = self.rng
        yy = f"{inv.issue.year % 100:02d}"
        s5 = f"{inv.seq:05d}"
        style = (
            style
            or rng.choices(
                [
                    "exact",
                    "compact",
                    "space",
                    "slash",
                    "noyear",
                    "nozero",
                    "prefix_word",
                    "glued",
                    "lower",
                    "yy4",
                ],
                [10, 10, 6, 6, 8, 6, 12, 4, 4, 3],
            )[0]
        )
        word = rng.choice(INV_WORDS[lang])
        return {
            "exact": inv.number,
            "compact": f"VK{yy}{s5}",
            "space": f"VK {yy} {s5}",
            "slash": f"VK{yy}/{s5}",
            "noyear": f"{word} {s5}",
            "nozero": f"{word} {inv.seq}",
            "prefix_word": f"{word} {inv.number}",
            "glued": f"{word.replace(' ', '')}{inv.number}",
            "lower": inv.number.lower(),
            "yy4": f"VK-20{yy}-{s5}",
        }[style]

    def sentence(self, lang: str, refs: list[str]) -> str:
        rng = self.rng
        joined = (
            refs[0]
            if len(refs) == 1
            else ", ".join(refs[:-1]) + rng.choice([" & ", " + ", ", ", " en ", " und "]) + refs[-1]
        )
        r = rng.random()
        if r < 0.4:
            return joined
        if r < 0.75:
            return f"{rng.choice(PAY_WORDS[lang])} {joined}"
        return f"{joined} {rng.choice(['Kd-Nr. 4471', 'Klantnr 20931', 'N° client 3312', 'Customer 5590', 'merci', 'dank u', 'MfG'])}"

    def value_date(self) -> date:
        while True:
            d = PERIOD_START + timedelta(days=self.rng.randint(0, (PERIOD_END - PERIOD_START).days))
            if d.weekday() < 5:
                return d

    def pick_customer(self, currency: str, need: str = "") -> Customer:
        pool = [c for c in self.customers if c.currency == currency and (not need or c.sref == need)]
        return self.rng.choice(pool)

    # -- scenarios -------------------------------------------------------------------------
    def make(self, fmt: str, scen: str) -> list[Tx]:
        if scen.startswith("nc_"):
            return self.non_customer(fmt, scen)
        rng = self.rng
        cur = "USD" if fmt == "bai2" else "EUR"
        need = {"rf_strd": "RF", "rf_typed": "RF", "ogm_strd": "OGM", "ogm_typed": "OGM"}.get(scen, "")
        for _attempt in range(40):
            c = self.pick_customer(cur, need)
            value = self.value_date()
            opens = self.open_of(c.id, value)
            if not opens:
                continue
            tx = Tx(fmt, scen, 0, cur, value)
            self.payer(tx, c, known=scen not in ("new_iban_name",))
            lang = c.lang
            if scen in ("multi_list", "multi_noref"):
                k = rng.randint(2, 4)
                if len(opens) < k:
                    continue
                invs = opens[:k] if scen == "multi_noref" else rng.sample(opens, k)
                if scen == "multi_noref":
                    oldest = self.issued_by(c.id, value)[:k]  # the k oldest, none paid by another payment
                    if oldest != invs or len({i.total for i in invs}) < k:
                        continue
                refs = [self.write_num(invs[0], lang)] + [
                    rng.choice([i.number, f"{i.seq:05d}", str(i.seq)]) for i in invs[1:]
                ]
                tx.text = (
                    self.sentence(lang, refs)
                    if scen == "multi_list"
                    else rng.choice(
                        ["", rng.choice(PAY_WORDS[lang]), f"{rng.choice(PAY_WORDS[lang])} {value:%m/%Y}"]
                    )
                )
                self.settle(tx, invs)
                return [tx]
            if scen == "multi_range":
                batches = defaultdict(list)
                for i in opens:
                    if i.batch > 0:
                        batches[i.batch].append(i)
                full = [b for b in batches.values() if len(b) >= 2]
                if not full:
                    continue
                invs = sorted(rng.choice(full), key=lambda i: i.seq)
                a, b = invs[0], invs[-1]
                tx.text = rng.choice(
                    [
                        f"{a.number}/{str(b.seq)[-2:]}",
                        f"{a.number} - {b.number}",
                        f"{rng.choice(INV_WORDS[lang])} {a.seq} t/m {b.seq}",
                        f"{a.number} bis {b.seq:05d}",
                    ]
                )
                self.settle(tx, invs)
                return [tx]
            if scen == "fifo":
                if c.id in self.fifo_used:
                    continue
                groups = defaultdict(list)
                for i in self.issued_by(c.id, value):
                    groups[i.total].append(i)
                eq = [g for g in groups.values() if len(g) >= 2 and not any(i.claimed for i in g)]
                if not eq:
                    continue
                g = eq[0]
                self.fifo_used.add(c.id)
                for i in g[1:]:
                    i.claimed = True  # keep the rest of the equal items out of other scenarios
                tx.text = rng.choice(
                    ["", f"{rng.choice(PAY_WORDS[lang])} {value:%B %Y}", "Monthly fee", "Abonnement"]
                )
                self.settle(tx, [g[0]])
                return [tx]
            if scen == "single_noref":
                amounts = Counter(i.total for i in self.issued_by(c.id, value))
                cands = [i for i in opens if amounts[i.total] == 1]
                if not cands:
                    continue
                inv = rng.choice(cands)
                tx.text = rng.choice(
                    [
                        "",
                        rng.choice(PAY_WORDS[lang]),
                        f"/REF {digits(rng, 8)}",
                        f"{rng.choice(PAY_WORDS[lang])} {digits(rng, 6)}",
                    ]
                )
                self.settle(tx, [inv])
                return [tx]
            if scen in ("rf_strd", "rf_typed", "ogm_strd", "ogm_typed"):
                cands = [i for i in opens if i.sref]
                if not cands:
                    continue
                inv = rng.choice(cands)
                if scen == "rf_strd":
                    tx.strd = [("RF", inv.sref)]
                elif scen == "ogm_strd":
                    tx.strd = [("OGM", inv.sref)]
                elif scen == "rf_typed":
                    r = inv.sref
                    tx.text = rng.choice([r, " ".join(r[i : i + 4] for i in range(0, len(r), 4)), f"Ref {r}"])
                else:
                    o = inv.sref
                    tx.text = rng.choice(
                        [
                            f"+++{o[:3]}/{o[3:7]}/{o[7:]}+++",
                            f"{o[:3]}/{o[3:7]}/{o[7:]}",
                            o,
                            f"***{o[:3]}/{o[3:7]}/{o[7:]}***",
                        ]
                    )
                self.settle(tx, [inv])
                return [tx]
            if scen == "rdi":
                k = rng.choice([1, 1, 2, 3])
                if len(opens) < k:
                    continue
                invs = rng.sample(opens, k)
                tx.rdi = [
                    (rng.choice([i.number, i.number, f"VK{i.number[2:4]}{i.seq:05d}"]), i.total) for i in invs
                ]
                tx.text = rng.choice(["", "", "Payment advice"])
                self.settle(tx, invs)
                return [tx]
            if scen == "parent_pays":
                if not c.parent_id:
                    continue
                p = self.by_id[c.parent_id]
                self.payer(tx, p)
                inv = rng.choice(opens)
                tx.text = f"{self.write_num(inv, lang, rng.choice(['exact', 'prefix_word', 'compact']))} {c.base[:20]}"
                self.settle(tx, [inv])
                return [tx]
            if scen == "factoring":
                f, _cc = rng.choice(FACTORS)
                tx.payer_name = f.upper() if rng.random() < 0.5 else f
                tx.payer_iban = self.factor_ibans[f]
                inv = rng.choice(opens)
                tx.text = rng.choice(
                    [
                        f"{inv.number} {c.name}",
                        f"Debiteur {c.base} Fact {inv.number}",
                        f"Cession {c.base[:18]} {inv.number}",
                    ]
                )
                self.settle(tx, [inv])
                return [tx]
            if scen == "typo":
                inv = rng.choice(opens)
                s = list(f"{inv.seq:05d}")
                pos = rng.randint(1, 4)
                op = rng.random()
                if op < 0.5:
                    s[pos] = str((int(s[pos]) + rng.randint(1, 8)) % 10)
                elif op < 0.8 and pos < 4 and s[pos] != s[pos + 1]:
                    s[pos], s[pos + 1] = s[pos + 1], s[pos]
                else:
                    del s[pos]
                wrong = "".join(s)
                tx.text = f"{rng.choice(INV_WORDS[lang])} VK{inv.number[2:4]}-{wrong}"
                if any(i.number.endswith(wrong) for i in self.invoices):
                    continue
                near = [i for i in self.inv_by_cust[c.id] if one_edit(f"{i.seq:05d}", wrong)]
                if near != [inv]:  # "VK26-0453" is one edit from both 04530 and 04531: ambiguous
                    continue
                self.settle(tx, [inv])
                return [tx]
            # single invoice with a reference: exact / variant / amount twists
            inv = rng.choice(opens)
            style = "exact" if scen == "ref_exact" else None
            ref = self.write_num(inv, lang, style)
            if scen == "ref_exact" and rng.random() < 0.4:
                ref = f"{rng.choice(INV_WORDS[lang])} {inv.number}"
            tx.text = self.sentence(lang, [ref])
            T = inv.total
            if scen == "partial":
                amt = int(T * rng.uniform(0.25, 0.75))
                if amt < 2000:
                    continue
                word = {
                    "fr": "acompte",
                    "nl": "gedeeltelijke betaling",
                    "de": "Teilzahlung",
                    "en": "partial payment",
                }[lang]
                tx.text = f"{word} {ref}"
                tx.amount = amt
                tx.truth = [(inv.number, amt, "invoice")]
            elif scen == "bank_charges":
                fee = rng.choice([50, 100, 150, 250, 500] if cur == "EUR" else [100, 150, 250, 500])
                if fee * 20 > T:
                    continue
                tx.amount = T - fee
                tx.truth = [(inv.number, T, "invoice"), (inv.number, -fee, "deduction")]
            elif scen == "discount":
                dcands = [i for i in opens if i.disc_pct and 0 <= (value - i.issue).days <= i.disc_days]
                if not dcands:
                    continue
                inv = rng.choice(dcands)
                T = inv.total
                ref = self.write_num(inv, lang)
                d = (T * inv.disc_pct + 50) // 100
                tx.text = self.sentence(lang, [ref]) + rng.choice(
                    [
                        "",
                        f" abzgl. {inv.disc_pct}% Skonto",
                        f" -{inv.disc_pct}% escompte",
                        f" less {inv.disc_pct}% discount",
                        f" {inv.disc_pct}% korting",
                    ]
                )
                tx.amount = T - d
                tx.truth = [(inv.number, T, "invoice"), (inv.number, -d, "deduction")]
            elif scen == "deduction":
                d = max(1000, int(T * rng.uniform(0.03, 0.15)) // 100 * 100)
                if d * 3 >= T:
                    continue
                a = money(d, "eu" if lang != "en" else "us")
                reason = rng.choice(
                    {
                        "fr": [
                            f"moins {a} marchandise endommagée",
                            f"retenue {a} différence de prix",
                            f"déduction {a} avoir attendu",
                        ],
                        "nl": [
                            f"min {a} beschadigde goederen",
                            f"minus {a} prijsverschil",
                            f"-{a} creditnota te ontvangen",
                        ],
                        "de": [
                            f"abzgl. {a} Transportschaden",
                            f"Kürzung {a} Preisdifferenz",
                            f"minus {a} Gutschrift erwartet",
                        ],
                        "en": [
                            f"less {a} damaged goods",
                            f"short paid {a} pricing difference",
                            f"deducted {a} disputed line",
                        ],
                    }[lang]
                )
                tx.text = f"{ref} {reason}"
                tx.amount = T - d
                tx.truth = [(inv.number, T, "invoice"), (inv.number, -d, "deduction")]
            elif scen == "overpayment":
                extra = rng.choice([1000, 2500, 5000, 10000, 12345])
                tx.amount = T + extra
                tx.truth = [(inv.number, T, "invoice"), ("", extra, "on_account")]
            else:  # ref_exact, ref_variant, new_iban_name, duplicate (first payment)
                tx.amount = T
                tx.truth = [(inv.number, T, "invoice")]
            inv.claimed = True
            if scen == "duplicate":
                if value > PERIOD_END - timedelta(days=4):
                    inv.claimed = False
                    continue
                first = Tx(**{**tx.__dict__, "truth": list(tx.truth), "scenario": "duplicate_first"})
                second = Tx(**{**tx.__dict__, "truth": [("", T, "on_account")], "scenario": "duplicate"})
                second.value = value + timedelta(days=rng.randint(1, 4))
                while second.value.weekday() >= 5:
                    second.value += timedelta(days=1)
                if second.value > PERIOD_END:
                    inv.claimed = False
                    continue
                return [first, second]
            return [tx]
        return []

    def settle(self, tx: Tx, invs: list[Invoice]) -> None:
        tx.amount = sum(i.total for i in invs)
        tx.truth = [(i.number, i.total, "invoice") for i in invs]
        for i in invs:
            i.claimed = True

    def non_customer(self, fmt: str, scen: str) -> list[Tx]:
        rng = self.rng
        cur = "USD" if fmt == "bai2" else "EUR"
        value = self.value_date()
        tx = Tx(fmt, scen, 0, cur, value, customer_payment=False)
        # an open invoice whose number / amount a non-customer text may echo
        decoy = rng.choice([i for i in self.invoices if i.currency == cur])
        if scen == "nc_interest":
            tx.nature = "interest"
            tx.amount = rng.randint(200, 90000)
            tx.payer_name = "" if rng.random() < 0.5 else "BANK"
            tx.text = rng.choice(
                [
                    f"ZINSEN {value:%m/%Y} KTO {digits(rng, 10)}",
                    f"Intérêts créditeurs Q1 {value.year}",
                    f"CREDITRENTE PERIODE 01-01-{value.year} T/M 31-03-{value.year}",
                    f"INTEREST CREDIT {value:%m%d%y} ACCT {US_ACCOUNT[-4:]}",
                ]
            )
        elif scen == "nc_card":
            tx.nature = "card"
            acq = rng.choice(
                ["WORLDLINE SA", "ADYEN N.V.", "STRIPE PAYMENTS EUROPE", "PAYONE GMBH", "AMERICAN EXPRESS"]
            )
            tx.payer_name = acq
            tx.payer_iban = "" if cur == "USD" else self.factor_ibans.get(acq, random_iban(rng, "NL"))
            tx.amount = decoy.total if rng.random() < 0.3 else rng.randint(5000, 900000)
            tx.text = rng.choice(
                [
                    f"SETTLEMENT {value:%Y%m%d} MID {digits(rng, 8)} BATCH {decoy.seq:05d}",
                    f"Uitbetaling {digits(rng, 7)} TERM {digits(rng, 6)} {value:%d-%m-%Y}",
                    f"PAYOUT po_{digits(rng, 12)} {value:%d.%m.%Y}",
                    f"AMEX EPAYMENT ACH PMT {digits(rng, 9)} SETTLE",
                ]
            )
        elif scen == "nc_supplier_refund":
            tx.nature = "refund"
            tx.payer_name = rng.choice(
                ["OFFICE DEPOT", "Lyreco Belgium SA", "Würth GmbH", "Staples Inc.", "Manutan BV"]
            )
            tx.payer_iban = "" if cur == "USD" else random_iban(rng, rng.choice(["BE", "DE", "NL"]))
            tx.amount = rng.randint(1500, 60000)
            tx.text = rng.choice(
                [
                    f"Gutschrift zu Rechnung {decoy.seq:05d} Rückerstattung",
                    f"Remboursement avoir {decoy.seq}",
                    f"Creditnota {decoy.number} terugbetaling",
                    f"REFUND CREDIT MEMO {decoy.seq} OVERCHARGE",
                ]
            )
        elif scen == "nc_tax_refund":
            tx.nature = "tax"
            tx.payer_name = rng.choice(
                ["SPF FINANCES - TVA", "FINANZAMT KOELN-ALTSTADT", "BELASTINGDIENST", "IRS TREAS 310"]
            )
            tx.payer_iban = "" if cur == "USD" else random_iban(rng, "BE")
            tx.amount = decoy.total if rng.random() < 0.3 else rng.randint(10000, 2000000)
            tx.text = rng.choice(
                [
                    f"REMBOURSEMENT TVA {value.year - 1} REF {digits(rng, 12)}",
                    f"Erstattung USt {value.year - 1} StNr 214/{decoy.seq:05d}",
                    f"TERUGGAAF OMZETBELASTING {digits(rng, 9)}B01",
                    "TAX REF",
                ]
            )
        elif scen == "nc_intragroup":
            tx.nature = "intragroup"
            tx.payer_name = "ENCAISSE HOLDING SA"
            tx.payer_iban = self.group_iban
            tx.amount = rng.randint(1000000, 5000000)
            tx.text = rng.choice(
                ["Cash pooling", f"Intercompany loan {decoy.number}", "Concentration tresorerie"]
            )
        else:  # nc_return: our own outgoing payment comes back
            tx.nature = "return"
            tx.payer_name = rng.choice(
                ["Transports Lemaire SA", "Hoffmann Logistik GmbH", "Visser Bouw BV", "ACME Supply Co"]
            )
            tx.payer_iban = "" if cur == "USD" else random_iban(rng, "BE")
            tx.amount = decoy.total if rng.random() < 0.4 else rng.randint(5000, 500000)
            tx.text = rng.choice(
                [
                    f"RETOURE AC04 Konto erloschen {decoy.number}",
                    f"RETOUR /RTRN/MD07/ {decoy.seq}",
                    f"Retour virement compte clôturé {decoy.number}",
                    f"ACH RETURN R03 NO ACCOUNT {decoy.seq}",
                ]
            )
        tx.truth = []
        return [tx]

    def generate(self) -> None:
        self.gen_customers()
        self.gen_invoices()
        rng = self.rng
        while sum(1 for t in self.txs if not t.debit) < self.n:
            fmt = rng.choices(FORMATS, FORMAT_WEIGHTS)[0]
            scen = rng.choices(
                list(CUSTOMER_SCEN) + list(NC_SCEN), [*CUSTOMER_SCEN.values(), *NC_SCEN.values()]
            )[0]
            if scen in ONLY and fmt not in ONLY[scen]:
                continue
            if fmt == "bai2" and scen in NOT_BAI2:
                continue
            self.txs.extend(self.make(fmt, scen))
        # a few debits so that the statements look like statements
        for fmt in FORMATS:
            for _ in range(6):
                self.txs.append(
                    Tx(
                        fmt,
                        "debit",
                        rng.randint(5000, 400000),
                        "USD" if fmt == "bai2" else "EUR",
                        self.value_date(),
                        payer_name="SUPPLIER PAYMENT",
                        text="Supplier run",
                        customer_payment=False,
                        debit=True,
                        payer_iban="" if fmt == "bai2" else random_iban(rng, "BE"),
                    )
                )
        self.txs.sort(key=lambda t: (t.value, t.fmt))
        for t in self.txs:
            self.refn += 1
            t.e2e = f"E2E{self.refn:07d}" if rng.random() < 0.5 else "NOTPROVIDED"
            t.ref = {
                "mt940_de": f"{t.value:%y%m%d}{self.refn:07d}",
                "mt940_nl": f"NL{self.refn:08d}",
                "mt940_txt": f"LU{t.value:%m%d}{self.refn:06d}",
                "coda": f"{t.value:%y%m%d}CD{self.refn:06d}",
                "camt054": f"FR54{t.value:%m%d}{self.refn:07d}",
                "bai2": f"{self.refn:010d}",
            }[t.fmt]

    # -- master data files -------------------------------------------------------------------
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
                w.writerow(
                    [
                        c.id,
                        c.name,
                        c.country,
                        "",
                        ";".join(c.ibans),
                        f"ap@{c.id.lower()}.example",
                        c.lang,
                        c.form,
                        30,
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
                    "rate",
                    "discount_percent",
                    "discount_days",
                ]
            )
            for i in self.invoices:
                w.writerow(
                    [
                        i.number,
                        i.cust,
                        i.issue.isoformat(),
                        i.due.isoformat(),
                        i.currency,
                        money(i.total),
                        i.sref,
                        "0.92" if i.currency == "USD" else "",
                        i.disc_pct or "",
                        i.disc_days or "",
                    ]
                )

    def write_truth(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["tx_ref", "invoice_number", "amount", "status", "kind", "confidence"])
            for t in self.txs:
                if t.debit:
                    continue
                if not t.truth:
                    w.writerow([t.pref or t.ref, "", money(t.amount), "unmatched", "unrelated", "1.00"])
                for n, a, k in t.truth:
                    w.writerow([t.pref or t.ref, n, money(a), "applied", k, "1.00"])


# ----------------------------------------------------------------------------------------
# writers
# ----------------------------------------------------------------------------------------


def wrap(text: str, width: int, first: int | None = None) -> list[str]:
    """Cut a text into fixed-width lines, mid-word, as banks do."""
    out = []
    w = first or width
    while text:
        out.append(text[:w])
        text = text[w:]
        w = width
    return out or [""]


def swift_clean(text: str) -> str:
    """MT940 X character set: no accents, no '?' inside subfields beyond the keys."""
    t = strip_accents(text).replace("&", "+").replace("°", "o").replace("ß", "ss")
    return "".join(ch if ch.isalnum() or ch in " /-?:().,'+" else " " for ch in t)


def remit_text(t: Tx) -> str:
    parts = [t.text] if t.text else []
    parts += [r for _k, r in t.strd]
    return " ".join(parts).strip()


def by_day(txs: list[Tx]) -> list[tuple[date, list[Tx]]]:
    d: dict[date, list[Tx]] = defaultdict(list)
    for t in txs:
        d[t.value].append(t)
    return sorted(d.items())


def mt940_86_de(t: Tx) -> str:
    gvc = {"interest": "805", "return": "159", "card": "166", "tax": "166"}.get(t.nature, "166")
    if t.debit:
        gvc = "116"
    book = {"805": "ABSCHLUSS", "159": "RETOURE", "116": "SEPA-UEBERWEISUNG"}.get(gvc, "SEPA-GUTSCHRIFT")
    chunks = wrap(f"EREF+{t.e2e}", 27)  # each SEPA keyword opens a subfield, its value runs on
    if t.kref:
        chunks += wrap(f"KREF+{t.kref}", 27)
    chunks = (chunks + wrap("SVWZ+" + swift_clean(remit_text(t)), 27))[:14]
    sub = f"{gvc}?00{book}?10{9310 + len(t.ref) % 7}"
    keys = [f"?{20 + i}" for i in range(10)] + [f"?{60 + i}" for i in range(4)]
    body_parts = [keys[i] + c for i, c in enumerate(chunks[:10])]
    name = swift_clean(t.payer_name)
    if t.payer_iban:
        body_parts.append(
            f"?30{'COBADEFFXXX' if t.payer_iban.startswith('DE') else 'GEBABEBBXXX'}?31{t.payer_iban}"
        )
    if name:
        body_parts.append(f"?32{name[:27]}")
        if len(name) > 27:
            body_parts.append(f"?33{name[27:54]}")
    body_parts.append("?34997")
    body_parts += [keys[i] + c for i, c in enumerate(chunks[10:], start=10)]
    return sub + "".join(body_parts)


def mt940_86_nl(t: Tx) -> str:
    s = f"/EREF/{t.e2e}"
    if t.payer_iban:
        s += f"/ORDP//NAME/{swift_clean(t.payer_name)}/IBAN/{t.payer_iban}/BIC/{'RABONL2U' if 'RABO' in t.payer_iban else 'INGBNL2A'}"
    elif t.payer_name:
        s += f"/ORDP//NAME/{swift_clean(t.payer_name)}"
    if t.nature == "return":
        s += "/RTRN/AC04"
    rem = swift_clean(remit_text(t))
    s += f"/REMI/USTD//{rem}/"
    return s


def mt940_86_txt(t: Tx) -> str:
    lead = {
        "interest": "INTERETS CREDITEURS",
        "card": "VERSEMENT TERMINAUX",
        "return": "RETOUR VIREMENT",
        "tax": "VIREMENT SEPA RECU",
    }.get(t.nature, "VIREMENT SEPA RECU")
    if t.debit:
        lead = "VIREMENT SEPA EMIS"
    parts = [lead]
    if t.payer_name:
        parts.append(f"DE: {swift_clean(t.payer_name)}")
    if t.payer_iban:
        parts.append(f"IBAN: {t.payer_iban}")
    rem = swift_clean(remit_text(t))
    if rem:
        parts.append(f"COMMUNICATION: {rem}")
    return " ".join(parts)


def write_mt940(path: Path, txs: list[Tx], style: str, account: str, seq0: int) -> None:
    bal = 1_500_000
    lines: list[str] = []
    for n, (day, g) in enumerate(by_day(txs), start=seq0):
        lines += [
            f":20:STMT{day:%y%m%d}{n:03d}",
            f":25:{account}",
            f":28C:{n:05d}/001",
            f":60F:C{day:%y%m%d}EUR{money(bal, 'comma')}",
        ]
        for t in g:
            mark = "D" if t.debit else "C"
            code = {"interest": "NINT", "return": "NRTI", "card": "NMSC"}.get(t.nature, "NTRF")
            custref = t.e2e[:16] if style == "nl" and t.e2e != "NOTPROVIDED" else "NONREF"
            lines.append(
                f":61:{day:%y%m%d}{day:%m%d}{mark}{money(t.amount, 'comma')}{code}{custref}//{t.ref}"
            )
            if style == "de":
                body = mt940_86_de(t)
            elif style == "nl":
                body = mt940_86_nl(t)
            else:
                body = mt940_86_txt(t)
            t.raw = body
            chunks = wrap(body, 65, first=61)[:6]
            lines.append(":86:" + chunks[0])
            lines += chunks[1:]
            bal += -t.amount if t.debit else t.amount
        lines.append(f":62F:C{day:%y%m%d}EUR{money(bal, 'comma')}")
        lines.append("-")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="latin-1")


def coda_rec(*fields: tuple[str, int]) -> str:
    s = "".join(v[:w].ljust(w) for v, w in fields)
    assert len(s) == 128, (len(s), s)
    return s


def write_coda(path: Path, day: date, g: list[Tx], account: str, seq: int, bal: int) -> int:
    recs = []
    d6 = f"{day:%d%m%y}"
    recs.append(
        coda_rec(
            ("0", 1),
            ("0000", 4),
            (d6, 6),
            ("300", 3),
            ("05", 2),
            (" ", 1),
            ("", 7),
            (f"{seq:010d}", 10),
            ("ENCAISSE DEMO SA", 26),
            ("BBRUBEBB", 11),
            ("00403182571", 11),
            ("", 1),
            ("00000", 5),
            ("", 16),
            ("", 16),
            ("", 7),
            ("2", 1),
        )
    )
    acct = account.ljust(34) + "EUR"
    recs.append(
        coda_rec(
            ("1", 1),
            ("2", 1),
            (f"{seq:03d}", 3),
            (acct, 37),
            ("0", 1),
            (f"{bal * 10:015d}", 15),
            (d6, 6),
            ("ENCAISSE DEMO SA", 26),
            ("Compte courant", 35),
            (f"{seq:03d}", 3),
        )
    )
    n_rec = 1
    credits = debits = 0
    for k, t in enumerate(g, start=1):
        sign = "1" if t.debit else "0"
        code = {"interest": "03501000", "card": "00450000", "return": "00137000"}.get(t.nature, "00150000")
        if t.debit:
            code = "10101000"
            debits += t.amount
        else:
            credits += t.amount
        structured = bool(t.strd) and t.strd[0][0] == "OGM"
        if structured:
            comm_type = "1"
            comm = "101" + t.strd[0][1]
            rest = ""
            t.raw = f"[structured 101] {t.strd[0][1]}" + (f" | {t.text}" if t.text else "")
        else:
            comm_type = "0"
            full = remit_text(t)
            if not t.debit and t.customer_payment and len(full) > 10 and zlib.crc32(t.ref.encode()) % 6 == 0:
                # long communications spill over 2.2, 2.3 and the information records 3.1/3.2
                full = (
                    f"{full} - Bon de commande PO{zlib.crc32(t.ref.encode()) % 10**7:07d} livraison du "
                    f"{t.value - timedelta(days=12):%d/%m/%Y} site {strip_accents(t.payer_name)[:30]} - "
                    f"contact comptabilite fournisseurs merci de votre confiance - {full}"
                )
            comm, rest = full[:53], full[53:]
            t.raw = full
        c22, rest = rest[:53], rest[53:]
        c23, rest = rest[:43], rest[43:]
        info = rest
        has22 = True  # counterparty BIC / return reason in 2.2, account and name in 2.3
        rtype, reason = ("2", "AC04") if t.nature == "return" else ("", "")
        seqno = f"{k:04d}"
        recs.append(
            coda_rec(
                ("2", 1),
                ("1", 1),
                (seqno, 4),
                ("0000", 4),
                (t.ref.ljust(21), 21),
                (sign, 1),
                (f"{t.amount * 10:015d}", 15),
                (d6, 6),
                (code, 8),
                (comm_type, 1),
                (comm, 53),
                (d6, 6),
                (f"{seq:03d}", 3),
                ("0", 1),
                ("1" if has22 else "0", 1),
                ("", 1),
                ("1" if info else "0", 1),
            )
        )
        recs.append(
            coda_rec(
                ("2", 1),
                ("2", 1),
                (seqno, 4),
                ("0000", 4),
                (c22, 53),
                (t.e2e, 35),
                ("GEBABEBB" if t.payer_iban else "", 11),
                ("", 3),
                (rtype, 1),
                (reason, 4),
                ("", 4),
                ("", 4),
                ("1", 1),
                ("", 1),
                ("1" if info else "0", 1),
            )
        )
        recs.append(
            coda_rec(
                ("2", 1),
                ("3", 1),
                (seqno, 4),
                ("0000", 4),
                (t.payer_iban.ljust(34) + "EUR", 37),
                (strip_accents(t.payer_name), 35),
                (c23, 43),
                ("0", 1),
                ("", 1),
                ("1" if info else "0", 1),
            )
        )
        n_rec += 3
        # observed: the product exports CODA transactions as "<bank reference>/<sequence><detail>"
        t.pref = f"{t.ref}/{seqno}0000"
        if info:
            i31, i32 = info[:73], info[73:178]
            recs.append(
                coda_rec(
                    ("3", 1),
                    ("1", 1),
                    (seqno, 4),
                    ("0001", 4),
                    (t.ref.ljust(21), 21),
                    (code, 8),
                    ("0", 1),
                    (i31, 73),
                    ("", 12),
                    ("1" if i32 else "0", 1),
                    ("", 1),
                    ("0", 1),
                )
            )
            n_rec += 1
            if i32:
                recs.append(
                    coda_rec(
                        ("3", 1),
                        ("2", 1),
                        (seqno, 4),
                        ("0001", 4),
                        (i32, 105),
                        ("", 10),
                        ("0", 1),
                        ("", 1),
                        ("0", 1),
                    )
                )
                n_rec += 1
    new = bal + credits - debits
    recs.append(
        coda_rec(
            ("8", 1),
            (f"{seq:03d}", 3),
            (acct, 37),
            ("0", 1),
            (f"{new * 10:015d}", 15),
            (d6, 6),
            ("", 64),
            ("0", 1),
        )
    )
    n_rec += 1
    recs.append(
        coda_rec(
            ("9", 1),
            ("", 15),
            (f"{n_rec:06d}", 6),
            (f"{debits * 10:015d}", 15),
            (f"{credits * 10:015d}", 15),
            ("", 75),
            ("2", 1),
        )
    )
    path.write_text("\r\n".join(strip_accents(r) for r in recs) + "\r\n", encoding="latin-1")
    return new


ENTRY_BTC = {
    k: f"<BkTxCd><Domn><Cd>{a}</Cd><Fmly><Cd>{b}</Cd><SubFmlyCd>{c}</SubFmlyCd></Fmly></Domn></BkTxCd>"
    for k, (a, b, c) in {
        "transfer": ("PMNT", "RCDT", "ESCT"),
        "interest": ("ACMT", "MDOP", "INTR"),
        "card": ("PMNT", "CCRD", "POSC"),
        "return": ("PMNT", "ICDT", "RRTN"),
        "debit": ("PMNT", "ICDT", "ESCT"),
    }.items()
}


def camt_txdtls(t: Tx) -> str:
    """One TxDtls element (the unit the product imports), filling t.raw."""
    dom = {
        "interest": ("ACMT", "MDOP", "INTR"),
        "card": ("PMNT", "CCRD", "POSC"),
        "return": ("PMNT", "ICDT", "RRTN"),
    }.get(t.nature, ("PMNT", "RCDT", "ESCT"))
    rmt = []
    if t.text and not t.rdi:
        rmt.append(f"<Ustrd>{escape(t.text[:140])}</Ustrd>")
    for kind, ref in t.strd:
        tp = (
            "<Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr></Tp>"
            if kind == "RF"
            else "<Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>BBA</Issr></Tp>"
        )
        rmt.append(f"<Strd><CdtrRefInf>{tp}<Ref>{ref}</Ref></CdtrRefInf></Strd>")
    for num, amt in t.rdi:
        rmt.append(
            "<Strd><RfrdDocInf><Tp><CdOrPrtry><Cd>CINV</Cd></CdOrPrtry></Tp>"
            f'<Nb>{escape(num)}</Nb></RfrdDocInf><RfrdDocAmt><RmtdAmt Ccy="EUR">{money(amt)}</RmtdAmt>'
            "</RfrdDocAmt></Strd>"
        )
    if t.rdi and t.text:
        rmt.append(f"<Ustrd>{escape(t.text)}</Ustrd>")
    t.raw = " | ".join(
        [f"Ustrd:{t.text}" if t.text else ""]
        + [f"CdtrRefInf:{r}" for _k, r in t.strd]
        + [f"RfrdDocInf:{n}={money(a)}" for n, a in t.rdi]
    ).strip(" |")
    party = ""
    if t.payer_name or t.payer_iban:
        role = "Cdtr" if t.debit else "Dbtr"
        party = f"<RltdPties><{role}><Nm>{escape(t.payer_name[:140])}</Nm></{role}>"
        if t.payer_iban:
            party += f"<{role}Acct><Id><IBAN>{t.payer_iban}</IBAN></Id></{role}Acct>"
        party += "</RltdPties>"
    rtr = "<RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf>" if t.nature == "return" else ""
    return (
        f"<TxDtls><Refs><AcctSvcrRef>{t.ref}</AcctSvcrRef><EndToEndId>{t.e2e}</EndToEndId></Refs>"
        f'<AmtDtls><TxAmt><Amt Ccy="EUR">{money(t.amount)}</Amt></TxAmt></AmtDtls>'
        f"<BkTxCd><Domn><Cd>{dom[0]}</Cd><Fmly><Cd>{dom[1]}</Cd><SubFmlyCd>{dom[2]}</SubFmlyCd></Fmly></Domn></BkTxCd>"
        f"{party}<RmtInf>{''.join(rmt)}</RmtInf>{rtr}</TxDtls>"
    )


def write_camt054(path: Path, txs: list[Tx], account: str, msg: str) -> None:
    """A notification; ordinary SEPA credits of a day are sometimes batch-booked (one entry, several TxDtls)."""
    rng = random.Random(msg)
    entries = []
    k = 0
    while k < len(txs):
        t = txs[k]
        group = [t]
        if not t.debit and t.nature == "transfer" and rng.random() < 0.2:
            while (
                k + len(group) < len(txs)
                and len(group) < rng.randint(2, 4)
                and txs[k + len(group)].value == t.value
                and not txs[k + len(group)].debit
                and txs[k + len(group)].nature == "transfer"
            ):
                group.append(txs[k + len(group)])
        k += len(group)
        ind = "DBIT" if t.debit else "CRDT"
        total = sum(g.amount for g in group)
        batch = f"<Btch><NbOfTxs>{len(group)}</NbOfTxs></Btch>" if len(group) > 1 else ""
        entries.append(
            f'<Ntry><NtryRef>{t.ref[-8:]}</NtryRef><Amt Ccy="EUR">{money(total)}</Amt><CdtDbtInd>{ind}</CdtDbtInd>'
            f"<Sts>BOOK</Sts><BookgDt><Dt>{t.value}</Dt></BookgDt><ValDt><Dt>{t.value}</Dt></ValDt>"
            f"<AcctSvcrRef>{t.ref}E</AcctSvcrRef>"
            f"{ENTRY_BTC.get(t.nature, ENTRY_BTC['transfer']) if not t.debit else ENTRY_BTC['debit']}"
            f"<NtryDtls>{batch}{''.join(camt_txdtls(g) for g in group)}</NtryDtls></Ntry>"
        )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn>'
        f"<GrpHdr><MsgId>{msg}</MsgId><CreDtTm>{txs[-1].value}T18:00:00</CreDtTm></GrpHdr>"
        f"<Ntfctn><Id>{msg}-1</Id><CreDtTm>{txs[-1].value}T18:00:00</CreDtTm>"
        f"<Acct><Id><IBAN>{account}</IBAN></Id><Ccy>EUR</Ccy></Acct>{''.join(entries)}</Ntfctn>"
        "</BkToCstmrDbtCdtNtfctn></Document>\n"
    )
    path.write_text(xml, encoding="utf-8")


def bai2_text(t: Tx) -> tuple[str, list[str]]:
    """Type code and the 16-record text with its 88 continuations (logical lines)."""
    if t.debit:
        return "475", ["CHECK PAID"]
    name = strip_accents(t.payer_name).upper()
    if t.nature == "interest":
        return "354", [t.text]
    if t.nature == "return":
        return "258", [f"ACH RETURN ITEM ORIG CO NAME:{name[:16]}", t.text]
    if t.nature == "card":
        return "165", [
            f"ORIG CO NAME:{name[:16]} ORIG ID:{digits(random.Random(t.ref), 10)}",
            f"ENTRY DESCR:SETTLEMENT {t.text}",
        ]
    if t.nature == "tax":
        return "165", [f"ORIG CO NAME:{name[:16]} ENTRY DESCR:TAX REF", t.text]
    r = random.Random(t.ref)
    kind = r.random()
    if kind < 0.45:  # ACH CCD+ with an RMR addenda
        lines = [
            f"ACH CREDIT ORIG CO NAME:{name[:16]} ORIG ID:{digits(r, 10)}",
            "ENTRY DESCR:PAYMENT SEC:CCD IND NAME:ENCAISSE US",
        ]
        if t.text:
            lines.append(f"ADDENDA:RMR*IV*{t.text[:60]}\\")
        return "165", lines
    if kind < 0.8:  # incoming wire
        lines = [
            f"WIRE TRANSFER IN ORG={name[:35]}",
            f"OBI={t.text[:140]}" if t.text else "OBI=",
            "BNF=ENCAISSE US LLC",
        ]
        return "195", lines
    lines = [f"LOCKBOX 7741 CHECK {r.randint(1000, 99999)} REMITTER {name[:30]}"]
    if t.text:
        lines.append(f"STUB {t.text}")
    return "115", lines


def write_bai2(path: Path, day: date, g: list[Tx], account: str, fileno: int, bal: int) -> int:
    d6 = f"{day:%y%m%d}"
    recs = [f"01,ENCAISSEUS,071000013,{d6},0600,{fileno},,,2/", f"02,ENCAISSEUS,071000013,1,{d6},0600,USD,2/"]
    credits = sum(t.amount for t in g if not t.debit)
    debits = sum(t.amount for t in g if t.debit)
    close = bal + credits - debits
    acct_recs = [
        f"03,{account},USD,010,{bal},,,015,{close},,,100,{credits},{sum(not t.debit for t in g)},,"
        f"400,{debits},{sum(t.debit for t in g)},/"
    ]
    total = bal + close + credits + debits
    for t in g:
        code, lines = bai2_text(t)
        if t.debit:
            code = "475"
        t.raw = " ".join(lines)
        acct_recs.append(
            f"16,{code},{t.amount},0,{t.ref},{t.e2e if t.e2e != 'NOTPROVIDED' else ''},{lines[0]}"
        )
        acct_recs += [f"88,{x}" for x in lines[1:]]
        total += t.amount
    acct_recs.append(f"49,{total},{len(acct_recs) + 1}/")
    recs += acct_recs
    recs.append(f"98,{total},1,{len(acct_recs) + 2}/")
    recs.append(f"99,{total},1,{len(recs) + 1}/")
    path.write_text("\n".join(recs) + "\n", encoding="ascii", errors="replace")
    return close


def write_files(gen: Gen, out: Path) -> dict[str, list[Path]]:
    files: dict[str, list[Path]] = defaultdict(list)
    rng = random.Random(7)
    for t in gen.txs:
        t.kref = f"KR{rng.randint(10**6, 10**7)}" if (t.fmt == "mt940_de" and rng.random() < 0.2) else ""
    per = defaultdict(list)
    for t in gen.txs:
        per[t.fmt].append(t)
    st = out / "statements"
    st.mkdir(exist_ok=True)
    for style in ("de", "nl", "txt"):
        fmt = f"mt940_{style}"
        txs = per[fmt]
        half = [t for t in txs if t.value.day <= 16], [t for t in txs if t.value.day > 16]
        for k, part in enumerate(half):
            p = st / f"{fmt}_{k + 1}.sta"
            write_mt940(p, part, style, gen.entity[fmt], 40 + k * 20)
            files[fmt].append(p)
    bal = 2_345_678
    for n, (day, g) in enumerate(by_day(per["coda"]), start=60):
        p = st / f"coda_{day:%Y%m%d}.cod"
        bal = write_coda(p, day, g, gen.entity["coda"], n, bal)
        files["coda"].append(p)
    days = by_day(per["camt054"])
    for k in range(0, len(days), 5):
        txs = [t for _d, g in days[k : k + 5] for t in g]
        p = st / f"camt054_{k // 5 + 1}.xml"
        write_camt054(p, txs, gen.entity["camt054"], f"NTF{txs[0].value:%Y%m%d}{k}")
        files["camt054"].append(p)
    bal = 8_000_000
    for n, (day, g) in enumerate(by_day(per["bai2"]), start=1):
        p = st / f"bai2_{day:%Y%m%d}.bai"
        bal = write_bai2(p, day, g, gen.entity["bai2"], n, bal)
        files["bai2"].append(p)
    return files


# ----------------------------------------------------------------------------------------
# running the product and scoring
# ----------------------------------------------------------------------------------------


def run_product(
    gen: Gen, files: dict[str, list[Path]], out: Path, exe: Path
) -> tuple[dict[str, float], list[dict[str, str]]]:
    home = out / "home"  # kept for inspection (encaisse review, transactions)
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir()
    ibans = [gen.entity[f] for f in FORMATS] + [gen.group_iban]  # the US account number too: init accepts it
    init = ["init", "--code", "main", "--name", "Encaisse Demo SA", "--currency", "EUR", "--country", "BE"]
    for i in ibans:
        init += ["--iban", i]
    steps: list[tuple[str, list[str]]] = [
        ("init", init),
        ("import-customers", ["import-customers", str(out / "customers.csv")]),
        ("import-invoices", ["import-invoices", str(out / "invoices.csv")]),
    ]
    for fmt in FORMATS:
        steps.append(
            (f"import-statement:{fmt}", ["import-statement", "--format", "json", *map(str, files[fmt])])
        )
    steps += [
        ("match", ["match"]),
        ("export-allocations", ["export-allocations", "-o", str(out / "out.csv")]),
        ("transactions", ["transactions", "--credits", "--format", "csv"]),
    ]

    def refused(name: str, p: subprocess.CompletedProcess[str]) -> list[str]:
        notes: list[str] = []
        if name.startswith("import-statement"):
            try:
                summary = json.loads(p.stdout)
                notes += [str(x) for x in summary.get("refused", [])]
                notes += [
                    f"{f.get('source')}: {w}" for f in summary.get("files", []) for w in f.get("warnings", [])
                ]
            except (ValueError, AttributeError):
                notes.append("summary is not JSON")
        return notes

    timings, problems, results = run_steps(exe, steps, home, notes=refused)
    for (name, args), p in zip(steps, results.values(), strict=True):
        (out / f"{name.replace(':', '_')}.log").write_text(f"$ encaisse {' '.join(args)}\n{step_log(p)}")
    return timings, problems


def score(gen: Gen, out: Path) -> dict[str, object]:
    prod = read_export(out / "out.csv")
    stats: dict[str, Counter[str]] = defaultdict(Counter)
    misses: list[list[str]] = []
    for t in gen.txs:
        if t.debit:
            continue
        rows = prod.get(t.pref or t.ref, [])
        status, applied = outcome(rows)
        group = "customer" if t.customer_payment else "non-customer"
        keys = [f"S:{t.scenario}", f"F:{t.fmt}:{group}", f"ALL:{group}"]
        for k in keys:
            stats[k]["n"] += 1
            stats[k][status] += 1
        truth = sorted(t.truth)
        if t.customer_payment:
            if status == "applied":
                ok = applied == truth
                tc = Counter(truth)
                good = sum(min(c, tc[r]) for r, c in Counter(applied).items())
                for k in keys:
                    stats[k]["env_ok"] += ok
                    stats[k]["lines"] += len(applied)
                    stats[k]["lines_ok"] += good
                if not ok:
                    misses.append(miss_row(t, "wrong", rows))
            else:
                if status == "suggested":
                    sugg = {n for n, _a, _k, s2, _c in rows if s2 == "suggested" and n}
                    hit = {n for n, _a, k in truth if k == "invoice"} <= sugg
                    for k in keys:
                        stats[k]["sugg_hit"] += hit
                misses.append(miss_row(t, f"not_applied:{status}", rows))
        elif status == "applied":
            for k in keys:
                stats[k]["wrongly_applied"] += 1
            misses.append(miss_row(t, "non_customer_applied", rows))
        elif status == "missing":
            misses.append(miss_row(t, "missing", rows))
    with (out / "misses.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "format",
                "scenario",
                "issue",
                "tx_ref",
                "amount",
                "currency",
                "value_date",
                "payer_name",
                "payer_iban",
                "raw_remittance",
                "truth_rows",
                "product_rows",
            ]
        )
        w.writerows(misses)
    return {
        "stats": {k: dict(v) for k, v in sorted(stats.items())},
        "misses": len(misses),
        "product_refs": len(prod),
    }


def fmt_rows(rows: list[tuple[str, int, str]] | list[tuple[str, int, str, str, str]]) -> str:
    out = []
    for r in rows:
        if len(r) == 3:
            out.append(f"{r[0] or '-'}:{money(r[1])}:{r[2]}")
        else:
            out.append(f"{r[3]}:{r[0] or '-'}:{money(r[1])}:{r[2]}:{r[4]}")  # type: ignore[misc]
    return "; ".join(out)


def miss_row(t: Tx, issue: str, rows: list[tuple[str, int, str, str, str]]) -> list[str]:
    return [
        t.fmt,
        t.scenario,
        issue,
        t.pref or t.ref,
        money(t.amount),
        t.currency,
        t.value.isoformat(),
        t.payer_name,
        t.payer_iban,
        t.raw,
        fmt_rows(t.truth) or "unmatched",
        fmt_rows(rows) or "(absent)",
    ]


def table(result: dict[str, object]) -> str:
    stats: dict[str, dict[str, int]] = result["stats"]  # type: ignore[assignment]
    head = f"{'group':30} {'n':>5} {'auto%':>6} {'env.p%':>6} {'line.p%':>7} {'sugg%':>6} {'unm%':>6} {'miss':>4} {'s.hit':>5} {'wrongAp':>7}"
    lines = [head]
    order = sorted(stats, key=lambda k: (k.startswith("S:nc_"), k[0] != "F", k[0] == "A", k))
    for k in order:
        s = stats[k]
        n = s.get("n", 0)
        ap = s.get("applied", 0)
        if "non-customer" in k or k.startswith("S:nc_"):
            lines.append(
                f"{k:30} {n:5d} {'':6} {'':6} {'':7} {pct(s.get('suggested', 0), n)} "
                f"{pct(s.get('unmatched', 0), n)} {s.get('missing', 0):4d} {'':5} {s.get('wrongly_applied', 0):7d}"
            )
        else:
            lines.append(
                f"{k:30} {n:5d} {pct(ap, n)} {pct(s.get('env_ok', 0), ap)} "
                f"{pct(s.get('lines_ok', 0), s.get('lines', 0)):>7} {pct(s.get('suggested', 0), n)} "
                f"{pct(s.get('unmatched', 0), n)} {s.get('missing', 0):4d} {s.get('sugg_hit', 0):5d}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args, exe, out = check_arguments(__doc__, argv, payments=1500, prefix="blackbox-formats-", keep=False)
    t0 = time.perf_counter()
    gen = Gen(args.payments, args.seed)
    gen.generate()
    assert all(iban_valid(i) for c in gen.customers for i in c.ibans)
    assert all(iban_valid(i) for i in gen.entity.values() if not i.isdigit())
    gen.write_customers(out / "customers.csv")
    gen.write_invoices(out / "invoices.csv")
    files = write_files(gen, out)
    gen.write_truth(out / "truth.csv")
    credits = [t for t in gen.txs if not t.debit]
    print(
        f"generated in {time.perf_counter() - t0:.1f}s: {len(gen.customers)} customers, {len(gen.invoices)} invoices, "
        f"{len(credits)} credits ({sum(t.customer_payment for t in credits)} customer payments), "
        f"files: {', '.join(f'{k} {len(v)}' for k, v in files.items())}; out={out}"
    )
    if args.generate_only:
        return 0
    timings, problems = run_product(gen, files, out, exe)
    result = score(gen, out)
    print(table(result))
    print("timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
    for p in problems:
        print(f"PROBLEM in {p['step']} (rc {p['rc']}): {p['stderr'][-800:]} {p['stdout'][-800:]}")
    (out / "report.json").write_text(
        json.dumps({"timings": timings, "problems": problems, **result}, indent=1)
    )
    print(f"misses: {result['misses']} rows in {out / 'misses.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
