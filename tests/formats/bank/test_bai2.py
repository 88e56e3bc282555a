"""BAI2: real files from several banks, framing quirks, trailer checks, round trips, fuzzing."""

from __future__ import annotations

import contextlib
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from bai2_writer import write_bai2
from fuzzing import mutate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from realworld import params, realworld_files, require

from encaisse.formats.bank import bai2
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


def parse(data: bytes, **options: object) -> list[ParsedStatement]:
    return collect(bai2.iter_parse(io.BytesIO(data), source="test.bai", **options))  # type: ignore[arg-type]


def parse_file(path: Path, **options: object) -> list[ParsedStatement]:
    with path.open("rb") as stream:
        return collect(bai2.iter_parse(stream, source=path.name, **options))  # type: ignore[arg-type]


# -- real-world files ---------------------------------------------------------------

# Hand-checked against the files: per statement (account, as-of date, currency,
# number of transactions, first and last amount, opening and closing ledger).
GOLDEN: dict[str, list[tuple[str, date, str, int, D | None, D | None, D | None, D | None]]] = {
    "moj-bai2_account_trailer_amount_blank_example.bai2": [
        ("12345", date(2021, 1, 1), "USD", 0, None, None, None, None),
        ("54321", date(2021, 1, 1), "USD", 0, None, None, None, None),
    ],
    "moj-bai2_citi_example.bai2": [
        ("77777777", date(2015, 7, 15), "GBP", 1, D("0.01"), D("0.01"), D("100.00"), D("100.00")),
    ],
    "moj-bai2_nwb_example.bai2": [
        ("88888888 600004", date(2009, 12, 16), "GBP", 5, D("-9.71"), D("0.89"), D("365.21"), D("338.45")),
    ],
    "moj-bai2_svb_us_example.bai2": [
        (
            "1234567890",
            date(2022, 2, 1),
            "USD",
            1,
            D("4901.96"),
            D("4901.96"),
            D("347269.79"),
            D("352171.75"),
        ),
        (
            "1234567890",
            date(2022, 2, 2),
            "USD",
            1,
            D("9058.00"),
            D("9058.00"),
            D("352171.75"),
            D("361229.75"),
        ),
    ],
    "moov-bai2_sample1.txt": [
        ("10200123456", date(2006, 3, 17), "CAD", 11, D("-25.00"), D("-10.00"), None, None),
        ("10200123456", date(2006, 3, 17), "CAD", 6, D("115.00"), D("-5.00"), None, None),
    ],
    "moov-bai2_sample2.txt": [
        ("0123456789", date(2004, 6, 20), "USD", 1, D("4500.00"), D("4500.00"), D("43500.00"), None),
        ("9876543210", date(2004, 6, 20), "USD", 1, D("5000.00"), D("5000.00"), D("-5000.00"), None),
        ("4589761203", date(2004, 6, 20), "USD", 2, D("200000.00"), D("100000.00"), D("100000.00"), None),
        ("0975312468", date(2004, 6, 20), "USD", 0, None, None, D("5000.00"), None),
        ("7890654321", date(2004, 6, 20), "USD", 0, None, None, D("8000.00"), None),
    ],
    "moov-bai2_sample3.txt": [
        ("1111111", date(2022, 9, 19), "USD", 6, D("25.00"), D("-1.00"), D("-35.00"), D("-36.00")),
        ("1111111", date(2022, 9, 19), "USD", 0, None, None, D("0.00"), D("0.00")),
        ("1111111", date(2022, 9, 19), "USD", 0, None, None, D("0.00"), D("0.00")),
        ("1111111", date(2022, 9, 19), "USD", 2, D("-275.00"), D("-32.03"), D("-557.03"), D("-864.06")),
        ("1111111", date(2022, 9, 19), "USD", 0, None, None, D("985.47"), D("985.47")),
        ("1111111", date(2022, 9, 19), "USD", 0, None, None, D("0.00"), D("0.00")),
        ("1111111", date(2022, 9, 19), "USD", 0, None, None, D("0.00"), D("0.00")),
        ("11111111", date(2022, 9, 19), "USD", 6, D("25.00"), D("-23.47"), D("6252.66"), D("6103.15")),
        ("11111111", date(2022, 9, 19), "USD", 4, D("2.15"), D("-0.87"), D("-731.35"), D("-787.59")),
        ("11111111", date(2022, 9, 19), "USD", 8, D("138.55"), D("-1.05"), D("-40.78"), D("275.95")),
        *[("11111111", date(2022, 9, 19), "USD", 0, None, None, D("0.00"), D("0.00"))] * 5,
    ],
    "moov-bai2_sample4-continuations-newline-delimited.txt": [
        ("107049924", date(2023, 9, 6), "USD", 0, None, None, None, None),
        ("107049932", date(2023, 9, 6), "USD", 3, D("-600.00"), D("-9286.50"), None, None),
        (
            "104108339",
            date(2023, 9, 6),
            "USD",
            14,
            D("-2000.00"),
            D("-300000.00"),
            D("1595811.94"),
            D("1593811.94"),
        ),
        ("260000033037", date(2023, 9, 6), "USD", 0, None, None, None, None),
        ("280000010657", date(2023, 9, 6), "USD", 0, None, None, None, None),
    ],
    "moov-bai2_sample5-issue113.txt": [
        ("107049924", date(2023, 9, 6), "USD", 0, None, None, None, None),
        ("107049932", date(2023, 9, 6), "USD", 3, D("-600.00"), D("-9286.50"), None, None),
        (
            "104108339",
            date(2023, 9, 6),
            "USD",
            17,
            D("-2000.00"),
            D("17.64"),
            D("1595811.94"),
            D("1593811.94"),
        ),
        ("260000033037", date(2023, 9, 6), "USD", 0, None, None, None, None),
        ("280000010657", date(2023, 9, 6), "USD", 0, None, None, None, None),
    ],
}

# Broken on purpose: the error and its location.
BROKEN = {"moov-bai2_errors_sample-parseError.txt": "line 1"}

# Test files whose account trailer (49) states a control total and record count
# that do not match their own records (-1260161341762 for an account whose
# details add up to 7999960): refused by default, readable with check_totals=False.
WRONG_TRAILERS = {
    "moov-bai2_sample4-continuations-newline-delimited.txt": "line 22",
    "moov-bai2_sample5-issue113.txt": "line 22",
}

# Where opening + Σ transactions ≠ closing in the file itself: Citi's sample reports
# the same opening and closing ledger (100.00) around a 0.01 credit; sample 4/5's
# third account lists fewer details than its ledger moved (its trailers are wrong too).
UNBALANCED = {
    ("moj-bai2_citi_example.bai2", 1),
    ("moov-bai2_sample4-continuations-newline-delimited.txt", 3),
    ("moov-bai2_sample5-issue113.txt", 3),
}


@pytest.mark.realworld
@pytest.mark.parametrize("path", params("bai2"))
def test_every_real_file_parses_or_fails_as_documented(path: Path) -> None:
    if path.name in BROKEN:
        with pytest.raises(StatementError) as caught:
            parse_file(path)
        assert caught.value.location == BROKEN[path.name]
        return
    if path.name in WRONG_TRAILERS:
        with pytest.raises(StatementError) as caught:
            parse_file(path)
        assert caught.value.location == WRONG_TRAILERS[path.name]
        assert caught.value.field == "account_control_total"
        parsed = parse_file(path, check_totals=False)
    else:
        parsed = parse_file(path)
    expected = GOLDEN[path.name]
    got = [
        (
            p.statement.account_number,
            p.statement.from_date,
            p.statement.currency,
            len(p.transactions),
            p.transactions[0].amount if p.transactions else None,
            p.transactions[-1].amount if p.transactions else None,
            p.statement.opening_balance.amount if p.statement.opening_balance else None,
            p.statement.closing_balance.amount if p.statement.closing_balance else None,
        )
        for p in parsed
    ]
    assert got == expected
    for index, p in enumerate(parsed, start=1):
        assert p.statement.statement_index == index
        assert p.statement.transaction_count == len(p.transactions)
        assert all(t.statement_index == index and t.currency == p.statement.currency for t in p.transactions)
        assert [t.entry_index for t in p.transactions] == list(range(1, len(p.transactions) + 1))
        difference = p.balance_difference()
        if difference is not None and (path.name, index) not in UNBALANCED:
            assert difference == 0, (path.name, index)


def test_the_golden_table_covers_every_sample() -> None:
    names = {p.name for p in realworld_files("bai2")}
    if names:
        assert names == set(GOLDEN) | set(BROKEN)


@pytest.mark.realworld
def test_summary_totals_agree_with_the_details() -> None:
    """sample1 states total credits (100) and debits (400) in its 88 summaries."""
    paths = require("bai2", "moov-bai2_sample1.txt")
    first, second = parse_file(paths[0])
    for statement, total in ((first, D("2085.00")), (second, D("1115.00"))):
        credits = sum((t.amount for t in statement.transactions if t.amount > 0), D(0))
        debits = -sum((t.amount for t in statement.transactions if t.amount < 0), D(0))
        assert credits == debits == total


@pytest.mark.realworld
def test_real_file_details() -> None:
    paths = {p.name: p for p in require("bai2")}
    # Citi: value-dated funds, bank and customer references, seven 88 lines.
    (citi,) = parse_file(paths["moj-bai2_citi_example.bai2"])
    tx = citi.transactions[0]
    assert tx.bank_reference == "1234567890"
    assert tx.end_to_end_id == "RP12312312312312"
    assert tx.value_date == date(2015, 7, 15)
    assert tx.bank_transaction_code == BankTransactionCode(proprietary="191", proprietary_issuer="BAI")
    assert tx.remittance_lines[0] == "FR:FP SIP INCOMING"
    assert tx.remittance_lines[-1] == "BO:11111111 BO1:DOE JO"
    assert len(tx.remittance_lines) == 7
    # NatWest: a text broken over two 88 records, HH:MM:SS file time.
    (nwb,) = parse_file(paths["moj-bai2_nwb_example.bai2"])
    assert nwb.transactions[-1].remittance_lines == (
        "TFR XBANKGO24007680SJ CAT JPY 2 GBPXBANKGO24007680BGC INTERNATIONAL-5373 CLIE",
        "NT SECCY AC TFR",
    )
    # sample2: an 03 record continued mid-summary, funds types S, V, 1 and D.
    s2 = parse_file(paths["moov-bai2_sample2.txt"])
    assert s2[0].transactions[0].additional_info == "available: 0 days 1000.00, 1 day 2000.00, >1 day 1500.00"
    assert s2[1].transactions[0].remittance_lines == ("LOCK BOX NO.68751",)
    wire = s2[2].transactions[0]
    assert (wire.bank_reference, wire.end_to_end_id, wire.value_date) == (
        "SP4738",
        "YRC065321",
        date(2004, 6, 22),
    )
    assert wire.remittance_lines == ("PROCEEDS OF LETTER OF CREDIT FROM THE ARAMCO OIL CO",)
    assert s2[2].transactions[1].additional_info == "one-day availability"
    # sample3: several records on one line, a text broken over a line without record code.
    s3 = parse_file(paths["moov-bai2_sample3.txt"])
    assert [t.location for t in s3[0].transactions[:3]] == ["line 3", "line 3", "line 4"]
    assert s3[7].transactions[0].remittance_lines == (
        "111111     ACH_SETL           1111111111",
        "111111111111111",
        "1111111111",
    )
    # sample5: slashes inside fields, tagged 88 lines, an '88:' continuation.
    s5 = parse_file(paths["moov-bai2_sample5-issue113.txt"], check_totals=False)
    tx = s5[1].transactions[2]
    assert tx.end_to_end_id == "AB/GS/RPFILERP0001/RPBA0001"
    assert "Client Ref ID: AB/GS/TEST0001/RPBA0001" in tx.remittance_lines[0]
    wire = s5[2].transactions[3]
    assert (wire.amount, wire.counterparty_name, wire.counterparty_bic) == (
        D("-505.00"),
        "TEST COMPANY",
        "COBADEFF",
    )
    incoming = s5[2].transactions[4]
    assert (incoming.counterparty_account, incoming.counterparty_bic) == ("8348572423", "CITIUS30XXX")
    check_return = next(t for t in s5[2].transactions if t.bank_reference == "SC2134800001999")
    assert "EREF: 07370568132" in check_return.remittance_lines


# -- framing and fields ---------------------------------------------------------------

HEADER = "01,BANK,ACME,260105,0800,7,,,2/\n02,ACME,BANK,1,260104,2400,USD,2/\n"


def file_with(account: str, details: list[str], total: int) -> bytes:
    records = 1 + account.count("\n88,") + len(details) + sum(d.count("\n88,") for d in details) + 1
    body = "\n".join([account, *details, f"49,{total},{records}/"])
    return (HEADER + body + f"\n98,{total},1,{records + 2}/\n99,{total},1,{records + 4}/\n").encode()


def test_a_minimal_file() -> None:
    data = file_with("03,42,USD,010,1000,,,015,900,,/", ["16,475,100,Z,CHK1,1001,CHECK PAID/"], 2000)
    (p,) = parse(data)
    assert p.statement == Statement(
        format="bai2",
        currency="USD",
        location="line 3",
        transaction_count=1,
        version="2",
        statement_id="7",
        account_number="42",
        opening_balance=Balance(D("10.00"), "USD", date(2026, 1, 4)),
        closing_balance=Balance(D("9.00"), "USD", date(2026, 1, 4)),
        from_date=date(2026, 1, 4),
        to_date=date(2026, 1, 4),
    )
    assert p.transactions == (
        Transaction(
            amount=D("-1.00"),
            currency="USD",
            location="line 4",
            bank_reference="CHK1",
            booking_date=date(2026, 1, 4),
            end_to_end_id="1001",
            remittance_lines=("CHECK PAID",),
            bank_transaction_code=BankTransactionCode(proprietary="475", proprietary_issuer="BAI"),
        ),
    )


@pytest.mark.parametrize(
    ("currency", "units", "expected"),
    [("USD", "12345", D("123.45")), ("JPY", "12345", D("12345")), ("KWD", "12345", D("12.345"))],
)
def test_implied_decimals_follow_the_currency(currency: str, units: str, expected: Decimal) -> None:
    data = file_with(f"03,42,{currency}/", [f"16,165,{units},,,,/"], int(units))
    assert parse(data)[0].transactions[0].amount == expected


def test_the_group_currency_is_the_default_and_usd_the_last_resort() -> None:
    data = (HEADER.replace(",USD,", ",EUR,") + "03,1/\n49,0,2/\n98,0,1,4/\n02,A,B,1,260104,,,/\n"
            "03,2/\n49,0,2/\n98,0,1,4/\n99,0,2,10/\n").encode()  # fmt: skip
    assert [p.statement.currency for p in parse(data)] == ["EUR", "USD"]


@pytest.mark.parametrize(
    ("code", "sign", "status"),
    [("165", 1, "BOOK"), ("399", 1, "BOOK"), ("400", -1, "BOOK"), ("699", -1, "BOOK"), ("930", 1, "BOOK"),
     ("970", -1, "BOOK"), ("890", 1, "INFO")],
)  # fmt: skip
def test_the_type_code_gives_the_direction(code: str, sign: int, status: str) -> None:
    tx = parse(file_with("03,42,USD/", [f"16,{code},500,,,,/"], 500))[0].transactions[0]
    assert (tx.amount, tx.status) == (sign * D("5.00"), status)


def test_a_status_code_on_a_detail_is_refused() -> None:
    with pytest.raises(StatementError) as caught:
        parse(file_with("03,42,USD/", ["16,015,500,,,,/"], 500))
    assert (caught.value.location, caught.value.field, caught.value.value) == ("line 4", "type_code", "015")


def test_distributed_availability_and_value_dating() -> None:
    data = file_with(
        "03,42,USD/", ["16,195,30000,D,2,0,10000,2,20000,R1,,WIRE/", "16,195,100,V,260106,1200,R2,,X/"], 30100
    )
    first, second = parse(data)[0].transactions
    assert first.additional_info == "available: 0 days 100.00, 2 days 200.00"
    assert (first.bank_reference, first.remittance_lines) == ("R1", ("WIRE",))
    assert (second.value_date, second.bank_reference) == (date(2026, 1, 6), "R2")


def test_dates_written_yyyymmdd_are_read_beside_yymmdd() -> None:
    # Some banks write the year in full in the 01 and 02 records; the detail's value date keeps YYMMDD.
    data = file_with("03,42,USD,010,1000,,/", ["16,165,100,V,260103,,R1,,ACH CREDIT/"], 1100).decode()
    data = data.replace(",260105,", ",20260105,").replace(",260104,", ",20260104,")
    (p,) = parse(data.encode())
    assert p.statement.opening_balance == Balance(D("10.00"), "USD", date(2026, 1, 4))
    (tx,) = p.transactions
    assert (tx.booking_date, tx.value_date) == (date(2026, 1, 4), date(2026, 1, 3))
    with pytest.raises(StatementError) as caught:
        parse(data.replace(",20260105,", ",20261305,").encode())
    error = caught.value
    assert (error.location, error.field, error.value) == ("line 1", "creation_date", "20261305")


def test_text_with_commas_slashes_and_a_newline_terminated_88() -> None:
    data = file_with(
        "03,42,USD/", ["16,165,100,,R1,C/1,ACH, INV 2026/01, PO 7\n88,MORE TEXT, WITH COMMA"], 100
    )
    tx = parse(data)[0].transactions[0]
    assert tx.end_to_end_id == "C/1"
    assert tx.remittance_lines == ("ACH, INV 2026/01, PO 7", "MORE TEXT, WITH COMMA")


def test_tagged_continuations_name_the_counterparty() -> None:
    details = [
        "16,195,100,,R1,,Incoming\n88,DBNM: ACME CORP\n88,DACT: 998877\n88,DBIC: CITIUS33\n88,EREF: E2E-9"
    ]
    tx = parse(file_with("03,42,USD/", details, 100))[0].transactions[0]
    assert (tx.counterparty_name, tx.counterparty_account, tx.counterparty_bic, tx.end_to_end_id) == (
        "ACME CORP",
        "998877",
        "CITIUS33",
        "E2E-9",
    )


def test_bom_crlf_and_windows_1252_text() -> None:
    data = file_with("03,42,USD/", ["16,165,100,,R1,,SOCIÉTÉ GÉNÉRALE/"], 100).decode()
    raw = b"\xef\xbb\xbf" + data.replace("\n", "\r\n").encode("utf-8")
    assert parse(raw)[0].transactions[0].remittance_lines == ("SOCIÉTÉ GÉNÉRALE",)
    cp1252 = data.encode("cp1252")
    assert parse(cp1252)[0].transactions[0].remittance_lines == ("SOCIÉTÉ GÉNÉRALE",)


@pytest.mark.parametrize(
    ("mutate", "location", "field"),
    [
        (lambda s: s.replace("49,100,4/", "49,101,4/"), "line 6", "account_control_total"),
        (lambda s: s.replace("49,100,4/", "49,100,5/"), "line 6", "account_record_count"),
        (lambda s: s.replace("98,100,1,6/", "98,100,2,6/"), "line 7", "group_account_count"),
        (lambda s: s.replace("99,100,1,8/", "99,100,1,9/"), "line 8", "file_record_count"),
        (lambda s: s.replace("16,165,100,", "16,165,1O0,"), "line 5", "amount"),
        (lambda s: s.replace("16,165,100,,", "16,165,100,X,"), "line 5", "funds_type"),
        (lambda s: s.replace("260104", "261304"), "line 2", "as_of_date"),
        (lambda s: s.replace("03,42,USD/", "03,42,US/"), "line 3", "currency"),
        (lambda s: s.replace("99,100,1,8/\n", ""), "line 8", None),
        (lambda s: s + "16,165,1,,,,/\n", "line 9", "record_code"),
        (lambda s: s.replace("02,ACME", "00,ACME"), "line 2", "record_code"),
        (lambda s: s.replace("2/\n02", "1/\n02", 1), "line 1", "version"),
    ],
)
def test_bad_input_names_line_and_field(mutate: object, location: str, field: str | None) -> None:
    good = file_with("03,42,USD/\n88,010,0,,", ["16,165,100,,R,,T/"], 100).decode()
    assert len(parse(good.encode())) == 1
    with pytest.raises(StatementError) as caught:
        parse(mutate(good).encode())  # type: ignore[operator]
    assert (caught.value.location, caught.value.field) == (location, field)


def test_check_totals_false_skips_only_the_trailer_arithmetic() -> None:
    data = file_with("03,42,USD/", ["16,165,100,,,,/"], 999)
    with pytest.raises(StatementError):
        parse(data)
    assert parse(data, check_totals=False)[0].transactions[0].amount == D("1.00")
    with pytest.raises(StatementError):
        parse(data.replace(b"16,165,100", b"16,165,1x0"), check_totals=False)


# -- round trips ----------------------------------------------------------------------

TEXT = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh0123456789 .-+#", min_size=1, max_size=40).map(
    str.strip
)
REF = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-", min_size=1, max_size=16)
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
CREDIT_CODES = st.sampled_from(["115", "142", "165", "175", "195", "208", "301", "399", "930"])
DEBIT_CODES = st.sampled_from(["451", "455", "475", "495", "555", "699", "970"])


@st.composite
def statements(draw: st.DrawFn, index: int) -> ParsedStatement:
    currency = draw(st.sampled_from(["USD", "CAD", "GBP", "JPY", "KWD"]))
    exponent = {"JPY": 0, "KWD": 3}.get(currency, 2)
    as_of = draw(DAYS)
    txs = []
    for entry in range(1, draw(st.integers(0, 5)) + 1):
        units = draw(st.integers(0, 10**11))
        credit = draw(st.booleans())
        code = draw(CREDIT_CODES if credit else DEBIT_CODES)
        value_date = draw(st.none() | DAYS)
        lines = tuple(line for line in draw(st.lists(TEXT, max_size=3)) if line)
        txs.append(
            Transaction(
                amount=Decimal(units if credit else -units).scaleb(-exponent),
                currency=currency,
                location="",
                bank_reference=draw(st.none() | REF),
                booking_date=as_of,
                value_date=value_date,
                remittance_lines=lines,
                end_to_end_id=draw(st.none() | REF),
                bank_transaction_code=BankTransactionCode(proprietary=code, proprietary_issuer="BAI"),
                additional_info=f"value dated {value_date.isoformat()}" if value_date else None,
                entry_index=entry,
                statement_index=index,
            )
        )

    def balance() -> Balance | None:
        if not draw(st.booleans()):
            return None
        return Balance(Decimal(draw(st.integers(-(10**12), 10**12))).scaleb(-exponent), currency, as_of)

    statement = Statement(
        format="bai2",
        currency=currency,
        location="",
        transaction_count=len(txs),
        version="2",
        statement_id="1",
        account_number=draw(REF),
        opening_balance=balance(),
        closing_balance=balance(),
        from_date=as_of,
        to_date=as_of,
        statement_index=index,
    )
    return ParsedStatement(statement, tuple(txs))


@st.composite
def files(draw: st.DrawFn) -> list[ParsedStatement]:
    return [draw(statements(i)) for i in range(1, draw(st.integers(1, 3)) + 1)]


def without_locations(parsed: list[ParsedStatement]) -> list[ParsedStatement]:
    from dataclasses import replace

    return [
        ParsedStatement(
            replace(p.statement, location=""), tuple(replace(t, location="") for t in p.transactions)
        )
        for p in parsed
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files())
def test_round_trip(original: list[ParsedStatement]) -> None:
    assert without_locations(parse(write_bai2(original))) == original


# -- fuzzing ----------------------------------------------------------------------------

SAMPLES = [p.read_bytes() for p in realworld_files("bai2")] or [
    file_with("03,42,USD,010,1000,,/", ["16,165,100,,R,,T/\n88,MORE"], 1100)
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    tokens = [b",", b"/", b"\n88,", b"\n16,"]
    return mutate(draw, draw(st.sampled_from(SAMPLES)), tokens=tokens)


@settings(max_examples=400, deadline=None)
@given(mutated())
def test_mutated_files_raise_only_statement_errors(data: bytes) -> None:
    try:
        for parsed in parse(data):
            assert parsed.statement.format == "bai2"
    except StatementError as exc:
        assert exc.source == "test.bai"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_raise_only_statement_errors(data: bytes) -> None:
    with contextlib.suppress(StatementError):
        parse(data)


# --- the payer written in the text (Fedwire, ACH, lockbox) -----------------------------


def _details(*records: str) -> list[Transaction]:
    """The transactions of one account holding these 16/88 records (trailer totals not checked)."""
    body = "\n".join(records)
    data = (
        "01,BANK,ACME,260302,0600,1,,,2/\n02,ACME,BANK,1,260302,0600,USD,2/\n"
        f"03,4471029385,USD,010,100000,,,015,100000,,/\n{body}\n49,0,0/\n98,0,1,0/\n99,0,1,0/\n"
    )
    return list(parse(data.encode(), check_totals=False)[0].transactions)


def test_fedwire_originator_is_the_payer_and_the_text_stays_remittance() -> None:
    tx = _details(
        "16,195,43526,0,0000000003,,WIRE TRANSFER IN ORG=KINGSLEY SUPPLIES CORP.",
        "88,OBI=Invoice VK26-0652",
        "88,BNF=ENCAISSE US LLC",
    )[0]
    assert tx.counterparty_name == "KINGSLEY SUPPLIES CORP."
    assert tx.counterparty_account is None
    assert tx.remittance_lines == (
        "WIRE TRANSFER IN ORG=KINGSLEY SUPPLIES CORP.",
        "OBI=Invoice VK26-0652",
        "BNF=ENCAISSE US LLC",
    )


def test_fedwire_originator_with_account_on_one_line_ends_at_the_next_tag() -> None:
    tx = _details(
        "16,195,100000,0,FW1,,FEDWIRE CREDIT ORG=/000123456789 ACME TRADING CO OBI=INV 4471 REF=X1 BBI=/BNF/",
    )[0]
    assert tx.counterparty_name == "ACME TRADING CO"
    assert tx.counterparty_account == "000123456789"


def test_ach_originator_company_name_ends_at_the_next_nacha_label() -> None:
    txs = _details(
        "16,165,55729,0,0000000008,,ACH CREDIT ORIG CO NAME:O'BRIEN SYSTEMS  ORIG ID:3370932916",
        "88,ENTRY DESCR:PAYMENT SEC:CCD IND NAME:ENCAISSE US",
        "88,ADDENDA:RMR*IV*partial payment INV NO VK26-03238\\",
        "16,165,1000,0,0000000009,,ORIG CO NAME:STRIPE PAYMENTS DESC DATE:260302 CO ENTRY DESCR:TRANSFER",
        "16,475,2000,0,0000000010,,ACH DEBIT ORIG CO NAME:IRS USATAXPYMT SEC:CCD TRACE#:0910000",
    )
    assert [t.counterparty_name for t in txs] == ["O'BRIEN SYSTEMS", "STRIPE PAYMENTS", "IRS USATAXPYMT"]
    assert txs[0].remittance_lines[-1] == "ADDENDA:RMR*IV*partial payment INV NO VK26-03238\\"


def test_by_order_of_and_lockbox_remitter_name_the_payer() -> None:
    txs = _details(
        "16,115,98168,0,0000000074,,LOCKBOX 7741 CHECK 94292 REMITTER HOLLOWAY ENGINEERING CORP.",
        "88,STUB Invoice # VK26-02343",
        "16,195,5000,0,W2,,INCOMING WIRE B/O GLOBEX GMBH OBI=RE 2026-17",
        "16,195,6000,0,W3,,INTL WIRE BY ORDER OF INITECH SA REF: 55/2026",
    )
    assert [t.counterparty_name for t in txs] == [
        "HOLLOWAY ENGINEERING CORP.",
        "GLOBEX GMBH",
        "INITECH SA",
    ]


def test_no_payer_is_made_up_from_unlabelled_text_or_from_our_own_side() -> None:
    txs = _details(
        "16,354,24819,0,0000000002,,CREDITRENTE PERIODE 01-01-2026 T/M 31-03-2026",
        "16,475,330083,0,0000000075,,CHECK PAID",
        # on an incoming wire the beneficiary is us, on an outgoing one the originator is
        "16,195,1000,0,W4,,WIRE TRANSFER IN BNF=ENCAISSE US LLC",
        "16,495,1000,0,W5,,WIRE TRANSFER OUT ORG=ENCAISSE US LLC BNF=/998877 ACME SUPPLY INC OBI=PO 7",
        "16,165,1000,0,A1,,ACH CREDIT ORIG CO NAME: ORIG ID:123",
    )
    assert [(t.counterparty_name, t.counterparty_account) for t in txs] == [
        (None, None),
        (None, None),
        (None, None),
        ("ACME SUPPLY INC", "998877"),
        (None, None),
    ]


def test_tagged_continuation_names_still_take_precedence() -> None:
    tx = _details("16,195,1000,0,W6,,WIRE TRANSFER IN ORG=SHORT NAME", "88,DBNM: FULL DEBTOR NAME LLC")[0]
    assert tx.counterparty_name == "FULL DEBTOR NAME LLC"


# --- the payer's text wrapped over 88 records, and more US layouts ---------------------


def test_a_name_wrapped_at_a_word_boundary_continues_on_the_next_88() -> None:
    txs = _details(
        "16,165,156379,0,06533875814786,,ACH CREDIT RECEIVED ORIG CO NAME:WESTFIELD",
        "88,EQUIPM ORIG ID:1943322822 DESC DATE:260302 CO ENTRY DESCR:EDI PYMNTS SEC:CTX",
        "16,195,2047896,0,06590145091334,94721110,WIRE TRANSFER IN ORG=/875559883",
        "88,PIEDMONT LOGISTICS CORPORATION OGB=WELLS FARGO BANK NA OBI=",
        "88,REF=2539932836 IMAD=0310MMQFMP5C852066",
        "16,195,368944,0,07495755124716,,FEDWIRE CREDIT VIA: US BANK NA/091000022 B/O:",
        "88,THE PREMIER LABORATORIES COMPANY REF: NONE OBI: INVOICE 319729",
        "88,IMAD: 0302MMQFMP1C740650",
    )
    assert [(t.counterparty_name, t.counterparty_account) for t in txs] == [
        ("WESTFIELD EQUIPM", None),
        ("PIEDMONT LOGISTICS CORPORATION", "875559883"),
        ("THE PREMIER LABORATORIES COMPANY", None),
    ]
    # the remittance lines stay as the bank wrote them
    assert txs[0].remittance_lines == (
        "ACH CREDIT RECEIVED ORIG CO NAME:WESTFIELD",
        "EQUIPM ORIG ID:1943322822 DESC DATE:260302 CO ENTRY DESCR:EDI PYMNTS SEC:CTX",
    )


def test_a_label_cut_across_records_does_not_end_up_in_the_name() -> None:
    txs = _details(
        "16,165,446886,0,02624715192285,,ACH CREDIT RECEIVED ORIG CO NAME:BILLCOM ORIG",
        "88,ID:1460756312 DESC DATE:260302 CO ENTRY DESCR:LONE STAR  SEC:CCD",
        "16,165,1000,0,X2,,ACH CREDIT RECEIVED ORIG CO NAME:CINTAS CORP OR",
        "88,IG ID:1460756312 DESC DATE:260302",
        "16,165,1000,0,X3,,ACH CREDIT RECEIVED ORIG CO NA",
        "88,ME:CINTAS CORP ORIG ID:1460756312",
    )
    assert [t.counterparty_name for t in txs] == ["BILLCOM", "CINTAS CORP", "CINTAS CORP"]


def test_a_name_cut_mid_word_at_the_record_length_keeps_a_space() -> None:
    # the real NatWest sample cuts ``...INTERNATIONAL-5373 CLIE`` / ``88,NT SECCY AC TFR``
    tx = _details(
        "16,399,89,,,/",
        "88,TFR XBANKGO24007680SJ CAT JPY 2 GBP B/O INTERNATIONAL-5373 CLIE",
        "88,NT SECCY OBI=AC TFR",
    )[0]
    assert tx.counterparty_name == "INTERNATIONAL-5373 CLIE NT SECCY"


def test_one_field_per_88_ends_the_name_at_the_next_tagged_record() -> None:
    # the real Citi sample writes one field per 88 (``88,FR:FP SIP INCOMING``, ``88,ENDT:...``)
    tx = _details(
        "16,191,001,V,150715,,1234567890,RP12312312312312/",
        "88,B/O:ACME TRADING LTD",
        "88,FR:FP SIP INCOMING",
        "88,ENDT:20150715",
    )[0]
    assert tx.counterparty_name == "ACME TRADING LTD"


def test_the_comma_separated_ach_form_ends_at_the_next_label() -> None:
    txs = _details(
        "16,165,1000,0,C1,,ORIG CO NAME=MIDWEST FREIGHT,ORIG ID=1234567890,DESC DATE=260302,"
        "ENTRY DESCR=PAYMENTS,ENTRY CLASS=CCD",
        "16,165,2228139,0,01021427310200,,ORIG CO NAME=THE ALLEGHENY MA,ORIG",
        "88,ID=1286023653,DESC DATE=260302,ENTRY DESCR=EDI PYMNTS,ENTRY CLASS=CTX,TRACE",
        "88,NO=714593260905862,IND ID NO=23550,IND NAME=ENCAISSE",
        "16,165,1000,0,C3,,ORIG CO NAME=ACME, INC.,ORIG ID=1234567890,DESC DATE=260302",
        "16,165,1000,0,C4,,ORIG CO NAME=ACME, INC.,SOME FIELD=1",
    )
    assert [t.counterparty_name for t in txs] == [
        "MIDWEST FREIGHT",
        "THE ALLEGHENY MA",
        "ACME, INC.",
        "ACME, INC.",
    ]


def test_remitter_and_b_o_with_a_colon_and_no_space() -> None:
    txs = _details(
        "16,115,1631417,S,815708,815709,0,02339338522229,262670,LOCKBOX 7741 DEPOSIT",
        "88,CHECK 262670 REMITTER:PINNACLE SYSTEMS",
        "16,115,103785,0,03046559358686,678132,LOCKBOX 7741 DEPOSIT CHECK 678132",
        "88,REMITTER:CRESCENT STORES CUST ACCT 329894 STUB:INV 321121",
        "16,195,1000,0,W1,,FEDWIRE CREDIT VIA: CITIBANK NA/021000089 B/O: GLOBEX GMBH REF: 1",
        "16,195,1000,0,W2,,FEDWIRE CREDIT VIA: CITIBANK NA/021000089 B/O:INITECH SA OBI: INV 2",
    )
    assert [t.counterparty_name for t in txs] == [
        "PINNACLE SYSTEMS",
        "CRESCENT STORES",
        "GLOBEX GMBH",
        "INITECH SA",
    ]


def test_other_common_us_payer_labels_and_never_the_originating_bank() -> None:
    txs = _details(
        "16,195,1000,0,F1,,FEDWIRE CREDIT SND BK=JPMORGAN CHASE OGB=JPMORGAN CHASE BANK NA",
        "88,ORIG BANK:CITIBANK NA ORIGINATOR: ACME LLC REF: 1",
        "16,195,1000,0,F2,,WIRE IN ORIGINATOR NAME:HOOLI INC ORIG BANK:US BANK NA",
        "16,165,1000,0,A1,,ACH CREDIT CO NAME:UMBRELLA CORP CO ID:1234567890",
        "16,165,1000,0,A2,,ACH CREDIT COMPANY NAME: STARK INDUSTRIES COMPANY ID: 99",
        "16,165,1000,0,A3,,ACH CREDIT ORIG NAME:WAYNE ENTERPRISES ORIG ID:55",
        "16,195,1000,0,F3,,WIRE IN OGB=BANK OF AMERICA NA SND BK=BANK OF AMERICA",
        "16,165,1000,0,A4,,ACH CREDIT RCV CO NAME:ENCAISSE INC",
        "16,495,1000,0,F4,,WIRE OUT BENEFICIARY: SUPPLIER SA REF: 9",
    )
    assert [t.counterparty_name for t in txs] == [
        "ACME LLC",
        "HOOLI INC",
        "UMBRELLA CORP",
        "STARK INDUSTRIES",
        "WAYNE ENTERPRISES",
        None,
        None,
        "SUPPLIER SA",
    ]


def test_an_ach_return_does_not_name_us_as_the_payer() -> None:
    tx = _details(
        "16,258,84803,0,02167228489068,,ACH RETURN ITEM R03 NO ACCOUNT ORIG CO",
        "88,NAME:ENCAISSE INC PAYEE:GRAINGER TRACE 878970694566103 INV 320499",
    )[0]
    assert tx.counterparty_name is None
