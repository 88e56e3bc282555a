"""Seventh independent black-box check of cash application: receivables of several ERPs, numbers easy to confuse.

A French seller (entity FR, EUR, 600–800 customers in France, Belgium, Germany and Luxembourg, about five
open documents per payment) whose invoices come from several ERP numbering schemes at once, as after a
migration and with several sites:

- Odoo ``INV/2026/00123`` (credit notes ``RINV/2026/00012``; 2025 invoices ``INV/2025/04123``), written by
  payers ``INV/2026/00123``, ``INV 2026 00123``, ``INV202600123``, ``2026/00123``, ``00123``, ``inv/2026/123``;
- ERPNext ``ACC-SINV-2026-00123`` (returns ``ACC-SINV-RET-2026-00012``), written in full, ``SINV-2026-00123``,
  ``2026-00123`` — its 2026 sequence overlaps Odoo's, so ``2026/00123`` and ``2026-00123`` are two different
  documents, usually of two different customers;
- SAP ``90012345`` (8 digits, one sequence across all customers: the neighbours belong to other customers;
  credit memos ``92001234``), written as is, ``0090012345`` or ``90012345/2026``;
- Sage ``FA000123`` (credit ``AV000012``) and Dynamics ``SI-000123`` (credit ``SC-000012``).

Every invoice also has an RF creditor reference (the seller's default scheme in France), which a minority
of payers quote in ``Strd/CdtrRefInf``. The payment month is March 2026: one camt.053 per business day for
each of the seller's two accounts (main account camt.053.001.08, second bank camt.053.001.02). Payers' text
carries other numbers too: their own payment ids, our customer id (``C10234``, the ``id`` of customers.csv),
their purchase order (the invoice's ``order_reference``), dates (``20260312``, ``12.03.2026``), postal codes,
amounts written in the text (``EUR 1.234,50``), phone numbers. Ustrd is one line of up to 140 characters, or
(some banks) up to four lines of 35 cut anywhere, references included.

Truth per scenario (the export contract of docs/cashapp.md, "Accounting rows": ``invoice`` rows settle an
invoice, negative for a netted credit note; ``deduction`` rows are what the payer did not pay on an invoice
the payment closes — bank charges within the tolerance, an early-payment discount per the terms, a deduction
the remittance explains; ``on_account`` rows carry an overpayment or a duplicate; an unmatched transaction is
one ``unrelated`` row):

Customer payments (truth = the rows a clerk would post):

- ``ref_odoo`` / ``ref_erpnext`` / ``ref_sap`` / ``ref_sage``: one invoice, full amount, its number in one of
  the long written forms of its scheme, mostly from an account on file (10 % from an unknown account, the
  customer's name as the bank writes it): the number and the amount identify it — the invoice, in full.
- ``ref_short_form``: the ambiguous short forms (``00123``, ``2026/00123``, ``2026-00123``, ``000123``) from an
  account on file, exact amount: several documents share the digits, but only one of them belongs to the payer
  and has that amount, which is what a clerk checks — that invoice.
- ``ref_rf_strd``: the invoice's RF reference in ``Strd/CdtrRefInf`` — that invoice.
- ``ref_strd_erp``: the payer's ERP puts the invoice numbers (1–3) in ``Strd/RfrdDocInf`` with due and remitted
  amounts, or an unstructured ``CdtrRefInf/Ref`` — those invoices.
- ``ref_35_lines``: 1–2 references in text wrapped in lines of 35 characters, a reference split across two
  lines — the invoices (the bank's wrapping is not the payer's text).
- ``order_ref_only``: only the buyer's purchase order number (the invoice's ``order_reference``, unique among
  open invoices), exact amount, account on file — that invoice (docs/cli.md: cash application reads it).
- ``typo_not_real``: one character of the number wrong (digit, year or letter) and the result is no document
  at all; account on file and amount exactly the invoice's — that invoice (one such invoice fits).
- ``typo_sap_other_cust``: one digit of a SAP number wrong and the result IS another customer's open SAP
  invoice (of another amount); account on file and amount exactly the payer's own invoice, whose number
  differs by that one digit — the payer's own invoice. Leaving it to a person is a miss but acceptable;
  applying it to the other customer's invoice is wrong (reported as ``wrong``).
- ``multi_ref``: 2–4 invoices, all quoted, the sum — those invoices.
- ``list_cut140``: 5–30 invoices of one payer in one payment, the list cut at 140 characters; the invoices
  not quoted are the only subset of the payer's other open documents that makes up the rest (checked when
  generating) — all of them.
- ``multi_noref_combo`` / ``noref_single``: no reference, account on file, and exactly one subset of the
  payer's open documents (one or 2–4 invoices) makes up the amount (checked) — that subset.
- ``partial``: part of one invoice, the text says so (acompte, paiement partiel) — an invoice row of the
  amount paid, no deduction (the invoice stays open).
- ``discount``: the invoice's early-payment discount (``discount_percent`` within ``discount_days`` of the issue
  date) taken, paid within the window — invoice in full and a deduction of the discount (per the terms).
- ``bank_charges``: 1.00–7.50 short (at most 1 % of the invoice), quoted reference — invoice in full and a
  deduction (bank charges within the tolerance).
- ``deduction_text`` / ``deduction_strd``: the payer explains what it keeps back (text, or the camt
  ``AdjstmntAmtAndRsn`` of the referred document) — invoice in full and a deduction of that amount.
- ``credit_netted``: an invoice and the payer's open credit note quoted, paid net — the invoice row and the
  credit note's negative row.
- ``overpayment``: one invoice quoted, paid with 25–300 more (the extra being no subset of the payer's other
  open documents) — invoice in full, the rest on account.
- ``duplicate``: the same payment again (same payer, text and amount) days after the first one paid the
  invoice in full through its RF reference — all on account (the invoice is no longer open).
- ``parent_pays``: the parent company (a customer with its account on file, ``parent_id`` of the payer's
  subsidiary) pays a subsidiary's invoice, quoted — that invoice.
- ``factor_pays``: a factoring / supply-chain-finance company (not a customer, account unknown) pays an
  invoice for the customer named as ultimate debtor, invoice quoted, exact amount — that invoice.
- ``name_only_ref``: the customer pays from an account not on file (its name only), reference quoted — the
  invoice.
- ``name_only_noref``: account not on file, no reference, the customer's name as the bank writes it, and one
  subset only of that customer's open documents — a single invoice — is the amount — that invoice.
- ``similar_names``: customers named alike (``Durand SA``, ``Durand Frères SARL``, ``Durand & Fils``) and often
  with invoices of the same amount; the payer (account not on file) is unmistakably one of them by its legal
  name, with or without a reference — the named customer's invoice.

Traps (must not be applied; leaving them to a person is right):

- ``trap_foreign_number``: an unrelated payer (insurer, landlord, public body; not a customer) quotes a number
  equal to an open invoice number in a context that is not ours (claim, file, contract) with an unrelated
  amount.
- ``trap_amount_only``: an unrelated payer, no reference, the amount equal to an open invoice of a customer.
- ``trap_tail_unknown``: an unrelated payer whose text has a postal code equal to the tail of an open SAP
  number or to the digits of an Odoo number (``13008 MARSEILLE`` vs ``90013008``, ``01100 OYONNAX`` vs
  ``INV/2026/01100``); half of them pay exactly that invoice's amount.
- ``trap_tail_customer``: a customer (account on file) pays an amount that is no subset of its open documents,
  its text carries such a postal code / number tail equal to one of its own SAP invoices: nothing tells what
  it pays — on account is acceptable (``on acct ok``), an invoice row is wrong.
- ``trap_e2e_number``: an unrelated payer whose EndToEndId equals an open SAP number, unrelated amount.

Non-customer credits (must stay unmatched): ``nc_psp`` (Stripe, Adyen, Mollie, PayPal payouts whose text carries
numbers equal to open invoice numbers), ``nc_tax_refund`` (DGFIP VAT refund), ``nc_interest`` (credit interest),
``nc_supplier_refund`` (a supplier refunds its own credit note, whose number is also one of ours),
``nc_intragroup`` (a sister company's cash-pooling transfer), ``nc_own_transfer`` (from the seller's other
account, declared with ``init --iban``), ``nc_reversal`` (an outgoing payment returned, camt ``RvslInd``).

Run::

    .venv/bin/python benchmarks/cashapp/blackbox_erp.py [--payments 2000] [--seed 1] [--out DIR] [--keep]

Files: customers.csv, invoices.csv, statements/*.xml, truth.csv, out.csv (the product's export),
misses.csv (every transaction not as the truth wants, with the truth and the product's rows), report.json.
"""

from __future__ import annotations

import csv
import random
import shutil
import sys
import tempfile
import time
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
from blackbox_export import (
    MISS_COLUMNS,
    Row,
    check_arguments,
    report,
    run_steps,
    score_kinds,
    step_log,
    trap_table,
)

SELLER = "Nordia Distribution SAS"
PERIOD_START = date(2026, 3, 2)
PERIOD_END = date(2026, 3, 31)
BDAYS = [PERIOD_START + timedelta(d) for d in range(30) if (PERIOD_START + timedelta(d)).weekday() < 5]

# ----------------------------------------------------------------------------------------
# identifiers: IBAN, VAT, RF
# ----------------------------------------------------------------------------------------


def _num(s: str) -> int:
    return int("".join(str(int(ch, 36)) for ch in s))


def iban_valid(iban: str) -> bool:
    s = iban.replace(" ", "").upper()
    return len(s) > 15 and _num(s[4:] + s[:4]) % 97 == 1


def make_iban(country: str, bban: str) -> str:
    check = 98 - _num(bban + country + "00") % 97
    return f"{country}{check:02d}{bban}"


def fr_bban(rnd: random.Random, bank: str | None = None) -> str:
    bank = bank or rnd.choice(
        ["30004", "30003", "10278", "30002", "11306", "17515", "18206", "30066", "13807"]
    )
    guichet = f"{rnd.randrange(100000):05d}"
    account = f"{rnd.randrange(10**11):011d}"
    key = 97 - (89 * int(bank) + 15 * int(guichet) + 3 * int(account)) % 97
    return f"{bank}{guichet}{account}{key:02d}"


def random_iban(rnd: random.Random, country: str) -> str:
    if country == "FR":
        return make_iban("FR", fr_bban(rnd))
    if country == "BE":
        first = rnd.randrange(1, 10**10)
        chk = first % 97 or 97
        return make_iban("BE", f"{first:010d}{chk:02d}")
    if country == "DE":
        return make_iban("DE", f"{rnd.randrange(10**7, 10**8)}{rnd.randrange(10**10):010d}")
    if country == "LU":
        return make_iban("LU", f"{rnd.randrange(1, 1000):03d}{rnd.randrange(10**13):013d}")
    if country == "IE":
        return make_iban(
            "IE",
            rnd.choice(["AIBK", "BOFI", "CITI"]) + f"{rnd.randrange(10**6):06d}{rnd.randrange(10**8):08d}",
        )
    if country == "NL":
        return make_iban("NL", rnd.choice(["ABNA", "INGB", "RABO"]) + f"{rnd.randrange(10**10):010d}")
    raise ValueError(country)


def luhn_ok(s: str) -> bool:
    tot = 0
    for i, ch in enumerate(reversed(s)):
        d = int(ch)
        if i % 2:
            d *= 2
            d -= 9 if d > 9 else 0
        tot += d
    return tot % 10 == 0


def random_vat(rnd: random.Random, country: str) -> str:
    if country == "FR":
        while True:
            siren = f"{rnd.randrange(10**8, 10**9)}"
            if luhn_ok(siren):
                return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"
    if country == "BE":
        first = rnd.randrange(2 * 10**6, 10**7) + rnd.choice([0, 10**7])
        return f"BE{first:08d}{97 - first % 97:02d}"
    if country == "DE":
        digits = [rnd.randrange(1, 10)] + [rnd.randrange(10) for _ in range(7)]
        p = 10
        for d in digits:
            s = (d + p) % 10 or 10
            p = (2 * s) % 11
        chk = (11 - p) % 10
        return "DE" + "".join(map(str, digits)) + str(chk)
    if country == "LU":
        six = rnd.randrange(10**5, 10**6)
        return f"LU{six}{six % 89:02d}"
    raise ValueError(country)


def rf_reference(body: str) -> str:
    check = 98 - _num(body + "RF00") % 97
    return f"RF{check:02d}{body}"


def ascii_upper(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(ch for ch in s if not unicodedata.combining(ch)).upper().replace("Œ", "OE")


def fmt_amount(c: int) -> str:
    return f"{c // 100}.{c % 100:02d}" if c >= 0 else "-" + fmt_amount(-c)


def fmt_signed(c: int) -> str:
    return fmt_amount(c)


def fr_amount(c: int) -> str:
    """1.234,50"""
    whole = f"{c // 100:,}".replace(",", ".")
    return f"{whole},{c % 100:02d}"


def pct_of(total: int, pct: Decimal) -> int:
    return int((Decimal(total) * pct / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# ----------------------------------------------------------------------------------------
# subset sums (uniqueness of a combination)
# ----------------------------------------------------------------------------------------


def _sums(vals: list[int]) -> np.ndarray:
    arr = np.zeros(1, dtype=np.int64)
    for v in vals:
        arr = np.concatenate([arr, arr + v])
    return arr


def count_subsets(vals: list[int], target: int) -> int:
    """How many non-empty subsets of ``vals`` add up to ``target`` (-1: too many values to check)."""
    n = len(vals)
    if n > 34:
        return -1
    a, b = _sums(vals[: n // 2]), np.sort(_sums(vals[n // 2 :]))
    need = target - a
    cnt = int((np.searchsorted(b, need, "right") - np.searchsorted(b, need, "left")).sum())
    return cnt - (1 if target == 0 else 0)


# ----------------------------------------------------------------------------------------
# names
# ----------------------------------------------------------------------------------------

SURNAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefebvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefevre",
    "Faure",
    "Andre",
    "Mercier",
    "Blanc",
    "Guerin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "Francois",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clement",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Gautier",
    "Masson",
    "Marchand",
    "Duval",
    "Denis",
    "Dumont",
    "Marie",
    "Lemaire",
    "Noel",
    "Meyer",
    "Dufour",
    "Meunier",
    "Brun",
    "Blanchard",
    "Giraud",
    "Joly",
    "Riviere",
    "Lucas",
    "Brunet",
    "Gaillard",
    "Barbier",
    "Arnaud",
    "Martinez",
    "Gerard",
    "Roche",
    "Renard",
    "Schmitt",
    "Roy",
    "Leroux",
    "Colin",
    "Vidal",
    "Caron",
    "Picard",
    "Roger",
    "Fabre",
    "Aubert",
    "Lemoine",
    "Renaud",
    "Dumas",
    "Lacroix",
    "Olivier",
    "Philippe",
    "Bourgeois",
    "Pierre",
    "Benoit",
    "Rey",
    "Leclerc",
    "Payet",
    "Rolland",
    "Leclercq",
    "Guillaume",
    "Lecomte",
    "Lopez",
    "Jean",
    "Dupuy",
    "Guillot",
    "Hubert",
    "Berger",
    "Carpentier",
    "Sanchez",
    "Dupuis",
    "Moulin",
    "Louis",
    "Deschamps",
    "Huet",
    "Vasseur",
    "Perez",
    "Boucher",
    "Fleury",
    "Royer",
    "Klein",
    "Jacquet",
    "Adam",
    "Paris",
    "Poirier",
    "Marty",
    "Aubry",
    "Guyot",
    "Carre",
    "Charles",
    "Renault",
    "Charpentier",
    "Menard",
    "Maillard",
    "Baron",
    "Bertin",
    "Bailly",
    "Herve",
    "Schneider",
    "Fernandez",
    "LeGall",
    "Collet",
    "Leger",
    "Bouvier",
    "Julien",
    "Prevost",
    "Millet",
    "Perrot",
    "Daniel",
    "LeRoux",
    "Cousin",
    "Germain",
    "Breton",
    "Besson",
    "Langlois",
    "Remy",
    "Pelletier",
    "Leveque",
    "Perrier",
    "Leblanc",
    "Barre",
    "Lebrun",
    "Marchal",
    "Weber",
    "Mallet",
    "Hamon",
    "Boulanger",
    "Jacob",
    "Monnier",
    "Michaud",
    "Rodriguez",
    "Guichard",
    "Gillet",
    "Etienne",
    "Grondin",
    "Poulain",
    "Tessier",
    "Chevallier",
    "Collin",
    "Chauvin",
    "DaSilva",
    "Bouchet",
    "Gay",
    "Lemaitre",
    "Benard",
    "Marechal",
    "Humbert",
    "Reynaud",
    "Antoine",
    "Hoarau",
    "Perret",
    "Barthelemy",
    "Cordier",
    "Pichon",
    "Lejeune",
    "Gilbert",
    "Lamy",
    "Delaunay",
    "Pasquier",
    "Carlier",
    "Laporte",
]
BE_SURNAMES = [
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "DeSmet",
    "Dubois",
    "Lambert",
    "Dupont",
    "Vermeulen",
    "Hermans",
]
DE_SURNAMES = [
    "Schulz",
    "Hoffmann",
    "Koch",
    "Bauer",
    "Wagner",
    "Becker",
    "Schaefer",
    "Zimmermann",
    "Krueger",
    "Hartmann",
]
ACTIVITIES = [
    "Transports",
    "Bâtiment",
    "Industrie",
    "Distribution",
    "Matériaux",
    "Électricité",
    "Menuiserie",
    "Logistique",
    "Agro",
    "Services",
    "Négoce",
    "Ingénierie",
    "Plasturgie",
    "Métallerie",
    "Emballages",
    "Froid",
    "Bois",
    "Quincaillerie",
    "Chauffage",
    "Peinture",
    "Mécanique",
    "Équipements",
    "Fournitures",
    "Travaux Publics",
]
CITIES = [
    ("75012", "PARIS"),
    ("69003", "LYON"),
    ("13008", "MARSEILLE"),
    ("31000", "TOULOUSE"),
    ("33000", "BORDEAUX"),
    ("59000", "LILLE"),
    ("44000", "NANTES"),
    ("67000", "STRASBOURG"),
    ("35000", "RENNES"),
    ("21000", "DIJON"),
    ("14000", "CAEN"),
    ("12000", "RODEZ"),
    ("01100", "OYONNAX"),
    ("02100", "SAINT-QUENTIN"),
    ("76600", "LE HAVRE"),
]
TAIL_CITIES = (
    CITIES
    + [(f"130{i:02d}", "MARSEILLE") for i in range(1, 17)]
    + [
        ("13090", "AIX-EN-PROVENCE"),
        ("13100", "AIX-EN-PROVENCE"),
        ("13200", "ARLES"),
        ("13300", "SALON-DE-PROVENCE"),
        ("13400", "AUBAGNE"),
        ("13500", "MARTIGUES"),
        ("13600", "LA CIOTAT"),
        ("13700", "MARIGNANE"),
        ("13800", "ISTRES"),
        ("14100", "LISIEUX"),
        ("14200", "HEROUVILLE-SAINT-CLAIR"),
        ("14400", "BAYEUX"),
        ("14500", "VIRE"),
        ("14600", "HONFLEUR"),
        ("14700", "FALAISE"),
        ("14800", "DEAUVILLE"),
        ("15000", "AURILLAC"),
        ("15100", "SAINT-FLOUR"),
        ("12100", "MILLAU"),
        ("12200", "VILLEFRANCHE-DE-ROUERGUE"),
        ("12500", "ESPALION"),
        ("01000", "BOURG-EN-BRESSE"),
        ("01200", "BELLEGARDE"),
        ("01300", "BELLEY"),
        ("01400", "CHATILLON-SUR-CHALARONNE"),
        ("01500", "AMBERIEU-EN-BUGEY"),
        ("01600", "TREVOUX"),
        ("01700", "MIRIBEL"),
        ("02000", "LAON"),
        ("02200", "SOISSONS"),
        ("02300", "CHAUNY"),
        ("02400", "CHATEAU-THIERRY"),
        ("02500", "HIRSON"),
        ("02600", "VILLERS-COTTERETS"),
        ("02700", "TERGNIER"),
        ("03000", "MOULINS"),
        ("03100", "MONTLUCON"),
        ("03200", "VICHY"),
    ]
)
FR_LF = ["SAS", "SARL", "SA", "EURL", "SNC", "SASU"]
UNRELATED = [
    "SCI LES TILLEULS",
    "AXA FRANCE IARD",
    "MMA IARD",
    "ALLIANZ IARD",
    "GENERALI IARD",
    "URSSAF ILE DE FRANCE",
    "MAIRIE DE ROUBAIX",
    "CPAM DU RHONE",
    "FONCIERE DU PARC",
    "SCI DU MOULIN",
    "GROUPAMA CENTRE MANCHE",
    "MAAF ASSURANCES",
    "CAISSE DES DEPOTS",
    "OPCO 2I",
    "FRANCE TRAVAIL",
    "LOCAM SAS",
    "GRENKE LOCATION",
]
SUPPLIERS = [
    "OFFICE DEPOT FRANCE",
    "MANUTAN SA",
    "RAJA SAS",
    "WURTH FRANCE",
    "TOTALENERGIES MARKETING",
    "ENGIE",
    "ORANGE BUSINESS",
    "BUREAU VALLEE PRO",
    "KILOUTOU",
    "LOXAM",
    "SIGNATURE TRANSPORTS",
    "GEODIS CALBERSON",
]
FACTORS = [
    "BNP PARIBAS FACTOR",
    "SOCIETE GENERALE FACTORING",
    "CA LEASING ET FACTORING",
    "BPCE FACTOR",
    "HSBC FACTORING FRANCE",
    "CIC FACTOR",
    "TAULIA SCF",
    "BANQUE POSTALE LEASING ET FACTORING",
]


# ----------------------------------------------------------------------------------------
# model
# ----------------------------------------------------------------------------------------


@dataclass
class Customer:
    id: str
    name: str
    country: str
    vat: str
    ibans: list[str]
    email: str
    language: str
    terms: int
    scheme: str
    old_scheme: str = ""
    parent_id: str = ""
    cluster: str = ""
    discount: tuple[Decimal, int] | None = None
    other_iban: str = ""  # an account not on file it may pay from
    docs: list[int] = field(default_factory=list)


@dataclass
class Doc:
    idx: int
    customer: str
    issue: date
    due: date
    net: int
    vat: int
    kind: str
    scheme: str
    number: str = ""
    seq: int = 0
    year: int = 0
    rf: str = ""
    order_ref: str = ""
    disc: tuple[Decimal, int] | None = None

    @property
    def total(self) -> int:
        return self.net + self.vat


@dataclass
class Tx:
    ref: str
    account: str
    booking: date
    amount: int
    payer_name: str
    payer_iban: str
    on_file: bool
    scenario: str
    kind: str  # customer | trap | nc | debit
    truth: list[tuple[str, int, str]] = field(default_factory=list)
    ustrd: list[str] = field(default_factory=list)
    strd: list[dict] = field(default_factory=list)
    e2e: str = "NOTPROVIDED"
    ultimate: str = ""
    allow_on_account: bool = False
    debit: bool = False
    reversal: bool = False
    domain: tuple[str, str, str] = ("PMNT", "RCDT", "ESCT")

    @property
    def currency(self) -> str:
        return "EUR"

    @property
    def value(self) -> date:
        return self.booking

    def remittance(self) -> str:
        parts = [" | ".join(self.ustrd)] if self.ustrd else []
        for s in self.strd:
            bits = []
            for t, nb in s.get("docs", []):
                bits.append(f"{t} {nb}")
            for k, v in s.get("amts", {}).items():
                bits.append(f"{k}={v if isinstance(v, str) else fmt_amount(v) if isinstance(v, int) else v}")
            if s.get("cref"):
                bits.append(f"CdtrRef {s['cref'][0]}")
            if s.get("addtl"):
                bits.append(f"addtl {s['addtl']}")
            parts.append("STRD[" + " ".join(bits) + "]")
        if self.e2e and self.e2e != "NOTPROVIDED":
            parts.append(f"E2E {self.e2e}")
        return " || ".join(parts)


CUSTOMER_WEIGHTS = {
    "ref_odoo": 9,
    "ref_erpnext": 5,
    "ref_sap": 8,
    "ref_sage": 4,
    "ref_short_form": 5,
    "ref_rf_strd": 5,
    "ref_strd_erp": 4,
    "ref_35_lines": 3,
    "order_ref_only": 2,
    "typo_not_real": 3,
    "typo_sap_other_cust": 2,
    "multi_ref": 6,
    "list_cut140": 4,
    "multi_noref_combo": 3,
    "noref_single": 3,
    "partial": 4,
    "discount": 4,
    "bank_charges": 3,
    "deduction_text": 2,
    "deduction_strd": 2,
    "credit_netted": 3,
    "overpayment": 2,
    "duplicate": 1.5,
    "parent_pays": 2,
    "factor_pays": 1.5,
    "name_only_ref": 2,
    "name_only_noref": 1.5,
    "similar_names": 1.5,
}
TRAP_WEIGHTS = {
    "trap_foreign_number": 1.5,
    "trap_amount_only": 1.5,
    "trap_tail_unknown": 1.2,
    "trap_tail_customer": 1,
    "trap_e2e_number": 0.8,
}
NC_WEIGHTS = {
    "nc_psp": 2,
    "nc_tax_refund": 1,
    "nc_interest": 1,
    "nc_supplier_refund": 1.5,
    "nc_intragroup": 1,
    "nc_own_transfer": 1,
    "nc_reversal": 0.5,
}
SHARES = {"customer": 0.86, "trap": 0.06, "nc": 0.08}
SCHEMES = {"odoo": 35, "erpnext": 20, "sap": 30, "sage": 8, "dyn": 7}
LONG_SCHEME = {
    "ref_odoo": ("odoo",),
    "ref_erpnext": ("erpnext",),
    "ref_sap": ("sap",),
    "ref_sage": ("sage", "dyn"),
}


class Generator:
    def __init__(self, payments: int, seed: int) -> None:
        self.n = payments
        self.rnd = random.Random(seed * 7919 + 11)
        self.customers: list[Customer] = []
        self.cust: dict[str, Customer] = {}
        self.invoices: list[Doc] = []
        self.by_number: dict[str, Doc] = {}
        self.txs: list[Tx] = []
        self.open_amt: dict[int, int] = {}
        self.used: set[int] = set()
        self.reserved: set[int] = set()
        self.dropped = 0
        self.fallbacks: Counter[str] = Counter()
        self.eur_iban = make_iban("FR", fr_bban(self.rnd, "30004"))
        self.second_iban = make_iban("FR", fr_bban(self.rnd, "30003"))
        self.sister_iban = make_iban("FR", fr_bban(self.rnd, "30004"))
        self.tx_seq: Counter[str] = Counter()
        self.paid_log: list[tuple[date, Tx, Doc, Customer]] = []  # RF payments in full (for duplicates)
        self.dup_done: set[int] = set()
        self.order_refs: set[str] = set()

    # ------------------------------------------------------------------ customers & documents
    def generate(self) -> None:
        self.make_customers()
        self.make_documents()
        self.make_payments()
        self.make_debits()

    def unique_name(self, name: str, used: set[str]) -> str | None:
        key = ascii_upper(name)
        if key in used:
            return None
        used.add(key)
        return name

    def make_customers(self) -> None:
        rnd = self.rnd
        n = rnd.randrange(600, 801)
        used: set[str] = set()
        cluster_names = rnd.sample(SURNAMES, 22)
        others = [s for s in SURNAMES if s not in cluster_names]
        ids = iter(rnd.sample(range(10000, 99999), n + 50))
        specs: list[dict] = []
        # similar-name clusters: three companies named alike
        for s in cluster_names:
            variants = [f"{s} SA", f"{s} Frères SARL", f"{s} & Fils"]
            if rnd.random() < 0.4:
                variants = [f"{s} SAS", f"{s} Frères", f"Établissements {s} & Fils SARL"]
            for v in variants:
                specs.append({"name": v, "country": "FR", "cluster": s})
        # groups: a parent and its subsidiaries
        for _ in range(25):
            s = rnd.choice(others)
            act = rnd.choice(ACTIVITIES)
            parent = f"Groupe {s} {act}"
            if ascii_upper(parent) in {ascii_upper(x["name"]) for x in specs}:
                continue
            kids = [
                f"{s} {act} {city.title()} {rnd.choice(FR_LF)}"
                for _pc, city in rnd.sample(CITIES, rnd.randint(2, 4))
            ]
            specs.append({"name": parent + " SA", "country": "FR", "parent": True, "kids": kids})
        while len(specs) + sum(len(x.get("kids", [])) for x in specs) < n:
            country = rnd.choices(["FR", "BE", "DE", "LU"], [75, 15, 5, 5])[0]
            if country == "FR":
                s = rnd.choice(others)
                pat = rnd.random()
                if pat < 0.35:
                    name = f"{s} {rnd.choice(ACTIVITIES)} {rnd.choice(FR_LF)}"
                elif pat < 0.6:
                    name = f"{rnd.choice(ACTIVITIES)} {s} {rnd.choice(FR_LF)}"
                elif pat < 0.75:
                    name = f"Établissements {s} {rnd.choice(['', 'et Cie'])}".strip()
                elif pat < 0.9:
                    name = f"{s}-{rnd.choice(others)} {rnd.choice(ACTIVITIES)} {rnd.choice(FR_LF)}"
                else:
                    name = (
                        "".join(rnd.choice("ABCDEFGHJKLMNPRSTV") for _ in range(3))
                        + f" {rnd.choice(ACTIVITIES)} {rnd.choice(FR_LF)}"
                    )
            elif country == "BE":
                name = f"{rnd.choice(BE_SURNAMES)} {rnd.choice(['Bouw', 'Logistics', 'Techniek', 'Distribution', 'Construct', 'Trading'])} {rnd.choice(['BV', 'NV', 'SRL', 'SA'])}"
            elif country == "DE":
                name = (
                    f"{rnd.choice(DE_SURNAMES)} {rnd.choice(['Handel', 'Technik', 'Logistik', 'Bau'])} GmbH"
                )
            else:
                name = f"{rnd.choice(SURNAMES)} {rnd.choice(['Luxembourg', 'Lux', 'Benelux'])} {rnd.choice(['SARL', 'SA'])}"
            specs.append({"name": name, "country": country})
        for sp in specs:
            name = self.unique_name(sp["name"], used)
            if not name:
                continue
            c = self.new_customer(next(ids), name, sp["country"], sp.get("cluster", ""))
            if sp.get("parent"):
                c.ibans = [random_iban(rnd, "FR")]
                for kid in sp["kids"]:
                    kname = self.unique_name(kid, used)
                    if not kname:
                        continue
                    k = self.new_customer(next(ids), kname, "FR", "")
                    k.parent_id = c.id
                    if rnd.random() < 0.5:
                        k.ibans = []

    def new_customer(self, num: int, name: str, country: str, cluster: str) -> Customer:
        rnd = self.rnd
        nib = rnd.choices([0, 1, 2], [15, 72, 13])[0]
        scheme = rnd.choices(list(SCHEMES), list(SCHEMES.values()))[0]
        old = ""
        if scheme in ("odoo", "erpnext") and rnd.random() < 0.2:
            old = rnd.choice(["sap", "sage", "dyn"])
        c = Customer(
            id=f"C{num}",
            name=name,
            country=country,
            vat=random_vat(rnd, country),
            ibans=[random_iban(rnd, country) for _ in range(nib)],
            email=f"compta@{ascii_upper(name.split()[0]).lower().replace('É', 'e')}{num % 1000}.example",
            language={"FR": "fr", "BE": rnd.choice(["fr", "nl"]), "DE": "de", "LU": "fr"}[country],
            terms=rnd.choice([30, 30, 45, 60]),
            scheme=scheme,
            old_scheme=old,
            cluster=cluster,
            discount=(Decimal(rnd.choice(["2", "2", "3", "1.5"])), rnd.choice([10, 15, 20]))
            if rnd.random() < 0.15
            else None,
            other_iban=random_iban(rnd, country),
        )
        self.customers.append(c)
        self.cust[c.id] = c
        return c

    def make_documents(self) -> None:
        rnd = self.rnd
        target = 5 * self.n
        w = np.array([rnd.lognormvariate(0, 0.8) for _ in self.customers])
        for i, c in enumerate(self.customers):
            if c.cluster:
                w[i] = max(w[i], 1.2)  # similar-named customers are active ones
        counts = np.clip(np.round(w / w.sum() * target), 3, 40).astype(int)
        start, span = date(2025, 11, 17), (date(2026, 3, 24) - date(2025, 11, 17)).days
        raw: list[Doc] = []
        twin_pool: dict[str, list[int]] = defaultdict(list)
        for c, k in zip(self.customers, counts, strict=True):
            typical = rnd.lognormvariate(6.9, 0.8)
            for _ in range(int(k)):
                issue = start + timedelta(int(span * rnd.random() ** 0.6))
                if issue.weekday() >= 5:
                    issue -= timedelta(issue.weekday() - 4)
                kind = "credit_note" if rnd.random() < 0.06 else "invoice"
                net = int(typical * rnd.lognormvariate(0, 0.7) * 100) + rnd.randrange(100)
                if kind == "credit_note":
                    net = max(1000, net // rnd.randint(3, 8))
                net = min(max(net, 4000), 6_000_000)
                if c.cluster and kind == "invoice" and twin_pool[c.cluster] and rnd.random() < 0.35:
                    net = rnd.choice(twin_pool[c.cluster])
                if c.cluster and kind == "invoice":
                    twin_pool[c.cluster].append(net)
                vat = pct_of(net, Decimal(20)) if c.country == "FR" else 0
                scheme = c.old_scheme if c.old_scheme and issue < date(2026, 1, 15) else c.scheme
                due = issue + timedelta(c.terms) if kind == "invoice" else issue
                d = Doc(len(raw), c.id, issue, due, net, vat, kind, scheme)
                if kind == "invoice" and c.discount:
                    d.disc = c.discount
                raw.append(d)
        raw.sort(key=lambda d: (d.issue, rnd.random()))
        seqs: Counter[tuple[str, str, int]] = Counter()
        starts = {
            ("odoo", "invoice", 2025): 3800,
            ("odoo", "credit_note", 2025): 300,
            ("erpnext", "invoice", 2025): 2100,
            ("erpnext", "credit_note", 2025): 140,
        }
        sap_inv = 90012480 + rnd.randrange(40)
        sap_cn = 92000100 + rnd.randrange(50)
        sage_inv, sage_cn, dyn_inv, dyn_cn = 100 + rnd.randrange(60), 10, 100 + rnd.randrange(60), 10
        for i, d in enumerate(raw):
            d.idx = i
            d.year = d.issue.year
            if d.scheme in ("odoo", "erpnext"):
                key = (d.scheme, d.kind, d.year)
                seqs[key] += 1
                d.seq = starts.get(key, 0) + seqs[key]
                if d.scheme == "odoo":
                    d.number = f"{'INV' if d.kind == 'invoice' else 'RINV'}/{d.year}/{d.seq:05d}"
                else:
                    d.number = f"ACC-SINV-{'' if d.kind == 'invoice' else 'RET-'}{d.year}-{d.seq:05d}"
            elif d.scheme == "sap":
                if d.kind == "invoice":
                    d.seq, sap_inv = sap_inv, sap_inv + 1
                else:
                    d.seq, sap_cn = sap_cn, sap_cn + 1
                d.number = str(d.seq)
            elif d.scheme == "sage":
                if d.kind == "invoice":
                    d.seq, sage_inv = sage_inv, sage_inv + 1
                    d.number = f"FA{d.seq:06d}"
                else:
                    d.seq, sage_cn = sage_cn, sage_cn + 1
                    d.number = f"AV{d.seq:06d}"
            else:
                if d.kind == "invoice":
                    d.seq, dyn_inv = dyn_inv, dyn_inv + 1
                    d.number = f"SI-{d.seq:06d}"
                else:
                    d.seq, dyn_cn = dyn_cn, dyn_cn + 1
                    d.number = f"SC-{d.seq:06d}"
            if d.kind == "invoice":
                d.rf = rf_reference(f"{d.year % 100}{i + 1:07d}")
                c = self.cust[d.customer]
                if rnd.random() < 0.6:
                    style = int(c.id[1:]) % 4
                    while True:
                        o = [
                            f"45{rnd.randrange(10**8):08d}",
                            f"PO-2026-{rnd.randrange(10**5):05d}",
                            f"BC{rnd.randrange(10**6):06d}",
                            f"CDE-{rnd.randrange(10**6):06d}",
                        ][style]
                        if o not in self.order_refs:
                            break
                    self.order_refs.add(o)
                    d.order_ref = o
            self.invoices.append(d)
            self.by_number[d.number] = d
            self.cust[d.customer].docs.append(i)
            self.open_amt[i] = d.total
        # short-form digits shared by several documents: the index of the collisions
        self.short_index: dict[str, list[int]] = defaultdict(list)
        for d in self.invoices:
            if d.scheme in ("odoo", "erpnext"):
                self.short_index[f"{d.seq:05d}"].append(d.idx)
            elif d.scheme in ("sage", "dyn"):
                self.short_index[f"{d.seq:06d}"].append(d.idx)

    # ------------------------------------------------------------------ written forms
    def long_forms(self, d: Doc) -> list[str]:
        y, s = d.year, d.seq
        if d.scheme == "odoo":
            p = "INV" if d.kind == "invoice" else "RINV"
            return [f"{p}/{y}/{s:05d}"] * 3 + [f"{p} {y} {s:05d}", f"{p}{y}{s:05d}", f"{p.lower()}/{y}/{s}"]
        if d.scheme == "erpnext":
            p = "SINV" if d.kind == "invoice" else "SINV-RET"
            return [d.number] * 3 + [f"{p}-{y}-{s:05d}"]
        if d.scheme == "sap":
            return [d.number] * 4 + [f"00{d.number}", f"{d.number}/{y}"]
        if d.scheme == "sage":
            p = d.number[:2]
            return [d.number] * 3 + [f"{p} {s:06d}", f"{p}{s}"]
        p = d.number[:2]
        return [d.number] * 3 + [f"{p}{s:06d}", f"{p} {s:06d}"]

    def short_forms(self, d: Doc) -> list[str]:
        if d.scheme == "odoo":
            return [f"{d.year}/{d.seq:05d}", f"{d.seq:05d}"]
        if d.scheme == "erpnext":
            return [f"{d.year}-{d.seq:05d}"]
        if d.scheme in ("sage", "dyn"):
            return [f"{d.seq:06d}"]
        return []

    def form(self, d: Doc) -> str:
        return self.rnd.choice(self.long_forms(d))

    # ------------------------------------------------------------------ text pieces
    def bank_name(self, c: Customer) -> str:
        rnd = self.rnd
        n = ascii_upper(c.name).replace("&", "ET" if rnd.random() < 0.3 else "&")
        words = n.split()
        lfs = {"SAS", "SARL", "SA", "EURL", "SNC", "SASU", "BV", "NV", "SRL", "GMBH"}
        if not c.cluster and len(words) > 2 and words[-1] in lfs:
            r = rnd.random()
            if r < 0.3:
                words = words[:-1]
            elif r < 0.5:
                words = [words[-1], *words[:-1]]
        n = " ".join(words)
        if rnd.random() < 0.3:
            n = n[:35].rstrip()
        return n

    def noise(self, c: Customer, day: date, docs: list[Doc], amount: int) -> list[str]:
        rnd = self.rnd
        out = []
        for _ in range(rnd.choices([0, 1, 2], [45, 40, 15])[0]):
            k = rnd.randrange(9)
            if k == 0:
                out.append(
                    rnd.choice(["REGLT", "PAIEMENT", "VIRT", "PAYMENT"]) + f" {rnd.randrange(10**9, 10**10)}"
                )
            elif k == 1:
                out.append(
                    rnd.choice(["CLIENT", "VOTRE REF CLIENT", "N CLIENT", "CPTE"])
                    + f" {c.id if rnd.random() < 0.6 else c.id[1:]}"
                )
            elif k == 2:
                out.append(rnd.choice([f"DU {day:%d.%m.%Y}", f"{day:%Y%m%d}", f"ECH {day:%d/%m/%y}"]))
            elif k == 3:
                pc, city = rnd.choice(CITIES)
                out.append(f"{pc} {city}")
            elif k == 4:
                out.append(f"EUR {fr_amount(amount)}")
            elif k == 5:
                out.append(
                    f"TEL 0{rnd.randint(1, 5)} {rnd.randrange(10, 99)} {rnd.randrange(10, 99)} {rnd.randrange(10, 99)} {rnd.randrange(10, 99)}"
                )
            elif k == 6 and docs and docs[0].order_ref:
                out.append(rnd.choice(["PO", "CDE", "COMMANDE", "V/CDE"]) + f" {docs[0].order_ref}")
            elif k == 7:
                out.append(f"LOT {rnd.randrange(1000, 9999)}-{day:%y}")
            else:
                out.append(f"FOURN {rnd.randrange(40000, 49999)}")
        return out

    def compose(self, head: str, noise: list[str]) -> str:
        rnd = self.rnd
        parts = [head]
        for nz in noise:
            if rnd.random() < 0.3:
                parts.insert(0, nz)
            else:
                parts.append(nz)
        text = " ".join(p for p in parts if p)
        if len(text) > 140:
            text = " ".join([head, *noise])[:140] if len(head) <= 140 else head[:140]
            if head not in text:
                text = head[:140]
        return text

    def prefix(self, c: Customer, plural: bool = False) -> str:
        rnd = self.rnd
        if c.country == "BE" and c.language == "nl":
            return (
                rnd.choice(["FACTUUR", "FACT", "BETALING FACTUUR", ""])
                if not plural
                else rnd.choice(["FACTUREN", "FACT", ""])
            )
        if c.country == "DE":
            return (
                rnd.choice(["RECHNUNG", "RE", "RG-NR", "INVOICE"])
                if not plural
                else rnd.choice(["RECHNUNGEN", "RE", ""])
            )
        if plural:
            return rnd.choice(["FACTURES", "FACT", "REGLEMENT FACTURES", "FACT.", "REGLT", ""])
        return rnd.choice(
            [
                "FACTURE",
                "FACT",
                "FACT.",
                "REGLEMENT FACTURE",
                "REGLT FACT",
                "VIR FACTURE",
                "N/REF",
                "INVOICE",
                "",
            ]
        )

    def e2e(self, c: Customer | None = None) -> str:
        r = self.rnd.random()
        if r < 0.35:
            return "NOTPROVIDED"
        if r < 0.8:
            return f"{self.rnd.randrange(10**11, 10**12)}"
        return f"PAY{self.rnd.randrange(10**7):07d}"

    # ------------------------------------------------------------------ bookkeeping
    def new_ref(self, account: str, day: date) -> str:
        bank = "BNP" if account == self.eur_iban else "SOGE"
        self.tx_seq[bank] += 1
        return f"{bank}{day:%y%m%d}{self.tx_seq[bank]:06d}"

    def account(self) -> str:
        return self.eur_iban if self.rnd.random() < 0.75 else self.second_iban

    def open_docs(self, c: Customer, day: date, *, kind: str | None = "invoice", lag: int = 2) -> list[Doc]:
        out = []
        for i in c.docs:
            d = self.invoices[i]
            if i in self.used or i in self.reserved or d.issue > day - timedelta(lag):
                continue
            if kind and d.kind != kind:
                continue
            out.append(d)
        return out

    def all_open_values(self, c: Customer, exclude: set[int] = frozenset()) -> list[int]:
        """Signed open amounts of every open document of the customer (for the subset checks)."""
        vals = []
        for i in c.docs:
            if i in exclude or self.open_amt[i] <= 0:
                continue
            d = self.invoices[i]
            vals.append(self.open_amt[i] if d.kind == "invoice" else -self.open_amt[i])
        return vals

    def consume(self, docs: list[Doc], paid: dict[int, int] | None = None) -> None:
        for d in docs:
            self.used.add(d.idx)
            self.open_amt[d.idx] -= (paid or {}).get(d.idx, self.open_amt[d.idx])

    def pick_customer(self, pred, *, known: bool | None = True, tries: int = 80) -> Customer | None:
        rnd = self.rnd
        pool = self.customers
        weights = [max(1, len(c.docs)) for c in pool]
        for _ in range(tries):
            c = rnd.choices(pool, weights)[0]
            if known is True and not c.ibans:
                continue
            if known is False and c.ibans and rnd.random() < 0.5:
                continue
            if pred(c):
                return c
        return None

    def payer(self, c: Customer, known: bool) -> tuple[str, str, bool]:
        if known and c.ibans:
            return self.bank_name(c), self.rnd.choice(c.ibans), True
        return self.bank_name(c), c.other_iban, False

    def add(
        self,
        day: date,
        amount: int,
        name: str,
        iban: str,
        on_file: bool,
        scenario: str,
        kind: str,
        truth,
        ustrd,
        strd=None,
        **kw,
    ) -> Tx:
        acct = kw.pop("account", None) or self.account()
        t = Tx(
            self.new_ref(acct, day),
            acct,
            day,
            amount,
            name,
            iban,
            on_file,
            scenario,
            kind,
            list(truth),
            list(ustrd),
            strd or [],
            **kw,
        )
        self.txs.append(t)
        return t

    # ------------------------------------------------------------------ payments
    def make_payments(self) -> None:
        rnd = self.rnd
        slots = []
        for _ in range(self.n):
            k = rnd.choices(list(SHARES), list(SHARES.values()))[0]
            table = {"customer": CUSTOMER_WEIGHTS, "trap": TRAP_WEIGHTS, "nc": NC_WEIGHTS}[k]
            sc = rnd.choices(list(table), list(table.values()))[0]
            day = rnd.choice(BDAYS[5:] if sc == "duplicate" else BDAYS)
            slots.append((day, rnd.random(), sc))
        slots.sort()
        for day, _r, sc in slots:
            for attempt in [sc, sc, sc, "ref_odoo", "ref_sap", "ref_erpnext"]:
                fn = getattr(self, "s_" + attempt)
                if fn(day):
                    if attempt != sc:
                        self.fallbacks[sc] += 1
                    break
            else:
                self.dropped += 1

    # --- single invoice with a written reference
    def single_ref(self, day: date, scenario: str, schemes: tuple[str, ...], *, short: bool = False) -> bool:
        rnd = self.rnd
        known = short or rnd.random() < 0.9

        def ok(c: Customer) -> bool:
            return any(d.scheme in schemes for d in self.open_docs(c, day))

        c = self.pick_customer(ok, known=True if known else None)
        if not c:
            return False
        cands = [d for d in self.open_docs(c, day) if d.scheme in schemes]
        if short:
            cands = [d for d in cands if self.short_forms(d)]
            if not cands:
                return False
        d = rnd.choice(cands)
        ref = rnd.choice(self.short_forms(d)) if short else self.form(d)
        name, iban, on_file = self.payer(c, known)
        text = self.compose(f"{self.prefix(c)} {ref}".strip(), self.noise(c, day, [d], d.total))
        self.add(
            day,
            d.total,
            name,
            iban,
            on_file,
            scenario,
            "customer",
            [(d.number, d.total, "invoice")],
            [text],
            e2e=self.e2e(c),
        )
        self.consume([d])
        return True

    def s_ref_odoo(self, day: date) -> bool:
        return self.single_ref(day, "ref_odoo", ("odoo",))

    def s_ref_erpnext(self, day: date) -> bool:
        return self.single_ref(day, "ref_erpnext", ("erpnext",))

    def s_ref_sap(self, day: date) -> bool:
        return self.single_ref(day, "ref_sap", ("sap",))

    def s_ref_sage(self, day: date) -> bool:
        return self.single_ref(day, "ref_sage", ("sage", "dyn"))

    def s_ref_short_form(self, day: date) -> bool:
        return self.single_ref(day, "ref_short_form", ("odoo", "erpnext", "sage", "dyn"), short=True)

    def s_ref_rf_strd(self, day: date) -> bool:
        rnd = self.rnd
        c = self.pick_customer(lambda c: bool(self.open_docs(c, day)), known=True)
        if not c:
            return False
        d = rnd.choice(self.open_docs(c, day))
        name, iban, on_file = self.payer(c, True)
        ustrd = (
            []
            if rnd.random() < 0.6
            else [rnd.choice(["VIREMENT SEPA", "REGLEMENT FOURNISSEUR", f"PAIEMENT DU {day:%d/%m/%Y}"])]
        )
        t = self.add(
            day,
            d.total,
            name,
            iban,
            on_file,
            "ref_rf_strd",
            "customer",
            [(d.number, d.total, "invoice")],
            ustrd,
            [{"cref": (d.rf, True)}],
            e2e=self.e2e(c),
        )
        self.consume([d])
        self.paid_log.append((day, t, d, c))
        return True

    def s_ref_strd_erp(self, day: date) -> bool:
        rnd = self.rnd
        c = self.pick_customer(lambda c: bool(self.open_docs(c, day)), known=True)
        if not c:
            return False
        docs = self.open_docs(c, day)
        k = min(len(docs), rnd.choices([1, 2, 3], [60, 25, 15])[0])
        docs = rnd.sample(docs, k)
        name, iban, on_file = self.payer(c, True)
        strd = []
        style = rnd.random()
        for d in docs:
            if style < 0.7:
                amts = {"due": d.total, "paid": d.total} if rnd.random() < 0.7 else {"paid": d.total}
                strd.append({"docs": [("CINV", d.number)], "amts": amts, "rltd_dt": d.issue})
            else:
                strd.append({"cref": (d.number, False)})
        ustrd = (
            []
            if rnd.random() < 0.5
            else [f"AVIS DE PAIEMENT {rnd.randrange(10**6, 10**7)} DU {day:%d.%m.%Y}"]
        )
        total = sum(d.total for d in docs)
        self.add(
            day,
            total,
            name,
            iban,
            on_file,
            "ref_strd_erp",
            "customer",
            [(d.number, d.total, "invoice") for d in docs],
            ustrd,
            strd,
            e2e=self.e2e(c),
        )
        self.consume(docs)
        return True

    def s_ref_35_lines(self, day: date) -> bool:
        rnd = self.rnd
        c = self.pick_customer(lambda c: bool(self.open_docs(c, day)), known=True)
        if not c:
            return False
        docs = self.open_docs(c, day)
        docs = rnd.sample(docs, min(len(docs), rnd.choice([1, 1, 2])))
        refs = [
            d.number if d.scheme != "odoo" else rnd.choice([d.number, f"INV {d.year} {d.seq:05d}"])
            for d in docs
        ]
        head = f"{self.prefix(c, len(docs) > 1)} "
        # pad so that the first reference straddles the 35-character boundary most of the time
        if rnd.random() < 0.75:
            cut = rnd.randint(2, max(2, len(refs[0]) - 2))
            pad = 35 - cut - len(head)
            if pad > 0:
                head = f"{ascii_upper(c.name)[: max(0, pad - 1)]} {head}"
                head = head.ljust(35 - cut)
            else:
                head = head[: 35 - cut]
        text = head + " ".join(refs)
        extra = " ".join(self.noise(c, day, docs, sum(d.total for d in docs)))
        text = (text + " " + extra).strip()[:140]
        if not all(r in text for r in refs):
            return False
        lines = [text[i : i + 35] for i in range(0, len(text), 35)]
        total = sum(d.total for d in docs)
        name, iban, on_file = self.payer(c, True)
        self.add(
            day,
            total,
            name,
            iban,
            on_file,
            "ref_35_lines",
            "customer",
            [(d.number, d.total, "invoice") for d in docs],
            lines,
            e2e=self.e2e(c),
        )
        self.consume(docs)
        return True

    def s_order_ref_only(self, day: date) -> bool:
        rnd = self.rnd
        c = self.pick_customer(lambda c: any(d.order_ref for d in self.open_docs(c, day)), known=True)
        if not c:
            return False
        d = rnd.choice([d for d in self.open_docs(c, day) if d.order_ref])
        name, iban, on_file = self.payer(c, True)
        head = (
            rnd.choice(["V/CDE", "COMMANDE", "PO", "N/CDE", "BON DE COMMANDE", "ORDER"]) + f" {d.order_ref}"
        )
        text = self.compose(head, [n for n in self.noise(c, day, [], d.total)])
        self.add(
            day,
            d.total,
            name,
            iban,
            on_file,
            "order_ref_only",
            "customer",
            [(d.number, d.total, "invoice")],
            [text],
            e2e=self.e2e(c),
        )
        self.consume([d])
        return True

    def is_real(self, written: str) -> bool:
        """Whether a written number is (a written form of) a real document."""
        w = written.upper().replace(" ", "")
        for n in (w, w.lstrip("0")):
            if n in self.by_number:
                return True
        for d_num in (f"INV/{w}", f"ACC-SINV-{w}", f"FA{w}", f"SI-{w}"):
            if d_num in self.by_number:
                return True
        return (
            w.lstrip("0") in {k.lstrip("0") for k in self.short_index}
            if w.isdigit() and len(w) <= 6
            else False
        )

    def s_typo_not_real(self, day: date) -> bool:
        rnd = self.rnd
        c = self.pick_customer(lambda c: bool(self.open_docs(c, day)), known=True)
        if not c:
            return False
        d = rnd.choice(self.open_docs(c, day))
        for _ in range(30):
            n = d.number
            kind = rnd.random()
            if d.scheme == "odoo" and kind < 0.3:
                wrong = n.replace(f"/{d.year}/", f"/{d.year - 1 if d.year == 2026 else d.year + 1}/")
            elif d.scheme == "odoo" and kind < 0.45:
                wrong = n.replace("INV", rnd.choice(["IVN", "INC", "NIV"]), 1)
            else:
                pos = [i for i, ch in enumerate(n) if ch.isdigit()]
                if d.scheme in ("odoo", "erpnext"):
                    pos = [i for i in pos if i >= len(n) - 5]
                i = rnd.choice(pos)
                wrong = n[:i] + rnd.choice([x for x in "0123456789" if x != n[i]]) + n[i + 1 :]
            if (
                wrong != n
                and not self.is_real(wrong)
                and not self.is_real(wrong.replace("INV", "").strip("/"))
            ):
                break
        else:
            return False
        name, iban, on_file = self.payer(c, True)
        text = self.compose(f"{self.prefix(c)} {wrong}".strip(), self.noise(c, day, [d], d.total))
        self.add(
            day,
            d.total,
            name,
            iban,
            on_file,
            "typo_not_real",
            "customer",
            [(d.number, d.total, "invoice")],
            [text],
            e2e=self.e2e(c),
        )
        self.consume([d])
        return True

    def s_typo_sap_other_cust(self, day: date) -> bool:
        rnd = self.rnd

        def ok(c: Customer) -> bool:
            return any(d.scheme == "sap" for d in self.open_docs(c, day))

        for _ in range(20):
            c = self.pick_customer(ok, known=True)
            if not c:
                return False
            d = rnd.choice([d for d in self.open_docs(c, day) if d.scheme == "sap"])
            opts = []
            for i in range(4, 8):
                for x in "0123456789":
                    if x == d.number[i]:
                        continue
                    w = d.number[:i] + x + d.number[i + 1 :]
                    o = self.by_number.get(w)
                    if (
                        o
                        and o.customer != c.id
                        and o.kind == "invoice"
                        and o.idx not in self.used
                        and o.total != d.total
                        and o.issue <= day
                    ):
                        opts.append(o)
            if opts:
                o = rnd.choice(opts)
                self.reserved.add(o.idx)
                name, iban, on_file = self.payer(c, True)
                text = self.compose(f"{self.prefix(c)} {o.number}".strip(), self.noise(c, day, [], d.total))
                self.add(
                    day,
                    d.total,
                    name,
                    iban,
                    on_file,
                    "typo_sap_other_cust",
                    "customer",
                    [(d.number, d.total, "invoice")],
                    [text],
                    e2e=self.e2e(c),
                )
                self.consume([d])
                return True
        return False

    def s_multi_ref(self, day: date) -> bool:
        rnd = self.rnd
        c = self.pick_customer(lambda c: len(self.open_docs(c, day)) >= 2, known=None)
        if not c:
            return False
        docs = rnd.sample(self.open_docs(c, day), min(len(self.open_docs(c, day)), rnd.choice([2, 2, 3, 4])))
        refs = [self.form(d) for d in docs]
        sep = rnd.choice([" ", " / ", ", ", " + ", " ET ", " - ", " - "])
        head = f"{self.prefix(c, True)} {sep.join(refs)}".strip()
        if len(head) > 140:
            return False
        total = sum(d.total for d in docs)
        name, iban, on_file = self.payer(c, rnd.random() < 0.9)
        text = self.compose(head, self.noise(c, day, docs, total))
        self.add(
            day,
            total,
            name,
            iban,
            on_file,
            "multi_ref",
            "customer",
            [(d.number, d.total, "invoice") for d in docs],
            [text],
            e2e=self.e2e(c),
        )
        self.consume(docs)
        return True

    def s_list_cut140(self, day: date) -> bool:
        rnd = self.rnd
        for _ in range(25):
            c = self.pick_customer(lambda c: len(self.open_docs(c, day)) >= 6, known=True)
            if not c:
                return False
            opens = sorted(self.open_docs(c, day), key=lambda d: d.number)
            k = min(len(opens), rnd.randint(5, 30))
            docs = sorted(rnd.sample(opens, k), key=lambda d: (d.issue, d.number))
            sep = rnd.choice([" ", " ", ", ", "/", " - "])
            short = rnd.random() < 0.3
            refs = [
                (self.short_forms(d) or [d.number])[0] if short and d.scheme != "sap" else d.number
                for d in docs
            ]
            head = rnd.choice(["REGLEMENT RELEVE FACT ", "FACT ", "PAIEMENT FACTURES ", "", f"{c.id} "])
            text = head + sep.join(refs)
            if len(text) <= 140:
                continue
            text = text[:140]
            listed = []
            pos = len(head)
            for d, r in zip(docs, refs, strict=True):
                if pos + len(r) <= 140:
                    listed.append(d)
                pos += len(r) + len(sep)
            hidden = [d for d in docs if d not in listed]
            if not hidden or not listed:
                continue
            total = sum(d.total for d in docs)
            rest = sum(d.total for d in hidden)
            vals = self.all_open_values(c, exclude={d.idx for d in listed})
            if count_subsets(vals, rest) != 1:
                continue
            name, iban, on_file = self.payer(c, True)
            self.add(
                day,
                total,
                name,
                iban,
                on_file,
                "list_cut140",
                "customer",
                [(d.number, d.total, "invoice") for d in docs],
                [text],
                e2e=self.e2e(c),
            )
            self.consume(docs)
            return True
        return False

    def noref(
        self, day: date, scenario: str, sizes: list[int], *, known: bool = True, cluster: bool = False
    ) -> bool:
        rnd = self.rnd
        for _ in range(30):
            if cluster:
                c = self.pick_customer(lambda c: bool(c.cluster) and bool(self.open_docs(c, day)), known=None)
            else:
                c = self.pick_customer(
                    lambda c: len(self.open_docs(c, day)) >= max(sizes), known=True if known else None
                )
            if not c:
                return False
            opens = self.open_docs(c, day)
            k = rnd.choice(sizes)
            if len(opens) < k:
                continue
            if cluster:
                twins = [
                    d
                    for d in opens
                    if any(
                        self.invoices[i].total == d.total
                        for s in self.customers
                        if s.cluster == c.cluster and s.id != c.id
                        for i in s.docs
                    )
                ]
                if twins and rnd.random() < 0.8:
                    opens = twins
                k = 1
            docs = rnd.sample(opens, k)
            total = sum(d.total for d in docs)
            if count_subsets(self.all_open_values(c), total) != 1:
                continue
            name, iban, on_file = self.payer(c, known)
            if cluster:
                name = ascii_upper(c.name)  # the legal name in full: unmistakable
                with_ref = rnd.random() < 0.5
            else:
                with_ref = False
            head = rnd.choice(
                [
                    "VIREMENT",
                    "REGLEMENT",
                    "PAIEMENT FOURNISSEUR",
                    "REGLT FACTURES FEVRIER",
                    f"VIR {day:%d%m%Y}",
                    "",
                ]
            )
            if with_ref:
                head = f"{self.prefix(c)} {self.form(docs[0])}".strip()
            nz = [
                n
                for n in self.noise(c, day, [], total)
                if not n.startswith(("PO", "CDE", "COMMANDE", "V/CDE"))
            ]
            text = self.compose(head, nz)
            ustrd = [text] if text else []
            self.add(
                day,
                total,
                name,
                iban,
                on_file,
                scenario,
                "customer",
                [(d.number, d.total, "invoice") for d in docs],
                ustrd,
                e2e=self.e2e(c),
            )
            self.consume(docs)
            return True
        return False

    def s_multi_noref_combo(self, day: date) -> bool:
        return self.noref(day, "multi_noref_combo", [2, 2, 3, 4])

    def s_noref_single(self, day: date) -> bool:
        return self.noref(day, "noref_single", [1])

    def s_name_only_noref(self, day: date) -> bool:
        return self.noref(day, "name_only_noref", [1], known=False)

    def s_similar_names(self, day: date) -> bool:
        return self.noref(day, "similar_names", [1], known=False, cluster=True)

    def one_with(self, day: date, scenario: str, pred_doc=None, known: bool = True):
        rnd = self.rnd
        pred_doc = pred_doc or (lambda d: True)
        c = self.pick_customer(
            lambda c: any(pred_doc(d) for d in self.open_docs(c, day)), known=True if known else None
        )
        if not c:
            return None
        d = rnd.choice([d for d in self.open_docs(c, day) if pred_doc(d)])
        return c, d

    def s_partial(self, day: date) -> bool:
        rnd = self.rnd
        got = self.one_with(day, "partial", lambda d: d.total >= 30000)
        if not got:
            return False
        c, d = got
        frac = rnd.choice([0.25, 0.3, 0.4, 0.5, 0.5, 0.6, 0.7])
        amount = int(d.total * frac) // 100 * 100 if rnd.random() < 0.6 else int(d.total * frac)
        if amount <= 0 or count_subsets(self.all_open_values(c, {d.idx}), amount) != 0:
            return False
        ref = self.form(d)
        head = rnd.choice(
            [
                f"ACOMPTE {ref}",
                f"PAIEMENT PARTIEL FACT {ref}",
                f"1ER VERSEMENT {ref}",
                f"{ref} ACOMPTE 1/2",
                f"REGLEMENT PARTIEL {ref} SOLDE A SUIVRE",
                f"{ref} PART PAYMENT",
            ]
        )
        name, iban, on_file = self.payer(c, True)
        self.add(
            day,
            amount,
            name,
            iban,
            on_file,
            "partial",
            "customer",
            [(d.number, amount, "invoice")],
            [self.compose(head, [])],
            e2e=self.e2e(c),
        )
        self.consume([d], {d.idx: amount})
        return True

    def s_discount(self, day: date) -> bool:
        rnd = self.rnd
        got = self.one_with(
            day, "discount", lambda d: bool(d.disc) and d.issue < day <= d.issue + timedelta(d.disc[1])
        )
        if not got:
            return False
        c, d = got
        pct, _days = d.disc
        disc = pct_of(d.total, pct)
        amount = d.total - disc
        if disc <= 0 or count_subsets(self.all_open_values(c, {d.idx}), amount) != 0:
            return False
        ref = self.form(d)
        name, iban, on_file = self.payer(c, True)
        r = rnd.random()
        strd = []
        if r < 0.35:
            head = f"{self.prefix(c)} {ref}".strip()
        elif r < 0.75:
            head = rnd.choice(
                [
                    f"{ref} ESCOMPTE {pct}%",
                    f"FACT {ref} MOINS ESCOMPTE {pct} %",
                    f"{ref} ESC {fr_amount(disc)}",
                    f"{ref} SKONTO {pct}%",
                ]
            )
        else:
            head = rnd.choice(["AVIS DE PAIEMENT", ""])
            strd = [
                {
                    "docs": [("CINV", d.number)],
                    "amts": {"due": d.total, "disc": disc, "paid": amount},
                    "rltd_dt": d.issue,
                }
            ]
        self.add(
            day,
            amount,
            name,
            iban,
            on_file,
            "discount",
            "customer",
            [(d.number, d.total, "invoice"), (d.number, -disc, "deduction")],
            [self.compose(head, [])] if head else [],
            strd,
            e2e=self.e2e(c),
        )
        self.consume([d])
        return True

    def s_bank_charges(self, day: date) -> bool:
        rnd = self.rnd
        got = self.one_with(day, "bank_charges", lambda d: d.total >= 75000 and not d.disc)
        if not got:
            return False
        c, d = got
        fee = rnd.choice([100, 150, 200, 250, 300, 350, 500, 750])
        fee = min(fee, d.total // 100)
        amount = d.total - fee
        if count_subsets(self.all_open_values(c, {d.idx}), amount) != 0:
            return False
        name, iban, on_file = self.payer(c, True)
        text = self.compose(f"{self.prefix(c)} {self.form(d)}".strip(), self.noise(c, day, [d], amount))
        self.add(
            day,
            amount,
            name,
            iban,
            on_file,
            "bank_charges",
            "customer",
            [(d.number, d.total, "invoice"), (d.number, -fee, "deduction")],
            [text],
            e2e=self.e2e(c),
        )
        self.consume([d])
        return True

    REASONS = [
        ("DM", "MARCHANDISE ABIMEE", "damaged goods"),
        ("SH", "MANQUANT LIVRAISON", "short shipment"),
        ("PR", "ECART DE PRIX", "price difference"),
        ("PN", "PENALITE RETARD", "late delivery penalty"),
        ("RB", "REMISE NON DEDUITE", "rebate not applied"),
        ("PL", "PALETTES NON RENDUES", "pallets not returned"),
    ]

    def s_deduction_text(self, day: date) -> bool:
        rnd = self.rnd
        got = self.one_with(day, "deduction_text", lambda d: d.total >= 40000 and not d.disc)
        if not got:
            return False
        c, d = got
        _code, fr, _en = rnd.choice(self.REASONS)
        if rnd.random() < 0.3:
            p = rnd.choice([3, 5, 10])
            ded = pct_of(d.total, Decimal(p))
            what = f"RETENUE {p}% {fr}"
        else:
            ded = rnd.randint(2, 15) * d.total // 100
            ded = ded // 100 * 100 if rnd.random() < 0.5 else ded
            what = rnd.choice(
                [
                    f"MOINS {fr_amount(ded)} {fr}",
                    f"DEDUCTION {fr_amount(ded)} EUR {fr}",
                    f"- {fr_amount(ded)} {fr}",
                    f"RETENUE {fr_amount(ded)} EUR {fr}",
                ]
            )
        amount = d.total - ded
        if ded <= 0 or count_subsets(self.all_open_values(c, {d.idx}), amount) != 0:
            return False
        head = f"{self.prefix(c)} {self.form(d)} {what}".strip()
        name, iban, on_file = self.payer(c, True)
        self.add(
            day,
            amount,
            name,
            iban,
            on_file,
            "deduction_text",
            "customer",
            [(d.number, d.total, "invoice"), (d.number, -ded, "deduction")],
            [head[:140]],
            e2e=self.e2e(c),
        )
        self.consume([d])
        return True

    def s_deduction_strd(self, day: date) -> bool:
        rnd = self.rnd
        got = self.one_with(day, "deduction_strd", lambda d: d.total >= 40000 and not d.disc)
        if not got:
            return False
        c, d = got
        code, fr, en = rnd.choice(self.REASONS)
        ded = rnd.randint(2, 15) * d.total // 100
        amount = d.total - ded
        if ded <= 0 or count_subsets(self.all_open_values(c, {d.idx}), amount) != 0:
            return False
        strd = [
            {
                "docs": [("CINV", d.number)],
                "amts": {"due": d.total, "adj": (ded, code, rnd.choice([fr, en])), "paid": amount},
                "rltd_dt": d.issue,
            }
        ]
        name, iban, on_file = self.payer(c, True)
        ustrd = [] if rnd.random() < 0.5 else [f"PAYMENT ADVICE {rnd.randrange(10**6, 10**7)}"]
        self.add(
            day,
            amount,
            name,
            iban,
            on_file,
            "deduction_strd",
            "customer",
            [(d.number, d.total, "invoice"), (d.number, -ded, "deduction")],
            ustrd,
            strd,
            e2e=self.e2e(c),
        )
        self.consume([d])
        return True

    def s_credit_netted(self, day: date) -> bool:
        rnd = self.rnd

        def ok(c: Customer) -> bool:
            cns = self.open_docs(c, day, kind="credit_note")
            return bool(cns) and any(
                d.total > min(x.total for x in cns) * 1.5 for d in self.open_docs(c, day)
            )

        c = self.pick_customer(ok, known=True)
        if not c:
            return False
        cn = rnd.choice(self.open_docs(c, day, kind="credit_note"))
        invs = [d for d in self.open_docs(c, day) if d.total > cn.total * 1.5]
        if not invs:
            return False
        d = rnd.choice(invs)
        amount = d.total - cn.total
        name, iban, on_file = self.payer(c, True)
        strd = []
        if rnd.random() < 0.25:
            strd = [
                {"docs": [("CINV", d.number)], "amts": {"due": d.total, "paid": d.total}},
                {"docs": [("CREN", cn.number)], "amts": {"cn": cn.total}},
            ]
            ustrd = []
        else:
            a, b = self.form(d), self.form(cn)
            ustrd = [
                self.compose(
                    rnd.choice(
                        [
                            f"FACT {a} - AVOIR {b}",
                            f"{a} MOINS AVOIR {b}",
                            f"{a} / {b}",
                            f"FACT {a} DEDUIT AV {b}",
                        ]
                    ),
                    self.noise(c, day, [d], amount),
                )
            ]
        self.add(
            day,
            amount,
            name,
            iban,
            on_file,
            "credit_netted",
            "customer",
            [(d.number, d.total, "invoice"), (cn.number, -cn.total, "invoice")],
            ustrd,
            strd,
            e2e=self.e2e(c),
        )
        self.consume([d, cn])
        return True

    def s_overpayment(self, day: date) -> bool:
        rnd = self.rnd
        got = self.one_with(day, "overpayment")
        if not got:
            return False
        c, d = got
        extra = max(rnd.randint(2500, 30000), d.total // 50)
        if count_subsets(self.all_open_values(c, {d.idx}), extra) != 0:
            return False
        amount = d.total + extra
        if count_subsets(self.all_open_values(c), amount) != 0:
            return False
        name, iban, on_file = self.payer(c, True)
        text = self.compose(f"{self.prefix(c)} {self.form(d)}".strip(), self.noise(c, day, [d], amount))
        self.add(
            day,
            amount,
            name,
            iban,
            on_file,
            "overpayment",
            "customer",
            [(d.number, d.total, "invoice"), ("", extra, "on_account")],
            [text],
            e2e=self.e2e(c),
        )
        self.consume([d])
        return True

    def s_duplicate(self, day: date) -> bool:
        rnd = self.rnd
        cands = [
            (dd, t, d, c)
            for dd, t, d, c in self.paid_log
            if dd <= day - timedelta(3) and t.ref not in self.dup_done
        ]
        rnd.shuffle(cands)
        for _dd, t, d, c in cands:
            if count_subsets(self.all_open_values(c), d.total) != 0:
                continue
            self.dup_done.add(t.ref)
            self.add(
                day,
                d.total,
                t.payer_name,
                t.payer_iban,
                t.on_file,
                "duplicate",
                "customer",
                [("", d.total, "on_account")],
                t.ustrd,
                [dict(s) for s in t.strd],
                e2e=self.e2e(c),
                account=t.account,
            )
            return True
        return False

    def s_parent_pays(self, day: date) -> bool:
        rnd = self.rnd
        c = self.pick_customer(lambda c: bool(c.parent_id) and bool(self.open_docs(c, day)), known=None)
        if not c:
            return False
        p = self.cust[c.parent_id]
        docs = self.open_docs(c, day)
        docs = rnd.sample(docs, min(len(docs), rnd.choice([1, 1, 2])))
        total = sum(d.total for d in docs)
        refs = " ".join(self.form(d) for d in docs)
        head = rnd.choice(
            [
                f"FACT {refs} POUR {ascii_upper(c.name)}",
                f"{refs} {ascii_upper(c.name)[:30]}",
                f"REGLEMENT GROUPE {refs}",
            ]
        )
        self.add(
            day,
            total,
            self.bank_name(p),
            rnd.choice(p.ibans),
            True,
            "parent_pays",
            "customer",
            [(d.number, d.total, "invoice") for d in docs],
            [head[:140]],
            e2e=self.e2e(p),
        )
        self.consume(docs)
        return True

    def s_factor_pays(self, day: date) -> bool:
        rnd = self.rnd
        got = self.one_with(day, "factor_pays", known=False)
        if not got:
            return False
        c, d = got
        f = rnd.choice(FACTORS)
        fib = make_iban("FR", fr_bban(random.Random(sum(map(ord, f))), "30004"))
        head = rnd.choice(
            [
                f"REGLEMENT POUR COMPTE DE {ascii_upper(c.name)[:40]} FACT {self.form(d)}",
                f"SCF {ascii_upper(c.name)[:30]} INV {self.form(d)}",
                f"{self.form(d)} / {ascii_upper(c.name)[:40]}",
            ]
        )
        self.add(
            day,
            d.total,
            f,
            fib,
            False,
            "factor_pays",
            "customer",
            [(d.number, d.total, "invoice")],
            [head[:140]],
            e2e=f"{rnd.randrange(10**13, 10**14)}",
            ultimate=ascii_upper(c.name),
        )
        self.consume([d])
        return True

    def s_name_only_ref(self, day: date) -> bool:
        got = self.one_with(day, "name_only_ref", known=False)
        if not got:
            return False
        c, d = got
        name, iban, _ = self.payer(c, False)
        text = self.compose(f"{self.prefix(c)} {self.form(d)}".strip(), self.noise(c, day, [d], d.total))
        self.add(
            day,
            d.total,
            name,
            iban,
            False,
            "name_only_ref",
            "customer",
            [(d.number, d.total, "invoice")],
            [text],
            e2e=self.e2e(c),
        )
        self.consume([d])
        return True

    # --- traps
    def unrelated_payer(self) -> tuple[str, str]:
        rnd = self.rnd
        return rnd.choice(UNRELATED), random_iban(rnd, "FR")

    def any_open(self, day: date, pred) -> Doc | None:
        cands = [
            d
            for d in self.invoices
            if d.idx not in self.used and d.idx not in self.reserved and d.issue <= day and pred(d)
        ]
        return self.rnd.choice(cands) if cands else None

    def unrelated_amount(self, d: Doc) -> int:
        rnd = self.rnd
        while True:
            a = rnd.randint(5000, 900000)
            if abs(a - d.total) > d.total * 0.3 and not any(x.total == a for x in self.invoices):
                return a

    def s_trap_foreign_number(self, day: date) -> bool:
        rnd = self.rnd
        d = self.any_open(day, lambda d: d.kind == "invoice")
        if not d:
            return False
        self.reserved.add(d.idx)
        num = rnd.choice(self.long_forms(d)[:1] + self.short_forms(d))
        name, iban = self.unrelated_payer()
        text = rnd.choice(
            [
                f"INDEMNITE SINISTRE {num}",
                f"REMBOURSEMENT DOSSIER {num}",
                f"RESTITUTION DEPOT DE GARANTIE CONTRAT {num}",
                f"AIDE EMBAUCHE CONVENTION {num}",
                f"REMB TROP PERCU COTISATIONS REF {num}",
            ]
        )
        self.add(
            day,
            self.unrelated_amount(d),
            name,
            iban,
            False,
            "trap_foreign_number",
            "trap",
            [],
            [text],
            e2e=self.e2e(),
        )
        return True

    def s_trap_amount_only(self, day: date) -> bool:
        rnd = self.rnd
        d = self.any_open(day, lambda d: d.kind == "invoice")
        if not d:
            return False
        self.reserved.add(d.idx)
        name, iban = self.unrelated_payer()
        text = rnd.choice(
            ["VIREMENT", f"LOYER {day:%m/%Y}", "REMBOURSEMENT", f"VIR {rnd.randrange(10**6, 10**7)}", ""]
        )
        self.add(
            day,
            d.total,
            name,
            iban,
            False,
            "trap_amount_only",
            "trap",
            [],
            [text] if text else [],
            e2e=self.e2e(),
        )
        return True

    def tail_docs(self, day: date, c: Customer | None = None) -> list[tuple[Doc, str, str]]:
        """Open documents whose digits are a postal code of CITIES: (doc, postal code, city)."""
        codes = dict(TAIL_CITIES)
        out = []
        docs = [self.invoices[i] for i in c.docs] if c else self.invoices
        for d in docs:
            if d.idx in self.used or d.idx in self.reserved or d.kind != "invoice" or d.issue > day:
                continue
            if d.scheme == "sap" and d.number[-5:] in codes:
                out.append((d, d.number[-5:], codes[d.number[-5:]]))
            elif d.scheme == "odoo" and d.year == 2026 and f"{d.seq:05d}" in codes:
                out.append((d, f"{d.seq:05d}", codes[f"{d.seq:05d}"]))
        return out

    def s_trap_tail_unknown(self, day: date) -> bool:
        rnd = self.rnd
        cands = self.tail_docs(day)
        if not cands:
            return False
        d, pc, city = rnd.choice(cands)
        self.reserved.add(d.idx)
        name, iban = self.unrelated_payer()
        text = rnd.choice(
            [
                f"LOYER LOCAL {rnd.randint(1, 99)} RUE DE LA GARE {pc} {city}",
                f"REMBOURSEMENT {pc} {city}",
                f"INDEMNITE AGENCE {city} {pc}",
                f"CAUTION {pc} {city} {day:%Y%m%d}",
            ]
        )
        amount = d.total if rnd.random() < 0.5 else self.unrelated_amount(d)
        self.add(day, amount, name, iban, False, "trap_tail_unknown", "trap", [], [text], e2e=self.e2e())
        return True

    def s_trap_tail_customer(self, day: date) -> bool:
        rnd = self.rnd
        cands = [c for c in self.customers if c.ibans and self.tail_docs(day, c)]
        if not cands:
            return False
        c = rnd.choice(cands)
        d, pc, city = rnd.choice(self.tail_docs(day, c))
        for _ in range(20):
            amount = rnd.randint(2000, max(3000, d.total // 2))
            if count_subsets(self.all_open_values(c), amount) == 0:
                break
        else:
            return False
        self.reserved.add(d.idx)
        name, iban, on_file = self.payer(c, True)
        text = rnd.choice(
            [
                f"VIREMENT {ascii_upper(c.name)[:30]} {pc} {city}",
                f"AGENCE DE {city} {pc}",
                f"{pc} {city} REGLEMENT",
            ]
        )
        self.add(
            day,
            amount,
            name,
            iban,
            on_file,
            "trap_tail_customer",
            "trap",
            [],
            [text],
            e2e=self.e2e(c),
            allow_on_account=True,
        )
        return True

    def s_trap_e2e_number(self, day: date) -> bool:
        rnd = self.rnd
        d = self.any_open(day, lambda d: d.scheme == "sap" and d.kind == "invoice")
        if not d:
            return False
        self.reserved.add(d.idx)
        name, iban = self.unrelated_payer()
        text = rnd.choice(["REMBOURSEMENT ACOMPTE", "RESTITUTION CAUTION", "VIREMENT", "REGULARISATION"])
        self.add(
            day,
            self.unrelated_amount(d),
            name,
            iban,
            False,
            "trap_e2e_number",
            "trap",
            [],
            [text],
            e2e=d.number,
        )
        return True

    # --- non-customer credits
    def some_number(self, day: date) -> str:
        d = self.any_open(day, lambda d: True)
        if not d:
            return str(self.rnd.randrange(10**5))
        return self.rnd.choice(self.long_forms(d)[:1] + self.short_forms(d))

    def s_nc_psp(self, day: date) -> bool:
        rnd = self.rnd
        psp, country = rnd.choice(
            [
                ("STRIPE PAYMENTS EUROPE LTD", "IE"),
                ("ADYEN N.V.", "NL"),
                ("MOLLIE B.V.", "NL"),
                ("PAYPAL EUROPE S.A.R.L.", "LU"),
            ]
        )
        iban = make_iban(
            country,
            {
                "IE": "CITI99005112345678",
                "NL": "ADYB0123456789" if psp.startswith("ADYEN") else "ABNA0417164300",
                "LU": "0141234567890123",
            }[country][: {"IE": 18, "NL": 14, "LU": 16}[country]],
        )
        num = self.some_number(day)
        text = {
            "STRIPE PAYMENTS EUROPE LTD": f"STRIPE PAYOUT po_1P{rnd.randrange(10**8)} {num}",
            "ADYEN N.V.": f"ADYEN SETTLEMENT BATCH {num} MERCHANT NORDIADISTRIB",
            "MOLLIE B.V.": f"MOLLIE SETTLEMENT st_{rnd.randrange(10**6)} REF {num}",
            "PAYPAL EUROPE S.A.R.L.": f"PAYPAL TRANSFER {num} RETRAIT",
        }[psp]
        self.add(
            day, rnd.randint(30000, 3_000_000), psp, iban, False, "nc_psp", "nc", [], [text], e2e=self.e2e()
        )
        return True

    def s_nc_tax_refund(self, day: date) -> bool:
        rnd = self.rnd
        num = self.some_number(day)
        text = rnd.choice(
            [
                f"DGFIP REMBOURSEMENT TVA CREDIT 01/2026 DOSSIER {num}",
                f"REMBOURSEMENT CREDIT TVA {num} SIE PARIS 12",
                f"DGFIP REMB CIR 2025 {num}",
            ]
        )
        self.add(
            day,
            rnd.randint(100000, 5_000_000),
            "DIRECTION GENERALE DES FINANCES PUBLIQUES",
            make_iban("FR", fr_bban(rnd, "30001")),
            False,
            "nc_tax_refund",
            "nc",
            [],
            [text],
            e2e=self.e2e(),
        )
        return True

    def s_nc_interest(self, day: date) -> bool:
        rnd = self.rnd
        acct = self.account()
        self.add(
            day,
            rnd.randint(500, 90000),
            "",
            "",
            False,
            "nc_interest",
            "nc",
            [],
            [
                rnd.choice(
                    [
                        f"INTERETS CREDITEURS {day.month - 1:02d}/2026",
                        f"REMUNERATION COMPTE A TERME {rnd.randrange(10**5):05d}",
                    ]
                )
            ],
            account=acct,
            domain=("ACMT", "MCOP", "INTR"),
        )
        return True

    def s_nc_supplier_refund(self, day: date) -> bool:
        rnd = self.rnd
        d = self.any_open(day, lambda d: True)
        num = d.number if d else "FA000123"
        name = rnd.choice(SUPPLIERS)
        text = rnd.choice(
            [
                f"REMBOURSEMENT AVOIR {num}",
                f"AVOIR N {num} REGLEMENT",
                f"REMB TROP PERCU FACTURE {num}",
                f"RETOUR MARCHANDISE AVOIR {num}",
            ]
        )
        self.add(
            day,
            rnd.randint(2000, 400000),
            name,
            random_iban(rnd, "FR"),
            False,
            "nc_supplier_refund",
            "nc",
            [],
            [text],
            e2e=self.e2e(),
        )
        return True

    def s_nc_intragroup(self, day: date) -> bool:
        rnd = self.rnd
        text = rnd.choice(
            [
                "CASH POOLING NIVELLEMENT",
                "AVANCE EN COMPTE COURANT D ASSOCIE",
                f"REFACTURATION MANAGEMENT FEES {self.some_number(day)}",
                "REMONTEE TRESORERIE GROUPE",
            ]
        )
        self.add(
            day,
            rnd.randint(1_000_000, 50_000_000),
            "NORDIA HOLDING SAS",
            self.sister_iban,
            False,
            "nc_intragroup",
            "nc",
            [],
            [text],
            e2e=self.e2e(),
        )
        return True

    def s_nc_own_transfer(self, day: date) -> bool:
        rnd = self.rnd
        to_main = rnd.random() < 0.7
        acct, src = (self.eur_iban, self.second_iban) if to_main else (self.second_iban, self.eur_iban)
        text = rnd.choice(
            [
                "VIREMENT INTERNE",
                "ALIMENTATION COMPTE",
                f"VIR COMPTE A COMPTE {self.some_number(day)}",
                "EQUILIBRAGE TRESORERIE",
            ]
        )
        self.add(
            day,
            rnd.randint(500_000, 20_000_000),
            ascii_upper(SELLER),
            src,
            False,
            "nc_own_transfer",
            "nc",
            [],
            [text],
            account=acct,
            domain=("PMNT", "RCDT", "BOOK"),
        )
        return True

    def s_nc_reversal(self, day: date) -> bool:
        rnd = self.rnd
        name = rnd.choice(SUPPLIERS)
        num = self.some_number(day)
        self.add(
            day,
            rnd.randint(5000, 900000),
            name,
            random_iban(rnd, "FR"),
            False,
            "nc_reversal",
            "nc",
            [],
            [f"RETOUR VIREMENT FACT {num} MOTIF AC04 COMPTE CLOTURE"],
            reversal=True,
            domain=("PMNT", "ICDT", "RRTN"),
        )
        return True

    def make_debits(self) -> None:
        rnd = self.rnd
        for day in BDAYS:
            for acct in (self.eur_iban, self.second_iban):
                for _ in range(rnd.randint(1, 4)):
                    name = rnd.choice(SUPPLIERS)
                    t = Tx(
                        self.new_ref(acct, day),
                        acct,
                        day,
                        rnd.randint(5000, 2_000_000),
                        name,
                        random_iban(rnd, "FR"),
                        False,
                        "debit",
                        "debit",
                        [],
                        [f"FACTURE FOURNISSEUR {rnd.randrange(10**6)}"],
                        debit=True,
                        domain=("PMNT", "ICDT", "ESCT"),
                    )
                    self.txs.append(t)

    # ------------------------------------------------------------------ files
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
                        c.vat,
                        "|".join(c.ibans),
                        c.email,
                        c.language,
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
                    "net",
                    "vat",
                    "kind",
                    "discount_percent",
                    "discount_days",
                    "order_reference",
                ]
            )
            for d in self.invoices:
                assert d.net + d.vat == d.total and d.total > 0
                w.writerow(
                    [
                        d.number,
                        d.customer,
                        d.issue.isoformat(),
                        d.due.isoformat(),
                        "EUR",
                        fmt_amount(d.total),
                        d.rf,
                        fmt_amount(d.net),
                        fmt_amount(d.vat),
                        d.kind,
                        str(d.disc[0]) if d.disc else "",
                        d.disc[1] if d.disc else "",
                        d.order_ref,
                    ]
                )

    def write_truth(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["tx_ref", "scenario", "kind", "amount", "invoice_number", "row_amount", "row_kind"])
            for t in self.txs:
                if t.debit:
                    continue
                for n, a, k in t.truth or [("", t.amount, "unrelated")]:
                    w.writerow([t.ref, t.scenario, t.kind, fmt_amount(t.amount), n, fmt_amount(a), k])

    def camt(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        files = []
        seq = 0
        for acct, ver in ((self.eur_iban, "08"), (self.second_iban, "02")):
            bal = 25_000_000 if ver == "08" else 8_000_000
            for n, day in enumerate(BDAYS, 1):
                txs = [t for t in self.txs if t.account == acct and t.booking == day]
                opening = bal
                for t in txs:
                    bal += -t.amount if t.debit else t.amount
                seq += 1
                xml = self.camt_xml(acct, ver, day, n, opening, bal, txs)
                p = folder / f"camt053_{'BNP' if ver == '08' else 'SOGE'}_{day:%Y%m%d}.xml"
                p.write_text(xml, encoding="utf-8")
                ET.parse(p)  # noqa: S314 - the file just written here: well-formed
                files.append(p)
        return files

    def camt_xml(
        self, acct: str, ver: str, day: date, n: int, opening: int, closing: int, txs: list[Tx]
    ) -> str:
        v8 = ver == "08"
        e = escape

        def amt(tag: str, c: int) -> str:
            return f'<{tag} Ccy="EUR">{fmt_amount(c)}</{tag}>'

        def bal(code: str, c: int) -> str:
            ind = "CRDT" if c >= 0 else "DBIT"
            return (
                f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>{amt('Amt', abs(c))}<CdtDbtInd>{ind}</CdtDbtInd>"
                f"<Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>"
            )

        def party(tag: str, name: str) -> str:
            return (
                f"<{tag}><Pty><Nm>{e(name)}</Nm></Pty></{tag}>"
                if v8
                else f"<{tag}><Nm>{e(name)}</Nm></{tag}>"
            )

        out = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.{ver}"><BkToCstmrStmt>',
            f"<GrpHdr><MsgId>MSG{acct[-6:]}{day:%Y%m%d}</MsgId><CreDtTm>{day.isoformat()}T20:00:00</CreDtTm></GrpHdr>",
            f"<Stmt><Id>STM{acct[-6:]}{day:%Y%m%d}</Id><ElctrncSeqNb>{n}</ElctrncSeqNb><CreDtTm>{day.isoformat()}T20:00:00</CreDtTm>",
            f"<Acct><Id><IBAN>{acct}</IBAN></Id><Ccy>EUR</Ccy></Acct>",
            bal("OPBD", opening),
            bal("CLBD", closing),
        ]
        for t in txs:
            ind = "DBIT" if t.debit else "CRDT"
            sts = "<Sts><Cd>BOOK</Cd></Sts>" if v8 else "<Sts>BOOK</Sts>"
            rv = "<RvslInd>true</RvslInd>" if t.reversal else ""
            dm, fm, sf = t.domain
            bk = f"<BkTxCd><Domn><Cd>{dm}</Cd><Fmly><Cd>{fm}</Cd><SubFmlyCd>{sf}</SubFmlyCd></Fmly></Domn></BkTxCd>"
            out.append(
                f"<Ntry>{amt('Amt', t.amount)}<CdtDbtInd>{ind}</CdtDbtInd>{rv}{sts}<BookgDt><Dt>{day.isoformat()}</Dt></BookgDt>"
                f"<ValDt><Dt>{day.isoformat()}</Dt></ValDt><AcctSvcrRef>{t.ref}</AcctSvcrRef>{bk}<NtryDtls><TxDtls>"
            )
            out.append(f"<Refs><AcctSvcrRef>{t.ref}</AcctSvcrRef><EndToEndId>{e(t.e2e)}</EndToEndId></Refs>")
            out.append(
                f"{amt('Amt', t.amount)}<CdtDbtInd>{ind}</CdtDbtInd>"
                if v8
                else f"<AmtDtls><TxAmt>{amt('Amt', t.amount)}</TxAmt></AmtDtls>"
            )
            rp = ""
            if t.payer_name or t.payer_iban:
                if t.debit:
                    rp = (
                        party("Cdtr", t.payer_name)
                        + f"<CdtrAcct><Id><IBAN>{t.payer_iban}</IBAN></Id></CdtrAcct>"
                    )
                else:
                    rp = party("Dbtr", t.payer_name) if t.payer_name else ""
                    if t.payer_iban:
                        rp += f"<DbtrAcct><Id><IBAN>{t.payer_iban}</IBAN></Id></DbtrAcct>"
                    if t.ultimate:
                        rp += party("UltmtDbtr", t.ultimate)
            if rp:
                out.append(f"<RltdPties>{rp}</RltdPties>")
            if t.ustrd or t.strd:
                r = "".join(f"<Ustrd>{e(u)}</Ustrd>" for u in t.ustrd)
                for s in t.strd:
                    r += self.strd_xml(s, v8)
                out.append(f"<RmtInf>{r}</RmtInf>")
            out.append("</TxDtls></NtryDtls>")
            if t.domain[0] == "ACMT" and t.ustrd:
                out.append(f"<AddtlNtryInf>{e(t.ustrd[0])}</AddtlNtryInf>")
            out.append("</Ntry>")
        out.append("</Stmt></BkToCstmrStmt></Document>")
        return "\n".join(out)

    @staticmethod
    def strd_xml(s: dict, v8: bool) -> str:
        e = escape

        def amt(tag: str, c: int) -> str:
            return f'<{tag} Ccy="EUR">{fmt_amount(c)}</{tag}>'

        x = "<Strd>"
        for tp, nb in s.get("docs", []):
            dt = f"<RltdDt>{s['rltd_dt'].isoformat()}</RltdDt>" if s.get("rltd_dt") else ""
            x += f"<RfrdDocInf><Tp><CdOrPrtry><Cd>{tp}</Cd></CdOrPrtry></Tp><Nb>{e(nb)}</Nb>{dt}</RfrdDocInf>"
        a = s.get("amts")
        if a:
            x += "<RfrdDocAmt>"
            if "due" in a:
                x += amt("DuePyblAmt", a["due"])
            if "disc" in a:
                x += (
                    f"<DscntApldAmt>{amt('Amt', a['disc'])}</DscntApldAmt>"
                    if v8
                    else amt("DscntApldAmt", a["disc"])
                )
            if "cn" in a:
                x += amt("CdtNoteAmt", a["cn"])
            if "adj" in a:
                c, code, why = a["adj"]
                x += f"<AdjstmntAmtAndRsn>{amt('Amt', c)}<Rsn>{code}</Rsn><AddtlInf>{e(why)}</AddtlInf></AdjstmntAmtAndRsn>"
            if "paid" in a:
                x += amt("RmtdAmt", a["paid"])
            x += "</RfrdDocAmt>"
        if s.get("cref"):
            ref, scor = s["cref"]
            tp = "<Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr></Tp>" if scor else ""
            x += f"<CdtrRefInf>{tp}<Ref>{e(ref)}</Ref></CdtrRefInf>"
        if s.get("addtl"):
            x += f"<AddtlRmtInf>{e(s['addtl'])}</AddtlRmtInf>"
        return x + "</Strd>"


# ----------------------------------------------------------------------------------------
# validation of the generated files
# ----------------------------------------------------------------------------------------


def validate(gen: Generator, statements: list[Path]) -> None:
    assert iban_valid(gen.eur_iban) and iban_valid(gen.second_iban) and iban_valid(gen.sister_iban)
    assert all(iban_valid(i) for c in gen.customers for i in [*c.ibans, c.other_iban])
    assert all(iban_valid(t.payer_iban) for t in gen.txs if t.payer_iban), [
        t.payer_iban for t in gen.txs if t.payer_iban and not iban_valid(t.payer_iban)
    ][:3]
    assert len({c.id for c in gen.customers}) == len(gen.customers)
    assert len(gen.by_number) == len(gen.invoices)
    for d in gen.invoices:
        assert d.net + d.vat == d.total > 0
        assert d.rf == "" or iban_valid(d.rf[4:] + d.rf[:4]) or _num(d.rf[4:] + d.rf[:4]) % 97 == 1
    assert len({t.ref for t in gen.txs}) == len(gen.txs)
    for t in gen.txs:
        if t.kind == "customer":
            assert sum(a for _n, a, _k in t.truth) == t.amount, (t.scenario, t.truth, t.amount)
        assert all(len(u) <= 140 for u in t.ustrd), t.ustrd
        assert t.amount > 0
    ns = {"c": ""}
    for p in statements:
        root = ET.parse(p).getroot()  # noqa: S314 - the statements this check wrote
        tag = root.tag.split("}")[0] + "}"
        for st in root.iter(tag + "Stmt"):
            bals = {b.find(f"{tag}Tp/{tag}CdOrPrtry/{tag}Cd").text: b for b in st.iter(tag + "Bal")}

            def val(b, tag=tag):
                v = int(Decimal(b.find(tag + "Amt").text) * 100)
                return v if b.find(tag + "CdtDbtInd").text == "CRDT" else -v

            s = 0
            for ntry in st.iter(tag + "Ntry"):
                v = int(Decimal(ntry.find(tag + "Amt").text) * 100)
                s += v if ntry.find(tag + "CdtDbtInd").text == "CRDT" else -v
            assert val(bals["OPBD"]) + s == val(bals["CLBD"]), p
    del ns


# ----------------------------------------------------------------------------------------
# running the product
# ----------------------------------------------------------------------------------------


def run_product(
    gen: Generator, out: Path, exe: Path, statements: list[Path]
) -> tuple[dict[str, float], list[dict[str, str]]]:
    home = Path(tempfile.mkdtemp(prefix="encaisse-erp-"))
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
                "FR",
                "--iban",
                gen.eur_iban,
                "--iban",
                gen.second_iban,
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
    return score_kinds(gen.txs, out, miss_row, columns=[*MISS_COLUMNS, "iban_on_file"])


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
        "yes" if t.on_file else "no",
    ]


def print_table(result: dict[str, object]) -> str:
    stats: dict[str, dict[str, int]] = result["stats"]  # type: ignore[assignment]
    return "\n".join(trap_table(stats, env_base="applied"))


def main(argv: list[str] | None = None) -> int:
    args, exe, out = check_arguments(__doc__, argv, payments=2000, prefix="blackbox-erp-")
    t0 = time.perf_counter()
    gen = Generator(args.payments, args.seed)
    gen.generate()
    gen.write_customers(out / "customers.csv")
    gen.write_invoices(out / "invoices.csv")
    if (out / "statements").exists():
        shutil.rmtree(out / "statements")
    statements = gen.camt(out / "statements")
    validate(gen, statements)
    gen.write_truth(out / "truth.csv")
    credits = [t for t in gen.txs if not t.debit]
    kinds = Counter(t.kind for t in credits)
    print(
        f"generated in {time.perf_counter() - t0:.1f}s: {len(gen.customers)} customers, {len(gen.invoices)} documents, "
        f"{len(credits)} credits ({kinds['customer']} customer payments, {kinds['trap']} traps, {kinds['nc']} non-customer), "
        f"{len(statements)} statements, {gen.dropped} dropped, fallbacks {dict(gen.fallbacks)}, out={out}"
    )
    if args.generate_only:
        return 0
    timings, problems = run_product(gen, out, exe, statements)
    result = score(gen, out)
    report(out, print_table(result), timings, problems, result, remove=not args.keep and args.out is None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
