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
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
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
    "variant_keys",
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
    SHORT_YEAR = 7  # a year last in two digits ("FV/852/03/26" for FV/852/03/2026)
    FISCAL_YEAR = 8  # a two-year fiscal year after the serial or in full ("3352/25-26", "INV/2025-26/03352")
    INSTALMENT = 9  # the number without its instalment ("12252" of the duplicatas 000012252/1, /2 and /3)


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
    written: str = ""  # for a number read otherwise (``zeros``): the key as written


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


def _short_year(digits: str) -> bool:
    """Whether the first two digits may be a year of ours written short (2015–2039): "26" of "26/0042"."""
    return "15" <= digits[:2] <= "39"


def variants(number: str, *, min_serial: int = 3) -> tuple[Variant, ...]:
    """The keys to index a number under, strongest first, without repeats.

    Year-less and serial-only forms are kept only when the serial without its
    zeros still has ``min_serial`` digits: ``42`` alone says too little.
    """
    return tuple(Variant(k, v) for k, v in variant_keys(segments(number), min_serial=min_serial).items())


def variant_keys(segs: Sequence[str], *, min_serial: int = 3) -> dict[str, VariantKind]:
    """:func:`variants` of a number given as its :func:`segments`: key → kind, strongest first."""
    out: dict[str, VariantKind] = {}
    digit_segs = [s for s in segs if s.isdigit()]
    full = "".join(segs)
    if not digit_segs:
        return out  # no key without a digit
    if len(full) >= 3:
        out[full] = VariantKind.FULL
    first = 0
    while not segs[first].isdigit():
        first += 1
    prefix = "".join(segs[:first])
    if prefix:
        key = "".join(digit_segs)
        if len(key) >= 3 and key not in out:
            out[key] = VariantKind.DIGITS

    year: str | None = None
    fiscal = False
    rest: list[str]
    # two digits first are a year ("VK26-04512"), not when a year in full follows them (Polish "FV/76/03/2026":
    # a serial, a month and the year)
    year_later = any(len(s) == 4 and _is_year(s) for s in digit_segs[1:])
    if len(digit_segs) >= 2 and _is_year(digit_segs[0]) and not (len(digit_segs[0]) == 2 and year_later):
        year, rest = digit_segs[0], digit_segs[1:]
    elif len(digit_segs) == 1 and len(digit_segs[0]) >= 7 and _is_year(digit_segs[0][:4]):
        # a year glued to its serial: INV20260042
        year, rest = digit_segs[0][:4], [digit_segs[0][4:]]
    else:
        rest = digit_segs
    if (
        year is not None
        and len(rest) >= 2
        and len(rest[0]) == 2
        and int(rest[0]) == (int(year[-2:]) + 1) % 100
    ):
        # a fiscal year written as the two years it spans (India's April to March: "INV/25-26/02456"): one year
        year, rest = year + rest[0], rest[1:]
        fiscal = True
    serial = rest[-1]
    serial_nz = serial.lstrip("0") or "0"
    head = "".join(rest[:-1])
    year_part = year or ""
    keys: list[tuple[str, VariantKind]] = []
    if serial_nz != serial:
        keys.append((prefix + year_part + head + serial_nz, VariantKind.NOZERO))
        keys.append((year_part + head + serial_nz, VariantKind.NOZERO))
    if len(serial_nz) >= min_serial or (prefix and year):
        if year is not None:
            if prefix:
                keys.append((prefix + head + serial, VariantKind.NOYEAR))
                keys.append((prefix + head + serial_nz, VariantKind.NOYEAR))
            if len(serial_nz) >= min_serial:
                keys.append((head + serial, VariantKind.SERIAL))
                keys.append((head + serial_nz, VariantKind.SERIAL))
        elif len(serial_nz) >= min_serial:
            keys.append((head + serial_nz, VariantKind.SERIAL))
    # a year last written in two digits ("FV/852/03/26"; a year first in two digits is a year without its
    # century, which the year-less keys and the payer find)
    if year is None and len(digit_segs) >= 2 and len(digit_segs[-1]) == 4 and _is_year(digit_segs[-1]):
        short = [*digit_segs[:-1], digit_segs[-1][2:]]
        if prefix:
            keys.append((prefix + "".join(short), VariantKind.SHORT_YEAR))
        if len("".join(short)) >= 6:
            keys.append(("".join(short), VariantKind.SHORT_YEAR))
    # a year in two digits glued to a padded serial after the prefix ("RE2500160", written "RE-25-160")
    if prefix and len(digit_segs) == 1 and year is None:
        digits = digit_segs[0]
        if len(digits) >= 6 and _short_year(digits) and digits[2] == "0" and digits[2:].strip("0"):
            keys.append((prefix + digits[:2] + digits[2:].lstrip("0"), VariantKind.NOZERO))
    # every group of digits without its leading zeros ("FV/0080/03/2026" as FV8032026, read from "FV/80/3/2026")
    if len(digit_segs) >= 2 and any(len(s) > 1 and s[0] == "0" for s in digit_segs[:-1]):
        stripped = [s.lstrip("0") or "0" if s.isdigit() else s for s in segs]
        keys.append(("".join(stripped), VariantKind.NOZERO))
        digits_only = "".join(s for s in stripped if s.isdigit())
        if prefix and len(digits_only) >= 6:
            keys.append((digits_only, VariantKind.NOZERO))
    if fiscal and year is not None:
        # the fiscal year after the serial ("BILL NO 3352/25-26") or with its first year in full
        # ("INV/2025-26/03352")
        for written in (head + serial, head + serial_nz):
            keys.append((prefix + written + year, VariantKind.FISCAL_YEAR))
            keys.append((written + year, VariantKind.FISCAL_YEAR))
            keys.append((prefix + "20" + year + written, VariantKind.FISCAL_YEAR))
            keys.append(("20" + year + written, VariantKind.FISCAL_YEAR))
    # instalments of one document numbered after it ("000012252/1", "12252-02", as Brazilian duplicatas are):
    # the document's number alone names them all
    if (
        year is None
        and not prefix
        and len(segs) == 2
        and len(segs[0].lstrip("0")) >= 4
        and len(segs[1]) <= 2
        and segs[1].isdigit()
        and segs[1].strip("0")
    ):
        keys.append((segs[0].lstrip("0"), VariantKind.INSTALMENT))
    for key, kind in keys:  # every one of these holds a digit (the serial's)
        if len(key) >= 3 and key not in out:
            out[key] = kind
    return out


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
# A day and month that cannot be a date ("83/02/2026"), or written after letters and a slash or dash
# ("FV/7/03/2026": Polish invoices number their serial within the month), are part of a number.
_DATE: Final = re.compile(
    r"(?<![0-9])(?<![A-Z][/-])(?:(?:[0-2]?[0-9]|3[01])[./-](?:0?[0-9]|1[0-2])[./-](?:19|20)?[0-9]{2}"
    r"|(?:0?[0-9]|1[0-2])[./-](?:[0-2]?[0-9]|3[01])[./-](?:19|20)?[0-9]{2}"
    r"|(?:19|20)[0-9]{2}-[0-9]{2}-[0-9]{2})(?![0-9])"
)
_AMOUNT: Final = re.compile(
    r"(?<![0-9A-Z/.,-])(?:EUR|USD|GBP|CHF|€|\$)?\s?-?[0-9]{1,3}(?:[., '][0-9]{3})*[.,][0-9]{2}(?![0-9])(?![.,/-][0-9])(?:\s?(?:EUR|USD|GBP|CHF|€))?"
)
# "2%", "-1,5 %", "2 PCT" are a discount taken, not (part of) an invoice number
_PERCENT: Final = re.compile(r"(?<![0-9A-Z])-?[0-9]{1,3}(?:[.,][0-9]{1,2})?\s?%")
# "and" in the languages of the remittances (German "u.", Scandinavian "og"/"och", Finnish "ja", Polish "i")
_LIST_WORDS: Final = frozenset(
    {"ET", "AND", "EN", "UND", "U", "Y", "E", "EIN", "NR", "NO", "N", "OG", "OCH", "JA", "I", "SOWIE"}
)
_RANGE_WORDS: Final = frozenset({"TO", "A", "AU", "BIS", "TOT", "TM", "T", "M", "THRU"})
_JOIN_CHARS: Final = frozenset(" -/._#:")
_MAX_RANGE: Final = 50


def mask_dates_and_amounts(text: str) -> str:
    """Blank out dates, amounts and percentages (same length, so positions keep).

    >>> mask_dates_and_amounts("FACT 1234 DU 15.01.2026 EUR 1.234,56")
    'FACT 1234 DU                        '
    >>> mask_dates_and_amounts("INV 2835 -2% ESCOMPTE")
    'INV 2835     ESCOMPTE'
    """
    text = _DATE.sub(lambda m: " " * len(m.group(0)), text)
    if "%" in text:
        text = _PERCENT.sub(lambda m: " " * len(m.group(0)), text)
    return _AMOUNT.sub(lambda m: " " * len(m.group(0)), text)


def _joinable(gap: str) -> bool:
    return gap == "" or (len(gap) <= 3 and gap.count(" ") <= 2 and all(ch in _JOIN_CHARS for ch in gap))


_JOINABLE: Final[dict[str, bool]] = {}  # gaps of at most three characters seen so far (a bounded set)
_SEGMENT_AFTER_GAP: Final = re.compile(r"([^A-Z0-9]*)([A-Z]+|[0-9]+)")


def _spaced_dash(gap: str) -> bool:
    """A dash with a space beside it (" - ", "- "), as lists are written."""
    return "-" in gap and gap != "-" and not gap.strip(" -")


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
    return _candidates(text, max_segments, limit, prefixes)


@lru_cache(maxsize=4096)
def _prefix_lengths(prefixes: frozenset[str]) -> tuple[int, ...]:
    return tuple(sorted({len(p) for p in prefixes}, reverse=True))


@lru_cache(maxsize=8192)  # remittance texts repeat ("Payment", a customer's fixed wording)
def _candidates(text: str, max_segments: int, limit: int, prefixes: frozenset[str]) -> tuple[Candidate, ...]:
    folded = mask_dates_and_amounts(fold(text))
    found: dict[str, Candidate] = {}

    def emit(key: str, origin: str, group: int, written: str = "") -> None:
        if 3 <= len(key) <= 35 and key not in found and len(found) < limit:
            found[key] = Candidate(key, origin, group, written)

    # segments with their groups (maximal runs of joinable segments)
    segs: list[str] = []
    group_of: list[int] = []
    gaps: list[str] = []  # gap before each segment
    group = 0
    joinable = _JOINABLE
    lengths = _prefix_lengths(prefixes) if prefixes else ()
    for gap, segment in _SEGMENT_AFTER_GAP.findall(folded):
        if not segs:
            gap = ""
        elif gap:
            ok = joinable.get(gap)
            if ok is None:
                ok = _joinable(gap)
                if len(gap) <= 3:
                    joinable[gap] = ok
            if not ok:
                group += 1
        if lengths and len(segment) > 1 and segment not in prefixes and segment.isalpha():
            # the longest ending that is a prefix (as cutting from the left, shortest cut first)
            size = len(segment)
            for n in lengths:
                if n < size and segment[size - n :] in prefixes:
                    segment = segment[size - n :]
                    break
        segs.append(segment)
        group_of.append(group)
        gaps.append(gap)

    n = len(segs)
    digit = [seg.isdigit() for seg in segs]
    # other ways to read what is written, looked up after the rest
    derived: list[tuple[str, str, int, str]] = []
    for i in range(n):
        first = segs[i]
        if not digit[i] and len(first) > 8:
            continue
        key = ""
        canon = ""  # the key with the leading zeros of each group of digits left out ("FV/0080/03" → FV803)
        has_digit = False
        g = group_of[i]
        for j in range(i, min(n, i + max_segments)):
            if j > i and group_of[j] != g:
                break
            seg = segs[j]
            key += seg
            if digit[j]:
                canon += seg.lstrip("0") or "0"
                has_digit = True
                # a run that stops before the digits written after it is a part of a number
                cut_short = (
                    j + 1 < n
                    and group_of[j + 1] == g
                    and digit[j + 1]
                    and gaps[j + 1] != " "
                    and _range_end(seg, segs[j + 1]) is None
                    and not (
                        gaps[j + 1].strip() == "/"
                        and (
                            len(segs[j + 1]) == len(seg) >= 3
                            or (gaps[j + 1] != "/" and min(len(seg), len(segs[j + 1])) >= 5)
                        )
                    )  # a list: 002153/002116, "0090014948 / 0092000215", "0090012990 / 92000282"
                )
                if 3 <= len(key) <= 35 and key not in found and len(found) < limit:
                    found[key] = Candidate(key, "partial" if cut_short else "plain", g)
                if j > i and not cut_short and canon != key:  # one group of digits padded is candidates.py's
                    derived.append((canon, "zeros", g, key))
            elif (
                has_digit
                and len(seg) <= 2
                and 3 <= len(key) <= 35
                and key not in found
                and len(found) < limit
            ):
                found[key] = Candidate(key, "plain", g)
            if not digit[j]:
                canon += seg

    # a year written in full before a serial the book writes after a two-digit year ("2026/018962" for VF26/018962)
    for i in range(n - 1):
        year = segs[i]
        if (
            digit[i]
            and digit[i + 1]
            and len(year) == 4
            and year[:2] in ("19", "20")
            and len(segs[i + 1]) >= 3  # a serial, not a month ("2026/01")
            and group_of[i + 1] == group_of[i]
            and (
                i == 0 or gaps[i]
            )  # the year begins a word: not "AV2026-00066", whose "2600066" is another's
        ):
            emit(year[2:] + segs[i + 1], "year", group_of[i])

    # ranges (1234-1236, 1234/36, 1234 to 1236) and lists (1234, 1235 & 1236);
    # a later member inherits the leading segments of the first one. Dashes with spaces that join three numbers
    # or more in a row ("90012681 - 90012690 - 90012702") separate a list, they do not bound ranges
    inherited: dict[int, list[str]] = {}
    for j in range(1, n):
        if not digit[j]:
            continue
        cur = segs[j]
        k = j - 1
        word = ""
        if segs[k].isalpha() and (segs[k] in _LIST_WORDS or segs[k] in _RANGE_WORDS):
            word = segs[k]
            k -= 1
            if word == "M" and k >= 0 and segs[k] == "T":  # t/m
                word, k = "TM", k - 1
        if k < 0 or not digit[k]:
            continue
        prev = segs[k]
        gap = gaps[k + 1].strip() if not word else ""
        listed = _spaced_dash(gaps[k + 1]) and (
            (j + 1 < n and digit[j + 1] and _spaced_dash(gaps[j + 1]))
            or (k > 0 and digit[k - 1] and _spaced_dash(gaps[k]))
        )
        context = inherited.get(k)
        if context is None:
            start = k
            while start > 0 and group_of[start - 1] == group_of[k] and k - start < 3:
                start -= 1
            context = segs[start:k]
        is_range_gap = word in _RANGE_WORDS or (gap in ("-", "/", "..") and not listed)
        # "25/02401 à 25/02403": the "25" after the word starts a number written in full, it does not end a range
        starts_number = j + 1 < n and digit[j + 1] and group_of[j + 1] == group_of[j]
        end = _range_end(prev, cur) if is_range_gap and not starts_number else None
        if end is not None:
            for value in range(int(prev) + 1, end + 1):
                number = str(value).zfill(len(prev))
                for start in range(len(context) + 1):
                    emit("".join(context[start:]) + number, "range", group_of[k])
            inherited[j] = context
        elif len(cur) == len(prev) >= 3 and (
            word in _LIST_WORDS or gap in (",", "&", "+", ";", "", "/") or listed
        ):
            for start in range(len(context) + 1):
                emit("".join(context[start:]) + cur, "list", group_of[j])
            inherited[j] = context
    # a list whose later members write only the digits that change ("12345/46/47", "FA-2026-00505, 06 et 07",
    # "4711-12-13"): each ending completes the number before it, and must come after it
    for s in range(n - 1):
        if not digit[s] or len(segs[s]) < 3:
            continue
        full, members, listing = segs[s], [], False
        j = s + 1
        while j < n:
            word = segs[j] if segs[j] in _LIST_WORDS else ""
            at = j + 1 if word else j
            gap = gaps[at].replace("#", "").strip() if at < n else ""  # "INV#1234, #35, #36"
            if (
                at >= n
                or not digit[at]
                or not (word or gap in ("/", "-", ",", "&", "+", ";"))
                or len(gaps[at]) > 3
                or len(segs[at]) >= len(full)
            ):
                break
            completed = full[: len(full) - len(segs[at])] + segs[at]
            if completed <= full:
                break
            members.append(completed)
            listing = listing or bool(word) or gap not in ("/", "-")
            full, j = completed, at + 1
        # one ending after a slash or a dash is a range, read above ("1234/36")
        if len(members) >= 2 or (members and listing):
            start = s
            while start > 0 and group_of[start - 1] == group_of[s] and s - start < 3:
                start -= 1
            context = segs[start:s]
            for number in members:
                for cut in range(len(context) + 1):
                    emit("".join(context[cut:]) + number, "list", group_of[s])
    # "INV-2026-1234 to INV-2026-1236", "26/0442 t/m 26/0444", "FA2026-1158 - FA2026-1160": a range word,
    # or a dash, between two numbers written in full (after a dash, the second repeats the first's start)
    for w in range(1, n - 1):
        if not digit[w - 1]:
            continue
        if segs[w] in _RANGE_WORDS:
            after = w + 2 if segs[w] == "T" and w + 2 < n and segs[w + 1] == "M" else w + 1
            smallest = 0
        elif "-" in gaps[w]:
            after, smallest = w, 1
        else:
            continue
        prev = segs[w - 1]
        start = w - 1
        while start > 0 and group_of[start - 1] == group_of[w - 1] and w - 1 - start < 3:
            start -= 1
        context = segs[start : w - 1]
        if smallest and _spaced_dash(gaps[w]) and any(_spaced_dash(gaps[i]) for i in range(max(start, 1), w)):
            continue  # "INV/2026/00074 - INV/2026/00079 - INV/2026/00083": the second of a list, no range
        for size in range(len(context), smallest - 1, -1):
            e = after + size
            if (
                e < n
                and segs[after:e] == context[len(context) - size :]
                and digit[e]
                and len(segs[e]) == len(prev)
            ):
                end = _range_end(prev, segs[e])
                if end is not None and not (smallest and e + 1 < n and _spaced_dash(gaps[e + 1])):
                    for value in range(int(prev) + 1, end + 1):
                        number = str(value).zfill(len(prev))
                        for cut in range(len(context) + 1):
                            emit("".join(context[cut:]) + number, "range", group_of[w - 1])
                break
    # a serial written before its year ("10045/2026", "RE 457/26", "0042/2026"), or a year in two digits before
    # its serial ("INV-26-0042", "INV 26/42"): the book writes the year in full, first
    for i in range(n - 1):
        if not (digit[i] and digit[i + 1] and group_of[i + 1] == group_of[i]):
            continue
        g = group_of[i]
        before = i > 0 and group_of[i - 1] == g
        if before and digit[i - 1]:
            continue  # the digits do not start here ("FV/123/03/2026" is the Polish form itself)
        prefix = segs[i - 1] if before and len(segs[i - 1]) >= 2 else ""
        ends = i + 2 >= n or group_of[i + 2] != g or not digit[i + 2]
        first, second = segs[i], segs[i + 1]
        if ends and gaps[i + 1].strip() in ("/", "-"):  # not a dot: "2718.32" is an amount
            if len(second) == 4 and _is_year(second):
                year = second
            elif len(second) == 2 and _short_year(second) and (len(first) >= 3 or prefix):
                year = "20" + second
            else:
                year = ""
            # two digits alone before the year are a month ("12/2025"), unless no month has them ("45/2026")
            if year and len(first.lstrip("0")) >= 2 and (len(first) >= 3 or prefix or int(first) > 12):
                if prefix:
                    derived.append((prefix + year + first, "reordered", g, ""))
                    derived.append((prefix + year[2:] + first, "reordered", g, ""))
                if len(first) >= 3 or int(first) > 12:  # without a prefix, "LOYER 12/2025" is a period
                    derived.append((year + first, "reordered", g, ""))
                if len(first) >= 3:
                    derived.append((year[2:] + first, "reordered", g, ""))
        if (
            len(first) == 2
            and _short_year(first)
            and len(second) >= 2
            and (prefix or len(second) >= 4)
            and gaps[i + 1].strip() in ("", "/", "-")
        ):
            if prefix:
                derived.append((prefix + "20" + first + second, "century", g, ""))
            if len(second) >= 3:
                derived.append(("20" + first + second, "century", g, ""))
        if prefix and len(first) == 4 and _is_year(first) and len(second) >= 2 and ends:
            derived.append((prefix + first[2:] + second, "century", g, ""))  # "ABC/2026/45" for ABC/26/00045

    # a year in two digits glued to its serial after the prefix ("F26000123" for F2026000123)
    for i in range(1, n):
        seg = segs[i]
        if (
            digit[i]
            and len(seg) >= 7
            and _short_year(seg)
            and not digit[i - 1]
            and group_of[i - 1] == group_of[i]
        ):
            derived.append((segs[i - 1] + "20" + seg, "century", group_of[i], ""))
    for key, origin, g, written in derived:
        emit(key, origin, g, written)
    return tuple(found.values())
