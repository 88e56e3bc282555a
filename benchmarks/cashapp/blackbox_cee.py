"""Tenth independent black-box check of cash application: a Central European distributor of industrial supplies.

What it is: a generator of the receivables of an industrial-supplies distributor with companies in Poland,
Czechia, Slovakia and Hungary and one month (March 2026) of their bank statements, with the ground truth in the
``export-allocations`` format (docs/cashapp.md, "Accounting rows"), designed from the user documentation only
(docs/cashapp.md, docs/cli.md, docs/banking.md, docs/invoicing.md) and from how customers in these countries pay.
The product is driven only through its command line on a fresh SQLite workspace (``init``, ``import-customers``,
``import-invoices``, ``import-statement``, ``match``, ``export-allocations``) and its export is scored per
country, per statement format and per scenario.

The seller and its books
------------------------
CEIS (Central European Industrial Supply) has four companies, one entity each (``init --code``, each with its own
functional currency and own accounts, which docs/cli.md describes; one entity cannot keep books in two functional
currencies): ``pl`` CEIS Polska Sp. z o.o. (PLN), ``cz`` CEIS Česko s.r.o. (CZK), ``sk`` CEIS Slovensko s.r.o. (EUR)
and ``hu`` CEIS Hungária Kft. (HUF). About 900 customers (0.45 per payment): manufacturers, workshops, builders and
traders with names in their languages and legal forms ("Sp. z o.o.", "S.A.", "Sp.j.", "s.r.o.", "spol. s r.o.",
"a.s.", "Kft.", "Zrt.", "Bt."), diacritics (ą ć ę ł ń ó ś ź ż, č ř š ž ý á í é ů, ľ ô ä, ő ű), a few sole traders;
neighbours invoiced in the entity's currency (a Slovak workshop buying from the Czech company in CZK), foreign
customers invoiced in EUR (with the ``rate`` column) by the PLN, CZK and HUF companies and paying into their EUR
accounts, and non-SEPA customers of the Slovak company (Switzerland, UK, Serbia, Ukraine, Turkey, Norway) paying by
SWIFT. Twelve groups whose parent (in Poland, Czechia, Hungary or Austria) has subsidiaries buying from several of
the four companies; the parent pays for them, cross-border too, and is on file as the subsidiaries' ``parent_id``
in seven cases of ten (a customer of the entity with its own account). Pairs of namesakes in every country
("Novák Stavby s.r.o." and "Novák Stavby Morava s.r.o.").

Numbering (each company's own): Poland ``FV/123/03/2026`` (serial restarting each month) and, for the service
department, ``FV 2026/03/00123``, corrections ``FK/12/03/2026`` (credit notes); Czechia ``2026000123`` (ten digits,
the variable symbol VS is the number), credit notes ``2026900012``; Slovakia ``FA2026/00123`` (VS ``202600123``),
credit notes ``DB2026/00012``; Hungary ``SZ-2026/00123`` and web-shop e-invoices ``E-ABC-2026-123``, credit notes
``HSZ-2026/00012``. Numbers of paid invoices are not in the book (the serials of the open items have gaps). No
structured reference (the Czech and Slovak VS is no RF, OGM nor a national scheme of docs/invoicing.md). Terms
14–60 days; some customers have an early-payment discount ("2/10 net 30", ``discount_percent``/``discount_days``);
some have a monthly service contract (equal invoices). The open book is about five documents per payment,
issued from September 2025 to the end of March 2026. HUF amounts are whole forints, most CZK amounts whole crowns.

Statements, March 2026, one file per business day and account, all accounts the companies' own (``init --iban``):
Poland: mBank main account and its split-payment VAT account in MT940 (the Polish ``:86:`` layout with ``?00``,
``?20``–``?25`` title lines of 27 characters, name in ``?32``/``?33``, IBAN in ``?38``; ASCII: the bank strips the
diacritics), ING in camt.053.001.02 (the Elixir title in ``Ustrd`` lines of 35), a EUR account in camt.053.001.02;
Czechia: ČSOB camt.053.001.02, KB camt.054.001.08, a EUR account in camt.053.001.02; Slovakia: Tatra banka
camt.053.001.08, VÚB camt.054.001.02; Hungary: OTP camt.053.001.02, K&H camt.053.001.08 and a EUR account in
camt.053.001.08. A few outgoing payments (debits) are in the statements and not scored. The table per format
shows apart the MT940 payments whose title has a number cut between two ``?2x`` subfields of 27 characters
("mt940 (number cut at 27)"), as Polish banks cut the 4 × 35 characters of an Elixir title; docs/cashapp.md
promises to read whole what lines of 35, 65 and 140 cut, and says nothing of the 27 of these subfields.

Why each truth is what it is
----------------------------
The truth is the rows a careful clerk would post from the bank data and the book alone (``invoice`` rows settle an
invoice, negative for a netted credit note; ``deduction`` rows are negative, what the payer kept back on an invoice
the payment closes; ``on_account`` rows carry money without an invoice). Payments a clerk would leave to a person
are traps (nothing may be applied). A truth that depends on the book (a unique amount, a combination, first in
first out, the payer's only item of an amount) and every truth's feasibility (the invoice still open by that much,
issued by the value date) is re-checked in booking order over the final book, with every earlier truth applied; a
payment whose truth no longer holds is dropped from the statements ("dropped" in the first line printed).

Customer payments (``ALL`` marks the four companies):

- ``ref_text`` (ALL): the invoice number in the title as payers write it: Polish "Zapłata za FV/123/03/2026",
  "FV 123/03/2026", "fv/123/03/26", "FV/0123/03/2026", "FV2026/03/123"; Czech "Úhrada faktury 2026000123",
  "fa č. 2026000123"; Slovak "Úhrada faktúry FA2026/00123", "fa 2026/00123", "FA202600123"; Hungarian "Számla:
  SZ-2026/00123", "szla SZ-2026/123", "számlaszám: 2026/00123", "E-ABC-2026-123 számla"; sometimes an order
  number, a customer number or a date beside it; the amount to the cent — that invoice.
- ``vs_strd`` (CZ, SK): the VS in ``Strd/CdtrRefInf/Ref`` (as Czech and Slovak banks send it), the title a word
  ("Úhrada faktury") — that invoice: the VS is the invoice's number.
- ``vs_text`` (CZ, SK): the symbols in the title, "VS:2026000123 KS:0308 SS:", "/VS/2026000123/SS//KS/0308",
  "VS 202600123" — that invoice; the constant symbol is a payment-type code, never an invoice number.
- ``vs_padded`` (SK): the VS padded to ten digits by the payer's bank ("0202600123") — that invoice (leading zeros,
  docs/cashapp.md).
- ``vs_typo`` / ``ref_typo``: from the customer's account on file, the VS (CZ, SK) or the invoice number (PL, HU)
  with one digit wrong, missing or extra, the result no number of the book, the amount that of the item — that
  item ("Typos", docs/cashapp.md).
- ``mpp_net`` / ``mpp_vat`` (PL): the split payment (MPP): the buyer's title "/VAT/230,00/IDC/5213017228/INV/FV/
  123/03/2026/TXT/…"; the seller's bank credits the net part to the main account and the VAT part to the VAT account
  (both statements delivered; the VAT part from the buyer's VAT account, seldom on file) — each credit an invoice row
  of its amount on that invoice: after both, the invoice is closed. ``mpp_small_*``: the same for invoices of
  100–800 PLN, where the VAT part (19–150 PLN) is of the order of bank charges: it is still a part payment, not
  charges kept back, because the title says it is the VAT.
- ``multi_ref`` (ALL): two to five invoices of the customer listed ("FV/120/03/2026, FV/121/03/2026 i …", "fa
  2026000120, 2026000125", "SZ-2026/00120 és SZ-2026/00125"), the amount their sum — those invoices.
- ``strd_docs`` (CZ, SK, HU): a large customer's payment run in camt, one ``Strd`` per document with ``RfrdDocInf``
  (``CINV``, the number) and ``RfrdDocAmt`` (``DuePyblAmt``, ``RmtdAmt``) — those invoices.
- ``credit_netted`` (ALL): an invoice and a credit note of the customer named ("FV/123/03/2026 - FK/12/03/2026",
  "fa 2026000123 minus dobropis 2026900012", "SZ-2026/00123 és HSZ-2026/00012 jóváírás"), the amount their
  difference — the invoice row and the credit note's negative row.
- ``deduction_text`` (ALL): one invoice named and a deduction explained ("pomniejszona o 150,00 zł reklamacja",
  "snížena o 1 250,00 Kč reklamace", "znížené o 45,50 EUR reklamácia", "kötbér levonva 25 000 Ft") — the invoice in
  full and one deduction of that amount ("A deduction the text names is one deduction").
- ``skonto`` (ALL): an invoice with discount terms paid within the discount days short by exactly the discount
  (rounded half up on the total; HUF totals a multiple of 100), sometimes "skonto 2%" in the title — the invoice in
  full and a deduction of the discount.
- ``bank_charges`` (SK): a SWIFT payment of a EUR invoice from Switzerland, the UK, Serbia, Ukraine, Turkey or
  Norway, short by 5–20 EUR of charges (half with ``AmtDtls/InstdAmt``), the invoice named — the invoice in full
  and a deduction of the charges (within the 25 EUR tolerance).
- ``charges_fx`` (PL, CZ, HU): a foreign customer's EUR invoice paid into the company's EUR account short by 5–15 EUR
  — the same. ``charges_local``: a neighbour paying its PLN, CZK or HUF invoice from abroad short by 10–40 PLN,
  100–300 CZK or 1,500–5,000 HUF of charges (2–12 EUR) — the same. docs/cashapp.md gives the tolerance as "25
  euros' worth in the entity's currency" but lists no scale for PLN, CZK or HUF: these truths assume 25 EUR's worth.
- ``partial`` (ALL): part of one invoice (20–70 %), "częściowa płatność", "splátka", "čiastočná úhrada",
  "részfizetés", or the number alone — an invoice row of the amount paid.
- ``overpayment`` (ALL): one invoice named, from the customer's account on file, 25–300 EUR's worth more, the
  excess no open item of the customer nor a sum of two or three — the invoice and the excess on account.
- ``duplicate_1st`` / ``duplicate``: the same transfer twice, 1–6 business days apart — the first settles the
  invoice, the second goes on account whole.
- ``noref_unique`` (ALL): a bare title ("Płatność", "Úhrada", "Utalás"), the account on file, exactly one open item
  of the customer of that amount — that item.
- ``noref_combo`` (ALL): the same, exactly one combination of the fewest of the customer's open items (two or three)
  of the amount and no single item — those items.
- ``fifo_equal`` (ALL): a monthly service contract paid by standing order ("zlecenie stałe serwis", "trvalý příkaz
  servis", "karbantartási díj"), no month named, two to four equal items open — the oldest.
- ``month_named`` (ALL): the same with the month named beside the charge ("abonament serwisowy luty 2026", "servisní
  poplatek únor 2026", "karbantartási díj 2026. február"), the month not the oldest's — the item due in that month
  ("A month named is that month's item"; the words are the payers' languages).
- ``ref_equal_named`` (ALL): the same contract, two to four equal items open, the title names one that is not the
  oldest by its number exactly as printed ("Zapłata za FV/25/02/2026") — that item: an exact reference, not first in,
  first out. Monthly invoices issued on the first days of a month have short Polish serials (``FV/5/01/2026``).
- ``name_only`` (ALL): an account not on file, no reference, the name as the bank writes it (diacritics stripped,
  capitals, the legal form written out — "SPÓŁKA Z OGRANICZONĄ ODPOWIEDZIALNOŚCIĄ", "SPOL. S R.O.", "KORLÁTOLT
  FELELŐSSÉGŰ TÁRSASÁG" — or shortened, cut at 35 or at the 54 of two MT940 name fields); the amount that of one
  open item of the customer and of no other open item of that company's book — that item.
- ``namesake_unique`` (ALL): the words two namesakes share ("NOVAK STAVBY SRO"), an account not on file, only one of
  them has an item of the amount — that item.
- ``group_parent`` (ALL): the group's parent (a customer of the company, ``parent_id`` on its subsidiaries) pays one
  to four invoices of one or two subsidiaries, cross-border too (a Hungarian parent paying the Polish company in PLN),
  numbers in full — those invoices. ``group_parent_unknown``: the same parent not on file (no ``parent_id``), the
  subsidiary as ultimate debtor sometimes — the same ("Third parties": full numbers, unique, amount to the cent).
- ``third_party`` (ALL): a factoring company not on file pays one or two invoices of a customer named as ultimate
  debtor, numbers in full, amount to the cent — those invoices.
- ``eur_invoice`` (PL, CZ, HU): a foreign customer pays its EUR invoice into the company's EUR account, number
  quoted — that invoice.
- ``advance`` (ALL): from the customer's own account under its name, "zaliczka na poczet dostawy", "záloha na
  dodávku zboží", "záloha na tovar", "előleg megrendelésre", no open item of the amount — on account whole ("An
  advance is kept on account"; the Czech, Slovak and Hungarian words are the payers' own).

Traps (nothing may be applied to an invoice; on account is accepted only where marked):

- ``trap_vs_other`` (CZ, SK): a customer pays from its account on file quoting in ``Strd`` the VS of another
  customer's invoice of exactly the amount, while it has an open item of the amount too — a person decides
  (docs/cashapp.md, "Third parties": "the account is …'s, whose own open item … has the amount too").
- ``trap_typo_two`` (ALL): an unknown payer, the number (VS) one digit from two customers' invoices, both of the
  amount, the number itself in no form in the book.
- ``trap_namesake`` (ALL): the shared words of two namesakes, account not on file, no reference, each has an item of
  the amount.
- ``trap_amount_two`` (ALL): a payer that is no customer (a person, an unknown firm), no reference, two customers have
  an open item of the amount.
- ``trap_before_invoice`` (ALL): a customer pays from its account an amount whose only item was issued after the
  value date (no earlier item nor a combination of up to three makes it) — on account accepted.
- ``trap_ccy_crossed`` (PL, CZ, HU): a customer pays in EUR into the EUR account quoting its PLN, CZK or HUF invoice,
  the amount that invoice converted by the payer; it has no EUR invoice: never applied across currencies, and with
  no invoice in EUR to value it on account a person decides (docs/cashapp.md, "Accounting rows").
- ``trap_ks_symbol`` (CZ, SK): an unknown payer, a title with the constant symbol only ("VS: KS:0308 SS:"), the
  amount that of an invoice whose number ends in those four digits: the constant symbol is no reference.

Non-customer credits (``nc_*``; nothing may be applied): tax refunds (Urząd Skarbowy, Finanční úřad, Daňový úrad,
NAV) with the office's own references, social-insurance refunds (ZUS, ČSSZ, Sociálna poisťovňa), credit interest
(``ACMT/MCOP/INTR``, MT940 ``NINT``), card and payment-gateway settlements (PayU, Przelewy24, Global Payments,
ComGate, SimplePay), intra-group cash pooling from the holding, a transfer from a sister company's account (its IBAN
declared with ``init --iban``), a loan drawdown, the transfer from the split-payment VAT account to the main
account (own IBAN), insurance indemnities, a supplier's refund of its own invoice, and a returned outgoing payment
(``RvslInd``). About a third carry the amount of an open invoice of the company, a third a number of the book (a
VS or an invoice number shaped like ours) with another amount.

Run::

    .venv/bin/python benchmarks/cashapp/blackbox_cee.py [--payments 2000] [--seed 1] [--out DIR] [--keep]

It prints tables per scenario, per country and per statement format (count, applied automatically, applied
exactly right, wrong, precision of the whole payment and of the line items, suggested and their hit rate,
unmatched), a table of traps and non-customer credits, the overall rates and each step's wall time, and writes
``customers.csv``, ``invoices.csv``, ``statements/``, ``truth.csv``, ``out.csv`` (the product's export),
``review.json`` (``encaisse review --format json``: the product's explanation of every payment it left to a
person), ``misses.csv`` (every credit not as its truth wants, with the truth, the product's rows, the country, the
format and the product's explanation) and ``report.json`` in ``--out`` (default: a temporary directory, removed
unless ``--keep``). Standard library only.

Notes on the contract: a payment left to a person counts as not applied, its suggestion hit when its proposals hold
every invoice of the truth; a customer payment is right when its rows are the truth's, so an early-payment discount
and bank charges posted as two deduction rows on one invoice differ from one deduction row of their sum (the shortfall
scenarios therefore use invoices without discount terms). The truth of a first-in-first-out choice assumes every
earlier payment applied as its truth: when the product leaves an earlier payment of the same customer to a person,
it is right by docs/cashapp.md to leave a later equal-amount payment too (a miss, not a wrong application).
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
    scores_by,
    step_log,
)

SELLER = "CEIS"
START = date(2025, 9, 1)
END = date(2026, 3, 31)
DAYS = [date(2026, 3, d) for d in range(1, 32) if date(2026, 3, d).weekday() < 5]

#: entity code → legal name, country, currency, VAT rate, units of the currency per euro, payers' language
ENTITIES: dict[str, dict[str, object]] = {
    "pl": {"name": "CEIS Polska Sp. z o.o.", "country": "PL", "ccy": "PLN", "vat": 23, "fx": Decimal("4.27")},
    "cz": {"name": "CEIS Česko s.r.o.", "country": "CZ", "ccy": "CZK", "vat": 21, "fx": Decimal("24.90")},
    "sk": {"name": "CEIS Slovensko s.r.o.", "country": "SK", "ccy": "EUR", "vat": 23, "fx": Decimal("1")},
    "hu": {"name": "CEIS Hungária Kft.", "country": "HU", "ccy": "HUF", "vat": 27, "fx": Decimal("398")},
}
ENTITY_SHARE = {"pl": 0.40, "cz": 0.25, "sk": 0.15, "hu": 0.20}
FX = {"PLN": Decimal("4.27"), "CZK": Decimal("24.90"), "EUR": Decimal("1"), "HUF": Decimal("398")}
#: own accounts: key → entity, currency, bank, statement format, BIC
ACCOUNTS: dict[str, tuple[str, str, str, str, str]] = {
    "pl_main": ("pl", "PLN", "mBank", "mt940", "BREXPLPWXXX"),
    "pl_vat": ("pl", "PLN", "mBank VAT", "mt940", "BREXPLPWXXX"),
    "pl_ing": ("pl", "PLN", "ING", "camt053v02", "INGBPLPWXXX"),
    "pl_eur": ("pl", "EUR", "ING", "camt053v02", "INGBPLPWXXX"),
    "cz_main": ("cz", "CZK", "CSOB", "camt053v02", "CEKOCZPPXXX"),
    "cz_kb": ("cz", "CZK", "KB", "camt054v08", "KOMBCZPPXXX"),
    "cz_eur": ("cz", "EUR", "CSOB", "camt053v02", "CEKOCZPPXXX"),
    "sk_main": ("sk", "EUR", "Tatra", "camt053v08", "TATRSKBXXXX"),
    "sk_vub": ("sk", "EUR", "VUB", "camt054v02", "SUBASKBXXXX"),
    "hu_main": ("hu", "HUF", "OTP", "camt053v02", "OTPVHUHBXXX"),
    "hu_kh": ("hu", "HUF", "KH", "camt053v08", "OKHBHUHBXXX"),
    "hu_eur": ("hu", "EUR", "OTP", "camt053v08", "OTPVHUHBXXX"),
}
ACCOUNT_ORDER = {k: i for i, k in enumerate(ACCOUNTS)}
BBAN = {
    "PL": 24,
    "CZ": 20,
    "SK": 20,
    "HU": 24,
    "AT": 16,
    "DE": 18,
    "CH": 17,
    "RS": 18,
    "NO": 11,
    "UA": 25,
    "TR": 22,
}

# ----------------------------------------------------------------------------------------
# names
# ----------------------------------------------------------------------------------------

STEMS = {
    "PL": [
        "Kowalczyk",
        "Wiśniewski",
        "Zieliński",
        "Wójcik",
        "Kamiński",
        "Lewandowski",
        "Dąbrowski",
        "Szymański",
        "Woźniak",
        "Kozłowski",
        "Jankowski",
        "Mazurek",
        "Krawczyk",
        "Piotrowski",
        "Grabowski",
        "Nowakowski",
        "Pawłowski",
        "Michalski",
        "Król",
        "Wieczorek",
        "Jabłoński",
        "Wróbel",
        "Nowicki",
        "Majewski",
        "Olszewski",
        "Stępień",
        "Malinowski",
        "Jaworski",
        "Adamczyk",
        "Dudek",
        "Pietrzak",
        "Górski",
        "Sikora",
        "Walczak",
        "Baran",
        "Rutkowski",
        "Michalak",
        "Szewczyk",
        "Ostrowski",
        "Tomaszewski",
        "Marciniak",
        "Zalewski",
        "Jakubowski",
        "Zawadzki",
        "Sadowski",
        "Bąk",
        "Chmielewski",
        "Włodarczyk",
        "Borkowski",
        "Czarnecki",
        "Sawicki",
        "Sokołowski",
        "Urbański",
        "Kubiak",
        "Kucharski",
        "Wilk",
        "Kalinowski",
        "Lis",
        "Wysocki",
        "Kaźmierczak",
        "Wasilewski",
        "Sobczak",
        "Czerwiński",
        "Cieślak",
        "Głowacki",
        "Zakrzewski",
        "Kołodziej",
        "Krajewski",
        "Szulc",
        "Stalmet",
        "Hydrotech",
        "Metalplast",
        "Elektrobud",
        "Spawmet",
        "Polstal",
        "Techmex",
        "Zbyszko",
        "Amet",
        "Ferrox",
        "Instal",
        "Mazowsze",
    ],
    "CZ": [
        "Novák",
        "Svoboda",
        "Novotný",
        "Dvořák",
        "Černý",
        "Procházka",
        "Kučera",
        "Veselý",
        "Horák",
        "Němec",
        "Pospíšil",
        "Pokorný",
        "Hájek",
        "Král",
        "Jelínek",
        "Růžička",
        "Beneš",
        "Fiala",
        "Sedláček",
        "Doležal",
        "Zeman",
        "Kolář",
        "Navrátil",
        "Čermák",
        "Vaněk",
        "Blažek",
        "Kříž",
        "Kovář",
        "Bartoš",
        "Vlček",
        "Polák",
        "Musil",
        "Kopecký",
        "Šimek",
        "Konečný",
        "Holub",
        "Štěpánek",
        "Kadlec",
        "Dostál",
        "Staněk",
        "Soukup",
        "Šťastný",
        "Mareš",
        "Moravec",
        "Sýkora",
        "Tichý",
        "Valenta",
        "Vávra",
        "Matoušek",
        "Bláha",
        "Říha",
        "Ševčík",
        "Bureš",
        "Hruška",
        "Mašek",
        "Pavlík",
        "Dušek",
        "Janda",
        "Hrubý",
        "Kratochvíl",
        "Brož",
        "Bednář",
        "Šindelář",
        "Řezníček",
        "Metaz",
        "Ferona",
        "Techno",
        "Kovo",
        "Strojmetal",
    ],
    "SK": [
        "Kováč",
        "Horváth",
        "Varga",
        "Baláž",
        "Molnár",
        "Balog",
        "Lukáč",
        "Kollár",
        "Oravec",
        "Gašpar",
        "Šimko",
        "Kráľ",
        "Hudák",
        "Sloboda",
        "Čierny",
        "Mikuláš",
        "Vaľko",
        "Ondrejka",
        "Krajčí",
        "Jurík",
        "Hraško",
        "Štefánik",
        "Mráz",
        "Ďurica",
        "Bielik",
        "Kmeť",
        "Hollý",
        "Ďurčo",
        "Lipták",
        "Švec",
        "Beňo",
        "Slovmetal",
        "Tatramet",
        "Považan",
        "Strojtech",
    ],
    "HU": [
        "Kovács",
        "Szabó",
        "Tóth",
        "Horváth",
        "Varga",
        "Kiss",
        "Molnár",
        "Németh",
        "Farkas",
        "Balogh",
        "Papp",
        "Takács",
        "Juhász",
        "Lakatos",
        "Mészáros",
        "Oláh",
        "Simon",
        "Rácz",
        "Fekete",
        "Szilágyi",
        "Török",
        "Fehér",
        "Balázs",
        "Gál",
        "Szűcs",
        "Kocsis",
        "Pintér",
        "Fodor",
        "Szalai",
        "Sipos",
        "Magyar",
        "Lukács",
        "Gulyás",
        "Bíró",
        "Király",
        "Katona",
        "Jakab",
        "Boros",
        "Fazekas",
        "Kelemen",
        "Antal",
        "Orosz",
        "Somogyi",
        "Fülöp",
        "Veres",
        "Budai",
        "Vincze",
        "Hegedűs",
        "Deák",
        "Bálint",
        "Illés",
        "Vörös",
        "Szőke",
        "Erdős",
        "Halász",
        "Győri",
        "Pécsi",
        "Csepeli",
    ],
    "DE": [
        "Huber",
        "Gruber",
        "Bauer",
        "Wagner",
        "Moser",
        "Steiner",
        "Hofer",
        "Leitner",
        "Berger",
        "Fuchs",
        "Müller",
        "Schmidt",
        "Schneider",
        "Fischer",
        "Weber",
        "Becker",
        "Hoffmann",
        "Schäfer",
        "Koch",
        "Richter",
    ],
    "CH": ["Alpen", "Rhein", "Zürcher", "Berner", "Jura", "Säntis"],
    "GB": ["Midlands", "Pennine", "Severn", "Thames", "Mercia", "Wessex", "Humber", "Tyne"],
    "RS": ["Metalprom", "Tehnoservis", "Jovanović", "Petrović", "Nikolić", "Zastava"],
    "UA": ["Promtekh", "Dniprometal", "Kharkivmash", "Lvivinstrument", "Zaporizhstal"],
    "TR": ["Anadolu", "Marmara", "Ege", "Bosphorus", "Kapadokya"],
    "NO": ["Nordic", "Fjord", "Bergen", "Trondheim", "Vestland"],
}
TRADES = {
    "PL": [
        "Narzędzia",
        "Hydraulika",
        "Maszyny",
        "Technika Spawalnicza",
        "Łożyska i Napędy",
        "Elektrotechnika",
        "Stal",
        "Automatyka",
        "Pneumatyka",
        "Serwis Przemysłowy",
        "Budownictwo",
        "Zaopatrzenie Techniczne",
        "Chemia Przemysłowa",
        "Obróbka Metali",
    ],
    "CZ": [
        "Strojírny",
        "Železářství",
        "Hydraulika",
        "Nářadí",
        "Technik",
        "Elektro",
        "Stavby",
        "Kovovýroba",
        "Ložiska",
        "Pneumatika",
        "Svařovací technika",
        "Průmyslové potřeby",
        "Obráběcí stroje",
        "Automatizace",
    ],
    "SK": [
        "Strojárne",
        "Železiarstvo",
        "Hydraulika",
        "Náradie",
        "Technik",
        "Elektro",
        "Stavby",
        "Kovovýroba",
        "Ložiská",
        "Zváracia technika",
        "Priemyselné potreby",
    ],
    "HU": [
        "Gépszerviz",
        "Szerszám",
        "Vasáru",
        "Hidraulika",
        "Ipari Szolgáltató",
        "Műszaki Kereskedelmi",
        "Hűtőtechnika",
        "Acélszerkezet",
        "Villamossági",
        "Hegesztéstechnika",
        "Csapágy",
        "Építőipari",
    ],
    "DE": ["Industrietechnik", "Werkzeuge", "Maschinenbau", "Hydraulik", "Antriebstechnik", "Stahlhandel"],
    "CH": ["Werkzeug", "Präzisionstechnik", "Maschinen"],
    "GB": ["Tooling", "Engineering", "Fasteners", "Hydraulics", "Bearings"],
    "RS": ["Beograd", "Novi Sad", "Niš", "Kragujevac"],
    "UA": ["Trading", "Engineering", "Industrial"],
    "TR": ["Makina", "Endüstri", "Metal"],
    "NO": ["Verktøy", "Industri", "Maskin"],
}
CITIES = {
    "PL": [
        "Kraków",
        "Łódź",
        "Wrocław",
        "Poznań",
        "Gdańsk",
        "Szczecin",
        "Bydgoszcz",
        "Lublin",
        "Białystok",
        "Katowice",
        "Gliwice",
        "Częstochowa",
        "Radom",
        "Rzeszów",
        "Toruń",
        "Kielce",
        "Olsztyn",
        "Opole",
    ],
    "CZ": [
        "Praha",
        "Brno",
        "Ostrava",
        "Plzeň",
        "Liberec",
        "Olomouc",
        "Zlín",
        "Kladno",
        "Opava",
        "Jihlava",
        "Karviná",
        "Teplice",
        "Děčín",
        "Pardubice",
    ],
    "SK": [
        "Bratislava",
        "Košice",
        "Prešov",
        "Žilina",
        "Nitra",
        "Trnava",
        "Martin",
        "Trenčín",
        "Poprad",
        "Prievidza",
        "Zvolen",
        "Michalovce",
    ],
    "HU": [
        "Budapest",
        "Debrecen",
        "Szeged",
        "Miskolc",
        "Pécs",
        "Győr",
        "Nyíregyháza",
        "Kecskemét",
        "Székesfehérvár",
        "Szombathely",
        "Szolnok",
        "Tatabánya",
        "Kaposvár",
        "Veszprém",
        "Sopron",
        "Eger",
    ],
}
CITIES["SK"].append("Morava")
CITIES["CZ"].append("Morava")
#: legal form as on file → how banks write it (for the country of the customer)
LEGAL: dict[str, tuple[str, list[str]]] = {
    "PL": (
        "Sp. z o.o.",
        ["SP. Z O.O.", "SP Z O O", "SPÓŁKA Z OGRANICZONĄ ODPOWIEDZIALNOŚCIĄ", "SPOLKA Z O.O."],
    ),
    "PL_SA": ("S.A.", ["SA", "SPÓŁKA AKCYJNA", "S A"]),
    "PL_SPJ": ("Sp.j.", ["SPÓŁKA JAWNA", "SP J", "SP.J."]),
    "CZ": ("s.r.o.", ["S.R.O.", "SRO", "spol. s r.o.", "SPOL. S R.O.", "společnost s ručením omezeným"]),
    "CZ_AS": ("a.s.", ["A.S.", "AS", "akciová společnost"]),
    "SK": ("s.r.o.", ["S.R.O.", "SRO", "spol. s r.o.", "spoločnosť s ručením obmedzeným"]),
    "SK_AS": ("a.s.", ["A.S.", "akciová spoločnosť"]),
    "HU": ("Kft.", ["KFT", "KFT.", "Korlátolt Felelősségű Társaság", "Kft"]),
    "HU_ZRT": ("Zrt.", ["ZRT", "Zártkörűen Működő Részvénytársaság"]),
    "HU_BT": ("Bt.", ["BT", "Betéti Társaság"]),
    "DE": ("GmbH", ["GMBH", "Gesellschaft mit beschränkter Haftung"]),
    "CH": ("AG", ["AG"]),
    "GB": ("Ltd", ["LTD", "LIMITED"]),
    "RS": ("d.o.o.", ["DOO", "D.O.O."]),
    "UA": ("LLC", ["LLC", "TOV"]),
    "TR": ("A.Ş.", ["AS", "ANONIM SIRKETI"]),
    "NO": ("AS", ["AS"]),
}
FIRST = {
    "PL": [
        "Jan",
        "Piotr",
        "Andrzej",
        "Krzysztof",
        "Tomasz",
        "Paweł",
        "Marek",
        "Michał",
        "Grzegorz",
        "Józef",
        "Anna",
        "Katarzyna",
        "Małgorzata",
    ],
    "CZ": [
        "Jan",
        "Petr",
        "Jiří",
        "Josef",
        "Pavel",
        "Martin",
        "Tomáš",
        "Jaroslav",
        "Miroslav",
        "Eva",
        "Jana",
        "Hana",
        "Lenka",
    ],
    "SK": ["Ján", "Peter", "Jozef", "Michal", "Martin", "Tomáš", "Marek", "Zuzana", "Mária", "Katarína"],
    "HU": [
        "László",
        "István",
        "József",
        "János",
        "Zoltán",
        "Sándor",
        "Gábor",
        "Ferenc",
        "Attila",
        "Éva",
        "Katalin",
        "Ildikó",
    ],
}
GROUPS = [
    ("Metalcorp", "PL"),
    ("Indutech", "CZ"),
    ("Ferroplan", "HU"),
    ("Technoserv", "AT"),
    ("Danubia Industrial", "HU"),
    ("Carpathia Tools", "PL"),
    ("Visegrad Components", "CZ"),
    ("Moravia Machinery", "CZ"),
    ("Silesia Drives", "PL"),
    ("Tatra Hydraulics", "AT"),
    ("Pannonia Metal", "HU"),
    ("Baltic Bearings", "PL"),
]
GROUP_PARENT_FORM = {"PL": "Holding S.A.", "CZ": "Group a.s.", "HU": "Holding Zrt.", "AT": "Holding GmbH"}
GROUP_SUB_FORM = {"pl": "Polska Sp. z o.o.", "cz": "CZ s.r.o.", "sk": "Slovakia s.r.o.", "hu": "Hungary Kft."}
LANG = {"PL": "pl", "CZ": "cs", "SK": "sk", "HU": "hu", "DE": "de", "AT": "de", "CH": "de"}
MONTHS = {
    "PL": ["", "styczeń", "luty", "marzec", "kwiecień", "maj", "czerwiec", "lipiec", "sierpień", "wrzesień",
           "październik", "listopad", "grudzień"],
    "CZ": ["", "leden", "únor", "březen", "duben", "květen", "červen", "červenec", "srpen", "září", "říjen",
           "listopad", "prosinec"],
    "SK": ["", "január", "február", "marec", "apríl", "máj", "jún", "júl", "august", "september", "október",
           "november", "december"],
    "HU": ["", "január", "február", "március", "április", "május", "június", "július", "augusztus", "szeptember",
           "október", "november", "december"],
}  # fmt: skip

# ----------------------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------------------

_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "ı": "i", "đ": "d", "Đ": "D"})


def strip_accents(s: str) -> str:
    """What a bank writing ASCII makes of a name or text."""
    s = s.translate(_FOLD)
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def fmt_amount(c: int) -> str:
    """Cents as the export and the files write them: "1234.50"."""
    sign = "-" if c < 0 else ""
    c = abs(c)
    return f"{sign}{c // 100}.{c % 100:02d}"


def fmt_local(c: int, country: str, rng: random.Random) -> str:
    """An amount as a payer of ``country`` types it: "1 250,00", "1250,00", "25 000", "25.000"."""
    whole, frac = divmod(c, 100)
    sep = rng.choice([" ", "", "."] if country == "HU" else [" ", ""]) if whole >= 1000 else ""
    w = f"{whole:,}".replace(",", sep) if sep else str(whole)
    if country == "HU" and frac == 0 and rng.random() < 0.7:
        return w
    return f"{w},{frac:02d}"


def canonical(number: str) -> str:
    """A number's groups of digits without their leading zeros: "FV/082/02/2026" and "FV/82/02/2026" are one."""
    return "/".join(str(int(g)) for g in re.findall(r"\d+", number))


def iban(country: str, rng: random.Random) -> str:
    n = BBAN.get(country, 18)
    bban = "".join(rng.choice("0123456789") for _ in range(n))
    if country == "GB":
        bban = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4)) + bban[:14]
    num = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{country}{98 - int(num) % 97:02d}{bban}"


def iban_valid(s: str) -> bool:
    r = s[4:] + s[:4]
    return int("".join(str(int(ch, 36)) for ch in r)) % 97 == 1


def half_up(x: Decimal) -> int:
    return int(x.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def chunks(s: str, n: int) -> list[str]:
    return [s[i : i + n] for i in range(0, len(s), n)] or [""]


# ----------------------------------------------------------------------------------------
# the model
# ----------------------------------------------------------------------------------------


@dataclass
class Customer:
    id: str
    entity: str
    name: str
    nat: str  # the customer's country (names, language, bank)
    ccy: str  # currency it is invoiced in
    vat: str
    ibans: list[str]
    legal: str = ""
    base: str = ""  # the name without its legal form
    kind: str = "company"  # company, sole, parent, sub, foreign, xborder, swift
    parent_id: str = ""
    group: str = ""
    namesake: str = ""
    terms: int = 30
    discount: tuple[int, int] | None = None
    periodic: bool = False
    size: float = 1.0
    other_iban: str = ""  # an account it pays from that is not on file
    vat_iban: str = ""  # its split-payment VAT account (PL)


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
    discount_percent: int = 0
    discount_days: int = 0
    terms_text: str = ""
    used: bool = False
    serial: int = 0
    vs: str = ""
    periodic: bool = False

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
    rows: list[tuple[Invoice | None, int, str]] = field(default_factory=list)
    truth: list[tuple[str, int, str]] = field(default_factory=list)
    payer_name: str = ""
    payer_iban: str = ""
    ultimate: str = ""
    ustrd: list[str] = field(default_factory=list)
    strd_refs: list[str] = field(default_factory=list)
    strd_docs: list[tuple[str, int, int]] = field(default_factory=list)  # number, due, paid
    allow_on_account: bool = False
    debit: bool = False
    rvsl: bool = False
    btc: tuple[str, str, str] = ("PMNT", "RCDT", "DMCT")
    instd: int = 0  # AmtDtls/InstdAmt in the transaction's currency (charges taken)
    customer: str = ""
    checks: list[str] = field(default_factory=list)
    check_args: dict[str, object] = field(default_factory=dict)
    pair: str = ""
    seq: int = 0
    mt_code: str = "NTRF"
    mt_desc: str = "PRZELEW ZEWNETRZNY PRZYCHODZACY"
    render: Callable[[], None] | None = None
    cut: bool = False  # MT940: a number of the title cut across two ?2x subfields of 27 characters

    @property
    def country(self) -> str:
        return self.entity.upper()

    @property
    def fmt(self) -> str:
        return ACCOUNTS[self.account][3] + (" (number cut at 27)" if self.cut else "")

    def remittance(self) -> str:
        parts = list(self.ustrd) + [f"[Strd Ref {r}]" for r in self.strd_refs]
        parts += [f"[Doc {n} due {fmt_amount(d)} paid {fmt_amount(p)}]" for n, d, p in self.strd_docs]
        return " | ".join(parts)


# ----------------------------------------------------------------------------------------
# the generator
# ----------------------------------------------------------------------------------------

#: customer scenarios: name, share of customer payments (%), the companies it happens in
CUSTOMER_PLAN: list[tuple[str, float, tuple[str, ...]]] = [
    ("ref_text", 17.0, ("pl", "cz", "sk", "hu")),
    ("vs_strd", 7.0, ("cz", "sk")),
    ("vs_text", 5.0, ("cz", "sk")),
    ("vs_padded", 1.5, ("sk",)),
    ("vs_typo", 1.5, ("cz", "sk")),
    ("ref_typo", 1.5, ("pl", "hu")),
    ("mpp", 5.0, ("pl",)),
    ("mpp_small", 1.5, ("pl",)),
    ("multi_ref", 5.0, ("pl", "cz", "sk", "hu")),
    ("strd_docs", 2.0, ("cz", "sk", "hu")),
    ("credit_netted", 3.0, ("pl", "cz", "sk", "hu")),
    ("deduction_text", 3.0, ("pl", "cz", "sk", "hu")),
    ("skonto", 4.0, ("pl", "cz", "sk", "hu")),
    ("bank_charges", 2.5, ("sk",)),
    ("charges_fx", 1.5, ("pl", "cz", "hu")),
    ("charges_local", 1.5, ("pl", "cz", "hu")),
    ("partial", 4.0, ("pl", "cz", "sk", "hu")),
    ("overpayment", 2.5, ("pl", "cz", "sk", "hu")),
    ("duplicate", 2.0, ("pl", "cz", "sk", "hu")),
    ("noref_unique", 6.0, ("pl", "cz", "sk", "hu")),
    ("noref_combo", 3.0, ("pl", "cz", "sk", "hu")),
    ("fifo_equal", 3.0, ("pl", "cz", "sk", "hu")),
    ("month_named", 1.0, ("pl", "cz", "sk", "hu")),
    ("ref_equal_named", 1.5, ("pl", "cz", "sk", "hu")),
    ("name_only", 4.0, ("pl", "cz", "sk", "hu")),
    ("namesake_unique", 1.5, ("pl", "cz", "sk", "hu")),
    ("group_parent", 3.0, ("pl", "cz", "sk", "hu")),
    ("third_party", 1.5, ("pl", "cz", "sk", "hu")),
    ("eur_invoice", 3.0, ("pl", "cz", "hu")),
    ("advance", 1.0, ("pl", "cz", "sk", "hu")),
]
TRAP_PLAN: list[tuple[str, float, tuple[str, ...]]] = [
    ("trap_vs_other", 1.0, ("cz", "sk")),
    ("trap_typo_two", 1.0, ("pl", "cz", "sk", "hu")),
    ("trap_namesake", 1.0, ("pl", "cz", "sk", "hu")),
    ("trap_amount_two", 1.0, ("pl", "cz", "sk", "hu")),
    ("trap_before_invoice", 1.0, ("pl", "cz", "sk", "hu")),
    ("trap_ccy_crossed", 1.0, ("pl", "cz", "hu")),
    ("trap_ks_symbol", 0.6, ("cz", "sk")),
]
NC_KINDS = [
    "nc_tax",
    "nc_social",
    "nc_interest",
    "nc_card",
    "nc_cashpool",
    "nc_intragroup",
    "nc_loan",
    "nc_own_transfer",
    "nc_insurance",
    "nc_supplier_refund",
    "nc_return",
]
FACTORS = {
    "pl": ("EuroFaktor Polska S.A.", "PL"),
    "cz": ("Moravia Factoring a.s.", "CZ"),
    "sk": ("Dunaj Faktoring a.s.", "SK"),
    "hu": ("Duna Faktorház Zrt.", "HU"),
}
HOLDING = ("CEIS Holding GmbH", "AT")


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
        self.own = {k: iban(ACCOUNTS[k][0].upper(), self.rng) for k in ACCOUNTS}
        self.holding_iban = iban("AT", self.rng)
        self.names_taken: dict[str, list[frozenset[str]]] = defaultdict(list)
        self._ref = 0
        self._key = 0
        self.namesakes: dict[str, list[list[Customer]]] = defaultdict(list)
        self.factor_iban = {e: iban(FACTORS[e][1], self.rng) for e in ENTITIES}

    # ------------------------------------------------------------------ customers
    def _tokens(self, name: str) -> frozenset[str]:
        words = strip_accents(name).upper().replace(",", " ").replace("-", " ").split()
        legal = {
            "SP.",
            "Z",
            "O.O.",
            "S.A.",
            "SP.J.",
            "S.R.O.",
            "A.S.",
            "KFT.",
            "ZRT.",
            "BT.",
            "SPOL.",
            "S",
            "R.O.",
        }
        legal |= {"GMBH", "AG", "LTD", "D.O.O.", "LLC", "A.S.", "AS", "I", "A", "ES"}
        return frozenset(w for w in words if w not in legal)

    def _name_ok(self, entity: str, name: str) -> bool:
        t = self._tokens(name)
        return all(not (t <= o or o <= t) for o in self.names_taken[entity])

    def _take_name(self, entity: str, name: str) -> None:
        self.names_taken[entity].append(self._tokens(name))

    def _company_name(self, nat: str, entity: str) -> tuple[str, str, str]:
        rng = self.rng
        for _ in range(200):
            stem = rng.choice(STEMS[nat])
            trade = rng.choice(TRADES[nat])
            if nat == "PL":
                legal_key = rng.choices(["PL", "PL_SA", "PL_SPJ"], [80, 8, 12])[0]
                pattern = rng.random()
                if pattern < 0.5:
                    base = f"{stem} {trade}"
                elif pattern < 0.75:
                    base = f"{trade} {stem}"
                else:
                    base = f"{stem} {trade} {rng.choice(CITIES['PL'])}"
            elif nat in ("CZ", "SK"):
                legal_key = rng.choices([nat, f"{nat}_AS"], [88, 12])[0]
                base = (
                    f"{trade} {stem}"
                    if rng.random() < 0.5
                    else f"{stem} {trade}"
                    if rng.random() < 0.6
                    else f"{trade} {rng.choice(CITIES[nat])}"
                )
            elif nat == "HU":
                legal_key = rng.choices(["HU", "HU_ZRT", "HU_BT"], [80, 8, 12])[0]
                base = (
                    f"{stem} {trade}"
                    if rng.random() < 0.6
                    else f"{stem} és Társa {trade}"
                    if rng.random() < 0.4
                    else f"{rng.choice(CITIES['HU'])}i {trade}"
                )
            elif nat in ("DE", "AT"):
                legal_key, base = "DE", f"{stem} {trade}"
            else:
                legal_key, base = nat, f"{stem} {trade}"
            name = f"{base} {LEGAL[legal_key][0]}"
            if nat == "CZ" and legal_key == "CZ" and rng.random() < 0.2:
                name = f"{base}, spol. s r.o."
            if self._name_ok(entity, name):
                return name, base, legal_key
        raise RuntimeError("no name left")

    def _add_customer(self, c: Customer) -> Customer:
        self.customers.append(c)
        self.by_id[c.id] = c
        self._take_name(c.entity, c.name)
        return c

    def _vat_no(self, nat: str) -> str:
        digits = {"PL": 10, "CZ": 8, "SK": 10, "HU": 8}.get(nat, 9)
        return nat + "".join(self.rng.choice("0123456789") for _ in range(digits))

    def make_customers(self) -> None:
        rng = self.rng
        total = max(60, round(self.n * 0.45))
        seqs = {"pl": 100000, "cz": 200000, "sk": 300000, "hu": 400000}

        def next_id(e: str) -> str:
            seqs[e] += rng.randint(1, 7)
            return str(seqs[e])

        # groups: a parent and two to four subsidiaries in the four companies
        for gname, gnat in GROUPS:
            parent_iban = iban(gnat, rng)
            ents = rng.sample(list(ENTITIES), rng.randint(2, 4))
            for e in ents:
                on_file = rng.random() < 0.7
                parent_id = ""
                if on_file:
                    pname = f"{gname} {GROUP_PARENT_FORM[gnat]}"
                    p = Customer(
                        next_id(e), e, pname, gnat, str(ENTITIES[e]["ccy"]), self._vat_no(gnat), [parent_iban],
                        base=f"{gname} {GROUP_PARENT_FORM[gnat].split()[0]}", kind="parent", group=gname,
                    )  # fmt: skip
                    self._add_customer(p)
                    parent_id = p.id
                for k in range(rng.randint(1, 2)):
                    suffix = GROUP_SUB_FORM[e] if k == 0 else GROUP_SUB_FORM[e].replace(" ", " Servis ", 1)
                    sname = f"{gname} {suffix}"
                    s = Customer(
                        next_id(e), e, sname, e.upper(), str(ENTITIES[e]["ccy"]), self._vat_no(e.upper()),
                        [iban(e.upper(), rng)] if rng.random() < 0.6 else [], base=sname, kind="sub",
                        parent_id=parent_id, group=gname, size=4.0,
                    )  # fmt: skip
                    s.other_iban = parent_iban
                    self._add_customer(s)
        # namesakes: a name and the same name with a town, in every company
        for e in ENTITIES:
            nat = e.upper()
            for _ in range(max(2, round(total * ENTITY_SHARE[e] / 60))):
                for _try in range(50):
                    stem, trade = rng.choice(STEMS[nat]), rng.choice(TRADES[nat])
                    legal_key = nat
                    base1 = f"{stem} {trade}"
                    base2 = f"{stem} {trade} {rng.choice(CITIES[nat])}"
                    n1, n2 = f"{base1} {LEGAL[legal_key][0]}", f"{base2} {LEGAL[legal_key][0]}"
                    if self._name_ok(e, n1) and self._name_ok(e, n2):
                        break
                pair = []
                for nm, base in ((n1, base1), (n2, base2)):
                    c = Customer(
                        next_id(e), e, nm, nat, str(ENTITIES[e]["ccy"]), self._vat_no(nat), [iban(nat, rng)],
                        legal=legal_key, base=base, kind="company", namesake=f"{e}:{base1}",
                    )  # fmt: skip
                    c.other_iban = iban(nat, rng)
                    self.customers.append(c)
                    self.by_id[c.id] = c
                    pair.append(c)
                self._take_name(e, n1)
                self.names_taken[e].append(self._tokens(n2))
                self.namesakes[e].append(pair)
        # everyone else
        plan: list[tuple[str, str, str, str]] = []  # entity, nationality, currency, kind
        for e, share in ENTITY_SHARE.items():
            n_e = round(total * share) - sum(1 for c in self.customers if c.entity == e)
            ccy = str(ENTITIES[e]["ccy"])
            for _ in range(max(n_e, 10)):
                r = rng.random()
                if e == "sk":
                    if r < 0.12:
                        plan.append((e, rng.choice(["CH", "GB", "RS", "UA", "TR", "NO"]), "EUR", "swift"))
                    elif r < 0.20:
                        plan.append((e, rng.choice(["AT", "DE", "HU", "CZ"]), "EUR", "foreign"))
                    else:
                        plan.append((e, "SK", ccy, "company"))
                else:
                    neighbours = {"pl": ["CZ", "SK", "DE"], "cz": ["SK", "PL", "AT"], "hu": ["SK", "AT"]}[e]
                    if r < 0.07:
                        plan.append((e, rng.choice(["DE", "AT", *neighbours]), "EUR", "foreign"))
                    elif r < 0.12:
                        plan.append((e, rng.choice(neighbours), ccy, "xborder"))
                    else:
                        plan.append((e, e.upper(), ccy, "company"))
        for e, nat, ccy, kind in plan:
            natv = "DE" if nat == "AT" else nat
            if kind == "company" and nat in FIRST and rng.random() < 0.08:
                first, last = rng.choice(FIRST[nat]), rng.choice([s for s in STEMS[nat] if s[0].isupper()])
                trade = rng.choice(TRADES[nat])
                name = {
                    "PL": f"{first} {last} PHU {trade}",
                    "CZ": f"{first} {last} - {trade}",
                    "SK": f"{first} {last} - {trade}",
                    "HU": f"{last} {first} e.v.",
                }[nat]
                if not self._name_ok(e, name):
                    continue
                c = Customer(next_id(e), e, name, nat, ccy, self._vat_no(nat), [], base=name, kind="sole")
            else:
                name, base, legal_key = self._company_name(natv, e)
                c = Customer(next_id(e), e, name, nat, ccy, self._vat_no(nat), [], legal=legal_key, base=base,
                             kind=kind)  # fmt: skip
            c.size = rng.lognormvariate(0, 0.8)
            self._add_customer(c)
        for c in self.customers:
            bank_country = c.nat if c.nat in BBAN else "DE"
            if not c.ibans and c.kind != "sub" and rng.random() < 0.75:
                c.ibans = [iban(bank_country, rng)]
            if c.kind == "swift" and not c.ibans and rng.random() < 0.5:
                c.ibans = [iban(bank_country, rng)]
            if not c.other_iban:
                c.other_iban = iban(bank_country, rng)
            c.vat_iban = iban("PL", rng) if c.nat == "PL" else ""
            c.terms = rng.choice([14, 21, 30, 30, 30, 45, 60])
            if rng.random() < 0.18 and c.kind not in ("swift",):
                c.discount = rng.choice([(2, 10), (2, 14), (3, 7), (1, 14)])
            c.periodic = rng.random() < 0.2 and c.kind in ("company", "sole") and c.nat == c.entity.upper()

    # ------------------------------------------------------------------ the book
    def eur_to(self, eur_cents: int, ccy: str, *, whole: bool = False) -> int:
        v = Decimal(eur_cents) * FX[ccy]
        if ccy == "HUF" or whole:
            return max(100, half_up(v / 100) * 100)
        return max(1, half_up(v))

    def random_total(
        self, c: Customer, ccy: str | None = None, *, lo: int = 4000, hi: int = 6_000_000
    ) -> int:
        ccy = ccy or c.ccy
        eur = int(self.rng.lognormvariate(11.5, 1.0) * c.size**0.3)
        while not lo <= eur <= hi:  # drawn again rather than clipped: clipping makes many equal amounts
            eur = int(self.rng.lognormvariate(11.5, 1.0) * c.size**0.3)
        whole = ccy == "CZK" and self.rng.random() < 0.7
        return self.eur_to(eur, ccy, whole=whole)

    def new_invoice(
        self,
        c: Customer,
        issue: date,
        total: int | None = None,
        *,
        ccy: str | None = None,
        kind: str = "invoice",
        series: str = "",
        discount: tuple[int, int] | None = None,
    ) -> Invoice:
        self._key += 1
        ccy = ccy or c.ccy
        total = total if total is not None else self.random_total(c, ccy)
        if not series:
            if kind == "credit_note":
                series = "cn"
            elif c.entity == "pl" and self.rng.random() < 0.25:
                series = "svc"
            elif c.entity == "hu" and self.rng.random() < 0.15:
                series = "eshop"
            else:
                series = "main"
        terms = c.terms
        inv = Invoice(
            self._key, c.entity, c.id, issue, issue + timedelta(days=terms), ccy, total, kind, series
        )
        rate = Decimal(100) / FX[ccy] * FX[str(ENTITIES[c.entity]["ccy"])] / 100
        vat_rate = int(ENTITIES[c.entity]["vat"])  # type: ignore[call-overload]
        if c.kind in ("foreign", "swift") or (c.kind == "xborder" and c.nat != c.entity.upper()):
            vat_rate = 0
        inv.vat = total - half_up(Decimal(total) * 100 / (100 + vat_rate))
        if ccy != ENTITIES[c.entity]["ccy"]:
            inv.rate = str(rate.quantize(Decimal("0.0001")))
        disc = discount or (c.discount if kind == "invoice" else None)
        if disc:
            inv.discount_percent, inv.discount_days = disc
            inv.terms_text = f"{disc[0]}/{disc[1]} net {terms}"
        self.invoices.append(inv)
        self.items[c.id].append(inv)
        return inv

    def random_issue(self) -> date:
        r = self.rng.random()
        if r < 0.55:
            lo, hi = date(2026, 2, 1), END
        elif r < 0.85:
            lo, hi = date(2025, 12, 1), date(2026, 1, 31)
        else:
            lo, hi = START, date(2025, 11, 30)
        return lo + timedelta(days=self.rng.randint(0, (hi - lo).days))

    def make_book(self) -> None:
        rng = self.rng
        weight = sum(c.size for c in self.customers)
        target = self.n * 4.0
        for c in self.customers:
            if c.kind == "parent":
                continue
            k = max(1, round(target * c.size / weight + rng.random() - 0.5))
            for _ in range(k):
                self.new_invoice(c, self.random_issue())
            if rng.random() < 0.15:
                base = max(i.total for i in self.items[c.id])
                cn = self.new_invoice(
                    c,
                    self.random_issue(),
                    max(100, half_up(Decimal(base) * Decimal(rng.uniform(0.03, 0.2)))),
                    kind="credit_note",
                )
                if cn.currency == "HUF":
                    cn.total = max(100, cn.total // 100 * 100)
            if c.periodic:
                amount = self.random_total(c, lo=8000, hi=150_000)
                day = rng.randint(1, 5)
                n_open = rng.randint(2, 4)
                for m in range(n_open):
                    month = 3 - (n_open - 1 - m)
                    y, mo = (2026, month) if month >= 1 else (2025, month + 12)
                    inv = self.new_invoice(c, date(y, mo, day), amount, series="main", discount=(0, 0))
                    inv.due = inv.issue + timedelta(days=14)
                    inv.discount_percent = inv.discount_days = 0
                    inv.terms_text = ""
                    inv.used = True  # kept for fifo_equal / month_named
                    inv.periodic = True

    # ------------------------------------------------------------------ picking
    def new_tx(
        self, entity: str, account: str, amount: int, value: date, scenario: str, kind: str = "customer"
    ) -> Tx:
        self._ref += 1
        bank = ACCOUNTS[account][2][:2].upper()
        ref = f"{bank}{value:%y%m%d}{self.seed:02d}{self._ref:06d}"
        t = Tx(ref, entity, account, ACCOUNTS[account][1], amount, value, scenario, kind)
        self.txs.append(t)
        return t

    def main_account(self, entity: str, ccy: str) -> str:
        if ccy == "EUR" and entity != "sk":
            return f"{entity}_eur"
        second = {"pl": "pl_ing", "cz": "cz_kb", "sk": "sk_vub", "hu": "hu_kh"}[entity]
        return second if self.rng.random() < 0.3 else f"{entity}_main"

    def day(self) -> date:
        return self.rng.choice(DAYS)

    def pick_customer(self, entity: str, pred: Callable[[Customer], bool], value: date) -> Customer | None:
        cands = [
            c for c in self.customers if c.entity == entity and pred(c) and (c.id, value) not in self.busy
        ]
        if not cands:
            return None
        c = self.rng.choice(cands)
        self.busy.add((c.id, value))
        return c

    def take(self, c: Customer, value: date, n: int = 1, *, ccy: str | None = None, create: bool = True,
             pred: Callable[[Invoice], bool] | None = None, no_discount: bool = False) -> list[Invoice]:  # fmt: skip
        """``n`` open invoices of the customer issued four days or more before ``value`` (created when it has too
        few); ``no_discount``: without early-payment terms, so that a shortfall cannot be read as a discount."""
        ccy = ccy or c.ccy
        if no_discount:
            base = pred
            pred = lambda i: i.discount_percent == 0 and (base is None or base(i))  # noqa: E731
        limit = value - timedelta(days=4)
        cands = [
            i
            for i in self.items[c.id]
            if not i.used
            and i.kind == "invoice"
            and i.currency == ccy
            and i.issue <= limit
            and (pred is None or pred(i))
        ]
        cands.sort(key=lambda i: (i.due, i.key))
        out = (
            self.rng.sample(cands[: max(n, min(len(cands), 2 * n + 3))], n)
            if len(cands) >= n
            else list(cands)
        )
        while len(out) < n and create:
            issue = limit - timedelta(days=self.rng.randint(0, 50))
            out.append(self.new_invoice(c, issue, ccy=ccy))
            if no_discount:
                out[-1].discount_percent = out[-1].discount_days = 0
                out[-1].terms_text = ""
        for i in out:
            i.used = True
        return out

    def payer_style(self, c: Customer, account: str, *, heavy: bool = False) -> str:
        """The payer's name as its bank writes it."""
        rng = self.rng
        name = c.name
        fmt = ACCOUNTS[account][3]
        if heavy or rng.random() < 0.3:
            legal = LEGAL.get(c.legal)
            if legal and name.endswith(legal[0]) and rng.random() < 0.7:
                name = name[: -len(legal[0])].rstrip(" ,") + " " + rng.choice(legal[1])
            if rng.random() < 0.6:
                name = name.upper()
            if rng.random() < 0.5:
                name = strip_accents(name)
        if fmt == "mt940":
            name = strip_accents(name).upper()[:54]
        elif heavy and rng.random() < 0.3:
            name = name[:35]
        return name.strip()

    # ------------------------------------------------------------------ writing numbers
    def wr(self, inv: Invoice, *, plain: bool = False) -> str:
        """An invoice number as a payer writes it."""
        n = inv.number
        if plain or self.rng.random() < 0.45:
            return n
        e, rng = inv.entity, self.rng
        if e == "pl":
            if inv.series == "svc":  # FV 2026/03/00123
                y, m, s = n[3:].split("/")
                opts = [f"FV{y}/{m}/{s}", f"FV {y}/{m}/{int(s)}", f"FV/{y}/{m}/{s}", f"fv {y}/{m}/{s}"]
            else:  # FV/123/03/2026
                pre, s, m, y = n.split("/")
                opts = [
                    f"{pre} {s}/{m}/{y}",
                    f"{pre}/{s}/{m}/{y[2:]}",
                    f"{pre}{s}/{m}/{y}",
                    f"{pre.lower()}/{s}/{m}/{y}",
                ]
                if len(s) < 4:
                    opts.append(f"{pre}/{int(s):04d}/{m}/{y}")
            return rng.choice(opts)
        if e == "cz":
            return n
        if e == "sk":
            pre, rest = n[:2], n[2:]
            y, s = rest.split("/")
            opts = [f"{pre} {y}/{s}", f"{y}/{s}", f"{pre}{y}{s}", f"{y}{s}", f"{pre}{y}/{int(s)}"]
            return rng.choice(opts)
        if inv.series == "eshop":
            return rng.choice([n, n.replace("-", " "), n.upper()])
        pre, rest = n.split("-", 1)
        y, s = rest.split("/")
        opts = [f"{pre} {y}/{s}", f"{pre}-{y}/{int(s)}", f"{y}/{s}", f"{pre}{y}{s}", f"{pre}-{y}-{s}"]
        return rng.choice(opts)

    def lang_of(self, c: Customer) -> str:
        return c.nat if c.nat in ("PL", "CZ", "SK", "HU") else "DE" if c.nat in ("DE", "AT", "CH") else "EN"

    def pay_text(self, c: Customer, nums: list[str], *, word: str = "") -> str:
        rng = self.rng
        lang = self.lang_of(c)
        if lang == "PL":
            head = rng.choice(
                [
                    "Zapłata za",
                    "Płatność za",
                    "Przelew za",
                    "Zapłata faktury VAT nr",
                    "Faktura",
                    "FAKTURA",
                    "zapł. fv",
                    "Opłata",
                ]
            )
            joined = rng.choice([", ", " ", " i "]).join(nums) if len(nums) < 3 else ", ".join(nums)
        elif lang == "CZ":
            head = rng.choice(
                ["Úhrada faktury", "úhrada fa", "Platba faktury č.", "fa", "FAKTURA", "Uhrada FV", "fa č."]
            )
            joined = rng.choice([", ", " ", " a ", "+"]).join(nums) if len(nums) < 3 else ", ".join(nums)
        elif lang == "SK":
            head = rng.choice(
                ["Úhrada faktúry", "úhrada fa", "Platba faktúry č.", "faktúra", "FA", "Uhrada fakt."]
            )
            joined = rng.choice([", ", " ", " a "]).join(nums) if len(nums) < 3 else ", ".join(nums)
        elif lang == "HU":
            head = rng.choice(["Számla:", "szla", "számlaszám:", "Számla kiegyenlítés", "számla", "Szla:"])
            joined = rng.choice([", ", " ", " és "]).join(nums) if len(nums) < 3 else ", ".join(nums)
            if rng.random() < 0.3:
                text = f"{joined} {rng.choice(['számla', 'sz. számla', 'számla kiegyenlítése'])}"
                return f"{text} {word}".strip()
        elif lang == "DE":
            head = rng.choice(["Rechnung", "Re.", "Rechnungsnr.", "RG"])
            joined = ", ".join(nums)
        else:
            head = rng.choice(["INVOICE", "Inv.", "PAYMENT OF INVOICE", "INV"])
            joined = ", ".join(nums)
        text = f"{head} {joined}"
        if word:
            text = f"{text} {word}"
        r = rng.random()
        if r < 0.08 and lang == "PL":
            text += f" zam. {rng.randint(4500000000, 4599999999)}"
        elif r < 0.12:
            text += f" {rng.choice({'PL': ['nr klienta', 'kontrahent'], 'CZ': ['odběratel', 'č. zák.'], 'SK': ['odberateľ'], 'HU': ['vevőkód'], 'DE': ['Kd-Nr.'], 'EN': ['Customer']}[lang])} {c.id}"
        return text.strip()

    # ------------------------------------------------------------------ planning
    def plan(self) -> None:
        n_trap = round(self.n * 0.04)
        n_nc = round(self.n * 0.045)
        n_cust = self.n - n_trap - n_nc
        total_w = sum(w for _s, w, _e in CUSTOMER_PLAN)
        for name, w, ents in CUSTOMER_PLAN:
            k = round(n_cust * w / total_w / (2 if name in ("mpp", "mpp_small", "duplicate") else 1))
            for _ in range(k):
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
            for acct in ("pl_main", "cz_main", "sk_main", "hu_main"):
                for _ in range(self.rng.randint(1, 2)):
                    e, ccy = ACCOUNTS[acct][0], ACCOUNTS[acct][1]
                    t = self.new_tx(
                        e, acct, self.eur_to(self.rng.randint(20000, 900000), ccy), d, "debit", "debit"
                    )
                    t.debit = True
                    t.payer_name = "DOSTAWCA STALI SP Z O O" if e == "pl" else "Supplier Steel a.s."
                    t.payer_iban = iban(e.upper(), self.rng)
                    t.ustrd = [f"Invoice 2026-{self.rng.randint(1000, 9999)} supplier"]

    # each s_<scenario> plans one payment (or a pair); its text is rendered once the numbers are known
    def _cust(self, e: str, value: date, pred: Callable[[Customer], bool]) -> Customer | None:
        return self.pick_customer(e, pred, value)

    @staticmethod
    def _std(c: Customer) -> bool:
        return c.kind in ("company", "sole", "sub", "xborder", "foreign") and not c.namesake

    def _basic(
        self, e: str, scenario: str, *, on_file: bool = True, local: bool = True
    ) -> tuple[Customer, date] | None:
        value = self.day()
        ccy = str(ENTITIES[e]["ccy"])

        def ok(c: Customer) -> bool:
            return self._std(c) and (not on_file or bool(c.ibans)) and (not local or c.ccy == ccy)

        c = self._cust(e, value, ok)
        return (c, value) if c else None

    def _payer(self, t: Tx, c: Customer, *, on_file: bool = True, heavy: bool = False) -> None:
        t.customer = c.id
        t.payer_name = self.payer_style(c, t.account, heavy=heavy)
        t.payer_iban = c.ibans[0] if on_file and c.ibans else c.other_iban

    def s_ref_text(self, e: str) -> None:
        got = self._basic(e, "ref_text", on_file=self.rng.random() < 0.6)
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value)
        t = self.new_tx(e, self.main_account(e, c.ccy), inv.total, value, "ref_text")
        self._payer(t, c, on_file=bool(c.ibans) and self.rng.random() < 0.8)
        t.rows = [(inv, inv.total, "invoice")]

        def render() -> None:
            t.ustrd = [self.pay_text(c, [self.wr(inv)])]

        t.render = render

    def s_vs_strd(self, e: str) -> None:
        self._vs(e, "vs_strd")

    def s_vs_text(self, e: str) -> None:
        self._vs(e, "vs_text")

    def s_vs_padded(self, e: str) -> None:
        self._vs(e, "vs_padded")

    def _vs(self, e: str, scenario: str) -> None:
        got = self._basic(e, scenario, on_file=self.rng.random() < 0.6)
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value)
        t = self.new_tx(e, self.main_account(e, c.ccy), inv.total, value, scenario)
        self._payer(t, c, on_file=bool(c.ibans))
        t.rows = [(inv, inv.total, "invoice")]
        rng = self.rng
        lang = self.lang_of(c)

        def render() -> None:
            vs = inv.vs
            word = rng.choice(
                ["Úhrada faktury", "Platba", "úhrada", "UHRADA FAKTURY", "faktura", ""]
                if lang == "CZ"
                else ["Úhrada faktúry", "platba", "úhrada", "UHRADA", ""]
            )
            ks = rng.choice(["0308", "0008", "0558", "1178", "0138"])
            if scenario == "vs_strd":
                t.strd_refs = [vs]
                t.ustrd = [word] if word else []
            elif scenario == "vs_padded":
                t.strd_refs = [vs.zfill(10)] if rng.random() < 0.6 else []
                if not t.strd_refs:
                    t.ustrd = [f"VS:{vs.zfill(10)} KS:{ks} SS:"]
                elif word:
                    t.ustrd = [word]
            else:
                form = rng.choice(
                    [
                        f"VS:{vs} KS:{ks} SS:",
                        f"/VS/{vs}/SS//KS/{ks}",
                        f"VS {vs}",
                        f"VS{vs}",
                        f"VS: {vs} KS: {ks}",
                    ]
                )
                t.ustrd = [f"{form} {word}".strip() if rng.random() < 0.5 else f"{word} {form}".strip()]

        t.render = render

    def s_vs_typo(self, e: str) -> None:
        self._typo(e, "vs_typo")

    def s_ref_typo(self, e: str) -> None:
        self._typo(e, "ref_typo")

    def _typo(self, e: str, scenario: str) -> None:
        got = self._basic(e, scenario, on_file=True)
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value)
        t = self.new_tx(e, self.main_account(e, c.ccy), inv.total, value, scenario)
        self._payer(t, c, on_file=True)
        t.rows = [(inv, inv.total, "invoice")]
        t.checks = ["typo_free"]

        def render() -> None:
            typo = self.typo_of(inv)
            t.check_args["typo"] = typo
            if scenario == "vs_typo":
                if self.rng.random() < 0.5:
                    t.strd_refs = [typo]
                    t.ustrd = ["Úhrada faktury" if c.nat == "CZ" else "Úhrada faktúry"]
                else:
                    t.ustrd = [f"VS:{typo} KS:0308 SS:"]
            else:
                t.ustrd = [self.pay_text(c, [typo])]

        t.render = render

    def typo_of(self, inv: Invoice) -> str:
        """The number with one digit wrong, missing or doubled in its serial, no number of the book."""
        rng = self.rng
        src = inv.vs if inv.entity in ("cz", "sk") else inv.number
        serial_pos = self.serial_positions(inv, src)
        for _ in range(60):
            i = rng.choice(serial_pos)
            # a VS has ten digits at most
            op = rng.choice(
                ["wrong", "missing"] if len(src) >= 10 and src.isdigit() else ["wrong", "missing", "double"]
            )
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
        """No number of the book in any written form: its digits, or its groups of digits without leading
        zeros ("SZ-2025/0333" is SZ-2025/00333), nor a serial of the book written alone."""
        key = "".join(ch for ch in cand if ch.isdigit()).lstrip("0")
        return (
            key not in self._digits[entity]
            and canonical(cand) not in self._canon[entity]
            and cand not in self._numbers[entity]
        )

    def s_mpp(self, e: str, small: bool = False) -> None:
        value = self.day()
        c = self._cust(e, value, lambda c: self._std(c) and c.nat == "PL" and c.ccy == "PLN")
        if not c:
            return
        total = self.eur_to(self.rng.randint(2400, 18800), "PLN") if small else None
        if small:
            inv = self.new_invoice(c, value - timedelta(days=self.rng.randint(5, 40)), total)
            inv.used = True
        else:
            (inv,) = self.take(c, value)
        vat = inv.vat
        net = inv.total - vat
        net_acct = "pl_ing" if self.rng.random() < 0.4 else "pl_main"
        t1 = self.new_tx(e, net_acct, net, value, "mpp_small_net" if small else "mpp_net")
        self._payer(t1, c, on_file=bool(c.ibans))
        t1.rows = [(inv, net, "invoice")]
        t2 = self.new_tx(e, "pl_vat", vat, value, "mpp_small_vat" if small else "mpp_vat")
        self._payer(t2, c, on_file=bool(c.ibans))
        if self.rng.random() < 0.6:
            t2.payer_iban = c.vat_iban
        t2.rows = [(inv, vat, "invoice")]
        nip = c.vat[2:]

        def render() -> None:
            txt = self.rng.choice(["zaplata", "Zapłata za fakturę", "FV", "platnosc", inv.number])
            s = f"/VAT/{vat // 100},{vat % 100:02d}/IDC/{nip}/INV/{inv.number}/TXT/{txt}"
            for t in (t1, t2):
                t.ustrd = [s]
                t.mt_desc = "PRZELEW MPP - PODZIELONA PLATNOSC"

        t1.render = render

    def s_mpp_small(self, e: str) -> None:
        self.s_mpp(e, small=True)

    def s_multi_ref(self, e: str) -> None:
        got = self._basic(e, "multi_ref", on_file=self.rng.random() < 0.7)
        if not got:
            return
        c, value = got
        invs = self.take(c, value, self.rng.randint(2, 5))
        amount = sum(i.total for i in invs)
        t = self.new_tx(e, self.main_account(e, c.ccy), amount, value, "multi_ref")
        self._payer(t, c, on_file=bool(c.ibans))
        t.rows = [(i, i.total, "invoice") for i in invs]

        def render() -> None:
            nums = [self.wr(i, plain=len(invs) > 3) for i in invs]
            t.ustrd = [self.pay_text(c, nums)[:140]]
            if len(t.ustrd[0]) >= 140 or not all(n in t.ustrd[0] for n in nums):
                t.ustrd = [", ".join(i.number for i in invs)]

        t.render = render

    def s_strd_docs(self, e: str) -> None:
        value = self.day()
        ccy = str(ENTITIES[e]["ccy"])
        c = self._cust(
            e,
            value,
            lambda c: c.kind in ("sub", "company") and not c.namesake and c.ccy == ccy and bool(c.ibans),
        )
        if not c:
            return
        invs = self.take(c, value, self.rng.randint(3, 8))
        amount = sum(i.total for i in invs)
        acct = {"cz": "cz_main", "sk": "sk_main", "hu": "hu_kh"}[e]
        t = self.new_tx(e, acct, amount, value, "strd_docs")
        self._payer(t, c, on_file=True)
        t.rows = [(i, i.total, "invoice") for i in invs]

        def render() -> None:
            t.strd_docs = [(i.number, i.total, i.total) for i in invs]
            t.ustrd = [f"PAYMENT RUN {value:%Y%m%d}-{self.rng.randint(100, 999)}"]

        t.render = render

    def s_credit_netted(self, e: str) -> None:
        got = self._basic(e, "credit_netted")
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value)
        cns = [
            i
            for i in self.items[c.id]
            if i.kind == "credit_note" and not i.used and i.issue <= value - timedelta(days=2)
        ]
        if cns:
            cn = cns[0]
        else:
            cn = self.new_invoice(c, value - timedelta(days=self.rng.randint(3, 30)), kind="credit_note",
                                  total=max(100, half_up(Decimal(inv.total) * Decimal(self.rng.uniform(0.03, 0.3)))))  # fmt: skip
            if cn.currency == "HUF":
                cn.total = max(100, cn.total // 100 * 100)
        if cn.total >= inv.total:
            cn.total = inv.total // 4
            if cn.currency == "HUF":
                cn.total = max(100, cn.total // 100 * 100)
        cn.used = True
        t = self.new_tx(e, self.main_account(e, c.ccy), inv.total - cn.total, value, "credit_netted")
        self._payer(t, c, on_file=True)
        t.rows = [(inv, inv.total, "invoice"), (cn, -cn.total, "invoice")]
        lang = self.lang_of(c)

        def render() -> None:
            a, b = self.wr(inv), self.wr(cn, plain=True)
            t.ustrd = [
                self.rng.choice(
                    {
                        "PL": [
                            f"{a} - {b}",
                            f"Zapłata {a} pomniejszona o korektę {b}",
                            f"Faktura {a} minus korekta {b}",
                        ],
                        "CZ": [
                            f"fa {a} minus dobropis {b}",
                            f"úhrada {a} - dobropis {b}",
                            f"{a} zapocteno s {b}",
                        ],
                        "SK": [f"fa {a} mínus dobropis {b}", f"úhrada {a} - dobropis {b}"],
                        "HU": [f"{a} és {b} jóváírás", f"Számla {a} - {b} helyesbítő"],
                    }.get(lang, [f"{a} less credit note {b}"])
                )
            ]

        t.render = render

    def s_deduction_text(self, e: str) -> None:
        got = self._basic(e, "deduction_text")
        if not got:
            return
        c, value = got
        (inv,) = self.take(
            c, value, pred=lambda i: i.total >= self.eur_to(40000, i.currency), no_discount=True
        )
        ccy = inv.currency
        ded = {"PLN": (5000, 80000), "CZK": (30000, 500000), "EUR": (1000, 20000), "HUF": (500000, 8000000)}[
            ccy
        ]
        d = min(self.rng.randint(*ded), inv.total // 3)
        if ccy == "HUF":
            d = max(10000, d // 10000 * 10000)
        elif ccy == "CZK":
            d = max(100, d // 100 * 100)
        t = self.new_tx(e, self.main_account(e, c.ccy), inv.total - d, value, "deduction_text")
        self._payer(t, c, on_file=True)
        t.rows = [(inv, inv.total, "invoice"), (inv, -d, "deduction")]
        lang = self.lang_of(c)

        def render() -> None:
            a, x = self.wr(inv), fmt_local(d, c.nat, self.rng)
            t.ustrd = [
                self.rng.choice(
                    {
                        "PL": [
                            f"{a} pomniejszona o {x} zł reklamacja",
                            f"Zapłata {a} potrącenie {x} PLN reklamacja towaru",
                            f"{a} minus {x} kara umowna",
                        ],
                        "CZ": [
                            f"fa {a} snížena o {x} Kč reklamace",
                            f"úhrada {a} po odečtu reklamace {x} Kč",
                            f"{a} minus {x} reklamace",
                        ],
                        "SK": [f"FA {a} znížené o {x} EUR reklamácia", f"{a} mínus {x} reklamácia"],
                        "HU": [
                            f"{a} kötbér levonva {x} Ft",
                            f"{a} - kötbér {x} Ft",
                            f"számla {a} mínusz {x} Ft kötbér",
                        ],
                    }.get(lang, [f"{a} less {x} damaged goods"])
                )
            ]

        t.render = render

    def s_skonto(self, e: str) -> None:
        value = self.day()
        ccy = str(ENTITIES[e]["ccy"])
        c = self._cust(e, value, lambda c: self._std(c) and c.ccy == ccy and c.discount is not None)
        if not c or c.discount is None:
            return
        pc, days = c.discount
        issue = value - timedelta(days=self.rng.randint(2, max(2, days - 1)))
        total = self.random_total(c)
        if ccy == "HUF":
            total = total // 10000 * 10000 or 10000
        inv = self.new_invoice(c, issue, total)
        inv.used = True
        disc = half_up(Decimal(inv.total) * pc / 100)
        t = self.new_tx(e, self.main_account(e, c.ccy), inv.total - disc, value, "skonto")
        self._payer(t, c, on_file=bool(c.ibans))
        t.rows = [(inv, inv.total, "invoice"), (inv, -disc, "deduction")]

        def render() -> None:
            word = (
                ""
                if self.rng.random() < 0.5
                else {"HU": f"{pc}% skontó", "PL": f"skonto {pc}%"}.get(c.nat, f"skonto {pc}%")
            )
            t.ustrd = [self.pay_text(c, [self.wr(inv)], word=word)]

        t.render = render

    def _charges(self, e: str, scenario: str) -> None:
        value = self.day()
        rng = self.rng
        if scenario == "bank_charges":
            pred: Callable[[Customer], bool] = lambda c: c.kind == "swift"  # noqa: E731
            ccy, lo, hi = "EUR", 500, 2000
        elif scenario == "charges_fx":
            pred = lambda c: c.kind == "foreign" and c.ccy == "EUR"  # noqa: E731
            ccy, lo, hi = "EUR", 500, 1500
        else:
            ccy = str(ENTITIES[e]["ccy"])
            pred = lambda c: c.kind == "xborder" and c.ccy == ccy  # noqa: E731
            lo, hi = {"PLN": (1000, 4000), "CZK": (10000, 30000), "HUF": (150000, 500000)}[ccy]
        c = self._cust(e, value, pred)
        if not c:
            return
        (inv,) = self.take(c, value, ccy=ccy, pred=lambda i: i.total > 20 * hi, no_discount=True)
        if inv.total <= 20 * hi:  # a new invoice too small for charges to be charges
            inv.total = (
                self.eur_to(rng.randint(50000, 400000), ccy) if ccy != "HUF" else rng.randint(20, 200) * 10000
            )
            inv.vat = 0
        ch = rng.randint(lo, hi)
        if ccy == "HUF":
            ch = ch // 100 * 100
        t = self.new_tx(e, self.main_account(e, ccy), inv.total - ch, value, scenario)
        self._payer(t, c, on_file=bool(c.ibans))
        t.rows = [(inv, inv.total, "invoice"), (inv, -ch, "deduction")]
        t.btc = ("PMNT", "RCDT", "XBCT")
        if rng.random() < 0.5:
            t.instd = inv.total

        def render() -> None:
            t.ustrd = [
                self.pay_text(c, [self.wr(inv)]).upper()
                if rng.random() < 0.5
                else self.pay_text(c, [inv.number])
            ]

        t.render = render

    def s_bank_charges(self, e: str) -> None:
        self._charges(e, "bank_charges")

    def s_charges_fx(self, e: str) -> None:
        self._charges(e, "charges_fx")

    def s_charges_local(self, e: str) -> None:
        self._charges(e, "charges_local")

    def s_partial(self, e: str) -> None:
        got = self._basic(e, "partial")
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value, pred=lambda i: i.total >= self.eur_to(30000, i.currency))
        paid = half_up(Decimal(inv.total) * Decimal(self.rng.uniform(0.2, 0.7)))
        if inv.currency in ("HUF", "CZK"):
            paid = max(100, paid // 100 * 100)
        t = self.new_tx(e, self.main_account(e, c.ccy), paid, value, "partial")
        self._payer(t, c, on_file=True)
        t.rows = [(inv, paid, "invoice")]
        lang = self.lang_of(c)

        def render() -> None:
            word = self.rng.choice(
                {
                    "PL": ["częściowa płatność", "część należności", "I rata", ""],
                    "CZ": ["částečná úhrada", "splátka", "1. splátka", ""],
                    "SK": ["čiastočná úhrada", "splátka", ""],
                    "HU": ["részfizetés", "részlet", "1. részlet", ""],
                }.get(lang, ["partial payment"])
            )
            t.ustrd = [self.pay_text(c, [self.wr(inv)], word=word)]

        t.render = render

    def s_overpayment(self, e: str) -> None:
        got = self._basic(e, "overpayment")
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value)
        excess = self.eur_to(self.rng.randint(2500, 30000), inv.currency)
        t = self.new_tx(e, self.main_account(e, c.ccy), inv.total + excess, value, "overpayment")
        self._payer(t, c, on_file=True)
        t.rows = [(inv, inv.total, "invoice"), (None, excess, "on_account")]
        t.checks = ["excess"]

        def render() -> None:
            t.ustrd = [self.pay_text(c, [self.wr(inv)])]

        t.render = render

    def s_duplicate(self, e: str) -> None:
        got = self._basic(e, "duplicate")
        if not got:
            return
        c, value = got
        if value > DAYS[-3]:
            value = DAYS[self.rng.randint(0, 10)]
        (inv,) = self.take(c, value)
        acct = self.main_account(e, c.ccy)
        t1 = self.new_tx(e, acct, inv.total, value, "duplicate_1st")
        self._payer(t1, c, on_file=True)
        t1.rows = [(inv, inv.total, "invoice")]
        later = [d for d in DAYS if value < d <= value + timedelta(days=8)]
        v2 = self.rng.choice(later) if later else DAYS[-1]
        t2 = self.new_tx(e, acct, inv.total, v2, "duplicate")
        t2.customer, t2.payer_name, t2.payer_iban = c.id, t1.payer_name, t1.payer_iban
        t2.rows = [(None, inv.total, "on_account")]
        t2.pair = t1.ref
        t2.checks = ["closed"]
        t2.check_args["inv"] = inv

        def render() -> None:
            t1.ustrd = [self.pay_text(c, [self.wr(inv)])]
            t2.ustrd = list(t1.ustrd)

        t1.render = render

    def bare_word(self, c: Customer) -> str:
        return self.rng.choice(
            {
                "PL": ["Płatność", "Zapłata", "PRZELEW", "zapłata za towar", "należność", "Przelew środków"],
                "CZ": ["Úhrada", "Platba", "PLATBA ZA ZBOZI", "úhrada závazku", ""],
                "SK": ["Úhrada", "platba", "úhrada za tovar", ""],
                "HU": ["Utalás", "átutalás", "kiegyenlítés", "ÁRU ELLENÉRTÉKE", ""],
            }.get(self.lang_of(c), ["PAYMENT", "Zahlung"])
        )

    def s_noref_unique(self, e: str) -> None:
        got = self._basic(e, "noref_unique")
        if not got:
            return
        c, value = got
        (inv,) = self.take(c, value)
        t = self.new_tx(e, self.main_account(e, c.ccy), inv.total, value, "noref_unique")
        self._payer(t, c, on_file=True)
        t.rows = [(inv, inv.total, "invoice")]
        t.checks = ["cust_unique"]

        def render() -> None:
            w = self.bare_word(c)
            t.ustrd = [w] if w else []

        t.render = render

    def s_noref_combo(self, e: str) -> None:
        got = self._basic(e, "noref_combo")
        if not got:
            return
        c, value = got
        invs = self.take(c, value, self.rng.randint(2, 3))
        t = self.new_tx(e, self.main_account(e, c.ccy), sum(i.total for i in invs), value, "noref_combo")
        self._payer(t, c, on_file=True)
        t.rows = [(i, i.total, "invoice") for i in invs]
        t.checks = ["combo"]

        def render() -> None:
            w = self.bare_word(c)
            t.ustrd = [w] if w else []

        t.render = render

    def _periodic(self, e: str, scenario: str) -> None:
        value = self.day()
        c = self._cust(
            e, value, lambda c: c.periodic and bool(c.ibans) and not getattr(c, "_periodic_used", False)
        )
        if not c:
            return
        setattr(c, "_periodic_used", True)  # noqa: B010
        eq = sorted(
            (i for i in self.items[c.id] if i.periodic and i.issue <= value),
            key=lambda i: (i.due, i.issue, i.key),
        )
        if len(eq) < 2 or (scenario == "month_named" and len(eq) < 2):
            return
        target = eq[0] if scenario == "fifo_equal" else self.rng.choice(eq[1:])
        t = self.new_tx(e, self.main_account(e, c.ccy), target.total, value, scenario)
        self._payer(t, c, on_file=True)
        t.rows = [(target, target.total, "invoice")]
        t.checks = {"fifo_equal": ["fifo"], "month_named": ["month"], "ref_equal_named": ["equal_named"]}[
            scenario
        ]
        if scenario == "ref_equal_named":
            t.render = lambda: setattr(t, "ustrd", [self.pay_text(c, [target.number])])
            return
        lang = self.lang_of(c)
        m = target.due.month

        def render() -> None:
            if scenario == "fifo_equal":
                t.ustrd = [self.rng.choice({
                    "PL": ["zlecenie stałe serwis", "abonament serwisowy", "opłata serwisowa"],
                    "CZ": ["trvalý příkaz servis", "servisní smlouva", "paušál servis"],
                    "SK": ["trvalý príkaz servis", "servisná zmluva"],
                    "HU": ["karbantartási díj", "állandó átutalás karbantartás"],
                }.get(lang, ["service contract"]))]  # fmt: skip
            else:
                mn = MONTHS.get(lang, MONTHS["PL"])[m]
                t.ustrd = [self.rng.choice({
                    "PL": [f"abonament serwisowy {mn} 2026", f"opłata serwisowa za {mn}"],
                    "CZ": [f"servisní poplatek {mn} 2026", f"paušál servis {mn}"],
                    "SK": [f"servisný poplatok {mn} 2026"],
                    "HU": [f"karbantartási díj 2026. {mn}", f"{mn} havi karbantartási díj"],
                }.get(lang, [f"service fee {mn}"]))]  # fmt: skip

        t.render = render

    def s_fifo_equal(self, e: str) -> None:
        self._periodic(e, "fifo_equal")

    def s_month_named(self, e: str) -> None:
        self._periodic(e, "month_named")

    def s_ref_equal_named(self, e: str) -> None:
        self._periodic(e, "ref_equal_named")

    def s_name_only(self, e: str) -> None:
        got = self._basic(e, "name_only", on_file=False)
        if not got:
            return
        c, value = got
        if c.kind in ("sub",):
            return
        (inv,) = self.take(c, value)
        t = self.new_tx(e, self.main_account(e, c.ccy), inv.total, value, "name_only")
        self._payer(t, c, on_file=False, heavy=True)
        t.rows = [(inv, inv.total, "invoice")]
        t.checks = ["book_unique"]

        def render() -> None:
            w = self.bare_word(c)
            t.ustrd = [w] if w else []

        t.render = render

    def s_namesake_unique(self, e: str) -> None:
        if not self.namesakes[e]:
            return
        value = self.day()
        pair = self.rng.choice(self.namesakes[e])
        c = pair[0]  # the payer's name is its own; the namesake's name holds every word of it
        if (c.id, value) in self.busy:
            return
        self.busy.add((c.id, value))
        (inv,) = self.take(c, value)
        t = self.new_tx(e, self.main_account(e, c.ccy), inv.total, value, "namesake_unique")
        t.customer = c.id
        t.payer_iban = iban(c.nat, self.rng)
        shared = pair[0]
        t.payer_name = self.payer_style(shared, t.account, heavy=True)
        t.rows = [(inv, inv.total, "invoice")]
        t.checks = ["namesake_one", "book_unique"]
        t.check_args["group"] = [x.id for x in pair]

        def render() -> None:
            w = self.bare_word(c)
            t.ustrd = [w] if w else []

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
        chosen = [s] + ([sibs[0]] if sibs and self.rng.random() < 0.4 else [])
        invs: list[Invoice] = []
        for x in chosen:
            self.busy.add((x.id, value))
            invs += self.take(x, value, self.rng.randint(1, 2))
        scenario = "group_parent" if s.parent_id else "group_parent_unknown"
        t = self.new_tx(e, self.main_account(e, s.ccy), sum(i.total for i in invs), value, scenario)
        gnat = next(n for g, n in GROUPS if g == s.group)
        form = GROUP_PARENT_FORM[gnat]
        t.customer = s.id
        t.payer_name = f"{s.group} {form}".upper() if self.rng.random() < 0.5 else f"{s.group} {form}"
        t.payer_iban = s.other_iban
        if not s.parent_id and self.rng.random() < 0.5:
            t.ultimate = s.name
        t.rows = [(i, i.total, "invoice") for i in invs]

        def render() -> None:
            nums = [i.number for i in invs]
            head = {"pl": "Zapłata za", "cz": "Úhrada faktur", "sk": "Úhrada faktúr", "hu": "Számlák:"}[e]
            t.ustrd = [f"{s.group} {head} {', '.join(nums)}"[:140]]
            if not all(n in t.ustrd[0] for n in nums):
                t.ustrd = [", ".join(nums)]

        t.render = render

    def s_third_party(self, e: str) -> None:
        got = self._basic(e, "third_party", on_file=False)
        if not got:
            return
        c, value = got
        invs = self.take(c, value, self.rng.randint(1, 2))
        t = self.new_tx(e, self.main_account(e, c.ccy), sum(i.total for i in invs), value, "third_party")
        fname = FACTORS[e][0]
        t.customer = c.id
        t.payer_name = fname.upper() if self.rng.random() < 0.5 else fname
        t.payer_iban = self.factor_iban[e]
        t.ultimate = c.name
        t.rows = [(i, i.total, "invoice") for i in invs]

        def render() -> None:
            nums = [i.number for i in invs]
            if e in ("cz", "sk") and len(invs) == 1 and self.rng.random() < 0.5:
                t.strd_refs = [invs[0].vs]
                t.ustrd = [f"faktoring {c.name}"[:140]]
            else:
                t.ustrd = [f"{', '.join(nums)} {c.name}"[:140]]

        t.render = render

    def s_eur_invoice(self, e: str) -> None:
        value = self.day()
        c = self._cust(e, value, lambda c: c.kind == "foreign" and c.ccy == "EUR")
        if not c:
            return
        (inv,) = self.take(c, value, ccy="EUR")
        t = self.new_tx(e, f"{e}_eur", inv.total, value, "eur_invoice")
        self._payer(t, c, on_file=bool(c.ibans))
        t.rows = [(inv, inv.total, "invoice")]

        def render() -> None:
            t.ustrd = [self.pay_text(c, [self.wr(inv)])]

        t.render = render

    def s_advance(self, e: str) -> None:
        got = self._basic(e, "advance", on_file=True)
        if not got:
            return
        c, value = got
        amount = self.eur_to(self.rng.randint(50000, 500000), c.ccy, whole=True)
        t = self.new_tx(e, self.main_account(e, c.ccy), amount, value, "advance")
        self._payer(t, c, on_file=True)
        t.payer_name = c.name if self.rng.random() < 0.7 else c.name.upper()
        t.rows = [(None, amount, "on_account")]
        t.checks = ["no_item_amount"]
        lang = self.lang_of(c)

        def render() -> None:
            t.ustrd = [self.rng.choice({
                "PL": ["zaliczka na poczet dostawy", "przedpłata za towar", "zaliczka"],
                "CZ": ["záloha na dodávku zboží", "platba předem", "záloha"],
                "SK": ["záloha na tovar", "platba vopred"],
                "HU": ["előleg megrendelésre", "előleg", "előleg szállításra"],
            }.get(lang, ["advance payment"]))]  # fmt: skip

        t.render = render

    # ------------------------------------------------------------------ traps
    def s_trap_vs_other(self, e: str) -> None:
        value = self.day()
        ccy = str(ENTITIES[e]["ccy"])
        a = self._cust(e, value, lambda c: self._std(c) and bool(c.ibans) and c.ccy == ccy)
        b = self._cust(e, value, lambda c: self._std(c) and c.ccy == ccy)
        if not a or not b or a.id == b.id:
            return
        (x,) = self.take(b, value)
        own = self.new_invoice(a, value - timedelta(days=self.rng.randint(5, 40)), x.total)
        own.used = True
        t = self.new_tx(e, self.main_account(e, ccy), x.total, value, "trap_vs_other", "trap")
        self._payer(t, a, on_file=True)
        t.checks = ["open_amount"]
        t.check_args["items"] = [x, own]

        def render() -> None:
            t.strd_refs = [x.vs]
            t.ustrd = ["Úhrada faktury" if a.nat == "CZ" else "Úhrada"]

        t.render = render

    def s_trap_typo_two(self, e: str) -> None:
        t = self.new_tx(
            e, self.main_account(e, str(ENTITIES[e]["ccy"])), 0, self.day(), "trap_typo_two", "trap"
        )
        t.payer_name = self.rng.choice(["Ing. Petr Svoboda", "MARTIN KOVAC", "Nagy Péter", "Jan Nowak"])
        t.payer_iban = iban(e.upper(), self.rng)
        t.checks = ["open_amount"]
        t.render = lambda: self._render_typo_two(t)

    def _render_typo_two(self, t: Tx) -> None:
        """After numbering: two invoices of two customers whose numbers differ in one digit of the serial, and a
        number one digit from both beyond the serials in use; the second invoice takes the first's amount."""
        e = t.entity
        ccy = str(ENTITIES[e]["ccy"])
        limit = t.value - timedelta(days=5)
        pool = [
            i
            for i in self.invoices
            if i.entity == e and not i.used and i.kind == "invoice" and i.series == "main" and i.currency == ccy
            and i.issue <= limit and i.issue.year == 2026 and not self.by_id[i.customer].namesake
        ]  # fmt: skip
        self.rng.shuffle(pool)
        by_key: dict[str, Invoice] = {}
        for i in pool:
            by_key[self.typo_key(i)] = i
        for x in pool:
            key = self.typo_key(x)
            for pos in self.serial_positions(x, key):
                ch = key[pos]
                for d in "123456789":
                    if d == ch:
                        continue
                    y = by_key.get(key[:pos] + d + key[pos + 1 :])
                    if not y or y.customer == x.customer or y.used or x.used:
                        continue
                    for d2 in "98765":
                        cand_key = key[:pos] + d2 + key[pos + 1 :]
                        if d2 in (ch, d):
                            continue
                        cand = cand_key
                        if self.free_number(e, cand):
                            x.used = y.used = True
                            y.total = x.total
                            t.amount = x.total
                            t.check_args["items"] = [x, y]
                            lang = e.upper()
                            if e in ("cz", "sk"):
                                t.strd_refs = [cand] if self.rng.random() < 0.5 else []
                                t.ustrd = [] if t.strd_refs else [f"VS:{cand} KS:0308 SS:"]
                            else:
                                t.ustrd = [{"PL": f"Zapłata za {cand}", "HU": f"Számla: {cand}"}[lang]]
                            return
        t.amount = 0

    @staticmethod
    def serial_positions(i: Invoice, key: str) -> list[int]:
        """Where the serial's digits are in a number (or VS): not the year, not the month."""
        if i.entity == "pl" and i.series in ("main", "cn"):
            return list(range(3, key.index("/", 3)))
        return [p for p in range(len(key) - 4, len(key)) if key[p].isdigit()]

    @staticmethod
    def typo_key(i: Invoice) -> str:
        if i.entity in ("cz", "sk"):
            return i.vs
        return i.number

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
        t = self.new_tx(e, self.main_account(e, pair[0].ccy), x.total, value, "trap_namesake", "trap")
        t.payer_name = self.payer_style(pair[0], t.account, heavy=True)
        t.payer_iban = iban(pair[0].nat, self.rng)
        t.checks = ["open_amount"]
        t.check_args["items"] = [x, y]
        t.render = lambda: setattr(t, "ustrd", [self.bare_word(pair[0])] if self.rng.random() < 0.7 else [])

    def s_trap_amount_two(self, e: str) -> None:
        value = self.day()
        ccy = str(ENTITIES[e]["ccy"])
        a = self._cust(e, value, lambda c: self._std(c) and c.ccy == ccy)
        b = self._cust(e, value, lambda c: self._std(c) and c.ccy == ccy)
        if not a or not b or a.id == b.id:
            return
        (x,) = self.take(a, value)
        y = self.new_invoice(b, value - timedelta(days=self.rng.randint(5, 40)), x.total)
        y.used = True
        t = self.new_tx(e, self.main_account(e, ccy), x.total, value, "trap_amount_two", "trap")
        t.payer_name = self.rng.choice(
            ["Tomasz Zieliński", "Pavel Horák", "Kiss Gábor", "Jozef Mráz", "Bau-Trade Handel"]
        )
        t.payer_iban = iban(e.upper(), self.rng)
        t.checks = ["open_amount"]
        t.check_args["items"] = [x, y]
        t.render = lambda: setattr(t, "ustrd", [self.bare_word(a)] if self.rng.random() < 0.6 else [])

    def s_trap_before_invoice(self, e: str) -> None:
        got = self._basic(e, "trap_before_invoice")
        if not got:
            return
        c, value = got
        later = self.new_invoice(c, value + timedelta(days=self.rng.randint(1, 10)))
        later.used = True
        t = self.new_tx(e, self.main_account(e, c.ccy), later.total, value, "trap_before_invoice", "trap")
        self._payer(t, c, on_file=True)
        t.allow_on_account = True
        t.checks = ["before"]
        t.check_args["items"] = [later]
        t.render = lambda: setattr(t, "ustrd", [self.bare_word(c)])

    def s_trap_ccy_crossed(self, e: str) -> None:
        value = self.day()
        ccy = str(ENTITIES[e]["ccy"])
        c = self._cust(e, value, lambda c: self._std(c) and c.ccy == ccy and bool(c.ibans))
        if not c:
            return
        (inv,) = self.take(c, value)
        eur = half_up(Decimal(inv.total) / FX[ccy])
        t = self.new_tx(e, f"{e}_eur", eur, value, "trap_ccy_crossed", "trap")
        self._payer(t, c, on_file=True)
        t.checks = ["no_ccy_item"]
        t.render = lambda: setattr(t, "ustrd", [self.pay_text(c, [inv.number])])

    def s_trap_ks_symbol(self, e: str) -> None:
        t = self.new_tx(
            e, self.main_account(e, str(ENTITIES[e]["ccy"])), 0, self.day(), "trap_ks_symbol", "trap"
        )
        t.payer_name = self.rng.choice(["Ing. Jiří Beneš", "PETER HUDAK", "Autodoprava Kubík"])
        t.payer_iban = iban(e.upper(), self.rng)
        t.checks = ["open_amount"]

        def render() -> None:
            ks_codes = {
                "0308",
                "0008",
                "0558",
                "1178",
                "0138",
                "0038",
                "0058",
                "0168",
                "0178",
                "0298",
                "0379",
            }
            limit = t.value - timedelta(days=5)
            pool = [
                i for i in self.invoices
                if i.entity == e and not i.used and i.kind == "invoice" and i.vs[-4:] in ks_codes
                and i.issue <= limit and i.currency == ENTITIES[e]["ccy"]
            ]  # fmt: skip
            if not pool:
                t.amount = 0
                return
            x = self.rng.choice(pool)
            x.used = True
            t.amount = x.total
            t.check_args["items"] = [x]
            t.ustrd = [
                self.rng.choice(
                    [f"VS: KS:{x.vs[-4:]} SS:", f"/VS//SS//KS/{x.vs[-4:]}", f"KS {x.vs[-4:]} platba"]
                )
            ]

        t.render = render

    # ------------------------------------------------------------------ non-customer credits
    def s_nc(self, e: str, kind: str) -> None:
        rng = self.rng
        ccy = str(ENTITIES[e]["ccy"])
        acct = f"{e}_main"
        value = self.day()
        t = self.new_tx(e, acct, self.eur_to(rng.randint(5000, 800000), ccy), value, kind, "nc")
        t.btc = ("PMNT", "RCDT", "DMCT")
        mode = rng.choice(["amount", "number", "plain"])
        t.check_args["mode"] = mode
        L = e.upper()
        if kind == "nc_tax":
            t.payer_name = {
                "PL": "URZĄD SKARBOWY W KRAKOWIE", "CZ": "Finanční úřad pro Jihomoravský kraj",
                "SK": "Daňový úrad Bratislava", "HU": "NAV Adó- és Vámhivatal",
            }[L]  # fmt: skip
            t.ustrd = [{
                "PL": "ZWROT PODATKU VAT ZA 01/2026", "CZ": "vratka nadměrného odpočtu DPH 01/2026",
                "SK": "vrátenie nadmerného odpočtu DPH 01/2026", "HU": "ÁFA visszatérítés 2026/01",
            }[L]]  # fmt: skip
        elif kind == "nc_social":
            t.payer_name = {"PL": "ZAKŁAD UBEZPIECZEŃ SPOŁECZNYCH", "CZ": "ČSSZ", "SK": "Sociálna poisťovňa",
                            "HU": "Magyar Államkincstár"}[L]  # fmt: skip
            t.ustrd = [{"PL": "ZWROT NADPŁATY SKŁADEK", "CZ": "vratka přeplatku pojistného",
                        "SK": "vrátenie preplatku poistného", "HU": "TB járulék visszautalás"}[L]]  # fmt: skip
        elif kind == "nc_interest":
            t.payer_name = ""
            t.btc = ("ACMT", "MCOP", "INTR")
            t.mt_code, t.mt_desc = "NINT", "KAPITALIZACJA ODSETEK"
            t.amount = self.eur_to(rng.randint(100, 20000), ccy)
            t.ustrd = [{"PL": "Odsetki od środków na rachunku 02/2026", "CZ": "Připsaný úrok 02/2026",
                        "SK": "Kreditný úrok 02/2026", "HU": "Kamatjóváírás 2026.02"}[L]]  # fmt: skip
        elif kind == "nc_card":
            t.payer_name = {"PL": rng.choice(["PayU S.A.", "PRZELEWY24 SP Z O O"]), "CZ": rng.choice(["Global Payments s.r.o.", "ComGate Payments, a.s."]),
                            "SK": "Global Payments s.r.o.", "HU": "OTP Mobil Kft. SimplePay"}[L]  # fmt: skip
            t.btc = ("PMNT", "MCRD", "POSC")
            t.ustrd = [
                f"{'Wypłata środków' if L == 'PL' else 'Vyúčtování karetních transakcí' if L == 'CZ' else 'Settlement'} {rng.randint(10**8, 10**9 - 1)}"
            ]
        elif kind == "nc_cashpool":
            t.payer_name, t.payer_iban = HOLDING[0], self.holding_iban
            t.btc = ("CAMT", "ACCB", "ZABA")
            t.ustrd = ["CASH POOLING ZERO BALANCING", f"CP {value:%Y%m%d}"]
        elif kind == "nc_intragroup":
            sister = rng.choice([k for k in ("pl", "cz", "sk", "hu") if k != e])
            t.payer_name = str(ENTITIES[sister]["name"])
            t.account = f"{e}_eur" if e != "sk" else "sk_main"
            t.currency = "EUR"
            t.amount = rng.randint(1_000_000, 20_000_000)
            t.payer_iban = self.own[f"{sister}_eur" if sister != "sk" else "sk_main"]
            t.ustrd = [f"Intercompany loan {rng.randint(1, 40)}/2026"]
        elif kind == "nc_loan":
            t.payer_name = {
                "PL": "mBank S.A.",
                "CZ": "Československá obchodní banka, a.s.",
                "SK": "Tatra banka, a.s.",
                "HU": "OTP Bank Nyrt.",
            }[L]
            t.btc = ("LDAS", "CSLN", "DDWN")
            t.mt_code, t.mt_desc = "NLDP", "URUCHOMIENIE KREDYTU"
            t.ustrd = [{"PL": "Uruchomienie kredytu obrotowego", "CZ": "Čerpání úvěru", "SK": "Čerpanie úveru",
                        "HU": "Hitel folyósítás"}[L]]  # fmt: skip
        elif kind == "nc_own_transfer":
            if e == "pl":
                t.payer_name, t.payer_iban = str(ENTITIES[e]["name"]), self.own["pl_vat"]
                t.ustrd = ["PRZEKSIĘGOWANIE ŚRODKÓW Z RACHUNKU VAT"]
            else:
                other = {"cz": "cz_kb", "sk": "sk_vub", "hu": "hu_kh"}[e]
                t.payer_name, t.payer_iban = str(ENTITIES[e]["name"]), self.own[other]
                t.ustrd = [
                    "převod mezi účty"
                    if e == "cz"
                    else "prevod medzi účtami"
                    if e == "sk"
                    else "átvezetés saját számlák között"
                ]
        elif kind == "nc_insurance":
            t.payer_name = {
                "PL": "PZU SA",
                "CZ": "Kooperativa pojišťovna, a.s.",
                "SK": "Allianz - Slovenská poisťovňa",
                "HU": "Generali Biztosító Zrt.",
            }[L]
            t.ustrd = [
                f"{'odszkodowanie szkoda nr' if L == 'PL' else 'pojistné plnění č.' if L == 'CZ' else 'poistné plnenie' if L == 'SK' else 'kártérítés'} {rng.randint(10**6, 10**7)}"
            ]
        elif kind == "nc_supplier_refund":
            t.payer_name = {
                "PL": "HUTA STALI SP Z O O",
                "CZ": "Třinecké železárny dodavatel a.s.",
                "SK": "Oceliarne Dodávateľ a.s.",
                "HU": "Dunai Acélmű Beszállító Zrt.",
            }[L]
            t.ustrd = [
                "zwrot nadpłaty"
                if L == "PL"
                else "vratka přeplatku"
                if L == "CZ"
                else "vrátenie preplatku"
                if L == "SK"
                else "túlfizetés visszautalása"
            ]
        elif kind == "nc_return":
            if e == "pl":
                t.account = "pl_ing"
            t.rvsl = True
            t.payer_name = {
                "PL": "DOSTAWCA NARZĘDZI SP Z O O",
                "CZ": "Dodavatel s.r.o.",
                "SK": "Dodávateľ s.r.o.",
                "HU": "Beszállító Kft.",
            }[L]
            t.ustrd = ["RETURN - ACCOUNT CLOSED AC04"]
            t.btc = ("PMNT", "ICDT", "RRTN")

        def render() -> None:
            if kind in ("nc_intragroup",):
                return
            pool = [
                i for i in self.invoices
                if i.entity == e and not i.used and i.kind == "invoice" and i.currency == t.currency
                and i.issue <= value - timedelta(days=3)
            ]  # fmt: skip
            if not pool:
                return
            x = self.rng.choice(pool)
            if mode == "amount":
                t.amount = x.total
            elif mode == "number":
                num = x.vs if e in ("cz", "sk") else x.number
                if e in ("cz", "sk") and kind in (
                    "nc_tax",
                    "nc_social",
                    "nc_insurance",
                    "nc_supplier_refund",
                ):
                    t.strd_refs = [num]
                else:
                    t.ustrd = [f"{t.ustrd[0] if t.ustrd else ''} {num}".strip()[:140]]
                if t.amount == x.total:
                    t.amount += 1700

        t.render = render

    # ------------------------------------------------------------------ numbering and rendering
    def number(self) -> None:
        rng = self.rng
        by_series: dict[tuple[str, str, str], list[Invoice]] = defaultdict(list)
        for i in self.invoices:
            if i.entity == "pl" and i.series in ("main", "cn"):
                k = f"{i.issue.year}-{i.issue.month:02d}"
            else:
                k = str(i.issue.year)
            by_series[(i.entity, i.series, k)].append(i)
        for (e, series, _k), invs in sorted(by_series.items()):
            invs.sort(key=lambda i: (i.issue, i.key))
            serial = 0
            for i in invs:
                age = (END - i.issue).days
                serial += (
                    rng.randint(1, 3 if age < 40 else 5 if age < 100 else 9)
                    if series != "cn"
                    else rng.randint(1, 3)
                )
                i.serial = serial
                y, m = i.issue.year, i.issue.month
                if e == "pl":
                    if series == "svc":
                        i.number = f"FV {y}/{m:02d}/{serial:05d}"
                    else:
                        i.number = f"{'FK' if series == 'cn' else 'FV'}/{serial}/{m:02d}/{y}"
                elif e == "cz":
                    i.number = f"{y}{(900000 if series == 'cn' else 0) + serial:06d}"
                    i.vs = i.number
                elif e == "sk":
                    i.number = f"{'DB' if series == 'cn' else 'FA'}{y}/{serial:05d}"
                    i.vs = f"{y}{serial:05d}"
                elif series == "eshop":
                    i.number = f"E-ABC-{y}-{serial}"
                else:
                    i.number = f"{'HSZ' if series == 'cn' else 'SZ'}-{y}/{serial:05d}"
        self._numbers: dict[str, set[str]] = defaultdict(set)
        self._digits: dict[str, set[str]] = defaultdict(set)
        self._canon: dict[str, set[str]] = defaultdict(set)
        for i in self.invoices:
            self._numbers[i.entity].add(i.number)
            self._canon[i.entity].add(canonical(i.number))
            for form in (i.number, i.vs):
                if form:
                    d = "".join(ch for ch in form if ch.isdigit())
                    self._digits[i.entity].add(d.lstrip("0"))
                    # the written forms a payer may use: without the year, the serial alone
                    self._digits[i.entity].add(str(i.serial))
        assert len({(i.entity, i.number) for i in self.invoices}) == len(self.invoices)

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

    # ------------------------------------------------------------------ the final book, re-checked
    def verify(self) -> None:
        """Re-checks every truth over the final book in booking order and drops the payments whose truth no
        longer holds, until none is dropped."""
        for _ in range(12):
            fails = self._simulate()
            if not fails:
                return
            gone = set(fails)
            for t in self.txs:
                if t.ref in gone:
                    self.dropped[t.scenario] += 1
            self.txs = [t for t in self.txs if t.ref not in gone]
            dropped_refs = gone
            # a pair whose first payment is gone goes too
            extra = {t.ref for t in self.txs if t.pair and t.pair in dropped_refs}
            for t in self.txs:
                if t.ref in extra:
                    self.dropped[t.scenario] += 1
            self.txs = [t for t in self.txs if t.ref not in extra]

    def order(self) -> list[Tx]:
        return sorted(self.txs, key=lambda t: (t.value, ACCOUNT_ORDER[t.account], t.seq))

    def _simulate(self) -> list[str]:
        open_ = {i.key: i.signed for i in self.invoices}
        by_cust: dict[str, list[Invoice]] = defaultdict(list)
        by_ent: dict[str, list[Invoice]] = defaultdict(list)
        for i in self.invoices:
            by_cust[i.customer].append(i)
            by_ent[i.entity].append(i)
        fails: list[str] = []
        for t in self.order():
            if t.debit:
                continue
            why = self._check(t, open_, by_cust, by_ent)
            if why:
                fails.append(t.ref)
                continue
            for i, a, k in t.rows:
                if i is not None and k == "invoice":
                    open_[i.key] -= a
        return fails

    def _check(
        self,
        t: Tx,
        open_: dict[int, int],
        by_cust: dict[str, list[Invoice]],
        by_ent: dict[str, list[Invoice]],
    ) -> str:
        def items_of(cid: str) -> list[Invoice]:
            return [
                i
                for i in by_cust[cid]
                if i.kind == "invoice"
                and i.currency == t.currency
                and i.issue <= t.value
                and open_[i.key] > 0
            ]

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
                k = len(want)
                found = []
                for size in range(2, k + 1):
                    for combo in itertools.combinations(mine, size):
                        if sum(open_[i.key] for i in combo) == t.amount:
                            found.append(sorted(i.key for i in combo))
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
            elif chk == "equal_named":
                target = t.rows[0][0]
                assert target is not None
                eq = [i for i in items_of(t.customer) if open_[i.key] == t.amount]
                if target not in eq or len(eq) < 2:
                    return "no equal item beside the one named"
            elif chk == "month":
                target = t.rows[0][0]
                assert target is not None
                eq = [i for i in items_of(t.customer) if open_[i.key] == t.amount]
                if target not in eq or sum(1 for i in eq if i.due.month == target.due.month) != 1:
                    return "month not unique"
            elif chk == "book_unique":
                hits = [
                    i
                    for i in by_ent[t.entity]
                    if i.kind == "invoice"
                    and i.currency == t.currency
                    and i.issue <= t.value
                    and open_[i.key] == t.amount
                ]
                if [i.key for i in hits] != [t.rows[0][0].key]:  # type: ignore[union-attr]
                    return "amount not unique in the book"
            elif chk == "namesake_one":
                hits = [
                    i for cid in t.check_args["group"] for i in items_of(str(cid)) if open_[i.key] == t.amount
                ]  # type: ignore[attr-defined]
                if len(hits) != 1:
                    return "several namesakes with the amount"
            elif chk == "excess":
                excess = sum(a for i, a, k in t.rows if k == "on_account")
                inv = t.rows[0][0]
                others = [open_[i.key] for i in items_of(t.customer) if i is not inv]
                for size in (1, 2, 3):
                    if any(sum(c) == excess for c in itertools.combinations(others, size)):
                        return "the excess is an item or a sum of items"
            elif chk == "closed":
                inv = t.check_args["inv"]
                if open_[inv.key] != 0:  # type: ignore[attr-defined]
                    return "the duplicate's invoice still open"
            elif chk == "no_item_amount":
                if any(open_[i.key] == t.amount for i in items_of(t.customer)):
                    return "an item of the advance's amount"
            elif chk == "open_amount":
                for i in t.check_args.get("items", []):  # type: ignore[attr-defined]
                    if open_[i.key] != t.amount or i.issue > t.value:
                        return "trap's items no longer open"
                if not t.check_args.get("items"):
                    return "trap not built"
            elif chk == "before":
                mine = items_of(t.customer)
                for size in (1, 2, 3):
                    if any(
                        sum(open_[i.key] for i in c) == t.amount for c in itertools.combinations(mine, size)
                    ):
                        return "an earlier item or combination makes the amount"
            elif chk == "no_ccy_item":
                mine = items_of(t.customer)
                for size in (1, 2, 3):
                    if any(
                        sum(open_[i.key] for i in c) == t.amount for c in itertools.combinations(mine, size)
                    ):
                        return "an item in the payment's currency makes the amount"
            elif chk == "typo_free":
                typo = str(t.check_args.get("typo", ""))
                if not typo or not self.free_number(t.entity, typo):
                    return "typo is a number of the book"
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
                    "parent_id",
                    "payment_terms_days",
                ]
            )
            for c in self.customers:
                w.writerow([c.id, c.name, "AT" if c.nat == "AT" else c.nat, c.vat, ";".join(c.ibans),
                            f"ap{c.id}@example.com", LANG.get(c.nat, "en"), c.entity, c.parent_id, c.terms])  # fmt: skip

    def write_invoices(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["number", "customer_id", "issue_date", "due_date", "currency", "total", "structured_reference",
                        "entity", "kind", "net", "vat", "rate", "payment_terms", "discount_percent", "discount_days"])  # fmt: skip
            for i in sorted(self.invoices, key=lambda i: (i.entity, i.issue, i.key)):
                w.writerow([i.number, i.customer, i.issue.isoformat(), i.due.isoformat(), i.currency, fmt_amount(i.total), "",
                            i.entity, i.kind, fmt_amount(i.total - i.vat), fmt_amount(i.vat), i.rate, i.terms_text,
                            i.discount_percent or "", i.discount_days or ""])  # fmt: skip

    def write_truth(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["tx_ref", "invoice_number", "amount", "status", "kind", "scenario", "country"])
            for t in self.order():
                if t.debit:
                    continue
                if t.kind == "customer":
                    for n, a, k in t.truth:
                        w.writerow([t.ref, n, fmt_amount(a), "applied", k, t.scenario, t.country])
                else:
                    w.writerow(
                        [t.ref, "", fmt_amount(t.amount), "unmatched", "unrelated", t.scenario, t.country]
                    )

    def statements(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        paths: list[Path] = []
        balance = {k: 10_000_000 + i * 1_000_000 for i, k in enumerate(ACCOUNTS)}
        seqs: Counter[str] = Counter()
        grouped: dict[tuple[date, str], list[Tx]] = defaultdict(list)
        for t in self.order():
            grouped[(t.value, t.account)].append(t)
        for d in DAYS:
            for acct in ACCOUNTS:
                txs = grouped.get((d, acct), [])
                if not txs and ACCOUNTS[acct][3].startswith("camt054"):
                    continue
                seqs[acct] += 1
                fmt = ACCOUNTS[acct][3]
                opening = balance[acct]
                balance[acct] += sum(-t.amount if t.debit else t.amount for t in txs)
                ext = "sta" if fmt == "mt940" else "xml"
                p = folder / f"{d:%Y%m%d}_{ACCOUNT_ORDER[acct]:02d}_{acct}.{ext}"
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
            return f"{c // 100},{c % 100:02d}"

        def bal(tag: str, c: int, dd: date) -> str:
            return f"{tag}{'C' if c >= 0 else 'D'}{dd:%y%m%d}{ccy}{amt(abs(c))}"

        lines = [
            f":20:{acct.upper()}{d:%y%m%d}",
            f":25:{self.own[acct]}",
            f":28C:{seq:05d}/001",
            bal(":60F:", opening, d),
        ]
        for t in txs:
            lines.append(
                f":61:{t.value:%y%m%d}{t.value:%m%d}{'D' if t.debit else 'C'}{amt(t.amount)}{'NTRF' if t.debit else t.mt_code}NONREF//{t.ref}"
            )
            text = strip_accents(" ".join(t.ustrd + t.strd_refs))
            for b in range(27, min(len(text), 6 * 27), 27):
                if text[b - 1] != " " and text[b] != " ":
                    lo, hi = text.rfind(" ", 0, b) + 1, text.find(" ", b)
                    word = text[lo : hi if hi >= 0 else len(text)]
                    t.cut = t.cut or any(ch.isdigit() for ch in word)
            sub = [f"?00{strip_accents(t.mt_desc) if not t.debit else 'PRZELEW WYCHODZACY'}"]
            for k, part in enumerate(chunks(text, 27)[:6]):
                sub.append(f"?2{k}{part}")
            name = strip_accents(t.payer_name).upper()
            if name:
                sub.append(f"?32{name[:27]}")
                if len(name) > 27:
                    sub.append(f"?33{name[27:54]}")
            if t.payer_iban:
                sub.append(f"?38{t.payer_iban}")
            body = ("020" if not t.debit else "010") + "".join(sub)
            cut = 65
            while cut < len(body) and body[cut] in "-:":
                cut -= 1
            lines.append(":86:" + body[:cut])
            rest = body[cut:]
            while rest:
                cut = 65
                while cut < len(rest) and rest[cut] in "-:":
                    cut -= 1
                lines.append(rest[:cut])
                rest = rest[cut:]
        lines += [bal(":62F:", closing, d), "-"]
        return "\r\n".join(lines) + "\r\n"

    def camt(self, acct: str, d: date, txs: list[Tx], opening: int, closing: int, seq: int) -> str:
        e = escape
        _ent, ccy, _bank, fmt, bic = ACCOUNTS[acct]
        v8 = fmt.endswith("v08")
        ntf = fmt.startswith("camt054")
        msg = "camt.054" if ntf else "camt.053"
        ver = "08" if v8 else "02"
        root = "BkToCstmrDbtCdtNtfctn" if ntf else "BkToCstmrStmt"
        block = "Ntfctn" if ntf else "Stmt"
        mid = f"{acct.upper()}-{d:%Y%m%d}"
        out = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:{msg}.001.{ver}"><{root}>',
            f"<GrpHdr><MsgId>{mid}</MsgId><CreDtTm>{d.isoformat()}T20:00:00</CreDtTm></GrpHdr>",
            f"<{block}><Id>{mid}</Id><ElctrncSeqNb>{seq}</ElctrncSeqNb><CreDtTm>{d.isoformat()}T20:00:00</CreDtTm>",
            f"<Acct><Id><IBAN>{self.own[acct]}</IBAN></Id><Ccy>{ccy}</Ccy><Svcr><FinInstnId>{'<BICFI>' if v8 else '<BIC>'}{bic}{'</BICFI>' if v8 else '</BIC>'}</FinInstnId></Svcr></Acct>",
        ]

        def a(tag: str, c: int, cur: str = ccy) -> str:
            return f'<{tag} Ccy="{cur}">{fmt_amount(c)}</{tag}>'

        if not ntf:
            for code, val in (("OPBD", opening), ("CLBD", closing)):
                out.append(
                    f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>{a('Amt', abs(val))}"
                    f"<CdtDbtInd>{'CRDT' if val >= 0 else 'DBIT'}</CdtDbtInd><Dt><Dt>{d.isoformat()}</Dt></Dt></Bal>"
                )
        for t in txs:
            ind = "DBIT" if t.debit else "CRDT"
            sts = "<Sts><Cd>BOOK</Cd></Sts>" if v8 else "<Sts>BOOK</Sts>"
            rv = "<RvslInd>true</RvslInd>" if t.rvsl else ""
            dom, fam, sub = ("PMNT", "ICDT", "DMCT") if t.debit else t.btc
            btc = f"<BkTxCd><Domn><Cd>{dom}</Cd><Fmly><Cd>{fam}</Cd><SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn></BkTxCd>"
            x = f"<Ntry>{a('Amt', t.amount)}<CdtDbtInd>{ind}</CdtDbtInd>{rv}{sts}<BookgDt><Dt>{t.value.isoformat()}</Dt></BookgDt>"
            x += f"<ValDt><Dt>{t.value.isoformat()}</Dt></ValDt><AcctSvcrRef>{t.ref}</AcctSvcrRef>{btc}<NtryDtls><TxDtls>"
            x += f"<Refs><AcctSvcrRef>{t.ref}</AcctSvcrRef><EndToEndId>NOTPROVIDED</EndToEndId></Refs>"
            if v8:
                x += f"{a('Amt', t.amount)}<CdtDbtInd>{ind}</CdtDbtInd>"
            if t.instd:
                x += f"<AmtDtls><InstdAmt>{a('Amt', t.instd)}</InstdAmt><TxAmt>{a('Amt', t.amount)}</TxAmt></AmtDtls>"
            party = "Cdtr" if t.debit else "Dbtr"
            rp = ""
            if t.payer_name:
                nm = e(t.payer_name[:70] if not v8 else t.payer_name[:140])
                rp += (
                    f"<{party}><Pty><Nm>{nm}</Nm></Pty></{party}>"
                    if v8
                    else f"<{party}><Nm>{nm}</Nm></{party}>"
                )
            if t.payer_iban:
                rp += f"<{party}Acct><Id><IBAN>{t.payer_iban}</IBAN></Id></{party}Acct>"
            if t.ultimate:
                u = e(t.ultimate[:70])
                rp += (
                    f"<UltmtDbtr><Pty><Nm>{u}</Nm></Pty></UltmtDbtr>"
                    if v8
                    else f"<UltmtDbtr><Nm>{u}</Nm></UltmtDbtr>"
                )
            if rp:
                x += f"<RltdPties>{rp}</RltdPties>"
            rmt = ""
            for line in t.ustrd:
                pieces = chunks(line, 35) if acct in ("pl_ing",) else [line[:140]]
                for piece in pieces:
                    if piece:
                        rmt += f"<Ustrd>{e(piece)}</Ustrd>"
            for r in t.strd_refs:
                rmt += f"<Strd><CdtrRefInf><Ref>{e(r)}</Ref></CdtrRefInf></Strd>"
            for nb, due, paid in t.strd_docs:
                rmt += (
                    f"<Strd><RfrdDocInf><Tp><CdOrPrtry><Cd>CINV</Cd></CdOrPrtry></Tp><Nb>{e(nb)}</Nb></RfrdDocInf>"
                    f"<RfrdDocAmt>{a('DuePyblAmt', due)}{a('RmtdAmt', paid)}</RfrdDocAmt></Strd>"
                )
            if rmt:
                x += f"<RmtInf>{rmt}</RmtInf>"
            x += "</TxDtls></NtryDtls></Ntry>"
            out.append(x)
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


# ----------------------------------------------------------------------------------------
# checks of the generated files
# ----------------------------------------------------------------------------------------


def check_files(gen: Generator, statements: list[Path]) -> None:
    assert all(iban_valid(i) for i in gen.own.values())
    assert all(iban_valid(i) for c in gen.customers for i in c.ibans)
    assert all(iban_valid(t.payer_iban) for t in gen.txs if t.payer_iban)
    assert len({t.ref for t in gen.txs}) == len(gen.txs)
    for i in gen.invoices:
        assert i.total > 0 and i.number, i
    for t in gen.txs:
        if t.kind == "customer":
            assert sum(a for _n, a, _k in t.truth) == t.amount, (t.scenario, t.truth, t.amount)
        assert t.amount > 0 and all(len(u) <= 140 for u in t.ustrd), t
    for p in statements:
        if p.suffix != ".xml" or "camt054" in ACCOUNTS[p.stem.split("_", 2)[2]][3]:
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
    home = Path(tempfile.mkdtemp(prefix="encaisse-cee-"))
    steps: list[tuple[str, list[str]]] = []
    for code, ent in ENTITIES.items():
        ibans = [x for k in ACCOUNTS if ACCOUNTS[k][0] == code for x in ("--iban", gen.own[k])]
        steps.append(
            (
                f"init-{code}",
                ["init", "--code", code, "--name", str(ent["name"]), "--country", str(ent["country"]),
                 "--currency", str(ent["ccy"]), *ibans],
            )
        )  # fmt: skip
    steps += [
        ("import-customers", ["import-customers", str(out / "customers.csv")]),
        ("import-invoices", ["import-invoices", str(out / "invoices.csv")]),
        ("import-statement", ["import-statement", *map(str, sorted(statements))]),
        ("match", ["match"]),
        ("export-allocations", ["export-allocations", "-o", str(out / "out.csv")]),
        ("review", ["review", "--format", "json", "--limit", "1000000"]),
    ]
    timings, problems, results = run_steps(exe, steps, home)
    for name, p in results.items():
        (out / f"{name}.log").write_text(step_log(p, tail=20000) if name == "review" else step_log(p))
    (out / "review.json").write_text(results["review"].stdout if "review" in results else "[]")
    shutil.rmtree(home, ignore_errors=True)
    return timings, problems


_WHY: dict[str, str] = {}


def miss_row(t: Tx, issue: str, rows: list[Row]) -> list[str]:
    truth = "; ".join(f"{n or '-'}:{fmt_amount(a)}:{k}" for n, a, k in t.truth) or "not applied"
    prod = "; ".join(f"{s}:{n or '-'}:{fmt_amount(a)}:{k}:{c}" for n, a, k, s, c in rows) or "(absent)"
    return [
        t.scenario, issue, t.ref, fmt_amount(t.amount), t.currency, t.value.isoformat(), t.payer_name, t.payer_iban,
        t.ultimate, t.remittance(), truth, prod, t.country, t.fmt, _WHY.get(t.ref, ""),
    ]  # fmt: skip


def score(gen: Generator, out: Path) -> dict[str, object]:
    credits = [t for t in gen.txs if not t.debit]
    _WHY.clear()
    _WHY.update(load_why(out))
    groups = {"by_country": lambda t: t.country, "by_format": lambda t: t.fmt}
    return scores_by(credits, out, miss_row, [*MISS_COLUMNS, "country", "format", "why"], groups)


_TITLES = 26  # the width of the tables' first column


def print_table(result: dict[str, object]) -> str:
    return grouped_table(result, _TITLES, (("country", "by_country"), ("statement format", "by_format")))


def main(argv: list[str] | None = None) -> int:
    return run_generated_check(
        __doc__,
        argv,
        prefix="blackbox-cee-",
        generator=Generator,
        check_files=check_files,
        run_product=run_product,
        score=score,
        print_table=print_table,
    )


if __name__ == "__main__":
    sys.exit(main())
