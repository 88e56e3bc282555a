"""Ninth independent black-box check of cash application: a French IT firm selling to the public sector.

What it is: a generator of the receivables of a French IT-services and software company (entity FR, EUR) and
one month of its bank statements, with the ground truth in the ``export-allocations`` format (docs/cashapp.md,
"Accounting rows"), designed from the user documentation only (docs/cashapp.md, docs/cli.md, docs/banking.md,
docs/invoicing.md) and from how French public bodies, large groups and subscribers pay. The product is driven
only through its command line on a fresh SQLite workspace (``init``, ``import-customers``,
``import-invoices``, ``import-statement``, ``match``, ``export-allocations``, and ``review --format json`` for
the explanation of what it left to a person) and its export is scored per scenario and per variant.

The seller and its book
-----------------------
Numeris Services SAS (Lyon) sells software licences, maintenance, consulting days and a SaaS ("Numeris Cloud")
to about 720 customers (0.36 per credit):

- about 300 public bodies, none of which pays itself: its public accountant pays (a ``payer``, not a
  customer): State services in the region and ministries in Paris, paid through Chorus Pro by the "DRFIP
  AUVERGNE RHONE ALPES ET DU RHONE" and the "DR DGFIP PARIS" (each for 25–35 customers); three régions and ten
  départements and the Métropole de Lyon, each paid by its own paierie; 150 communes, CCAS, caisses des écoles
  and groupings paid by nine shared accountants ("DGFIP SGC LYON MUNICIPAL", "SGC VILLEURBANNE"…); hospitals
  paid by their own treasury (HCL, the CHUs) or by three shared hospital treasuries; universities by their
  agence comptable; 60 lycées and collèges by ten agences comptables, each named after the lycée that hosts it
  ("AGENCE COMPTABLE LYCEE AMPERE"). Every accountant has one account at the Banque de France (30001); it is
  on file (``iban``) for 85 % of the bodies an accountant pays alone and for 40 % of those it pays with
  others, as an AR clerk records it;
- 20 groups whose shared-service centre abroad (Poland, Portugal, Romania, Spain, Czechia, Ireland: "ALTIVA
  GBS SP Z O O", "BERTHELOT GLOBAL BUSINESS SERVICES PORTUGAL UNIPESSOAL LDA") pays for 3–6 French
  subsidiaries; for 12 of them a holding customer carries the centre's account and is the subsidiaries'
  ``parent_id``, for 8 nothing links the centre to them. Invoices carry the group's SAP purchase order
  (``order_reference`` 45xxxxxxxx); a quarter offer 1 % within 10 days;
- 130 companies paying from their own account (on file for 85 %; ten in Switzerland and the UK), 26 of them
  through a reverse-factoring company ("BNP PARIBAS FACTOR"…) whose account is on file for half of them;
- 200 SaaS subscribers billed monthly (equal amounts, issued on the 1st or the 15th, due four days later): 165
  collected by SEPA direct debit (mandate ``NUM-MDT-…``), 35 paying by standing order.

Numbering: invoices ``FA-2026-01234`` and credit notes ``AV-2026-00057`` (five-digit serial restarting each
year, with the gaps of the invoices paid before March, a billing run numbered consecutively), issued September
2025 – March 2026, about five open documents per credit (the later ones not yet payable). State invoices carry
their engagement juridique (EJ, ``order_reference`` 13xxxxxxxx; one in five EJ is shared by two or three
invoices of the contract), 30 % of local bodies' a purchase order ``BC…``. No structured reference (French
practice).

Statements: March 2026, one camt.053 per business day and account, both the entity's own (``init --iban``):
LCL (camt.053.001.08, names as sent) and Société Générale (camt.053.001.02, names cut at 35 characters, 30 %
of texts in ``Ustrd`` lines of 35 characters, the rest in chunks of 140). The seller's direct-debit
collections are booked by LCL as one batch entry (``Btch``, one ``TxDtls`` per debtor with ``EndToEndId`` and
``MndtId``, bank code PMNT/IDDT/ESDD) and by Société Générale one entry each. A few debits each day (not
scored).

Why each truth is what it is
----------------------------
The truth is the rows a careful clerk would post from the bank data and the book alone (``invoice`` rows
settle an invoice, negative for a netted credit note; ``deduction`` rows are what the payer kept back on an
invoice the payment closes; ``on_account`` rows carry money without an invoice); a payment left to a person
has no truth rows (a trap). Every truth that depends on the book (open in full, a unique amount, a
combination, first in first out, a month, an EJ naming one item) is re-checked by replaying the credits in
booking order over the final book, and the credit is dropped when it no longer holds ("dropped" in the first
line, by scenario and check). Also dropped, as docs/cashapp.md ("Third parties") says, a payment by an account
on file for other customers (and not for the invoice's customer) when one of those customers has an open item
of exactly the amount: the docs leave it to a person (an accountant's account on file for several bodies is
read as "another customer's" here too, literally).

Public bodies (the payer is the accountant, never the customer; texts in Chorus Pro style — ``DRFIP 69 DP
1012345678 EJ 1312345678 FACT FA-2026-01234``, ``PAIEMENT CHORUS N DP 2026-000987 … SIRET <the seller's>``,
``/RFB/FA-2026-01234/DP/…`` — or HELIOS style — ``MANDAT 2026-001234 BORD 456 FACT …``, ``MDT 1234 BDX 56 EX
2026``, ``VIR DGFIP N MANDAT … N BORDEREAU …``, the body's name first in 30 %):

- ``pub_chorus_ref`` / ``pub_helios_ref``: the invoice number as printed (or compact), amount to the cent —
  that invoice (docs: a full number unique in the book and the amount say which invoice without the payer);
- ``pub_ref_mangled``: the number with its year but mangled (``FA2026-01234``, ``2026 01234``,
  ``FA-2026-1234``, ``FA/2026/01234``, ``FA-26-01234``, ``FA2601234``…) — that invoice;
- ``pub_ref_serial``: the serial alone (``FACTURE N 1234``) from a local body's accountant, exactly one open
  invoice of the book with that serial having the amount — that invoice (the amount tells the year; beyond the
  letter of the docs, which say it for a certain customer);
- ``pub_ej_only``: only the DP number and the EJ, which one open invoice carries, amount to the cent — that
  invoice; ``pub_ej_shared_one``: an EJ two or three open invoices of different amounts share, the amount that
  of one — that one; ``pub_ej_shared_all``: the amount their sum — all of them (docs/cli.md: cash application
  reads the ``order_reference`` in remittance texts; the docs' third-party rule names invoice numbers and
  structured references only);
- ``pub_multi_inv``: two to four invoices of one body listed; ``pub_multi_cust``: the DRFIP pays invoices of
  two or three State services in one transfer, each named in full — those invoices;
- ``pub_retenue`` / ``pub_penalites`` / ``pub_refaction``: the invoice named and a retention of 5 % (retenue
  de garantie), late-delivery penalties or a réfaction written with its amount — the invoice in full and one
  deduction of that amount (docs: "A deduction the text names is one deduction");
- ``pub_acompte``: "ACOMPTE N 1 SUR FACT …", "PAIEMENT PARTIEL FACT …" — an invoice row of the amount paid;
- ``pub_sole_payer``: an accountant that pays for one body only, its account on file for it, mandate and
  bordereau only, the amount that of one open item of that body — that item (a certain customer and the
  amount);
- ``pub_named_in_text``: a shared accountant names the body ("COMMUNE DE BRON MDT 1234 BDX 56"), no number,
  the amount that of one open item of that body — that item (beyond the documented rules: the docs read the
  payer's name, not a name in the text);
- ``pub_duplicate_1st`` / ``pub_duplicate``: a mandate paid twice days apart — the invoice, then on account
  whole.

Groups (the shared-service centre pays; variants "SSC on file (parent)" / "SSC not on file"):

- ``grp_strd``: a payment run of 2–7 documents of 1–3 subsidiaries, one ``Strd`` each (``RfrdDocInf``
  CINV/CREN, the number as printed, compact or without prefix, ``RfrdDocAmt`` with due, ``DscntApldAmt``
  within the discount days, ``AdjstmntAmtAndRsn`` for SLA or late-delivery penalties, price differences,
  ``CdtNoteAmt``) — every invoice in full, credit notes negative, per invoice one deduction of what the run
  keeps back;
- ``grp_ustrd``: the invoices listed in the free text; ``grp_single``: one invoice; ``grp_po``: the purchase
  order only, unique in the book, amount to the cent; ``grp_netted``: an invoice less a credit note — those
  documents.

Companies (own account; variants "account on file" / not):

- ``co_ref`` (as printed, 20 % from an account not on file), ``co_mangled`` (any written form, also the serial
  alone, when it is one of the customer's items only), ``co_typo`` (one digit wrong, swapped or dropped in the
  serial, no other item of the customer one edit away, amount to the cent) — that invoice;
- ``co_noref_unique`` / ``co_noref_combo``: no reference, the only item of the amount / the only combination
  of the fewest items (the docs' oldest-items-in-order rule checked too) — those items;
- ``co_range``: a billing run of consecutive numbers paid as a range or a suffix list ("FA-2026-00451 A
  00453", "DU … AU …", "FA-2026-00451/452/453", "Factures … à 453") — those invoices;
- ``co_overpay`` (the invoice and the excess on account; the excess no item nor sum of two or three of the
  customer's), ``co_duplicate_1st`` / ``co_duplicate`` (the second on account whole), ``co_partial`` ("ACOMPTE
  SUR FACTURE …": an invoice row of the amount paid), ``co_advance`` ("ACOMPTE COMMANDE …", no item of the
  amount: on account whole), ``co_credit_netted`` (invoice and credit note named: both rows);
- ``co_fx``: a Swiss or British customer pays a EUR invoice from its CHF or GBP account (``AmtDtls/InstdAmt``
  with the rate), 2–20 EUR short after conversion — the invoice in full and a deduction (charges within the
  tolerance);
- ``co_factor``: a reverse-factoring company pays one or two invoices of a customer (ultimate debtor named in
  half), numbers in full, to the cent — those invoices.

Subscriptions:

- ``sdd_batch_e2e`` / ``sdd_single``: the collection's ``EndToEndId`` is the invoice number (an older month's
  collection re-presented in the batch too) — that invoice;
- ``sdd_batch_subref``: ``EndToEndId`` a subscription reference ``ABO-<customer>-2603``, text without a month
  — the oldest of the customer's equal open items (first in, first out by due date, the contract's rule when
  nothing says which), so February's when February's collection came back;
- ``saas_month_named``: a standing order naming the month ("ABONNEMENT MARS 2026", "03/2026" beside
  "Abonnement") — that month's item; ``saas_fifo``: no month — the oldest.

Traps (nothing may be applied to an invoice; "on acct ok" where the whole amount on account is acceptable):

- ``trap_treasury_two``: a shared accountant pays with its mandate and bordereau only an amount that two or
  more of the bodies it pays for have open; ``trap_treasury_amount_only``: the amount is that of one open item
  in the whole book (a third of them from an EPLE agency, mostly the item of its head lycée, whose name the
  agency bears); ``trap_mandate_number``: the same with a mandate number written like one of our numbers
  ("MANDAT 2026-15364"). A careful clerk does not apply an amount alone when the payer pays for dozens of
  bodies. The variant says for how many of the bodies with the amount the account is on file: for exactly one,
  the documented rule ("the customer is certain when the payer's account was seen for it") would apply it —
  counted wrong here, reported apart;
- ``trap_drfip_region``: the DRFIP pays with a DP number only an amount that only the Région
  Auvergne-Rhône-Alpes has open (paid by its paierie; the DRFIP's name looks like the Région's);
- ``trap_ej_partial``: an EJ two open invoices share and an amount that is neither nor their sum (on acct ok);
- ``trap_before_invoice``: a company pays an amount whose only item is issued after the payment (on acct ok);
- ``trap_month_taken``: a subscriber pays "ABONNEMENT FEVRIER" a second time while March's equal item is open
  (docs: a month whose item an earlier payment took leaves the payment to a person; on acct ok).

Non-customer credits (``nc_*``; nothing may be applied; the export contract wants them ``unrelated``): VAT
refunds ("REMBOURSEMENT CREDIT TVA") from the DRFIP's own account, CIR/CII restitutions, URSSAF refunds,
Bpifrance aid, a Région subsidy from the Région's paierie (account on file for the Région; the docs do not
name subsidies — a clerk does not apply "SUBVENTION … CONVENTION …" to an invoice), credit interest
(ACMT/MCOP/INTR), card settlements ("REMISE CB", PMNT/CCRD/POSD), Stripe payouts, the holding's
current-account advances, transfers from the seller's other account, a refund to a customer returned
(``RvslInd`` or PMNT/ICDT/RRTN with return reason AC04) and the seller's factor's financing; about half carry
the amount of an open item or a number shaped like ours.

Run::

    .venv/bin/python benchmarks/cashapp/blackbox_public.py [--payments 2000] [--seed 1] [--out DIR] [--keep]

It prints a table per customer scenario (count, applied automatically, applied exactly right, wrong applied,
precision of the whole payment and of the line items, suggested and their hit rate, unmatched), a table of
traps and non-customer credits, a table per scenario and variant, the overall rates and each step's wall time,
and writes ``customers.csv``, ``invoices.csv``, ``statements/``, ``truth.csv``, ``out.csv`` (the product's
export), ``review.json``, ``misses.csv`` (every transaction not as the truth wants, with the truth, the
product's rows, the variant and the product's explanation when it left the payment to a person) and
``report.json`` in ``--out`` (default: a temporary directory, removed unless ``--keep``). The standard library
only.
"""

from __future__ import annotations

import csv
import json
import random
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
from functools import partial
from itertools import combinations, pairwise
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from blackbox_export import (
    MISS_COLUMNS,
    Row,
    customer_lines,
    other_lines,
    outcome,
    pct,
    read_export,
    run_generated_check,
    run_steps,
    score_kinds,
    step_log,
    summary_lines,
)

SELLER = "Numeris Services SAS"
PERIOD_START = date(2026, 3, 2)
PERIOD_END = date(2026, 3, 31)
BOOK_START = date(2025, 9, 1)
BDAYS = [PERIOD_START + timedelta(d) for d in range(30) if (PERIOD_START + timedelta(d)).weekday() < 5]
HOLIDAYS = {date(2025, 11, 1), date(2025, 11, 11), date(2025, 12, 25), date(2026, 1, 1)}
MONTHS_FR = [
    "JANVIER", "FEVRIER", "MARS", "AVRIL", "MAI", "JUIN", "JUILLET", "AOUT", "SEPTEMBRE", "OCTOBRE",
    "NOVEMBRE", "DECEMBRE",
]  # fmt: skip

# ----------------------------------------------------------------------------------------
# identifiers and amounts
# ----------------------------------------------------------------------------------------


def luhn_digit(prefix: str) -> str:
    """The digit that makes ``prefix`` + digit pass the Luhn check (SIREN, SIRET)."""
    total = 0
    for i, ch in enumerate(reversed(prefix)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def make_siren(rng: random.Random, first: str = "") -> str:
    body = first + "".join(str(rng.randrange(10)) for _ in range(8 - len(first)))
    return body + luhn_digit(body)


def make_siret(siren: str, rng: random.Random) -> str:
    body = siren + f"{rng.randrange(1, 100):04d}"
    return body + luhn_digit(body)


def fr_vat(siren: str) -> str:
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def iban(cc: str, bban: str) -> str:
    n = int("".join(str(int(ch, 36)) for ch in bban + cc + "00"))
    return f"{cc}{98 - n % 97:02d}{bban}"


def iban_valid(s: str) -> bool:
    return int("".join(str(int(ch, 36)) for ch in s[4:] + s[:4])) % 97 == 1


FR_BANKS = ["30004", "30003", "30002", "10278", "18706", "16807", "17806", "10096", "42559", "30066", "13825"]
FR_BANKS += ["11306", "10807", "14505", "20041", "30076", "12506"]


def fr_iban(rng: random.Random, bank: str = "", branch: str = "") -> str:
    bank = bank or rng.choice(FR_BANKS)
    branch = branch or f"{rng.randrange(100000):05d}"
    acct = f"{rng.randrange(10**11):011d}"
    key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(acct)) % 97
    return iban("FR", f"{bank}{branch}{acct}{key:02d}")


def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(n))


def _letters(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("ABCDEFGHIJKLMNOPRSTUVWXYZ") for _ in range(n))


def foreign_iban(rng: random.Random, cc: str) -> str:
    bban = {
        "PL": lambda: _digits(rng, 24),
        "PT": lambda: "0033" + _digits(rng, 17),
        "RO": lambda: _letters(rng, 4) + _digits(rng, 16),
        "ES": lambda: _digits(rng, 20),
        "CZ": lambda: _digits(rng, 20),
        "IE": lambda: _letters(rng, 4) + _digits(rng, 14),
        "CH": lambda: _digits(rng, 17),
        "GB": lambda: _letters(rng, 4) + _digits(rng, 14),
        "DE": lambda: _digits(rng, 18),
    }[cc]()
    return iban(cc, bban)


def eur(c: int) -> str:
    """Cents as the export writes them ("-1234.50")."""
    return f"{'-' if c < 0 else ''}{abs(c) // 100}.{abs(c) % 100:02d}"


def fr_amt(c: int, style: int) -> str:
    """An amount as French payers write it: 1234,56 / 1 234,56 / 1.234,56 / 1234.56."""
    whole, frac = f"{c // 100}", f"{c % 100:02d}"
    if style in (1, 2) and len(whole) > 3:
        sep = " " if style == 1 else "."
        groups = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = sep.join([whole, *groups])
    return f"{whole}{'.' if style == 3 else ','}{frac}"


def ttc(ht: int) -> int:
    """Net cents plus 20 % VAT, rounded half up to the cent."""
    return int((Decimal(ht) * Decimal("1.2")).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def share(total: int, pct_: Decimal) -> int:
    return int((Decimal(total) * pct_ / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def plain(s: str) -> str:
    """Upper case without accents or apostrophes, as French banks write names and texts."""
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return " ".join(s.replace("'", " ").replace("’", " ").replace("-", " ").upper().split())


def eom(d: date) -> date:
    nxt = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return nxt - timedelta(1)


def workday(d: date) -> date:
    while d.weekday() >= 5 or d in HOLIDAYS:
        d -= timedelta(1)
    return d


def within_one_edit(a: str, b: str) -> bool:
    """Levenshtein distance of at most one, or two adjacent characters swapped."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if la > lb:
        a, b = b, a
    return any(b[:i] + b[i + 1 :] == a for i in range(len(b)))


# ----------------------------------------------------------------------------------------
# the public sector, groups, companies (all fictional or generic public bodies)
# ----------------------------------------------------------------------------------------

STATE_AURA = [
    "Préfecture du Rhône", "Préfecture de l'Isère", "Préfecture de la Loire", "Préfecture de la Savoie",
    "Rectorat de l'académie de Lyon", "Rectorat de l'académie de Grenoble", "Rectorat de l'académie de Clermont-Ferrand",
    "DREAL Auvergne-Rhône-Alpes", "DRAAF Auvergne-Rhône-Alpes", "DRAC Auvergne-Rhône-Alpes",
    "DREETS Auvergne-Rhône-Alpes", "DDT du Rhône", "DDT de l'Isère", "DDPP du Rhône", "DDETS de la Loire",
    "SGAMI Sud-Est", "Direction interrégionale des services pénitentiaires de Lyon", "Cour d'appel de Lyon",
    "Cour d'appel de Grenoble", "Tribunal judiciaire de Lyon", "Tribunal administratif de Lyon",
    "Direction régionale des douanes de Lyon", "ESID de Lyon", "Région de gendarmerie Auvergne-Rhône-Alpes",
    "Direction interdépartementale des routes Centre-Est", "DRFIP Auvergne-Rhône-Alpes - Pôle pilotage",
    "Direction régionale de l'INSEE Auvergne-Rhône-Alpes", "DDT de la Savoie", "DDT de la Haute-Savoie",
    "Préfecture de la Haute-Savoie", "Préfecture de l'Ain", "DDPP de l'Isère", "DSDEN du Rhône",
    "DSDEN de l'Isère", "Centre de rétention administrative de Lyon",
]  # fmt: skip
STATE_PARIS = [
    "Ministère de l'Intérieur - DNUM", "Ministère de la Justice - Secrétariat général",
    "Direction des achats de l'État", "Ministère de la Culture - SNUM", "Ministère de l'Éducation nationale - DNE",
    "Ministère des Armées - DIRISI", "Ministère du Travail - DSI", "Services du Premier ministre - DINUM",
    "Ministère de la Transition écologique - SNUM", "Ministère de l'Agriculture - SG", "Ministère de la Santé - DNS",
    "Ministère de l'Économie - SNUM", "Ministère des Sports - DSI", "Cour des comptes",
    "Conseil d'État", "Ministère de l'Europe et des Affaires étrangères - DNUM", "DGFiP - Service des systèmes d'information",
    "Direction générale des douanes - DSI", "Direction générale de la police nationale - SAILMI",
    "Direction générale de la gendarmerie nationale - STSI", "Ministère de la Justice - DAP",
    "Ministère de l'Intérieur - DLPAJ", "Ministère de l'Enseignement supérieur - DGRI",
    "Ministère des Armées - SGA", "Ministère de la Culture - DGPA",
]  # fmt: skip
REGIONS = [
    ("Région Auvergne-Rhône-Alpes", "PAIERIE REGIONALE AUVERGNE RHONE ALPES"),
    ("Région Bourgogne-Franche-Comté", "PAIERIE REGIONALE BOURGOGNE FRANCHE COMTE"),
    ("Région Provence-Alpes-Côte d'Azur", "PAIERIE REGIONALE PROVENCE ALPES COTE D AZUR"),
]
DEPTS = [
    ("Département du Rhône", "PAIERIE DEPARTEMENTALE DU RHONE"),
    ("Département de l'Isère", "PAIERIE DEPARTEMENTALE DE L ISERE"),
    ("Département de la Loire", "PAIERIE DEPARTEMENTALE DE LA LOIRE"),
    ("Département de l'Ain", "PAIERIE DEPARTEMENTALE DE L AIN"),
    ("Département de la Savoie", "PAIERIE DEPARTEMENTALE DE LA SAVOIE"),
    ("Département de la Haute-Savoie", "PAIERIE DEPARTEMENTALE DE HAUTE SAVOIE"),
    ("Département de la Drôme", "PAIERIE DEPARTEMENTALE DE LA DROME"),
    ("Département de l'Ardèche", "PAIERIE DEPARTEMENTALE DE L ARDECHE"),
    ("Département du Puy-de-Dôme", "PAIERIE DEPARTEMENTALE DU PUY DE DOME"),
    ("Métropole de Lyon", "PAIERIE METROPOLE DE LYON"),
]
SGCS = {
    "DGFIP SGC LYON MUNICIPAL": [
        "Lyon", "Caluire-et-Cuire", "Écully", "Tassin-la-Demi-Lune", "Sainte-Foy-lès-Lyon", "Oullins-Pierre-Bénite",
        "La Mulatière", "Saint-Genis-Laval", "Francheville", "Craponne", "Limonest", "Dardilly",
        "Champagne-au-Mont-d'Or", "Saint-Didier-au-Mont-d'Or", "Collonges-au-Mont-d'Or", "Charbonnières-les-Bains",
    ],
    "SGC VILLEURBANNE": [
        "Villeurbanne", "Vaulx-en-Velin", "Bron", "Décines-Charpieu", "Meyzieu", "Rillieux-la-Pape", "Vénissieux",
        "Saint-Priest", "Chassieu", "Genas", "Mions", "Saint-Fons",
    ],
    "DGFIP SGC GRENOBLE MUNICIPALE": [
        "Grenoble", "Échirolles", "Saint-Martin-d'Hères", "Fontaine", "Meylan", "Seyssinet-Pariset", "Sassenage",
        "Eybens", "Saint-Égrève",
    ],
    "SGC VIENNE": [
        "Vienne", "Pont-Évêque", "Chasse-sur-Rhône", "Bourgoin-Jallieu", "Villefontaine", "L'Isle-d'Abeau",
        "Saint-Didier-de-la-Tour", "La Verpillière",
    ],
    "SGC SAINT ETIENNE": ["Saint-Étienne", "Saint-Chamond", "Firminy", "Roche-la-Molière", "Rive-de-Gier", "Andrézieux-Bouthéon"],
    "SGC ANNECY": ["Annecy", "Annemasse", "Thonon-les-Bains", "Cluses", "Sallanches", "Rumilly"],
    "SGC CHAMBERY": ["Chambéry", "Aix-les-Bains", "Albertville", "La Motte-Servolex"],
    "SGC BOURG EN BRESSE": ["Bourg-en-Bresse", "Oyonnax", "Ambérieu-en-Bugey", "Saint-Genis-Pouilly"],
    "SGC VILLEFRANCHE SUR SAONE": ["Villefranche-sur-Saône", "Tarare", "Belleville-en-Beaujolais", "Gleizé", "Anse"],
}  # fmt: skip
INTERCOS = {
    "DGFIP SGC GRENOBLE MUNICIPALE": ["Grenoble-Alpes Métropole", "SIVOM du Grésivaudan"],
    "SGC SAINT ETIENNE": ["Saint-Étienne Métropole"],
    "SGC BOURG EN BRESSE": ["Communauté d'agglomération du Pays de Gex", "Grand Bourg Agglomération"],
    "SGC VIENNE": ["Vienne Condrieu Agglomération", "Communauté d'agglomération Porte de l'Isère"],
    "SGC VILLEFRANCHE SUR SAONE": ["Communauté d'agglomération Villefranche Beaujolais Saône"],
    "SGC ANNECY": ["Grand Annecy Agglomération", "SDIS de la Haute-Savoie"],
    "SGC VILLEURBANNE": ["SDIS du Rhône", "Centre de gestion de la FPT du Rhône"],
}
HOSP_SINGLE = [
    ("Hospices Civils de Lyon", "TRESORERIE HOSPICES CIVILS DE LYON"),
    ("CHU Grenoble Alpes", "TRESORERIE CHU GRENOBLE ALPES"),
    ("CHU de Saint-Étienne", "TRESORERIE CHU DE SAINT ETIENNE"),
]
HOSP_SGC = {
    "TRESORERIE HOSPITALIERE NORD ISERE": [
        "CH Pierre Oudot Bourgoin-Jallieu", "CH de Vienne Lucien Hussel", "CH de La Tour-du-Pin",
        "EHPAD Les Jardins de Médicis", "CH de Saint-Marcellin",
    ],
    "SGC HOSPITALIER DU RHONE": [
        "CH de Villefranche-sur-Saône", "CH de Givors Montgelas", "CH Le Vinatier", "CH de Saint-Cyr-au-Mont-d'Or",
        "CH de Tarare", "EHPAD de Belleville",
    ],
    "TRESORERIE HOSPITALIERE DE LA LOIRE": ["CH de Roanne", "CH du Forez", "CH de Firminy", "EHPAD du Pilat", "CH de Feurs"],
}  # fmt: skip
UNIVS = [
    ("Université Claude Bernard Lyon 1", "AGENCE COMPTABLE UNIV LYON 1"),
    ("Université Lumière Lyon 2", "AGENCE COMPTABLE UNIVERSITE LYON 2"),
    ("Université Jean Moulin Lyon 3", "AC UNIV JEAN MOULIN LYON 3"),
    ("Université Grenoble Alpes", "AGENT COMPTABLE UNIVERSITE GRENOBLE ALPES"),
    ("Université Jean Monnet Saint-Étienne", "AGENCE COMPTABLE UJM SAINT ETIENNE"),
    ("Université Savoie Mont Blanc", "AGENCE COMPTABLE USMB"),
    ("INSA Lyon", "AGENCE COMPTABLE INSA LYON"),
    ("École Centrale de Lyon", "AGENT COMPTABLE ECOLE CENTRALE DE LYON"),
    ("ENS de Lyon", "AGENCE COMPTABLE ENS DE LYON"),
]
EPLE_NAMES = [
    "Ampère", "du Parc", "Édouard Herriot", "Jean Moulin", "Saint-Just", "La Martinière Duchère",
    "La Martinière Monplaisir", "Jacques Brel", "Marcel Sembat", "Jean Perrin", "Lumière", "Juliette Récamier",
    "Charlie Chaplin", "Jean Monnet", "Albert Camus", "Condorcet", "Victor Hugo", "Jules Ferry", "Louis Pasteur",
    "Paul Éluard", "René Descartes", "Simone Veil", "Marie Curie", "Frédéric Mistral", "Georges Brassens",
    "Jean Jaurès", "Émile Zola", "Antoine de Saint-Exupéry", "Louise Labé", "Aragon", "Champollion", "Stendhal",
    "Vaucanson", "Emmanuel Mounier", "Berthollet", "Vaugelas", "Claude Fauriel", "Honoré d'Urfé", "Jean Macé",
]  # fmt: skip
EPLE_TOWNS = [
    "Lyon",
    "Villeurbanne",
    "Vénissieux",
    "Bron",
    "Grenoble",
    "Échirolles",
    "Saint-Étienne",
    "Vienne",
    "Annecy",
    "Chambéry",
    "Bourg-en-Bresse",
    "Villefranche-sur-Saône",
    "Roanne",
    "Meyzieu",
]
GROUPS = [
    ("Altiva", "ALTIVA GBS SP Z O O", "PL"),
    ("Berthelot", "BERTHELOT GLOBAL BUSINESS SERVICES PORTUGAL UNIPESSOAL LDA", "PT"),
    ("Cosmeo", "COSMEO SHARED SERVICES CENTER ROMANIA SRL", "RO"),
    ("Vantor", "VANTOR FINANCE SERVICE CENTER SP Z O O", "PL"),
    ("Lumena", "LUMENA GLOBAL BUSINESS SERVICES SL", "ES"),
    ("Sodalis", "SODALIS SSC KRAKOW SP Z O O", "PL"),
    ("Kerlys", "KERLYS BUSINESS SERVICES S R O", "CZ"),
    ("Mavrel", "MAVREL SHARED SERVICES IRELAND LIMITED", "IE"),
    ("Orbis Industrie", "ORBIS INDUSTRIE GBS PORTUGAL LDA", "PT"),
    ("Talvane", "TALVANE FINANCIAL SHARED SERVICES SRL", "RO"),
    ("Ferrix", "FERRIX GLOBAL SERVICES SP Z O O", "PL"),
    ("Norvane", "NORVANE SERVICES CENTER BARCELONA SL", "ES"),
    ("Quadrel", "QUADREL GBS LISBON UNIPESSOAL LDA", "PT"),
    ("Belisama", "BELISAMA SSC SP Z O O", "PL"),
    ("Tessalia", "TESSALIA ACCOUNTING CENTER S R O", "CZ"),
    ("Heliade", "HELIADE BUSINESS SERVICES ROMANIA SRL", "RO"),
    ("Corvane", "CORVANE GLOBAL BUSINESS SERVICES PORTUGAL", "PT"),
    ("Aubrac Énergies", "AUBRAC ENERGIES SSC SP Z O O", "PL"),
    ("Marvelle", "MARVELLE SHARED SERVICES SL", "ES"),
    ("Valtane", "VALTANE FINANCE OPERATIONS IRELAND LTD", "IE"),
]  # fmt: skip
SUB_KINDS = [
    "France",
    "Industrie",
    "Services",
    "Logistique",
    "Distribution France",
    "Santé",
    "Énergie Services",
    "Mobilité",
    "Facility Management",
    "Digital",
    "Ingénierie",
    "Retail France",
]
SURNAMES = [
    "Delorme", "Morel", "Guichard", "Perrin", "Chapuis", "Berthier", "Vial", "Blanchard", "Faure", "Rousset",
    "Bonnet", "Gauthier", "Mercier", "Girard", "Chevalier", "Fabre", "Arnaud", "Roux", "Brun", "Dumas", "Garnier",
    "Fournier", "Lambert", "Rolland", "Barbier", "Marchand", "Collet", "Jacquet", "Berger", "Poncet", "Teyssier",
    "Bouvier", "Chabert", "Reynaud", "Durand", "Vidal", "Monnier", "Gay", "Bertrand", "Michaud",
]  # fmt: skip
TRADES = [
    "Transports", "Imprimerie", "Menuiserie", "Laboratoires", "Industries", "Logistique", "Distribution",
    "Clinique", "Cabinet d'expertise comptable", "Mutuelle", "Assurances", "Bâtiment", "Électricité",
    "Ingénierie", "Conseil", "Immobilier", "Agroalimentaire", "Plasturgie", "Mécanique", "Pharma",
]  # fmt: skip
FORMS = ["SAS", "SARL", "SA", "SASU", "EURL", "SCOP"]
SAAS_TRADES = [
    "Cabinet dentaire",
    "Agence immobilière",
    "Garage",
    "Cabinet d'architecte",
    "Pharmacie",
    "Boulangerie",
    "Cabinet infirmier",
    "Auto-école",
    "Opticien",
    "Salon de coiffure",
    "Cabinet de kinésithérapie",
    "Étude notariale",
    "Fleuriste",
    "Agence de voyages",
]
FACTORS = [
    "BNP PARIBAS FACTOR",
    "CA LEASING ET FACTORING",
    "NATIXIS FACTOR",
    "CIC FACTOR",
    "HSBC FACTORING FRANCE",
]
CATALOGUE_HT = [
    90000,
    120000,
    135000,
    180000,
    240000,
    270000,
    360000,
    450000,
    540000,
    720000,
    900000,
    1080000,
]
DAY_RATES = [65000, 72000, 78000, 85000, 95000, 110000]
SAAS_PRICES_HT = [3900, 6900, 9900, 14900, 24900, 49000]


# ----------------------------------------------------------------------------------------
# the book and the credits
# ----------------------------------------------------------------------------------------


@dataclass(eq=False)
class Payer:
    """Who pays for customers: a public accountant, a group's shared-service centre, a factor."""

    name: str
    kind: str  # chorus | helios | ssc | factor
    iban: str
    short: str = ""
    customers: list[Customer] = field(default_factory=list)


@dataclass(eq=False)
class Customer:
    id: str
    name: str
    seg: str  # public | group | company | saas
    sub: str
    weight: float = 1.0
    ibans: list[str] = field(default_factory=list)
    parent_id: str = ""
    vat: str = ""
    country: str = "FR"
    payer: Payer | None = None
    factor: Payer | None = None
    bank_name: str = ""
    own_iban: str = ""
    mandate: str = ""
    sdd: bool = False
    bill_day: int = 1
    invoices: list[Invoice] = field(default_factory=list)


@dataclass(eq=False)
class Invoice:
    cust: Customer
    issue: date
    due: date
    total: int
    kind: str = "invoice"
    order_ref: str = ""
    disc_pct: Decimal | None = None
    disc_days: int = 0
    run: int = 0
    sub: bool = False  # a monthly subscription
    number: str = ""
    year: int = 0
    serial: int = 0
    used: bool = False

    @property
    def prefix(self) -> str:
        return "AV" if self.kind == "credit_note" else "FA"

    def form(self, how: str) -> str:
        p, y, s = self.prefix, self.year, self.serial
        return {
            "printed": f"{p}-{y}-{s:05d}",
            "compact": f"{p}{y}{s:05d}",
            "nodash": f"{p}{y}-{s:05d}",
            "spaces": f"{p} {y} {s:05d}",
            "noprefix": f"{y}-{s:05d}",
            "noprefix_compact": f"{y}{s:05d}",
            "nozeros": f"{p}-{y}-{s}",
            "nozeros_compact": f"{p}{y}{s}",
            "slash": f"{p}/{y}/{s:05d}",
            "slash_noprefix": f"{y}/{s:05d}",
            "yy": f"{p}-{y % 100:02d}-{s:05d}",
            "yy_compact": f"{p}{y % 100:02d}{s:05d}",
            "serial": f"{s:05d}",
            "serial_nz": f"{s}",
        }[how]


Part = tuple["Invoice | None", int, str]


@dataclass(eq=False)
class Tx:
    ref: str
    acct: str
    booking: date
    amount: int
    scenario: str
    kind: str  # customer | trap | nc
    parts: list[Part] = field(default_factory=list)
    checks: list[tuple[Any, ...]] = field(default_factory=list)
    payer_name: str = ""
    payer_iban: str = ""
    payer_other: str = ""
    ultimate: str = ""
    ustrd: list[str] = field(default_factory=list)
    strd: list[dict[str, Any]] = field(default_factory=list)
    e2e: str = ""
    mandate: str = ""
    btc: tuple[str, str, str] = ("PMNT", "RCDT", "ESCT")
    reversal: bool = False
    return_code: str = ""
    batch: str = ""
    instd: tuple[str, str, str] | None = None  # currency, amount, rate
    info: str = "VIREMENT SEPA RECU"
    debit: bool = False
    allow_on_account: bool = False
    lines35: bool = False
    variant: str = ""
    link: int = 0
    currency: str = "EUR"
    render: Callable[[], None] | None = None
    value: date = PERIOD_START

    @property
    def truth(self) -> list[tuple[str, int, str]]:
        return [(i.number if i else "", a, k) for i, a, k in self.parts]

    def remittance(self) -> str:
        parts = list(self.ustrd)
        for s in self.strd:
            docs = " ".join(nb for _tp, nb in s.get("docs", []))
            amts = s.get("amts") or {}
            parts.append(f"[{docs} {' '.join(f'{k}={v}' for k, v in amts.items())}]".replace(" ]", "]"))
        if self.e2e:
            parts.append(f"E2E={self.e2e}")
        if self.mandate:
            parts.append(f"MNDT={self.mandate}")
        return " | ".join(parts)


class Generator:
    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.rng = random.Random(seed)
        rng = self.rng
        self.customers: list[Customer] = []
        self.payers: list[Payer] = []
        self.invoices: list[Invoice] = []
        self.txs: list[Tx] = []
        self.own = {"LCL": fr_iban(rng, "30002"), "SG": fr_iban(rng, "30003")}
        self.holding_iban = fr_iban(rng, "30004")
        siren = make_siren(rng, "8")
        self.siret = make_siret(siren, rng)
        self.vat = fr_vat(siren)
        self.dropped: Counter[str] = Counter()
        self._ref = 0
        self._run = 0
        self._link = 0
        self.used_po: set[str] = set()
        self.by_number: dict[str, Invoice] = {}
        self.pools: dict[str, list[Customer]] = defaultdict(list)
        self.collected: set[str] = set()
        self.idx: tuple[dict[str, list[Invoice]], dict[int, list[Invoice]], dict[int, list[Invoice]]] = (
            {},
            {},
            {},
        )
        self.final_open: dict[int, int] = {}
        self.by_iban: dict[str, list[Customer]] = defaultdict(list)

    # ------------------------------------------------------------------ master data

    def bdf_iban(self) -> str:
        """A public accountant's account at the Banque de France."""
        return fr_iban(self.rng, "30001", f"{self.rng.choice([64, 73, 138, 380, 420, 621, 690]):05d}")

    def add_payer(self, name: str, kind: str, iban_: str, short: str = "") -> Payer:
        p = Payer(name, kind, iban_, short or name)
        self.payers.append(p)
        return p

    def add_customer(self, name: str, seg: str, sub: str, weight: float, **kw: Any) -> Customer:
        c = Customer(f"CL{900001 + len(self.customers)}", name, seg, sub, weight, **kw)
        if c.payer is not None:
            c.payer.customers.append(c)
        self.customers.append(c)
        self.pools[sub].append(c)
        self.pools[seg].append(c)
        return c

    def build_customers(self) -> None:
        rng = self.rng
        drfip = self.add_payer(
            "DRFIP AUVERGNE RHONE ALPES ET DU RHONE", "chorus", self.bdf_iban(), "DRFIP 69"
        )
        paris = self.add_payer("DR DGFIP PARIS", "chorus", self.bdf_iban(), "DRFIP 75")
        self.drfip = drfip
        for name in STATE_AURA:
            self.add_customer(name, "public", "state", rng.uniform(1, 3), payer=drfip)
        for name in STATE_PARIS:
            self.add_customer(name, "public", "state", rng.uniform(1.5, 4), payer=paris)
        self.region_payers: list[Payer] = []
        for name, pname in REGIONS:
            p = self.add_payer(pname, "helios", self.bdf_iban())
            self.region_payers.append(p)
            self.add_customer(name, "public", "region", 6, payer=p)
        for name, pname in DEPTS:
            p = self.add_payer(pname, "helios", self.bdf_iban())
            self.add_customer(name, "public", "dept", 4, payer=p)
        for pname, towns in SGCS.items():
            p = self.add_payer(pname, "helios", self.bdf_iban())
            for town in towns:
                big = town in ("Lyon", "Grenoble", "Saint-Étienne", "Villeurbanne", "Annecy")
                form = "Ville de" if big or rng.random() < 0.3 else rng.choice(["Commune de", "Mairie de"])
                self.add_customer(
                    f"{form} {town}", "public", "commune", 5 if big else rng.uniform(0.8, 2.5), payer=p
                )
                if rng.random() < 0.45:
                    self.add_customer(f"CCAS de {town}", "public", "commune", rng.uniform(0.5, 1.2), payer=p)
                if rng.random() < 0.15:
                    self.add_customer(f"Caisse des écoles de {town}", "public", "commune", 0.6, payer=p)
            for name in INTERCOS.get(pname, []):
                self.add_customer(name, "public", "commune", rng.uniform(2, 4), payer=p)
        for name, pname in HOSP_SINGLE:
            p = self.add_payer(pname, "helios", self.bdf_iban())
            self.add_customer(name, "public", "hospital", 5, payer=p)
        for pname, names in HOSP_SGC.items():
            p = self.add_payer(pname, "helios", self.bdf_iban())
            for name in names:
                self.add_customer(name, "public", "hospital", rng.uniform(1, 2.5), payer=p)
        for name, pname in UNIVS:
            p = self.add_payer(pname, "helios", self.bdf_iban())
            self.add_customer(name, "public", "univ", rng.uniform(2, 4), payer=p)
        names = [(n, t) for n in EPLE_NAMES for t in EPLE_TOWNS]
        rng.shuffle(names)
        for g in range(10):
            members = names[g * 6 : g * 6 + 6]
            head = members[0]
            p = self.add_payer(
                plain(f"AGENCE COMPTABLE LYCEE {head[0]} {head[1]}")[:50], "helios", self.bdf_iban()
            )
            for k, (n, t) in enumerate(members):
                kind = (
                    "Lycée"
                    if k == 0 or rng.random() < 0.4
                    else rng.choice(["Collège", "Lycée professionnel"])
                )
                self.add_customer(f"{kind} {n} - {t}", "public", "eple", rng.uniform(0.4, 1), payer=p)
        # the public accountant's account on file: always-seen single payers, half of the shared ones
        for p in self.payers:
            if p.kind not in ("chorus", "helios"):
                continue
            for c in p.customers:
                if rng.random() < (0.85 if len(p.customers) == 1 else 0.4):
                    c.ibans.append(p.iban)
        # groups: a shared-service centre abroad pays for the French subsidiaries
        self.group_ssc: list[Payer] = []
        for g, (gname, ssc, cc) in enumerate(GROUPS):
            p = self.add_payer(ssc, "ssc", foreign_iban(rng, cc))
            self.group_ssc.append(p)
            parent = ""
            if g % 5 in (0, 1, 3):  # parent on file for three groups in five
                siren = make_siren(rng)
                h = self.add_customer(f"Groupe {gname} SA", "group", "holding", 1.0, vat=fr_vat(siren))
                h.ibans.append(p.iban)
                parent = h.id
                h.payer = p
            for kind in rng.sample(SUB_KINDS, rng.randint(3, 6)):
                siren = make_siren(rng)
                self.add_customer(
                    f"{gname} {kind} {rng.choice(['SAS', 'SAS', 'SA', 'SNC'])}",
                    "group",
                    "subsidiary",
                    rng.uniform(1, 3),
                    payer=p,
                    parent_id=parent,
                    vat=fr_vat(siren),
                )
        # companies paying from their own account (a few in Switzerland and the UK), some through a factor
        factors = [self.add_payer(f, "factor", fr_iban(rng)) for f in FACTORS]
        seen: set[str] = set()
        for k in range(130):
            while True:
                sur, trade, form = rng.choice(SURNAMES), rng.choice(TRADES), rng.choice(FORMS)
                name = f"{trade} {sur} {form}" if rng.random() < 0.6 else f"{sur} {trade} {form}"
                if name not in seen:
                    seen.add(name)
                    break
            country = "CH" if k % 26 == 5 else "GB" if k % 26 == 18 else "FR"
            own = fr_iban(rng) if country == "FR" else foreign_iban(rng, country)
            siren = make_siren(rng)
            c = self.add_customer(
                name,
                "company",
                "company_fx" if country != "FR" else "company",
                rng.uniform(0.5, 2),
                country=country,
                own_iban=own,
                vat=fr_vat(siren) if country == "FR" else "",
            )
            if rng.random() < 0.85 or country != "FR":
                c.ibans.append(own)
            c.bank_name = self.bank_name(name)
            if country == "FR" and k % 5 == 2:
                c.factor = rng.choice(factors)
                c.factor.customers.append(c)
                self.pools["factored"].append(c)
                if rng.random() < 0.5:
                    c.ibans.append(c.factor.iban)
        # SaaS subscribers: most by SEPA direct debit, some by standing order
        for k in range(200):
            sur = rng.choice(SURNAMES)
            trade = rng.choice(SAAS_TRADES)
            name = f"{trade} {sur}" + (
                f" {rng.choice(['SARL', 'SELARL', 'SAS', 'EURL'])}" if rng.random() < 0.6 else ""
            )
            own = fr_iban(rng)
            sdd = k < 165
            c = self.add_customer(
                name,
                "saas",
                "saas_sdd" if sdd else "saas_transfer",
                1.0,
                own_iban=own,
                sdd=sdd,
                bill_day=15 if k % 5 == 4 else 1,
            )
            if sdd or rng.random() < 0.9:
                c.ibans.append(own)
            c.mandate = f"NUM-MDT-{c.id[2:]}"
            c.bank_name = self.bank_name(name)

    def bank_name(self, name: str) -> str:
        """The customer's name as its bank writes it: upper case, legal form moved or dropped."""
        words = plain(name).split()
        forms = [w for w in words if w in ("SAS", "SARL", "SA", "SASU", "EURL", "SCOP", "SELARL", "SNC")]
        rest = [w for w in words if w not in forms]
        r = self.rng.random()
        if forms and r < 0.3:
            return " ".join(forms + rest)
        if forms and r < 0.45:
            return " ".join(rest)
        return " ".join(words)

    # ------------------------------------------------------------------ the book

    def amount_for(self, c: Customer) -> int:
        rng = self.rng
        if c.seg == "saas":
            return ttc(rng.choice(SAAS_PRICES_HT) * rng.randint(1, 6))
        r = rng.random()
        if (c.seg == "public" and r < 0.4) or r < 0.3:  # licences and maintenance at list prices
            return ttc(rng.choice(CATALOGUE_HT) * rng.choice([1, 1, 1, 2, 3, 4]))
        if r < 0.8:
            days = rng.randint(1, 40 if c.seg in ("public", "group") else 16)
            return ttc(days * rng.choice(DAY_RATES) // 2)
        return rng.randrange(15000, 4500000)

    def order_ref_for(self, c: Customer) -> str:
        rng = self.rng
        if c.sub == "state":
            shared = [i.order_ref for i in c.invoices if i.order_ref]
            if shared and rng.random() < 0.22:
                return rng.choice(shared)
            while True:
                ej = f"13{rng.randrange(10**8):08d}"
                if ej not in self.used_po:
                    self.used_po.add(ej)
                    return ej
        if c.seg == "group":
            shared = [i.order_ref for i in c.invoices if i.order_ref]
            if shared and rng.random() < 0.08:
                return rng.choice(shared)
            while True:
                po = f"45{rng.randrange(10**8):08d}"
                if po not in self.used_po:
                    self.used_po.add(po)
                    return po
        if c.seg == "public" and rng.random() < 0.3:
            return f"BC{rng.randrange(10**6):06d}"
        if c.seg == "company" and rng.random() < 0.4:
            return f"CDE{rng.randrange(10**5):05d}"
        return ""

    def new_invoice(
        self,
        c: Customer,
        issue: date,
        total: int | None = None,
        *,
        kind: str = "invoice",
        run: int | None = None,
        order_ref: str | None = None,
        disc: bool | None = None,
        sub: bool = False,
        due: date | None = None,
    ) -> Invoice:
        rng = self.rng
        if run is None:
            self._run += 1
            run = self._run
        if due is None:
            if c.seg == "public":
                due = issue + timedelta(50 if c.sub == "hospital" else 30)
            elif c.seg == "group":
                due = issue + timedelta(60)
            else:
                due = eom(issue + timedelta(30)) if rng.random() < 0.5 else issue + timedelta(45)
        inv = Invoice(
            c,
            issue,
            due,
            total if total is not None else self.amount_for(c),
            kind=kind,
            run=run,
            sub=sub,
            order_ref=(order_ref if order_ref is not None else self.order_ref_for(c))
            if kind == "invoice"
            else "",
        )
        if disc is None:
            disc = kind == "invoice" and c.seg == "group" and rng.random() < 0.25
        if disc:
            inv.disc_pct, inv.disc_days = Decimal("1"), 10
        c.invoices.append(inv)
        self.invoices.append(inv)
        return inv

    def issue_date(self, latest: date = PERIOD_END, scale: float = 45.0) -> date:
        back = min(int(self.rng.expovariate(1 / scale)), (latest - BOOK_START).days)
        return workday(latest - timedelta(back))

    def build_book(self) -> None:
        """The open items before March's credits: about four per credit, skewed to recent months."""
        rng = self.rng
        weights = sum(c.weight for c in self.customers if c.seg != "saas")
        per_weight = 5.0 * self.n * 0.8 / weights
        for c in self.customers:
            if c.seg == "saas":
                for month in (1, 2, 3):
                    if month == 3 or rng.random() < (0.18 if month == 2 else 0.06):
                        self.subscription(c, month)
                if rng.random() < 0.08:
                    self.new_invoice(c, self.issue_date(), ttc(rng.choice([15000, 30000, 45000])))
                continue
            k = max(1, round(c.weight * per_weight * rng.uniform(0.5, 1.5)))
            for _ in range(k):
                self.new_invoice(c, self.issue_date())
            if c.seg in ("company", "group") and rng.random() < 0.2:
                self.new_invoice(c, self.issue_date(), rng.randrange(5000, 150000), kind="credit_note")

    def subscription(self, c: Customer, month: int) -> Invoice:
        """The monthly subscription invoice: issued on the billing day, due (and collected) four days
        later."""
        issue = date(2026, month, c.bill_day)
        amount = next((i.total for i in c.invoices if i.sub), None) or self.amount_for(c)
        return self.new_invoice(c, issue, amount, sub=True, due=issue + timedelta(4), order_ref="")

    def number(self) -> None:
        """Numbers as the seller's series give them: FA-YYYY-NNNNN and AV-YYYY-NNNNN in order of issue, with
        the gaps the invoices paid before March leave (more of them in older months); the documents of one
        billing run get consecutive numbers."""
        rng = self.rng
        order = sorted(self.invoices, key=lambda i: (i.issue, i.run, i.kind))  # stable: creation order
        counters: dict[tuple[str, int], int] = {
            ("FA", 2025): 8000,
            ("AV", 2025): 400,
            ("FA", 2026): 0,
            ("AV", 2026): 0,
        }
        last_run: dict[str, int] = {}
        for inv in order:
            key = (inv.prefix, inv.issue.year)
            if last_run.get(inv.prefix) != inv.run:
                age = (PERIOD_END - inv.issue).days
                gap = rng.randint(0, 3 if age < 40 else 8 if age < 100 else 14)
                if inv.prefix == "AV":
                    gap //= 4
                counters[key] += gap
            counters[key] += 1
            last_run[inv.prefix] = inv.run
            inv.year, inv.serial = inv.issue.year, counters[key]
            inv.number = inv.form("printed")
            self.by_number[inv.number] = inv

    # ------------------------------------------------------------------ helpers for credits

    def new_ref(self, acct: str, day: date) -> str:
        self._ref += 1
        return f"{acct}{day:%y%m%d}{self._ref:06d}"

    def day(self, lo: date = PERIOD_START) -> date:
        return self.rng.choice([d for d in BDAYS if d >= lo] or BDAYS[-1:])

    def pick(self, pool: list[Customer]) -> Customer:
        return self.rng.choices(pool, weights=[c.weight for c in pool])[0]

    def open_unused(self, c: Customer, value: date, min_age: int = 5, kind: str = "invoice") -> list[Invoice]:
        return [
            i
            for i in c.invoices
            if not i.used and i.kind == kind and i.issue <= value - timedelta(min_age) and not i.sub
        ]

    def take(
        self,
        pool: list[Customer],
        value: date,
        *,
        pred: Callable[[Invoice], bool] | None = None,
        min_age: int = 5,
        cust: Customer | None = None,
    ) -> Invoice:
        """An open item nobody pays yet, of a customer of ``pool`` (weighted), issued ``min_age`` days before
        the value date at least; a new one when none fits."""
        for _ in range(12):
            c = cust or self.pick(pool)
            items = [i for i in self.open_unused(c, value, min_age) if pred is None or pred(i)]
            if items:
                inv = self.rng.choice(items)
                inv.used = True
                return inv
        c = cust or self.pick(pool)
        inv = self.new_invoice(c, workday(value - timedelta(self.rng.randint(min_age, 80))))
        inv.used = True
        return inv

    def add_tx(self, scenario: str, kind: str, day: date, amount: int, **kw: Any) -> Tx:
        acct = kw.pop("acct", None) or ("LCL" if self.rng.random() < 0.6 else "SG")
        t = Tx(self.new_ref(acct, day), acct, day, amount, scenario, kind, **kw)
        t.value = day
        if acct == "SG" and self.rng.random() < 0.3:
            t.lines35 = True
        self.txs.append(t)
        return t

    def payer_of(self, c: Customer) -> tuple[str, str]:
        p = c.payer
        assert p is not None
        return p.name, p.iban

    # ------------------------------------------------------------------ public sector texts

    def label(self) -> str:
        return self.rng.choice(
            ["FACT ", "FACTURE ", "FACT. ", "FACTURE N ", "FACT N", "FAC ", "REF FACT ", ""]
        )

    def pub_text(
        self,
        t: Tx,
        c: Customer,
        refs: str,
        *,
        extra: str = "",
        ej: str = "",
        named: bool = False,
        anonymous: bool = False,
    ) -> str:
        """A public accountant's transfer text: Chorus Pro (DP, EJ) for the State, HELIOS (mandate, bordereau)
        for local bodies, with the invoice reference ``refs`` (already labelled, or empty)."""
        rng = self.rng
        p = c.payer
        assert p is not None
        coll = plain(c.name)[:32]
        if p.kind == "chorus":
            dp = (
                f"10{rng.randrange(10**8):08d}"
                if rng.random() < 0.5
                else f"2026-{rng.randrange(1, 10**6):06d}"
            )
            ejs = f"EJ {ej} " if ej else ""
            options = [
                f"{p.short} DP {dp} {ejs}{refs}",
                f"PAIEMENT CHORUS N DP {dp} {ejs}{refs} SIRET {self.siret}",
                f"{coll} DP{dp} {refs} {('ENG ' + ej) if ej else ''}",
                f"N DP {dp} {refs} {ejs}",
            ]
            if anonymous:  # no word of the body it pays for
                options = [o for o in options if coll not in o]
            if refs and not ej and len(refs.split()) == 1 and rng.random() < 0.3:
                options = [f"/RFB/{refs}/DP/{dp}"]
        else:
            mdt, bord = rng.randint(1, 6999), rng.randint(1, 950)
            options = [
                f"MANDAT 2026-{mdt:06d} BORD {bord} {refs}",
                f"MDT {mdt} BDX {bord} EX 2026 {refs}",
                f"VIR DGFIP N MANDAT {mdt} N BORDEREAU {bord} {refs}",
                f"/MDT/{mdt}/BRD/{bord}/ {refs}",
            ]
            if named or (not anonymous and rng.random() < 0.3):
                options = [f"{coll} MDT {mdt} BDX {bord} {refs}", f"{coll} MANDAT {mdt} BORD {bord} {refs}"]
        text = " ".join(rng.choice(options).split())
        if extra:
            text = f"{text} {extra}"
        if len(text) > 140:
            text = " ".join(f"{refs} {extra}".split())[:140]
        return text

    def pub_tx(self, scenario: str, c: Customer, day: date, amount: int, **kw: Any) -> Tx:
        name, iban_ = self.payer_of(c)
        t = self.add_tx(scenario, kw.pop("kind", "customer"), day, amount, **kw)
        t.payer_name = name[:35] if t.acct == "SG" else name
        t.payer_iban = iban_
        on_file = iban_ in c.ibans
        t.variant = t.variant or ("account on file" if on_file else "account not on file")
        return t

    # ------------------------------------------------------------------ customer scenarios: public sector

    def s_pub_ref(self, k: int, scenario: str, forms: list[str]) -> None:
        """The invoice number written by the accountant (as printed, or mangled but with its year)."""
        for _ in range(k):
            d = self.day()
            pool = {
                "pub_chorus_ref": self.pools["state"],
                "pub_helios_ref": [x for x in self.pools["public"] if x.sub != "state"],
            }.get(scenario, self.pools["public"])
            inv = self.take(pool, d)
            c = inv.cust
            t = self.pub_tx(
                scenario, c, d, inv.total, parts=[(inv, inv.total, "invoice")], checks=[("full", inv)]
            )
            how = self.rng.choice(forms)
            t.render = partial(self.r_pub_single, t, inv, how)

    def r_pub_single(self, t: Tx, inv: Invoice, how: str) -> None:
        refs = f"{self.label()}{inv.form(how)}"
        t.ustrd = [
            self.pub_text(
                t,
                inv.cust,
                refs,
                ej=inv.order_ref if inv.cust.sub == "state" and self.rng.random() < 0.5 else "",
            )
        ]

    def s_pub_serial(self, k: int) -> None:
        """The serial alone ("FACTURE N 123", "FACT 00123") from a local body's accountant: a clerk takes it
        when exactly one open invoice of the book with that serial has the amount (the year told by the
        amount)."""
        for _ in range(k):
            d = self.day()
            inv = self.take([c for c in self.pools["public"] if c.sub != "state"], d)
            t = self.pub_tx("pub_ref_serial", inv.cust, d, inv.total, parts=[(inv, inv.total, "invoice")])
            t.checks = [("full", inv), ("serial", inv)]
            how = self.rng.choice(["serial", "serial_nz"])
            t.render = partial(self.r_pub_single_label, t, inv, how)

    def r_pub_single_label(self, t: Tx, inv: Invoice, how: str) -> None:
        refs = f"{self.rng.choice(['FACTURE N ', 'FACT ', 'FACTURE '])}{inv.form(how)}"
        t.ustrd = [self.pub_text(t, inv.cust, refs)]

    def state_ej_items(self, value: date, size: int | None) -> list[Invoice] | None:
        """Unused open items of one state customer sharing an engagement juridique (``size`` of them; one
        alone when ``size`` is None)."""
        rng = self.rng
        custs = list(self.pools["state"])
        rng.shuffle(custs)
        for c in custs:
            by_ej: dict[str, list[Invoice]] = defaultdict(list)
            for i in c.invoices:
                if i.kind == "invoice" and i.order_ref:
                    by_ej[i.order_ref].append(i)
            for items in by_ej.values():
                ok = all(not i.used and i.issue <= value - timedelta(5) for i in items)
                if not ok or len({i.total for i in items}) != len(items):
                    continue
                if (size is None and len(items) == 1) or (size is not None and len(items) >= size):
                    for i in items:
                        i.used = True
                    return items
        return None

    def ensure_ej_group(self, value: date, size: int) -> list[Invoice]:
        items = self.state_ej_items(value, size)
        if items:
            return items
        c = self.pick(self.pools["state"])
        ej = f"13{self.rng.randrange(10**8):08d}"
        self.used_po.add(ej)
        out = []
        totals: set[int] = set()
        for _ in range(size):
            inv = self.new_invoice(c, workday(value - timedelta(self.rng.randint(8, 70))), order_ref=ej)
            while inv.total in totals:
                inv.total += 12000
            totals.add(inv.total)
            inv.used = True
            out.append(inv)
        return out

    def s_pub_ej(self, k: int, scenario: str) -> None:
        """Only the engagement juridique (the invoice's order reference) and the DP number from the DRFIP."""
        for _ in range(k):
            d = self.day()
            if scenario == "pub_ej_only":
                items = self.state_ej_items(d, None) or self.ensure_ej_group(d, 1)
                pay = items
            else:
                items = self.ensure_ej_group(d, self.rng.choice([2, 2, 3]))
                pay = [self.rng.choice(items)] if scenario == "pub_ej_shared_one" else items
                for i in items:
                    if i not in pay:
                        i.used = False
            amount = sum(i.total for i in pay)
            c = pay[0].cust
            t = self.pub_tx(scenario, c, d, amount, parts=[(i, i.total, "invoice") for i in pay])
            t.checks = [("full", i) for i in pay] + [("ej", pay[0].order_ref, amount, pay)]
            t.render = partial(self.r_pub_ej, t, c, pay[0].order_ref)

    def r_pub_ej(self, t: Tx, c: Customer, ej: str) -> None:
        t.ustrd = [self.pub_text(t, c, "", ej=ej)]

    def s_pub_multi(self, k: int, several: bool) -> None:
        """Two to four invoices of one public customer, or of two or three State customers, in one
        transfer."""
        rng = self.rng
        for _ in range(k):
            d = self.day()
            if several:
                p = rng.choice([x for x in self.payers if x.kind == "chorus"])
                custs = rng.sample(p.customers, rng.randint(2, 3))
                items = [self.take([], d, cust=c) for c in custs]
                if rng.random() < 0.4:
                    items.append(self.take([], d, cust=custs[0]))
            else:
                first = self.take(self.pools["public"], d)
                items = [first] + [self.take([], d, cust=first.cust) for _ in range(rng.randint(1, 3))]
            amount = sum(i.total for i in items)
            c = items[0].cust
            t = self.pub_tx("pub_multi_cust" if several else "pub_multi_inv", c, d, amount)
            t.parts = [(i, i.total, "invoice") for i in items]
            t.checks = [("full", i) for i in items]
            t.render = partial(self.r_pub_multi, t, items)

    def r_pub_multi(self, t: Tx, items: list[Invoice]) -> None:
        rng = self.rng
        how = rng.choice(["printed", "printed", "compact", "nodash"])
        nums = [i.form(how) for i in items]
        sep = rng.choice([" ", " ", ", ", " ET ", "/"])
        refs = f"{rng.choice(['FACT ', 'FACTURES ', 'FACT. ', ''])}{sep.join(nums)}"
        if sep == " ET ":
            refs = f"{rng.choice(['FACT ', 'FACTURES '])}{', '.join(nums[:-1])} ET {nums[-1]}"
        t.ustrd = [self.pub_text(t, items[0].cust, refs)]

    def s_pub_deduction(self, k: int, scenario: str) -> None:
        """The invoice named, something kept back and written with its amount: a retention (retenue de
        garantie, 5 %), late-delivery penalties, a réfaction — the invoice in full and one deduction of that
        amount."""
        rng = self.rng
        for _ in range(k):
            d = self.day()
            inv = self.take(self.pools["public"], d, pred=lambda i: i.total >= 60000)
            if scenario == "pub_retenue":
                ded = share(inv.total, Decimal(5))
            elif scenario == "pub_penalites":
                ded = max(5000, share(inv.total, Decimal(rng.choice([1, 2, 3, 5, 8]))))
                ded -= ded % 100 if rng.random() < 0.5 else 0
            else:
                ded = share(inv.total, Decimal(rng.choice([5, 8, 10, 12, 15])))
            amount = inv.total - ded
            t = self.pub_tx(scenario, inv.cust, d, amount)
            t.parts = [(inv, inv.total, "invoice"), (inv, -ded, "deduction")]
            t.checks = [("full", inv)]
            t.render = partial(self.r_pub_deduction, t, inv, scenario, ded)

    def r_pub_deduction(self, t: Tx, inv: Invoice, scenario: str, ded: int) -> None:
        rng = self.rng
        a = fr_amt(ded, rng.choice([0, 0, 1, 3]))
        extra = {
            "pub_retenue": [
                f"RETENUE DE GARANTIE 5% {a}",
                f"RG 5 % {a} EUR",
                f"DEDUCTION RETENUE GARANTIE {a}",
                f"RETENUE GARANTIE 5 POUR CENT SOIT {a}",
            ],
            "pub_penalites": [
                f"PENALITES DE RETARD {a} DEDUITES",
                f"MOINS PENALITES RETARD {a}",
                f"PENALITES {a} EUR",
                f"DEDUCTION PENALITES DE RETARD {a}",
            ],
            "pub_refaction": [
                f"REFACTION {a} PRESTATION NON CONFORME",
                f"MOINS REFACTION {a}",
                f"REFACTION DE {a} EUR",
            ],
        }[scenario]
        refs = f"{self.label()}{inv.form(rng.choice(['printed', 'printed', 'compact']))}"
        t.ustrd = [self.pub_text(t, inv.cust, refs, extra=rng.choice(extra))]

    def s_pub_acompte(self, k: int) -> None:
        """A part payment the accountant states ("ACOMPTE N 1", "PAIEMENT PARTIEL") of an invoice named."""
        rng = self.rng
        for _ in range(k):
            d = self.day()
            inv = self.take(self.pools["public"], d, pred=lambda i: i.total >= 100000)
            paid = share(inv.total, Decimal(rng.choice([20, 30, 40, 50, 60, 70])))
            if rng.random() < 0.5:
                paid -= paid % 10000
            t = self.pub_tx("pub_acompte", inv.cust, d, paid, parts=[(inv, paid, "invoice")])
            t.checks = [("full", inv), ("excess", inv.cust, paid, [inv])]
            t.render = partial(self.r_pub_acompte, t, inv)

    def r_pub_acompte(self, t: Tx, inv: Invoice) -> None:
        rng = self.rng
        n = inv.form(rng.choice(["printed", "compact"]))
        extra = rng.choice(
            [
                f"ACOMPTE N 1 SUR FACT {n}",
                f"PAIEMENT PARTIEL FACT {n}",
                f"ACOMPTE FACTURE {n}",
                f"REGLEMENT PARTIEL {n}",
            ]
        )
        t.ustrd = [self.pub_text(t, inv.cust, "", extra=extra)]

    def s_pub_sole(self, k: int) -> None:
        """An accountant that pays for one body only (paierie, agence comptable), its account on file for that
        customer: mandate and bordereau only, the amount that of one open item of the customer."""
        pool = [
            c
            for c in self.pools["public"]
            if c.payer and len(c.payer.customers) == 1 and c.payer.iban in c.ibans
        ]
        for _ in range(k):
            d = self.day()
            c = self.pick(pool)
            amounts = Counter(i.total for i in c.invoices if i.kind == "invoice" and not i.sub)
            inv = self.take([], d, cust=c, pred=lambda i, a=amounts: a[i.total] == 1)  # type: ignore[misc]
            t = self.pub_tx("pub_sole_payer", c, d, inv.total, parts=[(inv, inv.total, "invoice")])
            t.checks = [("full", inv), ("unique", c, inv.total, inv)]
            t.render = partial(self.r_pub_noref, t, c, False)

    def r_pub_noref(self, t: Tx, c: Customer, named: bool) -> None:
        t.ustrd = [self.pub_text(t, c, "", named=named)]

    def s_pub_named(self, k: int) -> None:
        """A shared accountant (SGC) naming the body it pays for ("COMMUNE DE BRON MDT 1234 BDX 56"), no
        invoice number, the amount that of one open item of that body only (beyond the documented rules)."""
        pool = [
            c
            for c in self.pools["commune"] + self.pools["eple"] + self.pools["hospital"]
            if c.payer and len(c.payer.customers) > 1
        ]
        for _ in range(k):
            d = self.day()
            c = self.pick(pool)
            amounts = Counter(i.total for i in c.invoices if i.kind == "invoice")
            inv = self.take([], d, cust=c, pred=lambda i, a=amounts: a[i.total] == 1)  # type: ignore[misc]
            t = self.pub_tx("pub_named_in_text", c, d, inv.total, parts=[(inv, inv.total, "invoice")])
            t.checks = [("full", inv), ("unique", c, inv.total, inv)]
            t.render = partial(self.r_pub_noref, t, c, True)

    # ------------------------------------------------------------------ groups

    def ssc_tx(self, scenario: str, p: Payer, day: date, amount: int, **kw: Any) -> Tx:
        t = self.add_tx(scenario, "customer", day, amount, **kw)
        t.payer_name = p.name[:35] if t.acct == "SG" else p.name
        t.payer_iban = p.iban
        on_file = any(p.iban in c.ibans for c in self.customers)
        t.variant = "SSC on file (parent)" if on_file else "SSC not on file"
        t.info = "VIREMENT SEPA RECU" if t.payer_iban[:2] != "IE" else "VIREMENT RECU"
        return t

    def group_items(self, p: Payer, day: date, n: int, *, with_disc: bool = False) -> list[Invoice]:
        rng = self.rng
        subs = [c for c in p.customers if c.sub == "subsidiary"]
        chosen = rng.sample(subs, min(len(subs), rng.randint(1, 3)))
        out: list[Invoice] = []
        for _ in range(n):
            c = rng.choice(chosen)
            if with_disc and rng.random() < 0.4:
                inv = self.new_invoice(c, workday(day - timedelta(rng.randint(2, 9))), disc=True)
                inv.used = True
            else:
                inv = self.take([], day, cust=c, min_age=8)
            out.append(inv)
        return out

    def s_grp_strd(self, k: int) -> None:
        """A payment run with one Strd per document (RfrdDocInf + RfrdDocAmt): due, discount applied,
        adjustments with their reason, credit notes; each invoice in full, credit notes negative, and per
        invoice one deduction of what the run keeps back."""
        rng = self.rng
        reasons = [
            ("SLA", "Penalite SLA T4 2025"),
            ("PEN", "Late delivery penalty"),
            ("PRIC", "Price difference"),
            ("DM", "Prestation non conforme"),
        ]
        for _ in range(k):
            d = self.day()
            p = rng.choice(self.group_ssc)
            items = self.group_items(p, d, rng.randint(2, 7), with_disc=True)
            parts: list[Part] = []
            docs: list[tuple[Invoice, dict[str, Any]]] = []
            for inv in items:
                amts: dict[str, Any] = {"due": inv.total}
                ded = 0
                if inv.disc_pct and d <= inv.issue + timedelta(inv.disc_days):
                    amts["disc"] = share(inv.total, inv.disc_pct)
                    ded += amts["disc"]
                if rng.random() < 0.15:
                    code, why = rng.choice(reasons)
                    adj = share(inv.total, Decimal(rng.choice([2, 3, 5, 10])))
                    amts["adj"] = (adj, code, why, rng.choice(["", "CRDT"]))
                    ded += adj
                amts["paid"] = inv.total - ded
                parts.append((inv, inv.total, "invoice"))
                if ded:
                    parts.append((inv, -ded, "deduction"))
                docs.append((inv, amts))
            subs = sorted({i.cust.id: i.cust for i in items}.values(), key=lambda c: c.id)
            cns = [
                i for c in subs for i in c.invoices if i.kind == "credit_note" and not i.used and i.issue <= d
            ]
            if cns and rng.random() < 0.5:
                cn = rng.choice(cns)
                cn.used = True
                parts.append((cn, -cn.total, "invoice"))
                docs.append((cn, {"cn": cn.total}))
            amount = sum(a for _i, a, _k in parts)
            if amount <= 0:
                for i, _a, _k in parts:
                    if i:
                        i.used = False
                continue
            t = self.ssc_tx("grp_strd", p, d, amount, parts=parts, acct="LCL" if rng.random() < 0.7 else "SG")
            t.checks = [("full", i) for i, _a, kd in parts if i and kd == "invoice"]
            t.render = partial(self.r_grp_strd, t, docs)

    def r_grp_strd(self, t: Tx, docs: list[tuple[Invoice, dict[str, Any]]]) -> None:
        rng = self.rng
        how = rng.choice(["printed", "printed", "compact", "noprefix_compact"])
        t.strd = [
            {"docs": [("CREN" if i.kind == "credit_note" else "CINV", i.form(how))], "amts": a}
            for i, a in docs
        ]
        t.ustrd = [
            rng.choice(
                [
                    f"PAYMENT ADVICE 2000{rng.randrange(10**6):06d}",
                    f"PMT RUN {t.booking:%Y%m%d} VENDOR 10{rng.randrange(10**4):04d}",
                    f"AVIS DE PAIEMENT {rng.randrange(10**8)}",
                ]
            )
        ]

    def s_grp_ustrd(self, k: int, scenario: str) -> None:
        """The shared-service centre lists the invoices in the free text (or pays one, or names the PO only,
        or nets a credit note): those documents, to the cent."""
        rng = self.rng
        for _ in range(k):
            d = self.day()
            p = rng.choice(self.group_ssc)
            if scenario == "grp_ustrd":
                items = self.group_items(p, d, rng.randint(2, 5))
            elif scenario == "grp_po":
                items = self.group_items(p, d, 1)
                po = items[0].order_ref
                if not po or sum(1 for i in self.invoices if i.order_ref == po) > 1:
                    items[0].order_ref = f"45{rng.randrange(10**8):08d}"
                    self.used_po.add(items[0].order_ref)
            else:
                items = self.group_items(p, d, 1)
            parts: list[Part] = [(i, i.total, "invoice") for i in items]
            if scenario == "grp_netted":
                c = items[0].cust
                cns = [i for i in c.invoices if i.kind == "credit_note" and not i.used and i.issue <= d]
                cn = (
                    rng.choice(cns)
                    if cns
                    else self.new_invoice(
                        c,
                        workday(d - timedelta(rng.randint(3, 40))),
                        rng.randrange(5000, 80000),
                        kind="credit_note",
                    )
                )
                if cn.total >= items[0].total:
                    cn.total = items[0].total // 4
                cn.used = True
                parts.append((cn, -cn.total, "invoice"))
            amount = sum(a for _i, a, _k in parts)
            t = self.ssc_tx(scenario, p, d, amount, parts=parts)
            t.checks = [("full", i) for i, _a, _k in parts if i]
            if scenario == "grp_po":
                t.checks.append(("ej", items[0].order_ref, amount, items))
            t.render = partial(self.r_grp_ustrd, t, [i for i, _a, _k in parts if i], scenario)

    def r_grp_ustrd(self, t: Tx, items: list[Invoice], scenario: str) -> None:
        rng = self.rng
        adv = f"2000{rng.randrange(10**6):06d}"
        how = rng.choice(["printed", "printed", "compact"])
        nums = [i.form(how) for i in items]
        if scenario == "grp_po":
            text = rng.choice(
                [
                    f"PO {items[0].order_ref} PAYMENT {adv}",
                    f"YOUR INVOICE OUR PO {items[0].order_ref}",
                    f"/PO/{items[0].order_ref}/DOC/51{rng.randrange(10**8):08d}",
                ]
            )
        elif scenario == "grp_netted":
            text = rng.choice(
                [
                    f"INV {nums[0]} CN {nums[1]} PAYMENT {adv}",
                    f"/INV/{nums[0]}/CN/{nums[1]}",
                    f"INVOICE {nums[0]} LESS CREDIT NOTE {nums[1]}",
                ]
            )
        else:
            text = rng.choice(
                [
                    f"PAYMENT ADVICE {adv} INV {' '.join(nums)}",
                    f"/INV/{'/'.join(nums)}",
                    f"INVOICES {', '.join(nums)} VENDOR 10{rng.randrange(10**4):04d}",
                ]
            )
        t.ustrd = [text[:140]]
        if len(text) > 140:
            t.ustrd = [f"/INV/{' '.join(nums)}"[:140]]
            assert len(f"/INV/{' '.join(nums)}") <= 140

    # ------------------------------------------------------------------ companies

    def co_tx(
        self, scenario: str, c: Customer, day: date, amount: int, *, own: bool | None = None, **kw: Any
    ) -> Tx:
        t = self.add_tx(scenario, kw.pop("kind", "customer"), day, amount, **kw)
        t.payer_name = c.bank_name[:35] if t.acct == "SG" else c.bank_name
        t.payer_iban = c.own_iban
        t.variant = "account on file" if c.own_iban in c.ibans else "account not on file"
        return t

    def certain_pool(self) -> list[Customer]:
        return [c for c in self.pools["company"] if c.own_iban in c.ibans]

    def co_text(self, inv: Invoice, how: str = "printed") -> str:
        rng = self.rng
        n = inv.form(how)
        return rng.choice(
            [
                f"FACTURE {n}",
                f"REGLEMENT FACTURE {n}",
                f"{inv.cust.bank_name[:25]} FACT {n}",
                f"Facture n {n}",
                f"PAIEMENT FACT. {n} DU {inv.issue:%d/%m/%Y}",
                f"VIR {n}",
                f"Fact {n}",
                f"REGLT FACT N{n}",
            ]
        )

    def s_co_ref(self, k: int, scenario: str) -> None:
        rng = self.rng
        for _ in range(k):
            d = self.day()
            pool = self.pools["company"] if scenario == "co_ref" else self.certain_pool()
            inv = self.take(pool, d)
            c = inv.cust
            t = self.co_tx(
                scenario, c, d, inv.total, parts=[(inv, inv.total, "invoice")], checks=[("full", inv)]
            )
            if scenario == "co_ref":
                how = "printed"
            else:
                how = rng.choice(
                    [
                        "compact",
                        "nodash",
                        "spaces",
                        "noprefix",
                        "nozeros",
                        "nozeros_compact",
                        "slash",
                        "yy",
                        "serial",
                        "serial_nz",
                        "slash_noprefix",
                    ]
                )
                if how in ("serial", "serial_nz"):
                    t.checks.append(("own_serial", inv))
                t.variant = how
            t.render = partial(self.r_co_single, t, inv, how)

    def r_co_single(self, t: Tx, inv: Invoice, how: str) -> None:
        t.ustrd = [self.co_text(inv, how)]

    def s_co_typo(self, k: int) -> None:
        for _ in range(k):
            d = self.day()
            inv = self.take(self.certain_pool(), d)
            t = self.co_tx(
                "co_typo", inv.cust, d, inv.total, parts=[(inv, inv.total, "invoice")], checks=[("full", inv)]
            )
            t.render = partial(self.r_co_typo, t, inv)

    def r_co_typo(self, t: Tx, inv: Invoice) -> None:
        rng = self.rng
        base = inv.form("printed")
        head, serial = base[:8], base[8:]
        for _ in range(50):
            op = rng.choice(["replace", "replace", "swap", "drop"])
            s = list(serial)
            j = rng.randrange(len(s))
            if op == "replace":
                s[j] = rng.choice([x for x in "0123456789" if x != s[j]])
            elif op == "swap" and j < len(s) - 1 and s[j] != s[j + 1]:
                s[j], s[j + 1] = s[j + 1], s[j]
            elif op == "drop" and s[j] != "0":
                del s[j]
            else:
                continue
            typo = head + "".join(s)
            if typo == base or typo in self.by_number or len(typo) < 12:
                continue
            if typo[:8] + typo[8:].zfill(5) in self.by_number:
                continue
            others = [
                i for i in inv.cust.invoices if i is not inv and within_one_edit(typo, i.form("printed"))
            ]
            if others:
                continue
            t.ustrd = [rng.choice([f"FACTURE {typo}", f"REGLEMENT FACT {typo}", f"Facture n {typo}"])]
            t.variant = op
            return
        t.ustrd = [f"FACTURE {base}"]
        t.scenario = "co_ref"

    def s_co_noref(self, k: int, combo: bool) -> None:
        rng = self.rng
        for _ in range(k):
            d = self.day()
            c = self.pick(self.certain_pool())
            if combo:
                items = [self.take([], d, cust=c) for _ in range(rng.choice([2, 2, 3]))]
                amount = sum(i.total for i in items)
                t = self.co_tx("co_noref_combo", c, d, amount, parts=[(i, i.total, "invoice") for i in items])
                t.checks = [("full", i) for i in items] + [("combo", c, amount, items)]
            else:
                amounts = Counter(i.total for i in c.invoices if i.kind == "invoice")
                inv = self.take([], d, cust=c, pred=lambda i, a=amounts: a[i.total] == 1)  # type: ignore[misc]
                t = self.co_tx("co_noref_unique", c, d, inv.total, parts=[(inv, inv.total, "invoice")])
                t.checks = [("full", inv), ("unique", c, inv.total, inv)]
            t.ustrd = [
                rng.choice(
                    [
                        "",
                        f"VIREMENT {c.bank_name[:30]}",
                        "REGLEMENT FOURNISSEUR",
                        "PAIEMENT NUMERIS SERVICES",
                        f"VIR SEPA {c.bank_name[:20]} ECHEANCE {d:%d/%m/%Y}",
                    ]
                )
            ]
            t.ustrd = [u for u in t.ustrd if u]

    def s_co_range(self, k: int) -> None:
        """A billing run of consecutive numbers for one customer, paid as a range or a short list."""
        rng = self.rng
        for _ in range(k):
            d = self.day()
            c = self.pick(self.certain_pool())
            self._run += 1
            issue = workday(d - timedelta(rng.randint(10, 60)))
            items = [self.new_invoice(c, issue, run=self._run) for _ in range(rng.randint(2, 4))]
            for i in items:
                i.used = True
            amount = sum(i.total for i in items)
            t = self.co_tx("co_range", c, d, amount, parts=[(i, i.total, "invoice") for i in items])
            t.checks = [("full", i) for i in items]
            t.render = partial(self.r_co_range, t, items)

    def r_co_range(self, t: Tx, items: list[Invoice]) -> None:
        rng = self.rng
        items = sorted(items, key=lambda i: i.serial)
        if any(b.serial != a.serial + 1 for a, b in pairwise(items)):
            t.ustrd = [f"FACTURES {' '.join(i.number for i in items)}"]
            t.variant = "list (not consecutive)"
            return
        a, b = items[0], items[-1]
        opts = {
            "A full": f"FACTURES {a.number} A {b.number}",
            "A short": f"FACT {a.number} A {b.serial}",
            "du au": f"FACTURES DU {a.number} AU {b.number}",
            "slash list": f"FACT {a.number}/" + "/".join(str(i.serial)[-3:] for i in items[1:]),
            "dash range": f"FACTURES {a.number}-{b.serial:05d}",
            "a accent": f"Factures {a.number} à {b.serial}",
        }
        key = rng.choice(list(opts))
        t.ustrd, t.variant = [opts[key]], key

    def s_co_overpay(self, k: int) -> None:
        rng = self.rng
        for _ in range(k):
            d = self.day()
            inv = self.take(self.certain_pool(), d)
            extra = rng.randrange(3000, 40000)
            t = self.co_tx("co_overpay", inv.cust, d, inv.total + extra)
            t.parts = [(inv, inv.total, "invoice"), (None, extra, "on_account")]
            t.checks = [("full", inv), ("excess", inv.cust, extra, [inv])]
            t.render = partial(self.r_co_single, t, inv, "printed")

    def s_co_duplicate(self, k: int) -> None:
        for _ in range(k):
            d = self.day()
            d2 = self.day(d + timedelta(1)) if d < BDAYS[-1] else d
            if d2 <= d:
                continue
            inv = self.take(self.certain_pool(), d)
            self._link += 1
            t1 = self.co_tx("co_duplicate_1st", inv.cust, d, inv.total, parts=[(inv, inv.total, "invoice")])
            t1.checks = [("full", inv)]
            t1.link = self._link
            t2 = self.co_tx(
                "co_duplicate", inv.cust, d2, inv.total, acct=t1.acct, parts=[(None, inv.total, "on_account")]
            )
            t2.checks = [("closed", inv), ("excess", inv.cust, inv.total, [inv])]
            t2.link = self._link
            t1.render = partial(self.r_co_dup, t1, t2, inv)

    def r_co_dup(self, t1: Tx, t2: Tx, inv: Invoice) -> None:
        t1.ustrd = [self.co_text(inv)]
        t2.ustrd = list(t1.ustrd)

    def s_co_partial(self, k: int) -> None:
        rng = self.rng
        for _ in range(k):
            d = self.day()
            inv = self.take(self.certain_pool(), d, pred=lambda i: i.total >= 50000)
            paid = share(inv.total, Decimal(rng.choice([25, 30, 40, 50, 60])))
            if rng.random() < 0.5:
                paid -= paid % 1000
            t = self.co_tx("co_partial", inv.cust, d, paid, parts=[(inv, paid, "invoice")])
            t.checks = [("full", inv), ("excess", inv.cust, paid, [inv])]
            t.render = partial(self.r_co_partial, t, inv)

    def r_co_partial(self, t: Tx, inv: Invoice) -> None:
        n = inv.number
        t.ustrd = [
            self.rng.choice(
                [
                    f"ACOMPTE SUR FACTURE {n}",
                    f"PAIEMENT PARTIEL FACT {n}",
                    f"REGLEMENT PARTIEL {n}",
                    f"1ER VERSEMENT FACTURE {n}",
                    f"ACOMPTE 1/2 FACT {n}",
                ]
            )
        ]

    def s_co_fx(self, k: int) -> None:
        """A Swiss or British customer pays a EUR invoice from its CHF or GBP account: the bank converts and
        keeps its charges; the EUR credited is short by 2–20 EUR — the invoice in full and a deduction
        (charges)."""
        rng = self.rng
        for _ in range(k):
            d = self.day()
            inv = self.take(self.pools["company_fx"], d)
            c = inv.cust
            short = rng.randrange(200, 2000)
            amount = inv.total - short
            ccy = "CHF" if c.country == "CH" else "GBP"
            rate = Decimal("0.9412") if ccy == "CHF" else Decimal("0.8431")  # foreign units per EUR
            instd = (Decimal(inv.total) * rate / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            t = self.co_tx(
                "co_fx", c, d, amount, parts=[(inv, inv.total, "invoice"), (inv, -short, "deduction")]
            )
            t.instd = (ccy, str(instd), str((Decimal(1) / rate).quantize(Decimal("0.000001"))))
            t.checks = [("full", inv)]
            t.info = "VIREMENT INTERNATIONAL RECU"
            t.render = partial(self.r_co_fx, t, inv)

    def r_co_fx(self, t: Tx, inv: Invoice) -> None:
        t.ustrd = [
            self.rng.choice(
                [
                    f"INVOICE {inv.number}",
                    f"INV {inv.number} {inv.cust.bank_name[:30]}",
                    f"FACTURE {inv.number}",
                ]
            )
        ]

    def s_co_factor(self, k: int) -> None:
        """A factor (reverse factoring, "affacturage inversé") pays for a customer: invoices in full, to the
        cent."""
        rng = self.rng
        for _ in range(k):
            d = self.day()
            c = self.pick(self.pools["factored"])
            items = [self.take([], d, cust=c) for _ in range(rng.choice([1, 1, 2]))]
            f = c.factor
            assert f is not None
            amount = sum(i.total for i in items)
            t = self.add_tx(
                "co_factor", "customer", d, amount, parts=[(i, i.total, "invoice") for i in items]
            )
            t.payer_name, t.payer_iban = f.name, f.iban
            t.checks = [("full", i) for i in items]
            t.variant = "factor on file" if f.iban in c.ibans else "factor not on file"
            if rng.random() < 0.5:
                t.ultimate = c.bank_name
            t.render = partial(self.r_co_factor, t, items)

    def r_co_factor(self, t: Tx, items: list[Invoice]) -> None:
        rng = self.rng
        c = items[0].cust
        nums = " ".join(i.number for i in items)
        t.ustrd = [
            rng.choice(
                [
                    f"REGLEMENT POUR COMPTE DE {c.bank_name[:30]} FACT {nums}",
                    f"CONFIRMING {c.bank_name[:25]} INV {nums}",
                    f"AFFACTURAGE INVERSE {nums}",
                    f"PAIEMENT FOURNISSEUR {nums} DEBITEUR {c.bank_name[:25]}",
                ]
            )[:140]
        ]

    def s_co_advance(self, k: int) -> None:
        rng = self.rng
        for _ in range(k):
            d = self.day()
            c = self.pick(self.certain_pool())
            amount = rng.choice([100000, 150000, 250000, 300000, 450000, 600000]) + rng.choice([0, 0, 50000])
            t = self.co_tx("co_advance", c, d, amount, parts=[(None, amount, "on_account")])
            t.checks = [("noitem", c, amount)]
            t.ustrd = [
                rng.choice(
                    [
                        f"ACOMPTE COMMANDE DU {d - timedelta(3):%d/%m/%Y}",
                        "ACOMPTE 30% COMMANDE PROJET MIGRATION",
                        f"ACOMPTE SUR COMMANDE N {rng.randrange(1000, 9999)}",
                        "AVANCE SUR COMMANDE PROJET ERP",
                    ]
                )
            ]

    def s_co_netted(self, k: int) -> None:
        rng = self.rng
        for _ in range(k):
            d = self.day()
            inv = self.take(self.certain_pool(), d, pred=lambda i: i.total >= 50000)
            c = inv.cust
            cns = [
                i
                for i in c.invoices
                if i.kind == "credit_note" and not i.used and i.issue <= d and i.total < inv.total
            ]
            cn = (
                rng.choice(cns)
                if cns
                else self.new_invoice(
                    c,
                    workday(d - timedelta(rng.randint(3, 40))),
                    rng.randrange(5000, inv.total // 3),
                    kind="credit_note",
                )
            )
            cn.used = True
            amount = inv.total - cn.total
            t = self.co_tx(
                "co_credit_netted",
                c,
                d,
                amount,
                parts=[(inv, inv.total, "invoice"), (cn, -cn.total, "invoice")],
            )
            t.checks = [("full", inv), ("full", cn)]
            t.render = partial(self.r_co_netted, t, inv, cn)

    def r_co_netted(self, t: Tx, inv: Invoice, cn: Invoice) -> None:
        t.ustrd = [
            self.rng.choice(
                [
                    f"FACT {inv.number} MOINS AVOIR {cn.number}",
                    f"{inv.number} - {cn.number}",
                    f"Facture {inv.number} deduction avoir {cn.number}",
                    f"REGLT {inv.number} AVOIR {cn.number} DEDUIT",
                ]
            )
        ]

    # ------------------------------------------------------------------ SaaS

    def saas_items(self, c: Customer) -> list[Invoice]:
        return sorted((i for i in c.invoices if i.sub), key=lambda i: i.due)

    def s_sdd(self, k: int, scenario: str) -> None:
        """The seller's own SEPA direct-debit collection: the batch booked as one entry (LCL) with a TxDtls
        per debtor, or entries one by one (SG)."""
        rng = self.rng
        pool = [c for c in self.pools["saas_sdd"] if c.id not in self.collected]
        rng.shuffle(pool)
        done = 0
        for c in pool:
            if done >= k:
                break
            items = [i for i in self.saas_items(c) if not i.used]
            march = [i for i in items if i.issue.month == 3]
            if not march:
                continue
            m = march[0]
            day = next(d for d in BDAYS if d >= m.due)
            self.collected.add(c.id)
            older = [i for i in items if i.issue.month < 3]
            acct = "SG" if scenario == "sdd_single" else "LCL"
            batch = "" if acct == "SG" else f"SDD{day:%m%d}"
            by_subref = scenario == "sdd_batch_subref" or (scenario == "sdd_single" and rng.random() < 0.3)
            pays = [older[0]] if by_subref and older else [m]  # first in, first out when nothing says which
            for inv in pays:
                inv.used = True
            t = self.add_tx(
                scenario, "customer", day, m.total, acct=acct, parts=[(pays[0], m.total, "invoice")]
            )
            t.payer_name, t.payer_iban, t.batch = c.bank_name[:70], c.own_iban, batch
            t.mandate, t.btc, t.info = c.mandate, ("PMNT", "IDDT", "ESDD"), "REMISE PRELEVEMENTS SEPA CORE"
            t.lines35 = False
            t.variant = "subscription ref" if by_subref else "e2e invoice number"
            if by_subref:
                t.checks = [("full", pays[0]), ("fifo", c, m.total, pays[0])]
                t.variant += ", older item open" if older else ""
            else:
                t.checks = [("full", m)]
            t.render = partial(self.r_sdd, t, m, by_subref)
            done += 1
            if not by_subref and older and scenario == "sdd_batch_e2e" and rng.random() < 0.6:
                o = older[0]
                o.used = True
                t2 = self.add_tx(
                    scenario, "customer", day, o.total, acct=acct, parts=[(o, o.total, "invoice")]
                )
                t2.payer_name, t2.payer_iban, t2.batch = c.bank_name[:70], c.own_iban, batch
                t2.mandate, t2.btc, t2.info = (
                    c.mandate,
                    ("PMNT", "IDDT", "ESDD"),
                    "REMISE PRELEVEMENTS SEPA CORE",
                )
                t2.lines35 = False
                t2.checks = [("full", o)]
                t2.variant = "re-presented older item"
                t2.render = partial(self.r_sdd, t2, o, False)
                done += 1

    def r_sdd(self, t: Tx, inv: Invoice, by_subref: bool) -> None:
        c = inv.cust
        if by_subref:
            t.e2e = f"ABO-{c.id[2:]}-{inv.issue:%y%m}"
            t.ustrd = [f"NUMERIS CLOUD PRELEVEMENT MENSUEL N CLIENT {c.id}"]
        else:
            t.e2e = inv.number
            t.ustrd = [f"Numeris Cloud - Facture {inv.number}"]

    def s_saas_transfer(self, k: int, scenario: str) -> None:
        """Standing orders: a month named beside "abonnement" (that month's item) or nothing (the oldest)."""
        rng = self.rng
        pool = [c for c in self.pools["saas_transfer"] if c.own_iban in c.ibans]
        for _ in range(k):
            c = rng.choice(pool)
            items = [i for i in self.saas_items(c) if not i.used]
            if len(items) < 2:
                for m in (2, 1):
                    if not any(i.issue.month == m for i in c.invoices if i.sub):
                        self.subscription(c, m)
                items = [i for i in self.saas_items(c) if not i.used]
            if len(items) < 2:
                continue
            march = [i for i in items if i.issue.month == 3]
            d = self.day(max(i.issue for i in items) + timedelta(2))
            if scenario == "saas_month_named":
                inv = march[0] if march and rng.random() < 0.7 else items[-2]
                month = inv.due.month
                year = inv.due.year
                text = rng.choice(
                    [
                        f"ABONNEMENT {MONTHS_FR[month - 1]} {year}",
                        f"Abonnement Numeris Cloud {month:02d}/{year}",
                        f"REGLEMENT ABONNEMENT {MONTHS_FR[month - 1]}",
                    ]
                )
                check: tuple[Any, ...] = ("month", c, inv.total, inv)
            else:
                inv = items[0]
                text = rng.choice(
                    ["ABONNEMENT NUMERIS CLOUD", "VIREMENT PERMANENT NUMERIS", "ABONNEMENT LOGICIEL"]
                )
                check = ("fifo", c, inv.total, inv)
            inv.used = True
            t = self.co_tx(scenario, c, d, inv.total, parts=[(inv, inv.total, "invoice")])
            t.checks = [("full", inv), check]
            t.ustrd = [text]
            t.variant = f"{len(items)} equal items open"

    # ------------------------------------------------------------------ traps

    def trap_treasury(self, k: int, scenario: str) -> None:
        """A shared accountant (SGC, hospital treasury, DRFIP) pays with its own numbers only: nothing says
        which of the customers it pays for; the amount alone does not say it either."""
        rng = self.rng
        multi = [p for p in self.payers if p.kind in ("helios", "chorus") and len(p.customers) >= 4]
        for _ in range(k):
            d = self.day()
            p = rng.choice(multi)
            if scenario == "trap_treasury_two":
                a, b = rng.sample(p.customers, 2)
                amount = ttc(rng.choice(CATALOGUE_HT))
                for c in (a, b):
                    if not any(i.total == amount and not i.used for i in c.invoices):
                        self.new_invoice(c, workday(d - timedelta(rng.randint(10, 80))), amount)
                check: tuple[Any, ...] = ("ambiguous", p.customers, amount)
                c = a
            else:
                # an EPLE's agency bears the name of the lycée that hosts it ("AGENCE COMPTABLE LYCEE AMPERE")
                eple = [x for x in self.payers if x.name.startswith("AGENCE COMPTABLE LYCEE")]
                if rng.random() < 0.35:
                    p = rng.choice(eple)
                c = p.customers[0] if p in eple and rng.random() < 0.7 else rng.choice(p.customers)
                amount = rng.randrange(20000, 3000000)
                self.new_invoice(c, workday(d - timedelta(rng.randint(10, 80))), amount)
                check = ("book_unique", amount)
            t = self.pub_tx(scenario, c, d, amount, kind="trap")
            t.checks = [check]
            t.render = partial(self.r_trap_treasury, t, c)

    def r_trap_treasury(self, t: Tx, c: Customer) -> None:
        t.ustrd = [self.pub_text(t, c, "", anonymous=True)]
        assert c.payer is not None
        head = c is c.payer.customers[0] and c.payer.name.startswith("AGENCE COMPTABLE LYCEE")
        t.variant = self.holders(c, t.amount) + (", the agency's head lycée" if head else "")

    def s_pub_duplicate(self, k: int) -> None:
        """An accountant pays the same invoice twice (a mandate issued twice), days apart: the second goes on
        account whole — the invoice it names is settled."""
        for _ in range(k):
            d = self.day()
            d2 = self.day(d + timedelta(2)) if d < BDAYS[-2] else d
            if d2 <= d:
                continue
            inv = self.take([c for c in self.pools["public"] if c.sub != "state"], d)
            self._link += 1
            t1 = self.pub_tx("pub_duplicate_1st", inv.cust, d, inv.total, parts=[(inv, inv.total, "invoice")])
            t1.checks, t1.link = [("full", inv)], self._link
            t2 = self.pub_tx(
                "pub_duplicate", inv.cust, d2, inv.total, parts=[(None, inv.total, "on_account")]
            )
            t2.checks, t2.link = [("closed", inv), ("excess", inv.cust, inv.total, [inv])], self._link
            t1.render = partial(self.r_pub_dup, t1, t2, inv)

    def r_pub_dup(self, t1: Tx, t2: Tx, inv: Invoice) -> None:
        self.r_pub_single(t1, inv, "printed")
        self.r_pub_single(t2, inv, "printed")

    def trap_month_taken(self, k: int) -> None:
        """A subscriber pays a month twice ("ABONNEMENT FEVRIER 2026" again, a week later) while the next
        month's equal item is open: the month named was taken by the first payment, so a person decides
        (docs/cashapp.md: "a month ... whose item an earlier payment took leaves the payment to a person"); on
        account is acceptable."""
        rng = self.rng
        pool = [c for c in self.pools["saas_transfer"] if c.own_iban in c.ibans]
        for _ in range(k):
            c = rng.choice(pool)
            for m in (2, 3):
                if not any(i.sub and i.issue.month == m for i in c.invoices):
                    self.subscription(c, m)
            feb = next((i for i in self.saas_items(c) if i.issue.month == 2 and not i.used), None)
            mar = next((i for i in self.saas_items(c) if i.issue.month == 3 and not i.used), None)
            if feb is None or mar is None:
                continue
            feb.used = mar.used = True
            d1 = self.day(date(2026, 3, 4))
            if d1 > BDAYS[-3]:
                d1 = BDAYS[-3]
            d2 = self.day(d1 + timedelta(3))
            text = f"ABONNEMENT FEVRIER {rng.choice(['2026', ''])}".strip()
            self._link += 1
            t1 = self.co_tx("saas_month_named", c, d1, feb.total, parts=[(feb, feb.total, "invoice")])
            t1.checks, t1.ustrd, t1.link = [("full", feb), ("month", c, feb.total, feb)], [text], self._link
            t1.variant = "first payment of the month"
            t2 = self.co_tx("trap_month_taken", c, d2, feb.total, kind="trap", allow_on_account=True)
            t2.checks, t2.ustrd, t2.link = [("closed", feb), ("full", mar)], [text], self._link

    def holders(self, c: Customer, amount: int) -> str:
        """Which of the accountant's customers with an item of the amount have its account on file: when
        exactly one has, the documented rule ("the payer's account was seen for it") makes that one
        certain."""
        p = c.payer
        assert p is not None
        have = [x for x in p.customers if any(i.kind == "invoice" and i.total == amount for i in x.invoices)]
        on = [x for x in have if p.iban in x.ibans]
        return f"account on file for {min(len(on), 2)}{'+' if len(on) > 1 else ''} of {len(have)} with the amount"

    def trap_drfip_region(self, k: int) -> None:
        """The DRFIP (the State's accountant) pays with a DP number only an amount that only the Région
        Auvergne-Rhône-Alpes has open — a customer whose name the DRFIP's resembles, paid by another
        accountant."""
        rng = self.rng
        region = self.pools["region"][0]
        for _ in range(k):
            d = self.day()
            amount = rng.randrange(50000, 2000000)
            self.new_invoice(region, workday(d - timedelta(rng.randint(10, 60))), amount)
            t = self.add_tx("trap_drfip_region", "trap", d, amount)
            t.payer_name, t.payer_iban = self.drfip.name[: 35 if t.acct == "SG" else 70], self.drfip.iban
            t.checks = [("none", self.drfip.customers, amount)]
            dp = f"10{rng.randrange(10**8):08d}"
            t.ustrd = [
                rng.choice(
                    [f"DRFIP 69 DP {dp}", f"N DP {dp} AUVERGNE RHONE ALPES", f"PAIEMENT CHORUS N DP {dp}"]
                )
            ]

    def trap_mandate(self, k: int) -> None:
        """A shared accountant's mandate number written like one of our numbers ("MANDAT 2026-00345" where
        FA-2026-00345 is another customer's, of another amount), the amount that of an item of one of its own
        customers: no invoice number, so nothing a clerk applies."""
        rng = self.rng
        multi = [p for p in self.payers if p.kind == "helios" and len(p.customers) >= 4]
        for _ in range(k):
            d = self.day()
            p = rng.choice(multi)
            c = rng.choice(p.customers)
            amount = rng.randrange(20000, 3000000)
            self.new_invoice(c, workday(d - timedelta(rng.randint(10, 80))), amount)
            t = self.pub_tx("trap_mandate_number", c, d, amount, kind="trap")
            t.checks = [("book_unique", amount)]
            t.render = partial(self.r_trap_mandate, t, c, amount)

    def r_trap_mandate(self, t: Tx, c: Customer, amount: int) -> None:
        rng = self.rng
        others = [
            i
            for i in self.invoices
            if i.cust is not c and i.year == 2026 and i.kind == "invoice" and i.total != amount
        ]
        o = rng.choice(others)
        bord = rng.randint(1, 900)
        t.ustrd = [
            rng.choice(
                [
                    f"MANDAT {o.form('noprefix')} BORD {bord}",
                    f"MANDAT N {o.form('noprefix_compact')} BORDEREAU {bord}",
                    f"MDT {o.form('noprefix')} BDX {bord} EX 2026",
                ]
            )
        ]
        t.variant = self.holders(c, amount)

    def trap_ej_partial(self, k: int) -> None:
        """An engagement juridique two open invoices share, and an amount that is neither nor their sum."""
        rng = self.rng
        for _ in range(k):
            d = self.day()
            items = self.ensure_ej_group(d, 2)
            for i in items:
                i.used = False
            amount = share(min(i.total for i in items), Decimal(rng.choice([30, 40, 50])))
            c = items[0].cust
            t = self.pub_tx("trap_ej_partial", c, d, amount, kind="trap", allow_on_account=True)
            t.checks = [("ej_none", items[0].order_ref, amount)]
            t.render = partial(self.r_pub_ej, t, c, items[0].order_ref)

    def trap_before(self, k: int) -> None:
        """A customer pays, from its account on file, an amount whose only item is issued after the
        payment."""
        rng = self.rng
        for _ in range(k):
            d = self.day()
            if d >= BDAYS[-2]:
                d = BDAYS[-3]
            c = self.pick(self.certain_pool())
            amount = rng.randrange(30000, 2000000)
            inv = self.new_invoice(c, d + timedelta(rng.randint(1, 6)), amount)
            inv.used = True
            t = self.co_tx("trap_before_invoice", c, d, amount, kind="trap", allow_on_account=True)
            t.checks = [("noitem", c, amount)]
            t.ustrd = [
                rng.choice(
                    [
                        "",
                        f"COMMANDE {rng.randrange(1000, 9999)}",
                        f"VIREMENT {c.bank_name[:25]}",
                        "PROFORMA PF-2026-031",
                    ]
                )
            ]
            t.ustrd = [u for u in t.ustrd if u]

    # ------------------------------------------------------------------ non-customer credits

    def open_amount_like(self, pool: list[Customer]) -> int:
        """The amount of some open, unused item of ``pool`` (a coincidence the credit carries)."""
        items = [i for c in pool for i in c.invoices if i.kind == "invoice" and not i.used]
        return self.rng.choice(items).total if items else self.rng.randrange(10000, 900000)

    def nc(self, k: int, scenario: str) -> None:
        rng = self.rng
        for _ in range(k):
            d = self.day()
            amount = rng.randrange(5000, 4000000)
            kw: dict[str, Any] = {}
            if scenario == "nc_vat_refund":
                p = self.drfip
                if rng.random() < 0.5:
                    amount = self.open_amount_like(p.customers)
                kw = dict(payer_name=p.name, payer_iban=p.iban)
                text = "REMBOURSEMENT CREDIT TVA 3519 PERIODE 12/2025 SIE LYON NORD"
                if rng.random() < 0.5:
                    text = "REMB CREDIT TVA DEMANDE N {num}"
            elif scenario == "nc_cir":
                kw = dict(
                    payer_name="DGFIP SIE LYON 3EME",
                    payer_iban=self.drfip.iban if rng.random() < 0.5 else self.bdf_iban(),
                )
                text = rng.choice(
                    [
                        "RESTITUTION CREANCE CIR 2024 DOSSIER {num}",
                        "REMBOURSEMENT CREDIT IMPOT RECHERCHE 2024",
                        "RESTITUTION CII 2024 SIREN " + self.siret[:9],
                    ]
                )
            elif scenario == "nc_urssaf":
                kw = dict(payer_name="URSSAF RHONE ALPES", payer_iban=fr_iban(rng, "30001"))
                text = "REMBOURSEMENT TROP PERCU COTISATIONS 02/2026 COMPTE 827000000" + _digits(rng, 6)
            elif scenario == "nc_subsidy_region":
                region = self.pools["region"][0]
                p = region.payer
                assert p is not None
                if rng.random() < 0.6:
                    amount = self.open_amount_like([region])
                kw = dict(payer_name=p.name, payer_iban=p.iban)
                text = rng.choice(
                    [
                        "SUBVENTION REGION AURA CONVENTION {num} PROGRAMME INNOVATION",
                        "SUBVENTION REGION AUVERGNE RHONE ALPES DOSSIER {num}",
                        "VERSEMENT SUBVENTION 2EME TRANCHE {num}",
                    ]
                )
            elif scenario == "nc_bpifrance":
                kw = dict(payer_name="BPIFRANCE", payer_iban=fr_iban(rng, "30004"))
                text = rng.choice(
                    [
                        "VERSEMENT AIDE POUR PROJET D INNOVATION DOS0{num}",
                        "BPIFRANCE AVANCE REMBOURSABLE 2EME VERSEMENT",
                    ]
                )
            elif scenario == "nc_interest":
                kw = dict(btc=("ACMT", "MCOP", "INTR"), info="INTERETS CREDITEURS")
                amount = rng.randrange(500, 90000)
                text = "INTERETS CREDITEURS COMPTE A TERME 1ER TRIMESTRE 2026"
            elif scenario == "nc_card":
                kw = dict(
                    btc=("PMNT", "CCRD", "POSD"), info="REMISE CARTE", payer_name="NUMERIS SERVICES FORMATION"
                )
                amount = (
                    self.open_amount_like(self.pools["saas"])
                    if rng.random() < 0.4
                    else rng.randrange(2000, 500000)
                )
                text = f"REMISE CB {rng.randrange(10**6, 10**7)} DU {d - timedelta(1):%d%m%y} {rng.randint(1, 40)} TRANS"
            elif scenario == "nc_stripe":
                kw = dict(payer_name="STRIPE TECHNOLOGY EUROPE LTD", payer_iban=foreign_iban(rng, "IE"))
                amount = (
                    self.open_amount_like(self.pools["saas"])
                    if rng.random() < 0.4
                    else rng.randrange(5000, 800000)
                )
                text = f"STRIPE PAYOUT PO_1{_letters(rng, 6)}{_digits(rng, 6)} NUMERIS"
            elif scenario == "nc_intragroup":
                kw = dict(payer_name="NUMERIS HOLDING SAS", payer_iban=self.holding_iban)
                amount = (
                    rng.choice([5000000, 10000000, 2500000])
                    if rng.random() < 0.5
                    else self.open_amount_like(self.pools["company"])
                )
                text = rng.choice(
                    [
                        "APPORT EN COMPTE COURANT D ASSOCIE",
                        "AVANCE DE TRESORERIE GROUPE",
                        "CONVENTION DE TRESORERIE {num}",
                    ]
                )
            elif scenario == "nc_own_transfer":
                kw = dict(payer_name=SELLER.upper(), payer_iban=self.own["SG"], acct="LCL")
                text = rng.choice(["VIREMENT INTERNE EQUILIBRAGE TRESORERIE", "VIR COMPTE A COMPTE {num}"])
            elif scenario == "nc_refund_returned":
                c = self.pick(self.certain_pool())
                amount = self.open_amount_like([c]) if rng.random() < 0.5 else rng.randrange(5000, 300000)
                cn = f"AV-2026-{rng.randrange(1, 300):05d}"
                kw = dict(
                    payer_name=c.bank_name,
                    payer_iban=c.own_iban,
                    btc=("PMNT", "ICDT", "RRTN"),
                    info="RETOUR VIREMENT EMIS",
                )
                kw["reversal"] = rng.random() < 0.5
                kw["return_code"] = "AC04"
                text = rng.choice(
                    [
                        f"RETOUR VIREMENT REMBOURSEMENT AVOIR {cn} MOTIF AC04 COMPTE CLOTURE",
                        f"RETURN REMBOURSEMENT {cn} AC04",
                    ]
                )
            else:  # nc_factor_funding
                kw = dict(payer_name="CM CIC FACTOR", payer_iban=fr_iban(rng, "10096"))
                text = rng.choice(
                    ["FINANCEMENT BORDEREAU CESSION {num}", "VERSEMENT FINANCEMENT REMISE N {num}"]
                )
            t = self.add_tx(scenario, "nc", d, amount, **kw)
            if t.acct == "SG":
                t.payer_name = t.payer_name[:35]
            t.render = partial(self.r_nc, t, text)

    def r_nc(self, t: Tx, text: str) -> None:
        if "{num}" in text:
            inv = self.rng.choice([i for i in self.invoices if i.kind == "invoice" and i.total != t.amount])
            text = text.replace(
                "{num}", inv.form(self.rng.choice(["noprefix", "noprefix", "printed", "serial"]))
            )
            t.variant = "number like an invoice's"
        t.ustrd = [text]

    def debits(self) -> None:
        rng = self.rng
        for d in BDAYS:
            for _ in range(rng.randint(1, 4)):
                t = self.add_tx("debit", "nc", d, rng.randrange(10000, 3000000), debit=True)
                t.payer_name = rng.choice(
                    [
                        "URSSAF RHONE ALPES",
                        "OVH SAS",
                        "AMAZON WEB SERVICES EMEA SARL",
                        "SALAIRES",
                        "DGFIP TVA",
                    ]
                )
                t.info = "PRELEVEMENT SEPA" if t.payer_name != "SALAIRES" else "VIREMENTS SALAIRES"
                t.ustrd = [f"PRLV {t.payer_name[:20]} {d:%m%Y}"]

    # ------------------------------------------------------------------ the plan

    PLAN: list[tuple[str, float]] = [
        ("pub_chorus_ref", 0.085), ("pub_helios_ref", 0.085), ("pub_ref_mangled", 0.055), ("pub_ref_serial", 0.01),
        ("pub_ej_only", 0.05), ("pub_ej_shared_one", 0.02), ("pub_duplicate", 0.005), ("pub_ej_shared_all", 0.01),
        ("pub_multi_inv", 0.03), ("pub_multi_cust", 0.015), ("pub_retenue", 0.02), ("pub_penalites", 0.015), ("pub_refaction", 0.006),
        ("pub_acompte", 0.015), ("pub_sole_payer", 0.02), ("pub_named_in_text", 0.01),
        ("grp_strd", 0.05), ("grp_ustrd", 0.045), ("grp_po", 0.02), ("grp_single", 0.03), ("grp_netted", 0.01),
        ("co_ref", 0.05), ("co_mangled", 0.03), ("co_typo", 0.015), ("co_noref_unique", 0.02),
        ("co_noref_combo", 0.01), ("co_range", 0.012), ("co_overpay", 0.01), ("co_duplicate", 0.008),
        ("co_partial", 0.01), ("co_fx", 0.008), ("co_factor", 0.015), ("co_advance", 0.005),
        ("co_credit_netted", 0.01),
        ("sdd_batch_e2e", 0.045), ("sdd_batch_subref", 0.022), ("sdd_single", 0.02), ("saas_month_named", 0.01),
        ("saas_fifo", 0.01),
        ("trap_treasury_two", 0.012), ("trap_treasury_amount_only", 0.01), ("trap_drfip_region", 0.004),
        ("trap_mandate_number", 0.006), ("trap_ej_partial", 0.005), ("trap_before_invoice", 0.005),
        ("trap_month_taken", 0.004),
        ("nc_vat_refund", 0.006), ("nc_cir", 0.003), ("nc_urssaf", 0.004), ("nc_subsidy_region", 0.005),
        ("nc_bpifrance", 0.003), ("nc_interest", 0.002), ("nc_card", 0.008), ("nc_stripe", 0.005),
        ("nc_intragroup", 0.003), ("nc_own_transfer", 0.004), ("nc_refund_returned", 0.006),
        ("nc_factor_funding", 0.003),
    ]  # fmt: skip

    def generate(self) -> None:
        self.build_customers()
        self.build_book()
        total = sum(s for _n, s in self.PLAN)
        mangled = [
            "compact",
            "nodash",
            "spaces",
            "noprefix",
            "noprefix_compact",
            "nozeros",
            "nozeros_compact",
            "slash",
            "slash_noprefix",
            "yy",
            "yy_compact",
        ]
        for name, s in self.PLAN:
            k = max(1, round(self.n * s / total))
            match name:
                case "pub_chorus_ref" | "pub_helios_ref":
                    self.s_pub_ref(k, name, ["printed", "printed", "printed", "compact"])
                case "pub_ref_mangled":
                    self.s_pub_ref(k, name, mangled)
                case "pub_ref_serial":
                    self.s_pub_serial(k)
                case "pub_ej_only" | "pub_ej_shared_one" | "pub_ej_shared_all":
                    self.s_pub_ej(k, name)
                case "pub_multi_inv" | "pub_multi_cust":
                    self.s_pub_multi(k, name == "pub_multi_cust")
                case "pub_retenue" | "pub_penalites" | "pub_refaction":
                    self.s_pub_deduction(k, name)
                case "pub_acompte":
                    self.s_pub_acompte(k)
                case "pub_sole_payer":
                    self.s_pub_sole(k)
                case "pub_named_in_text":
                    self.s_pub_named(k)
                case "grp_strd":
                    self.s_grp_strd(k)
                case "grp_ustrd" | "grp_po" | "grp_single" | "grp_netted":
                    self.s_grp_ustrd(k, name)
                case "co_ref" | "co_mangled":
                    self.s_co_ref(k, name)
                case "co_typo":
                    self.s_co_typo(k)
                case "co_noref_unique" | "co_noref_combo":
                    self.s_co_noref(k, name == "co_noref_combo")
                case "co_range":
                    self.s_co_range(k)
                case "co_overpay":
                    self.s_co_overpay(k)
                case "co_duplicate":
                    self.s_co_duplicate(k)
                case "co_partial":
                    self.s_co_partial(k)
                case "co_fx":
                    self.s_co_fx(k)
                case "co_factor":
                    self.s_co_factor(k)
                case "co_advance":
                    self.s_co_advance(k)
                case "co_credit_netted":
                    self.s_co_netted(k)
                case "sdd_batch_e2e" | "sdd_batch_subref" | "sdd_single":
                    self.s_sdd(k, name)
                case "saas_month_named" | "saas_fifo":
                    self.s_saas_transfer(k, name)
                case "trap_treasury_two" | "trap_treasury_amount_only":
                    self.trap_treasury(k, name)
                case "trap_drfip_region":
                    self.trap_drfip_region(k)
                case "trap_mandate_number":
                    self.trap_mandate(k)
                case "trap_ej_partial":
                    self.trap_ej_partial(k)
                case "trap_before_invoice":
                    self.trap_before(k)
                case "trap_month_taken":
                    self.trap_month_taken(k)
                case "pub_duplicate":
                    self.s_pub_duplicate(k)
                case _:
                    self.nc(k, name)
        self.debits()
        self.number()
        for t in self.txs:
            if t.render:
                t.render()
        self.verify()

    # ------------------------------------------------------------------ the truth, re-checked over the book

    def verify(self) -> None:
        """Replays the credits in booking order over the book (each customer payment as its truth posts it)
        and drops those whose truth no longer holds, until none is dropped."""
        by_ref: dict[str, list[Invoice]] = defaultdict(list)
        by_serial: dict[int, list[Invoice]] = defaultdict(list)
        by_amount: dict[int, list[Invoice]] = defaultdict(list)
        for i in self.invoices:
            if i.kind == "invoice":
                if i.order_ref:
                    by_ref[i.order_ref].append(i)
                by_serial[i.serial].append(i)
                by_amount[i.total].append(i)
        self.idx = (by_ref, by_serial, by_amount)
        self.by_iban.clear()
        for cu in self.customers:
            for ib in cu.ibans:
                self.by_iban[ib].append(cu)
        for t in self.txs:
            if t.kind == "customer" and t.payer_iban in self.by_iban:
                t.checks.append(("rival",))
        while True:
            open_ = {id(i): i.total for i in self.invoices}
            order = sorted((t for t in self.txs if not t.debit), key=lambda t: (t.booking, t.acct, t.ref))
            bad: list[Tx] = []
            for t in order:
                why = next((c[0] for c in t.checks if not self.holds(c, t, open_)), None)
                if why is not None:
                    bad.append(t)
                    self.dropped[f"{t.scenario}:{why}"] += 1
                    continue
                if t.kind == "customer":
                    for inv, a, kd in t.parts:
                        if inv is not None and kd == "invoice":
                            open_[id(inv)] -= abs(a)
            if not bad:
                break
            links = {t.link for t in bad if t.link}
            gone = {id(t) for t in bad} | {id(t) for t in self.txs if t.link and t.link in links}
            self.txs = [t for t in self.txs if id(t) not in gone]
        self.final_open = open_

    def holds(self, c: tuple[Any, ...], t: Tx, open_: dict[int, int]) -> bool:
        v = t.value
        by_ref, by_serial, by_amount = self.idx

        def items(cust: Customer) -> list[Invoice]:
            return [i for i in cust.invoices if i.kind == "invoice" and open_[id(i)] > 0 and i.issue <= v]

        def eq(cust: Customer, a: int) -> list[Invoice]:
            return [i for i in items(cust) if open_[id(i)] == a]

        def combos(
            cust: Customer, a: int, sizes: tuple[int, ...], exclude: list[Invoice]
        ) -> list[tuple[Invoice, ...]]:
            its = [i for i in items(cust) if i not in exclude][:40]
            return [cb for n in sizes for cb in combinations(its, n) if sum(open_[id(i)] for i in cb) == a]

        match c[0]:
            case "full":
                inv = c[1]
                return bool(open_[id(inv)] == inv.total and inv.issue <= v)
            case "closed":
                return open_[id(c[1])] == 0
            case "unique":
                return eq(c[1], c[2]) == [c[3]]
            case "combo":
                _k, cust, a, want = c
                if eq(cust, a):
                    return False
                oldest, run = [], 0
                for i in sorted(items(cust), key=lambda i: (i.due, i.issue, i.number)):
                    run += open_[id(i)]
                    oldest.append(i)
                    if run >= a:
                        break
                if run == a and set(oldest) != set(want):
                    return False  # the oldest items in order add up to it too: the docs' rule says those
                for n in (2, 3, 4):
                    found = combos(cust, a, (n,), [])
                    if found:
                        return len(found) == 1 and set(found[0]) == set(want)
                return False
            case "rival":
                # docs/cashapp.md, third parties: the account that paid is another customer's, which has an open
                # item of exactly the amount too: left to a person — read literally, also for an account on file
                # for several customers (a public accountant's), as long as none of them is the invoice's customer
                mine = {i.cust.id for i, _a, _k in t.parts if i is not None}
                owners = self.by_iban.get(t.payer_iban, [])
                if any(o.id in mine for o in owners):
                    return True
                return not any(eq(o, t.amount) for o in owners)
            case "fifo":
                _k, cust, a, inv = c
                equal = sorted(eq(cust, a), key=lambda i: (i.due, i.issue, i.number))
                return bool(equal) and equal[0] is inv
            case "month":
                _k, cust, a, inv = c
                same = [i for i in eq(cust, a) if (i.due.year, i.due.month) == (inv.due.year, inv.due.month)]
                return same == [inv]
            case "ambiguous":
                _k, custs, a = c
                return sum(1 for x in custs if eq(x, a)) >= 2
            case "none":
                _k, custs, a = c
                return not any(eq(x, a) for x in custs)
            case "book_unique":
                return sum(1 for i in by_amount[c[1]] if open_[id(i)] == c[1] and i.issue <= v) == 1
            case "noitem":
                _k, cust, a = c
                return not eq(cust, a) and not combos(cust, a, (2, 3), [])
            case "excess":
                _k, cust, a, exclude = c
                return not [i for i in eq(cust, a) if i not in exclude] and not combos(
                    cust, a, (2, 3), exclude
                )
            case "ej":
                _k, ref, a, want = c
                live = [i for i in by_ref[ref] if open_[id(i)] > 0 and i.issue <= v]
                if len(want) == 1:
                    return [i for i in live if open_[id(i)] == a] == want
                return set(live) == set(want)
            case "ej_none":
                _k, ref, a = c
                live = [i for i in by_ref[ref] if open_[id(i)] > 0 and i.issue <= v]
                return (
                    len(live) >= 2
                    and a not in {open_[id(i)] for i in live}
                    and a != sum(open_[id(i)] for i in live)
                )
            case "serial":
                inv = c[1]
                same = [i for i in by_serial[inv.serial] if open_[id(i)] == t.amount and i.issue <= v]
                return same == [inv]
            case "own_serial":
                inv = c[1]
                return [i for i in inv.cust.invoices if i.serial == inv.serial and i.kind == "invoice"] == [
                    inv
                ]
        raise ValueError(c[0])

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
                    "parent_id",
                    "payment_terms_days",
                ]
            )
            for c in self.customers:
                w.writerow([c.id, c.name, c.country, c.vat, "|".join(c.ibans), "", "fr", c.parent_id, 30])

    def write_invoices(self, path: Path) -> None:
        cols = [
            "number",
            "customer_id",
            "issue_date",
            "due_date",
            "currency",
            "total",
            "structured_reference",
            "kind",
            "order_reference",
            "payment_terms",
            "discount_percent",
            "discount_days",
        ]
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(cols)
            for i in sorted(self.invoices, key=lambda i: (i.issue, i.number)):
                terms = f"{i.disc_pct}/{i.disc_days} net 60" if i.disc_pct else ""
                w.writerow(
                    [
                        i.number,
                        i.cust.id,
                        i.issue.isoformat(),
                        i.due.isoformat(),
                        "EUR",
                        eur(i.total),
                        "",
                        i.kind,
                        i.order_ref,
                        terms,
                        str(i.disc_pct) if i.disc_pct else "",
                        i.disc_days if i.disc_pct else "",
                    ]
                )

    def write_truth(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["tx_ref", "invoice_number", "amount", "status", "kind", "scenario", "variant"])
            for t in self.txs:
                if t.debit:
                    continue
                if t.kind != "customer":
                    w.writerow([t.ref, "", eur(t.amount), "unmatched", "unrelated", t.scenario, t.variant])
                for n, a, k in t.truth:
                    w.writerow([t.ref, n, eur(a), "applied", k, t.scenario, t.variant])

    def camt(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        balance = {"LCL": 48_215_000, "SG": 12_907_455}
        seq = {"LCL": 40, "SG": 112}
        for d in BDAYS:
            for acct in ("LCL", "SG"):
                txs = [t for t in self.txs if t.booking == d and t.acct == acct]
                if not txs:
                    continue
                seq[acct] += 1
                xml, balance[acct] = self.statement(acct, d, txs, balance[acct], seq[acct])
                p = folder / f"{acct.lower()}-{d:%Y%m%d}.xml"
                p.write_text(xml, encoding="utf-8")
                paths.append(p)
        return paths

    def statement(self, acct: str, d: date, txs: list[Tx], opening: int, seq: int) -> tuple[str, int]:
        v8 = acct == "LCL"
        ns = "urn:iso:std:iso:20022:tech:xsd:camt.053.001." + ("08" if v8 else "02")
        bic = "CRLYFRPP" if acct == "LCL" else "SOGEFRPP"
        entries: list[list[Tx]] = []
        batches: dict[str, list[Tx]] = {}
        for t in txs:
            if t.batch:
                if t.batch not in batches:
                    batches[t.batch] = []
                    entries.append(batches[t.batch])
                batches[t.batch].append(t)
            else:
                entries.append([t])
        closing = opening + sum(-t.amount if t.debit else t.amount for t in txs)

        def bal(code: str, amount: int) -> str:
            return (
                f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{eur(abs(amount))}</Amt>'
                f"<CdtDbtInd>{'CRDT' if amount >= 0 else 'DBIT'}</CdtDbtInd><Dt><Dt>{d.isoformat()}</Dt></Dt></Bal>"
            )

        out = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<Document xmlns="{ns}"><BkToCstmrStmt>',
            f"<GrpHdr><MsgId>{acct}{d:%Y%m%d}{seq}</MsgId><CreDtTm>{d.isoformat()}T21:30:00</CreDtTm></GrpHdr>",
            f"<Stmt><Id>{acct}-{d:%Y%m%d}</Id><ElctrncSeqNb>{seq}</ElctrncSeqNb><CreDtTm>{d.isoformat()}T21:30:00</CreDtTm>",
            f"<FrToDt><FrDtTm>{d.isoformat()}T00:00:00</FrDtTm><ToDtTm>{d.isoformat()}T23:59:59</ToDtTm></FrToDt>",
            f"<Acct><Id><IBAN>{self.own[acct]}</IBAN></Id><Ccy>EUR</Ccy><Svcr><FinInstnId><{'BICFI' if v8 else 'BIC'}>{bic}"
            f"</{'BICFI' if v8 else 'BIC'}></FinInstnId></Svcr></Acct>",
            bal("OPBD", opening),
            bal("CLBD", closing),
        ]
        for group in entries:
            out.append(self.entry_xml(group, d, v8, acct))
        out.append("</Stmt></BkToCstmrStmt></Document>")
        return "\n".join(out), closing

    def entry_xml(self, group: list[Tx], d: date, v8: bool, acct: str) -> str:
        e = escape
        t0 = group[0]
        total = sum(t.amount for t in group)
        ind = "DBIT" if t0.debit else "CRDT"
        sts = "<Sts><Cd>BOOK</Cd></Sts>" if v8 else "<Sts>BOOK</Sts>"
        dom, fam, sub = t0.btc
        btc = f"<BkTxCd><Domn><Cd>{dom}</Cd><Fmly><Cd>{fam}</Cd><SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn></BkTxCd>"
        entry_ref = t0.ref if len(group) == 1 else f"{acct}B{d:%y%m%d}{t0.batch}"
        x = (
            f'<Ntry><NtryRef>{e(entry_ref)}</NtryRef><Amt Ccy="EUR">{eur(total)}</Amt><CdtDbtInd>{ind}</CdtDbtInd>'
            + ("<RvslInd>true</RvslInd>" if t0.reversal else "")
            + f"{sts}<BookgDt><Dt>{d.isoformat()}</Dt></BookgDt><ValDt><Dt>{t0.value.isoformat()}</Dt></ValDt>"
            + f"<AcctSvcrRef>{e(entry_ref)}</AcctSvcrRef>{btc}<NtryDtls>"
        )
        if len(group) > 1:
            x += f'<Btch><NbOfTxs>{len(group)}</NbOfTxs><TtlAmt Ccy="EUR">{eur(total)}</TtlAmt><CdtDbtInd>CRDT</CdtDbtInd></Btch>'
        for t in group:
            x += self.txdtls_xml(t, v8, batch=len(group) > 1)
        x += f"</NtryDtls><AddtlNtryInf>{e(t0.info)}</AddtlNtryInf></Ntry>"
        return x

    def txdtls_xml(self, t: Tx, v8: bool, *, batch: bool) -> str:
        e = escape

        def party(tag: str, name: str) -> str:
            return (
                f"<{tag}><Pty><Nm>{e(name)}</Nm></Pty></{tag}>"
                if v8
                else f"<{tag}><Nm>{e(name)}</Nm></{tag}>"
            )

        refs = f"<AcctSvcrRef>{e(t.ref)}</AcctSvcrRef>"
        if t.batch or t.e2e:
            refs += f"<PmtInfId>NUMSDD{t.booking:%Y%m%d}</PmtInfId>"
        refs += f"<EndToEndId>{e(t.e2e or 'NOTPROVIDED')}</EndToEndId>"
        if t.mandate:
            refs += f"<MndtId>{e(t.mandate)}</MndtId>"
        x = f"<TxDtls><Refs>{refs}</Refs>"
        if v8:
            x += f'<Amt Ccy="EUR">{eur(t.amount)}</Amt><CdtDbtInd>{"DBIT" if t.debit else "CRDT"}</CdtDbtInd>'
        amtdtls = ""
        if t.instd:
            ccy, amt, rate = t.instd
            amtdtls += (
                f'<InstdAmt><Amt Ccy="{ccy}">{amt}</Amt><CcyXchg><SrcCcy>{ccy}</SrcCcy><TrgtCcy>EUR</TrgtCcy>'
                f"<XchgRate>{rate}</XchgRate></CcyXchg></InstdAmt>"
            )
        if t.instd or not v8:
            amtdtls += f'<TxAmt><Amt Ccy="EUR">{eur(t.amount)}</Amt></TxAmt>'
            x += f"<AmtDtls>{amtdtls}</AmtDtls>"
        if batch:
            dom, fam, sub = t.btc
            x += f"<BkTxCd><Domn><Cd>{dom}</Cd><Fmly><Cd>{fam}</Cd><SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn></BkTxCd>"
        if t.payer_name or t.payer_iban or t.ultimate:
            rp = ""
            if t.debit:
                rp += party("Cdtr", t.payer_name)
            else:
                if t.payer_name:
                    rp += party("Dbtr", t.payer_name)
                if t.payer_iban:
                    rp += f"<DbtrAcct><Id><IBAN>{t.payer_iban}</IBAN></Id></DbtrAcct>"
                if t.ultimate:
                    rp += party("UltmtDbtr", t.ultimate[:70])
            x += f"<RltdPties>{rp}</RltdPties>"
        rmt = ""
        for u in t.ustrd:
            if t.lines35:
                rmt += "".join(f"<Ustrd>{e(u[j : j + 35])}</Ustrd>" for j in range(0, len(u), 35))
            else:
                rmt += "".join(f"<Ustrd>{e(u[j : j + 140])}</Ustrd>" for j in range(0, len(u), 140))
        for s in t.strd:
            rmt += self.strd_xml(s, v8)
        if rmt:
            x += f"<RmtInf>{rmt}</RmtInf>"
        if t.return_code:
            x += f"<RtrInf><Rsn><Cd>{t.return_code}</Cd></Rsn></RtrInf>"
        return x + "</TxDtls>"

    @staticmethod
    def strd_xml(s: dict[str, Any], v8: bool) -> str:
        e = escape

        def amt(tag: str, c: int) -> str:
            return f'<{tag} Ccy="EUR">{eur(c)}</{tag}>'

        x = "<Strd>"
        for tp, nb in s.get("docs", []):
            x += f"<RfrdDocInf><Tp><CdOrPrtry><Cd>{tp}</Cd></CdOrPrtry></Tp><Nb>{e(nb)}</Nb></RfrdDocInf>"
        a: dict[str, Any] = s.get("amts") or {}
        if a:
            body = ""
            if "due" in a:
                body += amt("DuePyblAmt", a["due"])
            if "disc" in a:
                body += (
                    f"<DscntApldAmt>{amt('Amt', a['disc'])}</DscntApldAmt>"
                    if v8
                    else amt("DscntApldAmt", a["disc"])
                )
            if "cn" in a:
                body += amt("CdtNoteAmt", a["cn"])
            if "adj" in a:
                c, code, why, ind = a["adj"]
                body += f"<AdjstmntAmtAndRsn>{amt('Amt', c)}" + (
                    f"<CdtDbtInd>{ind}</CdtDbtInd>" if ind else ""
                )
                body += f"<Rsn>{code}</Rsn><AddtlInf>{e(why)}</AddtlInf></AdjstmntAmtAndRsn>"
            if "paid" in a:
                paid = amt("RmtdAmt", a["paid"])
                body = body + paid if v8 else paid + body
            x += f"<RfrdDocAmt>{body}</RfrdDocAmt>"
        return x + "</Strd>"


# ----------------------------------------------------------------------------------------
# checks of the generated files
# ----------------------------------------------------------------------------------------


def check_files(gen: Generator, statements: list[Path]) -> None:
    assert all(iban_valid(i) for i in gen.own.values())
    assert all(iban_valid(i) for c in gen.customers for i in c.ibans)
    assert all(iban_valid(t.payer_iban) for t in gen.txs if t.payer_iban)
    assert len({t.ref for t in gen.txs}) == len(gen.txs)
    assert len(gen.by_number) == len(gen.invoices)
    for t in gen.txs:
        if t.kind == "customer":
            assert sum(a for _n, a, _k in t.truth) == t.amount, (t.scenario, t.truth, t.amount)
            assert all(n or k == "on_account" for n, _a, k in t.truth), t.truth
        assert t.amount > 0 and all(len(u) <= 140 for u in t.ustrd), (t.scenario, t.ustrd)
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
    home = Path(tempfile.mkdtemp(prefix="encaisse-public-"))
    ibans = [a for acct in ("LCL", "SG") for a in ("--iban", gen.own[acct])]
    steps = [
        (
            "init",
            ["init", "--code", "main", "--name", SELLER, "--country", "FR", "--currency", "EUR", *ibans],
        ),
        ("import-customers", ["import-customers", str(out / "customers.csv")]),
        ("import-invoices", ["import-invoices", str(out / "invoices.csv")]),
        ("import-statement", ["import-statement", *map(str, statements)]),
        ("match", ["match"]),
        ("export-allocations", ["export-allocations", "-o", str(out / "out.csv")]),
        ("review", ["review", "--format", "json", "--limit", "100000"]),
    ]
    timings, problems, results = run_steps(exe, steps, home)
    for name, p in results.items():
        (out / f"{name}.log").write_text(step_log(p, tail=20000 if name == "review" else None))
    if "review" in results:
        (out / "review.json").write_text(results["review"].stdout)
    shutil.rmtree(home, ignore_errors=True)
    return timings, problems


def explanations(out: Path) -> dict[str, str]:
    """The product's explanation of each payment it left to a person (``review --format json``), by
    reference."""
    path = out / "review.json"
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text() or "[]")
    except json.JSONDecodeError:
        return {}
    rows = data.get("items", data) if isinstance(data, dict) else data
    found: dict[str, str] = {}
    for r in rows if isinstance(rows, list) else []:
        if isinstance(r, dict) and r.get("tx_ref"):
            found[str(r["tx_ref"])] = (
                f"{r.get('proposal', '')} ({r.get('confidence', '')}): {r.get('why', '')}"[:700]
            )
    return found


_EXPLAIN: dict[str, str] = {}


def miss_row(t: Tx, issue: str, rows: list[Row]) -> list[str]:
    truth = "; ".join(f"{n or '-'}:{eur(a)}:{k}" for n, a, k in t.truth) or "not applied"
    prod = "; ".join(f"{s}:{n or '-'}:{eur(a)}:{k}:{c}" for n, a, k, s, c in rows) or "(absent)"
    return [
        t.scenario,
        issue,
        t.ref,
        eur(t.amount),
        t.currency,
        t.value.isoformat(),
        t.payer_name,
        t.payer_iban or t.payer_other,
        t.ultimate,
        t.remittance(),
        truth,
        prod,
        t.variant,
        _EXPLAIN.get(t.ref, ""),
    ]


def score(gen: Generator, out: Path) -> dict[str, object]:
    _EXPLAIN.clear()
    _EXPLAIN.update(explanations(out))
    result = score_kinds(gen.txs, out, miss_row, columns=[*MISS_COLUMNS, "variant", "explanation"])
    prod = read_export(out / "out.csv")
    want = got = 0
    variants: dict[str, Counter[str]] = defaultdict(Counter)
    for t in gen.txs:
        if t.debit or t.kind != "customer":
            continue
        truth = Counter((n, a, k) for n, a, k in t.truth if k == "invoice")
        want += sum(truth.values())
        status, applied = outcome(prod.get(t.ref, []))
        if status == "applied":
            got += sum(min(c, truth[r]) for r, c in Counter(applied).items())
        if t.variant:
            v = variants[f"{t.scenario} / {t.variant}"]
            v["n"] += 1
            v[status] += 1
            v["ok"] += status == "applied" and applied == sorted(t.truth)
    for t in gen.txs:
        if t.debit or t.kind == "customer" or not t.variant:
            continue
        status, applied = outcome(prod.get(t.ref, []))
        v = variants[f"{t.scenario} / {t.variant}"]
        v["n"] += 1
        bad = status == "applied" and not (
            t.allow_on_account and all(k == "on_account" for _n, _a, k in applied)
        )
        v["applied"] += bad
    result["line_items"] = {"truth_rows": want, "posted_right": got}
    result["variants"] = {k: dict(v) for k, v in variants.items()}
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
    lines.append("")
    lines.append(f"{'scenario / variant':62} {'n':>5} {'auto%':>6} {'right%':>6} {'wrong':>5}")
    variants: dict[str, dict[str, int]] = result["variants"]  # type: ignore[assignment]
    for k in sorted(variants, key=lambda k: (k.startswith(("trap_", "nc_")), k)):
        v = variants[k]
        n = v.get("n", 0)
        if k.startswith(("trap_", "nc_")):  # applied = applied against the rules (wrong)
            lines.append(f"{k[:62]:62} {n:5d} {'':>6} {'':>6} {v.get('applied', 0):5d}")
            continue
        lines.append(
            f"{k[:62]:62} {n:5d} {pct(v.get('applied', 0), n)} {pct(v.get('ok', 0), n)} {v.get('applied', 0) - v.get('ok', 0):5d}"
        )
    lines += summary_lines(result, "automatic rate (applied / customer payments): {rate}%")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    return run_generated_check(
        __doc__,
        argv,
        prefix="blackbox-public-",
        generator=Generator,
        check_files=check_files,
        run_product=run_product,
        score=score,
        print_table=print_table,
        write_statements=lambda gen, folder: gen.camt(folder),
    )


if __name__ == "__main__":
    sys.exit(main())
