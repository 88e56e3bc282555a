"""Which bank statement format a file is in, told from its content.

The file name says little (banks call an MT940 ``.txt``, ``.sta``, ``.940``
or ``.mt9``), so :func:`detect` looks at the first bytes only (64 KiB are
plenty) and answers one of :data:`FORMATS`. It copes with byte-order marks,
UTF-16, leading blank lines and the SWIFT control characters some banks put
before an MT940. It classifies, it does not validate: a broken camt.053 is
still ``"camt.053"``, and its parser says what is wrong with it.

>>> detect(b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">')
'camt.053'
>>> detect(b":20:STARTUMS\\r\\n:25:12345678/1020304050\\r\\n:28C:0\\r\\n:60F:C230101EUR100,00\\r\\n")
'mt940'
>>> detect("Datum;Bedrag;Omschrijving\\n01-02-2026;12,50;Factuur 42\\n".encode("utf-16"))
'csv'
>>> detect(b"hello", source="notes.txt")  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
...
StatementError: notes.txt: not a bank statement format that can be recognised
"""

from __future__ import annotations

import codecs
import re
from typing import Final

from encaisse.formats.bank.records import StatementError

__all__ = ["FORMATS", "HEAD_SIZE", "detect"]

FORMATS: Final = ("camt.052", "camt.053", "camt.054", "mt940", "mt942", "bai2", "coda", "ofx", "csv")
HEAD_SIZE: Final = 64 * 1024

_CAMT_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:(camt\.05[234])\.")
_CAMT_MESSAGE: Final = (
    (re.compile(r"<(?:[\w.-]+:)?BkToCstmrStmt[\s>]"), "camt.053"),
    (re.compile(r"<(?:[\w.-]+:)?BkToCstmrDbtCdtNtfctn[\s>]"), "camt.054"),
    (re.compile(r"<(?:[\w.-]+:)?BkToCstmrAcctRpt[\s>]"), "camt.052"),
)
_OFX = re.compile(r"<\?OFX\b|<OFX>|^\s*OFXHEADER\s*:", re.IGNORECASE | re.MULTILINE)
# CODA record 0: '0', four zeros, creation date DDMMYY, bank number, application code 05
_CODA = re.compile(r"^00000[0-9]{6}[0-9 ]{3}05")
# BAI2 file header: record 01, sender, receiver, creation date YYMMDD (or YYYYMMDD, as some banks write it)
_BAI2 = re.compile(r"^01,[^,\n]*,[^,\n]*,(?:[0-9]{6}|(?:19|20)[0-9]{6}),")
# SWIFT blocks {1:F01...}{2:I940...} or field tags at the start of a line (:20:, :28C:, :NS:)
_SWIFT_BLOCK = re.compile(r"\{1:F[0-9]{2}[A-Z0-9]{8,}")
_MT_TAG = re.compile(r"^:(?:[0-9]{2}[A-Z]?|NS):", re.MULTILINE)
_MT942 = re.compile(r"\{2:[IO]942|^:34F:", re.MULTILINE)
_CSV_DELIMITERS: Final = (";", ",", "\t", "|")
# Blank space, NUL and the control characters of SWIFT transmissions (SOH, STX, ETX, SUB)
_LEADING = " \t\r\n\x00\x01\x02\x03\x1a\ufeff"


def detect(head: bytes, *, source: str = "<input>") -> str:
    """The format of a file from its first bytes, one of :data:`FORMATS`."""
    text = _decode(head[:HEAD_SIZE])
    body = text.lstrip(_LEADING)
    if not body:
        raise StatementError("empty file", source=source)
    if body.startswith("<"):
        if _OFX.search(body[:4096]):
            return "ofx"
        match = _CAMT_NAMESPACE.search(body)
        if match:
            return match.group(1)
        for pattern, name in _CAMT_MESSAGE:
            if pattern.search(body):
                return name
        raise StatementError(
            "an XML document that is neither an ISO 20022 camt.052/053/054 message nor OFX", source=source
        )
    if _OFX.search(body[:4096]):
        return "ofx"
    if _CODA.match(body):
        return "coda"
    if _BAI2.match(body):
        return "bai2"
    if _SWIFT_BLOCK.search(body) or _MT_TAG.search(body):
        return "mt942" if _MT942.search(body) else "mt940"
    if _is_csv(body, truncated=len(head) > HEAD_SIZE):
        return "csv"
    raise StatementError("not a bank statement format that can be recognised", source=source)


def _decode(data: bytes) -> str:
    """Text good enough to recognise ASCII markers; undecodable bytes become U+FFFD."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return _utf16(data[len(bom) :], encoding)
    if len(data) >= 4:
        # UTF-16 without a BOM: ASCII text leaves every other byte NUL
        sample = data[:512]
        odd_nul, even_nul = sample[1::2].count(0), sample[0::2].count(0)
        half = len(sample) // 2
        if odd_nul > 0.6 * half and even_nul < 0.1 * half:
            return _utf16(data, "utf-16-le")
        if even_nul > 0.6 * half and odd_nul < 0.1 * half:
            return _utf16(data, "utf-16-be")
    return data.decode("utf-8", errors="replace")


def _utf16(data: bytes, encoding: str) -> str:
    return data[: len(data) - len(data) % 2].decode(encoding, errors="replace")


def _is_csv(text: str, *, truncated: bool) -> bool:
    """Delimited lines: the table at the end of the head has a constant number of fields.

    Bank exports often start with a few lines about the account before the
    table, so only the trailing run of lines with the last line's delimiter
    count matters: at least two lines of three fields, or three of two.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if truncated and lines:
        lines.pop()  # the last line may be cut short
    if lines and lines[0].lower().startswith("sep="):
        lines.pop(0)
    for delimiter in _CSV_DELIMITERS:
        counts = [_count_outside_quotes(line, delimiter) for line in lines[-50:]]
        if not counts or counts[-1] < 1:
            continue
        run = 0
        for count in reversed(counts):
            if count != counts[-1]:
                break
            run += 1
        if run >= 3 or (run >= 2 and counts[-1] >= 2):
            return True
    return False


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count = 0
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count
