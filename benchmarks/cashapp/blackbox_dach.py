"""Fifth independent black-box check of cash application: a German seller, DACH/FR/PL/NL payers.

What it is: a generator of a German seller's receivables (about 2,000 customers in Germany,
Austria, Switzerland, France, Poland and the Netherlands; five open items per payment), one month
of camt.053.001.08 statements (one per day and account: a EUR account and a CHF account) and the
ground truth in the ``export-allocations`` format (docs/cashapp.md, "Accounting rows"). It is
designed from the user documentation only and built to provoke wrong matches: besides the usual
scenarios it carries traps where a careful clerk would not apply anything. The product is driven
through its command line on a fresh SQLite workspace and its export is scored per scenario.

Run::

    .venv/bin/python benchmarks/cashapp/blackbox_dach.py [--payments 5000] [--seed 1] [--out DIR] [--keep]

It prints a table per scenario and overall and writes ``truth.csv``, ``out.csv``, ``misses.csv``
(every wrong or missing decision) and ``report.json`` in ``--out`` (default: a temporary
directory, removed unless ``--keep``). NumPy and the standard library only.

Why each truth is what it is
----------------------------
Customer payments (the truth is the export rows; anything else applied is wrong):

- ``exact_ref`` / ``ref_variant``: the invoice the payer names, written as is or otherwise
  ("RE2026-04711", "2026-04711", "Rg. 4711", "Facture n° ...", "FV/2026/04711"); the amount is
  the invoice's to the cent.
- ``typo``: one wrong, swapped or missing digit, the payer's account on file, the amount to the
  cent: the contract's typo rule names the invoice. The mistyped number exists nowhere in the book.
- ``multi_list`` / ``list_cut140``: the invoices listed, adding up to the amount; a list longer
  than the 140 characters of a SEPA remittance is cut by the payer's bank, the items cut off are
  the customer's next open items in number order (the contract tries those for the rest).
- ``single_no_ref`` / ``sum_no_ref``: payer's account on file, no reference, exactly one open
  item of the amount / exactly one combination of the fewest items (checked over the customer's
  whole book) adding up to it.
- ``skonto``: 2 % (or 3 %) per the invoice's terms, paid within the discount days: invoice row
  for the total, a ``deduction`` row for the discount.
- ``skonto_late``: the discount taken weeks after the discount period, the shortfall beyond the
  25 EUR charge tolerance, the text names only the invoice: a part payment (invoice row = amount).
- ``bank_charges``: a cross-border (SWIFT) payment from Switzerland or Poland short by 5-22 EUR of
  intermediary charges: invoice row for the total and a ``deduction`` row (within 25 EUR).
- ``deduction_explained``: "minus Mängelrüge 120,00": invoice total and one deduction row.
- ``credit_note_netted``: invoice and credit note named, amount = invoice - credit note: two
  invoice-kind rows, the credit note's negative.
- ``part_payment``: "Teilzahlung RE-…": invoice row = amount (residue well beyond the tolerance).
- ``overpayment``: one invoice named, paid with an excess that equals no open item or sum of two
  or three of the customer's items: invoice total + ``on_account`` excess.
- ``duplicate``: the same transfer again a few days later: the invoice is settled, so the second
  one goes ``on_account`` whole (the contract lists duplicates as on-account).
- ``advance``: "Anzahlung Auftrag …" from the customer's account, nothing open of the amount:
  ``on_account`` whole.
- ``parent_pays`` / ``factor_pays``: a parent company on file (its own account) or a factor /
  supply-chain financier not on file quoting full invoice numbers with the amount to the cent.
- ``po_number``: only the buyer's order number (the invoice's ``order_reference``).
- ``namesake_known_iban``: one of several customers with the same name pays from its own account
  on file, no reference; the other namesake may have an item of the same amount: the account
  decides.
- ``namesake_unique_amount``: a namesake pays from an unknown account, but only one of the
  namesakes has an open item of the amount: the contract applies it.
- ``wrong_customer_ref``: a customer (account on file) quotes another customer's invoice by
  mistake; that invoice's amount differs, its own open invoice has exactly the amount. The
  contract: a reference to an unrelated customer's item does not stop the search among the
  payer's own, and the certain customer plus the amount settles its own item.
- ``fifo_recurring``: a standing order ("Dauerauftrag Wartungsvertrag") from the account on file,
  three or four equal monthly invoices open: the oldest (due date, issue date, number).

Traps, scored "applied = wrong" (a person must decide; suggested or unmatched is right):

- ``trap_namesakes``: two customers bearing the same name (different cities, no city in the
  payer's name) both have an open item of the amount; the payer's account is unknown.
- ``trap_fifo_namesakes``: the same with equal recurring items on both sides.
- ``trap_typo_two_customers``: an unknown payer quotes a number that exists nowhere, one digit
  away from two different customers' invoices (sometimes the amount of one of them): without a
  certain customer the typo rule does not apply.
- ``trap_wrong_ref_both``: as ``wrong_customer_ref`` but the other customer's quoted invoice has
  the same amount as the payer's own: the reference and the payer point at different items.
- ``trap_chf_for_eur`` / ``trap_eur_for_chf``: a payment in one currency quoting an invoice in
  the other (sometimes the same figure): never allocated across currencies.
- ``trap_before_issue``: the only item of the amount was issued after the payment's value date
  (a payment never settles an invoice issued after it); booking it whole on account is accepted.
- ``trap_deposit_refund``: a customer refunds a deposit ("Rückzahlung Kaution …"); sometimes one
  of its open items has exactly that round amount. It is not a payment of an invoice.

Non-customer credits (``nc_*``, nothing may be applied): tax refunds (Finanzamt, Bundeskasse),
credit interest, card acquirers' payouts (SumUp, Adyen, Stripe, Worldline), suppliers' credit
notes quoting the supplier's own numbers in the seller's format (sometimes one of the seller's
open invoice numbers, with another amount), returned salary payments (bank return codes),
insurance settlements, intra-group cash pooling, transfers between the seller's own accounts;
several carry the amount of an open invoice.
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
from itertools import combinations
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
from blackbox_export import Row, check_arguments, report, run_steps, score_kinds, step_log, trap_table

PERIOD_START = date(2026, 3, 2)
PERIOD_END = date(2026, 3, 31)
CHF_RATE = "1.0650"  # EUR per CHF, on CHF invoices
SELLER = "Brandt Maschinenbau GmbH"

# ----------------------------------------------------------------------------------------
# IBANs and amounts
# ----------------------------------------------------------------------------------------


def _mod97(text: str) -> int:
    return int("".join(str(int(c, 36)) for c in text)) % 97


def make_iban(country: str, bban: str) -> str:
    return f"{country}{98 - _mod97(bban + country + '00'):02d}{bban}"


def iban_valid(iban: str) -> bool:
    return _mod97(iban[4:] + iban[:4]) == 1


def _d(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def random_iban(rng: random.Random, country: str) -> str:
    if country == "DE":
        bban = rng.choice(["70050000", "37040044", "10070000", "20050550", "60050101", "50010517"]) + _d(
            rng, 10
        )
    elif country == "AT":
        bban = rng.choice(["20111", "12000", "32000", "14000"]) + _d(rng, 11)
    elif country == "CH":
        bban = rng.choice(["00230", "00700", "04835", "00767"]) + _d(rng, 12)
    elif country == "FR":
        bank, branch, acct = rng.choice(["30004", "30003", "10278", "20041"]), _d(rng, 5), _d(rng, 11)
        key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(acct)) % 97
        bban = f"{bank}{branch}{acct}{key:02d}"
    elif country == "PL":
        bban = rng.choice(["10501445", "11402004", "10201026", "12401037"]) + _d(rng, 16)
    elif country == "NL":
        bban = rng.choice(["ABNA", "RABO", "INGB", "TRIO"]) + _d(rng, 10)
    else:
        raise ValueError(country)
    return make_iban(country, bban)


def fmt_amount(cents: int) -> str:
    return f"{abs(cents) // 100}.{abs(cents) % 100:02d}"


def fmt_signed(cents: int) -> str:
    return ("-" if cents < 0 else "") + fmt_amount(cents)


def fmt_de(cents: int) -> str:
    whole = f"{cents // 100:,}".replace(",", ".")
    return f"{whole},{cents % 100:02d}"


def translit(text: str) -> str:
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue"), ("ß", "ss")):
        text = text.replace(a, b)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


# ----------------------------------------------------------------------------------------
# names
# ----------------------------------------------------------------------------------------

SURNAMES = {
    "DE": [
        "Schneider",
        "Fischer",
        "Weber",
        "Wagner",
        "Becker",
        "Schulz",
        "Hoffmann",
        "Koch",
        "Richter",
        "Klein",
        "Wolf",
        "Schröder",
        "Neumann",
        "Schwarz",
        "Zimmermann",
        "Braun",
        "Krüger",
        "Hartmann",
        "Lange",
        "Schmitt",
        "Werner",
        "Krause",
        "Lehmann",
        "Schulze",
        "Köhler",
        "Herrmann",
        "König",
        "Walter",
        "Kaiser",
        "Fuchs",
        "Peters",
        "Scholz",
        "Möller",
        "Weiß",
        "Jung",
        "Hahn",
        "Schubert",
        "Vogel",
        "Friedrich",
        "Keller",
        "Günther",
        "Frank",
        "Berger",
        "Winkler",
        "Roth",
        "Beck",
        "Lorenz",
        "Baumann",
        "Franke",
        "Albrecht",
        "Schuster",
        "Ludwig",
        "Böhm",
        "Winter",
        "Kraus",
        "Schumacher",
        "Krämer",
        "Vogt",
        "Stein",
        "Jäger",
        "Otto",
        "Sommer",
        "Groß",
        "Seidel",
        "Heinrich",
        "Haas",
        "Schreiber",
        "Graf",
        "Schulte",
        "Dietrich",
        "Ziegler",
        "Kuhn",
        "Pohl",
        "Engel",
        "Horn",
        "Busch",
        "Bergmann",
        "Voigt",
        "Sauer",
        "Arnold",
        "Pfeiffer",
    ],
    "AT": [
        "Gruber",
        "Pichler",
        "Moser",
        "Steiner",
        "Hofer",
        "Leitner",
        "Eder",
        "Reiter",
        "Mayr",
        "Wimmer",
        "Egger",
        "Brunner",
        "Lang",
        "Baumgartner",
        "Auer",
        "Binder",
        "Lechner",
        "Wallner",
        "Aigner",
        "Ebner",
        "Koller",
        "Lehner",
        "Haider",
        "Fellner",
        "Pirker",
        "Holzer",
    ],
    "CH": [
        "Keller",
        "Gerber",
        "Frei",
        "Widmer",
        "Wyss",
        "Suter",
        "Bachmann",
        "Studer",
        "Kälin",
        "Bühler",
        "Egli",
        "Marti",
        "Sutter",
        "Lüthi",
        "Zürcher",
        "Hess",
        "Sigrist",
        "Brunner",
        "Ammann",
        "Vogt",
        "Imhof",
    ],
    "FR": [
        "Martin",
        "Bernard",
        "Dubois",
        "Thomas",
        "Robert",
        "Richard",
        "Petit",
        "Durand",
        "Leroy",
        "Moreau",
        "Laurent",
        "Lefebvre",
        "Michel",
        "David",
        "Bertrand",
        "Roux",
        "Vincent",
        "Fournier",
        "Morel",
        "Girard",
        "Mercier",
        "Dupont",
        "Lambert",
        "Bonnet",
        "Faure",
        "Rousseau",
    ],
    "PL": [
        "Nowak",
        "Kowalski",
        "Wiśniewski",
        "Wójcik",
        "Kowalczyk",
        "Kamiński",
        "Lewandowski",
        "Zieliński",
        "Szymański",
        "Woźniak",
        "Dąbrowski",
        "Kozłowski",
        "Jankowski",
        "Mazur",
        "Kwiatkowski",
        "Krawczyk",
        "Kaczmarek",
        "Piotrowski",
        "Grabowski",
    ],
    "NL": [
        "de Vries",
        "Jansen",
        "van den Berg",
        "Bakker",
        "Visser",
        "Smit",
        "Meijer",
        "de Boer",
        "Mulder",
        "de Groot",
        "Bos",
        "Vos",
        "Hendriks",
        "van Leeuwen",
        "Dekker",
        "Brouwer",
        "de Wit",
        "Dijkstra",
        "Smits",
        "Kuipers",
    ],
}
ACTIVITY = {
    "DE": [
        "Metallbau",
        "Maschinenbau",
        "Anlagentechnik",
        "Elektrotechnik",
        "Haustechnik",
        "Fördertechnik",
        "Kunststofftechnik",
        "Automation",
        "Werkzeugbau",
        "Stahlbau",
        "Antriebstechnik",
        "Hydraulik",
        "Logistik",
        "Industrieservice",
        "Verpackung",
        "Präzisionsteile",
        "Systemtechnik",
        "Lasertechnik",
        "Blechbearbeitung",
        "Oberflächentechnik",
    ],
    "AT": [
        "Metalltechnik",
        "Maschinenbau",
        "Anlagenbau",
        "Elektro",
        "Haustechnik",
        "Stahlbau",
        "Holztechnik",
        "Logistik",
    ],
    "CH": ["Maschinen", "Präzision", "Apparatebau", "Metallbau", "Technik", "Automation", "Werkzeuge"],
    "FR": [
        "Industrie",
        "Mécanique",
        "Usinage",
        "Automatismes",
        "Équipements",
        "Maintenance",
        "Chaudronnerie",
    ],
    "PL": ["Metal", "Technika", "Serwis", "Automatyka", "Maszyny", "Stal"],
    "NL": ["Techniek", "Metaalbewerking", "Installatietechniek", "Machinebouw", "Constructie"],
}
FORMS = {
    "DE": [("GmbH", 50), ("GmbH & Co. KG", 25), ("AG", 5), ("KG", 8), ("e.K.", 5), ("OHG", 3), ("SE", 1)],
    "AT": [("GmbH", 60), ("GmbH & Co KG", 20), ("AG", 8), ("KG", 7), ("e.U.", 5)],
    "CH": [("AG", 60), ("GmbH", 30), ("SA", 10)],
    "FR": [("SAS", 50), ("SARL", 30), ("SA", 15), ("EURL", 5)],
    "PL": [("Sp. z o.o.", 75), ("S.A.", 10), ("Sp. k.", 15)],
    "NL": [("B.V.", 85), ("N.V.", 5), ("V.O.F.", 10)],
}
CITIES = {
    "DE": [
        "München",
        "Köln",
        "Hamburg",
        "Stuttgart",
        "Nürnberg",
        "Augsburg",
        "Bielefeld",
        "Dortmund",
        "Leipzig",
        "Dresden",
        "Kassel",
        "Ulm",
    ],
    "AT": ["Wien", "Graz", "Linz", "Salzburg", "Innsbruck", "Klagenfurt", "Wels"],
    "CH": ["Zürich", "Basel", "Bern", "Luzern", "Winterthur", "St.", "Gallen"],
    "FR": ["Lyon", "Strasbourg", "Mulhouse", "Lille", "Grenoble", "Nantes"],
    "PL": ["Poznań", "Wrocław", "Katowice", "Łódź", "Gdańsk", "Kraków"],
    "NL": ["Eindhoven", "Utrecht", "Rotterdam", "Tilburg", "Enschede", "Venlo"],
}
LANG = {"DE": "de", "AT": "de", "CH": "de", "FR": "fr", "PL": "pl", "NL": "nl"}
COUNTRY_W = [("DE", 45), ("AT", 15), ("CH", 12), ("FR", 10), ("PL", 8), ("NL", 10)]

# customers bearing the same name (cities differ; there is no address in the master data)
NAMESAKES = [
    [("Müller GmbH", "DE", "München"), ("Müller GmbH", "DE", "Köln"), ("Mueller GmbH", "DE", "Hamburg")],
    [("Schmidt GmbH", "DE", "Berlin"), ("Schmidt GmbH", "AT", "Graz")],
    [("Bauer GmbH", "DE", "Regensburg"), ("Bauer GmbH", "AT", "Linz")],
    [("Meyer AG", "CH", "Basel"), ("Meyer AG", "DE", "Bremen")],
    [("Huber GmbH", "AT", "Innsbruck"), ("Huber GmbH", "DE", "Rosenheim")],
    [("Weber & Söhne GmbH", "DE", "Kassel"), ("Weber & Söhne GmbH", "DE", "Siegen")],
    [("Schneider Technik GmbH", "DE", "Mainz"), ("Schneider Technik GmbH", "AT", "Wels")],
    [("Fischer Maschinenbau GmbH", "DE", "Ulm"), ("Fischer Maschinenbau GmbH", "DE", "Jena")],
    [("Wagner Elektro GmbH", "DE", "Trier"), ("Wagner Elektro GmbH", "AT", "Steyr")],
    [("Becker Logistik GmbH", "DE", "Bremen"), ("Becker Logistik GmbH", "DE", "Fulda")],
]
# look-alikes of the namesakes: other companies, paying normally
LOOKALIKES = [
    ("Müller AG", "CH"),
    ("Mueller GmbH & Co. KG", "DE"),
    ("Müller Söhne GmbH", "DE"),
    ("Schmidt & Co. GmbH", "DE"),
    ("Bauer GmbH & Co. KG", "DE"),
    ("Huber Holzbau GmbH", "AT"),
]

FACTORS = [
    "Deutsche Factoring Bank GmbH & Co. KG",
    "Coface Finanz GmbH",
    "A.B.S. Global Factoring AG",
    "Bibby Financial Services GmbH",
    "Eurofactor GmbH",
    "Taulia Financial Services",
]
UNKNOWN_PAYERS = [
    "Steuerbüro Lindner",
    "Kanzlei Petersen & Partner mbB",
    "Treuhand Sievers GmbH",
    "Hausverwaltung Krone",
    "Ingenieurbüro Tamm",
    "Robert Claassen",
]


# ----------------------------------------------------------------------------------------
# model
# ----------------------------------------------------------------------------------------


@dataclass
class Customer:
    cid: str
    name: str
    country: str
    city: str
    ibans: list[str] = field(default_factory=list)
    currency: str = "EUR"
    parent: str = ""
    items: list[Invoice] = field(default_factory=list)
    excl: bool = False  # reserved by a scenario that needs the whole book stable
    cluster: int = -1


@dataclass
class Invoice:
    number: str
    cust: Customer
    issue: date
    due: date
    currency: str
    total: int  # cents, positive (credit notes too)
    series: str
    year: int
    serial: int
    kind: str = "invoice"
    disc_pct: int = 0
    disc_days: int = 0
    order_ref: str = ""
    used: bool = False

    @property
    def signed(self) -> int:
        return -self.total if self.kind == "credit_note" else self.total


@dataclass
class Tx:
    scenario: str
    amount: int
    currency: str
    value: date
    kind: str = "customer"  # customer | trap | nc
    payer_name: str = ""
    payer_iban: str = ""
    ultimate: str = ""
    text: str = ""
    e2e: str = "NOTPROVIDED"
    kref: str = ""
    layout: str = "one"
    truth: list[tuple[str, int, str]] = field(default_factory=list)
    allow_on_account: bool = False
    domain: tuple[str, str, str] = ("PMNT", "RCDT", "ESCT")
    prtry: str = "NTRF+166+00931"
    reversal: bool = False
    instd: int = 0
    charges: int = 0
    batch: int = -1
    ref: str = ""
    ustrd: list[str] = field(default_factory=list)
    debit: bool = False

    @property
    def account(self) -> str:
        return self.currency

    def remittance(self) -> str:
        return " | ".join(self.ustrd)


# ----------------------------------------------------------------------------------------
# generator
# ----------------------------------------------------------------------------------------

CUSTOMER_SHARES = [
    ("exact_ref", 28),
    ("ref_variant", 13),
    ("typo", 4),
    ("multi_list", 6),
    ("list_cut140", 2),
    ("single_no_ref", 5),
    ("sum_no_ref", 3),
    ("skonto", 6),
    ("skonto_late", 2),
    ("bank_charges", 3),
    ("deduction_explained", 2),
    ("credit_note_netted", 2),
    ("part_payment", 3),
    ("overpayment", 2),
    ("duplicate", 1.5),
    ("advance", 1.5),
    ("parent_pays", 2),
    ("factor_pays", 1.5),
    ("po_number", 2),
    ("namesake_known_iban", 1),
    ("namesake_unique_amount", 1),
    ("wrong_customer_ref", 1),
    ("fifo_recurring", 2),
]
TRAP_PER_5000 = {
    "trap_namesakes": 50,
    "trap_fifo_namesakes": 20,
    "trap_typo_two_customers": 50,
    "trap_wrong_ref_both": 30,
    "trap_chf_for_eur": 30,
    "trap_eur_for_chf": 15,
    "trap_before_issue": 45,
    "trap_deposit_refund": 30,
}
NC_PER_5000 = {
    "nc_tax_refund": 45,
    "nc_interest": 12,
    "nc_card_acquirer": 90,
    "nc_supplier_credit": 50,
    "nc_salary_return": 25,
    "nc_insurance": 30,
    "nc_cash_pool": 25,
    "nc_own_transfer": 12,
}


class Generator:
    def __init__(self, payments: int, seed: int) -> None:
        self.n_pay = payments
        self.rng = random.Random(seed)
        self.np = np.random.default_rng(seed)
        self.customers: list[Customer] = []
        self.invoices: list[Invoice] = []
        self.txs: list[Tx] = []
        self.serials: set[tuple[str, int, int]] = set()
        self.by_number: dict[str, Invoice] = {}
        self.serial_index: dict[int, list[Invoice]] = defaultdict(list)
        self.days = [
            PERIOD_START + timedelta(d) for d in range(30) if (PERIOD_START + timedelta(d)).weekday() < 5
        ]
        self.eur_iban = make_iban("DE", "70050000" + "0012345678")
        self.chf_iban = make_iban("CH", "00230" + "000123456789")
        self.group_iban = make_iban("DE", "70050000" + "0099887766")
        self.slots = min(600, max(60, payments // 8))
        self.po_seq = 4500100000 + self.rng.randrange(100000)
        self.clusters: list[list[Customer]] = []
        self.parents: list[tuple[Customer, list[Customer]]] = []

    # -- master data ---------------------------------------------------------------------

    def _wchoice(self, pairs):  # type: ignore[no-untyped-def]
        return self.rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]

    def _new_customer(self, name: str, country: str, city: str, iban: bool = True) -> Customer:
        r = self.rng
        c = Customer(str(10001 + len(self.customers)), name, country, city)
        if iban:
            c.ibans.append(random_iban(r, country))
            if r.random() < 0.12:
                c.ibans.append(random_iban(r, country if r.random() < 0.7 else "DE"))
        if country == "CH" and r.random() < 0.6:
            c.currency = "CHF"
        self.customers.append(c)
        return c

    def make_customers(self) -> None:
        r = self.rng
        n = max(500, int(self.n_pay * 0.4))
        keys: set[str] = set()
        for ci, cl in enumerate(NAMESAKES):
            members = []
            for name, country, city in cl:
                c = self._new_customer(name, country, city)
                c.cluster = ci
                members.append(c)
                keys.add(self._key(name))
            self.clusters.append(members)
        for name, country in LOOKALIKES:
            self._new_customer(name, country, r.choice(CITIES[country]))
            keys.add(self._key(name))
        while len(self.customers) < n:
            country = self._wchoice(COUNTRY_W)
            s = r.choice(SURNAMES[country])
            a = r.choice(ACTIVITY[country])
            form = self._wchoice(FORMS[country])
            if country == "FR":
                name = r.choice([f"{a} {s} {form}", f"{s} {a} {form}", f"Ets {s} et Fils {form}"])
            elif country == "PL":
                name = r.choice([f"{s} {a} {form}", f"P.P.H.U. {s}-{a} {form}", f"Zakład {a} {s} {form}"])
            elif country == "NL":
                name = r.choice([f"{s} {a} {form}", f"{a}bedrijf {s} {form}"])
            else:
                s2 = r.choice(SURNAMES[country])
                name = r.choice([f"{s} {a} {form}", f"{a} {s} {form}", f"{s} & {s2} {a} {form}"])
            k = self._key(name)
            if k in keys:
                continue
            keys.add(k)
            self._new_customer(name, country, r.choice(CITIES[country]), iban=r.random() < 0.9)
        # groups: a holding on file paying for its subsidiaries
        pool = [
            c for c in self.customers if c.cluster < 0 and c.country in ("DE", "AT") and c.currency == "EUR"
        ]
        r.shuffle(pool)
        for g in range(max(8, n // 60)):
            subs = pool[g * 3 : g * 3 + r.choice([2, 3])]
            s = r.choice(SURNAMES["DE"])
            hname = (
                f"{s} {r.choice(['Holding GmbH', 'Gruppe AG', 'Beteiligungs GmbH', 'Industrie Holding SE'])}"
            )
            if self._key(hname) in keys:
                continue
            keys.add(self._key(hname))
            h = self._new_customer(hname, "DE", r.choice(CITIES["DE"]))
            for sc in subs:
                sc.parent = h.cid
            self.parents.append((h, subs))

    @staticmethod
    def _key(name: str) -> str:
        return translit(name).lower().replace(".", "").replace(" ", "")

    # -- invoices ------------------------------------------------------------------------

    def _serial(self, series: str, year: int, issue: date) -> int:
        r = self.rng
        day = (issue - date(year, 1, 1)).days
        for _ in range(1000):
            if series == "RE":
                slots = 60 if year == 2025 else self.slots
                s = day * slots + r.randrange(slots) + 1
            elif series == "GS":
                s = day * 30 + r.randrange(30) + 1
            else:
                base = 70000 if series == "N" else 80000
                s = base + day * 100 + r.randrange(100)
            if (series, year, s) not in self.serials:
                self.serials.add((series, year, s))
                return s
        raise RuntimeError("serial space exhausted")

    def add_invoice(
        self,
        c: Customer,
        total: int,
        issue: date,
        *,
        kind: str = "invoice",
        currency: str = "",
        series: str = "",
        terms: int = 0,
        disc: tuple[int, int] = (0, 0),
        po: str | None = None,
    ) -> Invoice:
        r = self.rng
        year = issue.year
        if not series:
            series = (
                "GS"
                if kind == "credit_note"
                else ("RE" if year == 2025 else self._wchoice([("RE", 85), ("N", 10), ("R", 5)]))
            )
        serial = self._serial(series, year, issue)
        if series == "RE":
            number = f"RE-{year}-{serial:05d}"
        elif series == "GS":
            number = f"GS-{year}-{serial:05d}"
        elif series == "N":
            number = f"{year}-{serial:05d}"
        else:
            number = f"R{year % 100:02d}{serial:05d}"
        terms = terms or r.choice([14, 30, 30, 30, 45, 60])
        if po is None and kind == "invoice" and c.country in ("DE", "AT", "CH") and r.random() < 0.35:
            self.po_seq += r.randrange(1, 40)
            po = str(self.po_seq)
        inv = Invoice(
            number,
            c,
            issue,
            issue + timedelta(terms),
            currency or c.currency,
            total,
            series,
            year,
            serial,
            kind,
            disc[0],
            disc[1],
            po or "",
        )
        c.items.append(inv)
        self.invoices.append(inv)
        self.by_number[number] = inv
        self.serial_index[serial].append(inv)
        return inv

    def rand_amount(self, lo: int = 2000, hi: int = 8_000_000) -> int:
        for _ in range(50):
            v = round(float(self.np.lognormal(np.log(90000), 1.0)))
            if lo <= v <= hi:
                return v
        return self.rng.randrange(lo, hi)

    def rand_issue(self) -> date:
        r = self.rng.random()
        if r < 0.12:
            return date(2025, 9, 1) + timedelta(self.rng.randrange(122))
        if r < 0.40:
            return date(2026, 1, 2) + timedelta(self.rng.randrange(44))
        return date(2026, 2, 15) + timedelta(self.rng.randrange(44))

    def make_book(self, target: int, top_up: bool = False) -> None:
        r = self.rng
        while len(self.invoices) < target:
            c = r.choice(self.customers)
            if top_up and (c.excl or c.cluster >= 0):
                continue
            if r.random() < 0.025:
                self.add_invoice(c, self.rand_amount(1000, 300000), self.rand_issue(), kind="credit_note")
            else:
                self.add_invoice(c, self.rand_amount(), self.rand_issue())

    # -- helpers for scenarios ------------------------------------------------------------

    def day(self, lo: int = 0) -> date:
        return self.rng.choice(self.days[lo:])

    def amounts_of(self, c: Customer, currency: str | None = None) -> Counter[int]:
        return Counter(i.signed for i in c.items if currency is None or i.currency == currency)

    def free_items(self, c: Customer, value: date, currency: str | None = None) -> list[Invoice]:
        return [
            i
            for i in c.items
            if not i.used
            and i.kind == "invoice"
            and i.issue < value
            and (currency is None or i.currency == currency)
        ]

    def pick(
        self,
        value: date,
        *,
        country: tuple[str, ...] = (),
        excl_ok: bool = False,
        unique: bool = True,
        currency: str | None = None,
        cond=None,
    ) -> Invoice:  # type: ignore[no-untyped-def]
        r = self.rng
        for _ in range(2000):
            c = r.choice(self.customers)
            if (c.excl and not excl_ok) or c.cluster >= 0 or (country and c.country not in country):
                continue
            cands = self.free_items(c, value, currency)
            if not cands:
                continue
            inv = r.choice(cands)
            if unique and self.amounts_of(c)[inv.signed] > 1:
                continue
            if cond is not None and not cond(inv):
                continue
            inv.used = True
            return inv
        raise RuntimeError("no invoice to pick")

    def payer(self, c: Customer, known: float = 0.85) -> tuple[str, str]:
        r = self.rng
        iban = r.choice(c.ibans) if c.ibans and r.random() < known else random_iban(r, c.country)
        return self.bank_name(c), iban

    def bank_name(self, c: Customer, city: bool = True) -> str:
        r = self.rng
        n = c.name
        x = r.random()
        if x < 0.40:
            out = n
        elif x < 0.62:
            out = n.upper()
        elif x < 0.80:
            out = translit(n).upper()
        elif x < 0.90 and city and c.cluster < 0:
            out = f"{n} {c.city}"
        else:
            out = n.replace(" & Co. KG", " u. Co. KG").replace(" & Co KG", " + Co KG")
        return out[:70]

    def written(self, inv: Invoice, style: str = "any") -> str:
        """How a payer writes one of our numbers."""
        r = self.rng
        y, s = inv.year, inv.serial
        if style == "exact":
            return inv.number
        if inv.series == "RE":
            opts = [
                f"RE{y}-{s:05d}",
                f"RE {y}-{s:05d}",
                f"RE{y}{s:05d}",
                f"{y}-{s:05d}",
                f"{y}{s:05d}",
                f"Rg. {y}-{s:05d}",
                f"Rg.-Nr. {s}",
                f"Rechnung {s:05d}",
                f"Rechnung Nr. {y}/{s:05d}",
                f"Facture n° {y}-{s:05d}",
                f"Facture RE{y}{s:05d}",
                f"Faktura RE/{y}/{s:05d}",
                f"FV/{y}/{s:05d}",
                f"Factuur RE-{y}-{s:05d}",
                f"Re.Nr. {s}",
            ]
        elif inv.series == "N":
            opts = [f"{y}/{s}", f"Rg. {s}", f"{y}{s}", f"Rechnung {y} {s}", f"Facture {y}-{s}", f"FV/{y}/{s}"]
        elif inv.series == "GS":
            opts = [f"GS {y}-{s:05d}", f"Gutschrift {s:05d}", f"GS{y}{s:05d}"]
        else:
            opts = [
                f"R {y % 100:02d}{s:05d}",
                f"R-{y % 100:02d}{s:05d}",
                f"{y % 100:02d}{s:05d}",
                f"Rg. R{y % 100:02d}{s:05d}",
            ]
        return r.choice(opts)

    def number_exists(self, serial: int) -> bool:
        return serial in self.serial_index

    def noise(self, c: Customer, inv: Invoice | None = None) -> list[str]:
        r = self.rng
        out = []
        if r.random() < 0.3:
            out.append(
                r.choice([f"Kd-Nr. {c.cid}", f"Kundennr. {c.cid}", f"KD {c.cid}", f"N° client {c.cid}"])
            )
        if inv is not None and inv.order_ref and r.random() < 0.4:
            out.append(
                r.choice([f"Bestellnr. {inv.order_ref}", f"Best. {inv.order_ref}", f"PO {inv.order_ref}"])
            )
        if r.random() < 0.15:
            out.append(f"LS 8{_d(r, 7)}")
        if inv is not None and r.random() < 0.3:
            out.append(f"vom {inv.issue.strftime('%d.%m.%Y')}")
        return out

    def compose(self, core: str, extra: list[str], lead: str = "") -> str:
        r = self.rng
        parts = [p for p in [lead, core] if p]
        for e in extra:
            if len(" ".join([*parts, e])) <= 140:
                parts.insert(r.randrange(len(parts) + 1) if r.random() < 0.3 else len(parts), e)
        text = " ".join(parts)
        assert len(text) <= 140, text
        return text

    def e2e(self, inv: Invoice | None) -> str:
        r = self.rng
        x = r.random()
        if x < 0.35 or inv is None:
            return "NOTPROVIDED" if x < 0.7 else f"ZV{_d(r, 13)}"
        if x < 0.6:
            return inv.number
        return r.choice([f"ZV{_d(r, 13)}", f"51{_d(r, 8)}", f"PAYRUN-{_d(r, 6)}-{_d(r, 3)}"])

    def add_tx(self, t: Tx) -> Tx:
        r = self.rng
        if t.layout == "one":
            t.layout = self._wchoice([("one", 35), ("split35", 30), ("sepa35", 25), ("words", 10)])
        if not t.kref and t.kind != "nc" and r.random() < 0.15:
            t.kref = f"{_d(r, 10)}"
        self.txs.append(t)
        return t

    def lead(self, c: Customer, multi: bool = False) -> str:
        r = self.rng
        lang = LANG[c.country]
        if r.random() < 0.5:
            return ""
        words = {
            "de": ["Rechnung", "Rechnungsausgleich", "Zahlung", "Re."]
            if not multi
            else ["Rechnungen", "Ausgleich", "Zahlung"],
            "fr": ["Règlement", "Paiement", "Virement"],
            "pl": ["Zapłata za", "Płatność", "Przelew"],
            "nl": ["Betaling", "Betaling factuur"],
        }[lang]
        return r.choice(words)

    # -- customer scenarios -----------------------------------------------------------------

    def sc_exact_ref(self, scen: str = "exact_ref") -> None:
        v = self.day()
        inv = self.pick(v)
        c = inv.cust
        name, iban = self.payer(c, 0.8)
        core = self.written(inv, "exact" if scen == "exact_ref" else "any")
        text = self.compose(core, self.noise(c, inv), self.lead(c))
        e2e = (
            self.e2e(inv)
            if scen == "exact_ref"
            else self.rng.choice(["NOTPROVIDED", f"ZV{_d(self.rng, 13)}"])
        )
        self.add_tx(
            Tx(
                scen,
                inv.total,
                inv.currency,
                v,
                payer_name=name,
                payer_iban=iban,
                text=text,
                e2e=e2e,
                truth=[(inv.number, inv.total, "invoice")],
            )
        )

    def sc_ref_variant(self) -> None:
        self.sc_exact_ref("ref_variant")

    def sc_typo(self) -> None:
        r = self.rng
        v = self.day()
        for _ in range(200):
            inv = self.pick(v, cond=lambda i: i.series == "RE" and bool(i.cust.ibans))
            s = f"{inv.serial:05d}"
            kind = r.choice(["sub", "swap", "drop"])
            pos = r.randrange(1, 5)
            if kind == "sub":
                t = s[:pos] + r.choice([d for d in "0123456789" if d != s[pos]]) + s[pos + 1 :]
            elif kind == "swap" and s[pos] != s[pos - 1]:
                t = s[: pos - 1] + s[pos] + s[pos - 1] + s[pos + 1 :]
            else:
                t = s[:pos] + s[pos + 1 :]
            if t == s or self.number_exists(int(t)) or len(t.lstrip("0")) < 4:
                inv.used = False
                continue
            break
        else:
            return
        c = inv.cust
        core = r.choice([f"RE-{inv.year}-{t}", f"RE{inv.year}{t}", f"Rechnung {inv.year}-{t}", f"Rg. {t}"])
        text = self.compose(core, self.noise(c, None), self.lead(c))
        self.add_tx(
            Tx(
                "typo",
                inv.total,
                inv.currency,
                v,
                payer_name=self.bank_name(c),
                payer_iban=r.choice(c.ibans),
                text=text,
                truth=[(inv.number, inv.total, "invoice")],
            )
        )

    def _list_text(self, items: list[Invoice], c: Customer) -> str:
        r = self.rng
        style = r.randrange(6)
        ss = [i.serial for i in items]
        if style == 0:
            body = ", ".join(i.number for i in items)
        elif style == 1 and all(i.series == "RE" for i in items):
            body = "RE " + ", ".join(str(s) for s in ss[:-1]) + f" u. {ss[-1]}"
        elif style == 2:
            body = " ".join(self.written(i) for i in items)
        elif style == 3 and all(i.series == "RE" and i.year == items[0].year for i in items):
            body = f"Rechnungen {items[0].year}-" + "/".join(f"{s:05d}" for s in ss)
        elif style == 4:
            body = "Factures " + ", ".join(i.number for i in items[:-1]) + f" et {items[-1].number}"
        else:
            body = " + ".join(i.number for i in items)
        return body

    def sc_multi_list(self) -> None:
        r = self.rng
        v = self.day(2)
        for _ in range(500):
            c = r.choice(self.customers)
            if c.excl or c.cluster >= 0:
                continue
            free = self.free_items(c, v)
            k = r.choice([2, 2, 3, 3, 4, 5])
            if len(free) < k:
                continue
            items = sorted(r.sample(free, k), key=lambda i: i.number)
            body = self._list_text(items, c)
            lead = self.lead(c, True)
            if len(f"{lead} {body}") > 140:
                continue
            break
        else:
            return
        for i in items:
            i.used = True
        name, iban = self.payer(c, 0.85)
        total = sum(i.total for i in items)
        text = self.compose(body, self.noise(c), lead)
        self.add_tx(
            Tx(
                "multi_list",
                total,
                c.currency,
                v,
                payer_name=name,
                payer_iban=iban,
                text=text,
                truth=[(i.number, i.total, "invoice") for i in items],
            )
        )

    def fresh_customer(
        self, country: tuple[str, ...] = (), currency: str = "EUR", need_iban: bool = True
    ) -> Customer:
        r = self.rng
        for _ in range(5000):
            c = r.choice(self.customers)
            if c.excl or c.cluster >= 0 or c.currency != currency or (need_iban and not c.ibans):
                continue
            if country and c.country not in country:
                continue
            if any(i.used for i in c.items):
                continue
            c.excl = True
            return c
        raise RuntimeError("no fresh customer")

    def sc_list_cut140(self) -> None:
        r = self.rng
        v = self.day(8)
        c = self.fresh_customer(("DE", "AT"))
        base = v - timedelta(r.randrange(20, 50))
        pool = [
            self.add_invoice(
                c, self.rand_amount(3000, 90000), base + timedelta(j * 2 // 3), series="RE", po=""
            )
            for j in range(15)
        ]
        pool.sort(key=lambda i: i.number)
        sep = r.choice([", ", " ", "; ", "/"])
        lead = r.choice(["Rechnungen ", "RG ", ""])
        # the payer lists k items; its bank cuts the text at 140, one to three items entirely lost
        for k in range(6, 16):
            full = lead + sep.join(i.number for i in pool[:k])
            starts = [
                len(lead + sep.join(i.number for i in pool[:j])) + (len(sep) if j else 0) for j in range(k)
            ]
            lost = sum(1 for st in starts if st >= 140)
            if 1 <= lost <= 3 and len(full) > 140:
                break
        else:
            return
        items = pool[:k]
        for i in [i for i in c.items if i.kind == "invoice" and i.number > items[-1].number]:
            i.issue = v + timedelta(r.randrange(1, 10))  # the customer's later items: not issued yet
            i.due = i.issue + timedelta(30)
        for i in items:
            i.used = True
        self.add_tx(
            Tx(
                "list_cut140",
                sum(i.total for i in items),
                c.currency,
                v,
                payer_name=self.bank_name(c),
                payer_iban=c.ibans[0],
                text=full[:140],
                truth=[(i.number, i.total, "invoice") for i in items],
            )
        )

    def _subset_unique(self, c: Customer, chosen: list[Invoice], value: date) -> bool:
        target = sum(i.signed for i in chosen)
        items = [i for i in c.items if i.issue < value and i.currency == chosen[0].currency]
        k = len(chosen)
        for size in range(1, k + 1):
            hits = sum(1 for comb in combinations(items, size) if sum(i.signed for i in comb) == target)
            if size < k and hits:
                return False
            if size == k and hits != 1:
                return False
        return True

    def sc_sum_no_ref(self, k: int | None = None, scen: str = "sum_no_ref") -> None:
        r = self.rng
        v = self.day(3)
        for _ in range(300):
            c = self.fresh_customer()
            k2 = k or r.choice([2, 2, 3])
            items = [i for i in c.items if i.kind == "invoice" and i.issue < v and len(c.items) <= 16]
            if len(items) < k2:
                c.excl = False
                continue
            chosen = r.sample(items, k2)
            if not self._subset_unique(c, chosen, v):
                c.excl = False
                continue
            break
        else:
            return
        for i in chosen:
            i.used = True
        text = r.choice(
            [
                "",
                "",
                "Zahlung",
                "Ausgleich offene Posten",
                "Rechnungsausgleich",
                "lt. Zahlungsavis per E-Mail",
                "Überweisung",
                "Paiement",
                "Płatność",
                "Betaling",
            ]
        )
        self.add_tx(
            Tx(
                scen,
                sum(i.total for i in chosen),
                c.currency,
                v,
                payer_name=self.bank_name(c),
                payer_iban=r.choice(c.ibans),
                text=text,
                e2e=r.choice(["NOTPROVIDED", f"ZV{_d(r, 13)}"]),
                truth=[(i.number, i.total, "invoice") for i in chosen],
            )
        )

    def sc_single_no_ref(self) -> None:
        self.sc_sum_no_ref(1, "single_no_ref")

    def sc_skonto(self, late: bool = False) -> None:
        r = self.rng
        v = self.day(3)
        for _ in range(100):
            c = r.choice(self.customers)
            if c.excl or c.cluster >= 0 or c.country not in ("DE", "AT", "CH", "NL"):
                continue
            break
        pct, days = r.choice([(2, 10), (2, 10), (3, 14), (2, 14)])
        if late:
            total = self.rand_amount(250000, 3_000_000)
            issue = v - timedelta(days + r.randrange(14, 30))
        else:
            total = self.rand_amount(5000, 3_000_000)
            issue = v - timedelta(r.randrange(1, days + 1))
        if self.amounts_of(c)[total]:
            return
        inv = self.add_invoice(c, total, issue, disc=(pct, days))
        inv.used = True
        disc = (total * pct + 50) // 100
        paid = total - disc
        if self.amounts_of(c)[paid]:
            inv.used = False
            return
        name, iban = self.payer(c, 0.85)
        extra = self.noise(c, inv)
        if not late and r.random() < 0.4:
            extra.append(r.choice([f"abzgl. {pct}% Skonto", f"Skonto {fmt_de(disc)}", f"./. {pct} % Skonto"]))
        core = self.written(inv, "exact" if r.random() < 0.6 else "any")
        text = self.compose(core, extra, self.lead(c))
        truth = (
            [(inv.number, paid, "invoice")]
            if late
            else [(inv.number, total, "invoice"), (inv.number, -disc, "deduction")]
        )
        self.add_tx(
            Tx(
                "skonto_late" if late else "skonto",
                paid,
                c.currency,
                v,
                payer_name=name,
                payer_iban=iban,
                text=text,
                e2e=self.e2e(inv),
                truth=truth,
            )
        )

    def sc_skonto_late(self) -> None:
        self.sc_skonto(True)

    def sc_bank_charges(self) -> None:
        r = self.rng
        v = self.day()
        inv = self.pick(
            v, country=("CH", "PL"), currency="EUR", cond=lambda i: i.total > 20000 and not i.disc_pct
        )
        c = inv.cust
        ch = r.choice([500, 750, 1000, 1200, 1500, 1750, 2000, 2250])
        name, iban = self.payer(c, 0.8)
        text = self.compose(
            self.written(inv, "exact" if r.random() < 0.7 else "any"), self.noise(c, inv), self.lead(c)
        )
        self.add_tx(
            Tx(
                "bank_charges",
                inv.total - ch,
                "EUR",
                v,
                payer_name=name,
                payer_iban=iban,
                text=text,
                e2e=self.e2e(inv),
                truth=[(inv.number, inv.total, "invoice"), (inv.number, -ch, "deduction")],
                domain=("PMNT", "RCDT", "XBCT"),
                prtry="NTRF+202+00931",
                instd=inv.total,
                charges=ch,
            )
        )

    def sc_deduction_explained(self) -> None:
        r = self.rng
        v = self.day()
        inv = self.pick(v, cond=lambda i: i.total > 30000 and not i.disc_pct)
        c = inv.cust
        ded = r.choice([12000, 8550, 6420, 23000, 4500, r.randrange(3000, inv.total // 3)])
        if self.amounts_of(c)[ded] or self.amounts_of(c)[-ded]:
            inv.used = False
            return
        label = r.choice(
            [
                f"minus Mängelrüge {fmt_de(ded)}",
                f"abzgl. Gutschrift lt. Absprache {fmt_de(ded)}",
                f"abzgl. Transportschaden {fmt_de(ded)} EUR",
                f"./. Retoure {fmt_de(ded)}",
                f"Kürzung Minderlieferung {fmt_de(ded)}",
            ]
        )
        text = self.compose(f"{self.written(inv, 'exact')} {label}", self.noise(c), "")
        name, iban = self.payer(c, 0.85)
        self.add_tx(
            Tx(
                "deduction_explained",
                inv.total - ded,
                inv.currency,
                v,
                payer_name=name,
                payer_iban=iban,
                text=text,
                truth=[(inv.number, inv.total, "invoice"), (inv.number, -ded, "deduction")],
            )
        )

    def sc_credit_note_netted(self) -> None:
        r = self.rng
        v = self.day()
        inv = self.pick(v, cond=lambda i: i.total > 20000)
        c = inv.cust
        cn_amt = r.randrange(1000, inv.total // 2)
        cn = self.add_invoice(
            c, cn_amt, v - timedelta(r.randrange(2, 30)), kind="credit_note", currency=inv.currency
        )
        cn.used = True
        text = self.compose(
            r.choice(
                [
                    f"{inv.number} abzgl. {cn.number}",
                    f"{self.written(inv)} ./. Gutschrift {cn.number}",
                    f"{inv.number} minus {self.written(cn)}",
                    f"{inv.number} {cn.number}",
                ]
            ),
            self.noise(c),
            "",
        )
        name, iban = self.payer(c, 0.85)
        self.add_tx(
            Tx(
                "credit_note_netted",
                inv.total - cn_amt,
                inv.currency,
                v,
                payer_name=name,
                payer_iban=iban,
                text=text,
                truth=[(inv.number, inv.total, "invoice"), (cn.number, -cn_amt, "invoice")],
            )
        )

    def sc_part_payment(self) -> None:
        r = self.rng
        v = self.day()
        inv = self.pick(v, cond=lambda i: i.total > 40000)
        c = inv.cust
        paid = int(inv.total * r.uniform(0.25, 0.7))
        if self.amounts_of(c)[paid]:
            paid += 1
        lead = r.choice(
            ["Teilzahlung", "1. Rate", "Abschlag", "Teilbetrag", "Acompte", "Częściowa płatność", ""]
        )
        text = self.compose(
            f"{lead} {self.written(inv, 'exact' if r.random() < 0.6 else 'any')}".strip(), self.noise(c), ""
        )
        name, iban = self.payer(c, 0.85)
        self.add_tx(
            Tx(
                "part_payment",
                paid,
                inv.currency,
                v,
                payer_name=name,
                payer_iban=iban,
                text=text,
                truth=[(inv.number, paid, "invoice")],
            )
        )

    def _excess_ok(self, c: Customer, excess: int) -> bool:
        vals = [i.signed for i in c.items]
        if excess in vals:
            return False
        for k in (2, 3):
            if len(vals) <= 18 and any(sum(comb) == excess for comb in combinations(vals, k)):
                return False
        return True

    def sc_overpayment(self) -> None:
        r = self.rng
        v = self.day()
        inv = self.pick(v)
        c = inv.cust
        excess = r.choice([10000, 5000, 2500, r.randrange(3000, 50000)])
        if not self._excess_ok(c, excess) or self.amounts_of(c)[inv.total + excess]:
            inv.used = False
            return
        text = self.compose(self.written(inv, "exact"), self.noise(c), self.lead(c))
        name, iban = self.payer(c, 0.9)
        self.add_tx(
            Tx(
                "overpayment",
                inv.total + excess,
                inv.currency,
                v,
                payer_name=name,
                payer_iban=iban,
                text=text,
                truth=[(inv.number, inv.total, "invoice"), ("", excess, "on_account")],
            )
        )

    def sc_duplicate(self) -> None:
        r = self.rng
        v = self.day()
        di = self.days.index(v)
        if di > len(self.days) - 3:
            v = self.days[-4]
            di = len(self.days) - 4
        inv = self.pick(v)
        c = inv.cust
        if self.amounts_of(c)[inv.total] > 1:
            return
        text = self.compose(self.written(inv, "exact"), self.noise(c), self.lead(c))
        name, iban = self.payer(c, 0.9)
        e2e = self.e2e(inv)
        self.add_tx(
            Tx(
                "exact_ref",
                inv.total,
                inv.currency,
                v,
                payer_name=name,
                payer_iban=iban,
                text=text,
                e2e=e2e,
                truth=[(inv.number, inv.total, "invoice")],
            )
        )
        v2 = self.days[min(len(self.days) - 1, di + r.randrange(1, 4))]
        self.add_tx(
            Tx(
                "duplicate",
                inv.total,
                inv.currency,
                v2,
                payer_name=name,
                payer_iban=iban,
                text=text,
                e2e=e2e,
                truth=[("", inv.total, "on_account")],
            )
        )

    def sc_advance(self) -> None:
        r = self.rng
        v = self.day()
        c = self.fresh_customer()
        amt = r.choice([100000, 250000, 500000, 150000, 300000]) + r.choice([0, 0, 1900, 4750])
        if not self._excess_ok(c, amt):
            return
        text = r.choice(
            [
                f"Anzahlung Auftrag AB-{_d(r, 6)}",
                f"Anzahlung lt. AB {_d(r, 5)} vom {(v - timedelta(9)).strftime('%d.%m.%Y')}",
                f"Vorauszahlung Bestellung {4500000000 + r.randrange(10**6)}",
                "Anzahlung 30% Auftrag Sondermaschine",
                f"Acompte commande {_d(r, 6)}",
            ]
        )
        self.add_tx(
            Tx(
                "advance",
                amt,
                c.currency,
                v,
                payer_name=self.bank_name(c),
                payer_iban=c.ibans[0],
                text=text,
                truth=[("", amt, "on_account")],
            )
        )

    def sc_parent_pays(self) -> None:
        r = self.rng
        v = self.day(2)
        h, subs = r.choice(self.parents)
        items = []
        for sc in r.sample(subs, min(len(subs), r.choice([1, 2, 2]))):
            free = [i for i in self.free_items(sc, v) if self.amounts_of(sc)[i.total] == 1]
            if free:
                items.append(r.choice(free))
        if not items:
            return
        for i in items:
            i.used = True
        body = self._list_text(items, h) if len(items) > 1 else self.written(items[0], "exact")
        text = self.compose(
            body, [f"für {items[0].cust.name}"[:40]] if r.random() < 0.3 else [], self.lead(h, len(items) > 1)
        )
        ult = items[0].cust.name if r.random() < 0.4 else ""
        self.add_tx(
            Tx(
                "parent_pays",
                sum(i.total for i in items),
                "EUR",
                v,
                payer_name=self.bank_name(h),
                payer_iban=h.ibans[0],
                ultimate=ult,
                text=text,
                truth=[(i.number, i.total, "invoice") for i in items],
            )
        )

    def sc_factor_pays(self) -> None:
        r = self.rng
        v = self.day()
        inv = self.pick(v, currency="EUR", cond=lambda i: self.by_number[i.number] is i)
        c = inv.cust
        f = r.choice(FACTORS)
        text = self.compose(
            inv.number,
            [f"Debitor {c.name}"[:50]] if r.random() < 0.4 else [f"Kd {c.cid}"] if r.random() < 0.2 else [],
            r.choice(["", "Zahlung fuer", "Payment inv"]),
        )
        self.add_tx(
            Tx(
                "factor_pays",
                inv.total,
                "EUR",
                v,
                payer_name=f,
                payer_iban=random_iban(r, "DE"),
                ultimate=c.name if r.random() < 0.5 else "",
                text=text,
                e2e=r.choice(["NOTPROVIDED", inv.number]),
                truth=[(inv.number, inv.total, "invoice")],
            )
        )

    def sc_po_number(self) -> None:
        r = self.rng
        v = self.day()
        pos = Counter(i.order_ref for i in self.invoices if i.order_ref)
        inv = self.pick(v, cond=lambda i: bool(i.order_ref) and pos[i.order_ref] == 1)
        c = inv.cust
        name, iban = self.payer(c, 0.8)
        text = self.compose(
            r.choice(
                [
                    f"Bestellnr. {inv.order_ref}",
                    f"Bestellung {inv.order_ref}",
                    f"PO {inv.order_ref}",
                    f"Ihre Lieferung zu Best.-Nr. {inv.order_ref}",
                ]
            ),
            [],
            "",
        )
        self.add_tx(
            Tx(
                "po_number",
                inv.total,
                inv.currency,
                v,
                payer_name=name,
                payer_iban=iban,
                text=text,
                truth=[(inv.number, inv.total, "invoice")],
            )
        )

    def _namesake_items(
        self, cl: list[Customer], amount: int, holders: list[Customer], v: date, recurring: bool = False
    ) -> list[Invoice]:
        out = []
        for c in holders:
            if recurring:
                for m in range(r_n := self.rng.choice([2, 3])):
                    d = date(2026, 3 - (r_n - 1 - m), 1) if 3 - (r_n - 1 - m) >= 1 else date(2025, 12, 1)
                    out.append(self.add_invoice(c, amount, d, series="RE", terms=14, po=""))
            else:
                out.append(self.add_invoice(c, amount, v - timedelta(self.rng.randrange(5, 40)), po=""))
        for i in out:
            i.used = True
        return out

    def _namesake_amount(self, cl: list[Customer]) -> int:
        for _ in range(100):
            a = self.rand_amount(5000, 500000)
            if all(not self.amounts_of(c)[a] for c in cl):
                return a
        raise RuntimeError("no amount")

    def sc_namesake(self, scen: str) -> None:
        r = self.rng
        v = self.day(2)
        cl = r.choice(self.clusters)
        # same name modulo transliteration
        a, b = r.sample(cl, 2)
        amt = self._namesake_amount(cl)
        known = scen == "namesake_known_iban"
        trap = scen.startswith("trap")
        if scen == "trap_fifo_namesakes":
            items = self._namesake_items(cl, amt, [a, b], v, recurring=True)
        elif trap or (known and r.random() < 0.5):
            items = self._namesake_items(cl, amt, [a, b], v)
        else:
            items = self._namesake_items(cl, amt, [a], v)
        own = sorted((i for i in items if i.cust is a), key=lambda i: (i.due, i.issue, i.number))
        x = r.random()
        name = a.name if x < 0.4 else a.name.upper() if x < 0.7 else translit(a.name).upper()
        iban = a.ibans[0] if known else random_iban(r, a.country)
        text = (
            r.choice(["", "Zahlung", "Rechnungsausgleich", "Ausgleich", "Überweisung"])
            if scen != "trap_fifo_namesakes"
            else r.choice(["Dauerauftrag Wartungsvertrag", "Miete Maschine", "Wartung Monatsrate", ""])
        )
        self.add_tx(
            Tx(
                scen,
                amt,
                "EUR" if a.currency == "EUR" else a.currency,
                v,
                kind="trap" if trap else "customer",
                payer_name=name,
                payer_iban=iban,
                text=text,
                prtry="NTRF+152+00931" if "fifo" in scen else "NTRF+166+00931",
                truth=[] if trap else [(own[0].number, amt, "invoice")],
            )
        )

    def sc_namesake_known_iban(self) -> None:
        self.sc_namesake("namesake_known_iban")

    def sc_namesake_unique_amount(self) -> None:
        self.sc_namesake("namesake_unique_amount")

    def sc_wrong_customer_ref(self, both: bool = False) -> None:
        v = self.day()
        own = self.pick(v, currency="EUR", cond=lambda i: bool(i.cust.ibans))
        other = self.pick(v, currency="EUR", cond=lambda i: i.cust is not own.cust and i.total != own.total)
        if both:
            other.total = own.total  # the other customer's item has the same amount
            if self.amounts_of(other.cust)[own.total] > 1:
                other.total += 1
                own.used = other.used = False
                return
        c = own.cust
        text = self.compose(self.written(other, "exact"), self.noise(c), self.lead(c))
        self.add_tx(
            Tx(
                "trap_wrong_ref_both" if both else "wrong_customer_ref",
                own.total,
                "EUR",
                v,
                kind="trap" if both else "customer",
                payer_name=self.bank_name(c),
                payer_iban=c.ibans[0],
                text=text,
                truth=[] if both else [(own.number, own.total, "invoice")],
            )
        )

    def sc_fifo_recurring(self) -> None:
        r = self.rng
        v = self.day(1)
        c = self.fresh_customer()
        amt = r.choice([59500, 119000, 142800, 35700, 89250, self.rand_amount(5000, 300000)])
        if self.amounts_of(c)[amt]:
            return
        n = r.choice([3, 3, 4])
        months = [date(2025, 12, 1), date(2026, 1, 2), date(2026, 2, 2), date(2026, 3, 2)][-n:]
        items = [self.add_invoice(c, amt, d, series="RE", terms=14, po="") for d in months]
        for i in items:
            i.used = True
        oldest = min(items, key=lambda i: (i.due, i.issue, i.number))
        text = r.choice(
            [
                "Dauerauftrag Wartungsvertrag",
                "Wartung Monatsrate",
                "Mietrate Maschine",
                "",
                "Servicevertrag monatlich",
            ]
        )
        self.add_tx(
            Tx(
                "fifo_recurring",
                amt,
                c.currency,
                v,
                payer_name=self.bank_name(c),
                payer_iban=c.ibans[0],
                text=text,
                prtry="NTRF+152+00931",
                truth=[(oldest.number, amt, "invoice")],
            )
        )

    # -- traps ------------------------------------------------------------------------------

    def tr_typo_two_customers(self) -> None:
        r = self.rng
        v = self.day()
        re26 = [
            i
            for i in self.invoices
            if i.series == "RE"
            and i.year == 2026
            and i.kind == "invoice"
            and i.issue < v
            and not i.used
            and i.cust.cluster < 0
        ]
        for _ in range(3000):
            a = r.choice(re26)
            s = f"{a.serial:05d}"
            pos = r.randrange(1, 5)
            t = s[:pos] + r.choice([d for d in "0123456789" if d != s[pos]]) + s[pos + 1 :]
            if self.number_exists(int(t)):
                continue
            others = []
            for p in range(5):
                for d in "0123456789":
                    u = t[:p] + d + t[p + 1 :]
                    if u != t and u != s and int(u) in self.serial_index:
                        others += [
                            i
                            for i in self.serial_index[int(u)]
                            if i.series == "RE"
                            and i.year == 2026
                            and i.cust is not a.cust
                            and i.issue < v
                            and i.kind == "invoice"
                        ]
            if others:
                b = r.choice(others)
                break
        else:
            return
        amt = r.choice([a, b]).total if r.random() < 0.6 else self.rand_amount()
        text = r.choice([f"RE-2026-{t}", f"Rechnung 2026-{t}", f"Rg. {t}", f"RE2026{t}"])
        self.add_tx(
            Tx(
                "trap_typo_two_customers",
                amt,
                a.currency,
                v,
                kind="trap",
                payer_name=r.choice(UNKNOWN_PAYERS),
                payer_iban=random_iban(r, "DE"),
                text=text,
            )
        )

    def tr_cross_currency(self, chf_for_eur: bool) -> None:
        r = self.rng
        v = self.day()
        for _ in range(500):
            c = r.choice([c for c in self.customers if c.country == "CH" and c.cluster < 0])
            want = "EUR" if chf_for_eur else "CHF"
            if chf_for_eur and c.currency == "CHF":
                continue
            cands = (
                [
                    i
                    for i in c.items
                    if not i.used and i.currency == want and i.issue < v and i.kind == "invoice"
                ]
                if want == c.currency
                else []
            )
            if not cands:
                continue
            inv = r.choice(cands)
            break
        else:
            # a Swiss customer invoiced in CHF gets one EUR invoice (or the reverse)
            c = r.choice(
                [c for c in self.customers if c.country == "CH" and c.cluster < 0 and c.currency == "CHF"]
            )
            inv = self.add_invoice(
                c, self.rand_amount(), v - timedelta(20), currency="EUR" if chf_for_eur else "CHF"
            )
        inv.used = True
        pay_ccy = "CHF" if inv.currency == "EUR" else "EUR"
        if r.random() < 0.5:
            amt = inv.total
        else:
            amt = int(inv.total / 1.065) if pay_ccy == "CHF" else int(inv.total * 1.065)
        text = self.compose(
            self.written(inv, "exact" if r.random() < 0.7 else "any"), self.noise(c), self.lead(c)
        )
        name, iban = self.payer(c, 0.8)
        self.add_tx(
            Tx(
                "trap_chf_for_eur" if pay_ccy == "CHF" else "trap_eur_for_chf",
                amt,
                pay_ccy,
                v,
                kind="trap",
                payer_name=name,
                payer_iban=iban,
                text=text,
            )
        )

    def tr_chf_for_eur(self) -> None:
        self.tr_cross_currency(True)

    def tr_eur_for_chf(self) -> None:
        self.tr_cross_currency(False)

    def tr_before_issue(self) -> None:
        r = self.rng
        v = self.day(0)
        if v > self.days[-3]:
            v = self.days[-3]
        c = self.fresh_customer()
        amt = self.rand_amount(10000, 1_000_000)
        if self.amounts_of(c)[amt]:
            return
        inv = self.add_invoice(c, amt, v + timedelta(r.randrange(1, 9)))
        inv.used = True
        text = r.choice(
            ["", "Zahlung", "Vorkasse lt. Proforma", "Vorauszahlung", "Zahlung Auftrag", "Überweisung"]
        )
        self.add_tx(
            Tx(
                "trap_before_issue",
                amt,
                c.currency,
                v,
                kind="trap",
                payer_name=self.bank_name(c),
                payer_iban=c.ibans[0],
                text=text,
                allow_on_account=True,
            )
        )

    def tr_deposit_refund(self) -> None:
        r = self.rng
        v = self.day()
        c = self.fresh_customer(("DE", "AT"))
        amt = r.choice([150000, 250000, 300000, 500000, 120000, 75000])
        if self.amounts_of(c)[amt]:
            return
        if r.random() < 0.5:
            self.add_invoice(c, amt, v - timedelta(r.randrange(5, 40))).used = True
        text = r.choice(
            [
                "Rückzahlung Kaution Mietpaletten",
                "Erstattung Kaution Lagerfläche Halle 3",
                "Rueckerstattung Mietkaution Vertrag 2023/17",
                "Kautionsrückzahlung Leihgebinde",
                "Rückgabe Sicherheitsleistung Mietvertrag",
            ]
        )
        self.add_tx(
            Tx(
                "trap_deposit_refund",
                amt,
                c.currency,
                v,
                kind="trap",
                payer_name=self.bank_name(c),
                payer_iban=c.ibans[0],
                text=text,
            )
        )

    def tr_namesakes(self) -> None:
        self.sc_namesake("trap_namesakes")

    def tr_fifo_namesakes(self) -> None:
        self.sc_namesake("trap_fifo_namesakes")

    def tr_wrong_ref_both(self) -> None:
        self.sc_wrong_customer_ref(True)

    # -- non-customer credits ---------------------------------------------------------------

    def open_amount(self) -> int:
        return self.rng.choice(
            [i for i in self.invoices if i.kind == "invoice" and i.currency == "EUR"]
        ).total

    def nc(self, scen: str) -> None:
        r = self.rng
        v = self.day()
        amt = self.open_amount() if r.random() < 0.35 else self.rand_amount()
        name, iban, text = "", random_iban(r, "DE"), ""
        domain, prtry, rev, ccy = ("PMNT", "RCDT", "ESCT"), "NTRF+166+00931", False, "EUR"
        some_inv = r.choice([i for i in self.invoices if i.series == "RE" and i.kind == "invoice"])
        if scen == "nc_tax_refund":
            name = r.choice(
                [
                    "Finanzamt München",
                    "Finanzamt Nürnberg-Zentral",
                    "Bundeskasse Trier",
                    "Bundeszentralamt für Steuern",
                    "FA Muenchen Abt. Koerperschaften",
                ]
            )
            text = r.choice(
                [
                    f"Erstattung USt {r.randrange(1, 13):02d}/2025 StNr 143/{_d(r, 3)}/{_d(r, 5)}",
                    f"Vorsteuervergütung EU 2025 Az. {_d(r, 7)}",
                    f"KSt-Erstattung 2024 StNr 143/{_d(r, 3)}/{_d(r, 5)}",
                    f"Umsatzsteuer {r.choice(['Jan', 'Feb', 'Q4'])} 2026 Erstattung {_d(r, 10)}",
                ]
            )
        elif scen == "nc_interest":
            name, iban = "", ""
            domain, prtry = ("ACMT", "MCOP", "INTR"), "NTRF+805+00931"
            amt = r.randrange(500, 90000)
            text = r.choice(
                [
                    "Habenzinsen 01.01.2026-28.02.2026",
                    "Zinsgutschrift Tagesgeld",
                    "Abschluss Zinsen 4. Quartal",
                ]
            )
        elif scen == "nc_card_acquirer":
            acq = r.choice(["SumUp", "Adyen", "Stripe", "Worldline"])
            name = {
                "SumUp": "SumUp Payments Limited",
                "Adyen": "Adyen N.V.",
                "Stripe": "Stripe Payments Europe Ltd",
                "Worldline": "Worldline Financial Services (Europe) S.A.",
            }[acq]
            iban = random_iban(r, "NL" if acq == "Adyen" else "DE")
            text = {
                "SumUp": f"SumUp Auszahlung {v.isoformat()} {_d(r, 8)}",
                "Adyen": f"Adyen Payout batch {r.randrange(100, 999)} BrandtShopDE {v.strftime('%Y%m%d')}",
                "Stripe": f"STRIPE PAYOUT po_1{_d(r, 6)}XyZ{_d(r, 4)} BRANDT MASCHINENBAU",
                "Worldline": f"Worldline Abrechnung Terminal {_d(r, 8)} vom {(v - timedelta(1)).strftime('%d.%m.%Y')}",
            }[acq]
        elif scen == "nc_supplier_credit":
            name = r.choice(
                [
                    "Würth Industrie Service GmbH & Co. KG",
                    "Hoffmann Group GmbH",
                    "Festo SE & Co. KG",
                    "Schaeffler Technologies AG & Co. KG",
                    "Igus GmbH",
                    "Rittal GmbH & Co. KG",
                ]
            )
            ref = some_inv.number if r.random() < 0.5 else f"RE-2026-{r.randrange(50000, 99999):05d}"
            if ref == some_inv.number:
                amt = self.rand_amount()
                while amt == some_inv.total:
                    amt += 1
            text = r.choice(
                [
                    f"Gutschrift GS-2026-{r.randrange(5000, 9999):05d} zu Rechnung {ref}",
                    f"Erstattung Überzahlung {ref}",
                    f"Gutschrift zu unserer Rechnung {ref} Kreditor {_d(r, 6)}",
                    f"Bonus 2025 Gutschrift {ref}",
                ]
            )
        elif scen == "nc_salary_return":
            name = r.choice(
                ["Thomas Weber", "Weber, Thomas", "Anna Schulte", "Jürgen Kowalski", "Petra Lindemann"]
            )
            domain, prtry, rev = ("PMNT", "ICDT", "RRTN"), "NTRF+159+00931", r.random() < 0.5
            text = r.choice(
                [
                    "RETOURE SEPA-UEBERWEISUNG Gehalt 02/2026 AC04 Konto erloschen",
                    "Rueckueberweisung Lohn Februar 2026 MS03",
                    "SEPA Rueckgabe Gehalt AC01 IBAN fehlerhaft",
                ]
            )
        elif scen == "nc_insurance":
            name = r.choice(
                [
                    "Allianz Versicherungs-AG",
                    "HDI Global SE",
                    "R+V Allgemeine Versicherung AG",
                    "AXA Versicherung AG",
                ]
            )
            text = r.choice(
                [
                    f"Schadenzahlung Schaden-Nr. {some_inv.year}-{some_inv.serial:05d}-K",
                    f"Beitragserstattung Vertrag 70/{_d(r, 6)}",
                    f"Regulierung Schaden {_d(r, 2)}-{_d(r, 6)} Transport",
                    f"Entschaedigung {some_inv.number.replace('RE', 'SN')}",
                ]
            )
        elif scen == "nc_cash_pool":
            name = "Brandt Holding GmbH"
            iban = self.group_iban
            domain = r.choice([("CAMT", "ACCB", "TOPG"), ("PMNT", "RCDT", "ESCT")])
            text = r.choice(
                [
                    "Cash Pooling Ausgleich Zielsaldo",
                    f"Cash-Pool Top-up {v.strftime('%d.%m.%Y')}",
                    "Konzernverrechnung Liquiditaetsausgleich",
                ]
            )
        elif scen == "nc_own_transfer":
            name = SELLER
            ccy = r.choice(["EUR", "CHF"])
            iban = self.chf_iban if ccy == "EUR" else self.eur_iban
            domain, prtry = ("PMNT", "RCDT", "BOOK"), "NTRF+166+00931"
            text = r.choice(["Übertrag eigenes Konto", "Umbuchung", "Kontouebertrag CHF/EUR"])
        self.add_tx(
            Tx(
                scen,
                amt,
                ccy,
                v,
                kind="nc",
                payer_name=name,
                payer_iban=iban,
                text=text[:140],
                domain=domain,
                prtry=prtry,
                reversal=rev,
            )
        )

    # -- assembly ---------------------------------------------------------------------------

    def generate(self) -> None:
        r = self.rng
        self.make_customers()
        self.make_book(int(self.n_pay * 4.7))
        total_w = sum(w for _, w in CUSTOMER_SHARES)
        plan: list[str] = []
        for name, w in CUSTOMER_SHARES:
            plan += [name] * round(self.n_pay * w / total_w)
        r.shuffle(plan)
        # exclusive scenarios first, while whole books are untouched
        order = {"list_cut140": 0, "sum_no_ref": 0, "single_no_ref": 0, "fifo_recurring": 0, "advance": 0}
        plan.sort(key=lambda s: order.get(s, 1))
        traps = [k for k, n in TRAP_PER_5000.items() for _ in range(max(3, round(n * self.n_pay / 5000)))]
        ncs = [k for k, n in NC_PER_5000.items() for _ in range(max(2, round(n * self.n_pay / 5000)))]
        for t in [x for x in traps if x in ("trap_before_issue", "trap_deposit_refund")]:
            getattr(self, "tr_" + t[5:])()
        for s in plan:
            getattr(self, "sc_" + s)()
        for t in [x for x in traps if x not in ("trap_before_issue", "trap_deposit_refund")]:
            getattr(self, "tr_" + t[5:])()
        for n in ncs:
            self.nc(n)
        # top the book up to five open items per payment
        self.make_book(5 * sum(1 for t in self.txs if t.kind == "customer"), top_up=True)
        # a few outgoing payments, not scored
        for d in self.days:
            for _ in range(r.randrange(1, 4)):
                self.txs.append(
                    Tx(
                        "debit",
                        self.rand_amount(),
                        "EUR",
                        d,
                        kind="nc",
                        payer_name="Lieferant " + r.choice(SURNAMES["DE"]),
                        payer_iban=random_iban(r, "DE"),
                        text=f"Rechnung {_d(r, 6)}",
                        debit=True,
                        domain=("PMNT", "ICDT", "ESCT"),
                        prtry="NTRF+116+00931",
                    )
                )
        self.validate()
        self.layout_all()

    def validate(self) -> None:
        """Re-check, over the final book, that each customer scenario's truth stays what it says."""
        bad = []
        for t in self.txs:
            if t.kind != "customer" or t.scenario not in (
                "single_no_ref",
                "sum_no_ref",
                "fifo_recurring",
                "namesake_unique_amount",
            ):
                continue
            invs = [self.by_number[n] for n, _a, k in t.truth if k == "invoice"]
            c = invs[0].cust
            if t.scenario in ("single_no_ref", "sum_no_ref") and not self._subset_unique(c, invs, t.value):
                bad.append(t)
            if t.scenario == "namesake_unique_amount":
                cl = self.clusters[c.cluster]
                if sum(1 for m in cl for i in m.items if i.total == t.amount and i.issue < t.value) != 1:
                    bad.append(t)
        for t in bad:
            self.txs.remove(t)
        self.dropped = len(bad)

    def layout_all(self) -> None:
        r = self.rng
        self.txs.sort(key=lambda t: (t.value, r.random()))
        seq = Counter()
        for t in self.txs:
            seq[t.value] += 1
            t.ref = f"{t.value.strftime('%y%m%d')}{'C' if t.currency == 'CHF' else 'E'}{seq[t.value]:05d}"
            text = t.text
            if t.layout == "one" or not text:
                t.ustrd = [text] if text else []
            elif t.layout == "split35":
                t.ustrd = [text[i : i + 35] for i in range(0, len(text), 35)]
            elif t.layout == "sepa35":
                s = f"EREF+{t.e2e} " + (f"KREF+{t.kref} " if t.kref else "") + f"SVWZ+{text}"
                t.ustrd = [s[i : i + 35] for i in range(0, len(s), 35)]
            else:
                lines, cur = [], ""
                for w in text.split(" "):
                    if cur and len(cur) + 1 + len(w) > 35:
                        lines.append(cur)
                        cur = w
                    else:
                        cur = f"{cur} {w}".strip()
                lines.append(cur)
                t.ustrd = [x[:140] for x in lines]
        # collective entries: a few customer credits of one day and account booked together
        groups: dict[tuple[date, str], list[Tx]] = defaultdict(list)
        for t in self.txs:
            if not t.debit and t.domain == ("PMNT", "RCDT", "ESCT") and t.kind != "nc":
                groups[(t.value, t.currency)].append(t)
        b = 0
        for g in groups.values():
            r.shuffle(g)
            for i in range(0, min(len(g), 12), 4):
                chunk = g[i : i + r.choice([2, 3, 4])]
                if len(chunk) > 1 and r.random() < 0.5:
                    b += 1
                    for t in chunk:
                        t.batch = b

    # -- files ------------------------------------------------------------------------------

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
                    "parent_id",
                    "payment_terms_days",
                ]
            )
            for c in self.customers:
                w.writerow(
                    [
                        c.cid,
                        c.name,
                        c.country,
                        "",
                        ";".join(c.ibans),
                        f"ap{c.cid}@example.com",
                        LANG[c.country],
                        c.parent,
                        30,
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
            for i in sorted(self.invoices, key=lambda i: (i.issue, i.number)):
                w.writerow(
                    [
                        i.number,
                        i.cust.cid,
                        i.issue.isoformat(),
                        i.due.isoformat(),
                        i.currency,
                        fmt_amount(i.total),
                        "",
                        i.kind,
                        CHF_RATE if i.currency == "CHF" else "",
                        i.disc_pct or "",
                        i.disc_days or "",
                        i.order_ref,
                    ]
                )

    def write_truth(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["tx_ref", "invoice_number", "amount", "kind", "scenario", "expect"])
            for t in self.txs:
                if t.debit:
                    continue
                if t.kind == "customer":
                    for n, a, k in t.truth:
                        w.writerow([t.ref, n, fmt_signed(a), k, t.scenario, "applied"])
                else:
                    w.writerow([t.ref, "", fmt_amount(t.amount), "unrelated", t.scenario, "not_applied"])

    def _txdtls(self, t: Tx, ind: str) -> str:
        x = [
            f"<TxDtls><Refs><AcctSvcrRef>{t.ref}</AcctSvcrRef><EndToEndId>{escape(t.e2e)}</EndToEndId></Refs>",
            f'<Amt Ccy="{t.currency}">{fmt_amount(t.amount)}</Amt><CdtDbtInd>{"DBIT" if t.debit else "CRDT"}</CdtDbtInd>',
        ]
        if t.instd:
            x.append(
                f'<AmtDtls><InstdAmt><Amt Ccy="{t.currency}">{fmt_amount(t.instd)}</Amt></InstdAmt>'
                f'<TxAmt><Amt Ccy="{t.currency}">{fmt_amount(t.amount)}</Amt></TxAmt></AmtDtls>'
            )
        d = t.domain
        x.append(
            f"<BkTxCd><Domn><Cd>{d[0]}</Cd><Fmly><Cd>{d[1]}</Cd><SubFmlyCd>{d[2]}</SubFmlyCd></Fmly></Domn>"
            f"<Prtry><Cd>{t.prtry}</Cd><Issr>DK</Issr></Prtry></BkTxCd>"
        )
        if t.charges:
            x.append(
                f'<Chrgs><TtlChrgsAndTaxAmt Ccy="{t.currency}">{fmt_amount(t.charges)}</TtlChrgsAndTaxAmt>'
                f'<Rcrd><Amt Ccy="{t.currency}">{fmt_amount(t.charges)}</Amt><CdtDbtInd>DBIT</CdtDbtInd>'
                "<ChrgInclInd>true</ChrgInclInd><Tp><Cd>COMM</Cd></Tp></Rcrd></Chrgs>"
            )
        if t.payer_name or t.payer_iban:
            p = "<RltdPties>"
            if t.debit:
                p += f"<Cdtr><Pty><Nm>{escape(t.payer_name)}</Nm></Pty></Cdtr><CdtrAcct><Id><IBAN>{t.payer_iban}</IBAN></Id></CdtrAcct>"
            else:
                if t.payer_name:
                    p += f"<Dbtr><Pty><Nm>{escape(t.payer_name)}</Nm></Pty></Dbtr>"
                if t.payer_iban:
                    p += f"<DbtrAcct><Id><IBAN>{t.payer_iban}</IBAN></Id></DbtrAcct>"
                if t.ultimate:
                    p += f"<UltmtDbtr><Pty><Nm>{escape(t.ultimate[:70])}</Nm></Pty></UltmtDbtr>"
            x.append(p + "</RltdPties>")
        if t.ustrd:
            x.append("<RmtInf>" + "".join(f"<Ustrd>{escape(u)}</Ustrd>" for u in t.ustrd) + "</RmtInf>")
        x.append("</TxDtls>")
        return ind + "".join(x)

    def _entry(self, txs: list[Tx], ind: str) -> str:
        t0 = txs[0]
        amt = sum(t.amount for t in txs)
        d = t0.domain
        ref = t0.ref if len(txs) == 1 else f"B{t0.ref}"
        out = [
            f'{ind}<Ntry><NtryRef>{ref}</NtryRef><Amt Ccy="{t0.currency}">{fmt_amount(amt)}</Amt>'
            f"<CdtDbtInd>{'DBIT' if t0.debit else 'CRDT'}</CdtDbtInd>"
            + ("<RvslInd>true</RvslInd>" if t0.reversal else "")
            + f"<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{t0.value}</Dt></BookgDt><ValDt><Dt>{t0.value}</Dt></ValDt>"
            f"<AcctSvcrRef>{ref}</AcctSvcrRef>"
            f"<BkTxCd><Domn><Cd>{d[0]}</Cd><Fmly><Cd>{d[1]}</Cd><SubFmlyCd>{d[2]}</SubFmlyCd></Fmly></Domn>"
            f"<Prtry><Cd>{t0.prtry if len(txs) == 1 else 'NTRF+166+00931'}</Cd><Issr>DK</Issr></Prtry></BkTxCd>"
            "<NtryDtls>"
        ]
        if len(txs) > 1:
            out.append(
                f'<Btch><NbOfTxs>{len(txs)}</NbOfTxs><TtlAmt Ccy="{t0.currency}">{fmt_amount(amt)}</TtlAmt>'
                "<CdtDbtInd>CRDT</CdtDbtInd></Btch>"
            )
        for t in txs:
            out.append(self._txdtls(t, ""))
        addtl = (
            "SEPA Sammelgutschrift"
            if len(txs) > 1
            else {"XBCT": "Auslandsgutschrift", "RRTN": "SEPA Retoure", "INTR": "Abschluss"}.get(
                d[2], "SEPA Gutschrift"
            )
        )
        out.append(f"</NtryDtls><AddtlNtryInf>{addtl}</AddtlNtryInf></Ntry>")
        return "".join(out)

    def camt(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        bal = {"EUR": 25_000_000, "CHF": 4_000_000}
        for ccy, iban in (("EUR", self.eur_iban), ("CHF", self.chf_iban)):
            for n, d in enumerate(self.days, 1):
                txs = [t for t in self.txs if t.currency == ccy and t.value == d]
                if not txs:
                    continue
                entries: list[list[Tx]] = []
                seen: dict[int, list[Tx]] = {}
                for t in txs:
                    if t.batch >= 0:
                        if t.batch not in seen:
                            seen[t.batch] = []
                            entries.append(seen[t.batch])
                        seen[t.batch].append(t)
                    else:
                        entries.append([t])
                opening = bal[ccy]
                closing = opening + sum(-t.amount if t.debit else t.amount for t in txs)
                bal[ccy] = closing
                prev = d - timedelta(3 if d.weekday() == 0 else 1)
                body = [
                    '<?xml version="1.0" encoding="UTF-8"?>',
                    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">',
                    "<BkToCstmrStmt>",
                    f"<GrpHdr><MsgId>STMT{ccy}{d.strftime('%Y%m%d')}</MsgId><CreDtTm>{d}T22:15:00+01:00</CreDtTm></GrpHdr>",
                    f"<Stmt><Id>{ccy}{d.strftime('%Y%m%d')}</Id><ElctrncSeqNb>{n}</ElctrncSeqNb><LglSeqNb>{n}</LglSeqNb>"
                    f"<CreDtTm>{d}T22:15:00+01:00</CreDtTm><FrToDt><FrDtTm>{d}T00:00:00+01:00</FrDtTm>"
                    f"<ToDtTm>{d}T23:59:59+01:00</ToDtTm></FrToDt>",
                    f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>{ccy}</Ccy><Ownr><Nm>{SELLER}</Nm></Ownr></Acct>",
                    f'<Bal><Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp><Amt Ccy="{ccy}">{fmt_amount(opening)}</Amt>'
                    f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{prev}</Dt></Dt></Bal>",
                    f'<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="{ccy}">{fmt_amount(closing)}</Amt>'
                    f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{d}</Dt></Dt></Bal>",
                ]
                body += [self._entry(e, "") for e in entries]
                body += ["</Stmt>", "</BkToCstmrStmt>", "</Document>"]
                p = folder / f"camt053_{ccy}_{d.isoformat()}.xml"
                p.write_text("\n".join(body), encoding="utf-8")
                paths.append(p)
        return paths


# ----------------------------------------------------------------------------------------
# running the product
# ----------------------------------------------------------------------------------------


def run_product(
    gen: Generator, out: Path, exe: Path, statements: list[Path]
) -> tuple[dict[str, float], list[dict[str, str]]]:
    home = Path(tempfile.mkdtemp(prefix="encaisse-dach-"))
    steps = [
        (
            "init",
            [
                "init",
                "--code",
                "main",
                "--name",
                SELLER,
                "--currency",
                "EUR",
                "--country",
                "DE",
                "--iban",
                gen.eur_iban,
                "--iban",
                gen.chf_iban,
            ],
        ),
        ("import-customers", ["import-customers", str(out / "customers.csv")]),
        ("import-invoices", ["import-invoices", str(out / "invoices.csv")]),
        ("import-statement", ["import-statement", *map(str, statements)]),
        ("match", ["match"]),
        ("export-allocations", ["export-allocations", "-o", str(out / "out.csv")]),
    ]
    timings, problems, results = run_steps(exe, steps, home)
    for name, p in results.items():
        (out / f"{name}.log").write_text(step_log(p))
    shutil.rmtree(home, ignore_errors=True)
    return timings, problems


# ----------------------------------------------------------------------------------------
# scoring (the export contract: rows tx_ref, invoice_number, amount, status, kind)
# ----------------------------------------------------------------------------------------


def score(gen: Generator, out: Path) -> dict[str, object]:
    return score_kinds(gen.txs, out, miss_row)


def miss_row(t: Tx, issue: str, rows: list[Row]) -> list[str]:
    truth = "; ".join(f"{n or '-'}:{fmt_signed(a)}:{k}" for n, a, k in t.truth) or "not applied"
    prod = "; ".join(f"{s}:{n or '-'}:{fmt_signed(a)}:{k}:{c}" for n, a, k, s, c in rows) or "(absent)"
    return [
        t.scenario,
        issue,
        t.ref,
        fmt_amount(t.amount),
        t.currency,
        t.value.isoformat(),
        t.payer_name,
        t.payer_iban,
        t.ultimate,
        t.remittance(),
        truth,
        prod,
    ]


def print_table(result: dict[str, object]) -> str:
    stats: dict[str, dict[str, int]] = result["stats"]  # type: ignore[assignment]
    return "\n".join(trap_table(stats, env_base="applied"))


def main(argv: list[str] | None = None) -> int:
    args, exe, out = check_arguments(__doc__, argv, payments=5000, prefix="blackbox-dach-")
    t0 = time.perf_counter()
    gen = Generator(args.payments, args.seed)
    gen.generate()
    assert iban_valid(gen.eur_iban) and iban_valid(gen.chf_iban)
    assert all(iban_valid(i) for c in gen.customers for i in c.ibans)
    gen.write_customers(out / "customers.csv")
    gen.write_invoices(out / "invoices.csv")
    if (out / "statements").exists():
        shutil.rmtree(out / "statements")
    statements = gen.camt(out / "statements")
    gen.write_truth(out / "truth.csv")
    credits = [t for t in gen.txs if not t.debit]
    kinds = Counter(t.kind for t in credits)
    print(
        f"generated in {time.perf_counter() - t0:.1f}s: {len(gen.customers)} customers, {len(gen.invoices)} documents, "
        f"{len(credits)} credits ({kinds['customer']} customer payments, {kinds['trap']} traps, "
        f"{kinds['nc']} non-customer), {len(statements)} statements, {gen.dropped} dropped by validation, out={out}"
    )
    if args.generate_only:
        return 0
    timings, problems = run_product(gen, out, exe, statements)
    result = score(gen, out)
    report(out, print_table(result), timings, problems, result, remove=not args.keep and args.out is None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
