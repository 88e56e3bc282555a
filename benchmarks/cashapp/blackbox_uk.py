"""Thirteenth independent black-box check of cash application: a builders' merchant in the UK and Ireland.

What it is: a generator of the receivables of a builders' merchant with a supply-and-fit division, in Great Britain
and Ireland, and of one month (May 2026) of its bank statements, with the ground truth in the ``export-allocations``
format (docs/cashapp.md, "Accounting rows"), designed from the user documentation only (docs/cashapp.md, docs/cli.md,
docs/banking.md, docs/invoicing.md) and from how UK and Irish customers pay their suppliers. The product is driven
only through its command line on a fresh SQLite workspace (``init``, ``import-customers``, ``import-invoices``,
``import-statement``, ``match``, ``export-allocations``, ``review``) and its export is scored per entity, per statement
format, per channel (Faster Payments, BACS, CHAPS, bank giro credits and cheques, SEPA, SWIFT), per channel and how
the payer is known (its account on file, a new account, no account, a parent or a finance company), and per scenario.

The seller and its books
------------------------
Northgate Building Supplies has two companies, one entity each (``init --code``): ``gb`` Northgate Building Supplies
Ltd (GBP) and ``ie`` Northgate Building Supplies (Ireland) Limited (EUR). The group's holding company sends funding
from a GBP and a EUR account, declared the entities' own (``init --iban``). About 900 customers (0.45 per payment),
four in five British: builders, contractors, roofers, groundworkers, developers, facilities managers, kitchen and
bathroom fitters, with the legal forms UK and Irish companies bear ("Ltd", "Limited", "PLC", "LLP", "& Sons Ltd",
"(Holdings) Ltd", "(UK) Ltd", "Group Ltd"; Irish "Teoranta", "Teo.", "DAC", "UC", "Unlimited Company", names in
Irish, "Ó Briain Tógála Teo."); sole traders ("J Smith Plumbing", "Mr J Smith", "John Smith t/a Smith Plumbing",
"Rajesh Patel t/a Pennine Tool Hire") whose bank account is in the owner's name ("MR J SMITH", "SMITH J") or the
trading name; namesakes ("Harrison Builders Ltd" and "Harrison Builders (Leeds) Ltd", "… Services Ltd", "… & Sons
Ltd"), whose names the 18 characters of a UK payment make alike; groups whose parent ("Tyne Homes Group PLC") pays
for its subsidiaries ("Tyne Homes (North) Ltd"), on file as their ``parent_id`` three times in four; some Northern
Irish customers of the Irish company, paying in EUR from a GB IBAN. Master data (``import-customers``): a British
customer's sort code and account number (docs/cli.md: ``60-16-13/31926819``, written in the forms the column takes),
an Irish (or Northern Irish EUR) customer's IBAN, on file for 82 % and 88 % of them; the customer's account number
with us is its ``id`` (six digits, ``300123`` in Britain, ``700123`` in Ireland), printed on every invoice.

Numbering: the British company left Sage 50 for Xero on 1 February 2026. Its older items are Sage's plain numbers
(``38123``, invoices and credit notes in one sequence), its newer ones Xero's ``INV-04213`` (five digits, zero
padded) and ``CN-0412``; the Irish company invoices from QuickBooks (``4521``, credit notes ``CRN0412``), with an RF
creditor reference built from the number (``structured_reference``, docs/invoicing.md). Serials have gaps (the items
already paid are not in the book). Supply-and-fit invoices to contractors are under the domestic reverse charge (no
VAT) and the Construction Industry Scheme: their labour and materials are the invoice's ``lines``. Some customers
buy on "2.5 % 10 days" terms (``discount_percent``/``discount_days``), some pay monthly maintenance contracts (equal
invoices on the 1st), many quote their purchase-order numbers (``order_reference``: ``PO104512``, SAP's
``4500123456``, ``KH-PO-04512``); 9 % of the older items were paid in part before the import (``open_amount``). About
five open documents per payment, issued from November 2025 to the end of May 2026.

Statements
----------
One file per business day and account (the Early May and Spring bank holidays off in Britain, the May bank holiday
in Ireland): Barclays camt.053.001.08, NatWest camt.053.001.02, Lloyds camt.054.001.02 (a notification per day with
credits) and HSBC MT940 for ``gb``; AIB camt.053.001.02 and Bank of Ireland MT940 for ``ie``. A Faster Payment or
BACS credit carries the payer's reference in 18 characters and the account holder's name in capitals cut to 18, with
the payer's sort code and account (camt ``DbtrAcct/Othr/Id``, as each bank writes it: ``60161331926819``,
``601613 31926819``, ``60-16-13 31926819``); CHAPS gives 35 characters of name and up to 140 of text; a bank giro
credit paid in at a branch gives the slip's reference and no payer; a cheque deposit gives the paying-in slip's
number; SEPA credits give the IBAN, the name, 140 characters, an end-to-end id and, for some, the RF reference in
``Strd/CdtrRefInf``; SWIFT credits from Northern Ireland give the instructed amount (``AmtDtls/InstdAmt``) before the
charges taken on the way. MT940 ``:86:`` is one field a line in the SWIFT character set: the bank's words, then
``FROM: name``, the account (HSBC: the sort code and account; Bank of Ireland: ``IBAN: …``), ``REF: text``.

Why each truth is what it is
----------------------------
The truth is the rows a careful clerk would post from the bank data and the book alone (``invoice`` rows settle an
item, negative for a netted credit note; ``deduction`` rows are negative, what the payer kept back on an invoice the
payment closes — bank charges within the tolerance of 25 GBP or EUR, a discount per the terms, a deduction the
remittance explains —; an unexplained residue beyond the tolerance makes the invoice row what was paid, a part
payment; ``on_account`` rows carry money without an invoice). Every truth's feasibility (the item open by that much,
issued by the value date) and everything it depends on in the book (a unique amount, the oldest items, no namesake
with an item of the amount, no other item the excess could be) is re-checked in booking order with every earlier
truth applied; a payment whose truth no longer holds is dropped ("dropped" in the first line printed). A payer known
by name only is checked against every customer a clerk could take it for (every word of the payer's name in theirs,
the last perhaps cut, or the surname and initial of a person): none may have an item, or its two or three oldest
items, of the amount.

Customer payments:

- ``ref_exact``: a Xero or QuickBooks number as printed or in the payer's form ("INV 04213", "4213", "Inv #4521"),
  the amount to the cent: that invoice. From the account on file, or from a new account under the customer's name.
- ``ref_sage``: Sage's plain number, often after the payer's name ("SMITH J 38123"), to the cent: that invoice.
- ``list``: several numbers squeezed into 18 characters ("INV 4213 4214 4230", "38123/38140"; a SEPA list), from the
  account on file, to the cent: those invoices.
- ``list_cut``: "INV 04213 04214 04230" cut by the 18 characters to "INV 04213 04214 04"; the amount pays all three.
  The payer is certain (its account), the two items written and exactly one other open item of the customer (the
  one whose number the cut begins) make the amount, and no other item or pair of items makes the rest: all three.
- ``list_long``: CHAPS (Britain) or SEPA (Ireland) with a list of numbers as printed within 140 characters.
- ``rf_structured`` / ``rf_typed`` (Ireland): the invoice's RF reference in ``Strd``, or typed in the text in groups
  of four: that invoice, whoever pays.
- ``e2e_only`` (Ireland): the payer's ERP put the invoice number in the end-to-end id and its own words in the text;
  the payer is certain (its IBAN) and the amount is the invoice's: that invoice.
- ``noref_unique`` / ``remittance_follow``: no number ("SUPPLIER PAYMENT", the payer's own name, "REMITTANCE TO
  FOLLOW", "SEE REMITTANCE") from the account on file; the customer's only open item of the amount (docs/cashapp.md,
  "A certain customer and the amount").
- ``noref_oldest``: the same, the amount of the customer's two or three oldest items (due date, issue date, number),
  no single item and (for three) no pair of the amount: those items.
- ``fifo_equal``: a maintenance contract's equal monthly invoices, paid without a month: the oldest open ("Equal
  items, first in, first out"), in booking order (the first of two payments takes the oldest).
- ``custno``: our account number for the customer ("ACC 300123", "A/C 300123", "CUST 300123", "ACCOUNT NO 300123",
  "300123 MR M HILL") from an account not on file, the customer's only item of the amount ("The customer's number
  names the payer").
- ``po_number``: the customer's purchase-order number (eight characters or more, one invoice's) to the cent: that
  invoice ("Order and engagement numbers").
- ``partial``: an invoice named in full, paid in part by its certain customer, with words ("PART PAYMENT",
  "INSTALMENT 1") or without: the invoice row is what was paid (an unexplained residue beyond the tolerance).
- ``overpay``: an invoice named in full, overpaid to a round sum by its certain customer, the excess no other item
  and no pair of items: the invoice and the excess on account.
- ``credit_netted``: "4213 LESS CN412", "Inv no. 3695 less CRN0417": the invoice and the credit note netted.
  ``credit_unsaid``: the invoice named, paid less the customer's only open credit note of that amount: the same
  ("An open credit note taken off unsaid").
- ``discount``: paid within the discount days, short by exactly the discount on the total: invoice and a deduction.
- ``charges_swift`` (Ireland): a Northern Irish customer's EUR transfer, the invoice (500 EUR or more, no discount
  terms) named, 5 to 20 EUR short (the intermediary's charges, within the 25 EUR tolerance): the invoice and a
  deduction of the charges.
- ``cis_explained`` / ``cis_word`` / ``cis_silent``: a contractor pays a supply-and-fit invoice less the 20 % it must
  withhold under the Construction Industry Scheme on the labour (the invoice's lines say how much). With the amount
  in the text ("4213 CIS 216.40") the remittance explains the deduction: invoice and a deduction of that amount.
  With the word only ("INV 4213 LESS CIS", "NET OF CIS") the remittance explains the residue, which is exactly 20 %
  of the labour line: invoice and a deduction of the residue, as "LESS WHT" explains its residue. Without a word the
  residue (chosen above the 25 GBP tolerance, below which the contract books it as charges) is unexplained: the
  contract makes it a part payment, the invoice row what was paid, the rest open until the contractor's CIS
  statement comes (the seller then settles it against its tax).
- ``retention_amount`` / ``retention_rate``: a main contractor holds back 5 % retention on a valuation (invoices of
  2,000 GBP or more). With the amount ("INV-06170 LESS RETENTION 325.62", by CHAPS) or with the word and rate only
  ("6170 RETENTION 5%", by BACS) the remittance explains what is kept back, exactly 5 % of the invoice: the invoice
  and a deduction (the contract's "a deduction the remittance explains"; the deduction case is how collections
  follow the retention until it is released).
- ``duplicate``: the same payment (payer, account, text, amount) a few days after the first, whose invoice is
  settled; the customer has no item of the amount: on account.
- ``advance``: "ADVANCE PAYMENT", "PREPAYMENT" from the customer's account, no item named, no item or two or three
  oldest items of the amount: on account ("An advance is kept on account").
- ``parent_pays``: the group's parent pays subsidiaries' invoices, named in full or by serial, to the cent: those
  invoices, whether or not the subsidiaries' ``parent_id`` is on file (the invoices named decide).
- ``finance_co``: a supply-chain-finance or trade-finance company pays a customer's Xero or QuickBooks invoices
  named in full, to the cent ("Third parties"); Sage's bare five-digit numbers are not used so.
- ``cheque_bgc``: a bank giro credit, no payer, the slip's reference a Xero number in full, to the cent.
- ``sole_trader``: a sole trader pays from its account on file as "MR J SMITH" or "SMITH J", with a number or with
  the amount of its only item of that amount.
- ``name_only`` / ``irish_form``: a new account, no number, the customer's name (cut to 18 in Britain; in Ireland
  the legal form as the bank holds it: "TEO" for Teoranta, "DESIGNATED ACTIVITY COMPANY" for DAC, "LTD" for
  Limited), the customer's only item of the amount and no rival with an item of it ("The only bearer of the name").
- ``namesake_apart``: the namesakes' common name (the cut makes "HARRISON BUILDERS" of both), a new account, no
  number, and only one of them with an item of the amount ("Namesakes are told apart").
- ``trade_name``: a sole trader's business paying under its trading name ("PENNINE TOOL HIRE" for "Rajesh Patel t/a
  Pennine Tool Hire") with an invoice number: that invoice.

Traps (a careful clerk applies nothing; the export must not post them):

- ``trap_namesake``: the namesakes' common name from a never-seen account, no number, and both have an item of the
  amount: either may have paid.
- ``trap_other_invoice``: the account on file for customer A pays with the number of customer B's invoice in full,
  and A has an open item of the amount too: which one A meant is left to a person ("Third parties").
- ``trap_custno_name``: the account number of customer X ("ACC 300123"), the name of customer Y (a new account),
  both with an item of the amount ("A customer number that contradicts the name").
- ``trap_cheque_anon``: a cheque deposit with the slip's number only; the amount is an open item's: an amount alone.
- ``trap_reversal``: a credit the bank books as a return (camt ``RvslInd``), naming an invoice to the cent: money
  coming back is never applied (the contract).
- ``trap_before_invoice``: a known customer pays, without a word, the amount of an invoice issued only after the
  payment (and of nothing else open): a payment never settles a later invoice; on account is accepted.

Non-customer credits (8 %; truth ``unrelated``): HMRC VAT repayments and the Revenue Commissioners' VAT refunds,
credit interest, card-acquirer settlements (Worldpay, Barclaycard, Global Payments, Elavon), Stripe payouts, loan
drawdowns, suppliers' refunds (Travis Perkins, Jewson, Chadwicks…), the holding company's funding from its own
accounts, insurers' claim payments. A third carry the number of an open invoice as the bare digits the payer would
write ("REFUND CR NOTE 38123", "CLAIM 04213"), a third the amount of an open invoice.

Run::

    .venv/bin/python benchmarks/cashapp/blackbox_uk.py [--payments 2000] [--seed 1] [--out DIR] [--keep]

It prints tables per scenario, per entity, per statement format, per channel and per channel and how the payer is
known — count, applied automatically, applied exactly right, wrong, precision of the whole payment and of the line
items, suggested and their hit rate, unmatched — a table of traps and non-customer credits, the overall rates and
each step's wall time, and writes ``customers.csv``, ``invoices.csv``, ``statements/``, ``truth.csv``, ``out.csv``
(the product's export), ``review.json``, ``misses.csv`` (every credit not as its truth wants, with the truth, the
product's rows, the entity, the format, the channel, how the payer is known and the product's explanation) and
``report.json`` in ``--out`` (default: a temporary directory, removed unless ``--keep``). Standard library only.

Notes on the contract: a payment left to a person counts as not applied, its suggestion hit when its proposals hold
every invoice of the truth; a customer payment is right when its rows are the truth's. The truth of a first-in-
first-out choice (and of a duplicate) assumes every earlier payment applied as its truth: when the product leaves an
earlier payment of the same customer to a person, it is right by docs/cashapp.md to leave a later one too (a miss,
not a wrong application).
"""

from __future__ import annotations

import csv
import json
import random
import re
import shutil
import sys
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent))
from blackbox_export import (
    MISS_COLUMNS,
    Row,
    grouped_table,
    load_why,
    run_generated_check,
    run_steps,
    save_step_logs,
    scores_by,
    statement_refusals,
)

START = date(2025, 11, 1)
#: the month of the statements; the Early May and Spring bank holidays in the UK, the May bank holiday in Ireland
MAY = [date(2026, 5, d) for d in range(1, 32)]
HOLIDAYS = {"gb": {date(2026, 5, 4), date(2026, 5, 25)}, "ie": {date(2026, 5, 4)}}
#: the UK company moved from Sage 50 to Xero on 1 February 2026
XERO_FROM = date(2026, 2, 1)
#: the bank-charge tolerance docs/cashapp.md gives by default: 25 GBP or EUR
TOLERANCE = 2_500

ENTITIES: dict[str, dict[str, str]] = {
    "gb": {"name": "Northgate Building Supplies Ltd", "country": "GB", "ccy": "GBP"},
    "ie": {"name": "Northgate Building Supplies (Ireland) Limited", "country": "IE", "ccy": "EUR"},
}
ENTITY_SHARE = {"gb": 0.78, "ie": 0.22}
VAT = {"gb": Decimal("20"), "ie": Decimal("23")}


def iban(cc: str, bban: str) -> str:
    num = "".join(str(int(ch, 36)) for ch in bban + cc + "00")
    return f"{cc}{98 - int(num) % 97:02d}{bban}"


def iban_valid(s: str) -> bool:
    s = s.replace(" ", "")
    num = "".join(str(int(ch, 36)) for ch in s[4:] + s[:4])
    return bool(re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", s)) and int(num) % 97 == 1


def rf_of(digits: str) -> str:
    num = "".join(str(int(ch, 36)) for ch in digits + "RF00")
    return f"RF{98 - int(num) % 97:02d}{digits}"


#: account key → entity, currency, bank, statement format, BIC, the account (IBAN)
ACCOUNTS: dict[str, tuple[str, str, str, str, str, str]] = {
    "gb_barclays": ("gb", "GBP", "Barclays", "camt.053.001.08", "BUKBGB22", iban("GB", "BUKB20201543218765")),
    "gb_hsbc": ("gb", "GBP", "HSBC UK", "mt940", "HBUKGB4B", iban("GB", "HBUK40127671234568")),
    "gb_lloyds": ("gb", "GBP", "Lloyds", "camt.054.001.02", "LOYDGB2L", iban("GB", "LOYD30963401927364")),
    "gb_natwest": ("gb", "GBP", "NatWest", "camt.053.001.02", "NWBKGB2L", iban("GB", "NWBK60161358203941")),
    "ie_aib": ("ie", "EUR", "AIB", "camt.053.001.02", "AIBKIE2D", iban("IE", "AIBK93115212345678")),
    "ie_boi": ("ie", "EUR", "Bank of Ireland", "mt940", "BOFIIE2D", iban("IE", "BOFI90001787654321")),
}
ACCOUNT_ORDER = {k: i for i, k in enumerate(ACCOUNTS)}
#: the group's holding company: its GBP and EUR accounts are declared the entities' own (intra-group transfers)
HOLDING_GBP = iban("GB", "BUKB20201590817263")
HOLDING_EUR = iban("GB", "BUKB20201590817271")
#: which of the entity's accounts each channel comes in on
ROUTES = {
    ("gb", "FPS"): ["gb_barclays", "gb_barclays", "gb_hsbc", "gb_lloyds", "gb_natwest"],
    ("gb", "BACS"): ["gb_barclays", "gb_natwest", "gb_hsbc"],
    ("gb", "CHAPS"): ["gb_barclays", "gb_natwest"],
    ("gb", "cheque"): ["gb_hsbc", "gb_lloyds"],
    ("gb", "bank"): ["gb_barclays", "gb_natwest", "gb_hsbc"],
    ("ie", "SEPA"): ["ie_aib", "ie_aib", "ie_boi"],
    ("ie", "SWIFT"): ["ie_aib"],
    ("ie", "cheque"): ["ie_boi"],
    ("ie", "bank"): ["ie_aib", "ie_boi"],
}
#: what the bank writes for each channel (camt ``AddtlNtryInf``, MT940 first line) and its ISO code
CHANNEL_WORDS = {
    "FPS": ("FASTER PAYMENT RECEIVED", ("PMNT", "RCDT", "DMCT")),
    "BACS": ("BACS CREDIT", ("PMNT", "RCDT", "DMCT")),
    "CHAPS": ("CHAPS CREDIT", ("PMNT", "RCDT", "DMCT")),
    "cheque": ("CHEQUE DEPOSIT", ("PMNT", "RCHQ", "CCHQ")),
    "BGC": ("BANK GIRO CREDIT", ("PMNT", "CNTR", "BCDP")),
    "SEPA": ("SEPA CREDIT TRANSFER", ("PMNT", "RCDT", "ESCT")),
    "SWIFT": ("INTERNATIONAL PAYMENT", ("PMNT", "RCDT", "XBCT")),
}

# ----------------------------------------------------------------------------------------
# names
# ----------------------------------------------------------------------------------------

GB_SURNAMES = [
    "Harrison",
    "Thompson",
    "Wright",
    "Walker",
    "Robinson",
    "Hughes",
    "Edwards",
    "Green",
    "Hall",
    "Wood",
    "Clarke",
    "Jackson",
    "Turner",
    "Hill",
    "Moore",
    "Cooper",
    "Ward",
    "Morris",
    "King",
    "Baker",
    "Bell",
    "Evans",
    "Price",
    "Davies",
    "Griffiths",
    "Morgan",
    "Lloyd",
    "Jenkins",
    "Campbell",
    "Stewart",
    "Fraser",
    "Patel",
    "Khan",
    "Ahmed",
    "Shah",
    "Singh",
    "Atkinson",
    "Barker",
    "Chapman",
    "Dawson",
    "Ellis",
    "Fletcher",
    "Gibson",
    "Hammond",
    "Holmes",
    "Hunter",
    "Jarvis",
    "Kemp",
    "Lawson",
    "Marsh",
    "Nicholson",
    "Oakley",
    "Parsons",
    "Pearce",
    "Rowe",
    "Sutton",
    "Thornton",
    "Whitehead",
    "Yates",
    "Brennan",
    "Doherty",
    "Heslop",
    "Ashworth",
    "Cartwright",
    "Pickering",
    "Sowerby",
    "Kershaw",
    "Greenwood",
    "Metcalfe",
    "Hargreaves",
    "Brierley",
    "Crowther",
    "Ramsden",
    "Ackroyd",
]
GB_FIRST = [
    "John",
    "James",
    "David",
    "Michael",
    "Peter",
    "Robert",
    "Paul",
    "Mark",
    "Andrew",
    "Stephen",
    "Gary",
    "Darren",
    "Rajesh",
    "Imran",
    "Sanjay",
    "Lee",
    "Craig",
    "Neil",
]
GB_PLACES = [
    "Pennine",
    "Thames",
    "Severn",
    "Mercia",
    "Wessex",
    "Cotswold",
    "Chiltern",
    "Humber",
    "Tyne",
    "Solent",
    "Kingsmead",
    "Riverside",
    "Oakwood",
    "Ashford",
    "Redbridge",
    "Castle",
    "Abbey",
    "Northern",
    "Midland",
    "Anglia",
    "Cambrian",
    "Lakeland",
    "Peak",
    "Dales",
    "Fenland",
    "Weald",
    "Mendip",
    "Quantock",
    "Trent",
    "Medway",
    "Calder",
    "Wharfe",
    "Ribble",
    "Mersey",
    "Tees",
    "Wear",
    "Kennet",
    "Avon",
    "Cheviot",
    "Malvern",
    "Wrekin",
    "Sherwood",
    "Charnwood",
    "Brecon",
]
GB_TOWNS = [
    "Leeds",
    "Bradford",
    "York",
    "Hull",
    "Sheffield",
    "Manchester",
    "Bolton",
    "Preston",
    "Derby",
    "Leicester",
    "Bristol",
    "Swansea",
    "Cardiff",
    "Reading",
]
TRADES_BUILD = [
    "Builders", "Construction", "Contractors", "Roofing", "Groundworks", "Developments", "Homes",
    "Civil Engineering", "Scaffolding", "Interiors", "Building Services", "Drylining", "Joinery",
]  # fmt: skip
TRADES_OTHER = [
    "Plumbing & Heating", "Electrical", "Property Maintenance", "Facilities Management", "Kitchens", "Bathrooms",
    "Landscapes", "Glazing", "Carpentry", "Plastering", "Decorators", "Fencing", "Property Services", "Lettings",
]  # fmt: skip
IE_SURNAMES = [
    "Murphy",
    "Kelly",
    "O'Brien",
    "Byrne",
    "Ryan",
    "O'Sullivan",
    "Walsh",
    "O'Connor",
    "McCarthy",
    "Doyle",
    "Gallagher",
    "Kennedy",
    "Lynch",
    "Quinn",
    "Brennan",
    "Fitzgerald",
    "Keane",
    "Dunne",
    "Nolan",
    "Kavanagh",
    "Moran",
    "Hogan",
    "Cullen",
    "Flanagan",
    "Dempsey",
    "Maguire",
    "Tierney",
    "Costello",
]
IE_GAELIC = [
    "Ó Briain",
    "Mac Cárthaigh",
    "Ó Súilleabháin",
    "Ó Ceallaigh",
    "Mac Gearailt",
    "Ó Dónaill",
    "De Búrca",
]
IE_PLACES = [
    "Shannon",
    "Liffey",
    "Corrib",
    "Wicklow",
    "Kerry",
    "Connacht",
    "Munster",
    "Leinster",
    "Atlantic",
    "Burren",
    "Boyne",
    "Slaney",
    "Suir",
    "Barrow",
    "Mourne",
    "Midland",
    "Nephin",
    "Galtee",
    "Comeragh",
    "Erne",
    "Moy",
    "Blackwater",
    "Lee",
    "Dodder",
    "Tolka",
]
IE_TOWNS = ["Cork", "Galway", "Limerick", "Athlone", "Sligo", "Kilkenny", "Dundalk"]
GAELIC_TRADES = {"Builders": "Tógála", "Construction": "Tógála", "Joinery": "Siúinéireachta"}
#: legal forms as written in the ledger and how the payer's bank may write them (same form)
LEGAL_WORDS = {"LTD", "LIMITED", "PLC", "LLP", "TEORANTA", "TEO", "DAC", "UC", "CO", "COMPANY", "UNLIMITED",
               "DESIGNATED", "ACTIVITY"}  # fmt: skip

SUPPLIERS_GB = ["TRAVIS PERKINS PLC", "JEWSON LTD", "SAINT-GOBAIN BUILDING DISTRIBUTION", "WOLSELEY UK LTD",
                "SELCO BUILDERS WAREHOUSE", "KINGSPAN INSULATION LTD", "MARLEY LTD", "BRETT MARTIN LTD"]  # fmt: skip
SUPPLIERS_IE = ["CHADWICKS LTD", "GRAFTON MERCHANTING ROI", "KINGSPAN INSULATION DAC", "TEGRAL BUILDING PRODUCTS",
                "KILSARAN CONCRETE"]  # fmt: skip
INSURERS_GB = ["AVIVA INSURANCE LTD", "ZURICH INSURANCE PLC", "ALLIANZ INSURANCE PLC", "AXA INSURANCE UK PLC"]
INSURERS_IE = ["FBD INSURANCE PLC", "ALLIANZ PLC", "AXA INSURANCE DAC", "ZURICH INSURANCE PLC"]
#: finance companies paying customers' invoices (supply-chain finance, trade finance): never customers
FINANCE_GB = ["PRIMEREVENUE INC", "BIBBY TRADE FINANCE LTD", "TAULIA UK LTD", "DEMICA LTD", "LLOYDS BANK SCF"]
FINANCE_IE = ["FINANCE IRELAND LTD", "BANK OF IRELAND SCF", "TAULIA IRELAND LTD"]


def strip_accents(s: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))


def fold(s: str) -> str:
    """A name as compared: capitals, no accents, '&' as AND, punctuation a space."""
    s = strip_accents(s).upper().replace("&", " AND ").replace("'", "")
    return " ".join(re.sub(r"[^A-Z0-9 ]", " ", s).split())


def words(s: str) -> list[str]:
    return [
        w for w in fold(s).split() if w not in LEGAL_WORDS and w not in {"T", "A", "AND", "MR", "MRS", "MS"}
    ]


def fmt_amount(c: int) -> str:
    sign = "-" if c < 0 else ""
    c = abs(c)
    return f"{sign}{c // 100}.{c % 100:02d}"


def half_up(x: Decimal) -> int:
    return int(x.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def swift_x(s: str) -> str:
    """A text in the SWIFT character set (MT940): accents dropped, '&' as '+', others a space."""
    s = strip_accents(s).replace("&", "+")
    return re.sub(r"[^A-Za-z0-9/\-?:().,'+ ]", " ", s)


def bank_caps(s: str) -> str:
    """A name as UK and Irish banks write it: capitals, no accents, no apostrophes or full stops."""
    s = strip_accents(s).upper().replace("'", "").replace(".", "")
    return " ".join(s.split())


def sort_code(sc: str, acct: str, style: str) -> str:
    if style == "compact":
        return sc + acct
    if style == "spaced":
        return f"{sc} {acct}"
    return f"{sc[:2]}-{sc[2:4]}-{sc[4:]} {acct}"


# ----------------------------------------------------------------------------------------
# the data
# ----------------------------------------------------------------------------------------


@dataclass
class Customer:
    id: str
    entity: str
    name: str
    nat: str
    bank_name: str  # how the payer's bank writes the account holder (before any cut)
    acct: str = ""  # sort code and account "601613/31926819", or an IBAN
    on_file: str = ""  # as the master data holds it
    kind: str = "company"  # company, sole, parent, sub, namesake, cis
    parent_id: str = ""
    group: str = ""
    namesake: str = ""
    terms: int = 30
    discount: Decimal = Decimal(0)
    cis: bool = False
    periodic: bool = False
    size: float = 1.0
    po_style: str = ""
    aliases: list[str] = field(default_factory=list)
    busy: int = 0

    @property
    def iban(self) -> bool:
        return self.acct[:2].isalpha()


@dataclass
class Invoice:
    key: int
    entity: str
    customer: str
    issue: date
    due: date
    total: int
    kind: str = "invoice"
    vat: int = 0
    open: int = 0  # open at import (an opening balance when below the total)
    number: str = ""
    erp: str = ""  # sage, xero, qbo
    serial: int = 0
    periodic: bool = False
    discount: Decimal = Decimal(0)
    discount_days: int = 0
    order_ref: str = ""
    labour: int = 0  # CIS: the labour part (reverse charge, no VAT)
    used: bool = False

    @property
    def signed(self) -> int:
        return -self.open if self.kind == "credit_note" else self.open


@dataclass
class Tx:
    ref: str
    entity: str
    account: str
    amount: int
    value: date
    scenario: str
    kind: str  # customer, trap, nc
    channel: str
    truth: list[tuple[str, int, str]] = field(default_factory=list)
    rows: list[tuple[Invoice | None, int, str]] = field(default_factory=list)
    customer: str = ""
    payer_name: str = ""
    payer_acct: str = ""  # as the bank gives it
    ultimate: str = ""
    text: str = ""  # the payer's reference (cut to the channel's width)
    e2e: str = "NOTPROVIDED"
    rf: str = ""  # a structured creditor reference
    instd: int = 0
    info: str = ""  # the bank's words for the booking
    btc: tuple[str, str, str] = ("PMNT", "RCDT", "DMCT")
    mt_code: str = "NTRF"
    rvsl: bool = False
    debit: bool = False
    allow_on_account: bool = False
    checks: list[tuple[str, dict[str, object]]] = field(default_factory=list)
    variant: str = ""
    seq: int = 0

    @property
    def currency(self) -> str:
        return ACCOUNTS[self.account][1]

    @property
    def fmt(self) -> str:
        return ACCOUNTS[self.account][3]

    def remittance(self) -> str:
        parts = [self.text] if self.text else []
        if self.rf:
            parts.append(f"[Strd {self.rf}]")
        if self.e2e != "NOTPROVIDED":
            parts.append(f"[E2E {self.e2e}]")
        if self.info:
            parts.append(f"[{self.info}]")
        return " | ".join(parts)


class Generator:
    def __init__(self, payments: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.payments = payments
        self.customers: list[Customer] = []
        self.by_id: dict[str, Customer] = {}
        self.invoices: list[Invoice] = []
        self.by_cust: dict[str, list[Invoice]] = defaultdict(list)
        self.txs: list[Tx] = []
        self.dropped: Counter[str] = Counter()
        self.names: set[tuple[str, str]] = set()
        self.accounts: set[str] = set()
        self.pos: set[str] = set()
        self.refs: Counter[str] = Counter()
        self.next_id = {"gb": 300100, "ie": 700100}

    # -- accounts ------------------------------------------------------------------------

    def new_account(self, nat: str) -> str:
        """A UK sort code and account number (as docs/cli.md stores them) or an Irish (or a Northern Irish EUR)
        IBAN, never used before."""
        while True:
            if nat == "GB":
                sc = (
                    self.rng.choice(["20", "30", "40", "60", "09", "77", "83", "16"])
                    + f"{self.rng.randrange(10**4):04d}"
                )
                a = f"{sc}/{self.rng.randrange(10**7, 10**8)}"
            elif nat == "NI":
                a = iban(
                    "GB", "DABA95" + f"{self.rng.randrange(10**4):04d}{self.rng.randrange(10**7, 10**8)}"
                )
            else:
                bank, nsc = self.rng.choice([("AIBK", "93"), ("BOFI", "90"), ("IPBS", "99"), ("ULSB", "98")])
                a = iban(
                    "IE", f"{bank}{nsc}{self.rng.randrange(10**4):04d}{self.rng.randrange(10**7, 10**8)}"
                )
            if a not in self.accounts:
                self.accounts.add(a)
                return a

    @staticmethod
    def on_file_form(acct: str, rng: random.Random) -> str:
        if acct[:2].isalpha():
            return acct
        sc, num = acct.split("/")
        return rng.choice(
            [f"{sc[:2]}-{sc[2:4]}-{sc[4:]}/{num}", f"{sc}/{num}", f"{sc[:2]}-{sc[2:4]}-{sc[4:]} {num}"]
        )

    def shown_acct(self, acct: str, account: str) -> str:
        """The payer's account as the statement gives it: IBAN, or the sort code and account in the bank's form."""
        if not acct or acct[:2].isalpha():
            return acct
        sc, num = acct.split("/")
        style = {"gb_barclays": "compact", "gb_natwest": "spaced"}.get(account, "dashed")
        return sort_code(sc, num, style)

    # -- customers -----------------------------------------------------------------------

    def _free(self, e: str, name: str) -> bool:
        return (e, fold(name)) not in self.names

    def _add(self, e: str, name: str, nat: str, bank_name: str, **kw: object) -> Customer:
        cid = str(self.next_id[e])
        self.next_id[e] += self.rng.choice([1, 1, 2, 3, 7])
        c = Customer(id=cid, entity=e, name=name, nat=nat, bank_name=bank_name, **kw)  # type: ignore[arg-type]
        self.names.add((e, fold(name)))
        c.acct = self.new_account(nat)
        if self.rng.random() < (0.82 if nat == "GB" else 0.88):
            c.on_file = self.on_file_form(c.acct, self.rng)
        c.po_style = self.rng.choice(["", "", "po", "sap", "site"]) if c.kind != "sole" else ""
        self.customers.append(c)
        self.by_id[cid] = c
        return c

    def _bank_form(self, name: str) -> str:
        """How the customer's bank holds a company's name: capitals, the legal form as registered or shortened."""
        b = bank_caps(name)
        r = self.rng.random()
        if r < 0.25:
            b = re.sub(r"\bLTD$", "LIMITED", b)
        elif r < 0.4:
            b = re.sub(r"\bLIMITED$", "LTD", b)
        return b

    def _gb_company(self, build: bool) -> tuple[str, str]:
        r = self.rng.random()
        trade = self.rng.choice(TRADES_BUILD if build else TRADES_OTHER)
        s1, s2 = self.rng.sample(GB_SURNAMES, 2)
        if r < 0.4:
            base = f"{s1} {trade}"
        elif r < 0.7:
            base = f"{self.rng.choice(GB_PLACES)} {trade}"
        elif r < 0.8:
            base = f"{s1} & {s2} {trade}"
        else:
            base = (
                f"{s1} {trade}" if self.rng.random() < 0.5 else f"{self.rng.choice(GB_PLACES)} {s1} {trade}"
            )
        legal = self.rng.choices(
            ["Ltd", "Limited", "LLP", "PLC", "& Sons Ltd", "(Holdings) Ltd", "(UK) Ltd", "Group Ltd"],
            [50, 24, 3, 2, 6, 5, 5, 5],
        )[0]
        if legal == "& Sons Ltd":
            base = f"{s1} {trade}" if "&" not in base else base
            return f"{base.split(' & ')[0]} & Sons Ltd" if trade in base else f"{base} & Sons Ltd", legal
        return f"{base} {legal}", legal

    def _ie_company(self, build: bool) -> tuple[str, str]:
        trade = self.rng.choice(TRADES_BUILD if build else TRADES_OTHER)
        r = self.rng.random()
        if r < 0.12 and trade in GAELIC_TRADES:
            base = f"{self.rng.choice(IE_GAELIC)} {GAELIC_TRADES[trade]}"
            legal = self.rng.choice(["Teoranta", "Teo."])
        else:
            base = (
                f"{self.rng.choice(IE_SURNAMES)} {trade}"
                if r < 0.6
                else f"{self.rng.choice(IE_PLACES)} {trade}"
            )
            legal = self.rng.choices(["Limited", "Ltd", "DAC", "UC", "Unlimited Company", "PLC", "Teoranta"],
                                     [40, 30, 10, 5, 4, 2, 4])[0]  # fmt: skip
        return f"{base} {legal}", legal

    def make_customers(self) -> None:
        rng = self.rng
        n = max(60, round(self.payments * 0.45))
        counts = {"gb": round(n * 0.78), "ie": n - round(n * 0.78)}
        for e, count in counts.items():
            nat = "GB" if e == "gb" else "IE"
            # groups whose parent pays for its subsidiaries
            for _g in range(max(2, count // 45)):
                stem = f"{rng.choice(GB_PLACES if e == 'gb' else IE_PLACES)} {rng.choice(['Homes', 'Construction', 'Developments', 'Facilities'])}"
                pname = f"{stem} Group {'PLC' if e == 'gb' and rng.random() < 0.5 else 'Limited'}"
                if not self._free(e, pname):
                    continue
                p = self._add(e, pname, nat, self._bank_form(pname), kind="parent", size=3.0)
                p.group = p.id
                for region in rng.sample(["North", "South", "Midlands", "Scotland", "Wales", "East", "West"] if e == "gb"
                                         else ["Cork", "Dublin", "Galway", "Limerick"], rng.randint(2, 4)):  # fmt: skip
                    sname = f"{stem} ({region}) {'Ltd' if e == 'gb' else 'Limited'}"
                    if self._free(e, sname):
                        s = self._add(e, sname, nat, self._bank_form(sname), kind="sub", size=2.0, group=p.id)
                        s.parent_id = p.id if rng.random() < 0.75 else ""
                        s.cis = e == "gb" and rng.random() < 0.3
            # namesakes: "Harrison Builders Ltd" and "Harrison Builders (Leeds) Ltd"
            for _k in range(max(2, count // 28)):
                s = rng.choice(GB_SURNAMES if e == "gb" else IE_SURNAMES)
                trade = rng.choice(TRADES_BUILD + TRADES_OTHER[:4])
                a = f"{s} {trade} {'Ltd' if e == 'gb' else 'Limited'}"
                town = rng.choice(GB_TOWNS if e == "gb" else IE_TOWNS)
                b = rng.choice(
                    [f"{s} {trade} ({town}) Ltd", f"{s} {trade} Services Ltd", f"{s} {trade} & Sons Ltd"]
                )
                if e == "ie":
                    b = b.replace(" Ltd", " Limited")
                if not (self._free(e, a) and self._free(e, b)):
                    continue
                c1 = self._add(
                    e,
                    a,
                    nat,
                    self._bank_form(a),
                    kind="namesake",
                    cis=trade in TRADES_BUILD and rng.random() < 0.3,
                )
                c2 = self._add(
                    e,
                    b,
                    nat,
                    self._bank_form(b),
                    kind="namesake",
                    cis=trade in TRADES_BUILD and rng.random() < 0.3,
                )
                c1.namesake, c2.namesake = c2.id, c1.id
            # sole traders: "J Smith Plumbing", "Mr J Smith", "John Smith t/a Smith Plumbing & Heating"
            sole = count // 7 if e == "gb" else count // 12
            for _k in range(sole):
                first = rng.choice(GB_FIRST)
                sur = rng.choice(GB_SURNAMES if e == "gb" else IE_SURNAMES)
                trade = rng.choice(["Plumbing", "Plumbing & Heating", "Electrical", "Roofing", "Joinery", "Building",
                                    "Plastering", "Decorating", "Groundworks"])  # fmt: skip
                r = rng.random()
                if r < 0.45:
                    name = f"{first[0]} {sur} {trade}"
                elif r < 0.6:
                    name = f"Mr {first[0]} {sur}"
                elif r < 0.8:
                    name = f"{first} {sur} t/a {sur} {trade}"
                else:
                    shop = f"{rng.choice(GB_PLACES if e == 'gb' else IE_PLACES)} {rng.choice(['Hardware', 'Trade Supplies', 'Home & Garden', 'Tool Hire'])}"
                    name = f"{first} {sur} t/a {shop}"
                if not self._free(e, name):
                    continue
                bank = rng.choice(
                    [f"MR {first[0]} {sur}", f"{sur} {first[0]}", f"{first[0]} {sur}", f"{first} {sur}"]
                )
                if " t/a " in name and rng.random() < 0.5:
                    bank = name.split(" t/a ")[1]
                self._add(e, name, nat, bank_caps(bank), kind="sole", size=0.4)
            # companies, construction or not; some Northern Irish customers of the Irish company pay in EUR from a
            # GB IBAN (international payments with charges)
            while sum(1 for c in self.customers if c.entity == e) < count:
                build = rng.random() < 0.55
                name, _legal = self._gb_company(build) if e == "gb" else self._ie_company(build)
                if not self._free(e, name):
                    continue
                cnat = "NI" if e == "ie" and rng.random() < 0.12 else nat
                if cnat == "NI":
                    name = re.sub(r"\b(Limited|DAC|UC|Unlimited Company|Teoranta|Teo\.|PLC)$", "Ltd", name)
                    if not self._free(e, name):
                        continue
                c = self._add(
                    e,
                    name,
                    cnat,
                    self._bank_form(name),
                    kind="company",
                    size=rng.choice([0.6, 1.0, 1.0, 1.6, 2.5]),
                )
                c.cis = e == "gb" and build and rng.random() < 0.35
                c.periodic = not build and rng.random() < 0.12
                if rng.random() < 0.12:
                    c.discount = Decimal(rng.choice(["2.5", "2", "3"]))
                if rng.random() < 0.05:
                    c.aliases.append(name.rsplit(" ", 1)[0] + " Trade Centre")
                c.terms = rng.choice([30, 30, 30, 60, 14])

    # -- the book ------------------------------------------------------------------------

    def _total(self, c: Customer) -> int:
        net = Decimal(str(round(10 ** self.rng.uniform(1.7, 4.0) * c.size, 2)))
        return half_up(net * 100)

    def new_invoice(self, c: Customer, issue: date, *, net: int | None = None, kind: str = "invoice",
                    periodic: bool = False, cis: bool = False) -> Invoice:  # fmt: skip
        net = self._total(c) if net is None else net
        labour = 0
        if cis:  # supply and fit: labour and materials, reverse charge (no VAT), 20 % CIS on the labour
            labour = half_up(Decimal(net) * Decimal(self.rng.choice(["0.35", "0.4", "0.5", "0.6"])))
            vat = 0
        else:
            vat = half_up(Decimal(net) * VAT[c.entity] / 100)
        due = issue + timedelta(days=c.terms)
        if c.entity == "gb" and c.cis:  # construction: 30 days end of month
            nxt = (issue.replace(day=1) + timedelta(days=32)).replace(day=1)
            due = nxt + timedelta(days=29)
        inv = Invoice(key=len(self.invoices), entity=c.entity, customer=c.id, issue=issue, due=due, total=net + vat,
                      kind=kind, vat=vat, periodic=periodic, labour=labour)  # fmt: skip
        inv.open = inv.total
        if kind == "invoice" and c.discount and not cis:
            inv.discount, inv.discount_days = c.discount, self.rng.choice([10, 14])
        if kind == "invoice" and c.po_style:
            inv.order_ref = self.new_po(c)
        self.invoices.append(inv)
        self.by_cust[c.id].append(inv)
        return inv

    def new_po(self, c: Customer) -> str:
        while True:
            if c.po_style == "po":
                po = f"PO{self.rng.randrange(100000, 999999)}"
            elif c.po_style == "sap":
                po = f"45{self.rng.randrange(10**7, 10**8)}"
            else:
                po = f"{''.join(w[0] for w in words(c.name)[:2])}-PO-{self.rng.randrange(10000, 99999)}"
            if po not in self.pos:
                self.pos.add(po)
                return po

    def random_issue(self) -> date:
        span = (date(2026, 5, 27) - START).days
        # more recent documents are more often still open
        d = START + timedelta(days=int(span * (1 - self.rng.random() ** 1.7)))
        return d if d.weekday() < 5 else d - timedelta(days=d.weekday() - 4)

    def make_book(self) -> None:
        target = self.payments * 5
        per = target / len(self.customers)
        for c in self.customers:
            n = max(2, round(self.rng.gauss(per * c.size**0.5, per / 3)))
            if c.periodic:  # a monthly maintenance contract: equal invoices on the 1st
                net = self.rng.choice([37500, 45000, 62500, 29000, 85000])
                for m in (12, 1, 2, 3, 4, 5):
                    d = date(2025 if m == 12 else 2026, m, 1)
                    self.new_invoice(c, d, net=net, periodic=True)
                n -= 3
            for _k in range(max(1, n)):
                d = self.random_issue()
                if self.rng.random() < 0.07:
                    cn = self.new_invoice(
                        c, d, net=half_up(Decimal(self._total(c)) * Decimal("0.25")), kind="credit_note"
                    )
                    cn.vat = half_up(Decimal(cn.total) * VAT[c.entity] / (100 + VAT[c.entity]))
                    continue
                inv = self.new_invoice(c, d, cis=c.cis and self.rng.random() < 0.6)
                if d < date(2026, 3, 15) and self.rng.random() < 0.09:  # paid in part before the import
                    inv.open = half_up(
                        Decimal(inv.total) * Decimal(self.rng.choice(["0.5", "0.4", "0.25", "0.6"]))
                    )

    def number(self) -> None:
        """Each company's own numbering, in issue order, with the gaps left by the documents already paid."""
        for e in ENTITIES:
            docs = sorted((i for i in self.invoices if i.entity == e), key=lambda i: (i.issue, i.key))
            sage, xero, cn, qbo, crn = 38001, 4001, 402, 2041, 311
            for i in docs:
                old = (date(2026, 5, 31) - i.issue).days
                gap = 1 + int(self.rng.expovariate(1 / (0.3 + old / 80)))
                if e == "gb" and i.issue < XERO_FROM:
                    sage += gap
                    i.number, i.erp, i.serial = str(sage), "sage", sage
                elif e == "gb" and i.kind == "credit_note":
                    cn += 1 + int(self.rng.random() < 0.3)
                    i.number, i.erp, i.serial = f"CN-{cn:04d}", "xero", cn
                elif e == "gb":
                    xero += gap
                    i.number, i.erp, i.serial = f"INV-{xero:05d}", "xero", xero
                elif i.kind == "credit_note":
                    crn += 1 + int(self.rng.random() < 0.3)
                    i.number, i.erp, i.serial = f"CRN{crn:04d}", "qbo", crn
                else:
                    qbo += gap
                    i.number, i.erp, i.serial = str(qbo), "qbo", qbo
        assert len({(i.entity, i.number) for i in self.invoices}) == len(self.invoices)
        assert max(i.serial for i in self.invoices if i.erp == "xero" and i.kind == "invoice") < 38000

    # -- how payers write numbers ---------------------------------------------------------

    def short(self, inv: Invoice) -> str:
        """The number as a payer squeezing it into 18 characters writes it."""
        if inv.erp == "xero":
            return f"CN{inv.serial}" if inv.kind == "credit_note" else str(inv.serial)
        return inv.number

    def written(self, inv: Invoice, *, full: bool = False) -> str:
        """The invoice number as payers write it: as printed, or (``full`` false) in their own forms."""
        r = self.rng
        if inv.erp == "xero":
            forms = ["INV-{0:05d}", "INV {0:05d}", "INV{0:05d}", "INV-{0:05d}"]
            if not full:
                forms += ["{0:05d}", "INV {0}", "{0}", "INVOICE {0}"]
            return r.choice(forms).format(inv.serial)
        if inv.erp == "sage":
            return r.choice(["{0}", "INV {0}", "INV NO {0}", "SI {0}", "INV{0}"]).format(inv.serial)
        return r.choice(
            ["{0}", "INV {0}", "Inv {0}", "Invoice {0}", "Inv no. {0}", "INV-{0}", "Inv #{0}"]
        ).format(inv.serial)

    # -- transactions --------------------------------------------------------------------

    def day(self, e: str, lo: int = 0) -> date:
        days = [d for d in business_days(e) if d.day > lo]
        return self.rng.choice(days)

    def new_tx(self, e: str, amount: int, value: date, scenario: str, channel: str, *, kind: str = "customer",
               account: str = "") -> Tx:  # fmt: skip
        acct = account or self.rng.choice(ROUTES[(e, channel)])
        prefix = {"gb_barclays": "BRC", "gb_hsbc": "HSB", "gb_lloyds": "LLY", "gb_natwest": "NWB", "ie_aib": "AIB",
                  "ie_boi": "BOI"}[acct]  # fmt: skip
        self.refs[prefix] += 1
        ref = f"{prefix}{value:%m%d}{self.refs[prefix]:06d}"
        t = Tx(
            ref=ref,
            entity=e,
            account=acct,
            amount=amount,
            value=value,
            scenario=scenario,
            kind=kind,
            channel=channel,
        )
        words_, btc = CHANNEL_WORDS.get(channel, ("", ("PMNT", "RCDT", "DMCT")))
        t.info, t.btc = words_, btc
        t.mt_code = "NCHK" if channel in ("cheque", "BGC") else "NTRF"
        t.seq = len(self.txs)
        self.txs.append(t)
        return t

    def pick(self, e: str, pred: Callable[[Customer], bool]) -> Customer | None:
        pool = [c for c in self.customers if c.entity == e and pred(c)]
        if not pool:
            return None
        pool.sort(key=lambda c: c.busy)
        least = [c for c in pool if c.busy == pool[0].busy]
        return self.rng.choice(least)

    def take(self, c: Customer, value: date, n: int = 1, *, pred: Callable[[Invoice], bool] | None = None,
             kind: str = "invoice", oldest: bool = False) -> list[Invoice] | None:  # fmt: skip
        pool = [
            i
            for i in self.by_cust[c.id]
            if not i.used and i.kind == kind and i.issue < value and (pred is None or pred(i))
        ]
        if len(pool) < n:
            return None
        if oldest:
            pool.sort(key=lambda i: (i.due, i.issue, i.number))
            got = pool[:n]
        else:
            got = self.rng.sample(pool, n)
        for i in got:
            i.used = True
        c.busy += 1
        return got

    def channel_for(self, e: str, amount: int) -> str:
        if e == "ie":
            return "SEPA"
        if amount >= 1_000_000 and self.rng.random() < 0.5:
            return "CHAPS"
        return self.rng.choice(["FPS", "FPS", "FPS", "BACS", "BACS"])

    def width(self, channel: str) -> int:
        return 18 if channel in ("FPS", "BACS", "BGC", "cheque") else 140

    def name_width(self, channel: str) -> int:
        return {"FPS": 18, "BACS": 18, "CHAPS": 35, "SEPA": 70, "SWIFT": 35}.get(channel, 18)

    def payer(self, t: Tx, c: Customer, *, known: bool | None = True, name: str = "") -> None:
        """The payer as the bank gives it: the customer's account (``known``: the one on file; ``False``: a new
        account; ``None``: no account) and its name, in capitals, cut to the channel's width."""
        nm = name or c.bank_name
        t.payer_name = nm[: self.name_width(t.channel)].rstrip()
        if known is None:
            t.payer_acct = ""
        elif known:
            assert c.on_file, c
            t.payer_acct = self.shown_acct(c.acct, t.account)
        else:
            t.payer_acct = self.shown_acct(self.new_account(c.nat), t.account)
        t.customer = c.id
        t.variant = (
            "account on file" if known and c.on_file else "new account" if known is False else "no account"
        )

    def set_text(self, t: Tx, text: str) -> None:
        if t.channel == "SEPA" and t.account == "ie_boi":
            text = swift_x(text)
        t.text = text[: self.width(t.channel)].rstrip()

    def fits(self, t: Tx, text: str) -> bool:
        return len(text) <= self.width(t.channel)

    def rows(self, t: Tx, rows: list[tuple[Invoice | None, int, str]]) -> None:
        t.rows = rows
        t.truth = [(i.number if i else "", a, k) for i, a, k in rows]
        assert sum(a for _i, a, _k in rows) == t.amount, (t.scenario, rows, t.amount)

    # -- the plan ------------------------------------------------------------------------

    def plan(self) -> None:
        rng = self.rng
        n = self.payments
        n_nc = round(n * 0.08)
        n_trap = round(n * 0.05)
        weights = {
            "gb": {
                "ref_exact": 11, "ref_sage": 6, "list": 5, "list_cut": 3, "list_long": 3, "noref_unique": 6,
                "noref_oldest": 3, "remittance_follow": 3, "fifo_equal": 2, "custno": 4, "po_number": 4, "partial": 3,
                "overpay": 2, "credit_netted": 3, "credit_unsaid": 2, "discount": 3, "cis_explained": 3, "cis_word": 2,
                "cis_silent": 2, "retention_amount": 2, "retention_rate": 2, "duplicate": 2, "advance": 2,
                "parent_pays": 4, "finance_co": 2, "cheque_bgc": 3, "sole_trader": 4, "name_only": 3,
                "namesake_apart": 2, "trade_name": 2,
            },
            "ie": {
                "rf_structured": 9, "rf_typed": 3, "e2e_only": 3, "ref_exact": 9, "list": 4, "list_long": 2,
                "noref_unique": 5, "remittance_follow": 2, "custno": 2, "partial": 2, "overpay": 1, "credit_netted": 2,
                "discount": 2, "charges_swift": 4, "duplicate": 1, "advance": 1, "parent_pays": 2, "finance_co": 1,
                "name_only": 2, "irish_form": 3, "namesake_apart": 1, "sole_trader": 1, "po_number": 2,
            },
        }  # fmt: skip
        made = 0
        attempts = 0
        while made < n - n_nc - n_trap and attempts < n * 30:
            attempts += 1
            e = "gb" if rng.random() < ENTITY_SHARE["gb"] else "ie"
            sc = rng.choices(list(weights[e]), list(weights[e].values()))[0]
            before = len(self.txs)
            getattr(self, f"s_{sc}")(e)
            made += sum(1 for t in self.txs[before:] if t.kind == "customer")
        traps = ["namesake", "other_invoice", "cheque_anon", "custno_name", "reversal", "before_invoice"]
        made = 0
        while made < n_trap and attempts < n * 60:
            attempts += 1
            e = "gb" if rng.random() < ENTITY_SHARE["gb"] else "ie"
            tr = rng.choice(traps)
            if tr == "cheque_anon" and e == "ie":
                continue
            before = len(self.txs)
            getattr(self, f"t_{tr}")(e)
            made += len(self.txs) - before
        kinds = ["hmrc", "interest", "card", "stripe", "loan", "supplier_refund", "intra_group", "insurance"]
        for k in range(n_nc):
            e = "gb" if rng.random() < ENTITY_SHARE["gb"] else "ie"
            self.nc(e, kinds[k % len(kinds)], k % 3)

    # -- customer scenarios ---------------------------------------------------------------

    def _std(self, c: Customer) -> bool:
        return c.kind in ("company", "namesake", "sub", "parent")

    def s_ref_exact(self, e: str, scenario: str = "ref_exact") -> Tx | None:
        c = self.pick(e, lambda c: c.kind != "sole")
        if not c:
            return None
        v = self.day(e)
        got = self.take(c, v, pred=lambda i: i.erp != "sage")
        if not got:
            return None
        inv = got[0]
        t = self.new_tx(e, inv.open, v, scenario, self.channel_for(e, inv.open))
        known = bool(c.on_file and self.rng.random() < 0.8)
        self.payer(t, c, known=known)
        text = self.written(inv)
        if e == "ie" and self.rng.random() < 0.4:
            text = self.rng.choice([f"{text} {c.bank_name[:20]}", f"Payment {text}", f"{text} thank you"])
        self.set_text(t, text)
        self.rows(t, [(inv, inv.open, "invoice")])
        if known is False:
            t.checks.append(("name_only", {"c": c}))
        return t

    def s_ref_sage(self, e: str) -> None:
        c = self.pick(e, lambda c: True)
        if not c:
            return
        v = self.day(e)
        got = self.take(c, v, pred=lambda i: i.erp == "sage")
        if not got:
            return
        inv = got[0]
        t = self.new_tx(e, inv.open, v, "ref_sage", self.channel_for(e, inv.open))
        self.payer(t, c, known=bool(c.on_file))
        text = self.written(inv)
        if c.kind == "sole" or self.rng.random() < 0.3:  # "SMITH J 38123": the payer's name before the number
            text = f"{t.payer_name[:12].rstrip()} {inv.number}"
        self.set_text(t, text)
        self.rows(t, [(inv, inv.open, "invoice")])
        if not c.on_file:
            t.checks.append(("name_only", {"c": c}))

    def _list_text(self, invs: list[Invoice]) -> str:
        r = self.rng.random()
        nums = [self.short(i) for i in invs]
        if r < 0.4:
            return "INV " + " ".join(nums)
        if r < 0.7:
            return "/".join(nums)
        if r < 0.85:
            return " ".join(nums)
        return ", ".join(nums[:-1]) + " & " + nums[-1]

    def s_list(self, e: str) -> None:
        c = self.pick(e, lambda c: c.kind != "sole" and bool(c.on_file))
        if not c:
            return
        v = self.day(e)
        k = self.rng.choice([2, 2, 3, 3, 4])
        got = self.take(c, v, k)
        if not got:
            return
        got.sort(key=lambda i: i.number)
        amount = sum(i.open for i in got)
        t = self.new_tx(e, amount, v, "list", self.channel_for(e, amount) if e == "gb" else "SEPA")
        if t.channel == "CHAPS":
            t.channel, t.info = "BACS", CHANNEL_WORDS["BACS"][0]
        text = self._list_text(got)
        while not self.fits(t, text) and len(got) > 2:
            got[-1].used = False
            got = got[:-1]
            text = self._list_text(got)
        if not self.fits(t, text):
            self.txs.remove(t)
            for i in got:
                i.used = False
            return
        t.amount = sum(i.open for i in got)
        self.payer(t, c, known=True)
        self.set_text(t, text)
        self.rows(t, [(i, i.open, "invoice") for i in got])

    def s_list_cut(self, e: str) -> None:
        """A BACS reference of 18 characters holding a list cut in its last number; the amount pays every item."""
        c = self.pick(e, lambda c: c.kind != "sole" and bool(c.on_file))
        if not c:
            return
        v = self.day(e)
        got = self.take(c, v, 3, pred=lambda i: i.erp == "xero")
        if not got:
            return
        got.sort(key=lambda i: i.number)
        text = "INV " + " ".join(f"{i.serial:05d}" for i in got)  # 21 characters: "INV 04213 04214 04"
        amount = sum(i.open for i in got)
        t = self.new_tx(e, amount, v, "list_cut", self.rng.choice(["BACS", "FPS"]))
        self.payer(t, c, known=True)
        self.set_text(t, text)
        assert len(t.text) == 18 and not t.text.endswith(f"{got[-1].serial:05d}")
        self.rows(t, [(i, i.open, "invoice") for i in got])
        t.checks.append(("rest_unique", {"c": c, "rest": got[-1]}))

    def s_list_long(self, e: str) -> None:
        """CHAPS (UK) or SEPA (Ireland) with 140 characters: a list of invoices as printed."""
        c = self.pick(e, lambda c: c.kind in ("company", "parent", "sub") and bool(c.on_file))
        if not c:
            return
        v = self.day(e)
        got = self.take(c, v, self.rng.randint(3, 7))
        if not got:
            return
        got.sort(key=lambda i: i.number)
        amount = sum(i.open for i in got)
        t = self.new_tx(e, amount, v, "list_long", "CHAPS" if e == "gb" else "SEPA")
        self.payer(t, c, known=True)
        head = self.rng.choice(["REMITTANCE ", "PAYMENT OF ", "INVOICES ", ""])
        self.set_text(t, head + " ".join(self.written(i, full=True) for i in got))
        if len(t.text) < len(head + " ".join(i.number for i in got)):
            self.txs.remove(t)
            for i in got:
                i.used = False
            return
        self.rows(t, [(i, i.open, "invoice") for i in got])

    def s_rf_structured(self, e: str, typed: bool = False) -> None:
        if e != "ie":
            return
        c = self.pick(e, lambda c: True)
        if not c:
            return
        v = self.day(e)
        got = self.take(c, v)
        if not got:
            return
        inv = got[0]
        t = self.new_tx(
            e,
            inv.open,
            v,
            "rf_typed" if typed else "rf_structured",
            "SEPA",
            account="ie_aib" if not typed else "",
        )
        self.payer(t, c, known=bool(c.on_file))
        ref = rf_of(inv.number)
        if typed:
            grouped = " ".join(ref[i : i + 4] for i in range(0, len(ref), 4))
            self.set_text(t, self.rng.choice([grouped, ref, f"{ref} {c.bank_name[:25]}"]))
        else:
            t.rf = ref
            if self.rng.random() < 0.4:
                self.set_text(t, c.bank_name[:30])
        self.rows(t, [(inv, inv.open, "invoice")])

    def s_rf_typed(self, e: str) -> None:
        self.s_rf_structured(e, typed=True)

    def s_e2e_only(self, e: str) -> None:
        """The payer's ERP wrote the invoice number only in the end-to-end id; the text is its own."""
        if e != "ie":
            return
        c = self.pick(e, lambda c: bool(c.on_file))
        if not c:
            return
        v = self.day(e)
        got = self.take(c, v)
        if not got:
            return
        inv = got[0]
        t = self.new_tx(e, inv.open, v, "e2e_only", "SEPA", account="ie_aib")
        self.payer(t, c, known=True)
        t.e2e = self.rng.choice([inv.number, f"INV{inv.number}", f"INV-{inv.number}"])
        self.set_text(t, self.rng.choice(["SUPPLIER PAYMENT", "SUPPLIER PAYMENTS", c.bank_name[:35]]))
        self.rows(t, [(inv, inv.open, "invoice")])

    def _noref_text(self, t: Tx, c: Customer) -> str:
        if t.channel == "SEPA":
            return self.rng.choice(["", "SUPPLIER PAYMENT", c.bank_name[:30], "Payment", "Account payment"])
        return self.rng.choice(["", "SUPPLIER PAYMENT", "BACS PAYMENT", c.bank_name, "PAYMENT", "NORTHGATE"])

    def s_noref_unique(self, e: str, scenario: str = "noref_unique", texts: tuple[str, ...] = ()) -> None:
        c = self.pick(e, lambda c: bool(c.on_file) and c.kind != "parent")
        if not c:
            return
        v = self.day(e)
        amounts = Counter(i.open for i in self.by_cust[c.id])
        got = self.take(c, v, pred=lambda i: amounts[i.open] == 1)
        if not got:
            return
        inv = got[0]
        t = self.new_tx(e, inv.open, v, scenario, self.channel_for(e, inv.open))
        self.payer(t, c, known=True)
        self.set_text(t, self.rng.choice(texts) if texts else self._noref_text(t, c))
        self.rows(t, [(inv, inv.open, "invoice")])
        t.checks.append(("unique", {"c": c}))

    def s_noref_oldest(self, e: str) -> None:
        c = self.pick(e, lambda c: bool(c.on_file) and not c.periodic and c.busy == 0)
        if not c:
            return
        v = self.day(e)
        got = self.take(c, v, self.rng.choice([2, 3]), oldest=True)
        if not got:
            return
        amount = sum(i.open for i in got)
        t = self.new_tx(e, amount, v, "noref_oldest", self.channel_for(e, amount))
        self.payer(t, c, known=True)
        self.set_text(t, self._noref_text(t, c))
        self.rows(t, [(i, i.open, "invoice") for i in got])
        t.checks.append(("oldest", {"c": c, "k": len(got)}))

    def s_remittance_follow(self, e: str) -> None:
        texts = ("REMITTANCE TO FOLLOW", "SEE REMITTANCE", "REMITTANCE EMAILED", "PER REMITTANCE ADVICE")
        if e == "ie":
            texts = ("Remittance to follow", "See remittance advice", "REMITTANCE EMAILED")
        self.s_noref_unique(e, "remittance_follow", texts)

    def s_fifo_equal(self, e: str) -> None:
        c = self.pick(e, lambda c: c.periodic and bool(c.on_file))
        if not c:
            return
        v = self.day(e)
        got = self.take(c, v, pred=lambda i: i.periodic, oldest=True)
        if not got:
            return
        inv = got[0]
        t = self.new_tx(e, inv.open, v, "fifo_equal", self.channel_for(e, inv.open))
        self.payer(t, c, known=True)
        self.set_text(t, self.rng.choice(["", "MAINTENANCE", "SERVICE CONTRACT", "FM CONTRACT", c.bank_name]))
        self.rows(t, [(inv, inv.open, "invoice")])
        t.checks.append(("fifo", {"c": c}))

    def s_custno(self, e: str) -> None:
        """Our account number for the customer (its ``id``) in the text, from an account not on file."""
        c = self.pick(e, lambda c: c.kind != "parent")
        if not c:
            return
        v = self.day(e)
        amounts = Counter(i.open for i in self.by_cust[c.id])
        got = self.take(c, v, pred=lambda i: amounts[i.open] == 1)
        if not got:
            return
        inv = got[0]
        t = self.new_tx(e, inv.open, v, "custno", self.channel_for(e, inv.open))
        self.payer(t, c, known=False)
        self.set_text(t, self.rng.choice([f"ACC {c.id}", f"A/C {c.id}", f"CUST {c.id}", f"ACCOUNT NO {c.id}",
                                          f"{c.id} {c.bank_name}", f"A/C NO {c.id}"]))  # fmt: skip
        self.rows(t, [(inv, inv.open, "invoice")])
        t.checks.append(("unique", {"c": c}))

    def s_po_number(self, e: str) -> None:
        """The customer's own purchase-order number (the invoice's ``order_reference``, eight characters or more)."""
        c = self.pick(e, lambda c: bool(c.po_style))
        if not c:
            return
        v = self.day(e)
        got = self.take(c, v, pred=lambda i: len(i.order_ref) >= 8)
        if not got:
            return
        inv = got[0]
        t = self.new_tx(e, inv.open, v, "po_number", self.channel_for(e, inv.open))
        known = bool(c.on_file) and self.rng.random() < 0.6
        self.payer(t, c, known=known)
        self.set_text(t, self.rng.choice([inv.order_ref, f"PO {inv.order_ref}" if not inv.order_ref.startswith("PO") else inv.order_ref,
                                          f"ORDER {inv.order_ref}"]))  # fmt: skip
        if not self.fits(t, t.text) or inv.order_ref not in t.text:
            self.set_text(t, inv.order_ref)
        self.rows(t, [(inv, inv.open, "invoice")])

    def s_partial(self, e: str) -> None:
        c = self.pick(e, lambda c: bool(c.on_file) and c.kind != "sole")
        if not c:
            return
        v = self.day(e)
        got = self.take(c, v, pred=lambda i: i.open >= 20_000 and i.erp != "sage")
        if not got:
            return
        inv = got[0]
        paid = half_up(Decimal(inv.open) * Decimal(self.rng.choice(["0.5", "0.25", "0.3333", "0.6", "0.75"])))
        paid = max(100, paid // 100 * 100) if self.rng.random() < 0.6 else paid
        t = self.new_tx(e, paid, v, "partial", self.channel_for(e, paid))
        self.payer(t, c, known=True)
        num = self.written(inv, full=True)
        words_ = ["PART PAYMENT {0}", "PART PAY {0}", "{0} PART PAYMENT", "{0}", "INSTALMENT 1 {0}"]
        text = self.rng.choice(words_).format(num)
        if not self.fits(t, text):
            text = num
        self.set_text(t, text)
        self.rows(t, [(inv, paid, "invoice")])
        t.checks.append(("no_equal", {"c": c}))

    def s_overpay(self, e: str) -> None:
        c = self.pick(e, lambda c: bool(c.on_file) and c.kind != "sole")
        if not c:
            return
        v = self.day(e)
        got = self.take(c, v, pred=lambda i: i.erp != "sage")
        if not got:
            return
        inv = got[0]
        paid = (
            (inv.open // 10_000 + 1) * 10_000
            if self.rng.random() < 0.6
            else inv.open + self.rng.choice([1000, 2500, 5000])
        )
        t = self.new_tx(e, paid, v, "overpay", self.channel_for(e, paid))
        self.payer(t, c, known=True)
        self.set_text(t, self.written(inv, full=True))
        self.rows(t, [(inv, inv.open, "invoice"), (None, paid - inv.open, "on_account")])
        t.checks.append(("excess_free", {"c": c, "excess": paid - inv.open}))

    def _credit_and_invoice(
        self, e: str, scenario: str, pred: Callable[[Invoice, Invoice], bool]
    ) -> tuple[Tx, Customer, Invoice, Invoice] | None:
        """A customer's open credit note and an invoice more than twice it, paid less the credit note by the
        customer from its account on file: (transaction, customer, invoice, credit note)."""
        c = self.pick(
            e,
            lambda c: (
                bool(c.on_file) and any(i.kind == "credit_note" and not i.used for i in self.by_cust[c.id])
            ),
        )
        if not c:
            return None
        v = self.day(e)
        cns = self.take(c, v, kind="credit_note")
        if not cns:
            return None
        cn = cns[0]
        got = self.take(c, v, pred=lambda i: i.open > cn.open * 2 and pred(i, cn))
        if not got:
            cn.used = False
            return None
        inv = got[0]
        amount = inv.open - cn.open
        t = self.new_tx(e, amount, v, scenario, self.channel_for(e, amount))
        self.payer(t, c, known=True)
        return t, c, inv, cn

    def s_credit_netted(self, e: str) -> None:
        found = self._credit_and_invoice(e, "credit_netted", lambda i, cn: i.erp == cn.erp or e == "ie")
        if found is None:
            return
        t, _, inv, cn = found
        r = self.rng.random()
        if e == "gb" and t.channel != "CHAPS":
            text = (
                f"{self.short(inv)} LESS {self.short(cn)}"
                if r < 0.6
                else f"INV{self.short(inv)} CR{self.short(cn).removeprefix('CN')}"
            )
            if inv.erp == "xero" and r >= 0.6:
                text = f"INV{inv.serial} {self.short(cn)}"
        else:
            text = (
                f"{self.written(inv, full=True)} less {cn.number}"
                if r < 0.5
                else f"{inv.number} / {cn.number}"
            )
        if not self.fits(t, text):
            text = f"{self.short(inv)} {self.short(cn)}"
        self.set_text(t, text)
        self.rows(t, [(inv, inv.open, "invoice"), (cn, -cn.open, "invoice")])

    def s_credit_unsaid(self, e: str) -> None:
        """The invoice named, paid less the customer's one open credit note of that amount, which the text omits."""
        found = self._credit_and_invoice(e, "credit_unsaid", lambda i, cn: i.erp != "sage")
        if found is None:
            return
        t, c, inv, cn = found
        self.set_text(t, self.written(inv, full=True))
        self.rows(t, [(inv, inv.open, "invoice"), (cn, -cn.open, "invoice")])
        t.checks.append(("one_cn", {"c": c, "cn": cn}))

    def s_discount(self, e: str) -> None:
        c = self.pick(e, lambda c: bool(c.discount) and bool(c.on_file))
        if not c:
            return
        v = self.day(e, lo=8)
        got = self.take(c, v, pred=lambda i: bool(i.discount) and i.open == i.total and v <= i.issue + timedelta(days=i.discount_days)
                        and i.issue >= date(2026, 4, 20))  # fmt: skip
        if not got:
            return
        inv = got[0]
        disc = half_up(Decimal(inv.total) * inv.discount / 100)
        t = self.new_tx(e, inv.open - disc, v, "discount", self.channel_for(e, inv.open))
        self.payer(t, c, known=True)
        self.set_text(t, self.written(inv, full=self.rng.random() < 0.5))
        self.rows(t, [(inv, inv.open, "invoice"), (inv, -disc, "deduction")])

    def s_charges_swift(self, e: str) -> None:
        """A Northern Irish customer pays its EUR invoice by international transfer: the intermediary's charges
        come off on the way (within the 25 EUR tolerance)."""
        c = self.pick(e, lambda c: c.nat == "NI" and bool(c.on_file))
        if not c:
            return
        v = self.day(e)
        # a discount period would make two readings; charges are small beside the invoice
        got = self.take(c, v, pred=lambda i: not i.discount and i.open >= 50_000)
        if not got:
            return
        inv = got[0]
        charges = self.rng.choice([500, 700, 1000, 1250, 1500, 2000])
        t = self.new_tx(e, inv.open - charges, v, "charges_swift", "SWIFT")
        self.payer(t, c, known=True)
        t.instd = inv.open if self.rng.random() < 0.5 else 0
        self.set_text(
            t, self.rng.choice([f"/INV/{inv.number}", f"INV {inv.number}", f"INVOICE {inv.number}"])
        )
        self.rows(t, [(inv, inv.open, "invoice"), (inv, -charges, "deduction")])

    def _cis(self, e: str, scenario: str) -> None:
        c = self.pick(e, lambda c: c.cis)
        if not c:
            return
        v = self.day(e)
        # silent, the CIS must exceed the bank-charge tolerance: within it the contract books it as charges
        floor = TOLERANCE * 5 if scenario == "cis_silent" else 0
        got = self.take(c, v, pred=lambda i: i.labour > floor and i.open == i.total and i.erp == "xero")
        if not got:
            return
        inv = got[0]
        cis = half_up(Decimal(inv.labour) * Decimal("0.2"))
        t = self.new_tx(e, inv.open - cis, v, scenario, self.rng.choice(["BACS", "BACS", "FPS"]))
        self.payer(t, c, known=bool(c.on_file))
        s = str(inv.serial)
        if scenario == "cis_explained":
            text = self.rng.choice(
                [
                    f"{s} CIS {fmt_amount(cis)}",
                    f"INV{s} CIS {fmt_amount(cis)}",
                    f"{s} LESS CIS {fmt_amount(cis)}",
                ]
            )
            if len(text) > 18:
                text = f"{s} CIS {fmt_amount(cis)}"
            if len(text) > 18:  # the amount does not fit 18 characters: the contractor pays by CHAPS
                t.channel, t.info = "CHAPS", CHANNEL_WORDS["CHAPS"][0]
                t.account = self.rng.choice(ROUTES[("gb", "CHAPS")])
                text = f"{inv.number} LESS CIS DEDUCTION {fmt_amount(cis)}"
                self.payer(t, c, known=bool(c.on_file))
            self.rows(t, [(inv, inv.open, "invoice"), (inv, -cis, "deduction")])
        elif scenario == "cis_word":
            text = self.rng.choice(
                [f"INV {s} LESS CIS", f"{s} CIS DEDUCTED", f"INV{s} NET OF CIS", f"{s} LESS CIS 20PCT"]
            )
            self.rows(t, [(inv, inv.open, "invoice"), (inv, -cis, "deduction")])
        else:
            text = self.rng.choice([inv.number, f"INV {inv.serial:05d}", f"{inv.number} {c.bank_name}"])
            self.rows(t, [(inv, t.amount, "invoice")])
            t.checks.append(("no_equal", {"c": c}))
        self.set_text(t, text)
        if not c.on_file:
            t.checks.append(("name_only", {"c": c}))

    def s_cis_explained(self, e: str) -> None:
        if e == "gb":
            self._cis(e, "cis_explained")

    def s_cis_word(self, e: str) -> None:
        if e == "gb":
            self._cis(e, "cis_word")

    def s_cis_silent(self, e: str) -> None:
        if e == "gb":
            self._cis(e, "cis_silent")

    def _retention(self, e: str, scenario: str) -> None:
        c = self.pick(
            e,
            lambda c: c.kind in ("company", "sub", "namesake") and any(i.labour for i in self.by_cust[c.id]),
        )
        if not c:
            return
        v = self.day(e)
        got = self.take(
            c, v, pred=lambda i: i.labour > 0 and i.open == i.total and i.erp == "xero" and i.total >= 200_000
        )
        if not got:
            return
        inv = got[0]
        ret = half_up(Decimal(inv.total) * Decimal("0.05"))
        if scenario == "retention_amount":
            t = self.new_tx(e, inv.open - ret, v, scenario, "CHAPS")
            text = self.rng.choice([f"{inv.number} LESS RETENTION {fmt_amount(ret)}",
                                    f"VALUATION {self.rng.randint(2, 9)} {inv.number} LESS 5% RETENTION {fmt_amount(ret)}",
                                    f"INV {inv.number} RETENTION 5 PCT {fmt_amount(ret)}"])  # fmt: skip
        else:
            t = self.new_tx(e, inv.open - ret, v, scenario, "BACS")
            text = self.rng.choice(
                [f"{inv.serial} RETENTION 5%", f"INV{inv.serial} RETENTION", f"{inv.serial} LESS 5% RETN"]
            )
        self.payer(t, c, known=bool(c.on_file))
        self.set_text(t, text)
        self.rows(t, [(inv, inv.open, "invoice"), (inv, -ret, "deduction")])
        if not c.on_file:
            t.checks.append(("name_only", {"c": c}))

    def s_retention_amount(self, e: str) -> None:
        if e == "gb":
            self._retention(e, "retention_amount")

    def s_retention_rate(self, e: str) -> None:
        if e == "gb":
            self._retention(e, "retention_rate")

    def s_duplicate(self, e: str) -> None:
        """The same payment twice: the second goes on account (the invoice it names is paid)."""
        first = self.s_ref_exact(e, "ref_exact")
        if first is None or first.value.day > 26 or not first.payer_acct:
            return
        later = [d for d in business_days(e) if first.value < d <= first.value + timedelta(days=7)]
        if not later:
            return
        t = self.new_tx(
            e, first.amount, self.rng.choice(later), "duplicate", first.channel, account=first.account
        )
        t.payer_name, t.payer_acct, t.text, t.customer, t.variant = (first.payer_name, first.payer_acct, first.text,
                                                                      first.customer, first.variant)  # fmt: skip
        self.rows(t, [(None, t.amount, "on_account")])
        t.checks.append(("no_equal", {"c": self.by_id[first.customer]}))
        if first.checks:
            t.checks.append(("name_only", {"c": self.by_id[first.customer]}))

    def s_advance(self, e: str) -> None:
        c = self.pick(e, lambda c: bool(c.on_file) and c.kind != "sole")
        if not c:
            return
        v = self.day(e)
        amount = self._total(c) // 100 * 100 + 10_000
        t = self.new_tx(e, amount, v, "advance", self.channel_for(e, amount))
        self.payer(t, c, known=True)
        self.set_text(t, self.rng.choice(["ADVANCE PAYMENT", "PREPAYMENT", "PAYMENT IN ADVANCE", "PREPAYMENT ORDER"]
                                         if e == "gb" else ["Advance payment", "Prepayment for order", "ADVANCE PAYMENT"]))  # fmt: skip
        self.rows(t, [(None, amount, "on_account")])
        t.checks.append(("no_equal", {"c": c}))
        c.busy += 1

    def s_parent_pays(self, e: str) -> None:
        p = self.pick(e, lambda c: c.kind == "parent" and bool(c.on_file))
        if not p:
            return
        subs = [c for c in self.customers if c.group == p.id and c.kind == "sub"]
        v = self.day(e)
        got: list[Invoice] = []
        for s in self.rng.sample(subs, min(len(subs), self.rng.randint(1, 3))):
            got += self.take(s, v, pred=lambda i: i.erp != "sage") or []
        if not got:
            return
        got.sort(key=lambda i: i.number)
        amount = sum(i.open for i in got)
        channel = (
            "CHAPS" if e == "gb" and (len(got) > 2 or amount >= 1_000_000) else self.channel_for(e, amount)
        )
        t = self.new_tx(e, amount, v, "parent_pays", channel)
        self.payer(t, p, known=True)
        text = " ".join(self.written(i, full=True) for i in got)
        if not self.fits(t, text):
            text = "INV " + " ".join(self.short(i) for i in got)
        if not self.fits(t, text):
            self.txs.remove(t)
            for i in got:
                i.used = False
            return
        self.set_text(t, text)
        self.rows(t, [(i, i.open, "invoice") for i in got])
        t.variant = (
            "parent on file" if all(self.by_id[i.customer].parent_id for i in got) else "parent not on file"
        )

    def s_finance_co(self, e: str) -> None:
        """A finance company pays the customer's invoices, named in full, to the cent."""
        c = self.pick(e, lambda c: c.kind in ("company", "sub", "parent") and c.size >= 1.0)
        if not c:
            return
        v = self.day(e)
        got = self.take(c, v, self.rng.choice([1, 1, 2]), pred=lambda i: i.erp != "sage")
        if not got:
            return
        amount = sum(i.open for i in got)
        t = self.new_tx(e, amount, v, "finance_co", "BACS" if e == "gb" else "SEPA")
        fin = self.rng.choice(FINANCE_GB if e == "gb" else FINANCE_IE)
        t.payer_name = fin[: self.name_width(t.channel)].rstrip()
        t.payer_acct = self.shown_acct(self.new_account("GB" if e == "gb" else "IE"), t.account)
        t.customer, t.variant = c.id, "finance company"
        nums = [i.number if i.erp == "xero" else f"INV {i.number}" for i in got]
        text = " ".join(nums)
        if e == "ie":
            text = "Invoice " + ", ".join(i.number for i in got) + f" {c.bank_name}"
            t.ultimate = c.bank_name if self.rng.random() < 0.5 else ""
        elif not self.fits(t, text):
            text = got[0].number
            for i in got[1:]:
                i.used = False
            got = got[:1]
            t.amount = got[0].open
        self.set_text(t, text)
        self.rows(t, [(i, i.open, "invoice") for i in got])

    def s_cheque_bgc(self, e: str) -> None:
        """A bank giro credit paid in at a branch: the slip carries the invoice number, not the payer."""
        if e != "gb":
            return
        c = self.pick(e, lambda c: True)
        if not c:
            return
        v = self.day(e)
        got = self.take(c, v, pred=lambda i: i.erp == "xero")
        if not got:
            return
        inv = got[0]
        t = self.new_tx(
            e, inv.open, v, "cheque_bgc", "BGC", account=self.rng.choice(ROUTES[("gb", "cheque")])
        )
        t.customer, t.variant = c.id, "no payer"
        slip = f"{self.rng.randrange(1, 999999):06d}"
        t.info = f"BANK GIRO CREDIT {slip}"
        self.set_text(t, self.rng.choice([inv.number, f"REF {inv.number}", f"{inv.number} BGC"]))
        self.rows(t, [(inv, inv.open, "invoice")])

    def s_sole_trader(self, e: str) -> None:
        c = self.pick(e, lambda c: c.kind == "sole" and bool(c.on_file))
        if not c:
            return
        v = self.day(e)
        if self.rng.random() < 0.6:
            got = self.take(c, v)
            if not got:
                return
            inv = got[0]
            t = self.new_tx(e, inv.open, v, "sole_trader", self.channel_for(e, inv.open))
            self.payer(t, c, known=True)
            sur = next(w for w in words(c.bank_name) if len(w) > 1)
            self.set_text(
                t,
                self.rng.choice(
                    [f"{sur} {self.short(inv)}", self.written(inv), f"{c.bank_name} {self.short(inv)}"]
                ),
            )
            self.rows(t, [(inv, inv.open, "invoice")])
        else:
            amounts = Counter(i.open for i in self.by_cust[c.id])
            got = self.take(c, v, pred=lambda i: amounts[i.open] == 1)
            if not got:
                return
            inv = got[0]
            t = self.new_tx(e, inv.open, v, "sole_trader", self.channel_for(e, inv.open))
            self.payer(t, c, known=True)
            self.set_text(t, self.rng.choice([c.bank_name, "", "MATERIALS", "BUILDING SUPPLIES"]))
            self.rows(t, [(inv, inv.open, "invoice")])
            t.checks.append(("unique", {"c": c}))

    def s_name_only(
        self, e: str, scenario: str = "name_only", pred: Callable[[Customer], bool] | None = None
    ) -> None:
        """A payer known by its name only (an account never seen), no reference: the amount is one item's."""
        c = self.pick(e, pred or (lambda c: c.kind in ("company", "sub")))
        if not c:
            return
        v = self.day(e)
        amounts = Counter(i.open for i in self.by_cust[c.id])
        got = self.take(c, v, pred=lambda i: amounts[i.open] == 1)
        if not got:
            return
        inv = got[0]
        t = self.new_tx(e, inv.open, v, scenario, self.channel_for(e, inv.open))
        name = c.bank_name
        if scenario == "irish_form":
            name = self._irish_form(c)
        self.payer(t, c, known=False, name=name)
        self.set_text(t, self._noref_text(t, c) if self.rng.random() < 0.5 else "")
        self.rows(t, [(inv, inv.open, "invoice")])
        t.checks.append(("unique", {"c": c}))
        t.checks.append(("name_only", {"c": c}))

    def _irish_form(self, c: Customer) -> str:
        n = bank_caps(c.name)
        for a, b in (("TEORANTA", "TEO"), ("TEO", "TEORANTA"), ("DAC", "DESIGNATED ACTIVITY COMPANY"),
                     ("LIMITED", "LTD"), ("LTD", "LIMITED"), ("UNLIMITED COMPANY", "UC"), ("UC", "UNLIMITED COMPANY")):  # fmt: skip
            if n.endswith(" " + a):
                return n[: -len(a)] + b
        return n

    def s_irish_form(self, e: str) -> None:
        if e == "ie":
            self.s_name_only(
                e,
                "irish_form",
                lambda c: c.nat == "IE" and c.kind == "company" and bank_caps(c.name) != self._irish_form(c),
            )

    def s_namesake_apart(self, e: str) -> None:
        """Namesakes ("HARRISON BUILDERS" for Harrison Builders Ltd and Harrison Builders (Leeds) Ltd): the
        payer's cut name fits both, and only one has an open item of the amount."""
        c = self.pick(e, lambda c: c.kind == "namesake")
        if not c:
            return
        other = self.by_id[c.namesake]
        v = self.day(e)
        theirs = {i.open for i in self.by_cust[other.id]}
        amounts = Counter(i.open for i in self.by_cust[c.id])
        got = self.take(c, v, pred=lambda i: amounts[i.open] == 1 and i.open not in theirs)
        if not got:
            return
        inv = got[0]
        t = self.new_tx(e, inv.open, v, "namesake_apart", "FPS" if e == "gb" else "SEPA")
        common = " ".join(words(c.bank_name)[: len(set(words(c.bank_name)) & set(words(other.bank_name)))])
        self.payer(t, c, known=False, name=common or c.bank_name)
        self.set_text(t, self._noref_text(t, c) if self.rng.random() < 0.3 else "")
        self.rows(t, [(inv, inv.open, "invoice")])
        t.checks.append(("unique", {"c": c}))
        t.checks.append(("name_only", {"c": c}))

    def s_trade_name(self, e: str) -> None:
        """A sole trader's business ("R Patel t/a Quickfix Hardware") pays under its trading name with a number."""
        c = self.pick(e, lambda c: " t/a " in c.name)
        if not c:
            return
        v = self.day(e)
        got = self.take(c, v)
        if not got:
            return
        inv = got[0]
        t = self.new_tx(e, inv.open, v, "trade_name", self.channel_for(e, inv.open))
        self.payer(t, c, known=False, name=bank_caps(c.name.split(" t/a ")[1]))
        self.set_text(t, self.written(inv))
        self.rows(t, [(inv, inv.open, "invoice")])
        t.checks.append(("name_only", {"c": c}))

    # -- traps -----------------------------------------------------------------------------

    def _add_item(self, c: Customer, total: int, before: date) -> Invoice:
        """An invoice of exactly ``total`` for ``c`` (a common amount: another customer's item has it too)."""
        issue = before - timedelta(days=self.rng.randint(10, 60))
        issue -= timedelta(days=max(0, issue.weekday() - 4))
        inv = self.new_invoice(c, issue, net=total)
        inv.vat, inv.total, inv.open, inv.discount = 0, total, total, Decimal(0)
        inv.used = True
        e = c.entity
        if e == "gb":
            xs = [i.serial for i in self.invoices if i.erp == "xero" and i.kind == "invoice"]
            inv.erp, inv.serial = "xero", max(xs) + 1 + len(self.txs) % 3
            inv.number = f"INV-{inv.serial:05d}"
        else:
            xs = [i.serial for i in self.invoices if i.erp == "qbo" and i.kind == "invoice"]
            inv.erp, inv.serial = "qbo", max(xs) + 1 + len(self.txs) % 3
            inv.number = str(inv.serial)
        while any(i.number == inv.number and i is not inv and i.entity == e for i in self.invoices):
            inv.serial += 1
            inv.number = f"INV-{inv.serial:05d}" if e == "gb" else str(inv.serial)
        return inv

    def t_namesake(self, e: str) -> None:
        c = self.pick(e, lambda c: c.kind == "namesake")
        if not c:
            return
        other = self.by_id[c.namesake]
        v = self.day(e)
        got = self.take(c, v, pred=lambda i: i.issue < v - timedelta(days=70))
        if not got:
            return
        inv = got[0]
        self._add_item(other, inv.open, v)
        t = self.new_tx(e, inv.open, v, "trap_namesake", "FPS" if e == "gb" else "SEPA", kind="trap")
        common = " ".join(words(c.bank_name)[: len(set(words(c.bank_name)) & set(words(other.bank_name)))])
        self.payer(t, c, known=False, name=common)
        self.set_text(t, "")
        t.checks.append(("both_have", {"cs": [c, other]}))

    def t_other_invoice(self, e: str) -> None:
        """The payer's account is A's; the text names B's invoice in full; A has an open item of the amount too."""
        a = self.pick(e, lambda c: bool(c.on_file) and c.kind in ("company", "sole"))
        b = self.pick(e, lambda c: c.kind == "company")
        if not a or not b or a.id == b.id or (a.group and a.group == b.group):
            return
        v = self.day(e)
        got = self.take(b, v, pred=lambda i: i.erp != "sage")
        if not got:
            return
        inv = got[0]
        self._add_item(a, inv.open, v)
        t = self.new_tx(e, inv.open, v, "trap_other_invoice", self.channel_for(e, inv.open), kind="trap")
        self.payer(t, a, known=True)
        self.set_text(t, inv.number if e == "gb" else f"INV {inv.number}")
        t.checks.append(("both_have", {"cs": [a, b]}))

    def t_cheque_anon(self, e: str) -> None:
        c = self.pick(e, lambda c: True)
        if not c:
            return
        v = self.day(e)
        got = self.take(c, v)
        if not got:
            return
        inv = got[0]
        t = self.new_tx(
            e,
            inv.open,
            v,
            "trap_cheque_anon",
            "cheque",
            kind="trap",
            account=self.rng.choice(ROUTES[("gb", "cheque")]),
        )
        slip = f"{self.rng.randrange(1, 999999):06d}"
        t.info = f"CHEQUE DEPOSIT {slip}"
        self.set_text(
            t, self.rng.choice(["", f"CHQ {self.rng.randrange(100000, 999999)}", f"PAYING IN {slip}"])
        )
        t.variant = "no payer"

    def t_custno_name(self, e: str) -> None:
        """Our number for customer X in the text, the name of customer Y: both have an open item of the amount."""
        x = self.pick(e, lambda c: c.kind == "company")
        y = self.pick(e, lambda c: c.kind == "company")
        if not x or not y or x.id == y.id or set(words(x.name)) & set(words(y.name)):
            return
        v = self.day(e)
        got = self.take(y, v)
        if not got:
            return
        inv = got[0]
        self._add_item(x, inv.open, v)
        t = self.new_tx(e, inv.open, v, "trap_custno_name", self.channel_for(e, inv.open), kind="trap")
        self.payer(t, y, known=False)
        self.set_text(t, self.rng.choice([f"ACC {x.id}", f"A/C {x.id}", f"CUST {x.id}"]))
        t.checks.append(("both_have", {"cs": [x, y]}))

    def t_reversal(self, e: str) -> None:
        """A credit the bank books as a return (camt ``RvslInd``): money coming back, whatever it names."""
        c = self.pick(e, lambda c: bool(c.on_file))
        if not c:
            return
        v = self.day(e)
        got = self.take(c, v, pred=lambda i: i.erp != "sage")
        if not got:
            return
        inv = got[0]
        t = self.new_tx(e, inv.open, v, "trap_reversal", "FPS" if e == "gb" else "SEPA", kind="trap",
                        account="gb_barclays" if e == "gb" else "ie_aib")  # fmt: skip
        self.payer(t, c, known=True)
        self.set_text(t, inv.number if e == "gb" else f"INV {inv.number}")
        t.rvsl = True
        t.info = "RETURNED PAYMENT" if e == "gb" else "SEPA RETURN AC04"
        t.btc = ("PMNT", "RCDT", "RRTN")

    def t_before_invoice(self, e: str) -> None:
        """A known customer pays, without a word, the amount of an invoice issued only after the payment."""
        c = self.pick(e, lambda c: bool(c.on_file) and c.kind == "company")
        if not c:
            return
        v = self.day(e, lo=3)
        if v.day > 25:
            return
        amount = self._total(c) + 1_234
        inv = self.new_invoice(c, v + timedelta(days=self.rng.randint(1, 4)), net=amount)
        inv.vat, inv.total, inv.open = 0, amount, amount
        inv.discount = Decimal(0)
        inv.used = True
        if e == "gb":
            xs = max(i.serial for i in self.invoices if i.erp == "xero" and i.kind == "invoice")
            inv.erp, inv.serial, inv.number = "xero", xs + 2, f"INV-{xs + 2:05d}"
        else:
            xs = max(i.serial for i in self.invoices if i.erp == "qbo" and i.kind == "invoice")
            inv.erp, inv.serial, inv.number = "qbo", xs + 2, str(xs + 2)
        t = self.new_tx(e, amount, v, "trap_before_invoice", self.channel_for(e, amount), kind="trap")
        self.payer(t, c, known=True)
        self.set_text(t, self._noref_text(t, c))
        t.allow_on_account = True
        t.checks.append(("no_equal", {"c": c}))

    # -- non-customer credits -------------------------------------------------------------

    def _open_amount(self, e: str) -> int:
        return self.rng.choice([i for i in self.invoices if i.entity == e and i.kind == "invoice"]).open

    def _open_number(self, e: str) -> str:
        inv = self.rng.choice([i for i in self.invoices if i.entity == e and i.kind == "invoice"])
        return str(inv.serial) if inv.erp != "xero" else f"{inv.serial:05d}"

    def nc(self, e: str, kind: str, third: int) -> None:
        """Credits that are not customers' payments; a third carry an open invoice's number (``third`` 1), a third
        an open invoice's amount (``third`` 2)."""
        rng = self.rng
        v = self.day(e)
        amount = rng.randrange(5_000, 2_500_000) if third != 2 else self._open_amount(e)
        if third == 1 and kind in ("interest", "loan", "intra_group"):
            third, amount = 2, self._open_amount(e)
        num = self._open_number(e) if third == 1 else ""
        gb = e == "gb"
        acct = ""
        if kind == "hmrc":
            channel, name = "BACS" if gb else "SEPA", "HMRC VAT" if gb else "REVENUE COMMISSIONERS"
            text = (
                (f"VAT REPAYMENT {num}" if num else f"{rng.randrange(10**8, 10**9)} VAT RPT")
                if gb
                else (f"VAT REFUND {num or rng.randrange(10**6, 10**7)}T")
            )
        elif kind == "interest":
            channel, name = "bank", ""
            text = f"GROSS INTEREST {num}".strip() if gb else f"CREDIT INTEREST {num}".strip()
        elif kind == "card":
            channel = "BACS" if gb else "SEPA"
            name = (
                rng.choice(["WORLDPAY (UK) LTD", "BARCLAYCARD MERCHA", "GLOBAL PAYMENTS"])
                if gb
                else "ELAVON FINANCIAL SERVICES DAC"
            )
            text = f"MID {rng.randrange(10**7, 10**8)} {num or 'SETTLEMENT'}"
        elif kind == "stripe":
            channel = "FPS" if gb else "SEPA"
            name = "STRIPE PAYMENTS UK" if gb else "STRIPE TECHNOLOGY EUROPE LTD"
            text = (
                f"STRIPE {num}"
                if num
                else f"STRIPE PAYOUT {rng.choice('ABCDEFGHJK')}{rng.randrange(10**5, 10**6)}"
            )
        elif kind == "loan":
            channel, name = "bank", ""
            text = f"LOAN DRAWDOWN {num or rng.randrange(10**6, 10**7)}"
        elif kind == "supplier_refund":
            channel = "BACS" if gb else "SEPA"
            name = rng.choice(SUPPLIERS_GB if gb else SUPPLIERS_IE)
            text = (
                f"REFUND CR NOTE {num}"
                if num
                else f"REFUND {rng.choice(['OVERPAYMENT', 'CREDIT', 'RETURNS'])}"
            )
        elif kind == "intra_group":
            channel, name = "BACS" if gb else "SEPA", "NORTHGATE GROUP HOLDINGS LTD"
            acct = HOLDING_GBP if gb else HOLDING_EUR
            text = f"INTERCO FUNDING {num}".strip()
        else:
            channel = "BACS" if gb else "SEPA"
            name = rng.choice(INSURERS_GB if gb else INSURERS_IE)
            text = f"CLAIM {num}" if num else f"CLAIM SETTLEMENT {rng.randrange(10**6, 10**7)}"
        t = self.new_tx(e, amount, v, f"nc_{kind}", channel, kind="nc")
        t.payer_name = name[: self.name_width(channel)].rstrip()
        t.payer_acct = acct or (
            self.shown_acct(self.new_account("GB" if gb else "IE"), t.account) if name else ""
        )
        t.variant = kind
        self.set_text(t, text)
        if kind == "interest":
            t.info, t.btc, t.mt_code = "CREDIT INTEREST", ("LDAS", "NTAV", "INTR"), "NINT"
        elif kind == "loan":
            t.info, t.btc, t.mt_code = "LOAN DRAWDOWN", ("LDAS", "CSLN", "DDWN"), "NLDP"

    # -- checking the truth in booking order -----------------------------------------------

    def order(self) -> list[Tx]:
        return sorted(self.txs, key=lambda t: (t.value, ACCOUNT_ORDER[t.account], t.seq))

    def rivals(self, t: Tx, c: Customer) -> list[Customer]:
        """The customers a clerk could take a payer known by its name only for: every word of the payer's name
        (the last one perhaps cut by the bank) in theirs, the legal form aside."""
        ws = words(t.payer_name)
        if not ws:
            return []
        cut = len(t.payer_name) >= self.name_width(t.channel) - 1
        out = []
        for o in self.customers:
            if o.entity != t.entity or o.id == c.id:
                continue
            theirs = words(o.name) + words(o.bank_name) + [w for a in o.aliases for w in words(a)]
            if " t/a " in o.name:
                theirs += words(o.name.split(" t/a ")[1])
            ok = all(w in theirs for w in ws[:-1]) and (
                ws[-1] in theirs or (cut and any(x.startswith(ws[-1]) for x in theirs))
            )
            initials = [w for w in ws if len(w) == 1]
            if not ok and initials and len(ws) == 2:  # "SMITH J" for any J Smith
                ok = all(w in theirs for w in ws if len(w) > 1) and any(
                    x.startswith(initials[0]) for x in theirs
                )
            if ok:
                out.append(o)
        return out

    def simulate(self) -> list[Tx]:
        open_ = {i.key: i.open for i in self.invoices}
        bad: list[Tx] = []
        for t in self.order():
            if t.debit:
                continue
            why = self.check(t, open_)
            if why:
                bad.append(t)
                continue
            for inv, a, k in t.rows:
                if inv is not None and k == "invoice":
                    open_[inv.key] -= a if inv.kind == "invoice" else -a
                elif inv is not None and k == "deduction":
                    open_[inv.key] += a
        return bad

    def items(self, c: Customer, open_: dict[int, int], v: date) -> list[Invoice]:
        return [i for i in self.by_cust[c.id] if i.kind == "invoice" and open_[i.key] > 0 and i.issue <= v]

    def sums(self, c: Customer, open_: dict[int, int], v: date, amount: int, *, k: int = 3) -> bool:
        """Whether one item of ``c``, or its oldest two or three, come to ``amount``."""
        its = sorted(self.items(c, open_, v), key=lambda i: (i.due, i.issue, i.number))
        if any(open_[i.key] == amount for i in its):
            return True
        return any(sum(open_[i.key] for i in its[:n]) == amount for n in range(2, k + 1) if len(its) >= n)

    def check(self, t: Tx, open_: dict[int, int]) -> str:
        v = t.value
        for inv, a, k in t.rows:
            if inv is None:
                continue
            if inv.issue > v:
                return "issued after the payment"
            if k == "invoice" and inv.kind == "invoice" and a > open_[inv.key]:
                return "not open by that much"
            if k == "invoice" and inv.kind == "credit_note" and -a != open_[inv.key]:
                return "credit note not open"
            if k == "deduction" and open_[inv.key] != t.rows[0][1]:
                return "deduction on an item not open in full"
        for name, args in t.checks:
            c = args.get("c")
            if name == "unique":
                assert isinstance(c, Customer)
                inv = t.rows[0][0]
                assert inv is not None
                its = self.items(c, open_, v)
                if sum(1 for i in its if open_[i.key] == t.amount) != 1:
                    return "amount not unique"
                if any(
                    i is not inv and open_[i.key] == t.amount
                    for i in self.by_cust[c.id]
                    if i.kind == "invoice"
                ):
                    return "equal item"
            elif name == "oldest":
                assert isinstance(c, Customer)
                its = sorted(self.items(c, open_, v), key=lambda i: (i.due, i.issue, i.number))
                k = int(args["k"])  # type: ignore[call-overload]
                want = [inv for inv, _a, _k in t.rows]
                if its[:k] != want or any(open_[i.key] == t.amount for i in its):
                    return "not the oldest"
                if k == 3 and any(
                    open_[x.key] + open_[y.key] == t.amount for n, x in enumerate(its) for y in its[n + 1 :]
                ):
                    return "a pair makes the amount"
            elif name == "fifo":
                assert isinstance(c, Customer)
                its = sorted(
                    (i for i in self.items(c, open_, v) if open_[i.key] == t.amount),
                    key=lambda i: (i.due, i.issue, i.number),
                )
                if not its or its[0] is not t.rows[0][0]:
                    return "not the oldest equal"
            elif name == "no_equal":
                assert isinstance(c, Customer)
                if self.sums(c, open_, v, t.amount):
                    return "an item of the amount"
                named = t.rows[0][0] if t.rows else None
                if any(i is not named and open_[i.key] == t.amount for i in self.items(c, open_, v)):
                    return "an item of the amount"
            elif name == "excess_free":
                assert isinstance(c, Customer)
                named = t.rows[0][0]
                others = [i for i in self.items(c, open_, v) if i is not named]
                ex = int(args["excess"])  # type: ignore[call-overload]
                if any(open_[i.key] == ex for i in others) or any(
                    open_[x.key] + open_[y.key] == ex for n, x in enumerate(others) for y in others[n + 1 :]
                ):
                    return "the excess is other items"
            elif name == "rest_unique":
                assert isinstance(c, Customer)
                rest = args["rest"]
                assert isinstance(rest, Invoice)
                named = [inv for inv, _a, _k in t.rows if inv is not rest]
                others = [i for i in self.items(c, open_, v) if i not in named]
                amt = open_[rest.key]
                if sum(1 for i in others if open_[i.key] == amt) != 1 or any(
                    open_[x.key] + open_[y.key] == amt for n, x in enumerate(others) for y in others[n + 1 :]
                ):
                    return "the rest is not one item"
            elif name == "one_cn":
                assert isinstance(c, Customer)
                cn = args["cn"]
                assert isinstance(cn, Invoice)
                cns = [
                    i
                    for i in self.by_cust[c.id]
                    if i.kind == "credit_note" and open_[i.key] == open_[cn.key] and i.issue <= v
                ]
                if len(cns) != 1:
                    return "two credit notes of the amount"
                if any(open_[i.key] == t.amount for i in self.items(c, open_, v)):
                    return "an item of the amount"
            elif name == "name_only":
                assert isinstance(c, Customer)
                for o in self.rivals(t, c):
                    if self.sums(o, open_, v, t.amount) or (
                        t.rows and t.rows[0][2] != "on_account" and self._named_number_of(t, o)
                    ):
                        return f"rival {o.name}"
            elif name == "both_have":
                cs = args["cs"]
                assert isinstance(cs, list)
                if sum(1 for o in cs if any(open_[i.key] == t.amount for i in self.items(o, open_, v))) < 2:
                    return "not both"
        return ""

    def _named_number_of(self, t: Tx, o: Customer) -> bool:
        return any(i.number in t.text for i in self.by_cust[o.id])

    def verify(self) -> None:
        for _round in range(12):
            bad = self.simulate()
            if not bad:
                return
            for t in bad:
                self.dropped[t.scenario] += 1
                self.txs.remove(t)
        raise AssertionError("the truth does not settle")

    def generate(self) -> None:
        self.make_customers()
        self.make_book()
        self.number()
        self.plan()
        self.verify()

    # -- files -----------------------------------------------------------------------------

    def write_customers(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["id", "name", "country", "vat_number", "iban", "email", "language", "entity", "parent_id",
                        "payment_terms_days", "aliases"])  # fmt: skip
            for c in self.customers:
                country = "GB" if c.nat in ("GB", "NI") else "IE"
                w.writerow([c.id, c.name, country, "", c.on_file, f"accounts{c.id}@example.co.uk", "en", c.entity,
                            c.parent_id, c.terms, "|".join(c.aliases)])  # fmt: skip

    def write_invoices(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["number", "customer_id", "issue_date", "due_date", "currency", "total", "structured_reference",
                        "entity", "kind", "net", "vat", "discount_percent", "discount_days", "order_reference",
                        "lines", "open_amount", "open_as_of"])  # fmt: skip
            for i in sorted(self.invoices, key=lambda i: (i.entity, i.issue, i.key)):
                lines = ""
                if i.labour:
                    lines = json.dumps([
                        {"description": "Labour: supply and fit", "quantity": "1", "unit": "C62",
                         "unit_price": fmt_amount(i.labour), "vat_rate": "0", "vat_category": "AE",
                         "net": fmt_amount(i.labour)},
                        {"description": "Materials", "quantity": "1", "unit": "C62",
                         "unit_price": fmt_amount(i.total - i.labour), "vat_rate": "0", "vat_category": "AE",
                         "net": fmt_amount(i.total - i.labour)},
                    ])  # fmt: skip
                part = i.open != i.total
                w.writerow([
                    i.number, i.customer, i.issue.isoformat(), i.due.isoformat(), "GBP" if i.entity == "gb" else "EUR",
                    fmt_amount(i.total), rf_of(i.number) if i.entity == "ie" and i.kind == "invoice" else "", i.entity,
                    i.kind, fmt_amount(i.total - i.vat), fmt_amount(i.vat), i.discount or "", i.discount_days or "",
                    i.order_ref, lines, fmt_amount(i.open) if part else "", "2026-04-30" if part else "",
                ])  # fmt: skip

    def write_truth(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(
                ["tx_ref", "invoice_number", "amount", "status", "kind", "scenario", "entity", "channel"]
            )
            for t in self.order():
                if t.kind == "customer":
                    for n, a, k in t.truth:
                        w.writerow([t.ref, n, fmt_amount(a), "applied", k, t.scenario, t.entity, t.channel])
                else:
                    w.writerow(
                        [
                            t.ref,
                            "",
                            fmt_amount(t.amount),
                            "unmatched",
                            "unrelated",
                            t.scenario,
                            t.entity,
                            t.channel,
                        ]
                    )

    def statements(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        paths: list[Path] = []
        balance = {k: 25_000_000 + i * 1_000_000 for i, k in enumerate(ACCOUNTS)}
        seqs: Counter[str] = Counter()
        grouped: dict[tuple[date, str], list[Tx]] = defaultdict(list)
        for t in self.order():
            grouped[(t.value, t.account)].append(t)
        for acct, (e, _ccy, _bank, fmt, _bic, _own) in ACCOUNTS.items():
            for d in business_days(e):
                txs = grouped.get((d, acct), [])
                if not txs and fmt.startswith("camt.054"):
                    continue
                seqs[acct] += 1
                opening = balance[acct]
                balance[acct] += sum(t.amount for t in txs)
                p = (
                    folder
                    / f"{d:%Y%m%d}_{ACCOUNT_ORDER[acct]:02d}_{acct}.{'sta' if fmt == 'mt940' else 'xml'}"
                )
                if fmt == "mt940":
                    p.write_bytes(
                        self.mt940(acct, d, txs, opening, balance[acct], seqs[acct]).encode("ascii")
                    )
                else:
                    p.write_text(
                        self.camt(acct, d, txs, opening, balance[acct], seqs[acct]), encoding="utf-8"
                    )
                paths.append(p)
        missing = {(t.value, t.account) for t in self.txs} - {
            (d, a) for a in ACCOUNTS for d in business_days(ACCOUNTS[a][0])
        }
        assert not missing, f"transactions on no statement: {sorted(missing)[:3]}"
        return paths

    def mt86(self, t: Tx) -> list[str]:
        """The ``:86:`` narrative: HSBC's (UK) and Bank of Ireland's free text, one field a line."""
        lines = [t.info or "CREDIT"]
        if t.payer_name:
            lines.append(f"FROM: {t.payer_name}")
        if t.payer_acct:
            lines.append(("IBAN: " if t.payer_acct[:2].isalpha() else "") + t.payer_acct)
        if t.text:
            body = "REF: " + t.text
            lines += [body[i : i + 65] for i in range(0, len(body), 65)]
        return [swift_x(x)[:65] for x in lines][:6]

    def mt940(self, acct: str, d: date, txs: list[Tx], opening: int, closing: int, seq: int) -> str:
        ccy, own = ACCOUNTS[acct][1], ACCOUNTS[acct][5]

        def amt(c: int) -> str:
            return f"{c // 100},{c % 100:02d}"

        def bal(tag: str, c: int) -> str:
            return f"{tag}C{d:%y%m%d}{ccy}{amt(c)}"

        lines = [
            f":20:{acct.upper().replace('_', '')[:10]}{d:%y%m%d}",
            f":25:{own}",
            f":28C:{seq:05d}/001",
            bal(":60F:", opening),
        ]
        for t in txs:
            lines.append(f":61:{t.value:%y%m%d}{t.value:%m%d}C{amt(t.amount)}{t.mt_code}NONREF//{t.ref}")
            body = self.mt86(t)
            body = [b if not b.startswith((":", "-")) else " " + b[:64] for b in body]
            lines.append(":86:" + body[0])
            lines += body[1:]
        lines += [bal(":62F:", closing), "-"]
        return "\r\n".join(lines) + "\r\n"

    def camt(self, acct: str, d: date, txs: list[Tx], opening: int, closing: int, seq: int) -> str:
        e = escape
        _ent, ccy, bank, fmt, bic, own = ACCOUNTS[acct]
        v8 = fmt.endswith("08")
        ntf = fmt.startswith("camt.054")
        msg, ver = ("camt.054" if ntf else "camt.053"), ("08" if v8 else "02")
        root, block = ("BkToCstmrDbtCdtNtfctn", "Ntfctn") if ntf else ("BkToCstmrStmt", "Stmt")
        mid = f"{acct.upper()}-{d:%Y%m%d}"
        bic_tag = "BICFI" if v8 else "BIC"

        def a(tag: str, c: int) -> str:
            return f'<{tag} Ccy="{ccy}">{fmt_amount(c)}</{tag}>'

        def party(tag: str, nm: str) -> str:
            return f"<{tag}><Pty><Nm>{e(nm)}</Nm></Pty></{tag}>" if v8 else f"<{tag}><Nm>{e(nm)}</Nm></{tag}>"

        def acct_id(x: str) -> str:
            if x[:2].isalpha():
                return f"<Id><IBAN>{x}</IBAN></Id>"
            return f"<Id><Othr><Id>{e(x)}</Id><SchmeNm><Prtry>SORT CODE AND ACCOUNT</Prtry></SchmeNm></Othr></Id>"

        out = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:{msg}.001.{ver}"><{root}>',
            f"<GrpHdr><MsgId>{mid}</MsgId><CreDtTm>{d.isoformat()}T22:00:00</CreDtTm></GrpHdr>",
            f"<{block}><Id>{mid}</Id><ElctrncSeqNb>{seq}</ElctrncSeqNb><CreDtTm>{d.isoformat()}T22:00:00</CreDtTm>",
            f"<Acct><Id><IBAN>{own}</IBAN></Id><Ccy>{ccy}</Ccy><Svcr><FinInstnId><{bic_tag}>{bic}</{bic_tag}></FinInstnId></Svcr></Acct>",
        ]
        if not ntf:
            for code, val in (("OPBD", opening), ("CLBD", closing)):
                out.append(f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>{a('Amt', val)}"
                           f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{d.isoformat()}</Dt></Dt></Bal>")  # fmt: skip
        for t in txs:
            sts = "<Sts><Cd>BOOK</Cd></Sts>" if v8 else "<Sts>BOOK</Sts>"
            rv = "<RvslInd>true</RvslInd>" if t.rvsl else ""
            dom, fam, sub = t.btc
            prtry = f"<Prtry><Cd>{e(t.channel.upper())}</Cd><Issr>{e(bank.upper())}</Issr></Prtry>"
            x = (f"<Ntry>{a('Amt', t.amount)}<CdtDbtInd>CRDT</CdtDbtInd>{rv}{sts}<BookgDt><Dt>{d.isoformat()}</Dt></BookgDt>"
                 f"<ValDt><Dt>{d.isoformat()}</Dt></ValDt><AcctSvcrRef>{t.ref}</AcctSvcrRef>"
                 f"<BkTxCd><Domn><Cd>{dom}</Cd><Fmly><Cd>{fam}</Cd><SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn>{prtry}</BkTxCd>"
                 f"<NtryDtls><TxDtls><Refs><AcctSvcrRef>{t.ref}</AcctSvcrRef><EndToEndId>{e(t.e2e[:35])}</EndToEndId></Refs>")  # fmt: skip
            if v8:
                x += f"{a('Amt', t.amount)}<CdtDbtInd>CRDT</CdtDbtInd>"
            if t.instd:
                x += f"<AmtDtls><InstdAmt>{a('Amt', t.instd)}</InstdAmt><TxAmt>{a('Amt', t.amount)}</TxAmt></AmtDtls>"
            rp = ""
            if t.payer_name:
                rp += party("Dbtr", t.payer_name)
            if t.payer_acct:
                rp += f"<DbtrAcct>{acct_id(t.payer_acct)}</DbtrAcct>"
            if t.ultimate:
                rp += party("UltmtDbtr", t.ultimate)
            if rp:
                x += f"<RltdPties>{rp}</RltdPties>"
            rmt = f"<Ustrd>{e(t.text)}</Ustrd>" if t.text else ""
            if t.rf:
                rmt += (f"<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr></Tp>"
                        f"<Ref>{t.rf}</Ref></CdtrRefInf></Strd>")  # fmt: skip
            if rmt:
                x += f"<RmtInf>{rmt}</RmtInf>"
            x += "</TxDtls></NtryDtls>"
            if t.info:
                x += f"<AddtlNtryInf>{e(t.info)}</AddtlNtryInf>"
            out.append(x + "</Ntry>")
        out.append(f"</{block}></{root}></Document>")
        return "\n".join(out)


def business_days(e: str) -> list[date]:
    return [d for d in MAY if d.weekday() < 5 and d not in HOLIDAYS[e]]


# ----------------------------------------------------------------------------------------
# checks of the generated files
# ----------------------------------------------------------------------------------------


def check_files(gen: Generator, statements: list[Path]) -> None:
    """The files are what their formats allow: IBANs with valid check digits, sort codes and accounts of their
    length, amounts adding up, statements that balance, MT940 in the SWIFT character set within its line lengths,
    camt messages that parse, FPS/BACS references and names within 18 characters."""
    for _k, (_e, _c, _b, _f, _bic, own) in ACCOUNTS.items():
        assert iban_valid(own), own
    assert iban_valid(HOLDING_GBP) and iban_valid(HOLDING_EUR)
    for c in gen.customers:
        if c.iban:
            assert iban_valid(c.acct), c
        else:
            assert re.fullmatch(r"\d{6}/\d{8}", c.acct), c
    for i in gen.invoices:
        assert i.total > 0 and 0 < i.open <= i.total and i.number, i
    assert len({t.ref for t in gen.txs}) == len(gen.txs)
    assert all(len(t.ref) <= 16 for t in gen.txs)
    for t in gen.txs:
        if t.kind == "customer":
            assert sum(a for _n, a, _k in t.truth) == t.amount, (t.scenario, t.truth, t.amount)
        assert t.amount > 0 and len(t.text) <= 140, t
        if t.channel in ("FPS", "BACS"):
            assert len(t.text) <= 18 and len(t.payer_name) <= 18, t
    seen: set[str] = set()
    credits = 0
    for p in statements:
        if p.suffix != ".xml":
            lines = p.read_bytes().decode("ascii").split("\r\n")
            assert lines[-1] == "" and lines[-2] == "-", p
            opening = closing = None
            total = 0
            for line in lines[:-2]:
                assert len(line) <= 69 if line.startswith(":86:") else len(line) <= 80, (p, line)
                assert re.fullmatch(r"[A-Za-z0-9/\-?:().,'+ ]*", line), (p, line)
                if line.startswith(":60F:"):
                    opening = int(line[15:].replace(",", ""))
                elif line.startswith(":62F:"):
                    closing = int(line[15:].replace(",", ""))
                elif line.startswith(":61:"):
                    m = re.match(r":61:\d{6}\d{4}C(\d+,\d{2})N[A-Z]{3}NONREF//(\S{1,16})$", line)
                    assert m, (p, line)
                    total += int(m.group(1).replace(",", ""))
                    assert m.group(2) not in seen
                    seen.add(m.group(2))
                    credits += 1
            assert opening is not None and closing is not None and opening + total == closing, p
            continue
        root = ET.parse(p).getroot()  # noqa: S314 - the statements this check wrote
        ns = root.tag.split("}")[0] + "}"
        for st in [*root.iter(ns + "Stmt"), *root.iter(ns + "Ntfctn")]:
            bals = {}
            for b in st.iter(ns + "Bal"):
                code, amt_el = b.find(f"{ns}Tp/{ns}CdOrPrtry/{ns}Cd"), b.find(ns + "Amt")
                assert code is not None and amt_el is not None
                bals[code.text] = int(Decimal(str(amt_el.text)) * 100)
            s = 0
            for ntry in st.findall(ns + "Ntry"):
                amt_el = ntry.find(ns + "Amt")
                assert amt_el is not None and re.fullmatch(r"\d+\.\d{2}", str(amt_el.text))
                s += int(Decimal(str(amt_el.text)) * 100)
                for tx in ntry.findall(f"{ns}NtryDtls/{ns}TxDtls"):
                    ref = tx.find(f"{ns}Refs/{ns}AcctSvcrRef")
                    assert ref is not None and ref.text not in seen, p
                    seen.add(str(ref.text))
                    credits += 1
                for nm in ntry.iter(ns + "Nm"):
                    assert nm.text and len(nm.text) <= 70, p
            if bals:
                assert bals["OPBD"] + s == bals["CLBD"], p
    assert seen == {t.ref for t in gen.txs}, (
        "a transaction on no statement, or one the generator does not know"
    )
    assert credits == len(gen.txs)


# ----------------------------------------------------------------------------------------
# running the product and scoring its export
# ----------------------------------------------------------------------------------------


def run_product(
    gen: Generator, out: Path, exe: Path, statements: list[Path]
) -> tuple[dict[str, float], list[dict[str, str]]]:
    home = Path(tempfile.mkdtemp(prefix="encaisse-uk-"))
    steps: list[tuple[str, list[str]]] = []
    for code, ent in ENTITIES.items():
        own = [ACCOUNTS[k][5] for k in ACCOUNTS if ACCOUNTS[k][0] == code]
        own.append(HOLDING_GBP if code == "gb" else HOLDING_EUR)
        ibans = [x for a in own for x in ("--iban", a)]
        steps.append((f"init-{code}", ["init", "--code", code, "--name", ent["name"], "--country", ent["country"],
                                       "--currency", ent["ccy"], *ibans]))  # fmt: skip
    steps += [
        ("import-customers", ["import-customers", str(out / "customers.csv")]),
        ("import-invoices", ["import-invoices", str(out / "invoices.csv")]),
        ("import-statement", ["import-statement", *map(str, sorted(statements)), "--format", "json"]),
        ("match", ["match"]),
        ("export-allocations", ["export-allocations", "-o", str(out / "out.csv")]),
        ("review", ["review", "--format", "json", "--limit", "1000000"]),
    ]
    timings, problems, results = run_steps(exe, steps, home, notes=statement_refusals)
    save_step_logs(out, results)
    shutil.rmtree(home, ignore_errors=True)
    return timings, problems


_WHY: dict[str, str] = {}


def miss_row(t: Tx, issue: str, rows: list[Row]) -> list[str]:
    truth = "; ".join(f"{n or '-'}:{fmt_amount(a)}:{k}" for n, a, k in t.truth) or "not applied"
    prod = "; ".join(f"{s}:{n or '-'}:{fmt_amount(a)}:{k}:{c}" for n, a, k, s, c in rows) or "(absent)"
    return [
        t.scenario, issue, t.ref, fmt_amount(t.amount), t.currency, t.value.isoformat(), t.payer_name, t.payer_acct,
        t.ultimate, t.remittance(), truth, prod, t.entity, t.fmt, t.channel, t.variant, _WHY.get(t.ref, ""),
    ]  # fmt: skip


MISS_EXTRA = ["entity", "format", "channel", "variant", "why"]


def score(gen: Generator, out: Path) -> dict[str, object]:
    credits = [t for t in gen.txs if not t.debit]
    _WHY.clear()
    _WHY.update(load_why(out))
    groups = {
        "by_entity": lambda t: t.entity,
        "by_format": lambda t: t.fmt,
        "by_channel": lambda t: f"{t.entity} {t.channel}",
        "by_payer": lambda t: (
            f"{t.entity} {t.channel} ({t.variant})" if t.variant else f"{t.entity} {t.channel}"
        ),
    }
    return scores_by(credits, out, miss_row, [*MISS_COLUMNS, *MISS_EXTRA], groups)


_TITLES = 44


def print_table(result: dict[str, object]) -> str:
    return grouped_table(
        result,
        _TITLES,
        (("entity", "by_entity"), ("statement format", "by_format"), ("channel", "by_channel"),
         ("channel and how the payer is known", "by_payer")),
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    return run_generated_check(
        __doc__,
        argv,
        prefix="blackbox-uk-",
        generator=Generator,
        check_files=check_files,
        run_product=run_product,
        score=score,
        print_table=print_table,
    )


if __name__ == "__main__":
    sys.exit(main())
