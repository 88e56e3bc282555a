"""Twelfth independent black-box check of cash application: a distributor in the Middle East and Africa.

What it is: a generator of the receivables of an electrical, HVAC and building-supplies distributor with companies
in the United Arab Emirates, Saudi Arabia, Egypt, Morocco, South Africa, Kenya and Nigeria and one month (April 2026)
of their bank statements, with the ground truth in the ``export-allocations`` format (docs/cashapp.md, "Accounting
rows"), designed from the user documentation only (docs/cashapp.md, docs/cli.md, docs/banking.md,
docs/invoicing.md) and from how customers in these countries pay their suppliers. The product is driven only
through its command line on a fresh SQLite workspace (``init``, ``import-customers``, ``import-invoices``,
``import-statement``, ``match``, ``export-allocations``, ``review``) and its export is scored per country, per
statement format, per country and payment channel, and per scenario.

The seller and its books
------------------------
Falcon Industrial Distribution has seven companies, one entity each (``init --code``, one functional currency
each): ``ae`` Falcon Industrial Distribution L.L.C. (AED, and a USD account for re-exports), ``sa`` … Saudi Arabia
Co. Ltd (SAR), ``eg`` … Egypt S.A.E. (EGP, and a USD account), ``ma`` … Maroc SARL (MAD), ``za`` … South Africa (Pty)
Ltd (ZAR), ``ke`` … Kenya Limited (KES, and a USD account for East African customers) and ``ng`` … Nigeria Limited
(NGN, and a domiciliary USD account). About 900 customers (0.45 per payment): contractors, traders, workshops and
retailers with their countries' names and legal forms ("LLC", "L.L.C.", "FZE", "FZCO", "FZ-LLC", "PJSC", "Est.",
"Establishment", "Trading Co.", "Co. Ltd", "S.A.E.", "SARL", "SARL AU", "S.A.", "(Pty) Ltd", "CC", "Ltd",
"Limited", "PLC", "Nig. Ltd", sole traders without a legal form: "Enterprises", "Ventures"), many named after their
owner in an Arabic transliteration the payer's bank may write otherwise (Mohammed/Mohamed/Muhammad/Mohd, Al-/El-/Al
/Al, Abdul Rahman/Abdulrahman/Abdelrahman, Khaled/Khalid, Youssef/Yousef/Yusuf, Hussein/Hussain); foreign customers
invoiced in USD by the UAE (Oman, Qatar, Bahrain, Iraq), Egypt (Libya, Sudan, Jordan), Kenya (Uganda, Tanzania,
Rwanda) and Nigeria (Ghana, Benin, Togo); one or two groups per country whose parent pays for its subsidiaries, on
file as their ``parent_id`` in seven cases of ten; pairs of namesakes in every country ("Al Noor Building Materials
Trading LLC" and "Al Noor Building Materials Trading Est.", "Highveld Electrical (Pty) Ltd" and "Highveld
Electrical Gauteng (Pty) Ltd").

What the master data holds (``import-customers``): docs/cli.md stores IBANs and the domestic accounts of the US,
Canada, the UK, Australia, Singapore, Japan, India, New Zealand, Mexico and Brazil only. So the Emirati, Saudi and
Egyptian customers have their IBAN on file seven times in ten (and pay now and then from another account), and
the Moroccan (RIB of 24 digits, Morocco has no IBAN in use), South African (universal branch code and account
number: six digits and an account would read as an Australian BSB, which it is not), Kenyan and Nigerian (NUBAN)
customers are known by their names, their customer numbers (``id``) and the numbers they write. Aliases as an AR
team registers them: a Saudi customer's name in Arabic for half of those whose banks send it so (SNB gives the
remitter's name in Arabic script), and a trade name for a few customers elsewhere.

Numbering (each company's own; numbers of paid invoices are not in the book, so the serials of the open items have
gaps): UAE tax invoices ``TI-2026-00123``, tax credit notes ``TCN-2026-0012``, re-exports in USD
``EXP-2026-0456``; Saudi e-invoices ``INV-KSA-2026-000123`` (each with its ZATCA UUID, which no column of
``import-invoices`` holds), credit notes ``CRN-KSA-2026-00012``; Egypt ``26004567`` (two-digit year and serial, as
Egyptian ERPs send them to the ETA), ``CN-260012``, exports ``EX2600456``; Morocco ``FA26-00123``, avoirs
``AV26-0012``; South Africa Sage Pastel's ``IN012345`` and ``CN004567``, no year; Kenya ``INV-12345`` and
``CRN-01234``, exports ``EXP-0456``, each with its eTIMS control-unit invoice number (19 digits, which the payer may
copy and the book does not hold); Nigeria ``NG/INV/2026/0456``, ``NG/CN/2026/0012``, ``NG/EXP/2026/0045``. Series
with a year restart on 1 January. No structured references (none of these countries has RF, OGM or a national
scheme of docs/invoicing.md). Monthly equipment-rental and maintenance contracts (equal invoices); early-payment
discount terms ("2/10 net 30", ``discount_percent``/``discount_days``) for some UAE and South African customers.
The open book is about five documents per payment, issued from October 2025 to the end of April 2026.

Statements, April 2026 (Sunday to Thursday in Saudi Arabia and Egypt, Monday to Friday elsewhere), one file per
business day and account, every account the companies' own (``init --iban``): UAE Emirates NBD camt.053.001.02 and
First Abu Dhabi Bank MT940 (UAEFTS and Aani instant transfers, exchange houses, post-dated cheques deposited
"CHQ DEP 000123", cash deposits), a USD account camt.053.001.08 (SWIFT, letters of credit); Saudi SNB
camt.053.001.08 (SARIE, names in Arabic now and then) and Al Rajhi MT940; Egypt CIB camt.053.001.02 (ACH,
InstaPay), NBE MT940, a USD account camt.053.001.02; Morocco Attijariwafa MT940 ("VIR RECU DE", "REMISE CHEQUE",
"REMISE LCN") and Bank of Africa camt.053.001.02 (the RIB in ``Othr/Id``); South Africa Standard Bank MT940 and
Absa camt.053.001.08 ("ACB CREDIT" with the payer's 20-character reference and no name, "IB PAYMENT FROM",
real-time clearing); Kenya KCB camt.053.001.02 (RTGS, PesaLink, EFT), the M-Pesa paybill collection account
camt.054.001.02 (the day's C2B payments as one batch entry, one ``TxDtls`` each: the M-Pesa receipt, the payer's
masked phone number and name, and the "account" the payer typed), a USD account camt.053.001.02; Nigeria GTBank MT940
("NIP/ZIB/ADEBAYO ENTERPRISES/INV 0045") and Zenith camt.053.001.02, a domiciliary USD account camt.053.001.08.
MT940 ``:86:`` is each bank's free-text narration in lines of 65 (at most six) in the SWIFT character set (a
payer's "%" written "PCT", "&" "+"). Outgoing payments (debits) are in the statements and not scored.

Why each truth is what it is
----------------------------
The truth is the rows a careful clerk would post from the bank data and the book alone (``invoice`` rows settle an
invoice, negative for a netted credit note; ``deduction`` rows are negative, what the payer kept back on an invoice
the payment closes; ``on_account`` rows carry money without an invoice). Payments a clerk would leave to a person
are traps (nothing may be applied). A truth that depends on the book (a unique amount, a combination, the oldest
items, first in first out, no namesake with an item of the amount) and every truth's feasibility (the invoice still
open by that much, issued by the value date) is re-checked in booking order over the final book, with every earlier
truth applied; a payment whose truth no longer holds is dropped ("dropped" in the first line printed). A payer
known by its name only is checked against every customer a clerk could take it for (the same name once the
transliteration and the legal form are set aside, or one the bank's cut name is the start of): none may have an
item, or two or three items, of the amount (within the charge tolerance below).

Customer payments:

- ``ref_exact``: the invoice number as printed, in the country's words ("PAYMENT TI-2026-00123", "FACT
  FA26-00123", "NIP/ZIB/ADEBAYO ENTERPRISES/NG/INV/2026/0456") — that invoice.
- ``ref_mangled``: the number as payers type it, keeping what tells it from the book's others: "TI202600123",
  "TI 2026 00123", "INV 123" (a serial no other invoice of the company has), "KSA2026000123", "26-004567",
  "FACT 26/00123", "IN12345", "INV12345", "INV 0456", "NG-INV-2026-0456" — that invoice.
- ``ref_typo``: one digit of the serial wrong, missing or doubled, no number of the book in any form, from a
  certain customer (its IBAN on file, else its name without namesake) and the amount to the cent — that invoice.
- ``multi_ref``: two to five of the customer's invoices listed ("TI-2026-00123, 00131 & 00140", "FA26-00123 ET
  FA26-00127") within what the channel carries (two in a South African 20-character reference) — those invoices.
- ``credit_netted``: an invoice and a credit note named ("LESS TCN-2026-0012") — both rows.
- ``partial``: 20-70 % of one invoice named, "PART PAYMENT", "1ST INSTALMENT", "ACOMPTE SUR", "PARTIAL PMT" or the
  number alone — an invoice row of the amount paid.
- ``overpayment``: one invoice named, 25-300 euros' worth more, the excess no item nor sum of two or three — the
  invoice and the excess on account.
- ``duplicate_1st`` / ``duplicate``: the same transfer twice — the first settles the invoice, the second goes on
  account whole.
- ``noref_unique``: no reference, the customer certain (its IBAN on file, else its name without namesake),
  exactly one open item of that amount — that item. ``noref_oldest``: its two to four oldest items (due date, issue
  date, number) in one payment, no item of the amount — those items. ``noref_combo``: exactly one combination of the
  fewest items (two or three), not its oldest — those items.
- ``fifo_equal``: an equipment-rental or maintenance contract's equal monthly invoices ("MONTHLY RENTAL", "AMC",
  "LOYER MATERIEL"), no month named — the oldest.
- ``group_parent`` / ``group_parent_unknown``: the parent (on file as ``parent_id``, or not) pays invoices of one or
  two subsidiaries named in full — those invoices ("Third parties").
- ``usd_invoice`` (AE, EG, KE, NG): a foreign customer's USD invoice paid into the USD account, number quoted —
  that invoice. ``charges_usd``: the same short by 10-22 USD of correspondent charges (half with
  ``AmtDtls/InstdAmt``) — the invoice and a deduction (within the 25 USD tolerance).
- ``lc_proceeds`` (AE, EG): the negotiating bank pays a letter of credit's proceeds, "LC 0123ILC2600045 PROCEEDS
  INV EXP-2026-0456", in full or "LESS CHGS USD 85.00" — the invoice and a deduction of the charges the text gives
  ("What a payer kept back, written out").
- ``advance_po``: from the customer, "ADVANCE PAYMENT PO 4512345", "AVANCE COMMANDE", no item of about the amount —
  on account whole ("An advance is kept on account"). ``advance_proforma``: the same against a proforma invoice
  ("ADVANCE AGAINST PROFORMA PI-2026-0123"); proformas are not receivables and are not in the book — on account
  whole, as a clerk posts it, although docs/cashapp.md leaves "a number the book does not know" to a person (a
  miss, not a wrong application, if the product suggests).
- ``discount`` (AE, ZA): an invoice with "2/10 net 30" terms paid within ten days less exactly 2 % — the invoice and
  a deduction of the discount.
- ``wht_explained`` (KE, NG): an invoice named, paid less withholding tax, the text giving it with its amount
  ("LESS 2% WHVAT 8,620.69", "LESS WHT 5% N125,000.00"): Kenya's 2 % withholding VAT of the taxable value, Nigeria's
  5 % (goods) or 10 % (services) WHT of the value before VAT — the invoice in full and a deduction of the tax (the
  seller claims it with the withholding certificate). ``wht_unexplained``: the same shortfall (beyond the charge
  tolerance) with the number alone — a part payment: docs/cashapp.md books an unexplained residue beyond the
  tolerance as a partial payment, and nothing in the bank data says the rest was withheld.
- ``namesake_unique``: the name two namesakes share, no account on file, only one of them has an item of the amount
  — that item.
- ``name_variant`` (AE, SA, EG, MA): no reference, no account on file, the payer's name written in another
  transliteration and form than the master data ("MOHAMED ABDELRAHMAN GEN TRDG L.L.C" for Mohammed Abdul Rahman
  General Trading LLC, "KHALID AL OTAIBI EST" for Khaled Al-Otaibi Trading Est., "STE ATLAS DISTRIBUTION"), the only
  customer of that name, with one item of the amount — that item.
- ``sa_arabic_name``: a SARIE transfer whose remitter name SNB gives in Arabic ("مؤسسة خالد العتيبي للتجارة"), no
  account on file, no reference, one item of the amount — that item (a Saudi clerk reads the name; the alias is on
  file for half of them).
- ``cheque_deposit`` (AE, MA): a post-dated cheque deposited on its date, "CHQ DEP 000123" / "REMISE CHEQUE N
  1234567", with the drawer's name (as printed on the cheque) or the invoice number written on the deposit slip —
  that invoice (named), or the drawer's only item of the amount.
- ``cash_deposit`` (AE, EG, ZA, KE, NG): cash paid in at a branch, the customer's name as the teller typed it, with
  or without an invoice number — that invoice, or the only item of the amount of the customer so named.
- ``exchange_house`` (AE): an exchange house ("AL ANSARI EXCHANGE LLC", "LULU INTERNATIONAL EXCHANGE") pays for a
  customer named in the text or as ultimate debtor, with or without the invoice number — that invoice, or the
  customer's only item of the amount.
- ``ma_lcn``: a Moroccan bill of exchange (lettre de change normalisée) collected, "REMISE LCN N 4567890 TIRE STE
  ATLAS DISTRIBUTION ECH 15/04/2026", the drawee's only item of the amount — that item.
- ``ke_mpesa_custno`` / ``ke_mpesa_inv`` / ``ke_mpesa_name``: an M-Pesa paybill C2B payment from the phone of the
  customer's owner or cashier (the payer's name a person's), the "account" typed freely: the customer number
  ("10234", "ACC 10234"), the invoice number ("INV12345", "12345"), or the shop's name ("MWANGI AGROVET") — the
  customer's only item of the amount, or the invoice named.
- ``za_custref``: a South African ACB credit, no name, the 20-character reference holding the customer's account
  number as South African suppliers ask ("ACC 40123", "40123 HIGHVELD") — the customer's only item of the amount.

Traps (nothing may be applied; on account is accepted only where marked):

- ``trap_namesake``: the shared name of two namesakes, an account never seen before (one that paid either's items
  earlier in the month would say whose), no reference, each has an item of the amount ("Namesakes by the whole
  name").
- ``trap_typo_two``: an unknown payer, a number one digit from two customers' invoices of the amount, itself no
  number of the book.
- ``trap_amount_two``: a stranger, no reference, two customers have an item of the amount.
- ``trap_before_invoice``: a customer pays the amount of an invoice issued after the value date, nothing earlier
  makes it — on account accepted.
- ``trap_ccy_crossed`` (AE, EG, KE, NG): a customer pays in USD into the USD account quoting its local-currency
  invoice, the amount that invoice converted; it has no USD invoice: never applied across currencies, and with no
  invoice in USD to value it on account a person decides (docs/cashapp.md, "Accounting rows").
- ``trap_local_for_usd`` (KE, NG): a customer with a USD invoice pays its equivalent in shillings or naira into the
  local account quoting the USD invoice — never applied across currencies; on account accepted.
- ``trap_cheque_anon`` (AE, MA): a cheque deposited without drawer or slip text, the amount one customer's open item:
  an amount alone is left to a person.
- ``trap_exchange_anon`` (AE): an exchange house pays the amount of one customer's open item and names nobody.

Non-customer credits (``nc_*``; nothing may be applied): VAT refunds (FTA, ZATCA, the Egyptian Tax Authority, DGI
"REMBOURSEMENT CREDIT TVA", SARS, KRA, FIRS), Islamic banks' profit distributions ("PROFIT PAID MUDARABA",
"HIBAH"), credit interest, card acquirer settlements (Network International, Geidea, Paymob, CMI, Yoco, Pesapal,
Paystack), loan and murabaha disbursements, the group treasury's cash-pool funding (its account declared as an own
account of the UAE company: a sister company's account), a transfer between the company's own accounts, insurance
claims, salary returns (WPS "SIF RETURN"), a supplier's refund and a returned outgoing payment (``RvslInd``). A
third carry the amount of an open invoice, a third an invoice number of the book with another amount.

Assumptions where the documentation is silent (each scored as a careful clerk would book it): the bank-charge
tolerance for AED, SAR, EGP, MAD, ZAR, KES and NGN is "25 euros' worth" of unknown scale, so no truth rests on an
item within about 60 euros' worth of the amount, and no shortfall scenario but ``charges_usd`` and ``discount``
(tolerance and terms the docs state) relies on it; withholding tax with its amount in the text is a deduction
explained; a customer number written alone in an M-Pesa account field or a South African reference names the
customer; the drawer of a cheque and a drawee of an LCN are payers by name.

Run::

    .venv/bin/python benchmarks/cashapp/blackbox_mea.py [--payments 2000] [--seed 1] [--out DIR] [--keep]

It prints tables per scenario, per country, per statement format and per country and channel (with how the bank
gave what identifies the payer: an IBAN on file, an Arabic name and whether its alias is on file) — count, applied
automatically, applied exactly right, wrong, precision of the whole payment and of the line items, suggested and
their hit rate, unmatched — a table of traps and non-customer credits, the overall rates and each step's wall time,
and writes ``customers.csv``, ``invoices.csv``, ``statements/``, ``truth.csv``, ``out.csv`` (the product's export),
``review.json`` (``encaisse review --format json``), ``misses.csv`` (every credit not as its truth wants, with the
truth, the product's rows, the country, the format, the channel and the product's explanation) and ``report.json``
in ``--out`` (default: a temporary directory, removed unless ``--keep``). Standard library only.

Notes on the contract: a payment left to a person counts as not applied, its suggestion hit when its proposals hold
every invoice of the truth; a customer payment is right when its rows are the truth's. The truth of a first-in-
first-out choice assumes every earlier payment applied as its truth: when the product leaves an earlier payment of
the same customer to a person, it is right by docs/cashapp.md to leave a later equal-amount payment too (a miss,
not a wrong application).
"""

from __future__ import annotations

import csv
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
    run_generated_check,
    run_steps,
    save_step_logs,
    scores_by,
    statement_refusals,
)

START = date(2025, 10, 1)
END = date(2026, 4, 30)
#: business days: Sunday to Thursday in Saudi Arabia and Egypt, Monday to Friday elsewhere (the UAE since 2022)
WEEK_SUN_THU = {"sa", "eg"}
APRIL = [date(2026, 4, d) for d in range(1, 31)]

#: entity code → legal name, country, functional currency, VAT rate (per cent)
ENTITIES: dict[str, dict[str, object]] = {
    "ae": {"name": "Falcon Industrial Distribution L.L.C.", "country": "AE", "ccy": "AED", "vat": Decimal("5")},
    "sa": {"name": "Falcon Industrial Distribution Saudi Arabia Co. Ltd", "country": "SA", "ccy": "SAR", "vat": Decimal("15")},
    "eg": {"name": "Falcon Industrial Distribution Egypt S.A.E.", "country": "EG", "ccy": "EGP", "vat": Decimal("14")},
    "ma": {"name": "Falcon Industrial Distribution Maroc SARL", "country": "MA", "ccy": "MAD", "vat": Decimal("20")},
    "za": {"name": "Falcon Industrial Distribution South Africa (Pty) Ltd", "country": "ZA", "ccy": "ZAR", "vat": Decimal("15")},
    "ke": {"name": "Falcon Industrial Distribution Kenya Limited", "country": "KE", "ccy": "KES", "vat": Decimal("16")},
    "ng": {"name": "Falcon Industrial Distribution Nigeria Limited", "country": "NG", "ccy": "NGN", "vat": Decimal("7.5")},
}  # fmt: skip
ENTITY_SHARE = {"ae": 0.22, "sa": 0.16, "eg": 0.12, "ma": 0.10, "za": 0.14, "ke": 0.13, "ng": 0.13}
#: units of each currency per euro (to draw amounts of one order of magnitude everywhere)
FX = {
    "AED": Decimal("3.97"), "SAR": Decimal("4.05"), "EGP": Decimal("53.5"), "MAD": Decimal("10.85"),
    "ZAR": Decimal("20.1"), "KES": Decimal("140"), "NGN": Decimal("1650"), "USD": Decimal("1.08"),
}  # fmt: skip
#: how far below an amount an item may be settled as charges kept back (hundredths): docs/cashapp.md gives 25
#: euros' worth and 25 USD; for the others an order of magnitude of 25 euros, taken generously (about 60 euros)
TOLERANCE = {"USD": 2_500, "AED": 25_000, "SAR": 25_000, "EGP": 300_000, "MAD": 60_000, "ZAR": 120_000,
             "KES": 800_000, "NGN": 10_000_000}  # fmt: skip
#: the M-Pesa limit of one transaction (KES 250,000)
MPESA_MAX = 25_000_000


def business_days(e: str) -> list[date]:
    return [d for d in APRIL if (d.weekday() in (6, 0, 1, 2, 3) if e in WEEK_SUN_THU else d.weekday() < 5)]


def iban(country: str, bban: str) -> str:
    """An IBAN with its ISO 13616 check digits."""
    num = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{country}{98 - int(num) % 97:02d}{bban}"


def iban_valid(s: str) -> bool:
    s = s.replace(" ", "")
    num = "".join(str(int(ch, 36)) for ch in s[4:] + s[:4])
    return int(num) % 97 == 1 and len(s) == {"AE": 23, "SA": 24, "EG": 29}.get(s[:2], len(s))


def rib_ma(bank: str, city: str, account: str) -> str:
    """A Moroccan RIB of 24 digits: bank (3), city (3), account (16), key (2) = 97 - (number × 100 mod 97)."""
    body = bank + city + account
    return body + f"{97 - int(body) * 100 % 97:02d}"


def rib_valid(s: str) -> bool:
    return len(s) == 24 and s.isdigit() and rib_ma(s[:3], s[3:6], s[6:22]) == s


def nuban(bank: str, serial: str) -> str:
    """A Nigerian NUBAN: nine digits of serial and the CBN check digit over the bank code and the serial."""
    weights = [3, 7, 3, 3, 7, 3, 3, 7, 3, 3, 7, 3]
    s = sum(int(d) * w for d, w in zip(bank + serial, weights, strict=True))
    return serial + str((10 - s % 10) % 10)


def nuban_valid(bank: str, s: str) -> bool:
    return len(s) == 10 and s.isdigit() and nuban(bank, s[:9]) == s


#: own accounts: key → entity, currency, bank, statement format, BIC, account as the bank identifies it
ACCOUNTS: dict[str, tuple[str, str, str, str, str, str]] = {
    "ae_enbd": ("ae", "AED", "Emirates NBD", "camt053v02", "EBILAEADXXX", iban("AE", "026" + "1014123456780001")),
    "ae_fab": ("ae", "AED", "FAB", "mt940", "NBADAEAAXXX", iban("AE", "035" + "0000062041234567")),
    "ae_usd": ("ae", "USD", "Emirates NBD", "camt053v08", "EBILAEADXXX", iban("AE", "026" + "1014123456780002")),
    "sa_snb": ("sa", "SAR", "SNB", "camt053v08", "NCBKSAJEXXX", iban("SA", "10" + "000012345678901234")),
    "sa_rajhi": ("sa", "SAR", "Al Rajhi", "mt940", "RJHISARIXXX", iban("SA", "80" + "000608010123456789")),
    "eg_cib": ("eg", "EGP", "CIB", "camt053v02", "CIBEEGCXXXX", iban("EG", "0010" + "0001" + "00000100012345678")),
    "eg_nbe": ("eg", "EGP", "NBE", "mt940", "NBEGEGCXXXX", iban("EG", "0003" + "0108" + "00000203045678901")),
    "eg_usd": ("eg", "USD", "CIB", "camt053v02", "CIBEEGCXXXX", iban("EG", "0010" + "0001" + "00000100012345679")),
    "ma_awb": ("ma", "MAD", "Attijariwafa", "mt940", "BCMAMAMCXXX", rib_ma("007", "780", "0001234500304567")),
    "ma_boa": ("ma", "MAD", "Bank of Africa", "camt053v02", "BMCEMAMCXXX", rib_ma("011", "780", "0000212100012345")),
    "za_sbsa": ("za", "ZAR", "Standard Bank", "mt940", "SBZAZAJJXXX", "001234567"),
    "za_absa": ("za", "ZAR", "Absa", "camt053v08", "ABSAZAJJXXX", "4071234567"),
    "ke_kcb": ("ke", "KES", "KCB", "camt053v02", "KCBLKENXXXX", "1104567890"),
    "ke_mpesa": ("ke", "KES", "Stanbic paybill", "camt054v02", "SBICKENXXXX", "0100004567890"),
    "ke_usd": ("ke", "USD", "KCB", "camt053v02", "KCBLKENXXXX", "1104567891"),
    "ng_gtb": ("ng", "NGN", "GTBank", "mt940", "GTBINGLAXXX", nuban("058", "012345678")),
    "ng_zenith": ("ng", "NGN", "Zenith", "camt053v02", "ZEIBNGLAXXX", nuban("057", "101234567")),
    "ng_dom": ("ng", "USD", "Zenith", "camt053v08", "ZEIBNGLAXXX", nuban("057", "501234567")),
}  # fmt: skip
ACCOUNT_ORDER = {k: i for i, k in enumerate(ACCOUNTS)}
MAIN = {
    "ae": "ae_enbd",
    "sa": "sa_snb",
    "eg": "eg_cib",
    "ma": "ma_boa",
    "za": "za_absa",
    "ke": "ke_kcb",
    "ng": "ng_zenith",
}
SECOND = {
    "ae": "ae_fab",
    "sa": "sa_rajhi",
    "eg": "eg_nbe",
    "ma": "ma_awb",
    "za": "za_sbsa",
    "ke": "ke_kcb",
    "ng": "ng_gtb",
}
USD_ACCT = {"ae": "ae_usd", "eg": "eg_usd", "ke": "ke_usd", "ng": "ng_dom"}
TREASURY_IBAN = iban("AE", "035" + "0000062049990001")  # the group treasury centre, a sister company in Dubai

# ----------------------------------------------------------------------------------------
# names
# ----------------------------------------------------------------------------------------

#: given names as the master data writes them → other ways banks and tellers write them
GIVEN: dict[str, list[str]] = {
    "Mohammed": ["MOHAMED", "MUHAMMAD", "MOHD", "MOHAMMAD", "MOHAMMED"],
    "Abdul Rahman": ["ABDULRAHMAN", "ABDELRAHMAN", "ABDUL RAHMAN", "ABD ELRAHMAN"],
    "Abdullah": ["ABDALLAH", "ABDULLA", "ABDULLAH"],
    "Khaled": ["KHALID", "KHALED"],
    "Ahmed": ["AHMAD", "AHMED"],
    "Youssef": ["YOUSEF", "YUSUF", "YOUSSEF"],
    "Hussein": ["HUSSAIN", "HUSAIN", "HUSSEIN"],
    "Omar": ["UMAR", "OMAR"],
    "Saeed": ["SAID", "SAEED", "SAIED"],
    "Ibrahim": ["IBRAHEEM", "EBRAHIM", "IBRAHIM"],
    "Abdul Aziz": ["ABDULAZIZ", "ABDELAZIZ", "ABDUL AZIZ"],
    "Faisal": ["FAYSAL", "FAISAL"],
    "Mustafa": ["MOSTAFA", "MUSTAPHA", "MUSTAFA"],
    "Hassan": ["HASAN", "HASSAN"],
    "Salem": ["SALIM", "SALEM"],
}
#: tokens folded to one form to compare names as a clerk reads them (the rivals of a payer known by name)
FOLD = {
    "MOHAMED": "MOHAMMED", "MUHAMMAD": "MOHAMMED", "MOHD": "MOHAMMED", "MOHAMMAD": "MOHAMMED", "MOHAMAD": "MOHAMMED",
    "ABDULRAHMAN": "ABDUL RAHMAN", "ABDELRAHMAN": "ABDUL RAHMAN", "ABD ELRAHMAN": "ABDUL RAHMAN",
    "ABDALLAH": "ABDULLAH", "ABDULLA": "ABDULLAH", "KHALID": "KHALED", "AHMAD": "AHMED", "YOUSEF": "YOUSSEF",
    "YUSUF": "YOUSSEF", "HUSSAIN": "HUSSEIN", "HUSAIN": "HUSSEIN", "UMAR": "OMAR", "SAID": "SAEED", "SAIED": "SAEED",
    "IBRAHEEM": "IBRAHIM", "EBRAHIM": "IBRAHIM", "ABDULAZIZ": "ABDUL AZIZ", "ABDELAZIZ": "ABDUL AZIZ",
    "FAYSAL": "FAISAL", "MOSTAFA": "MUSTAFA", "MUSTAPHA": "MUSTAFA", "HASAN": "HASSAN", "SALIM": "SALEM",
    "EL": "AL", "TRDG": "TRADING", "GEN": "GENERAL", "STE": "", "ETS": "", "MESSRS": "", "M/S": "",
    "ESTABLISHMENT": "", "COMPANY": "", "FOR": "",
}  # fmt: skip
#: Arabic: given names and families (Saudi customers' names as SNB writes them)
AR_GIVEN = {"Mohammed": "محمد", "Abdul Rahman": "عبدالرحمن", "Abdullah": "عبدالله", "Khaled": "خالد",
            "Ahmed": "أحمد", "Youssef": "يوسف", "Hussein": "حسين", "Omar": "عمر", "Saeed": "سعيد",
            "Ibrahim": "إبراهيم", "Abdul Aziz": "عبدالعزيز", "Faisal": "فيصل", "Salem": "سالم",
            "Fahad": "فهد", "Saad": "سعد", "Nasser": "ناصر", "Majed": "ماجد", "Turki": "تركي"}  # fmt: skip
AR_FAMILY = {"Al-Otaibi": "العتيبي", "Al-Qahtani": "القحطاني", "Al-Ghamdi": "الغامدي", "Al-Harbi": "الحربي",
             "Al-Zahrani": "الزهراني", "Al-Dosari": "الدوسري", "Al-Shehri": "الشهري", "Al-Mutairi": "المطيري",
             "Al-Rashid": "الراشد", "Al-Subaie": "السبيعي", "Al-Amoudi": "العمودي", "Al-Juhani": "الجهني",
             "Al-Shammari": "الشمري", "Al-Anazi": "العنزي", "Al-Yami": "اليامي", "Al-Malki": "المالكي",
             "Al-Sulami": "السلمي", "Al-Balawi": "البلوي", "Bin Saedan": "بن سعيدان", "Al-Khalidi": "الخالدي"}  # fmt: skip
AR_TRADE = {"Trading": "للتجارة", "Contracting": "للمقاولات", "Electrical Supplies": "للأدوات الكهربائية",
            "Building Materials": "لمواد البناء", "Air Conditioning": "للتكييف", "Hardware": "للعدد والأدوات"}  # fmt: skip
STEMS = {
    "AE": ["Al Noor", "Gulf Star", "Desert Rose", "Blue Ocean", "Al Fajr", "Emirates Pride", "Golden Falcon",
           "Al Waha", "Jebel Ali", "Al Qusais", "Sharjah Star", "Al Reem", "Palm City", "Al Baraka", "Silver Line",
           "Al Hilal", "Horizon", "Al Madina", "Royal Crown", "Al Khaleej", "New Dubai", "Al Ittihad", "Oasis",
           "Al Dhafra", "Al Ain", "Ras Al Khor", "Deira", "Bur Dubai", "Al Quoz", "Musaffah", "Ajman Pearl",
           "Al Shamsi", "Al Zarooni", "Al Mansoori", "Al Suwaidi", "Al Ketbi", "Bin Hamoodah", "Al Falasi",
           "Fujairah Rock", "Creek Side", "Hatta", "Al Nahda", "Karama", "Marina", "Sapphire", "Crescent"],
    "SA": ["Riyadh Star", "Al Jazirah", "Najd", "Al Hijaz", "Tihama", "Al Qassim", "Eastern Province", "Al Khobar",
           "Jeddah Pearl", "Yanbu", "Tabuk", "Al Ahsa", "Dammam Port", "Al Kharj", "Asir", "Al Madinah",
           "Makkah Gate", "Jubail", "Hail", "Al Baha", "Al Safwa", "Al Watania", "Al Fares", "Al Nakheel"],
    "EG": ["Delta", "Nile", "Cairo", "Alexandria", "Misr", "El-Nasr", "Pyramids", "Sinai", "Giza", "Suez",
           "Upper Egypt", "Port Said", "El-Obour", "10th of Ramadan", "6th of October", "Heliopolis", "Maadi",
           "Mansoura", "Tanta", "Assiut", "El-Salam", "El-Amal", "Red Sea", "Al-Ahram"],
    "MA": ["Atlas", "Sud", "Maghreb", "Casa", "Souss", "Rif", "Oriental", "Tanger Med", "Fes", "Marrakech",
           "Agadir", "Doukkala", "Chaouia", "Tadla", "Meknes", "Saiss", "Ocean", "Oasis", "Nador", "Kenitra"],
    "ZA": ["Highveld", "Karoo", "Umhlanga", "Boland", "Drakensberg", "Vaal", "Limpopo", "Mpumalanga", "Zululand",
           "Table Bay", "Westrand", "Eastrand", "Protea", "Springbok", "Impala", "Msunduzi", "Tshwane", "Cape Point",
           "Garden Route", "Waterberg", "Lowveld", "Overberg", "Van der Merwe", "Botha", "Pretorius", "Naidoo",
           "Pillay", "Dlamini", "Nkosi", "Mokoena", "Khumalo", "Venter", "Du Plessis", "Govender", "Coetzee"],
    "KE": ["Rift Valley", "Mombasa", "Nakuru", "Kisumu", "Eldoret", "Thika", "Mwangi", "Kamau", "Otieno",
           "Wanjiru", "Ochieng", "Njoroge", "Kiprono", "Tana", "Athi River", "Westlands", "Embakasi", "Githurai",
           "Kiambu", "Nyeri", "Meru", "Machakos", "Kakamega", "Naivasha", "Malindi", "Kericho", "Ruiru", "Kitengela"],
    "NG": ["Adebayo", "Okafor", "Chukwuemeka", "Ibrahim Musa", "Oluwaseun", "Eze", "Balogun", "Okonkwo", "Danjuma",
           "Ikeja", "Onitsha", "Kano", "Aba", "Trans-Amadi", "Golden Eagle", "Royal Crest", "Divine Favour",
           "God's Grace", "Ade-Ola", "Olumide", "Nnamdi", "Alaba", "Obi & Sons", "Emeka", "Yusuf Bello", "Akinola",
           "Fashola", "Ogbonna", "Uche", "Bamidele", "Ifeanyi", "Oyelaran", "Sokoto", "Jos Plateau"],
}  # fmt: skip
TRADES = {
    "AE": ["Building Materials Trading", "General Trading", "Electromechanical", "Air Conditioning",
           "Auto Spare Parts Trading", "Hardware Trading", "Electrical Equipment Trading", "Contracting",
           "Technical Services", "Marine Equipment", "Sanitary Ware Trading", "Cables Trading", "Tools Trading",
           "Electrical Contracting", "Refrigeration"],
    "SA": ["Trading", "Contracting", "Electrical Supplies", "Building Materials", "Air Conditioning", "Hardware"],
    "EG": ["Trading", "Engineering", "Electrical Supplies", "Contracting", "Industrial Equipment", "Cables",
           "Air Conditioning", "Building Materials"],
    "MA": ["Distribution", "Equipement", "Froid Industriel", "Electricite Generale", "Quincaillerie",
           "Materiaux", "Climatisation", "Batiment", "Negoce", "Travaux"],
    "ZA": ["Industrial Supplies", "Electrical", "Hardware", "Plumbing Supplies", "Engineering", "Refrigeration",
           "Mining Supplies", "Building Supplies", "Agricultural Supplies", "Fasteners", "Electrical Wholesalers"],
    "KE": ["Hardware", "Agrovet", "Electricals", "Building Supplies", "Engineering", "General Supplies",
           "Motors", "Steel Merchants", "Plumbing Works", "Electrical Contractors"],
    "NG": ["Ventures", "Global Resources", "Electrical Ventures", "Building Materials", "Engineering Services",
           "Industrial Supplies", "Investment", "Trading Company", "Integrated Services", "Power Solutions"],
}  # fmt: skip
SA_FAMILIES = [k for k in AR_FAMILY]
EG_FAMILIES = ["El-Sayed", "El-Masry", "Abdel Aziz", "Mansour", "Hassan", "Fahmy", "Ghoneim", "Shalaby",
               "El-Sharkawy", "Nasr", "Abou Zeid", "El-Gamal", "Soliman", "Farag", "Kamel", "Rizk"]  # fmt: skip
AE_FAMILIES = ["Al Mansoori", "Al Shamsi", "Al Suwaidi", "Al Ketbi", "Al Falasi", "Al Hashimi", "Al Blooshi",
               "Al Marzooqi", "Al Nuaimi", "Al Dhaheri", "Al Qassimi", "Al Muhairi"]  # fmt: skip
MA_FAMILIES = ["Benjelloun", "Alaoui", "Bennani", "El Idrissi", "Tazi", "Berrada", "Chraibi", "Fassi", "Lahlou",
               "Benkirane", "El Amrani", "Ouazzani", "Sqalli", "Bennis"]  # fmt: skip
#: legal form as on file → how banks write it
LEGAL_VARIANTS: dict[str, list[str]] = {
    "LLC": ["LLC", "L.L.C", "L.L.C.", "LLC."],
    "L.L.C.": ["LLC", "L.L.C.", "L L C", "L.L.C"],
    "FZE": ["FZE", "F.Z.E", "FZE."],
    "FZCO": ["FZCO", "FZ CO", "F.Z.CO"],
    "FZ-LLC": ["FZ-LLC", "FZ LLC", "FZLLC"],
    "PJSC": ["PJSC", "P.J.S.C"],
    "Est.": ["EST", "EST.", "ESTABLISHMENT"],
    "Establishment": ["EST", "ESTABLISHMENT", "EST."],
    "Trading Co.": ["TRADING CO", "TRADING COMPANY", "TRDG CO"],
    "Co. Ltd": ["CO LTD", "CO. LTD", "COMPANY LIMITED", "CO. LTD."],
    "S.A.E.": ["SAE", "S.A.E", "S.A.E."],
    "SARL": ["SARL", "S.A.R.L", "S.A.R.L."],
    "SARL AU": ["SARL AU", "SARLAU", "SARL A.U"],
    "S.A.": ["SA", "S.A", "S.A."],
    "(Pty) Ltd": ["PTY LTD", "(PTY) LTD", "PTY LIMITED", "(PTY) LIMITED", "PTY"],
    "CC": ["CC", "C.C."],
    "Ltd": ["LTD", "LIMITED"],
    "Limited": ["LTD", "LIMITED", "LTD."],
    "PLC": ["PLC", "P.L.C"],
    "Nig. Ltd": ["NIG LTD", "NIGERIA LTD", "NIG. LIMITED", "NIG LIMITED", "NIG. LTD"],
    "W.L.L.": ["WLL", "W.L.L"],
    "Co.": ["CO", "COMPANY", "CO."],
}
LEGAL_WORDS = {
    "LLC", "L", "C", "FZE", "FZCO", "FZ", "Z", "E", "F", "CO", "PJSC", "P", "J", "S", "EST", "ESTABLISHMENT",
    "COMPANY", "LTD", "LIMITED", "SAE", "A", "SARL", "SARLAU", "AU", "R", "SA", "PTY", "CC", "PLC", "NIG",
    "NIGERIA", "WLL", "W", "U",
}  # fmt: skip
GROUPS = {
    "ae": [("Al Mazroui Group Holding", "LLC", ["Al Mazroui Electromechanical", "Al Mazroui Building Materials Trading"]),
           ("Gulf Crescent Investments", "PJSC", ["Gulf Crescent Contracting", "Gulf Crescent Facilities Management"])],
    "sa": [("Al Zahrani Holding", "Co. Ltd", ["Al Zahrani Contracting", "Al Zahrani Electrical Supplies"])],
    "eg": [("El-Nour Group", "S.A.E.", ["El-Nour Contracting", "El-Nour Electrical Supplies"])],
    "ma": [("Groupe Atlas Holding", "S.A.", ["Atlas Batiment", "Atlas Climatisation"])],
    "za": [("Boland Holdings", "(Pty) Ltd", ["Boland Electrical", "Boland Building Supplies", "Boland Refrigeration"])],
    "ke": [("Kilimo Group", "Limited", ["Kilimo Agrovet", "Kilimo Hardware"])],
    "ng": [("Okoli Group", "PLC", ["Okoli Building Materials", "Okoli Power Solutions"])],
}  # fmt: skip
FOREIGN = {
    "ae": ["Muscat Electrical Trading LLC", "Doha Building Supplies W.L.L.", "Manama Technical Services W.L.L.",
           "Basra Contracting Co.", "Erbil Hardware Trading Co.", "Sohar Industrial Trading LLC",
           "Kuwait Cables Trading Co. W.L.L.", "Aden Port Supplies Co.", "Salalah Marine Equipment LLC"],
    "eg": ["Benghazi Electrical Trading Co.", "Khartoum Engineering Co. Ltd", "Amman Electrical Est.",
           "Tripoli Building Materials Co.", "Aqaba Technical Supplies Co."],
    "ke": ["Kampala Hardware Ltd", "Kigali Building Supplies Ltd", "Dar Electrical Supplies Limited",
           "Arusha Agro Equipment Ltd", "Juba General Supplies Ltd", "Bujumbura Trading Ltd"],
    "ng": ["Accra Industrial Supplies Ltd", "Kumasi Electrical Limited", "Cotonou Distribution SARL",
           "Lome Equipement SARL", "Tema Port Engineering Ltd"],
}  # fmt: skip
FOREIGN_COUNTRY = [
    ("Muscat", "OM"), ("Sohar", "OM"), ("Salalah", "OM"), ("Doha", "QA"), ("Manama", "BH"), ("Basra", "IQ"),
    ("Erbil", "IQ"), ("Kuwait", "KW"), ("Aden", "YE"), ("Benghazi", "LY"), ("Tripoli", "LY"), ("Khartoum", "SD"),
    ("Amman", "JO"), ("Aqaba", "JO"), ("Kampala", "UG"), ("Kigali", "RW"), ("Dar ", "TZ"), ("Arusha", "TZ"),
    ("Juba", "SS"), ("Bujumbura", "BI"), ("Accra", "GH"), ("Kumasi", "GH"), ("Tema", "GH"), ("Cotonou", "BJ"),
    ("Lome", "TG"),
]  # fmt: skip
REGION_WORD = {
    "AE": ["Dubai", "Abu Dhabi", "Sharjah", "Ajman"],
    "SA": ["Riyadh", "Jeddah", "Dammam"],
    "EG": ["Cairo", "Alexandria", "Delta"],
    "MA": ["Casablanca", "Tanger", "Agadir"],
    "ZA": ["Gauteng", "Cape", "KZN", "Pretoria"],
    "KE": ["Nairobi", "Mombasa", "Nakuru"],
    "NG": ["Lagos", "Abuja", "Kano"],
}
EXCHANGE_HOUSES = [
    ("AL ANSARI EXCHANGE LLC", iban("AE", "030" + "0010203040506070")),
    ("LULU INTERNATIONAL EXCHANGE LLC", iban("AE", "033" + "0019876543210001")),
    ("UAE EXCHANGE CENTRE LLC", iban("AE", "035" + "0000062077700012")),
    ("AL FARDAN EXCHANGE LLC", iban("AE", "044" + "0000011122233344")),
]
NG_BANKS = {"058": "GTB", "057": "ZIB", "044": "ACCESS", "033": "UBA", "011": "FBN", "070": "FIDELITY",
            "232": "STERLING", "035": "WEMA", "214": "FCMB", "221": "STANBIC"}  # fmt: skip
KE_BANKS = {"01": "KCB", "68": "EQUITY", "11": "COOP", "03": "ABSA KENYA", "31": "STANBIC", "07": "NCBA",
            "63": "DTB", "70": "FAMILY BANK"}  # fmt: skip

# ----------------------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------------------


def strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def fmt_amount(c: int, ccy: str = "") -> str:
    """Hundredths as the files and the export write them: "1234.50"."""
    sign = "-" if c < 0 else ""
    c = abs(c)
    return f"{sign}{c // 100}.{c % 100:02d}"


def fmt_grouped(c: int) -> str:
    whole, frac = divmod(abs(c), 100)
    return f"{whole:,}.{frac:02d}"


def half_up(x: Decimal) -> int:
    return int(x.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def alnum(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(n))


def canonical(number: str) -> str:
    """A number's groups of digits without their leading zeros."""
    return "/".join(str(int(g)) for g in re.findall(r"\d+", number))


def swift_x(s: str) -> str:
    """A text in the SWIFT X character set, as a bank's MT940 writes it."""
    s = strip_accents(s).replace("&", "+").replace("%", " PCT").replace("@", " AT ").replace("_", "-")
    s = re.sub(r"[^A-Za-z0-9/\-?:().,'+ ]", " ", s)
    return re.sub(r" {2,}", " ", s)


def fold_name(s: str) -> str:
    """A name compared as a clerk reads it: capitals, no accents, no punctuation, no legal form, one spelling of the
    transliterated words, "Al-X" and "El X" alike."""
    s = strip_accents(s).upper().replace("&", " AND ")
    s = re.sub(r"\b(AL|EL)-", r"\1 ", s)
    s = re.sub(r"\bM/S\b", " ", s)
    words = re.sub(r"[^A-Z0-9 ]+", " ", s.replace(".", "").replace("'", "")).split()
    out: list[str] = []
    for w in words:
        if w.startswith(("AL", "EL")) and len(w) > 5 and w[2:] in _FAMILY_TAILS:
            out += ["AL", w[2:]]
            continue
        w = FOLD.get(w, w)
        if w and w not in LEGAL_WORDS:
            out += w.split()
    return " ".join(out)


_FAMILY_TAILS = {
    re.sub(r"^(AL|EL)[- ]", "", strip_accents(f).upper()).replace(" ", "")
    for f in [*SA_FAMILIES, *EG_FAMILIES, *AE_FAMILIES, *(s for s in STEMS["AE"] if s.startswith("Al "))]
}

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
    tax_id: str = ""  # TRN, VAT number, tax card, ICE, KRA PIN, TIN…
    acct: str = ""  # the account it pays from, as its bank identifies it
    iban: bool = False  # the account is an IBAN
    on_file: str = ""  # the account as the master data holds it (an IBAN; docs/cli.md)
    legal: str = ""  # the legal form as on file
    base: str = ""  # the name without its legal form
    kind: str = "company"  # company, parent, sub, foreign, person
    parent_id: str = ""
    group: str = ""
    namesake: str = ""
    terms: int = 30
    periodic: bool = False
    size: float = 1.0
    aliases: list[str] = field(default_factory=list)
    arabic: str = ""  # Saudi Arabia: the name as SNB writes it in Arabic
    other_acct: str = ""  # an account it also pays from, never on file
    owner: str = ""  # the owner or cashier who pays by M-Pesa or deposits cash
    phone: str = ""  # Kenya: the M-Pesa number that pays
    translit: bool = False  # the name holds words written otherwise in other transliterations


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
    discount: int = 0  # early-payment discount, per cent
    discount_days: int = 0
    cu: str = ""  # Kenya: the eTIMS control-unit invoice number (not in the book)
    zatca: str = ""  # Saudi Arabia: the e-invoice's UUID (not in the book)

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
    payer_iban: bool = False
    ultimate: str = ""
    text: str = ""  # what the payer (or the teller) typed
    ustrd: list[str] = field(default_factory=list)
    addtl_tx: str = ""
    addtl_ntry: str = ""
    mt86: str = ""
    e2e: str = "NOTPROVIDED"
    ids: dict[str, str] = field(default_factory=dict)
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
    rival_name: str = ""  # the name a clerk reads, when not the payer's (a teller's text, an ultimate debtor)
    variant: str = ""  # how the bank gave what identifies the payer (shown in the table per channel)

    @property
    def country(self) -> str:
        return self.entity.upper()

    @property
    def fmt(self) -> str:
        return ACCOUNTS[self.account][3]

    def remittance(self) -> str:
        parts = list(self.ustrd)
        if self.addtl_tx:
            parts.append(f"[AddtlTxInf {self.addtl_tx}]")
        if self.addtl_ntry:
            parts.append(f"[AddtlNtryInf {self.addtl_ntry}]")
        if self.fmt == "mt940":
            parts = [f":86:{self.mt86}"]
        return " | ".join(parts)


ALL = ("ae", "sa", "eg", "ma", "za", "ke", "ng")
USD_ENTS = ("ae", "eg", "ke", "ng")
#: customer scenarios: name, share of customer payments (%), the entities it happens in
CUSTOMER_PLAN: list[tuple[str, float, tuple[str, ...]]] = [
    ("ref_exact", 11.0, ALL),
    ("ref_mangled", 9.0, ALL),
    ("ref_typo", 1.5, ALL),
    ("multi_ref", 5.0, ALL),
    ("credit_netted", 1.5, ("ae", "sa", "eg", "ma", "za", "ng")),
    ("partial", 2.5, ALL),
    ("overpayment", 1.5, ALL),
    ("duplicate", 1.6, ALL),
    ("noref_unique", 4.5, ALL),
    ("noref_oldest", 2.0, ALL),
    ("noref_combo", 1.5, ALL),
    ("fifo_equal", 2.0, ALL),
    ("group_parent", 2.0, ALL),
    ("usd_invoice", 2.0, USD_ENTS),
    ("charges_usd", 1.5, USD_ENTS),
    ("lc_proceeds", 1.0, ("ae", "eg")),
    ("advance_po", 0.6, ALL),
    ("advance_proforma", 0.6, ("ae", "sa", "eg", "ke", "ng")),
    ("discount", 1.5, ("ae", "za")),
    ("wht_explained", 2.2, ("ke", "ng")),
    ("wht_unexplained", 1.2, ("ke", "ng")),
    ("namesake_unique", 1.2, ALL),
    ("name_variant", 2.5, ("ae", "sa", "eg", "ma")),
    ("sa_arabic_name", 1.5, ("sa",)),
    ("cheque_deposit", 2.0, ("ae", "ma")),
    ("cash_deposit", 1.5, ("ae", "eg", "za", "ke", "ng")),
    ("exchange_house", 1.5, ("ae",)),
    ("ma_lcn", 1.5, ("ma",)),
    ("ke_mpesa_custno", 2.5, ("ke",)),
    ("ke_mpesa_inv", 2.0, ("ke",)),
    ("ke_mpesa_name", 1.0, ("ke",)),
    ("za_custref", 2.5, ("za",)),
]
TRAP_PLAN: list[tuple[str, float, tuple[str, ...]]] = [
    ("trap_namesake", 1.0, ALL),
    ("trap_typo_two", 1.0, ALL),
    ("trap_amount_two", 1.0, ALL),
    ("trap_before_invoice", 1.0, ALL),
    ("trap_ccy_crossed", 0.6, USD_ENTS),
    ("trap_local_for_usd", 0.5, ("ke", "ng")),
    ("trap_cheque_anon", 0.6, ("ae", "ma")),
    ("trap_exchange_anon", 0.5, ("ae",)),
]
NC_KINDS = [
    "nc_tax", "nc_profit", "nc_interest", "nc_card", "nc_loan", "nc_intragroup", "nc_own_transfer", "nc_insurance",
    "nc_salary_return", "nc_supplier_refund", "nc_return",
]  # fmt: skip
PERSONS = {
    "KE": ["Grace Wanjiku Mwangi", "Peter Otieno Ochieng", "James Kiprono Kirui", "Mary Akinyi Odhiambo",
           "Joseph Mutua Musyoka", "Esther Njeri Kamau", "Daniel Kipchumba Rotich", "Lucy Wambui Njoroge"],
    "NG": ["Chukwudi Emmanuel Obi", "Aisha Bello Abubakar", "Oluwaseun Adeyemi", "Ngozi Okonkwo",
           "Tunde Bakare", "Ifeoma Nwosu", "Musa Danladi Garba"],
    "ZA": ["Sipho Ndlovu", "Johan van Wyk", "Thandeka Mthembu", "Pieter Botha", "Ravi Naidoo"],
}  # fmt: skip
OWNERS = {
    "KE": ["JOHN KAMAU NJOROGE", "PETER MWANGI KARIUKI", "ALICE WANJIRU MAINA", "SAMUEL OTIENO OUMA",
           "FAITH CHEPKOECH KOECH", "DAVID MUTUA KIOKO", "MERCY ATIENO OKOTH", "GEORGE KIMANI WAWERU",
           "JANE NYAMBURA GITAU", "KEVIN OMONDI OTIENO", "BRIAN KIPKEMBOI LANGAT", "ANN MUTHONI NDUNGU"],
    "NG": ["EMEKA OKAFOR", "BOLA ADEYEMI", "SANI ABDULLAHI", "CHIOMA EZE", "YEMI OLATUNJI", "IBRAHIM SULE"],
    "AE": ["MOHD SALEEM", "RAJESH KUMAR", "ABDUL KAREEM", "SHAFEEQ AHAMED", "JOHNSON PAUL", "IMRAN KHAN"],
    "EG": ["MAHMOUD ALI", "AHMED SAMIR", "MOHAMED FATHY", "KARIM ADEL"],
    "ZA": ["T MOKOENA", "J BOTHA", "S NAIDOO", "P DLAMINI"],
}  # fmt: skip


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
        self.namesakes: dict[str, list[list[Customer]]] = defaultdict(list)
        self.receipts: set[str] = set()
        self._ref = 0
        self._key = 0
        self._seq: dict[str, int] = {}

    # ------------------------------------------------------------------ customers
    def _tokens(self, name: str) -> frozenset[str]:
        return frozenset(fold_name(name).split())

    def _name_ok(self, entity: str, name: str) -> bool:
        t = self._tokens(name)
        return bool(t) and all(not (t <= o or o <= t) for o in self.names_taken[entity])

    def _take_name(self, entity: str, name: str) -> None:
        self.names_taken[entity].append(self._tokens(name))

    def _next_id(self, e: str) -> str:
        self._seq[e] += self.rng.randint(1, 9)
        return str(self._seq[e])

    def _account(self, nat: str) -> tuple[str, bool]:
        """The account a customer pays from as its bank sends it, and whether it is an IBAN."""
        rng = self.rng
        if nat == "AE":
            return iban(
                "AE", rng.choice(["026", "035", "033", "030", "044", "050", "020"]) + digits(rng, 16)
            ), True
        if nat == "SA":
            return iban("SA", rng.choice(["10", "80", "45", "55", "05", "20", "60"]) + digits(rng, 18)), True
        if nat == "EG":
            return iban(
                "EG", rng.choice(["0003", "0010", "0002", "0019", "0037"]) + digits(rng, 4) + digits(rng, 17)
            ), True
        if nat == "MA":
            return rib_ma(
                rng.choice(["007", "011", "145", "190", "230", "022"]), digits(rng, 3), digits(rng, 16)
            ), False
        if nat == "ZA":
            return (
                f"{rng.choice(['250655', '051001', '632005', '470010', '198765'])} {digits(rng, rng.choice([9, 10, 11]))}",
                False,
            )
        if nat == "KE":
            return digits(rng, rng.choice([10, 12, 13])), False
        if nat == "NG":
            bank = rng.choice(list(NG_BANKS))
            return nuban(bank, digits(rng, 9)), False
        return digits(rng, rng.choice([10, 12, 14])), False

    def _tax_id(self, nat: str) -> str:
        rng = self.rng
        return {
            "AE": lambda: f"100{digits(rng, 12)}",
            "SA": lambda: f"3{digits(rng, 13)}3",
            "EG": lambda: f"{digits(rng, 3)}-{digits(rng, 3)}-{digits(rng, 3)}",
            "MA": lambda: f"00{digits(rng, 13)}",
            "ZA": lambda: f"4{digits(rng, 9)}",
            "KE": lambda: f"P05{digits(rng, 7)}{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}",
            "NG": lambda: f"{digits(rng, 8)}-0001",
        }.get(nat, lambda: "")()

    def _company(self, e: str) -> tuple[str, str, str, bool, str]:
        """A customer's name, its base (without the legal form), the legal form, whether its words have other
        transliterations, and (Saudi Arabia) the name in Arabic."""
        rng = self.rng
        nat = e.upper()
        for _ in range(400):
            stem, trade = rng.choice(STEMS[nat]), rng.choice(TRADES[nat])
            translit, arabic, lead = False, "", ""
            if nat == "AE":
                legal = rng.choices(
                    ["LLC", "L.L.C.", "FZE", "FZCO", "FZ-LLC", "Est.", "PJSC"], [40, 18, 12, 8, 5, 14, 3]
                )[0]
                if rng.random() < 0.3:
                    g = rng.choice(list(GIVEN))
                    base, translit = f"{g} {rng.choice(AE_FAMILIES)} {trade}", True
                else:
                    base = f"{stem} {trade}"
                    translit = stem.startswith("Al ")
            elif nat == "SA":
                fam = rng.choice(SA_FAMILIES)
                tr = rng.choice(list(AR_TRADE))
                r = rng.random()
                if r < 0.5:
                    g = rng.choice(
                        [x for x in AR_GIVEN if x in GIVEN] + ["Fahad", "Saad", "Nasser", "Majed", "Turki"]
                    )
                    legal = rng.choice(["Est.", "Establishment"])
                    base, translit = f"{g} {fam} {tr}", True
                    arabic = f"مؤسسة {AR_GIVEN[g]} {AR_FAMILY[fam]} {AR_TRADE[tr]}"
                elif r < 0.75:
                    legal = "Trading Co." if tr == "Trading" else "Co."
                    base, translit = (f"{fam}" if tr == "Trading" else f"{fam} {tr}"), True
                    arabic = f"شركة {AR_FAMILY[fam]} {AR_TRADE[tr]}"
                else:
                    legal = "Co. Ltd"
                    base = f"{stem} {trade}"
            elif nat == "EG":
                if rng.random() < 0.3:
                    g = rng.choice(list(GIVEN))
                    legal = rng.choice(["", "& Partners", "Co."])
                    base, translit = f"{g} {rng.choice(EG_FAMILIES)} {trade}", True
                    if legal == "& Partners":
                        base, legal = f"{base} & Partners", ""
                else:
                    legal = rng.choices(["S.A.E.", "Co.", "LLC"], [55, 25, 20])[0]
                    base = f"{stem} {trade}"
                    translit = stem.startswith("El-")
            elif nat == "MA":
                legal = rng.choices(["SARL", "SARL AU", "S.A."], [60, 25, 15])[0]
                base = f"{rng.choice(MA_FAMILIES)} {trade}" if rng.random() < 0.35 else f"{stem} {trade}"
                if base.startswith("El "):
                    translit = True
            elif nat == "ZA":
                legal = rng.choices(["(Pty) Ltd", "CC", "Ltd"], [75, 20, 5])[0]
                base = f"{stem} {trade}"
            elif nat == "KE":
                legal = rng.choices(["Limited", "Ltd", ""], [45, 35, 20])[0]
                base = f"{stem} {trade}" + (
                    " Enterprises" if not legal and "Enterprises" not in trade else ""
                )
            else:
                legal = rng.choices(["Nig. Ltd", "Limited", "Ltd", "PLC", ""], [35, 30, 20, 3, 12])[0]
                base = f"{stem} {trade}" + (" Enterprises" if not legal and rng.random() < 0.5 else "")
            name = f"{lead}{base} {legal}".strip()
            if self._name_ok(e, name):
                return name, base, legal, translit, arabic
        raise RuntimeError("no name left")

    def _add(self, c: Customer) -> Customer:
        self.customers.append(c)
        self.by_id[c.id] = c
        self._take_name(c.entity, c.name)
        return c

    def _new_customer(self, e: str, name: str, **kw: object) -> Customer:
        nat = str(kw.pop("nat", e.upper()))
        ccy = str(kw.pop("ccy", ENTITIES[e]["ccy"]))
        c = Customer(self._next_id(e), e, name, nat, ccy, self._tax_id(nat), **kw)  # type: ignore[arg-type]
        c.acct, c.iban = self._account(nat)
        if c.iban and self.rng.random() < 0.7:
            c.on_file = c.acct
        c.other_acct = self._account(nat)[0]
        owners = OWNERS.get(nat, OWNERS["AE"])
        c.owner = self.rng.choice(owners)
        if nat == "KE":
            c.phone = f"2547{self.rng.choice(['0', '1', '2', '9'])}{digits(self.rng, 7)}"
        return c

    def make_customers(self) -> None:
        rng = self.rng
        total = max(70, round(self.n * 0.45))
        self._seq = {
            "ae": 10000,
            "sa": 20000,
            "eg": 30000,
            "ma": 40000,
            "za": 50000,
            "ke": 60000,
            "ng": 70000,
        }
        for e, groups in GROUPS.items():
            for gname, legal, subs in groups:
                on_file = rng.random() < 0.7
                parent = self._new_customer(
                    e, f"{gname} {legal}", legal=legal, base=gname, kind="parent", group=gname
                )
                self._add(parent)
                parent_id = parent.id if on_file else ""
                for sub in subs:
                    slegal = {"ae": "LLC", "sa": "Co. Ltd", "eg": "S.A.E.", "ma": "SARL", "za": "(Pty) Ltd",
                              "ke": "Limited", "ng": "Nig. Ltd"}[e]  # fmt: skip
                    s = self._new_customer(e, f"{sub} {slegal}", legal=slegal, base=sub, kind="sub", group=gname,
                                           parent_id=parent_id, size=3.0)  # fmt: skip
                    s.other_acct = parent.acct
                    self._add(s)
        # namesakes: the same name with another legal form (the Gulf) or with a region
        for e, share in ENTITY_SHARE.items():
            nat = e.upper()
            for _ in range(max(2, round(total * share / 45))):
                for _try in range(80):
                    n1, base1, legal, translit, arabic = self._company(e)
                    if e in ("ae", "sa") and rng.random() < 0.5:
                        other = {"LLC": "Est.", "L.L.C.": "Est.", "Est.": "LLC", "Establishment": "Trading Co.",
                                 "Trading Co.": "Est.", "Co.": "Est.", "Co. Ltd": "Est.", "FZE": "LLC", "FZCO": "LLC",
                                 "FZ-LLC": "LLC", "PJSC": "LLC"}[legal]  # fmt: skip
                        base2, legal2 = base1, other
                    else:
                        base2, legal2 = f"{base1} {rng.choice(REGION_WORD[nat])}", legal
                    n2 = f"{base2} {legal2}".strip()
                    if n2 != n1 and (base2 == base1 or self._name_ok(e, n2)):
                        break
                else:
                    continue
                pair = []
                for nm, base, lg in ((n1, base1, legal), (n2, base2, legal2)):
                    c = self._new_customer(
                        e, nm, legal=lg, base=base, namesake=f"{e}:{base1}", translit=translit
                    )
                    c.on_file = ""  # known by name only: the namesake scenarios are about names
                    self.customers.append(c)
                    self.by_id[c.id] = c
                    pair.append(c)
                self._take_name(e, n1)
                self.names_taken[e].append(self._tokens(n2))
                self.namesakes[e].append(pair)
        # everyone else
        for e, share in ENTITY_SHARE.items():
            nat = e.upper()
            n_e = max(12, round(total * share) - sum(1 for c in self.customers if c.entity == e))
            foreign = list(FOREIGN.get(e, []))
            persons = list(PERSONS.get(nat, []))
            rng.shuffle(foreign)
            rng.shuffle(persons)
            for _ in range(n_e):
                r = rng.random()
                if foreign and r < 0.1:
                    name = foreign.pop()
                    legal = next(
                        (lg for lg in sorted(LEGAL_VARIANTS, key=len, reverse=True) if name.endswith(lg)), ""
                    )
                    c = self._new_customer(e, name, nat="XX", ccy="USD", legal=legal,
                                           base=name[: len(name) - len(legal)].strip(" ,"), kind="foreign")  # fmt: skip
                    c.on_file = ""
                elif persons and r > 0.95:
                    name = persons.pop()
                    c = self._new_customer(e, name, base=name, kind="person")
                else:
                    nm, base, legal, translit, arabic = self._company(e)
                    c = self._new_customer(e, nm, legal=legal, base=base, translit=translit, arabic=arabic)
                    if arabic and rng.random() < 0.5:
                        c.aliases.append(arabic)  # registered after a first payment in Arabic
                c.size = rng.lognormvariate(0, 0.8)
                self._add(c)
        for c in self.customers:
            c.terms = rng.choice(
                [30, 30, 45, 60, 60, 90] if c.entity in ("ae", "sa", "eg") else [7, 14, 30, 30, 30, 60]
            )
            c.periodic = rng.random() < 0.12 and c.kind == "company" and not c.namesake and c.ccy != "USD"
            if c.kind == "company" and not c.namesake and rng.random() < 0.04 and c.entity not in ("sa",):
                # a trade name registered as an alias (the shop's name on the sign)
                c.aliases.append(f"{c.base.split()[0]} {rng.choice(['Centre', 'Store', 'Depot', 'Mart'])}")

    # ------------------------------------------------------------------ the book
    def eur_to(self, eur_cents: int, ccy: str, *, whole: bool = False) -> int:
        v = Decimal(eur_cents) * FX[ccy]
        if whole:
            return max(100, half_up(v / 100) * 100)
        return max(1, half_up(v))

    def random_total(
        self, c: Customer, ccy: str | None = None, *, lo: int = 4000, hi: int = 6_000_000
    ) -> int:
        ccy = ccy or c.ccy
        eur = int(self.rng.lognormvariate(11.4, 1.0) * c.size**0.3)
        while not lo <= eur <= hi:  # drawn again rather than clipped: clipping makes many equal amounts
            eur = int(self.rng.lognormvariate(11.4, 1.0) * c.size**0.3)
        return self.eur_to(eur, ccy, whole=ccy in ("NGN", "KES") and self.rng.random() < 0.5)

    def new_invoice(self, c: Customer, issue: date, total: int | None = None, *, ccy: str | None = None,
                    kind: str = "invoice", series: str = "", due: date | None = None) -> Invoice:  # fmt: skip
        self._key += 1
        ccy = ccy or c.ccy
        total = total if total is not None else self.random_total(c, ccy)
        if not series:
            series = "cn" if kind == "credit_note" else "exp" if ccy == "USD" else "main"
        inv = Invoice(
            self._key, c.entity, c.id, issue, due or issue + timedelta(days=c.terms), ccy, total, kind, series
        )
        rate = Decimal(0) if c.kind == "foreign" else ENTITIES[c.entity]["vat"]
        inv.vat = total - half_up(Decimal(total) * 100 / (100 + rate))  # type: ignore[operator]
        if ccy != ENTITIES[c.entity]["ccy"]:
            inv.rate = str((FX[str(ENTITIES[c.entity]["ccy"])] / FX[ccy]).quantize(Decimal("0.0001")))
        if c.entity == "sa":
            inv.zatca = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        if c.entity == "ke":
            inv.cu = f"KRACU0{digits(self.rng, 9)}/{self.rng.randint(100, 99999)}"
        self.invoices.append(inv)
        self.items[c.id].append(inv)
        return inv

    def random_issue(self) -> date:
        r = self.rng.random()
        if r < 0.5:
            lo, hi = date(2026, 3, 1), END
        elif r < 0.82:
            lo, hi = date(2026, 1, 1), date(2026, 2, 28)
        else:
            lo, hi = START, date(2025, 12, 31)
        return lo + timedelta(days=self.rng.randint(0, (hi - lo).days))

    def make_book(self) -> None:
        rng = self.rng
        weight = sum(c.size for c in self.customers)
        target = self.n * 3.6
        for c in self.customers:
            if c.kind == "parent":
                continue
            k = max(1, round(target * c.size / weight + rng.random() - 0.5))
            for _ in range(k):
                self.new_invoice(c, self.random_issue())
            if rng.random() < 0.12:
                base = max(i.total for i in self.items[c.id])
                self.new_invoice(c, self.random_issue(), max(100, half_up(Decimal(base) * Decimal(rng.uniform(0.03, 0.2)))),
                                 kind="credit_note")  # fmt: skip
            if c.periodic:
                amount = self.random_total(c, lo=8000, hi=150_000)
                day = rng.randint(1, 5)
                n_open = rng.randint(2, 4)
                for m in range(n_open):
                    month = 4 - (n_open - 1 - m)
                    inv = self.new_invoice(c, date(2026, month, day), amount, series="main")
                    inv.due = inv.issue + timedelta(days=15)
                    inv.used = True  # kept for fifo_equal
                    inv.periodic = True

    # ------------------------------------------------------------------ picking
    def route(self, e: str, ccy: str, amount: int = 0, channel: str = "") -> tuple[str, str]:
        """The own account a payment reaches and the channel it comes by, as customers in the country pay."""
        rng = self.rng
        if ccy == "USD":
            return USD_ACCT[e], channel or "swift"
        main = MAIN[e] if rng.random() < 0.6 else SECOND[e]
        if e == "ae":
            return main, channel or ("uaefts" if rng.random() < 0.85 else "ipp")
        if e == "sa":
            return main, channel or "sarie"
        if e == "eg":
            return main, channel or ("ach" if rng.random() < 0.75 else "instapay")
        if e == "ma":
            return main, channel or "virement"
        if e == "za":
            return main, channel or rng.choices(["acb", "ib", "rtc"], [45, 35, 20])[0]
        if e == "ke":
            if channel == "mpesa":
                return "ke_mpesa", "mpesa"
            if not channel:
                channel = (
                    "rtgs"
                    if amount >= 100_000_000
                    else rng.choices(["pesalink", "eft", "rtgs"], [45, 40, 15])[0]
                )
            return "ke_kcb", channel
        return main, channel or ("nip" if rng.random() < 0.85 else "neft")

    def new_tx(self, e: str, ccy: str, amount: int, value: date, scenario: str, kind: str = "customer",
               channel: str = "", account: str = "") -> Tx:  # fmt: skip
        self._ref += 1
        acct, ch = self.route(e, ccy, amount, channel)
        if account:
            acct = account
        if ch == "mpesa":
            while True:
                ref = "U" + self.rng.choice("ABCDEFGHJK") + alnum(self.rng, 8)
                if ref not in self.receipts:
                    self.receipts.add(ref)
                    break
        else:
            bank = re.sub(r"[^A-Z]", "", ACCOUNTS[acct][2].upper())[:2]
            ref = f"{bank}{value:%y%m%d}{self.seed % 10}{self._ref:05d}"
        t = Tx(ref, e, acct, ACCOUNTS[acct][1], amount, value, scenario, kind, ch)
        self.txs.append(t)
        return t

    def day(self, e: str, lo: int = 0) -> date:
        return self.rng.choice(business_days(e)[lo:])

    def pick(self, e: str, pred: Callable[[Customer], bool], value: date) -> Customer | None:
        cands = [c for c in self.customers if c.entity == e and pred(c) and (c.id, value) not in self.busy]
        if not cands:
            return None
        c = self.rng.choice(cands)
        self.busy.add((c.id, value))
        return c

    def take(self, c: Customer, value: date, n: int = 1, *, ccy: str | None = None, create: bool = True,
             min_total: int = 0, max_total: int = 0) -> list[Invoice]:  # fmt: skip
        """``n`` open invoices of the customer issued four days or more before ``value`` (created when it has
        too few), between ``min_total`` and ``max_total``; never an item kept for another scenario (``used``) nor a
        credit note."""
        ccy = ccy or c.ccy
        limit = value - timedelta(days=4)
        cands = [
            i for i in self.items[c.id]
            if not i.used and i.kind == "invoice" and i.currency == ccy and i.issue <= limit and not i.discount
            and i.total >= min_total and (not max_total or i.total <= max_total)
        ]  # fmt: skip
        cands.sort(key=lambda i: (i.due, i.key))
        out = (
            self.rng.sample(cands[: max(n, min(len(cands), 2 * n + 3))], n)
            if len(cands) >= n
            else list(cands)
        )
        while len(out) < n and create:
            issue = limit - timedelta(days=self.rng.randint(0, 50))
            total = self.random_total(c, ccy, hi=6_000_000 if not max_total else 150_000)
            if max_total:
                total = min(total, max_total)
            if total < min_total:
                total = min_total + self.random_total(c, ccy, lo=4000, hi=200_000)
            out.append(self.new_invoice(c, issue, total, ccy=ccy))
        for i in out:
            i.used = True
        return out

    def translit(self, name: str) -> str:
        """The name as another bank or a teller transliterates it: other spellings of Arabic given names, the
        article written otherwise, words shortened."""
        rng = self.rng
        s = name
        for g, variants in GIVEN.items():
            if g in s:
                s = s.replace(g, rng.choice([v for v in variants if v != g.upper()] or variants))
        s = re.sub(
            r"\b(Al|El)[- ](\w)", lambda m: rng.choice(["AL ", "AL-", "AL", "EL ", "EL-"]) + m.group(2), s
        )
        if rng.random() < 0.4:
            s = s.replace("Trading", "TRDG").replace("General", "GEN").replace("Building", "BLDG")
        return s

    def payer_style(self, c: Customer, *, heavy: bool = False, legal: bool = True) -> str:
        """The payer's name as its bank writes it (before the channel cuts it)."""
        rng = self.rng
        name = c.base if not legal and c.base else c.name
        if legal and c.legal and name.endswith(c.legal) and (heavy or rng.random() < 0.75):
            name = (
                name[: -len(c.legal)].rstrip(" ,")
                + " "
                + rng.choice(LEGAL_VARIANTS.get(c.legal, [c.legal.upper()]))
            )
        if c.translit and (heavy or rng.random() < 0.4):
            name = self.translit(name)
        if c.entity in ("ae", "eg", "ng") and rng.random() < 0.06 and c.kind != "person":
            name = rng.choice(["M/S ", "MESSRS "]) + name
        if c.entity == "ma" and rng.random() < 0.35 and c.kind != "person":
            name = rng.choice(["STE ", "STE ", "ETS "]) + name
        if heavy or rng.random() < 0.85:
            name = strip_accents(name).upper()
        return re.sub(r" {2,}", " ", name).strip()

    # ------------------------------------------------------------------ writing numbers and texts
    def wr(self, inv: Invoice, t: Tx | None = None, *, plain: bool = False, mangled: bool = False) -> str:
        """An invoice number as a payer writes it: as printed (``plain``), in another form (``mangled``) or either.
        A form without the year or the prefix that tells the series (True beside it) is checked to be the only
        document of the company with that serial."""
        n, rng = inv.number, self.rng
        if plain or inv.kind == "credit_note" or (not mangled and rng.random() < 0.5):
            return n
        e, s = inv.entity, str(inv.serial)
        opts: list[tuple[str, bool]]
        if e == "ae":
            pre, y, z = n.split("-")
            opts = [(f"{pre}{y}{z}", False), (f"{pre} {y} {z}", False), (f"{pre}-{y}-{s}", False), (f"{pre}/{y}/{z}", False),
                    (f"{pre}-{y[2:]}-{z}", False), (f"INV {s}" if pre == "TI" else f"EXP {s}", True),
                    (f"TAX INV {y}-{z}" if pre == "TI" else f"{pre}{y}-{s}", False)]  # fmt: skip
        elif e == "sa":
            y, z = n.split("-")[-2:]
            opts = [(f"INV-KSA-{y}-{s}", False), (f"KSA{y}{z}", False), (f"INV {y}{z}", False), (f"{y}{z}", False),
                    (f"INV-KSA-{y[2:]}-{z}", False), (f"INVKSA{y}{z}", False), (f"INV {s}", True)]  # fmt: skip
        elif e == "eg":
            if n.startswith("EX"):
                opts = [(f"EX-{n[2:4]}-{n[4:]}", False), (f"EX {s}", True), (f"EX{n[2:4]}/{s}", False)]
            else:
                opts = [(f"{n[:2]}-{n[2:]}", False), (f"{n[:2]}/{s}", False), (f"INV {n}", False), (f"00{n}", False),
                        (f"INV NO {n[:2]}-{n[2:]}", False)]  # fmt: skip
        elif e == "ma":
            yy, z = n[2:4], n.split("-")[1]
            opts = [(f"FA{yy}{z}", False), (f"FA {yy}-{z}", False), (f"FACT {yy}/{z}", False), (f"FA{yy}-{s}", False),
                    (f"F{yy}-{z}", False), (f"FACTURE N {yy}-{z}", False), (z, True)]  # fmt: skip
        elif e == "za":
            z = n[2:]
            opts = [(f"IN{s}", False), (f"INV{z}", True), (f"INV {s}", True), (f"IN {z}", False), (s, True)]
        elif e == "ke":
            pre, z = n.split("-")
            opts = ([(f"{pre}{z}", False), (f"{pre} {z}", False), (f"IN{z}", True), (f"{pre}-0{z}", False),
                     (f"INV NO {z}", False), (s, True)] if pre == "INV" else [(f"{pre}{z}", False), (f"{pre} {s}", False)])  # fmt: skip
        else:
            _ng, pre, y, z = n.split("/")
            opts = [(f"{pre} {z}", True), (f"{pre} {s}", True), (f"NG{pre}{y}{z}", False), (f"NG-{pre}-{y}-{z}", False),
                    (f"{pre}/{y}/{z}", False), (f"{pre}/{z}", True), (f"NG/{pre}/{y[2:]}/{z}", False)]  # fmt: skip
        form, serial_only = rng.choice(opts)
        if t is not None and serial_only:
            if "serial_unique" not in t.checks:
                t.checks.append("serial_unique")
            t.check_args.setdefault("serial_items", []).append(inv)  # type: ignore[union-attr]
        return form

    def limit(self, t: Tx) -> int:
        """How many characters of the payer's text the channel carries."""
        return {"acb": 20, "ib": 20, "rtc": 20, "mpesa": 20, "pesalink": 35, "ipp": 35}.get(t.channel, 140)

    def join(self, e: str, nums: list[str]) -> str:
        rng = self.rng
        if len(nums) == 1:
            return nums[0]
        last = " ET " if e == "ma" else rng.choice([" & ", " AND ", ", "])
        if rng.random() < 0.5:
            return ", ".join(nums[:-1]) + last + nums[-1]
        return rng.choice([", ", " ", ",", "/"]).join(nums)

    def pay_text(self, t: Tx, c: Customer, nums: list[str], *, word: str = "") -> str:
        """What a payer of the entity's country types beside the numbers, within what the channel carries."""
        rng, e, lim = self.rng, t.entity, self.limit(t)
        joined = self.join(e, nums)
        heads = {
            "ae": ["PAYMENT ", "INV ", "PAYMENT AGAINST INV ", "SETTLEMENT OF ", "PMT ", ""],
            "sa": ["PAYMENT INV ", "INVOICE ", "INV ", "PAYMENT FOR ", ""],
            "eg": ["PAYMENT INV ", "INVOICE ", "SETTLEMENT ", ""],
            "ma": ["FACT ", "FACTURE ", "REGLEMENT FACT ", "RGLT FACTURE ", "PAIEMENT FACT ", "VIR FACT "],
            "za": ["INV ", "", "PMT "],
            "ke": ["INV ", "PAYMENT INV ", "INVOICE ", "PAYMENT FOR ", ""],
            "ng": ["INV ", "PAYMENT FOR ", "PYMT FOR INV ", "BEING PAYMENT FOR ", ""],
        }[e]
        if t.currency == "USD":
            heads = ["INVOICE ", "INV ", "PAYMENT OF INVOICE ", "/INV/", "RFB INV "]
        for _ in range(10):
            head = rng.choice(heads)
            if (
                nums
                and head.strip()
                and nums[0].upper().startswith(head.split()[-1][:3].upper())
                and head.split()[-1][:3] in ("INV", "FAC", "FAC")
            ):
                head = rng.choice(["", "PAYMENT "]) if e != "ma" else "REGLEMENT "
            if (
                nums
                and re.match(r"^(FA|F\d|FACT)", nums[0])
                and head.strip()
                in ("FACT", "FACTURE", "VIR FACT", "REGLEMENT FACT", "PAIEMENT FACT", "RGLT FACTURE")
            ):
                head = rng.choice(["REGLEMENT ", "VIREMENT ", ""])
            text = f"{head}{joined}"
            if word:
                text = f"{text} {word}" if rng.random() < 0.7 else f"{word} {text}"
            extra = ""
            r = rng.random()
            if e == "ng" and r < 0.25:
                extra = rng.choice(["IFO FALCON", "FALCON IND DIST", "IFO FALCON INDUSTRIAL"])
            elif e == "ae" and r < 0.1 and c.nat == "AE":
                extra = f"TRN {c.tax_id}"
            elif e == "sa" and r < 0.15 and c.nat == "SA":
                extra = f"VAT NO {c.tax_id}"
            elif e == "ke" and r < 0.2 and len(nums) == 1 and (cu := self._cu_of(t, nums[0])):
                extra = f"CU INV {cu}"
            elif e == "ma" and r < 0.2:
                extra = rng.choice(["FALCON", "FALCON MAROC"])
            if extra and len(text) + 1 + len(extra) <= lim:
                text = f"{text} {extra}"
            if len(text) <= lim:
                return text.upper() if rng.random() < 0.8 else text
        return joined[:lim]

    def _cu_of(self, t: Tx, num: str) -> str:
        """The eTIMS control-unit number of the invoice written (the payer copies it from the invoice), when its
        digits name nothing of the book."""
        inv = self._by_number.get((t.entity, num))
        if not inv or not inv.cu:
            return ""
        tail = inv.cu.split("/")[1]
        return inv.cu if self.free_number(t.entity, tail) and self.free_number(t.entity, inv.cu) else ""

    def bare_word(self, t: Tx) -> str:
        return self.rng.choice({
            "ae": ["PAYMENT", "SUPPLIER PAYMENT", "TRANSFER", "OUTSTANDING PAYMENT", ""],
            "sa": ["PAYMENT", "TRANSFER", "SUPPLIER PAYMENT", ""],
            "eg": ["PAYMENT", "TRANSFER", ""],
            "ma": ["REGLEMENT FOURNISSEUR", "VIREMENT", "PAIEMENT", ""],
            "za": ["PAYMENT", "FALCON", "SUPPLIER PMT", ""],
            "ke": ["PAYMENT", "SUPPLIER PAYMENT", ""],
            "ng": ["PAYMENT", "TRANSFER", "IFO FALCON", "SUPPLIER PAYMENT", ""],
        }[t.entity])  # fmt: skip

    def need(self, t: Tx, *forms: str) -> None:
        """Strings the delivered text must still hold for the truth to stand (else the payment is dropped)."""
        t.check_args.setdefault("need", [])
        t.check_args["need"] += list(forms)  # type: ignore[operator]

    # ------------------------------------------------------------------ planning
    def plan(self) -> None:
        n_trap = round(self.n * 0.045)
        n_nc = round(self.n * 0.05)
        n_cust = self.n - n_trap - n_nc
        total_w = sum(w for _s, w, _e in CUSTOMER_PLAN)
        for name, w, ents in CUSTOMER_PLAN:
            # a tenth more attempts than payments wanted: some find no customer or item, some fail their check
            for _ in range(round(1.1 * n_cust * w / total_w / (2 if name == "duplicate" else 1))):
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
        for e in ENTITIES:
            for d in business_days(e):
                for _ in range(self.rng.randint(0, 2)):
                    ccy = str(ENTITIES[e]["ccy"])
                    t = self.new_tx(e, ccy, self.eur_to(self.rng.randint(20000, 900000), ccy), d, "debit", "debit",
                                    account=MAIN[e] if self.rng.random() < 0.6 else SECOND[e])  # fmt: skip
                    t.debit = True
                    t.payer_name = "CABLES AND WIRES MANUFACTURING CO"
                    t.text = f"SUPPLIER INVOICE {self.rng.randint(1000, 9999)}"

    @staticmethod
    def _std(c: Customer) -> bool:
        return c.kind in ("company", "sub", "person") and not c.namesake and c.ccy != "USD"

    def _basic(self, e: str, *, on_file: bool = False, extra: Callable[[Customer], bool] | None = None,
               lo: int = 0) -> tuple[Customer, date] | None:  # fmt: skip
        value = self.day(e, lo)

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
        t.payer_iban = c.iban
        t.by_name = not (on_file and c.on_file)

    def _named(self, e: str) -> str:
        """A channel that carries the payer's name (South Africa's ACB credits and M-Pesa do not)."""
        return {"za": self.rng.choice(["ib", "rtc"]), "ke": self.rng.choice(["pesalink", "eft", "rtgs"])}.get(
            e, ""
        )

    def _text(self, t: Tx, c: Customer, nums: list[str], *, word: str = "") -> None:
        t.text = self.pay_text(t, c, nums, word=word)
        self.need(t, *nums)

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
            t, c, [self.wr(inv, t, plain=scenario == "ref_exact", mangled=scenario == "ref_mangled")]
        )

    def s_ref_typo(self, e: str) -> None:
        got = self._basic(e)
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value)
        t = self.new_tx(e, c.ccy, inv.total, value, "ref_typo", channel=self._named(e))
        self._payer(t, c)
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
        k = self.rng.randint(2, 2 if e == "za" else 5)
        invs = self.take(c, value, k)
        t = self.new_tx(e, c.ccy, sum(i.total for i in invs), value, "multi_ref")
        if t.channel in ("acb", "ib", "rtc") and k > 2:
            t.channel = "ib" if t.channel == "acb" else t.channel
        self._payer(t, c)
        t.by_name = False
        t.rows = [(i, i.total, "invoice") for i in invs]

        def render() -> None:
            lim = self.limit(t)
            for plain in (False, True, True):
                nums = [self.wr(i, t, plain=plain) for i in invs]
                if len(self.join(e, nums)) <= lim:
                    break
                t.checks = [x for x in t.checks if x != "serial_unique"]
                t.check_args.pop("serial_items", None)
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
        t = self.new_tx(e, c.ccy, inv.total - cn.total, value, "credit_netted",
                        channel="ib" if e == "za" else "eft" if e == "ke" else "")  # fmt: skip
        self._payer(t, c)
        t.by_name = False
        t.rows = [(inv, inv.total, "invoice"), (cn, -cn.total, "invoice")]

        def render() -> None:
            a, b = self.wr(inv, t), cn.number
            word = {"ma": ["MOINS AVOIR", "- AVOIR", "DEDUCTION AVOIR"], "za": ["LESS", "-"]}.get(
                e, ["LESS", "LESS CN", "LESS CREDIT NOTE"]
            )
            if e == "za":
                t.text = f"{a} {self.rng.choice(word)} {b}"[:20]
            else:
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
        if c.ccy in ("NGN", "KES", "EGP"):
            paid = max(100, paid // 10000 * 10000)
        t = self.new_tx(e, c.ccy, paid, value, "partial")
        self._payer(t, c)
        t.by_name = False
        t.rows = [(inv, paid, "invoice")]
        word = self.rng.choice({
            "ae": ["PART PAYMENT", "PARTIAL PAYMENT", "1ST INSTALMENT", ""], "sa": ["PARTIAL PAYMENT", "PART PAYMENT", ""],
            "eg": ["PARTIAL PAYMENT", "1ST INSTALLMENT", ""], "ma": ["ACOMPTE SUR", "PAIEMENT PARTIEL", ""],
            "za": ["PART PMT", ""], "ke": ["PART PAYMENT", "PARTIAL PMT", ""], "ng": ["PART PAYMENT", "PART PAYMT FOR", ""],
        }[e])  # fmt: skip
        if t.channel in ("acb", "ib", "rtc"):
            word = ""
        t.render = lambda: self._text(t, c, [self.wr(inv, t)], word=word)

    def s_overpayment(self, e: str) -> None:
        got = self._basic(e)
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value)
        excess = self.eur_to(self.rng.randint(2500, 30000), c.ccy)
        t = self.new_tx(e, c.ccy, inv.total + excess, value, "overpayment")
        self._payer(t, c)
        t.by_name = False
        t.rows = [(inv, inv.total, "invoice"), (None, excess, "on_account")]
        t.checks = ["excess"]
        t.render = lambda: self._text(t, c, [self.wr(inv, t)])

    def s_duplicate(self, e: str) -> None:
        got = self._basic(e)
        if not got:
            return
        c, value = got
        days = business_days(e)
        if value > days[-3]:
            value = days[self.rng.randint(0, 10)]
        (inv,) = self.take(c, value)
        t1 = self.new_tx(e, c.ccy, inv.total, value, "duplicate_1st")
        self._payer(t1, c)
        t1.rows = [(inv, inv.total, "invoice")]
        later = [d for d in days if value < d <= value + timedelta(days=8)]
        v2 = self.rng.choice(later) if later else days[-1]
        t2 = self.new_tx(e, c.ccy, inv.total, v2, "duplicate", channel=t1.channel, account=t1.account)
        t2.customer, t2.payer_name, t2.payer_acct, t2.payer_iban = (
            c.id,
            t1.payer_name,
            t1.payer_acct,
            t1.payer_iban,
        )
        t2.rows = [(None, inv.total, "on_account")]
        t2.pair = t1.ref
        t2.checks = ["closed", "no_item_amount"]
        t2.check_args["inv"] = inv
        t1.by_name = t2.by_name = False

        def render() -> None:
            self._text(t1, c, [self.wr(inv, t1)])
            t2.text = t1.text
            t2.checks += [x for x in t1.checks if x == "serial_unique"]
            t2.check_args["serial_items"] = t1.check_args.get("serial_items", [])

        t1.render = render

    def s_noref_unique(self, e: str) -> None:
        self._noref(e, "noref_unique", 1)

    def s_noref_oldest(self, e: str) -> None:
        self._noref(e, "noref_oldest", self.rng.randint(2, 4))

    def s_noref_combo(self, e: str) -> None:
        self._noref(e, "noref_combo", self.rng.randint(2, 3))

    def _noref(self, e: str, scenario: str, k: int) -> None:
        got = self._basic(e)
        if not got:
            return
        c, value = got
        if scenario == "noref_oldest":
            limit = value - timedelta(days=4)
            mine = sorted((i for i in self.items[c.id] if i.kind == "invoice" and i.currency == c.ccy and i.issue <= limit
                           and not i.discount), key=lambda i: (i.due, i.issue, i.key))  # fmt: skip
            free = next((j for j, i in enumerate(mine) if i.used), len(mine))
            k = min(k, free)
            if k < 2:
                return
            invs = mine[:k]
            for i in invs:
                i.used = True
        else:
            invs = self.take(c, value, k)
        t = self.new_tx(e, c.ccy, sum(i.total for i in invs), value, scenario, channel=self._named(e))
        self._payer(t, c)
        t.rows = [(i, i.total, "invoice") for i in invs]
        t.checks = [
            {"noref_unique": "cust_unique", "noref_oldest": "oldest", "noref_combo": "combo"}[scenario]
        ]
        t.render = lambda: setattr(t, "text", self.bare_word(t))

    def s_fifo_equal(self, e: str) -> None:
        value = self.day(e, 4)
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
        t = self.new_tx(e, c.ccy, eq[0].total, value, "fifo_equal", channel=self._named(e))
        self._payer(t, c)
        t.rows = [(eq[0], eq[0].total, "invoice")]
        t.checks = ["fifo"]
        word = self.rng.choice({
            "ae": ["MONTHLY RENTAL", "EQUIPMENT RENTAL", "AMC PAYMENT"], "sa": ["MONTHLY RENT", "MAINTENANCE CONTRACT"],
            "eg": ["MONTHLY RENTAL", "MAINTENANCE CONTRACT"], "ma": ["LOYER MATERIEL", "CONTRAT MAINTENANCE"],
            "za": ["RENTAL", "MAINT CONTRACT"], "ke": ["MONTHLY RENTAL", "SERVICE CONTRACT"], "ng": ["MONTHLY RENTAL", "AMC"],
        }[e])  # fmt: skip
        t.render = lambda: setattr(t, "text", word[: self.limit(t)])

    def s_group_parent(self, e: str) -> None:
        value = self.day(e)
        subs = [
            c for c in self.customers if c.entity == e and c.kind == "sub" and (c.id, value) not in self.busy
        ]
        if not subs:
            return
        s = self.rng.choice(subs)
        sibs = [x for x in subs if x.group == s.group and x.id != s.id]
        chosen = [s] + ([sibs[0]] if sibs and self.rng.random() < 0.4 else [])
        invs: list[Invoice] = []
        for x in chosen:
            self.busy.add((x.id, value))
            invs += self.take(x, value, 1 if x is not s else self.rng.randint(1, 2))
        parent = next(
            c for c in self.customers if c.entity == e and c.kind == "parent" and c.group == s.group
        )
        scenario = "group_parent" if s.parent_id else "group_parent_unknown"
        t = self.new_tx(e, s.ccy, sum(i.total for i in invs), value, scenario,
                        channel="ib" if e == "za" else "rtgs" if e == "ke" else "")  # fmt: skip
        t.customer = s.id
        t.payer_name = self.payer_style(parent)
        t.payer_acct, t.payer_iban = parent.acct, parent.iban
        t.rows = [(i, i.total, "invoice") for i in invs]
        t.render = lambda: self._text(t, s, [i.number for i in invs])

    def s_usd_invoice(self, e: str) -> None:
        self._usd(e, "usd_invoice")

    def s_charges_usd(self, e: str) -> None:
        self._usd(e, "charges_usd")

    def _usd(self, e: str, scenario: str) -> None:
        value = self.day(e)
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
        t.render = lambda: self._text(t, c, [self.wr(inv, t)])

    def s_lc_proceeds(self, e: str) -> None:
        value = self.day(e)
        c = self.pick(e, lambda c: c.kind == "foreign", value)
        if not c:
            return
        (inv,) = self.take(c, value, ccy="USD", min_total=1_000_000)
        chg = self.rng.choice([0, self.rng.randint(3000, 15000)])
        t = self.new_tx(e, "USD", inv.total - chg, value, "lc_proceeds", channel="lc")
        t.customer = c.id
        t.payer_name = self.rng.choice(["BANK MUSCAT SAOG", "QATAR NATIONAL BANK QPSC", "RAFIDAIN BANK", "NATIONAL BANK OF KUWAIT",
                                        "ARAB BANK PLC", "BANQUE MISR", "STANDARD CHARTERED BANK"])  # fmt: skip
        t.payer_acct = f"{digits(self.rng, 12)}"
        t.ultimate = c.name.upper() if self.rng.random() < 0.5 else ""
        t.rows = [(inv, inv.total, "invoice")] + ([(inv, -chg, "deduction")] if chg else [])
        t.btc = ("TRAD", "DCCT", "OTHR")

        def render() -> None:
            lc = f"{self.rng.randint(1, 999):04d}ILC{value:%y}{self.rng.randint(1, 99999):05d}"
            num = self.wr(inv, t)
            tail = f" LESS CHGS USD {fmt_grouped(chg)}" if chg else ""
            t.text = f"LC {lc} PROCEEDS INV {num}{tail}"
            self.need(t, num)

        t.render = render

    def s_advance_po(self, e: str) -> None:
        self._advance(e, "advance_po")

    def s_advance_proforma(self, e: str) -> None:
        self._advance(e, "advance_proforma")

    def _advance(self, e: str, scenario: str) -> None:
        got = self._basic(e, extra=lambda c: c.kind != "person")
        if not got:
            return
        c, value = got
        amount = self.eur_to(self.rng.randint(50000, 500000), c.ccy, whole=True)
        t = self.new_tx(e, c.ccy, amount, value, scenario, channel=self._named(e))
        self._payer(t, c)
        t.rows = [(None, amount, "on_account")]
        t.checks = ["no_item_amount"]
        po = f"{self.rng.choice(['PO ', 'PO-', 'LPO '])}{self.rng.randint(4500000, 4599999)}"
        pi = f"PI-{value.year}-{self.rng.randint(100, 999):04d}"
        if scenario == "advance_po":
            words = {"ma": [f"AVANCE COMMANDE {po}", f"AVANCE SUR COMMANDE {po}"], "za": ["ADVANCE PAYMENT", f"DEPOSIT {po}"]}.get(
                e, [f"ADVANCE PAYMENT {po}", f"ADVANCE AGAINST {po}", f"DOWN PAYMENT {po}"])  # fmt: skip
        else:
            words = [
                f"ADVANCE AGAINST PROFORMA {pi}",
                f"ADVANCE PAYMENT PROFORMA {pi}",
                f"ADV PMT PI {pi[3:]}",
            ]
        t.render = lambda: setattr(t, "text", self.rng.choice(words)[: self.limit(t)])

    def s_discount(self, e: str) -> None:
        got = self._basic(e)
        if not got:
            return
        c, value = got
        issue = value - timedelta(days=self.rng.randint(2, 9))
        total = self.random_total(c) // 50 * 50 + 50  # 2 % of it in whole hundredths
        inv = self.new_invoice(c, issue, total, due=issue + timedelta(days=30))
        inv.discount, inv.discount_days, inv.used = 2, 10, True
        disc = total * 2 // 100
        t = self.new_tx(
            e, c.ccy, total - disc, value, "discount", channel=self._named(e) if e == "za" else ""
        )
        self._payer(t, c)
        t.by_name = False
        t.rows = [(inv, total, "invoice"), (inv, -disc, "deduction")]
        word = self.rng.choice(["LESS 2% DISC", "2% SETTLEMENT DISC", "", ""]) if e == "ae" else ""
        t.render = lambda: self._text(t, c, [self.wr(inv, t)], word=word)

    def s_wht_explained(self, e: str) -> None:
        self._wht(e, "wht_explained")

    def s_wht_unexplained(self, e: str) -> None:
        self._wht(e, "wht_unexplained")

    def _wht(self, e: str, scenario: str) -> None:
        got = self._basic(e, extra=lambda c: c.kind != "person")
        if not got:
            return
        c, value = got
        (inv,) = self.take(
            c, value, min_total=self.eur_to(60000 if scenario == "wht_explained" else 250000, c.ccy)
        )
        net = Decimal(inv.total - inv.vat)
        rate = (
            Decimal("0.02")
            if e == "ke"
            else self.rng.choice([Decimal("0.05"), Decimal("0.05"), Decimal("0.10")])
        )
        wht = half_up(net * rate)
        if scenario == "wht_unexplained" and wht <= TOLERANCE[c.ccy] * 2:
            return  # a shortfall the product may take for charges kept back
        t = self.new_tx(
            e,
            c.ccy,
            inv.total - wht,
            value,
            scenario,
            channel="" if e == "ng" else self.rng.choice(["rtgs", "eft"]),
        )
        self._payer(t, c)
        t.by_name = False
        if scenario == "wht_explained":
            t.rows = [(inv, inv.total, "invoice"), (inv, -wht, "deduction")]
        else:
            t.rows = [(inv, inv.total - wht, "invoice")]
        pct = f"{int(rate * 100)}%"

        def render() -> None:
            num = self.wr(inv, t)
            if scenario == "wht_unexplained":
                self._text(t, c, [num])
                return
            amt = fmt_grouped(wht)
            if e == "ke":
                tail = self.rng.choice(
                    [f"LESS {pct} WHVAT {amt}", f"LESS WITHHOLDING VAT {amt}", f"LESS WHT VAT KES {amt}"]
                )
            else:
                tail = self.rng.choice(
                    [f"LESS WHT {pct} N{amt}", f"LESS {pct} WHT NGN {amt}", f"LESS WHT {amt}"]
                )
            t.text = f"{self.pay_text(t, c, [num])} {tail}"
            self.need(t, num, amt)

        t.render = render

    def s_namesake_unique(self, e: str) -> None:
        if not self.namesakes[e]:
            return
        value = self.day(e)
        pair = self.rng.choice(self.namesakes[e])
        if any((c.id, value) in self.busy for c in pair):
            return
        for c in pair:
            self.busy.add((c.id, value))
        c = pair[0]
        (inv,) = self.take(c, value)
        t = self.new_tx(e, c.ccy, inv.total, value, "namesake_unique", channel=self._named(e))
        t.customer = c.id
        t.payer_name = self.payer_style(c, legal=False)
        t.payer_acct = c.other_acct
        t.by_name = True
        t.rows = [(inv, inv.total, "invoice")]
        t.checks = ["cust_unique"]
        t.render = lambda: setattr(t, "text", self.bare_word(t))

    def s_name_variant(self, e: str) -> None:
        got = self._basic(e, extra=lambda c: (c.translit or e == "ma") and not c.on_file)
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value)
        t = self.new_tx(e, c.ccy, inv.total, value, "name_variant")
        self._payer(t, c, heavy=True)
        t.rows = [(inv, inv.total, "invoice")]
        t.checks = ["cust_unique"]
        t.render = lambda: setattr(t, "text", self.bare_word(t))

    def s_sa_arabic_name(self, e: str) -> None:
        got = self._basic(e, extra=lambda c: bool(c.arabic) and not c.on_file)
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value)
        t = self.new_tx(e, c.ccy, inv.total, value, "sa_arabic_name", account="sa_snb")
        self._payer(t, c)
        t.payer_name = c.arabic
        t.rival_name = c.name
        t.rows = [(inv, inv.total, "invoice")]
        t.checks = ["cust_unique"]
        t.variant = "Arabic name, alias on file" if c.arabic in c.aliases else "Arabic name, no alias"
        t.render = lambda: setattr(t, "text", self.rng.choice(["", "PAYMENT", "دفعة", "سداد فاتورة"]))

    def s_cheque_deposit(self, e: str) -> None:
        got = self._basic(e)
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value)
        t = self.new_tx(e, c.ccy, inv.total, value, "cheque_deposit", channel="cheque")
        t.customer = c.id
        t.btc = ("PMNT", "RCHQ", "CCHQ")
        t.mt_code = "NCHK"
        t.rows = [(inv, inv.total, "invoice")]
        chq = f"{self.rng.randint(1, 999999):06d}" if e == "ae" else f"{self.rng.randint(1000000, 9999999)}"
        t.ids["chq"] = chq
        mode = self.rng.choice(["drawer", "slip", "both"])
        if mode in ("drawer", "both"):
            t.payer_name = self.payer_style(c)
        t.by_name = mode == "drawer"
        t.variant = {"drawer": "drawer's name", "slip": "invoice on the slip", "both": "drawer and invoice"}[
            mode
        ]
        if mode == "drawer":
            t.checks = ["cust_unique"]
        t.render = lambda: self._text(t, c, [self.wr(inv, t)]) if mode != "drawer" else None

    def s_cash_deposit(self, e: str) -> None:
        got = self._basic(e, extra=lambda c: c.kind != "sub")
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value, max_total=self.eur_to(800000, c.ccy))
        t = self.new_tx(e, c.ccy, inv.total, value, "cash_deposit", channel="cash")
        t.customer = c.id
        t.btc = ("PMNT", "CNTR", "CDPT")
        t.mt_code = "NMSC"
        t.rows = [(inv, inv.total, "invoice")]
        typed = self.payer_style(c, heavy=self.rng.random() < 0.5)
        with_inv = self.rng.random() < 0.5
        t.by_name = not with_inv
        t.rival_name = typed
        depositor = c.owner
        t.variant = "invoice typed" if with_inv else "name only"
        if not with_inv:
            t.checks = ["cust_unique"]

        def render() -> None:
            num = self.wr(inv, t) if with_inv else ""
            lead = self.rng.choice([f"CASH DEP BY {depositor} FOR {typed}", f"{typed} BY {depositor}", f"CSH DEP {typed}",
                                    f"DEPOSITED BY {depositor} IFO {typed}" if e == "ng" else f"CASH {typed}"])  # fmt: skip
            t.text = f"{lead} {num}".strip()[: self.limit(t)]
            self.need(t, typed[:12], *([num] if num else []))

        t.render = render

    def s_exchange_house(self, e: str) -> None:
        got = self._basic(e, extra=lambda c: c.kind != "sub")
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value)
        t = self.new_tx(
            e,
            c.ccy,
            inv.total,
            value,
            "exchange_house",
            channel="exchange",
            account="ae_enbd" if self.rng.random() < 0.6 else "ae_fab",
        )
        t.customer = c.id
        t.payer_name, t.payer_acct = self.rng.choice(EXCHANGE_HOUSES)
        t.payer_iban = True
        t.rows = [(inv, inv.total, "invoice")]
        typed = self.payer_style(c)
        mode = self.rng.choice(["name", "invoice", "both", "ultimate"])
        if mode == "ultimate" and t.fmt == "mt940":
            mode = "name"
        t.variant = {"name": "customer named in text", "invoice": "invoice only", "both": "name and invoice",
                     "ultimate": "customer as ultimate debtor"}[mode]  # fmt: skip
        if mode in ("name", "ultimate"):
            t.by_name = True
            t.rival_name = typed
            t.checks = ["cust_unique"]

        def render() -> None:
            if mode == "ultimate":
                t.ultimate = typed
                t.text = self.rng.choice(["SUPPLIER PAYMENT", "TRADE PAYMENT", "PAYMENT"])
                return
            num = self.wr(inv, t, plain=True) if mode != "name" else ""
            who = self.rng.choice(["B/O ", "ON BEHALF OF ", "BO "]) + typed if mode != "invoice" else ""
            t.text = " ".join(x for x in (who, f"INV {num}" if num else "") if x)
            self.need(t, *([num] if num else []), *([typed[:20]] if who else []))

        t.render = render

    def s_ma_lcn(self, e: str) -> None:
        got = self._basic(e, extra=lambda c: c.kind in ("company", "sub"))
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value)
        inv.due = min(inv.due, value)
        t = self.new_tx(e, c.ccy, inv.total, value, "ma_lcn", channel="lcn")
        self._payer(t, c)
        t.btc = ("PMNT", "DRFT", "STAM")
        t.mt_code = "NCOL"
        t.rows = [(inv, inv.total, "invoice")]
        t.checks = ["cust_unique"]
        lcn = f"{self.rng.randint(1000000, 9999999)}"
        t.render = lambda: setattr(t, "text", f"REMISE LCN N {lcn} TIRE {t.payer_name} ECH {value:%d/%m/%Y}")

    def _mpesa(self, e: str, scenario: str) -> tuple[Customer, Invoice, Tx] | None:
        got = self._basic(e, extra=lambda c: c.kind in ("company", "person"))
        if not got:
            return None
        c, value = got
        (inv,) = self.take(c, value, max_total=MPESA_MAX)
        t = self.new_tx(e, c.ccy, inv.total, value, scenario, channel="mpesa")
        t.customer = c.id
        t.payer_name = c.owner if c.kind != "person" else c.name.upper()
        t.payer_acct = f"{c.phone[:6]}***{c.phone[-3:]}"
        t.rows = [(inv, inv.total, "invoice")]
        return c, inv, t

    def s_ke_mpesa_custno(self, e: str) -> None:
        got = self._mpesa(e, "ke_mpesa_custno")
        if not got:
            return
        c, _inv, t = got
        t.checks = ["cust_unique"]
        t.render = lambda: setattr(
            t,
            "text",
            self.rng.choice(
                [c.id, c.id, f"ACC {c.id}", f"A/C {c.id}", f"{c.id} {fold_name(c.base).split()[0]}"]
            )[:20],
        )

    def s_ke_mpesa_inv(self, e: str) -> None:
        got = self._mpesa(e, "ke_mpesa_inv")
        if not got:
            return
        _c, inv, t = got
        t.render = lambda: self._set_need(t, self.wr(inv, t))

    def s_ke_mpesa_name(self, e: str) -> None:
        got = self._mpesa(e, "ke_mpesa_name")
        if not got:
            return
        c, _inv, t = got
        if c.kind == "person":
            return
        typed = fold_name(c.base)[:20]
        t.rival_name = typed
        t.by_name = True
        t.checks = ["cust_unique"]
        t.render = lambda: setattr(t, "text", typed)

    def _set_need(self, t: Tx, text: str) -> None:
        t.text = text[: self.limit(t)]
        self.need(t, text)

    def s_za_custref(self, e: str) -> None:
        got = self._basic(e)
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value)
        t = self.new_tx(e, c.ccy, inv.total, value, "za_custref", channel="acb")
        t.customer = c.id
        t.rows = [(inv, inv.total, "invoice")]
        t.checks = ["cust_unique"]
        word = fold_name(c.base).split()[0]
        t.render = lambda: setattr(
            t,
            "text",
            self.rng.choice([c.id, f"ACC {c.id}", f"{c.id} {word}", f"{word} {c.id}", f"ACC NO {c.id}"])[:20],
        )

    # ------------------------------------------------------------------ traps
    def _stranger(self, e: str) -> str:
        return self.rng.choice({
            "ae": ["ABDUL MAJEED KUNHI", "SURESH BABU", "AL FAHIDI GENERAL TRADING", "RAFIQ AHMED"],
            "sa": ["SALEH NASSER", "MOHAMMED ALI KHAN", "AL BADIA TRADING EST"],
            "eg": ["AHMED MAHMOUD", "HANY SAMIR", "EL FAJR TRADING"],
            "ma": ["M YOUSSEF EL HARTI", "MME FATIMA ZAHRA", "STE NOUR NEGOCE"],
            "za": ["J SMITH", "MR T NKOSI", "ACE TRADING"],
            "ke": ["JOHN DOE MWANGI", "PETER KAMAU", "ACE SUPPLIES"],
            "ng": ["OLUWADAMILARE OKE", "JOHN EZE", "ACE VENTURES"],
        }[e])  # fmt: skip

    def _stranger_acct(self, e: str) -> tuple[str, bool]:
        acct, is_iban = self._account(e.upper())
        return acct, is_iban

    def s_trap_namesake(self, e: str) -> None:
        if not self.namesakes[e]:
            return
        value = self.day(e)
        pair = self.rng.choice(self.namesakes[e])
        if any((c.id, value) in self.busy for c in pair):
            return
        for c in pair:
            self.busy.add((c.id, value))
        (x,) = self.take(pair[0], value)
        y = self.new_invoice(pair[1], value - timedelta(days=self.rng.randint(5, 40)), x.total)
        y.used = True
        t = self.new_tx(e, pair[0].ccy, x.total, value, "trap_namesake", "trap", channel=self._named(e))
        t.payer_name = self.payer_style(pair[0], legal=False)
        # an account never seen: one that paid either namesake's items before would say whose this is
        t.payer_acct, t.payer_iban = self._stranger_acct(e)
        t.checks = ["open_amount"]
        t.check_args["items"] = [x, y]
        t.render = lambda: setattr(t, "text", self.bare_word(t))

    def s_trap_amount_two(self, e: str) -> None:
        value = self.day(e)
        a = self.pick(e, self._std, value)
        b = self.pick(e, self._std, value)
        if not a or not b or a.id == b.id:
            return
        (x,) = self.take(a, value)
        y = self.new_invoice(b, value - timedelta(days=self.rng.randint(5, 40)), x.total)
        y.used = True
        t = self.new_tx(e, a.ccy, x.total, value, "trap_amount_two", "trap", channel=self._named(e))
        t.payer_name = self._stranger(e)
        t.payer_acct, t.payer_iban = self._stranger_acct(e)
        t.checks = ["open_amount"]
        t.check_args["items"] = [x, y]
        t.render = lambda: setattr(t, "text", self.bare_word(t))

    def s_trap_before_invoice(self, e: str) -> None:
        got = self._basic(e, lo=0)
        if not got:
            return
        c, value = got
        later = self.new_invoice(c, value + timedelta(days=self.rng.randint(1, 10)))
        later.used = True
        t = self.new_tx(e, c.ccy, later.total, value, "trap_before_invoice", "trap", channel=self._named(e))
        self._payer(t, c)
        t.allow_on_account = True
        t.checks = ["before"]
        t.check_args["items"] = [later]
        t.render = lambda: setattr(t, "text", self.bare_word(t))

    def s_trap_ccy_crossed(self, e: str) -> None:
        value = self.day(e)
        c = self.pick(e, self._std, value)
        if not c:
            return
        (inv,) = self.take(c, value)
        usd = half_up(Decimal(inv.total) / FX[c.ccy] * FX["USD"])
        t = self.new_tx(e, "USD", usd, value, "trap_ccy_crossed", "trap")
        self._payer(t, c, on_file=False)
        t.checks = ["no_ccy_item"]
        t.render = lambda: self._text(t, c, [inv.number])

    def s_trap_local_for_usd(self, e: str) -> None:
        value = self.day(e)
        c = self.pick(e, lambda c: self._std(c) and c.kind == "company", value)
        if not c:
            return
        inv = self.new_invoice(c, value - timedelta(days=self.rng.randint(10, 60)), ccy="USD")
        inv.used = True
        local = half_up(Decimal(inv.total) / FX["USD"] * FX[c.ccy] * Decimal(self.rng.uniform(1.0, 1.04)))
        t = self.new_tx(e, c.ccy, local, value, "trap_local_for_usd", "trap", channel=self._named(e))
        self._payer(t, c)
        t.allow_on_account = True
        t.checks = ["no_ccy_item"]
        t.render = lambda: self._text(t, c, [inv.number])

    def s_trap_cheque_anon(self, e: str) -> None:
        value = self.day(e)
        a = self.pick(e, self._std, value)
        if not a:
            return
        (x,) = self.take(a, value)
        t = self.new_tx(e, a.ccy, x.total, value, "trap_cheque_anon", "trap", channel="cheque")
        t.btc = ("PMNT", "RCHQ", "CCHQ")
        t.mt_code = "NCHK"
        t.ids["chq"] = (
            f"{self.rng.randint(1, 999999):06d}" if e == "ae" else f"{self.rng.randint(1000000, 9999999)}"
        )
        t.checks = ["open_amount"]
        t.check_args["items"] = [x]

    def s_trap_exchange_anon(self, e: str) -> None:
        value = self.day(e)
        a = self.pick(e, self._std, value)
        if not a:
            return
        (x,) = self.take(a, value)
        t = self.new_tx(e, a.ccy, x.total, value, "trap_exchange_anon", "trap", channel="exchange")
        t.payer_name, t.payer_acct = self.rng.choice(EXCHANGE_HOUSES)
        t.payer_iban = True
        t.text = self.rng.choice(["SUPPLIER PAYMENT", "TRADE PAYMENT", "PAYMENT"])
        t.checks = ["open_amount"]
        t.check_args["items"] = [x]

    def s_trap_typo_two(self, e: str) -> None:
        ccy = str(ENTITIES[e]["ccy"])
        t = self.new_tx(e, ccy, 0, self.day(e), "trap_typo_two", "trap", channel=self._named(e))
        t.payer_name = self._stranger(e)
        t.payer_acct, t.payer_iban = self._stranger_acct(e)
        t.checks = ["open_amount"]
        t.render = lambda: self._render_typo_two(t)

    def _render_typo_two(self, t: Tx) -> None:
        """After numbering: two invoices of two customers whose numbers differ in one digit of the serial, and a
        number one digit from both that is no number of the book; the second invoice takes the first's amount."""
        e = t.entity
        limit = t.value - timedelta(days=5)
        pool = [
            i for i in self.invoices
            if i.entity == e and not i.used and i.kind == "invoice" and i.currency == t.currency
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
                        t.text = self.pay_text(t, self.by_id[x.customer], [cand])
                        self.need(t, cand)
                        return
        t.amount = 0

    # ------------------------------------------------------------------ non-customer credits
    def s_nc(self, e: str, kind: str) -> None:
        rng = self.rng
        ccy = str(ENTITIES[e]["ccy"])
        value = self.day(e)
        t = self.new_tx(
            e, ccy, self.eur_to(rng.randint(5000, 800000), ccy), value, kind, "nc", channel="transfer"
        )
        mode = rng.choice(["amount", "number", "plain"])
        t.check_args["mode"] = mode
        words: dict[str, tuple[str, str]] = {}
        islamic = e in ("ae", "sa", "eg") and rng.random() < 0.7
        if kind == "nc_tax":
            words = {
                "ae": ("FEDERAL TAX AUTHORITY", f"VAT REFUND TRN 100{digits(rng, 12)} PERIOD 01/2026"),
                "sa": ("ZAKAT TAX AND CUSTOMS AUTHORITY", f"VAT REFUND 3{digits(rng, 14)}"),
                "eg": ("EGYPTIAN TAX AUTHORITY", "VAT REFUND 2026/02"),
                "ma": ("TRESORERIE GENERALE DU ROYAUME", "REMBOURSEMENT CREDIT TVA 2025"),
                "za": ("SARS", f"SARS VAT REFUND 4{digits(rng, 9)}"),
                "ke": ("KENYA REVENUE AUTHORITY", f"KRA VAT REFUND {digits(rng, 8)}"),
                "ng": ("FEDERAL INLAND REVENUE SERVICE", "FIRS VAT REFUND 2025"),
            }
        elif kind in ("nc_profit", "nc_interest"):
            t.channel = "bank"
            t.btc = ("ACMT", "MCOP", "INTR")
            t.mt_code = "NINT"
            t.amount = self.eur_to(rng.randint(100, 20000), ccy)
            if kind == "nc_profit" and islamic:
                word = rng.choice(["PROFIT PAID MUDARABA SAVINGS 03/2026", "HIBAH PAID ON CURRENT ACCOUNT",
                                   "PROFIT DISTRIBUTION WAKALA DEPOSIT"])  # fmt: skip
            else:
                word = {"ma": "INTERETS CREDITEURS", "za": "CREDIT INTEREST", "ke": "INTEREST CAPITALISED",
                        "ng": "INTEREST ON CALL DEPOSIT"}.get(e, "INTEREST ON FIXED DEPOSIT")  # fmt: skip
            words = {e: ("", word)}
        elif kind == "nc_card":
            t.btc = ("PMNT", "MCRD", "POSC")
            words = {
                "ae": ("NETWORK INTERNATIONAL LLC", f"NI SETTLEMENT MID {digits(rng, 9)}"),
                "sa": ("GEIDEA PAYMENTS", f"MADA POS SETTLEMENT {digits(rng, 10)}"),
                "eg": ("PAYMOB SOLUTIONS", f"PAYMOB PAYOUT {digits(rng, 8)}"),
                "ma": ("CENTRE MONETIQUE INTERBANCAIRE", f"CMI REGLEMENT COMMERCANT {digits(rng, 8)}"),
                "za": ("YOCO TECHNOLOGIES", f"YOCO PAYOUT {digits(rng, 8)}"),
                "ke": ("PESAPAL LTD", f"PESAPAL SETTLEMENT {digits(rng, 8)}"),
                "ng": ("PAYSTACK PAYMENTS LIMITED", f"PAYSTACK SETTLEMENT {alnum(rng, 10)}"),
            }
        elif kind == "nc_loan":
            t.btc = ("LDAS", "CSLN", "DDWN")
            words = {
                "ae": ("", f"MURABAHA DISBURSEMENT DEAL {digits(rng, 8)}"),
                "sa": ("", f"TAWARRUQ FINANCING DISBURSEMENT {digits(rng, 8)}"),
                "eg": ("", f"LOAN DISBURSEMENT {digits(rng, 8)}"),
                "ma": ("", f"DEBLOCAGE CREDIT N {digits(rng, 8)}"),
                "za": ("", f"LOAN ADVANCE {digits(rng, 8)}"),
                "ke": ("", f"LOAN DISBURSEMENT {digits(rng, 8)}"),
                "ng": ("", f"TERM LOAN DISBURSEMENT {digits(rng, 8)}"),
            }
        elif kind == "nc_intragroup":
            words = {
                k: ("FALCON GROUP TREASURY FZE", f"CASH POOL FUNDING {rng.randint(1, 40)}/2026")
                for k in ENTITIES
            }
            t.payer_acct, t.payer_iban = TREASURY_IBAN, True
            t.btc = ("CAMT", "ACCB", "ZABA")
        elif kind == "nc_own_transfer":
            src = SECOND[e] if t.account == MAIN[e] else MAIN[e]
            if src == t.account:
                src = USD_ACCT.get(e, src)
            words = {k: (str(ENTITIES[e]["name"]).upper(), "TRANSFER BETWEEN OWN ACCOUNTS") for k in ENTITIES}
            t.payer_acct = ACCOUNTS[src][5]
            t.payer_iban = e in ("ae", "sa", "eg")
            t.btc = ("CAMT", "ACCB", "ICCT")
        elif kind == "nc_insurance":
            words = {
                "ae": ("ORIENT INSURANCE PJSC", f"CLAIM SETTLEMENT {digits(rng, 8)}"),
                "sa": ("TAWUNIYA", f"CLAIM {digits(rng, 8)}"),
                "eg": ("MISR INSURANCE", f"CLAIM {digits(rng, 8)}"),
                "ma": ("WAFA ASSURANCE", f"INDEMNISATION SINISTRE {digits(rng, 8)}"),
                "za": ("SANTAM LTD", f"CLAIM {digits(rng, 8)}"),
                "ke": ("JUBILEE INSURANCE", f"CLAIM {digits(rng, 8)}"),
                "ng": ("LEADWAY ASSURANCE", f"CLAIM {digits(rng, 8)}"),
            }
        elif kind == "nc_salary_return":
            t.btc = ("PMNT", "RCDT", "RRTN")
            words = {k: ("", "SALARY RETURN ACCOUNT CLOSED") for k in ENTITIES}
            words["ae"] = ("", f"WPS SIF RETURN EMP {digits(rng, 14)}")
            words["sa"] = ("", f"WPS SALARY RETURN {digits(rng, 10)}")
            words["ma"] = ("", "RETOUR VIREMENT SALAIRE")
        elif kind == "nc_supplier_refund":
            words = {k: ("CABLES AND WIRES MANUFACTURING CO", "REFUND OVERPAYMENT") for k in ENTITIES}
            words["ma"] = ("STE NEXANS MAROC", "REMBOURSEMENT TROP PERCU")
        elif kind == "nc_return":
            t.channel = "bank"
            t.account = MAIN[e]
            t.rvsl = True
            t.btc = ("PMNT", "ICDT", "RRTN")
            words = {
                k: ("CABLES AND WIRES MANUFACTURING CO", "RETURNED PAYMENT AC04 ACCOUNT CLOSED")
                for k in ENTITIES
            }
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
                    t.amount += 1700

        t.render = render

    # ------------------------------------------------------------------ numbering and rendering
    def number(self) -> None:
        rng = self.rng
        groups: dict[tuple[str, str, int], list[Invoice]] = defaultdict(list)
        for i in self.invoices:
            groups[(i.entity, i.series, 0 if i.entity in ("za", "ke") else i.issue.year)].append(i)
        starts = {("ae", "main"): 7200, ("ae", "cn"): 210, ("ae", "exp"): 380, ("sa", "main"): 4100, ("sa", "cn"): 160,
                  ("eg", "main"): 5200, ("eg", "cn"): 120, ("eg", "exp"): 250, ("ma", "main"): 3100, ("ma", "cn"): 90,
                  ("ng", "main"): 2300, ("ng", "cn"): 70, ("ng", "exp"): 110, ("za", "main"): 10000, ("za", "cn"): 4000,
                  ("ke", "main"): 12000, ("ke", "cn"): 1000, ("ke", "exp"): 400}  # fmt: skip
        for (e, series, year), invs in sorted(groups.items()):
            invs.sort(key=lambda i: (i.issue, i.key))
            serial = starts.get((e, series), 0) if year in (0, 2025) else 0
            for i in invs:
                age = (END - i.issue).days
                serial += (
                    rng.randint(1, 3 if age < 40 else 5 if age < 100 else 9)
                    if series != "cn"
                    else rng.randint(1, 3)
                )
                i.serial = serial
                y, yy = i.issue.year, i.issue.year % 100
                if e == "ae":
                    i.number = {
                        "main": f"TI-{y}-{serial:05d}",
                        "cn": f"TCN-{y}-{serial:04d}",
                        "exp": f"EXP-{y}-{serial:04d}",
                    }[series]
                elif e == "sa":
                    i.number = {"main": f"INV-KSA-{y}-{serial:06d}", "cn": f"CRN-KSA-{y}-{serial:05d}"}[
                        series
                    ]
                elif e == "eg":
                    i.number = {
                        "main": f"{yy}{serial:06d}",
                        "cn": f"CN-{yy}{serial:04d}",
                        "exp": f"EX{yy}{serial:05d}",
                    }[series]
                elif e == "ma":
                    i.number = {"main": f"FA{yy}-{serial:05d}", "cn": f"AV{yy}-{serial:04d}"}[series]
                elif e == "za":
                    i.number = {"main": f"IN{serial:06d}", "cn": f"CN{serial:06d}"}[series]
                elif e == "ke":
                    i.number = {
                        "main": f"INV-{serial:05d}",
                        "cn": f"CRN-{serial:05d}",
                        "exp": f"EXP-{serial:04d}",
                    }[series]
                else:
                    i.number = {"main": f"NG/INV/{y}/{serial:04d}", "cn": f"NG/CN/{y}/{serial:04d}",
                                "exp": f"NG/EXP/{y}/{serial:04d}"}[series]  # fmt: skip
        self._numbers: dict[str, set[str]] = defaultdict(set)
        self._digits: dict[str, set[str]] = defaultdict(set)
        self._canon: dict[str, set[str]] = defaultdict(set)
        self._serials: dict[str, Counter[int]] = defaultdict(Counter)
        self._by_number: dict[tuple[str, str], Invoice] = {}
        for i in self.invoices:
            self._numbers[i.entity].add(i.number)
            self._canon[i.entity].add(canonical(i.number))
            self._digits[i.entity].add("".join(ch for ch in i.number if ch.isdigit()).lstrip("0"))
            self._digits[i.entity].add(str(i.serial))
            self._serials[i.entity][i.serial] += 1
            self._by_number[(i.entity, i.number)] = i
        assert len(self._by_number) == len(self.invoices), "invoice numbers are not unique"

    @staticmethod
    def serial_positions(number: str) -> list[int]:
        """Where the last four digits of the serial are (never the year)."""
        return [p for p, ch in enumerate(number) if ch.isdigit()][-4:]

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
        """No number of the book in any written form: its digits, its groups of digits without leading zeros, nor a
        serial of the book written alone."""
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
        return " ".join([*t.ustrd, t.addtl_tx, t.ultimate])

    def text_holds(self, t: Tx) -> bool:
        text = self.delivered(t).upper()
        if t.fmt == "mt940":
            return all(swift_x(str(n)).upper() in text for n in t.check_args.get("need", []))  # type: ignore[union-attr]
        return all(str(n).upper() in text for n in t.check_args.get("need", []))  # type: ignore[union-attr]

    def rivals(self, t: Tx) -> list[str]:
        """Customers a clerk could take for a payer known by its name only: the same name once transliteration and
        legal form are set aside, one the bank's cut name is the start of, or one whose name holds every word of the
        payer's."""
        d = fold_name(t.rival_name or t.payer_name)
        words = set(d.split())
        out = []
        for c in self.customers:
            if c.entity != t.entity or c.id == t.customer:
                continue
            for nm in (c.name, *c.aliases):
                n = fold_name(nm)
                if (
                    n == d
                    or (len(d) >= 4 and n.startswith(d))
                    or (len(n) >= 4 and d.startswith(n + " "))
                    or (words and words <= set(n.split()))
                ):
                    out.append(c.id)
                    break
        return out

    # ------------------------------------------------------------------ what the bank delivers, channel by channel
    def compose(self, t: Tx) -> None:
        """The payment as the account's bank delivers it: names cut and texts laid out as each channel carries them."""
        rng = self.rng
        ch, text, name = t.channel, t.text, t.payer_name
        if t.debit:
            t.ustrd = [text]
            t.mt86 = f"OUTWARD TRANSFER TO {name} {text}"
            return
        up = name.upper() if not re.search(r"[\u0600-\u06ff]", name) else name
        if ch == "bank":
            t.ustrd = [text] if text else []
            t.addtl_ntry = "RETURNED PAYMENT" if t.rvsl else "PROFIT / INTEREST CREDIT"
            t.mt86 = text
        elif ch == "transfer":
            t.ustrd = [text] if text else []
            t.addtl_ntry = "INWARD TRANSFER"
            t.mt86 = f"INWARD TRANSFER {up} {text}".strip()
        elif ch in ("uaefts", "ipp"):
            name = up[:35]
            t.ustrd = [text] if text else []
            t.addtl_ntry = "INWARD UAEFTS TRANSFER" if ch == "uaefts" else "AANI INSTANT PAYMENT"
            ft = f"FT{t.value:%y}{t.value.timetuple().tm_yday:03d}{digits(rng, 5)}"
            t.ids["ft"] = ft
            t.mt86 = (f"UAEFTS INWARD {ft} FROM {name} {t.payer_acct} {text}" if ch == "uaefts"
                      else f"AANI IPP CREDIT FROM {name} {text}")  # fmt: skip
        elif ch == "exchange":
            name = up[:35]
            t.ustrd = [text] if text else []
            t.addtl_ntry = "INWARD UAEFTS TRANSFER"
            t.mt86 = f"UAEFTS INWARD FROM {name} {text}".strip()
        elif ch == "cheque":
            chq = t.ids["chq"]
            if t.entity == "ae":
                head = rng.choice(
                    [f"CHQ DEP {chq}", f"CLEARING CHEQUE {chq} DEPOSITED", f"PDC DEP CHQ NO {chq}"]
                )
                t.addtl_ntry = "CHEQUE DEPOSIT - CLEARING"
            else:
                head = f"REMISE CHEQUE N {chq}"
                t.addtl_ntry = "REMISE CHEQUE"
            name = up[:35]
            t.ustrd = [head] + ([text] if text else [])
            t.mt86 = f"{head} {('DE ' + name) if name and t.entity == 'ma' else name} {text}".strip()
        elif ch == "lcn":
            name = up[:35]
            t.ustrd = [text]
            t.addtl_ntry = "REMISE LCN"
            t.mt86 = text
        elif ch == "cash":
            name = ""
            t.ustrd = [text]
            t.addtl_ntry = {"ma": "VERSEMENT ESPECES"}.get(t.entity, "CASH DEPOSIT")
            t.mt86 = f"{t.addtl_ntry} {text}"
        elif ch == "sarie":
            name = up[:70]
            t.ustrd = [text] if text else []
            t.addtl_ntry = "SARIE TRANSFER"
            t.mt86 = f"SARIE TRANSFER FROM {name} {t.payer_acct} {text}".strip()
        elif ch in ("ach", "instapay"):
            name = up[:35]
            t.ustrd = [text] if text else []
            t.addtl_ntry = "ACH CREDIT" if ch == "ach" else "INSTAPAY TRANSFER"
            t.mt86 = f"{'ACH CREDIT' if ch == 'ach' else 'INSTAPAY TRF FROM'} {name} {text}".strip()
        elif ch == "virement":
            name = up[:35]
            t.ustrd = [text] if text else []
            t.addtl_ntry = "VIREMENT RECU"
            t.mt86 = f"VIR RECU DE {name} {text}".strip()
        elif ch in ("acb", "ib", "rtc"):
            ref = text.upper()[:20]
            name = "" if ch == "acb" else up[:20]
            t.payer_acct = ""  # South African statements give the payer's reference, not its account
            t.ustrd = [ref] if ref else []
            t.addtl_ntry = {"acb": "ACB CREDIT", "ib": "IB PAYMENT FROM", "rtc": "RTC CREDIT"}[ch]
            t.mt86 = {"acb": f"ACB CREDIT {ref}", "ib": f"IB PAYMENT FROM {name} {ref}",
                      "rtc": f"RTC CREDIT {name} {ref}"}[ch].strip()  # fmt: skip
        elif ch in ("rtgs", "pesalink", "eft"):
            name = up[: 35 if ch != "eft" else 30]
            lim = 35 if ch == "pesalink" else 140
            t.ustrd = [text[:lim]] if text else []
            t.addtl_ntry = {"rtgs": "RTGS INWARD", "pesalink": "PESALINK CREDIT", "eft": "EFT CREDIT"}[ch]
            t.mt86 = f"{t.addtl_ntry} {name} {text}".strip()
        elif ch == "mpesa":
            name = up[:40]
            t.ustrd = [
                f"BILL REF {text}" if rng.random() < 0.5 else f"ACC: {text}",
                f"MPESA C2B PAYBILL 888555 {t.ref}",
            ]
            t.addtl_ntry = "MPESA C2B COLLECTIONS"
            t.e2e = t.ref
        elif ch in ("nip", "neft"):
            name = up[:35]
            nb = NG_BANKS.get(self._ng_bank(t), "GTB")
            if ch == "nip":
                narr = rng.choice(
                    [f"NIP/{nb}/{name}/{text}", f"NIP FRM {name}-{text}", f"NIP TRANSFER FROM {name} {text}"]
                )
            else:
                narr = f"NEFT CR {name} {text}"
            t.ustrd = [narr[:140]]
            t.addtl_ntry = "NIP INWARD" if ch == "nip" else "NEFT INWARD"
            t.mt86 = narr
            t.e2e = f"{rng.randint(0, 999999):06d}{t.value:%y%m%d}{digits(rng, 18)}"[:30]
        elif ch in ("swift", "lc"):
            name = up[:70]
            t.ustrd = [text] if text else []
            t.addtl_ntry = "INWARD SWIFT TRANSFER" if ch == "swift" else "LC PROCEEDS"
            t.e2e = alnum(rng, 16)
            t.mt86 = f"{t.addtl_ntry} {name} {text}".strip()
        t.payer_name = name
        if t.fmt == "mt940":
            t.mt86 = swift_x(t.mt86).strip()
        c = self.by_id.get(t.customer)
        on_file = c is not None and bool(c.on_file) and t.payer_acct == c.on_file
        if not t.variant and t.entity in ("ae", "sa", "eg") and t.kind == "customer" and on_file:
            t.variant = "IBAN on file"

    def _ng_bank(self, t: Tx) -> str:
        for code in NG_BANKS:
            if len(t.payer_acct) == 10 and nuban_valid(code, t.payer_acct):
                return code
        return "058"

    # ------------------------------------------------------------------ the final book, re-checked
    def verify(self) -> None:
        """Re-checks every truth over the final book in booking order and drops the payments whose truth no longer
        holds, until none is dropped."""
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
            if self._check(t, open_, by_cust):
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
                hits = [i for i in items_of(t.customer) if 0 <= open_[i.key] - t.amount <= tol]
                if [i.key for i in hits] != [t.rows[0][0].key]:  # type: ignore[union-attr]
                    return "amount not unique for the customer"
            elif chk == "combo":
                mine = items_of(t.customer)
                want = sorted(i.key for i, _a, _k in t.rows if i)
                if any(0 <= open_[i.key] - t.amount <= tol for i in mine):
                    return "a single item of the amount"
                found = []
                for size in range(2, len(want) + 1):
                    found = [sorted(i.key for i in c) for c in itertools.combinations(mine, size)
                             if sum(open_[i.key] for i in c) == t.amount]  # fmt: skip
                    if found:
                        break
                if found != [want]:
                    return "combination not unique"
            elif chk == "oldest":
                mine = sorted(items_of(t.customer), key=lambda i: (i.due, i.issue, i.number))
                want = [i.key for i, _a, _k in t.rows if i]
                if [i.key for i in mine[: len(want)]] != want or sum(open_[k] for k in want) != t.amount:
                    return "not the oldest items"
                if any(0 <= open_[i.key] - t.amount <= tol for i in mine):
                    return "a single item of the amount"
            elif chk == "fifo":
                target = t.rows[0][0]
                assert target is not None
                eq = sorted(
                    (i for i in items_of(t.customer) if open_[i.key] == t.amount),
                    key=lambda i: (i.due, i.issue, i.number),
                )
                if not eq or eq[0].key != target.key:
                    return "not the oldest"
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
            elif chk in ("no_item_amount", "before", "no_ccy_item"):
                mine = [open_[i.key] for i in items_of(t.customer)]
                for size in (1, 2, 3):
                    if any(t.amount <= sum(c) <= t.amount + tol for c in itertools.combinations(mine, size)):
                        return "an item or combination of the amount"
            elif chk == "open_amount":
                items = t.check_args.get("items", [])
                if not items:
                    return "trap not built"
                for i in items:  # type: ignore[attr-defined]
                    if open_[i.key] != t.amount or i.issue > t.value:
                        return "trap's items no longer open"
            elif chk == "typo_free":
                typo = str(t.check_args.get("typo", ""))
                if not typo or not self.free_number(t.entity, typo):
                    return "typo is a number of the book"
            elif chk == "serial_unique":
                for i in t.check_args.get("serial_items", []):  # type: ignore[attr-defined]
                    if self._serials[t.entity][i.serial] != 1:
                        return "the serial written alone is several invoices'"
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
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["id", "name", "country", "vat_number", "iban", "email", "language", "entity", "parent_id",
                        "payment_terms_days", "aliases"])  # fmt: skip
            for c in self.customers:
                w.writerow([c.id, c.name, country_of(c), "", c.on_file, f"accounts{c.id}@example.com",
                            "fr" if c.entity == "ma" else "en", c.entity, c.parent_id, c.terms, "|".join(c.aliases)])  # fmt: skip

    def write_invoices(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["number", "customer_id", "issue_date", "due_date", "currency", "total", "structured_reference",
                        "entity", "kind", "net", "vat", "rate", "discount_percent", "discount_days"])  # fmt: skip
            for i in sorted(self.invoices, key=lambda i: (i.entity, i.issue, i.key)):
                w.writerow([i.number, i.customer, i.issue.isoformat(), i.due.isoformat(), i.currency, fmt_amount(i.total),
                            "", i.entity, i.kind, fmt_amount(i.total - i.vat), fmt_amount(i.vat), i.rate,
                            i.discount or "", i.discount_days or ""])  # fmt: skip

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
                        w.writerow([t.ref, n, fmt_amount(a), "applied", k, t.scenario, t.country, t.channel])
                else:
                    w.writerow(
                        [
                            t.ref,
                            "",
                            fmt_amount(t.amount),
                            "unmatched",
                            "unrelated",
                            t.scenario,
                            t.country,
                            t.channel,
                        ]
                    )

    def statements(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        paths: list[Path] = []
        balance = {k: 500_000_000 + i * 10_000_000 for i, k in enumerate(ACCOUNTS)}
        seqs: Counter[str] = Counter()
        grouped: dict[tuple[date, str], list[Tx]] = defaultdict(list)
        for t in self.order():
            grouped[(t.value, t.account)].append(t)
        for acct, (e, _ccy, _bank, fmt, _bic, _own) in ACCOUNTS.items():
            for d in business_days(e):
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

    def mt940(self, acct: str, d: date, txs: list[Tx], opening: int, closing: int, seq: int) -> str:
        ccy = ACCOUNTS[acct][1]

        def amt(c: int) -> str:
            return f"{c // 100},{c % 100:02d}"

        def bal(tag: str, c: int) -> str:
            return f"{tag}{'C' if c >= 0 else 'D'}{d:%y%m%d}{ccy}{amt(abs(c))}"

        lines = [f":20:{acct.upper().replace('_', '')}{d:%y%m%d}", f":25:{ACCOUNTS[acct][5]}", f":28C:{seq:05d}/001",
                 bal(":60F:", opening)]  # fmt: skip
        for t in txs:
            mark = "D" if t.debit else "C"
            lines.append(
                f":61:{t.value:%y%m%d}{t.value:%m%d}{mark}{amt(t.amount)}{'NTRF' if t.debit else t.mt_code}NONREF//{t.ref}"
            )
            body = swift_x(t.mt86).strip()
            parts = [body[i : i + 65] for i in range(0, min(len(body), 6 * 65), 65)] or [""]
            parts = [p if not p.startswith((":", "-")) else " " + p[:64] for p in parts]
            lines.append(":86:" + parts[0])
            lines += parts[1:]
        lines += [bal(":62F:", closing), "-"]
        return "\r\n".join(lines) + "\r\n"

    def camt(self, acct: str, d: date, txs: list[Tx], opening: int, closing: int, seq: int) -> str:
        e = escape
        ent, ccy, _bank, fmt, bic, own = ACCOUNTS[acct]
        v8 = fmt.endswith("v08")
        ntf = fmt.startswith("camt054")
        msg, ver = ("camt.054" if ntf else "camt.053"), ("08" if v8 else "02")
        root, block = ("BkToCstmrDbtCdtNtfctn", "Ntfctn") if ntf else ("BkToCstmrStmt", "Stmt")
        mid = f"{acct.upper()}-{d:%Y%m%d}"
        bic_tag = "BICFI" if v8 else "BIC"

        def a(tag: str, c: int) -> str:
            return f'<{tag} Ccy="{ccy}">{fmt_amount(c)}</{tag}>'

        def party(tag: str, nm: str) -> str:
            return (
                f"<{tag}><Pty><Nm>{e(nm[:140])}</Nm></Pty></{tag}>"
                if v8
                else f"<{tag}><Nm>{e(nm[:70])}</Nm></{tag}>"
            )

        def acct_id(x: str, is_iban: bool, scheme: str) -> str:
            if is_iban and re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", x):
                return f"<Id><IBAN>{x}</IBAN></Id>"
            return f"<Id><Othr><Id>{e(x)}</Id><SchmeNm><Prtry>{scheme}</Prtry></SchmeNm></Othr></Id>"

        own_iban = ent in ("ae", "sa", "eg")
        out = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:{msg}.001.{ver}"><{root}>',
            f"<GrpHdr><MsgId>{mid}</MsgId><CreDtTm>{d.isoformat()}T21:00:00</CreDtTm></GrpHdr>",
            f"<{block}><Id>{mid}</Id><ElctrncSeqNb>{seq}</ElctrncSeqNb><CreDtTm>{d.isoformat()}T21:00:00</CreDtTm>",
            f"<Acct>{acct_id(own, own_iban, 'BBAN')}<Ccy>{ccy}</Ccy><Svcr><FinInstnId><{bic_tag}>{bic}</{bic_tag}></FinInstnId></Svcr></Acct>",
        ]
        if not ntf:
            for code, val in (("OPBD", opening), ("CLBD", closing)):
                out.append(
                    f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>{a('Amt', abs(val))}"
                    f"<CdtDbtInd>{'CRDT' if val >= 0 else 'DBIT'}</CdtDbtInd><Dt><Dt>{d.isoformat()}</Dt></Dt></Bal>"
                )

        def txdtls(t: Tx, batch: bool) -> str:
            ind = "DBIT" if t.debit else "CRDT"
            x = f"<TxDtls><Refs><AcctSvcrRef>{t.ref}</AcctSvcrRef><EndToEndId>{e(t.e2e[:35])}</EndToEndId></Refs>"
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
                scheme = {"ma": "RIB", "ng": "NUBAN"}.get(
                    t.entity, "MSISDN" if t.channel == "mpesa" else "BBAN"
                )
                rp += (
                    f"<{side}Acct>{acct_id(t.payer_acct.replace(' ', ''), t.payer_iban, scheme)}</{side}Acct>"
                )
            if t.ultimate:
                rp += party("UltmtDbtr", t.ultimate)
            if rp:
                x += f"<RltdPties>{rp}</RltdPties>"
            rmt = "".join(f"<Ustrd>{e(line[:140])}</Ustrd>" for line in t.ustrd if line)
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
            prtry = f"<Prtry><Cd>{(t.channel or 'TRF').upper()}</Cd><Issr>{e(ACCOUNTS[acct][2].split()[0].upper())}</Issr></Prtry>"
            x = (f"<Ntry>{a('Amt', total)}<CdtDbtInd>{ind}</CdtDbtInd>{rv}{sts}<BookgDt><Dt>{t.value.isoformat()}</Dt></BookgDt>"
                 f"<ValDt><Dt>{t.value.isoformat()}</Dt></ValDt><AcctSvcrRef>{ref}</AcctSvcrRef>"
                 f"<BkTxCd><Domn><Cd>{dom}</Cd><Fmly><Cd>{fam}</Cd><SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn>{prtry}</BkTxCd><NtryDtls>")  # fmt: skip
            if len(ts) > 1:
                x += f"<Btch><NbOfTxs>{len(ts)}</NbOfTxs>{a('TtlAmt', total)}<CdtDbtInd>{ind}</CdtDbtInd></Btch>"
            x += "".join(txdtls(y, len(ts) > 1) for y in ts) + "</NtryDtls>"
            info = t.addtl_ntry if not t.debit else "OUTWARD TRANSFER"
            if info:
                x += f"<AddtlNtryInf>{e(info)}</AddtlNtryInf>"
            return x + "</Ntry>"

        batched = [t for t in txs if t.channel == "mpesa" and not t.debit]
        for t in txs:
            if t not in batched:
                out.append(entry([t], t.ref))
        if batched:
            out.append(entry(batched, f"MPESA{d:%y%m%d}"))
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


def country_of(c: Customer) -> str:
    if c.kind != "foreign":
        return c.entity.upper()
    return next((cc for key, cc in FOREIGN_COUNTRY if key in c.name), "OM")


# ----------------------------------------------------------------------------------------
# checks of the generated files
# ----------------------------------------------------------------------------------------


def check_files(gen: Generator, statements: list[Path]) -> None:
    """The files are what their formats allow: IBANs, RIBs and NUBANs with valid check digits, amounts in whole
    hundredths adding up, statements that balance, MT940 in the SWIFT character set within its line lengths, camt
    messages that parse (our own reading: references unique, every credit on one statement)."""
    for k, (e, _c, _b, _f, _bic, own) in ACCOUNTS.items():
        if e in ("ae", "sa", "eg"):
            assert iban_valid(own), k
        elif e == "ma":
            assert rib_valid(own), k
        elif e == "ng":
            assert nuban_valid("058" if k == "ng_gtb" else "057", own), k
    assert iban_valid(TREASURY_IBAN) and all(iban_valid(x) for _n, x in EXCHANGE_HOUSES)
    for c in gen.customers:
        if c.on_file:
            assert iban_valid(c.on_file), c
        if c.nat == "MA":
            assert rib_valid(c.acct), c
    assert len({t.ref for t in gen.txs}) == len(gen.txs)
    assert all(len(t.ref) <= 16 for t in gen.txs)
    for i in gen.invoices:
        assert i.total > 0 and i.number, i
    for t in gen.txs:
        if t.kind == "customer":
            assert sum(a for _n, a, _k in t.truth) == t.amount, (t.scenario, t.truth, t.amount)
        assert t.amount > 0 and all(len(u) <= 140 for u in t.ustrd), t
        assert len(t.e2e) <= 35, t
    seen: set[str] = set()
    credits = 0
    for p in statements:
        if p.suffix != ".xml":
            text = p.read_bytes().decode("ascii")
            lines = text.split("\r\n")
            assert lines[-1] == "" and lines[-2] == "-", p
            opening = closing = None
            total = 0
            for line in lines[:-2]:
                assert len(line) <= 69 if line.startswith(":86:") else len(line) <= 80, (p, line)
                assert re.fullmatch(r"[A-Za-z0-9/\-?:().,'+ ]*", line), (p, line)
                if line.startswith(":60F:"):
                    opening = (1 if line[5] == "C" else -1) * int(line[15:].replace(",", ""))
                elif line.startswith(":62F:"):
                    closing = (1 if line[5] == "C" else -1) * int(line[15:].replace(",", ""))
                elif line.startswith(":61:"):
                    m = re.match(r":61:\d{6}\d{4}(C|D)(\d+,\d{2})N[A-Z]{3}NONREF//(\S{1,16})$", line)
                    assert m, (p, line)
                    v = int(m.group(2).replace(",", ""))
                    total += v if m.group(1) == "C" else -v
                    assert m.group(3) not in seen, m.group(3)
                    seen.add(m.group(3))
                    credits += m.group(1) == "C"
            assert opening is not None and closing is not None and opening + total == closing, p
            continue
        root = ET.parse(p).getroot()  # noqa: S314 - the statements this check wrote
        ns = root.tag.split("}")[0] + "}"
        for st in [*root.iter(ns + "Stmt"), *root.iter(ns + "Ntfctn")]:
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
                assert (
                    amt_el is not None
                    and ind_el is not None
                    and re.fullmatch(r"\d+\.\d{2}", str(amt_el.text))
                )
                v = int(Decimal(str(amt_el.text)) * 100)
                s += v if ind_el.text == "CRDT" else -v
                txs = ntry.findall(f"{ns}NtryDtls/{ns}TxDtls")
                sub = 0
                for tx in txs:
                    ref = tx.find(f"{ns}Refs/{ns}AcctSvcrRef")
                    assert ref is not None and ref.text not in seen, p
                    seen.add(str(ref.text))
                    credits += ind_el.text == "CRDT"
                    ta = tx.find(f"{ns}Amt") or tx.find(f"{ns}AmtDtls/{ns}TxAmt/{ns}Amt")
                    if ta is not None:
                        sub += int(Decimal(str(ta.text)) * 100)
                for nm in ntry.iter(ns + "Nm"):
                    assert nm.text and len(nm.text) <= 140, p
                if len(txs) > 1:
                    assert sub == v, p
            if bals:
                assert bals["OPBD"] + s == bals["CLBD"], p
    assert seen == {t.ref for t in gen.txs}, (
        "a transaction on no statement, or one the generator does not know"
    )
    assert credits == sum(1 for t in gen.txs if not t.debit)


# ----------------------------------------------------------------------------------------
# running the product and scoring its export
# ----------------------------------------------------------------------------------------


def run_product(
    gen: Generator, out: Path, exe: Path, statements: list[Path]
) -> tuple[dict[str, float], list[dict[str, str]]]:
    home = Path(tempfile.mkdtemp(prefix="encaisse-mea-"))
    steps: list[tuple[str, list[str]]] = []
    for code, ent in ENTITIES.items():
        own = [ACCOUNTS[k][5] for k in ACCOUNTS if ACCOUNTS[k][0] == code]
        if code == "ae":
            own.append(TREASURY_IBAN)  # the group's treasury centre: a sister company's account
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
    truth = "; ".join(f"{n or '-'}:{fmt_amount(a)}:{k}" for n, a, k in t.truth) or "not applied"
    prod = "; ".join(f"{s}:{n or '-'}:{fmt_amount(a)}:{k}:{c}" for n, a, k, s, c in rows) or "(absent)"
    return [
        t.scenario, issue, t.ref, fmt_amount(t.amount), t.currency, t.value.isoformat(), t.payer_name, t.payer_acct,
        t.ultimate, t.remittance(), truth, prod, t.country, t.fmt, t.channel, _WHY.get(t.ref, ""),
    ]  # fmt: skip


MISS_EXTRA = ["country", "format", "channel", "why"]


def score(gen: Generator, out: Path) -> dict[str, object]:
    credits = [t for t in gen.txs if not t.debit]
    _WHY.clear()
    _WHY.update(load_why(out))

    def channel(t: Tx) -> str:
        return f"{t.country} {t.channel}" + (f" ({t.variant})" if t.variant else "")

    groups = {"by_country": lambda t: t.country, "by_format": lambda t: t.fmt, "by_channel": channel}
    return scores_by(credits, out, miss_row, [*MISS_COLUMNS, *MISS_EXTRA], groups)


_TITLES = 40  # the width of the tables' first column


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
        prefix="blackbox-mea-",
        generator=Generator,
        check_files=check_files,
        run_product=run_product,
        score=score,
        print_table=print_table,
    )


if __name__ == "__main__":
    sys.exit(main())
