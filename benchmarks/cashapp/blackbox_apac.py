"""Eleventh independent black-box check of cash application: an equipment exporter in Asia-Pacific and Latin America.

What it is: a generator of the receivables of an industrial-equipment and spare-parts exporter with companies in
Australia, New Zealand, Singapore, India, Japan, Mexico and Brazil and one month (April 2026) of their bank
statements, with the ground truth in the ``export-allocations`` format (docs/cashapp.md, "Accounting rows"),
designed from the user documentation only (docs/cashapp.md, docs/cli.md, docs/banking.md, docs/invoicing.md) and
from how customers in these countries pay their suppliers. The product is driven only through its command line on
a fresh SQLite workspace (``init``, ``import-customers``, ``import-invoices``, ``import-statement``, ``match``,
``export-allocations``, ``review``) and its export is scored per country, per statement format, per country and
payment channel, and per scenario.

The seller and its books
------------------------
Kestrel Industrial Equipment has seven companies, one entity each (``init --code``, one functional currency
each): ``au`` Kestrel Industrial Equipment Pty Ltd (AUD), ``nz`` … NZ Limited (NZD), ``sg`` … (S) Pte. Ltd. (SGD,
and a USD account), ``in`` … India Private Limited (INR, and an EEFC account in USD for exports), ``jp``
ケストレル産業機器株式会社 (JPY, no decimals), ``mx`` Kestrel Equipos Industriales de México, S.A. de C.V. (MXN, and
a USD account) and ``br`` Kestrel Equipamentos Industriais do Brasil Ltda. (BRL). About 900 customers (0.45 per
payment): mining, marine, agricultural and engineering firms with their countries' names and legal forms ("Pty
Ltd", "Limited", "Pte. Ltd.", "Private Limited", "Pvt. Ltd.", "LLP", Indian proprietorships without a legal form,
株式会社 before or after the name, 有限会社, 合同会社, "S.A. de C.V.", "S. de R.L. de C.V.", "S.A.P.I. de C.V.",
"Ltda.", "S.A.", "EIRELI", "ME"); foreign customers invoiced in USD by Singapore (Indonesia, Thailand, Vietnam,
Philippines, Malaysia), India (Gulf, East Africa, South Asia) and Mexico (maquiladoras, US and Central American
buyers); one or two groups per country whose parent pays for its subsidiaries, on file as their ``parent_id`` in seven
cases of ten; pairs of namesakes in every country ("Bendigo Pumps Pty Ltd" and "Bendigo Pumps Victoria Pty Ltd";
in Japan two names written with other characters and read alike, 伊藤/伊東, 工業/興業, whose bank names are
identical).

What the master data holds (``import-customers``): docs/cli.md stores a customer's IBANs and domestic accounts of
the US, Canada, the UK and Australia only; ``import-customers`` refuses a New Zealand account, a Singapore account,
an Indian IFSC and account, a Japanese bank/branch/account, a Mexican CLABE and a Brazilian agência/conta. So
three Australian customers in four have their BSB and account on file (``062-000/12345678``) and every other
customer is known by its name, its customer number (``id``) and the numbers it writes. An Australian customer's
``id`` is its BPAY customer reference number (CRN: the customer number and a MOD10V01 (Luhn) check digit),
because docs/invoicing.md has no Australian reference scheme for an invoice's ``structured_reference``: the CRN is
per customer, a customer number (docs/cashapp.md, "The customer's number names the payer"). A Japanese customer's
``aliases`` hold the katakana reading of its name (フリガナ, full width, as Japanese customer masters keep it);
for a quarter of them also the remitter name its bank sends (half width, "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ"), registered after a
first payment as Japanese AR teams do (振込名義). No other aliases.

Numbering (each company's own; numbers of paid invoices are not in the book, so the serials of the open items have
gaps): Australia ``INV-104512``, credit notes ``CN-003012``; New Zealand ``INV-23456``, ``CN-0412``; Singapore
``SI-2603-0123`` (year and month, the serial restarting each month), ``CN-2603-0004``; India GST numbering with
the fiscal year April-March, restarting on 1 April: ``INV/25-26/02456`` and in April ``INV/26-27/00012``, exports
in USD ``EXP/2025-26/0456``, ``CN/25-26/0012``; Japan ``2026030123`` (year, month, serial); Mexico CFDI series and
folio ``A-12345`` (goods), ``FAC-02345`` (services), credit notes (notas de crédito) ``NC-812``, each with its
CFDI UUID, which no column of ``import-invoices`` holds; Brazil the nota fiscal (NF-e) number ``000012345`` and,
for a sale paid in two or three parcels (duplicatas, 30/60/90 days), one item per parcel ``000012345/2``. No
structured references (none of these is RF, OGM or a national scheme of docs/invoicing.md). Monthly maintenance
contracts (equal invoices); Japanese closing-period customers (締め): deliveries invoiced one by one, paid together
on the pay day of the closing period (末締め翌月末払い, 20日締め翌月20日払い…). The open book is about five
documents per payment, issued from October 2025 to the end of April 2026.

Statements, April 2026, one file per business day and account (camt.054: days with entries only), every account
the companies' own (``init --iban``; none is an IBAN: ``Acct/Id/Othr/Id``, MT940 ``:25:``): Australia ANZ
camt.053.001.02 (BECS direct credits, NPP/Osko), CBA MT940, ANZ BPAY collection account camt.054.001.02 (the day's
BPAY payments as one batch entry, one ``TxDtls`` each); New Zealand ANZ camt.053.001.02, Westpac MT940; Singapore
DBS camt.053.001.08 (FAST, GIRO, PayNow; a USD account for telegraphic transfers), OCBC MT940; India Citi
camt.053.001.02 (the UTR in ``Refs/ClrSysRef`` and ``AddtlTxInf``; an EEFC USD account), HDFC MT940 (the bank's
narration: "NEFT CR-IFSC-NAME-text-UTR", "RTGS CR-…", "IMPS-RRN-NAME-BANK-XXXXXXXX1234-text", "UPI-NAME-VPA-IFSC-
RRN-text"); Japan MUFG camt.053.001.02 and SMBC camt.054.001.08 (Zengin transfers: the remitter's name in half-
width katakana, an EDI text of 20 characters now and then; MT940 is not used, its character set has no kana);
Mexico HSBC camt.053.001.02 and a USD account camt.053.001.08 (SPEI and SPID: concepto de pago of 40 characters,
referencia numérica of up to seven digits, clave de rastreo, the ordering party's CLABE and RFC), Citibanamex
MT940; Brazil Citi camt.053.001.08 (PIX with its 32-character end-to-end id, the payer's CNPJ and a QR code's
txid now and then; TED), Itaú MT940, and the boleto collection account camt.054.001.02 (the day's liquidations as
one batch entry: nosso número in ``Strd/CdtrRefInf``, seu número and the amounts line in ``Ustrd``). MT940 ``:86:``
is each bank's free-text narration in lines of 65 (at most six), cut where the line ends. Names as the channels
carry them: BECS 16 characters in capitals ("SOUTHERN CROSS E"), New Zealand 20, FAST/GIRO 35, SPEI 40 without
accents, TED 30, Zengin 48 half-width. Outgoing payments (debits) are in the statements and not scored.

Why each truth is what it is
----------------------------
The truth is the rows a careful clerk would post from the bank data and the book alone (``invoice`` rows settle an
invoice, negative for a netted credit note; ``deduction`` rows are negative, what the payer kept back on an invoice
the payment closes; ``on_account`` rows carry money without an invoice). Payments a clerk would leave to a person
are traps (nothing may be applied). A truth that depends on the book (a unique amount, a combination, first in
first out, the payer's only item of an amount, no namesake with an item of the amount) and every truth's
feasibility (the invoice still open by that much, issued by the value date) is re-checked in booking order over
the final book, with every earlier truth applied; a payment whose truth no longer holds is dropped ("dropped" in
the first line printed). A payer known by its name only is checked against every customer a clerk could take it
for (the same name, one the bank's cut name is the start of, in Japan the same reading): none may have an item,
or two or three items, of the amount (within the charge tolerance below).

Customer payments:

- ``ref_exact`` (all but JP): the invoice number as printed, in the country's words ("INV-104512 SOUTHERN" in an
  Australian lodgement reference, "INV NO INV/25-26/02456 DT 12.03.2026", "PAGO FACTURA A-12345", "PGTO NF
  000012345", a New Zealand particulars field) — that invoice.
- ``ref_mangled`` (all but JP): the number in the payer's form, keeping what tells it from the book's others (the
  fiscal year, the month): "INV104512", "104512", "SI26030123", "2603-0123", "INV-25-26-02456", "2456/25-26",
  "INV/2025-26/02456", "SERIE A FOLIO 12345", "FAC 2345", "000.012.345", "NFE 000012345" — that invoice.
- ``ref_typo`` (all but JP): one digit of the serial wrong, missing or doubled, no number of the book in any form,
  from a certain customer (its account on file in Australia, else its own name without namesake) and the amount
  to the cent — that invoice ("Typos").
- ``multi_ref`` (all but JP): two to five of the customer's invoices listed ("INV-104512 & 104513", "A-12345,
  A-12346 Y A-12350", "NF 12345 E 12346"), within what the channel carries (two in a BECS lodgement, three in the
  New Zealand fields or a SPEI concepto) — those invoices.
- ``credit_netted``: an invoice and a credit note named ("INV-107697 LESS CREDIT CN-003052") — both rows.
- ``partial``: 20-70 % of one invoice named, "PART PAYMENT", "ABONO", "PARCIALIDAD 1", "PAGAMENTO PARCIAL" or the
  number alone — an invoice row of the amount paid.
- ``overpayment``: one invoice named, 25-300 euros' worth more, the excess no item nor sum of two or three — the
  invoice and the excess on account.
- ``duplicate_1st`` / ``duplicate``: the same transfer twice — the first settles the invoice (in Japan, the only
  item of the amount of a payer known by its kana name), the second goes on account whole.
- ``noref_unique``: no reference, the customer certain (its account on file, else its name without namesake),
  exactly one open item of that amount — that item. ``noref_combo``: exactly one combination of the fewest items
  (two or three) — those items.
- ``fifo_equal`` (all): a maintenance contract's equal monthly invoices, "SERVICE AGREEMENT", "AMC CHARGES",
  "PAGO MANTENIMIENTO", no month named — the oldest.
- ``group_parent`` / ``group_parent_unknown``: the parent (on file as ``parent_id``, or not) pays invoices of one
  or two subsidiaries named in full — those invoices ("Third parties").
- ``usd_invoice`` (SG, IN, MX): a foreign customer's USD invoice paid into the USD account, number quoted — that
  invoice. ``charges_usd``: the same short by 10-22 USD of intermediary charges (half with ``AmtDtls/InstdAmt``) —
  the invoice and a deduction (within the 25 USD tolerance).
- ``advance``: from the customer (its account in Australia, its name elsewhere), "DEPOSIT PO 4512345", "ADVANCE
  AGAINST PO…", "ANTICIPO", "ADIANTAMENTO", no item of about the amount — on account whole ("An advance is kept on
  account"; "adiantamento" is Portuguese for it, not in the docs' list of words).
- ``namesake_unique`` (all): the name two namesakes share (in Japan the one reading), no account on file, only one
  of them has an item of the amount — that item.
- ``au_bpay``: a BPAY payment: the CRN (in ``Strd/CdtrRefInf`` or "BPAY BILLER 254631 CRN 2004517 RCPT …"), no
  name, no account; the amount the customer's only open item of it (or the oldest of its equal contract invoices)
  — that item: the CRN is the customer's number.
- ``in_tds_explained``: an invoice named, paid less tax deducted at source, the text giving it with its amount in
  Indian digit grouping ("LESS TDS 21,973.00", "TDS 194J 10% RS 1,23,456.00 DEDUCTED", "AMT 5,90,000.00 LESS TDS
  11,800.00"): 2 % (section 194C) or 10 % (194J) of the value without GST, or 0.1 % (194Q, goods) — the invoice in
  full and a deduction of the TDS ("What a payer kept back, written out"; "TDS" is not among the docs' deduction
  words, but the text states what was kept back and why, and the TDS is a receivable the seller claims from the
  tax office). ``in_tds_unexplained``: the same shortfall (5,000 rupees or more) with the invoice number alone —
  a part payment: docs/cashapp.md books an unexplained residue beyond the tolerance as a partial payment, and
  nothing in the bank data says the rest was withheld.
- ``in_serial_only``: "INV NO 3860", "BILL NO 551": the serial alone, without the fiscal year, from a customer
  known by its name, one of whose open items has that serial and the amount — that item.
- ``jp_kana``: a Zengin transfer, no text, the payer's name in half-width kana as its bank writes it ("ｶ)ﾀｲﾖｳﾃﾞﾝｷ"
  for 株式会社太陽電機, "ﾅｶｶﾞﾜｾﾂﾋﾞ(ｶ" for 中川設備株式会社, "ﾕ)…" for 有限会社, "…(ﾄﾞ" for 合同会社, small kana written
  large: ｼﾖｳｼﾞ for ショウジ, sometimes with a space or "ｶﾌﾞｼｷｶﾞｲｼﾔ" in full), the customer's only open item of the
  amount — that item: a Japanese clerk reads the kana against the reading on file.
- ``jp_fee``: the same, short by the transfer fee the payer kept back (振込手数料: 330-880 yen) — the invoice and a
  deduction of the fee (within docs/cashapp.md's 4,000 JPY tolerance); no other item of the customer within 4,000
  yen above the amount.
- ``jp_shime``: a closing-period customer pays all the period's deliveries (two to six invoices, its oldest open
  items, all due on the pay day) in one transfer without reference, in full or less a transfer fee — those
  invoices, and the fee as a deduction on one of them ("its oldest items in order adding up to it"; the contract
  does not say on which invoice of several a deduction is booked, so it is accepted on any of them).
- ``jp_code_name``: two customers whose names read alike both have an item of the amount; the payer writes its
  customer number before its kana name in the remitter field ("60040 ｶ)ｳｴﾉｾﾂﾋﾞ"), as Japanese sellers ask — that
  customer's item.
- ``jp_edi_ref``: the invoice number in the 20 characters of the Zengin EDI field ("ｾｲｷﾕｳ2026030123") — that invoice.
- ``mx_uuid_only``: the concepto carries the CFDI UUID only (cut at 40), no number of the book, from a customer
  known by its name with one item of the amount — that item (the book has no UUID; name and amount decide).
- ``mx_refnum``: "PAGO PROVEEDOR" with the folio in the referencia numérica ("REF 12345") — that invoice: the folio
  is one invoice's number without its series, and no other number of the book has those digits.
- ``br_boleto``: a boleto liquidation with the seu número (the seller's title number, with or without its zeros)
  — that item (invoice or parcel). ``br_boleto_nosso``: the nosso número only (the bank's number of the slip,
  which the book does not hold) and the pagador as the seller registered it — the customer's only item of the
  amount. ``br_boleto_juros``: paid late, the slip adds its fine (multa 2 %) and interest (juros 1 % a month) and
  the bank's line gives them ("VLR TITULO 17.556,78 JUROS 76,08 MULTA 351,14 VLR PAGO 17.984,00") — the item in
  full and the excess on account (the contract has no row for interest received; a person reclassifies it).
- ``br_parcela``: "NF 13301 PARC 2/3", "NF 13301/2", "DUPL 13301-2", "NF 13301 PARCELA 2" — that parcel, not the
  oldest. ``br_parcela_fifo``: "PGTO NF 12405", the NF named without its parcel and the amount of one of its equal
  parcels — the oldest open parcel (first in, first out among the items the number names).

Traps (nothing may be applied; on account is accepted only where marked):

- ``trap_namesake`` (all): the shared name of two namesakes (in Japan the one kana name of two customers), an
  account never seen before (one that paid either's items earlier in the month would say whose) and no customer
  number, no reference, each has an item of the amount ("Namesakes by the whole name").
- ``trap_typo_two`` (all but JP): an unknown payer, a number one digit from two customers' invoices of the amount,
  itself no number of the book.
- ``trap_amount_two`` (all): a stranger, no reference, two customers have an item of the amount.
- ``trap_before_invoice`` (all): a customer pays the amount of an invoice issued after the value date, nothing
  earlier makes it — on account accepted.
- ``trap_ccy_crossed`` (SG, IN, MX): a customer pays in USD into the USD account quoting its local-currency invoice,
  the amount that invoice converted; it has no USD invoice: never applied across currencies, and with no invoice in
  USD to value it on account a person decides (docs/cashapp.md, "Accounting rows").

Non-customer credits (``nc_*``; nothing may be applied): tax refunds (ATO, IRD, IRAS, the Indian income-tax refund
with the PAN, 税務署, SAT, Receita Federal with its PER/DCOMP number), credit interest, marketplace payouts (Amazon,
Trade Me, Shopee, Razorpay, Amazon Japan, Mercado Libre, Mercado Pago), card settlements (Tyro, Windcave, Stripe,
Paytm, JCB, Clip, Cielo), the group treasury's cash-pool funding (its account declared as an own account of the
Singapore company: a sister company's account), a transfer between the company's own accounts, insurance claims, a
supplier's refund, a returned outgoing payment (``RvslInd``) and grants (Austrade EMDG, Callaghan Innovation,
Enterprise Singapore, Indian customs drawback, 補助金, Nafin, BNDES). A third carry the amount of an open invoice, a
third an invoice number of the book with another amount.

Assumptions where the documentation is silent (each scored as a careful clerk would book it): the bank-charge
tolerance for AUD, NZD, SGD, INR, MXN and BRL is "25 euros' worth" of unknown scale, so no truth rests on an item
within 50 AUD/NZD/SGD, 2,500 INR, 500 MXN or 250 BRL of the amount, and no shortfall scenario but ``jp_fee``,
``jp_shime`` and ``charges_usd`` (tolerances the docs state) relies on it; a Japanese kana name is the customer's
name when it is the reading on file; "TDS" with its amount is a deduction explained; a CRN is a customer number;
the seu número is the invoice's number; interest on a late boleto goes on account.

Run::

    .venv/bin/python benchmarks/cashapp/blackbox_apac.py [--payments 2000] [--seed 1] [--out DIR] [--keep]

It prints tables per scenario, per country, per statement format and per country and channel (with how the bank
gave what identifies the payer: BSB and account, an account with its BSB in ``DbtrAgt``, none in MT940, the BPAY
CRN in ``Strd`` or ``Ustrd``, a Japanese remitter name on file) — count, applied automatically, applied exactly
right, wrong, precision of the whole payment and of the line items, suggested and their hit rate, unmatched — a
table of traps and non-customer credits, the overall rates and each step's wall time, and writes
``customers.csv``, ``invoices.csv``, ``statements/``, ``truth.csv``, ``out.csv`` (the product's export),
``review.json`` (``encaisse review --format json``: the product's explanation of every payment it left to a
person), ``misses.csv`` (every credit not as its truth wants, with the truth, the product's rows, the country, the
format, the channel and the product's explanation) and ``report.json`` in ``--out`` (default: a temporary
directory, removed unless ``--keep``). Standard library only.

Notes on the contract: a payment left to a person counts as not applied, its suggestion hit when its proposals hold
every invoice of the truth; a customer payment is right when its rows are the truth's. The truth of a first-in-
first-out choice assumes every earlier payment applied as its truth: when the product leaves an earlier payment of
the same customer to a person, it is right by docs/cashapp.md to leave a later equal-amount payment too (a miss,
not a wrong application).
"""

from __future__ import annotations

import csv
import dataclasses
import itertools
import random
import re
import shutil
import sys
import tempfile
import unicodedata
import uuid
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
    outcome,
    read_export,
    run_generated_check,
    run_steps,
    save_step_logs,
    scores_by,
    statement_refusals,
)

START = date(2025, 10, 1)
END = date(2026, 4, 30)
DAYS = [date(2026, 4, d) for d in range(1, 31) if date(2026, 4, d).weekday() < 5]
FY_2026 = date(2026, 4, 1)  # India's fiscal year 2026-27 starts on 1 April

#: entity code → legal name, country, functional currency, rate of the indirect tax (GST, IVA…)
ENTITIES: dict[str, dict[str, object]] = {
    "au": {"name": "Kestrel Industrial Equipment Pty Ltd", "country": "AU", "ccy": "AUD", "vat": 10},
    "nz": {"name": "Kestrel Industrial Equipment NZ Limited", "country": "NZ", "ccy": "NZD", "vat": 15},
    "sg": {"name": "Kestrel Industrial Equipment (S) Pte. Ltd.", "country": "SG", "ccy": "SGD", "vat": 9},
    "in": {"name": "Kestrel Industrial Equipment India Private Limited", "country": "IN", "ccy": "INR", "vat": 18},
    "jp": {"name": "ケストレル産業機器株式会社", "country": "JP", "ccy": "JPY", "vat": 10},
    "mx": {"name": "Kestrel Equipos Industriales de México, S.A. de C.V.", "country": "MX", "ccy": "MXN", "vat": 16},
    "br": {"name": "Kestrel Equipamentos Industriais do Brasil Ltda.", "country": "BR", "ccy": "BRL", "vat": 0},
}  # fmt: skip
ENTITY_SHARE = {"au": 0.19, "nz": 0.09, "sg": 0.12, "in": 0.18, "jp": 0.15, "mx": 0.14, "br": 0.13}
#: units of each currency per euro (to draw amounts of one order of magnitude everywhere)
FX = {
    "AUD": Decimal("1.65"), "NZD": Decimal("1.80"), "SGD": Decimal("1.45"), "INR": Decimal("92"),
    "JPY": Decimal("162"), "MXN": Decimal("19.6"), "BRL": Decimal("6.1"), "USD": Decimal("1.08"),
}  # fmt: skip
#: how far below an amount an item may be settled as charges kept back (hundredths): docs/cashapp.md gives 25
#: euros' worth, 4,000 JPY and 25 USD; for the others an order of magnitude of 25 euros, taken generously so
#: that no truth rests on an item the product could take for that amount less charges
TOLERANCE = {"JPY": 400_000, "USD": 2_500, "AUD": 5_000, "NZD": 5_000, "SGD": 5_000, "INR": 250_000, "MXN": 50_000,
             "BRL": 25_000}  # fmt: skip


def clabe(bank: str, plaza: str, account: str) -> str:
    """A Mexican CLABE: bank (3), plaza (3), account (11) and the check digit (weights 3, 7, 1)."""
    body = bank + plaza + account
    s = sum(int(d) * (3, 7, 1)[i % 3] % 10 for i, d in enumerate(body))
    return body + str((10 - s % 10) % 10)


def clabe_valid(s: str) -> bool:
    return len(s) == 18 and s.isdigit() and clabe(s[:3], s[3:6], s[6:17]) == s


def luhn_digit(body: str) -> str:
    """The check digit of MOD10V01 (Luhn), as BPAY customer reference numbers carry it."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def luhn_valid(s: str) -> bool:
    return s.isdigit() and luhn_digit(s[:-1]) == s[-1]


#: own accounts: key → entity, currency, bank, statement format, BIC, account as the bank identifies it
ACCOUNTS: dict[str, tuple[str, str, str, str, str, str]] = {
    "au_anz": ("au", "AUD", "ANZ", "camt053v02", "ANZBAU3MXXX", "013006837654321"),
    "au_cba": ("au", "AUD", "CBA", "mt940", "CTBAAU2SXXX", "06200010458812"),
    "au_bpay": ("au", "AUD", "ANZ BPAY", "camt054v02", "ANZBAU3MXXX", "013006837650017"),
    "nz_anz": ("nz", "NZD", "ANZ NZ", "camt053v02", "ANZBNZ22XXX", "010242012345600"),
    "nz_wbc": ("nz", "NZD", "Westpac NZ", "mt940", "WPACNZ2WXXX", "030104045678900"),
    "sg_dbs": ("sg", "SGD", "DBS", "camt053v08", "DBSSSGSGXXX", "0720123456"),
    "sg_ocbc": ("sg", "SGD", "OCBC", "mt940", "OCBCSGSGXXX", "501234567001"),
    "sg_usd": ("sg", "USD", "DBS", "camt053v08", "DBSSSGSGXXX", "0720987654"),
    "in_hdfc": ("in", "INR", "HDFC", "mt940", "HDFCINBBXXX", "50200012345678"),
    "in_citi": ("in", "INR", "Citi India", "camt053v02", "CITIINBXXXX", "5012345678"),
    "in_usd": ("in", "USD", "Citi India EEFC", "camt053v02", "CITIINBXXXX", "5012345679"),
    "jp_mufg": ("jp", "JPY", "MUFG", "camt053v02", "BOTKJPJTXXX", "00050011234567"),
    "jp_smbc": ("jp", "JPY", "SMBC", "camt054v08", "SMBCJPJTXXX", "00092167654321"),
    "mx_banamex": ("mx", "MXN", "Citibanamex", "mt940", "BNMXMXMMXXX", clabe("002", "180", "70012345678")),
    "mx_hsbc": ("mx", "MXN", "HSBC Mexico", "camt053v02", "BIMEMXMMXXX", clabe("021", "180", "04012345678")),
    "mx_usd": ("mx", "USD", "HSBC Mexico", "camt053v08", "BIMEMXMMXXX", clabe("021", "180", "04098765432")),
    "br_itau": ("br", "BRL", "Itau", "mt940", "ITAUBRSPXXX", "0341123401234565"),
    "br_citi": ("br", "BRL", "Citi Brasil", "camt053v08", "CITIBRBRXXX", "07450001123456789"),
    "br_boleto": ("br", "BRL", "Bradesco cobranca", "camt054v02", "BBDEBRSPXXX", "0237123400123456"),
}
ACCOUNT_ORDER = {k: i for i, k in enumerate(ACCOUNTS)}
MAIN = {
    "au": "au_anz",
    "nz": "nz_anz",
    "sg": "sg_dbs",
    "in": "in_citi",
    "jp": "jp_mufg",
    "mx": "mx_hsbc",
    "br": "br_citi",
}
SECOND = {
    "au": "au_cba",
    "nz": "nz_wbc",
    "sg": "sg_ocbc",
    "in": "in_hdfc",
    "jp": "jp_smbc",
    "mx": "mx_banamex",
    "br": "br_itau",
}
USD_ACCT = {"sg": "sg_usd", "in": "in_usd", "mx": "mx_usd"}

# ----------------------------------------------------------------------------------------
# names
# ----------------------------------------------------------------------------------------

STEMS = {
    "AU": ["Southern Cross", "Pacific", "Murray", "Coastal", "Outback", "Eureka", "Banksia", "Wattle", "Redgum",
           "Ironbark", "Flinders", "Hunter Valley", "Illawarra", "Gippsland", "Riverina", "Pilbara", "Kimberley",
           "Macquarie", "Barossa", "Hume", "Goldfields", "Bayside", "Northern Rivers", "Gladstone", "Mackay",
           "Townsville", "Ballarat", "Bendigo", "Geelong", "Whyalla", "Kalgoorlie", "Dandenong", "Penrith",
           "Wollongong", "Cairns", "Darwin", "Hobart", "Launceston", "Toowoomba", "Mildura", "Dubbo", "Tamworth",
           "Bathurst", "O'Brien", "McKenzie", "Nguyen", "Papadopoulos", "Kelly Bros", "Harris", "Walsh",
           "Thompson", "Mitchell", "Campbell", "Great Western", "Eastern Suburbs", "Top End"],
    "NZ": ["Tasman", "Waikato", "Canterbury", "Otago", "Southland", "Taranaki", "Manawatu", "Northland", "Kaimai",
           "Ruapehu", "Aoraki", "Kiwi", "Fern", "Rimu", "Kauri", "Totara", "Matai", "Pukeko", "Tui", "Kea",
           "Takahe", "Waitemata", "Rangitoto", "Hutt Valley", "Nelson", "Marlborough", "Timaru", "Rotorua",
           "Tauranga", "Whanganui", "Gisborne", "Ngata", "Te Awa", "McLeod", "Fraser", "Cameron", "Robertson",
           "Kerr", "Harbourside", "Mainland"],
    "SG": ["Tan Brothers", "Jurong", "Lion City", "Sin Heng", "Hup Soon", "Soon Lee", "Chuan Huat", "Ang Hock Seng",
           "Kim Seng", "Teck Lee", "Hock Chuan", "Eng Hup", "Guan Huat", "Seng Kee", "Tuas", "Changi", "Pioneer",
           "Benoi", "Kranji", "Senoko", "Keat Hong", "Lim Kee", "Raffles", "Merlion", "Straits", "Orchid",
           "Temasek", "Nanyang", "Kallang", "Sembawang", "Woodlands", "Ramasamy", "Ismail", "Koh", "Goh", "Chua",
           "Yeo", "Boon Lay", "Loyang", "Gul"],
    "IN": ["Shree Ganesh", "Bharat", "Sai", "Krishna", "Patel", "Mahalaxmi", "Om Sai", "Vardhman",
           "Sri Venkateswara", "Jai Hind", "Ambica", "Shakti", "Kaveri", "Godavari", "Narmada", "Sahyadri", "Deccan",
           "Vishwakarma", "Balaji", "Durga", "Annapurna", "Laxmi", "Saraswati", "Jyoti", "Bhagwati", "Mehta",
           "Shah", "Agarwal", "Reddy", "Iyer", "Nair", "Gupta", "Sharma", "Joshi", "Desai", "Kulkarni", "Chopra",
           "Malhotra", "Rathi", "Jain", "Sundar", "Pragati", "Unnati", "Navbharat", "Rajlaxmi", "Siddhi Vinayak"],
    "MX": ["del Norte", "del Bajío", "de Monterrey", "Tapatía", "de Puebla", "del Golfo", "del Pacífico",
           "de Querétaro", "Azteca", "Regiomontana", "del Sureste", "de Saltillo", "Potosina", "de Occidente",
           "Hidalguense", "Mexiquense", "de Chihuahua", "Sonorense", "de Toluca", "Poblana", "Ramírez", "Hernández",
           "González", "Martínez", "López", "Garza", "Treviño", "Villarreal", "Cantú", "Salinas", "de la Laguna",
           "del Centro", "Industrial Anáhuac", "Peninsular"],
    "BR": ["São Paulo", "Paulista", "Campinas", "Gaúcha", "Paraná", "Minas", "Mineira", "Catarinense", "Baiana",
           "Nordeste", "do Vale", "Sorocaba", "Joinville", "Ribeirão", "Goiás", "Capixaba", "Amazonas",
           "Pernambucana", "Santos", "ABC", "Silva", "Souza", "Oliveira", "Pereira", "Costa", "Rodrigues",
           "Almeida", "Nascimento", "Lima", "Araújo", "Fluminense", "Cearense", "Serrana", "Litoral"],
}  # fmt: skip
TRADES = {
    "AU": ["Engineering", "Mining Services", "Hydraulics", "Industrial Supplies", "Mechanical", "Fabrication",
           "Earthmoving", "Pumps", "Electrical", "Bearings", "Transport", "Agricultural Machinery", "Crane Hire",
           "Conveyor Systems", "Drilling", "Maintenance Services", "Steel", "Marine"],
    "NZ": ["Engineering", "Dairy Equipment", "Agricultural Services", "Hydraulics", "Forestry Machinery",
           "Contracting", "Pumps", "Fabrication", "Electrical", "Transport", "Irrigation", "Marine Services",
           "Refrigeration"],
    "SG": ["Engineering", "Marine Supplies", "Machinery", "Hydraulics", "Industrial", "Hardware", "Trading",
           "Offshore Services", "Electrical", "Precision Engineering", "Logistics", "Construction"],
    "IN": ["Engineering Works", "Industries", "Machine Tools", "Hydraulics", "Steel Traders", "Industrial Traders",
           "Fabricators", "Electricals", "Bearings", "Pumps", "Auto Components", "Castings", "Forgings",
           "Enterprises", "Infra Projects", "Power Systems", "Textile Machinery", "Agro Industries"],
    "MX": ["Maquinaria Industrial", "Refacciones y Servicios", "Grupo Ferretero", "Hidráulica", "Aceros y Partes",
           "Servicios Mineros", "Bombas y Motores", "Rodamientos", "Construcciones y Montajes", "Metalmecánica",
           "Transportes", "Soluciones Industriales", "Equipos Agrícolas"],
    "BR": ["Metalúrgica", "Comércio de Peças Industriais", "Hidráulica", "Máquinas", "Ferramentas", "Usinagem",
           "Mineração", "Automação Industrial", "Rolamentos", "Equipamentos Agrícolas", "Manutenção Industrial",
           "Caldeiraria", "Transportes"],
}  # fmt: skip
#: Japanese name parts: kanji, reading (katakana)
JP_FAMILY = [
    ("山田", "ヤマダ"), ("田中", "タナカ"), ("鈴木", "スズキ"), ("佐藤", "サトウ"), ("高橋", "タカハシ"), ("渡辺", "ワタナベ"),
    ("中村", "ナカムラ"), ("小林", "コバヤシ"), ("加藤", "カトウ"), ("吉田", "ヨシダ"), ("山本", "ヤマモト"), ("松本", "マツモト"),
    ("井上", "イノウエ"), ("木村", "キムラ"), ("清水", "シミズ"), ("山口", "ヤマグチ"), ("池田", "イケダ"), ("橋本", "ハシモト"),
    ("石川", "イシカワ"), ("前田", "マエダ"), ("藤田", "フジタ"), ("岡田", "オカダ"), ("後藤", "ゴトウ"), ("長谷川", "ハセガワ"),
    ("村上", "ムラカミ"), ("近藤", "コンドウ"), ("坂本", "サカモト"), ("遠藤", "エンドウ"), ("青木", "アオキ"), ("西村", "ニシムラ"),
    ("福田", "フクダ"), ("太田", "オオタ"), ("三浦", "ミウラ"), ("藤井", "フジイ"), ("岡本", "オカモト"), ("松田", "マツダ"),
    ("中川", "ナカガワ"), ("東京", "トウキョウ"), ("大阪", "オオサカ"), ("名古屋", "ナゴヤ"), ("横浜", "ヨコハマ"), ("神戸", "コウベ"),
    ("北海道", "ホッカイドウ"), ("九州", "キュウシュウ"), ("東海", "トウカイ"), ("関西", "カンサイ"), ("中部", "チュウブ"),
    ("北陸", "ホクリク"), ("広島", "ヒロシマ"), ("仙台", "センダイ"), ("静岡", "シズオカ"), ("新潟", "ニイガタ"), ("富士", "フジ"),
    ("大和", "ヤマト"), ("昭和", "ショウワ"), ("三共", "サンキョウ"), ("第一", "ダイイチ"), ("協和", "キョウワ"), ("旭", "アサヒ"),
    ("日進", "ニッシン"), ("太陽", "タイヨウ"), ("光", "ヒカリ"), ("丸一", "マルイチ"), ("大洋", "タイヨウ"), ("千代田", "チヨダ"),
]  # fmt: skip
JP_BIZ = [
    ("商事", "ショウジ"), ("機械", "キカイ"), ("製作所", "セイサクショ"), ("産業", "サンギョウ"), ("電機", "デンキ"),
    ("精機", "セイキ"), ("工機", "コウキ"), ("技研", "ギケン"), ("物産", "ブッサン"), ("鉄工所", "テッコウショ"),
    ("建設", "ケンセツ"), ("運輸", "ウンユ"), ("化学", "カガク"), ("金属", "キンゾク"), ("重工業", "ジュウコウギョウ"),
    ("設備", "セツビ"), ("エンジニアリング", "エンジニアリング"), ("機工", "キコウ"), ("油圧", "ユアツ"), ("ポンプ", "ポンプ"),
    ("ベアリング", "ベアリング"), ("マシナリー", "マシナリー"), ("テクノ", "テクノ"), ("工業", "コウギョウ"), ("製作", "セイサク"),
]  # fmt: skip
#: names written with other characters and read alike: what Japanese banks send cannot tell them apart
JP_HOMOPHONES = [
    (("伊藤", "伊東"), "イトウ"), (("斉藤", "斎藤"), "サイトウ"), (("渡部", "渡邊"), "ワタナベ"), (("工業", "興業"), "コウギョウ"),
    (("河野", "川野"), "カワノ"), (("小野", "尾野"), "オノ"), (("菅原", "須賀原"), "スガワラ"), (("上野", "植野"), "ウエノ"),
]  # fmt: skip
FOREIGN = {
    "sg": ["PT Sumber Jaya Teknik", "PT Karya Mandiri Industri", "PT Bintang Timur Perkasa", "Siam Industrial Parts Co., Ltd.",
           "Chao Phraya Engineering Co., Ltd.", "Saigon Technical Equipment Co., Ltd.", "Hanoi Machinery Co., Ltd.",
           "Manila Equipment Corporation", "Cebu Industrial Supply Inc.", "Penang Precision Sdn. Bhd.",
           "Johor Marine Works Sdn. Bhd.", "Klang Valley Hydraulics Sdn. Bhd.", "Yangon Industrial Co., Ltd.",
           "Mekong Pumps Co., Ltd.", "Borneo Heavy Equipment Sdn. Bhd.", "PT Samudra Mesin Nusantara",
           "Rayong Petro Services Co., Ltd.", "Davao Power Systems Inc.", "Brunei Oilfield Supplies Sdn. Bhd."],
    "in": ["Al Noor Industrial Trading LLC", "Gulf Engineering Supplies LLC", "Emirates Pump Services LLC",
           "Riyadh Mechanical Est.", "Nairobi Engineering Works Limited", "Dhaka Textile Machinery Limited",
           "Colombo Industrial Agencies Ltd", "Kathmandu Hydro Equipment Ltd", "Muscat Oilfield Supplies LLC",
           "Doha Marine Engineering W.L.L.", "Lagos Power Systems Limited", "Dar es Salaam Mining Supplies Limited",
           "Kampala Agro Machinery Limited", "Chittagong Steel Works Limited", "Sharjah Bearing Trading LLC",
           "Bahrain Industrial Spares W.L.L.", "Mombasa Port Engineering Limited"],
    "mx": ["Ensambles Fronterizos S.A. de C.V.", "Maquiladora del Río Bravo S.A. de C.V.",
           "Componentes Automotrices de Juárez S. de R.L. de C.V.", "Rio Grande Industrial Supply LLC",
           "Laredo Equipment Inc.", "Maquinaria Centroamericana S.A.", "Equipos Andinos S.A.S.",
           "Tijuana Precision Parts S. de R.L. de C.V.", "Sonora Mining Supply LLC", "Guatemala Industrial S.A.",
           "Reynosa Electrónica S.A. de C.V.", "Matamoros Assembly S. de R.L. de C.V.", "El Paso Pump Services LLC",
           "Costa Rica Equipos Industriales S.A."],
}  # fmt: skip
#: legal form as on file → how banks write it
LEGAL_VARIANTS: dict[str, list[str]] = {
    "Pty Ltd": ["PTY LTD", "PTY LIMITED", "P/L", "PTY. LTD.", "PTY LTD."],
    "Limited": ["LTD", "LIMITED", "LTD."],
    "Ltd": ["LTD", "LIMITED"],
    "Pte. Ltd.": ["PTE LTD", "PTE. LTD.", "PRIVATE LIMITED", "PTE LIMITED", "PTE. LTD"],
    "Pte Ltd": ["PTE LTD", "PTE. LTD.", "PRIVATE LIMITED"],
    "Private Limited": ["PVT LTD", "PVT. LTD.", "PRIVATE LIMITED", "P LTD", "PRIVATE LTD", "PVT LIMITED"],
    "Pvt. Ltd.": ["PVT LTD", "PVT. LTD.", "PRIVATE LIMITED", "PRIVATE LTD"],
    "LLP": ["LLP"],
    "S.A. de C.V.": ["SA DE CV", "S.A. DE C.V.", "S A DE C V", "SA DE C V"],
    "S. de R.L. de C.V.": ["S DE RL DE CV", "S. DE R.L. DE C.V.", "S DE R L DE C V"],
    "S.A.P.I. de C.V.": ["SAPI DE CV", "S.A.P.I. DE C.V."],
    "Ltda.": ["LTDA", "LTDA.", "LIMITADA"],
    "S.A.": ["SA", "S/A", "S.A."],
    "EIRELI": ["EIRELI"],
    "ME": ["ME", "- ME"],
    "Co., Ltd.": ["CO LTD", "CO.,LTD.", "COMPANY LIMITED", "CO., LTD"],
    "Sdn. Bhd.": ["SDN BHD", "SDN. BHD."],
    "LLC": ["LLC", "L.L.C"],
    "Inc.": ["INC", "INC."],
    "Corporation": ["CORP", "CORPORATION"],
    "S.A.S.": ["SAS", "S.A.S"],
    "W.L.L.": ["WLL", "W.L.L"],
    "Est.": ["EST", "EST."],
}
LEGAL_WORDS = {
    "PTY", "LTD", "LIMITED", "P/L", "PTE", "PRIVATE", "PVT", "P", "LLP", "SA", "DE", "CV", "S", "RL", "R", "L",
    "C", "V", "SAPI", "LTDA", "LIMITADA", "S/A", "EIRELI", "ME", "CO", "COMPANY", "SDN", "BHD", "LLC", "INC",
    "CORP", "CORPORATION", "SAS", "WLL", "EST", "PT", "A",
}  # fmt: skip
#: words Indian banks and payers shorten
IN_SHORT = {
    "Engineering": "ENGG",
    "Industries": "INDS",
    "Enterprises": "ENTP",
    "Traders": "TRDRS",
    "Works": "WKS",
}
GROUPS = {
    "au": [("Southern Cross Holdings", "Pty Ltd", ["Southern Cross Mining Services", "Southern Cross Crane Hire"]),
           ("Pilbara Resources Group", "Limited", ["Pilbara Drilling", "Pilbara Earthmoving"])],
    "nz": [("Tasman Group Holdings", "Limited", ["Tasman Dairy Equipment", "Tasman Irrigation"])],
    "sg": [("Straits Marine Holdings", "Pte. Ltd.", ["Straits Offshore Services", "Straits Marine Supplies"]),
           ("Nanyang Industrial Group", "Pte. Ltd.", ["Nanyang Precision Engineering", "Nanyang Hardware"])],
    "in": [("Bharat Heavy Fabrication Group", "Limited", ["Bharat Castings", "Bharat Forgings", "Bharat Power Systems"]),
           ("Deccan Industrial Holdings", "Private Limited", ["Deccan Pumps", "Deccan Machine Tools"])],
    "jp": [("大和ホールディングス", "ヤマトホールディングス", ["大和精機", "大和運輸"]),
           ("日進グループ", "ニッシングループ", ["日進機工", "日進金属"])],
    "mx": [("Grupo Industrial Regiomontano", "S.A. de C.V.", ["Aceros Regiomontanos", "Servicios Mineros Regiomontanos"]),
           ("Grupo Ferretero del Bajío", "S.A.P.I. de C.V.", ["Ferretera del Bajío", "Transportes del Bajío"])],
    "br": [("Grupo Metalúrgico Paulista", "S.A.", ["Usinagem Paulista", "Caldeiraria Paulista"]),
           ("Holding Catarinense de Máquinas", "S.A.", ["Máquinas Catarinense", "Rolamentos Catarinense"])],
}  # fmt: skip

# ----------------------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------------------


def strip_accents(s: str) -> str:
    """What a bank writing ASCII makes of a name or a text."""
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _half_width_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for cp in range(0xFF66, 0xFF9E):
        h = chr(cp)
        full = unicodedata.normalize("NFKC", h)
        table.setdefault(full, h)
        for mark in ("\uff9e", "\uff9f"):
            comp = unicodedata.normalize("NFKC", h + mark)
            if len(comp) == 1 and comp != full:
                table.setdefault(comp, h + mark)
    # the Zengin character set has no small kana: banks write them large
    for small, large in zip("ァィゥェォャュョッヮ", "ｱｲｳｴｵﾔﾕﾖﾂﾜ", strict=True):
        table[small] = large
    table["ー"] = "ｰ"
    table["・"] = "."
    table["　"] = " "
    return table


_HALF = _half_width_table()


def half_width(kana: str) -> str:
    """Full-width katakana as a Japanese bank sends it: half-width, small kana written large."""
    return "".join(_HALF.get(ch, ch) for ch in kana)


def fmt_amount(c: int, ccy: str = "") -> str:
    """Hundredths as the files and the export write them: "1234.50", "12000" in yen."""
    sign = "-" if c < 0 else ""
    c = abs(c)
    if ccy == "JPY":
        return f"{sign}{c // 100}"
    return f"{sign}{c // 100}.{c % 100:02d}"


def fmt_grouped(c: int, ccy: str) -> str:
    """An amount as payers type it in English: "1,234.50", "12,000" in yen."""
    whole, frac = divmod(abs(c), 100)
    return f"{whole:,}" if ccy == "JPY" else f"{whole:,}.{frac:02d}"


def fmt_indian(c: int) -> str:
    """Indian digit grouping: lakhs and crores, "1,23,456.00"."""
    whole, frac = divmod(abs(c), 100)
    s = str(whole)
    if len(s) > 3:
        head, tail = s[:-3], s[-3:]
        parts = []
        while len(head) > 2:
            parts.insert(0, head[-2:])
            head = head[:-2]
        if head:
            parts.insert(0, head)
        s = ",".join(parts) + "," + tail
    return f"{s}.{frac:02d}"


def fmt_br(c: int) -> str:
    """A Brazilian amount: "1.234,56"."""
    whole, frac = divmod(abs(c), 100)
    return f"{whole:,}".replace(",", ".") + f",{frac:02d}"


def half_up(x: Decimal) -> int:
    return int(x.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def alnum(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(n))


def canonical(number: str) -> str:
    """A number's groups of digits without their leading zeros."""
    return "/".join(str(int(g)) for g in re.findall(r"\d+", number))


def pack12(text: str) -> tuple[str, str, str]:
    """A text in New Zealand's three payer fields of 12 characters, word by word."""
    fields = ["", "", ""]
    k = 0
    for w in text.split():
        while k < 3 and len(fields[k]) + bool(fields[k]) + len(w[:12]) > 12:
            k += 1
        if k == 3:
            break
        fields[k] = f"{fields[k]} {w[:12]}".strip()
    return fields[0], fields[1], fields[2]


def norm_name(s: str) -> str:
    """A name compared as a clerk reads it: capitals, no accents, no punctuation, no legal form."""
    s = strip_accents(s).upper().replace("&", " AND ")
    words = re.sub(r"[^A-Z0-9/ ]+", " ", s.replace(".", "")).split()
    return " ".join(w for w in words if w not in LEGAL_WORDS)


def cnpj(rng: random.Random) -> str:
    """A Brazilian company number with its two check digits: 12.345.678/0001-90."""
    base = [int(d) for d in digits(rng, 8)] + [0, 0, 0, 1]
    for weights in ([5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2], [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]):
        r = sum(d * w for d, w in zip(base, weights, strict=True)) % 11
        base.append(0 if r < 2 else 11 - r)
    s = "".join(map(str, base))
    return f"{s[:2]}.{s[2:5]}.{s[5:8]}/{s[8:12]}-{s[12:]}"


def rfc(rng: random.Random, name: str) -> str:
    """A Mexican company tax id: three letters of the name, the date of incorporation, a homoclave."""
    letters = re.sub(r"[^A-Z]", "", strip_accents(name).upper())[:3].ljust(3, "X")
    d = date(rng.randint(1985, 2020), rng.randint(1, 12), rng.randint(1, 28))
    return f"{letters}{d:%y%m%d}{alnum(rng, 3)}"


def uen(rng: random.Random) -> str:
    """A Singapore company registration number (UEN): year, five digits, a letter."""
    return f"{rng.randint(1995, 2024)}{digits(rng, 5)}{rng.choice('ABCDEGHKMNRWZ')}"


def gstin(rng: random.Random) -> str:
    """An Indian GST number: state, PAN, entity number, Z, check character."""
    pan = (
        "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(5))
        + digits(rng, 4)
        + rng.choice("ABCDEFGH")
    )
    return (
        f"{rng.choice(['27', '29', '33', '24', '07', '06', '36'])}{pan}1Z{rng.choice('0123456789ABCDEFGH')}"
    )


# ----------------------------------------------------------------------------------------
# the model
# ----------------------------------------------------------------------------------------


@dataclass
class Customer:
    id: str
    entity: str
    name: str
    nat: str  # the customer's country
    ccy: str  # the currency it is invoiced in
    tax_id: str = ""  # ABN, GSTIN, UEN, RFC, CNPJ…
    acct: str = ""  # the account it pays from, as its bank identifies it
    agent: str = ""  # its bank's clearing code (BSB, IFSC, Zengin bank and branch)
    on_file: str = ""  # the account as the master data holds it (Australia only, docs/cli.md)
    legal: str = ""  # the legal form as on file
    base: str = ""  # the name without its legal form
    kind: str = "company"  # company, parent, sub, foreign
    parent_id: str = ""
    group: str = ""
    namesake: str = ""
    terms: int = 30
    periodic: bool = False
    size: float = 1.0
    kana: str = ""  # Japan: the reading in katakana, without the legal form
    jp_legal: str = ""  # kk_pre, kk_post, yk_pre, gk_post
    shime: tuple[date, date, date] | None = None  # Japan: closing period's first and last day, pay day
    aliases: list[str] = field(default_factory=list)
    other_acct: str = ""  # an account it also pays from, never on file
    proprietor: bool = False  # an Indian proprietorship (no legal form)


@dataclass
class Invoice:
    key: int
    entity: str
    customer: str
    issue: date
    due: date
    currency: str
    total: int
    kind: str = "invoice"
    series: str = "main"
    number: str = ""
    vat: int = 0
    rate: str = ""
    serial: int = 0
    periodic: bool = False
    used: bool = False
    nf: int = 0  # Brazil: the invoices that are parcels (duplicatas) of one nota fiscal share it
    parcel: int = 0
    parcels: int = 0
    uuid: str = ""  # Mexico: the CFDI's folio fiscal

    @property
    def signed(self) -> int:
        return -self.total if self.kind == "credit_note" else self.total


@dataclass
class Tx:
    ref: str
    entity: str
    account: str
    currency: str
    amount: int
    value: date
    scenario: str
    kind: str  # customer, trap, nc
    channel: str = ""
    rows: list[tuple[Invoice | None, int, str]] = field(default_factory=list)
    truth: list[tuple[str, int, str]] = field(default_factory=list)
    customer: str = ""
    payer_name: str = ""  # as the bank writes it (cut per channel when the statement is written)
    payer_acct: str = ""
    payer_agent: str = ""
    ultimate: str = ""
    text: str = ""  # what the payer typed
    nz: tuple[str, str, str] | None = None  # New Zealand: particulars, code, reference
    refnum: str = ""  # Mexico: referencia numérica
    crn: str = ""  # Australia: BPAY customer reference number
    crn_strd: bool = False
    boleto: tuple[str, str, str] = ("", "", "")  # Brazil: nosso número, seu número, the bank's amounts line
    ustrd: list[str] = field(default_factory=list)
    strd_refs: list[tuple[str, str]] = field(default_factory=list)  # (proprietary type, reference)
    addtl_tx: str = ""
    addtl_ntry: str = ""
    mt86: str = ""
    e2e: str = "NOTPROVIDED"
    ids: dict[str, str] = field(default_factory=dict)  # the channel's own numbers (UTR, clave de rastreo…)
    allow_on_account: bool = False
    debit: bool = False
    rvsl: bool = False
    btc: tuple[str, str, str] = ("PMNT", "RCDT", "DMCT")
    instd: int = 0
    checks: list[str] = field(default_factory=list)
    check_args: dict[str, object] = field(default_factory=dict)
    pair: str = ""
    seq: int = 0
    mt_code: str = "NTRF"
    render: Callable[[], None] | None = None
    by_name: bool = False  # the payer is known by its name only: rivals are checked
    variant: str = ""  # how the bank gave what identifies the payer (shown in the table per channel)
    ded_any: bool = False  # the charges kept back may sit on any of the invoices paid

    @property
    def country(self) -> str:
        return self.entity.upper()

    @property
    def fmt(self) -> str:
        return ACCOUNTS[self.account][3]

    def remittance(self) -> str:
        parts = list(self.ustrd) + [f"[Strd {tp} {r}]" for tp, r in self.strd_refs]
        if self.addtl_tx:
            parts.append(f"[AddtlTxInf {self.addtl_tx}]")
        if self.addtl_ntry:
            parts.append(f"[AddtlNtryInf {self.addtl_ntry}]")
        if self.fmt == "mt940":
            parts = [f":86:{self.mt86}"]
        return " | ".join(parts)


# ----------------------------------------------------------------------------------------
# the generator
# ----------------------------------------------------------------------------------------

ALL = ("au", "nz", "sg", "in", "jp", "mx", "br")
NOT_JP = ("au", "nz", "sg", "in", "mx", "br")
#: customer scenarios: name, share of customer payments (%), the entities it happens in
CUSTOMER_PLAN: list[tuple[str, float, tuple[str, ...]]] = [
    ("ref_exact", 12.0, NOT_JP),
    ("ref_mangled", 9.0, NOT_JP),
    ("ref_typo", 1.5, NOT_JP),
    ("multi_ref", 5.0, NOT_JP),
    ("credit_netted", 1.5, ("au", "nz", "sg", "in", "mx")),
    ("partial", 2.5, NOT_JP),
    ("overpayment", 1.5, NOT_JP),
    ("duplicate", 2.0, ALL),
    ("noref_unique", 4.5, NOT_JP),
    ("noref_combo", 2.0, NOT_JP),
    ("fifo_equal", 2.5, ALL),
    ("group_parent", 2.0, ALL),
    ("usd_invoice", 2.0, ("sg", "in", "mx")),
    ("charges_usd", 1.5, ("sg", "in", "mx")),
    ("advance", 0.8, NOT_JP),
    ("au_bpay", 5.0, ("au",)),
    ("in_tds_explained", 2.5, ("in",)),
    ("in_tds_unexplained", 1.5, ("in",)),
    ("in_serial_only", 1.0, ("in",)),
    ("jp_kana", 6.0, ("jp",)),
    ("jp_fee", 3.0, ("jp",)),
    ("jp_shime", 3.0, ("jp",)),
    ("jp_code_name", 1.2, ("jp",)),
    ("jp_edi_ref", 0.8, ("jp",)),
    ("namesake_unique", 1.2, ALL),
    ("mx_uuid_only", 1.0, ("mx",)),
    ("mx_refnum", 1.5, ("mx",)),
    ("br_boleto", 4.0, ("br",)),
    ("br_boleto_nosso", 1.5, ("br",)),
    ("br_boleto_juros", 1.0, ("br",)),
    ("br_parcela", 1.5, ("br",)),
    ("br_parcela_fifo", 1.0, ("br",)),
]
TRAP_PLAN: list[tuple[str, float, tuple[str, ...]]] = [
    ("trap_namesake", 1.0, ALL),
    ("trap_typo_two", 1.0, NOT_JP),
    ("trap_amount_two", 1.0, ALL),
    ("trap_before_invoice", 1.0, ALL),
    ("trap_ccy_crossed", 0.8, ("sg", "in", "mx")),
]
NC_KINDS = [
    "nc_tax", "nc_interest", "nc_marketplace", "nc_card", "nc_intragroup", "nc_own_transfer", "nc_insurance",
    "nc_supplier_refund", "nc_return", "nc_grant",
]  # fmt: skip
REGION_WORD = {
    "AU": ["Queensland", "Victoria", "WA", "NSW", "Tasmania"],
    "NZ": ["Auckland", "Christchurch", "Wellington", "Hamilton"],
    "SG": ["International", "Asia", "Marine", "Offshore"],
    "IN": ["Pune", "Chennai", "Gujarat", "Mumbai", "Bangalore"],
    "MX": ["Monterrey", "Guadalajara", "León", "Querétaro"],
    "BR": ["Sul", "Nordeste", "SP", "Minas"],
}
BANKS = {
    "IN": ["SBIN", "HDFC", "ICIC", "UTIB", "KKBK", "PUNB", "BARB", "CNRB", "IDIB", "YESB"],
    "MX": ["002", "012", "014", "021", "030", "036", "044", "058", "072", "137"],
    "BR": ["001", "033", "104", "237", "341", "748", "756", "077", "260", "336"],
    "SG": ["7171", "7339", "7375", "7232", "7144"],
    "JP": ["0001", "0005", "0009", "0010", "0017", "0033", "0036", "0138", "0149", "0158"],
}
IN_BANK_NAME = {"SBIN": "STATE BANK OF INDIA", "HDFC": "HDFC BANK", "ICIC": "ICICI BANK", "UTIB": "AXIS BANK",
                "KKBK": "KOTAK MAHINDRA BANK", "PUNB": "PUNJAB NATIONAL BANK", "BARB": "BANK OF BARODA",
                "CNRB": "CANARA BANK", "IDIB": "INDIAN BANK", "YESB": "YES BANK"}  # fmt: skip
MX_BANK_NAME = {"002": "BANAMEX", "012": "BBVA MEXICO", "014": "SANTANDER", "021": "HSBC", "030": "BAJIO",
                "036": "INBURSA", "044": "SCOTIABANK", "058": "BANREGIO", "072": "BANORTE", "137": "BANCOPPEL"}  # fmt: skip
BR_ISPB = {"001": "00000000", "033": "90400888", "104": "00360305", "237": "60746948", "341": "60701190",
           "748": "01181521", "756": "02038232", "077": "00416968", "260": "18236120", "336": "31872495"}  # fmt: skip


class Generator:
    def __init__(self, payments: int, seed: int) -> None:
        self.n = payments
        self.rng = random.Random(seed)
        self.seed = seed
        self.customers: list[Customer] = []
        self.by_id: dict[str, Customer] = {}
        self.invoices: list[Invoice] = []
        self.items: dict[str, list[Invoice]] = defaultdict(list)
        self.txs: list[Tx] = []
        self.dropped: Counter[str] = Counter()
        self.busy: set[tuple[str, date]] = set()
        self.names_taken: dict[str, list[frozenset[str]]] = defaultdict(list)
        self.readings: dict[str, set[str]] = defaultdict(set)
        self.namesakes: dict[str, list[list[Customer]]] = defaultdict(list)
        self._ref = 0
        self._key = 0
        self._nf = 0
        self.seller_uen = "201512345W"
        self.treasury_acct = "0720555000"  # the group's treasury centre in Singapore, no entity of this book

    # ------------------------------------------------------------------ customers
    def _tokens(self, name: str) -> frozenset[str]:
        return frozenset(norm_name(name).split())

    def _name_ok(self, entity: str, name: str) -> bool:
        t = self._tokens(name)
        return bool(t) and all(not (t <= o or o <= t) for o in self.names_taken[entity])

    def _take_name(self, entity: str, name: str) -> None:
        self.names_taken[entity].append(self._tokens(name))

    def _next_id(self, e: str) -> str:
        self._seq[e] += self.rng.randint(1, 7)
        base = str(self._seq[e])
        return base + luhn_digit(base) if e == "au" else base

    def _account(self, nat: str) -> tuple[str, str, str]:
        """The account a customer pays from as its bank sends it, its bank's clearing code, and the form of
        the master data (Australia only: docs/cli.md has no form for the other countries' accounts)."""
        rng = self.rng
        if nat == "AU":
            bsb, acct = (
                f"{rng.choice(['062', '063', '012', '013', '032', '033', '082', '083', '484', '633'])}{digits(rng, 3)}",
                digits(rng, rng.choice([6, 8, 9])),
            )
            form = rng.random()
            shown = f"{bsb[:3]}-{bsb[3:]} {acct}" if form < 0.4 else f"{bsb}{acct}" if form < 0.7 else acct
            return shown, bsb, f"{bsb[:3]}-{bsb[3:]}/{acct}"
        if nat == "NZ":
            return (
                f"{rng.choice(['01', '02', '03', '06', '12', '38'])}-{digits(rng, 4)}-{digits(rng, 7)}-{rng.choice(['00', '01', '02', '25'])}",
                "",
                "",
            )
        if nat == "SG":
            return f"{digits(rng, 3)}-{digits(rng, 6)}-{digits(rng, 1)}", rng.choice(BANKS["SG"]), ""
        if nat == "IN":
            bank = rng.choice(BANKS["IN"])
            return digits(rng, rng.choice([11, 12, 14, 15])), f"{bank}0{alnum(rng, 6)}", ""
        if nat == "JP":
            return "", f"{rng.choice(BANKS['JP'])}{digits(rng, 3)}", ""
        if nat == "MX":
            bank = rng.choice(BANKS["MX"])
            return clabe(bank, digits(rng, 3), digits(rng, 11)), bank, ""
        if nat == "BR":
            bank = rng.choice(BANKS["BR"])
            return f"{digits(rng, 4)}/{digits(rng, rng.choice([5, 6, 8]))}-{rng.randint(0, 9)}", bank, ""
        return digits(rng, rng.choice([10, 12, 14])), "", ""

    def _tax_id(self, nat: str, name: str) -> str:
        rng = self.rng
        return {
            "AU": lambda: f"{rng.randint(11, 99)}{digits(rng, 9)}",
            "NZ": lambda: f"{digits(rng, 3)}-{digits(rng, 3)}-{digits(rng, 3)}",
            "SG": lambda: uen(rng),
            "IN": lambda: gstin(rng),
            "JP": lambda: f"T{digits(rng, 13)}",
            "MX": lambda: rfc(rng, name),
            "BR": lambda: cnpj(rng),
        }.get(nat, lambda: "")()

    def _company(self, e: str) -> tuple[str, str, str, bool]:
        """A customer's name, its base (without the legal form), the legal form, and whether it is an Indian
        proprietorship."""
        rng = self.rng
        nat = e.upper()
        for _ in range(400):
            stem, trade = rng.choice(STEMS[nat]), rng.choice(TRADES[nat])
            prop = False
            if nat == "AU":
                legal = rng.choices(["Pty Ltd", "Limited"], [90, 10])[0]
                base = f"{stem} {trade}"
            elif nat == "NZ":
                legal = rng.choices(["Limited", "Ltd"], [70, 30])[0]
                base = f"{stem} {trade}"
            elif nat == "SG":
                legal = rng.choices(["Pte. Ltd.", "Pte Ltd"], [80, 20])[0]
                base = f"{stem} {trade}"
            elif nat == "IN":
                legal = rng.choices(
                    ["Private Limited", "Pvt. Ltd.", "Limited", "LLP", ""], [55, 12, 8, 5, 20]
                )[0]
                base = f"{stem} {trade}"
                prop = not legal
            elif nat == "MX":
                legal = rng.choices(["S.A. de C.V.", "S. de R.L. de C.V.", "S.A.P.I. de C.V."], [75, 20, 5])[
                    0
                ]
                base = f"{trade} {stem}"
            else:
                legal = rng.choices(["Ltda.", "S.A.", "EIRELI", "ME"], [70, 10, 8, 12])[0]
                base = f"{trade} {stem}"
            name = (
                f"{base} {legal}".strip()
                if nat != "MX"
                else f"{base}, {legal}"
                if rng.random() < 0.3
                else f"{base} {legal}"
            )
            if self._name_ok(e, name):
                return name, base, legal, prop
        raise RuntimeError("no name left")

    def _jp_company(
        self, e: str, parts: tuple[str, str] | None = None, jp_legal: str = ""
    ) -> tuple[str, str, str]:
        """A Japanese company: name in kanji with its legal form, reading in katakana, position of the form."""
        rng = self.rng
        for _ in range(400):
            if parts:
                kanji, kana = parts
            else:
                (f1, r1), (b1, s1) = rng.choice(JP_FAMILY), rng.choice(JP_BIZ)
                kanji, kana = f1 + b1, r1 + s1
                if kana in self.readings[e]:
                    continue
            lg = jp_legal or rng.choices(["kk_pre", "kk_post", "yk_pre", "gk_post"], [55, 30, 10, 5])[0]
            name = {"kk_pre": f"株式会社{kanji}", "kk_post": f"{kanji}株式会社", "yk_pre": f"有限会社{kanji}",
                    "gk_post": f"{kanji}合同会社"}[lg]  # fmt: skip
            return name, kana, lg
        raise RuntimeError("no Japanese name left")

    def _add(self, c: Customer) -> Customer:
        self.customers.append(c)
        self.by_id[c.id] = c
        if c.kana:
            self.readings[c.entity].add(c.kana)
            c.aliases = [c.kana]
        else:
            self._take_name(c.entity, c.name)
        return c

    def _new_customer(self, e: str, name: str, **kw: object) -> Customer:
        nat = str(kw.pop("nat", e.upper()))
        ccy = str(kw.pop("ccy", ENTITIES[e]["ccy"]))
        c = Customer(self._next_id(e), e, name, nat, ccy, self._tax_id(nat, name), **kw)  # type: ignore[arg-type]
        c.acct, c.agent, on_file = self._account(nat)
        if on_file and self.rng.random() < 0.75:
            c.on_file = on_file
        c.other_acct = self._account(nat)[0]
        return c

    def make_customers(self) -> None:
        rng = self.rng
        total = max(70, round(self.n * 0.45))
        self._seq = {
            "au": 200000,
            "nz": 30000,
            "sg": 40000,
            "in": 50000,
            "jp": 60000,
            "mx": 70000,
            "br": 80000,
        }
        # groups: a parent (on file as the subsidiaries' parent in seven cases of ten) and its subsidiaries
        for e, groups in GROUPS.items():
            for gname, legal, subs in groups:
                on_file = rng.random() < 0.7
                if e == "jp":
                    pname, pkana, plg = self._jp_company(e, (gname, legal), "kk_post")
                    parent = self._new_customer(
                        e, pname, kana=pkana, jp_legal=plg, kind="parent", group=gname
                    )
                else:
                    parent = self._new_customer(
                        e, f"{gname} {legal}", legal=legal, base=gname, kind="parent", group=gname
                    )
                parent.on_file = parent.on_file if on_file else ""
                self._add(parent)
                parent_id = parent.id if on_file else ""
                for sub in subs:
                    if e == "jp":
                        kana = (
                            pkana.replace("ホールディングス", "").replace("グループ", "")
                            + dict(JP_BIZ)[sub[-2:]]
                        )
                        sname, skana, slg = self._jp_company(e, (sub, kana), "kk_post")
                        s = self._new_customer(e, sname, kana=skana, jp_legal=slg, kind="sub", group=gname,
                                               parent_id=parent_id, size=3.0)  # fmt: skip
                    else:
                        sname = f"{sub} {rng.choice(['Pty Ltd'] if e == 'au' else [legal])}"
                        s = self._new_customer(e, sname, legal=sname[len(sub) + 1 :], base=sub, kind="sub",
                                               group=gname, parent_id=parent_id, size=3.0)  # fmt: skip
                    s.other_acct = parent.acct
                    self._add(s)
        # namesakes: a name and the same name with a region (Japan: two names read alike)
        for e, share in ENTITY_SHARE.items():
            nat = e.upper()
            for _ in range(max(2, round(total * share / 50))):
                if e == "jp":
                    (w1, w2), reading = rng.choice(JP_HOMOPHONES)
                    other, oread = rng.choice(
                        JP_BIZ if len(w1) == 2 and w1 not in ("工業", "興業") else JP_FAMILY
                    )
                    if w1 in ("工業", "興業"):
                        k1, k2, kana = other + w1, other + w2, oread + reading
                    else:
                        k1, k2, kana = w1 + other, w2 + other, reading + oread
                    if kana in self.readings[e]:
                        continue
                    lg = rng.choice(["kk_pre", "kk_post"])
                    pair = []
                    for k in (k1, k2):
                        nm, kn, _lg = self._jp_company(e, (k, kana), lg)
                        c = self._new_customer(e, nm, kana=kn, jp_legal=lg, namesake=f"{e}:{kana}")
                        self.customers.append(c)
                        self.by_id[c.id] = c
                        c.aliases = [kn]
                        pair.append(c)
                    self.readings[e].add(kana)
                    self.namesakes[e].append(pair)
                    continue
                for _try in range(80):
                    n1, base1, legal, _prop = self._company(e)
                    base2 = f"{base1} {rng.choice(REGION_WORD[nat])}"
                    n2 = f"{base2} {legal}".strip()
                    if self._name_ok(e, n2):
                        break
                else:
                    continue
                pair = []
                for nm, base in ((n1, base1), (n2, base2)):
                    c = self._new_customer(e, nm, legal=legal, base=base, namesake=f"{e}:{base1}")
                    c.on_file = ""  # known by name only: the namesake scenarios are about names
                    self.customers.append(c)
                    self.by_id[c.id] = c
                    pair.append(c)
                self._take_name(e, n1)
                self.names_taken[e].append(self._tokens(n2))
                self.namesakes[e].append(pair)
        # everyone else
        for e, share in ENTITY_SHARE.items():
            n_e = max(12, round(total * share) - sum(1 for c in self.customers if c.entity == e))
            foreign = list(FOREIGN.get(e, []))
            rng.shuffle(foreign)
            for _ in range(n_e):
                if foreign and rng.random() < 0.12:
                    name = foreign.pop()
                    legal = next(
                        (lg for lg in sorted(LEGAL_VARIANTS, key=len, reverse=True) if name.endswith(lg)), ""
                    )
                    nat = "MX" if e == "mx" and "C.V." in name else "XX"
                    c = self._new_customer(e, name, nat=nat, ccy="USD", legal=legal, base=name[: len(name) - len(legal)].strip(" ,"), kind="foreign")  # fmt: skip
                    c.on_file = ""
                elif e == "jp":
                    nm, kana, lg = self._jp_company(e)
                    c = self._new_customer(e, nm, kana=kana, jp_legal=lg)
                else:
                    nm, base, legal, prop = self._company(e)
                    c = self._new_customer(e, nm, legal=legal, base=base, proprietor=prop)
                c.size = rng.lognormvariate(0, 0.8)
                self._add(c)
        for c in self.customers:
            if c.kana and not c.namesake and rng.random() < 0.25:
                # the remitter name its bank sends, registered after a first payment (振込名義)
                c.aliases = [
                    c.kana,
                    self.zengin_name(c, spaced=False).replace(half_width("カブシキガイシャ") + " ", "ｶ)"),
                ]
            c.terms = rng.choice([7, 14, 30, 30, 30, 45, 60] if c.entity != "jp" else [30])
            c.periodic = rng.random() < 0.15 and c.kind == "company" and not c.namesake and c.ccy != "USD"
            if (
                c.entity == "jp"
                and c.kind in ("company", "sub")
                and not c.namesake
                and not c.periodic
                and rng.random() < 0.4
            ):
                c.shime = rng.choice([
                    (date(2026, 3, 1), date(2026, 3, 31), date(2026, 4, 30)),  # 末締め翌月末払い
                    (date(2026, 3, 1), date(2026, 3, 31), date(2026, 4, 24)),  # 末締め翌月25日払い (the 25th a Saturday)
                    (date(2026, 2, 21), date(2026, 3, 20), date(2026, 4, 20)),  # 20日締め翌月20日払い
                    (date(2026, 2, 16), date(2026, 3, 15), date(2026, 4, 15)),  # 15日締め翌月15日払い
                    (date(2026, 2, 1), date(2026, 2, 28), date(2026, 4, 10)),  # 末締め翌々月10日払い
                ])  # fmt: skip

    # ------------------------------------------------------------------ the book
    def eur_to(self, eur_cents: int, ccy: str, *, whole: bool = False) -> int:
        v = Decimal(eur_cents) * FX[ccy]
        if ccy == "JPY" or whole:
            return max(100, half_up(v / 100) * 100)
        return max(1, half_up(v))

    def random_total(
        self, c: Customer, ccy: str | None = None, *, lo: int = 4000, hi: int = 6_000_000
    ) -> int:
        ccy = ccy or c.ccy
        eur = int(self.rng.lognormvariate(11.5, 1.0) * c.size**0.3)
        while not lo <= eur <= hi:  # drawn again rather than clipped: clipping makes many equal amounts
            eur = int(self.rng.lognormvariate(11.5, 1.0) * c.size**0.3)
        return self.eur_to(eur, ccy, whole=ccy == "INR" and self.rng.random() < 0.7)

    def new_invoice(self, c: Customer, issue: date, total: int | None = None, *, ccy: str | None = None,
                    kind: str = "invoice", series: str = "", due: date | None = None) -> Invoice:  # fmt: skip
        self._key += 1
        ccy = ccy or c.ccy
        total = total if total is not None else self.random_total(c, ccy)
        if not series:
            if kind == "credit_note":
                series = "cn"
            elif c.entity == "in" and ccy == "USD":
                series = "exp"
            elif c.entity == "mx" and self.rng.random() < 0.2:
                series = "fac"
            else:
                series = "main"
        inv = Invoice(
            self._key, c.entity, c.id, issue, due or issue + timedelta(days=c.terms), ccy, total, kind, series
        )
        rate = 0 if c.kind == "foreign" else int(ENTITIES[c.entity]["vat"])  # type: ignore[call-overload]
        inv.vat = total - half_up(Decimal(total) * 100 / (100 + rate))
        if ccy == "JPY":
            inv.vat = inv.vat // 100 * 100
        if ccy != ENTITIES[c.entity]["ccy"]:
            inv.rate = str((FX[str(ENTITIES[c.entity]["ccy"])] / FX[ccy]).quantize(Decimal("0.0001")))
        if c.entity == "mx":
            inv.uuid = str(uuid.UUID(int=self.rng.getrandbits(128), version=4)).upper()
        self.invoices.append(inv)
        self.items[c.id].append(inv)
        return inv

    def random_issue(self) -> date:
        r = self.rng.random()
        if r < 0.55:
            lo, hi = date(2026, 3, 1), END
        elif r < 0.85:
            lo, hi = date(2026, 1, 1), date(2026, 2, 28)
        else:
            lo, hi = START, date(2025, 12, 31)
        return lo + timedelta(days=self.rng.randint(0, (hi - lo).days))

    def parcels(self, c: Customer, issue: date, n: int, total: int | None = None) -> list[Invoice]:
        """A Brazilian sale paid in ``n`` parcels (duplicatas) 30, 60, 90 days after the nota fiscal."""
        total = total or self.random_total(c)
        each = max(100, total // n)
        self._nf += 1
        out = []
        for p in range(1, n + 1):
            inv = self.new_invoice(c, issue, each, due=issue + timedelta(days=30 * p))
            inv.nf, inv.parcel, inv.parcels = self._nf, p, n
            out.append(inv)
        return out

    def make_book(self) -> None:
        rng = self.rng
        weight = sum(c.size for c in self.customers)
        target = self.n * 3.6
        for c in self.customers:
            if c.kind == "parent":
                continue
            k = max(1, round(target * c.size / weight + rng.random() - 0.5))
            for _ in range(k if not c.shime else 0):  # a closing-period customer's earlier periods are paid
                if c.entity == "br" and rng.random() < 0.35:
                    self.parcels(c, self.random_issue(), rng.choice([2, 3, 3]))
                else:
                    self.new_invoice(c, self.random_issue())
            if rng.random() < 0.12 and c.entity not in ("jp", "br"):
                base = max(i.total for i in self.items[c.id])
                cn = self.new_invoice(c, self.random_issue(), max(100, half_up(Decimal(base) * Decimal(rng.uniform(0.03, 0.2)))),
                                      kind="credit_note")  # fmt: skip
                if cn.currency == "INR":
                    cn.total = max(100, cn.total // 100 * 100)
            if c.periodic:
                amount = self.random_total(c, lo=8000, hi=150_000)
                day = rng.randint(1, 5)
                n_open = rng.randint(2, 4)
                for m in range(n_open):
                    month = 4 - (n_open - 1 - m)
                    inv = self.new_invoice(c, date(2026, month, day), amount, series="main")
                    inv.due = inv.issue + timedelta(days=14)
                    inv.used = True  # kept for fifo_equal
                    inv.periodic = True
            if c.shime:
                first, last, pay = c.shime
                for _ in range(rng.randint(2, 6)):
                    issue = first + timedelta(days=rng.randint(0, (last - first).days))
                    inv = self.new_invoice(c, issue, self.random_total(c, lo=3000, hi=400_000), due=pay)
                    inv.used = True  # the closing period's deliveries: kept for jp_shime
                # the next period's deliveries, issued since
                for _ in range(rng.randint(1, 3)):
                    issue = last + timedelta(days=rng.randint(1, 40))
                    self.new_invoice(
                        c, issue, self.random_total(c, lo=3000, hi=400_000), due=pay + timedelta(days=30)
                    )

    # ------------------------------------------------------------------ picking
    def route(self, e: str, ccy: str, amount: int = 0, channel: str = "") -> tuple[str, str]:
        """The own account a payment reaches and the channel it comes by, as customers in the country pay."""
        rng = self.rng
        if ccy == "USD":
            return USD_ACCT[e], {"sg": "tt", "in": "swift", "mx": "spid"}[e]
        if e == "au":
            ch = channel or ("becs" if rng.random() < 0.55 else "npp")
            return ("au_bpay" if ch == "bpay" else MAIN[e] if rng.random() < 0.7 else SECOND[e]), ch
        if e == "nz":
            return (MAIN[e] if rng.random() < 0.65 else SECOND[e]), "dc"
        if e == "sg":
            ch = channel or rng.choices(["fast", "giro", "paynow"], [55, 25, 20])[0]
            return (MAIN[e] if rng.random() < 0.65 else SECOND[e]), ch
        if e == "in":
            if not channel:
                if amount >= 20_000_000:
                    channel = "rtgs" if rng.random() < 0.6 else "neft"
                elif amount <= 10_000_000:
                    channel = rng.choices(["neft", "imps", "upi"], [55, 25, 20])[0]
                else:
                    channel = rng.choices(["neft", "imps"], [65, 35])[0]
            return (MAIN[e] if rng.random() < 0.45 else SECOND[e]), channel
        if e == "jp":
            return (MAIN[e] if rng.random() < 0.6 else SECOND[e]), "zengin"
        if e == "mx":
            return (MAIN[e] if rng.random() < 0.55 else SECOND[e]), "spei"
        if channel == "boleto":
            return "br_boleto", "boleto"
        ch = channel or ("pix" if rng.random() < 0.6 else "ted")
        return (MAIN[e] if rng.random() < 0.55 else SECOND[e]), ch

    def new_tx(self, e: str, ccy: str, amount: int, value: date, scenario: str, kind: str = "customer",
               channel: str = "", account: str = "") -> Tx:  # fmt: skip
        self._ref += 1
        acct, ch = self.route(e, ccy, amount, channel)
        if account:
            acct = account
        bank = re.sub(r"[^A-Z]", "", ACCOUNTS[acct][2].upper())[:3]
        ref = f"{bank}{value:%y%m%d}{self.seed:02d}{self._ref:06d}"
        t = Tx(ref, e, acct, ACCOUNTS[acct][1], amount, value, scenario, kind, ch)
        self.txs.append(t)
        return t

    def day(self, lo: int = 0) -> date:
        return self.rng.choice(DAYS[lo:])

    def pick(self, e: str, pred: Callable[[Customer], bool], value: date) -> Customer | None:
        cands = [c for c in self.customers if c.entity == e and pred(c) and (c.id, value) not in self.busy]
        if not cands:
            return None
        c = self.rng.choice(cands)
        self.busy.add((c.id, value))
        return c

    def take(self, c: Customer, value: date, n: int = 1, *, ccy: str | None = None, create: bool = True,
             min_total: int = 0, pred: Callable[[Invoice], bool] | None = None) -> list[Invoice]:  # fmt: skip
        """``n`` open invoices of the customer issued four days or more before ``value`` (created when it has
        too few), of ``min_total`` or more; never an item kept for another scenario (``used``), a parcel nor a
        credit note."""
        ccy = ccy or c.ccy
        limit = value - timedelta(days=4)
        cands = [
            i for i in self.items[c.id]
            if not i.used and i.kind == "invoice" and i.currency == ccy and i.issue <= limit and not i.nf
            and i.total >= min_total and (pred is None or pred(i))
        ]  # fmt: skip
        cands.sort(key=lambda i: (i.due, i.key))
        out = (
            self.rng.sample(cands[: max(n, min(len(cands), 2 * n + 3))], n)
            if len(cands) >= n
            else list(cands)
        )
        while len(out) < n and create:
            issue = limit - timedelta(days=self.rng.randint(0, 50))
            total = self.random_total(c, ccy)
            if total < min_total:
                total = min_total + self.random_total(c, ccy, lo=4000, hi=200_000)
            out.append(self.new_invoice(c, issue, total, ccy=ccy, series="main" if pred is not None else ""))
        for i in out:
            i.used = True
        return out

    def payer_style(self, c: Customer, *, heavy: bool = False) -> str:
        """The payer's name as its bank writes it (before the channel cuts it)."""
        rng = self.rng
        if c.kana:
            return self.zengin_name(c)
        name = c.name
        if c.legal and name.endswith(c.legal) and (heavy or rng.random() < 0.75):
            name = name[: -len(c.legal)].rstrip(" ,") + " " + rng.choice(LEGAL_VARIANTS[c.legal])
        if c.entity == "in" and c.kind != "foreign":
            if rng.random() < 0.3:
                for long, short in IN_SHORT.items():
                    name = name.replace(long, short)
            if c.proprietor and rng.random() < 0.4:
                name = "M/S " + name
        if c.entity in ("mx", "br") or heavy or rng.random() < 0.85:
            name = strip_accents(name).upper()
        return name.strip()

    def zengin_name(self, c: Customer, *, spaced: bool | None = None) -> str:
        """A Japanese payer as Zengin transfers carry it: half-width katakana, the legal form abbreviated
        before ("ｶ)") or after ("(ｶ") the name, as the company writes it."""
        rng = self.rng
        body = half_width(c.kana)
        sp = " " if (spaced if spaced is not None else rng.random() < 0.15) else ""
        if c.jp_legal == "kk_pre":
            return (half_width("カブシキガイシャ") + " " + body) if rng.random() < 0.05 else f"ｶ){sp}{body}"
        if c.jp_legal == "kk_post":
            return f"{body}{sp}(ｶ"
        if c.jp_legal == "yk_pre":
            return f"ﾕ){sp}{body}"
        return f"{body}{sp}(ﾄﾞ"

    # ------------------------------------------------------------------ writing numbers and texts
    def wr(self, inv: Invoice, *, plain: bool = False, mangled: bool = False) -> str:
        """An invoice number as a payer writes it: as printed (``plain``), in another form (``mangled``) or
        either. Every form keeps what tells the number from the book's others (the fiscal year in India, the
        month in Singapore)."""
        n, rng = inv.number, self.rng
        if plain or (not mangled and rng.random() < 0.5):
            return n
        e = inv.entity
        if e in ("au", "nz"):
            pre, s = n.split("-")
            opts = [f"{pre}{s}", f"{pre} {s}", s, f"{pre}{s.lstrip('0')}"]
        elif e == "sg":
            pre, ym, s = n.split("-")
            opts = [f"{pre}{ym}{s}", f"{pre} {ym}-{s}", f"{ym}-{s}", f"{pre}-{ym}-{int(s)}", f"{pre}{ym}-{s}"]
        elif e == "in":
            pre, fy, s = n.split("/")
            if len(fy) == 5:  # 25-26
                opts = [f"{pre}-{fy}-{s}", f"{pre}/20{fy}/{s}", f"{pre}/{fy}/{int(s)}", f"{pre} {fy}/{int(s)}",
                        f"{int(s)}/{fy}", f"{pre}/{fy.replace('-', '')}/{s}"]  # fmt: skip
            else:  # 2025-26
                opts = [
                    f"{pre}/{fy[2:]}/{s}",
                    f"{pre}-{fy}-{int(s)}",
                    f"{pre}/{fy}/{int(s)}",
                    f"{pre} {int(s)}/{fy}",
                ]
        elif e == "jp":
            opts = [n, f"NO{n}", n[2:]]
        elif e == "mx":
            pre, s = n.split("-")
            opts = [f"{pre}{s}", f"{pre} {s}", f"{pre}-{int(s)}"] + (
                [f"SERIE A FOLIO {s}", f"FOLIO {s}"] if pre == "A" else [f"{pre}{int(s)}"]
            )
        else:
            nf = n.split("/")[0]
            p = f"/{inv.parcel}" if inv.parcel else ""
            dotted = f"{nf[:3]}.{nf[3:6]}.{nf[6:]}"
            opts = [
                f"{int(nf)}{p}",
                f"{dotted}{p}",
                f"{int(nf)}-{inv.parcel}" if p else dotted,
                f"NFE {nf}{p}",
            ]
        return rng.choice(opts)

    def limit(self, t: Tx) -> int:
        """How many characters of the payer's text the channel carries."""
        return {"becs": 18, "giro": 35, "spei": 40, "spid": 40, "ted": 40, "zengin": 20}.get(t.channel, 140)

    def join(self, e: str, nums: list[str]) -> str:
        rng = self.rng
        if len(nums) == 1:
            return nums[0]
        last = {"mx": " Y ", "br": " E ", "in": " & "}.get(e, rng.choice([" & ", " AND "]))
        if rng.random() < 0.5:
            return ", ".join(nums[:-1]) + last + nums[-1]
        return rng.choice([", ", " ", ","]).join(nums)

    def pay_text(self, t: Tx, c: Customer, nums: list[str], *, word: str = "") -> str:
        """What a payer of the entity's country types beside the numbers, within what the channel carries."""
        rng, e, lim = self.rng, t.entity, self.limit(t)
        joined = self.join(e, nums)
        heads = {
            "au": ["INV", "INV ", "INVOICE ", "PAYMENT ", "Inv ", ""],
            "nz": ["INV", ""],
            "sg": ["INV ", "INVOICE ", "PAYMENT FOR INV ", "PYMT ", "OTHR INV ", ""],
            "in": ["INV NO ", "BILL NO ", "AGAINST INV ", "INV ", "PAYMENT AGAINST BILL ", "TOWARDS INV "],
            "mx": ["PAGO FACTURA ", "PAGO FACT ", "FACTURA ", "PAGO ", "PAGO FAC ", "LIQ FACTURA "],
            "br": ["PGTO NF ", "PAGAMENTO NF ", "NF ", "REF NF ", "PAGTO NF ", "DUPLICATA ", "PGTO DUPL "],
            "jp": [""],
        }[e]
        if c.ccy == "USD" or t.currency == "USD":
            heads = ["INVOICE ", "INV ", "PAYMENT OF INVOICE ", "/INV/", "RFB INV "]
        for _ in range(8):
            head = rng.choice(heads)
            if nums and nums[0][:3].upper() == head[:3].upper() == "INV" and head.strip().upper() == "INV":
                head = rng.choice(["", "PAYMENT ", "INVOICE "])  # not "INV INV-104512"
            elif head == "INV" and nums and not nums[0][:1].isdigit():
                head = "INV "
            text = f"{head}{joined}"
            if word:
                text = f"{text} {word}" if rng.random() < 0.7 else f"{word} {text}"
            extra = ""
            r = rng.random()
            if e == "au" and r < 0.4:
                extra = norm_name(c.name).split()[0]
            elif e == "in" and r < 0.3 and len(nums) == 1:
                extra = "DT " + self.inv_date(nums[0], t)
            elif e == "in" and r < 0.4 and c.nat == "IN":
                extra = f"GSTIN {c.tax_id}"
            elif e == "sg" and r < 0.25:
                extra = f"UEN {c.tax_id}" if c.nat == "SG" else ""
            elif e in ("mx", "br") and r < 0.15:
                extra = rng.choice(["PROVEEDOR", "FORNECEDOR" if e == "br" else "KESTREL"])
            if extra and len(text) + 1 + len(extra) <= lim:
                text = f"{text} {extra}"
            if len(text) <= lim:
                return text.upper() if e in ("au", "mx", "br", "in") and rng.random() < 0.8 else text
        return joined[:lim]

    def inv_date(self, num: str, t: Tx) -> str:
        inv = self._by_number.get((t.entity, num))
        d = inv.issue if inv else t.value - timedelta(days=20)
        return d.strftime(self.rng.choice(["%d.%m.%Y", "%d/%m/%Y", "%d-%m-%y"]))

    def bare_word(self, t: Tx) -> str:
        return self.rng.choice({
            "au": ["PAYMENT", "SUPPLIER PAYMENT", "ACCOUNT PAYMENT", "KESTREL", ""],
            "nz": ["PAYMENT", ""],
            "sg": ["PAYMENT", "SUPPLIER PAYMENT", "OTHR", ""],
            "in": ["VENDOR PAYMENT", "PAYMENT", "SUPPLIER PAYMENT", "TRF", ""],
            "jp": [""],
            "mx": ["PAGO PROVEEDOR", "PAGO", "TRANSFERENCIA", "PAGO KESTREL"],
            "br": ["PAGAMENTO", "PGTO FORNECEDOR", "TRANSFERENCIA", ""],
        }[t.entity])  # fmt: skip

    def nz_fields(self, c: Customer, nums: list[str], word: str = "") -> tuple[str, str, str]:
        """New Zealand's particulars, code and reference (12 characters each) as a payer fills them."""
        rng = self.rng
        short = norm_name(c.name).split()[0][:12]
        if not nums:
            return (
                short,
                word[:12] or rng.choice(["PAYMENT", "ACCOUNT", ""]),
                c.id if rng.random() < 0.5 else "",
            )
        if len(nums) == 1:
            p = nums[0][:12]
            code = word[:12] if word else rng.choice([short, "INVOICE", "KESTREL", ""])
            ref = rng.choice([c.id, c.id, "", short])
            return (p, code, ref) if rng.random() < 0.75 else (short, code if word else "INVOICE", p)
        return (*nums, "", "")[:3]  # type: ignore[return-value]

    def need(self, t: Tx, *forms: str) -> None:
        """Strings the delivered text must still hold for the truth to stand (else the payment is dropped)."""
        t.check_args.setdefault("need", [])
        t.check_args["need"] += list(forms)  # type: ignore[operator]

    # ------------------------------------------------------------------ planning
    def plan(self) -> None:
        n_trap = round(self.n * 0.04)
        n_nc = round(self.n * 0.045)
        n_cust = self.n - n_trap - n_nc
        total_w = sum(w for _s, w, _e in CUSTOMER_PLAN)
        for name, w, ents in CUSTOMER_PLAN:
            for _ in range(round(n_cust * w / total_w / (2 if name == "duplicate" else 1))):
                e = self.rng.choices(ents, [ENTITY_SHARE[x] for x in ents])[0]
                getattr(self, f"s_{name}")(e)
        total_t = sum(w for _s, w, _e in TRAP_PLAN)
        for name, w, ents in TRAP_PLAN:
            for _ in range(round(n_trap * w / total_t)):
                e = self.rng.choices(ents, [ENTITY_SHARE[x] for x in ents])[0]
                getattr(self, f"s_{name}")(e)
        for i in range(n_nc):
            e = self.rng.choices(list(ENTITY_SHARE), list(ENTITY_SHARE.values()))[0]
            self.s_nc(e, NC_KINDS[i % len(NC_KINDS)])
        # outgoing payments, not scored
        for d in DAYS:
            for e in ENTITIES:
                for _ in range(self.rng.randint(0, 2)):
                    ccy = str(ENTITIES[e]["ccy"])
                    t = self.new_tx(e, ccy, self.eur_to(self.rng.randint(20000, 900000), ccy), d, "debit", "debit",
                                    account=MAIN[e] if self.rng.random() < 0.6 else SECOND[e])  # fmt: skip
                    t.debit = True
                    t.payer_name = "STEEL SUPPLIER" if e != "jp" else "ｺｳｻﾞｲｼﾖｳｼﾞ(ｶ"
                    t.text = f"SUPPLIER INVOICE {self.rng.randint(1000, 9999)}"

    @staticmethod
    def _std(c: Customer) -> bool:
        return c.kind in ("company", "sub") and not c.namesake and c.ccy != "USD" and not c.shime

    def _basic(self, e: str, *, on_file: bool = False, extra: Callable[[Customer], bool] | None = None,
               lo: int = 0) -> tuple[Customer, date] | None:  # fmt: skip
        value = self.day(lo)

        def ok(c: Customer) -> bool:
            return self._std(c) and (not on_file or bool(c.on_file)) and (extra is None or extra(c))

        c = self.pick(e, ok, value)
        return (c, value) if c else None

    def _payer(self, t: Tx, c: Customer, *, on_file: bool | None = None, heavy: bool = False) -> None:
        """The payer is the customer: its name as its bank writes it, the account it pays from (its account on
        file when ``on_file``; by default when it has one, four times in five)."""
        t.customer = c.id
        t.payer_name = self.payer_style(c, heavy=heavy)
        if on_file is None:
            on_file = bool(c.on_file) and self.rng.random() < 0.8
        t.payer_acct = c.acct if (on_file or not c.on_file) else c.other_acct
        t.payer_agent = c.agent
        t.by_name = not (on_file and c.on_file)

    def _text(self, t: Tx, c: Customer, nums: list[str], *, word: str = "") -> None:
        if t.entity == "nz":
            t.nz = self.nz_fields(c, nums, word)
        else:
            t.text = self.pay_text(t, c, nums, word=word)
        self.need(t, *nums)

    def _bare(self, t: Tx, c: Customer) -> None:
        if t.entity == "nz":
            t.nz = self.nz_fields(c, [])
        else:
            t.text = self.bare_word(t)

    # ------------------------------------------------------------------ customer scenarios
    def s_ref_exact(self, e: str) -> None:
        self._ref_scenario(e, "ref_exact")

    def s_ref_mangled(self, e: str) -> None:
        self._ref_scenario(e, "ref_mangled")

    def _ref_scenario(self, e: str, scenario: str) -> None:
        got = self._basic(e)
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value)
        t = self.new_tx(e, c.ccy, inv.total, value, scenario)
        self._payer(t, c)
        t.by_name = False
        t.rows = [(inv, inv.total, "invoice")]
        t.render = lambda: self._text(
            t, c, [self.wr(inv, plain=scenario == "ref_exact", mangled=scenario == "ref_mangled")]
        )

    def s_ref_typo(self, e: str) -> None:
        got = self._basic(e, on_file=e == "au")
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value)
        t = self.new_tx(e, c.ccy, inv.total, value, "ref_typo")
        self._payer(t, c, on_file=e == "au")
        t.rows = [(inv, inv.total, "invoice")]
        t.checks = ["typo_free"]

        def render() -> None:
            typo = self.typo_of(inv)
            t.check_args["typo"] = typo
            self._text(t, c, [typo])

        t.render = render

    def s_multi_ref(self, e: str) -> None:
        got = self._basic(e)
        if not got:
            return
        c, value = got
        k = self.rng.randint(2, {"nz": 3, "mx": 3, "br": 4}.get(e, 5))
        invs = self.take(c, value, k)
        t = self.new_tx(
            e,
            c.ccy,
            sum(i.total for i in invs),
            value,
            "multi_ref",
            channel="npp" if e == "au" and k > 2 else "",
        )
        if e == "au" and t.channel == "becs":
            t.text = ""
        self._payer(t, c)
        t.by_name = False
        t.rows = [(i, i.total, "invoice") for i in invs]

        def render() -> None:
            lim = self.limit(t)
            for plain in (False, True):
                nums = [self.wr(i, plain=plain) for i in invs]
                if e == "nz" or len(self.join(e, nums)) <= lim:
                    break
            else:
                nums = [self.wr(i, plain=True) for i in invs]
                if e in ("au", "nz") or e == "mx":
                    nums = [i.number.split("-")[-1] for i in invs]
            self._text(t, c, nums)

        t.render = render

    def s_credit_netted(self, e: str) -> None:
        got = self._basic(e)
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value)
        cns = [
            i
            for i in self.items[c.id]
            if i.kind == "credit_note" and not i.used and i.issue <= value - timedelta(days=2)
        ]
        cn = cns[0] if cns else self.new_invoice(
            c, value - timedelta(days=self.rng.randint(3, 30)), kind="credit_note",
            total=max(100, half_up(Decimal(inv.total) * Decimal(self.rng.uniform(0.03, 0.3)))),
        )  # fmt: skip
        if cn.total >= inv.total:
            cn.total = max(100, inv.total // 4)
        cn.used = True
        t = self.new_tx(
            e, c.ccy, inv.total - cn.total, value, "credit_netted", channel="npp" if e == "au" else ""
        )
        self._payer(t, c)
        t.by_name = False
        t.rows = [(inv, inv.total, "invoice"), (cn, -cn.total, "invoice")]

        def render() -> None:
            a, b = self.wr(inv), self.wr(cn, plain=True)
            if e == "nz":
                t.nz = (a[:12], "LESS CN", b[:12])
                self.need(t, a, b)
                return
            word = {"mx": ["MENOS", "-", "Y NC"], "in": ["LESS", "LESS CN", "-"], "sg": ["LESS", "LESS CN"],
                    "au": ["LESS", "LESS CREDIT"]}.get(e, ["LESS"])  # fmt: skip
            t.text = f"{self.pay_text(t, c, [a])} {self.rng.choice(word)} {b}"
            self.need(t, a, b)

        t.render = render

    def s_partial(self, e: str) -> None:
        got = self._basic(e)
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value, min_total=self.eur_to(30000, c.ccy))
        paid = half_up(Decimal(inv.total) * Decimal(self.rng.uniform(0.2, 0.7)))
        if c.ccy == "INR":
            paid = max(100, paid // 100 * 100)
        t = self.new_tx(e, c.ccy, paid, value, "partial")
        self._payer(t, c)
        t.by_name = False
        t.rows = [(inv, paid, "invoice")]
        word = self.rng.choice({
            "au": ["PART PAYMENT", "PART PMT", ""], "nz": ["PART PMT", ""], "sg": ["PARTIAL PAYMENT", "PART PAYMENT", ""],
            "in": ["PART PAYMENT", "PART PMT", "PARTLY", ""], "mx": ["PAGO PARCIAL", "ABONO", "PARCIALIDAD 1", ""],
            "br": ["PAGAMENTO PARCIAL", "PARCIAL", ""],
        }[e])  # fmt: skip
        t.render = lambda: self._text(t, c, [self.wr(inv)], word=word)

    def s_overpayment(self, e: str) -> None:
        got = self._basic(e, on_file=e == "au")
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value)
        excess = self.eur_to(self.rng.randint(2500, 30000), c.ccy)
        t = self.new_tx(e, c.ccy, inv.total + excess, value, "overpayment")
        self._payer(t, c, on_file=e == "au")
        t.by_name = False
        t.rows = [(inv, inv.total, "invoice"), (None, excess, "on_account")]
        t.checks = ["excess"]
        t.render = lambda: self._text(t, c, [self.wr(inv)])

    def s_duplicate(self, e: str) -> None:
        got = self._basic(e, on_file=e == "au")
        if not got:
            return
        c, value = got
        if value > DAYS[-3]:
            value = DAYS[self.rng.randint(0, 10)]
        (inv,) = self.take(c, value)
        t1 = self.new_tx(e, c.ccy, inv.total, value, "duplicate_1st")
        self._payer(t1, c, on_file=e == "au")
        t1.rows = [(inv, inv.total, "invoice")]
        later = [d for d in DAYS if value < d <= value + timedelta(days=8)]
        v2 = self.rng.choice(later) if later else DAYS[-1]
        t2 = self.new_tx(e, c.ccy, inv.total, v2, "duplicate", channel=t1.channel, account=t1.account)
        t2.customer, t2.payer_name, t2.payer_acct, t2.payer_agent = (
            c.id,
            t1.payer_name,
            t1.payer_acct,
            t1.payer_agent,
        )
        t2.rows = [(None, inv.total, "on_account")]
        t2.pair = t1.ref
        t2.checks = ["closed", "no_item_amount"]
        t2.check_args["inv"] = inv
        if e == "jp":
            t1.checks = ["cust_unique"]
            t1.by_name = t2.by_name = True
        else:
            t1.by_name = t2.by_name = False

        def render() -> None:
            if e != "jp":
                self._text(t1, c, [self.wr(inv)])
            t2.text, t2.nz = t1.text, t1.nz

        t1.render = render

    def s_noref_unique(self, e: str) -> None:
        got = self._basic(e, on_file=e == "au" and self.rng.random() < 0.8)
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value)
        t = self.new_tx(e, c.ccy, inv.total, value, "noref_unique")
        self._payer(t, c, on_file=bool(c.on_file))
        t.rows = [(inv, inv.total, "invoice")]
        t.checks = ["cust_unique"]
        t.render = lambda: self._bare(t, c)

    def s_noref_combo(self, e: str) -> None:
        got = self._basic(e, on_file=e == "au" and self.rng.random() < 0.8)
        if not got:
            return
        c, value = got
        invs = self.take(c, value, self.rng.randint(2, 3))
        t = self.new_tx(e, c.ccy, sum(i.total for i in invs), value, "noref_combo")
        self._payer(t, c, on_file=bool(c.on_file))
        t.rows = [(i, i.total, "invoice") for i in invs]
        t.checks = ["combo"]
        t.render = lambda: self._bare(t, c)

    def s_fifo_equal(self, e: str) -> None:
        value = self.day(4)
        c = self.pick(e, lambda c: c.periodic and not getattr(c, "_fifo", False), value)
        if not c:
            return
        setattr(c, "_fifo", True)  # noqa: B010
        eq = sorted(
            (i for i in self.items[c.id] if i.periodic and i.issue <= value),
            key=lambda i: (i.due, i.issue, i.key),
        )
        if len(eq) < 2:
            return
        t = self.new_tx(e, c.ccy, eq[0].total, value, "fifo_equal")
        self._payer(t, c, on_file=bool(c.on_file))
        t.rows = [(eq[0], eq[0].total, "invoice")]
        t.checks = ["fifo"]
        word = self.rng.choice({
            "au": ["SERVICE AGREEMENT", "MAINT CONTRACT", "SERVICE FEE"], "nz": ["SERVICE", "MAINT"],
            "sg": ["SERVICE CONTRACT", "MAINTENANCE FEE"], "in": ["AMC CHARGES", "AMC PAYMENT", "SERVICE CONTRACT"],
            "jp": [""], "mx": ["PAGO MANTENIMIENTO", "POLIZA DE SERVICIO"], "br": ["PGTO CONTRATO MANUTENCAO", "MANUTENCAO"],
        }[e])  # fmt: skip

        def render() -> None:
            if e == "nz":
                t.nz = self.nz_fields(c, [], word)
            elif e != "jp":
                t.text = word

        t.render = render

    def s_group_parent(self, e: str) -> None:
        value = self.day()
        subs = [
            c for c in self.customers if c.entity == e and c.kind == "sub" and (c.id, value) not in self.busy
        ]
        if not subs:
            return
        s = self.rng.choice(subs)
        sibs = [x for x in subs if x.group == s.group and x.id != s.id]
        chosen = [s] + ([sibs[0]] if sibs and self.rng.random() < 0.4 and e not in ("jp", "nz") else [])
        invs: list[Invoice] = []
        for x in chosen:
            self.busy.add((x.id, value))
            invs += self.take(x, value, 1 if e in ("jp", "nz") or x is not s else self.rng.randint(1, 2))
        parent = next(
            c for c in self.customers if c.entity == e and c.kind == "parent" and c.group == s.group
        )
        scenario = "group_parent" if s.parent_id else "group_parent_unknown"
        t = self.new_tx(
            e, s.ccy, sum(i.total for i in invs), value, scenario, channel="npp" if e == "au" else ""
        )
        t.customer = s.id
        t.payer_name = self.payer_style(parent)
        t.payer_acct, t.payer_agent = parent.acct, parent.agent
        t.rows = [(i, i.total, "invoice") for i in invs]

        def render() -> None:
            nums = [i.number for i in invs]
            self._text(t, s, nums)

        t.render = render

    def s_usd_invoice(self, e: str) -> None:
        self._usd(e, "usd_invoice")

    def s_charges_usd(self, e: str) -> None:
        self._usd(e, "charges_usd")

    def _usd(self, e: str, scenario: str) -> None:
        value = self.day()
        c = self.pick(e, lambda c: c.kind == "foreign", value)
        if not c:
            return
        (inv,) = self.take(c, value, ccy="USD", min_total=100_000)
        ch = self.rng.randint(1000, 2200) if scenario == "charges_usd" else 0
        t = self.new_tx(e, "USD", inv.total - ch, value, scenario)
        self._payer(t, c, on_file=False)
        t.by_name = False
        t.rows = [(inv, inv.total, "invoice")] + ([(inv, -ch, "deduction")] if ch else [])
        t.btc = ("PMNT", "RCDT", "XBCT")
        if ch and self.rng.random() < 0.5:
            t.instd = inv.total
        t.render = lambda: self._text(t, c, [self.wr(inv)])

    def s_advance(self, e: str) -> None:
        got = self._basic(e, on_file=e == "au")
        if not got:
            return
        c, value = got
        amount = self.eur_to(self.rng.randint(50000, 500000), c.ccy, whole=True)
        t = self.new_tx(e, c.ccy, amount, value, "advance", channel="npp" if e == "au" else "")
        self._payer(t, c, on_file=e == "au")
        t.payer_name = self.payer_style(c)
        t.rows = [(None, amount, "on_account")]
        t.checks = ["no_item_amount"]
        po = f"{self.rng.choice(['PO', 'PO ', 'ORDER '])}{self.rng.randint(4500000, 4599999)}"
        words = {
            "au": [f"DEPOSIT {po}", f"ADVANCE PAYMENT {po}", f"PREPAYMENT {po}"],
            "nz": ["DEPOSIT", "ADVANCE", "PREPAYMENT"],
            "sg": [f"ADVANCE PAYMENT {po}", f"DEPOSIT FOR {po}"],
            "in": [f"ADVANCE AGAINST {po}", f"ADV PAYMENT {po}", f"ADVANCE {po}"],
            "mx": [f"ANTICIPO {po}", f"ANTICIPO PEDIDO {po[-7:]}"],
            "br": [f"ADIANTAMENTO {po}", f"ADIANTAMENTO PEDIDO {po[-7:]}", f"ANTECIPACAO PEDIDO {po[-7:]}"],
        }[e]

        def render() -> None:
            w = self.rng.choice(words)
            if e == "nz":
                t.nz = (norm_name(c.name).split()[0][:12], w, c.id)
            else:
                t.text = w[: self.limit(t)]

        t.render = render

    def s_au_bpay(self, e: str) -> None:
        value = self.day()
        if self.rng.random() < 0.2:
            c = self.pick(e, lambda c: c.periodic and not getattr(c, "_fifo", False), value)
            if not c:
                return
            setattr(c, "_fifo", True)  # noqa: B010
            eq = sorted(
                (i for i in self.items[c.id] if i.periodic and i.issue <= value),
                key=lambda i: (i.due, i.issue, i.key),
            )
            if len(eq) < 2:
                return
            inv, checks = eq[0], ["fifo"]
        else:
            c = self.pick(e, self._std, value)
            if not c:
                return
            (inv,) = self.take(c, value)
            checks = ["cust_unique"]
        t = self.new_tx(e, c.ccy, inv.total, value, "au_bpay", channel="bpay")
        t.customer = c.id
        t.crn = c.id
        t.crn_strd = self.rng.random() < 0.5
        t.rows = [(inv, inv.total, "invoice")]
        t.checks = checks

    def s_in_tds_explained(self, e: str) -> None:
        self._tds(e, "in_tds_explained")

    def s_in_tds_unexplained(self, e: str) -> None:
        self._tds(e, "in_tds_unexplained")

    def _tds(self, e: str, scenario: str) -> None:
        """Tax deducted at source: 2 % (section 194C, contracts) or 10 % (194J, technical services) of the
        taxable value (without GST), rounded to the rupee; 0.1 % (194Q, purchase of goods) when explained."""
        got = self._basic(e)
        if not got:
            return
        c, value = got
        rng = self.rng
        rate = rng.choice(
            [Decimal("0.02"), Decimal("0.10")]
            + ([Decimal("0.001")] if scenario == "in_tds_explained" else [])
        )
        # three lakh rupees or more: the shortfall (5,080 rupees or more at 2 %) is clear of any bank charges
        (inv,) = self.take(c, value, min_total=30_000_000 if rate >= Decimal("0.02") else 200_000_000)
        net = inv.total - inv.vat
        tds = half_up(Decimal(net) * rate / 100) * 100
        t = self.new_tx(e, c.ccy, inv.total - tds, value, scenario)
        self._payer(t, c)
        t.by_name = False
        if scenario == "in_tds_explained":
            t.rows = [(inv, inv.total, "invoice"), (inv, -tds, "deduction")]
        else:
            t.rows = [(inv, inv.total - tds, "invoice")]
        sec = {Decimal("0.02"): "194C", Decimal("0.10"): "194J", Decimal("0.001"): "194Q"}[rate]
        pc = {Decimal("0.02"): "2%", Decimal("0.10"): "10%", Decimal("0.001"): "0.1%"}[rate]

        def render() -> None:
            n = self.wr(inv)
            if scenario == "in_tds_unexplained":
                t.text = self.pay_text(t, c, [n])
                self.need(t, n)
                return
            amt = fmt_indian(tds)
            t.text = rng.choice([
                f"{n} LESS TDS {amt}", f"INV NO {n} TDS {sec} {pc} RS {amt} DEDUCTED", f"AGAINST INV {n} NET OF TDS {amt}",
                f"{n} AMT {fmt_indian(inv.total)} LESS TDS {amt}", f"BILL {n} TDS U/S {sec} RS.{amt}",
            ])  # fmt: skip
            self.need(t, n, amt)

        t.render = render

    def s_in_serial_only(self, e: str) -> None:
        got = self._basic(e)
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value, pred=lambda i: i.series == "main")
        t = self.new_tx(e, c.ccy, inv.total, value, "in_serial_only")
        self._payer(t, c)
        t.rows = [(inv, inv.total, "invoice")]
        t.checks = ["serial_one"]

        def render() -> None:
            s = str(inv.serial)
            t.check_args["serial"] = inv.serial
            t.text = f"{self.rng.choice(['BILL NO ', 'INV NO ', 'INV ', 'AGAINST BILL '])}{s}"
            self.need(t, s)

        t.render = render

    def _jp_value(self, c: Customer) -> date:
        return self.day()

    def s_jp_kana(self, e: str) -> None:
        got = self._basic(e)
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value)
        t = self.new_tx(e, c.ccy, inv.total, value, "jp_kana")
        self._payer(t, c)
        t.rows = [(inv, inv.total, "invoice")]
        t.checks = ["cust_unique"]

    def s_jp_fee(self, e: str) -> None:
        got = self._basic(e)
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value, min_total=3_000_000)
        fee = self.rng.choice([44_000, 66_000, 88_000, 66_000, 44_000, 33_000, 77_000])
        t = self.new_tx(e, c.ccy, inv.total - fee, value, "jp_fee")
        self._payer(t, c)
        t.rows = [(inv, inv.total, "invoice"), (inv, -fee, "deduction")]
        t.checks = ["fee_unique"]

    def s_jp_shime(self, e: str) -> None:
        cands = [c for c in self.customers if c.entity == e and c.shime and not getattr(c, "_shime", False)]
        if not cands:
            return
        c = self.rng.choice(cands)
        setattr(c, "_shime", True)  # noqa: B010
        assert c.shime is not None
        first, last, pay = c.shime
        period = [i for i in self.items[c.id] if first <= i.issue <= last and i.kind == "invoice"]
        if not period or (c.id, pay) in self.busy:
            return
        self.busy.add((c.id, pay))
        fee = self.rng.choice([0, 0, 44_000, 66_000, 88_000, 66_000])
        t = self.new_tx(e, c.ccy, sum(i.total for i in period) - fee, pay, "jp_shime")
        self._payer(t, c)
        period.sort(key=lambda i: (i.issue, i.key))
        t.rows = [(i, i.total, "invoice") for i in period] + (
            [(period[-1], -fee, "deduction")] if fee else []
        )
        t.ded_any = True
        t.checks = ["shime"]
        t.check_args["period"] = period

    def s_jp_code_name(self, e: str) -> None:
        if not self.namesakes[e]:
            return
        value = self.day()
        pair = list(self.rng.choice(self.namesakes[e]))
        self.rng.shuffle(pair)
        if any((c.id, value) in self.busy for c in pair):
            return
        for c in pair:
            self.busy.add((c.id, value))
        payer, other = pair
        (inv,) = self.take(payer, value)
        rival = self.new_invoice(other, value - timedelta(days=self.rng.randint(5, 40)), inv.total)
        rival.used = True
        t = self.new_tx(e, payer.ccy, inv.total, value, "jp_code_name")
        t.customer = payer.id
        code = payer.id if self.rng.random() < 0.7 else payer.id.zfill(7)
        t.payer_name = f"{code}{self.rng.choice([' ', ''])}{self.zengin_name(payer)}"
        t.rows = [(inv, inv.total, "invoice")]
        t.checks = ["cust_unique"]

    def s_jp_edi_ref(self, e: str) -> None:
        got = self._basic(e)
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value)
        t = self.new_tx(e, c.ccy, inv.total, value, "jp_edi_ref")
        self._payer(t, c)
        t.by_name = False
        t.rows = [(inv, inv.total, "invoice")]

        def render() -> None:
            n = self.wr(inv)
            t.text = self.rng.choice([n, f"ｾｲｷﾕｳ{n}", f"NO.{n}"])[:20]
            self.need(t, n)

        t.render = render

    def s_namesake_unique(self, e: str) -> None:
        if not self.namesakes[e]:
            return
        value = self.day()
        pair = self.rng.choice(self.namesakes[e])
        c = pair[0]  # the payer's name is its own; the namesake's holds every word of it (or reads alike)
        if (c.id, value) in self.busy:
            return
        self.busy.add((c.id, value))
        (inv,) = self.take(c, value)
        t = self.new_tx(e, c.ccy, inv.total, value, "namesake_unique")
        t.customer = c.id
        t.payer_name = self.payer_style(c, heavy=True)
        t.payer_acct, t.payer_agent = c.other_acct, c.agent
        t.rows = [(inv, inv.total, "invoice")]
        t.checks = ["namesake_one", "cust_unique"]
        t.check_args["group"] = [x.id for x in pair]
        t.render = lambda: self._bare(t, c)

    def s_mx_uuid_only(self, e: str) -> None:
        got = self._basic(e)
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value)
        t = self.new_tx(e, c.ccy, inv.total, value, "mx_uuid_only")
        self._payer(t, c)
        t.rows = [(inv, inv.total, "invoice")]
        t.checks = ["cust_unique"]

        def render() -> None:
            u = inv.uuid if self.rng.random() < 0.6 else inv.uuid.lower()
            t.text = self.rng.choice([u, f"CFDI {u}"[:40], f"UUID {u}"[:40]])
            t.refnum = self.rng.choice(["1", f"{t.value:%d%m%y}", digits(self.rng, 7)])

        t.render = render

    def s_mx_refnum(self, e: str) -> None:
        got = self._basic(e)
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value)
        t = self.new_tx(e, c.ccy, inv.total, value, "mx_refnum")
        self._payer(t, c)
        t.by_name = False
        t.rows = [(inv, inv.total, "invoice")]
        t.checks = ["digits_one"]

        def render() -> None:
            folio = str(int(inv.number.split("-")[1]))
            t.check_args["digits"] = folio
            t.refnum = folio
            t.text = self.rng.choice(
                ["PAGO PROVEEDOR", "PAGO", "PAGO KESTREL", "TRANSFERENCIA", "PAGO FACTURA"]
            )
            self.need(t, folio)

        t.render = render

    def _boleto_item(
        self, c: Customer, value: date, *, overdue: bool = False, parcels: bool = True
    ) -> Invoice | None:
        cands = [
            i for i in self.items[c.id]
            if not i.used and i.kind == "invoice" and i.issue <= value - timedelta(days=4) and (parcels or not i.nf)
            and (not overdue or i.due <= value - timedelta(days=5))
            and (not i.nf or all(j.used or j.parcel >= i.parcel for j in self.items[c.id] if j.nf == i.nf))
        ]  # fmt: skip
        if not cands:
            if overdue:
                inv = self.new_invoice(c, value - timedelta(days=self.rng.randint(40, 90)))
                inv.due = value - timedelta(days=self.rng.randint(5, 30))
            else:
                inv = self.new_invoice(c, value - timedelta(days=self.rng.randint(5, 40)))
            inv.used = True
            return inv
        inv = self.rng.choice(cands)
        inv.used = True
        return inv

    def s_br_boleto(self, e: str) -> None:
        self._boleto(e, "br_boleto")

    def s_br_boleto_nosso(self, e: str) -> None:
        self._boleto(e, "br_boleto_nosso")

    def s_br_boleto_juros(self, e: str) -> None:
        self._boleto(e, "br_boleto_juros")

    def _boleto(self, e: str, scenario: str) -> None:
        """A boleto (bank slip) the seller registered with its collection bank for an item: the bank's
        liquidation gives the nosso número (the bank's number of the slip), the seu número (the seller's own
        number of the title, its invoice or parcel, when it wrote one) and the payer (pagador) the seller
        registered; paid late, the slip adds its fine (multa 2 %) and interest (juros 1 % a month)."""
        got = self._basic(e)
        if not got:
            return
        c, value = got
        inv = self._boleto_item(
            c, value, overdue=scenario == "br_boleto_juros", parcels=scenario == "br_boleto"
        )
        if inv is None:
            return
        rng = self.rng
        excess = 0
        if scenario == "br_boleto_juros":
            late = (value - inv.due).days
            multa = half_up(Decimal(inv.total) * Decimal("0.02"))
            juros = half_up(Decimal(inv.total) * Decimal("0.01") / 30 * late)
            excess = multa + juros
        t = self.new_tx(e, c.ccy, inv.total + excess, value, scenario, channel="boleto")
        t.customer = c.id
        t.payer_name = strip_accents(c.name).upper()[:40]
        t.rows = [(inv, inv.total, "invoice")] + ([(None, excess, "on_account")] if excess else [])
        t.checks = ["excess"] if excess else ["cust_unique"] if scenario == "br_boleto_nosso" else []
        t.by_name = scenario == "br_boleto_nosso"
        nosso = f"{rng.choice(['09', '109', '112', '17'])}/{digits(rng, 8)}-{rng.randint(0, 9)}"

        def render() -> None:
            seu = "" if scenario == "br_boleto_nosso" else rng.choice([inv.number, inv.number.lstrip("0")])
            line = f"VLR TITULO {fmt_br(inv.total)}"
            if excess:
                line += f" JUROS {fmt_br(excess - multa)} MULTA {fmt_br(multa)} VLR PAGO {fmt_br(inv.total + excess)}"
            t.boleto = (nosso, seu, line)
            if seu:
                self.need(t, seu)

        t.render = render

    def _nf_parcels(self, c: Customer, value: date) -> list[Invoice] | None:
        groups: dict[int, list[Invoice]] = defaultdict(list)
        for i in self.items[c.id]:
            if i.nf and i.issue <= value - timedelta(days=4):
                groups[i.nf].append(i)
        ok = [g for g in groups.values() if len(g) >= 2 and not any(i.used for i in g)]
        return self.rng.choice(ok) if ok else None

    def s_br_parcela(self, e: str) -> None:
        self._parcela(e, "br_parcela")

    def s_br_parcela_fifo(self, e: str) -> None:
        self._parcela(e, "br_parcela_fifo")

    def _parcela(self, e: str, scenario: str) -> None:
        value = self.day()
        c = self.pick(e, lambda c: self._std(c) and self._nf_parcels(c, value) is not None, value)
        if not c:
            return
        group = self._nf_parcels(c, value)
        assert group is not None
        group.sort(key=lambda i: i.parcel)
        for i in group:
            i.used = True
        target = group[0] if scenario == "br_parcela_fifo" else self.rng.choice(group[1:])
        t = self.new_tx(e, c.ccy, target.total, value, scenario)
        self._payer(t, c)
        t.by_name = False
        t.rows = [(target, target.total, "invoice")]
        t.checks = ["parcel_fifo"] if scenario == "br_parcela_fifo" else []
        t.check_args["group"] = group

        def render() -> None:
            nf = str(int(target.number.split("/")[0]))
            if scenario == "br_parcela_fifo":
                t.text = self.rng.choice([f"PGTO NF {nf}", f"NF {nf}", f"REF NF {nf}", f"PAGAMENTO NF {nf}"])
                self.need(t, nf)
                return
            p, n = target.parcel, target.parcels
            form = self.rng.choice([f"NF {nf} PARC {p}/{n}", f"NF {nf}/{p}", f"DUPL {nf}-{p}", f"NF {nf} PARCELA {p}",
                                    f"PGTO {target.number}"])  # fmt: skip
            t.text = form
            self.need(t, form)

        t.render = render

    # ------------------------------------------------------------------ traps
    def _stranger(self, e: str) -> str:
        return self.rng.choice({
            "au": ["J SMITH", "MR D NGUYEN", "BROWN FAMILY TRUST", "ACE TRADING CO"],
            "nz": ["J WILLIAMS", "MR R SINGH", "ACE HOLDINGS"],
            "sg": ["TAN AH KOW", "LIM WEI MING", "ACE GLOBAL TRADING"],
            "in": ["RAMESH KUMAR", "SURESH PATIL", "M/S ACE ENTERPRISES"],
            "jp": ["ﾔﾏｸﾞﾁ ﾀﾛｳ", "ｻﾄｳ ﾊﾅｺ", "ﾕ)ｴｰｽｼﾖｳｶｲ"],
            "mx": ["JUAN PEREZ LOPEZ", "MARIA GARCIA RUIZ", "COMERCIALIZADORA ACE SA DE CV"],
            "br": ["JOSE CARLOS DA SILVA", "MARIA APARECIDA SOUZA", "ACE COMERCIO LTDA"],
        }[e])  # fmt: skip

    def s_trap_namesake(self, e: str) -> None:
        if not self.namesakes[e]:
            return
        value = self.day()
        pair = self.rng.choice(self.namesakes[e])
        if any((c.id, value) in self.busy for c in pair):
            return
        for c in pair:
            self.busy.add((c.id, value))
        (x,) = self.take(pair[0], value)
        y = self.new_invoice(pair[1], value - timedelta(days=self.rng.randint(5, 40)), x.total)
        y.used = True
        t = self.new_tx(e, pair[0].ccy, x.total, value, "trap_namesake", "trap")
        t.payer_name = self.payer_style(pair[0], heavy=True)
        # an account never seen, drawn apart so that the rest of the data stays as it was: one that paid either
        # namesake's items earlier in the month would say whose this is
        drawn, self.rng = self.rng, random.Random(f"{self.seed}:{x.number}")
        t.payer_acct = self._account(e.upper())[0]
        self.rng = drawn
        t.checks = ["open_amount"]
        t.check_args["items"] = [x, y]

        def render() -> None:
            self._bare(t, pair[0])
            if t.nz:
                t.nz = (t.nz[0], t.nz[1], "")  # nor the customer's number in the reference: it says whose

        t.render = render

    def s_trap_amount_two(self, e: str) -> None:
        value = self.day()
        a = self.pick(e, self._std, value)
        b = self.pick(e, self._std, value)
        if not a or not b or a.id == b.id:
            return
        (x,) = self.take(a, value)
        y = self.new_invoice(b, value - timedelta(days=self.rng.randint(5, 40)), x.total)
        y.used = True
        t = self.new_tx(e, a.ccy, x.total, value, "trap_amount_two", "trap")
        t.payer_name = self._stranger(e)
        t.payer_acct = self._account(e.upper())[0]
        t.checks = ["open_amount"]
        t.check_args["items"] = [x, y]
        t.render = lambda: self._bare(t, a)

    def s_trap_before_invoice(self, e: str) -> None:
        got = self._basic(e, on_file=e == "au")
        if not got:
            return
        c, value = got
        later = self.new_invoice(c, value + timedelta(days=self.rng.randint(1, 10)))
        later.used = True
        t = self.new_tx(e, c.ccy, later.total, value, "trap_before_invoice", "trap")
        self._payer(t, c, on_file=e == "au")
        t.allow_on_account = True
        t.checks = ["before"]
        t.check_args["items"] = [later]
        t.render = lambda: self._bare(t, c)

    def s_trap_ccy_crossed(self, e: str) -> None:
        value = self.day()
        c = self.pick(e, self._std, value)
        if not c:
            return
        (inv,) = self.take(c, value)
        usd = half_up(Decimal(inv.total) / FX[c.ccy] * FX["USD"])
        t = self.new_tx(e, "USD", usd, value, "trap_ccy_crossed", "trap")
        self._payer(t, c, on_file=False)
        t.checks = ["no_ccy_item"]
        t.render = lambda: self._text(t, c, [inv.number])

    def s_trap_typo_two(self, e: str) -> None:
        ccy = str(ENTITIES[e]["ccy"])
        t = self.new_tx(e, ccy, 0, self.day(), "trap_typo_two", "trap", channel="npp" if e == "au" else "")
        t.payer_name = self._stranger(e)
        t.payer_acct = self._account(e.upper())[0]
        t.checks = ["open_amount"]
        t.render = lambda: self._render_typo_two(t)

    def _render_typo_two(self, t: Tx) -> None:
        """After numbering: two invoices of two customers whose numbers differ in one digit of the serial, and a
        number one digit from both that is no number of the book; the second invoice takes the first's amount."""
        e = t.entity
        limit = t.value - timedelta(days=5)
        pool = [
            i for i in self.invoices
            if i.entity == e and not i.used and i.kind == "invoice" and i.currency == t.currency and not i.nf
            and i.issue <= limit and i.series == "main" and not self.by_id[i.customer].namesake
        ]  # fmt: skip
        self.rng.shuffle(pool)
        by_num = {i.number: i for i in pool}
        for x in pool:
            for pos in self.serial_positions(x.number):
                ch = x.number[pos]
                for d in "0123456789":
                    if d == ch:
                        continue
                    y = by_num.get(x.number[:pos] + d + x.number[pos + 1 :])
                    if not y or y.customer == x.customer or y.used or x.used:
                        continue
                    for d2 in "9876543210":
                        cand = x.number[:pos] + d2 + x.number[pos + 1 :]
                        if d2 in (ch, d) or not self.free_number(e, cand):
                            continue
                        x.used = y.used = True
                        y.total = x.total
                        t.amount = x.total
                        t.check_args["items"] = [x, y]
                        c = self.by_id[x.customer]
                        if e == "nz":
                            t.nz = (cand, "PAYMENT", "")
                        else:
                            t.text = self.pay_text(t, c, [cand])
                        self.need(t, cand)
                        return
        t.amount = 0

    # ------------------------------------------------------------------ non-customer credits
    def s_nc(self, e: str, kind: str) -> None:
        rng = self.rng
        ccy = str(ENTITIES[e]["ccy"])
        value = self.day()
        channel = {"au": "npp", "sg": "giro", "in": "neft", "br": "ted"}.get(e, "")
        t = self.new_tx(
            e, ccy, self.eur_to(rng.randint(5000, 800000), ccy), value, kind, "nc", channel=channel
        )
        mode = rng.choice(["amount", "number", "plain"])
        t.check_args["mode"] = mode
        words: dict[str, tuple[str, str]] = {}
        if kind == "nc_tax":
            words = {
                "au": ("ATO", f"ATO REFUND {digits(rng, 11)} BAS 03/26"), "nz": ("INLAND REVENUE DEPARTMENT", f"IRD GST REFUND {digits(rng, 3)}-{digits(rng, 3)}-{digits(rng, 3)}"),
                "sg": ("IRAS", "GST REFUND 2026Q1"), "in": ("CBDT INCOME TAX REFUND", f"ITDTAX REFUND AY 2025-26 AAACK{digits(rng, 4)}K"),
                "jp": ("ｾﾞｲﾑｼﾖ", "ｶﾝﾌﾟｷﾝ"), "mx": ("SERVICIO DE ADMINISTRACION TRIBUTARIA", "DEVOLUCION IVA MARZO 2026"),
                "br": ("RECEITA FEDERAL", f"RESTITUICAO PER/DCOMP {digits(rng, 5)}.{digits(rng, 5)}.{t.value:%d%m%y}.1.2.04-{digits(rng, 4)}"),
            }  # fmt: skip
        elif kind == "nc_interest":
            t.channel = "bank"
            t.btc = ("ACMT", "MCOP", "INTR")
            t.mt_code = "NINT"
            t.amount = self.eur_to(rng.randint(100, 20000), ccy)
            words = {k: ("", v) for k, v in {"au": "CREDIT INTEREST", "nz": "CREDIT INTEREST PAID", "sg": "INTEREST CREDIT",
                     "in": "INT.PD:01-03-2026 TO 31-03-2026", "jp": "ﾘｿｸ", "mx": "INTERESES GANADOS", "br": "RENDIMENTO APLICACAO"}.items()}  # fmt: skip
        elif kind == "nc_marketplace":
            words = {
                "au": ("AMAZON COMMERCIAL SERVICES PTY LTD", f"AMAZON AU SETTLEMENT {digits(rng, 10)}"),
                "nz": ("TRADE ME LIMITED", f"PING PAYOUT {digits(rng, 8)}"),
                "sg": ("SHOPEE SINGAPORE PRIVATE LIMITED", f"SELLER PAYOUT {digits(rng, 12)}"),
                "in": ("RAZORPAY SOFTWARE PVT LTD", f"RAZORPAY SETTLEMENT setl_{alnum(rng, 14)}"),
                "jp": ("ｱﾏｿﾞﾝｼﾞﾔﾊﾟﾝ(ﾄﾞ", ""),
                "mx": ("MERCADO LIBRE S DE RL DE CV", f"LIQUIDACION VENTAS {digits(rng, 10)}"),
                "br": ("MERCADO PAGO INSTITUICAO DE PAGAMENTO LTDA", f"REPASSE VENDAS {digits(rng, 10)}"),
            }
        elif kind == "nc_card":
            t.btc = ("PMNT", "MCRD", "POSC")
            words = {
                "au": ("TYRO PAYMENTS", f"MERCHANT SETTLEMENT {digits(rng, 8)}"), "nz": ("WINDCAVE LTD", f"SETTLEMENT {digits(rng, 8)}"),
                "sg": ("STRIPE PAYMENTS SINGAPORE PTE LTD", f"STRIPE PAYOUT po_{alnum(rng, 16)}"),
                "in": ("PAYTM PAYMENTS SERVICES LTD", f"PAYTM SETTLEMENT {digits(rng, 12)}"), "jp": ("ｼﾞｴｲｼｰﾋﾞｰ(ｶ", "ｶｰﾄﾞｳﾘｱｹﾞ"),
                "mx": ("CLIP PAYCLIP", f"DEPOSITO VENTAS TARJETA {digits(rng, 8)}"), "br": ("CIELO S.A.", f"CIELO VENDAS CREDITO {digits(rng, 10)}"),
            }  # fmt: skip
        elif kind == "nc_intragroup":
            words = {
                k: ("KESTREL GROUP TREASURY PTE LTD", f"CASH POOL FUNDING {rng.randint(1, 40)}/2026")
                for k in ENTITIES
            }
            t.payer_acct = self.treasury_acct
            t.btc = ("CAMT", "ACCB", "ZABA")
        elif kind == "nc_own_transfer":
            src = SECOND[e] if t.account == MAIN[e] else MAIN[e]
            words = {k: (str(ENTITIES[e]["name"]), "TRANSFER BETWEEN OWN ACCOUNTS") for k in ENTITIES}
            if e == "jp":
                words[e] = ("ｹｽﾄﾚﾙｻﾝｷﾞﾖｳｷｷ(ｶ", "ﾌﾘｶｴ")
            t.payer_acct = ACCOUNTS[src][5]
            t.btc = ("CAMT", "ACCB", "ICCT")
        elif kind == "nc_insurance":
            words = {
                "au": ("QBE INSURANCE (AUSTRALIA) LIMITED", f"CLAIM {digits(rng, 8)}"), "nz": ("IAG NEW ZEALAND LIMITED", f"CLAIM {digits(rng, 8)}"),
                "sg": ("INCOME INSURANCE LIMITED", f"CLAIM SETTLEMENT {digits(rng, 8)}"), "in": ("NEW INDIA ASSURANCE CO LTD", f"CLAIM NO {digits(rng, 12)}"),
                "jp": ("ﾄｳｷﾖｳｶｲｼﾞﾖｳﾆﾁﾄﾞｳｶｻｲｶｲｼﾞﾖｳﾎｹﾝ(ｶ", ""), "mx": ("GNP SEGUROS", f"INDEMNIZACION SINIESTRO {digits(rng, 8)}"),
                "br": ("PORTO SEGURO CIA DE SEGUROS GERAIS", f"INDENIZACAO SINISTRO {digits(rng, 8)}"),
            }  # fmt: skip
        elif kind == "nc_supplier_refund":
            words = {
                "au": ("BLUESCOPE DISTRIBUTION", "REFUND OVERPAYMENT"), "nz": ("STEEL AND TUBE", "REFUND CREDIT"),
                "sg": ("HUP SENG STEEL SUPPLY PTE LTD", "REFUND OF OVERPAYMENT"), "in": ("JSW STEEL DISTRIBUTORS", "REFUND EXCESS PAYMENT"),
                "jp": ("ﾃﾂｺｳｼﾖｳｼﾞ(ｶ", "ﾍﾝｷﾝ"), "mx": ("ACEROS DISTRIBUIDORA SA DE CV", "DEVOLUCION PAGO EN EXCESO"),
                "br": ("ACOS DISTRIBUIDORA LTDA", "ESTORNO PAGAMENTO EM DUPLICIDADE"),
            }  # fmt: skip
        elif kind == "nc_return":
            t.channel = "bank"
            t.account = MAIN[e]
            t.rvsl = True
            t.btc = ("PMNT", "ICDT", "RRTN")
            words = {k: ("SUPPLIER", "RETURNED PAYMENT AC04 ACCOUNT CLOSED") for k in ENTITIES}
        elif kind == "nc_grant":
            words = {
                "au": ("AUSTRADE", "EMDG GRANT 2025-26"), "nz": ("CALLAGHAN INNOVATION", "R&D GRANT PAYMENT"),
                "sg": ("ENTERPRISE SINGAPORE", "EDG GRANT DISBURSEMENT"), "in": ("ICEGATE DRAWBACK", f"DRAWBACK SB NO {digits(rng, 7)}"),
                "jp": ("ｹｲｻﾞｲｻﾝｷﾞﾖｳｼﾖｳ", "ﾎｼﾞﾖｷﾝ"), "mx": ("NACIONAL FINANCIERA", "APOYO PROGRAMA EXPORTA"),
                "br": ("BNDES", f"LIBERACAO FINAME {digits(rng, 8)}"),
            }  # fmt: skip
        t.payer_name, t.text = words[e]

        def render() -> None:
            pool = [
                i for i in self.invoices
                if i.entity == e and not i.used and i.kind == "invoice" and i.currency == t.currency
                and i.issue <= value - timedelta(days=3)
            ]  # fmt: skip
            if not pool or (kind == "nc_intragroup" and mode == "plain"):
                return
            x = self.rng.choice(pool)
            if mode == "amount":
                t.amount = x.total
            elif mode == "number":
                t.text = f"{t.text} {x.number}".strip()[: self.limit(t)]
                if t.amount == x.total:
                    t.amount += 1700 if t.currency != "JPY" else 1700 * 100

        t.render = render

    # ------------------------------------------------------------------ numbering and rendering
    def number(self) -> None:
        rng = self.rng
        groups: dict[tuple[str, str, str], list[Invoice]] = defaultdict(list)
        for i in self.invoices:
            if i.entity in ("sg", "jp"):
                k = f"{i.issue:%Y%m}"
            elif i.entity == "in":
                k = "26-27" if i.issue >= FY_2026 else "25-26"
            else:
                k = ""
            groups[(i.entity, i.series, k)].append(i)
        starts = {("au", "main"): 104000, ("au", "cn"): 3000, ("nz", "main"): 23000, ("nz", "cn"): 400,
                  ("in", "main"): 2400, ("in", "exp"): 300, ("in", "cn"): 80, ("mx", "main"): 12000,
                  ("mx", "fac"): 2300, ("mx", "cn"): 800, ("br", "main"): 12000}  # fmt: skip
        for (e, series, k), invs in sorted(groups.items()):
            invs.sort(key=lambda i: (i.issue, i.nf or 0, i.key))
            serial = 0 if k == "26-27" else starts.get((e, series), 0)
            last_nf = -1
            for i in invs:
                if not (i.nf and i.nf == last_nf):
                    age = (END - i.issue).days
                    serial += (
                        rng.randint(1, 3 if age < 40 else 5 if age < 100 else 9)
                        if series != "cn"
                        else rng.randint(1, 3)
                    )
                last_nf = i.nf
                i.serial = serial
                y, m = i.issue.year, i.issue.month
                if e == "au":
                    i.number = f"{'CN' if series == 'cn' else 'INV'}-{serial:06d}"
                elif e == "nz":
                    i.number = f"CN-{serial:04d}" if series == "cn" else f"INV-{serial:05d}"
                elif e == "sg":
                    i.number = f"{'CN' if series == 'cn' else 'SI'}-{y % 100:02d}{m:02d}-{serial:04d}"
                elif e == "in":
                    fy2 = k
                    if series == "exp":
                        i.number = f"EXP/20{fy2}/{serial:04d}"
                    elif series == "cn":
                        i.number = f"CN/{fy2}/{serial:04d}"
                    else:
                        i.number = f"INV/{fy2}/{serial:05d}"
                elif e == "jp":
                    i.number = f"{y}{m:02d}{serial:04d}"
                elif e == "mx":
                    i.number = {"main": f"A-{serial}", "fac": f"FAC-{serial:05d}", "cn": f"NC-{serial}"}[
                        series
                    ]
                else:
                    i.number = f"{serial:09d}" + (f"/{i.parcel}" if i.nf else "")
        self._numbers: dict[str, set[str]] = defaultdict(set)
        self._digits: dict[str, set[str]] = defaultdict(set)
        self._canon: dict[str, set[str]] = defaultdict(set)
        self._by_number: dict[tuple[str, str], Invoice] = {}
        for i in self.invoices:
            self._numbers[i.entity].add(i.number)
            self._canon[i.entity].add(canonical(i.number))
            self._digits[i.entity].add("".join(ch for ch in i.number if ch.isdigit()).lstrip("0"))
            self._digits[i.entity].add(str(i.serial))
            self._by_number[(i.entity, i.number)] = i
        assert len(self._by_number) == len(self.invoices), "invoice numbers are not unique"

    @staticmethod
    def serial_positions(number: str) -> list[int]:
        """Where the last four digits of the serial are (never the year, the month or a parcel)."""
        core = number.split("/")[0] if re.fullmatch(r"\d{9}/\d", number) else number
        pos = [p for p, ch in enumerate(core) if ch.isdigit()]
        return pos[-4:]

    def typo_of(self, inv: Invoice) -> str:
        """The number with one digit of its serial wrong, missing or doubled: no number of the book."""
        rng, src = self.rng, inv.number
        for _ in range(80):
            i = rng.choice(self.serial_positions(src))
            op = rng.choice(["wrong", "wrong", "missing", "double"])
            if op == "wrong":
                cand = src[:i] + rng.choice([d for d in "0123456789" if d != src[i]]) + src[i + 1 :]
            elif op == "missing":
                cand = src[:i] + src[i + 1 :]
            else:
                cand = src[:i] + src[i] + src[i:]
            if self.free_number(inv.entity, cand):
                return cand
        return src[:-1] + ("7" if src[-1] != "7" else "3")

    def free_number(self, entity: str, cand: str) -> bool:
        """No number of the book in any written form: its digits, its groups of digits without leading zeros,
        nor a serial of the book written alone."""
        key = "".join(ch for ch in cand if ch.isdigit()).lstrip("0")
        return (
            key not in self._digits[entity]
            and canonical(cand) not in self._canon[entity]
            and cand not in self._numbers[entity]
        )

    def render_all(self) -> None:
        for t in self.txs:
            if t.render:
                t.render()
        for t in self.txs:
            if t.amount <= 0:
                self.dropped[f"{t.scenario} (not built)"] += 1
        self.txs = [t for t in self.txs if t.amount > 0]
        for t in self.txs:
            t.truth = [(i.number if i else "", a, k) for i, a, k in t.rows]
            self.compose(t)
        cut = [t for t in self.txs if not self.text_holds(t)]
        for t in cut:
            self.dropped[f"{t.scenario} (text cut)"] += 1
        gone = {t.ref for t in cut}
        self.txs = [t for t in self.txs if t.ref not in gone and t.pair not in gone]
        for t in self.txs:
            if t.by_name and t.kind == "customer":
                t.check_args["rivals"] = self.rivals(t)
                t.checks.append("rivals")

    def delivered(self, t: Tx) -> str:
        if t.fmt == "mt940":
            return t.mt86.replace("\n", "")
        return " ".join([*t.ustrd, *(r for _tp, r in t.strd_refs), t.addtl_tx])

    def text_holds(self, t: Tx) -> bool:
        text = self.delivered(t).upper()
        return all(str(n).upper() in text for n in t.check_args.get("need", []))  # type: ignore[union-attr]

    def rivals(self, t: Tx) -> list[str]:
        """Customers a clerk could take for a payer known by its name only, as the bank wrote it: the same name,
        or one the bank's name is the start of (cut); in Japan, the same reading."""
        e = t.entity
        name = t.payer_name
        if e == "jp":
            body = re.sub(r"^\d+\s*|ｶ\)|\(ｶ|ﾕ\)|\(ﾄﾞ|\s", "", name).replace(half_width("カブシキガイシャ"), "")
            return [
                c.id
                for c in self.customers
                if c.entity == e and c.id != t.customer and c.kana and half_width(c.kana) == body
            ]
        d = norm_name(re.sub(r"^M/S ", "", name))
        for long, short in IN_SHORT.items():
            d = re.sub(rf"\b{short}\b", long.upper(), d)
        out = []
        for c in self.customers:
            if c.entity != e or c.id == t.customer:
                continue
            n = norm_name(c.name)
            if n == d or (len(d) >= 4 and n.startswith(d)) or (len(n) >= 4 and d.startswith(n + " ")):
                out.append(c.id)
        return out

    # ------------------------------------------------------------------ what the bank delivers, channel by channel
    def _apca(self, t: Tx) -> str:
        return str(100000 + int(re.sub(r"\D", "", t.customer or "1")[-5:] or 1) * 7 % 899999)

    def compose(self, t: Tx) -> None:
        """The payment as the account's bank delivers it: names cut and texts laid out as each channel carries
        them, with the channel's own numbers (UTR, clave de rastreo, end-to-end ids) beside the payer's text."""
        rng = self.rng
        ch, text, name = t.channel, t.text, t.payer_name
        mt = t.fmt == "mt940"
        if t.debit:
            t.ustrd = [text]
            t.mt86 = f"PAYMENT TO {name} {text}"
            return
        if ch == "bank":
            t.ustrd = [text] if text else []
            t.addtl_ntry = "RETURNED PAYMENT" if t.rvsl else "CREDIT INTEREST"
            t.mt86 = text
        elif ch == "becs":
            name = name.upper()[:16]
            lodg = text.upper()[:18]
            apca = self._apca(t)
            t.ustrd = [lodg] if lodg else []
            t.addtl_ntry = "DIRECT CREDIT"
            t.mt86 = f"DIRECT CREDIT {apca} {name} {lodg}".strip()
            t.ids["apca"] = apca
        elif ch == "npp":
            name = name.upper() if rng.random() < 0.6 else name
            t.ustrd = [text] if text else []
            t.addtl_ntry = rng.choice(["NPP CREDIT", "OSKO PAYMENT"])
            t.e2e = rng.choice(["NOTPROVIDED", alnum(rng, 16)])
            t.mt86 = f"TRANSFER FROM {name.upper()} {text}".strip()
        elif ch == "bpay":
            name = ""
            rcpt = digits(rng, 12)
            if t.crn_strd:
                t.strd_refs = [("BPAY CRN", t.crn)]
                t.ustrd = [f"BPAY BILLER 254631 RCPT {rcpt}"]
            else:
                t.ustrd = [f"BPAY BILLER 254631 CRN {t.crn} RCPT {rcpt}"]
            t.addtl_ntry = "BPAY PAYMENTS"
            t.ids["rcpt"] = rcpt
        elif ch == "dc":
            name = name.upper()[:20]
            p, c, r = t.nz or pack12(text)
            fields = (p[:12], c[:12], r[:12])
            joined = (
                " ".join(x for x in fields if x)
                if rng.random() < 0.5
                else f"{fields[0]:<12}{fields[1]:<12}{fields[2]:<12}".rstrip()
            )
            t.ustrd = [joined] if joined else []
            desc = rng.choice(["DIRECT CREDIT", "BILL PAYMENT", "AUTOMATIC PAYMENT", "ONLINE PAYMENT"])
            t.addtl_ntry = desc
            t.mt86 = f"{desc} {name} {' '.join(x for x in fields if x)}".strip()
        elif ch in ("fast", "giro", "paynow"):
            name = name.upper()[:35] if rng.random() < 0.7 else name[:35]
            desc = {"fast": "FAST PAYMENT", "giro": "INTERBANK GIRO", "paynow": "PAYNOW TRANSFER"}[ch]
            t.ustrd = [text] if text else []
            if ch == "paynow":
                t.ustrd.append(f"PAYNOW UEN {self.seller_uen}")
            t.addtl_ntry = desc
            t.ids["purp"] = "SUPP" if ch != "paynow" else "OTHR"
            t.mt86 = f"{desc} {'OTHR ' if ch == 'fast' else ''}{name.upper()} {text}".strip()
            if ch == "paynow":
                t.mt86 = f"PAYNOW-FAST UEN {self.seller_uen} {name.upper()} {text}".strip()
        elif ch in ("neft", "rtgs", "imps", "upi"):
            ifsc = t.payer_agent or f"{rng.choice(BANKS['IN'])}0{alnum(rng, 6)}"
            bank = ifsc[:4]
            name = name.upper()[:35]
            if ch == "neft":
                utr = f"{bank}N{t.value:%y}{t.value.timetuple().tm_yday:03d}{digits(rng, 6)}"
                narr = f"NEFT CR-{ifsc}-{name}-{text}-{utr}"
            elif ch == "rtgs":
                utr = f"{bank}R5{t.value:%Y%m%d}{digits(rng, 8)}"
                narr = f"RTGS CR-{ifsc}-{name}-{text}-{utr}"
            elif ch == "imps":
                utr = f"{t.value:%y}{t.value.timetuple().tm_yday:03d}{digits(rng, 7)}"
                narr = f"IMPS-{utr}-{name}-{bank}-XXXXXXXX{(t.payer_acct or '0000')[-4:]}-{text}"
            else:
                utr = f"{t.value:%y}{t.value.timetuple().tm_yday:03d}{digits(rng, 7)}"
                vpa = re.sub(r"[^a-z]", "", name.lower())[:10] + rng.choice(
                    ["@okhdfcbank", "@oksbi", "@icici", "@ybl"]
                )
                narr = f"UPI-{name}-{vpa}-{ifsc}-{utr}-{text}"
            t.ids["utr"] = utr
            t.mt86 = narr
            t.ustrd = [text] if text else []
            t.addtl_tx = f"{ch.upper()}/{utr}/{name}"
            t.addtl_ntry = f"{ch.upper()} CR"
            t.e2e = utr
        elif ch == "zengin":
            name = name[:48]
            t.ustrd = [text] if text else []
            t.addtl_ntry = rng.choice(["振込", "ﾌﾘｺﾐ", "振込入金"])
        elif ch in ("spei", "spid"):
            name = strip_accents(name).upper()[:40]
            concepto = strip_accents(text).upper()[:40]
            refnum = t.refnum or rng.choice(["1", f"{t.value:%d%m%y}", digits(rng, rng.randint(1, 7)), "0"])
            bank = t.payer_agent or rng.choice(BANKS["MX"])
            rastreo = f"{MX_BANK_NAME.get(bank, 'BANCO')[:4].replace(' ', '')}{bank}{t.value:%Y%m%d}{digits(rng, 8)}"
            c = self.by_id.get(t.customer)
            rfc_txt = f" RFC {c.tax_id}" if c and c.nat == "MX" and rng.random() < 0.4 else ""
            t.ids["rastreo"] = rastreo
            t.ustrd = [f"{concepto} REF {refnum}".strip(), f"CLAVE RASTREO {rastreo}{rfc_txt}"]
            t.addtl_ntry = f"{ch.upper()} RECIBIDO"
            t.e2e = rastreo[:35]
            t.mt86 = f"{ch.upper()} RECIBIDO {MX_BANK_NAME.get(bank, 'BANCO')} {name} CONCEPTO {concepto} REF {refnum} RASTREO {rastreo}{rfc_txt}"
        elif ch in ("tt", "swift"):
            name = name.upper()[:70]
            t.ustrd = [text] if text else []
            t.addtl_ntry = "INWARD TELEGRAPHIC TRANSFER" if ch == "tt" else "INWARD REMITTANCE"
            t.e2e = alnum(rng, 16)
            t.mt86 = f"{t.addtl_ntry} {name} {text}".strip()
        elif ch == "pix":
            name = strip_accents(name).upper()[:140]
            msg = strip_accents(text).upper()[:140]
            ispb = BR_ISPB.get(t.payer_agent, "60701190")
            t.e2e = f"E{ispb}{t.value:%Y%m%d}{rng.randint(8, 20):02d}{rng.randint(0, 59):02d}{alnum(rng, 11)}"
            c = self.by_id.get(t.customer)
            cnpj_txt = c.tax_id if c and c.nat == "BR" and rng.random() < 0.5 else ""
            txid = (
                f"TXID {alnum(rng, rng.randint(26, 35))}" if rng.random() < 0.3 else ""
            )  # a dynamic QR code's id
            t.ustrd = [x for x in (msg, f"CNPJ {cnpj_txt}" if cnpj_txt else "", txid) if x]
            t.addtl_ntry = "PIX RECEBIDO"
            t.ids["e2e"] = t.e2e
            t.mt86 = f"PIX RECEBIDO {name} {cnpj_txt} {msg} {t.e2e}".replace("  ", " ").strip()
        elif ch == "ted":
            name = strip_accents(name).upper()[:30]
            msg = strip_accents(text).upper()[:40]
            t.ustrd = [msg] if msg else []
            t.addtl_ntry = "TED RECEBIDA"
            t.mt86 = f"TED {t.payer_agent or '001'} {(t.payer_acct or '0000')[:4]} {name} {msg}".strip()
        elif ch == "boleto":
            nosso, seu, line = t.boleto
            name = strip_accents(name).upper()[:40]
            t.strd_refs = [("NOSSO NUMERO", nosso)]
            t.ustrd = ([f"SEU NUMERO {seu}"] if seu else []) + [line]
            t.addtl_ntry = "LIQUIDACAO DE COBRANCA"
        t.payer_name = name
        if mt:
            t.mt86 = strip_accents(t.mt86)
        c = self.by_id.get(t.customer)
        if ch == "bpay":
            t.variant = "CRN in Strd" if t.crn_strd else "CRN in Ustrd"
        elif (
            t.entity == "au"
            and t.kind == "customer"
            and c is not None
            and c.on_file
            and t.payer_acct == c.acct
        ):
            t.variant = (
                "MT940: no account"
                if mt
                else "account, BSB in DbtrAgt"
                if len(t.payer_acct) < 11
                else "BSB and account"
            )
        elif t.entity == "jp" and c is not None and len(c.aliases) > 1:
            t.variant = "remitter name on file"

    # ------------------------------------------------------------------ the final book, re-checked
    def verify(self) -> None:
        """Re-checks every truth over the final book in booking order and drops the payments whose truth no
        longer holds, until none is dropped."""
        for _ in range(12):
            fails = self._simulate()
            if not fails:
                return
            gone = set(fails)
            gone |= {t.ref for t in self.txs if t.pair and t.pair in gone}
            for t in self.txs:
                if t.ref in gone:
                    self.dropped[t.scenario] += 1
            self.txs = [t for t in self.txs if t.ref not in gone]

    def order(self) -> list[Tx]:
        return sorted(self.txs, key=lambda t: (t.value, ACCOUNT_ORDER[t.account], t.seq))

    def _simulate(self) -> list[str]:
        open_ = {i.key: i.signed for i in self.invoices}
        by_cust: dict[str, list[Invoice]] = defaultdict(list)
        for i in self.invoices:
            by_cust[i.customer].append(i)
        fails: list[str] = []
        for t in self.order():
            if t.debit:
                continue
            why = self._check(t, open_, by_cust)
            if why:
                fails.append(t.ref)
                continue
            if t.kind == "customer":
                for i, a, k in t.rows:
                    if i is not None and k == "invoice":
                        open_[i.key] -= (
                            a  # a deduction closes the rest: the invoice row is the whole open amount
                        )
        return fails

    def _check(self, t: Tx, open_: dict[int, int], by_cust: dict[str, list[Invoice]]) -> str:
        tol = TOLERANCE.get(t.currency, 0)

        def items_of(cid: str) -> list[Invoice]:
            return [
                i for i in by_cust[cid]
                if i.kind == "invoice" and i.currency == t.currency and i.issue <= t.value and open_[i.key] > 0
            ]  # fmt: skip

        ded: Counter[int] = Counter()
        for i, a, k in t.rows:
            if k == "deduction" and i is not None:
                ded[i.key] += a
        for i, a, k in t.rows:
            if i is None or k != "invoice":
                continue
            if i.issue > t.value:
                return "issued after the value date"
            if i.kind == "credit_note":
                if open_[i.key] != a:
                    return "credit note not open"
            elif a > open_[i.key] or a <= 0 or (ded[i.key] and a != open_[i.key]):
                return "invoice not open by that much"
        for chk in t.checks:
            if chk == "cust_unique":
                hits = [i for i in items_of(t.customer) if open_[i.key] == t.amount]
                if [i.key for i in hits] != [t.rows[0][0].key]:  # type: ignore[union-attr]
                    return "amount not unique for the customer"
            elif chk == "combo":
                mine = items_of(t.customer)
                want = sorted(i.key for i, _a, _k in t.rows if i)
                if any(open_[i.key] == t.amount for i in mine):
                    return "a single item of the amount"
                found = []
                for size in range(2, len(want) + 1):
                    found = [sorted(i.key for i in c) for c in itertools.combinations(mine, size)
                             if sum(open_[i.key] for i in c) == t.amount]  # fmt: skip
                    if found:
                        break
                if found != [want]:
                    return "combination not unique"
            elif chk == "fifo":
                target = t.rows[0][0]
                assert target is not None
                eq = sorted(
                    (i for i in items_of(t.customer) if open_[i.key] == t.amount),
                    key=lambda i: (i.due, i.issue, i.number),
                )
                if not eq or eq[0].key != target.key:
                    return "not the oldest"
            elif chk == "namesake_one":
                hits = [
                    i for cid in t.check_args["group"] for i in items_of(str(cid)) if open_[i.key] == t.amount
                ]  # type: ignore[attr-defined]
                if len(hits) != 1:
                    return "several namesakes with the amount"
            elif chk == "rivals":
                for cid in t.check_args.get("rivals", []):  # type: ignore[attr-defined]
                    theirs = [open_[i.key] for i in items_of(str(cid))]
                    for size in (1, 2, 3):
                        if any(
                            t.amount <= sum(c) <= t.amount + tol for c in itertools.combinations(theirs, size)
                        ):
                            return "a customer of the same name has items of the amount"
            elif chk == "excess":
                excess = sum(a for i, a, k in t.rows if k == "on_account")
                inv = t.rows[0][0]
                others = [open_[i.key] for i in items_of(t.customer) if i is not inv]
                for size in (1, 2, 3):
                    if any(sum(c) == excess for c in itertools.combinations(others, size)):
                        return "the excess is an item or a sum of items"
            elif chk == "closed":
                if open_[t.check_args["inv"].key] != 0:  # type: ignore[attr-defined]
                    return "the duplicate's invoice still open"
            elif chk == "no_item_amount":
                mine = [open_[i.key] for i in items_of(t.customer)]
                for size in (1, 2, 3):
                    if any(t.amount <= sum(c) <= t.amount + tol for c in itertools.combinations(mine, size)):
                        return "an item or combination of the amount"
            elif chk == "open_amount":
                for i in t.check_args.get("items", []):  # type: ignore[attr-defined]
                    if open_[i.key] != t.amount or i.issue > t.value:
                        return "trap's items no longer open"
                if not t.check_args.get("items"):
                    return "trap not built"
            elif chk in ("before", "no_ccy_item"):
                mine = [open_[i.key] for i in items_of(t.customer)]
                for size in (1, 2, 3):
                    if any(t.amount <= sum(c) <= t.amount + tol for c in itertools.combinations(mine, size)):
                        return "an item or combination makes the amount"
            elif chk == "typo_free":
                typo = str(t.check_args.get("typo", ""))
                if not typo or not self.free_number(t.entity, typo):
                    return "typo is a number of the book"
            elif chk == "fee_unique":
                inv = t.rows[0][0]
                hits = [i for i in items_of(t.customer) if 0 <= open_[i.key] - t.amount <= tol]
                if [i.key for i in hits] != [inv.key]:  # type: ignore[union-attr]
                    return "another item within the fee's reach"
            elif chk == "shime":
                # the items due by the pay day, oldest first, are the closing period's, which the amount (and the
                # transfer fee kept back) pays; no single item of the amount
                period = t.check_args["period"]
                want = sorted(i.key for i in period)  # type: ignore[attr-defined]
                mine = sorted(items_of(t.customer), key=lambda i: (i.due, i.issue, i.number))
                head = mine[: len(want)]
                if sorted(i.key for i in head) != want or (
                    len(mine) > len(want) and mine[len(want)].due <= t.value
                ):
                    return "the period's items are not the oldest"
                if not 0 <= sum(open_[i.key] for i in head) - t.amount <= tol:
                    return "the period's items do not make the amount"
                if len(want) > 1 and any(0 <= open_[i.key] - t.amount <= tol for i in mine):
                    return "a single item of the amount"
            elif chk == "serial_one":
                hits = [i for i in items_of(t.customer) if i.serial == t.check_args["serial"]]
                if [i.key for i in hits] != [t.rows[0][0].key]:  # type: ignore[union-attr]
                    return "serial not unique for the customer"
            elif chk == "digits_one":
                d = str(t.check_args["digits"])
                hits = [
                    i
                    for i in self.invoices
                    if i.entity == t.entity and re.sub(r"\D", "", i.number).lstrip("0") == d
                ]
                if len(hits) != 1:
                    return "folio digits not unique"
            elif chk == "parcel_fifo":
                group = t.check_args["group"]
                eq = sorted((i for i in group if open_[i.key] == t.amount), key=lambda i: (i.due, i.parcel))  # type: ignore[attr-defined]
                if not eq or eq[0].key != t.rows[0][0].key:  # type: ignore[union-attr]
                    return "not the oldest parcel"
        return ""

    # ------------------------------------------------------------------ files
    def assign_order(self) -> None:
        by_day: dict[date, list[Tx]] = defaultdict(list)
        for t in self.txs:
            by_day[t.value].append(t)
        seq = 0
        for d in sorted(by_day):
            day = by_day[d]
            self.rng.shuffle(day)
            for t in day:
                seq += 1
                t.seq = seq

    def write_customers(self, path: Path) -> None:
        lang = {"jp": "ja", "mx": "es", "br": "pt"}
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["id", "name", "country", "vat_number", "iban", "email", "language", "entity", "parent_id",
                        "payment_terms_days", "aliases"])  # fmt: skip
            for c in self.customers:
                w.writerow([c.id, c.name, country_of(c), "", c.on_file, f"ap{c.id}@example.com",
                            lang.get(c.entity, "en") if c.kind != "foreign" else "en", c.entity, c.parent_id, c.terms,
                            "|".join(c.aliases)])  # fmt: skip

    def write_invoices(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["number", "customer_id", "issue_date", "due_date", "currency", "total", "structured_reference",
                        "entity", "kind", "net", "vat", "rate"])  # fmt: skip
            for i in sorted(self.invoices, key=lambda i: (i.entity, i.issue, i.key)):
                w.writerow([i.number, i.customer, i.issue.isoformat(), i.due.isoformat(), i.currency,
                            fmt_amount(i.total, i.currency), "", i.entity, i.kind, fmt_amount(i.total - i.vat, i.currency),
                            fmt_amount(i.vat, i.currency), i.rate])  # fmt: skip

    def write_truth(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(
                ["tx_ref", "invoice_number", "amount", "status", "kind", "scenario", "country", "channel"]
            )
            for t in self.order():
                if t.debit:
                    continue
                if t.kind == "customer":
                    for n, a, k in t.truth:
                        w.writerow(
                            [
                                t.ref,
                                n,
                                fmt_amount(a, t.currency),
                                "applied",
                                k,
                                t.scenario,
                                t.country,
                                t.channel,
                            ]
                        )
                else:
                    w.writerow([t.ref, "", fmt_amount(t.amount, t.currency), "unmatched", "unrelated", t.scenario, t.country,
                                t.channel])  # fmt: skip

    def statements(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        paths: list[Path] = []
        balance = {k: 50_000_000 + i * 1_000_000 for i, k in enumerate(ACCOUNTS)}
        seqs: Counter[str] = Counter()
        grouped: dict[tuple[date, str], list[Tx]] = defaultdict(list)
        for t in self.order():
            grouped[(t.value, t.account)].append(t)
        for d in DAYS:
            for acct, (_e, _ccy, _bank, fmt, _bic, _own) in ACCOUNTS.items():
                txs = grouped.get((d, acct), [])
                if not txs and fmt.startswith("camt054"):
                    continue
                seqs[acct] += 1
                opening = balance[acct]
                balance[acct] += sum(-t.amount if t.debit else t.amount for t in txs)
                p = (
                    folder
                    / f"{d:%Y%m%d}_{ACCOUNT_ORDER[acct]:02d}_{acct}.{'sta' if fmt == 'mt940' else 'xml'}"
                )
                if fmt == "mt940":
                    p.write_bytes(
                        self.mt940(acct, d, txs, opening, balance[acct], seqs[acct]).encode(
                            "ascii", "replace"
                        )
                    )
                else:
                    p.write_text(
                        self.camt(acct, d, txs, opening, balance[acct], seqs[acct]), encoding="utf-8"
                    )
                paths.append(p)
        return paths

    def mt940(self, acct: str, d: date, txs: list[Tx], opening: int, closing: int, seq: int) -> str:
        ccy = ACCOUNTS[acct][1]

        def amt(c: int) -> str:
            return f"{c // 100}," if ccy == "JPY" else f"{c // 100},{c % 100:02d}"

        def bal(tag: str, c: int) -> str:
            return f"{tag}{'C' if c >= 0 else 'D'}{d:%y%m%d}{ccy}{amt(abs(c))}"

        lines = [
            f":20:{acct.upper()}{d:%y%m%d}",
            f":25:{ACCOUNTS[acct][5]}",
            f":28C:{seq:05d}/001",
            bal(":60F:", opening),
        ]
        for t in txs:
            mark = "D" if t.debit else "C"
            lines.append(
                f":61:{t.value:%y%m%d}{t.value:%m%d}{mark}{amt(t.amount)}{'NTRF' if t.debit else t.mt_code}NONREF//{t.ref}"
            )
            body = re.sub(r"[^ -~]", "?", t.mt86 if not t.debit else f"PAYMENT TO {t.payer_name} {t.text}")
            parts = [body[i : i + 65] for i in range(0, min(len(body), 6 * 65), 65)] or [""]
            parts = [p if not p.startswith((":", "-")) else " " + p[:64] for p in parts]
            lines.append(":86:" + parts[0])
            lines += parts[1:]
        lines += [bal(":62F:", closing), "-"]
        return "\r\n".join(lines) + "\r\n"

    def camt(self, acct: str, d: date, txs: list[Tx], opening: int, closing: int, seq: int) -> str:
        e = escape
        _ent, ccy, _bank, fmt, bic, own = ACCOUNTS[acct]
        v8 = fmt.endswith("v08")
        ntf = fmt.startswith("camt054")
        msg, ver = ("camt.054" if ntf else "camt.053"), ("08" if v8 else "02")
        root, block = ("BkToCstmrDbtCdtNtfctn", "Ntfctn") if ntf else ("BkToCstmrStmt", "Stmt")
        mid = f"{acct.upper()}-{d:%Y%m%d}"
        bic_tag = "BICFI" if v8 else "BIC"

        def a(tag: str, c: int) -> str:
            return f'<{tag} Ccy="{ccy}">{fmt_amount(c, ccy)}</{tag}>'

        def party(tag: str, nm: str) -> str:
            return (
                f"<{tag}><Pty><Nm>{e(nm[:140])}</Nm></Pty></{tag}>"
                if v8
                else f"<{tag}><Nm>{e(nm[:70])}</Nm></{tag}>"
            )

        out = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:{msg}.001.{ver}"><{root}>',
            f"<GrpHdr><MsgId>{mid}</MsgId><CreDtTm>{d.isoformat()}T21:00:00</CreDtTm></GrpHdr>",
            f"<{block}><Id>{mid}</Id><ElctrncSeqNb>{seq}</ElctrncSeqNb><CreDtTm>{d.isoformat()}T21:00:00</CreDtTm>",
            f"<Acct><Id><Othr><Id>{own}</Id></Othr></Id><Ccy>{ccy}</Ccy><Svcr><FinInstnId><{bic_tag}>{bic}</{bic_tag}></FinInstnId></Svcr></Acct>",
        ]
        if not ntf:
            for code, val in (("OPBD", opening), ("CLBD", closing)):
                out.append(
                    f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>{a('Amt', abs(val))}"
                    f"<CdtDbtInd>{'CRDT' if val >= 0 else 'DBIT'}</CdtDbtInd><Dt><Dt>{d.isoformat()}</Dt></Dt></Bal>"
                )

        def txdtls(t: Tx, batch: bool) -> str:
            ind = "DBIT" if t.debit else "CRDT"
            x = f"<TxDtls><Refs><AcctSvcrRef>{t.ref}</AcctSvcrRef><EndToEndId>{e(t.e2e[:35])}</EndToEndId>"
            if t.ids.get("utr"):
                x += f"<ClrSysRef>{t.ids['utr']}</ClrSysRef>"
            x += "</Refs>"
            if v8:
                x += f"{a('Amt', t.amount)}<CdtDbtInd>{ind}</CdtDbtInd>"
            if t.instd:
                x += f"<AmtDtls><InstdAmt>{a('Amt', t.instd)}</InstdAmt><TxAmt>{a('Amt', t.amount)}</TxAmt></AmtDtls>"
            elif batch and not v8:
                x += f"<AmtDtls><TxAmt>{a('Amt', t.amount)}</TxAmt></AmtDtls>"
            rp = ""
            side = "Cdtr" if t.debit else "Dbtr"
            if t.payer_name:
                rp += party(side, t.payer_name)
            if t.payer_acct:
                scheme = {"mx": "CLABE", "br": "AGENCIA/CONTA"}.get(t.entity, "BBAN")
                rp += f"<{side}Acct><Id><Othr><Id>{e(t.payer_acct)}</Id><SchmeNm><Prtry>{scheme}</Prtry></SchmeNm></Othr></Id></{side}Acct>"
            if t.ultimate:
                rp += party("UltmtDbtr", t.ultimate)
            if rp:
                x += f"<RltdPties>{rp}</RltdPties>"
            clr = {"au": "AUBSB", "in": "INFSC", "jp": "JPZGN", "sg": "SGIBG"}.get(t.entity)
            if clr and t.payer_agent and not t.debit and t.channel not in ("bpay",):
                x += (f"<RltdAgts><{side}Agt><FinInstnId><ClrSysMmbId><ClrSysId><Cd>{clr}</Cd></ClrSysId>"
                      f"<MmbId>{t.payer_agent}</MmbId></ClrSysMmbId></FinInstnId></{side}Agt></RltdAgts>")  # fmt: skip
            if t.ids.get("purp"):
                x += f"<Purp><Cd>{t.ids['purp']}</Cd></Purp>"
            rmt = "".join(f"<Ustrd>{e(line[:140])}</Ustrd>" for line in t.ustrd if line)
            for tp, r in t.strd_refs:
                rmt += f"<Strd><CdtrRefInf><Tp><CdOrPrtry><Prtry>{e(tp)}</Prtry></CdOrPrtry></Tp><Ref>{e(r)}</Ref></CdtrRefInf></Strd>"
            if rmt:
                x += f"<RmtInf>{rmt}</RmtInf>"
            if t.addtl_tx:
                x += f"<AddtlTxInf>{e(t.addtl_tx[:500])}</AddtlTxInf>"
            return x + "</TxDtls>"

        def entry(ts: list[Tx], ref: str) -> str:
            t = ts[0]
            total = sum(x.amount for x in ts)
            ind = "DBIT" if t.debit else "CRDT"
            sts = "<Sts><Cd>BOOK</Cd></Sts>" if v8 else "<Sts>BOOK</Sts>"
            rv = "<RvslInd>true</RvslInd>" if t.rvsl else ""
            dom, fam, sub = ("PMNT", "ICDT", "DMCT") if t.debit else t.btc
            prtry = f"<Prtry><Cd>{t.channel.upper() or 'TRF'}</Cd><Issr>{ACCOUNTS[acct][2].split()[0].upper()}</Issr></Prtry>"
            x = (f"<Ntry>{a('Amt', total)}<CdtDbtInd>{ind}</CdtDbtInd>{rv}{sts}<BookgDt><Dt>{t.value.isoformat()}</Dt></BookgDt>"
                 f"<ValDt><Dt>{t.value.isoformat()}</Dt></ValDt><AcctSvcrRef>{ref}</AcctSvcrRef>"
                 f"<BkTxCd><Domn><Cd>{dom}</Cd><Fmly><Cd>{fam}</Cd><SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn>{prtry}</BkTxCd><NtryDtls>")  # fmt: skip
            if len(ts) > 1:
                x += f"<Btch><NbOfTxs>{len(ts)}</NbOfTxs>{a('TtlAmt', total)}<CdtDbtInd>{ind}</CdtDbtInd></Btch>"
            x += "".join(txdtls(y, len(ts) > 1) for y in ts) + "</NtryDtls>"
            info = t.addtl_ntry if not t.debit else "OUTWARD PAYMENT"
            if info:
                x += f"<AddtlNtryInf>{e(info)}</AddtlNtryInf>"
            return x + "</Ntry>"

        batched = [t for t in txs if t.channel in ("bpay", "boleto") and not t.debit]
        for t in txs:
            if t in batched:
                continue
            out.append(entry([t], t.ref))
        if batched:
            out.append(entry(batched, f"B{ACCOUNTS[acct][5][-6:]}{d:%y%m%d}"))
        out.append(f"</{block}></{root}></Document>")
        return "\n".join(out)

    def generate(self) -> None:
        self.make_customers()
        self.make_book()
        self.plan()
        self.number()
        self.render_all()
        self.assign_order()
        self.verify()


FOREIGN_COUNTRY = [
    ("PT ", "ID"), ("Siam", "TH"), ("Chao Phraya", "TH"), ("Rayong", "TH"), ("Saigon", "VN"), ("Hanoi", "VN"),
    ("Mekong", "VN"), ("Manila", "PH"), ("Cebu", "PH"), ("Davao", "PH"), ("Brunei", "BN"), ("Yangon", "MM"),
    ("Sdn. Bhd.", "MY"), ("Riyadh", "SA"), ("Nairobi", "KE"), ("Mombasa", "KE"), ("Dhaka", "BD"), ("Chittagong", "BD"),
    ("Colombo", "LK"), ("Kathmandu", "NP"), ("Muscat", "OM"), ("Doha", "QA"), ("Lagos", "NG"), ("Dar es Salaam", "TZ"),
    ("Kampala", "UG"), ("Bahrain", "BH"), ("LLC", "AE"), ("C.V.", "MX"), ("Guatemala", "GT"), ("Andinos", "CO"),
    ("Costa Rica", "CR"), ("Inc.", "US"),
]  # fmt: skip


def country_of(c: Customer) -> str:
    if c.kind != "foreign":
        return c.entity.upper()
    if c.entity == "mx" and ("LLC" in c.name or "Inc." in c.name):
        return "US"
    return next((cc for key, cc in FOREIGN_COUNTRY if key in c.name), "US")


# ----------------------------------------------------------------------------------------
# checks of the generated files
# ----------------------------------------------------------------------------------------


def check_files(gen: Generator, statements: list[Path]) -> None:
    assert all(clabe_valid(ACCOUNTS[k][5]) for k in ACCOUNTS if k.startswith("mx"))
    assert all(clabe_valid(c.acct) for c in gen.customers if c.nat == "MX" and c.acct)
    assert all(luhn_valid(c.id) for c in gen.customers if c.entity == "au")
    assert len({t.ref for t in gen.txs}) == len(gen.txs)
    for i in gen.invoices:
        assert i.total > 0 and i.number, i
        assert i.currency != "JPY" or i.total % 100 == 0, i
    for t in gen.txs:
        if t.kind == "customer":
            assert sum(a for _n, a, _k in t.truth) == t.amount, (t.scenario, t.truth, t.amount)
        assert t.amount > 0 and all(len(u) <= 140 for u in t.ustrd), t
        assert t.currency != "JPY" or t.amount % 100 == 0, t
        assert len(t.e2e) <= 35 or t.fmt == "mt940", t
        if t.channel == "bpay":
            assert luhn_valid(t.crn), t.crn
        if t.entity == "jp" and t.channel == "zengin" and t.kind == "customer":
            assert all(ch.isascii() or 0xFF61 <= ord(ch) <= 0xFF9F for ch in t.payer_name), t.payer_name
    for p in statements:
        if p.suffix != ".xml":
            assert all(len(line) <= 69 for line in p.read_text(encoding="ascii").splitlines()), p
            continue
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
    home = Path(tempfile.mkdtemp(prefix="encaisse-apac-"))
    steps: list[tuple[str, list[str]]] = []
    for code, ent in ENTITIES.items():
        own = [ACCOUNTS[k][5] for k in ACCOUNTS if ACCOUNTS[k][0] == code]
        if code == "sg":
            own.append(gen.treasury_acct)  # the group's treasury centre: a sister company's account
        ibans = [x for a in own for x in ("--iban", a)]
        steps.append((f"init-{code}", ["init", "--code", code, "--name", str(ent["name"]), "--country", str(ent["country"]),
                                       "--currency", str(ent["ccy"]), *ibans]))  # fmt: skip
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
    truth = "; ".join(f"{n or '-'}:{fmt_amount(a, t.currency)}:{k}" for n, a, k in t.truth) or "not applied"
    prod = (
        "; ".join(f"{s}:{n or '-'}:{fmt_amount(a, t.currency)}:{k}:{c}" for n, a, k, s, c in rows)
        or "(absent)"
    )
    return [
        t.scenario, issue, t.ref, fmt_amount(t.amount, t.currency), t.currency, t.value.isoformat(), t.payer_name,
        t.payer_acct, t.ultimate, t.remittance(), truth, prod, t.country, t.fmt, t.channel, _WHY.get(t.ref, ""),
    ]  # fmt: skip


def accept_placement(credits: list[Tx], prod: dict[str, list[Row]]) -> list[Tx]:
    """The contract does not say on which of several invoices paid together the charges kept back are booked:
    where the truth lets them sit on any (``ded_any``), the product's rows are the truth when they differ from it
    only by that placement (same invoice rows, same on account, the same deductions in all on those invoices)."""
    out = []
    for t in credits:
        if t.ded_any and t.kind == "customer":
            status, applied = outcome(prod.get(t.ref, []))
            if status == "applied" and applied != sorted(t.truth):
                inv = sorted((n, a) for n, a, k in applied if k == "invoice")
                want = sorted((n, a) for n, a, k in t.truth if k == "invoice")
                ded = [(n, a) for n, a, k in applied if k == "deduction"]
                names = {n for n, _a in want}
                same = (
                    inv == want
                    and sum(a for _n, a in ded) == sum(a for _n, a, k in t.truth if k == "deduction")
                    and all(n in names for n, _a in ded)
                    and sum(a for _n, a, k in applied if k == "on_account")
                    == sum(a for _n, a, k in t.truth if k == "on_account")
                )
                if same:
                    t = dataclasses.replace(t, truth=list(applied))
        out.append(t)
    return out


MISS_EXTRA = ["country", "format", "channel", "why"]


def score(gen: Generator, out: Path) -> dict[str, object]:
    prod = read_export(out / "out.csv")
    credits = accept_placement([t for t in gen.txs if not t.debit], prod)
    _WHY.clear()
    _WHY.update(load_why(out))

    def channel(t: Tx) -> str:
        return f"{t.country} {t.channel}" + (f" ({t.variant})" if t.variant else "")

    groups = {"by_country": lambda t: t.country, "by_format": lambda t: t.fmt, "by_channel": channel}
    return scores_by(credits, out, miss_row, [*MISS_COLUMNS, *MISS_EXTRA], groups)


_TITLES = 34  # the width of the tables' first column


def print_table(result: dict[str, object]) -> str:
    return grouped_table(
        result,
        _TITLES,
        (("country", "by_country"), ("statement format", "by_format"), ("country and channel", "by_channel")),
    )


def main(argv: list[str] | None = None) -> int:
    return run_generated_check(
        __doc__,
        argv,
        prefix="blackbox-apac-",
        generator=Generator,
        check_files=check_files,
        run_product=run_product,
        score=score,
        print_table=print_table,
    )


if __name__ == "__main__":
    sys.exit(main())
