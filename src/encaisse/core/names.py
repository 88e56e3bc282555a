"""Payer names: normalisation and an index that finds customers by name.

A bank gives the payer's name as the payer's bank has it: upper case or not,
accents lost, the legal form written otherwise or left out ("S.A.", "SA",
"Société Anonyme"), the city appended, cut to 35 characters (SEPA's old
limit, still common), to the 18 of UK Faster Payments and BACS or to the 16
or 22 of US ACH names, first and last names swapped. :func:`name_tokens`
reduces a name to the words that identify the party; :class:`NameIndex` finds
the parties whose names share those words, through an inverted index
(token → parties) and a deletion neighbourhood of the vocabulary for one-letter
typos, and only then compares the few candidates (rapidfuzz for the word
similarity). It never compares a name with every party.

>>> name_tokens("Boulangerie Dupont & Fils S.A.")
('BOULANGERIE', 'DUPONT', 'FILS')
>>> name_tokens("DUPONT FILS BOULANGERIE SPRL")
('DUPONT', 'FILS', 'BOULANGERIE')
>>> name_tokens("Müller GmbH & Co. KG")
('MULLER',)
>>> index = NameIndex()
>>> index.add(1, "Boulangerie Dupont & Fils SA")
>>> index.add(2, "Dupond Transports NV")
>>> index.add(3, "Müller GmbH")
>>> [(key, score > 0.9) for key, score in index.search("BOULANGERIE DUPONT ET FILS BRUXELLES")][:1]
[(1, True)]
>>> index.search("MULLER")[0][0]
3
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import lru_cache
from itertools import repeat
from operator import mul
from typing import Final

from rapidfuzz import fuzz

from encaisse.core import arabic
from encaisse.core.invoice_numbers import deletions, fold
from encaisse.core.kana import LEGAL_FORM_WORDS, romanise

__all__ = ["LEGAL_FORMS", "NameIndex", "joint_names", "legal_forms", "name_tokens", "normalise_name"]

# Legal forms, as tokens after dots are dropped (S.A. -> SA), in the languages
# our customers write in.
LEGAL_FORMS: Final = frozenset(
    [
        "SA",
        "NV",
        "BV",
        "BVBA",
        "SRL",
        "SPRL",
        "SPRLU",
        "SCRL",
        "SCS",
        "SNC",
        "CV",
        "CVBA",
        "VZW",
        "ASBL",
        "SC",
        "SCA",
        "SE",
        "COMMV",
        "VOF",
        "GMBH",
        "AG",
        "KG",
        "OHG",
        "UG",
        "MBH",
        "KGAA",
        "EV",
        "GBR",
        "SARL",
        "SAS",
        "SASU",
        "EURL",
        "SCI",
        "SELARL",
        "EI",
        "LTD",
        "LIMITED",
        "INC",
        "INCORPORATED",
        "LLC",
        "PLLC",
        "LLP",
        "LP",
        "PLC",
        "CORP",
        "CORPORATION",
        "CO",
        "COMPANY",
        "PTY",
        "PTE",
        "OY",
        "OYJ",
        "AB",
        "AS",
        "ASA",
        "APS",
        "SPA",
        "SL",
        "SLU",
        "LDA",
        "KFT",
        "ZRT",
        "SRO",
        "BHD",
        "SPZOO",
        "SPJ",
        "SPK",
        "NYRT",
        "EK",  # eingetragener Kaufmann (e.K., e.Kfm., e.Kfr.)
        "EKFM",
        "EKFR",
        "PVT",  # an Indian private limited company (Pvt. Ltd., Private Limited)
        "LTDA",  # Brazil: sociedade limitada (Ltda., written out "Limitada" by banks), EIRELI, EPP
        "LIMITADA",
        "EIRELI",
        "EPP",
        "SAPI",  # Mexico: S.A.P.I. de C.V., S.A.B. de C.V. (S. de R.L. de C.V.: see _words)
        "SAB",
        # the Gulf, Egypt and North Africa: free-zone companies and establishments, joint-stock companies (PJSC,
        # S.A.E., SAOG), Bahrain's and Qatar's W.L.L.; Morocco's SARL AU (South Africa's close corporation "CC" is
        # left out: run-together initials, "C.C. van de Ven", would be read as that form)
        # Ireland: designated activity, unlimited and guarantee companies; "Teoranta" (Teo.) is Irish for Limited
        "DAC",
        "UC",
        "CLG",
        "TEORANTA",
        "TEO",
        "FZE",
        "FZCO",
        "FZC",
        "FZ",
        "WLL",
        "PJSC",
        "PSC",
        "QPSC",
        "SAE",
        "SAOG",
        "SAOC",
        "BSC",
        "SPC",
        "EST",
        "ESTABLISHMENT",
        "SARLAU",
        *LEGAL_FORM_WORDS,  # Japanese, read from kanji or kana (株式会社, "ｶ)")
    ]
)
_LEGAL_PHRASES: Final = re.compile(
    r"\b(?:SOCIETE ANONYME|SOCIETE PAR ACTIONS SIMPLIFIEE(?: UNIPERSONNELLE)?|SOCIETE A RESPONSABILITE LIMITEE"
    r"|SOCIETE PRIVEE A RESPONSABILITE LIMITEE|SOCIETE COOPERATIVE|NAAMLOZE VENNOOTSCHAP|BESLOTEN VENNOOTSCHAP"
    r"|GESELLSCHAFT MIT BESCHRANKTER HAFTUNG|AKTIENGESELLSCHAFT|PUBLIC LIMITED COMPANY|LIMITED LIABILITY COMPANY"
    r"|CO KG|AND CO|ET CIE|ET CO|UND CO|EN CO|& CO|& CIE)\b"
    r"|\bPRIVATE(?= (?:LIMITED|LTD)\b)"  # India's "Private Limited", the "Pvt. Ltd." of the ledger
)
# Central European legal forms written out, or in the abbreviations' other spellings, and as banks cut them
# (35 characters): each is read as the abbreviation the ledger writes ("Sp. z o.o.", "s.r.o.", "Kft.")
_LEGAL_FORMS_WRITTEN: Final = (
    (re.compile(r"\bSPOLKA Z O(?:GRANICZONA)?[A-Z]*(?: O[A-Z]*)?\b|\bSP ?Z ?O ?O\b"), " SPZOO "),
    (re.compile(r"\bSPOLKA AKCYJNA\b"), " SA "),
    (re.compile(r"\bSPOLKA JAWNA\b|\bSP J\b"), " SPJ "),
    (re.compile(r"\bSPOLKA KOMANDYTOWA\b|\bSP K\b"), " SPK "),
    (re.compile(r"\bSPOL S R ?O\b|\bSPOL[EO]CNOST S RUC[A-Z]*(?: O[A-Z]*)?\b"), " SRO "),
    (re.compile(r"\bAKCIOVA SPOL[EO]CNOST\b"), " AS "),
    (re.compile(r"\bKORLATOLT FELELOSSEG[A-Z]*(?: T[A-Z]*)?\b"), " KFT "),
    (re.compile(r"\bZARTKORUEN(?: M[A-Z]*(?: R[A-Z]*)?)?\b"), " ZRT "),
    (re.compile(r"\bNYILVANOSAN(?: M[A-Z]*(?: R[A-Z]*)?)?\b"), " NYRT "),
    (re.compile(r"\bBETETI TARSASAG\b"), " BT "),
    (re.compile(r"\bDESIGNATED ACT[A-Z]*(?: C[A-Z]*)?\b"), " DAC "),  # cut at 35 characters too
    (re.compile(r"\bUNLIMITED C(?:O(?:MPANY)?)?\b"), " UC "),
    (re.compile(r"\bCO(?:MPANY)? LIMITED BY GUARANTEE\b"), " CLG "),
)
# Mexico's sociedad de responsabilidad limitada, "S. de R.L. (de C.V.)": an SRL
_MEXICAN_SRL: Final = re.compile(r"\bS DE R ?L\b")
# "de C.V." (capital variable) after a Mexican form, whole or as a 35-character field cut it ("SA DE C"): the form
_MEXICAN_CV: Final = re.compile(r"\b(S ?A(?: ?P ?I| ?B)?|SRL)\s+DE\s+C(?: ?V)?\b")
# Morocco's SARL à associé unique, "SARL AU"
_SARL_AU: Final = re.compile(r"\bSARL[ -]?AU\b")
_FORM_HINTS: Final = (
    "SPOL", "SP ", "AKCI", "KORLATOLT", "ZARTKORUEN", "NYILVANOSAN", "BETETI", "DESIGNATED", "UNLIMITED", "GUARANTEE"
)  # fmt: skip
_STOP: Final = frozenset(
    [
        "THE",
        "AND",
        "ET",
        "UND",
        "EN",
        "OF",
        "LA",
        "LE",
        "LES",
        "DE",
        "DES",
        "DU",
        "DER",
        "DIE",
        "DAS",
        "HET",
        "MR",
        "MRS",
        "MS",
        "M",
        "MME",
        "MLLE",
        "DHR",
        "MEVR",
        "HERR",
        "FRAU",
        "MONSIEUR",
        "MADAME",
    ]
)
_NON_WORD: Final = re.compile(r"[^A-Z0-9]+")
# words that name a household, a couple or heirs by their family name: "Familie de Vries", "M. et Mme Dubois",
# "Eheleute Schmitt", "Wwe. Peeters", "the Smith family"
_HOUSEHOLD: Final = frozenset(
    [
        "FAMILIE", "FAMILLE", "FAM", "FAMILY", "FAMIGLIA", "FAMILIA", "FAMILIEN", "EHELEUTE", "EHEPAAR",
        "ECHTPAAR", "ECHTELIEDEN", "EPOUX", "CONJOINTS", "CONSORTS", "ERBEN", "ERBENGEMEINSCHAFT", "HERITIERS",
        "ERVEN", "WED", "WEDUWE", "WWE", "WITWE", "VEUVE", "VVE", "HOUSEHOLD", "HOUSEHOLDS", "SUCCESSION",
        "NALATENSCHAP", "NACHLASS", "MM", "MMES", "MESSRS", "HH",
    ]
)  # fmt: skip


def normalise_name(name: str) -> str:
    """The identifying words of a name, upper case, space separated."""
    return " ".join(name_tokens(name))


# words that banks and ledgers abbreviate, read in full on both sides ("STE GENERALE D EQUIPEMENT" for Société
# Générale d'Équipement, "INTL BUSINESS MACHINES" for International Business Machines); in full, a name cut at a
# bank's width still begins the word ("INTERNAT")
_ABBREVIATIONS: Final = {
    "STE": "SOCIETE", "ETS": "ETABLISSEMENTS", "ETABLISSEMENT": "ETABLISSEMENTS", "CIE": "COMPAGNIE",
    "INTL": "INTERNATIONAL", "NATL": "NATIONAL", "MFG": "MANUFACTURING", "BROS": "BROTHERS", "SVCS": "SERVICES",
    "GEBR": "GEBRUDER", "GEBRUEDER": "GEBRUDER",
    # as Indian banks cut them: "JOSHI ENTP", "AGARWAL AGRO INDS", "SARASWATI ENGG WKS", "GUPTA TRDG CO"
    "ENTP": "ENTERPRISES", "ENTPR": "ENTERPRISES", "ENTPRS": "ENTERPRISES", "INDS": "INDUSTRIES",
    "WKS": "WORKS", "ENGG": "ENGINEERING", "TRDG": "TRADING",
    # as Gulf banks cut them: "MOHAMED ABDELRAHMAN GEN TRDG L.L.C", "AL WASL BLDG CONTG"
    "GEN": "GENERAL", "CONTG": "CONTRACTING", "BLDG": "BUILDING", "MATLS": "MATERIALS", "EQPT": "EQUIPMENT",
}  # fmt: skip

# one legal form in the languages of a country: a Belgian SA is an NV
_FORM_CLASS: Final = {
    "NV": "SA", "AG": "SA", "SPA": "SA", "BV": "SRL", "SPRL": "SRL", "BVBA": "SRL", "SPRLU": "SRL", "SL": "SRL",
    "CVBA": "SCRL", "CV": "SCRL", "SC": "SCRL", "VZW": "ASBL", "MBH": "GMBH", "LIMITED": "LTD", "LIMITADA": "LTDA",
    "INCORPORATED": "INC", "CORP": "INC", "CORPORATION": "INC", "SASU": "SAS", "OYJ": "OY", "COMPANY": "CO",
    "PLLC": "LLC", "SAPI": "SA", "SAB": "SA", "ESTABLISHMENT": "EST", "FZC": "FZCO", "SAE": "SA", "SAOG": "SA",
    "SAOC": "SA", "QPSC": "PSC", "SARLAU": "SARL", "TEORANTA": "LTD", "TEO": "LTD",
}  # fmt: skip


def legal_forms(name: str) -> frozenset[str]:
    """The legal forms written in a name, one name per form (``NV`` is ``SA``), to tell namesakes apart.

    >>> sorted(legal_forms("Acme N.V."))
    ['SA']
    """
    return _parse(name)[1]


def name_tokens(name: str) -> tuple[str, ...]:
    """Words of a name without accents, punctuation, legal forms, titles and numbers."""
    return _parse(name)[0]


@lru_cache(maxsize=65536)  # payers' names repeat from one payment to the next
def _parse(name: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """(:func:`name_tokens`, :func:`legal_forms`) of a name, read once."""
    return _from_words(_words(name))


def _from_words(words: list[str]) -> tuple[tuple[str, ...], frozenset[str]]:
    tokens = tuple(
        _ABBREVIATIONS.get(w, w) for w in words if not w.isdigit() and w not in LEGAL_FORMS and w not in _STOP
    )
    return tokens, frozenset(_FORM_CLASS.get(w, w) for w in words if w in LEGAL_FORMS)


def _words(name: str) -> list[str]:
    if not name.isascii():
        name = arabic.romanise(romanise(name))
    text = fold(name).replace(".", "").replace("'", "")
    text = _LEGAL_PHRASES.sub(" ", text.replace("&", " & "))
    text = _MEXICAN_SRL.sub(" SRL ", text)
    if " DE C" in text:
        text = _MEXICAN_CV.sub(lambda m: f" {m.group(1).replace(' ', '')} ", text)
    if "AU" in text:
        text = _SARL_AU.sub(" SARLAU ", text)
    if any(hint in text for hint in _FORM_HINTS):
        text = _NON_WORD.sub(" ", text)
        for pattern, form in _LEGAL_FORMS_WRITTEN:
            text = pattern.sub(form, text)
    # Arabic names in one spelling ("AL-OTAIBI" is ALOTAIBI, "Mohamed" MUHAMMAD), before single letters are joined
    raw = arabic.canonical([word for word in _NON_WORD.split(text) if word])
    # single letters in a row are one abbreviation: "S A" -> "SA", "J P" -> "JP"
    merged: list[str] = []
    run = ""
    for word in raw:
        if len(word) == 1 and word.isalpha():
            run += word
            continue
        if run:
            merged.append(run)
            run = ""
        if word:
            merged.append(word)
    if run:
        merged.append(run)
    return merged


# how banks join the holders of a joint account: "J DE VRIES EN/OF C DE VRIES", "A.A. VAN DIJK E/O W J VAN DIJK",
# "MME RICHARD HELENE OU M RICHARD", "Koch, Ursula u. Markus", "PEETERS JORIS & WOUTERS ANN"
_JOINT: Final = re.compile(r"\s+(?:EN/OF|E/O|EO|OU|EN|ET|U\.?|UND|AND|&|\+)\s+", re.IGNORECASE)


@lru_cache(maxsize=65536)  # payers' names repeat from one payment to the next
def joint_names(name: str) -> tuple[str, ...]:
    """The holders of a joint account, each as a name of its own, when ``name`` joins two or more; a holder
    written by the given name alone takes the family name beside it ("Klaus u. Heike Neumann": Klaus Neumann).
    Empty for any other name, and for a company ("Dupont & Fils": neither side is a person's whole name).

    >>> joint_names("J DE VRIES EN/OF C DE VRIES")
    ('J DE VRIES', 'C DE VRIES')
    >>> joint_names("Klaus u. Heike Neumann")
    ('Klaus NEUMANN', 'Heike Neumann')
    >>> joint_names("Schneider, Michael u. Marie")
    ('Schneider, Michael', 'Marie SCHNEIDER')
    >>> [joint_names(n) for n in ("Jan Jansen", "Dupont & Fils", "Jansen en Zonen BV")]
    [(), (), ()]
    """
    parts = [p.strip(" ,") for p in _JOINT.split(name)]
    parts = [p for p in parts if p]
    if len(parts) < 2 or LEGAL_FORMS.intersection(_words(name)):
        return ()
    out: list[str] = []
    for i, part in enumerate(parts):
        words = _NON_WORD.split(fold(part).replace(".", ""))
        words = [w for w in words if w and w not in _STOP]
        if len(words) == 1 and not _initials(words[0]):
            other = parts[i + 1] if i + 1 < len(parts) else parts[i - 1]
            family = [w for w in _NON_WORD.split(fold(other).replace(".", "")) if w and w not in _STOP]
            if len(family) >= 2:
                # the family name ends a name written given name first, leads one written "Surname, Given"
                surname = family[0] if "," in other else family[-1]
                out.append(f"{part} {surname}")
            continue
        if any(len(w) >= 3 and not _initials(w) for w in words):
            out.append(part)
    return tuple(out) if len(out) >= 2 or (out and out[0] != name) else ()


# Widths banks cut names to: the old SEPA 35 (and 30 and more, where the cut fell on a space), the US ACH
# fields, the originating company's name (16 characters) and the individual's (22), and the 18 characters of
# UK Faster Payments and BACS
_CUT_WIDTHS = frozenset({16, 18, 22})
# a name cut where a word ended loses the space the width kept: "PIEDMONT OFFICE" for Piedmont Office Solutions
_CUT_LENGTHS = _CUT_WIDTHS | {w - 1 for w in _CUT_WIDTHS}


# Fedwire and check remitters append the payer's address to its name: "ROCKY MOUNTAIN FOODS DENVER CO 80202",
# "ACME LTD TORONTO ON M5H 2N2". A US state or Canadian province followed by its ZIP or postal code ends
# such an address; without the code, only a state that is no legal form nor article does.
_US_STATES: Final = frozenset([
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY",
    "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH",
    "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR", "VI", "GU"
])  # fmt: skip
# states whose code is also a legal form (Finnish Ky, US P.A.), a title (M.D.) or a word, never taken for a state
# without a ZIP code
_NOT_BARE: Final = frozenset(["KY", "PA", "MD", "ME", "IN", "OR", "OK", "HI", "ID"])
_PROVINCES: Final = frozenset(["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"])
_POSTAL_FIRST: Final = re.compile(r"[A-Z][0-9][A-Z]\Z")  # a Canadian postal code's first half
_POSTAL_LAST: Final = re.compile(r"[0-9][A-Z][0-9]\Z")
_CITY_WORDS: Final = 3  # "SALT LAKE CITY"


def _address_start(words: list[str], *, bare_state: bool = True) -> int:
    """Where a North American address (city, state or province, postal code) ends a name's words, else their
    number. ``bare_state``: a state without its ZIP code ends an address.

    >>> w = "ROCKY MOUNTAIN FOODS DENVER CO 80202".split()
    >>> w[:_address_start(w)]
    ['ROCKY', 'MOUNTAIN', 'FOODS', 'DENVER']
    >>> [_address_start(n.split()) for n in ("ACME LTD TORONTO ON M5H 2N2", "ACME TRADING CO", "ACME X TN 37203 1234")]
    [3, 3, 2]
    """
    n = len(words)
    end = n
    if (
        end >= 2
        and len(words[-1]) == 4
        and words[-1].isdigit()
        and len(words[-2]) == 5
        and words[-2].isdigit()
    ):
        end -= 1  # ZIP+4, its dash read as a separator
    if len(words[end - 1]) in (5, 9) and words[end - 1].isdigit():
        return end - 2 if end >= 4 and words[end - 2] in _US_STATES else n
    if n >= 4 and _POSTAL_LAST.match(words[-1]) and _POSTAL_FIRST.match(words[-2]):
        return n - 3 if n >= 5 and words[n - 3] in _PROVINCES else n
    last = words[-1] if n >= 3 and bare_state else ""
    if last in _US_STATES and last not in _NOT_BARE and last not in LEGAL_FORMS and last not in _STOP:
        return n - 1
    return n


@lru_cache(maxsize=65536)
def _parse_payer(name: str) -> tuple[tuple[str, ...], frozenset[str], int]:
    """A payer's name as the bank gives it: (:func:`name_tokens`, :func:`legal_forms`, how many of the last
    tokens may be the city of an address the bank appended). The state and postal code are left out; a
    legal form or article ends what may be the city.
    """
    words = _words(name)
    # a bare state ("... ROUSSEAU MO") may be a word cut at a bank's width ("MONS"): it counts only when the name
    # cannot have been cut there
    bare = len(name.strip()) not in _CUT_LENGTHS and not 30 <= len(name.strip()) <= 35
    start = _address_start(words, bare_state=bare) if words else 0
    if start == len(words):
        tokens, forms = _parse(name)
        return tokens, forms, 0
    head = words[:start]
    tokens, forms = _from_words(head)
    city = 0
    for word in reversed(head):
        if word.isdigit() or word in LEGAL_FORMS or word in _STOP or city == _CITY_WORDS:
            break
        city += 1
    return tokens, forms, min(city, len(tokens) - 1)


def _may_be_truncated(name: str) -> bool:
    n = len(name.strip())
    return n >= 30 or n in _CUT_LENGTHS


def _token_similarity(query: str, entry: str, *, may_be_truncated: bool) -> float:
    return _token_likeness(query, entry, may_be_truncated)


@lru_cache(maxsize=256)
def _forms_beginning(word: str) -> frozenset[str]:
    """The legal forms (one name per form) that begin with ``word``: ``I`` is ``INC``, ``L`` is any of four."""
    return frozenset(
        _FORM_CLASS.get(form, form)
        for form in LEGAL_FORMS
        if form.startswith(word) and form not in LEGAL_FORM_WORDS  # those are read from kana, never cut
    )


def _plain(word: str) -> str:
    """A word with its umlauts as a German bank may write them, or not: "MUELLER", "MULLER" and "MÜLLER" alike."""
    return word.replace("AE", "A").replace("OE", "O").replace("UE", "U")


def _initials(word: str) -> bool:
    """A person's initials as banks and ledgers write them: "F", "JP", "HJM" (no vowel in a run of two or three)."""
    return len(word) == 1 or (len(word) <= 3 and word.isalpha() and not _VOWELS.intersection(word))


_VOWELS: Final = frozenset("AEIOUY")
_ACRONYM_WORDS: Final = 5  # "IBM", "CIM", "SNCF": the initials of two to five words
_ACRONYM_LIKENESS: Final = 0.9  # a name written as the initials of its words, against the words themselves
_ACRONYM_BEARERS: Final = 3  # more businesses with the same initials than this: they tell nobody apart
_INITIAL_LIKENESS: Final = (
    0.8  # "F" for "FRANK": the same person's given name, or another's with that initial
)


@lru_cache(maxsize=1 << 17)  # the same words meet again and again
def _token_likeness(query: str, entry: str, may_be_truncated: bool) -> float:
    if query == entry:
        return 1.0
    if len(query) >= 4 and _plain(query) == _plain(entry):
        return 0.98  # umlauts written out or dropped: "MUELLER" for Müller ("MICHAEL" and "MICHAL" meet too)
    if len(entry) >= 3 and _initials(query) and entry[0] in query and not _initials(entry):
        return _INITIAL_LIKENESS  # "F SMIT" for Frank Smit
    if len(query) >= 3 and _initials(entry) and query[0] in entry and not _initials(query):
        return _INITIAL_LIKENESS  # "FRANK JACOBS" for F.M. Jacobs
    if may_be_truncated and len(query) >= 2 and entry.startswith(query):
        # a name cut at a bank's width: four letters or more of the word are the word ("UNION DISTRIBUTO")
        return 1.0 if len(query) >= 4 else 0.95
    likeness = _ABBREVIATION_LIKENESS if _abbreviates(query, entry) else 0.0
    if len(query) >= 4 and len(entry) >= 4:
        ratio = fuzz.ratio(query, entry) / 100.0
        if ratio >= 0.8:
            return max(ratio * 0.95, likeness)
    return likeness


_ABBREVIATION_LIKENESS: Final = 0.85  # "HLDGS" for Holdings, "HOSP" for Hospital: the word shortened
_SKELETON_LIKENESS: Final = 0.9  # a word in Arabic script and a Latin one with the same consonants
_SKELETON_VOWELS: Final = re.compile(r"(?<=.)[AEIOUYW]+")


@lru_cache(maxsize=1 << 16)
def _skeleton(word: str) -> str:
    """The consonants of a word as Arabic script writes them: its first letter, then the others without vowels
    (Arabic leaves out short vowels and writes long ones as و and ي), a letter doubled once ("ALYAMI" and "ALIAMI"
    are "ALM", "ABDRAHMAN" and "ABDRHMN" "ABDRHMN"); none below three letters or for a word with digits."""
    if not word.isalpha():
        return ""
    skeleton = _SKELETON_VOWELS.sub("", word)
    skeleton = "".join(ch for i, ch in enumerate(skeleton) if i == 0 or ch != skeleton[i - 1])
    return skeleton if len(skeleton) >= 3 else ""


@lru_cache(maxsize=1 << 16)
def _skeleton_likeness(query: str, entry: str, may_be_truncated: bool) -> float:
    """:func:`_token_likeness` of a word read from Arabic script: a Latin word with its consonants is like it."""
    likeness = _token_likeness(query, entry, may_be_truncated)
    if likeness < _SKELETON_LIKENESS and _skeleton(query) and _skeleton(query) == _skeleton(entry):
        return _SKELETON_LIKENESS
    return likeness


def _abbreviates(short: str, word: str) -> bool:
    """Whether ``short`` is ``word`` abbreviated as names are: its first letters, cut before a vowel or at less
    than half the word ("HOSP", "UNIV", "DIST", "SOC": not "JANS" for Janssens), or a contraction keeping its
    first and last letters and some between, in order, with one vowel at most ("HLDGS", "MGMT", "ENGG", "SOLNS");
    three letters or more, the word at least three longer."""
    n = len(short)
    size = len(word)
    if n < 3 or size < n + 3 or short[0] != word[0] or not short.isalpha():
        return False
    if word.startswith(short):
        before_vowel = word[n] in _VOWELS
        return (before_vowel or size > 2 * n) if n >= 4 else before_vowel and size >= 7
    if short[-1] != word[-1] or sum(ch in _VOWELS for ch in short) > 1:
        return False
    rest = iter(word[1:-1])
    return all(ch in rest for ch in short[1:-1])  # the letters between, in order


# a person trading under a name of its trade, or a name and what it does: "Maarten de Boer h.o.d.n. Timmerbedrijf De
# Boer", "John Smith t/a Smith Plumbing", "ACME LLC d/b/a Acme Hardware", "DUBOIS Sylvie - Cabinet infirmier"
_TRADING_AS: Final = re.compile(
    r"\s+(?:h\.?\s?o\.?\s?d\.?\s?n\.?|handelend onder de naam|t/a|trading as|d/b/a|dba|faisant affaire sous|exploitant"
    r"|inh\.|inhaber(?:in)?"
    r"|-|–)\s+",
    re.IGNORECASE,
)
# a name with another in parentheses after it, as the trade's name and its owner's: "Café Le Sport (Isabelle Charlier)"
_OWNER_AFTER: Final = re.compile(r"\s*(.+?)\s*\(([^()]+)\)\s*")
_TITLES: Final = frozenset(
    ["MR", "MRS", "MS", "M", "MME", "MLLE", "DHR", "MEVR", "HERR", "FRAU", "MONSIEUR", "MADAME"]
)


def _household(name: str, tokens: tuple[str, ...]) -> str:
    """The family name of a household or a person without given name ("Famille Martin", "M. et Mme Martin",
    "Eheleute Müller", "Dhr. Jansen"), umlauts written plain; empty for any other name.

    >>> [_household(n, name_tokens(n)) for n in ("M. et Mme Dubois", "Familie Müller", "Jan Jansen", "Dubois SA")]
    ['DUBOIS', 'MULLER', '', '']
    """
    rest = {_plain(t) for t in tokens if t not in _HOUSEHOLD}
    if len(rest) != 1 or _initials(next(iter(rest))):
        return ""
    words = set(_words(name))
    return next(iter(rest)) if words & (_HOUSEHOLD | _TITLES) and not words & LEGAL_FORMS else ""


# words of a trade a sole trader names its business by, beside the family name ("Taxi Dupont", "Rijschool Prins
# v.o.f.", "Schoonheidssalon Michiels", "Malerbetrieb Schulz"), and the ends of such compounds
_TRADES: Final = frozenset(
    [
        # Dutch and Flemish
        "RIJSCHOOL", "AUTORIJSCHOOL", "KAPSALON", "KAPPER", "KAPPERS", "HAARSALON", "HAARMODE",
        "SCHOONHEIDSSALON", "NAGELSTUDIO", "BAKKERIJ", "BAKKER", "SLAGERIJ", "SLAGER", "BLOEMISTERIJ", "BLOEMEN",
        "TAXI", "TAXIBEDRIJF", "TRANSPORT", "TRANSPORTEN", "TRANSPORTBEDRIJF", "KOERIERSDIENST", "AANNEMER",
        "AANNEMERSBEDRIJF", "BOUW", "BOUWBEDRIJF", "TIMMERBEDRIJF", "TIMMERWERKEN", "SCHILDERSBEDRIJF",
        "SCHILDERWERKEN", "SCHILDER", "LOODGIETER", "LOODGIETERSBEDRIJF", "INSTALLATIEBEDRIJF", "INSTALLATIETECHNIEK",
        "ELEKTRO", "ELEKTROTECHNIEK", "DAKDEKKER", "DAKWERKEN", "HOVENIER", "HOVENIERSBEDRIJF", "TUINEN",
        "TUINAANLEG", "GARAGE", "AUTOBEDRIJF", "AUTO", "AUTOS", "FYSIOTHERAPIE", "FYSIOTHERAPEUT", "PRAKTIJK",
        "TANDARTS", "TANDARTSPRAKTIJK", "HUISARTS", "HUISARTSPRAKTIJK", "APOTHEEK", "ADMINISTRATIEKANTOOR",
        "BOEKHOUDING", "ADVIES", "CONSULTANCY", "MAKELAARDIJ", "MAKELAAR", "FOTOGRAFIE", "FOTOSTUDIO", "STUDIO",
        "ATELIER", "CAFE", "EETCAFE", "RESTAURANT", "SNACKBAR", "FRITUUR", "BISTRO", "BRASSERIE", "HOTEL",
        "PENSION", "DRUKKERIJ", "KLUSBEDRIJF", "KLUSSENBEDRIJF", "SCHOONMAAKBEDRIJF", "SCHOONMAAK", "OPTIEK",
        "OPTICIEN", "JUWELIER", "BOEKHANDEL", "HANDEL", "HANDELSONDERNEMING", "VERHUUR", "KWEKERIJ", "MANEGE",
        "DIERENARTS", "DIERENARTSPRAKTIJK", "PEDICURE", "MASSAGE", "KINESITHERAPIE", "VERZEKERINGEN",
        # German
        "PHYSIOTHERAPIE", "PRAXIS", "ZAHNARZTPRAXIS", "ARZTPRAXIS", "TIERARZTPRAXIS", "BACKEREI", "BAECKEREI",
        "METZGEREI", "FLEISCHEREI", "FRISEUR", "FRISEURSALON", "KOSMETIK", "KOSMETIKSTUDIO", "FAHRSCHULE",
        "TAXIUNTERNEHMEN", "MALERBETRIEB", "MALER", "DACHDECKER", "DACHDECKEREI", "SCHREINEREI", "TISCHLEREI",
        "ZIMMEREI", "SANITAR", "SANITAER", "HEIZUNGSBAU", "ELEKTROTECHNIK", "GARTENBAU", "LANDSCHAFTSBAU",
        "BAUUNTERNEHMEN", "BAU", "AUTOHAUS", "KFZ", "WERKSTATT", "STEUERBERATUNG", "IMMOBILIEN", "BLUMEN",
        "GASTSTATTE", "GASTHAUS", "GASTHOF", "KONDITOREI", "HAUSMEISTERSERVICE", "REINIGUNG", "GEBAUDEREINIGUNG",
        "TRANSPORTE", "SPEDITION", "UMZUGE", "HANDWERK", "INSTALLATEUR",
        # French
        "COIFFURE", "SALON", "BOULANGERIE", "PATISSERIE", "BOUCHERIE", "CHARCUTERIE", "PLOMBERIE", "MENUISERIE",
        "ELECTRICITE", "PEINTURE", "MACONNERIE", "TOITURE", "COUVERTURE", "CHAUFFAGE", "JARDINS", "PAYSAGISTE",
        "TAXIS", "TRANSPORTS", "AMBULANCES", "PHARMACIE", "CABINET", "KINE", "INFIRMIER", "INFIRMIERE",
        "OSTEOPATHE", "DENTISTE", "FLEURS", "FLEURISTE", "BOUTIQUE", "EPICERIE", "TABAC", "BAR", "ECOLE",
        "IMMOBILIER", "AGENCE", "PHOTO", "OPTIQUE", "INSTITUT", "BEAUTE", "ESTHETIQUE", "NETTOYAGE",
        "DEMENAGEMENTS", "TRAITEUR", "GARAGISTE", "CARROSSERIE",
        # English
        "PLUMBING", "PLUMBERS", "ELECTRICAL", "ELECTRICS", "BUILDERS", "BUILDING", "CONSTRUCTION", "ROOFING",
        "PAINTING", "DECORATING", "DECORATORS", "LANDSCAPING", "GARDENS", "MOTORS", "CABS", "HAULAGE", "REMOVALS",
        "BAKERY", "BAKERS", "BUTCHERS", "FLORIST", "FLORISTS", "BARBERS", "HAIR", "BEAUTY", "DENTAL", "PHYSIO",
        "PHARMACY", "CATERING", "CLEANING", "SERVICES", "CONSULTING", "PHOTOGRAPHY",
    ]
)  # fmt: skip
_TRADE_ENDS: Final = (
    "BEDRIJF", "BETRIEB", "PRAKTIJK", "PRAXIS", "SALON", "STUDIO", "SCHOOL", "SCHULE", "HANDEL", "SERVICE",
    "TECHNIEK", "TECHNIK", "WERKEN", "KANTOOR", "BURO", "BUREAU", "WINKEL", "ERIJ", "EREI",
)  # fmt: skip


def _trade(word: str) -> bool:
    """A word naming a trade ("TAXI", "SCHOONHEIDSSALON", "MALERBETRIEB").

    >>> [_trade(w) for w in ("TAXI", "SCHOONHEIDSSALON", "MALERBETRIEB", "DUPONT", "VALERIE", "JAN")]
    [True, True, True, False, False, False]
    """
    return word in _TRADES or (len(word) >= 8 and word.endswith(_TRADE_ENDS))


def family_trade(name: str) -> str:
    """The family name a sole trader's business is named by ("Taxi Dupont", "Rijschool Prins v.o.f.",
    "Schoonheidssalon Michiels"), umlauts written plain; empty for any other name (a person's, a household's, a
    business named otherwise or with a given name: "Rijschool M.C. de Boer").

    >>> [family_trade(n) for n in ("Taxi Dupont", "Rijschool Prins v.o.f.", "Malerbetrieb Müller", "Jan Prins")]
    ['DUPONT', 'PRINS', 'MULLER', '']
    >>> [family_trade(n) for n in ("Rijschool M.C. de Boer", "Taxi", "Dupont & Fils SA", "Famille Dupont")]
    ['', '', '', '']
    """
    tokens = name_tokens(name)
    if not any(_trade(t) for t in tokens):
        return ""
    rest = {_plain(t) for t in tokens if not _trade(t)}
    if len(rest) != 1:
        return ""
    family = next(iter(rest))
    return "" if _initials(family) or family in _HOUSEHOLD else family


def is_business(name: str) -> bool:
    """Whether a name is a business's: a legal form or a word of a trade in it."""
    tokens, forms = _parse(name)
    return bool(forms) or any(_trade(t) for t in tokens)


class NameIndex:
    """Names of parties (customers, payers) by their words.

    ``add`` entries (a key and one of its names; a key may have many names),
    then ``search``. Adding after a search is allowed (the weights are
    recomputed lazily).
    """

    __slots__ = (
        "_acronyms",
        "_by_first",
        "_by_key",
        "_deletes",
        "_entries",
        "_expanded",
        "_families",
        "_forms",
        "_found",
        "_initials_of",
        "_plain",
        "_plain_entries",
        "_postings",
        "_similar",
        "_skeletons",
        "_token_sets",
        "_trades",
        "_vocab_sorted",
        "_weights",
        "_with_initials",
    )

    def __init__(self) -> None:
        self._entries: list[tuple[int, tuple[str, ...], str]] = []  # key, tokens, joined
        self._forms: list[frozenset[str]] = []  # legal forms of each entry
        self._token_sets: list[tuple[str, ...]] = []  # distinct tokens of each entry
        self._initials_of: list[tuple[str, ...]] = []  # the words of each entry that are initials ("JP")
        self._with_initials: set[int] = set()  # the entries that write a word as its initials
        self._similar: dict[tuple[str, bool, bool], list[tuple[str, float]]] = {}
        self._expanded: dict[tuple[str, bool, bool], list[tuple[int, float, str]]] = {}
        self._found: dict[tuple[object, ...], list[tuple[int, float]]] = {}
        self._postings: dict[str, list[int]] = defaultdict(list)  # token -> entry positions
        self._by_key: dict[int, list[int]] = defaultdict(list)  # key -> entry positions
        self._deletes: dict[str, list[str]] | None = None
        self._vocab_sorted: list[str] | None = None
        self._weights: dict[str, float] = {}
        self._plain: dict[str, list[str]] | None = None  # a word with umlauts written plain -> the words
        self._plain_entries: dict[str, set[int]] = {}  # a word written plain -> the entries with it, as asked
        self._families: dict[str, list[int]] = defaultdict(list)  # a family name -> households named by it
        self._trades: dict[str, list[int]] = defaultdict(list)  # a family name -> businesses named by it
        # the initials of a business's first words -> (entry position, how many words): "IBM CORP" for
        # International Business Machines Corporation, "GE HEALTHCARE" for General Electric Healthcare
        self._acronyms: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._by_first: dict[str, list[int]] | None = None  # first word -> entries of two words or more
        self._skeletons: dict[str, list[str]] | None = (
            None  # consonants of a word -> the words (Arabic script)
        )

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, key: int, name: str) -> None:
        # a name and the trade's ("Maarten de Boer h.o.d.n. Timmerbedrijf De Boer"), or the holders of a joint
        # account ("M. de Jong en A.P. de Jong-van der Heijden"; "Petra und Hans Fischer": Petra Fischer too):
        # each is the key's name too
        parts = [p.strip() for p in _TRADING_AS.split(name) if p.strip()]
        owner = _OWNER_AFTER.fullmatch(name)
        if len(parts) == 1 and owner and len(name_tokens(owner[2])) >= 2:
            parts = [
                owner[1],
                owner[2],
            ]  # "Brasserie De Gouden Leeuw (Geert Maes)": the trade's name, its owner's
        if len(parts) == 1:
            parts = [p for p in joint_names(name) if len(name_tokens(p)) >= 2]
        if len(parts) > 1:
            for part in parts:
                self._add(key, part)
        self._add(key, name)

    def _add(self, key: int, name: str) -> None:
        tokens = name_tokens(name)
        if not tokens:
            return
        position = len(self._entries)
        self._entries.append((key, tokens, "".join(tokens)))
        self._forms.append(legal_forms(name))
        self._by_key[key].append(position)
        distinct = set(tokens)
        if len(tokens) >= 2 and (self._forms[-1] or len(tokens) >= 3):
            acronym = ""
            for k, token in enumerate(tokens[:_ACRONYM_WORDS], 1):
                if len(token) < 3 or not token.isalpha():
                    break
                acronym += token[0]
                if k >= 2:
                    self._acronyms[acronym].append((position, k))
        self._token_sets.append(tuple(sorted(distinct)))  # in one order whatever the hash seed: sums repeat
        initials = tuple(t for t in tokens if _initials(t))
        self._initials_of.append(initials)
        if initials:
            self._with_initials.add(position)
        for token in distinct:
            self._postings[token].append(position)
        self._deletes = None
        self._plain = None
        self._plain_entries = {}
        family = _household(name, tokens)
        if family:
            self._families[family].append(key)
        trading = family_trade(name)
        if trading:
            self._trades[trading].append(key)
        self._vocab_sorted = None
        self._by_first = None
        self._skeletons = None
        if self._similar:
            self._similar = {}
            self._expanded = {}
        if self._found:
            self._found = {}
        if self._weights:
            self._weights = {}

    def _weight(self, token: str) -> float:
        weight = self._weights.get(token)
        if weight is None:
            df = len(self._postings.get(token, ()))
            n = len(self._entries) or 1
            # a word no party has (a city, a street) says little
            weight = 0.5 * math.log(1.0 + n) if df == 0 else math.log(1.0 + n / df)
            self._weights[token] = weight
        return weight

    def similarity(self, key: int, name: str) -> float:
        """How much ``name`` resembles the names of one key (0 when it has none)."""
        tokens, forms, may_be_truncated = self._query(name)
        if not tokens or key not in self._by_key:
            return 0.0
        positions = self._by_key[key]
        likeness = _skeleton_likeness if arabic.has_arabic(name) else _token_likeness
        best = self._similarity(tokens, forms, positions, may_be_truncated, likeness)
        for position, score in self._acronym_scores(tokens, forms, may_be_truncated):
            if position in positions:
                best = max(best, score)
        if may_be_truncated and len(tokens) > 1 and len(tokens[-1]) == 1 and _forms_beginning(tokens[-1]):
            # "CROWTHER JOINERY L": the legal form cut to its first letter, when the name's form begins with it and
            # no other word of it does (see search)
            letter, known = tokens[-1], set(tokens[:-1])
            if (
                forms or any(form.startswith(letter) for p in positions for form in self._forms[p])
            ) and not any(
                t.startswith(letter) for p in positions for t in self._entries[p][1] if t not in known
            ):
                best = max(best, self._similarity(tokens[:-1], forms, positions, may_be_truncated, likeness))
        return best

    def _similarity(
        self,
        tokens: tuple[str, ...],
        forms: frozenset[str],
        positions: list[int],
        may_be_truncated: bool,
        likeness: Callable[[str, str, bool], float],
    ) -> float:
        return max(
            (score for _, score in self._scored(tokens, forms, positions, may_be_truncated, likeness)),
            default=0.0,
        )

    def _scored(
        self,
        tokens: tuple[str, ...],
        forms: frozenset[str],
        positions: list[int],
        may_be_truncated: bool,
        likeness: Callable[[str, str, bool], float],
    ) -> Iterator[tuple[int, float]]:
        """(entry position, score) of the query ``tokens`` against each of ``positions``, legal forms weighed."""
        query_weights = [self._weight(t) for t in tokens]
        query_weight_sum = sum(query_weights)
        joined_query = "".join(tokens)
        for position in positions:
            _, entry_tokens, joined = self._entries[position]
            score = self._score(
                tokens,
                query_weights,
                query_weight_sum,
                joined_query,
                entry_tokens,
                joined,
                may_be_truncated,
                likeness,
            )
            yield position, self._with_form(score, forms, position)

    def _acronym_scores(
        self, tokens: tuple[str, ...], forms: frozenset[str], may_be_truncated: bool
    ) -> list[tuple[int, float]]:
        """(entry position, score) of the businesses whose first words ``tokens`` begins with the initials of
        ("IBM" for International Business Machines, "GE" then the rest of the name for General Electric
        Healthcare), scored as if written in full, less: initials are weaker evidence than the words. Only for a
        first word no name of the index has, of three letters or more when it is the whole name."""
        first = tokens[0]
        if (
            not 2 <= len(first) <= _ACRONYM_WORDS
            or not first.isalpha()
            or (len(tokens) == 1 and len(first) < 3)
            or first in self._postings
        ):
            return []
        found = self._acronyms.get(first)
        if not found or len({self._entries[p][0] for p, _ in found}) > _ACRONYM_BEARERS:
            return []
        scores = []
        for position, k in found:
            if not self._forms[position] and not forms and len(tokens) == 1:
                continue  # "JPK" alone is no more than someone's initials
            _, entry_tokens, joined = self._entries[position]
            written = (*entry_tokens[:k], *tokens[1:])
            weights = [self._weight(t) for t in written]
            score = self._score(
                written, weights, sum(weights), "".join(written), entry_tokens, joined, may_be_truncated
            )
            scores.append((position, self._with_form(score * _ACRONYM_LIKENESS, forms, position)))
        return scores

    def bearers(self, name: str, *, cap: int = 12) -> list[int]:
        """Keys whose names hold every word of ``name``, initials as a word beginning with one of them: the
        people a payer "Claes Veerle" may be ("Veerle Claes", "Claes Veerle en De Clercq Bart"). Empty for a
        surname alone, or when more than ``cap`` keys bear the name (it tells nobody apart).
        """
        tokens, _, may_be_truncated = self._query(name)
        cut = ""
        if may_be_truncated and tokens and not _initials(tokens[-1]) and tokens[-1] not in self._postings:
            cut, tokens = (
                tokens[-1],
                tokens[:-1],
            )  # the last word, no word of any name, may be cut: a word it begins
        full = {t for t in tokens if not _initials(t)}
        initials = [t for t in tokens if _initials(t)]
        if not full or len(full) + len(initials) + (len(cut) >= 3) < 2:
            return []
        postings = {t: self._entries_with_plain(t) for t in {_plain(t) for t in full}}
        # every word of the payer's in the entry, but a given name the entry writes as its initial ("ESTHER
        # HOEKSTRA" for "E. Hoekstra en M.H. Hoekstra"): one word at least, the surname, written in full
        every = set.intersection(*postings.values())
        candidates: set[int] = set().union(*postings.values())
        # common words: only entries with all of them; otherwise an entry lacking one must write it as an initial
        candidates = every if len(candidates) > 50 * cap else every | (candidates & self._with_initials)
        keys: set[int] = set()
        initials_of = self._initials_of
        for position in candidates:
            key, entry_tokens, _ = self._entries[position]
            if position not in every:
                entry_initials = initials_of[position]
                if not all(
                    position in postings[t] or any(t[0] in e for e in entry_initials) for t in postings
                ):
                    continue
            given = [e for e in entry_tokens if _plain(e) not in postings]
            if cut and not any(e.startswith(cut) for e in given):
                continue
            if all(
                any((e[0] in q) if not _initials(e) else bool(set(e) & set(q)) for e in given)
                for q in initials
            ):
                keys.add(key)
                if len(keys) > cap:
                    return []
        return sorted(keys)

    def written_in(self, text: str, *, cap: int = 8) -> list[tuple[int, float, str]]:
        """Keys whose name a free ``text`` writes whole, word after word (legal forms, articles and numbers
        between set aside): the payer a bank writes into its narrative ("NEFT CR-SBIN0001234-DESAI ELECTRICALS
        PVT LTD-INV 42", "SPEI RECIBIDO HSBC BOMBAS Y MOTORES SA DE CV CONCEPTO …"), with a score and the words
        found. The name's last word written may be cut where the bank's field ended ("DIRECT CREDIT 138164
        NGUYEN FABRICATI"): 0.95, or 0.9 when words after it are left out (unless three words came whole before
        it: "KHALED AL HASHIMI BUILDING MATERIAL", 35 characters); what the cut leaves out may only be
        a word of a legal form's letters. Names of two words or more; none when more than ``cap`` keys are.

        >>> index = NameIndex()
        >>> index.add(1, "Desai Electricals Pvt. Ltd.")
        >>> index.add(2, "Nguyen Fabrications Pty Ltd")
        >>> index.written_in("NEFT CR-ICIC0WNNL2T-DESAI ELECTRICALS PVT. LTD.-INV NO INV/2025-26/02421")
        [(1, 1.0, 'DESAI ELECTRICALS')]
        >>> index.written_in("DIRECT CREDIT 138164 NGUYEN FABRICATI 105301")
        [(2, 0.95, 'NGUYEN FABRICATI')]
        """
        words, _ = _from_words(_words(text))
        if len(words) < 2:
            return []
        by_first = self._by_first
        if by_first is None:
            by_first = defaultdict(list)
            for position, (_, tokens, _) in enumerate(self._entries):
                if len(tokens) >= 2:
                    by_first[tokens[0]].append(position)
            by_first = self._by_first = dict(by_first)
        best: dict[int, tuple[float, str]] = {}
        n = len(words)
        for i, word in enumerate(words):
            for position in by_first.get(word, ()):
                key, tokens, _ = self._entries[position]
                size = len(tokens)
                j = 1
                while j < size and i + j < n and words[i + j] == tokens[j]:
                    j += 1
                if j == size:
                    score, end = 1.0, i + j
                else:
                    cut = words[i + j] if i + j < n else ""
                    if len(cut) < 4 or not tokens[j].startswith(cut) or cut == tokens[j]:
                        continue
                    left = tokens[j + 1 :]
                    if any(len(t) > 2 for t in left) and j < 2:
                        continue  # one word and the start of another: too little of the name
                    # three words whole and the fourth cut: the bank's field ended there (35 characters), not
                    # the name, as when only a legal form's letters are left out
                    score, end = (0.95 if j >= 3 or not any(len(t) > 2 for t in left) else 0.9), i + j + 1
                if score > best.get(key, (0.0, ""))[0]:
                    best[key] = (score, " ".join(words[i:end]))
                    if len(best) > cap:
                        return []
        return sorted(((k, v[0], v[1]) for k, v in best.items()), key=lambda t: (-t[1], t[0]))

    def relatives(self, name: str, *, cap: int = 500) -> list[int]:
        """Keys a payer ``name`` may pay for as one of a family: households named by one of its words ("Famille
        Martin", "Eheleute Martin", "Martin family"; titles are no words, so "M. et Mme Martin" too, for "Nicolas
        Martin"), businesses named by one of its words when the payer is a person ("Taxi Dupont" for "François
        Dupont"), and, when the payer is a household itself ("M ET MME MARTIN"), every key bearing its family
        name (none when more than ``cap`` do). Empty for a surname alone.
        """
        tokens, _, _ = self._query(name)
        family = _household(name, tokens)
        if family:
            positions = {p for word in self._plain_words().get(family, ()) for p in self._postings[word]}
            return [] if len(positions) > cap else sorted({self._entries[p][0] for p in positions})
        full = {_plain(t) for t in tokens if not _initials(t) and t not in _HOUSEHOLD}
        if len(full) < 2 and not (full and len(tokens) > len(full)):
            return []  # a surname alone, or only initials beside it: nobody is told apart
        families = self._families
        found = {k for word in full for k in families.get(word, ())}
        if not is_business(name):
            # a person may pay for the business named by its family name ("J PRINS" for "Rijschool Prins")
            trades = self._trades
            found.update(k for word in full for k in trades.get(word, ()))
        return sorted(found)

    def _entries_with_plain(self, word: str) -> set[int]:
        """The entries with a word written so, umlauts plain (computed once; the caller does not change it)."""
        found = self._plain_entries.get(word)
        if found is None:
            entries_with = self._postings
            found = set().union(*[entries_with[w] for w in self._plain_words().get(word, ())])
            self._plain_entries[word] = found
        return found

    def _plain_words(self) -> dict[str, list[str]]:
        """A word with its umlauts written plain -> the words of the index written so."""
        plain = self._plain
        if plain is None:
            plain = defaultdict(list)
            for word in self._postings:
                plain[_plain(word)].append(word)
            self._plain = plain
        return plain

    def _with_form(self, score: float, forms: frozenset[str], position: int) -> float:
        """Namesakes differ by their legal form: the same one counts a little, another one against."""
        entry_forms = self._forms[position]
        if not forms or not entry_forms or score < 0.8:
            return score
        return min(score + 0.02, 1.0) if forms & entry_forms else score - 0.03

    def _prepare(self) -> tuple[dict[str, list[str]], list[str]]:
        if self._deletes is None or self._vocab_sorted is None:
            deletes: dict[str, list[str]] = defaultdict(list)
            for token in self._postings:
                if len(token) >= 5:
                    for d in deletions(token):
                        deletes[d].append(token)
            self._deletes = dict(deletes)
            self._vocab_sorted = sorted(self._postings)
        return self._deletes, self._vocab_sorted

    def _similar_tokens(self, token: str, *, last: bool, may_be_truncated: bool) -> list[tuple[str, float]]:
        """Vocabulary words like ``token``, each with how much alike (1 for the word itself)."""
        cache_key = (token, last, may_be_truncated)
        found = self._similar.get(cache_key)
        if found is None:
            found = self._similar[cache_key] = self._find_similar_tokens(token, last, may_be_truncated)
        return found

    def _find_similar_tokens(self, token: str, last: bool, may_be_truncated: bool) -> list[tuple[str, float]]:
        deletes, vocab = self._prepare()
        found: list[tuple[str, float]] = []
        if token in self._postings:
            found.append((token, 1.0))
        if len(token) >= 5:
            found.extend((w, 0.8) for w in deletes.get(token, ()))  # one letter missing in the query
            for d in deletions(token):
                if d in self._postings:
                    found.append((d, 0.8))  # one letter too many
                found.extend((w, 0.8) for w in deletes.get(d, ()))  # one letter different
        if last and may_be_truncated and len(token) >= 2:
            i = bisect_left(vocab, token)
            while i < len(vocab) and vocab[i].startswith(token) and len(found) < 40:
                found.append((vocab[i], 0.9))
                i += 1
        return found

    def search(
        self, name: str, *, limit: int = 5, min_score: float = 0.5, max_candidates: int = 24
    ) -> list[tuple[int, float]]:
        """Keys whose names resemble ``name``, best first, with a score in [0, 1].

        A name of 30 characters or more may have been cut: its last word then
        matches any word it begins.
        """
        tokens, forms, may_be_truncated = self._query(name)
        if not tokens:
            return []
        script = arabic.has_arabic(
            name
        )  # its words read in Latin letters, without the vowels Arabic leaves out
        cut_word = False
        if may_be_truncated and len(tokens) > 1 and len(tokens[-1]) <= 4:
            # the legal form cut short ("GATEWAY BRANDS I" for Gateway Brands Inc.), when only one form begins so;
            # a single letter that begins several ("CROWTHER JOINERY L", 18 characters: Ltd, LLP, Limited…) may be
            # a form cut short, which one unknown, or a word cut short ("ROCKY MOUNTAIN L", Laboratories): both
            cut_form = _forms_beginning(tokens[-1])
            if len(cut_form) == 1:
                tokens, forms = tokens[:-1], forms | cut_form
            elif cut_form and len(tokens[-1]) == 1:
                cut_word = True
        found = self._cached_search(tokens, forms, may_be_truncated, limit, min_score, max_candidates, script)
        if cut_word:
            # read as a form cut short, for the names whose legal form the letter begins (any name, when the payer's
            # has a form already: "GMBH & CO. K") and with no other word it may begin
            best = dict(found)
            letter, known = tokens[-1], set(tokens[:-1])
            for key, score in self._cached_search(
                tokens[:-1], forms, may_be_truncated, limit, min_score, max_candidates, script
            ):
                positions = self._by_key[key]
                words = (t for p in positions for t in self._entries[p][1] if t not in known)
                if (
                    score > best.get(key, 0.0)
                    and (forms or any(form.startswith(letter) for p in positions for form in self._forms[p]))
                    and not any(t.startswith(letter) for t in words)
                ):
                    best[key] = score
            found = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return list(found)

    def _cached_search(
        self,
        tokens: tuple[str, ...],
        forms: frozenset[str],
        may_be_truncated: bool,
        limit: int,
        min_score: float,
        max_candidates: int,
        script: bool,
    ) -> list[tuple[int, float]]:
        # names written otherwise (case, accents, punctuation, legal form spelt out) are one search
        cache_key = (tokens, may_be_truncated, forms, limit, min_score, max_candidates, script)
        found = self._found.get(cache_key)
        if found is None:
            found = self._search(tokens, forms, may_be_truncated, limit, min_score, max_candidates, script)
            if len(self._found) >= 65536:
                self._found.clear()
            self._found[cache_key] = found
        return found

    def _query(self, name: str) -> tuple[tuple[str, ...], frozenset[str], bool]:
        """(tokens, legal forms, may be cut) of a payer's name; the city of an address the bank appended, a word
        no party's name has nor resembles, is left out."""
        tokens, forms, city = _parse_payer(name)
        if not city:
            return tokens, forms, _may_be_truncated(name)
        end = len(tokens)
        while (
            city
            and tokens[end - 1] not in self._postings
            and not self._similar_tokens(tokens[end - 1], last=False, may_be_truncated=False)
        ):
            end -= 1
            city -= 1
        return tokens[:end], forms, False  # the address came whole: the name before it was not cut

    def _search(
        self,
        tokens: tuple[str, ...],
        forms: frozenset[str],
        may_be_truncated: bool,
        limit: int,
        min_score: float,
        max_candidates: int,
        script: bool = False,
    ) -> list[tuple[int, float]]:
        # rarest words first; a word shared by thousands of parties only helps when nothing else does
        expanded: list[tuple[int, float, str]] = []
        last = len(tokens) - 1
        for i, token in enumerate(tokens):
            expanded.extend(self._expansions(token, last=i == last, may_be_truncated=may_be_truncated))
        if script:
            # a name written in Arabic script: the words of Latin names with the same consonants
            postings = self._postings
            skeletons = self._skeleton_words()
            for token in tokens:
                expanded.extend(
                    (len(postings[word]), -_SKELETON_LIKENESS, word)
                    for word in skeletons.get(_skeleton(token), ())
                    if word != token
                )
        expanded.sort()
        # entries sharing the rarest words, ranked by the weight of all the query words they share;
        # only the best few are scored
        pool: set[int] = set()
        alike: dict[str, float] = {}
        postings = self._postings
        for df, unlike, token in expanded:
            if token not in alike:
                alike[token] = -unlike
            if pool and (df > 5000 or len(pool) + df > max_candidates * 8):
                continue
            pool.update(postings[token][: max_candidates * 8])
        best: dict[int, float] = {}
        for position, score in self._acronym_scores(tokens, forms, may_be_truncated):
            key = self._entries[position][0]
            if score >= min_score and score > best.get(key, 0.0):
                best[key] = score
        if not pool:
            return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        weights = {token: self._weight(token) * a for token, a in alike.items()}
        token_sets = self._token_sets
        weight_of = weights.get
        nothing = repeat(0.0)
        against = {position: -sum(map(weight_of, token_sets[position], nothing)) for position in pool}
        ranked = sorted(against, key=against.__getitem__)[:max_candidates]
        likeness = _skeleton_likeness if script else _token_likeness
        for position, score in self._scored(tokens, forms, ranked, may_be_truncated, likeness):
            key = self._entries[position][0]
            if score >= min_score and score > best.get(key, 0.0):
                best[key] = score
        return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]

    def _skeleton_words(self) -> dict[str, list[str]]:
        """The vocabulary by the consonants of its words (built at the first name in Arabic script)."""
        if self._skeletons is None:
            skeletons: dict[str, list[str]] = defaultdict(list)
            for word in self._postings:
                skeleton = _skeleton(word)
                if skeleton:
                    skeletons[skeleton].append(word)
            self._skeletons = dict(skeletons)
        return self._skeletons

    def _expansions(self, token: str, *, last: bool, may_be_truncated: bool) -> list[tuple[int, float, str]]:
        """(entries with the word, -likeness, word) of the vocabulary words like ``token``."""
        cache_key = (token, last, may_be_truncated)
        found = self._expanded.get(cache_key)
        if found is None:
            postings = self._postings
            found = [
                (len(postings[similar]), -likeness, similar)
                for similar, likeness in self._similar_tokens(
                    token, last=last, may_be_truncated=may_be_truncated
                )
            ]
            self._expanded[cache_key] = found
        return found

    def _score(
        self,
        tokens: tuple[str, ...],
        query_weights: list[float],
        query_weight_sum: float,
        joined_query: str,
        entry_tokens: tuple[str, ...],
        joined_entry: str,
        may_be_truncated: bool,
        likeness: Callable[[str, str, bool], float] = _token_likeness,
    ) -> float:
        if joined_query == joined_entry:
            return 1.0
        matched_query = [0.0] * len(tokens)
        entry_total = 0.0
        entry_matched = 0.0
        last = len(tokens) - 1
        weights = self._weights
        for entry_token in entry_tokens:
            weight = weights.get(entry_token)
            if weight is None:
                weight = self._weight(entry_token)
            entry_total += weight
            best = 0.0
            best_i = -1
            for i, token in enumerate(tokens):
                similarity = likeness(token, entry_token, may_be_truncated and i == last)
                if similarity > best:
                    best, best_i = similarity, i
            if best_i >= 0:
                entry_matched += weight * best
                matched_query[best_i] = max(matched_query[best_i], best)
        if entry_total == 0.0:
            return 0.0
        coverage_entry = entry_matched / entry_total
        coverage_query: float = sum(map(mul, query_weights, matched_query)) / query_weight_sum
        # banks append addresses and cities to names: words the party's name lacks weigh less
        score = 0.8 * coverage_entry + 0.2 * coverage_query
        if may_be_truncated and joined_entry.startswith(joined_query) and len(joined_query) >= 8:
            score = max(score, 0.95)
        elif len(joined_query) >= 6 and len(joined_entry) >= 6:
            # "VANDENBERG" against "VAN DEN BERG", words run together or split
            score = max(score, 0.9 * fuzz.ratio(joined_query, joined_entry) / 100.0 - 0.05)
        return min(score, 1.0)
