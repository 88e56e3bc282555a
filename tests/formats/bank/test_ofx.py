"""OFX/QFX: SGML and XML files from several banks, safety, encodings, round trips, fuzzing."""

from __future__ import annotations

import contextlib
import io
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from fuzzing import mutate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ofx_writer import write_ofx
from realworld import params, realworld_files, require

from encaisse.formats.bank import ofx
from encaisse.formats.bank.records import (
    Balance,
    BankTransactionCode,
    ParsedStatement,
    Statement,
    StatementError,
    Transaction,
    collect,
)

D = Decimal


def parse(data: bytes) -> list[ParsedStatement]:
    return collect(ofx.iter_parse(io.BytesIO(data), source="test.ofx"))


def parse_file(path: Path) -> list[ParsedStatement]:
    with path.open("rb") as stream:
        return collect(ofx.iter_parse(stream, source=path.name))


# -- real-world files ---------------------------------------------------------------

# Hand-checked against the files: per statement (account, currency, number of
# transactions, first and last amount, closing ledger balance and its date).
GOLDEN: dict[str, list[tuple[str, str, int, D | None, D | None, Balance | None]]] = {
    "oca-bsi16_test_ofx.ofx": [
        ("123456", "USD", 4, D("-80.00"), D("-90.00"), Balance(D("2156.56"), "USD", date(2013, 8, 31))),
        ("123412341234", "USD", 0, None, None, Balance(D("-562.00"), "USD", date(2013, 8, 31))),
    ],
    "oca-bsi16_test_ofx_iban.ofx": [
        ("12345678901", "USD", 4, D("-80.00"), D("-90.00"), Balance(D("2156.56"), "USD", date(2013, 8, 31))),
        ("123412341234", "USD", 0, None, None, Balance(D("-562.00"), "USD", date(2013, 8, 31))),
    ],
    "ofxparse_anzcc.ofx": [
        (
            "1234123412341234",
            "AUD",
            1,
            D("-5.50"),
            D("-5.50"),
            Balance(D("-123.45"), "AUD", date(2017, 5, 10)),
        ),
    ],
    "ofxparse_bank_medium.ofx": [
        (
            "12300 000012345678",
            "CAD",
            3,
            D("-6.60"),
            D("-22.00"),
            Balance(D("382.34"), "CAD", date(2009, 5, 23)),
        ),
    ],
    "ofxparse_bank_small.ofx": [],
    "ofxparse_checking.ofx": [
        ("1452687~7", "USD", 3, D("0.01"), D("-25.00"), Balance(D("100.99"), "USD", date(2013, 5, 25))),
    ],
    # An empty <BALAMT> is no balance, here as in ofx-v102-empty-tags.ofx.
    "ofxparse_fail_nice_empty_balance.ofx": [("192639749", "CAD", 1, D("120.00"), D("120.00"), None)],
    "ofxparse_multiple_accounts.ofx": [
        ("9100", "USD", 0, None, None, Balance(D("111.00"), "USD", date(2012, 6, 3))),
        ("9200", "USD", 0, None, None, Balance(D("222.00"), "USD", date(2012, 6, 3))),
    ],
    "ofxparse_multiple_accounts2.ofx": [
        ("9100", "USD", 0, None, None, Balance(D("111.00"), "USD", date(2012, 6, 3))),
        ("9200", "USD", 0, None, None, Balance(D("222.00"), "USD", date(2012, 6, 3))),
    ],
    "ofxparse_ofx-v102-empty-tags.ofx": [("12345678", "AUD", 1, D("12.34"), D("12.34"), None)],
    "ofxparse_suncorp.ofx": [
        ("123456789", "AUD", 1, D("-16.85"), D("-16.85"), Balance(D("1234.12"), "AUD", date(2013, 12, 15))),
    ],
    "ofxtools_br_nubank_cc.ofx": [
        (
            "11111111-UUID-UUID-UUID-111111111111",
            "BRL",
            6,
            D("-13.00"),
            D("-959.00"),
            Balance(D("-1280.91"), "BRL", date(2024, 3, 25)),
        ),
    ],
    "ofxtools_stmtrs.ofx": [
        ("999988", "USD", 2, D("-200.00"), D("-300.00"), Balance(D("200.29"), "USD", date(2005, 10, 29))),
    ],
    "ofxtools_stmtrs_euro.ofx": [
        ("999988", "USD", 2, D("-200.00"), D("-300.00"), Balance(D("200.29"), "USD", date(2005, 10, 29))),
    ],
}

# Refused, with where and which field.
BROKEN = {
    # CURDEF and BANKACCTFROM commented out
    "oca-bsi16_test_ofx_wrong.ofx": ("line 21", "BANKACCTFROM"),
    # the statement response says STATUS 2000 ERROR "General Server Error"
    "ofxparse_error_message.ofx": ("line 22", "STATUS/CODE"),
    # the first transaction has no DTPOSTED
    "ofxparse_fail_nice_date_missing.ofx": ("line 33", "DTPOSTED"),
    # DTPOSTED 201120000000 (month 20); its TRNAMT $120 is no amount either
    "ofxparse_fail_nice_decimal_error.ofx": ("line 36", "DTPOSTED"),
    # sign-on refused: STATUS 15500 ERROR
    "ofxparse_signon_fail.ofx": ("line 11", "STATUS/CODE"),
}


@pytest.mark.realworld
@pytest.mark.parametrize("path", params("ofx"))
def test_every_real_file_parses_or_fails_as_documented(path: Path) -> None:
    if path.name in BROKEN:
        with pytest.raises(StatementError) as caught:
            parse_file(path)
        assert (caught.value.location, caught.value.field) == BROKEN[path.name]
        return
    parsed = parse_file(path)
    got = [
        (
            p.statement.account_number,
            p.statement.currency,
            len(p.transactions),
            p.transactions[0].amount if p.transactions else None,
            p.transactions[-1].amount if p.transactions else None,
            p.statement.closing_balance,
        )
        for p in parsed
    ]
    assert got == GOLDEN[path.name]
    for index, p in enumerate(parsed, start=1):
        assert p.statement.format == "ofx"
        assert p.statement.opening_balance is None  # OFX has none
        assert p.statement.statement_index == index
        assert all(t.statement_index == index and t.booking_date is not None for t in p.transactions)


def test_the_golden_table_covers_every_sample() -> None:
    names = {p.name for p in realworld_files("ofx")}
    if names:
        assert names == set(GOLDEN) | set(BROKEN)


def realworld(name: str) -> list[ParsedStatement]:
    paths = require("ofx", name)
    return parse_file(paths[0])


@pytest.mark.realworld
def test_quicken_style_sgml_fields() -> None:
    (p,) = realworld("ofxparse_bank_medium.ofx")
    first = p.transactions[0]
    assert first == Transaction(
        amount=D("-6.60"),
        currency="CAD",
        location="line 15",
        bank_reference="0000123456782009040100001",
        booking_date=date(2009, 4, 1),
        counterparty_name="MCDONALD'S #112",
        remittance_lines=("POS MERCHANDISE;MCDONALD'S #112",),
        bank_transaction_code=BankTransactionCode(proprietary="POS", proprietary_issuer="OFX"),
    )
    assert p.statement.version == "102"
    assert p.statement.created_at == datetime(2009, 5, 23, 12, 20, 17, tzinfo=UTC)
    assert (p.statement.from_date, p.statement.to_date) == (date(2009, 4, 1), date(2009, 5, 23))
    check = realworld("ofxparse_checking.ofx")[0].transactions[2]
    assert (check.entry_reference, check.bank_transaction_code) == (
        "319",
        BankTransactionCode(proprietary="CHECK", proprietary_issuer="OFX"),
    )


@pytest.mark.realworld
def test_xml_and_tolerated_oddities() -> None:
    # decimal comma, DTUSER value date, a 12-digit DTASOF
    euro = realworld("ofxtools_stmtrs_euro.ofx")[0]
    assert euro == realworld("ofxtools_stmtrs.ofx")[0]
    assert euro.transactions[1].value_date == date(2005, 10, 20)
    assert euro.transactions[0].entry_reference == "1000"
    # CDATA sections
    (suncorp,) = realworld("ofxparse_suncorp.ofx")[0].transactions
    assert suncorp.counterparty_name == "EFTPOS WDL HANDYWAY ALDI STORE"
    assert suncorp.entry_reference is None  # CHECKNUM 0 is no check
    # an XML header over unclosed SGML leaves, a credit card statement
    (anz,) = realworld("ofxparse_anzcc.ofx")
    assert anz.transactions[0].remittance_lines == ("SOME MEMO",)
    assert anz.statement.version == "203"
    # empty tags: no FITID, currency from the transaction's CURRENCY aggregate
    (empty,) = realworld("ofxparse_ofx-v102-empty-tags.ofx")
    assert (empty.transactions[0].bank_reference, empty.transactions[0].exchange_rate) == (None, None)
    # the OCA test: 2516.56 opening is the closing minus the transactions
    bank, card = realworld("oca-bsi16_test_ofx.ofx")
    opening = bank.statement.closing_balance.amount - sum(t.amount for t in bank.transactions)  # type: ignore[union-attr]
    assert opening == D("2516.56")
    assert bank.transactions[0].booking_date == date(2013, 8, 24)
    assert card.statement.account_number == "123412341234"
    # a bank that forgot </BANKTRANLIST>: its ledger balance is still the statement's
    assert realworld("ofxtools_br_nubank_cc.ofx")[0].statement.closing_balance is not None


# -- synthetic files ------------------------------------------------------------------

SGML_HEADER = b"OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\n\n"
XML_HEADER = b'<?xml version="1.0" encoding="UTF-8"?>\n<?OFX OFXHEADER="200" VERSION="220"?>\n'


def sgml(transactions: bytes, extra: bytes = b"", header: bytes = SGML_HEADER) -> bytes:
    return header + (
        b"<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>"
        b"<DTSERVER>20260105083000.000[+1:CET]<LANGUAGE>FRA</SONRS></SIGNONMSGSRSV1>\n"
        b"<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>\n"
        b"<STMTRS><CURDEF>EUR<BANKACCTFROM><BANKID>GEBABEBB<ACCTID>BE68 5390 0754 7034<ACCTTYPE>CHECKING"
        b"</BANKACCTFROM>\n<BANKTRANLIST><DTSTART>20260101<DTEND>20260105\n"
        + transactions
        + b"\n</BANKTRANLIST><LEDGERBAL><BALAMT>100.00<DTASOF>20260105</LEDGERBAL>"
        + extra
        + b"</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n"
    )


def test_a_minimal_sgml_file() -> None:
    data = sgml(
        b"<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20260104<DTUSER>20260103<TRNAMT>1.234,50<FITID>F1"
        b"<REFNUM>E2E<PAYEE><NAME>ACME &amp; Co<CITY>Liege</PAYEE><BANKACCTTO><BANKID>1<ACCTID>BE71096123456769"
        b"</BANKACCTTO><MEMO>Invoice 42</STMTTRN>"
    )
    (p,) = parse(data)
    assert p.statement == Statement(
        format="ofx",
        currency="EUR",
        location="line 10",
        transaction_count=1,
        version="102",
        account_iban="BE68539007547034",
        account_number="BE68 5390 0754 7034",
        account_bic="GEBABEBB",
        closing_balance=Balance(D("100.00"), "EUR", date(2026, 1, 5)),
        created_at=datetime(2026, 1, 5, 7, 30, tzinfo=UTC),
        from_date=date(2026, 1, 1),
        to_date=date(2026, 1, 5),
    )
    assert p.transactions == (
        Transaction(
            amount=D("1234.50"),
            currency="EUR",
            location="line 12",
            bank_reference="F1",
            booking_date=date(2026, 1, 4),
            value_date=date(2026, 1, 3),
            counterparty_name="ACME & Co",
            counterparty_account="BE71096123456769",
            remittance_lines=("Invoice 42",),
            end_to_end_id="E2E",
            bank_transaction_code=BankTransactionCode(proprietary="CREDIT", proprietary_issuer="OFX"),
        ),
    )


def test_foreign_currency_amounts() -> None:
    data = sgml(
        b"<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20260104<TRNAMT>-10<FITID>1"
        b"<ORIGCURRENCY><CURRATE>1.0850<CURSYM>USD</ORIGCURRENCY></STMTTRN>"
        b"<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20260104<TRNAMT>-1000<FITID>2"
        b"<CURRENCY><CURRATE>0.0062<CURSYM>JPY</CURRENCY></STMTTRN>"
    )
    first, second = parse(data)[0].transactions
    assert (first.amount, first.currency, first.original_currency, first.exchange_rate) == (
        D("-10.00"), "EUR", "USD", D("1.0850"),
    )  # fmt: skip
    assert (second.amount, second.currency, second.exchange_rate) == (D("-1000"), "JPY", D("0.0062"))


def test_stray_text_in_an_aggregate_does_not_close_it() -> None:
    data = sgml(b"<STMTTRN>stray<TRNTYPE>DEBIT<DTPOSTED>20260104<TRNAMT>-1<FITID>A</STMTTRN>")
    assert [t.bank_reference for t in parse(data)[0].transactions] == ["A"]


def test_several_transaction_lists_and_unclosed_transactions() -> None:
    data = sgml(
        b"<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20260104<TRNAMT>-1<FITID>A\n"
        b"<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20260104<TRNAMT>-2<FITID>B</STMTTRN>"
        b"</BANKTRANLIST><BANKTRANLIST><STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20260104<TRNAMT>-3<FITID>C</STMTTRN>"
    )
    assert [t.bank_reference for t in parse(data)[0].transactions] == ["A", "B", "C"]


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (
            XML_HEADER + b'<!DOCTYPE OFX [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><OFX>&lol2;</OFX>',
            "markup",
        ),
        (
            XML_HEADER + b'<!DOCTYPE OFX [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><OFX>&xxe;</OFX>',
            "markup",
        ),
        (XML_HEADER + b'<!DOCTYPE OFX SYSTEM "http://example.invalid/ofx.dtd"><OFX></OFX>', "markup"),
        (SGML_HEADER + b'<!DOCTYPE OFX [<!ENTITY e "x">]><OFX></OFX>', "markup"),
    ],
)
def test_dtds_and_entity_declarations_are_refused(document: bytes, field: str) -> None:
    with pytest.raises(StatementError) as caught:
        parse(document)
    assert caught.value.field == field


def test_xml_ofx_with_closed_tags() -> None:
    data = XML_HEADER + (
        b"<OFX><CREDITCARDMSGSRSV1><CCSTMTTRNRS><TRNUID>1</TRNUID><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY>"
        b"</STATUS><CCSTMTRS><CURDEF>USD</CURDEF><CCACCTFROM><ACCTID>4111</ACCTID></CCACCTFROM><BANKTRANLIST>"
        b"<STMTTRN><TRNTYPE>PAYMENT</TRNTYPE><DTPOSTED>20260104120000[-5:EST]</DTPOSTED><TRNAMT>+25</TRNAMT>"
        b"<FITID>9</FITID><NAME>Caf\xc3\xa9 &lt;Nord&gt;</NAME></STMTTRN></BANKTRANLIST></CCSTMTRS></CCSTMTTRNRS>"
        b"</CREDITCARDMSGSRSV1></OFX>"
    )
    (p,) = parse(data)
    assert (p.statement.account_number, p.statement.version, p.statement.closing_balance) == (
        "4111",
        "220",
        None,
    )
    tx = p.transactions[0]
    assert (tx.amount, tx.counterparty_name, tx.booking_date) == (D("25.00"), "Café <Nord>", date(2026, 1, 4))


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (
            sgml(b"<STMTTRN><DTPOSTED>20260104<TRNAMT>1<NAME>Soci\xe9t\xe9 G\xe9n\xe9rale</STMTTRN>"),
            "Société Générale",
        ),
        # declared CHARSET:1252, written in UTF-8: read as UTF-8
        (sgml("<STMTTRN><DTPOSTED>20260104<TRNAMT>1<NAME>Société</STMTTRN>".encode()), "Société"),
        # UTF-8 declared, with a byte-order mark and CRLF line ends
        (
            b"\xef\xbb\xbf"
            + sgml(
                "<STMTTRN><DTPOSTED>20260104<TRNAMT>1<NAME>Zürich</STMTTRN>".encode(),
                header=SGML_HEADER.replace(b"USASCII", b"UTF-8"),
            ).replace(b"\n", b"\r\n"),
            "Zürich",
        ),
    ],
)
def test_encodings(data: bytes, name: str) -> None:
    assert parse(data)[0].transactions[0].counterparty_name == name


@pytest.mark.parametrize(
    ("transactions", "extra", "location", "field"),
    [
        (b"<STMTTRN><DTPOSTED>20260104<FITID>1</STMTTRN>", b"", "line 12", "TRNAMT"),
        (b"<STMTTRN><DTPOSTED>20260104<TRNAMT>12,345,6</STMTTRN>", b"", "line 12", "TRNAMT"),
        (b"<STMTTRN><DTPOSTED>20260230<TRNAMT>1</STMTTRN>", b"", "line 12", "DTPOSTED"),
        (b"<STMTTRN><DTPOSTED>20260101[+25:X]<TRNAMT>1</STMTTRN>", b"", "line 12", "DTPOSTED"),
        (b"", b"<INVSTMTRS></INVSTMTRS>", "line 13", "INVSTMTRS"),
    ],
)
def test_bad_input_names_line_and_field(transactions: bytes, extra: bytes, location: str, field: str) -> None:
    with pytest.raises(StatementError) as caught:
        parse(sgml(transactions, extra))
    assert (caught.value.location, caught.value.field) == (location, field)


@pytest.mark.parametrize(
    "data",
    [b"", b"hello", b"<html><body>no</body></html>", b"OFXHEADER:100\n\n<NOTOFX></NOTOFX>", b"\xff\xfe\x00<"],
)
def test_not_ofx(data: bytes) -> None:
    with pytest.raises(StatementError):
        parse(data)


def test_a_statement_without_currency_is_refused() -> None:
    with pytest.raises(StatementError) as caught:
        parse(sgml(b"<STMTTRN><DTPOSTED>20260104<TRNAMT>1</STMTTRN>").replace(b"<CURDEF>EUR", b"<CURDEF>"))
    assert caught.value.field == "CURDEF"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", D("12")), ("-0.5", D("-0.5")), (".5", D("0.5")), ("1 234,56", D("1234.56")), ("+3,", D("3"))],
)
def test_amounts(text: str, expected: Decimal) -> None:
    assert ofx.parse_amount(text) == expected


@pytest.mark.parametrize("text", ["", "-", "1e5", "NaN", "12.3.4", "1,2,3", "$1"])
def test_not_amounts(text: str) -> None:
    assert ofx.parse_amount(text) is None


# -- round trips ----------------------------------------------------------------------

TEXT = (
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefxyzéü0123456789 &'.,#-/", min_size=1, max_size=30)
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
REF = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-", min_size=1, max_size=20)
DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2080, 12, 31))
MOMENTS = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2080, 1, 1)).map(
    lambda d: d.replace(microsecond=0, tzinfo=UTC)
)


@st.composite
def statements(draw: st.DrawFn, index: int, created: datetime | None) -> ParsedStatement:
    currency = draw(st.sampled_from(["USD", "EUR", "CAD"]))
    txs = tuple(
        Transaction(
            amount=D(draw(st.integers(-(10**12), 10**12))).scaleb(-2),
            currency=currency,
            location="",
            bank_reference=draw(st.none() | REF),
            entry_reference=draw(st.none() | st.integers(1, 99999).map(str)),
            booking_date=draw(DAYS),
            value_date=draw(st.none() | DAYS),
            counterparty_name=draw(st.none() | TEXT),
            counterparty_account=draw(st.none() | REF),
            remittance_lines=tuple(draw(st.lists(TEXT, max_size=1))),
            end_to_end_id=draw(st.none() | REF),
            bank_transaction_code=draw(
                st.none()
                | st.sampled_from(["CREDIT", "DEBIT", "CHECK", "XFER"]).map(
                    lambda c: BankTransactionCode(proprietary=c, proprietary_issuer="OFX")
                )
            ),
            entry_index=entry,
            statement_index=index,
        )
        for entry in range(1, draw(st.integers(0, 4)) + 1)
    )
    closing = draw(st.none() | st.integers(-(10**12), 10**12).map(lambda n: D(n).scaleb(-2)))
    return ParsedStatement(
        Statement(
            format="ofx",
            currency=currency,
            location="",
            transaction_count=len(txs),
            account_number=draw(REF),
            closing_balance=Balance(closing, currency, draw(DAYS)) if closing is not None else None,
            created_at=created,
            from_date=draw(st.none() | DAYS),
            to_date=draw(st.none() | DAYS),
            statement_index=index,
        ),
        txs,
    )


@st.composite
def files(draw: st.DrawFn) -> list[ParsedStatement]:
    created = draw(st.none() | MOMENTS)
    return [draw(statements(i, created)) for i in range(1, draw(st.integers(1, 3)) + 1)]


def without_locations(parsed: list[ParsedStatement]) -> list[ParsedStatement]:
    return [
        ParsedStatement(
            replace(p.statement, location="", version=None),
            tuple(replace(t, location="") for t in p.transactions),
        )
        for p in parsed
    ]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files(), st.sampled_from(["sgml", "xml"]))
def test_round_trip(original: list[ParsedStatement], dialect: str) -> None:
    parsed = parse(write_ofx(original, dialect=dialect))  # type: ignore[arg-type]
    assert {p.statement.version for p in parsed} <= {"102", "211"}
    assert without_locations(parsed) == original


# -- fuzzing ----------------------------------------------------------------------------

SAMPLES = [p.read_bytes() for p in realworld_files("ofx")] or [
    sgml(b"<STMTTRN><DTPOSTED>20260104<TRNAMT>1</STMTTRN>")
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    tokens = [b"<", b">", b"</STMTTRN>", b"<STMTTRN>", b"&", b"<!--", b"<![CDATA[", b"<!DOCTYPE x>"]
    return mutate(draw, draw(st.sampled_from(SAMPLES)), tokens=tokens, max_delete=60)


@settings(max_examples=400, deadline=None)
@given(mutated())
def test_mutated_files_raise_only_statement_errors(data: bytes) -> None:
    try:
        parse(data)
    except StatementError as exc:
        assert exc.source == "test.ofx"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300).map(lambda b: b"<OFX>" + b))
def test_random_bytes_raise_only_statement_errors(data: bytes) -> None:
    with contextlib.suppress(StatementError):
        parse(data)
