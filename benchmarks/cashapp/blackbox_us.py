"""Fourth independent black-box check of Encaisse's cash application: North American receivables.

A US company (Encaisse Inc., USD) with about 400 customers — US company names with their legal forms
(Inc., LLC, Corp., Co., L.P., "The … Company", "dba" names), look-alike names, parents paying for
subsidiaries, a few Canadian customers invoiced in CAD — and an open book five times the payments:
plain six-digit invoice numbers (318412) that collide with purchase-order, check and customer
numbers, an ``SI-`` service series, ``CM`` credit memos, Net 30/45/60 and "2% 10 Net 30" terms, the
buyer's purchase order in ``order_reference``. Customers have US bank accounts (routing and account
number); the master data holds the account for about 60 % of them.

A month of incoming credits arrives on two accounts: a BAI2 file per day from the operating bank
(ACH credits 165/166 with ``ORIG CO NAME``, ``ENTRY DESCR`` and ``ADDENDA``, Fedwire 195 with ``ORG=`` /
``B/O`` and ``OBI``, lockbox 115 checks with the stub data, card and tax deposits, 354 interest, 275
ZBA transfers; 88 continuations at 80 characters, funds type ``S`` on some lockbox items) and a
camt.053.001.08 per day from a second bank (account ``Othr/Id``, BAI codes as proprietary bank
transaction codes, remittance in ``Ustrd`` or ``Strd/RfrdDocInf/Nb`` with ``RfrdDocAmt``, ``CREN``
credit memos and ``AdjstmntAmtAndRsn``). Channels: ACH CCD+ (one addenda: ``RMR*IV*…*PI*…\\`` or free
text), ACH CTX (X12 820 ``RMR`` per invoice, ``ADX`` adjustments with reason codes), Fedwire, lockbox,
payment networks paying for many customers (Bill.com, Paymode-X, AvidXchange, Nvoicepay) and
non-customer credits (card processors, IRS/state tax refunds, interest, sweeps, loan proceeds, vendor
refunds, insurance claims; a third carry an open invoice's number or amount). Designed from public
knowledge of how US companies pay their suppliers, the issue text and the user docs only (not from
the product's matching code).

The product is driven only through its command line on a fresh SQLite workspace (``init``,
``import-customers``, ``import-invoices``, ``import-statement``, ``match``, ``export-allocations``) and
its export is scored per channel, format and scenario.

Run::

    .venv/bin/python benchmarks/cashapp/blackbox_us.py [--payments 1500] [--seed 1] [--out DIR] [--keep]

Writes ``truth.csv``, ``out.csv``, ``misses.csv``, ``report.json``, the generated input files and the
command log into ``--out`` (default: a temporary directory, removed unless ``--keep``). NumPy and the
standard library only.

Truth: what a US AR clerk would book, in the export contract. Where a clerk could book two ways, both
are accepted (an unearned discount taken after the terms: a partial payment, or the invoice closed
with a deduction to chase). Where the answer is genuinely a person's (USD paid against a Canadian
customer's CAD invoice), leaving the credit to a person is right and applying it counts as a miss.
The customer master holds a domestic account (``bank_routing`` and ``bank_account``: the routing number
of the customer's bank and the account it pays wires from) for about 60 % of the customers, as a US AR
team has it from its customer setup forms; the others are known by name only. The choice is drawn
apart from the payments, so a seed gives the same payments and statements with or without accounts.
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
from blackbox import pct
from blackbox_export import check_arguments, envelope, outcome, read_export, run_steps, step_log

PERIOD_START = date(2026, 3, 2)
PERIOD_END = date(2026, 3, 31)
BOOK_START = date(2025, 10, 1)
ENTITY_NAME = "Encaisse Inc."
BAI_ACCOUNT = "4471029385"  # operating account, BAI2 from the first bank
CAMT_ACCOUNT = "000123456789"  # collections account, camt.053 from the second bank
OWN_ACCOUNT = "9900112233"  # the entity's own concentration / savings account
CAD_RATE = 0.73  # CAD → USD on the invoices in CAD

# ----------------------------------------------------------------------------------------
# names
# ----------------------------------------------------------------------------------------

BASES = [
    "Summit", "Harbor", "Keystone", "Pinnacle", "Liberty", "Frontier", "Cascade", "Heartland", "Granite",
    "Evergreen", "Lakeshore", "Prairie", "Redwood", "Sierra", "Atlantic", "Pacific", "Midwest", "Bluegrass",
    "Magnolia", "Patriot", "Ridgeline", "Riverside", "Sunbelt", "Tristate", "Allegheny", "Blackstone",
    "Crescent", "Diamond", "Eagle", "Falcon", "Gateway", "Hawkeye", "Ironwood", "Jefferson", "Lone Star",
    "Mesa", "Northstar", "Ozark", "Piedmont", "Quaker", "Rocky Mountain", "Sequoia", "Timberline",
    "Union", "Valley", "Westfield", "Yellowstone", "Apex", "Benchmark", "Cornerstone", "Delta", "Empire",
    "Hudson", "Madison", "Monarch", "Premier", "Capitol", "Great Lakes", "Coastal", "Tidewater",
]  # fmt: skip
TRADES = [
    "Supply", "Foods", "Industries", "Logistics", "Manufacturing", "Distributors", "Health", "Hardware",
    "Electric", "Packaging", "Systems", "Brands", "Retail", "Stores", "Medical", "Building Products",
    "Auto Parts", "Office Solutions", "Beverage", "Fasteners", "Plastics", "Pharmacy", "Grocers",
    "Restaurant Group", "Construction", "Freight", "Laboratories", "Equipment", "Textiles", "Paper",
]  # fmt: skip
FORMS = [
    ("Inc.", 30), ("LLC", 28), ("Corp.", 10), ("Co.", 6), ("Corporation", 6), ("Company", 5),
    ("L.P.", 3), ("Incorporated", 3), ("LLP", 1), ("", 3),
]  # fmt: skip
SURNAMES = ["Rivera", "Johnson", "Nguyen", "Patel", "Kowalski", "O'Brien", "McAllister", "Schmidt", "Garcia"]
DBA = ["Coastal Grill", "QuickShip", "Main Street Market", "Sunrise Bakery", "Metro Tire", "Blue Door Cafe"]
STATES = [
    ("CHICAGO", "IL", "60607"), ("DALLAS", "TX", "75201"), ("ATLANTA", "GA", "30303"), ("DENVER", "CO", "80202"),
    ("COLUMBUS", "OH", "43215"), ("NASHVILLE", "TN", "37203"), ("PHOENIX", "AZ", "85004"),
    ("NEWARK", "NJ", "07102"), ("CHARLOTTE", "NC", "28202"), ("MINNEAPOLIS", "MN", "55402"),
]  # fmt: skip
BANKS = [
    ("JPMORGAN CHASE BANK NA", "021000021"), ("BANK OF AMERICA NA", "026009593"),
    ("WELLS FARGO BANK NA", "121000248"), ("US BANK NA", "091000022"), ("PNC BANK NA", "043000096"),
    ("TRUIST BANK", "061000104"), ("CITIBANK NA", "021000089"), ("FIFTH THIRD BANK", "042000314"),
]  # fmt: skip
NETWORKS = ["BILL.COM", "PAYMODE-X", "AVIDXCHANGE INC", "NVOICEPAY"]

# customer payments: scenario, weight
PLAN = [
    ("exact_one", 30),
    ("po_only", 7),
    ("multi_listed", 13),
    ("amount_only_multi", 4),
    ("noref_single", 6),
    ("fifo_recurring", 4),
    ("typo", 2),
    ("partial", 4),
    ("overpayment", 2),
    ("duplicate", 2),
    ("discount_in_terms", 5),
    ("discount_late", 2),
    ("deduction_reason", 5),
    ("deduction_silent", 2),
    ("wire_fee", 3),
    ("credit_memo_netted", 3),
    ("parent_pays", 4),
    ("cad_usd_person", 1),
]
NC_PLAN = [
    ("nc_card", 24),
    ("nc_tax", 12),
    ("nc_interest", 10),
    ("nc_sweep", 16),
    ("nc_loan", 6),
    ("nc_vendor_refund", 18),
    ("nc_insurance", 8),
    ("nc_return", 6),
]
NC_SHARE = 0.09
LAYOUTS = [
    "ach_label_colon", "ach_label_equals", "wire_org_obi", "wire_bo_obi", "lockbox_remitter", "camt_strd",
    "camt_ustrd",
]  # fmt: skip
CHANNELS = ["ach_ccd", "ach_ctx", "wire", "lockbox", "network"]
# scenario → channel weights (ach_ccd, ach_ctx, wire, lockbox, network)
CHANNEL_W = {
    "default": (30, 8, 14, 30, 18),
    "multi_listed": (10, 35, 12, 28, 15),
    "amount_only_multi": (45, 0, 15, 40, 0),
    "noref_single": (50, 0, 15, 35, 0),
    "fifo_recurring": (60, 0, 5, 35, 0),
    "deduction_reason": (15, 55, 0, 20, 10),
    "deduction_silent": (30, 20, 0, 40, 10),
    "wire_fee": (0, 0, 100, 0, 0),
    "credit_memo_netted": (5, 50, 10, 25, 10),
    "cad_usd_person": (0, 0, 100, 0, 0),
    "discount_in_terms": (35, 30, 0, 20, 15),
    "discount_late": (35, 30, 0, 20, 15),
}
ADX_REASONS = [
    ("01", "PRICING ERROR"),
    ("04", "DAMAGED"),
    ("06", "SHORTAGE"),
    ("CA", "CO-OP ALLOWANCE"),
    ("22", "FREIGHT"),
    ("11", "RETURNS"),
]


def money(c: int) -> str:
    return f"{abs(c) // 100}.{abs(c) % 100:02d}"


def smoney(c: int) -> str:
    return ("-" if c < 0 else "") + money(c)


def money_us(c: int) -> str:
    return f"{abs(c) // 100:,}.{abs(c) % 100:02d}"


def ach_name(name: str) -> str:
    """What an originator puts in the 16-character ACH company name: upper case, no punctuation, cut."""
    keep = "".join(ch for ch in name.upper() if ch.isalnum() or ch in " &-")
    return " ".join(keep.split())[:16].rstrip()


def upper_name(name: str) -> str:
    return " ".join("".join(ch for ch in name.upper() if ch.isalnum() or ch in " &-/").split())


def _d(rng: random.Random, n: int) -> str:
    return str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(n - 1))


# ----------------------------------------------------------------------------------------
# model
# ----------------------------------------------------------------------------------------


@dataclass
class Customer:
    id: str
    name: str
    country: str = "US"
    pay_names: list[str] = field(default_factory=list)  # names the customer's bank sends
    parent_id: str = ""
    parent_on_file: bool = True
    terms: int = 30
    discount: bool = False
    recurring: int = 0  # monthly fee in cents
    network: str = ""
    wire_acct: str = ""
    ach_id: str = ""
    bank: tuple[str, str] = ("", "")
    city: tuple[str, str, str] = ("", "", "")
    vendor_no: str = ""  # our number in the customer's vendor master
    weight: float = 1.0


@dataclass
class Invoice:
    number: str
    customer_id: str
    issue: date
    due: date
    total: int
    currency: str = "USD"
    kind: str = "invoice"
    disc_pct: int = 0
    disc_days: int = 0
    po: str = ""
    terms: str = "Net 30"
    claimed: bool = False


@dataclass
class Item:
    """One line of a remittance: the document, what is paid on it and how the payer writes it."""

    inv: Invoice
    paid: int
    disc: int = 0
    adj: int = 0  # deduction taken (positive cents)
    adj_code: str = ""
    adj_text: str = ""
    ref: str = ""  # the reference as the payer writes it ("" = none)


@dataclass
class Tx:
    ref: str
    scenario: str
    channel: str
    fmt: str
    amount: int
    value: date
    customer_id: str = ""
    payer: str = ""
    items: list[Item] = field(default_factory=list)
    free: str = ""  # free remittance text (overrides the items' own rendering)
    truth: list[tuple[str, int, str]] = field(default_factory=list)
    alts: list[list[tuple[str, int, str]]] = field(default_factory=list)
    customer_payment: bool = True
    person: bool = False  # left to a person is the right outcome
    bai_code: str = "165"
    bai_lines: list[str] = field(default_factory=list)
    cust_ref: str = ""
    funds_s: bool = False
    camt: dict = field(default_factory=dict)
    layout: str = ""  # how the bank writes the text (BAI2) or where the remittance is (camt)
    note: str = ""

    def remittance(self) -> str:
        if self.fmt == "bai2":
            return " | ".join(self.bai_lines)
        c = self.camt
        parts = [f"Dbtr={c.get('dbtr', '')}"]
        if c.get("acct"):
            parts.append(f"DbtrAcct={c['acct']}")
        parts += [f"Ustrd:{u}" for u in c.get("ustrd", [])]
        parts += [f"Strd:{s[0]}:{s[1]}:{money(s[2])}" for s in c.get("strd", [])]
        if c.get("addtl"):
            parts.append(f"AddtlTxInf:{c['addtl']}")
        return " | ".join(parts)


# ----------------------------------------------------------------------------------------
# generator
# ----------------------------------------------------------------------------------------


class Generator:
    def __init__(self, n_payments: int, seed: int) -> None:
        self.n = n_payments
        self.rng = random.Random(seed)
        self.np = np.random.default_rng(seed)
        self.master_rng = random.Random(f"master data {seed}")  # apart from the payments' draws
        self.customers: dict[str, Customer] = {}
        self.invoices: list[Invoice] = []
        self.by_cust: dict[str, list[Invoice]] = defaultdict(list)
        self.by_number: dict[str, Invoice] = {}
        self.txs: list[Tx] = []
        self.refs: set[str] = set()
        self.skipped: Counter[str] = Counter()
        self.numbers_used: set[str] = set()

    # ---- identifiers -------------------------------------------------------------------
    def new_ref(self, fmt: str) -> str:
        while True:
            r = ("0" if fmt == "bai2" else "26") + _d(self.rng, 13)
            if r not in self.refs:
                self.refs.add(r)
                return r

    # ---- customers ---------------------------------------------------------------------
    def make_customers(self, n: int = 400) -> None:
        rng = self.rng
        ids: set[str] = set()
        names: set[str] = set()
        forms, fw = zip(*FORMS, strict=True)
        while len(self.customers) < n:
            cid = str(rng.randint(300000, 339999))  # collides with invoice numbers 318xxx-32xxxx
            if cid in ids:
                continue
            r = rng.random()
            base = rng.choice(BASES)
            trade = rng.choice(TRADES)
            form = rng.choices(forms, fw)[0]
            country = "US"
            if r < 0.06:
                name = f"The {base} {trade} Company"
            elif r < 0.09:
                sur = rng.choice(SURNAMES)
                name = f"{sur} Holdings LLC dba {rng.choice(DBA)}"
            elif r < 0.12:
                name = f"{rng.choice(SURNAMES)} & Sons {form}".strip()
            elif r < 0.145:
                country = "CA"
                name = f"{base} {trade} {rng.choice(['Ltd.', 'Inc.', 'ULC'])}"
            else:
                name = f"{base} {trade} {form}".strip()
            if name in names:
                continue
            names.add(name)
            ids.add(cid)
            c = Customer(id=cid, name=name, country=country)
            c.terms = rng.choices([30, 45, 60], [70, 15, 15])[0]
            c.discount = c.terms == 30 and country == "US" and rng.random() < 0.15
            c.recurring = rng.choice([49500, 125000, 89900, 250000, 37500]) if rng.random() < 0.07 else 0
            c.network = rng.choice(NETWORKS) if rng.random() < 0.14 and country == "US" else ""
            c.wire_acct = _d(rng, rng.choice([9, 10, 12]))
            c.ach_id = "1" + _d(rng, 9)
            c.bank = rng.choice(BANKS)
            c.city = rng.choice(STATES)
            c.vendor_no = rng.choice(["V", "", "SUP"]) + _d(rng, rng.choice([5, 6]))
            c.weight = float(self.np.pareto(1.6) + 0.3)
            self.customers[cid] = c
        # parents: a few groups paying for their subsidiaries
        cs = [c for c in self.customers.values() if c.country == "US" and "dba" not in c.name]
        rng.shuffle(cs)
        for k in range(12):
            parent = cs[k]
            parent.name = parent.name.rsplit(" ", 1)[0] + " Holdings Inc." if k % 2 else parent.name
            for sub in cs[12 + 3 * k : 12 + 3 * k + rng.randint(1, 3)]:
                sub.parent_id = parent.id
                sub.parent_on_file = rng.random() < 0.75
        for c in self.customers.values():
            c.pay_names = self.pay_names(c)

    def pay_names(self, c: Customer) -> list[str]:
        n = c.name
        if " dba " in n:
            legal, dba = n.split(" dba ")
            return [legal, dba]
        variants = [n]
        low = n.rsplit(" ", 1)[0] if n.split()[-1] in {f for f, _ in FORMS} | {"Ltd.", "ULC"} else n
        variants.append(low)
        if n.startswith("The "):
            variants.append(n[4:])
        return variants

    # ---- invoices ----------------------------------------------------------------------
    def make_invoices(self) -> None:
        rng = self.rng
        target = 5 * self.n
        cust = list(self.customers.values())
        w = np.array([c.weight for c in cust])
        w = w / w.sum()
        counts = self.np.multinomial(target, w)
        docs: list[tuple[date, Customer, int]] = []
        span = (date(2026, 3, 27) - BOOK_START).days
        for c, k in zip(cust, counts, strict=True):
            k = max(int(k), 2)
            if c.recurring:
                m = date(2025, 10, 1)
                while m <= date(2026, 3, 1):
                    docs.append((m, c, c.recurring))
                    m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
                k = max(k - 6, 1)
            for _ in range(k):
                # recent items more numerous (older ones mostly paid already)
                back = int(span * (1 - rng.random() ** 0.6))
                issue = date(2026, 3, 27) - timedelta(days=back)
                amt = round(float(self.np.lognormal(7.6, 1.1)) * 100)
                amt = max(amt, 4500)
                if rng.random() < 0.1:
                    amt = rng.choice([50000, 100000, 150000, 250000, 75000])
                docs.append((issue, c, amt))
        docs.sort(key=lambda d: (d[0], d[1].id))
        seq = 318400
        si = 520100
        for issue, c, amt in docs:
            if issue.weekday() >= 5:
                issue -= timedelta(days=issue.weekday() - 4)
            if rng.random() < 0.025 and not c.recurring:
                number = f"CM{seq - rng.randint(200, 3000)}"
                if number in self.by_number:
                    continue
                inv = Invoice(number, c.id, issue, issue, -min(amt, 60000), kind="credit_note")
            else:
                if rng.random() < 0.16 or c.recurring:
                    si += rng.randint(1, 3)
                    number = f"SI-{si}"
                else:
                    seq += rng.randint(1, 2)
                    number = str(seq)
                inv = Invoice(number, c.id, issue, issue + timedelta(days=c.terms), amt)
                inv.terms = f"Net {c.terms}"
                if c.discount:
                    inv.disc_pct, inv.disc_days, inv.terms = 2, 10, "2% 10 Net 30"
                r = rng.random()
                if r < 0.35:
                    inv.po = "45" + _d(rng, 8)  # SAP-style purchase order
                elif r < 0.55:
                    inv.po = str(rng.randint(100000, 999999))  # plain, collides with invoice numbers
                elif r < 0.7:
                    inv.po = f"PO-{rng.randint(10000, 99999)}"
            if c.country == "CA":
                inv.currency = "CAD"
            self.invoices.append(inv)
            self.by_cust[c.id].append(inv)
            self.by_number[inv.number] = inv
        self.numbers_used = set(self.by_number) | set(self.customers)

    # ---- helpers -----------------------------------------------------------------------
    def open_items(self, c: Customer, value: date, kind: str = "invoice") -> list[Invoice]:
        return sorted(
            (
                i
                for i in self.by_cust[c.id]
                if not i.claimed
                and i.kind == kind
                and i.issue <= value - timedelta(days=2)
                and i.currency == "USD"
            ),
            key=lambda i: (i.due, i.issue, i.number),
        )

    def pick_customer(self, pred=None) -> Customer:
        cs = [c for c in self.customers.values() if c.country == "US" and (pred is None or pred(c))]
        w = [c.weight for c in cs]
        return self.rng.choices(cs, w)[0]

    def ref_form(self, inv: Invoice, style: str = "") -> str:
        """How a payer writes an invoice number."""
        rng = self.rng
        n = inv.number
        if style == "po":
            return inv.po
        r = rng.random()
        if n.startswith("SI-"):
            return rng.choice([n, n, n.replace("-", ""), n[3:], "SI " + n[3:]])
        if n.startswith("CM"):
            return rng.choice([n, "CM " + n[2:], n])
        return n if r < 0.85 else ("0" + n if r < 0.93 else "000" + n)

    # ---- scenarios ---------------------------------------------------------------------
    def customer_payment(self, scen: str, value: date) -> Tx | None:
        rng = self.rng
        c: Customer
        if scen == "fifo_recurring":
            c = self.pick_customer(lambda c: c.recurring > 0)
        elif scen in ("discount_in_terms", "discount_late"):
            c = self.pick_customer(lambda c: c.discount)
        elif scen == "parent_pays":
            c = self.pick_customer(lambda c: bool(c.parent_id))
        elif scen == "cad_usd_person":
            cs = [c for c in self.customers.values() if c.country == "CA"]
            c = rng.choice(cs)
        else:
            c = self.pick_customer()
        weights = CHANNEL_W.get(scen, CHANNEL_W["default"])
        channel = rng.choices(CHANNELS, weights)[0]
        if c.network and channel in ("ach_ccd", "ach_ctx", "lockbox") and scen != "parent_pays":
            channel = "network"
        if channel == "network" and not c.network:
            channel = "ach_ccd" if rng.random() < 0.6 else "lockbox"
        fmt = "bai2" if rng.random() < 0.6 else "camt"
        t = Tx(self.new_ref(fmt), scen, channel, fmt, 0, value, customer_id=c.id)
        items = [i for i in self.open_items(c, value) if not (c.recurring and i.total == c.recurring)]
        items_all = self.open_items(c, value)
        if scen == "cad_usd_person":
            cad = [
                i
                for i in self.by_cust[c.id]
                if not i.claimed and i.kind == "invoice" and i.issue <= value - timedelta(days=2)
            ]
            if not cad:
                return None
            inv = cad[0]
            inv.claimed = True
            usd = round(inv.total * CAD_RATE * rng.uniform(0.985, 1.01))
            t.items = [Item(inv, usd, ref=inv.number)]
            t.amount = usd
            t.person = True
            t.note = f"USD for the CAD invoice {inv.number} ({money(inv.total)} CAD)"
            return t
        if scen == "fifo_recurring":
            t.payer = rng.choice(c.pay_names)
            eq = [i for i in items_all if i.total == c.recurring]
            if not eq:
                return None
            inv = eq[0]
            inv.claimed = True
            t.items = [Item(inv, inv.total)]
            t.amount = inv.total
            t.truth = [(inv.number, inv.total, "invoice")]
            t.note = f"{len(eq)} open items of {money(c.recurring)}"
            return t
        if scen == "discount_in_terms":
            items = [i for i in items if value - timedelta(days=10) <= i.issue]
        if scen == "discount_late":
            items = [i for i in items if value - timedelta(days=28) <= i.issue <= value - timedelta(days=17)]
        if not items:
            return None
        payer = c
        if scen == "parent_pays":
            payer = self.customers[c.parent_id]
            t.note = f"parent {payer.id} pays for {c.id} ({'on file' if c.parent_on_file else 'not on file'})"
        t.payer = rng.choice(payer.pay_names)
        if scen in ("multi_listed", "amount_only_multi", "credit_memo_netted"):
            k = min(len(items), rng.choice([2, 2, 3, 3, 4, 5, 6, 8]))
            if k < 2:
                return None
            chosen = items[:k] if scen == "amount_only_multi" or rng.random() < 0.6 else rng.sample(items, k)
            style = "po" if rng.random() < 0.1 and all(i.po for i in chosen) else ""
            t.items = [Item(i, i.total, ref=self.ref_form(i, style)) for i in chosen]
            if scen == "amount_only_multi":
                for it in t.items:
                    it.ref = ""
            if scen == "credit_memo_netted":
                cms = [
                    i
                    for i in self.by_cust[c.id]
                    if i.kind == "credit_note" and not i.claimed and i.issue <= value
                ]
                if not cms:
                    cm = None
                    # the customer short-pays by a credit memo issued for a return
                    self.skipped["credit_memo_missing"] += 1
                    return None
                cm = cms[0]
                if -cm.total >= sum(i.total for i in chosen):
                    return None
                t.items.append(Item(cm, cm.total, ref=self.ref_form(cm)))
            for it in t.items:
                it.inv.claimed = True
            t.amount = sum(it.paid for it in t.items)
            t.truth = [(it.inv.number, it.paid, "invoice") for it in t.items]
            return t
        inv = items[0] if scen in ("noref_single",) and rng.random() < 0.5 else rng.choice(items)
        inv.claimed = True
        it = Item(inv, inv.total, ref=self.ref_form(inv))
        t.items = [it]
        t.truth = [(inv.number, inv.total, "invoice")]
        if scen == "po_only":
            if not inv.po:
                inv.claimed = False
                return None
            it.ref = inv.po
        elif scen == "noref_single":
            it.ref = ""
            eq = [i for i in items_all if i.total == inv.total and i is not inv]
            if eq and (eq[0].due, eq[0].issue, eq[0].number) < (inv.due, inv.issue, inv.number):
                inv.claimed = False
                eq[0].claimed = True
                it.inv = inv = eq[0]
                t.truth = [(inv.number, inv.total, "invoice")]
        elif scen == "typo":
            if inv.number.startswith(("SI-", "CM")):
                inv.claimed = False
                return None
            for _ in range(20):
                s = list(inv.number)
                p = rng.randrange(len(s))
                if rng.random() < 0.5:
                    s[p] = rng.choice([d for d in "0123456789" if d != s[p]])
                elif p < len(s) - 1:
                    s[p], s[p + 1] = s[p + 1], s[p]
                typo = "".join(s)
                if typo != inv.number and typo not in self.numbers_used and typo[0] != "0":
                    it.ref = typo
                    break
            else:
                inv.claimed = False
                return None
            t.note = f"typed {it.ref} for {inv.number}"
        elif scen == "partial":
            it.paid = int(inv.total * rng.choice([0.25, 0.3, 0.5, 0.5, 0.6, 0.75]))
            t.truth = [(inv.number, it.paid, "invoice")]
            inv.claimed = True  # the rest stays open; not drawn again this month
        elif scen == "overpayment":
            ex = rng.choice([rng.randint(500, 9000), rng.randint(10000, 60000)])
            t.truth = [(inv.number, inv.total, "invoice"), ("", ex, "on_account")]
            t.amount = inv.total + ex
            return t
        elif scen in ("discount_in_terms", "discount_late"):
            d = round(inv.total * inv.disc_pct / 100)
            it.paid, it.disc = inv.total - d, d
            if scen == "discount_in_terms":
                t.truth = [(inv.number, inv.total, "invoice"), (inv.number, -d, "deduction")]
            else:
                t.truth = [(inv.number, it.paid, "invoice")]
                t.alts = [[(inv.number, inv.total, "invoice"), (inv.number, -d, "deduction")]]
                t.note = f"discount taken {(value - inv.issue).days} days after the invoice (terms 10 days)"
        elif scen in ("deduction_reason", "deduction_silent"):
            if inv.total < 20000:
                inv.claimed = False
                return None
            code, text = rng.choice(ADX_REASONS)
            d = max(int(inv.total * rng.choice([0.02, 0.04, 0.05, 0.08, 0.1, 0.15])), 3000)
            d = d - d % 100 if rng.random() < 0.5 else d
            it.paid, it.adj = inv.total - d, d
            if scen == "deduction_reason":
                it.adj_code, it.adj_text = code, text
                t.truth = [(inv.number, inv.total, "invoice"), (inv.number, -d, "deduction")]
            else:
                t.truth = [(inv.number, it.paid, "invoice")]
        elif scen == "wire_fee":
            fee = rng.choice([1000, 1200, 1500, 1500, 1800, 2000])
            it.paid = inv.total - fee
            t.truth = [(inv.number, inv.total, "invoice"), (inv.number, -fee, "deduction")]
            t.note = f"intermediary bank fee {money(fee)}"
            t.amount = it.paid
            return t
        t.amount = it.paid
        return t

    def non_customer(self, scen: str, value: date) -> Tx:
        rng = self.rng
        fmt = "bai2" if rng.random() < 0.6 else "camt"
        t = Tx(self.new_ref(fmt), scen, scen, fmt, 0, value, customer_payment=False)
        bait = rng.random()
        open_inv = [i for i in self.invoices if not i.claimed and i.kind == "invoice" and i.currency == "USD"]
        ref_inv = rng.choice(open_inv)
        num = ref_inv.number if bait < 1 / 6 else ""
        amt = ref_inv.total if 1 / 6 <= bait < 1 / 3 else 0
        t.note = (
            f"bait: number of open {ref_inv.number}"
            if num
            else (f"bait: amount of open {ref_inv.number}" if amt else "")
        )
        amt = amt or round(float(self.np.lognormal(7.5, 1.2)) * 100)
        num = num or _d(rng, rng.choice([6, 7, 8]))
        t.amount = amt
        d6 = f"{value:%y%m%d}"
        if scen == "nc_card":
            proc = rng.choice(["STRIPE", "SQUARE INC", "AMERICAN EXPRESS", "MERCHANT BNKCD"])
            descr = {"STRIPE": "TRANSFER", "SQUARE INC": f"SQ{d6}", "AMERICAN EXPRESS": "SETTLEMENT"}.get(
                proc, "DEPOSIT"
            )
            addenda = f"ST-{_d(rng, 12)}" if proc == "STRIPE" else f"MID {num}"
            t.payer, t.bai_code = proc, "165"
            t.free = f"{descr}|{addenda}"
        elif scen == "nc_tax":
            t.payer = rng.choice(["IRS TREAS 310", "CA FTB", "NYS DTF BUS", "TX COMPTROLLER"])
            t.bai_code = "165"
            t.free = f"TAX REF|{'' if t.payer.startswith('IRS') else 'REF ' + num}"
        elif scen == "nc_interest":
            t.amount = amt if amt < 300000 else rng.randint(500, 90000)
            t.bai_code, t.payer = "354", ""
            t.free = "INTEREST CREDIT" + (f" {num}" if rng.random() < 0.3 else "")
        elif scen == "nc_sweep":
            t.bai_code, t.payer = "275", ENTITY_NAME
            t.free = f"ZBA TRANSFER CREDIT FROM ACCT {OWN_ACCOUNT}"
        elif scen == "nc_loan":
            t.bai_code, t.payer = "206", "LOAN OPERATIONS"
            t.amount = amt if amt > 500000 else rng.choice([5000000, 10000000, 2500000])
            t.free = f"BOOK TRANSFER CREDIT LOAN ADVANCE NOTE {num} OBLIGATION 0001"
        elif scen == "nc_vendor_refund":
            t.payer = rng.choice(["ULINE", "GRAINGER", "FEDEX", "STAPLES BUSINESS", "CINTAS CORP", "AT&T"])
            t.bai_code = "165"
            t.free = f"REFUND|CREDIT MEMO {num}"
        elif scen == "nc_insurance":
            t.payer = rng.choice(["TRAVELERS", "HARTFORD FIRE INS", "LIBERTY MUTUAL", "CHUBB"])
            t.bai_code = "165"
            t.free = f"CLAIM PMT|CLAIM {num}"
        elif scen == "nc_return":
            t.payer = rng.choice(["ULINE", "GRAINGER", "ACME STAFFING", "SYSCO CORP"])
            t.bai_code = "258"
            t.free = (
                f"ACH RETURN ITEM R03 NO ACCOUNT ORIG CO NAME:ENCAISSE INC PAYEE:{t.payer} "
                f"TRACE {_d(rng, 15)} INV {num}"
            )
            t.note += "; our own ACH payment to a supplier, returned"
        return t

    # ---- rendering ---------------------------------------------------------------------
    def render(self, t: Tx) -> None:
        if t.customer_payment:
            {
                "ach_ccd": self.r_ccd,
                "ach_ctx": self.r_ctx,
                "wire": self.r_wire,
                "lockbox": self.r_lockbox,
                "network": self.r_network,
            }[t.channel](t)
        else:
            self.r_nc(t)

    def _ach_text(self, t: Tx, name: str, descr: str, sec: str, addenda: str, ind_id: str) -> list[str]:
        rng = self.rng
        trace = _d(rng, 15)
        oid = self.customers[t.customer_id].ach_id if t.customer_id else "1" + _d(rng, 9)
        t.layout = "ach_label_equals" if (eq := rng.random() < 0.3) else "ach_label_colon"
        if eq:  # label=value, comma separated (as some banks write it)
            text = (
                f"ORIG CO NAME={name},ORIG ID={oid},DESC DATE={t.value:%y%m%d},ENTRY DESCR={descr},"
                f"ENTRY CLASS={sec},TRACE NO={trace},IND ID NO={ind_id},IND NAME=ENCAISSE INC"
            )
            if addenda:
                text += f",ADDENDA={addenda}"
        else:
            text = (
                f"ACH CREDIT RECEIVED ORIG CO NAME:{name} ORIG ID:{oid} DESC DATE:{t.value:%y%m%d} "
                f"CO ENTRY DESCR:{descr} SEC:{sec} TRACE#:{trace} EED:{t.value:%y%m%d} IND ID:{ind_id} "
                f"IND NAME:ENCAISSE INC"
            )
            if addenda:
                text += f" ADDENDA:{addenda}"
        return [text]

    def rmr(self, it: Item, full: bool) -> str:
        q = "CM" if it.inv.kind == "credit_note" else "IV"
        ref = it.ref or it.inv.number
        if it.inv.kind == "credit_note":
            return f"RMR*{q}*{ref}**{smoney(it.paid)}\\"
        if full:
            seg = f"RMR*{q}*{ref}*PI*{money(it.paid)}*{money(it.inv.total)}"
            if it.disc:
                seg += f"*{money(it.disc)}"
            seg += "\\"
        else:
            seg = f"RMR*{q}*{ref}*PI*{money(it.paid)}\\"
        if it.adj and it.adj_code:
            seg += f"ADX*-{money(it.adj)}*{it.adj_code}\\"
        return seg

    def free_text(self, t: Tx, limit: int) -> str:
        """Free remittance text as an AP clerk types it."""
        rng = self.rng
        its = [i for i in t.items if i.ref]
        if not its:
            return ""
        if len(its) == 1:
            it = its[0]
            word = "PO" if it.ref == it.inv.po else rng.choice(["INV", "INV#", "INVOICE", "", "INV NO"])
            s = f"{word} {it.ref}".strip()
            if it.adj and it.adj_text:
                s += f" LESS {money(it.adj)} {it.adj_text}"
            elif it.disc and rng.random() < 0.6:
                s += f" LESS 2PCT DISC {money(it.disc)}"
            if t.scenario == "partial" and rng.random() < 0.5:
                s += " PARTIAL PMT"
            return s[:limit]
        word = rng.choice(["INV", "INVOICES", "INV#", ""])
        sep = rng.choice([" ", ", ", "/"])
        s = (word + " " + sep.join(i.ref for i in its)).strip()
        return s[:limit]

    def r_ccd(self, t: Tx) -> None:
        rng = self.rng
        c = self.customers[t.customer_id]
        name = ach_name(t.payer)
        descr = rng.choice(["PAYMENT", "VENDOR PMT", "AP PMT", "PAYMENTS", "EDI PYMNTS"])
        its = [i for i in t.items if i.ref]
        if len(t.items) == 1 and its and rng.random() < 0.5:
            addenda = self.rmr(its[0], full=rng.random() < 0.6)
        else:
            addenda = self.free_text(t, 80)
        t.bai_code = "165"
        t.bai_lines = self._ach_text(t, name, descr, "CCD", addenda, c.vendor_no)
        t.camt = dict(
            dbtr=name,
            ustrd=[addenda] if addenda else [],
            addtl=f"CCD {descr} ORIG ID {c.ach_id}",
            btc=("PMNT", "RCDT", "ACDT"),
        )

    def r_ctx(self, t: Tx) -> None:
        rng = self.rng
        c = self.customers[t.customer_id]
        name = ach_name(t.payer)
        segs = [f"BPR*C*{money(t.amount)}*C*ACH*CTX\\"] if rng.random() < 0.3 else []
        for it in t.items:
            segs.append(self.rmr(it, full=True))
            if it.inv.po and rng.random() < 0.3:
                segs.append(f"REF*PO*{it.inv.po}\\")
        addenda = "".join(segs)
        t.bai_code = "165"
        t.bai_lines = self._ach_text(t, name, "EDI PYMNTS", "CTX", addenda, c.vendor_no)
        strd = []
        for it in t.items:
            strd.append(
                ("CREN" if it.inv.kind == "credit_note" else "CINV", it.ref or it.inv.number, it.paid, it)
            )
        t.camt = dict(
            dbtr=name, strd=strd, addtl=f"CTX EDI PYMNTS ORIG ID {c.ach_id}", btc=("PMNT", "RCDT", "ACDT")
        )
        if not any(i.ref for i in t.items):
            t.camt["strd"] = []

    def r_wire(self, t: Tx) -> None:
        rng = self.rng
        c = self.customers[t.customer_id]
        name = upper_name(t.payer)[:35]
        city, st, z = c.city
        obi = self.free_text(t, 140)
        if t.scenario == "cad_usd_person":
            obi = f"INV {t.items[0].inv.number} CAD {money(t.items[0].inv.total)}"
        imad = f"{t.value:%m%d}MMQFMP{rng.randint(1, 9)}C{_d(rng, 6)}"
        bank, aba = c.bank
        t.layout = "wire_org_obi" if rng.random() < 0.5 else "wire_bo_obi"
        if t.layout == "wire_org_obi":
            text = (
                f"WIRE TRANSFER IN ORG=/{c.wire_acct} {name} {city} {st} {z} OGB={bank} "
                f"OBI={obi} REF={_d(rng, 10)} IMAD={imad}"
            )
        else:
            text = (
                f"FEDWIRE CREDIT VIA: {bank}/{aba} B/O: {name} {city} {st} REF: "
                f"{rng.choice(['PAYMENT', _d(rng, 8), 'NONE'])} OBI: {obi} IMAD: {imad}"
            )
        t.bai_code = "195"
        t.cust_ref = _d(rng, 8) if rng.random() < 0.3 else ""
        t.bai_lines = [text]
        ustrd = [obi[i : i + 35] for i in range(0, len(obi), 35)] if obi else []
        t.camt = dict(
            dbtr=name,
            acct=c.wire_acct,
            ustrd=ustrd,
            addtl=f"FEDWIRE IMAD {imad}",
            btc=("PMNT", "RCDT", "DMCT"),
        )

    def r_lockbox(self, t: Tx) -> None:
        rng = self.rng
        c = self.customers[t.customer_id]
        chk = str(rng.randint(1000, 999999))
        remitter = upper_name(t.payer)[:35]
        its = [i for i in t.items if i.ref]
        stub = ""
        if its:
            parts = []
            for it in its:
                amt = ("-" if it.paid < 0 else "") + money_us(it.paid)
                parts.append(f"{it.ref} {amt}" if len(its) > 1 or rng.random() < 0.4 else it.ref)
            stub = "INV " + " ".join(parts)
            if any(i.adj and i.adj_text for i in its):
                stub += " " + " ".join(f"DED {money(i.adj)} {i.adj_text}" for i in its if i.adj)
            elif any(i.disc for i in its):
                stub += " DISC " + money(sum(i.disc for i in its))
        acct = f" CUST ACCT {c.id}" if rng.random() < 0.3 else ""
        text = f"LOCKBOX 7741 DEPOSIT CHECK {chk} REMITTER:{remitter}{acct}"
        if stub:
            text += f" STUB:{stub}"
        t.bai_code = "115"
        t.layout = "lockbox_remitter"
        t.cust_ref = chk
        t.funds_s = rng.random() < 0.3
        t.bai_lines = [text]
        ustrd = [f"CHECK {chk}{acct}"] + (
            [stub[i : i + 140] for i in range(0, len(stub), 140)] if stub else []
        )
        t.camt = dict(dbtr=remitter, ustrd=ustrd, addtl="LOCKBOX 7741", btc=("PMNT", "LBOX", "LBDP"))

    def r_network(self, t: Tx) -> None:
        rng = self.rng
        c = self.customers[t.customer_id]
        net = c.network
        payer = upper_name(t.payer)
        its = [i for i in t.items if i.ref]
        pid = _d(rng, 11)
        if net == "BILL.COM":
            descr = ach_name(t.payer)[:10]
            refs = " ".join(f"INV {i.ref}" for i in its)
            addenda = f"{payer} BILL.COM 016{pid} {refs}".strip()[:80]
        elif net == "PAYMODE-X":
            descr = "PAYMENTS"
            refs = " ".join(f"{i.ref} {money(i.paid)}" for i in its)
            addenda = f"PMX*{pid}*{payer}*{refs}".strip("*")
        elif net == "AVIDXCHANGE INC":
            descr = "AVIDPAY"
            refs = "|".join(f"{i.ref}|{money(i.paid)}" for i in its)
            addenda = f"{payer}|{refs}" if refs else payer
        else:
            descr = "NVP PAYMNT"
            refs = ",".join(i.ref for i in its)
            addenda = f"NVP {pid} FROM {payer} INVOICES {refs}" if refs else f"NVP {pid} FROM {payer}"
        sec = "CTX" if len(addenda) > 80 else "CCD"
        t.bai_code = "165"
        t.bai_lines = self._ach_text(t, ach_name(net), descr, sec, addenda, c.vendor_no)
        t.camt = dict(
            dbtr=net,
            ustrd=[addenda[i : i + 140] for i in range(0, len(addenda), 140)],
            addtl=f"{sec} {descr}",
            btc=("PMNT", "RCDT", "ACDT"),
        )

    def r_nc(self, t: Tx) -> None:
        rng = self.rng
        if t.scenario == "nc_return":
            t.bai_lines = [t.free]
            t.camt = dict(
                dbtr=t.payer, ustrd=[t.free], addtl="ACH RETURN", btc=("PMNT", "ICDT", "RRTN"), rvsl=True
            )
            return
        if t.bai_code == "165":
            descr, _, addenda = t.free.partition("|")
            t.bai_lines = self._ach_text(t, t.payer, descr, "CCD", addenda, "ENCAISSE" + _d(rng, 3))
            btc = ("PMNT", "MCRD", "SETT") if t.scenario == "nc_card" else ("PMNT", "RCDT", "ACDT")
            t.camt = dict(dbtr=t.payer, ustrd=[f"{descr} {addenda}".strip()], addtl=f"CCD {descr}", btc=btc)
        else:
            t.bai_lines = [t.free]
            btc = {
                "354": ("ACMT", "MCOP", "INTR"),
                "275": ("CAMT", "ACCB", "ZABA"),
                "206": ("PMNT", "RCDT", "BOOK"),
            }[t.bai_code]
            t.camt = dict(dbtr=t.payer, ustrd=[t.free], btc=btc)
            if t.bai_code == "275":
                t.camt["acct"] = OWN_ACCOUNT

    # ---- the month ---------------------------------------------------------------------
    def generate(self) -> None:
        rng = self.rng
        self.make_customers()
        self.make_invoices()
        days = [PERIOD_START + timedelta(days=k) for k in range((PERIOD_END - PERIOD_START).days + 1)]
        days = [d for d in days if d.weekday() < 5]
        n_nc = round(self.n * NC_SHARE)
        n_cust = self.n - n_nc
        values = sorted(rng.choice(days) for _ in range(n_cust))
        scen_names, scen_w = zip(*PLAN, strict=True)
        dups: list[Tx] = []
        for v in values:
            for _attempt in range(8):
                scen = rng.choices(scen_names, scen_w)[0]
                t = self.customer_payment(scen, v)
                if t is not None:
                    break
                self.skipped[scen] += 1
            else:
                continue
            if scen == "duplicate":
                t.scenario = "duplicate_first"
                dups.append(t)
            self.render(t)
            if scen == "deduction_reason" and not self.deduction_told(t):
                # the channel lost what the payer wrote (a network's addenda, a record cut): a part payment to a clerk
                t.truth = [(it.inv.number, it.paid, "invoice") for it in t.items]
                t.note = "deduction reason lost on the way: a part payment"
            self.txs.append(t)
        for t in dups:
            later = [d for d in days if t.value < d <= t.value + timedelta(days=7)]
            if not later:
                t.scenario = "duplicate_unrepeated"
                continue
            t2 = Tx(
                self.new_ref(t.fmt), "duplicate_second", t.channel, t.fmt, t.amount, rng.choice(later),
                customer_id=t.customer_id, payer=t.payer, items=t.items,
            )  # fmt: skip
            t2.truth = [("", t.amount, "on_account")]
            t2.bai_code, t2.bai_lines, t2.camt, t2.cust_ref = t.bai_code, t.bai_lines, t.camt, t.cust_ref
            t2.layout = t.layout
            t2.note = f"the same remittance as {t.ref}"
            self.txs.append(t2)
        nc_names, nc_w = zip(*NC_PLAN, strict=True)
        for _ in range(n_nc):
            t = self.non_customer(rng.choices(nc_names, nc_w)[0], rng.choice(days))
            self.render(t)
            self.txs.append(t)
        self.txs.sort(key=lambda t: (t.value, t.ref))
        self.fifo_in_booking_order()

    @staticmethod
    def deduction_told(t: Tx) -> bool:
        """Whether the text the bank delivers still says what was deducted (the amount, or the reason)."""
        if t.fmt == "camt" and any(len(s) > 3 and s[3].adj for s in t.camt.get("strd", [])):
            return True  # RfrdDocAmt/AdjstmntAmtAndRsn
        text = t.remittance().upper()
        return any(
            money(it.adj) in text or money_us(it.adj) in text or (it.adj_text and it.adj_text in text)
            for it in t.items
            if it.adj
        )

    def fifo_in_booking_order(self) -> None:
        """Equal items paid without a reference go first in, first out in booking order (the contract).

        The payments were drawn in another order than the banks book them: per day, the BAI2 statement (imported
        first), then the camt.053 one, each in reference order. A customer's equal items are dealt again to its
        payments in that order, oldest due first (then issue date, then number).
        """
        by_customer: dict[str, list[Tx]] = defaultdict(list)
        for t in self.txs:
            if t.scenario == "fifo_recurring":
                by_customer[t.customer_id].append(t)
        for txs in by_customer.values():
            txs.sort(key=lambda t: (t.value, t.fmt != "bai2", t.ref))
            invs = sorted((t.items[0].inv for t in txs), key=lambda i: (i.due, i.issue, i.number))
            named = any(t.items[0].inv.number in t.remittance() for t in txs)
            if named or any(inv.issue > t.value for t, inv in zip(txs, invs, strict=True)):
                continue  # the text names the item, or the order would pay an item before its issue: as drawn
            for t, inv in zip(txs, invs, strict=True):
                t.items = [Item(inv, inv.total)]
                t.truth = [(inv.number, inv.total, "invoice")]

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
                    "payment_terms_days",
                    "parent_id",
                    "bank_routing",
                    "bank_account",
                ]
            )
            for c in self.customers.values():
                parent = c.parent_id if c.parent_on_file else ""
                email = "ap@" + "".join(ch for ch in c.name.lower() if ch.isalnum())[:20] + ".com"
                # the customer setup form: its bank's routing number and the account it pays from
                on_file = c.wire_acct and self.master_rng.random() < 0.6
                routing, account = (c.bank[1], c.wire_acct) if on_file else ("", "")
                w.writerow([c.id, c.name, c.country, "", "", email, "en", c.terms, parent, routing, account])

    def write_invoices(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(
                ["number", "customer_id", "issue_date", "due_date", "currency", "total", "structured_reference",
                 "kind", "rate", "payment_terms", "discount_percent", "discount_days", "order_reference"]
            )  # fmt: skip
            for i in self.invoices:
                w.writerow(
                    [
                        i.number, i.customer_id, i.issue.isoformat(), i.due.isoformat(), i.currency, money(i.total),
                        "", i.kind, str(CAD_RATE) if i.currency == "CAD" else "", i.terms if i.kind == "invoice" else "",
                        i.disc_pct or "", i.disc_days or "", i.po,
                    ]
                )  # fmt: skip

    def write_truth(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(
                ["tx_ref", "invoice_number", "amount", "status", "kind", "confidence", "channel", "scenario"]
            )
            for t in self.txs:
                if not t.truth:
                    status = "suggested" if t.person else "unmatched"
                    w.writerow([t.ref, "", money(t.amount), status, "unrelated", "", t.channel, t.scenario])
                    continue
                assert sum(a for _n, a, _k in t.truth) == t.amount, (t.scenario, t.truth, t.amount)
                for alt in t.alts:
                    assert sum(a for _n, a, _k in alt) == t.amount, (t.scenario, alt, t.amount)
                for num, amt, kind in t.truth:
                    w.writerow([t.ref, num, smoney(amt), "applied", kind, "1.00", t.channel, t.scenario])

    def write_bai2(self, out: Path) -> list[Path]:
        files = []
        txs = [t for t in self.txs if t.fmt == "bai2"]
        bal = 123_456_789
        by_day: dict[date, list[Tx]] = defaultdict(list)
        for t in txs:
            by_day[t.value].append(t)
        for n, day in enumerate(sorted(by_day), start=1):
            g = by_day[day]
            d6 = f"{day:%y%m%d}"
            credits = sum(t.amount for t in g)
            close = bal + credits
            recs = [
                f"01,021000021,ENCAISSEINC,{d6},0530,{n},80,,2/",
                f"02,ENCAISSEINC,021000021,1,{d6},0530,USD,2/",
            ]
            acct = [f"03,{BAI_ACCOUNT},USD,010,{bal},,,015,{close},,,100,{credits},{len(g)},,400,0,0,/"]
            total = bal + close + credits
            for t in g:
                text = " ".join(t.bai_lines)
                funds = f"S,{t.amount // 2},{t.amount - t.amount // 2},0" if t.funds_s else "0"
                head = f"16,{t.bai_code},{t.amount},{funds},{t.ref},{t.cust_ref},"
                acct += wrap_bai(head, text)
                total += t.amount
            acct.append(f"49,{total},{len(acct) + 1}/")
            recs += acct
            recs.append(f"98,{total},1,{len(acct) + 2}/")
            recs.append(f"99,{total},1,{len(recs) + 1}/")
            p = out / f"bai2-{day:%Y%m%d}.bai"
            p.write_text("\n".join(recs) + "\n", encoding="ascii")
            files.append(p)
            bal = close
        return files

    def write_camt(self, out: Path) -> list[Path]:
        files = []
        txs = [t for t in self.txs if t.fmt == "camt"]
        bal = 54_321_000
        by_day: dict[date, list[Tx]] = defaultdict(list)
        for t in txs:
            by_day[t.value].append(t)
        for n, day in enumerate(sorted(by_day), start=1):
            g = by_day[day]
            close = bal + sum(t.amount for t in g)
            entries = "".join(camt_entry(t) for t in g)
            xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
 <BkToCstmrStmt>
  <GrpHdr><MsgId>US{day:%Y%m%d}{n:03d}</MsgId><CreDtTm>{day.isoformat()}T06:00:00-05:00</CreDtTm></GrpHdr>
  <Stmt>
   <Id>STMT{day:%Y%m%d}</Id><ElctrncSeqNb>{n}</ElctrncSeqNb><CreDtTm>{day.isoformat()}T06:00:00-05:00</CreDtTm>
   <FrToDt><FrDtTm>{day.isoformat()}T00:00:00-05:00</FrDtTm><ToDtTm>{day.isoformat()}T23:59:59-05:00</ToDtTm></FrToDt>
   <Acct><Id><Othr><Id>{CAMT_ACCOUNT}</Id></Othr></Id><Ccy>USD</Ccy><Nm>ENCAISSE INC COLLECTIONS</Nm>
    <Svcr><FinInstnId><ClrSysMmbId><ClrSysId><Cd>USABA</Cd></ClrSysId><MmbId>026009593</MmbId></ClrSysMmbId></FinInstnId></Svcr></Acct>
   <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="USD">{money(bal)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>
   <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="USD">{money(close)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>
   <TxsSummry><TtlCdtNtries><NbOfNtries>{len(g)}</NbOfNtries><Sum>{money(close - bal)}</Sum></TtlCdtNtries></TxsSummry>
{entries}  </Stmt>
 </BkToCstmrStmt>
</Document>
"""
            p = out / f"camt053-{day:%Y%m%d}.xml"
            p.write_text(xml, encoding="utf-8")
            files.append(p)
            bal = close
        return files


def wrap_bai(head: str, text: str, width: int = 80) -> list[str]:
    """A 16 record and its 88 continuations, cut at word boundaries to the physical record length."""
    out = []
    cur = head
    for word in text.split(" "):
        sep = "" if cur.endswith(",") or cur == "88," else " "
        if len(cur) + len(sep) + len(word) > width and cur not in (head, "88,"):
            out.append(cur)
            cur = "88," + word
        else:
            cur += sep + word
    out.append(cur)
    return out


def camt_entry(t: Tx) -> str:
    c = t.camt
    dom, fam, sub = c.get("btc", ("PMNT", "RCDT", "ACDT"))
    amt = f'<Amt Ccy="USD">{money(t.amount)}</Amt>'
    parties = ""
    if c.get("dbtr") or c.get("acct"):
        parties = "<RltdPties>"
        if c.get("dbtr"):
            parties += f"<Dbtr><Pty><Nm>{escape(c['dbtr'])}</Nm></Pty></Dbtr>"
        if c.get("acct"):
            parties += f"<DbtrAcct><Id><Othr><Id>{c['acct']}</Id></Othr></Id></DbtrAcct>"
        parties += "</RltdPties>"
    rmt = ""
    ustrd = c.get("ustrd", [])
    strd = c.get("strd", [])
    if ustrd or strd:
        rmt = "<RmtInf>" + "".join(f"<Ustrd>{escape(u[:140])}</Ustrd>" for u in ustrd)
        for tp, nb, paid, it in strd:
            if tp == "CREN":
                amts = f'<CdtNoteAmt Ccy="USD">{money(paid)}</CdtNoteAmt>'
            else:
                amts = f'<DuePyblAmt Ccy="USD">{money(it.inv.total)}</DuePyblAmt>'
                if it.disc:
                    amts += f'<DscntApldAmt><Amt Ccy="USD">{money(it.disc)}</Amt></DscntApldAmt>'
                if it.adj and it.adj_code:
                    amts += (
                        f'<AdjstmntAmtAndRsn><Amt Ccy="USD">{money(it.adj)}</Amt><CdtDbtInd>DBIT</CdtDbtInd>'
                        f"<Rsn>{it.adj_code}</Rsn>"
                        + (f"<AddtlInf>{it.adj_text}</AddtlInf>" if it.adj_text else "")
                        + "</AdjstmntAmtAndRsn>"
                    )
                amts += f'<RmtdAmt Ccy="USD">{money(paid)}</RmtdAmt>'
            rmt += (
                f"<Strd><RfrdDocInf><Tp><CdOrPrtry><Cd>{tp}</Cd></CdOrPrtry></Tp><Nb>{escape(nb)}</Nb>"
                f"<RltdDt>{it.inv.issue.isoformat()}</RltdDt></RfrdDocInf><RfrdDocAmt>{amts}</RfrdDocAmt></Strd>"
            )
        rmt += "</RmtInf>"
    addtl = f"<AddtlTxInf>{escape(c['addtl'])}</AddtlTxInf>" if c.get("addtl") else ""
    rvsl = "<RvslInd>true</RvslInd>" if c.get("rvsl") else ""
    return (
        f"   <Ntry>{amt}<CdtDbtInd>CRDT</CdtDbtInd>{rvsl}<Sts><Cd>BOOK</Cd></Sts>"
        f"<BookgDt><Dt>{t.value.isoformat()}</Dt></BookgDt><ValDt><Dt>{t.value.isoformat()}</Dt></ValDt>"
        f"<AcctSvcrRef>{t.ref}</AcctSvcrRef>"
        f"<BkTxCd><Domn><Cd>{dom}</Cd><Fmly><Cd>{fam}</Cd><SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn>"
        f"<Prtry><Cd>{t.bai_code}</Cd><Issr>BAI</Issr></Prtry></BkTxCd>"
        f"<NtryDtls><TxDtls><Refs><AcctSvcrRef>{t.ref}</AcctSvcrRef>"
        f"<EndToEndId>{'NOTPROVIDED' if not t.cust_ref else t.cust_ref}</EndToEndId></Refs>"
        f"{amt}{parties}{rmt}{addtl}</TxDtls></NtryDtls></Ntry>\n"
    )


# ----------------------------------------------------------------------------------------
# running the product
# ----------------------------------------------------------------------------------------


def run_product(out: Path, exe: Path, files: list[Path]) -> tuple[dict[str, float], list[dict[str, str]]]:
    home = Path(tempfile.mkdtemp(prefix="encaisse-us-"))
    steps = [
        (
            "init",
            [
                "init",
                "--code",
                "us",
                "--name",
                ENTITY_NAME,
                "--country",
                "US",
                "--currency",
                "USD",
                "--iban",
                BAI_ACCOUNT,
                "--iban",
                CAMT_ACCOUNT,
                "--iban",
                OWN_ACCOUNT,
            ],
        ),
        ("import-customers", ["import-customers", str(out / "customers.csv")]),
        ("import-invoices", ["import-invoices", str(out / "invoices.csv")]),
        ("import-statement", ["import-statement", *map(str, files), "--format", "json"]),
        ("match", ["match"]),
        ("export-allocations", ["export-allocations", "-o", str(out / "out.csv")]),
    ]
    timings, problems, results = run_steps(exe, steps, home)
    logs = [f"== {name} {step_log(p, tail=8000)}\n" for name, p in results.items()]
    (out / "product.log").write_text("".join(logs), encoding="utf-8")
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
        rows = prod.get(t.ref, [])
        status, applied = outcome(rows)
        group = "customer" if t.customer_payment and not t.person else ("person" if t.person else "nc")
        lay = t.layout if t.fmt == "bai2" else ("camt_strd" if t.camt.get("strd") else "camt_ustrd")
        keys = [
            f"scen {t.scenario}",
            f"lay {group} {lay}",
            f"chan {group} {t.channel}",
            f"fmt {group} {t.fmt}",
            f"cs {t.channel} {t.scenario}",
            f"ALL {group}",
        ]
        for k in keys:
            stats[k]["n"] += 1
            stats[k][status] += 1
        issue = ""
        if group == "customer":
            if status == "applied":
                ok = any(envelope(applied) == envelope(sorted(tr)) for tr in [t.truth, *t.alts])
                best = max([t.truth, *t.alts], key=lambda tr: envelope(applied) == envelope(sorted(tr)))
                tc = Counter((n, a, k) for n, a, k in best if k == "invoice")
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
                    hit = {n for n, _a, k in t.truth if k == "invoice"} <= sugg
                    for k in keys:
                        stats[k]["sugg_hit"] += hit
                issue = f"not_applied:{status}"
        elif status == "applied":
            for k in keys:
                stats[k]["wrongly_applied"] += 1
            issue = "person_case_applied" if t.person else "non_customer_applied"
        if issue:
            truth_s = "; ".join(f"{n or '-'}:{smoney(a)}:{k}" for n, a, k in t.truth) or (
                "left to a person" if t.person else "unmatched"
            )
            if t.alts:
                truth_s += " || or " + " || or ".join(
                    "; ".join(f"{n}:{smoney(a)}:{k}" for n, a, k in al) for al in t.alts
                )
            prod_s = "; ".join(f"{s}:{n or '-'}:{smoney(a)}:{k}:{c}" for n, a, k, s, c in rows) or "(absent)"
            misses.append(
                [t.ref, t.scenario, t.channel, t.fmt, issue, money(t.amount), t.value.isoformat(), t.customer_id,
                 t.note, t.remittance(), truth_s, prod_s]
            )  # fmt: skip
    with (out / "misses.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            ["tx_ref", "scenario", "channel", "format", "issue", "amount", "value_date", "customer", "note",
             "remittance", "expected_rows", "got_rows"]
        )  # fmt: skip
        w.writerows(misses)
    return {"stats": {k: dict(v) for k, v in stats.items()}, "misses": len(misses), "product_refs": len(prod)}


def table_line(label: str, s: dict[str, int], nc: bool) -> str:
    n = s.get("n", 0)
    ap = s.get("applied", 0)
    if nc:
        return (
            f"{label:30} {n:5d} {'':>6} {'':>6} {'':>7} {pct(s.get('suggested', 0), n)} "
            f"{pct(s.get('unmatched', 0), n)} {s.get('missing', 0):4d} {'':>5} "
            f"{s.get('wrongly_applied', 0):4d} ({pct(s.get('wrongly_applied', 0), n).strip()}%)"
        )
    return (
        f"{label:30} {n:5d} {pct(ap, n)} {pct(s.get('env_ok', 0), ap)} "
        f"{pct(s.get('lines_ok', 0), s.get('lines', 0)):>7} {pct(s.get('suggested', 0), n)} "
        f"{pct(s.get('unmatched', 0), n)} {s.get('missing', 0):4d} {s.get('sugg_hit', 0):5d}"
    )


def print_table(result: dict[str, object]) -> str:
    stats: dict[str, dict[str, int]] = result["stats"]  # type: ignore[assignment]
    head = (
        f"{'':30} {'n':>5} {'auto%':>6} {'env.p%':>6} {'line.p%':>7} {'sugg%':>6} {'unm%':>6} {'miss':>4} "
        f"{'s.hit':>5} wrongAp"
    )
    lines = ["customer payments per channel", head]
    for ch in CHANNELS:
        if f"chan customer {ch}" in stats:
            lines.append(table_line(ch, stats[f"chan customer {ch}"], False))
    lines.append("customer payments per statement format")
    for fm in ("bai2", "camt"):
        if f"fmt customer {fm}" in stats:
            lines.append(table_line(fm, stats[f"fmt customer {fm}"], False))
    lines.append("customer payments per text layout (BAI2) / remittance block (camt)")
    for lay in LAYOUTS:
        if f"lay customer {lay}" in stats:
            lines.append(table_line(lay, stats[f"lay customer {lay}"], False))
    lines += ["per scenario", head]
    order = [s for s, _ in PLAN if s not in ("duplicate", "cad_usd_person")] + [
        "duplicate_first",
        "duplicate_second",
    ]
    for s in order:
        if f"scen {s}" in stats:
            lines.append(table_line(s, stats[f"scen {s}"], False))
    lines.append("left to a person is right (applied = wrong)")
    if "scen cad_usd_person" in stats:
        lines.append(table_line("cad_usd_person", stats["scen cad_usd_person"], True))
    lines.append("non-customer credits (must stay unmatched)")
    for s, _ in NC_PLAN:
        if f"scen {s}" in stats:
            lines.append(table_line(s, stats[f"scen {s}"], True))
    for fm in ("bai2", "camt"):
        if f"fmt nc {fm}" in stats:
            lines.append(table_line(f"non-customer {fm}", stats[f"fmt nc {fm}"], True))
    lines.append(table_line("ALL customer", stats.get("ALL customer", {}), False))
    lines.append(table_line("ALL must-stay-unmatched", stats.get("ALL nc", {}), True))
    lines += ["", "per scenario and channel: auto% right% n (right = applied and entirely right)"]
    lines.append(f"{'':20}" + "".join(f"{c:>13}" for c in CHANNELS))
    for sc in order:
        cells = []
        for ch in CHANNELS:
            st = stats.get(f"cs {ch} {sc}", {})
            n = st.get("n", 0)
            if not n:
                cells.append(f"{'.':>13}")
            else:
                cells.append(
                    f"{round(100 * st.get('applied', 0) / n):>5}{round(100 * st.get('env_ok', 0) / n):>4} {n:>3}"
                )
        lines.append(f"{sc:20}" + "".join(cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args, exe, out = check_arguments(__doc__, argv, payments=1500, prefix="blackbox-us-")
    t0 = time.perf_counter()
    gen = Generator(args.payments, args.seed)
    gen.generate()
    gen.write_customers(out / "customers.csv")
    gen.write_invoices(out / "invoices.csv")
    files = gen.write_bai2(out) + gen.write_camt(out)
    gen.write_truth(out / "truth.csv")
    sc = Counter(t.scenario for t in gen.txs)
    ch = Counter(f"{t.channel}/{t.fmt}" for t in gen.txs)
    print(
        f"generated in {time.perf_counter() - t0:.1f}s: {len(gen.customers)} customers, {len(gen.invoices)} documents "
        f"({sum(not i.claimed for i in gen.invoices)} left open), {len(gen.txs)} credits "
        f"({sum(t.customer_payment for t in gen.txs)} customer payments), {len(files)} statement files, out={out}"
    )
    print("scenarios: " + ", ".join(f"{k} {v}" for k, v in sorted(sc.items())))
    print("channels: " + ", ".join(f"{k} {v}" for k, v in sorted(ch.items())))
    if gen.skipped:
        print(
            "scenarios drawn again (no fitting item): "
            + ", ".join(f"{k} {v}" for k, v in gen.skipped.items())
        )
    if args.generate_only:
        return 0
    timings, problems = run_product(out, exe, files)
    result = score(gen, out)
    print(print_table(result))
    print("timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
    for p in problems:
        print(f"PROBLEM in {p['step']} (rc {p['rc']}): {p['stderr'][-1500:]}")
    (out / "report.json").write_text(
        json.dumps(
            {
                "seed": args.seed,
                "payments": args.payments,
                "timings": timings,
                "problems": problems,
                "scenarios": dict(sc),
                "channels": dict(ch),
                "redrawn": dict(gen.skipped),
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
