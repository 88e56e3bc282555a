"""Structured payment references: ISO 11649 RF and the Belgian OGM/VCS.

The check-digit arithmetic is python-stdnum's (``stdnum.iso11649``,
``stdnum.be.ogm_vcs``); this module adds what an AR system needs on top:
creating a reference from an invoice's own number, and finding references in
the noisy free text of a bank transfer.

ISO 11649: ``RF`` + 2 check digits + up to 21 alphanumerics; valid when the
string with its first four characters moved to the end, letters replaced by
numbers (A=10 … Z=35), is 1 mod 97.

>>> rf = create_rf("2026000123")
>>> rf
'RF462026000123'
>>> is_valid_rf("RF46 2026 0001 23")
True
>>> format_rf(rf)
'RF46 2026 0001 23'

Belgian structured communication: 12 digits shown as ``+++123/4567/89012+++``,
the last two the first ten mod 97 (97 when that is 0).

>>> ogm = create_ogm(2026000123)
>>> format_ogm(ogm)
'+++202/6000/12320+++'
>>> find_ogms("Betaling fact. 202/6000/12320 merci")
('202600012320',)
>>> find_rfs("pay ref rf46-2026-0001-23 thanks")
('RF462026000123',)
"""

from __future__ import annotations

import re

from stdnum import iso11649
from stdnum.be import ogm_vcs
from stdnum.exceptions import ValidationError
from stdnum.iso7064 import mod_97_10

__all__ = [
    "InvalidReference",
    "compact_rf",
    "create_ogm",
    "create_rf",
    "find_ogms",
    "find_rfs",
    "format_ogm",
    "format_rf",
    "is_valid_ogm",
    "is_valid_rf",
    "ogm_check_digits",
    "validate_ogm",
    "validate_rf",
]


class InvalidReference(ValueError):
    """A payment reference whose format or check digits are wrong."""


# --- ISO 11649 RF -----------------------------------------------------------

_RF_BODY = re.compile(r"^[0-9A-Z]{1,21}$")


def compact_rf(value: str) -> str:
    """Upper case, without spaces, dashes, dots."""
    return re.sub(r"[\s.\-/]", "", value).upper()


def create_rf(body: str) -> str:
    """The RF reference for ``body`` (1 to 21 letters and digits).

    Separators in ``body`` are dropped, so an invoice number such as
    ``INV-2026-0042`` gives ``RF..INV20260042``.
    """
    cleaned = compact_rf(body)
    if not _RF_BODY.match(cleaned):
        raise InvalidReference(f"an RF reference takes 1 to 21 letters or digits, not {body!r}")
    check = mod_97_10.calc_check_digits(cleaned + "RF")
    return f"RF{check}{cleaned}"


def validate_rf(value: str) -> str:
    """The compact RF reference, or :class:`InvalidReference`."""
    try:
        return str(iso11649.validate(value))
    except ValidationError as exc:
        raise InvalidReference(f"not a valid RF reference: {value!r} ({exc})") from None


_RF_COMPACT = re.compile(r"^RF[0-9]{2}[0-9A-Z]{1,21}$")


def is_valid_rf(value: str) -> bool:
    """The same answer as :func:`validate_rf`, without exceptions (it runs on every bank line)."""
    compact = compact_rf(value)
    if not _RF_COMPACT.match(compact):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def format_rf(value: str) -> str:
    """Groups of four, as printed on invoices."""
    return str(iso11649.format(validate_rf(value)))


# A candidate RF: 'RF', 2 digits, then letters/digits possibly split by single
# spaces or dashes (as people and banks print them).
_RF_IN_TEXT = re.compile(r"(?<![0-9A-Z])RF\s?[0-9]{2}(?:[ \-]?[0-9A-Z]){1,21}", re.IGNORECASE)


def _grouped_prefix(raw: str) -> str:
    """The part of a matched run that can be one printed reference.

    Printed references come in groups of four; a shorter group ends the
    reference, so a following word (``… 7034 thanks``) is not taken in.
    """
    groups = re.split(r"[ \-]", raw)
    if len(groups) > 1 and groups[0].upper() == "RF" and groups[1].isdigit():
        groups = [groups[0] + groups[1], *groups[2:]]
    kept = [groups[0]]
    for group in groups[1:]:
        if len(kept[-1]) != 4 or len(group) > 4:
            break
        kept.append(group)
    return compact_rf("".join(kept))


def find_rfs(text: str) -> tuple[str, ...]:
    """Every valid RF reference in free text, compact, in order of appearance.

    When a grouped reference runs into the next word, the longest prefix with
    valid check digits wins.
    """
    found: list[str] = []
    for match in _RF_IN_TEXT.finditer(text):
        candidate = _grouped_prefix(match.group(0))
        for end in range(len(candidate), 4, -1):
            if is_valid_rf(candidate[:end]):
                if candidate[:end] not in found:
                    found.append(candidate[:end])
                break
    return tuple(found)


# --- Belgian OGM/VCS ---------------------------------------------------------


def ogm_check_digits(first_ten: str) -> str:
    """The two check digits of the first ten digits (mod 97, 97 for 0)."""
    if not (len(first_ten) == 10 and first_ten.isdigit()):
        raise InvalidReference(f"an OGM body is ten digits, not {first_ten!r}")
    return str(ogm_vcs.calc_check_digits(first_ten))


def create_ogm(number: int | str) -> str:
    """The 12-digit OGM for a number of at most ten digits (left-padded)."""
    body = str(number)
    if not body.isdigit() or len(body) > 10:
        raise InvalidReference(f"an OGM holds at most ten digits, not {number!r}")
    body = body.zfill(10)
    return body + ogm_check_digits(body)


def validate_ogm(value: str) -> str:
    """The 12 digits of an OGM written in any usual way, or :class:`InvalidReference`."""
    digits = re.sub(r"[\s+*/.\-]", "", value)
    if not (len(digits) == 12 and digits.isdigit()):
        raise InvalidReference(f"an OGM has 12 digits: {value!r}")
    if digits[10:] != ogm_check_digits(digits[:10]):
        raise InvalidReference(f"wrong OGM check digits: {value!r}")
    return digits


def is_valid_ogm(value: str) -> bool:
    try:
        validate_ogm(value)
    except InvalidReference:
        return False
    return True


def format_ogm(value: str) -> str:
    """``+++123/4567/89012+++``."""
    d = validate_ogm(value)
    return f"+++{d[:3]}/{d[3:7]}/{d[7:]}+++"


# 12 digits, optionally grouped 3/4/5 with slashes, spaces, dots or dashes and
# wrapped in +++ or ***; not inside a longer run of digits.
_OGM_IN_TEXT = re.compile(
    r"(?<![0-9])(?:[+*]{3}\s?)?([0-9]{3})[\s/.\-]?([0-9]{4})[\s/.\-]?([0-9]{5})(?:\s?[+*]{3})?(?![0-9])"
)


def find_ogms(text: str) -> tuple[str, ...]:
    """Every OGM with valid check digits in free text, as 12 digits, in order."""
    found: list[str] = []
    for match in _OGM_IN_TEXT.finditer(text):
        digits = "".join(match.groups())
        if is_valid_ogm(digits) and digits not in found:
            found.append(digits)
    return tuple(found)
