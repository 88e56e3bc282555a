"""Amounts: exact, several invoices, partial, short-paid, overpaid, duplicate, credit notes, currencies."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from matching_builders import IBAN_ACME, inv, make_engine, rows, tx

from encaisse.core.matching import MatchSettings, Party, Status
from encaisse.core.matching.records import default_charge_tolerance

PAYER = {"name": "ACME LOGISTICS SA", "iban": IBAN_ACME}


def test_exact_amount(acme: list[Party]) -> None:
    engine = make_engine([inv("INV-2026-000100", "c1", "100.00")], acme)
    d = engine.match(tx("100.00", "INV-2026-000100", **PAYER))
    assert d.status == Status.APPLIED
    assert rows(d) == [("invoice", "INV-2026-000100", "100.00")]
    assert d.total() == Decimal("100.00")


def test_bank_charges_within_tolerance_are_a_deduction(acme: list[Party]) -> None:
    engine = make_engine([inv("INV-2026-000100", "c1", "100.00")], acme)
    d = engine.match(tx("98.00", "INV-2026-000100", **PAYER))
    assert d.status == Status.APPLIED
    assert rows(d) == [("invoice", "INV-2026-000100", "100.00"), ("deduction", "INV-2026-000100", "-2.00")]
    assert d.allocations[1].reason == "bank_charges"
    assert d.total() == Decimal("98.00")
    assert engine.open_amount("id-INV-2026-000100") == 0


def test_the_tolerance_follows_the_currency(acme: list[Party]) -> None:
    # 120 kr of charges on a cross-border payment: within a Swedish entity's default (250 SEK), and within a
    # euro entity's 25 EUR when the invoice is in SEK; 120 EUR would not be
    for settings, currency in (
        (MatchSettings(currency="SEK", charge_tolerance=default_charge_tolerance("SEK")), "SEK"),
        (MatchSettings(currency="EUR", charge_tolerance=Decimal("25.00")), "SEK"),
        (MatchSettings(currency="EUR", charge_tolerance=Decimal("25.00")), "EUR"),
    ):
        engine = make_engine([inv("50394", "c1", "5351.25", currency=currency)], acme, settings)
        d = engine.match(tx("5231.25", "Fakturanr 50394", currency=currency, **PAYER))
        assert d.status == Status.APPLIED
        if currency == "SEK":
            assert rows(d) == [("invoice", "50394", "5351.25"), ("deduction", "50394", "-120.00")]
            assert d.allocations[1].reason == "bank_charges"
        else:
            assert rows(d) == [("invoice", "50394", "5231.25")]  # a partial payment


def test_unexplained_residue_above_tolerance_is_a_partial_payment(acme: list[Party]) -> None:
    engine = make_engine(
        [inv("INV-2026-000100", "c1", "1000.00")], acme, MatchSettings(charge_tolerance=Decimal("10"))
    )
    d = engine.match(tx("600.00", "Acompte INV-2026-000100", **PAYER))
    assert d.status == Status.APPLIED
    assert rows(d) == [("invoice", "INV-2026-000100", "600.00")]
    assert engine.open_amount("id-INV-2026-000100") == Decimal("400.00")


def test_early_payment_discount_per_terms(acme: list[Party]) -> None:
    item = inv("INV-2026-000100", "c1", "1000.00", issued="2026-02-01", discount=("2", 10))
    engine = make_engine([item], acme, MatchSettings(charge_tolerance=Decimal("5")))
    d = engine.match(tx("980.00", "INV-2026-000100 escompte 2%", on="2026-02-09", **PAYER))
    assert d.status == Status.APPLIED
    assert rows(d) == [("invoice", "INV-2026-000100", "1000.00"), ("deduction", "INV-2026-000100", "-20.00")]
    assert d.allocations[1].reason == "discount"
    assert "discount" in d.explanation


def test_discount_taken_too_late_is_not_a_discount(acme: list[Party]) -> None:
    item = inv("INV-2026-000100", "c1", "1000.00", issued="2026-01-01", discount=("2", 10))
    engine = make_engine([item], acme, MatchSettings(charge_tolerance=Decimal("5")))
    d = engine.match(tx("980.00", "INV-2026-000100", on="2026-02-20", **PAYER))
    assert ("deduction", "INV-2026-000100", "-20.00") not in rows(d)
    assert rows(d)[0] == ("invoice", "INV-2026-000100", "980.00")  # a partial payment


def test_a_deduction_the_text_names_is_one_deduction_within_the_discount_period(acme: list[Party]) -> None:
    # 2 % discount (10.46) open, 26.00 kept back for damaged goods: one deduction of 26.00, not a discount
    # and 15.54 of charges that happen to add up to it
    item = inv("2026-0456", "c1", "523.00", issued="2026-02-01", discount=("2", 14))
    engine = make_engine([item], acme)
    d = engine.match(tx("497.00", "factuur 2026-0456 minus 26,00 ivm beschadigde levering", on="2026-02-09",
                        **PAYER))  # fmt: skip
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "2026-0456", "523.00"), ("deduction", "2026-0456", "-26.00")]
    assert d.allocations[1].reason == "explained"


def test_deduction_explained_by_the_text(acme: list[Party]) -> None:
    for words in (
        "minus 45,00 damaged goods",
        "abzüglich 45,00 Preisdifferenz",
        "retenue 45,00 litige",
        "korting 45,00",
    ):
        engine = make_engine(
            [inv("INV-2026-000100", "c1", "500.00")], acme, MatchSettings(charge_tolerance=Decimal("5"))
        )
        d = engine.match(tx("455.00", f"INV-2026-000100 {words}", **PAYER))
        assert d.status == Status.APPLIED, words
        assert rows(d) == [
            ("invoice", "INV-2026-000100", "500.00"),
            ("deduction", "INV-2026-000100", "-45.00"),
        ]
        assert d.allocations[1].reason == "explained"


def test_overpayment_goes_on_account(acme: list[Party]) -> None:
    engine = make_engine([inv("INV-2026-000100", "c1", "500.00")], acme)
    d = engine.match(tx("505.00", "INV-2026-000100", **PAYER))
    assert d.status == Status.APPLIED
    assert rows(d) == [("invoice", "INV-2026-000100", "500.00"), ("on_account", "", "5.00")]
    assert d.total() == Decimal("505.00")


def test_an_excess_that_two_other_open_items_make_is_not_kept_on_account(acme: list[Party]) -> None:
    # 750.00 naming one of a customer's monthly 250.00 invoices: the 500.00 more is most likely two more of them,
    # not an advance; a person is asked, the oldest two proposed first
    items = [
        inv(f"INV-2026-{n:06d}", "c1", "250.00", issued=f"2026-{n - 100 + 1:02d}-05") for n in range(100, 106)
    ]
    engine = make_engine(items, acme)
    d = engine.match(tx("750.00", "INV-2026-000104", on="2026-07-10", **PAYER))
    assert d.status == Status.SUGGESTED
    assert sorted(rows(d.proposals[0])) == [
        ("invoice", "INV-2026-000100", "250.00"),
        ("invoice", "INV-2026-000101", "250.00"),
        ("invoice", "INV-2026-000104", "250.00"),
    ]
    # 760.00 is no sum of open items: the 510.00 more stays on account
    engine = make_engine(items, acme)
    d = engine.match(tx("760.00", "INV-2026-000104", on="2026-07-10", **PAYER))
    assert rows(d)[-1] == ("on_account", "", "510.00")


def test_duplicate_payment_goes_on_account(acme: list[Party]) -> None:
    engine = make_engine([inv("INV-2026-000100", "c1", "500.00")], acme)
    first = engine.match(tx("500.00", "INV-2026-000100", id="A", **PAYER))
    second = engine.match(
        tx("500.00", "INV-2026-000100", id="B", on="2026-02-11", position=(2, 1, 1), **PAYER)
    )
    assert rows(first) == [("invoice", "INV-2026-000100", "500.00")]
    assert second.status == Status.APPLIED
    assert rows(second) == [("on_account", "", "500.00")]
    assert second.allocations[0].reason == "duplicate"
    assert "a second payment, kept on account" in second.explanation
    assert "about:" not in second.explanation  # the engine's own note of the settled item is not shown


def test_several_invoices_without_reference_by_subset(acme: list[Party]) -> None:
    items = [
        inv("INV-2026-000101", "c1", "120.50", issued="2026-01-02"),
        inv("INV-2026-000102", "c1", "333.10", issued="2026-01-03"),
        inv("INV-2026-000103", "c1", "87.40", issued="2026-01-04"),
        inv("INV-2026-000104", "c1", "1020.00", issued="2026-01-05"),
    ]
    engine = make_engine(items, acme)
    d = engine.match(tx("1107.40", "paiement", **PAYER))  # 87.40 + 1020.00
    assert d.status != Status.UNMATCHED
    assert sorted(
        r[1] for r in rows(d) or [(a.kind, a.invoice_number, a.amount) for a in d.proposals[0].allocations]
    ) == [
        "INV-2026-000103",
        "INV-2026-000104",
    ]


def test_oldest_invoices_paid_together_without_reference(acme: list[Party]) -> None:
    items = [
        inv("INV-2026-000101", "c1", "120.50", issued="2026-01-02", due="2026-01-20"),
        inv("INV-2026-000102", "c1", "333.10", issued="2026-01-03", due="2026-01-21"),
        inv("INV-2026-000103", "c1", "87.40", issued="2026-01-20", due="2026-02-20"),
    ]
    engine = make_engine(items, acme)
    d = engine.match(tx("453.60", "", **PAYER))
    assert d.status == Status.APPLIED
    assert [r[1] for r in rows(d)] == ["INV-2026-000101", "INV-2026-000102"]
    assert "oldest" in d.explanation


def test_equal_invoices_fifo_oldest_due_first(acme: list[Party]) -> None:
    items = [
        inv("INV-2026-000103", "c1", "250.00", issued="2026-01-03", due="2026-02-28"),
        inv("INV-2026-000101", "c1", "250.00", issued="2026-01-05", due="2026-02-01"),
        inv("INV-2026-000102", "c1", "250.00", issued="2026-01-04", due="2026-02-01"),
    ]
    engine = make_engine(items, acme)
    first = engine.match(tx("250.00", "", id="A", **PAYER))
    second = engine.match(tx("250.00", "", id="B", position=(1, 2, 1), **PAYER))
    assert rows(first) == [("invoice", "INV-2026-000102", "250.00")]  # same due date: older issue date
    assert rows(second) == [("invoice", "INV-2026-000101", "250.00")]
    assert "first in, first out" in first.explanation


def test_ambiguous_combinations_are_not_applied(acme: list[Party]) -> None:
    items = [
        inv("INV-2026-000101", "c1", "300.00", issued="2026-01-02", due="2026-03-01"),
        inv("INV-2026-000102", "c1", "700.00", issued="2026-01-03", due="2026-03-02"),
        inv("INV-2026-000103", "c1", "400.00", issued="2026-01-04", due="2026-01-15"),
        inv("INV-2026-000104", "c1", "600.00", issued="2026-01-05", due="2026-01-16"),
        inv("INV-2026-000105", "c1", "5000.00", issued="2026-01-01", due="2026-01-10"),
    ]
    engine = make_engine(items, acme)
    d = engine.match(tx("1000.00", "", **PAYER))  # 300+700 or 400+600
    assert d.status != Status.APPLIED


def test_credit_note_netted_against_invoices(acme: list[Party]) -> None:
    items = [
        inv("INV-2026-000101", "c1", "1000.00"),
        inv("CN-2026-0007", "c1", "-200.00", credit_note=True),
    ]
    engine = make_engine(items, acme)
    d = engine.match(tx("800.00", "INV-2026-000101 - CN-2026-0007", **PAYER))
    assert d.status == Status.APPLIED
    assert sorted(rows(d)) == [
        ("invoice", "CN-2026-0007", "-200.00"),
        ("invoice", "INV-2026-000101", "1000.00"),
    ]
    assert d.total() == Decimal("800.00")


def test_two_payments_never_settle_the_same_open_amount(acme: list[Party]) -> None:
    engine = make_engine([inv("INV-2026-000100", "c1", "500.00")], acme)
    a = engine.match(tx("300.00", "INV-2026-000100 acompte", id="A", **PAYER))
    b = engine.match(tx("300.00", "INV-2026-000100", id="B", position=(1, 2, 1), **PAYER))
    settled = sum(
        (
            x.amount
            for d in (a, b)
            if d.status == Status.APPLIED
            for x in d.allocations
            if x.kind == "invoice"
        ),
        Decimal(0),
    )
    assert settled <= Decimal("500.00")
    assert engine.open_amount("id-INV-2026-000100") >= 0


def test_never_across_currencies(acme: list[Party]) -> None:
    engine = make_engine([inv("INV-2026-000100", "c1", "500.00", currency="USD")], acme)
    d = engine.match(tx("500.00", "INV-2026-000100", currency="EUR", **PAYER))
    assert all(a.invoice_number != "INV-2026-000100" for a in d.allocations)
    assert "never across currencies" in d.explanation or d.status != Status.APPLIED


def test_payment_in_the_invoice_currency(acme: list[Party]) -> None:
    engine = make_engine([inv("INV-2026-000100", "c1", "500.00", currency="USD")], acme)
    d = engine.match(tx("500.00", "INV-2026-000100", currency="USD", **PAYER))
    assert d.status == Status.APPLIED


def test_invoice_issued_after_the_payment_is_never_settled(acme: list[Party]) -> None:
    engine = make_engine([inv("INV-2026-000100", "c1", "500.00", issued="2026-03-01")], acme)
    d = engine.match(tx("500.00", "INV-2026-000100", on="2026-02-10", **PAYER))
    assert d.status != Status.APPLIED
    assert all(
        p.allocations == () or p.allocations[0].invoice_number != "INV-2026-000100" for p in d.proposals
    )


def test_payment_long_before_the_invoice_existed(acme: list[Party]) -> None:
    engine = make_engine([inv("INV-2026-000100", "c1", "500.00", issued="2026-12-01")], acme)
    d = engine.match(tx("500.00", "", on="2026-01-05", **PAYER))
    assert d.status != Status.APPLIED


def test_rows_of_an_applied_transaction_add_up(acme: list[Party]) -> None:
    items = [inv("INV-2026-000101", "c1", "1000.00"), inv("INV-2026-000102", "c1", "250.00")]
    engine = make_engine(items, acme)
    d = engine.match(tx("1240.00", "INV-2026-000101 INV-2026-000102", **PAYER))
    assert d.status == Status.APPLIED
    assert d.total() == Decimal("1240.00")


def test_large_share_within_tolerance_is_left_to_a_person(acme: list[Party]) -> None:
    # 16.72 short on 27.86: bank charges, or a part payment? Both are proposed.
    engine = make_engine([inv("INV-2026-000100", "c1", "27.86")], acme)
    d = engine.match(tx("11.14", "INV-2026-000100", **PAYER))
    assert d.status != Status.APPLIED
    kinds = {tuple(a.kind for a in p.allocations) for p in d.proposals}
    assert ("invoice", "deduction") in kinds and ("invoice",) in kinds


def test_deduction_text_naming_another_amount_does_not_explain(acme: list[Party]) -> None:
    engine = make_engine(
        [inv("INV-2026-000100", "c1", "500.00")], acme, MatchSettings(charge_tolerance=Decimal("5"))
    )
    d = engine.match(tx("400.00", "INV-2026-000100 minus 45,00 damaged goods", **PAYER))
    assert all(a.kind != "deduction" for a in d.allocations)


US_ACH = (
    "ACH CREDIT RECEIVED ORIG CO NAME:ACME LOGISTICS ORIG ID:1455869712 DESC DATE:260303 CO ENTRY DESCR:PAYMENTS "
    "SEC:CCD TRACE#:931045196501507 EED:260303 IND ID:SUP52356 IND NAME:ENCAISSE INC"
)


@pytest.mark.parametrize(
    "text",
    [
        US_ACH,
        "ORIG CO NAME=ACME LOGISTICS,ORIG ID=1455869712,DESC DATE=260303,ENTRY DESCR=VENDOR PMT,ENTRY CLASS=CCD,"
        "TRACE NO=931045196501507,IND ID NO=SUP52356,IND NAME=ENCAISSE INC",
        "LOCKBOX 7741 DEPOSIT CHECK 652256 REMITTER:ACME LOGISTICS CUST ACCT 332712",
        "CHECK NO 115335",
    ],
)
def test_a_us_banks_own_numbers_do_not_stop_first_in_first_out(text: str, acme: list[Party]) -> None:
    # the originator's id, trace number, lockbox and check numbers are no document's number
    items = [inv(f"{n}", "c1", "899.00", issued=f"2026-01-0{n - 318400}") for n in (318401, 318402, 318403)]
    engine = make_engine(items, acme)
    d = engine.match(tx("899.00", text, name="ACME LOGISTICS"))
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "318401", "899.00")]


@pytest.mark.parametrize(
    "text", ["RMR*IV*INV-2026-000100*PI*600.00*1000.00\\", "INV-2026-000100 invoice 1000.00 paid 600.00"]
)
def test_a_part_payment_whose_text_writes_the_invoices_amount(text: str, acme: list[Party]) -> None:
    engine = make_engine([inv("INV-2026-000100", "c1", "1000.00")], acme)
    d = engine.match(tx("600.00", text, name="ACME LOGISTICS BRUXELLES"))
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "INV-2026-000100", "600.00")]


def test_a_long_text_whose_last_line_stops_short_is_whole(acme: list[Party]) -> None:
    # a BAI2 record and its continuations: long, but not cut; the excess over the one invoice named goes on account
    lines = (
        *[US_ACH[i : i + 80] for i in range(0, len(US_ACH), 80)],
        "ADDENDA:RMR*IV*INV-2026-000100*PI*500.00\\",
    )
    engine = make_engine(
        [inv("INV-2026-000100", "c1", "500.00"), inv("INV-2026-000101", "c1", "700.00")], acme
    )
    d = engine.match(replace(tx("563.79", name="ACME LOGISTICS"), remittance_lines=lines))
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "INV-2026-000100", "500.00"), ("on_account", "", "63.79")]


def test_a_check_number_like_the_customers_invoice_numbers_is_still_a_check_number(acme: list[Party]) -> None:
    items = [inv(f"{n}", "c1", "375.00", issued=f"2026-01-0{n - 652240}") for n in (652241, 652242, 652243)]
    engine = make_engine(items, acme)
    d = engine.match(
        tx("375.00", "LOCKBOX 7741 DEPOSIT CHECK 652246 REMITTER:ACME LOGISTICS", name="ACME LOGISTICS")
    )
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "652241", "375.00")]
