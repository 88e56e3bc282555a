"""The ``:86:`` field of MT940: the structured dialects banks write into it.

SWIFT leaves ``:86:`` (information to the account owner) as six lines of free
text; banks fill it with their own structure. :func:`parse_details` recognises
the common ones and returns the counterparty, the references and the
remittance text as :class:`Details`:

- **German/Austrian GVC** (DK/ZKA "Geschäftsvorfallcode"): three digits, then
  sub-fields ``?00`` posting text, ``?10`` prima nota, ``?20``–``?29`` and
  ``?60``–``?63`` purpose lines, ``?30`` BLZ or BIC, ``?31`` account or IBAN,
  ``?32``–``?33`` name. Triodos writes ``>`` instead of ``?``, with its own
  layout: ``>20`` the counterparty's BIC, ``>21`` its IBAN, the text from
  ``>22`` on, and ``>31`` the account holder's own account (not the payer's).
  SEPA keywords inside the purpose (``EREF+``, ``MREF+``, ``KREF+``,
  ``CRED+``, ``SVWZ+``, ``ABWA+``…) are split out.
- **Slash codes** (ABN AMRO, ING, Rabobank, bunq, Knab, Mollie):
  ``/EREF/…/CNTP/iban/bic/name/city/REMI/USTD//text/``, ``/IBAN/``, ``/BIC/``,
  ``/NAME/``, ``/ORDP/``, ``/BENM/``, ``/MARF/`` (mandate), ``/RTRN/`` (return
  reason), ``/ULTD/``, ``/OCMT/`` (original amount); ``/REMI/STRD/CUR/ref/``
  is a structured creditor reference, as is Rabobank's
  ``/REMI//CDTRREFTP//CD/SCOR/ISSR/CUR/CDTRREF/ref``. A code the bank wrapped
  across two lines (``…//RE`` then ``MI/USTD//…``) is read whole.
- **Keyword form** of ABN AMRO's older exports (``SEPA OVERBOEKING IBAN: …
  BIC: … NAAM: … OMSCHRIJVING: … KENMERK: …``) and Knab (``REK: …/NAAM: …``);
  a ``BETALINGSKENMERK:`` followed by more text keeps that text.
- **Leading IBAN** (de Volksbank: ASN, SNS, RegioBank): the first line is the
  counterparty IBAN and name, the following lines the description. SNS before
  SEPA wrote the domestic account number there instead (``0987654321 J. JANSEN``);
  that number is read as an account only when the caller knows it from the
  ``:61:`` reference (``known_account``), since free text may start with any
  number.
- Anything else: each non-blank line is a remittance line.

RF (ISO 11649) and Belgian OGM references found in the remittance text are
added to :attr:`Details.creditor_references`.

>>> d = parse_details(["166?00GUTSCHRIFT?20EREF+INV-7?21SVWZ+Invoice 2026-0042?30GENODEF1S04",
...                    "?31DE02120300000000202051?32ACME GmbH"])
>>> d.end_to_end_id, d.remittance_lines, d.counterparty_name, d.counterparty_bic
('INV-7', ('Invoice 2026-0042',), 'ACME GmbH', 'GENODEF1S04')
>>> d = parse_details(["/EREF/E2E-1//CNTP/NL91ABNA0417164300/ABNANL2A/J. Jansen/Utrecht/",
...                    "/REMI/USTD//RF18 5390 0754 7034/"])
>>> d.counterparty_account, d.counterparty_name, [r.value for r in d.creditor_references]
('NL91ABNA0417164300', 'J. Jansen', ['RF18539007547034'])
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

from stdnum import iban as _iban

from encaisse.core.references import find_ogms, find_rfs, is_valid_ogm, is_valid_rf
from encaisse.formats.bank.records import CreditorReference, ReferenceKind

__all__ = ["Details", "domestic_account", "information_lines", "is_bic", "is_iban", "parse_details"]


class Details(NamedTuple):
    """What :func:`parse_details` found in one ``:86:`` field.

    A named tuple rather than a dataclass: one is built per transaction, and
    a tuple is three times cheaper to build.
    """

    remittance_lines: tuple[str, ...] = ()
    counterparty_name: str | None = None
    counterparty_account: str | None = None
    counterparty_bic: str | None = None
    ultimate_debtor: str | None = None
    end_to_end_id: str | None = None
    has_end_to_end: bool = False  # the bank labelled an end-to-end reference (even as NOTPROVIDED)
    customer_reference: str | None = None
    mandate_id: str | None = None
    creditor_references: tuple[CreditorReference, ...] = ()
    return_reason: str | None = None
    original_amount: Decimal | None = None
    original_currency: str | None = None


EMPTY = Details()

# Values banks write where a reference is absent.
NO_REFERENCE = frozenset({"", "NONREF", "NOTPROVIDED", "NOT PROVIDED", "NONE", "EREF", "PREF", "KREF+"})

_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
_BIC_SHAPE = re.compile(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")
_SPACES = re.compile(r"\s+")


def is_iban(value: str) -> bool:
    """True for a valid IBAN written without spaces (check digits and country format)."""
    return _IBAN_SHAPE.fullmatch(value) is not None and _is_valid_iban(value)


@lru_cache(maxsize=4096)
def _is_valid_iban(value: str) -> bool:
    return bool(_iban.is_valid(value))


def is_bic(value: str) -> bool:
    """True for a value shaped like a BIC (8 or 11 characters; no registry look-up)."""
    return _BIC_SHAPE.fullmatch(value) is not None


_DOMESTIC_ACCOUNT = re.compile(r"P[0-9]{1,9}|[0-9]{9,10}")


def domestic_account(value: str) -> str | None:
    """A Dutch account number from before SEPA, without the Postbank ``P`` and the zero padding.

    Rabobank and SNS wrote the counterparty's bank account (9 digits, or 10
    with a leading zero) or Postbank giro number (``P`` and up to 9 digits,
    ``P004417326`` or ``P4417326``; SNS pads it to 10 digits without the
    ``P``); the number is what is left without them.

    >>> domestic_account("0394183752"), domestic_account("P004417326"), domestic_account("NONREF")
    ('394183752', '4417326', None)
    """
    if _DOMESTIC_ACCOUNT.fullmatch(value) is None:
        return None
    return value.lstrip("P").lstrip("0") or None


def _clean(value: str | None) -> str | None:
    """Whitespace collapsed; None when nothing is left."""
    if value is None:
        return None
    if "  " in value or "\n" in value or "\t" in value:
        value = _SPACES.sub(" ", value)
    value = value.strip()
    return value or None


def _reference(value: str | None) -> str | None:
    value = _clean(value)
    if value is None or value.upper() in NO_REFERENCE:
        return None
    return value


_RF_HINT = re.compile(r"[Rr][Ff]\s?[0-9]{2}")
_OGM_HINT = re.compile(r"[0-9]{3}[\s/.\-]?[0-9]{4}[\s/.\-]?[0-9]{5}")


def _found_references(lines: tuple[str, ...]) -> tuple[CreditorReference, ...]:
    if not lines:
        return ()
    text = lines[0] if len(lines) == 1 else " ".join(lines)
    found: list[CreditorReference] = []
    if _RF_HINT.search(text):
        found.extend(CreditorReference(rf, ReferenceKind.RF) for rf in find_rfs(text))
    if _OGM_HINT.search(text):
        found.extend(CreditorReference(ogm, ReferenceKind.BE_OGM) for ogm in find_ogms(text))
    return tuple(found)


def _structured_reference(value: str, issuer: str | None) -> CreditorReference:
    compact = value.replace(" ", "")
    if is_valid_rf(compact):
        return CreditorReference(compact.upper(), ReferenceKind.RF, issuer)
    if len(compact) >= 12 and is_valid_ogm(compact):
        return CreditorReference(re.sub(r"\D", "", compact), ReferenceKind.BE_OGM, issuer)
    return CreditorReference(compact, ReferenceKind.OTHER, issuer)


def _merge_references(
    structured: list[CreditorReference], lines: tuple[str, ...]
) -> tuple[CreditorReference, ...]:
    if not structured:
        return _found_references(lines)
    if len(lines) == 1 and len(structured) == 1 and lines[0] == structured[0].value:
        return tuple(structured)
    seen = {r.value for r in structured}
    result = list(structured)
    for ref in _found_references(lines):
        if ref.value not in seen:
            seen.add(ref.value)
            result.append(ref)
    return tuple(result)


def _original_amount(value: str) -> tuple[Decimal | None, str | None]:
    """``EUR12,50`` (as in ``/OCMT/``) as amount and currency; (None, None) when unreadable."""
    match = re.fullmatch(r"\s*([A-Z]{3})\s*([0-9]+(?:[,.][0-9]*)?)\s*", value)
    if match is None:
        return None, None
    try:
        return Decimal(match.group(2).replace(",", ".")), match.group(1)
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        return None, None


def parse_details(lines: list[str], *, known_account: str | None = None) -> Details:
    """The structure of one ``:86:`` field, given as its lines (without the tag).

    ``known_account`` is the counterparty's domestic account number as
    :func:`domestic_account` gives it, when the ``:61:`` line carries one
    (SNS, Rabobank before SEPA): free text that starts with that number reads
    the rest of its first line as the counterparty's name.
    """
    text = "".join(lines).lstrip()
    if not text:
        return EMPTY
    if len(text) >= 6 and text[3] in "?>" and text[:3].isdigit() and text[4:6].isdigit():
        return _gvc(text)
    if text[0] == "/" and _SLASH_CODE.match(text):
        return _slash(lines)
    stripped = text.lstrip()
    if "NAAM:" not in text and (_party_label(text) or _party_label(_join_wrapped(lines))) is not None:
        return _free_text(lines, known_account)  # "… DE: <name> IBAN: <iban> BIC: …" of a non-Dutch bank
    if _KEYWORD_START.search(text) and (
        stripped.startswith(("SEPA ", "REK:", "IBAN:")) or len(_KEYWORD.findall(text)) >= 2
    ):
        return _keywords(lines)
    return _free_text(lines, known_account)


# --- German GVC (?-sub-fields) ---------------------------------------------------

_GVC_SPLIT = {"?": re.compile(r"\?([0-9]{2})"), ">": re.compile(r">([0-9]{2})")}
_SEPA_KEY = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|COAM|OAMT|SVWZ|ABWA|ABWE|IBAN|BIC)\+")
_SHORT_KEYS = frozenset({"EREF", "KREF", "MREF", "CRED", "DEBT"})
_SHORT_MAX = 35


def _boundaries(parts: list[str]) -> list[int]:
    """Offsets in the joined text where each part after the first begins."""
    offsets: list[int] = []
    position = 0
    for part in parts[:-1]:
        position += len(part)
        offsets.append(position)
    return offsets


_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")

_PURPOSE_CODES = frozenset(
    ["20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "60", "61", "62", "63"]
)


# GVCs of returned or reversed payments (DK, DFÜ-Abkommen Anlage 3): 009 return of a direct debit
# ("Rückbelastung"), 059 returned transfer; SEPA: 108/109 direct debit returned (B2B/Core), 110 card
# clearing returned, 159/160 transfer returned (single/instant, "Retoure"), 193 direct debit reversal,
# 199 card clearing reversal; 899 cancellation ("Storno").
RETURN_GVCS = frozenset({"009", "059", "108", "109", "110", "159", "160", "193", "199", "899"})
_RETURN_TEXT = re.compile(
    r"RETOURE|R(?:Ü|UE|U)CKBELASTUNG|R(?:Ü|UE|U)CKLASTSCHRIFT|R(?:Ü|UE|U)CK(?:Ü|UE|U)BERWEISUNG"
)


_CODE_SUBFIELDS = {"?": re.compile(r"\?(?:10|34)[^?]*"), ">": re.compile(r">(?:10|34)[^>]*")}


def information_lines(lines: list[str]) -> list[str]:
    """The ``:86:`` lines as kept in ``additional_info``: as written, non-blank.

    A German GVC field loses its code sub-fields ``?10`` (prima nota) and
    ``?34`` (Textschlüsselergänzung) there, since their numbers would read as
    references; its lines are joined as the sub-fields run across them.

    >>> information_lines(["166?00GUTSCHRIFT?109316?20Invoice 42?32ACME?3", "4997"])
    ['166?00GUTSCHRIFT?20Invoice 42?32ACME']
    """
    text = "".join(lines).strip()
    if len(text) >= 6 and text[3] in "?>" and text[:3].isdigit() and text[4:6].isdigit():
        return [_CODE_SUBFIELDS[text[3]].sub("", text)]
    return [line for line in (line.strip() for line in lines) if line]


def _gvc(text: str) -> Details:
    parts = _GVC_SPLIT[text[3]].split(text[3:])
    # parts: ['', code, value, code, value, ...]
    # Sub-fields that are codes, not text, never reach the remittance: ?10
    # (prima nota) and ?34 (Textschlüsselergänzung, for a return its reason code).
    purpose: list[str] = []
    name_parts: list[str] = []
    bank_code = account = iban_field = None
    posting_text = text_key = None
    for i in range(1, len(parts) - 1, 2):
        code, value = parts[i], parts[i + 1]
        if code == "00":
            posting_text = _clean(value)
        elif code == "34":
            text_key = _clean(value)
        elif code in _PURPOSE_CODES:
            purpose.append(value)
        elif code == "32" or code == "33":
            name_parts.append(value)
        elif code == "30":
            bank_code = value.strip()
        elif code == "31" and text[3] == "?":  # Triodos writes its customer's own account in ">31"
            account = value.strip()
        elif code == "38":
            iban_field = value.strip().replace(" ", "")
    if text[3] == ">" and len(purpose) >= 2:
        # Triodos: ">20" the counterparty's BIC, ">21" its IBAN, the text from ">22" on
        bic_text, iban_text = purpose[0].strip(), purpose[1].strip().replace(" ", "")
        if (is_bic(bic_text) and _IBAN_SHAPE.fullmatch(iban_text)) or (not bic_text and is_iban(iban_text)):
            account, bank_code = iban_text, bic_text or bank_code
            purpose = purpose[2:]
    name = _clean("".join(name_parts))
    return_reason = None
    if text[:3] in RETURN_GVCS or (posting_text and _RETURN_TEXT.search(posting_text.upper())):
        return_reason = text_key or posting_text or f"GVC {text[:3]}"
    bic = bank_code if bank_code and is_bic(bank_code) else None
    if iban_field and (not account or is_iban(iban_field)):
        account = iban_field
    if account and bank_code and not bic and not is_iban(account):
        account = f"{bank_code}/{account}"
    joined = "".join(purpose)
    pieces = _SEPA_KEY.split(joined)
    # pieces: [text before the first keyword, keyword, value, keyword, value, ...]
    if len(pieces) == 1:
        remittance = tuple(line for line in (_clean(v) for v in purpose) if line)
        return Details(
            remittance_lines=remittance,
            counterparty_name=name,
            counterparty_account=account or None,
            counterparty_bic=bic,
            creditor_references=_found_references(remittance),
            return_reason=return_reason,
        )
    values: dict[str, str] = {}
    overflow: list[str] = []
    head = _clean(pieces[0])
    position = len(pieces[0])
    for i in range(1, len(pieces), 2):
        key, value = pieces[i], pieces[i + 1]
        start = position + len(key) + 1
        position = start + len(value)
        if key in _SHORT_KEYS and len(value) > _SHORT_MAX and len(value.strip()) > _SHORT_MAX:
            # A reference is at most 35 characters: text beyond it that starts
            # a new sub-field is a free-text line the bank did not label.
            cut = max(
                (
                    b - start
                    for b in _boundaries(purpose)
                    if start < b < position and len(joined[start:b].strip()) <= _SHORT_MAX
                ),
                default=len(value),
            )
            overflow.append(value[cut:])
            value = value[:cut]
        if key not in values:
            values[key] = value
    lines = [line for line in (head, _clean(values.get("SVWZ")), *map(_clean, overflow)) if line]
    remittance = tuple(lines)
    if not account and "IBAN" in values:
        account = _clean(values["IBAN"])
    if not bic and "BIC" in values:
        bic = _clean(values["BIC"])
    return Details(
        remittance_lines=remittance,
        counterparty_name=name,
        counterparty_account=account or None,
        counterparty_bic=bic,
        ultimate_debtor=_clean(values.get("ABWA")),
        end_to_end_id=_reference(values.get("EREF")),
        has_end_to_end="EREF" in values,
        customer_reference=_reference(values.get("KREF")),
        mandate_id=_reference(values.get("MREF")),
        creditor_references=_found_references(remittance),
        return_reason=return_reason,
    )


# --- slash codes (/EREF/, /REMI/, /CNTP/ …) -----------------------------------------

_SLASH_CODES = (
    "TRTP|IBAN|BIC|NAME|ADDR|REMI|EREF|CNTP|ORDP|BENM|MARF|CSID|RTRN|ULTD|ULTC|ULTB|PREF|PURP|"
    "ISDT|SUM|OCMT|CHGS|EXCH|IREF|TRCD|BUSP|KREF|ID"
)
_SLASH_CODE = re.compile(rf"/({_SLASH_CODES})/")
# A line of this length or more was wrapped by the bank in the middle of a value.
_FULL_LINE = 60


def _join_wrapped(lines: list[str], sep: str = " ") -> str:
    """The lines as one text: glued where the bank wrapped a full line, else joined by ``sep``."""
    if len(lines) == 1:
        return lines[0]
    text = lines[0]
    previous_full = len(text) >= _FULL_LINE
    for line in lines[1:]:
        if not previous_full and not _breaks_code(text, line):
            text += sep
        text += line
        previous_full = len(line) >= _FULL_LINE
    return text


def _breaks_code(before: str, after: str) -> bool:
    """Whether a line break falls inside a slash code (Triodos wraps "…//RE" + "MI/USTD//…")."""
    head, tail = before[-6:], after[:6]
    return any(m.start() < len(head) < m.end() for m in _SLASH_CODE.finditer(head + tail))


def _slash(lines: list[str]) -> Details:
    parts = _SLASH_CODE.split(_join_wrapped(lines))
    # parts: [text before the first code, code, value, code, value, ...]
    values: dict[str, str] = {}
    for i in range(1, len(parts), 2):
        if parts[i] not in values:
            values[parts[i]] = parts[i + 1].strip().rstrip("/").strip()
    name = _clean(values.get("NAME"))
    account = _clean(values.get("IBAN"))
    bic = _clean(values.get("BIC"))
    if "CNTP" in values:
        cntp = [p.strip() for p in values["CNTP"].split("/")]
        cntp += [""] * (3 - len(cntp))
        account = account or cntp[0] or None
        bic = bic or cntp[1] or None
        name = name or _clean(cntp[2])
    for party in ("ORDP", "BENM"):
        if values.get(party):
            fields = [p.strip() for p in values[party].split("/")]
            if fields[0] and " " not in fields[0]:
                account = account or fields[0]
                if len(fields) > 1:
                    name = name or _clean(fields[1])
    structured: list[CreditorReference] = []
    remittance: tuple[str, ...]
    remi = values.get("REMI")
    if remi is None and not {"EREF", "CNTP", "IBAN", "NAME"} & values.keys():
        # codes of some other scheme (/OCMT/ then free text, /BENM/ then lines): keep the lines
        remittance = tuple(line for line in (_clean(v) for v in lines) if line)
    elif remi is None or remi.rstrip("/").strip() in ("", "USTD", "STRD"):
        remittance = ()  # no /REMI/, or an empty one (/REMI/USTD///)
    elif remi.startswith("USTD/"):
        remittance = tuple(line for line in (_clean(remi[5:].lstrip("/")),) if line)
    elif remi.lstrip("/").startswith("CDTRREFTP/"):
        # Rabobank: /REMI//CDTRREFTP//CD/SCOR/ISSR/CUR/CDTRREF/1234567899874563
        reference = _creditor_reference_fields(remi.lstrip("/"))
        value = reference.get("CDTRREF", "").strip()
        remittance = (value,) if value else ()
        if value:
            structured.append(_structured_reference(value, reference.get("ISSR", "").strip() or None))
    elif remi.startswith("STRD/"):
        fields = [p for p in remi[5:].split("/") if p.strip()]
        issuer = fields[0].strip() if len(fields) > 1 else None
        value = fields[-1].strip() if fields else ""
        remittance = (value,) if value else ()
        if value:
            structured.append(_structured_reference(value, issuer))
    else:
        remittance = tuple(line for line in (_clean(remi),) if line)
    original_amount = original_currency = None
    if "OCMT" in values:
        original_amount, original_currency = _original_amount(values["OCMT"].split("/")[0])
    return_reason = None
    if "RTRN" in values:
        return_reason = _clean(values["RTRN"].split("/")[0]) or "RTRN"
    ultimate = _clean(values["ULTD"].split("/")[0]) if values.get("ULTD") else None
    return Details(
        remittance_lines=remittance,
        counterparty_name=name,
        counterparty_account=account.replace(" ", "") if account else None,
        counterparty_bic=bic,
        ultimate_debtor=ultimate,
        end_to_end_id=_reference(values.get("EREF")),
        has_end_to_end="EREF" in values,
        customer_reference=_reference(values.get("KREF")),
        mandate_id=_reference(values.get("MARF")),
        creditor_references=_merge_references(structured, remittance),
        return_reason=return_reason,
        original_amount=original_amount,
        original_currency=original_currency,
    )


_REFERENCE_FIELD = re.compile(r"(CDTRREFTP|CDTRREF|CD|ISSR|PRTRY)/")


def _creditor_reference_fields(text: str) -> dict[str, str]:
    """The sub-fields of a Rabobank structured ``/REMI/``: ``CD``, ``ISSR``, ``CDTRREF``…

    >>> _creditor_reference_fields("CDTRREFTP//CD/SCOR/ISSR/CUR/CDTRREF/1234567899874563")["CDTRREF"]
    '1234567899874563'
    """
    parts = _REFERENCE_FIELD.split("/" + text.strip("/") + "/")
    # parts: [text before the first code, code, value, code, value, ...]
    return {parts[i]: parts[i + 1].strip("/") for i in range(1, len(parts) - 1, 2)}


# --- keyword form (ABN AMRO "IBAN: … NAAM: …", Knab "REK: …/NAAM: …") ---------------

_KEYWORD = re.compile(
    r"(IBAN|BIC|NAAM|OMSCHRIJVING|KENMERK|MACHTIGING|INCASSANT|REK|BETALINGSKENM\.?|BETALINGSKENMERK):\s?"
)
_KEYWORD_START = re.compile(r"(?:IBAN|NAAM|REK): ")
_LEADING_DIGITS = re.compile(r"[0-9](?:[0-9 ]*[0-9])?")


def _keywords(lines: list[str]) -> Details:
    text = "".join(lines)
    matches = list(_KEYWORD.finditer(text))
    values: dict[str, str] = {}
    for k, match in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        key = match.group(1).rstrip(".")
        values.setdefault(key, text[match.end() : end].strip().rstrip("/").strip())
    head = _clean(text[: matches[0].start()]) if matches else None
    account = _clean(values.get("IBAN") or values.get("REK"))
    description = _clean(values.get("OMSCHRIJVING"))
    structured: list[CreditorReference] = []
    payment_reference = values.get("BETALINGSKENMERK") or values.get("BETALINGSKENM")
    kept = [description or head]
    if payment_reference:
        digits = _LEADING_DIGITS.match(payment_reference)
        if payment_reference.replace(" ", "").isdigit():
            structured.append(_structured_reference(payment_reference, "CUR"))
        elif digits and 7 <= len(digits.group(0).replace(" ", "")) <= 16:
            structured.append(_structured_reference(digits.group(0), "CUR"))
        if not description and not payment_reference.replace(" ", "").isdigit():
            # Knab: "BETALINGSKENMERK: 00111111111, REFERENTIE …, 22-10-2014 15:01" is the only text
            kept.append(f"BETALINGSKENMERK: {payment_reference}")
    remittance = tuple(line for line in map(_clean, kept) if line)
    return Details(
        remittance_lines=remittance,
        counterparty_name=_clean(values.get("NAAM")),
        counterparty_account=account.replace(" ", "") if account else None,
        counterparty_bic=_clean(values.get("BIC")),
        end_to_end_id=_reference(values.get("KENMERK")),
        has_end_to_end="KENMERK" in values,
        mandate_id=_reference(values.get("MACHTIGING")),
        creditor_references=_merge_references(structured, remittance),
    )


# --- free text, possibly led by the counterparty's IBAN -----------------------------

_LEADING_ACCOUNT = re.compile(r"\s*([A-Z]{2}[0-9]{2}[A-Z0-9]{11,30})(?:\s+(.*))?$")
_LEADING_DOMESTIC = re.compile(r"\s*(P?[0-9]{1,10})(?:\s+(.*))?$")
_BETALINGSKENMERK = re.compile(r"BETALINGSKENM(?:ERK|\.)?:?\s*([0-9][0-9 ]{6,30}[0-9])")
_SORT_CODE_ACCOUNT = re.compile(r"([0-9]{2}-?[0-9]{2}-?[0-9]{2})\s*([0-9]{8})")


# Free text that labels the payer: "VIREMENT SEPA RECU DE: <name> IBAN: <iban>",
# "Overboeking VAN: <name>", "Gutschrift VON: <name>", "FROM: <name>", "NAME: <name>".
_PARTY_LABEL = re.compile(r"(?:^|(?<=[\s/;,.]))(DE|VAN|VON|FROM|NAAM|NAME)\s?:\s*", re.IGNORECASE)
# A value ends at the next label: a word followed by a colon ("IBAN:", "COMMUNICATION:", "Mitteilung:").
_NEXT_LABEL = re.compile(r"\s[A-Za-z][A-Za-z.#-]*\s?:")
_IBAN_LABEL = re.compile(r"(?:^|(?<=[\s/;,.]))IBAN\s?:\s*([A-Z]{2}[0-9]{2}[A-Z0-9 ]{11,45})", re.IGNORECASE)
_BIC_LABEL = re.compile(r"(?:^|(?<=[\s/;,.]))(?:BIC|SWIFT)\s?:\s*([A-Z0-9]{8,11})\b")


def _party_label(text: str) -> re.Match[str] | None:
    """The first name label written in capitals or title case ("DE:", "Von:"), not lower case prose."""
    for match in _PARTY_LABEL.finditer(text):
        if match.group(1)[0].isupper():
            return match
    return None


def _labelled_iban(text: str) -> str | None:
    """The IBAN after an ``IBAN:`` label, written whole or in groups, if its check digits are right."""
    match = _IBAN_LABEL.search(text)
    if match is None:
        return None
    tokens = match.group(1).upper().split()
    found = None
    compact = ""
    for token in tokens:
        compact += token
        if len(compact) > 34:
            break
        if is_iban(compact):
            found = compact
    return found


def _labelled_party(text: str) -> tuple[str | None, str | None, str | None]:
    """Name, IBAN and BIC that free text labels (``DE: … IBAN: … BIC: …``)."""
    name = None
    label = _party_label(text)
    if label is not None:
        rest = text[label.end() :].split("\n", 1)[0]  # a line break the bank made ends a value
        end = _NEXT_LABEL.search(rest)
        name = _clean(rest[: end.start()] if end else rest)
        if name is not None and not any(c.isalpha() for c in name):
            name = None
    bic_match = _BIC_LABEL.search(text)
    bic = bic_match.group(1) if bic_match and is_bic(bic_match.group(1)) else None
    return name, _labelled_iban(text), bic


def _free_text(lines: list[str], known_account: str | None = None) -> Details:
    remittance = [line for line in (_clean(v) for v in lines) if line]
    name = account = bic = None
    if remittance:
        match = _LEADING_ACCOUNT.match(remittance[0])
        if match and is_iban(match.group(1)):
            account, name = match.group(1), _clean(match.group(2))
            remittance = remittance[1:]
        elif known_account is not None:
            # SNS before SEPA: "0987654321 J. JANSEN", the number also in the :61: reference
            domestic = _LEADING_DOMESTIC.match(remittance[0])
            if domestic and domestic_account(domestic.group(1)) == known_account:
                account, name = known_account, _clean(domestic.group(2))
                remittance = remittance[1:]
    if remittance and name is None:
        # a value ends at the next label, or at the end of a line the bank did not fill ("FROM: MERCIA ROOFING
        # LIM" above "83-99-84 63192988")
        joined = _join_wrapped([line.strip() for line in lines], sep="\n")
        name, labelled_account, bic = _labelled_party(joined)
        account = account or labelled_account
        label = _party_label(joined) if name is not None and account is None else None
        if label is not None:
            # the payer's domestic account on the line after its name: a UK sort code and account number
            after = joined[label.end() :].split("\n")
            found = _SORT_CODE_ACCOUNT.fullmatch(after[1].strip()) if len(after) > 1 else None
            if found:
                account = f"{found.group(1)} {found.group(2)}"
                remittance = [line for line in remittance if line != after[1].strip()]
    structured: list[CreditorReference] = []
    for line in remittance:
        found = _BETALINGSKENMERK.search(line)
        if found:
            digits = re.sub(r"\s+", "", found.group(1))
            if 7 <= len(digits) <= 16:
                structured.append(_structured_reference(digits, "CUR"))
    lines_tuple = tuple(remittance)
    return Details(
        remittance_lines=lines_tuple,
        counterparty_name=name,
        counterparty_account=account,
        counterparty_bic=bic,
        creditor_references=_merge_references(structured, lines_tuple),
    )
