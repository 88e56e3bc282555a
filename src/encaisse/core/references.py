"""Structured payment references: ISO 11649 RF, the Belgian OGM/VCS and national schemes.

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

National creditor references (:data:`NATIONAL_SCHEMES`, by the entity's
country): the Finnish viitenumero, the Swedish OCR reference (Bankgirot), the
Norwegian KID (Nets), the Danish FIK payment ID (card types +71 and +75), the
Swiss/Liechtenstein QR reference (QRR, and the ISR it continues) and the Dutch
betalingskenmerk. The same verbs: :func:`validate_national` (compact form),
:func:`is_valid_national`, :func:`format_national`, :func:`create_national`;
:func:`reference_scheme_of` tells which scheme a reference belongs to. The
source of each check-digit rule is given next to its code below.

The QR reference of the SIX "Swiss Implementation Guidelines QR-bill":

>>> format_national("210000000003139471430009017", "CH")
'21 00000 00003 13947 14300 09017'
>>> reference_scheme_of("21 00000 00003 13947 14300 09017", "CH")
'ch_qrr'

Finanssiala's viitenumero example (``12 34561``, machine form
``00000000000001234561``) and the 7-3-1 worked example base 12345 → 123453:

>>> validate_national("00000000000001234561", "FI")
'1234561'
>>> format_national("1234561", "FI"), create_national("12345", "FI")
('12 34561', '123453')

Betaalvereniging's betalingskenmerk examples, 16 digits and 14 digits (check
digit 1, length code 2):

>>> format_national("5000056789012345", "NL")
'5000 0567 8901 2345'
>>> is_valid_national("12 2345 3462 2567", "NL")
True

A Danish FIK payment ID (+71, 15 digits) from Uniconta's FIK example, and a
Norwegian KID from Monitor ERP's KID example (invoice 60224, modulus 10):

>>> is_valid_national("004040400000669", "DK"), is_valid_national("602243", "NO")
(True, True)

A Swedish OCR reference (Luhn; computed, Bankgirot publishes the rule), with
and without Bankgirot's optional length digit:

>>> create_national("12345", "SE"), create_ocr("12345", length_digit=True)
('123455', '1234574')
>>> reference_scheme_of("123456", "SE") is None
True
"""

from __future__ import annotations

import re

from stdnum import iso11649, luhn
from stdnum.be import ogm_vcs
from stdnum.ch import esr
from stdnum.exceptions import ValidationError
from stdnum.iso7064 import mod_97_10

__all__ = [
    "NATIONAL_BODY_DIGITS",
    "NATIONAL_SCHEMES",
    "SCHEME_LABELS",
    "InvalidReference",
    "compact_rf",
    "create_national",
    "create_ocr",
    "create_ogm",
    "create_rf",
    "find_ogms",
    "find_qrrs",
    "find_rfs",
    "format_national",
    "format_ogm",
    "format_rf",
    "is_valid_national",
    "is_valid_ogm",
    "is_valid_rf",
    "ogm_check_digits",
    "reference_scheme_of",
    "validate_national",
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


_WORD_STARTED = re.compile(r"[ \-][0-9A-Z]+$", re.IGNORECASE)


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
        raw = match.group(0)
        if match.end() < len(text) and text[match.end()].isalnum():
            # the run stops inside a word: a group it begins is that word's start ("… XJAK thank you")
            raw = _WORD_STARTED.sub("", raw)
        candidate = _grouped_prefix(raw)
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


# a Swiss QR reference as printed on the QR-bill's receipt: 2 digits, then five groups of five
_QRR_IN_TEXT = re.compile(r"(?<![0-9])([0-9]{2}(?: ?[0-9]{5}){5})(?![0-9])")


def find_qrrs(text: str) -> tuple[str, ...]:
    """Every Swiss QR reference (27 digits, mod 10 recursive) in free text, compact, in order.

    >>> find_qrrs("Zahlung Ref. 21 00000 00003 13947 14300 09017 danke")
    ('210000000003139471430009017',)
    """
    found: list[str] = []
    for match in _QRR_IN_TEXT.finditer(text):
        digits = match.group(1).replace(" ", "")
        if esr.is_valid(digits) and digits not in found:
            found.append(digits)
    return tuple(found)


# --- National creditor references ---------------------------------------------
#
# Each scheme is the digits of an invoice (or customer) number plus check
# digit(s). Where python-stdnum has the arithmetic it is used (``stdnum.luhn``,
# ``stdnum.ch.esr``); the Finnish, Norwegian mod 11 and Dutch rules are written
# here, each with the public source of its rule.

NATIONAL_SCHEMES: dict[str, str] = {
    "FI": "fi",
    "SE": "se_ocr",
    "NO": "no_kid",
    "DK": "dk_fik",
    "CH": "ch_qrr",
    "LI": "ch_qrr",
    "NL": "nl",
}
"""The national structured reference of a country, by scheme name.

The scheme names are also the values of ``Entity.reference_scheme``.
"""

NATIONAL_BODY_DIGITS: dict[str, int] = {
    "fi": 19,
    "se_ocr": 24,
    "no_kid": 24,
    "dk_fik": 15,
    "ch_qrr": 26,
    "nl": 15,
}
"""The most digits :func:`create_national` takes from an invoice number, by scheme."""

SCHEME_LABELS: dict[str, str] = {
    "fi": "Finnish reference (viitenumero)",
    "se_ocr": "Swedish OCR reference",
    "no_kid": "Norwegian KID",
    "dk_fik": "Danish FIK payment ID",
    "ch_qrr": "Swiss QR reference",
    "nl": "Dutch betalingskenmerk",
}
"""How an error message or a document names each national scheme."""


def _scheme(country: str) -> str:
    scheme = NATIONAL_SCHEMES.get(country.upper())
    if scheme is None:
        raise InvalidReference(f"no national structured reference is known for country {country!r}")
    return scheme


def _compact_national(value: str, scheme: str) -> str:
    """Without spaces (and dots and dashes, except the '-' check character of a KID)."""
    compact = re.sub(r"\s", "", value)
    if scheme != "no_kid":
        compact = re.sub(r"[.\-]", "", compact)
    if scheme == "fi":
        compact = compact.lstrip("0")  # leading zeros are not part of a viitenumero
    return compact


# Finnish viitenumero. Source: Finanssiala (Finance Finland), "Kotimaisen viitteen
# rakenneohje" (https://www.finanssiala.fi/wp-content/uploads/2021/03/kotimaisen_viitteen_rakenneohje.pdf):
# 3 to 19 base digits and a check digit; the base digits are weighted 7, 3, 1, 7, …
# from the right, and the check digit is the sum subtracted from the next multiple
# of ten (0 when the sum is a multiple of ten). Printed in groups of five from the
# right, without leading zeros.


def _fi_check(base: str) -> str:
    weights = (7, 3, 1)
    total = sum(int(d) * weights[i % 3] for i, d in enumerate(reversed(base)))
    return str(-total % 10)


# Norwegian KID. Source: Nets / Mastercard Payment Services, "KID"
# (https://www.mastercardpaymentservices.com/norway/utvikler/kid) and the OCR
# giro system specification: 2 to 25 characters, the last a control digit by
# modulus 10 (Luhn) or modulus 11 (weights 2, 3, 4, 5, 6, 7, 2, … from the
# right; 11 − sum mod 11; a result of 11 is 0 and 10 is written '-'). The payee
# agrees one of the two with its bank; an invoice file does not say which, so a
# KID valid under either is accepted.


def _kid_mod11_check(base: str) -> str:
    total = sum(int(d) * (2 + i % 6) for i, d in enumerate(reversed(base)))
    check = 11 - total % 11
    return "0" if check == 11 else "-" if check == 10 else str(check)


# Dutch betalingskenmerk. Source: Betaalvereniging Nederland, "Specificaties
# betalingskenmerk" (https://www.betaalvereniging.nl/betalingsverkeer/giraal-betalingsverkeer/
# wijzigingen-verwerking-acceptgirobetalingen/specificaties-betalingskenmerk/):
# 16 digits = check digit + 15 digits; 9 to 14 digits = check digit + length
# code (digits that follow, mod 10) + 7 to 12 digits; 7 digits without any
# check. The check digit comes first and is weighted mod 11 over the digits
# after it: weights 2, 4, 8, 5, 10, 9, 7, 3, 6, 1 repeating from the right,
# C = 11 − sum mod 11, 10 → 1, 11 → 0.

_NL_WEIGHTS = (2, 4, 8, 5, 10, 9, 7, 3, 6, 1)
_NL_LENGTHS = frozenset({7, 9, 10, 11, 12, 13, 14, 16})


def _nl_check(rest: str) -> str:
    total = sum(int(d) * _NL_WEIGHTS[i % 10] for i, d in enumerate(reversed(rest)))
    check = 11 - total % 11
    return "1" if check == 10 else "0" if check == 11 else str(check)


def _national_error(compact: str, scheme: str) -> str | None:
    """What is wrong with a compact reference under ``scheme``, or None when it is valid."""
    if scheme == "no_kid":
        if not re.fullmatch(r"[0-9]{1,24}[0-9\-]", compact):
            return "takes 2 to 25 digits (the last may be '-')"
        if compact[-1] != "-" and luhn.is_valid(compact):
            return None
        if compact[-1] == _kid_mod11_check(compact[:-1]):
            return None
        return "wrong check digit (neither modulus 10 nor modulus 11)"
    if not compact.isascii() or not compact.isdigit():
        return "takes digits only"
    n = len(compact)
    if scheme == "fi":
        if not 4 <= n <= 20:
            return "takes 4 to 20 digits without leading zeros"
        return None if compact[-1] == _fi_check(compact[:-1]) else "wrong check digit"
    if scheme == "se_ocr":
        if not 2 <= n <= 25:
            return "takes 2 to 25 digits"
        return None if luhn.is_valid(compact) else "wrong check digit"
    if scheme == "dk_fik":
        if n not in (15, 16):
            return "takes 15 digits (card type +71) or 16 digits (card type +75)"
        return None if luhn.is_valid(compact) else "wrong check digit"
    if scheme == "ch_qrr":
        if n != 27:
            return "takes 27 digits"
        return None if compact[-1] == esr.calc_check_digit(compact[:-1]) else "wrong check digit"
    if scheme == "nl":
        if n not in _NL_LENGTHS:
            return "takes 16 digits, or 7 or 9 to 14 digits"
        if n == 7:
            return None
        if 9 <= n <= 14 and compact[1] != str((n - 2) % 10):
            return f"wrong length code {compact[1]} (it is the number of digits after it, mod 10)"
        return None if compact[0] == _nl_check(compact[1:]) else "wrong check digit"
    raise InvalidReference(f"unknown reference scheme {scheme!r}")


def _compact_for(value: str, scheme: str) -> str:
    compact = _compact_national(value, scheme)
    if scheme == "ch_qrr" and compact.isdigit() and 2 <= len(compact) < 27:
        compact = compact.zfill(27)  # an ISR may be written without its leading zeros
    return compact


def validate_national(value: str, country: str) -> str:
    """The compact reference under ``country``'s national scheme, or :class:`InvalidReference`."""
    scheme = _scheme(country)
    compact = _compact_for(value, scheme)
    error = _national_error(compact, scheme)
    if error is not None:
        raise InvalidReference(f"not a valid {SCHEME_LABELS[scheme]}: {value!r} ({error})")
    return compact


def is_valid_national(value: str, country: str) -> bool:
    """Whether ``value`` is valid under ``country``'s national scheme (False when it has none)."""
    scheme = NATIONAL_SCHEMES.get(country.upper())
    return scheme is not None and _national_error(_compact_for(value, scheme), scheme) is None


def format_national(value: str, country: str) -> str:
    """As printed: FI in groups of five from the right, QRR ``2 + 5×5``, NL four groups of four."""
    compact = validate_national(value, country)
    scheme = _scheme(country)
    if scheme == "fi":
        head = len(compact) % 5
        groups = ([compact[:head]] if head else []) + [
            compact[i : i + 5] for i in range(head, len(compact), 5)
        ]
        return " ".join(groups)
    if scheme == "ch_qrr":
        return str(esr.format(compact))
    if scheme == "nl" and len(compact) == 16:
        return " ".join(compact[i : i + 4] for i in range(0, 16, 4))
    return compact


def create_national(body_digits: str, country: str) -> str:
    """A valid reference under ``country``'s scheme from an invoice number's digits.

    The check digit(s) are appended (NL: put in front); a QR reference is padded
    to 27 digits, a FIK payment ID to 15 (card type +71) when shorter, and a
    Dutch reference to 16 digits. A KID gets a modulus 10 check digit.
    """
    scheme = _scheme(country)
    body = body_digits.lstrip("0") if scheme == "fi" else body_digits
    if not body.isascii() or not body.isdigit():
        raise InvalidReference(f"a {SCHEME_LABELS[scheme]} is built from digits, not {body_digits!r}")
    low, high = (3 if scheme == "fi" else 1), NATIONAL_BODY_DIGITS[scheme]
    if not low <= len(body) <= high:
        raise InvalidReference(
            f"a {SCHEME_LABELS[scheme]} is built from {low} to {high} digits, not {len(body)}: {body_digits!r}"
        )
    if scheme == "fi":
        return body + _fi_check(body)
    if scheme in ("se_ocr", "no_kid"):
        return body + str(luhn.calc_check_digit(body))
    if scheme == "dk_fik":
        padded = body.zfill(14)
        return padded + str(luhn.calc_check_digit(padded))
    if scheme == "ch_qrr":
        padded = body.zfill(26)
        return padded + str(esr.calc_check_digit(padded))
    padded = body.zfill(15)
    return _nl_check(padded) + padded


def create_ocr(body_digits: str, *, length_digit: bool = False) -> str:
    """A Swedish OCR reference, with Bankgirot's optional length digit when asked.

    The length digit is the second-last digit: the total length, check and
    length digits included, mod 10; the Luhn check digit then covers it.
    """
    if length_digit:
        body = body_digits + str((len(body_digits) + 2) % 10)
        return create_national(body, "SE")
    return create_national(body_digits, "SE")


def reference_scheme_of(value: str, country: str) -> str | None:
    """``"RF"``, ``"BE_OGM"``, the national scheme of ``country``, or None when invalid under all."""
    if is_valid_rf(value):
        return "RF"
    if is_valid_ogm(value):
        return "BE_OGM"
    if is_valid_national(value, country):
        return NATIONAL_SCHEMES[country.upper()]
    return None
