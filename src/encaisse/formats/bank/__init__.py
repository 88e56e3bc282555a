"""Bank statement formats: one entry point whatever the file.

:func:`parse` recognises the format from the content (or takes the one it is
told), hands the stream to that format's parser and yields the same records
for all of them (:mod:`encaisse.formats.bank.records`): each statement's
transactions, then the statement. :func:`parse_all` gathers them for small
files and tests. Every parser raises :class:`StatementError`, and nothing
else, for a file it cannot read.

>>> xml = b'''<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
... <BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>M</MsgId><CreDtTm>2026-02-02T09:00:00Z</CreDtTm></GrpHdr>
... <Ntfctn><Id>N1</Id><Acct><Id><IBAN>BE68539007547034</IBAN></Id></Acct>
... <Ntry><Amt Ccy="EUR">80.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts></Ntry>
... </Ntfctn></BkToCstmrDbtCdtNtfctn></Document>'''
>>> [p.statement.format for p in parse_all(xml, source="n.xml")]
['camt.054']
>>> parse_all(b"%PDF-1.7", source="statement.pdf")  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
...
StatementError: statement.pdf: not a bank statement format that can be recognised
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Iterator
from typing import Any, BinaryIO, Final, cast

from encaisse.formats.bank import records
from encaisse.formats.bank.detect import HEAD_SIZE, detect
from encaisse.formats.bank.records import (
    Balance,
    BankTransactionCode,
    CreditorReference,
    ParsedStatement,
    ReferenceKind,
    Statement,
    StatementError,
    Transaction,
    collect,
)

__all__ = [
    "FORMATS",
    "Balance",
    "BankTransactionCode",
    "CreditorReference",
    "ParsedStatement",
    "ReferenceKind",
    "Statement",
    "StatementError",
    "Transaction",
    "collect",
    "detect",
    "parse",
    "parse_all",
    "records",
]

# format name -> the module whose ``iter_parse(stream, *, source, **options)`` reads it
FORMATS: Final[dict[str, str]] = {
    "camt.052": "encaisse.formats.bank.camt",
    "camt.053": "encaisse.formats.bank.camt",
    "camt.054": "encaisse.formats.bank.camt",
    "mt940": "encaisse.formats.bank.mt940",
    "mt942": "encaisse.formats.bank.mt940",
    "bai2": "encaisse.formats.bank.bai2",
    "coda": "encaisse.formats.bank.coda",
    "ofx": "encaisse.formats.bank.ofx",
    "csv": "encaisse.formats.bank.csv",
}


def parse(
    data: bytes | BinaryIO, *, source: str, format: str | None = None, **options: Any
) -> Iterator[Transaction | Statement]:
    """Records of a bank file: each statement's transactions, then the statement.

    ``format`` is one of :data:`FORMATS`, or ``None`` to recognise it from
    the content. ``options`` go to the format's parser; CSV needs
    ``profile=`` (the bank's column layout). Detection happens at once; the
    records are read as they are consumed.
    """
    stream: BinaryIO = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    if format is None:
        head = stream.read(HEAD_SIZE)
        format = detect(head, source=source)
        stream = _rewound(stream, head)
    module_name = FORMATS.get(format)
    if module_name is None:
        raise StatementError(f"unknown format {format!r}; known: {', '.join(FORMATS)}", source=source)
    if format == "csv" and "profile" not in options:
        raise StatementError("a CSV export needs profile= to say which columns hold what", source=source)
    module = importlib.import_module(module_name)
    return cast(Iterator[Transaction | Statement], module.iter_parse(stream, source=source, **options))


def parse_all(
    data: bytes | BinaryIO, *, source: str, format: str | None = None, **options: Any
) -> list[ParsedStatement]:
    """Every statement of a bank file with its transactions (for small files and tests)."""
    return collect(parse(data, source=source, format=format, **options))


def _rewound(stream: BinaryIO, head: bytes) -> BinaryIO:
    """The stream from its start again, after ``head`` was read from it."""
    if stream.seekable():
        stream.seek(stream.tell() - len(head))
        return stream
    return cast(BinaryIO, io.BufferedReader(_Prefixed(head, stream)))


class _Prefixed(io.RawIOBase):
    """Bytes already read, then the rest of a stream that cannot seek back."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            size = min(len(view), len(self._head))
            view[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        chunk = self._rest.read(len(view))
        view[: len(chunk)] = chunk
        return len(chunk)
