"""Eighth independent black-box check of cash application: a Belgian food and beverage wholesaler.

What it is: a generator of the receivables of a Belgian food and drinks wholesaler (entity BE, EUR) and
one month of its bank statements, with the ground truth in the ``export-allocations`` format
(docs/cashapp.md, "Accounting rows"), designed from the user documentation only (docs/cashapp.md,
docs/cli.md, docs/banking.md, docs/invoicing.md) and from how such customers pay. The product is driven
only through its command line on a fresh SQLite workspace (``init``, ``import-customers``,
``import-invoices``, ``import-statement``, ``match``, ``export-allocations``) and its export is scored per
scenario.

The seller and its book
-----------------------
Brabo Food & Drinks Wholesale NV (Mechelen) sells to about 800 customers (0.4 per payment):

- retail chains (fictional) in Belgium, the Netherlands, France, Luxembourg and Germany: a head office and
  several store companies ("Super Lambotte Ciney SRL"), each invoiced; the head office's treasury pays for
  all of them (``parent_id`` on file for most chains, not for all). Half of the chains pay with a full
  remittance advice in ``Strd`` (one ``RfrdDocInf`` + ``RfrdDocAmt`` per document), the other half with a
  payment-advice number in ``Ustrd`` only;
- buying groups ("centrale d'achat", "aankoopcentrale") paying for their members (independent shops,
  cafés), the members' ``parent_id`` on file for 60 % of them;
- cash-and-carry and independent shops, caterers, and hospitality: cafés, restaurants, hotels, many sole
  traders named as their trade and owner ("Café De Kroon – Jan Peeters"), many trade names shared by
  several customers in different towns;
- export customers in NL, FR, LU and DE (SEPA), a few in GB, CH, NO and the US paying EUR invoices by
  SWIFT, and a few invoiced in GBP or USD (paid into the seller's GBP and USD accounts).

Numbering (the seller's own scheme): invoices ``VF26/012345`` (VF = verkoopfactuur, two-digit year, six-digit
serial restarting each year, about 250 numbers a day, so 2025 serials run to 91,000), credit notes
``CN26/000456`` (returns, empties and deposits — leeggoed/vidanges —, promotions, price corrections). Every
invoice carries a Belgian OGM structured communication as ``structured_reference``: ten digits made of the
last four digits of the customer number and the six-digit serial, then the mod-97 check (customer 40123,
``VF26/012345``: ``+++012/3012/34549+++`` printed). Terms: 30 days end of month for most, net 15 for some cafés,
net 45 or 60 days (or 30 days end of month) for chains; some invoices offer 1–3 % early-payment discount within
8–14 days (``discount_percent``, ``discount_days``, and ``payment_terms`` such as ``2/8 net 30 eom``). The open
book is about five documents per customer payment, issued from September 2025 to the end of March 2026 (the
later ones not yet payable).

Statements: March 2026, one camt.053 per business day and account: KBC (the main account, camt.053.001.08,
payer names up to 70 characters) and BNP Paribas Fortis (camt.053.001.02, names cut at 35 characters, one
text in five wrapped in lines of 35), plus the GBP and USD accounts at BNP Paribas Fortis (camt.053.001.02).
All four are the entity's own (``init --iban``).

Why each truth is what it is
----------------------------
The truth is the rows a careful clerk would post from the bank data and the book alone (``invoice`` rows
settle an invoice, negative for a netted credit note; ``deduction`` rows are what the payer kept back on an
invoice the payment closes; ``on_account`` rows carry money without an invoice). A truth that depends on the
book (a unique amount, a combination, first in first out) is re-checked over the final book and the payment
dropped if it no longer holds ("dropped" in the first line printed).

Customer payments:

- ``ogm_strd``: the invoice's OGM in ``Strd/CdtrRefInf`` (type SCOR, issuer BBA), as Belgian banking apps send
  it (12 digits; one in ten written ``+++…+++`` or with slashes by the bank), amount to the cent, 85 % from
  an account on file — that invoice: the structured communication is unique and checked.
- ``ogm_ustrd``: the OGM typed in the free text (``+++123/4567/89012+++``, ``123/4567/89012``, ``123456789012``,
  ``***…***``, spaces, "mededeling"/"communication" before it) — that invoice.
- ``ogm_typo``: the OGM typed with one digit wrong (so its check fails: a change of one digit always changes
  the remainder mod 97), from the customer's account on file, the amount that of one of its open items only —
  that item: the payer is certain, the amount and 11 of 12 digits say which.
- ``ogm_typo_equal``: the same, but the customer (a café renting a tap installation or cooler) has two to four
  open items of the same amount; the mistyped OGM is one digit from one of them (often not the oldest) and at
  least two from the others — that one, not the oldest: the clerk compares the communication with each item's.
  Leaving it to a person is a miss, applying the oldest is wrong.
- ``ogm_and_other`` / ``ogm_net_credit``: the OGM of one invoice in ``Strd`` (the payer's banking app takes one
  communication), the amount that invoice plus exactly one other open invoice of the customer, or less exactly
  its open credit note (empties, a return); the other item's amount is that of no other open item of the
  customer nor of two — both items (the invoice, and the other invoice or the credit note's negative row): a
  clerk who sees the excess or the shortfall to the cent in the customer's own open items books it there,
  not on account nor as a part payment.
- ``ref_text``: the invoice number in the free text in Dutch, French or German, written as printed or as
  payers write it (``factuur VF26/012345``, ``Fa. 26/012345``, ``fact. 12345``, ``VF26012345``, ``F26/012345``,
  ``Rechnung VF26-012345``), with other numbers around it (customer number, delivery dates) — that invoice.
- ``multi_ref`` / ``multi_ogm``: two to five invoices of one customer listed by number, or two or three OGMs
  typed one after the other, the amount their sum — those invoices.
- ``credit_netted``: an invoice and a credit note of the customer named (``VF26/012345 - CN26/000456``,
  "min kredietnota", "moins NC"), the amount their difference — the invoice row and the credit note's negative
  row.
- ``deduction_text``: one invoice named and a deduction explained in words ("min 24,50 breuk", "moins 35,00
  casse", "-/- 12,00 leeggoed") — the invoice in full and one deduction of that amount.
- ``discount``: an invoice with early-payment discount terms, paid within the discount days short by exactly
  the discount (rounded half up on the total) — the invoice in full and a deduction of the discount.
- ``bank_charges``: a SWIFT payment (GB, CH, NO, US payers of EUR invoices; a US payer known by its account
  number, ``Othr/Id``, on file as routing number and account) short by 10–24.99 EUR of
  intermediary charges (half of them with ``AmtDtls/InstdAmt`` and ``Chrgs``), the invoice named — the invoice in
  full and a deduction of the charges (within the 25 EUR tolerance).
- ``partial`` / ``instalment``: part of one invoice ("acompte", "deelbetaling", "1ste schijf", "afbetaling 2/4",
  or only the OGM with a smaller amount), the rest well beyond the tolerance — an invoice row of the amount paid.
- ``overpayment``: one invoice named and 25–300 EUR more, the excess being no open item of the customer nor a
  sum of two or three — the invoice in full and the excess on account.
- ``duplicate_1st`` / ``duplicate``: the same transfer twice, one to six business days apart — the first
  settles the invoice, the second goes on account whole (the invoice is no longer open).
- ``noref_unique``: no reference, the account on file, exactly one open item of the customer of that amount —
  that item.
- ``noref_combo``: no reference, the account on file, exactly one combination of the fewest of the customer's
  open items (two or three, checked over the final book) of the amount — those items.
- ``fifo_equal``: a café's standing order ("doorlopende opdracht huur tapinstallatie", no month named) from the
  account on file, two to four equal monthly rental invoices open — the oldest (due date, issue date, number),
  the FIFO rule of docs/cashapp.md.
- ``name_only``: a café, restaurant, shop or caterer paying from an account not on file, no reference, its name
  as its bank writes it: the owner's name alone ("PEETERS JAN" for "Café De Kroon – Jan Peeters"), the trade
  name alone, a Belgian legal form written otherwise (SPRL for SRL, BVBA for BV, CVBA, V.O.F., legal form
  first), the town appended, cut at 35 or 70 characters; the amount is that of one open item of the customer
  and of no other open item in the whole book at that date — that item.
- ``namesake_unique_amount``: the trade name alone ("CAFE DE KROON") that two or more customers bear, account
  not on file; only one of them — only one item in the whole book — has an item of the amount — that item.
- ``buying_group``: a buying group (account on file) pays three to twelve invoices of two to six of its members,
  each number written in full (in ``Ustrd`` when the list fits 140 characters, else one ``Strd`` per document) —
  those invoices; the group is the members' ``parent_id`` for 60 % of them.
- ``factor_pays``: a bank's supply-chain-finance arm (reverse factoring; not on file) pays one to three invoices
  of a customer named as ultimate debtor, numbers in full, amount to the cent — those invoices.
- ``fx_payment``: a GBP or USD customer pays its GBP or USD invoice into the GBP or USD account, number quoted —
  that invoice.
- ``chain_strd``: a chain's head office pays on its weekly (or end-of-month) payment run every document of the
  head office and its stores due by the run date (up to 60; credit notes included), each in its own ``Strd``
  with ``RfrdDocInf`` (CINV/CREN, the number as the chain's ERP keeps it: as printed, without the slash, or the
  serial alone) and ``RfrdDocAmt``: ``DuePyblAmt``, a contractual payment discount (``DscntApldAmt``), a deduction
  with its reason (``AdjstmntAmtAndRsn``: promotion contribution, listing fee, shortage, damaged goods, price
  difference; ``CdtDbtInd`` CRDT or absent), ``CdtNoteAmt`` for credit notes, ``RmtdAmt``; the ``Ustrd`` carries the
  advice number and the seller's supplier number at the chain — every invoice in full, every credit note
  negative, and per invoice one deduction of the discount and adjustment together. One to three old invoices
  the chain disputes stay open and unpaid.
- ``chain_advice`` / ``chain_advice_group``: a chain pays the same way but its bank text is only the advice
  number ("BETALINGSADVIES 2026031200045", "Avis de paiement n° …"); the advice itself came by e-mail and is not
  used. What a clerk can still establish: the amount is to the cent the sum of all the documents of the chain
  due by the run date — ``chain_advice``: a chain invoiced at its head office only; ``chain_advice_group``: the
  documents of the head office and its stores together — the oldest items in order of due date, credit notes
  included, no deduction. Those documents are the truth; the documents due later stay open.

Traps (nothing may be applied to an invoice; ``on acct ok`` marks those where the whole amount on the payer's
account is accepted, because the payer is a known customer):

- ``trap_advice_short``: a chain's last run of the month whose advice-number-only payment is the documents due
  less deductions nobody can see (no prefix of the due items, no combination of up to three open documents of
  the chain makes the amount): the clerk waits for the advice; on account is acceptable.
- ``trap_namesake``: "CAFE DE KROON" from an unknown account, no reference, and two customers of that trade
  name each have an open item of the amount.
- ``trap_before_invoice``: a customer (account on file) pays an amount whose only item was issued after the
  value date (a pro forma paid ahead, a party order); no open item or combination of up to three makes it:
  on account is acceptable, applying the later invoice is wrong.
- ``trap_ogm_other``: a customer (account on file) quotes another customer's valid OGM in ``Strd`` with an amount
  that is neither that invoice's nor any of its own items' (nor a sum of two): the reference and the payer
  disagree; on account is acceptable.
- ``trap_gbp_for_eur`` / ``trap_usd_for_eur`` / ``trap_eur_for_gbp``: a payment in one currency quoting, with the
  same figure, an invoice of the payer in another; never applied across currencies; on account is acceptable.

Non-customer credits (``nc_*``; nothing may be applied): empties and deposit refunds from breweries and drinks
suppliers ("terugbetaling leeggoed", "remboursement vidanges", with delivery-note numbers shaped like ours),
Worldline/Bancontact and Payconiq card settlements of the cash-and-carry, VAT refunds from FOD Financiën / SPF
Finances, credit interest, an intra-group transfer from the holding, transfers between the seller's own accounts,
insurance indemnities ("schadegeval 26/012345"), a supplier refunding its own credit note whose number is one
of our invoice numbers (with another amount), and returned outgoing payments (``RvslInd``). About a third carry
the amount of an open invoice.

Run::

    .venv/bin/python benchmarks/cashapp/blackbox_wholesale.py [--payments 2000] [--seed 1] [--out DIR] [--keep]

It prints a table per customer scenario (count, applied automatically, applied exactly right, wrong applied,
precision of the whole payment and of the line items, suggested and their hit rate, unmatched), a table of
traps and non-customer credits, the overall rates and each step's wall time, and writes ``customers.csv``,
``invoices.csv``, ``statements/``, ``truth.csv``, ``out.csv`` (the product's export), ``misses.csv`` (every
transaction not as the truth wants, with the truth and the product's rows) and ``report.json`` in ``--out``
(default: a temporary directory, removed unless ``--keep``). NumPy and the standard library only.
"""

from __future__ import annotations

import csv
import random
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import combinations
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
from blackbox import iban_valid, make_iban, make_ogm, ogm_fmt, random_iban, strip_accents
from blackbox_erp import fmt_amount, fr_amount, random_vat
from blackbox_export import (
    MISS_COLUMNS,
    Row,
    customer_lines,
    other_lines,
    outcome,
    read_export,
    run_generated_check,
    run_steps,
    score_kinds,
    step_log,
    summary_lines,
)

SELLER = "Brabo Food & Drinks Wholesale NV"
PERIOD_START = date(2026, 3, 2)
PERIOD_END = date(2026, 3, 31)
BOOK_START = date(2025, 9, 1)
BDAYS = [PERIOD_START + timedelta(d) for d in range(30) if (PERIOD_START + timedelta(d)).weekday() < 5]
RATES = {"GBP": "1.1725", "USD": "0.9210"}  # EUR per unit, on GBP and USD invoices
HOLIDAYS = {(11, 1), (11, 11), (12, 25), (1, 1)}  # no invoices on Belgian public holidays

# ----------------------------------------------------------------------------------------
# identifiers
# ----------------------------------------------------------------------------------------

BE_BANKS = ["734", "735", "737", "001", "143", "290", "068", "063", "310", "363", "973", "103", "523", "751"]


def be_iban(rng: random.Random, bank: str = "") -> str:
    first = int((bank or rng.choice(BE_BANKS)) + f"{rng.randrange(10**7):07d}")
    return make_iban("BE", f"{first:010d}{first % 97 or 97:02d}")


def _d(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def foreign_iban(rng: random.Random, country: str) -> str:
    if country == "BE":
        return be_iban(rng)
    if country == "CH":
        return make_iban("CH", "00" + _d(rng, 3) + _d(rng, 12))
    if country == "NO":
        return make_iban("NO", _d(rng, 11))
    return random_iban(rng, country)


def aba_routing(rng: random.Random) -> str:
    """A nine-digit US routing number (a Federal Reserve prefix) with its check digit (weights 3, 7, 1)."""
    head = rng.choice(["01", "02", "03", "11", "12", "21", "22", "26", "31"]) + _d(rng, 6)
    s = sum(int(c) * k for c, k in zip(head, [3, 7, 1, 3, 7, 1, 3, 7], strict=True))
    return head + str((10 - s % 10) % 10)


def nl_vat(rng: random.Random) -> str:
    while True:
        digits = [rng.randrange(10) for _ in range(8)]
        s = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        chk = s % 11
        if chk < 10:
            return "NL" + "".join(map(str, digits)) + str(chk) + "B01"


def vat_for(rng: random.Random, country: str) -> str:
    if country in ("BE", "FR", "DE", "LU"):
        return random_vat(rng, country)
    if country == "NL":
        return nl_vat(rng)
    return ""


def share(total: int, basis_points: int) -> int:
    """``basis_points`` / 10,000 of ``total`` cents, rounded half up."""
    return (total * basis_points + 5000) // 10000


def eom(d: date) -> date:
    nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - timedelta(1)


def due_date(issue: date, terms: str) -> date:
    """The due date of ``terms`` ("net 30", "net 30 eom", with a "2/8 " discount prefix or not)."""
    words = terms.split()
    if "/" in words[0]:
        words = words[1:]
    d = issue + timedelta(int(words[1]))
    return eom(d) if words[-1] == "eom" else d


# ----------------------------------------------------------------------------------------
# names
# ----------------------------------------------------------------------------------------

NL_SURNAMES = [
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet",
    "Vermeulen", "Van den Broeck", "Hermans", "Aerts", "Pauwels", "Michiels", "Lambrechts", "De Clercq",
    "Van Damme", "Verstraete", "Claeys", "Martens", "Verhoeven", "Coppens", "Stevens", "Van de Velde", "Smets",
    "Cools", "Bogaerts", "Vandenberghe", "De Backer", "Segers", "Van Acker", "Verbruggen", "Mahieu", "Huysmans",
]  # fmt: skip
FR_SURNAMES = [
    "Dubois", "Lambert", "Dupont", "Martin", "Simon", "Laurent", "Leclercq", "Lejeune", "Renard", "Dumont",
    "Lemaire", "Collard", "Denis", "François", "Mathieu", "Hubert", "Gérard", "Lefèbvre", "Charlier", "Jacquet",
    "Michaux", "Wauters", "Henrard", "Dethier", "Piette", "Dewez", "Gilson", "Lecocq", "Delvaux", "Bodart",
]  # fmt: skip
NL_GIVEN = [
    "Jan",
    "Luc",
    "Marc",
    "Peter",
    "Tom",
    "Koen",
    "Kris",
    "Bart",
    "Wim",
    "Els",
    "An",
    "Sofie",
    "Veerle",
    "Lieve",
    "Inge",
    "Hilde",
    "Dirk",
    "Geert",
    "Filip",
    "Stijn",
    "Nathalie",
    "Ann",
    "Joris",
    "Bram",
]
FR_GIVEN = [
    "Jean",
    "Luc",
    "Marc",
    "Philippe",
    "Pierre",
    "Michel",
    "Christophe",
    "Nathalie",
    "Isabelle",
    "Sophie",
    "Anne",
    "Catherine",
    "Véronique",
    "Thierry",
    "Didier",
    "Pascal",
    "Olivier",
    "Vincent",
    "Benoît",
    "Frédéric",
    "Hélène",
    "Cédric",
]
NL_TRADES = [
    "Café",
    "Taverne",
    "Brasserie",
    "Restaurant",
    "Eetcafé",
    "Frituur",
    "Bistro",
    "Herberg",
    "Feestzaal",
    "Tearoom",
    "Pizzeria",
    "Snackbar",
]
FR_TRADES = [
    "Café",
    "Brasserie",
    "Taverne",
    "Restaurant",
    "Bistrot",
    "Friterie",
    "Auberge",
    "Salle des fêtes",
    "Pizzeria",
    "Snack",
]
NL_SIGNS = [
    "De Kroon",
    "Het Anker",
    "'t Hoekske",
    "De Zwaan",
    "Sportwereld",
    "De Gouden Leeuw",
    "Den Engel",
    "De Kleine Prins",
    "'t Pleintje",
    "De Molen",
    "Oud Brugge",
    "De Vrede",
    "Sint-Jan",
    "Het Wit Paard",
    "De Posthoorn",
    "De Linde",
    "Den Boer",
    "De Keizer",
    "Het Vosken",
    "De Markt",
    "De Sportvriend",
    "'t Stamineeke",
    "De Klok",
    "Het Gemeentehuis",
]
FR_SIGNS = [
    "Le Central",
    "Le Commerce",
    "La Renaissance",
    "Le Relais",
    "Le Sport",
    "La Terrasse",
    "Le Cygne",
    "Le Lion d'Or",
    "La Bonne Franquette",
    "Le Coin",
    "L'Union",
    "La Gare",
    "Le Marché",
    "Le Moulin",
    "Le Palais",
    "La Place",
    "Les Tilleuls",
    "L'Étoile",
    "Le Beffroi",
    "Le Perron",
]
NL_CITIES = [
    "Mechelen",
    "Antwerpen",
    "Gent",
    "Leuven",
    "Lier",
    "Aalst",
    "Brugge",
    "Hasselt",
    "Turnhout",
    "Kortrijk",
    "Sint-Niklaas",
    "Dendermonde",
    "Heist-op-den-Berg",
    "Geel",
    "Tienen",
    "Ninove",
]
FR_CITIES = [
    "Namur",
    "Liège",
    "Charleroi",
    "Mons",
    "Wavre",
    "Ciney",
    "Dinant",
    "Arlon",
    "Tournai",
    "Nivelles",
    "Huy",
    "Verviers",
    "Jambes",
    "Marche-en-Famenne",
    "Bastogne",
    "Waterloo",
]
BX_CITIES = ["Bruxelles", "Ixelles", "Schaerbeek", "Anderlecht", "Uccle", "Etterbeek"]
FOREIGN_CITIES = {
    "NL": ["Breda", "Tilburg", "Eindhoven", "Roosendaal", "Maastricht", "Rotterdam", "Middelburg"],
    "FR": ["Lille", "Roubaix", "Valenciennes", "Maubeuge", "Charleville-Mézières", "Reims"],
    "LU": ["Luxembourg", "Esch-sur-Alzette", "Ettelbruck", "Wiltz", "Differdange"],
    "DE": ["Aachen", "Köln", "Trier", "Düsseldorf", "Mönchengladbach"],
    "GB": ["London", "Dover", "Canterbury", "Manchester"],
    "CH": ["Genève", "Lausanne", "Basel"],
    "NO": ["Oslo", "Bergen"],
    "US": ["New York", "Newark", "Boston"],
}
#: Belgian legal forms (since the 2019 Companies Code) and how banks still write the older ones
BE_FORMS_NL = [("BV", 50), ("NV", 12), ("CV", 5), ("VOF", 8), ("CommV", 3)]
BE_FORMS_FR = [("SRL", 50), ("SA", 12), ("SC", 5), ("SNC", 6), ("SComm", 3)]
OLD_FORM = {
    "BV": ["BVBA", "B.V.B.A.", "bvba"],
    "SRL": ["SPRL", "S.P.R.L.", "sprl"],
    "CV": ["CVBA", "C.V.B.A."],
    "SC": ["SCRL", "S.C.R.L."],
    "VOF": ["V.O.F.", "vof"],
    "SNC": ["S.N.C."],
    "NV": ["N.V."],
    "SA": ["S.A."],
    "CommV": ["Comm.V."],
    "SComm": ["S.Comm."],
}
SHOP_TRADES_NL = [
    "Buurtwinkel",
    "Voeding",
    "Superette",
    "Kruidenierszaak",
    "Slagerij",
    "Bakkerij",
    "Nachtwinkel",
    "Traiteur",
    "Drankencentrale",
    "Delicatessen",
]
SHOP_TRADES_FR = [
    "Alimentation",
    "Épicerie",
    "Supérette",
    "Boucherie",
    "Boulangerie",
    "Night shop",
    "Traiteur",
    "Dépôt de boissons",
    "Épicerie fine",
]
CATERERS = ["Catering", "Traiteur", "Feestcatering", "Party Service", "Cuisine & Events", "Banquets"]
EXPORT_NAMES = {
    "NL": [("Horeca Groothandel {s}", "B.V."), ("{s} Foodservice", "B.V."), ("Cafetaria {s}", "V.O.F."),
           ("Slijterij {s}", "B.V.")],
    "FR": [("Distribution {s}", "SAS"), ("{s} Boissons", "SARL"), ("Brasserie du Nord {s}", "SARL"),
           ("Épicerie {s} et Fils", "SARL")],
    "LU": [("Épicerie {s}", "S.à r.l."), ("{s} Horeca", "S.A."), ("Boissons {s}", "S.à r.l.")],
    "DE": [("Getränke {s}", "GmbH"), ("{s} Feinkost", "GmbH"), ("Gastro-Service {s}", "KG")],
}  # fmt: skip
FOREIGN_SURNAMES = {
    "NL": ["de Vries", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos", "Vos", "Kuipers"],
    "FR": ["Lefebvre", "Leroy", "Moreau", "Fournier", "Girard", "Bonnet", "Roux", "Morel"],
    "LU": ["Schmit", "Muller", "Weber", "Hoffmann", "Wagner", "Thill", "Kremer"],
    "DE": ["Schmitz", "Hoffmann", "Becker", "Schulz", "Krämer", "Wagner", "Esser"],
}  # fmt: skip
SWIFT_CUSTOMERS = [
    ("Harrow Fine Foods Ltd", "GB"), ("Kentish Continental Deli Ltd", "GB"), ("Albion Beer Imports Ltd", "GB"),
    ("Comestibles Favre SA", "CH"), ("Bière & Co Import Sàrl", "CH"), ("Nordlys Delikatesser AS", "NO"),
    ("Atlantic Gourmet Imports LLC", "US"), ("Flanders Beer Company Inc.", "US"),
]  # fmt: skip
FX_CUSTOMERS = [
    ("Thames Continental Foods Ltd", "GB", "GBP"), ("Belgian Beer Cellar Ltd", "GB", "GBP"),
    ("Mayfair Chocolate Traders Ltd", "GB", "GBP"), ("Hudson Import Partners LLC", "US", "USD"),
    ("Great Lakes Beverage Distributors Inc.", "US", "USD"),
]  # fmt: skip
#: chains: name, country, language, legal form, remittance style, terms, documents a business day
CHAINS = [
    ("Super Lambotte", "BE", "fr", "SA", "strd", "net 60", 5.0),
    ("Verbist Supermarkten", "BE", "nl", "NV", "advice", "net 45", 4.0),
    ("Delhez Alimentation", "BE", "fr", "SA", "strd", "eom 30", 2.0),
    ("Goossens Versmarkt", "BE", "nl", "NV", "advice", "net 60", 3.0),
    ("Versland Supermarkten", "NL", "nl", "B.V.", "strd", "net 45", 4.0),
    ("Hyper Nordis", "FR", "fr", "SAS", "strd", "net 45", 3.5),
    ("Épiceries Moselle", "LU", "fr", "S.à r.l.", "advice", "eom 30", 1.8),
    ("Frischmarkt Eifel", "DE", "de", "GmbH", "strd", "net 60", 3.0),
    ("Proxi Renard", "BE", "fr", "SA", "advice", "net 45", 3.0),
    ("Maes & Co Retail", "BE", "nl", "NV", "strd", "net 60", 4.5),
    ("Buurtmarkt Claeys", "BE", "nl", "BV", "advice", "net 45", 2.5),
    ("Marché Dethier", "BE", "fr", "SA", "strd", "net 45", 3.0),
]  # fmt: skip
BUYING_GROUPS = [
    ("Centrale d'Achats Horeca Wallonie", "SC", "fr"),
    ("Aankoopcentrale Horeca Vlaanderen", "CV", "nl"),
    ("Groupement des Indépendants de l'Alimentation", "SC", "fr"),
    ("Onafhankelijke Kruideniers Groep", "CV", "nl"),
    ("Horeca Inkoop Kempen", "CV", "nl"),
]
FACTORS = [
    ("KBC Commercial Finance NV", "BE"), ("Belfius Commercial Finance NV", "BE"),
    ("ING Commercial Finance Belux NV", "BE"), ("BNP Paribas Fortis Factor NV", "BE"),
    ("Crédit Agricole Leasing & Factoring", "FR"),
]  # fmt: skip

# ----------------------------------------------------------------------------------------
# model
# ----------------------------------------------------------------------------------------


@dataclass
class Customer:
    cid: str
    name: str
    country: str
    lang: str
    segment: str  # chain_hq, chain_store, group, member, shop, horeca, caterer, export, swift, fx
    city: str
    ibans: list[str] = field(default_factory=list)
    currency: str = "EUR"
    parent: str = ""
    form: str = ""
    trade: str = ""  # the trade name ("Café De Kroon")
    owner: tuple[str, str] = ("", "")  # a sole trader's given name and surname
    vat: str = ""
    us_account: tuple[str, str] = ("", "")
    items: list[Invoice] = field(default_factory=list)
    excl: bool = False  # its items belong to one scenario only
    chain: int = -1
    group: int = -1


@dataclass
class Invoice:
    number: str
    cust: Customer
    issue: date
    due: date
    currency: str
    total: int  # cents, positive (credit notes too)
    kind: str
    year: int
    serial: int
    ogm: str = ""
    terms: str = ""
    disc_pct: int = 0
    disc_days: int = 0
    order_ref: str = ""
    used: bool = False
    paid_on: date | None = None

    @property
    def signed(self) -> int:
        return -self.total if self.kind == "credit_note" else self.total

    @property
    def key(self) -> tuple[date, date, str]:
        return (self.due, self.issue, self.number)


@dataclass
class Tx:
    scenario: str
    amount: int
    currency: str
    value: date
    kind: str = "customer"  # customer | trap | nc
    account: str = "KBC"  # KBC | BNP | GBP | USD
    payer_name: str = ""
    payer_iban: str = ""
    payer_other: str = ""  # an account number without IBAN (US)
    ultimate: str = ""
    text: str = ""
    strd: list[dict[str, object]] = field(default_factory=list)
    truth: list[tuple[str, int, str]] = field(default_factory=list)
    allow_on_account: bool = False
    domain: tuple[str, str, str] = ("PMNT", "RCDT", "ESCT")
    reversal: bool = False
    instd: int = 0
    charges: int = 0
    e2e: str = "NOTPROVIDED"
    ref: str = ""
    ustrd: list[str] = field(default_factory=list)
    debit: bool = False
    cid: str = ""  # the customer a trap's truth is checked against

    def remittance(self) -> str:
        parts = list(self.ustrd)
        for s in self.strd:
            bits = [f"{d[0]} {d[1]}" for d in s.get("docs", [])]  # type: ignore[attr-defined]
            if s.get("cref"):
                bits.append(f"SCOR {s['cref']}")
            amts = s.get("amts")
            if amts:
                bits.append(" ".join(f"{k}={v}" for k, v in amts.items()))  # type: ignore[attr-defined]
            parts.append("[Strd] " + " ".join(bits))
        return " | ".join(parts)


# ----------------------------------------------------------------------------------------
# generator
# ----------------------------------------------------------------------------------------

#: customer payments outside the chains' payment runs, relative shares
CUSTOMER_SHARES = [
    ("ogm_strd", 26), ("ogm_ustrd", 8), ("ogm_typo", 2.5), ("ogm_typo_equal", 1), ("ogm_and_other", 1.2),
    ("ogm_net_credit", 1.2), ("ref_text", 12), ("multi_ref", 4), ("multi_ogm", 1.5), ("credit_netted", 2),
    ("deduction_text", 2), ("discount", 4), ("bank_charges", 1.5), ("partial", 2.5), ("instalment", 1),
    ("overpayment", 1.2), ("duplicate", 1.2), ("noref_unique", 5), ("noref_combo", 1.5), ("fifo_equal", 3),
    ("name_only", 3), ("namesake_unique_amount", 1), ("buying_group", 2), ("factor_pays", 1.2), ("fx_payment", 1),
]  # fmt: skip
#: traps and non-customer credits per 2,000 payments
TRAPS_PER_2000 = {
    "trap_namesake": 14, "trap_before_invoice": 14, "trap_ogm_other": 14, "trap_gbp_for_eur": 5,
    "trap_usd_for_eur": 4, "trap_eur_for_gbp": 5,
}  # fmt: skip
NC_PER_2000 = {
    "nc_empties_refund": 16, "nc_card_settlement": 24, "nc_tax_refund": 6, "nc_interest": 3, "nc_intragroup": 6,
    "nc_own_transfer": 6, "nc_insurance": 8, "nc_supplier_credit": 12, "nc_reversal": 4,
}  # fmt: skip
SEG_AMOUNT = {  # median in cents, spread
    "horeca": (42_000, 0.8), "shop": (85_000, 0.8), "caterer": (120_000, 0.8), "export": (450_000, 0.9),
    "swift": (600_000, 0.7), "fx": (350_000, 0.8), "chain_store": (180_000, 0.7), "chain_hq": (900_000, 0.8),
}  # fmt: skip
ADJUSTMENTS = [  # code, the reason in Dutch, French and German, basis points low-high (0: a fixed fee)
    ("PROM", ("promotiebijdrage folder", "contribution promotionnelle folder", "Werbekostenzuschuss Prospekt"), 200, 600),
    ("LIST", ("listing fee nieuw artikel", "droit de référencement nouvel article", "Listungsgebühr Neuartikel"), 0, 0),
    ("SHRT", ("tekort bij levering", "manquant à la livraison", "Fehlmenge Lieferung"), 300, 2500),
    ("DAMG", ("beschadigde goederen", "marchandise endommagée", "beschädigte Ware"), 150, 1200),
    ("PRIC", ("prijsverschil", "différence de prix", "Preisdifferenz"), 100, 800),
]  # fmt: skip


class Generator:
    def __init__(self, payments: int, seed: int) -> None:
        self.n_pay = payments
        self.rng = random.Random(seed)
        self.np = np.random.default_rng(seed)
        self.customers: list[Customer] = []
        self.invoices: list[Invoice] = []
        self.by_number: dict[str, Invoice] = {}
        self.by_ogm: dict[str, Invoice] = {}
        self.txs: list[Tx] = []
        self.serials: set[tuple[str, int, int]] = set()
        r = self.rng
        self.own = {
            "KBC": be_iban(r, "734"),
            "BNP": be_iban(r, "001"),
            "GBP": be_iban(r, "001"),
            "USD": be_iban(r, "001"),
        }
        self.holding_iban = be_iban(r, "735")
        self.chains: list[dict[str, object]] = []
        self.groups: list[tuple[Customer, list[Customer]]] = []
        self.names: set[str] = set()
        self.dropped: Counter[str] = Counter()
        self.po_seq = 4500000000 + r.randrange(10**6)

    # -- master data ---------------------------------------------------------------------

    def _wchoice(self, pairs):  # type: ignore[no-untyped-def]
        return self.rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]

    def new_customer(
        self, name: str, country: str, lang: str, segment: str, city: str, *, iban: float = 0.92, **kw: object
    ) -> Customer | None:
        key = strip_accents(name).lower()
        if key in self.names:
            return None
        self.names.add(key)
        r = self.rng
        c = Customer(str(40001 + len(self.customers)), name, country, lang, segment, city, **kw)  # type: ignore[arg-type]
        if country == "US":
            c.us_account = (aba_routing(r), _d(r, r.choice([9, 10, 12])))
            c.ibans.append(f"{c.us_account[0]}/{c.us_account[1]}")
        elif r.random() < iban:
            c.ibans.append(foreign_iban(r, country))
            if r.random() < (0.25 if c.owner[0] else 0.06):
                c.ibans.append(foreign_iban(r, country))
        c.vat = vat_for(r, country) if country != "BE" or not c.owner[0] or r.random() < 0.9 else ""
        self.customers.append(c)
        return c

    def _be_lang(self) -> tuple[str, list[str]]:
        r = self.rng
        if r.random() < 0.55:
            return "nl", NL_CITIES + BX_CITIES[:1]
        return "fr", FR_CITIES + BX_CITIES

    def sole_trader_name(self, trade: str, given: str, surname: str) -> str:
        x = self.rng.random()
        if x < 0.6:
            return f"{trade} – {given} {surname}"
        if x < 0.85:
            return f"{surname} {given} - {trade}"
        return f"{trade} ({given} {surname})"

    def make_local(self, segment: str, group: int = -1) -> Customer | None:
        r = self.rng
        lang, cities = self._be_lang()
        nl = lang == "nl"
        sur, giv = (NL_SURNAMES, NL_GIVEN) if nl else (FR_SURNAMES, FR_GIVEN)
        forms = BE_FORMS_NL if nl else BE_FORMS_FR
        city = r.choice(cities)
        s, g = r.choice(sur), r.choice(giv)
        if segment == "horeca":
            if r.random() < 0.08:
                trade = f"{'Hotel' if nl else 'Hôtel'} {r.choice(NL_SIGNS if nl else FR_SIGNS)}"
            else:
                trade = f"{r.choice(NL_TRADES if nl else FR_TRADES)} {r.choice(NL_SIGNS if nl else FR_SIGNS)}"
        elif segment == "shop":
            trade = f"{r.choice(SHOP_TRADES_NL if nl else SHOP_TRADES_FR)} {s}"
        else:
            trade = f"{r.choice(CATERERS)} {s}"
        if r.random() < (0.45 if segment == "horeca" else 0.35):
            name = self.sole_trader_name(trade, g, s)
            return self.new_customer(name, "BE", lang, segment, city, trade=trade, owner=(g, s), group=group)
        form = self._wchoice(forms)
        return self.new_customer(
            f"{trade} {form}", "BE", lang, segment, city, trade=trade, form=form, group=group
        )

    def make_export(self) -> Customer | None:
        r = self.rng
        country = self._wchoice([("NL", 40), ("FR", 30), ("LU", 18), ("DE", 12)])
        pattern, form = r.choice(EXPORT_NAMES[country])
        trade = pattern.format(s=r.choice(FOREIGN_SURNAMES[country]))
        lang = {"NL": "nl", "FR": "fr", "LU": "fr", "DE": "de"}[country]
        city = r.choice(FOREIGN_CITIES[country])
        return self.new_customer(f"{trade} {form}", country, lang, "export", city, trade=trade, form=form)

    def make_customers(self) -> None:
        r = self.rng
        n = max(320, int(self.n_pay * 0.4))
        n_chains = max(4, min(len(CHAINS), self.n_pay // 170))
        for ci, spec in enumerate(CHAINS[:n_chains]):
            self.make_chain(ci, spec)
        for gi, (gname, gform, glang) in enumerate(BUYING_GROUPS[: max(2, min(5, self.n_pay // 400))]):
            city = r.choice(NL_CITIES if glang == "nl" else FR_CITIES)
            grp = self.new_customer(f"{gname} {gform}", "BE", glang, "group", city, iban=1.0, form=gform)
            assert grp is not None
            grp.excl = True
            members: list[Customer] = []
            while len(members) < r.randint(8, 20):
                m = self.make_local(r.choice(["horeca", "horeca", "shop"]), group=gi)
                if m is None:
                    continue
                if r.random() < 0.6:
                    m.parent = grp.cid
                members.append(m)
            self.groups.append((grp, members))
        for name, country in SWIFT_CUSTOMERS:
            self.new_customer(
                name,
                country,
                "en" if country in ("GB", "US") else "fr",
                "swift",
                r.choice(FOREIGN_CITIES[country]),
                iban=1.0,
            )
        for name, country, ccy in FX_CUSTOMERS:
            self.new_customer(
                name, country, "en", "fx", r.choice(FOREIGN_CITIES[country]), iban=1.0, currency=ccy
            )
        while len(self.customers) < n:
            seg = self._wchoice([("horeca", 58), ("shop", 20), ("caterer", 7), ("export", 15)])
            if seg == "export":
                self.make_export()
            else:
                self.make_local(seg)

    # -- chains --------------------------------------------------------------------------

    def make_chain(self, ci: int, spec: tuple[str, str, str, str, str, str, float]) -> None:
        r = self.rng
        name, country, lang, form, style, terms, per_day = spec
        cities = FOREIGN_CITIES.get(country) or (NL_CITIES if lang == "nl" else FR_CITIES)
        hq = self.new_customer(
            f"{name} {form}", country, lang, "chain_hq", r.choice(cities), iban=1.0, form=form
        )
        assert hq is not None
        hq.excl, hq.chain = True, ci
        known = ci % 4 != 2
        store_form = {
            "BE": "BV" if lang == "nl" else "SRL",
            "NL": "B.V.",
            "FR": "SAS",
            "LU": "S.à r.l.",
            "DE": "GmbH",
        }[country]
        stores: list[Customer] = []
        for city in r.sample(cities, min(len(cities), r.randint(3, 8))):
            s = self.new_customer(
                f"{name} {city} {store_form}", country, lang, "chain_store", city, form=store_form
            )
            if s is None:
                continue
            s.excl, s.chain, s.parent = True, ci, hq.cid if known else ""
            stores.append(s)
        members = [hq, *stores]
        weekly = terms.startswith("net")
        if weekly:
            wd = r.choice([1, 3, 4])
            runs = [d for d in BDAYS if d.weekday() == wd]
            covers = list(runs)
            prev = PERIOD_START - timedelta(1)
            while prev.weekday() != wd:
                prev -= timedelta(1)
            cutoff0 = prev
        else:
            runs, covers, cutoff0 = [BDAYS[-1]], [PERIOD_END], date(2026, 2, 28)
        central = style == "advice" and ci % 2 == 1  # the chain is invoiced at its head office only
        days = [BOOK_START + timedelta(k) for k in range((PERIOD_END - BOOK_START).days + 1)]
        docs: list[Invoice] = []
        terms_txt = "net 30 eom" if not weekly else terms
        n_days = int(terms.split()[1])
        for d in days:
            if d.weekday() >= 5 or (d.month, d.day) in HOLIDAYS:
                continue
            for _ in range(int(self.np.poisson(per_day))):
                c = hq if r.random() < 0.3 else r.choice(members)
                due = d + timedelta(n_days) if weekly else eom(d + timedelta(n_days))
                if central:
                    c = hq
                if r.random() < 0.09:
                    if d <= cutoff0 or d in runs:
                        continue
                    amt = self.amount("chain_store", lo=500, hi=400_000) // r.choice([3, 5, 8])
                    docs.append(self.add_invoice(c, max(amt, 800), d, kind="credit_note", due=d))
                    continue
                if due <= cutoff0:
                    continue
                self.po_seq += r.randrange(1, 30)
                docs.append(
                    self.add_invoice(
                        c, self.amount(c.segment), d, due=due, terms=terms_txt, po=str(self.po_seq), ogm=True
                    )
                )
        disputed: list[Invoice] = []
        if style == "strd":
            for _ in range(r.randint(1, 3)):
                d = cutoff0 - timedelta(r.randrange(70, 120))
                while d.weekday() >= 5:
                    d -= timedelta(1)
                c = r.choice(members)
                inv = self.add_invoice(c, self.amount(c.segment), d, terms=terms_txt, ogm=True)
                inv.due = d + timedelta(n_days) if weekly else eom(d + timedelta(n_days))
                disputed.append(inv)
        self.chains.append(
            {
                "ci": ci,
                "hq": hq,
                "stores": stores,
                "style": style,
                "runs": runs,
                "covers": covers,
                "known": known,
                "lang": lang,
                "country": country,
                "disputed": disputed,
                "numstyle": r.choice(["exact", "exact", "compact", "serial"]),
                "ded_rate": r.choice([0.08, 0.15, 0.25]),
                "discount_bp": 200 if ci % 5 == 0 else 0,
                "supplier_no": f"{r.randrange(100000, 999999)}",
                "central": central,
            }
        )

    # -- invoices ------------------------------------------------------------------------

    def amount(self, segment: str, lo: int = 1500, hi: int = 9_000_000) -> int:
        med, sig = SEG_AMOUNT.get(segment, SEG_AMOUNT["horeca"])
        for _ in range(50):
            v = int(self.np.lognormal(np.log(med), sig))
            if lo <= v <= hi:
                return v
        return self.rng.randrange(lo, hi)

    def _serial(self, series: str, issue: date) -> int:
        r = self.rng
        per_day = 250 if series == "VF" else 40
        day = (issue - date(issue.year, 1, 1)).days
        for _ in range(2000):
            s = day * per_day + r.randrange(per_day) + 1
            if (series, issue.year, s) not in self.serials:
                self.serials.add((series, issue.year, s))
                return s
        raise RuntimeError("serial space exhausted")

    def add_invoice(
        self,
        c: Customer,
        total: int,
        issue: date,
        *,
        kind: str = "invoice",
        due: date | None = None,
        terms: str = "",
        disc: tuple[int, int] = (0, 0),
        po: str = "",
        ogm: bool = True,
        currency: str = "",
    ) -> Invoice:
        series = "CN" if kind == "credit_note" else "VF"
        serial = self._serial(series, issue)
        number = f"{series}{issue.year % 100:02d}/{serial:06d}"
        if not terms:
            terms = self.default_terms(c)
        if disc[0]:
            terms = f"{disc[0]}/{disc[1]} {terms}"
        if due is None:
            due = issue if kind == "credit_note" else due_date(issue, terms)
        inv = Invoice(
            number, c, issue, due, currency or c.currency, total, kind, issue.year, serial, terms=terms
        )
        inv.disc_pct, inv.disc_days, inv.order_ref = disc[0], disc[1], po
        if kind == "invoice" and ogm:
            inv.ogm = make_ogm(int(c.cid[-4:] + f"{serial:06d}"))
            assert inv.ogm not in self.by_ogm
            self.by_ogm[inv.ogm] = inv
        c.items.append(inv)
        self.invoices.append(inv)
        self.by_number[number] = inv
        return inv

    def default_terms(self, c: Customer) -> str:
        if c.segment in ("swift", "fx"):
            return "net 30"
        if c.segment == "horeca" and int(c.cid) % 3 == 0:
            return "net 15"
        if c.segment == "export" and int(c.cid) % 4 == 0:
            return "net 60"
        return "net 30 eom"

    def rand_issue(self) -> date:
        x = self.rng.random()
        if x < 0.12:
            return BOOK_START + timedelta(self.rng.randrange(122))
        if x < 0.42:
            return date(2026, 1, 2) + timedelta(self.rng.randrange(44))
        return date(2026, 2, 15) + timedelta(self.rng.randrange(45))

    def regular(self) -> list[Customer]:
        return [c for c in self.customers if c.chain < 0 and c.segment != "group"]

    def make_book(self, target: int, *, top_up: bool = False) -> None:
        r = self.rng
        pool = [c for c in self.regular() if not (top_up and c.excl)]
        weights = [
            {"export": 3.0, "caterer": 3.0, "shop": 3.0, "swift": 6.0, "fx": 8.0}.get(c.segment, 1.0)
            for c in pool
        ]
        reserved = self.reserved_amounts() if top_up else set()
        while len(self.invoices) < target:
            c = r.choices(pool, weights)[0]
            issue = self.rand_issue()
            if issue.weekday() >= 5 or (issue.month, issue.day) in HOLIDAYS:
                continue
            if r.random() < 0.06:
                amt = self.amount("horeca", 300, 250_000) // r.choice([1, 2, 4])
                if amt in reserved or amt < 300:
                    continue
                self.add_invoice(c, amt, issue, kind="credit_note")
                continue
            amt = self.amount(c.segment)
            if amt in reserved:
                continue
            if c.segment == "fx" and r.random() < 0.25:
                self.add_invoice(c, amt, issue, currency="EUR")
                continue
            disc = (0, 0)
            if c.country in ("BE", "NL", "LU", "FR") and r.random() < 0.1:
                disc = r.choice([(2, 8), (2, 10), (1, 10), (3, 8)])
            self.add_invoice(c, amt, issue, disc=disc)

    def reserved_amounts(self) -> set[int]:
        """Amounts whose uniqueness a truth relies on: no new document may take them."""
        out: set[int] = set()
        for t in self.txs:
            if t.scenario in (
                "name_only",
                "namesake_unique_amount",
                "trap_namesake",
                "noref_unique",
                "duplicate",
            ):
                out.add(t.amount)
            if t.kind == "trap":
                out.add(t.amount)
        return out

    # -- helpers for scenarios ------------------------------------------------------------

    def day(self, lo: int = 0, hi: int | None = None) -> date:
        return self.rng.choice(BDAYS[lo:hi])

    def account_for(self, currency: str = "EUR") -> str:
        if currency in ("GBP", "USD"):
            return currency
        return "KBC" if self.rng.random() < 0.72 else "BNP"

    def free(self, c: Customer, v: date, currency: str | None = "EUR") -> list[Invoice]:
        return [
            i
            for i in c.items
            if not i.used
            and i.kind == "invoice"
            and i.issue < v
            and (currency is None or i.currency == currency)
        ]

    def before(self, c: Customer, v: date, currency: str = "EUR") -> list[Invoice]:
        """Every document of ``c`` issued before ``v``, whatever paid it: what a careful check counts."""
        return [i for i in c.items if i.issue < v and i.currency == currency]

    def pick(
        self,
        v: date,
        *,
        segs: tuple[str, ...] = (),
        country: tuple[str, ...] = (),
        currency: str = "EUR",
        cond=None,  # type: ignore[no-untyped-def]
        iban: bool = False,
    ) -> Invoice | None:
        r = self.rng
        pool = self.regular()
        for _ in range(3000):
            c = r.choice(pool)
            if c.excl or (segs and c.segment not in segs) or (country and c.country not in country):
                continue
            if iban and (not c.ibans or c.country == "US"):
                continue
            cands = self.free(c, v, currency)
            if not cands:
                continue
            inv = r.choice(cands)
            if cond is not None and not cond(inv):
                continue
            inv.used = True
            return inv
        return None

    def settle(self, invs: list[Invoice], v: date) -> None:
        for i in invs:
            i.used = True
            if i.paid_on is None or v < i.paid_on:
                i.paid_on = v

    def payer(self, c: Customer, known: float = 0.85) -> tuple[str, str, str]:
        """(name as the bank writes it, IBAN, other account number) of a payment by ``c``."""
        r = self.rng
        if c.country == "US":
            acct = c.us_account[1] if r.random() < known else _d(r, 10)
            return self.bank_name(c), "", acct if r.random() < 0.7 else acct.zfill(12)
        iban = r.choice(c.ibans) if c.ibans and r.random() < known else foreign_iban(r, c.country)
        return self.bank_name(c), iban, ""

    def bank_name(self, c: Customer, *, differ: bool = False) -> str:
        """How the payer's bank writes the name (``differ``: never as in the master data)."""
        r = self.rng
        up = strip_accents(c.name).upper()
        if c.segment in ("swift", "fx"):
            return f"{up} {strip_accents(c.city).upper()}" if r.random() < 0.6 else up
        if c.segment in ("chain_hq", "group"):
            return up if r.random() < 0.7 else c.name
        g, s = c.owner
        if g:
            opts = [
                (f"{s} {g}".upper(), 30),
                (f"{g} {s}", 12),
                (f"{strip_accents(s).upper()} {g[0]}.", 6),
                (strip_accents(c.trade).upper(), 15),
                (f"{c.trade} {g} {s}".upper(), 10),
                (f"{s} {g} {c.city}".upper(), 6),
                (f"{strip_accents(c.trade).upper()} {strip_accents(c.city).upper()}", 9),
                (c.name, 0 if differ else 12),
            ]
            return self._wchoice(opts)
        if c.form:
            old = OLD_FORM.get(c.form, [c.form])
            opts = [
                (up, 0 if differ else 25),
                (f"{c.trade} {r.choice(old)}", 20),
                (f"{c.trade} {r.choice(old)}".upper(), 12),
                (f"{c.form} {c.trade}".upper(), 10),
                (strip_accents(c.trade).upper(), 12),
                (f"{c.name} {c.city}".upper(), 10),
                (f"{c.trade}, {c.city}", 6),
                (c.name, 0 if differ else 15),
            ]
            return self._wchoice(opts)
        return up

    def written(self, inv: Invoice, *, short: bool = True) -> str:
        """How a payer writes one of our numbers (``short``: the serial alone or without prefix allowed)."""
        y, s = inv.year % 100, inv.serial
        if inv.kind == "credit_note":
            opts = [
                (f"CN{y}/{s:06d}", 50),
                (f"CN{y}{s:06d}", 15),
                (f"CN {y}/{s}", 10),
                (f"NC {y}/{s:06d}", 8),
                (f"KN{y}/{s:06d}", 5),
                (f"{s}", 12 if short else 0),
            ]
        else:
            opts = [
                (inv.number, 30),
                (f"VF{y}{s:06d}", 10),
                (f"VF {y}/{s:06d}", 6),
                (f"VF{y}-{s:06d}", 6),
                (f"{y}/{s:06d}", 10 if short else 0),
                (f"{y}/{s}", 6 if short else 0),
                (f"VF{y}/{s}", 6),
                (f"{s:06d}", 5 if short else 0),
                (f"{s}", 5 if short else 0),
                (f"F{y}/{s:06d}", 4),
                (f"vf{y}/{s:06d}", 4),
                (f"20{y}/{s:06d}", 4),
            ]
        return self._wchoice(opts)

    def lead(self, c: Customer, *, multi: bool = False) -> str:
        r = self.rng
        if r.random() < 0.2:
            return ""
        words = {
            "nl": [
                "factuur",
                "Factuur",
                "fact.",
                "Fa.",
                "factuurnr.",
                "betaling factuur",
                "FACTUUR",
                "ref. factuur",
            ],
            "fr": [
                "facture",
                "Facture",
                "fact.",
                "Fa.",
                "facture n°",
                "paiement facture",
                "règlement facture",
                "FACT",
            ],
            "de": ["Rechnung", "Rg.", "Re-Nr.", "Zahlung Rechnung"],
            "en": ["invoice", "INV", "Invoice no.", "payment invoice"],
        }
        multi_words = {
            "nl": ["facturen", "fact.", "betaling facturen", "Fa."],
            "fr": ["factures", "fact.", "paiement factures", "Fa."],
            "de": ["Rechnungen", "Rg."],
            "en": ["invoices", "INV"],
        }
        return r.choice((multi_words if multi else words)[c.lang])

    def noise(self, c: Customer, v: date) -> list[str]:
        r = self.rng
        out = []
        if r.random() < 0.22:
            out.append(
                r.choice(
                    {
                        "nl": [f"klantnr {c.cid}", f"klant {c.cid}", f"Klantnummer: {c.cid}"],
                        "fr": [f"client {c.cid}", f"n° client {c.cid}", f"réf. client {c.cid}"],
                        "de": [f"Kd-Nr. {c.cid}", f"Kunde {c.cid}"],
                        "en": [f"customer {c.cid}", f"acct {c.cid}"],
                    }[c.lang]
                )
            )
        if r.random() < 0.12:
            d = v - timedelta(r.randrange(3, 40))
            out.append(
                r.choice(
                    [
                        f"levering {d:%d/%m}",
                        f"livraison du {d:%d/%m/%Y}",
                        f"lev. {d:%d.%m.%y}",
                        f"BL {d:%y%m}{_d(r, 3)}",
                    ]
                )
            )
        if c.trade and r.random() < 0.12:
            out.append(strip_accents(c.trade).upper())
        return out

    def compose(self, core: str, extra: list[str], lead: str = "") -> str:
        r = self.rng
        parts = [p for p in [lead, core] if p]
        for e in extra:
            if len(" ".join([*parts, e])) <= 140:
                if r.random() < 0.3:
                    parts.insert(0, e)
                else:
                    parts.append(e)
        text = " ".join(parts)
        assert len(text) <= 140, text
        return text

    def add_tx(self, t: Tx) -> Tx:
        self.txs.append(t)
        return t

    def ogm_typed(self, ogm: str) -> str:
        r = self.rng
        style = self._wchoice([(0, 35), (1, 20), (3, 18), (2, 7), (4, 8), (5, 6), (6, 6)])
        if style == 5:
            return f"+++{ogm}+++"
        if style == 6:
            return f"+++ {ogm_fmt(ogm, 1)} +++"
        return ogm_fmt(ogm, style) if r.random() < 0.9 or style else f"+++{ogm[:3]}/{ogm[3:7]}/{ogm[7:]}+++"

    def generic_text(self, c: Customer) -> str:
        r = self.rng
        words = {
            "nl": [
                "",
                "",
                "betaling",
                "leveringen",
                "drank en voeding",
                "BETALING LEVERANCIER",
                "openstaand saldo",
            ],
            "fr": ["", "", "paiement", "livraisons", "boissons", "PAIEMENT FOURNISSEUR", "solde"],
            "de": ["", "Zahlung", "Lieferungen"],
            "en": ["", "payment", "supplies"],
        }[c.lang]
        w = r.choice(words)
        if c.trade and r.random() < 0.2:
            w = f"{w} {strip_accents(c.trade).upper()}".strip()
        return w

    # -- customer scenarios ---------------------------------------------------------------

    def sc_ogm_strd(
        self, scen: str = "ogm_strd", v: date | None = None, inv: Invoice | None = None
    ) -> Tx | None:
        r = self.rng
        v = v or self.day()
        inv = inv or self.pick(v)
        if inv is None:
            return None
        self.settle([inv], v)
        c = inv.cust
        name, iban, other = self.payer(c, 0.85)
        x = r.random()
        cref = inv.ogm if x < 0.88 else (ogm_fmt(inv.ogm, 0) if x < 0.95 else ogm_fmt(inv.ogm, 1))
        return self.add_tx(
            Tx(
                scen,
                inv.total,
                inv.currency,
                v,
                account=self.account_for(inv.currency),
                payer_name=name,
                payer_iban=iban,
                payer_other=other,
                strd=[{"cref": cref}],
                e2e=r.choice(["NOTPROVIDED", f"{_d(r, 12)}", f"E2E{_d(r, 9)}"]),
                truth=[(inv.number, inv.total, "invoice")],
            )
        )

    def sc_ogm_and_other(self, net_credit: bool = False) -> None:
        """The OGM of one invoice in ``Strd`` and the amount of that invoice and one other open item of the
        customer (another invoice, or less its open credit note)."""
        r = self.rng
        for _ in range(30):
            c = self.fresh(("horeca", "shop", "caterer"))
            if c is None:
                return
            v = self.day(2)
            mine = self.before(c, v)
            invs = [i for i in mine if i.kind == "invoice"]
            if len(invs) < (1 if net_credit else 2):
                c.excl = False
                continue
            a = r.choice(invs)
            if net_credit:
                issue = a.issue + timedelta(r.randrange(1, max(2, (v - a.issue).days)))
                if issue >= v:
                    issue = v - timedelta(1)
                b = self.add_invoice(c, r.randrange(300, min(a.total // 2, 40000)), issue, kind="credit_note")
                mine.append(b)
            else:
                b = r.choice([i for i in invs if i is not a])
            vals = [i.signed for i in mine if i is not a]
            if vals.count(b.signed) != 1 or any(
                x + y == b.signed for x, y in combinations([x for x in vals if x != b.signed], 2)
            ):
                c.excl = False
                continue
            self.settle([a, b], v)
            self.add_tx(
                Tx(
                    "ogm_net_credit" if net_credit else "ogm_and_other",
                    a.total + b.signed,
                    "EUR",
                    v,
                    account=self.account_for(),
                    payer_name=self.bank_name(c),
                    payer_iban=r.choice(c.ibans),
                    strd=[{"cref": a.ogm}],
                    truth=[(a.number, a.total, "invoice"), (b.number, b.signed, "invoice")],
                )
            )
            return

    def sc_ogm_net_credit(self) -> None:
        self.sc_ogm_and_other(net_credit=True)

    def sc_ogm_ustrd(self) -> None:
        r = self.rng
        v = self.day()
        inv = self.pick(v)
        if inv is None:
            return
        self.settle([inv], v)
        c = inv.cust
        name, iban, other = self.payer(c, 0.8)
        lead = r.choice(
            {
                "nl": ["", "", "mededeling", "Mededeling:", "MED"],
                "fr": ["", "", "communication", "Comm.:"],
            }.get(c.lang, [""])
        )
        text = self.compose(self.ogm_typed(inv.ogm), self.noise(c, v) if r.random() < 0.4 else [], lead)
        self.add_tx(
            Tx(
                "ogm_ustrd",
                inv.total,
                "EUR",
                v,
                account=self.account_for(),
                payer_name=name,
                payer_iban=iban,
                payer_other=other,
                text=text,
                truth=[(inv.number, inv.total, "invoice")],
            )
        )

    def _typo(self, ogm: str) -> str:
        r = self.rng
        pos = r.randrange(12)
        return ogm[:pos] + r.choice([d for d in "0123456789" if d != ogm[pos]]) + ogm[pos + 1 :]

    def sc_ogm_typo(self) -> None:
        r = self.rng
        v = self.day()

        def unique(i: Invoice) -> bool:
            return sum(1 for j in self.before(i.cust, v) if j.signed == i.total) == 1

        inv = self.pick(v, iban=True, cond=unique)
        if inv is None:
            return
        self.settle([inv], v)
        c = inv.cust
        bad = self._typo(inv.ogm)
        assert bad not in self.by_ogm
        text = self.compose(self.ogm_typed(bad), self.noise(c, v) if r.random() < 0.3 else [])
        self.add_tx(
            Tx(
                "ogm_typo",
                inv.total,
                "EUR",
                v,
                account=self.account_for(),
                payer_name=self.bank_name(c),
                payer_iban=r.choice(c.ibans),
                text=text,
                truth=[(inv.number, inv.total, "invoice")],
            )
        )

    def fresh(
        self, segs: tuple[str, ...] = ("horeca",), *, iban: bool = True, country: str = "BE"
    ) -> Customer | None:
        r = self.rng
        pool = [
            c
            for c in self.regular()
            if not c.excl
            and c.segment in segs
            and c.country == country
            and (c.ibans or not iban)
            and not any(i.used for i in c.items)
        ]
        if not pool:
            return None
        c = r.choice(pool)
        c.excl = True
        return c

    def rental_items(self, c: Customer, k: int, last_month: int) -> list[Invoice]:
        """``k`` equal monthly rental invoices (tap installation, cooler) up to month ``last_month`` of 2026."""
        r = self.rng
        net = r.choice([3500, 4500, 5500, 6000, 7500, 9000, 12500, 14900])
        total = net * 121 // 100
        if any(i.total == total for i in c.items):
            total += 121
        out = []
        for m in range(last_month - k + 1, last_month + 1):
            y, mm = (2026, m) if m >= 1 else (2025, m + 12)
            d = date(y, mm, 1)
            while d.weekday() >= 5:
                d += timedelta(1)
            out.append(self.add_invoice(c, total, d, terms="net 15"))
        return out

    def sc_fifo_equal(self, typo: bool = False) -> None:
        r = self.rng
        c = self.fresh(("horeca",))
        if c is None:
            return
        v = self.day(2)
        k = r.choice([2, 3, 3, 4])
        last = 3 if v.day > 3 and r.random() < 0.5 else 2
        items = [i for i in self.rental_items(c, k, last) if i.issue < v]
        if len(items) < 2:
            return
        items.sort(key=lambda i: i.key)
        for i in items:
            i.used = True
        if typo:
            target = r.choice(items[1:]) if r.random() < 0.75 else items[0]
            for _ in range(50):
                bad = self._typo(target.ogm)
                if all(
                    sum(a != b for a, b in zip(bad, o.ogm, strict=True)) >= 2
                    for o in items
                    if o is not target
                ):
                    break
            else:
                return
            text = self.compose(self.ogm_typed(bad), [])
            scen = "ogm_typo_equal"
        else:
            target = items[0]
            text = r.choice(
                {
                    "nl": [
                        "doorlopende opdracht",
                        "huur tapinstallatie",
                        "DOORLOPENDE OPDRACHT HUUR KOELCEL",
                        "huur toog",
                        "",
                    ],
                    "fr": [
                        "ordre permanent",
                        "location tireuse",
                        "ORDRE PERMANENT LOCATION FRIGO",
                        "location",
                        "",
                    ],
                }[c.lang]
            )
        self.settle([target], v)
        self.add_tx(
            Tx(
                scen if typo else "fifo_equal",
                target.total,
                "EUR",
                v,
                account=self.account_for(),
                payer_name=self.bank_name(c),
                payer_iban=r.choice(c.ibans),
                text=text,
                truth=[(target.number, target.total, "invoice")],
            )
        )

    def sc_ogm_typo_equal(self) -> None:
        self.sc_fifo_equal(typo=True)

    def sc_ref_text(self) -> None:
        v = self.day()
        inv = self.pick(v)
        if inv is None:
            return
        self.settle([inv], v)
        c = inv.cust
        name, iban, other = self.payer(c, 0.8)
        known = bool(iban and iban in c.ibans) or bool(
            other and other.lstrip("0") == c.us_account[1].lstrip("0")
        )
        core = self.written(inv, short=known)
        text = self.compose(core, self.noise(c, v), self.lead(c))
        self.add_tx(
            Tx(
                "ref_text",
                inv.total,
                "EUR",
                v,
                account=self.account_for(),
                payer_name=name,
                payer_iban=iban,
                payer_other=other,
                text=text,
                truth=[(inv.number, inv.total, "invoice")],
            )
        )

    def _items_of_one(self, v: date, k: int, segs: tuple[str, ...] = ()) -> list[Invoice]:
        r = self.rng
        pool = self.regular()
        for _ in range(800):
            c = r.choice(pool)
            if c.excl or (segs and c.segment not in segs):
                continue
            free = self.free(c, v)
            if len(free) >= k:
                return sorted(r.sample(free, k), key=lambda i: i.number)
        return []

    def sc_multi_ref(self) -> None:
        r = self.rng
        v = self.day(1)
        items = self._items_of_one(v, r.choice([2, 2, 3, 3, 4, 5]))
        if not items:
            return
        c = items[0].cust
        name, iban, other = self.payer(c, 0.85)
        known = bool(iban and iban in c.ibans)
        style = r.randrange(5)
        if style == 0:
            body = " ".join(i.number for i in items)
        elif style == 1:
            body = (
                ", ".join(i.number for i in items[:-1])
                + {"nl": " en ", "fr": " et ", "de": " und "}.get(c.lang, " and ")
                + items[-1].number
            )
        elif style == 2 and known:
            body = ", ".join(str(i.serial) for i in items)
        elif style == 3:
            body = " + ".join(self.written(i, short=known) for i in items)
        else:
            body = " / ".join(f"VF{i.year % 100}{i.serial:06d}" for i in items)
        text = self.compose(body, self.noise(c, v), self.lead(c, multi=True))
        if len(text) > 140:
            for i in items:
                i.used = False
            return
        self.settle(items, v)
        self.add_tx(
            Tx(
                "multi_ref",
                sum(i.total for i in items),
                "EUR",
                v,
                account=self.account_for(),
                payer_name=name,
                payer_iban=iban,
                payer_other=other,
                text=text,
                truth=[(i.number, i.total, "invoice") for i in items],
            )
        )

    def sc_multi_ogm(self) -> None:
        r = self.rng
        v = self.day(1)
        items = self._items_of_one(v, r.choice([2, 2, 3]), ("horeca", "shop", "caterer"))
        if not items:
            return
        c = items[0].cust
        name, iban, other = self.payer(c, 0.85)
        style = r.choice([0, 1, 3])
        sep = r.choice([" ", " + ", ", ", " en " if c.lang == "nl" else " et "])
        text = sep.join(ogm_fmt(i.ogm, style) for i in items)
        if len(text) > 140:
            return
        self.settle(items, v)
        self.add_tx(
            Tx(
                "multi_ogm",
                sum(i.total for i in items),
                "EUR",
                v,
                account=self.account_for(),
                payer_name=name,
                payer_iban=iban,
                payer_other=other,
                text=text,
                truth=[(i.number, i.total, "invoice") for i in items],
            )
        )

    def sc_credit_netted(self) -> None:
        r = self.rng
        v = self.day(2)
        inv = self.pick(v, segs=("horeca", "shop", "caterer", "export"), cond=lambda i: i.total > 8000)
        if inv is None:
            return
        c = inv.cust
        issue = inv.issue + timedelta(r.randrange(1, max(2, (v - inv.issue).days)))
        if issue >= v:
            issue = v - timedelta(1)
        cn_amt = r.randrange(300, min(inv.total // 2, 60000))
        cn = self.add_invoice(c, cn_amt, issue, kind="credit_note")
        self.settle([inv, cn], v)
        a, b = self.written(inv, short=False), self.written(cn, short=False)
        text = r.choice(
            {
                "nl": [
                    f"{a} - {b}",
                    f"factuur {a} min kredietnota {b}",
                    f"{a} -/- {b} leeggoed",
                    f"fact {a} verrekend met {b}",
                ],
                "fr": [
                    f"{a} - {b}",
                    f"facture {a} moins NC {b}",
                    f"fact. {a} déduction note de crédit {b}",
                    f"{a} / {b} vidanges",
                ],
                "de": [f"Rechnung {a} abzgl. Gutschrift {b}", f"{a} - {b}"],
                "en": [f"invoice {a} less credit note {b}", f"{a} - {b}"],
            }[c.lang]
        )
        name, iban, other = self.payer(c, 0.85)
        self.add_tx(
            Tx(
                "credit_netted",
                inv.total - cn.total,
                "EUR",
                v,
                account=self.account_for(),
                payer_name=name,
                payer_iban=iban,
                payer_other=other,
                text=self.compose(text, self.noise(c, v)),
                truth=[(inv.number, inv.total, "invoice"), (cn.number, -cn.total, "invoice")],
            )
        )

    def sc_deduction_text(self) -> None:
        r = self.rng
        v = self.day()
        inv = self.pick(v, segs=("horeca", "shop", "caterer", "export"), cond=lambda i: i.total > 20000)
        if inv is None:
            return
        self.settle([inv], v)
        c = inv.cust
        ded = r.choice(
            [
                r.randrange(500, min(15000, inv.total // 3)),
                r.randrange(5, min(150, inv.total // 300)) * 100 + 50,
            ]
        )
        a, d = self.written(inv, short=False), fr_amount(ded)
        text = r.choice(
            {
                "nl": [
                    f"factuur {a} min {d} breuk",
                    f"{a} -/- {d} leeggoed niet gecrediteerd",
                    f"fact. {a} verminderd met {d} ivm beschadigde levering",
                    f"{a} - {d} EUR tekort levering",
                    f"Fa. {a} min {d} vervallen producten",
                ],
                "fr": [
                    f"facture {a} moins {d} EUR casse",
                    f"fact. {a} déduction {d} vidanges non créditées",
                    f"{a} retenue {d} produits périmés",
                    f"facture {a} - {d} manquant livraison",
                ],
                "de": [f"Rechnung {a} abzgl. {d} Bruch", f"{a} minus {d} EUR Fehlmenge"],
                "en": [f"invoice {a} less {d} damaged goods", f"{a} minus {d} short delivery"],
            }[c.lang]
        )
        name, iban, other = self.payer(c, 0.85)
        self.add_tx(
            Tx(
                "deduction_text",
                inv.total - ded,
                "EUR",
                v,
                account=self.account_for(),
                payer_name=name,
                payer_iban=iban,
                payer_other=other,
                text=text,
                truth=[(inv.number, inv.total, "invoice"), (inv.number, -ded, "deduction")],
            )
        )

    def sc_discount(self) -> None:
        r = self.rng
        v = self.day(3)
        pool = [
            c
            for c in self.regular()
            if not c.excl and c.country in ("BE", "NL", "LU", "FR") and c.segment != "chain_store"
        ]
        c = r.choice(pool)
        pct_, days = r.choice([(2, 8), (2, 10), (1, 10), (3, 8), (2, 14)])
        issue = v - timedelta(r.randrange(1, days + 1))
        while issue.weekday() >= 5:
            issue -= timedelta(1)
        if (v - issue).days > days:
            return
        total = self.amount(c.segment, lo=10000)
        disc = share(total, pct_ * 100)
        paid = total - disc
        if any(i.total in (total, paid) for i in c.items):
            return
        inv = self.add_invoice(c, total, issue, disc=(pct_, days))
        self.settle([inv], v)
        name, iban, other = self.payer(c, 0.85)
        strd: list[dict[str, object]] = []
        text = ""
        if r.random() < 0.45:
            strd = [{"cref": inv.ogm}]
        else:
            extra = {
                "nl": [
                    f"-{pct_}% korting contant",
                    f"min {pct_}% betalingskorting",
                    f"korting {fr_amount(disc)}",
                ],
                "fr": [f"escompte {pct_}%", f"-{pct_}% paiement comptant", f"escompte {fr_amount(disc)}"],
                "de": [f"abzgl. {pct_}% Skonto"],
                "en": [f"less {pct_}% discount"],
            }[c.lang]
            text = self.compose(
                self.written(inv, short=False), [r.choice(extra)] if r.random() < 0.6 else [], self.lead(c)
            )
        self.add_tx(
            Tx(
                "discount",
                paid,
                "EUR",
                v,
                account=self.account_for(),
                payer_name=name,
                payer_iban=iban,
                payer_other=other,
                text=text,
                strd=strd,
                truth=[(inv.number, total, "invoice"), (inv.number, -disc, "deduction")],
            )
        )

    def sc_bank_charges(self) -> None:
        r = self.rng
        v = self.day()
        inv = self.pick(v, segs=("swift",), cond=lambda i: i.total > 30000)
        if inv is None:
            return
        self.settle([inv], v)
        c = inv.cust
        ch = r.choice([1000, 1250, 1500, 1750, 2000, 2250, 2400, r.randrange(1000, 2500)])
        name, iban, other = self.payer(c, 0.95)
        comp = f"VF{inv.year % 100}{inv.serial:06d}"
        text = r.choice(
            [
                f"/INV/{comp}",
                f"INVOICE {inv.number}",
                f"PAYMENT OF INV {inv.number} {name}"[:140],
                f"/RFB/{inv.number}",
                f"INV {comp} /BENEFRES/ BE",
                f"RE {inv.number}",
            ]
        )
        t = Tx(
            "bank_charges",
            inv.total - ch,
            "EUR",
            v,
            account="KBC",
            payer_name=name,
            payer_iban=iban,
            payer_other=other,
            text=text,
            domain=("PMNT", "RCDT", "XBCT"),
            truth=[(inv.number, inv.total, "invoice"), (inv.number, -ch, "deduction")],
        )
        if r.random() < 0.5:
            t.instd, t.charges = inv.total, ch
        self.add_tx(t)

    def sc_partial(self) -> None:
        r = self.rng
        v = self.day()
        inv = self.pick(v, cond=lambda i: i.total > 80000)
        if inv is None:
            return
        c = inv.cust
        opts = [inv.total // 2 // 100 * 100, inv.total // 3 // 100 * 100] + [
            x for x in (25000, 50000, 100000, 200000) if x < inv.total - 15000
        ]
        paid = r.choice([x for x in opts if 5000 <= x < inv.total - 15000] or [inv.total // 2])
        a = self.written(inv, short=False)
        strd: list[dict[str, object]] = []
        text = ""
        if r.random() < 0.3:
            strd = [{"cref": inv.ogm}]
        else:
            text = r.choice(
                {
                    "nl": [
                        f"voorschot factuur {a}",
                        f"gedeeltelijke betaling factuur {a}",
                        f"deelbetaling {a}",
                        f"1ste schijf {a}",
                        f"{a} deel 1",
                    ],
                    "fr": [
                        f"acompte facture {a}",
                        f"paiement partiel fact. {a}",
                        f"1er versement {a}",
                        f"{a} partie 1",
                    ],
                    "de": [f"Teilzahlung Rechnung {a}", f"Akonto {a}"],
                    "en": [f"part payment invoice {a}", f"partial {a}"],
                }[c.lang]
            )
        name, iban, other = self.payer(c, 0.85)
        self.add_tx(
            Tx(
                "partial",
                paid,
                "EUR",
                v,
                account=self.account_for(),
                payer_name=name,
                payer_iban=iban,
                payer_other=other,
                text=text,
                strd=strd,
                truth=[(inv.number, paid, "invoice")],
            )
        )

    def sc_instalment(self) -> None:
        r = self.rng
        v = self.day(0, 10)
        inv = self.pick(
            v,
            segs=("horeca", "shop"),
            cond=lambda i: i.total > 60000 and i.due < v - timedelta(30),
            iban=True,
        )
        if inv is None:
            return
        c = inv.cust
        n = r.randint(3, 6)
        part = inv.total // n
        k = 1  # the plan starts this month: the book holds the invoice whole
        a = self.written(inv, short=False)
        for j, day_ in enumerate([v, v + timedelta(14)]):
            if j and (r.random() < 0.4 or day_ > PERIOD_END or day_.weekday() >= 5):
                break
            text = r.choice(
                {
                    "nl": [f"afbetaling {k + j}/{n} factuur {a}", f"afbetalingsplan {a} schijf {k + j}"],
                    "fr": [f"plan de paiement {k + j}/{n} facture {a}", f"mensualité {k + j}/{n} fact. {a}"],
                    "de": [f"Rate {k + j}/{n} Rechnung {a}"],
                    "en": [f"instalment {k + j}/{n} invoice {a}"],
                }[c.lang]
            )
            self.add_tx(
                Tx(
                    "instalment",
                    part,
                    "EUR",
                    day_,
                    account=self.account_for(),
                    payer_name=self.bank_name(c),
                    payer_iban=r.choice(c.ibans),
                    text=text,
                    truth=[(inv.number, part, "invoice")],
                )
            )

    def _excess_ok(self, c: Customer, v: date, x: int) -> bool:
        vals = [i.signed for i in self.before(c, v)]
        if x in vals:
            return False
        if any(a + b == x for a, b in combinations(vals, 2)):
            return False
        return not (len(vals) <= 40 and any(sum(t) == x for t in combinations(vals, 3)))

    def sc_overpayment(self) -> None:
        r = self.rng
        v = self.day()
        inv = self.pick(v)
        if inv is None:
            return
        c = inv.cust
        excess = r.choice([r.randrange(2500, 30001), r.randrange(3, 31) * 1000])
        if not self._excess_ok(c, v, excess):
            inv.used = False
            return
        self.settle([inv], v)
        name, iban, other = self.payer(c, 0.9)
        t = Tx(
            "overpayment",
            inv.total + excess,
            "EUR",
            v,
            account=self.account_for(),
            payer_name=name,
            payer_iban=iban,
            payer_other=other,
            truth=[(inv.number, inv.total, "invoice"), ("", excess, "on_account")],
        )
        if r.random() < 0.5:
            t.strd = [{"cref": inv.ogm}]
        else:
            t.text = self.compose(self.written(inv, short=False), self.noise(c, v), self.lead(c))
        self.add_tx(t)

    def sc_duplicate(self) -> None:
        r = self.rng
        i0 = r.randrange(len(BDAYS) - 2)
        v = BDAYS[i0]
        inv = self.pick(v, iban=True)
        if inv is None:
            return
        c = inv.cust
        if r.random() < 0.5:
            first = self.sc_ogm_strd("duplicate_1st", v, inv)
        else:
            self.settle([inv], v)
            text = self.compose(inv.number, self.noise(c, v), self.lead(c))
            first = self.add_tx(
                Tx(
                    "duplicate_1st",
                    inv.total,
                    "EUR",
                    v,
                    account=self.account_for(),
                    payer_name=self.bank_name(c),
                    payer_iban=r.choice(c.ibans),
                    text=text,
                    truth=[(inv.number, inv.total, "invoice")],
                )
            )
        assert first is not None
        first.payer_iban = first.payer_iban if first.payer_iban in c.ibans else r.choice(c.ibans)
        v2 = BDAYS[min(len(BDAYS) - 1, i0 + r.randint(1, 6))]
        self.add_tx(
            Tx(
                "duplicate",
                first.amount,
                "EUR",
                v2,
                account=first.account,
                payer_name=first.payer_name,
                payer_iban=first.payer_iban,
                text=first.text,
                strd=[dict(s) for s in first.strd],
                truth=[("", first.amount, "on_account")],
                cid=c.cid,
            )
        )

    def sc_noref_unique(self) -> None:
        r = self.rng
        c = self.fresh(
            ("horeca", "shop", "caterer", "export"), country=r.choice(["BE", "BE", "BE", "NL", "FR"])
        )
        if c is None:
            return
        v = self.day(1)
        mine = self.before(c, v)
        cands = [i for i in mine if i.kind == "invoice" and sum(1 for j in mine if j.signed == i.total) == 1]
        if not cands:
            return
        inv = r.choice(cands)
        self.settle([inv], v)
        self.add_tx(
            Tx(
                "noref_unique",
                inv.total,
                "EUR",
                v,
                account=self.account_for(),
                payer_name=self.bank_name(c),
                payer_iban=r.choice(c.ibans),
                text=self.generic_text(c),
                truth=[(inv.number, inv.total, "invoice")],
            )
        )

    def subset_unique(self, c: Customer, chosen: list[Invoice], v: date) -> bool:
        target = sum(i.signed for i in chosen)
        items = self.before(c, v)
        if len(items) > 26:
            return False
        k = len(chosen)
        for size in range(1, k + 1):
            hits = sum(1 for comb in combinations(items, size) if sum(i.signed for i in comb) == target)
            if (size < k and hits) or (size == k and hits != 1):
                return False
        return True

    def sc_noref_combo(self) -> None:
        r = self.rng
        for _ in range(40):
            c = self.fresh(
                ("horeca", "shop", "caterer", "export"), country=r.choice(["BE", "BE", "NL", "LU"])
            )
            if c is None:
                return
            v = self.day(2)
            invs = [i for i in self.before(c, v) if i.kind == "invoice"]
            k = r.choice([2, 2, 3])
            if len(invs) < k:
                c.excl = False
                continue
            chosen = sorted(r.sample(invs, k), key=lambda i: i.number)
            if not self.subset_unique(c, chosen, v):
                c.excl = False
                continue
            self.settle(chosen, v)
            self.add_tx(
                Tx(
                    "noref_combo",
                    sum(i.total for i in chosen),
                    "EUR",
                    v,
                    account=self.account_for(),
                    payer_name=self.bank_name(c),
                    payer_iban=r.choice(c.ibans),
                    text=self.generic_text(c),
                    truth=[(i.number, i.total, "invoice") for i in chosen],
                )
            )
            return

    def book_count(self, amount: int, v: date, currency: str = "EUR") -> int:
        return sum(1 for i in self.invoices if i.signed == amount and i.issue < v and i.currency == currency)

    def sc_name_only(self, scen: str = "name_only") -> None:
        r = self.rng
        for _ in range(60):
            if scen == "name_only":
                c = self.fresh(("horeca", "shop", "caterer"), iban=False)
                if c is None:
                    return
            else:
                by_trade: dict[str, list[Customer]] = defaultdict(list)
                for x in self.regular():
                    if x.trade and x.segment == "horeca":
                        by_trade[strip_accents(x.trade).lower()].append(x)
                groups = [g for g in by_trade.values() if len(g) > 1 and any(not y.excl for y in g)]
                if not groups:
                    return
                g = r.choice(groups)
                c = r.choice([y for y in g if not y.excl])
                c.excl = True
            v = self.day(1)
            cands = [i for i in self.free(c, v) if self.book_count(i.total, v) == 1]
            if not cands:
                c.excl = False
                continue
            inv = r.choice(cands)
            self.settle([inv], v)
            name = self.bank_name(c, differ=True) if scen == "name_only" else strip_accents(c.trade).upper()
            self.add_tx(
                Tx(
                    scen,
                    inv.total,
                    "EUR",
                    v,
                    account=self.account_for(),
                    payer_name=name,
                    payer_iban=foreign_iban(r, "BE"),
                    text=self.generic_text(c) if r.random() < 0.5 else "",
                    truth=[(inv.number, inv.total, "invoice")],
                )
            )
            return

    def sc_namesake_unique_amount(self) -> None:
        self.sc_name_only("namesake_unique_amount")

    def sc_buying_group(self) -> None:
        r = self.rng
        if not self.groups:
            return
        grp, members = r.choice(self.groups)
        v = self.day(2)
        chosen: list[Invoice] = []
        for m in r.sample(members, min(len(members), r.randint(2, 6))):
            if m.excl:
                continue
            free = self.free(m, v)
            chosen += r.sample(free, min(len(free), r.randint(1, 3)))
        if len(chosen) < 2:
            return
        chosen = sorted(chosen[:12], key=lambda i: i.number)
        self.settle(chosen, v)
        wk = v.isocalendar()[1]
        head = {"nl": f"Afrekening leden week {wk}", "fr": f"Décompte membres semaine {wk}"}[grp.lang]
        body = f"{head}: " + " ".join(i.number for i in chosen)
        t = Tx(
            "buying_group",
            sum(i.total for i in chosen),
            "EUR",
            v,
            account=self.account_for(),
            payer_name=self.bank_name(grp),
            payer_iban=grp.ibans[0],
            truth=[(i.number, i.total, "invoice") for i in chosen],
        )
        if len(body) <= 140 and r.random() < 0.7:
            t.text = body
        else:
            t.text = head
            t.strd = [{"docs": [("CINV", i.number)], "amts": {"paid": i.total}} for i in chosen]
        self.add_tx(t)

    def sc_factor_pays(self) -> None:
        r = self.rng
        v = self.day()
        items = self._items_of_one(v, r.choice([1, 1, 2, 3]), ("export", "caterer", "shop"))
        if not items:
            return
        c = items[0].cust
        self.settle(items, v)
        fname, fcountry = r.choice(FACTORS)
        nums = " ".join(i.number if r.random() < 0.7 else f"VF{i.year % 100}{i.serial:06d}" for i in items)
        cn = strip_accents(c.name).upper()[:40]
        text = r.choice(
            [
                f"REVERSE FACTORING {cn} INV {nums}",
                f"SCF BETALING NAMENS {cn} FACT {nums}",
                f"PAIEMENT POUR COMPTE DE {cn} FACT {nums}",
                f"SUPPLIER FINANCE {nums} DEBTOR {cn}",
            ]
        )[:140]
        self.add_tx(
            Tx(
                "factor_pays",
                sum(i.total for i in items),
                "EUR",
                v,
                account=self.account_for(),
                payer_name=strip_accents(fname).upper(),
                payer_iban=foreign_iban(r, fcountry),
                ultimate=c.name,
                text=text,
                truth=[(i.number, i.total, "invoice") for i in items],
            )
        )

    def sc_fx_payment(self) -> None:
        r = self.rng
        v = self.day()
        ccy = r.choice(["GBP", "GBP", "USD"])
        inv = self.pick(v, segs=("fx",), currency=ccy)
        if inv is None:
            return
        self.settle([inv], v)
        c = inv.cust
        name, iban, other = self.payer(c, 0.9)
        text = r.choice(
            [
                f"INVOICE {inv.number}",
                f"INV VF{inv.year % 100}{inv.serial:06d}",
                f"/INV/{inv.number}",
                f"PAYMENT {inv.number} {strip_accents(c.name).upper()}",
            ]
        )[:140]
        self.add_tx(
            Tx(
                "fx_payment",
                inv.total,
                ccy,
                v,
                account=ccy,
                payer_name=name,
                payer_iban=iban,
                payer_other=other,
                text=text,
                domain=("PMNT", "RCDT", "XBCT"),
                truth=[(inv.number, inv.total, "invoice")],
            )
        )

    # -- the chains' payment runs ---------------------------------------------------------

    def _advice_text(self, ch: dict[str, object], run: date, seq: int) -> str:
        r = self.rng
        n = f"{run:%Y%m%d}{seq:05d}" if r.random() < 0.5 else f"{r.randrange(5100000000, 5199999999)}"
        sup = ch["supplier_no"]
        return r.choice(
            {
                "nl": [
                    f"BETALINGSADVIES {n}",
                    f"BETALING FACTUREN LEV {sup} ADVIES {n}",
                    f"Betalingsbericht {n} per e-mail",
                ],
                "fr": [
                    f"AVIS DE PAIEMENT {n} FOURN {sup}",
                    f"Avis de paiement n° {n}",
                    f"REGLEMENT FOURNISSEUR {sup} AVIS {n}",
                ],
                "de": [f"Zahlungsavis {n} Lieferant {sup}", f"ZAHLUNGSAVIS NR {n}"],
            }[str(ch["lang"])]
        )

    def _nb(self, i: Invoice, style: str) -> str:
        if style == "compact":
            return i.number.replace("/", "")
        if style == "serial":
            return str(i.serial)
        return i.number

    def chain_runs(self) -> None:
        r = self.rng
        for ch in self.chains:
            hq: Customer = ch["hq"]  # type: ignore[assignment]
            members = [hq, *ch["stores"]]  # type: ignore[misc]
            disputed = ch["disputed"]
            docs = [i for m in members for i in m.items if i not in disputed]  # type: ignore[operator]
            runs: list[date] = ch["runs"]  # type: ignore[assignment]
            covers: list[date] = ch["covers"]  # type: ignore[assignment]
            for k, (run, cover) in enumerate(zip(runs, covers, strict=True)):
                due = sorted(
                    (i for i in docs if not i.used and i.due <= cover and i.issue <= run), key=lambda i: i.key
                )
                due = due[:60]
                if not any(i.kind == "invoice" for i in due):
                    continue
                account = "KBC" if r.random() < 0.8 else "BNP"
                text = self._advice_text(ch, run, k + 1)
                base = Tx(
                    "",
                    0,
                    "EUR",
                    run,
                    account=account,
                    payer_name=self.bank_name(hq),
                    payer_iban=hq.ibans[0],
                    text=text,
                    e2e=f"PAYRUN-{run:%y%m%d}-{r.randrange(1000):03d}",
                )
                if ch["style"] == "strd":
                    self._run_strd(ch, base, due)
                elif k == len(runs) - 1 and len(due) >= 4 and r.random() < 0.5:
                    self._run_short(base, due, docs)
                else:
                    base.scenario = "chain_advice" if ch["central"] else "chain_advice_group"
                    base.amount = sum(i.signed for i in due)
                    base.truth = [(i.number, i.signed, "invoice") for i in due]
                    if base.amount > 0:
                        self.settle(due, run)
                        self.add_tx(base)

    def _run_strd(self, ch: dict[str, object], t: Tx, due: list[Invoice]) -> None:
        r = self.rng
        style = str(ch["numstyle"])
        lang = str(ch["lang"])
        truth: list[tuple[str, int, str]] = []
        strd: list[dict[str, object]] = []
        total = 0
        for i in due:
            doc: dict[str, object] = {
                "docs": [("CREN" if i.kind == "credit_note" else "CINV", self._nb(i, style))],
                "rltd": i.issue,
            }
            if i.kind == "credit_note":
                doc["amts"] = {"cn": i.total}
                truth.append((i.number, -i.total, "invoice"))
                total -= i.total
                strd.append(doc)
                continue
            amts: dict[str, object] = {"due": i.total}
            ded = 0
            bp = int(ch["discount_bp"])  # type: ignore[call-overload]
            if bp:
                amts["disc"] = share(i.total, bp)
                ded += share(i.total, bp)
            if r.random() < float(ch["ded_rate"]):  # type: ignore[arg-type]
                code, reasons, lo, hi = r.choice(ADJUSTMENTS)
                amt = r.choice([15000, 25000, 50000]) if lo == 0 else share(i.total, r.randint(lo, hi))
                if 100 <= amt < i.total - ded - 500:
                    why = reasons[{"nl": 0, "fr": 1}.get(lang, 2)]
                    amts["adj"] = (amt, code, why, r.choice(["CRDT", ""]))
                    ded += amt
            amts["paid"] = i.total - ded
            doc["amts"] = amts
            truth.append((i.number, i.total, "invoice"))
            if ded:
                truth.append((i.number, -ded, "deduction"))
            total += i.total - ded
            strd.append(doc)
        if total <= 0:
            return
        t.scenario, t.amount, t.truth, t.strd = "chain_strd", total, truth, strd
        self.settle(due, t.value)
        self.add_tx(t)

    def _run_short(self, t: Tx, due: list[Invoice], docs: list[Invoice]) -> None:
        """The last run of an advice-only chain, short by deductions only the advice shows."""
        r = self.rng
        open_ = sorted((i for i in docs if not i.used and i.issue <= t.value), key=lambda i: i.key)
        prefix, run_sum = set(), 0
        for i in open_:
            run_sum += i.signed
            prefix.add(run_sum)
        vals = [i.signed for i in open_]
        pairs = {a + b for a, b in combinations(vals, 2)}
        invs = [i for i in due if i.kind == "invoice"]
        for _ in range(50):
            hidden = sum(
                max(1000, share(i.total, r.randint(150, 800)))
                for i in r.sample(invs, min(len(invs), r.randint(1, 3)))
            )
            amount = sum(i.signed for i in due) - hidden
            if amount <= 0 or amount in prefix or amount in vals or amount in pairs:
                continue
            if any(amount - v in pairs for v in vals):
                continue
            break
        else:
            return
        t.scenario, t.kind, t.amount, t.allow_on_account = "trap_advice_short", "trap", amount, True
        self.add_tx(t)

    # -- traps ------------------------------------------------------------------------------

    def tr_namesake(self) -> None:
        r = self.rng
        by_trade: dict[str, list[Customer]] = defaultdict(list)
        for c in self.regular():
            if c.trade and c.segment == "horeca" and not c.excl:
                by_trade[strip_accents(c.trade).lower()].append(c)
        groups = [g for g in by_trade.values() if len(g) > 1]
        if not groups:
            return
        a, b = r.sample(r.choice(groups), 2)
        v = self.day(3)
        for _ in range(50):
            x = self.amount("horeca", 3000, 300_000)
            if self.book_count(x, PERIOD_END + timedelta(1)) == 0 and x not in self.reserved_amounts():
                break
        else:
            return
        for c in (a, b):
            issue = v - timedelta(r.randrange(3, 40))
            while issue.weekday() >= 5:
                issue -= timedelta(1)
            self.add_invoice(c, x, issue).used = True
        self.add_tx(
            Tx(
                "trap_namesake",
                x,
                "EUR",
                v,
                kind="trap",
                account=self.account_for(),
                payer_name=strip_accents(a.trade).upper(),
                payer_iban=foreign_iban(r, "BE"),
                text=self.generic_text(a) if r.random() < 0.4 else "",
            )
        )

    def _no_combo(self, c: Customer, v: date, x: int, currency: str = "EUR", size: int = 3) -> bool:
        vals = [i.signed for i in self.before(c, v, currency)]
        if x in vals or any(a + b == x for a, b in combinations(vals, 2)):
            return False
        return size < 3 or len(vals) > 40 or not any(sum(t) == x for t in combinations(vals, 3))

    def tr_before_invoice(self) -> None:
        r = self.rng
        c = self.fresh(("horeca", "caterer", "shop"))
        if c is None:
            return
        v = self.day(0, len(BDAYS) - 6)
        for _ in range(50):
            x = self.amount(c.segment, 5000, 500_000) // 100 * 100
            if self._no_combo(c, v, x) and self.book_count(x, PERIOD_END + timedelta(1)) == 0:
                break
        else:
            return
        issue = v + timedelta(r.randrange(1, 10))
        while issue.weekday() >= 5:
            issue += timedelta(1)
        self.add_invoice(c, x, issue).used = True
        pf = f"PF{v:%y}/{r.randrange(100, 999)}"
        text = r.choice(
            {
                "nl": [
                    "",
                    "bestelling",
                    f"pro forma {pf}",
                    f"feest {issue:%d/%m}",
                    "betaling bestelling communiefeest",
                ],
                "fr": ["", "commande", f"pro forma {pf}", f"fête du {issue:%d/%m}", "paiement commande"],
            }[c.lang]
        )
        self.add_tx(
            Tx(
                "trap_before_invoice",
                x,
                "EUR",
                v,
                kind="trap",
                account=self.account_for(),
                payer_name=self.bank_name(c),
                payer_iban=r.choice(c.ibans),
                text=text,
                allow_on_account=True,
                cid=c.cid,
            )
        )

    def tr_ogm_other(self) -> None:
        r = self.rng
        v = self.day()
        other = self.pick(v)
        if other is None:
            return
        other.used = False
        for _ in range(200):
            c = r.choice(self.regular())
            if c is other.cust or not c.ibans or c.country != "BE" or c.excl:
                continue
            x = self.amount(c.segment)
            if x != other.total and self._no_combo(c, v, x, size=2):
                break
        else:
            return
        self.add_tx(
            Tx(
                "trap_ogm_other",
                x,
                "EUR",
                v,
                kind="trap",
                account=self.account_for(),
                payer_name=self.bank_name(c),
                payer_iban=r.choice(c.ibans),
                strd=[{"cref": other.ogm}],
                allow_on_account=True,
                cid=c.cid,
            )
        )

    def tr_ccy(self, scen: str) -> None:
        r = self.rng
        v = self.day()
        ccy_inv, ccy_pay, seg_ccy = {
            "trap_gbp_for_eur": ("EUR", "GBP", "GBP"),
            "trap_usd_for_eur": ("EUR", "USD", "USD"),
            "trap_eur_for_gbp": ("GBP", "EUR", "GBP"),
        }[scen]
        inv = self.pick(v, segs=("fx",), currency=ccy_inv, cond=lambda i: i.cust.currency == seg_ccy)
        if inv is None:
            return
        c = inv.cust
        if any(i.total == inv.total for i in self.before(c, v, ccy_pay)):
            return
        name, iban, other = self.payer(c, 1.0)
        self.add_tx(
            Tx(
                scen,
                inv.total,
                ccy_pay,
                v,
                kind="trap",
                account=self.account_for(ccy_pay),
                payer_name=name,
                payer_iban=iban,
                payer_other=other,
                text=r.choice([f"INVOICE {inv.number}", f"/INV/{inv.number}"]),
                domain=("PMNT", "RCDT", "XBCT"),
                allow_on_account=True,
            )
        )

    # -- non-customer credits -----------------------------------------------------------------

    def open_amount(self) -> int:
        return self.rng.choice(
            [i for i in self.invoices if i.kind == "invoice" and i.currency == "EUR"]
        ).total

    def nc(self, scen: str) -> None:
        r = self.rng
        v = self.day()
        amt = self.open_amount() if r.random() < 0.35 else self.amount("shop")
        some = r.choice([i for i in self.invoices if i.kind == "invoice" and i.currency == "EUR"])
        short = f"{some.year % 100}/{some.serial:06d}"
        name, iban, text, account = "", be_iban(r), "", self.account_for()
        domain, rev = ("PMNT", "RCDT", "ESCT"), False
        if scen == "nc_empties_refund":
            name = r.choice(
                [
                    "Brouwerij De Gouden Hop NV",
                    "Brasserie des Trois Moulins SA",
                    "Frisdranken Vandewalle BV",
                    "Eaux Minérales d'Ardenne SA",
                    "Brouwerij Sint-Arnoldus NV",
                    "Drinks Logistics Benelux BV",
                ]
            )
            num = short if r.random() < 0.4 else f"{v:%y}/{r.randrange(10**6):06d}"
            text = r.choice(
                [
                    f"terugbetaling leeggoed retour {v - timedelta(5):%d/%m} bon {num}",
                    f"remboursement vidanges BL {num}",
                    f"statiegeld paletten week {v.isocalendar()[1]} bon {num}",
                    f"LEEGGOED RETOUR KLANT 880{r.randrange(1000):03d} NOTA {num}",
                ]
            )
        elif scen == "nc_card_settlement":
            if r.random() < 0.6:
                name, domain = "WORLDLINE SA/NV", ("PMNT", "MCRD", "POSP")
                text = f"BANCONTACT {v - timedelta(1):%d/%m/%Y} TID {_d(r, 8)} NBR {r.randrange(3, 90)} BRUT {fr_amount(amt + r.randrange(100, 900))}"
            else:
                name = "Payconiq International S.A."
                iban = make_iban("LU", "014" + _d(r, 13))
                text = f"PAYCONIQ PAYOUT {v:%Y-%m-%d} MERCHANT {_d(r, 7)}"
        elif scen == "nc_tax_refund":
            name = r.choice(["FOD FINANCIEN - BTW", "SPF FINANCES - TVA", "FOD Financiën Inning"])
            iban = be_iban(r, "679")
            text = r.choice(
                [
                    f"TERUGGAVE BTW-TEGOED {random_vat(r, 'BE')} 2026/01",
                    f"Remboursement crédit TVA {random_vat(r, 'BE')} période 12/2025",
                    f"TERUGBETALING VOORAFBETALING VENNOOTSCHAPSBELASTING AJ 2025 {_d(r, 10)}",
                ]
            )
        elif scen == "nc_interest":
            name, iban, domain = "", "", ("ACMT", "MCOP", "INTR")
            amt = r.randrange(300, 60000)
            text = r.choice(
                [
                    "CREDITINTERESTEN 01/01/2026-28/02/2026",
                    "INTERETS CREDITEURS T4 2025",
                    "Rente spaarrekening",
                ]
            )
        elif scen == "nc_intragroup":
            name, iban = "Brabo Holding NV", self.holding_iban
            amt = r.randrange(50, 500) * 100000
            text = r.choice(
                [
                    f"intercompany verrekening IC-2026-{r.randrange(100, 999)}",
                    "CASH POOLING",
                    "managementvergoeding terugbetaling",
                ]
            )
        elif scen == "nc_own_transfer":
            name = SELLER
            account = r.choice(["KBC", "BNP"])
            iban = self.own["BNP" if account == "KBC" else "KBC"]
            amt = r.randrange(10, 300) * 100000
            text = r.choice(["overboeking eigen rekening", "virement interne", "OVERBOEKING NAAR KBC"])
            domain = ("PMNT", "RCDT", "BOOK")
        elif scen == "nc_insurance":
            name = r.choice(
                [
                    "Ethias NV",
                    "AG Insurance NV",
                    "AXA Belgium NV",
                    "Baloise Belgium NV",
                    "P&V Verzekeringen CV",
                ]
            )
            text = r.choice(
                [
                    f"schadegeval {short} uitkering",
                    f"indemnité sinistre {short}",
                    f"SCHADE {short} TRANSPORT",
                    f"polis {_d(r, 8)} teruggave premie",
                ]
            )
        elif scen == "nc_supplier_credit":
            name = r.choice(
                [
                    "Vleeswaren Dumortier NV",
                    "Zuivel Vandaele BV",
                    "Conserverie Lambert SA",
                    "Koffiebranderij De Mol BV",
                ]
            )
            num = some.number if r.random() < 0.7 else f"CN{v:%y}/{r.randrange(10**6):06d}"
            if num == some.number:
                while amt == some.total:
                    amt += 137
            text = r.choice(
                [
                    f"terugbetaling creditnota {num}",
                    f"remboursement note de crédit {num}",
                    f"creditnota {num} verrekening",
                    f"restitution trop-perçu {num}",
                ]
            )
        elif scen == "nc_reversal":
            name = r.choice(["Vleeswaren Dumortier NV", "Transport Verhaegen BV", "Verpakkingen Maes NV"])
            domain, rev = ("PMNT", "ICDT", "RRTN"), True
            text = r.choice(
                [
                    f"RETOUR SEPA-OVERSCHRIJVING AC04 factuur {r.randrange(2026000, 2026999)}",
                    "TERUGBETALING MS03 REDEN NIET OPGEGEVEN",
                ]
            )
        self.add_tx(
            Tx(
                scen,
                amt,
                "EUR",
                v,
                kind="nc",
                account=account,
                payer_name=name,
                payer_iban=iban,
                text=text[:140],
                domain=domain,
                reversal=rev,
            )
        )

    # -- assembly -----------------------------------------------------------------------------

    def generate(self) -> None:
        r = self.rng
        self.make_customers()
        self.make_book(len(self.invoices) + int(self.n_pay * 2.6))
        self.chain_runs()
        scale = self.n_pay / 2000
        traps = [k for k, n in TRAPS_PER_2000.items() for _ in range(max(2, round(n * scale)))]
        ncs = [k for k, n in NC_PER_2000.items() for _ in range(max(1, round(n * scale)))]
        n_cust = self.n_pay - len(self.txs) - len(traps) - len(ncs)
        total_w = sum(w for _, w in CUSTOMER_SHARES)
        plan = [name for name, w in CUSTOMER_SHARES for _ in range(round(n_cust * w / total_w))]
        r.shuffle(plan)
        first = {
            "fifo_equal",
            "ogm_typo_equal",
            "noref_unique",
            "noref_combo",
            "name_only",
            "namesake_unique_amount",
            "ogm_and_other",
            "ogm_net_credit",
        }
        for t in traps:  # first, while the books they need are untouched
            if t in ("trap_namesake", "trap_before_invoice", "trap_ogm_other"):
                getattr(self, "tr_" + t[5:])()
            else:
                self.tr_ccy(t)
        for s in [p for p in plan if p in first] + [p for p in plan if p not in first]:
            getattr(self, "sc_" + s)()
        for n in ncs:
            self.nc(n)
        self.make_book(5 * sum(1 for t in self.txs if t.kind == "customer"), top_up=True)
        for d in BDAYS:  # outgoing payments, not scored
            for _ in range(r.randrange(2, 6)):
                self.txs.append(
                    Tx(
                        "debit",
                        self.amount("export"),
                        "EUR",
                        d,
                        kind="nc",
                        account=r.choice(["KBC", "KBC", "BNP"]),
                        payer_name=r.choice(
                            ["Brouwerij De Gouden Hop NV", "Zuivel Vandaele BV", "Transport Verhaegen BV"]
                        ),
                        payer_iban=be_iban(r),
                        text=f"factuur {r.randrange(2026000, 2026999)}",
                        debit=True,
                        domain=("PMNT", "ICDT", "ESCT"),
                    )
                )
        self.validate()
        self.layout()

    def validate(self) -> None:
        """Re-checks, over the final book, the truths that depend on it; drops a payment whose truth no longer
        holds."""
        by_cid = {c.cid: c for c in self.customers}
        bad: list[Tx] = []
        for t in self.txs:
            s, v = t.scenario, t.value
            invs = [self.by_number[n] for n, _a, k in t.truth if k == "invoice" and n]
            c = invs[0].cust if invs else by_cid.get(t.cid)
            ok = True
            if s in ("noref_unique", "ogm_typo"):
                ok = sum(1 for j in self.before(c, v) if j.signed == t.amount) == 1  # type: ignore[arg-type]
            elif s == "noref_combo":
                ok = self.subset_unique(c, invs, v)  # type: ignore[arg-type]
            elif s in ("name_only", "namesake_unique_amount"):
                ok = self.book_count(t.amount, v) == 1
            elif s in ("fifo_equal", "ogm_typo_equal"):
                eq = sorted((j for j in self.before(c, v) if j.signed == t.amount), key=lambda j: j.key)  # type: ignore[arg-type]
                ok = len(eq) >= 2 and invs[0] in eq and (s == "ogm_typo_equal" or eq[0] is invs[0])
            elif s == "trap_namesake":
                ok = self.book_count(t.amount, v) == 2
            elif s == "trap_before_invoice":
                ok = self._no_combo(c, v, t.amount)  # type: ignore[arg-type]
            elif s == "trap_ogm_other":
                ok = self._no_combo(c, v, t.amount, size=2)  # type: ignore[arg-type]
            elif s == "duplicate":
                c = by_cid.get(t.cid)
                ok = c is not None and sum(1 for j in self.before(c, v) if j.signed == t.amount) == 1
            elif s in ("ogm_and_other", "ogm_net_credit"):
                b = self.by_number[t.truth[1][0]]
                vals = [j.signed for j in self.before(c, v) if j is not invs[0]]  # type: ignore[arg-type]
                ok = vals.count(b.signed) == 1
            elif s == "overpayment":
                ok = self._excess_ok(c, v, t.amount - invs[0].total)  # type: ignore[arg-type]
            if not ok:
                bad.append(t)
        for t in bad:
            self.txs.remove(t)
            self.dropped[t.scenario] += 1

    def layout(self) -> None:
        r = self.rng
        self.txs.sort(key=lambda t: (t.value, r.random()))
        seq: Counter[tuple[str, date]] = Counter()
        code = {"KBC": "KB", "BNP": "BN", "GBP": "BG", "USD": "BU"}
        for t in self.txs:
            seq[(t.account, t.value)] += 1
            t.ref = f"{code[t.account]}{t.value:%y%m%d}{seq[(t.account, t.value)]:04d}"
            v02 = t.account != "KBC"
            t.payer_name = t.payer_name[: 35 if v02 else 70].rstrip()
            t.ultimate = t.ultimate[:70]
            if not t.text:
                t.ustrd = []
            elif v02 and len(t.text) > 35 and r.random() < 0.2:
                t.ustrd = [t.text[i : i + 35] for i in range(0, len(t.text), 35)]
            else:
                t.ustrd = [t.text]

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
                    "legal_form",
                    "payment_terms_days",
                    "parent_id",
                ]
            )
            for c in self.customers:
                days = (
                    60 if c.segment.startswith("chain") else 15 if self.default_terms(c) == "net 15" else 30
                )
                w.writerow(
                    [
                        c.cid,
                        c.name,
                        c.country,
                        c.vat,
                        ";".join(c.ibans),
                        f"boekhouding.{c.cid}@example.be",
                        c.lang,
                        c.form,
                        days,
                        c.parent,
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
                    "payment_terms",
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
                        i.ogm,
                        i.kind,
                        RATES.get(i.currency, ""),
                        i.terms if i.kind == "invoice" else "",
                        i.disc_pct or "",
                        i.disc_days or "",
                        i.order_ref,
                    ]
                )

    def write_truth(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(
                [
                    "tx_ref",
                    "scenario",
                    "kind",
                    "amount",
                    "currency",
                    "invoice_number",
                    "row_amount",
                    "row_kind",
                ]
            )
            for t in self.txs:
                if t.debit:
                    continue
                for n, a, k in t.truth or [("", t.amount, "unrelated")]:
                    w.writerow(
                        [t.ref, t.scenario, t.kind, fmt_amount(t.amount), t.currency, n, fmt_amount(a), k]
                    )

    def camt(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        files = []
        for acct, ver, ccy, bal in (
            ("KBC", "08", "EUR", 35_000_000),
            ("BNP", "02", "EUR", 12_000_000),
            ("GBP", "02", "GBP", 2_000_000),
            ("USD", "02", "USD", 1_500_000),
        ):
            n = 0
            for day in BDAYS:
                txs = [t for t in self.txs if t.account == acct and t.value == day]
                if not txs and acct in ("GBP", "USD"):
                    continue
                n += 1
                opening = bal
                for t in txs:
                    bal += -t.amount if t.debit else t.amount
                p = folder / f"camt053_{acct}_{day:%Y%m%d}.xml"
                p.write_text(self.camt_xml(acct, ver, ccy, day, n, opening, bal, txs), encoding="utf-8")
                files.append(p)
        return files

    def camt_xml(
        self, acct: str, ver: str, ccy: str, day: date, n: int, opening: int, closing: int, txs: list[Tx]
    ) -> str:
        v8 = ver == "08"
        e = escape

        def amt(tag: str, c: int) -> str:
            return f'<{tag} Ccy="{ccy}">{fmt_amount(c)}</{tag}>'

        def bal(code: str, c: int, d: date) -> str:
            return (
                f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>{amt('Amt', abs(c))}"
                f"<CdtDbtInd>{'CRDT' if c >= 0 else 'DBIT'}</CdtDbtInd><Dt><Dt>{d.isoformat()}</Dt></Dt></Bal>"
            )

        def party(tag: str, name: str) -> str:
            return (
                f"<{tag}><Pty><Nm>{e(name)}</Nm></Pty></{tag}>"
                if v8
                else f"<{tag}><Nm>{e(name)}</Nm></{tag}>"
            )

        iban = self.own[acct]
        prev = day - timedelta(3 if day.weekday() == 0 else 1)
        out = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.{ver}"><BkToCstmrStmt>',
            f"<GrpHdr><MsgId>{acct}{day:%Y%m%d}{n:03d}</MsgId><CreDtTm>{day.isoformat()}T21:30:00+01:00</CreDtTm></GrpHdr>",
            f"<Stmt><Id>{acct}-{day:%Y%m%d}</Id><ElctrncSeqNb>{n}</ElctrncSeqNb><LglSeqNb>{n}</LglSeqNb>"
            f"<CreDtTm>{day.isoformat()}T21:30:00+01:00</CreDtTm>",
            f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>{ccy}</Ccy><Ownr><Nm>{e(SELLER)}</Nm></Ownr></Acct>",
            bal("OPBD", opening, prev),
            bal("CLBD", closing, day),
        ]
        for t in txs:
            ind = "DBIT" if t.debit else "CRDT"
            sts = "<Sts><Cd>BOOK</Cd></Sts>" if v8 else "<Sts>BOOK</Sts>"
            rv = "<RvslInd>true</RvslInd>" if t.reversal else ""
            dm, fm, sf = t.domain
            bk = f"<BkTxCd><Domn><Cd>{dm}</Cd><Fmly><Cd>{fm}</Cd><SubFmlyCd>{sf}</SubFmlyCd></Fmly></Domn></BkTxCd>"
            out.append(
                f"<Ntry>{amt('Amt', t.amount)}<CdtDbtInd>{ind}</CdtDbtInd>{rv}{sts}<BookgDt><Dt>{day.isoformat()}</Dt></BookgDt>"
                f"<ValDt><Dt>{t.value.isoformat()}</Dt></ValDt><AcctSvcrRef>{t.ref}</AcctSvcrRef>{bk}<NtryDtls><TxDtls>"
                f"<Refs><AcctSvcrRef>{t.ref}</AcctSvcrRef><EndToEndId>{e(t.e2e)}</EndToEndId></Refs>"
            )
            instd = f"<InstdAmt>{amt('Amt', t.instd)}</InstdAmt>" if t.instd else ""
            if v8:
                out.append(f"{amt('Amt', t.amount)}<CdtDbtInd>{ind}</CdtDbtInd>")
                if instd:
                    out.append(f"<AmtDtls>{instd}<TxAmt>{amt('Amt', t.amount)}</TxAmt></AmtDtls>")
            else:
                out.append(f"<AmtDtls>{instd}<TxAmt>{amt('Amt', t.amount)}</TxAmt></AmtDtls>")
            out.append(bk)
            if t.charges and v8:
                out.append(
                    f"<Chrgs>{amt('TtlChrgsAndTaxAmt', t.charges)}<Rcrd>{amt('Amt', t.charges)}<CdtDbtInd>DBIT</CdtDbtInd>"
                    "<ChrgInclInd>true</ChrgInclInd><Tp><Cd>CRED</Cd></Tp></Rcrd></Chrgs>"
                )
            acct_xml = (
                f"<Id><IBAN>{t.payer_iban}</IBAN></Id>"
                if t.payer_iban
                else f"<Id><Othr><Id>{t.payer_other}</Id></Othr></Id>"
                if t.payer_other
                else ""
            )
            rp = ""
            if t.debit:
                rp = party("Cdtr", t.payer_name) + f"<CdtrAcct>{acct_xml}</CdtrAcct>"
            elif t.payer_name or acct_xml:
                rp = party("Dbtr", t.payer_name) if t.payer_name else ""
                rp += f"<DbtrAcct>{acct_xml}</DbtrAcct>" if acct_xml else ""
                rp += party("UltmtDbtr", t.ultimate) if t.ultimate else ""
            if rp:
                out.append(f"<RltdPties>{rp}</RltdPties>")
            if t.ustrd or t.strd:
                rmt = "".join(f"<Ustrd>{e(u)}</Ustrd>" for u in t.ustrd)
                rmt += "".join(self.strd_xml(s, v8, ccy) for s in t.strd)
                out.append(f"<RmtInf>{rmt}</RmtInf>")
            out.append("</TxDtls></NtryDtls>")
            info = {
                "XBCT": "BUITENLANDSE BETALING",
                "POSP": "WORLDLINE AFREKENING",
                "INTR": "INTERESTEN",
            }.get(t.domain[2], "EUROPESE OVERSCHRIJVING" if acct == "KBC" else "VIREMENT SEPA RECU")
            out.append(
                f"<AddtlNtryInf>{info if not t.debit else 'EUROPESE OVERSCHRIJVING NAAR'}</AddtlNtryInf></Ntry>"
            )
        out.append("</Stmt></BkToCstmrStmt></Document>")
        return "\n".join(out)

    @staticmethod
    def strd_xml(s: dict[str, object], v8: bool, ccy: str) -> str:
        e = escape

        def amt(tag: str, c: int) -> str:
            return f'<{tag} Ccy="{ccy}">{fmt_amount(c)}</{tag}>'

        x = "<Strd>"
        for tp, nb in s.get("docs", []):  # type: ignore[attr-defined]
            dt = f"<RltdDt>{s['rltd']}</RltdDt>" if s.get("rltd") else ""
            x += f"<RfrdDocInf><Tp><CdOrPrtry><Cd>{tp}</Cd></CdOrPrtry></Tp><Nb>{e(nb)}</Nb>{dt}</RfrdDocInf>"
        a: dict[str, object] = s.get("amts") or {}  # type: ignore[assignment]
        if a:
            body = ""
            if "due" in a:
                body += amt("DuePyblAmt", a["due"])  # type: ignore[arg-type]
            if "disc" in a:
                body += (
                    f"<DscntApldAmt>{amt('Amt', a['disc'])}</DscntApldAmt>"
                    if v8
                    else amt("DscntApldAmt", a["disc"])
                )  # type: ignore[arg-type]
            if "cn" in a:
                body += amt("CdtNoteAmt", a["cn"])  # type: ignore[arg-type]
            if "adj" in a:
                c, code, why, ind = a["adj"]  # type: ignore[misc]
                body += f"<AdjstmntAmtAndRsn>{amt('Amt', c)}" + (
                    f"<CdtDbtInd>{ind}</CdtDbtInd>" if ind else ""
                )
                body += f"<Rsn>{code}</Rsn><AddtlInf>{e(why)}</AddtlInf></AdjstmntAmtAndRsn>"
            if "paid" in a:
                paid = amt("RmtdAmt", a["paid"])  # type: ignore[arg-type]
                body = body + paid if v8 else paid + body
            x += f"<RfrdDocAmt>{body}</RfrdDocAmt>"
        if s.get("cref"):
            x += f"<CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>BBA</Issr></Tp><Ref>{e(str(s['cref']))}</Ref></CdtrRefInf>"
        return x + "</Strd>"


# ----------------------------------------------------------------------------------------
# checks of the generated files
# ----------------------------------------------------------------------------------------


def check_files(gen: Generator, statements: list[Path]) -> None:
    assert all(iban_valid(i) for i in gen.own.values()) and iban_valid(gen.holding_iban)
    assert all(iban_valid(i) for c in gen.customers for i in c.ibans if "/" not in i)
    assert all(iban_valid(t.payer_iban) for t in gen.txs if t.payer_iban)
    assert len({t.ref for t in gen.txs}) == len(gen.txs)
    assert len(gen.by_number) == len(gen.invoices)
    for i in gen.invoices:
        assert i.total > 0 and (not i.ogm or int(i.ogm[:10]) % 97 == int(i.ogm[10:]) % 97)
    for t in gen.txs:
        if t.kind == "customer":
            assert sum(a for _n, a, _k in t.truth) == t.amount, (t.scenario, t.truth, t.amount)
        assert t.amount > 0 and all(len(u) <= 140 for u in t.ustrd), t
    for p in statements:
        root = ET.parse(p).getroot()  # noqa: S314 - the statements this check wrote
        ns = root.tag.split("}")[0] + "}"
        for st in root.iter(ns + "Stmt"):
            bals = {}
            for b in st.iter(ns + "Bal"):
                code = b.find(f"{ns}Tp/{ns}CdOrPrtry/{ns}Cd")
                amt_el, ind_el = b.find(ns + "Amt"), b.find(ns + "CdtDbtInd")
                assert code is not None and amt_el is not None and ind_el is not None
                v = int(Decimal(str(amt_el.text)) * 100)
                bals[code.text] = v if ind_el.text == "CRDT" else -v
            s = 0
            for ntry in st.findall(ns + "Ntry"):
                amt_el, ind_el = ntry.find(ns + "Amt"), ntry.find(ns + "CdtDbtInd")
                assert amt_el is not None and ind_el is not None
                v = int(Decimal(str(amt_el.text)) * 100)
                s += v if ind_el.text == "CRDT" else -v
            assert bals["OPBD"] + s == bals["CLBD"], p


# ----------------------------------------------------------------------------------------
# running the product and scoring its export
# ----------------------------------------------------------------------------------------


def run_product(
    gen: Generator, out: Path, exe: Path, statements: list[Path]
) -> tuple[dict[str, float], list[dict[str, str]]]:
    home = Path(tempfile.mkdtemp(prefix="encaisse-wholesale-"))
    ibans = [a for acct in ("KBC", "BNP", "GBP", "USD") for a in ("--iban", gen.own[acct])]
    steps = [
        (
            "init",
            [
                "init",
                "--code",
                "main",
                "--name",
                SELLER,
                "--country",
                "BE",
                "--currency",
                "EUR",
                "--reference-scheme",
                "ogm",
                *ibans,
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


def miss_row(t: Tx, issue: str, rows: list[Row]) -> list[str]:
    truth = "; ".join(f"{n or '-'}:{fmt_amount(a)}:{k}" for n, a, k in t.truth) or "not applied"
    prod = "; ".join(f"{s}:{n or '-'}:{fmt_amount(a)}:{k}:{c}" for n, a, k, s, c in rows) or "(absent)"
    payer_acct = t.payer_iban or t.payer_other
    return [
        t.scenario,
        issue,
        t.ref,
        fmt_amount(t.amount),
        t.currency,
        t.value.isoformat(),
        t.payer_name,
        payer_acct,
        t.ultimate,
        t.remittance(),
        truth,
        prod,
    ]


def score(gen: Generator, out: Path) -> dict[str, object]:
    result = score_kinds(gen.txs, out, miss_row, columns=MISS_COLUMNS)
    # line items: the truth's invoice rows the product posted exactly (recall), over all customer payments
    prod = read_export(out / "out.csv")
    want = got = 0
    for t in gen.txs:
        if t.debit or t.kind != "customer":
            continue
        truth = Counter((n, a, k) for n, a, k in t.truth if k == "invoice")
        want += sum(truth.values())
        status, applied = outcome(prod.get(t.ref, []))
        if status == "applied":
            got += sum(min(c, truth[r]) for r, c in Counter(applied).items())
    result["line_items"] = {"truth_rows": want, "posted_right": got}
    return result


def print_table(result: dict[str, object]) -> str:
    stats: dict[str, dict[str, int]] = result["stats"]  # type: ignore[assignment]
    customers = sorted(k for k in stats if not k.startswith(("ALL", "trap_", "nc_")))
    others = sorted(k for k in stats if k.startswith("trap_")) + sorted(
        k for k in stats if k.startswith("nc_")
    )
    lines = customer_lines(26, stats, [*customers, "ALL customer"], "customer scenario")
    lines += [
        "",
        *other_lines(
            26, stats, [*others, "ALL traps (must not apply)", "ALL non-customer"], "trap / non-customer"
        ),
    ]
    lines += summary_lines(result, None)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    return run_generated_check(
        __doc__,
        argv,
        prefix="blackbox-wholesale-",
        generator=Generator,
        check_files=check_files,
        run_product=run_product,
        score=score,
        print_table=print_table,
        write_statements=lambda gen, folder: gen.camt(folder),
    )


if __name__ == "__main__":
    sys.exit(main())
