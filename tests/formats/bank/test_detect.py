"""Format detection from content, and the dispatcher that uses it."""

from __future__ import annotations

import codecs
import io
import sys
import types
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from realworld import params, realworld_files

from encaisse.formats import bank
from encaisse.formats.bank import FORMATS, StatementError, Transaction, parse, parse_all
from encaisse.formats.bank.detect import HEAD_SIZE, detect
from encaisse.formats.bank.records import Statement

FAMILY = {
    "camt053": "camt.053",
    "camt054": "camt.054",
    "mt940": "mt940",
    "bai2": "bai2",
    "coda": "coda",
    "ofx": "ofx",
}
# Expected results published beside the samples, not bank files
NOT_SAMPLES = (".json", ".yml", ".pydata")
# MT942 interim reports filed among the MT940 samples (SOURCES.md names them)
MT942 = {"wolph-mt940_mBank_mt942.sta", "wolph-mt940_self-provided_mt942.sta"}
# Deliberately broken samples that carry nothing of their format to recognise:
# a BAI2 whose only record has the invalid code 00, and an "MT940" of ten numbered lines.
UNRECOGNISABLE = {"moov-bai2_errors_sample-parseError.txt", "wolph-mt940_self-provided_invalid_statement.sta"}
SAMPLE_FILES = [p for folder in FAMILY for p in realworld_files(folder) if not p.name.endswith(NOT_SAMPLES)]
SAMPLES = [pytest.param(p, id=f"{p.parent.name}/{p.name}") for p in SAMPLE_FILES] or params("camt053")


@pytest.mark.realworld
@pytest.mark.parametrize("path", SAMPLES)
def test_realworld_samples_are_recognised(path: Path) -> None:
    head = path.read_bytes()[:HEAD_SIZE]
    if path.name in UNRECOGNISABLE:
        with pytest.raises(StatementError, match="not a bank statement format") as info:
            detect(head, source=path.name)
        assert info.value.source == path.name
        return
    expected = "mt942" if path.name in MT942 else FAMILY[path.parent.name]
    assert detect(head, source=path.name) == expected


@pytest.mark.realworld
def test_every_folder_was_seen() -> None:
    folders = {p.parent.name for folder in FAMILY for p in realworld_files(folder)}
    assert folders == set(FAMILY)


CAMT = b'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn/></Document>'


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (CAMT, "camt.054"),
        (codecs.BOM_UTF8 + CAMT, "camt.054"),
        (b"\r\n\r\n   \t" + CAMT, "camt.054"),
        (CAMT.decode().encode("utf-16"), "camt.054"),
        (codecs.BOM_UTF16_BE + CAMT.decode().encode("utf-16-be"), "camt.054"),
        (CAMT.decode().encode("utf-16-le"), "camt.054"),
        (CAMT.decode().encode("utf-16-be"), "camt.054"),
        (
            b'<c:Document xmlns:c="urn:iso:std:iso:20022:tech:xsd:camt.052.001.02"><c:BkToCstmrAcctRpt>',
            "camt.052",
        ),
        (b"<Document><BkToCstmrStmt><GrpHdr>", "camt.053"),
        (b"<Document><BkToCstmrDbtCdtNtfctn>", "camt.054"),
        (
            b'<AppHdr xmlns="urn:iso:std:iso:20022:tech:xsd:head.001.001.02"/><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">',
            "camt.053",
        ),
        (b"\x01\r\n:20:ST170119CYC/1\r\n:25:PL29114010810000267002001002\r\n", "mt940"),
        (b"{1:F01ABNANL2AXXXX0000000000}{2:I940ABNANL2AXXXXN}{4:\r\n:20:X\r\n-}", "mt940"),
        (b"{1:F01ABNANL2AXXXX0000000000}{2:O942ABNANL2AXXXXN}{4:\r\n:20:X\r\n-}", "mt942"),
        (b":20:X\n:25:123\n:28C:1\n:34F:EURD0,00\n:13D:2601011200+0100\n", "mt942"),
        (b"01,121140399,121140399,230214,0754,1,,,2/\n02,121140399,121140399,1,230213,,USD,2/\n", "bai2"),
        (b"0000006120672505        00099449  Testgebruiker21 ", "coda"),
        (b"OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\n\r\n<OFX>", "ofx"),
        (b'<?xml version="1.0"?>\n<?OFX OFXHEADER="200" VERSION="211"?>\n<OFX>', "ofx"),
        (b"\n\n<ofx>\n<SIGNONMSGSRSV1>", "ofx"),
    ],
)
def test_detect(data: bytes, expected: str) -> None:
    assert detect(data) == expected


# Bank CSV exports as banks write them (anonymised layouts)
CSV_EXPORTS = {
    "be-semicolon-with-preamble": (
        "Rekeningnummer;BE68 5390 0754 7034\n"
        "Periode;01/02/2026 - 28/02/2026\n"
        "\n"
        "Datum;Valutadatum;Bedrag;Munt;Tegenpartij;Mededeling\n"
        '02/02/2026;02/02/2026;1.250,00;EUR;"Brasserie Dupont; Fils";+++202/6000/12320+++\n'
        "03/02/2026;03/02/2026;-75,20;EUR;Proximus;Factuur 2026/0042\n"
    ).encode("cp1252"),
    "us-comma-quoted": (
        b'"Date","Description","Amount","Running Bal."\r\n'
        b'"02/01/2026","ACH CREDIT ACME, INC. INV 4471","1,250.00","10,250.00"\r\n'
        b'"02/02/2026","WIRE OUT","-500.00","9,750.00"\r\n'
    ),
    "tab-separated-utf16": "Date\tAmount\tReference\n2026-02-01\t12.50\tINV-1\n2026-02-02\t-3.00\tFEE\n".encode(
        "utf-16"
    ),
    "excel-sep-line": b"sep=;\nDate;Amount;Reference\n2026-02-01;12,50;INV-1\n",
}


@pytest.mark.parametrize("name", sorted(CSV_EXPORTS))
def test_csv_exports(name: str) -> None:
    assert detect(CSV_EXPORTS[name], source=f"{name}.csv") == "csv"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"  \r\n\t ", "empty file"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "not a bank statement format"),
        (b"Dear customer,\nyour statement is attached.\n", "not a bank statement format"),
        (b"just one line; with a semicolon\n", "not a bank statement format"),
        (b"Dear customer,\nyour statement, as agreed.\n", "not a bank statement format"),
        (b"<html><body>Session expired</body></html>", "neither an ISO 20022 camt"),
        (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">', "neither an ISO 20022 camt"),
    ],
)
def test_unknown_content_is_refused_naming_the_source(data: bytes, message: str) -> None:
    with pytest.raises(StatementError, match=message) as info:
        detect(data, source="upload-17.dat")
    assert str(info.value).startswith("upload-17.dat")


def test_bai2_with_dates_written_yyyymmdd_is_bai2_not_csv() -> None:
    # Some banks write the 01 and 02 dates with the year in full; the detail keeps YYMMDD.
    data = (
        b"01,121140399,ACME,20260105,0800,1,,,2/\n"
        b"02,ACME,121140399,1,20260104,2400,USD,2/\n"
        b"03,12345,USD,010,100000,,,015,112500,,/\n"
        b"16,165,12500,V,260103,,REF1,INV-42,ACH CREDIT/\n"
        b"49,225000,3/\n98,225000,1,5/\n99,225000,1,7/\n"
    )
    assert detect(data) == "bai2"
    (parsed,) = parse_all(data, source="statement.txt")
    assert (parsed.statement.format, parsed.statement.to_date) == ("bai2", date(2026, 1, 4))
    assert [(t.amount, t.value_date) for t in parsed.transactions] == [(Decimal("125.00"), date(2026, 1, 3))]


def test_only_the_head_counts() -> None:
    padded = b" " * HEAD_SIZE + CAMT
    with pytest.raises(StatementError):
        detect(padded)
    assert detect(CAMT + b" " * (10 * HEAD_SIZE)) == "camt.054"


# --- the dispatcher ------------------------------------------------------------------

NOTIFICATION = (
    b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn>'
    b"<GrpHdr><MsgId>M</MsgId><CreDtTm>2026-02-02T09:00:00Z</CreDtTm></GrpHdr><Ntfctn><Id>N1</Id>"
    b"<Acct><Id><IBAN>BE68539007547034</IBAN></Id></Acct>"
    b'<Ntry><Amt Ccy="EUR">80.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts></Ntry>'
    b"</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"
)


class OneWay(io.RawIOBase):
    """A stream that cannot seek back, like a socket or a pipe."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: Any) -> int:
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


@pytest.mark.parametrize(
    "source",
    [
        lambda: NOTIFICATION,
        lambda: io.BytesIO(NOTIFICATION),
        lambda: io.BufferedReader(OneWay(NOTIFICATION)),
        lambda: io.BufferedReader(OneWay(NOTIFICATION + b" " * (3 * HEAD_SIZE)), buffer_size=512),
    ],
    ids=["bytes", "seekable", "one-way", "one-way-long"],
)
def test_parse_detects_and_reads_from_the_start(source: Any) -> None:
    (parsed,) = parse_all(source(), source="n.xml")
    assert parsed.statement.format == "camt.054"
    assert [t.amount for t in parsed.transactions] == [Decimal("80.00")]


def test_parse_with_a_given_format_skips_detection() -> None:
    records = list(parse(NOTIFICATION, source="n.xml", format="camt.053"))
    assert isinstance(records[-1], Statement) and records[-1].format == "camt.054"


def test_parse_passes_options_to_the_parser() -> None:
    xml = NOTIFICATION.replace(
        b"</Ntry>",
        b"<NtryDtls><TxDtls><RmtInf><Ustrd>A</Ustrd></RmtInf></TxDtls><TxDtls><RmtInf><Ustrd>B</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>",
    )
    with pytest.raises(StatementError, match="without their amounts"):
        parse_all(xml, source="n.xml", batch_without_amounts="refuse")
    (parsed,) = parse_all(xml, source="n.xml")
    assert parsed.transactions[0].remittance_lines == ("A", "B")


def test_unknown_format_and_csv_without_profile() -> None:
    with pytest.raises(StatementError, match="unknown format 'qif'"):
        parse(b"!Type:Bank", source="a.qif", format="qif")
    with pytest.raises(StatementError, match="profile="):
        parse(CSV_EXPORTS["us-comma-quoted"], source="a.csv")


@pytest.fixture
def fake_parsers(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bytes, str, dict[str, Any]]]:
    """Stand-ins for the sibling parsers, to see what the dispatcher hands them."""
    calls: list[tuple[str, bytes, str, dict[str, Any]]] = []
    for module in {m for m in FORMATS.values() if not m.endswith(".camt")}:

        def iter_parse(
            stream: BinaryIO, *, source: str, _module: str = module, **options: Any
        ) -> Iterator[Transaction | Statement]:
            calls.append((_module, stream.read(), source, options))
            yield Statement(format=_module.rsplit(".", 1)[1], currency=None, location="line 1")

        fake = types.ModuleType(module)
        fake.iter_parse = iter_parse  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, module, fake)
    return calls


@pytest.mark.parametrize(
    ("data", "module", "options"),
    [
        (b":20:X\r\n:25:123\r\n:28C:1\r\n", "mt940", {}),
        (b":20:X\r\n:25:123\r\n:34F:EURD0,00\r\n", "mt940", {}),
        (b"01,121140399,121140399,230214,0754,1,,,2/\n", "bai2", {}),
        (b"0000006120672505        00099449  Testgebruiker21 ", "coda", {}),
        (b"OFXHEADER:100\r\n\r\n<OFX>", "ofx", {}),
        (CSV_EXPORTS["us-comma-quoted"], "csv", {"profile": "us-bank"}),
    ],
)
def test_dispatch_to_the_sibling_parsers(
    fake_parsers: list[tuple[str, bytes, str, dict[str, Any]]],
    data: bytes,
    module: str,
    options: dict[str, Any],
) -> None:
    (parsed,) = parse_all(io.BufferedReader(OneWay(data)), source="upload", **options)
    assert parsed.statement.format == module
    assert fake_parsers == [(f"encaisse.formats.bank.{module}", data, "upload", options)]


def test_reexports() -> None:
    assert bank.records.StatementError is StatementError
    assert set(FORMATS) == {
        "camt.052",
        "camt.053",
        "camt.054",
        "mt940",
        "mt942",
        "bai2",
        "coda",
        "ofx",
        "csv",
    }
