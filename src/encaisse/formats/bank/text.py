"""Decoding the bytes of text bank formats (MT940, BAI2, CODA, CSV, OFX 1.x).

Banks send these files in UTF-8, Windows-1252 or ISO 8859-1, with or without
a byte-order mark, with CRLF or LF line ends. Nothing is decoded silently
wrong: an explicit encoding must decode strictly; without one, a UTF-8 BOM or
UTF-16 BOM decides, then strict UTF-8 is tried, then Windows-1252 — but only
when the bytes use none of the positions Windows-1252 leaves undefined.

>>> decode_text(b"\\xef\\xbb\\xbf:20:ABC\\r\\n", source="a.sta")
':20:ABC\\n'
>>> decode_text("Société".encode("cp1252"), source="a.sta")
'Société'
>>> decode_text(b"caf\\xe9", source="a.sta", encoding="utf-8")  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
...
StatementError: a.sta, byte 3: cannot decode as utf-8 (field encoding, value '\\\\xe9')
"""

from __future__ import annotations

import codecs

from encaisse.formats.bank.records import StatementError

# Windows-1252 leaves these bytes undefined; their presence means the file is
# neither UTF-8 nor Windows-1252 and we refuse to guess.
_CP1252_UNDEFINED = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})


def decode_text(data: bytes, *, source: str, encoding: str | None = None) -> str:
    """Text with universal newlines (``\\n``), decoded as described above."""
    if encoding is not None:
        text = _strict(data, encoding, source)
    elif data.startswith(codecs.BOM_UTF8):
        text = _strict(data[len(codecs.BOM_UTF8) :], "utf-8", source)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _strict(data, "utf-16", source)
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            bad = next((i for i, b in enumerate(data) if b in _CP1252_UNDEFINED), None)
            if bad is not None:
                raise StatementError(
                    "neither UTF-8 nor Windows-1252; give the encoding explicitly",
                    source=source,
                    location=f"byte {bad}",
                    field="encoding",
                    value=repr(data[bad : bad + 1])[2:-1],
                ) from None
            text = data.decode("cp1252")
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        raise StatementError("binary content (NUL byte) in a text format", source=source, field="encoding")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise StatementError(
            f"cannot decode as {encoding}",
            source=source,
            location=f"byte {exc.start}",
            field="encoding",
            value=repr(data[exc.start : exc.start + 1])[2:-1],
        ) from None
    except LookupError:
        raise StatementError(f"unknown encoding {encoding!r}", source=source, field="encoding") from None
