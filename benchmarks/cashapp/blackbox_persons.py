"""Sixth independent black-box check of cash application: private persons and sole traders.

What it is: a generator of the receivables of a property manager in Maastricht ("Maas & Rijn
Vastgoedbeheer B.V.": flats, rooms, garages, storage boxes and small business units in the
Netherlands, Belgium, Germany and France) whose 3,000 customers are private persons, couples and
sole traders, with about five open documents per payment (monthly rent invoices, April's issued on
25 March, arrears, service-charge settlements and refunds, repairs, reminder fees, deposits,
payment-plan instalments), one month of statements as the seller's banks deliver them (ING NL, KBC
BE and a French bank in camt.053.001.02; Rabobank MT940 with the Dutch ``/EREF/ /NAME/ /IBAN/
/REMI/`` codes; Sparkasse Aachen MT940 with the German ``?20``–``?63`` subfields) and the ground
truth in the ``export-allocations`` format (docs/cashapp.md, "Accounting rows"). It is designed from
the user documentation only (docs/cashapp.md, docs/cli.md, docs/banking.md). The product is driven
through its command line on a fresh SQLite workspace and its export is scored per scenario.

Run::

    .venv/bin/python benchmarks/cashapp/blackbox_persons.py [--payments 3000] [--seed 1] [--out DIR] [--keep]

It prints a table per scenario and overall and writes ``truth.csv``, ``out.csv``, ``misses.csv``
(every wrong or missing decision) and ``report.json`` in ``--out`` (default: a temporary directory,
removed unless ``--keep``). Standard library only.

The people
----------
Customer master names as a landlord's system holds them ("Jan de Vries", "J.P. van den Berg",
"Vries, Jan de", "Dhr. J. de Jong", "Marieke de Vries-Bakker", "J. de Vries en M. de Vries-Bakker",
"Familie Jansen", "Peeters Jan", "DUBOIS Marie-Claire", "M. et Mme Martin", "Müller, Hans-Peter",
"Dr. Anna Schmidt", "Hans und Petra Müller", "Jan de Vries h.o.d.n. Klusbedrijf De Vries",
"Bakkerij De Vries v.o.f.", "Jean-Luc Petit EI", "Malerbetrieb Becker e.K."), surnames drawn with
a Zipf law (many de Jong, Jansen, Peeters, Martin, Müller, Schmidt; some customers sharing surname
and initial, a few sharing the whole name) and the payer names banks give for persons: initials
and surname in every order ("J DE VRIES", "DE VRIES J", "HR J P VAN DEN BERG"), joint accounts
("J DE VRIES EN/OF M DE VRIES-BAKKER", "M. OU MME DUBOIS MARIE CLAIRE", "Hans und Petra Müller"),
umlauts written ue or u in MT940, names cut to 35 (the French bank), 27 (a German ``?32`` alone)
or 70 characters, trade names of sole traders.

Who bears a name (the truth of name-only scenarios) is decided as a careful clerk would from the
master data only: same surname (any part of a double name, ü = ue = u) and given names that agree
(same first initial; two initials each must be equal; full given names equal or one the short form
of the other). A payment from an unknown account without any reference is applied when exactly one
customer bearing the payer's name has an open item of the amount (checked over the whole final
book, settled or not: a conservative check); it is a trap when two or more do.

Why each truth is what it is
----------------------------
Customer payments (the truth is the export rows; anything else applied is wrong):

- ``ogm_strd`` / ``ogm_typed``: Belgian structured communication in the structured field or typed
  in the text (``+++123/4567/89012+++``, ``123/4567/89012``, 12 digits) names the invoice.
- ``rf_strd`` / ``rf_typed``: an RF creditor reference (structured field, Rabobank's
  ``/CDTRREF/``, or typed, grouped by four).
- ``inv_exact`` / ``inv_variant``: the invoice number as printed or as persons write it.
- ``known_account``: the payer's account is on file, the text says "huur maart", "loyer mars",
  "Miete März", "servicekosten", or nothing; exactly one open item of the amount.
- ``fifo_rent``: standing order from the known account, two or three equal rents open: the oldest.
- ``customer_number``: the customer number written ("klantnr 100234", "Mieternr."), often from an
  account never seen and under a name that namesakes share: the number names the payer.
- ``contract_number``: the rental contract's number (unknown to the product), known account,
  one item of the amount.
- ``dated_ref``: "Rechnung vom 12.02.", "factuur van 12-02-2026", "facture du 12/02": known account,
  one item of the amount.
- ``typo`` / ``typo_hits_other``: the invoice number with one wrong, swapped, missing or extra
  digit, known account, the amount to the cent; in ``typo_hits_other`` the mistyped number is
  another customer's open invoice (of another amount).
- ``multi_months``: "huur jan + feb" from the known account: the oldest equal rents in order.
- ``multi_list``: several invoice numbers, adding up to the amount.
- ``name_unique_amount``: unknown account, the payer's name in a bank's form, no reference: only
  one customer bearing the name has an open item of the amount.
- ``namesake_known_account``: two customers bearing the same name both have an item of the amount
  open; the account on file says which.
- ``joint_account`` / ``spouse_pays`` / ``parent_pays``: a joint account, a spouse or a parent
  paying from an account not on file with the invoice number or structured reference (a joint
  account without one when only one bearer has the amount).
- ``sole_trader``: the trade name on the bank side, with a reference or a known account.
- ``name_cut``: a long name cut by the bank, unknown account, only one bearer has the amount.
- ``part_payment``: "deelbetaling", "Teilzahlung", "acompte" with the invoice number.
- ``plan_instalment``: payment plan instalments as equal documents; "termijn 3 van 6": the oldest.
- ``overpayment``: the invoice named, rounded up: invoice total + ``on_account`` excess.
- ``duplicate``: the same payment with the same invoice number a few days later: ``on_account``.
- ``credit_note_netted``: rent minus a service-charge refund (credit note number written).
- ``ogm_typo``: a typed OGM with one wrong digit (check digits fail), known account, exact amount.
- ``advance``: "voorschot", "Vorauszahlung", "avance" from the known account, nothing of the
  amount open: ``on_account`` whole.

Left to a person is right (scenarios marked ``*``; applied, they must be right):

- ``month_not_oldest*``: rents of January, February and March open, the text names March: the
  named month (first in, first out would contradict the payer's words).
- ``family_one_relative*``: a relative under another initial pays from an unknown account; one
  customer of the surname has the amount.
- ``surname_only_unique*``: "FAM DE VRIES" / "M ET MME MARTIN": one customer of the surname has it.
- ``welfare_custno`` (applied) / ``welfare_name*``: a social service (Jobcenter, OCMW/CPAS,
  Sociale Zaken) pays a tenant's rent, naming the tenant with (or without) the customer number.
- ``welfare_partial*``: the French CAF pays housing benefit (APL) for a tenant, part of the rent.
- ``index_underpay*``: a standing order not raised after the rent's indexation, short by more
  than the charge tolerance, no reference: a part payment a person books.

Traps, scored "applied = wrong":

- ``trap_namesakes`` / ``trap_same_name``: initials and surname (or the whole name) borne by two or
  more customers who all have an item of the amount open; unknown account, no reference.
- ``trap_family_two``: a relative (another initial, or the family name only) pays, two customers of
  the surname have the amount open.
- ``trap_custno_conflict``: the payer's name is customer A's, the customer number written is B's,
  both have an item of the amount.
- ``trap_before_issue``: the only items of the amount were issued after the value date (a deposit
  paid before its invoice, April's rent before 25 March); booking it whole on account is accepted.
- ``trap_typo_two_customers``: a stranger writes a number one digit from two customers' invoices.

Non-customer credits (``nc_*``, nothing may be applied): employee benefits paid to the employer
(UWV, Krankenkasse U1, CPAM IJSS, with the employee's name, a customer's namesake), returned salary
payments, tax refunds, interest, transfers from the seller's own savings account, card and PSP
settlements (Mollie, Adyen, CCV, Payconiq, SumUp), reversals of the seller's own direct debits,
the seller's refunds to tenants coming back (return code, the tenant's own account and name, a
real invoice or credit note number), insurers, suppliers' refunds quoting their own numbers (some
equal to one of our open invoices' digits), municipalities; about a third have an open item's
amount.
"""

from __future__ import annotations

import csv
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from blackbox_export import (
    Row,
    cents,
    check_arguments,
    envelope,
    outcome,
    read_export,
    report,
    run_steps,
    step_log,
    trap_table,
)

PERIOD_START = date(2026, 3, 2)
PERIOD_END = date(2026, 3, 31)
SELLER = "Maas & Rijn Vastgoedbeheer B.V."
RENT_RUN = {2025: [date(2025, 12, 24)], 2026: [date(2026, m, 25) for m in (1, 2, 3)]}
SETTLEMENT_RUN = date(2026, 2, 12)
TOLERANCE = 2500

# ----------------------------------------------------------------------------------------
# accounts
# ----------------------------------------------------------------------------------------


def _mod97(text: str) -> int:
    return int("".join(str(int(c, 36)) for c in text)) % 97


def make_iban(country: str, bban: str) -> str:
    return f"{country}{98 - _mod97(bban + country + '00'):02d}{bban}"


def iban_valid(iban: str) -> bool:
    return _mod97(iban[4:] + iban[:4]) == 1


def _d(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


NL_BANKS = [("INGB", "INGBNL2A"), ("RABO", "RABONL2U"), ("ABNA", "ABNANL2A"), ("SNSB", "SNSBNL2A")]
NL_BANKS += [("ASNB", "ASNBNL21"), ("TRIO", "TRIONL2U"), ("KNAB", "KNABNL2H"), ("BUNQ", "BUNQNL2A")]
BE_BANKS = [("734", "KREDBEBB"), ("001", "GEBABEBB"), ("068", "GKCCBEBB"), ("363", "BBRUBEBB")]
BE_BANKS += [("979", "ARSPBE22"), ("143", "GEBABEBB")]
FR_BANKS = [("30004", "BNPAFRPP"), ("30003", "SOGEFRPP"), ("10278", "CMCIFR2A"), ("20041", "PSSTFRPP")]
FR_BANKS += [("11306", "AGRIFRPP"), ("17515", "CEPAFRPP")]
DE_BANKS = [("39050000", "AACSDE33"), ("37040044", "COBADEFFXXX"), ("10070000", "DEUTDEBB")]
DE_BANKS += [("39060180", "GENODED1AAC"), ("12030000", "BYLADEM1001"), ("10011001", "NTSBDEB1XXX")]


def random_account(rng: random.Random, country: str) -> tuple[str, str]:
    """A valid IBAN of the country (national check digits too for NL, BE and FR) and its BIC."""
    if country == "NL":
        code, bic = rng.choice(NL_BANKS)
        while True:  # the Dutch eleven test, ING's old giro numbers aside
            acct = "0" + _d(rng, 9) if code != "INGB" else "000" + _d(rng, 7)
            if code == "INGB" or sum(int(c) * (10 - i) for i, c in enumerate(acct)) % 11 == 0:
                break
        return make_iban("NL", code + acct), bic
    if country == "BE":
        code, bic = rng.choice(BE_BANKS)
        body = code + _d(rng, 7)
        return make_iban("BE", f"{body}{int(body) % 97 or 97:02d}"), bic
    if country == "FR":
        (bank, bic), branch, acct = rng.choice(FR_BANKS), _d(rng, 5), _d(rng, 11)
        key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(acct)) % 97
        return make_iban("FR", f"{bank}{branch}{acct}{key:02d}"), bic
    code, bic = rng.choice(DE_BANKS)
    return make_iban("DE", code + _d(rng, 10)), bic


def make_ogm(base10: int) -> str:
    return f"{base10:010d}{base10 % 97 or 97:02d}"


def make_rf(body: str) -> str:
    return f"RF{98 - _mod97(body + 'RF00'):02d}{body}"


def fmt_amount(c: int) -> str:
    return f"{abs(c) // 100}.{abs(c) % 100:02d}"


def fmt_signed(c: int) -> str:
    return ("-" if c < 0 else "") + fmt_amount(c)


def fmt_eu(c: int) -> str:
    whole = f"{c // 100:,}".replace(",", ".")
    return f"{whole},{c % 100:02d}"


def strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def translit_de(text: str) -> str:
    for a, b in (("Ä", "AE"), ("Ö", "OE"), ("Ü", "UE")):  # in a word written in capitals
        text = re.sub(f"(?<=[A-Z]){a}|{a}(?=[A-Z])", b, text)
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue"), ("ß", "ss")):
        text = text.replace(a, b)
    return strip_accents(text)


def name_key(text: str) -> str:
    """A surname or trade name as a clerk compares it: no case, accents, spaces; ü = ue = u."""
    t = translit_de(text).lower()
    t = t.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    return "".join(ch for ch in t if ch.isalnum())


def surname_keys(text: str) -> set[str]:
    """A surname's keys: the whole, and each part of a double name ("de Vries-Bakker")."""
    return {name_key(text)} | {name_key(x) for x in text.split("-") if x.strip()}


def given_key(text: str) -> str:
    return name_key(text.replace("-", " ").split(" ")[0])


# ----------------------------------------------------------------------------------------
# names
# ----------------------------------------------------------------------------------------

NL_SURNAMES = [
    ("de", "Jong"), ("", "Jansen"), ("de", "Vries"), ("van den", "Berg"), ("van", "Dijk"), ("", "Bakker"),
    ("", "Janssen"), ("", "Visser"), ("", "Smit"), ("", "Meijer"), ("de", "Boer"), ("", "Mulder"),
    ("de", "Groot"), ("", "Bos"), ("", "Vos"), ("", "Peters"), ("", "Hendriks"), ("van", "Leeuwen"),
    ("", "Dekker"), ("", "Brouwer"), ("de", "Wit"), ("", "Dijkstra"), ("", "Smits"), ("de", "Graaf"),
    ("van der", "Meer"), ("van der", "Linden"), ("", "Kok"), ("", "Jacobs"), ("de", "Haan"),
    ("", "Vermeulen"), ("van den", "Heuvel"), ("van der", "Veen"), ("van den", "Broek"), ("de", "Bruijn"),
    ("de", "Bruin"), ("van der", "Heijden"), ("", "Schouten"), ("van", "Beek"), ("", "Willems"),
    ("van", "Vliet"), ("van de", "Ven"), ("", "Hoekstra"), ("", "Maas"), ("", "Verhoeven"), ("", "Koster"),
    ("van", "Dam"), ("", "Prins"), ("", "Blom"), ("", "Huisman"), ("", "Peeters"), ("", "Kusters"),
    ("", "Hermans"), ("", "Claessens"), ("", "Lemmens"), ("", "Houben"), ("", "Schepers"), ("", "Wouters"),
]  # fmt: skip
BE_NL_SURNAMES = [
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters",
    "De Smet", "Vermeulen", "Van Damme", "De Backer", "Hermans", "Michiels", "Van den Broeck", "Lemmens",
    "Verstraete", "Van de Velde", "De Clercq", "Dierckx", "Aerts", "Smets", "Pauwels", "Jansen", "Coenen",
]  # fmt: skip
BE_FR_SURNAMES = [
    "Dubois", "Lambert", "Dupont", "Martin", "Simon", "Laurent", "Leclercq", "Renard", "Lejeune",
    "François", "Denis", "Collard", "Lefèvre", "Gilson", "Dumont", "Maréchal", "Peeters", "Jacobs",
]  # fmt: skip
FR_SURNAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Muller",
    "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Henry", "Perrin", "Mathieu", "Clément",
]  # fmt: skip
DE_SURNAMES = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz",
    "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz",
    "Krause", "Meier", "Lehmann", "Jansen", "Peters", "Köhler", "König", "Walter", "Fuchs", "Jung", "Hahn",
]  # fmt: skip
# (call name, formal first names): Dutch banks print the initials of the formal names
NL_GIVEN_M = [
    ("Jan", "Johannes Petrus"), ("Jan", "Jan"), ("Johan", "Johan"), ("Jeroen", "Jeroen"), ("Joost", "Joost"),
    ("Henk", "Hendrik"), ("Wim", "Wilhelmus"), ("Gert", "Gerardus Johannes"), ("Ad", "Adrianus"),
    ("Theo", "Theodorus"), ("Pieter", "Pieter"), ("Peter", "Petrus"), ("Bas", "Sebastiaan"),
    ("Mark", "Mark"), ("Erik", "Erik"), ("Maarten", "Maarten"), ("Rob", "Robertus"), ("Tom", "Thomas"),
    ("Jasper", "Jasper"), ("Willem", "Willem"), ("Hans", "Johannes"), ("Frank", "Franciscus"),
    ("Martijn", "Martijn"), ("Niels", "Niels"), ("Koen", "Koen"), ("Ruud", "Rudolf"), ("Daan", "Daniël"),
]  # fmt: skip
NL_GIVEN_F = [
    ("Marieke", "Maria"), ("Anneke", "Anna"), ("Jolanda", "Jolanda"), ("Sanne", "Susanna"),
    ("Lotte", "Charlotte"), ("Femke", "Femke"), ("Ingrid", "Ingrid"), ("Petra", "Petronella"),
    ("Anja", "Anja"), ("Esther", "Esther"), ("Linda", "Linda"), ("Monique", "Monique"), ("Karin", "Karin"),
    ("Joke", "Johanna"), ("Marloes", "Maria Louisa"), ("Annemarie", "Anna Maria"), ("Mieke", "Maria"),
    ("Janneke", "Johanna"), ("Els", "Elisabeth"), ("Wendy", "Wendy"),
]  # fmt: skip
BE_NL_GIVEN_M = [
    "Jan",
    "Luc",
    "Marc",
    "Dirk",
    "Koen",
    "Bart",
    "Wim",
    "Geert",
    "Peter",
    "Kris",
    "Tom",
    "Stijn",
    "Pieter",
    "Joris",
]
BE_NL_GIVEN_F = [
    "An",
    "Katrien",
    "Els",
    "Sofie",
    "Veerle",
    "Inge",
    "Hilde",
    "Griet",
    "Lieve",
    "Sarah",
    "Ann",
    "Leen",
]
FR_GIVEN_M = [
    "Jean", "Pierre", "Michel", "Philippe", "Alain", "Nicolas", "Christophe", "Stéphane", "Sébastien",
    "Julien", "Jean-Pierre", "Jean-Luc", "Jean-Marc", "François", "Éric", "Frédéric", "Laurent", "Olivier",
]  # fmt: skip
FR_GIVEN_F = [
    "Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Christine", "Sandrine", "Céline", "Valérie",
    "Sophie", "Stéphanie", "Marie-Claire", "Anne-Sophie", "Hélène", "Élodie", "Aurélie", "Françoise",
    "Chantal", "Véronique", "Marie-Christine",
]  # fmt: skip
DE_GIVEN_M = [
    "Hans-Peter", "Karl-Heinz", "Klaus", "Jürgen", "Günter", "Uwe", "Stefan", "Thomas", "Michael",
    "Andreas", "Frank", "Jörg", "Björn", "Jens", "Dirk", "Markus", "Hans", "Peter", "Wolfgang",
]  # fmt: skip
DE_GIVEN_F = [
    "Petra", "Sabine", "Monika", "Ursula", "Andrea", "Claudia", "Birgit", "Gabriele", "Susanne", "Anna",
    "Katrin", "Jutta", "Dörte", "Anke", "Heike", "Annegret", "Marie-Luise",
]  # fmt: skip
SHORT_FORMS = {
    ("jan", "johannes"), ("hans", "johannes"), ("henk", "hendrik"), ("wim", "wilhelmus"), ("gert", "gerardus"),
    ("ad", "adrianus"), ("theo", "theodorus"), ("peter", "petrus"), ("rob", "robertus"), ("tom", "thomas"),
    ("ruud", "rudolf"), ("marieke", "maria"), ("mieke", "maria"), ("anneke", "anna"), ("sanne", "susanna"),
    ("petra", "petronella"), ("joke", "johanna"), ("janneke", "johanna"), ("els", "elisabeth"),
    ("frank", "franciscus"), ("daan", "daniel"),
}  # fmt: skip
TRADES = {
    "nl": ["Klusbedrijf", "Schildersbedrijf", "Bakkerij", "Kapsalon", "Loodgietersbedrijf", "Hoveniersbedrijf",
           "Fotografie", "Administratiekantoor", "Timmerbedrijf", "Fysiotherapie", "Rijschool", "Schoonheidssalon"],
    "fr": ["Boulangerie", "Plomberie", "Taxi", "Cabinet infirmier", "Coiffure", "Menuiserie", "Électricité",
           "Peinture", "Fleurs"],
    "de": ["Malerbetrieb", "Friseursalon", "Elektro", "Schreinerei", "Fahrschule", "Physiotherapie",
           "Gartenbau", "Fliesenleger", "Kosmetikstudio"],
}  # fmt: skip
MONTHS = {
    "nl": [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "de": [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
}
MONTHS_SHORT = {
    "nl": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    "fr": ["janv", "févr", "mars", "avr", "mai", "juin", "juil", "août", "sept", "oct", "nov", "déc"],
    "de": ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"],
}

# ----------------------------------------------------------------------------------------
# model
# ----------------------------------------------------------------------------------------


@dataclass
class Person:
    call: str  # the name people use ("Jan", "Marie-Claire", "Hans-Peter")
    formal: list[str]  # first names on the passport (a Dutch bank prints their initials)
    prefix: str  # Dutch "de", "van den"; "" elsewhere (Belgian "De Smet" keeps it in the name)
    core: str
    sex: str
    title: str = ""
    birth: tuple[str, str] | None = None  # a married woman's own name, written after the husband's

    @property
    def surname(self) -> str:
        return f"{self.prefix} {self.core}".strip()

    @property
    def full_surname(self) -> str:
        return self.surname + (f"-{(self.birth[0] + ' ' + self.birth[1]).strip()}" if self.birth else "")

    @property
    def initials(self) -> list[str]:
        out = []
        for n in self.formal:
            out += [p[0].upper() for p in n.replace("-", " ").split()]
        return out

    def keys(self) -> set[str]:
        return surname_keys(self.full_surname)


@dataclass
class Seen:
    """A person as the master data shows him or her: what a clerk can compare a payer with."""

    given: str  # given name key, "" when not shown
    initials: str  # initials shown (or the given name's first letter), "" when none
    keys: frozenset[str]


@dataclass
class PayerPerson:
    given: str
    initials: str
    keys: frozenset[str]


@dataclass
class Unit:
    kind: str
    rent: int
    label: str
    vat: bool = False


@dataclass
class Customer:
    cid: str
    name: str
    country: str
    lang: str
    persons: list[Person]
    seen: list[Seen]
    style: str  # single | couple | family | trade
    trade: str = ""
    ibans: list[str] = field(default_factory=list)
    bics: dict[str, str] = field(default_factory=dict)
    channel: str = ""
    units: list[Unit] = field(default_factory=list)
    combined: bool = False
    contract: str = ""
    items: list[Invoice] = field(default_factory=list)
    excl: bool = False


@dataclass
class Invoice:
    number: str
    cust: Customer
    issue: date
    due: date
    total: int
    what: str  # rent | settlement | repair | fee | deposit | plan | misc
    year: int
    serial: int
    sref: str
    kind: str = "invoice"
    month: int = 0  # the rent's month
    plan: tuple[int, int] = (0, 0)
    used: bool = False

    @property
    def signed(self) -> int:
        return -self.total if self.kind == "credit_note" else self.total


@dataclass
class Tx:
    scenario: str
    amount: int
    value: date
    channel: str
    kind: str = "customer"  # customer | trap | nc
    person_ok: bool = False
    payer_name: str = ""
    payer_iban: str = ""
    payer_bic: str = ""
    text: str = ""
    strd: str = ""  # a structured creditor reference (RF or OGM) in the structured field
    e2e: str = "NOTPROVIDED"
    truth: list[tuple[str, int, str]] = field(default_factory=list)
    allow_on_account: bool = False
    domain: tuple[str, str, str] = ("PMNT", "RCDT", "ESCT")
    reversal: bool = False
    rtrn: str = ""
    standing: bool = False
    payer_spec: list[PayerPerson] = field(default_factory=list)
    payer_trade: str = ""
    check: str = ""  # what validation re-checks over the final book
    check_cust: Customer | None = None
    ref: str = ""
    raw: str = ""

    def remittance(self) -> str:
        return " | ".join(x for x in (self.text, self.strd and f"[strd {self.strd}]") if x)


CHANNELS = {
    # key: (bank, format, name width)
    "ing": ("ING NL", "camt", 70),
    "rabo": ("Rabobank NL", "mt940nl", 70),
    "kbc": ("KBC BE", "camt", 70),
    "fr": ("Crédit Agricole FR", "camt", 35),
    "spk": ("Sparkasse Aachen DE", "mt940de", 54),
}

CUSTOMER_SHARES = [
    ("ogm_strd", 13),
    ("ogm_typed", 4),
    ("rf_strd", 6),
    ("rf_typed", 2),
    ("inv_exact", 12),
    ("inv_variant", 8),
    ("known_account", 14),
    ("fifo_rent", 4),
    ("customer_number", 3.5),
    ("contract_number", 2),
    ("dated_ref", 1.2),
    ("typo", 2),
    ("typo_hits_other", 1),
    ("multi_months", 2),
    ("multi_list", 1.5),
    ("name_unique_amount", 4),
    ("namesake_known_account", 1.5),
    ("joint_account", 3),
    ("spouse_pays", 1.5),
    ("parent_pays", 1),
    ("sole_trader", 2.5),
    ("name_cut", 1),
    ("part_payment", 1.5),
    ("plan_instalment", 2),
    ("overpayment", 0.8),
    ("duplicate", 0.8),
    ("credit_note_netted", 0.8),
    ("ogm_typo", 0.7),
    ("advance", 0.5),
    ("month_not_oldest", 0.8),
    ("family_one_relative", 0.7),
    ("surname_only_unique", 0.7),
    ("welfare_custno", 0.5),
    ("welfare_name", 0.5),
    ("welfare_partial", 0.5),
    ("index_underpay", 0.6),
]
PERSON_OK = {
    "month_not_oldest",
    "family_one_relative",
    "surname_only_unique",
    "welfare_name",
    "welfare_partial",
    "index_underpay",
}
TRAP_PER_3000 = {
    "trap_namesakes": 40,
    "trap_same_name": 12,
    "trap_family_two": 25,
    "trap_custno_conflict": 12,
    "trap_before_issue": 25,
    "trap_typo_two_customers": 12,
}
NC_PER_3000 = {
    "nc_benefit": 40,
    "nc_salary_return": 24,
    "nc_tax_refund": 34,
    "nc_interest": 14,
    "nc_own_transfer": 22,
    "nc_card_settlement": 45,
    "nc_dd_reversal": 22,
    "nc_returned_refund": 28,
    "nc_insurance": 14,
    "nc_supplier_refund": 22,
    "nc_municipality": 12,
}


class Skip(Exception):
    """A scenario that found nothing to build on this time."""


# ----------------------------------------------------------------------------------------
# generator
# ----------------------------------------------------------------------------------------


class Generator:
    def __init__(self, payments: int, seed: int, customers: int = 3000) -> None:
        self.n_pay = payments
        self.n_cust = customers
        self.rng = random.Random(seed)
        self.customers: list[Customer] = []
        self.invoices: list[Invoice] = []
        self.by_number: dict[str, Invoice] = {}
        self.txs: list[Tx] = []
        self.days = [
            PERIOD_START + timedelta(d)
            for d in range((PERIOD_END - PERIOD_START).days + 1)
            if (PERIOD_START + timedelta(d)).weekday() < 5
        ]
        self.used_ibans: set[str] = set()
        self.serial_next: dict[date, int] = {}
        self.by_key: dict[str, list[Customer]] = defaultdict(list)
        self.by_trade: dict[str, list[Customer]] = defaultdict(list)
        self.own = {
            "ing": make_iban("NL", "INGB0006543210"),
            "rabo": make_iban("NL", "RABO0312845679"),
            "kbc": make_iban("BE", "7350123456" + f"{7350123456 % 97 or 97:02d}"),
            "fr": make_iban(
                "FR", "11306" + "00051" + "04512345678" + self._rib("11306", "00051", "04512345678")
            ),
            "spk": make_iban("DE", "39050000" + "1071234567"),
            "savings": make_iban("NL", "INGB0009876543"),
        }
        self.dropped: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter()
        self.contracts: set[str] = set()

    @staticmethod
    def _rib(bank: str, branch: str, acct: str) -> str:
        return f"{97 - (89 * int(bank) + 15 * int(branch) + 3 * int(acct)) % 97:02d}"

    # -- people ---------------------------------------------------------------------------

    def _zipf(self, items: list, s: float = 0.85):  # type: ignore[no-untyped-def,type-arg]
        return self.rng.choices(items, [1 / (i + 1) ** s for i in range(len(items))])[0]

    def new_person(self, country: str, lang: str, sex: str | None = None, surname=None) -> Person:  # type: ignore[no-untyped-def]
        r = self.rng
        sex = sex or r.choice("mf")
        if country == "NL":
            prefix, core = surname or self._zipf(NL_SURNAMES)
            call, formal = r.choice(NL_GIVEN_M if sex == "m" else NL_GIVEN_F)
            names = formal.split()
            if len(names) == 1 and r.random() < 0.5:
                names.append(r.choice(["Maria", "Johannes", "Petrus", "Hendrikus", "Cornelia", "Antonius"]))
            return Person(call, names, prefix, core, sex)
        if country == "BE":
            core = surname[1] if surname else self._zipf(BE_NL_SURNAMES if lang == "nl" else BE_FR_SURNAMES)
            if lang == "nl":
                call = r.choice(BE_NL_GIVEN_M if sex == "m" else BE_NL_GIVEN_F)
            else:
                call = r.choice(FR_GIVEN_M if sex == "m" else FR_GIVEN_F)
            return Person(call, [call], "", core, sex)
        if country == "FR":
            core = surname[1] if surname else self._zipf(FR_SURNAMES)
            call = r.choice(FR_GIVEN_M if sex == "m" else FR_GIVEN_F)
            return Person(call, [call], "", core, sex)
        core = surname[1] if surname else self._zipf(DE_SURNAMES)
        call = r.choice(DE_GIVEN_M if sex == "m" else DE_GIVEN_F)
        title = r.choice(["Dr.", "Dr. med.", "Prof. Dr."]) if r.random() < 0.05 else ""
        return Person(call, [call], "", core, sex, title)

    @staticmethod
    def seen_of(p: Person, how: str, shown: str = "") -> Seen:
        """``how``: full (call name shown), initials, none (family); ``shown``: the surname the master shows."""
        keys = frozenset(surname_keys(shown) if shown else p.keys())
        if how == "full":
            return Seen(given_key(p.call), p.call[0].upper(), keys)
        if how == "initials":
            return Seen("", "".join(p.initials), keys)
        return Seen("", "", keys)

    def master_name(self, c: Customer) -> str:
        """How the landlord's system holds the customer, and what it shows of each person."""
        r = self.rng
        p = c.persons[0]
        dots = ".".join(p.initials) + "."
        if c.style == "trade":
            return c.name
        if c.style == "family":
            c.seen = [self.seen_of(p, "none", p.surname)]
            return {
                "nl": r.choice([f"Familie {p.surname[0].upper() + p.surname[1:]}", f"Fam. {p.surname}"]),
                "fr": r.choice([f"Famille {p.core}", f"M. et Mme {p.core}"]),
                "de": r.choice([f"Familie {p.core}", f"Eheleute {p.core}"]),
            }[c.lang]
        if c.style == "couple":
            q = c.persons[1]
            if c.country == "NL":
                if r.random() < 0.5:
                    c.seen = [
                        self.seen_of(p, "initials", p.surname),
                        self.seen_of(q, "initials", q.full_surname),
                    ]
                    return f"{dots} {p.surname} en {'.'.join(q.initials)}. {q.full_surname}"
                c.seen = [self.seen_of(p, "full", p.surname), self.seen_of(q, "full", q.full_surname)]
                return f"{p.call} {p.surname} en {q.call} {q.full_surname}"
            if c.lang == "fr":
                if r.random() < 0.5:
                    c.seen = [self.seen_of(p, "full", p.core)]
                    return f"M. et Mme {p.core} {p.call}"
                c.seen = [self.seen_of(p, "full", p.core), self.seen_of(q, "full", p.core)]
                return f"{p.call} et {q.call} {p.core}"
            if c.lang == "de":
                c.seen = [self.seen_of(p, "full", p.core), self.seen_of(q, "full", p.core)]
                return f"{p.call} und {q.call} {p.core}"
            c.seen = [self.seen_of(p, "full", p.core), self.seen_of(q, "full", q.core)]
            return f"{p.core} {p.call} en {q.core} {q.call}"
        # single
        x = r.random()
        if c.country == "NL":
            if x < 0.35:
                c.seen = [self.seen_of(p, "full")]
                return f"{p.call} {p.full_surname}"
            if x < 0.6:
                c.seen = [self.seen_of(p, "initials")]
                return f"{dots} {p.full_surname}"
            if x < 0.72:
                c.seen = [self.seen_of(p, "full", p.surname)]
                return f"{p.core}, {p.call} {p.prefix}".strip() if p.prefix else f"{p.core}, {p.call}"
            if x < 0.84:
                c.seen = [self.seen_of(p, "initials")]
                s = p.full_surname
                return f"{s[0].upper() + s[1:]}, {dots}"
            c.seen = [self.seen_of(p, "initials")]
            return f"{'Dhr.' if p.sex == 'm' else 'Mevr.'} {dots} {p.full_surname}"
        c.seen = [self.seen_of(p, "full")]
        if c.country == "BE":
            if x < 0.4:
                return f"{p.core} {p.call}"
            if x < 0.85:
                return f"{p.call} {p.core}"
            return f"{('Dhr.' if p.sex == 'm' else 'Mevr.') if c.lang == 'nl' else ('M.' if p.sex == 'm' else 'Mme')} {p.call} {p.core}"
        if c.country == "FR":
            if x < 0.4:
                return f"{p.call} {p.core}"
            if x < 0.75:
                return f"{p.core.upper()} {p.call}"
            return f"{'M.' if p.sex == 'm' else 'Mme'} {p.call} {p.core}"
        if p.title:
            return f"{p.title} {p.call} {p.core}"
        if x < 0.45:
            return f"{p.call} {p.core}"
        if x < 0.8:
            return f"{p.core}, {p.call}"
        return f"{'Herr' if p.sex == 'm' else 'Frau'} {p.call} {p.core}"

    def make_trade(self, c: Customer) -> None:
        r = self.rng
        p = c.persons[0]
        t = r.choice(TRADES[c.lang])
        sur = p.surname[0].upper() + p.surname[1:]
        if c.lang == "nl":
            trade = f"{t} {sur}"
            c.name = r.choice(
                [
                    f"{p.call} {p.surname} h.o.d.n. {trade}",
                    trade,
                    f"{trade} v.o.f.",
                    f"{t} {'.'.join(p.initials)}. {p.surname}",
                ]
            )
        elif c.lang == "fr":
            trade = f"{t} {p.core}"
            c.name = r.choice([trade, f"{p.call} {p.core} EI", f"{p.core.upper()} {p.call} - {t}"])
        else:
            trade = f"{t} {p.core}"
            c.name = r.choice(
                [trade, f"{trade} e.K.", f"{t} {p.call} {p.core} e.K.", f"{p.core}, {p.call} - {t}"]
            )
        # what the master shows of the owner: the call name, the initials, or the surname in the trade name
        if p.call in c.name:
            c.seen = [self.seen_of(p, "full", p.surname)]
        elif ".".join(p.initials) + "." in c.name:
            c.seen = [self.seen_of(p, "initials", p.surname)]
        else:
            c.seen = [self.seen_of(p, "none", p.surname)]
        c.trade = trade

    def make_customers(self) -> None:
        r = self.rng
        n = self.n_cust
        names: Counter[str] = Counter()
        for i in range(n):
            country = r.choices(["NL", "BE", "DE", "FR"], [45, 25, 18, 12])[0]
            lang = {"NL": "nl", "DE": "de", "FR": "fr"}.get(country) or ("nl" if r.random() < 0.6 else "fr")
            style = r.choices(["single", "couple", "family", "trade"], [70, 12, 5, 13])[0]
            p = self.new_person(country, lang)
            persons = [p]
            if country == "NL" and p.sex == "f" and r.random() < 0.35:
                b = self.new_person("NL", "nl")
                p.birth = (b.prefix, b.core)
                if p.birth[1] == p.core:
                    p.birth = None
            if style in ("couple", "family") or r.random() < 0.15:
                # a partner: shares the account (a couple), or only the household
                q = self.new_person(country, lang, "f" if p.sex == "m" else "m")
                q.prefix, q.core = p.prefix, p.core
                if country in ("BE", "FR") and r.random() < 0.5 and style != "family":
                    q.core = self.new_person(country, lang).core
                if country == "NL" and q.sex == "f" and r.random() < 0.6:
                    b = self.new_person("NL", "nl")
                    if b.core != q.core:
                        q.birth = (b.prefix, b.core)
                persons.append(q)
            c = Customer(str(100001 + i), "", country, lang, persons, [], style)
            if style == "trade":
                self.make_trade(c)
            else:
                c.name = self.master_name(c)
            names[c.name] += 1
            self.customers.append(c)
        # a few customers bearing exactly the same name as another one
        for _ in range(max(6, n // 150)):
            a = r.choice(
                [c for c in self.customers if c.style == "single" and c.country in ("NL", "DE", "BE")]
            )
            b = r.choice(
                [c for c in self.customers if c.style == "single" and c.country == a.country and c is not a]
            )
            b.persons[0] = Person(**{**a.persons[0].__dict__})
            b.name, b.seen = a.name, list(a.seen)
            b.lang = a.lang
        for c in self.customers:
            self.accounts(c)
            self.rentals(c)
            for s in c.seen:
                for k in s.keys:
                    self.by_key[k].append(c)
            if c.trade:
                self.by_trade[name_key(c.trade)].append(c)

    def accounts(self, c: Customer) -> None:
        r = self.rng
        if r.random() < 0.82:
            for _ in range(1 if r.random() < 0.85 else 2):
                bank_country = c.country if r.random() < 0.93 else r.choice(["NL", "BE", "DE", "FR"])
                iban, bic = self.new_account(bank_country)
                c.ibans.append(iban)
                c.bics[iban] = bic
        c.channel = {
            "NL": "ing" if r.random() < 0.6 else "rabo",
            "BE": "kbc",
            "FR": "fr",
            "DE": "spk",
        }[c.country]
        if r.random() < 0.04:
            c.channel = r.choice(["ing", "rabo", "kbc", "fr", "spk"])
        while True:
            k = f"{r.choice(['HC', 'HO', 'MV'])}-{r.randrange(10000, 99999)}"
            if k not in self.contracts:
                self.contracts.add(k)
                c.contract = k
                break

    def new_account(self, country: str) -> tuple[str, str]:
        while True:
            iban, bic = random_account(self.rng, country)
            if iban not in self.used_ibans:
                self.used_ibans.add(iban)
                return iban, bic

    def rentals(self, c: Customer) -> None:
        r = self.rng
        k = r.choices([1, 2, 3], [74, 21, 5])[0]
        for _ in range(k):
            if c.style == "trade" and r.random() < 0.7:
                net = r.randrange(35000, 150000, 500)
                rate = {"NL": 21, "BE": 21, "DE": 19, "FR": 20}[c.country]
                c.units.append(
                    Unit("unit", net + (net * rate + 50) // 100, f"unit {r.randrange(1, 40)}", True)
                )
                continue
            kind = r.choices(["flat", "room", "garage", "box"], [38, 14, 20, 28])[0]
            words = {
                "nl": {"box": "opslagbox", "garage": "garage", "room": "kamer", "flat": "app."},
                "fr": {"box": "box", "garage": "parking", "room": "chambre", "flat": "appt"},
                "de": {"box": "Lagerbox", "garage": "Stellplatz", "room": "Zimmer", "flat": "Wohnung"},
            }[c.lang]
            if kind == "box":
                rent = r.choice([3900, 5900, 7900, 8900, 8900, 11900, 14900])
                label = f"{r.choice([words['box'], 'box', 'Box'])} {r.choice('ABCD')}{r.randrange(1, 250)}"
            elif kind == "garage":
                rent = r.choice([6500, 7500, 7500, 9500, 11000])
                label = f"{r.choice([words['garage'], 'P'])} {r.randrange(1, 80)}"
            elif kind == "room":
                rent = r.randrange(395, 650, 5) * 100
                label = f"{words['room']} {r.randrange(1, 30)}"
            else:
                base = r.randrange(650, 1650, 5) * 100
                rent = base if r.random() < 0.55 else base * (1000 + r.randrange(15, 45)) // 1000
                label = f"{words['flat']} {r.randrange(1, 60)}{r.choice(['', 'A', 'B'])}"
            c.units.append(Unit(kind, rent, label))
        c.combined = len(c.units) > 1 and r.random() < 0.3

    # -- documents ------------------------------------------------------------------------

    def _serial(self, issue: date) -> int:
        r = self.rng
        if issue not in self.serial_next:
            # serial numbers restart each year; rent runs on the 25th take thousands
            y0 = date(issue.year, 1, 1)
            base = 0
            d = y0
            while d < issue:
                base += 9000 if (d.day == 25 or d in (SETTLEMENT_RUN, date(2025, 12, 24))) else 400
                d += timedelta(1)
            self.serial_next[issue] = base + 1
        s = self.serial_next[issue]
        self.serial_next[issue] = s + r.choice([1, 1, 1, 2, 2, 3])
        return s

    def add_doc(
        self,
        c: Customer,
        total: int,
        issue: date,
        what: str,
        *,
        due: date | None = None,
        kind: str = "invoice",
        month: int = 0,
        plan: tuple[int, int] = (0, 0),
    ) -> Invoice:
        serial = self._serial(issue)
        yy = issue.year % 100
        number = f"{'CN' if kind == 'credit_note' else 'MR'}{yy}-{serial:06d}"
        if c.country == "BE":
            sref = make_ogm(
                int(f"{yy}{serial:06d}{int(c.cid) % 100:02d}") + (1 if kind == "credit_note" else 0) * 0
            )
            if kind == "credit_note":
                sref = ""
        else:
            sref = make_rf(f"{c.cid}{yy}{serial:06d}") if kind == "invoice" else ""
        inv = Invoice(
            number,
            c,
            issue,
            due or issue + timedelta(14),
            total,
            what,
            issue.year,
            serial,
            sref,
            kind,
            month,
            plan,
        )
        assert number not in self.by_number, number
        c.items.append(inv)
        self.invoices.append(inv)
        self.by_number[number] = inv
        return inv

    def rent_doc(self, c: Customer, month: int, year: int = 2026) -> list[Invoice]:
        issue = date(year - (month == 1), 12, 24) if month == 1 else date(year, month - 1, 25)
        due = date(year, month, 1)
        if c.combined:
            return [self.add_doc(c, sum(u.rent for u in c.units), issue, "rent", due=due, month=month)]
        return [self.add_doc(c, u.rent, issue, "rent", due=due, month=month) for u in c.units]

    def make_book(self) -> None:
        r = self.rng
        for c in self.customers:
            arrears = r.random()
            if arrears < 0.02:
                self.add_doc(
                    c,
                    sum(u.rent for u in c.units),
                    date(2025, 11, 25),
                    "rent",
                    due=date(2025, 12, 1),
                    month=12,
                )
            if arrears < 0.07:
                self.rent_doc(c, 1)
            if arrears < 0.17:
                self.rent_doc(c, 2)
                if r.random() < 0.5:
                    fee = {"NL": 4000, "BE": 1500, "DE": 500, "FR": 1500}[c.country]
                    self.add_doc(c, fee, date(2026, 2, 16) + timedelta(r.randrange(10)), "fee")
            self.rent_doc(c, 3)
            self.rent_doc(c, 4)
            if r.random() < 0.55:
                amt = int(r.lognormvariate(9.4, 0.8))
                amt = max(1234, min(amt, 95000))
                self.add_doc(
                    c,
                    amt,
                    SETTLEMENT_RUN,
                    "settlement",
                    kind="credit_note" if r.random() < 0.25 else "invoice",
                )
            if r.random() < 0.08:
                self.add_doc(
                    c, r.randrange(4500, 65000), date(2026, 1, 5) + timedelta(r.randrange(80)), "repair"
                )
            if r.random() < 0.03:
                self.add_doc(
                    c,
                    2 * sum(u.rent for u in c.units),
                    date(2026, 2, 1) + timedelta(r.randrange(25)),
                    "deposit",
                )
            if r.random() < 0.045:
                n = r.choice([6, 10, 12])
                paid = r.randrange(0, min(4, n - 2))
                debt = r.randrange(60000, 480000)
                inst = debt // n // 100 * 100 + r.choice([0, 0, 50])
                start = date(2025, 10 + r.randrange(3), r.randrange(1, 28))
                for k in range(paid + 1, n + 1):
                    m = start.month + k
                    due = date(start.year + (m - 1) // 12, (m - 1) % 12 + 1, 15)
                    self.add_doc(c, inst, start, "plan", due=due, plan=(k, n))

    def top_up(self, target: int) -> None:
        r = self.rng
        pool = [c for c in self.customers if not c.excl]
        while len(self.invoices) < target:
            c = r.choice(pool)
            x = r.random()
            if x < 0.35:
                self.add_doc(
                    c, r.randrange(2500, 35000), date(2026, 1, 2) + timedelta(r.randrange(85)), "misc"
                )
            elif x < 0.6:
                self.add_doc(
                    c, r.randrange(4500, 65000), date(2025, 9, 1) + timedelta(r.randrange(200)), "repair"
                )
            elif x < 0.8:
                self.add_doc(
                    c, sum(u.rent for u in c.units), date(2025, 9, 25) + timedelta(r.randrange(90)), "misc"
                )
            else:
                self.add_doc(
                    c,
                    r.choice([1500, 2500, 4000, 500]),
                    date(2026, 1, 10) + timedelta(r.randrange(75)),
                    "fee",
                )

    # -- helpers ----------------------------------------------------------------------------

    def day(self, lo: int = 0, hi: int | None = None) -> date:
        return self.rng.choice(self.days[lo:hi])

    def free(self, c: Customer, v: date) -> list[Invoice]:
        return [i for i in c.items if not i.used and i.kind == "invoice" and i.issue < v]

    def amounts(self, c: Customer, v: date | None = None) -> Counter[int]:
        return Counter(i.signed for i in c.items if v is None or i.issue < v)

    def fifo(self, items: list[Invoice]) -> list[Invoice]:
        return sorted(items, key=lambda i: (i.due, i.issue, i.number))

    def pick_item(self, v: date, cond=None, cust=None, unique: bool = False, excl: bool = False) -> Invoice:  # type: ignore[no-untyped-def]
        r = self.rng
        for _ in range(3000):
            c = r.choice(self.customers)
            if c.excl or (cust is not None and not cust(c)):
                continue
            cands = [i for i in self.free(c, v) if cond is None or cond(i)]
            if not cands:
                continue
            inv = r.choice(cands)
            if unique and self.amounts(c)[inv.signed] > 1:
                continue
            inv.used = True
            if excl:
                c.excl = True
            return inv
        raise Skip("no invoice")

    def fresh(self, cond=None, need_iban: bool = True, untouched: bool = True) -> Customer:  # type: ignore[no-untyped-def]
        """A customer no scenario holds yet (``untouched``: none of whose items another payment settles)."""
        r = self.rng
        for _ in range(5000):
            c = r.choice(self.customers)
            if c.excl or (need_iban and not c.ibans) or (untouched and any(i.used for i in c.items)):
                continue
            if cond is not None and not cond(c):
                continue
            c.excl = True
            return c
        raise Skip("no fresh customer")

    def fifo_first(self, c: Customer, inv: Invoice, v: date) -> bool:
        """The item is the customer's only one of its amount, or the oldest of equal rents (all still free)."""
        same = [j for j in c.items if j.signed == inv.signed]
        if len(same) == 1:
            return True
        if any(j.what != "rent" or (j.used and j is not inv) for j in same):
            return False
        return self.fifo([j for j in same if j.issue < v])[0] is inv

    def unique_item(self, c: Customer, v: date, cond=None, fifo: bool = False) -> Invoice:  # type: ignore[no-untyped-def]
        am = self.amounts(c)
        cands = [
            i
            for i in self.free(c, v)
            if (am[i.signed] == 1 or (fifo and self.fifo_first(c, i, v))) and (cond is None or cond(i))
        ]
        if not cands:
            raise Skip("no unique item")
        inv = self.rng.choice(cands)
        for j in c.items:
            if j.signed == inv.signed:
                j.used = True
        return inv

    # -- payer names ------------------------------------------------------------------------

    def spec(self, p: Person, how: str, surname: str | None = None) -> PayerPerson:
        keys = frozenset(surname_keys(surname) if surname else p.keys())
        if how == "full":
            return PayerPerson(given_key(p.call), p.call[0].upper(), keys)
        if how == "initials":
            return PayerPerson("", "".join(p.initials), keys)
        if how == "initial":
            return PayerPerson("", p.initials[0], keys)
        return PayerPerson("", "", keys)

    def person_name(self, p: Person, bank: str, style: str | None = None) -> tuple[str, PayerPerson]:
        """One person as the payer's bank (by country) writes the account holder."""
        r = self.rng
        sur = (
            p.full_surname
            if (p.birth and r.random() < 0.6)
            else (" ".join(p.birth).strip() if p.birth and r.random() < 0.5 else p.surname)
        )
        ini = p.initials
        if bank == "NL":
            st = (
                style
                or r.choices(
                    ["dots", "DOTS", "spaced", "glued", "title", "rev", "full", "FULL"],
                    [14, 12, 14, 14, 12, 10, 12, 12],
                )[0]
            )
            if st in ("full", "FULL"):
                s = f"{p.call} {sur}"
                return (s.upper() if st == "FULL" else s), self.spec(p, "full", sur)
            if st == "dots":
                return f"{'.'.join(ini)}. {sur}", self.spec(p, "initials", sur)
            if st == "DOTS":
                return f"{'.'.join(ini)}. {sur}".upper(), self.spec(p, "initials", sur)
            if st == "spaced":
                return f"{' '.join(ini)} {sur}".upper(), self.spec(p, "initials", sur)
            if st == "glued":
                return f"{''.join(ini)} {sur}".upper(), self.spec(p, "initials", sur)
            if st == "title":
                return (
                    f"{'HR' if p.sex == 'm' else r.choice(['MW', 'MEVR'])} {' '.join(ini)} {sur}".upper(),
                    self.spec(p, "initials", sur),
                )
            return f"{sur} {''.join(ini)}".upper(), self.spec(p, "initials", sur)
        given = p.call
        if bank == "BE":
            st = (
                style
                or r.choices(
                    ["CORE_GIVEN", "given_core", "CORE_I", "title", "core_given"], [30, 25, 15, 10, 20]
                )[0]
            )
            if st == "CORE_I":
                return f"{sur} {given[0]}".upper(), self.spec(p, "initial", sur)
            if st == "title":
                t = r.choice(["DHR", "MR"]) if p.sex == "m" else r.choice(["MEVR", "MME"])
                return f"{t} {sur} {given}".upper(), self.spec(p, "full", sur)
            if st == "given_core":
                return f"{given} {sur}", self.spec(p, "full", sur)
            if st == "core_given":
                return f"{sur} {given}", self.spec(p, "full", sur)
            return f"{sur} {given}".upper(), self.spec(p, "full", sur)
        if bank == "FR":
            g = strip_accents(given).upper().replace("-", " ")
            s = strip_accents(sur).upper()
            st = style or r.choices(["civ", "ou", "plain", "rev", "mixed", "mr"], [25, 15, 15, 20, 15, 10])[0]
            if st == "civ":
                return f"{'M' if p.sex == 'm' else r.choice(['MME', 'MLLE'])} {s} {g}", self.spec(
                    p, "full", sur
                )
            if st == "ou":
                return f"M. OU MME {s} {g}", self.spec(p, "full", sur)
            if st == "plain":
                return f"{g} {s}", self.spec(p, "full", sur)
            if st == "mixed":
                return f"{sur} {given}", self.spec(p, "full", sur)
            if st == "mr":
                return f"MR {g} {s}", self.spec(p, "full", sur)
            return f"{s} {g}", self.spec(p, "full", sur)
        st = (
            style
            or r.choices(
                ["given_core", "CORE_GIVEN", "core_given", "title", "init", "GIVEN_CORE"],
                [30, 20, 15, 8, 10, 17],
            )[0]
        )
        if st == "title" and p.title:
            return r.choice([f"{p.title} {given} {sur}", f"{sur}, {given} {p.title}".upper()]), self.spec(
                p, "full", sur
            )
        if st == "init":
            ini = "-".join(x[0] + "." for x in given.split("-"))
            return f"{ini} {sur}", self.spec(p, "initials" if "-" in given else "initial", sur)
        if st == "CORE_GIVEN":
            return f"{sur}, {given}".upper(), self.spec(p, "full", sur)
        if st == "core_given":
            return f"{sur}, {given}", self.spec(p, "full", sur)
        if st == "GIVEN_CORE":
            return f"{given} {sur}".upper(), self.spec(p, "full", sur)
        return f"{given} {sur}", self.spec(p, "full", sur)

    def joint_name(self, p: Person, q: Person, bank: str) -> tuple[str, list[PayerPerson]]:
        r = self.rng
        if bank == "NL":
            a, sa = self.person_name(p, "NL", r.choice(["spaced", "glued", "DOTS", "title"]))
            b, sb = self.person_name(q, "NL", r.choice(["spaced", "glued", "DOTS", "title"]))
            return f"{a} {r.choice(['EN/OF', 'EO', 'E/O', 'EN/OF'])} {b}".upper(), [sa, sb]
        if bank == "FR":
            s = strip_accents(p.core).upper()
            if q.core == p.core and r.random() < 0.6:
                g = strip_accents(p.call).upper().replace("-", " ")
                if r.random() < 0.3:
                    return f"M. ET MME {s}", [self.spec(p, "none")]
                return r.choice([f"M OU MME {s} {g}", f"M ET MME {s} {g}"]), [self.spec(p, "full")]
            a, sa = self.person_name(p, "FR", "civ")
            b, sb = self.person_name(q, "FR", "civ")
            return f"{a} OU {b}", [sa, sb]
        if bank == "BE":
            if q.core != p.core:
                return f"{p.core} {p.call} & {q.core} {q.call}".upper(), [
                    self.spec(p, "full"),
                    self.spec(q, "full"),
                ]
            return r.choice([f"{p.core} {p.call} EN {q.call}".upper(), f"{p.call} en {q.call} {p.core}"]), [
                self.spec(p, "full"),
                self.spec(q, "full"),
            ]
        if q.core == p.core:
            return r.choice(
                [
                    f"{p.call} und {q.call} {p.core}",
                    f"{p.call} u. {q.call} {p.core}",
                    f"{p.core}, {p.call} u. {q.call}",
                ]
            ), [self.spec(p, "full"), self.spec(q, "full")]
        return f"{p.call} {p.core} und {q.call} {q.core}", [self.spec(p, "full"), self.spec(q, "full")]

    def holder_name(self, c: Customer, bank: str) -> str:
        """What a known account of the customer shows (the account decides; the name varies)."""
        r = self.rng
        if c.trade and r.random() < 0.6:
            return self.trade_name(c)[0]
        if len(c.persons) > 1 and c.style in ("couple", "family") and r.random() < 0.6:
            return self.joint_name(c.persons[0], c.persons[1], bank)[0]
        return self.person_name(c.persons[0], bank)[0]

    def trade_name(self, c: Customer) -> tuple[str, bool]:
        r = self.rng
        t = c.trade
        p = c.persons[0]
        x = r.random()
        if c.lang == "nl":
            opts = [
                t.upper(),
                t,
                f"{t} VOF".upper(),
                f"{' '.join(p.initials)} {p.surname} H O D N {t}".upper(),
            ]
        elif c.lang == "fr":
            opts = [
                t.upper(),
                strip_accents(t).upper(),
                f"{t} EI",
                f"EI {strip_accents(p.core).upper()} {strip_accents(p.call).upper()}",
            ]
        else:
            opts = [t, t.upper(), f"{t} Inh. {p.call} {p.core}", f"{translit_de(t).upper()} E.K."]
        s = opts[min(int(x * len(opts)), len(opts) - 1)]
        return s, name_key(t) in name_key(s)

    def bank_country(self, iban: str) -> str:
        return iban[:2]

    # -- who bears a name -------------------------------------------------------------------

    @staticmethod
    def compatible(pp: PayerPerson, s: Seen) -> bool:
        if not (pp.keys & s.keys):
            return False
        if not (pp.given or pp.initials) or not (s.given or s.initials):
            return True
        pi = pp.initials or pp.given[:1].upper()
        si = s.initials or s.given[:1].upper()
        if pi[0].upper() != si[0].upper():
            return False
        if pp.given and s.given:
            a, b = pp.given, s.given
            return a == b or (a, b) in SHORT_FORMS or (b, a) in SHORT_FORMS
        return not (len(pi) > 1 and len(si) > 1 and pi.upper() != si.upper())

    def bearers(self, spec: list[PayerPerson], trade: str = "") -> list[Customer]:
        out: list[Customer] = []
        seen_ids: set[str] = set()
        for pp in spec:
            for k in sorted(pp.keys):
                for c in self.by_key.get(k, []):
                    if c.cid not in seen_ids and any(self.compatible(pp, s) for s in c.seen):
                        seen_ids.add(c.cid)
                        out.append(c)
        if trade:
            for c in self.by_trade.get(trade, []):
                if c.cid not in seen_ids:
                    seen_ids.add(c.cid)
                    out.append(c)
        return out

    def surname_holders(self, keys: frozenset[str]) -> list[Customer]:
        out, ids = [], set()
        for k in sorted(keys):
            for c in self.by_key.get(k, []):
                if c.cid not in ids:
                    ids.add(c.cid)
                    out.append(c)
        return out

    def holders(self, custs: list[Customer], amount: int, v: date) -> list[Customer]:
        return [c for c in custs if any(i.signed == amount and i.issue < v for i in c.items)]

    # -- texts ------------------------------------------------------------------------------

    def month_word(self, lang: str, m: int, year: int = 2026) -> str:
        r = self.rng
        x = r.random()
        if x < 0.55:
            return MONTHS[lang][m - 1] if r.random() < 0.8 else MONTHS[lang][m - 1].upper()
        if x < 0.7:
            return f"{MONTHS[lang][m - 1]} {year}"
        if x < 0.85:
            return MONTHS_SHORT[lang][m - 1]
        return (
            f"{m:02d}-{year}"
            if lang == "nl"
            else f"{m:02d}/{year}"
            if lang == "fr"
            else f"{m:02d}/{year % 100}"
        )

    def rent_text(self, c: Customer, inv: Invoice | None, month: bool = True, unit: bool = True) -> str:
        r = self.rng
        lang = c.lang
        word = {
            "nl": ["huur", "Huur", "HUUR", "huur", "maandhuur", "huurpenningen"],
            "fr": ["loyer", "Loyer", "LOYER", "loyer + charges"],
            "de": ["Miete", "Miete", "MIETE", "Mietzahlung", "Dauerauftrag Miete"],
        }[lang]
        parts = [r.choice(word)]
        if month and inv is not None and inv.month:
            parts.append(self.month_word(lang, inv.month))
        if unit and c.units and r.random() < 0.35:
            u = r.choice(c.units)
            parts.insert(r.randrange(len(parts) + 1), u.label)
        if r.random() < 0.12:
            p = c.persons[0]
            parts.append(f"{p.call} {p.surname}" if r.random() < 0.5 else p.surname)
        return " ".join(parts)

    def doc_word(self, c: Customer, inv: Invoice) -> str:
        r = self.rng
        lang = c.lang
        w = {
            "settlement": {
                "nl": "afrekening servicekosten",
                "fr": "régularisation charges",
                "de": "Nebenkostenabrechnung",
            },
            "repair": {"nl": "reparatie", "fr": "réparation", "de": "Reparatur"},
            "fee": {"nl": "aanmaningskosten", "fr": "frais de relance", "de": "Mahngebühr"},
            "deposit": {"nl": "waarborgsom", "fr": "dépôt de garantie", "de": "Kaution"},
            "misc": {"nl": "factuur", "fr": "facture", "de": "Rechnung"},
            "plan": {"nl": "regeling", "fr": "échéancier", "de": "Ratenzahlung"},
        }.get(inv.what)
        if inv.what == "rent":
            return self.rent_text(c, inv)
        if not w:
            return ""
        return (
            w[lang]
            if r.random() < 0.7
            else r.choice(
                {"nl": ["betaling", "factuur"], "fr": ["paiement", "facture"], "de": ["Zahlung", "Rechnung"]}[
                    lang
                ]
            )
        )

    def written(self, inv: Invoice, lang: str, style: str = "any") -> str:
        r = self.rng
        yy, s = inv.year % 100, inv.serial
        pre = inv.number[:2]
        if style == "exact":
            return inv.number
        label = {
            "nl": ["factuur", "factuurnr.", "fact.", "Factuur nr", "fnr"],
            "fr": ["facture", "facture n°", "fact.", "FACTURE"],
            "de": ["Rechnung", "Rechnungsnr.", "Re.-Nr.", "RG", "Rechnung Nr."],
        }[lang]
        forms = [
            f"{pre}{yy}{s:06d}",
            f"{pre} {yy}-{s:06d}",
            f"{pre}-{yy}-{s:06d}",
            f"{yy}-{s:06d}",
            f"{yy}{s:06d}",
            f"{pre.lower()}{yy}-{s:06d}",
            f"{pre}{yy}-{s}",
            f"{pre}{yy} {s:06d}",
        ]
        f = r.choice(forms)
        return f"{r.choice(label)} {f}" if r.random() < 0.6 else f

    def cust_no_text(self, c: Customer) -> str:
        r = self.rng
        lab = {
            "nl": ["klantnr", "klantnummer", "huurdernr.", "debiteurnr", "Klantnr."],
            "fr": ["réf. client", "n° client", "locataire", "client"],
            "de": ["Kd.-Nr.", "Kundennr.", "Mieternr.", "Mieter-Nr", "Kundennummer"],
        }[c.lang]
        return f"{r.choice(lab)} {c.cid}"

    def typo_of(self, serial: int) -> str:
        r = self.rng
        s = f"{serial:06d}"
        for _ in range(50):
            kind = r.choice(["sub", "swap", "drop", "add"])
            pos = r.randrange(2, 6)
            if kind == "sub":
                t = s[:pos] + r.choice([d for d in "0123456789" if d != s[pos]]) + s[pos + 1 :]
            elif kind == "swap" and s[pos] != s[pos - 1]:
                t = s[: pos - 1] + s[pos] + s[pos - 1] + s[pos + 1 :]
            elif kind == "drop":
                t = s[:pos] + s[pos + 1 :]
            else:
                t = s[:pos] + r.choice("0123456789") + s[pos:]
            if t != s and len(t.lstrip("0")) >= 4:
                return t
        raise Skip("no typo")

    # -- building payments --------------------------------------------------------------------

    def add(self, t: Tx) -> Tx:
        width = CHANNELS[t.channel][2]
        if t.channel == "spk" and self.rng.random() < 0.3:
            width = 27  # only ?32 filled
        t.payer_name = t.payer_name[:width].rstrip() if t.payer_name else ""
        if len(t.text) > 140:
            t.text = t.text[:140]
        self.txs.append(t)
        return t

    def known(self, c: Customer) -> tuple[str, str, str]:
        iban = self.rng.choice(c.ibans)
        return self.holder_name(c, iban[:2]), iban, c.bics.get(iban, "")

    def stranger_account(self, c: Customer) -> tuple[str, str]:
        return self.new_account(
            c.country if self.rng.random() < 0.9 else self.rng.choice(["NL", "BE", "DE", "FR"])
        )

    def payer_any(self, c: Customer, p_known: float) -> tuple[str, str, str]:
        if c.ibans and self.rng.random() < p_known:
            return self.known(c)
        iban, bic = self.stranger_account(c)
        return self.holder_name(c, iban[:2]), iban, bic

    def tx_for(self, scen: str, c: Customer, amount: int, v: date, truth, **kw) -> Tx:  # type: ignore[no-untyped-def]
        return self.add(
            Tx(scen, amount, v, kw.pop("channel", c.channel), truth=truth, person_ok=scen in PERSON_OK, **kw)
        )

    # reference scenarios

    def sc_ogm_strd(self, typed: bool = False) -> None:
        r = self.rng
        v = self.day()
        inv = self.pick_item(v, cond=lambda i: bool(i.sref), cust=lambda c: c.country == "BE")
        c = inv.cust
        name, iban, bic = self.payer_any(c, 0.8)
        o = inv.sref
        if typed:
            form = r.choice(
                [
                    f"+++{o[:3]}/{o[3:7]}/{o[7:]}+++",
                    f"{o[:3]}/{o[3:7]}/{o[7:]}",
                    o,
                    f"***{o[:3]}/{o[3:7]}/{o[7:]}***",
                    f"{o[:3]} {o[3:7]} {o[7:]}",
                ]
            )
            extra = self.doc_word(c, inv) if r.random() < 0.4 else ""
            text, strd = " ".join(x for x in (form, extra) if x), ""
        else:
            text, strd = "", o
        self.tx_for(
            "ogm_typed" if typed else "ogm_strd", c, inv.total, v, [(inv.number, inv.total, "invoice")],
            payer_name=name, payer_iban=iban, payer_bic=bic, text=text, strd=strd,
        )  # fmt: skip

    def sc_ogm_typed(self) -> None:
        self.sc_ogm_strd(True)

    def sc_rf_strd(self, typed: bool = False) -> None:
        r = self.rng
        v = self.day()
        inv = self.pick_item(v, cond=lambda i: i.sref.startswith("RF"))
        c = inv.cust
        name, iban, bic = self.payer_any(c, 0.8)
        rf = inv.sref
        if typed or c.channel == "spk":
            form = " ".join(rf[i : i + 4] for i in range(0, len(rf), 4)) if r.random() < 0.5 else rf
            extra = self.doc_word(c, inv) if r.random() < 0.3 else ""
            text, strd = " ".join(x for x in (form, extra) if x), ""
        else:
            text, strd = "", rf
        self.tx_for(
            "rf_typed" if typed else "rf_strd", c, inv.total, v, [(inv.number, inv.total, "invoice")],
            payer_name=name, payer_iban=iban, payer_bic=bic, text=text, strd=strd,
        )  # fmt: skip

    def sc_rf_typed(self) -> None:
        self.sc_rf_strd(True)

    def sc_inv_exact(self, scen: str = "inv_exact") -> None:
        r = self.rng
        v = self.day()
        inv = self.pick_item(v)
        c = inv.cust
        name, iban, bic = self.payer_any(c, 0.8)
        core = self.written(inv, c.lang, "exact" if scen == "inv_exact" else "any")
        parts = [core]
        if r.random() < 0.45:
            parts.insert(r.randrange(2), self.doc_word(c, inv))
        if r.random() < 0.15:
            parts.append(self.cust_no_text(c))
        self.tx_for(
            scen, c, inv.total, v, [(inv.number, inv.total, "invoice")],
            payer_name=name, payer_iban=iban, payer_bic=bic, text=" ".join(p for p in parts if p),
            e2e=inv.number if r.random() < 0.2 else "NOTPROVIDED",
        )  # fmt: skip

    def sc_inv_variant(self) -> None:
        self.sc_inv_exact("inv_variant")

    # the account decides

    def sc_known_account(self) -> None:
        r = self.rng
        v = self.day()
        c = self.fresh(untouched=False)
        inv = self.unique_item(c, v, fifo=True)
        name, iban, bic = self.known(c)
        x = r.random()
        if inv.what == "rent":
            text = self.rent_text(c, inv) if x < 0.8 else ""
        else:
            text = self.doc_word(c, inv) if x < 0.7 else ""
        self.tx_for(
            "known_account", c, inv.total, v, [(inv.number, inv.total, "invoice")],
            payer_name=name, payer_iban=iban, payer_bic=bic, text=text, standing=inv.what == "rent" and r.random() < 0.5,
            check="fifo", check_cust=c,
        )  # fmt: skip

    def _arrears(self, c: Customer, months: list[int]) -> None:
        have = {i.month for i in c.items if i.what == "rent"}
        for m in months:
            if m not in have:
                self.rent_doc(c, m)

    def _rent_only(self, c: Customer) -> bool:
        return len(c.units) == 1 and not c.combined

    def sc_fifo_rent(self) -> None:
        r = self.rng
        v = self.day()
        c = self.fresh(self._rent_only)
        self._arrears(c, r.choice([[2], [2], [1, 2]]))
        rent = c.units[0].rent
        eq = self.fifo([i for i in c.items if i.signed == rent and i.issue < v])
        if len(eq) < 2 or any(i.signed == rent and i.what != "rent" for i in c.items):
            raise Skip("fifo")
        name, iban, bic = self.known(c)
        text = self.rent_text(c, eq[0], month=r.random() < 0.3)
        for i in eq:
            i.used = True
        self.tx_for(
            "fifo_rent", c, rent, v, [(eq[0].number, rent, "invoice")],
            payer_name=name, payer_iban=iban, payer_bic=bic, text=text, standing=True, check="fifo", check_cust=c,
        )  # fmt: skip

    def sc_customer_number(self) -> None:
        r = self.rng
        v = self.day()
        c = self.fresh(need_iban=False, untouched=False)
        inv = self.unique_item(c, v, fifo=True)
        if c.ibans and r.random() < 0.35:
            name, iban, bic = self.known(c)
        else:
            iban, bic = self.stranger_account(c)
            name = self.holder_name(c, iban[:2])
        parts = [self.cust_no_text(c)]
        w = self.doc_word(c, inv)
        if w:
            parts.insert(r.randrange(2), w)
        self.tx_for(
            "customer_number", c, inv.total, v, [(inv.number, inv.total, "invoice")],
            payer_name=name, payer_iban=iban, payer_bic=bic, text=" ".join(parts), check="fifo", check_cust=c,
        )  # fmt: skip

    def sc_contract_number(self) -> None:
        r = self.rng
        v = self.day()
        c = self.fresh(untouched=False)
        inv = self.unique_item(c, v, fifo=True)
        name, iban, bic = self.known(c)
        k = c.contract
        lab = {
            "nl": ["huurcontract", "contract", "huurovereenkomst"],
            "fr": ["bail n°", "contrat"],
            "de": ["Mietvertrag", "Vertrag", "MV-Nr."],
        }[c.lang]
        ktxt = f"{r.choice(lab)} {k if r.random() < 0.6 else k.split('-')[1]}"
        text = f"{self.doc_word(c, inv)} {ktxt}".strip() if r.random() < 0.6 else ktxt
        self.tx_for(
            "contract_number", c, inv.total, v, [(inv.number, inv.total, "invoice")],
            payer_name=name, payer_iban=iban, payer_bic=bic, text=text, check="fifo", check_cust=c,
        )  # fmt: skip

    def sc_dated_ref(self) -> None:
        r = self.rng
        v = self.day()
        c = self.fresh(untouched=False)
        inv = self.unique_item(
            c, v, cond=lambda i: i.what in ("settlement", "repair", "misc", "fee", "deposit")
        )
        name, iban, bic = self.known(c)
        d = inv.issue
        text = {
            "nl": r.choice(
                [f"factuur van {d:%d-%m-%Y}", f"factuur d.d. {d:%d-%m}", f"uw factuur {d:%d/%m/%Y}"]
            ),
            "fr": r.choice(
                [f"facture du {d:%d/%m/%Y}", f"facture du {d:%d/%m}", f"votre facture du {d:%d.%m.%y}"]
            ),
            "de": r.choice(
                [f"Rechnung vom {d:%d.%m.}", f"Rechnung vom {d:%d.%m.%Y}", f"Ihre Rechnung v. {d:%d.%m.%y}"]
            ),
        }[c.lang]
        self.tx_for(
            "dated_ref", c, inv.total, v, [(inv.number, inv.total, "invoice")],
            payer_name=name, payer_iban=iban, payer_bic=bic, text=text,
        )  # fmt: skip

    def sc_typo(self, hits_other: bool = False) -> None:
        r = self.rng
        v = self.day()
        serials = {(i.year, i.serial) for i in self.invoices}
        known = {i.serial for i in self.invoices}
        for _ in range(300):
            c = self.fresh(untouched=False)
            try:
                inv = self.unique_item(c, v)
                t = self.typo_of(inv.serial)
            except Skip:
                c.excl = False
                continue
            other = self.by_number.get(f"MR{inv.year % 100}-{t}") if len(t) == 6 else None
            exists = (inv.year, int(t)) in serials
            ok = (
                other is not None and other.cust is not c and other.total != inv.total and other.issue < v
                if hits_other
                else not exists and int(t) not in known
            )
            if ok:
                break
            inv.used = False
            c.excl = False
        else:
            raise Skip("typo")
        name, iban, bic = self.known(c)
        yy = inv.year % 100
        core = r.choice(
            [
                f"MR{yy}-{t}",
                f"MR{yy}{t}",
                f"factuur {yy}-{t}"
                if c.lang == "nl"
                else f"Rechnung {yy}-{t}"
                if c.lang == "de"
                else f"facture {yy}-{t}",
            ]
        )
        self.tx_for(
            "typo_hits_other" if hits_other else "typo", c, inv.total, v, [(inv.number, inv.total, "invoice")],
            payer_name=name, payer_iban=iban, payer_bic=bic, text=core,
        )  # fmt: skip

    def sc_typo_hits_other(self) -> None:
        self.sc_typo(True)

    def sc_multi_months(self) -> None:
        r = self.rng
        v = self.day()
        c = self.fresh(self._rent_only)
        rent = c.units[0].rent
        months = r.choice([[2, 3], [2, 3], [1, 2, 3]])
        self._arrears(c, months)
        eq = self.fifo([i for i in c.items if i.signed == rent and i.issue < v])
        k = len(months)
        chosen = eq[:k]
        total = rent * k
        others = [i for i in c.items if i.what != "rent" and i.due <= chosen[-1].due]
        if [i.month for i in chosen] != months or others or self.amounts(c)[total]:
            raise Skip("multi months")
        for i in chosen:
            i.used = True
        mw = [MONTHS[c.lang][m - 1] if r.random() < 0.7 else MONTHS_SHORT[c.lang][m - 1] for m in months]
        joiner = {
            "nl": [" en ", " + ", "/", " t/m "],
            "fr": [" et ", " + ", "/"],
            "de": [" und ", " + ", "/", " u. "],
        }[c.lang]
        j = r.choice(joiner)
        body = (mw[0] + j + mw[-1]) if j == " t/m " else j.join(mw)
        w = {"nl": "huur", "fr": "loyers", "de": "Miete"}[c.lang]
        name, iban, bic = self.known(c)
        self.tx_for(
            "multi_months", c, total, v, [(i.number, rent, "invoice") for i in chosen],
            payer_name=name, payer_iban=iban, payer_bic=bic, text=f"{w} {body}", check="fifo_k", check_cust=c,
        )  # fmt: skip

    def sc_multi_list(self) -> None:
        r = self.rng
        v = self.day(2)
        for _ in range(500):
            c = r.choice(self.customers)
            if c.excl:
                continue
            fr = self.free(c, v)
            if len(fr) >= 2:
                break
        else:
            raise Skip("list")
        items = sorted(r.sample(fr, min(len(fr), r.choice([2, 2, 3]))), key=lambda i: i.number)
        for i in items:
            i.used = True
        nums = [self.written(i, c.lang, "exact" if r.random() < 0.6 else "any") for i in items]
        j = {"nl": " en ", "fr": " et ", "de": " und "}[c.lang]
        text = ", ".join(nums[:-1]) + (j if r.random() < 0.5 else " ") + nums[-1]
        name, iban, bic = self.payer_any(c, 0.8)
        self.tx_for(
            "multi_list", c, sum(i.total for i in items), v, [(i.number, i.total, "invoice") for i in items],
            payer_name=name, payer_iban=iban, payer_bic=bic, text=text,
        )  # fmt: skip

    # names decide

    def _name_payment(
        self, scen: str, c: Customer, inv: Invoice, v: date, name: str, spec: list[PayerPerson], iban: str, bic: str,
        *, trade: str = "", text: str | None = None, check: str = "unique_bearer",
    ) -> None:  # fmt: skip
        if text is None:
            text = self.rent_text(c, inv) if inv.what == "rent" and self.rng.random() < 0.7 else ""
        self.tx_for(
            scen, c, inv.total, v, [(inv.number, inv.total, "invoice")],
            payer_name=name, payer_iban=iban, payer_bic=bic, text=text,
            payer_spec=spec, payer_trade=trade, check=check, check_cust=c,
        )  # fmt: skip

    def _unique_for_bearers(self, c: Customer, bearers: list[Customer], v: date) -> Invoice:
        others: Counter[int] = Counter()
        for b in bearers:
            if b is not c:
                others.update({i.signed for i in b.items})
        cands = [i for i in self.free(c, v) if self.fifo_first(c, i, v) and not others[i.signed]]
        if not cands:
            raise Skip("no amount unique among bearers")
        inv = self.rng.choice(cands)
        for j in c.items:
            if j.signed == inv.signed:
                j.used = True
        return inv

    def sc_name_unique_amount(self) -> None:
        v = self.day()
        c = self.fresh(
            lambda c: c.style in ("single", "couple") and bool(c.seen), need_iban=False, untouched=False
        )
        iban, bic = self.stranger_account(c)
        name, pp = self.person_name(c.persons[0], iban[:2])
        if not (pp.given or pp.initials):
            raise Skip("no given")
        bearers = self.bearers([pp])
        if c not in bearers:
            raise Skip("not a bearer")
        inv = self._unique_for_bearers(c, bearers, v)
        self._name_payment("name_unique_amount", c, inv, v, name, [pp], iban, bic)

    def sc_namesake_known_account(self) -> None:
        r = self.rng
        v = self.day()
        c = self.fresh(lambda c: c.style == "single" and bool(c.seen))
        name, pp = self.person_name(c.persons[0], c.ibans[0][:2])
        bearers = [b for b in self.bearers([pp]) if b is not c and not b.excl]
        if not bearers:
            raise Skip("no namesake")
        d = r.choice(bearers)
        d.excl = True
        amt = c.units[0].rent if r.random() < 0.6 else r.randrange(4500, 25000)
        if self.amounts(c)[amt] or self.amounts(d)[amt]:
            raise Skip("amount")
        issue = date(2026, 2, 1) + timedelta(r.randrange(25))
        mine = self.add_doc(c, amt, issue, "misc")
        self.add_doc(d, amt, issue + timedelta(r.randrange(-3, 4)), "misc").used = True
        mine.used = True
        iban = c.ibans[0]
        self.tx_for(
            "namesake_known_account", c, amt, v, [(mine.number, amt, "invoice")],
            payer_name=name, payer_iban=iban, payer_bic=c.bics.get(iban, ""),
            text=r.choice(["", self.doc_word(c, mine), "betaling" if c.lang == "nl" else "Zahlung" if c.lang == "de" else "paiement"]),
        )  # fmt: skip

    def _reference(self, c: Customer, inv: Invoice) -> tuple[str, str]:
        """(text, structured ref) a payer writes for one invoice."""
        r = self.rng
        if inv.sref and r.random() < 0.5:
            if inv.sref.startswith("RF") or r.random() < 0.5:
                return "", inv.sref
            o = inv.sref
            return f"+++{o[:3]}/{o[3:7]}/{o[7:]}+++", ""
        return self.written(inv, c.lang, "exact" if r.random() < 0.6 else "any"), ""

    def sc_joint_account(self) -> None:
        r = self.rng
        v = self.day()
        with_ref = r.random() < 0.6
        c = self.fresh(lambda c: len(c.persons) > 1 and c.style != "trade", need_iban=False, untouched=False)
        p, q = c.persons[0], c.persons[1]
        if r.random() < 0.5:
            p, q = q, p
        if c.ibans and r.random() < 0.3:
            iban = r.choice(c.ibans)
            bic = c.bics.get(iban, "")
        else:
            iban, bic = self.stranger_account(c)
        name, spec = self.joint_name(p, q, iban[:2])
        if with_ref:
            inv = self.unique_item(c, v)
            text, strd = self._reference(c, inv)
            extra = self.doc_word(c, inv) if r.random() < 0.3 else ""
            self.tx_for(
                "joint_account", c, inv.total, v, [(inv.number, inv.total, "invoice")],
                payer_name=name, payer_iban=iban, payer_bic=bic, text=f"{text} {extra}".strip(), strd=strd,
            )  # fmt: skip
            return
        if iban in c.ibans:
            inv = self.unique_item(c, v)
            self._name_payment("joint_account", c, inv, v, name, spec, iban, bic, check="")
            return
        bearers = self.bearers(spec)
        if c not in bearers:
            raise Skip("joint: not a bearer")
        inv = self._unique_for_bearers(c, bearers, v)
        self._name_payment("joint_account", c, inv, v, name, spec, iban, bic)

    def sc_spouse_pays(self, parent: bool = False) -> None:
        r = self.rng
        v = self.day()
        c = self.fresh(lambda c: c.style == "single", need_iban=False, untouched=False)
        p = c.persons[0]
        if parent:
            rel = self.new_person(c.country, c.lang, surname=(p.prefix, p.core) if r.random() < 0.6 else None)
        elif len(c.persons) > 1:
            rel = c.persons[1]
        else:
            rel = self.new_person(c.country, c.lang, "f" if p.sex == "m" else "m")
            if r.random() < 0.4:
                rel.prefix, rel.core = p.prefix, p.core
        iban, bic = self.stranger_account(c)
        name, _sp = self.person_name(rel, iban[:2])
        inv = self.unique_item(c, v)
        text, strd = self._reference(c, inv)
        who = {"nl": ["voor", "huur", "t.b.v."], "fr": ["pour", "loyer de"], "de": ["für", "Miete"]}[c.lang]
        if r.random() < 0.5:
            text = f"{text} {r.choice(who)} {p.call} {p.surname}".strip()
        self.tx_for(
            "parent_pays" if parent else "spouse_pays", c, inv.total, v, [(inv.number, inv.total, "invoice")],
            payer_name=name, payer_iban=iban, payer_bic=bic, text=text, strd=strd,
        )  # fmt: skip

    def sc_parent_pays(self) -> None:
        self.sc_spouse_pays(True)

    def sc_sole_trader(self) -> None:
        r = self.rng
        v = self.day()
        c = self.fresh(lambda c: c.style == "trade", need_iban=False, untouched=False)
        name, shows_trade = self.trade_name(c)
        tkey = name_key(c.trade)
        x = r.random()
        if x < 0.45:
            inv = self.unique_item(c, v)
            iban, bic = self.stranger_account(c)
            text, strd = self._reference(c, inv)
            self.tx_for(
                "sole_trader", c, inv.total, v, [(inv.number, inv.total, "invoice")],
                payer_name=name, payer_iban=iban, payer_bic=bic, text=text, strd=strd,
            )  # fmt: skip
        elif x < 0.75 and c.ibans:
            inv = self.unique_item(c, v)
            iban = r.choice(c.ibans)
            self._name_payment("sole_trader", c, inv, v, name, [], iban, c.bics.get(iban, ""), check="")
        else:
            iban, bic = self.stranger_account(c)
            if len(self.by_trade.get(tkey, [])) != 1 or not shows_trade:
                raise Skip("trade name shared")
            inv = self._unique_for_bearers(c, [c], v)
            self._name_payment("sole_trader", c, inv, v, name, [], iban, bic, trade=tkey)

    def sc_name_cut(self) -> None:
        v = self.day()
        c = self.fresh(
            lambda c: len(c.persons) > 1 and c.style != "trade" and c.channel in ("fr", "spk", "ing", "kbc"),
            need_iban=False,
        )
        iban, bic = self.stranger_account(c)
        p, q = c.persons
        name, spec = self.joint_name(p, q, iban[:2])
        width = 35 if len(name) > 35 else 27
        if len(name) <= width + 3:
            raise Skip("short name")
        cut = name[:width]
        first = spec[0]
        # the first person must stay readable whole in the cut name
        if not any(name_key(cut).find(k) >= 0 for k in first.keys):
            raise Skip("cut through the first name")
        spec = [first]
        bearers = self.bearers(spec)
        if c not in bearers:
            raise Skip("cut: not a bearer")
        inv = self._unique_for_bearers(c, bearers, v)
        self._name_payment("name_cut", c, inv, v, cut, spec, iban, bic, text=None, check="unique_bearer")
        self.txs[-1].channel = "fr" if width == 35 else "spk"
        self.txs[-1].payer_name = cut

    # partial, over, duplicates, plans

    def sc_part_payment(self) -> None:
        r = self.rng
        v = self.day()
        inv = self.pick_item(v, cond=lambda i: i.total > 30000 and i.what != "plan")
        c = inv.cust
        paid = int(inv.total * r.uniform(0.2, 0.6)) // 100 * 100
        word = {
            "nl": ["deelbetaling", "1e termijn", "gedeeltelijke betaling", "aflossing"],
            "fr": ["acompte sur", "paiement partiel", "1er versement"],
            "de": ["Teilzahlung", "Abschlag", "1. Rate", "Teilbetrag"],
        }[c.lang]
        name, iban, bic = self.payer_any(c, 0.85)
        self.tx_for(
            "part_payment", c, paid, v, [(inv.number, paid, "invoice")],
            payer_name=name, payer_iban=iban, payer_bic=bic, text=f"{r.choice(word)} {self.written(inv, c.lang)}",
        )  # fmt: skip

    def sc_plan_instalment(self) -> None:
        r = self.rng
        v = self.day()
        c = self.fresh(lambda c: any(i.what == "plan" for i in c.items))
        plan = self.fifo([i for i in c.items if i.what == "plan" and i.issue < v])
        amt = plan[0].total
        if self.amounts(c)[amt] != len(plan) or not plan:
            raise Skip("plan")
        k, n = plan[0].plan
        name, iban, bic = self.known(c)
        text = {
            "nl": r.choice(
                [
                    f"termijn {k} van {n}",
                    f"regeling {k}/{n}",
                    f"betalingsregeling termijn {k}",
                    f"aflossing {k}e termijn",
                ]
            ),
            "fr": r.choice([f"échéance {k}/{n}", f"échéancier {k} sur {n}", f"mensualité {k}"]),
            "de": r.choice([f"Rate {k} von {n}", f"Ratenzahlung {k}/{n}", f"{k}. Rate Ratenvereinbarung"]),
        }[c.lang]
        for i in plan:
            i.used = True
        self.tx_for(
            "plan_instalment", c, amt, v, [(plan[0].number, amt, "invoice")],
            payer_name=name, payer_iban=iban, payer_bic=bic, text=text, check="fifo", check_cust=c,
        )  # fmt: skip

    def _excess_ok(self, c: Customer, excess: int) -> bool:
        vals = [i.signed for i in c.items]
        if excess in vals:
            return False
        return not any(a + b == excess for x, a in enumerate(vals) for b in vals[x + 1 :])

    def sc_overpayment(self) -> None:
        r = self.rng
        v = self.day()
        c = self.fresh(need_iban=False, untouched=False)
        inv = self.unique_item(c, v, cond=lambda i: i.total % 1000 != 0)
        paid = (inv.total // 1000 + 1) * 1000 + r.choice([0, 0, 1000, 5000])
        excess = paid - inv.total
        if not self._excess_ok(c, excess) or self.amounts(c)[paid]:
            raise Skip("excess")
        name, iban, bic = self.payer_any(c, 0.9)
        self.tx_for(
            "overpayment", c, paid, v, [(inv.number, inv.total, "invoice"), ("", excess, "on_account")],
            payer_name=name, payer_iban=iban, payer_bic=bic, text=self.written(inv, c.lang, "exact"),
        )  # fmt: skip

    def sc_duplicate(self) -> None:
        r = self.rng
        v = self.day(0, 14)
        c = self.fresh(need_iban=True)
        inv = self.unique_item(c, v)
        if any(i.signed == inv.total and i is not inv for i in c.items):
            raise Skip("dup")
        name, iban, bic = self.known(c)
        text = f"{self.doc_word(c, inv)} {self.written(inv, c.lang, 'exact')}".strip()
        self.tx_for(
            "inv_exact", c, inv.total, v, [(inv.number, inv.total, "invoice")],
            payer_name=name, payer_iban=iban, payer_bic=bic, text=text,
        )  # fmt: skip
        v2 = self.days[min(self.days.index(v) + r.randrange(1, 4), 15)]
        self.tx_for(
            "duplicate", c, inv.total, v2, [("", inv.total, "on_account")],
            payer_name=name, payer_iban=iban, payer_bic=bic, text=text,
        )  # fmt: skip

    def sc_credit_note_netted(self) -> None:
        r = self.rng
        v = self.day()
        c = self.fresh(self._rent_only)
        rent = next(i for i in c.items if i.what == "rent" and i.month == 3)
        cn_amt = r.randrange(1500, max(1600, rent.total // 3))
        cn = self.add_doc(c, cn_amt, SETTLEMENT_RUN, "settlement", kind="credit_note")
        if not self.fifo_first(c, rent, v) or (rent.total - cn_amt) in self.amounts(c):
            raise Skip("cn")
        rent.used = cn.used = True
        lead = (
            self.written(rent, c.lang, "exact")
            if r.random() < 0.5
            else f"{ {'nl': 'huur', 'fr': 'loyer', 'de': 'Miete'}[c.lang] } {MONTHS[c.lang][2]}"
        )
        minus = {
            "nl": ["minus creditnota", "-/- creditnota", "verrekend met"],
            "fr": ["moins avoir", "déduction avoir"],
            "de": ["abzgl. Gutschrift", "minus Gutschrift", "verrechnet mit"],
        }[c.lang]
        name, iban, bic = self.known(c)
        self.tx_for(
            "credit_note_netted", c, rent.total - cn_amt, v,
            [(rent.number, rent.total, "invoice"), (cn.number, -cn_amt, "invoice")],
            payer_name=name, payer_iban=iban, payer_bic=bic, text=f"{lead} {r.choice(minus)} {cn.number}",
        )  # fmt: skip

    def sc_ogm_typo(self) -> None:
        r = self.rng
        v = self.day()
        c = self.fresh(lambda c: c.country == "BE", untouched=False)
        inv = self.unique_item(c, v, cond=lambda i: bool(i.sref))
        o = inv.sref
        pos = r.randrange(3, 10)
        t = o[:pos] + r.choice([d for d in "0123456789" if d != o[pos]]) + o[pos + 1 :]
        name, iban, bic = self.known(c)
        self.tx_for(
            "ogm_typo", c, inv.total, v, [(inv.number, inv.total, "invoice")],
            payer_name=name, payer_iban=iban, payer_bic=bic, text=f"+++{t[:3]}/{t[3:7]}/{t[7:]}+++",
        )  # fmt: skip

    def sc_advance(self) -> None:
        r = self.rng
        v = self.day()
        c = self.fresh()
        amt = r.choice([50000, 100000, 25000, 150000]) + r.choice([0, 0, 5000])
        if not self._excess_ok(c, amt):
            raise Skip("advance")
        text = {
            "nl": r.choice(
                ["voorschot huur", "vooruitbetaling huur mei", "voorschot servicekosten", "voorschot"]
            ),
            "fr": r.choice(["avance sur loyer", "avance loyers", "acompte loyer mai"]),
            "de": r.choice(["Vorauszahlung Miete", "Anzahlung Kaution", "Vorauszahlung"]),
        }[c.lang]
        name, iban, bic = self.known(c)
        self.tx_for(
            "advance", c, amt, v, [("", amt, "on_account")],
            payer_name=name, payer_iban=iban, payer_bic=bic, text=text, check="advance", check_cust=c,
        )  # fmt: skip

    # left to a person (if applied, it must be right)

    def sc_month_not_oldest(self) -> None:
        v = self.day(0, 16)
        c = self.fresh(self._rent_only)
        self._arrears(c, [1, 2])
        rent = c.units[0].rent
        eq = self.fifo([i for i in c.items if i.signed == rent and i.issue < v])
        named = [i for i in eq if i.month == 3]
        if len(eq) < 3 or not named or any(i.signed == rent and i.what != "rent" for i in c.items):
            raise Skip("month")
        for i in eq:
            i.used = True
        name, iban, bic = self.known(c)
        w = {"nl": "huur", "fr": "loyer", "de": "Miete"}[c.lang]
        self.tx_for(
            "month_not_oldest", c, rent, v, [(named[0].number, rent, "invoice")],
            payer_name=name, payer_iban=iban, payer_bic=bic, text=f"{w} {self.month_word(c.lang, 3)}",
        )  # fmt: skip

    def sc_family_one_relative(self) -> None:
        v = self.day()
        c = self.fresh(lambda c: c.style == "single" and bool(c.seen), need_iban=False)
        p = c.persons[0]
        for _ in range(30):
            rel = self.new_person(c.country, c.lang, surname=(p.prefix, p.core))
            if rel.initials[0] != p.initials[0] and rel.call[0] != p.call[0]:
                break
        else:
            raise Skip("relative")
        iban, bic = self.stranger_account(c)
        name, pp = self.person_name(rel, iban[:2])
        if self.bearers([pp]):
            raise Skip("relative is a bearer")
        same = self.surname_holders(frozenset(p.keys()))
        inv = self._unique_for_bearers(c, same, v)
        self._name_payment("family_one_relative", c, inv, v, name, [pp], iban, bic, check="unique_surname")

    def sc_surname_only_unique(self) -> None:
        r = self.rng
        v = self.day()
        c = self.fresh(lambda c: c.style in ("single", "couple", "family") and bool(c.seen), need_iban=False)
        p = c.persons[0]
        iban, bic = self.stranger_account(c)
        s = p.surname
        bank = iban[:2]
        name = {
            "NL": r.choice([f"FAM {s}".upper(), f"FAMILIE {s}".upper(), f"{s}".upper()]),
            "BE": r.choice([f"FAMILIE {p.core}".upper(), f"M. ET MME {p.core}".upper()]),
            "FR": r.choice(
                [f"M ET MME {strip_accents(p.core).upper()}", f"M OU MME {strip_accents(p.core).upper()}"]
            ),
            "DE": r.choice(
                [f"Familie {p.core}", f"Eheleute {p.core}", f"FAMILIE {translit_de(p.core).upper()}"]
            ),
        }[bank]
        same = self.surname_holders(frozenset(p.keys()))
        inv = self._unique_for_bearers(c, same, v)
        self._name_payment(
            "surname_only_unique", c, inv, v, name, [self.spec(p, "none")], iban, bic, check="unique_surname"
        )

    def sc_welfare(self, scen: str) -> None:
        r = self.rng
        v = self.day()
        france = scen == "welfare_partial"
        c = self.fresh(
            lambda c: (c.country == "FR") == france and any(u.kind in ("flat", "room") for u in c.units),
            need_iban=False,
            untouched=False,
        )
        p = c.persons[0]
        inv = self.unique_item(c, v, cond=lambda i: i.what == "rent", fifo=True)
        amount = inv.total
        if france:
            amount = int(inv.total * r.uniform(0.25, 0.55))
            who = r.choice(["CAF DU NORD", "CAF DE LA MOSELLE", "CAISSE D ALLOCATIONS FAMILIALES"])
            text = f"APL {inv.month:02d}2026 MATRICULE {_d(r, 7)} {strip_accents(p.core).upper()} {strip_accents(p.call).upper()}"
        elif c.country == "DE":
            who = r.choice(
                ["Jobcenter StädteRegion Aachen", "Jobcenter Kreis Heinsberg", "Stadt Aachen Sozialamt"]
            )
            text = f"KdU {MONTHS['de'][inv.month - 1]} 2026 {p.call} {p.core} BG-Nr. {_d(r, 5)}//{_d(r, 7)}"
        elif c.country == "BE":
            who = r.choice(["OCMW Genk", "CPAS DE LIEGE", "OCMW Maasmechelen", "CPAS de Verviers"])
            text = f"{'huur' if c.lang == 'nl' else 'loyer'} {self.month_word(c.lang, inv.month)} {p.core} {p.call}"
        else:
            who = r.choice(
                ["Gemeente Maastricht Sociale Zaken", "Gemeente Heerlen", "Gemeente Sittard-Geleen"]
            )
            text = (
                f"huur {MONTHS['nl'][inv.month - 1]} {'.'.join(p.initials)}. {p.surname} dossier {_d(r, 6)}"
            )
        if scen == "welfare_custno":
            text = f"{text} {self.cust_no_text(c)}"
        iban, bic = self.new_account(c.country)
        self.tx_for(
            scen, c, amount, v, [(inv.number, amount, "invoice")],
            payer_name=who, payer_iban=iban, payer_bic=bic, text=text,
            check="" if france else "fifo", check_cust=c,
        )  # fmt: skip

    def sc_welfare_custno(self) -> None:
        self.sc_welfare("welfare_custno")

    def sc_welfare_name(self) -> None:
        self.sc_welfare("welfare_name")

    def sc_welfare_partial(self) -> None:
        self.sc_welfare("welfare_partial")

    def sc_index_underpay(self) -> None:
        r = self.rng
        v = self.day()
        c = self.fresh(lambda c: self._rent_only(c) and c.units[0].rent >= 90000)
        inv = next(i for i in c.items if i.what == "rent" and i.month == 3)
        old = inv.total * 1000 // (1000 + r.randrange(30, 45))
        if inv.total - old <= TOLERANCE or self.amounts(c)[inv.total] > 2 or self.amounts(c)[old]:
            raise Skip("index")
        if any(i.month in (1, 2) for i in c.items):
            raise Skip("arrears")
        inv.used = True
        name, iban, bic = self.known(c)
        self.tx_for(
            "index_underpay", c, old, v, [(inv.number, old, "invoice")],
            payer_name=name, payer_iban=iban, payer_bic=bic, text=self.rent_text(c, inv, month=r.random() < 0.5),
            standing=True,
        )  # fmt: skip

    # -- traps ------------------------------------------------------------------------------

    def _trap_equal(self, custs: list[Customer], v: date, amt: int | None = None) -> int:
        r = self.rng
        for _ in range(50):
            a = amt or r.choice([8900, 7500, 5900, 11900, r.randrange(4500, 30000)])
            if not any(self.amounts(c)[a] for c in custs):
                break
            amt = None
        else:
            raise Skip("amount")
        for c in custs:
            self.add_doc(c, a, date(2026, 2, 1) + timedelta(r.randrange(26)), "misc").used = True
            c.excl = True  # no later scenario builds on these books (a wrong application would cascade)
        return a

    def tr_namesakes(self, same_name: bool = False) -> None:
        r = self.rng
        v = self.day()
        for _ in range(200):
            c = r.choice(self.customers)
            if c.excl or c.style != "single" or not c.seen:
                continue
            iban, bic = self.new_account(c.country)
            name, pp = self.person_name(c.persons[0], iban[:2])
            if same_name:
                pp = self.spec(c.persons[0], "full")
                name = {
                    "NL": f"{c.persons[0].call} {c.persons[0].surname}",
                    "DE": f"{c.persons[0].call} {c.persons[0].core}",
                }.get(iban[:2], f"{c.persons[0].core} {c.persons[0].call}".upper())
                bearers = [b for b in self.bearers([pp]) if b.name == c.name]
            else:
                if not (pp.given or pp.initials):
                    continue
                bearers = self.bearers([pp])
            bearers = [b for b in bearers if not b.excl]
            if len(bearers) >= 2:
                break
        else:
            raise Skip("no namesakes")
        group = r.sample(bearers, min(len(bearers), r.choice([2, 2, 3])))
        amt = self._trap_equal(group, v)
        for b in bearers:
            b.excl = True
        text = r.choice(
            [
                "",
                self.rent_text(group[0], None, month=False, unit=False),
                "betaling" if c.lang == "nl" else "",
            ]
        )
        self.add(
            Tx(
                "trap_same_name" if same_name else "trap_namesakes", amt, v, c.channel, kind="trap",
                payer_name=name, payer_iban=iban, payer_bic=bic, text=text, payer_spec=[pp], check="trap_bearers",
            )
        )  # fmt: skip

    def tr_same_name(self) -> None:
        self.tr_namesakes(True)

    def tr_family_two(self) -> None:
        r = self.rng
        v = self.day()
        for _ in range(300):
            c = r.choice(self.customers)
            if c.excl or c.style != "single" or not c.seen:
                continue
            same = [b for b in self.surname_holders(frozenset(c.persons[0].keys())) if not b.excl]
            if len(same) >= 2:
                break
        else:
            raise Skip("family")
        group = r.sample(same, 2)
        p = c.persons[0]
        iban, bic = self.new_account(c.country)
        if r.random() < 0.5:
            name = {
                "NL": f"FAM {p.surname}".upper(),
                "BE": f"FAMILIE {p.core}".upper(),
                "FR": f"M ET MME {strip_accents(p.core).upper()}",
                "DE": f"Familie {p.core}",
            }[iban[:2]]
            pp = self.spec(p, "none")
        else:
            rel = self.new_person(c.country, c.lang, surname=(p.prefix, p.core))
            name, pp = self.person_name(rel, iban[:2])
            if self.bearers([pp]):
                raise Skip("the relative bears a customer's name")  # that would be a namesake trap
        amt = self._trap_equal(group, v)
        self.add(
            Tx(
                "trap_family_two", amt, v, c.channel, kind="trap", payer_name=name, payer_iban=iban, payer_bic=bic,
                text=r.choice(["", self.rent_text(c, None, month=False, unit=False)]), payer_spec=[pp],
            )
        )  # fmt: skip

    def tr_custno_conflict(self) -> None:
        r = self.rng
        v = self.day()
        a = r.choice([c for c in self.customers if not c.excl and c.style == "single" and c.seen])
        b = r.choice([c for c in self.customers if not c.excl and c is not a and c.country == a.country])
        iban, bic = self.new_account(a.country)
        name, _pp = self.person_name(a.persons[0], iban[:2])
        amt = self._trap_equal([a, b], v)
        self.add(
            Tx(
                "trap_custno_conflict", amt, v, a.channel, kind="trap", payer_name=name, payer_iban=iban,
                payer_bic=bic, text=f"{self.rent_text(a, None, month=False, unit=False)} {self.cust_no_text(b)}",
            )
        )  # fmt: skip

    def tr_before_issue(self) -> None:
        r = self.rng
        v = self.day(0, 16)
        c = self.fresh(self._rent_only)
        if r.random() < 0.5:
            # the deposit of a new contract, paid before its invoice
            amt = 2 * c.units[0].rent + r.choice([0, 5000])
            if self.amounts(c)[amt]:
                raise Skip("before")
            self.add_doc(c, amt, v + timedelta(r.randrange(1, 8)), "deposit").used = True
            text = {"nl": "waarborgsom", "fr": "dépôt de garantie", "de": "Mietkaution"}[c.lang]
        else:
            # April's rent paid before the rent run of 25 March; March's was paid in February
            for i in list(c.items):
                if i.what == "rent" and i.month in (1, 2, 3):
                    c.items.remove(i)
                    self.invoices.remove(i)
                    del self.by_number[i.number]
            amt = c.units[0].rent
            if sum(1 for i in c.items if i.signed == amt) != 1:
                raise Skip("before")
            text = f"{ {'nl': 'huur', 'fr': 'loyer', 'de': 'Miete'}[c.lang] } {MONTHS[c.lang][3]}"
        for i in c.items:
            i.used = True
        name, iban, bic = self.known(c)
        self.add(
            Tx(
                "trap_before_issue", amt, v, c.channel, kind="trap", payer_name=name, payer_iban=iban, payer_bic=bic,
                text=text, allow_on_account=True, check="before", check_cust=c,
            )
        )  # fmt: skip

    def tr_typo_two_customers(self) -> None:
        r = self.rng
        v = self.day()
        by_serial = defaultdict(list)
        for i in self.invoices:
            if i.year == 2026 and i.kind == "invoice" and i.issue < v:
                by_serial[i.serial].append(i)
        keys = sorted(by_serial)
        for _ in range(2000):
            a = by_serial[r.choice(keys)][0]
            s = f"{a.serial:06d}"
            pos = r.randrange(2, 6)
            t = s[:pos] + r.choice([d for d in "0123456789" if d != s[pos]]) + s[pos + 1 :]
            if int(t) in by_serial:
                continue
            others = []
            for p2 in range(2, 6):
                for d in "0123456789":
                    u = t[:p2] + d + t[p2 + 1 :]
                    if u not in (t, s) and int(u) in by_serial:
                        others += [i for i in by_serial[int(u)] if i.cust is not a.cust]
            if others:
                b = r.choice(others)
                break
        else:
            raise Skip("typo two")
        amt = r.choice([a, b]).total if r.random() < 0.6 else r.randrange(2000, 90000)
        stranger = r.choice(
            [
                "Stichting Vrienden van de Maas",
                "Notariskantoor Brouns",
                "T. Hennekens",
                "Incassobureau Limburg",
                "A. Vossen",
            ]
        )
        iban, bic = self.new_account("NL")
        self.add(
            Tx(
                "trap_typo_two_customers", amt, v, "ing", kind="trap", payer_name=stranger, payer_iban=iban,
                payer_bic=bic, text=r.choice([f"factuur MR26-{t}", f"MR26{t}", f"fact 26-{t}"]),
            )
        )  # fmt: skip

    # -- non-customer credits -----------------------------------------------------------------

    def open_amount(self) -> int:
        return self.rng.choice([i for i in self.invoices if i.kind == "invoice"]).total

    def nc(self, scen: str) -> None:
        r = self.rng
        v = self.day()
        amt = self.open_amount() if r.random() < 0.35 else r.randrange(1500, 250000)
        ch = "ing"
        name, (iban, bic), text = "", self.new_account("NL"), ""
        domain, rev, rtrn = ("PMNT", "RCDT", "ESCT"), False, ""
        cust = r.choice(self.customers)
        p = cust.persons[0]
        inv = r.choice([i for i in self.invoices if i.kind == "invoice"])
        if scen == "nc_benefit":
            ch = r.choice(["ing", "ing", "spk", "fr", "kbc"])
            emp = f"{'.'.join(p.initials)}. {p.surname}" if ch == "ing" else f"{p.call} {p.core}"
            name, text = {
                "ing": (
                    "UWV",
                    f"ZW-uitkering werkgever {emp} BSN {_d(r, 9)} periode {r.randrange(1, 4):02d}-2026",
                ),
                "spk": (
                    r.choice(["AOK Rheinland/Hamburg", "Techniker Krankenkasse", "BARMER"]),
                    f"Erstattung U1 AAG {translit_de(p.call)} {translit_de(p.core)} {_d(r, 10)}",
                ),
                "fr": (
                    "CPAM DE LA MOSELLE",
                    f"IJSS SUBROGATION {strip_accents(p.core).upper()} {strip_accents(p.call).upper()} {_d(r, 13)}",
                ),
                "kbc": ("MUTUALITE CHRETIENNE", f"indemnites employeur {p.core} {p.call} {_d(r, 11)}"),
            }[ch]
            iban, bic = self.new_account({"ing": "NL", "spk": "DE", "fr": "FR", "kbc": "BE"}[ch])
        elif scen == "nc_salary_return":
            ch = r.choice(["ing", "rabo", "spk"])
            bank = "DE" if ch == "spk" else "NL"
            name = self.person_name(p, bank)[0]
            domain, rev, rtrn = ("PMNT", "ICDT", "RRTN"), r.random() < 0.5, r.choice(["AC04", "AC01", "MD07"])
            text = r.choice(
                [
                    "RETOUR salaris februari 2026",
                    "Rueckueberweisung Gehalt 02/2026",
                    "terugboeking loon 02-2026 rekening opgeheven",
                ]
            )
            iban, bic = self.new_account(bank)
        elif scen == "nc_tax_refund":
            ch = r.choice(["ing", "ing", "spk", "kbc", "fr"])
            name, text = {
                "ing": ("Belastingdienst", f"BTW teruggaaf 4e kw 2025 {_d(r, 9)}B01 {_d(r, 16)}"),
                "spk": ("Finanzamt Aachen-Stadt", f"Erstattung USt 2025 StNr 201/{_d(r, 4)}/{_d(r, 4)}"),
                "kbc": (
                    "SPF FINANCES - FOD FINANCIEN",
                    f"+++{_d(r, 3)}/{_d(r, 4)}/{_d(r, 5)}+++ remboursement TVA",
                ),
                "fr": ("DGFIP SIE METZ", f"REMBOURSEMENT CREDIT TVA {_d(r, 14)}"),
            }[ch]
        elif scen == "nc_interest":
            ch = r.choice(["ing", "rabo", "kbc", "spk"])
            name, iban, bic = "", "", ""
            amt = r.randrange(100, 40000)
            domain = ("ACMT", "MCOP", "INTR")
            text = r.choice(
                ["Rente 1e kwartaal", "Creditrente spaarrekening", "Habenzinsen", "intérêts créditeurs"]
            )
        elif scen == "nc_own_transfer":
            ch = r.choice(["ing", "rabo", "kbc"])
            name, iban, bic = (
                SELLER,
                self.own["savings"] if r.random() < 0.6 else self.own[r.choice(["ing", "rabo"])],
                "INGBNL2A",
            )
            if iban == self.own[ch]:
                iban = self.own["savings"]
            domain = ("PMNT", "RCDT", "BOOK")
            text = r.choice(
                [
                    "overboeking spaarrekening",
                    "Overboeking eigen rekening",
                    "liquiditeit huurinkomsten",
                    f"overboeking t.b.v. {MONTHS['nl'][2]}",
                ]
            )
        elif scen == "nc_card_settlement":
            ch = r.choice(["ing", "ing", "kbc", "spk"])
            name = {
                "ing": r.choice(["Stichting Mollie Payments", "Adyen N.V.", "CCV Nederland B.V."]),
                "kbc": "PAYCONIQ INTERNATIONAL",
                "spk": "SumUp Payments Limited",
            }[ch]
            text = {
                "Stichting Mollie Payments": f"Mollie uitbetaling st.{_d(r, 8)} {v:%Y-%m-%d}",
                "Adyen N.V.": f"Adyen payout batch {r.randrange(100, 999)} MaasRijn {v:%Y%m%d}",
                "CCV Nederland B.V.": f"CCV afrekening terminal {_d(r, 8)} {v - timedelta(1):%d-%m-%Y}",
                "PAYCONIQ INTERNATIONAL": f"PAYCONIQ SETTLEMENT {_d(r, 10)}",
                "SumUp Payments Limited": f"SumUp Auszahlung {v.isoformat()} {_d(r, 8)}",
            }[name]
            domain = ("PMNT", "MCRD", "POSC")
        elif scen == "nc_dd_reversal":
            ch = r.choice(["ing", "rabo", "spk"])
            name = {
                "ing": "Vattenfall Klantenservice N.V.",
                "rabo": "Enexis B.V.",
                "spk": "STAWAG Stadtwerke Aachen AG",
            }[ch]
            domain, rev, rtrn = ("PMNT", "RDDT", "PRDD"), True, "MD06"
            text = r.choice(
                [
                    f"Storno incasso machtiging {_d(r, 10)}",
                    f"terugboeking incasso {inv.number}",
                    "Rückbelastung Lastschrift Strom 02/2026",
                ]
            )
        elif scen == "nc_returned_refund":
            # our refund to a tenant came back: the tenant's own account and name, a real number
            c = r.choice([c for c in self.customers if c.ibans])
            ch = c.channel
            name, iban, bic = self.known(c)
            own = [i for i in c.items if i.kind == "credit_note"] or c.items
            ref_inv = r.choice(own)
            amt = ref_inv.total if r.random() < 0.6 else r.choice([i.total for i in c.items])
            domain, rev, rtrn = (
                ("PMNT", "ICDT", "RRTN"),
                r.random() < 0.5,
                r.choice(["AC04", "AC06", "MD07", "AM05"]),
            )
            text = {
                "nl": f"retour terugbetaling {ref_inv.number} {r.choice(['rekening opgeheven', 'naam/nummer wijkt af', ''])}",
                "fr": f"RETOUR REMBOURSEMENT {ref_inv.number} COMPTE CLOTURE",
                "de": f"Retoure Erstattung {ref_inv.number} Konto erloschen",
            }[c.lang]
        elif scen == "nc_insurance":
            ch = r.choice(["ing", "kbc", "spk"])
            name = {
                "ing": "Nationale-Nederlanden Schadeverzekering",
                "kbc": "AG Insurance",
                "spk": "Provinzial Rheinland Versicherung AG",
            }[ch]
            text = r.choice(
                [
                    f"schade-uitkering {_d(r, 8)} stormschade",
                    f"Schadenzahlung {_d(r, 2)}-{_d(r, 6)} Leitungswasser",
                    f"indemnisation sinistre {_d(r, 9)}",
                ]
            )
        elif scen == "nc_supplier_refund":
            ch = r.choice(["ing", "rabo", "spk"])
            name = {
                "ing": "Eneco Zakelijk B.V.",
                "rabo": "WML Waterleiding Mij Limburg",
                "spk": "Hausmeisterservice Krings GmbH",
            }[ch]
            num = f"{inv.year % 100}{inv.serial:06d}" if r.random() < 0.4 else f"{r.randrange(10**8, 10**9)}"
            text = r.choice(
                [
                    f"creditnota {num} teruggave",
                    f"restitutie jaarafrekening factuurnr {num}",
                    f"Gutschrift {num} Überzahlung",
                ]
            )
        elif scen == "nc_municipality":
            ch = r.choice(["ing", "rabo", "kbc"])
            name = r.choice(["Gemeente Maastricht", "BsGW", "Stad Genk", "Gemeente Venlo"])
            text = r.choice(
                [
                    f"teruggaaf OZB 2025 aanslagnr {_d(r, 12)}",
                    f"restitutie afvalstoffenheffing {_d(r, 10)}",
                    f"terugbetaling retributie {_d(r, 8)}",
                ]
            )
        self.add(
            Tx(
                scen, amt, v, ch, kind="nc", payer_name=name, payer_iban=iban, payer_bic=bic, text=text[:140],
                domain=domain, reversal=rev, rtrn=rtrn,
            )
        )  # fmt: skip

    # -- assembly -----------------------------------------------------------------------------

    def generate(self) -> None:
        r = self.rng
        self.make_customers()
        self.make_book()
        total_w = sum(w for _, w in CUSTOMER_SHARES)
        plan: list[str] = []
        for name, w in CUSTOMER_SHARES:
            plan += [name] * round(self.n_pay * w / total_w)
        r.shuffle(plan)
        traps = [k for k, n in TRAP_PER_3000.items() for _ in range(max(3, round(n * self.n_pay / 3000)))]
        ncs = [k for k, n in NC_PER_3000.items() for _ in range(max(2, round(n * self.n_pay / 3000)))]
        # scenarios that need a whole customer's book first, then the traps on untouched books
        order = {
            "fifo_rent": 0,
            "multi_months": 0,
            "month_not_oldest": 0,
            "plan_instalment": 0,
            "index_underpay": 0,
        }
        plan.sort(key=lambda s: order.get(s, 1))
        for t in traps:
            self._run("tr_" + t[5:])
        for s in plan:
            self._run("sc_" + s)
        self.top_up(5 * sum(1 for t in self.txs if t.kind == "customer"))
        for n in ncs:
            self._run("nc", n)
        self.validate()
        self.layout()

    def _run(self, method: str, *args: str) -> None:
        for _ in range(20):
            held = {c.cid for c in self.customers if c.excl}
            try:
                getattr(self, method)(*args)
                return
            except Skip:
                for c in self.customers:  # an attempt that found nothing holds no customer
                    if c.excl and c.cid not in held:
                        c.excl = False
        self.skipped[args[0] if args else method] += 1

    def validate(self) -> None:
        """Re-check, over the final book, that each truth that depends on the book stays what it says."""
        bad: list[Tx] = []
        for t in self.txs:
            c = t.check_cust
            if t.check == "fifo" and c is not None:
                n = t.truth[0][0]
                eq = self.fifo([i for i in c.items if i.signed == t.amount and i.issue < t.value])
                if not eq or eq[0].number != n:
                    bad.append(t)
            elif t.check == "fifo_k" and c is not None:
                k = len(t.truth)
                eq = self.fifo([i for i in c.items if i.issue < t.value])
                if [i.number for i in eq[:k]] != [n for n, _a, _k in t.truth]:
                    bad.append(t)
            elif t.check in ("unique_bearer", "unique_surname") and c is not None:
                if t.payer_trade:
                    pool = self.by_trade[t.payer_trade]
                elif t.check == "unique_bearer":
                    pool = self.bearers(t.payer_spec)
                else:
                    pool = self.surname_holders(frozenset(k for pp in t.payer_spec for k in pp.keys))
                hold = self.holders(pool, t.amount, t.value)
                eq = self.fifo([i for i in c.items if i.signed == t.amount and i.issue < t.value])
                if hold != [c] or not eq or eq[0].number != t.truth[0][0]:
                    bad.append(t)
            elif t.check == "trap_bearers":
                hold = self.holders(self.bearers(t.payer_spec), t.amount, t.value)
                if len(hold) < 2:
                    bad.append(t)
            elif t.check == "advance" and c is not None:
                if not self._excess_ok(c, t.amount):
                    bad.append(t)
            elif (
                t.check == "before"
                and c is not None
                and any(i.signed == t.amount and i.issue < t.value for i in c.items)
            ):
                bad.append(t)
        for t in bad:
            self.txs.remove(t)
            self.dropped[t.scenario] += 1

    def layout(self) -> None:
        r = self.rng
        self.txs.sort(key=lambda t: (t.value, r.random()))
        seq: Counter[tuple[str, date]] = Counter()
        pre = {"ing": "ING", "rabo": "RB", "kbc": "KBC", "fr": "CA", "spk": "SPK"}
        for t in self.txs:
            seq[(t.channel, t.value)] += 1
            t.ref = f"{pre[t.channel]}{t.value:%y%m%d}{seq[(t.channel, t.value)]:05d}"
            if t.channel in ("rabo", "spk"):
                t.payer_name = swift(t.payer_name, t.channel == "spk")
                t.text = swift(t.text, t.channel == "spk")

    # -- files ----------------------------------------------------------------------------------

    def write_customers(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(
                ["id", "name", "country", "vat_number", "iban", "email", "language", "payment_terms_days"]
            )
            for c in self.customers:
                p = c.persons[0]
                mail = f"{given_key(p.call)}.{name_key(p.surname)}{c.cid[-2:]}@example.com"
                w.writerow([c.cid, c.name, c.country, "", ";".join(c.ibans), mail, c.lang, 14])

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
                ]
            )
            for i in sorted(self.invoices, key=lambda i: (i.issue, i.number)):
                w.writerow(
                    [
                        i.number,
                        i.cust.cid,
                        i.issue.isoformat(),
                        i.due.isoformat(),
                        "EUR",
                        fmt_amount(i.total),
                        i.sref,
                        i.kind,
                    ]
                )

    def write_truth(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["tx_ref", "invoice_number", "amount", "kind", "scenario", "expect"])
            for t in self.txs:
                if t.kind == "customer":
                    for n, a, k in t.truth:
                        w.writerow(
                            [
                                t.ref,
                                n,
                                fmt_signed(a),
                                k,
                                t.scenario,
                                "person_ok" if t.person_ok else "applied",
                            ]
                        )
                else:
                    w.writerow([t.ref, "", fmt_amount(t.amount), "unrelated", t.scenario, "not_applied"])

    def statements(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for ch, (_bank, fmt, _w) in CHANNELS.items():
            bal = 5_000_000 + 1_000_000 * len(ch)
            n = 0
            for d in self.days:
                txs = [t for t in self.txs if t.channel == ch and t.value == d]
                if not txs:
                    continue
                n += 1
                closing = bal + sum(t.amount for t in txs)
                if fmt == "camt":
                    p = folder / f"camt053_{ch}_{d.isoformat()}.xml"
                    p.write_text(self.camt(ch, d, n, txs, bal, closing), encoding="utf-8")
                else:
                    p = folder / f"mt940_{ch}_{d.isoformat()}.sta"
                    text = (
                        mt940_nl(self, d, n, txs, bal, closing)
                        if fmt == "mt940nl"
                        else mt940_de(self, d, n, txs, bal, closing)
                    )
                    p.write_bytes(text.encode("latin-1"))
                paths.append(p)
                bal = closing
        return paths

    def camt(self, ch: str, d: date, n: int, txs: list[Tx], opening: int, closing: int) -> str:
        iban = self.own[ch]
        bic = {"ing": "INGBNL2A", "kbc": "KREDBEBB", "fr": "AGRIFRPP"}[ch]
        prev = d - timedelta(3 if d.weekday() == 0 else 1)
        out = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
            "<BkToCstmrStmt>",
            f"<GrpHdr><MsgId>{ch.upper()}{d:%Y%m%d}0600</MsgId><CreDtTm>{d}T06:00:00</CreDtTm><MsgPgntn><PgNb>1</PgNb><LastPgInd>true</LastPgInd></MsgPgntn></GrpHdr>",
            f"<Stmt><Id>{ch.upper()}-{d:%Y%m%d}</Id><ElctrncSeqNb>{n}</ElctrncSeqNb><LglSeqNb>{n}</LglSeqNb><CreDtTm>{d}T06:00:00</CreDtTm>"
            f"<FrToDt><FrDtTm>{d}T00:00:00</FrDtTm><ToDtTm>{d}T23:59:59</ToDtTm></FrToDt>",
            f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy><Ownr><Nm>{escape(SELLER)}</Nm></Ownr><Svcr><FinInstnId><BIC>{bic}</BIC></FinInstnId></Svcr></Acct>",
            f'<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{fmt_amount(opening)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{prev}</Dt></Dt></Bal>',
            f'<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{fmt_amount(closing)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{d}</Dt></Dt></Bal>',
            f"<TxsSummry><TtlNtries><NbOfNtries>{len(txs)}</NbOfNtries></TtlNtries></TxsSummry>",
        ]
        for t in txs:
            out.append(self.camt_entry(t, ch))
        out += ["</Stmt>", "</BkToCstmrStmt>", "</Document>"]
        return "\n".join(out)

    def camt_entry(self, t: Tx, ch: str) -> str:
        dm = t.domain
        addtl = {
            "ESCT": {"ing": "SEPA Overboeking", "kbc": "EUROPESE OVERSCHRIJVING", "fr": "VIR SEPA RECU"}[ch],
            "BOOK": "Overboeking",
            "INTR": "Rente",
            "POSC": "Afrekening betaalautomaat",
            "RRTN": "Terugboeking SEPA overboeking",
            "PRDD": "Storno incasso",
        }[dm[2]]
        if t.standing and ch == "ing":
            addtl = "Periodieke overboeking"
        code = f"<BkTxCd><Domn><Cd>{dm[0]}</Cd><Fmly><Cd>{dm[1]}</Cd><SubFmlyCd>{dm[2]}</SubFmlyCd></Fmly></Domn></BkTxCd>"
        x = [
            f'<Ntry><NtryRef>{t.ref}</NtryRef><Amt Ccy="EUR">{fmt_amount(t.amount)}</Amt><CdtDbtInd>CRDT</CdtDbtInd>',
            "<RvslInd>true</RvslInd>" if t.reversal else "",
            f"<Sts>BOOK</Sts><BookgDt><Dt>{t.value}</Dt></BookgDt><ValDt><Dt>{t.value}</Dt></ValDt>",
            f"<AcctSvcrRef>{t.ref}</AcctSvcrRef>{code}<NtryDtls><TxDtls>",
            f"<Refs><AcctSvcrRef>{t.ref}</AcctSvcrRef><EndToEndId>{escape(t.e2e)}</EndToEndId></Refs>",
            f'<AmtDtls><TxAmt><Amt Ccy="EUR">{fmt_amount(t.amount)}</Amt></TxAmt></AmtDtls>',
            code,
        ]
        if t.payer_name or t.payer_iban:
            p = "<RltdPties>"
            if t.payer_name:
                p += f"<Dbtr><Nm>{escape(t.payer_name)}</Nm></Dbtr>"
            if t.payer_iban:
                p += f"<DbtrAcct><Id><IBAN>{t.payer_iban}</IBAN></Id></DbtrAcct>"
            x.append(p + "</RltdPties>")
            if t.payer_bic:
                x.append(
                    f"<RltdAgts><DbtrAgt><FinInstnId><BIC>{t.payer_bic}</BIC></FinInstnId></DbtrAgt></RltdAgts>"
                )
        if t.text or t.strd:
            rm = "<RmtInf>"
            if t.text:
                rm += f"<Ustrd>{escape(t.text)}</Ustrd>"
            if t.strd:
                issr = "BBA" if not t.strd.startswith("RF") else "ISO"
                rm += (
                    f"<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>{issr}</Issr></Tp>"
                    f"<Ref>{t.strd}</Ref></CdtrRefInf></Strd>"
                )
            x.append(rm + "</RmtInf>")
        if t.rtrn:
            x.append(f"<RtrInf><Rsn><Cd>{t.rtrn}</Cd></Rsn></RtrInf>")
        x.append(f"</TxDtls></NtryDtls><AddtlNtryInf>{escape(addtl)}</AddtlNtryInf></Ntry>")
        return "".join(x)


# ----------------------------------------------------------------------------------------
# MT940
# ----------------------------------------------------------------------------------------


def swift(text: str, german: bool) -> str:
    """The SWIFT character set: umlauts written out (ue) or stripped (u), no accents."""
    if german:
        text = translit_de(text) if (sum(map(ord, text)) % 3) else strip_accents(text)
    t = strip_accents(text).replace("&", "+").replace("°", "o").replace("ß", "ss")
    return "".join(ch if ch.isalnum() or ch in " /-?:().,'+" else " " for ch in t)


def mt_amount(c: int) -> str:
    return f"{c // 100},{c % 100:02d}"


def wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def mt940_nl(gen: Generator, d: date, n: int, txs: list[Tx], opening: int, closing: int) -> str:
    """Rabobank-style MT940 with the Dutch slash codes."""
    lines = [
        f":20:940S{d:%y%m%d}",
        f":25:{gen.own['rabo']} EUR",
        f":28C:{n:05d}",
        f":60F:C{(d - timedelta(1)):%y%m%d}EUR{mt_amount(opening)}",
    ]
    for t in txs:
        mark = "RD" if t.reversal else "C"
        code = {
            "ESCT": "N541",
            "INTR": "N085",
            "RRTN": "N503",
            "PRDD": "N064",
            "BOOK": "N544",
            "POSC": "N093",
        }[t.domain[2]]
        lines.append(f":61:{d:%y%m%d}{mark}{mt_amount(t.amount)}{code}NONREF//{t.ref}")
        if t.payer_iban:
            lines.append(t.payer_iban)
        s = f"/EREF/{t.e2e}"
        if t.payer_name or t.payer_iban:
            s += f"/ORDP//NAME/{t.payer_name}"
            if t.payer_iban:
                s += f"/IBAN/{t.payer_iban}"
            if t.payer_bic:
                s += f"/BIC/{t.payer_bic}"
        if t.rtrn:
            s += f"/RTRN/{t.rtrn}"
        if t.strd:
            s += f"/REMI//CDTRREFTP//CD/SCOR/ISSR/CUR/CDTRREF/{t.strd}"
        elif t.text:
            s += f"/REMI/USTD//{t.text}/"
        t.raw = s
        chunks = wrap(s, 65)[:6]
        lines.append(":86:" + chunks[0][:61])
        rest = chunks[0][61:] + "".join(chunks[1:])
        lines += wrap(rest, 65)[:5] if rest else []
    lines.append(f":62F:C{d:%y%m%d}EUR{mt_amount(closing)}")
    lines.append("-")
    return "\r\n".join(lines) + "\r\n"


def mt940_de(gen: Generator, d: date, n: int, txs: list[Tx], opening: int, closing: int) -> str:
    """Sparkasse MT940 with the German ?-subfields and SEPA keywords."""
    acct = gen.own["spk"]
    lines = [
        f":20:STARTUMS{d:%d%m}",
        f":25:{acct[4:12]}/{acct[12:]}",
        f":28C:{n}/1",
        f":60F:C{(d - timedelta(1)):%y%m%d}EUR{mt_amount(opening)}",
    ]
    for t in txs:
        mark = "RD" if t.reversal else "C"
        gvc = {
            "ESCT": "152" if t.standing else "166",
            "INTR": "805",
            "RRTN": "159",
            "PRDD": "109",
            "BOOK": "166",
            "POSC": "166",
        }[t.domain[2]]
        book = {
            "152": "DAUERAUFTRAG-GUTSCHR",
            "166": "SEPA-GUTSCHRIFT",
            "805": "ABSCHLUSS",
            "159": "RETOURE",
            "109": "RUECKBELASTUNG",
        }[gvc]
        lines.append(f":61:{d:%y%m%d}{d:%m%d}{mark}{mt_amount(t.amount)}N{gvc}NONREF//{t.ref}")
        chunks = wrap(f"EREF+{t.e2e}", 27)
        body = (t.text + (" " + t.strd if t.strd else "")).strip()
        if body:
            chunks += wrap("SVWZ+" + body, 27)
        keys = [f"?{20 + i}" for i in range(10)] + [f"?{60 + i}" for i in range(4)]
        parts = [f"{gvc}?00{book}?109310"] + [keys[i] + c for i, c in enumerate(chunks[:10])]
        if t.payer_iban:
            parts.append(f"?30{t.payer_bic or 'NOTPROVIDED'}?31{t.payer_iban}")
        if t.payer_name:
            parts.append(f"?32{t.payer_name[:27]}")
            if len(t.payer_name) > 27:
                parts.append(f"?33{t.payer_name[27:54]}")
        parts.append(f"?34{'901' if t.rtrn else '997'}")
        parts += [keys[i] + c for i, c in enumerate(chunks[10:14], start=10)]
        s = "".join(parts)
        t.raw = s
        chunks65 = wrap(s, 65)
        lines.append(":86:" + chunks65[0][:61])
        rest = chunks65[0][61:] + "".join(chunks65[1:])
        lines += wrap(rest, 65) if rest else []
    lines.append(f":62F:C{d:%y%m%d}EUR{mt_amount(closing)}")
    lines.append("-")
    return "\r\n".join(lines) + "\r\n"


# ----------------------------------------------------------------------------------------
# running the product
# ----------------------------------------------------------------------------------------


def run_product(
    gen: Generator, out: Path, exe: Path, statements: list[Path], keep_home: bool = False
) -> tuple[dict[str, float], list[dict[str, str]]]:
    home = out / "home" if keep_home else Path(tempfile.mkdtemp(prefix="encaisse-persons-"))
    if keep_home and home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True, exist_ok=True)
    init = ["init", "--code", "main", "--name", SELLER, "--currency", "EUR", "--country", "NL"]
    for k in ("ing", "rabo", "kbc", "fr", "spk", "savings"):
        init += ["--iban", gen.own[k]]
    steps = [
        ("init", init),
        ("import-customers", ["import-customers", str(out / "customers.csv")]),
        ("import-invoices", ["import-invoices", str(out / "invoices.csv")]),
        ("import-statement", ["import-statement", "--format", "json", *map(str, statements)]),
        ("match", ["match"]),
        ("export-allocations", ["export-allocations", "-o", str(out / "out.csv")]),
        ("review", ["review", "--format", "json", "--limit", "100000"]),
    ]

    def refused(name: str, p: subprocess.CompletedProcess[str]) -> list[str]:
        if name == "import-statement" and '"refused": []' not in p.stdout:
            return [p.stdout.strip()[-1500:]]
        return []

    timings, problems, results = run_steps(exe, steps, home, notes=refused)
    for name, p in results.items():
        if name == "review":
            (out / "review.json").write_text(p.stdout)  # proposals and explanations of what was not applied
        else:
            (out / f"{name}.log").write_text(step_log(p))
    if not keep_home:
        shutil.rmtree(home, ignore_errors=True)
    return timings, problems


# ----------------------------------------------------------------------------------------
# scoring (the export contract: rows tx_ref, invoice_number, amount, status, kind)
# ----------------------------------------------------------------------------------------


def label(t: Tx) -> str:
    return t.scenario + ("*" if t.person_ok else "")


def score(gen: Generator, out: Path) -> dict[str, object]:
    prod = read_export(out / "out.csv")
    stats: dict[str, Counter[str]] = defaultdict(Counter)
    misses: list[list[str]] = []
    for t in gen.txs:
        rows = prod.get(t.ref, [])
        status, applied = outcome(rows)
        overall = {
            "customer": "ALL customer",
            "trap": "ALL traps (must not apply)",
            "nc": "ALL non-customer",
        }[t.kind]
        group = [stats[label(t)], stats[overall], stats[f"channel {CHANNELS[t.channel][0]}"]]
        for s in group:
            s["n"] += 1
            s[status] += 1
        if t.kind == "customer":
            truth = sorted(t.truth)
            if status == "applied":
                ok = envelope(applied) == envelope(truth)
                tc = Counter((n, a) for n, a, k in truth if k != "on_account")
                got = [(n, a) for n, a, k in applied if k != "on_account"]
                good = sum(min(c, tc[x]) for x, c in Counter(got).items())
                for s in group:
                    s["c_applied"] += 1
                    s["env_ok"] += ok
                    s["lines"] += len(got)
                    s["lines_ok"] += good
                if not ok:
                    misses.append(miss_row(t, "wrong", rows))
            else:
                if status == "suggested":
                    sugg = {n for n, _a, _k, s2, _c in rows if s2 == "suggested" and n}
                    hit = {n for n, _a, k in truth if k == "invoice"} <= sugg
                    for s in group:
                        s["sugg_hit"] += hit
                misses.append(
                    miss_row(t, f"not_applied:{status}" + (":person_ok" if t.person_ok else ""), rows)
                )
        elif status == "applied":
            if t.allow_on_account and all(k == "on_account" for _n, _a, k in applied):
                for s in group:
                    s["on_account_ok"] += 1
            else:
                for s in group:
                    s["wrongly_applied"] += 1
                misses.append(miss_row(t, "must_not_apply_but_applied", rows))
    with (out / "misses.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "scenario",
                "issue",
                "tx_ref",
                "channel",
                "amount",
                "value_date",
                "payer_name",
                "payer_iban",
                "remittance",
                "truth_rows",
                "product_rows",
            ]
        )
        w.writerows(misses)
    return {"stats": {k: dict(v) for k, v in stats.items()}, "misses": len(misses), "product_refs": len(prod)}


def miss_row(t: Tx, issue: str, rows: list[Row]) -> list[str]:
    truth = "; ".join(f"{n or '-'}:{fmt_signed(a)}:{k}" for n, a, k in t.truth) or "not applied"
    prod = "; ".join(f"{s}:{n or '-'}:{fmt_signed(a)}:{k}:{c}" for n, a, k, s, c in rows) or "(absent)"
    return [
        label(t),
        issue,
        t.ref,
        t.channel,
        fmt_amount(t.amount),
        t.value.isoformat(),
        t.payer_name,
        t.payer_iban,
        t.remittance(),
        truth,
        prod,
    ]


def print_table(result: dict[str, object]) -> str:
    stats: dict[str, dict[str, int]] = result["stats"]  # type: ignore[assignment]
    lines = trap_table(stats, env_base="c_applied", groups=("channel ",))
    lines.append("* left to a person is right (not applied is no miss; applied, it must be right)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args, exe, out = check_arguments(__doc__, argv, payments=3000, prefix="blackbox-persons-")
    t0 = time.perf_counter()
    gen = Generator(args.payments, args.seed)
    gen.generate()
    assert all(iban_valid(i) for i in gen.own.values())
    assert all(iban_valid(i) for c in gen.customers for i in c.ibans)
    assert all(iban_valid(t.payer_iban) for t in gen.txs if t.payer_iban)
    assert all(sum(a for _n, a, _k in t.truth) == t.amount for t in gen.txs if t.kind == "customer"), (
        "truth sums"
    )
    gen.write_customers(out / "customers.csv")
    gen.write_invoices(out / "invoices.csv")
    if (out / "statements").exists():
        shutil.rmtree(out / "statements")
    statements = gen.statements(out / "statements")
    gen.write_truth(out / "truth.csv")
    kinds = Counter(t.kind for t in gen.txs)
    assert cents(fmt_signed(-12345)) == -12345
    print(
        f"generated in {time.perf_counter() - t0:.1f}s: {len(gen.customers)} customers, {len(gen.invoices)} documents, "
        f"{len(gen.txs)} credits ({kinds['customer']} customer payments, {kinds['trap']} traps, "
        f"{kinds['nc']} non-customer), {len(statements)} statements, "
        f"dropped by validation {sum(gen.dropped.values())} {dict(gen.dropped)}, skipped {dict(gen.skipped)}, out={out}"
    )
    if args.generate_only:
        return 0
    timings, problems = run_product(gen, out, exe, statements, keep_home=args.keep)
    result = score(gen, out)
    report(out, print_table(result), timings, problems, result, remove=not args.keep and args.out is None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
