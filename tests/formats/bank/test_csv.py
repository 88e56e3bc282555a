"""Bank CSV exports through saved column mappings: presets, profile checks, bad rows, round trips."""

from __future__ import annotations

import io
import itertools
import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from csv_writer import write_csv
from fuzzing import mutate
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from encaisse.formats.bank.csv import CsvProfile, CsvProfileError, iter_parse, parse_number
from encaisse.formats.bank.records import (
    Balance,
    ParsedStatement,
    Statement,
    StatementError,
    Transaction,
    collect,
)

D = Decimal


def parse(data: bytes, profile: CsvProfile) -> ParsedStatement:
    (parsed,) = collect(iter_parse(io.BytesIO(data), source="export.csv", profile=profile))
    return parsed


# -- presets: column mappings for exports as three kinds of bank write them ------------------

# A Belgian bank's Dutch-language export: ';', decimal comma, thousands '.',
# dd/mm/yyyy, one signed amount, the account on every row, a running balance,
# free and structured communication in two columns, Windows-1252.
BELGIAN = CsvProfile(
    name="be-nl-semicolon",
    delimiter=";",
    decimal_separator=",",
    thousands_separator=".",
    date_format="%d/%m/%Y",
    booking_date="Boekingsdatum",
    value_date="Valutadatum",
    amount="Bedrag",
    currency="Munt",
    account="Rekeningnummer",
    counterparty_name="Naam tegenpartij",
    counterparty_account="Tegenrekening",
    remittance=("Mededeling", "Gestructureerde mededeling"),
    bank_reference="Referentie",
    balance_after="Saldo",
)
BELGIAN_EXPORT = (
    "Rekeningnummer;Boekingsdatum;Valutadatum;Referentie;Naam tegenpartij;Tegenrekening;Bedrag;Munt;"
    "Mededeling;Gestructureerde mededeling;Saldo\r\n"
    "BE68 5390 0754 7034;02/01/2026;02/01/2026;2026-000001;Brasserie Sint-Jan BV;BE71 0961 2345 6769;"
    "1.250,00;EUR;;+++202/6000/12320+++;11.250,00\r\n"
    "BE68 5390 0754 7034;05/01/2026;04/01/2026;2026-000002;Société Générale;FR76 3000 3035 4000 0500 0000 185;"
    '-35,75;EUR;"Frais; janvier";;11.214,25\r\n'
    "BE68 5390 0754 7034;06/01/2026;06/01/2026;2026-000003;Jansen & Zonen;NL91 ABNA 0417 1643 00;"
    "4.000,10;EUR;Factuur 2025-118 en 2025-119;;15.214,35\r\n"
).encode("cp1252")

# A US bank's export: ',', amounts with thousands commas in separate Debit and
# Credit columns, mm/dd/yyyy, newest first, no reference, a check number column.
US_BANK = CsvProfile(
    name="us-debit-credit",
    date_format="%m/%d/%Y",
    thousands_separator=",",
    sign_convention="debit_credit_columns",
    booking_date="Posting Date",
    debit="Debit",
    credit="Credit",
    fixed_currency="USD",
    fixed_account="000123456789",
    remittance=("Description",),
    end_to_end_id="Check or Slip #",
    balance_after="Balance",
)
US_EXPORT = (
    b"Details,Posting Date,Description,Debit,Credit,Balance,Check or Slip #\n"
    b'DEBIT,01/07/2026,"CHECK 1042",250.00,,"10,741.52",1042\n'
    b'CREDIT,01/06/2026,"ACH CREDIT ACME CORP INV 2025-0931",,"1,991.52","10,991.52",\n'
    b'DEBIT,01/05/2026,"WIRE FEE",15.00,,"9,000.00",\n'
)

# A German bank's export: account and period lines before the header, ';',
# quoted fields, dd.mm.yyyy, an amount with an S/H (Soll/Haben) indicator,
# ISO 8859-1, a closing-balance line after the transactions.
GERMAN = CsvProfile(
    name="de-soll-haben",
    delimiter=";",
    decimal_separator=",",
    thousands_separator=".",
    date_format="%d.%m.%Y",
    encoding="latin-1",
    skip_rows=3,
    skip_footer_rows=1,
    sign_convention="indicator_column",
    booking_date="Buchungstag",
    value_date="Valuta",
    amount="Umsatz",
    indicator="Soll/Haben",
    debit_values=("S",),
    credit_values=("H",),
    currency="Währung",
    fixed_account="DE89370400440532013000",
    counterparty_name="Empfänger/Zahlungspflichtiger",
    counterparty_account="Konto-Nr.",
    remittance=("Vorgang/Verwendungszweck",),
    end_to_end_id="End-to-End-Referenz",
)
GERMAN_EXPORT = (
    '"Umsatzanzeige";"Konto";"DE89370400440532013000"\n'
    '"Zeitraum";"01.01.2026 - 31.01.2026"\n'
    "\n"
    '"Buchungstag";"Valuta";"Empfänger/Zahlungspflichtiger";"Konto-Nr.";"Vorgang/Verwendungszweck";'
    '"End-to-End-Referenz";"Währung";"Umsatz";"Soll/Haben"\n'
    '"02.01.2026";"02.01.2026";"Müller GmbH";"DE02120300000000202051";"RE 2025/4711\nKundennr. 0815";'
    '"E2E-4711";"EUR";"2.380,00";"H"\n'
    '"03.01.2026";"03.01.2026";"Stadtwerke Köln";"DE44500105175407324931";"Abschlag Januar";'
    '"NOTPROVIDED";"EUR";"119,50";"S"\n'
    '"31.01.2026";"";"Kontostand";"";"";"";"EUR";"12.345,67";"H"\n'
).encode("latin-1")


def test_belgian_preset() -> None:
    p = parse(BELGIAN_EXPORT, BELGIAN)
    assert p.statement == Statement(
        format="csv",
        currency="EUR",
        location="line 2",
        transaction_count=3,
        account_iban="BE68539007547034",
        account_number="BE68 5390 0754 7034",
        opening_balance=Balance(D("10000.00"), "EUR"),
        closing_balance=Balance(D("15214.35"), "EUR", date(2026, 1, 6)),
        from_date=date(2026, 1, 2),
        to_date=date(2026, 1, 6),
    )
    first, second, third = p.transactions
    assert first == Transaction(
        amount=D("1250.00"),
        currency="EUR",
        location="line 2",
        bank_reference="2026-000001",
        booking_date=date(2026, 1, 2),
        value_date=date(2026, 1, 2),
        counterparty_name="Brasserie Sint-Jan BV",
        counterparty_account="BE71 0961 2345 6769",
        remittance_lines=("+++202/6000/12320+++",),
        entry_index=1,
    )
    assert (second.amount, second.counterparty_name, second.remittance_lines) == (
        D("-35.75"), "Société Générale", ("Frais; janvier",),
    )  # fmt: skip
    assert (third.amount, third.location, third.entry_index) == (D("4000.10"), "line 4", 3)
    assert p.balance_difference() == 0


def test_us_preset_newest_first() -> None:
    p = parse(US_EXPORT, US_BANK)
    assert [(t.amount, t.booking_date, t.bank_reference, t.end_to_end_id) for t in p.transactions] == [
        (D("-250.00"), date(2026, 1, 7), None, "1042"),
        (D("1991.52"), date(2026, 1, 6), None, None),
        (D("-15.00"), date(2026, 1, 5), None, None),
    ]
    assert p.statement.opening_balance == Balance(D("9015.00"), "USD")
    assert p.statement.closing_balance == Balance(D("10741.52"), "USD", date(2026, 1, 7))
    assert (p.statement.account_number, p.statement.account_iban) == ("000123456789", None)
    assert p.balance_difference() == 0


def test_german_preset() -> None:
    p = parse(GERMAN_EXPORT, GERMAN)
    first, second = p.transactions
    assert first.location == "line 5"
    assert first.remittance_lines == ("RE 2025/4711\nKundennr. 0815",)
    assert (first.amount, first.counterparty_name, first.end_to_end_id) == (
        D("2380.00"),
        "Müller GmbH",
        "E2E-4711",
    )
    # the quoted newline makes the second record start on line 7
    assert (second.amount, second.location, second.counterparty_name) == (
        D("-119.50"),
        "line 7",
        "Stadtwerke Köln",
    )
    assert p.statement.account_iban == "DE89370400440532013000"
    assert (p.statement.opening_balance, p.statement.closing_balance) == (None, None)


@pytest.mark.parametrize("profile", [BELGIAN, US_BANK, GERMAN])
def test_profiles_are_stored_as_json(profile: CsvProfile) -> None:
    stored = json.dumps(profile.to_dict(), ensure_ascii=False)
    assert CsvProfile.from_dict(json.loads(stored)) == profile


# -- the profile itself ----------------------------------------------------------------

VALID: dict[str, Any] = {"name": "p", "booking_date": "Date", "amount": "Amount", "fixed_currency": "EUR"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": " "}, "needs a name"),
        ({"delimiter": ";;"}, "delimiter"),
        ({"delimiter": '"'}, "must differ"),
        ({"decimal_separator": ";"}, "decimal_separator"),
        ({"thousands_separator": "_"}, "thousands_separator"),
        ({"decimal_separator": ",", "thousands_separator": ","}, "must differ"),
        ({"date_format": "%d/%m"}, "full date"),
        ({"date_format": "dd/mm/yyyy"}, "strptime"),
        ({"date_format": "%Q"}, "full date"),
        ({"encoding": "no-such-codec"}, "unknown encoding"),
        ({"sign_convention": "magic"}, "sign_convention"),
        ({"amount": None}, "amount column"),
        ({"sign_convention": "debit_credit_columns", "debit": "Debit"}, "debit and credit"),
        ({"sign_convention": "indicator_column", "indicator": "DC"}, "debit_values"),
        ({"sign_convention": "indicator_column", "indicator": "DC", "debit_values": ("D",), "credit_values": ("d",)},
         "both debit and credit"),
        ({"fixed_currency": None}, "currency"),
        ({"currency": "Ccy"}, "either a currency column"),
        ({"fixed_currency": "eur"}, "ISO 4217"),
        ({"account": "Acct", "fixed_account": "1"}, "not both"),
        ({"has_header": False}, "must be an index"),
        ({"amount": -1}, "index >= 0"),
        ({"amount": True}, "index >= 0"),
        ({"skip_rows": -1}, "skip_rows"),
        ({"has_header": "yes"}, "has_header"),
    ],
)  # fmt: skip
def test_invalid_profiles_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(CsvProfileError, match=message):
        CsvProfile(**{**VALID, **changes})


def test_from_dict_refuses_what_it_does_not_know() -> None:
    with pytest.raises(CsvProfileError, match="unknown settings: colour"):
        CsvProfile.from_dict({**VALID, "colour": "blue"})
    with pytest.raises(CsvProfileError, match="is a list"):
        CsvProfile.from_dict({**VALID, "remittance": "Memo"})
    with pytest.raises(CsvProfileError, match="required"):
        CsvProfile.from_dict({"name": "p"})
    with pytest.raises(CsvProfileError):
        CsvProfile.from_dict([1, 2])  # type: ignore[arg-type]


def test_index_columns_without_header() -> None:
    profile = CsvProfile(
        name="idx", has_header=False, booking_date=0, amount=2, fixed_currency="EUR", remittance=(1, 3)
    )
    p = parse(b"2026-01-02,Invoice 7,12.5,part 1/2\n\n2026-01-03,,-3,\n", profile)
    assert [(t.amount, t.remittance_lines, t.location) for t in p.transactions] == [
        (D("12.50"), ("Invoice 7 part 1/2",), "line 1"),
        (D("-3.00"), (), "line 3"),
    ]


def test_header_names_match_without_case_and_blanks() -> None:
    profile = CsvProfile(name="c", booking_date="date", amount="AMOUNT", fixed_currency="EUR")
    assert parse(b" Date ,Amount\n2026-01-02,1\n", profile).transactions[0].amount == D("1.00")


@pytest.mark.parametrize(
    ("text", "decimal", "thousands", "expected"),
    [
        ("1,234.56", ".", ",", D("1234.56")),
        ("1.234,56", ",", ".", D("1234.56")),
        ("1 234,56", ",", " ", D("1234.56")),
        ("1'234.56", ".", "'", D("1234.56")),
        ("(1,000.00)", ".", ",", D("-1000.00")),
        ("12,50-", ",", "", D("-12.50")),
        ("+7", ".", "", D("7")),
        ("-.5", ".", "", D("-0.5")),
    ],
)
def test_numbers(text: str, decimal: str, thousands: str, expected: Decimal) -> None:
    assert parse_number(text, decimal, thousands) == expected


@pytest.mark.parametrize("text", ["", "-", "1.234,56", "12a", "1e3", "--1", "NaN", "(1"])
def test_not_numbers(text: str) -> None:
    assert parse_number(text, ".", "") is None


# -- bad rows ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("export", "location", "field", "value"),
    [
        (BELGIAN_EXPORT.replace(b"02/01/2026;02", b"32/01/2026;02"), "line 2", "Boekingsdatum", "32/01/2026"),
        (BELGIAN_EXPORT.replace(b"-35,75", b"-35.75"), "line 3", "Bedrag", "-35.75"),
        (BELGIAN_EXPORT.replace(b"4.000,10;EUR", b";EUR"), "line 4", "Bedrag", ""),
        (BELGIAN_EXPORT.replace(b"4.000,10;EUR", b"4.000,10;USD"), "line 4", "Munt", "USD"),
        (BELGIAN_EXPORT.replace(b"4.000,10;EUR", b"4.000,10;EURO"), "line 4", "Munt", "EURO"),
        (BELGIAN_EXPORT.replace(b"BE68 5390 0754 7034;06", b"BE71 0961 2345 6769;06"), "line 4", "Rekeningnummer",
         "BE71 0961 2345 6769"),
        (BELGIAN_EXPORT.replace(b";Saldo", b";Balance"), "line 1", "balance_after", "Saldo"),
        (BELGIAN_EXPORT.replace(b";15.214,35\r\n", b"\r\n"), "line 4", "balance_after", None),
        (BELGIAN_EXPORT.replace(b'"Frais; janvier"', b'"Frais "janvier"'), "line 3", None, None),
    ],
)  # fmt: skip
def test_bad_rows_name_line_column_and_value(
    export: bytes, location: str, field: str | None, value: str | None
) -> None:
    with pytest.raises(StatementError) as caught:
        parse(export, BELGIAN)
    error = caught.value
    assert error.location == location
    if field is not None:
        assert error.field == field
    if value is not None:
        assert error.value == value


@pytest.mark.parametrize(
    ("row", "field", "value"),
    [
        ('DEBIT,01/07/2026,"X",250.00,"1.00","10,741.52",\n', "Credit", "250.00 / 1.00"),
        ('DEBIT,01/07/2026,"X",,,"10,741.52",\n', "Debit", ""),
        ('DEBIT,07/31/2026X,"X",1.00,,"10,741.52",\n', "Posting Date", "07/31/2026X"),
    ],
)
def test_bad_debit_credit_rows(row: str, field: str, value: str) -> None:
    data = US_EXPORT.split(b"\n")[0] + b"\n" + row.encode()
    with pytest.raises(StatementError) as caught:
        parse(data, US_BANK)
    assert (caught.value.location, caught.value.field, caught.value.value) == ("line 2", field, value)


def test_bad_indicator() -> None:
    with pytest.raises(StatementError) as caught:
        parse(GERMAN_EXPORT.replace(b'"119,50";"S"', b'"119,50";"X"'), GERMAN)
    assert (caught.value.location, caught.value.field, caught.value.value) == ("line 7", "Soll/Haben", "X")


def test_balances_that_do_not_chain_are_not_guessed() -> None:
    broken = BELGIAN_EXPORT.replace(b"15.214,35", b"15.214,36")
    p = parse(broken, BELGIAN)
    assert (p.statement.opening_balance, p.statement.closing_balance) == (None, None)
    assert len(p.transactions) == 3


def test_an_order_that_cannot_be_told() -> None:
    """+5 then -5 on one day, balances 105 then 100: oldest first from 100, or newest first from 105."""
    profile = CsvProfile(name="b", booking_date="D", amount="A", balance_after="B", fixed_currency="EUR")
    p = parse(b"D,A,B\n2026-01-02,5,105\n2026-01-02,-5,100\n", profile)
    assert (p.statement.opening_balance, p.statement.closing_balance) == (None, None)
    p = parse(b"D,A,B\n2026-01-02,5,105\n2026-01-03,-5,100\n", profile)
    assert (p.statement.opening_balance, p.statement.closing_balance) == (
        Balance(D("100.00"), "EUR"), Balance(D("100.00"), "EUR", date(2026, 1, 3)),
    )  # fmt: skip
    p = parse(b"D,A,B\n2026-01-03,5,105\n2026-01-02,-5,100\n", profile)
    assert (p.statement.opening_balance, p.statement.closing_balance) == (
        Balance(D("105.00"), "EUR"), Balance(D("105.00"), "EUR", date(2026, 1, 3)),
    )  # fmt: skip


def test_encodings() -> None:
    text = BELGIAN_EXPORT.decode("cp1252")
    for data in (text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("utf-16")):
        assert parse(data, BELGIAN).transactions[1].counterparty_name == "Société Générale"
    with pytest.raises(StatementError) as caught:
        parse(BELGIAN_EXPORT, replace(BELGIAN, encoding="utf-8"))
    assert caught.value.field == "encoding"


def test_an_empty_export_is_an_empty_statement() -> None:
    p = parse(
        b"Date,Amount\n", CsvProfile(name="e", booking_date="Date", amount="Amount", fixed_currency="EUR")
    )
    assert (p.statement.transaction_count, p.statement.currency, p.transactions) == (0, "EUR", ())
    with pytest.raises(StatementError):
        parse(b"", CsvProfile(name="e", booking_date="Date", amount="Amount", fixed_currency="EUR"))


# -- round trips -------------------------------------------------------------------------------

CELL = (
    st.text(alphabet="ABCDEFabcdéü0123456789 ;,.'\"/-+", min_size=1, max_size=25).map(str.strip).filter(bool)
)
DAYS = st.dates(min_value=date(1971, 1, 1), max_value=date(2099, 12, 31))
FORMATS = st.sampled_from(["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y%m%d", "%d-%b-%Y"])
SEPARATORS = st.sampled_from([(".", ""), (".", ","), (",", ""), (",", "."), (",", " "), (".", "'")])

FIELDS = ("value_date", "counterparty_name", "counterparty_account", "bank_reference", "end_to_end_id")


@st.composite
def profiles(draw: st.DrawFn) -> CsvProfile:
    decimal, thousands = draw(SEPARATORS)
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    convention = draw(st.sampled_from(["signed", "debit_credit_columns", "indicator_column"]))
    has_header = draw(st.booleans())
    wanted = ["booking_date", *[f for f in FIELDS if draw(st.booleans())]]
    wanted += {"signed": ["amount"], "debit_credit_columns": ["debit", "credit"],
               "indicator_column": ["amount", "indicator"]}[convention]  # fmt: skip
    if draw(st.booleans()):
        wanted.append("balance_after")
    currency_column = draw(st.booleans())
    if currency_column:
        wanted.append("currency")
    remittance_count = draw(st.integers(0, 2))
    order = draw(st.permutations(wanted + [f"remittance{i}" for i in range(remittance_count)]))
    columns: dict[str, str | int] = {
        name: (f"Col {name}" if has_header else index) for index, name in enumerate(order)
    }
    return CsvProfile(
        name="random",
        delimiter=delimiter,
        decimal_separator=decimal,
        thousands_separator=thousands,
        date_format=draw(FORMATS),
        has_header=has_header,
        sign_convention=convention,
        debit_values=("D", "Debit") if convention == "indicator_column" else (),
        credit_values=("C",) if convention == "indicator_column" else (),
        fixed_currency=None if currency_column else "EUR",
        remittance=tuple(columns[f"remittance{i}"] for i in range(remittance_count)),
        skip_rows=draw(st.integers(0, 2)),
        **{name: column for name, column in columns.items() if not name.startswith("remittance")},
    )


@st.composite
def exports(draw: st.DrawFn) -> tuple[CsvProfile, ParsedStatement, bool, ParsedStatement]:
    profile = draw(profiles())
    currency = profile.fixed_currency or draw(st.sampled_from(["EUR", "USD", "JPY"]))
    exponent = 0 if currency == "JPY" else 2
    txs = []
    days = sorted(draw(st.lists(DAYS, min_size=1, max_size=6)))  # exports are in date order
    for entry, day in enumerate(days, start=1):
        optional = {f: (getattr(profile, f) is not None) for f in FIELDS}
        txs.append(
            Transaction(
                amount=D(draw(st.integers(-(10**11), 10**11))).scaleb(-exponent),
                currency=currency,
                location="",
                booking_date=day,
                value_date=draw(DAYS) if optional["value_date"] else None,
                counterparty_name=draw(st.none() | CELL) if optional["counterparty_name"] else None,
                counterparty_account=draw(st.none() | CELL) if optional["counterparty_account"] else None,
                bank_reference=draw(st.none() | CELL) if optional["bank_reference"] else None,
                end_to_end_id=draw(st.none() | CELL) if optional["end_to_end_id"] else None,
                remittance_lines=(draw(CELL),) if profile.remittance and draw(st.booleans()) else (),
                entry_index=entry,
            )
        )
    # Rows whose amounts cancel out pairwise on one day chain both ways: the parser
    # rightly gives no balances then (test_an_order_that_cannot_be_told).
    assume(
        len(txs) == 1
        or days[0] != days[-1]
        or any(a.amount + b.amount != 0 for a, b in itertools.pairwise(txs))
    )
    opening = D(draw(st.integers(-(10**11), 10**11))).scaleb(-exponent)
    newest_first = draw(st.booleans()) and profile.balance_after is not None
    ordered = sorted(txs, key=lambda t: t.entry_index, reverse=newest_first)
    closing = opening + sum((t.amount for t in txs), D(0))
    last = txs[-1]
    statement = Statement(
        format="csv",
        currency=currency,
        location="",
        transaction_count=len(txs),
        opening_balance=Balance(opening, currency) if profile.balance_after is not None else None,
        closing_balance=Balance(closing, currency, last.booking_date)
        if profile.balance_after is not None
        else None,
        from_date=min(t.booking_date for t in txs if t.booking_date),
        to_date=max(t.booking_date for t in txs if t.booking_date),
    )
    expected = ParsedStatement(
        statement,
        tuple(replace(t, entry_index=i) for i, t in enumerate(ordered, start=1)),
    )
    return profile, ParsedStatement(statement, tuple(txs)), newest_first, expected


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exports())
def test_round_trip(case: tuple[CsvProfile, ParsedStatement, bool, ParsedStatement]) -> None:
    profile, original, newest_first, expected = case
    preamble = tuple(f"preamble line {i}" for i in range(profile.skip_rows))
    data = write_csv(original, profile, newest_first=newest_first, preamble=preamble)
    parsed = parse(data, profile)
    got = ParsedStatement(
        replace(parsed.statement, location=""), tuple(replace(t, location="") for t in parsed.transactions)
    )
    assert got == expected
    assert CsvProfile.from_dict(json.loads(json.dumps(profile.to_dict()))) == profile


# -- fuzzing -----------------------------------------------------------------------------------

SAMPLES = [(BELGIAN_EXPORT, BELGIAN), (US_EXPORT, US_BANK), (GERMAN_EXPORT, GERMAN)]


@st.composite
def mutated(draw: st.DrawFn) -> tuple[bytes, CsvProfile]:
    sample, profile = draw(st.sampled_from(SAMPLES))
    tokens = [b'"', b";", b",", b"\n", b"\r"]
    return mutate(draw, sample, tokens=tokens, max_delete=30, max_insert=6), profile


@settings(max_examples=400, deadline=None)
@given(mutated())
def test_mutated_exports_raise_only_statement_errors(case: tuple[bytes, CsvProfile]) -> None:
    data, profile = case
    try:
        collect(iter_parse(io.BytesIO(data), source="export.csv", profile=profile))
    except StatementError as exc:
        assert exc.source == "export.csv"
