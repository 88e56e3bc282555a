"""Invoice numbers: normalisation, the variants we index, and what free text may hold.

Customers quote invoice numbers in every way but the printed one: separators
changed or left out, leading zeros or the year dropped, another prefix
("Facture", "Rechnung", "Inv no", "RE"), glued to the next word, in ranges and
lists. This module turns a number into the *keys* we index it under, and a
remittance text into the *candidate keys* to look up. Both sides compare
compact upper-case letters and digits, so most of the noise disappears before
any lookup; the rest (one wrong or missing character) is left to a deletion
neighbourhood index (:func:`deletions`).

A number is read as segments: runs of letters and runs of digits.

>>> normalise("inv-2026/0042")
'INV20260042'
>>> segments("FV/2026/00123")
('FV', '2026', '00123')

Variants of a number, strongest first (see :class:`VariantKind`): the full
compact form, its digits, without the serial's leading zeros, without the year
(only when enough of the serial is left to be telling).

>>> [(v.key, v.kind.name) for v in variants("INV-2026-0042")]
[('INV20260042', 'FULL'), ('20260042', 'DIGITS'), ('INV202642', 'NOZERO'), ('202642', 'NOZERO'), ('INV0042', 'NOYEAR'), ('INV42', 'NOYEAR')]
>>> [v.key for v in variants("2026-01234")]
['202601234', '20261234', '01234', '1234']

Candidate keys in text, with ranges and lists expanded (the prefix and year of
the first number carry over to the numbers that follow it):

>>> [c.key for c in candidates("INV-2026-1234/36") if c.origin == "range"]
['INV20261235', '20261235', '1235', 'INV20261236', '20261236', '1236']
>>> [c.key for c in candidates("INV-2026-1234, 1235 & 1236") if c.origin == "list"]
['INV20261235', '20261235', 'INV20261236', '20261236']
>>> "INV20261234" in {c.key for c in candidates("INV20261234PAYMENT")}
True
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import IntEnum
from typing import Final

__all__ = [
    "Candidate",
    "Variant",
    "VariantKind",
    "candidates",
    "deletions",
    "fold",
    "normalise",
    "segments",
    "variants",
]


class VariantKind(IntEnum):
    """How an indexed key was derived from an invoice number; lower is stronger."""

    REFERENCE = 0  # the invoice's structured reference (RF, OGM), compact
    FULL = 1  # every letter and digit of the number, compact
    DIGITS = 2  # the digits only (the prefix left out)
    NOZERO = 3  # the serial without its leading zeros (year kept)
    NOYEAR = 4  # prefix and serial, the year left out
    SERIAL = 5  # the serial alone (year and prefix left out)
    ORDER = 6  # the customer's own order (PO) reference


@dataclass(frozen=True, slots=True)
class Variant:
    """One key an invoice is indexed under."""

    key: str
    kind: VariantKind


@dataclass(frozen=True, slots=True)
class Candidate:
    """A key to look up, found in free text.

    ``origin`` says how: ``plain`` (as written), ``partial`` (the start of a
    longer number: ``INV2026`` of ``INV-2026-0042``), ``range`` (a number
    implied by a range such as ``1234-1236``) or ``list`` (a later member of a
    list such as ``INV-2026-1234, 1235``, given the first member's prefix and
    year).
    ``group`` numbers the run of text the key came from, so that keys of one
    written number can be told apart from keys of another.
    """

    key: str
    origin: str = "plain"
    group: int = 0


_SEGMENT: Final = re.compile(r"[A-Z]+|[0-9]+")
_NON_ASCII_FOLD: Final = str.maketrans(
    {"ß": "SS", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ł": "l", "Ł": "L"}
)


def fold(text: str) -> str:
    """Upper case ASCII: accents dropped, other marks kept as they are.

    >>> fold("Facture n° 12 – Société")
    'FACTURE NO 12 - SOCIETE'
    """
    if text.isascii():
        return text.upper()
    text = text.translate(_NON_ASCII_FOLD).replace("–", "-").replace("—", "-").replace("°", "O")
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode("ascii").upper()


def segments(number: str) -> tuple[str, ...]:
    """The runs of letters and of digits of a number, upper case."""
    return tuple(_SEGMENT.findall(fold(number)))


def normalise(number: str) -> str:
    """The compact form: letters and digits only, upper case."""
    return "".join(segments(number))


def _is_year(segment: str) -> bool:
    if len(segment) == 4:
        return segment[:2] in ("19", "20")
    return len(segment) == 2


def variants(number: str, *, min_serial: int = 3) -> tuple[Variant, ...]:
    """The keys to index a number under, strongest first, without repeats.

    Year-less and serial-only forms are kept only when the serial without its
    zeros still has ``min_serial`` digits: ``42`` alone says too little.
    """
    segs = segments(number)
    digit_positions = [i for i, s in enumerate(segs) if s.isdigit()]
    out: dict[str, VariantKind] = {}

    def add(key: str, kind: VariantKind) -> None:
        if len(key) >= 3 and key not in out and any(ch.isdigit() for ch in key):
            out[key] = kind

    add("".join(segs), VariantKind.FULL)
    if not digit_positions:
        return tuple(Variant(k, v) for k, v in out.items())
    digit_segs = [segs[i] for i in digit_positions]
    prefix = "".join(segs[: digit_positions[0]])
    if prefix:
        add("".join(digit_segs), VariantKind.DIGITS)

    year: str | None = None
    rest: list[str]
    if len(digit_segs) >= 2 and _is_year(digit_segs[0]):
        year, rest = digit_segs[0], digit_segs[1:]
    elif len(digit_segs) == 1 and len(digit_segs[0]) >= 7 and _is_year(digit_segs[0][:4]):
        # a year glued to its serial: INV20260042
        year, rest = digit_segs[0][:4], [digit_segs[0][4:]]
    else:
        rest = digit_segs
    serial = rest[-1]
    serial_nz = serial.lstrip("0") or "0"
    head = "".join(rest[:-1])
    year_part = year or ""
    if serial_nz != serial:
        add(prefix + year_part + head + serial_nz, VariantKind.NOZERO)
        add(year_part + head + serial_nz, VariantKind.NOZERO)
    if len(serial_nz) >= min_serial or (prefix and year):
        if year is not None:
            if prefix:
                add(prefix + head + serial, VariantKind.NOYEAR)
                add(prefix + head + serial_nz, VariantKind.NOYEAR)
            if len(serial_nz) >= min_serial:
                add(head + serial, VariantKind.SERIAL)
                add(head + serial_nz, VariantKind.SERIAL)
        elif len(serial_nz) >= min_serial:
            add(head + serial_nz, VariantKind.SERIAL)
    return tuple(Variant(k, v) for k, v in out.items())


def deletions(key: str) -> tuple[str, ...]:
    """Every string one character shorter than ``key`` (its deletion neighbourhood).

    Two keys within one edit (substitution, insertion, deletion or adjacent
    transposition) share the key itself or a deletion, which is what lets an
    index find ``1243`` from ``1234`` without scanning.

    >>> deletions("1234")
    ('234', '134', '124', '123')
    >>> deletions("1001")
    ('001', '101', '100')
    """
    seen: dict[str, None] = {}
    for i in range(len(key)):
        seen.setdefault(key[:i] + key[i + 1 :], None)
    return tuple(seen)


# Dates and amounts are masked before looking for numbers: "15.01.2026" and
# "1.234,56" are not invoice numbers.
_DATE: Final = re.compile(
    r"(?<![0-9])(?:[0-9]{1,2}[./-][0-9]{1,2}[./-](?:19|20)?[0-9]{2}|(?:19|20)[0-9]{2}-[0-9]{2}-[0-9]{2})(?![0-9])"
)
_AMOUNT: Final = re.compile(
    r"(?<![0-9A-Z/.,-])(?:EUR|USD|GBP|CHF|€|\$)?\s?-?[0-9]{1,3}(?:[., '][0-9]{3})*[.,][0-9]{2}(?![0-9])(?![.,/-][0-9])(?:\s?(?:EUR|USD|GBP|CHF|€))?"
)
_LIST_WORDS: Final = frozenset({"ET", "AND", "EN", "UND", "Y", "E", "EIN", "NR", "NO", "N"})
_RANGE_WORDS: Final = frozenset({"TO", "A", "AU", "BIS", "TOT", "TM", "T", "M", "THRU"})
_JOIN_CHARS: Final = frozenset(" -/._#:")
_MAX_RANGE: Final = 50


def mask_dates_and_amounts(text: str) -> str:
    """Blank out dates and amounts (same length, so positions keep).

    >>> mask_dates_and_amounts("FACT 1234 DU 15.01.2026 EUR 1.234,56")
    'FACT 1234 DU                        '
    """
    text = _DATE.sub(lambda m: " " * len(m.group(0)), text)
    return _AMOUNT.sub(lambda m: " " * len(m.group(0)), text)


def _joinable(gap: str) -> bool:
    return gap == "" or (len(gap) <= 3 and gap.count(" ") <= 2 and all(ch in _JOIN_CHARS for ch in gap))


def _range_end(first: str, second: str) -> int | None:
    """The last number of a range ``first``–``second`` (``1234/36`` ends at 1236)."""
    if len(first) < 3 or not second or len(second) > len(first):
        return None
    completed = first[: len(first) - len(second)] + second
    lo, hi = int(first), int(completed)
    if lo < hi <= lo + _MAX_RANGE:
        return hi
    return None


def candidates(
    text: str, *, max_segments: int = 4, limit: int = 400, prefixes: frozenset[str] = frozenset()
) -> tuple[Candidate, ...]:
    """Candidate keys of invoice numbers in free text, without repeats.

    Every run of at most ``max_segments`` segments joined by nothing or by
    light separators gives a key (when it holds a digit); ranges and lists
    are expanded with the first number's leading segments. A word that ends
    with one of ``prefixes`` (the letters the numbers begin with) is split
    there: ``FACTUREINV`` gives ``INV``.

    >>> [c.key for c in candidates("PAIEMENTFACTUREINV2026-0042", prefixes=frozenset({"INV"}))][:2]
    ['INV2026', 'INV20260042']
    """
    folded = mask_dates_and_amounts(fold(text))
    found: dict[str, Candidate] = {}

    def emit(key: str, origin: str, group: int) -> None:
        if 3 <= len(key) <= 35 and key not in found and len(found) < limit:
            found[key] = Candidate(key, origin, group)

    # segments with their groups (maximal runs of joinable segments)
    segs: list[str] = []
    group_of: list[int] = []
    gaps: list[str] = []  # gap before each segment
    group = 0
    prev_end = -1
    for match in _SEGMENT.finditer(folded):
        gap = folded[prev_end : match.start()] if prev_end >= 0 else ""
        if prev_end >= 0 and not _joinable(gap):
            group += 1
        segment = match.group(0)
        if prefixes and segment.isalpha() and segment not in prefixes and len(segment) > 1:
            for cut in range(1, len(segment)):
                if segment[cut:] in prefixes:
                    segment = segment[cut:]
                    break
        segs.append(segment)
        group_of.append(group)
        gaps.append(gap)
        prev_end = match.end()

    n = len(segs)
    for i in range(n):
        first = segs[i]
        if first.isalpha() and len(first) > 8:
            continue
        key = ""
        has_digit = False
        for j in range(i, min(n, i + max_segments)):
            if j > i and group_of[j] != group_of[i]:
                break
            seg = segs[j]
            key += seg
            # a run that stops before the digits written after it is a part of a number
            cut_short = (
                j + 1 < n
                and group_of[j + 1] == group_of[i]
                and segs[j + 1].isdigit()
                and gaps[j + 1] != " "
                and not (seg.isdigit() and _range_end(seg, segs[j + 1]) is not None)
            )
            if seg.isdigit():
                has_digit = True
                emit(key, "partial" if cut_short else "plain", group_of[i])
            elif has_digit and len(seg) <= 2:
                emit(key, "plain", group_of[i])

    # ranges (1234-1236, 1234/36, 1234 to 1236) and lists (1234, 1235 & 1236);
    # a later member inherits the leading segments of the first one
    inherited: dict[int, list[str]] = {}
    for j in range(1, n):
        cur = segs[j]
        if not cur.isdigit():
            continue
        k = j - 1
        word = ""
        if segs[k].isalpha() and (segs[k] in _LIST_WORDS or segs[k] in _RANGE_WORDS):
            word = segs[k]
            k -= 1
            if word == "M" and k >= 0 and segs[k] == "T":  # t/m
                word, k = "TM", k - 1
        if k < 0 or not segs[k].isdigit():
            continue
        prev = segs[k]
        gap = gaps[k + 1].strip() if not word else ""
        context = inherited.get(k)
        if context is None:
            start = k
            while start > 0 and group_of[start - 1] == group_of[k] and k - start < 3:
                start -= 1
            context = segs[start:k]
        is_range_gap = word in _RANGE_WORDS or gap in ("-", "/", "..")
        end = _range_end(prev, cur) if is_range_gap else None
        if end is not None:
            for value in range(int(prev) + 1, end + 1):
                number = str(value).zfill(len(prev))
                for start in range(len(context) + 1):
                    emit("".join(context[start:]) + number, "range", group_of[k])
            inherited[j] = context
        elif len(cur) == len(prev) >= 3 and (word in _LIST_WORDS or gap in (",", "&", "+", ";", "")):
            for start in range(len(context) + 1):
                emit("".join(context[start:]) + cur, "list", group_of[j])
            inherited[j] = context
    # "INV-2026-1234 to INV-2026-1236": a range word between two numbers written in full
    for w in range(1, n - 1):
        if segs[w] not in _RANGE_WORDS or not segs[w - 1].isdigit():
            continue
        prev = segs[w - 1]
        start = w - 1
        while start > 0 and group_of[start - 1] == group_of[w - 1] and w - 1 - start < 3:
            start -= 1
        context = segs[start : w - 1]
        for size in range(len(context), -1, -1):
            e = w + 1 + size
            if (
                e < n
                and segs[w + 1 : e] == context[len(context) - size :]
                and segs[e].isdigit()
                and len(segs[e]) == len(prev)
            ):
                end = _range_end(prev, segs[e])
                if end is not None:
                    for value in range(int(prev) + 1, end + 1):
                        number = str(value).zfill(len(prev))
                        for cut in range(len(context) + 1):
                            emit("".join(context[cut:]) + number, "range", group_of[w - 1])
                break
    return tuple(found.values())
