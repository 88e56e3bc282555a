"""Payments found by their references: structured, typed, invoice numbers written every which way."""

from __future__ import annotations

import pytest
from matching_builders import IBAN_ACME, inv, make_engine, rows, tx

from encaisse.core.matching import Party, Status
from encaisse.core.references import (
    create_national,
    create_ogm,
    create_rf,
    format_national,
    format_ogm,
    format_rf,
)

ITEMS = [
    inv("INV-2026-001234", "c1", "1210.00", ref=create_rf("INV2026001234")),
    inv("INV-2026-001235", "c1", "500.00", ref=create_ogm(2026001235)),
    inv("INV-2026-001236", "c1", "750.00"),
    inv("INV-2026-001240", "c1", "330.00"),
    inv("INV-2025-001234", "c2", "990.00"),
]


def applied(text: str, amount: str, acme: list[Party], **kwargs: object) -> list[tuple[str, str, str]]:
    engine = make_engine(ITEMS, acme)
    decision = engine.match(tx(amount, text, **kwargs))  # type: ignore[arg-type]
    assert decision.status == Status.APPLIED, decision.explanation
    return rows(decision)


def test_structured_rf_reference(acme: list[Party]) -> None:
    got = applied("", "1210.00", acme, refs=[(create_rf("INV2026001234"), "RF")])
    assert got == [("invoice", "INV-2026-001234", "1210.00")]


def test_structured_ogm_reference(acme: list[Party]) -> None:
    got = applied("", "500.00", acme, refs=[(create_ogm(2026001235), "BE_OGM")])
    assert got == [("invoice", "INV-2026-001235", "500.00")]


def test_ogm_typed_in_free_text(acme: list[Party]) -> None:
    got = applied(f"Communication {format_ogm(create_ogm(2026001235))}", "500.00", acme)
    assert got == [("invoice", "INV-2026-001235", "500.00")]


def test_rf_typed_in_free_text(acme: list[Party]) -> None:
    got = applied(f"pay ref {format_rf(create_rf('INV2026001234')).lower()}", "1210.00", acme)
    assert got == [("invoice", "INV-2026-001234", "1210.00")]


@pytest.mark.parametrize(
    "text",
    [
        "INV-2026-001236",  # as printed
        "Facture INV 2026 001236",  # changed separators
        "inv2026001236",  # missing separators
        "INV-2026-1236",  # leading zeros dropped
        "Rechnung 2026/001236",  # another prefix
        "Factuur nr 2026-1236",
        "INV2026001236PAYMENT",  # glued to another word
    ],
)
def test_invoice_number_written_otherwise(text: str, acme: list[Party]) -> None:
    assert applied(text, "750.00", acme) == [("invoice", "INV-2026-001236", "750.00")]


def test_invoice_number_without_year_needs_the_payer(acme: list[Party]) -> None:
    # "1236" alone fits INV-2026-001236 only among the payer's items
    got = applied("Inv no 1236", "750.00", acme, name="ACME LOGISTICS", iban=IBAN_ACME)
    assert got == [("invoice", "INV-2026-001236", "750.00")]


@pytest.mark.parametrize(
    "text",
    [
        "INV-2026-001263",  # two characters swapped
        "INV-2026-00136",  # a character missing
        "INV-2026-0012336",  # a character too many
    ],
)
def test_invoice_number_one_character_off(text: str, acme: list[Party]) -> None:
    got = applied(text, "750.00", acme, name="Acme Logistics SA", iban=IBAN_ACME)
    assert got == [("invoice", "INV-2026-001236", "750.00")]


def test_one_wrong_digit_naming_another_existing_invoice(acme: list[Party]) -> None:
    # 001240 exists, but the amount and the payer say 001236, one digit away from "001246"
    got = applied("Invoice INV-2026-001246", "750.00", acme, name="Acme Logistics SA", iban=IBAN_ACME)
    assert got == [("invoice", "INV-2026-001236", "750.00")]


def test_truncated_number(acme: list[Party]) -> None:
    got = applied("Facture INV-2026-00123", "750.00", acme, name="Acme Logistics SA", iban=IBAN_ACME)
    assert got == [("invoice", "INV-2026-001236", "750.00")]


def test_range_with_shortened_end(acme: list[Party]) -> None:
    got = applied("Invoices INV-2026-001234/36", "2460.00", acme)
    assert sorted(got) == [
        ("invoice", "INV-2026-001234", "1210.00"),
        ("invoice", "INV-2026-001235", "500.00"),
        ("invoice", "INV-2026-001236", "750.00"),
    ]


def test_list_with_and(acme: list[Party]) -> None:
    got = applied("INV-2026-001234, 001235 & 001240", "2040.00", acme)
    assert {r[1] for r in got} == {"INV-2026-001234", "INV-2026-001235", "INV-2026-001240"}


@pytest.mark.parametrize(
    "text",
    ["Factures INV-2026-001234/35/36", "INV-2026-001234, 35 et 36", "Rechnungen 2026-001234-35-36",
     "inv 2026001234 & 35 & 36"],
)  # fmt: skip
def test_list_whose_later_members_write_only_the_digits_that_change(text: str, acme: list[Party]) -> None:
    got = applied(text, "2460.00", acme, name="Acme Logistics")
    assert sorted(got) == [
        ("invoice", "INV-2026-001234", "1210.00"),
        ("invoice", "INV-2026-001235", "500.00"),
        ("invoice", "INV-2026-001236", "750.00"),
    ]


def test_range_written_in_full(acme: list[Party]) -> None:
    got = applied("Facturen 2026-001234 tot 2026-001236", "2460.00", acme, name="Acme Logistics")
    assert len(got) == 3


def test_order_reference(acme: list[Party]) -> None:
    items = [inv("INV-2026-000900", "c2", "410.00", order="4500123456"), *ITEMS]
    engine = make_engine(items, acme)
    decision = engine.match(tx("410.00", "PO 4500123456", name="Acme Trading"))
    assert decision.status == Status.APPLIED
    assert rows(decision) == [("invoice", "INV-2026-000900", "410.00")]


def test_end_to_end_id_carries_the_number(acme: list[Party]) -> None:
    got = applied("", "750.00", acme, e2e="INV-2026-001236", name="Acme Logistics SA")
    assert got == [("invoice", "INV-2026-001236", "750.00")]
    decision = make_engine(ITEMS, acme).match(tx("750.00", e2e="INV-2026-001236", name="Acme Logistics SA"))
    assert "(from the end-to-end id)" in decision.explanation


def test_reference_from_a_payer_tied_to_another_customer_lowers_confidence(acme: list[Party]) -> None:
    engine = make_engine(ITEMS, acme)
    own = engine.match(tx("990.00", "INV-2025-001234", id="A", name="Acme Trading SPRL"))
    engine = make_engine(ITEMS, acme)
    other = engine.match(tx("990.00", "INV-2025-001234", id="B", name="Acme Logistics SA", iban=IBAN_ACME))
    assert other.confidence < own.confidence
    assert other.status != Status.APPLIED


def test_explanation_names_the_evidence(acme: list[Party]) -> None:
    engine = make_engine(ITEMS, acme)
    engine.match(tx("500.00", "INV-2026-001235", id="earlier", iban=IBAN_ACME))
    decision = engine.match(
        tx(
            "1210.00",
            "",
            id="T2",
            name="Acme Logistics SA",
            iban=IBAN_ACME,
            refs=[(create_rf("INV2026001234"), "RF")],
        )
    )
    assert "RF reference RF" in decision.explanation
    assert "exact" in decision.explanation
    assert "payer account" in decision.explanation
    assert "amount equal" in decision.explanation


# --- national references (Nordic, Swiss, Dutch), as the invoice carries them ----------------------------


def national_items() -> list:  # type: ignore[type-arg]
    return [
        inv("RE2500143", "c1", "2203.00", ref=create_national("2500143", "CH")),
        inv("RE2500144", "c1", "2203.00", ref=create_national("2500144", "CH")),
        inv("50184", "c1", "18785.29", ref=create_national("50184", "FI")),
    ]


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("2203.00", [("invoice", "RE2500143", "2203.00")]),
        ("1500.00", [("invoice", "RE2500143", "1500.00")]),  # a part payment
        ("2213.00", [("invoice", "RE2500143", "2203.00"), ("on_account", "", "10.00")]),  # paid over
    ],
)
def test_swiss_qr_reference_from_the_bank_names_the_invoice_whatever_the_amount(
    amount: str, expected: list[tuple[str, str, str]], acme: list[Party]
) -> None:
    engine = make_engine(national_items(), acme)
    d = engine.match(tx(amount, "", refs=[(create_national("2500143", "CH"), "QRR")], iban=IBAN_ACME))
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == expected


def test_national_references_typed_in_free_text(acme: list[Party]) -> None:
    qrr = format_national(create_national("2500144", "CH"), "CH")  # "00 00000 00000 00000 00250 01440"…
    engine = make_engine(national_items(), acme)
    d = engine.match(tx("2203.00", f"Rechnung Ref {qrr}", iban=IBAN_ACME))
    assert rows(d) == [("invoice", "RE2500144", "2203.00")], d.explanation
    viite = format_national(create_national("50184", "FI"), "FI")  # groups of five from the right
    engine = make_engine(national_items(), acme)
    d = engine.match(tx("18785.29", f"Viite {viite}", name="Acme Logistics"))
    assert d.status == Status.APPLIED and rows(d) == [("invoice", "50184", "18785.29")], d.explanation


def test_a_national_reference_padded_with_zeros_by_the_bank(acme: list[Party]) -> None:
    # Finnish banks send the viitenumero padded to 20 digits; the invoice keeps it without its zeros
    viite = create_national("50184", "FI")
    for amount, expected in (("18785.29", "18785.29"), ("10000.00", "10000.00")):  # paid, paid in part
        engine = make_engine(national_items(), acme)
        d = engine.match(tx(amount, "", refs=[(viite.zfill(20), "SCOR")], iban=IBAN_ACME))
        assert d.status == Status.APPLIED, d.explanation
        assert rows(d) == [("invoice", "50184", expected)]


@pytest.mark.parametrize(
    "text",
    ["RMR*IV*000320760*PI*6505.51\\", "INV 0320760", "STUB:INV 0000320760"],
)
def test_an_invoice_number_padded_with_zeros_by_the_payer(text: str, acme: list[Party]) -> None:
    # accounts-payable systems write the supplier's invoice number to a fixed width
    items = [
        inv(
            "320750", "c1", "6505.51", issued="2026-01-05"
        ),  # older, same amount: first in first out without the number
        inv("320760", "c1", "6505.51", issued="2026-01-20"),
        inv("10320760", "c2", "99.00"),
    ]
    engine = make_engine(items, acme)
    d = engine.match(tx("6505.51", text, name="Acme Logistics"))
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "320760", "6505.51")]


def test_zeros_are_not_stripped_down_to_a_short_number(acme: list[Party]) -> None:
    engine = make_engine([inv("123", "c1", "50.00", issued="2026-01-05"), inv("124", "c1", "50.00")], acme)
    d = engine.match(tx("50.00", "REF 000124", name="Acme Logistics"))
    assert "124" not in {a.invoice_number for a in d.allocations if d.status == Status.APPLIED}, d.explanation


@pytest.mark.parametrize(
    ("number", "text"),
    [
        ("RE-2026-10045", "RECHNUNG 10045/2026"),  # the serial before its year
        ("RE-2026-10045", "RE 10045/2026"),
        ("2026/0457", "FACTURA 457/2026"),
        ("2026/0457", "FACTURA 0457-26"),
        ("202600045", "PAGO 45/2026"),  # two digits that no month has
        ("ABC/26/00045", "ABC 45/26"),
        ("ABC/26/00045", "ABC/2026/45"),  # the year in full where the book writes two digits
        ("RE2500160", "RE-25-160"),  # a year in two digits glued to a padded serial
        ("INV-2026-0042", "INV 42/26"),
        ("INV-2026-0042", "INV-26-0042"),  # the year in two digits, first
        ("INV-2026-0042", "INV 26/42"),
        ("INV-42", "INV-0042"),  # zeros the book does not write
        ("FV/0080/03/2026", "ZAPLATA FV/80/03/2026"),  # zeros of a serial before the month and year
        ("FV/0080/03/2026", "FV 80/3/2026"),
        ("FV/123/03/2026", "FV/0123/03/2026"),
    ],
)
def test_an_invoice_number_with_its_year_or_zeros_written_otherwise(
    number: str, text: str, acme: list[Party]
) -> None:
    # three older items of the customer with the same amount: first in, first out would take another
    items = [inv(f"X-{n}", "c1", "500.00", issued=f"2026-01-0{n}") for n in range(1, 4)]
    items += [inv(number, "c1", "500.00", issued="2026-01-20"), inv("X-9", "c2", "500.00")]
    d = make_engine(items, acme).match(tx("500.00", text, name="Acme Logistics"))
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", number, "500.00")]


def test_a_month_and_year_are_not_an_invoice_number_reordered(acme: list[Party]) -> None:
    # "12/2025" is a period: it does not become the serial 12 of 2025
    items = [inv("2025-0012", "c2", "500.00", issued="2025-12-01"), inv("X-1", "c1", "500.00")]
    d = make_engine(items, acme).match(tx("500.00", "LOYER 12/2025", name="Acme Logistics"))
    assert ("invoice", "2025-0012", "500.00") not in (rows(d) if d.status == Status.APPLIED else [])


def test_the_whole_number_with_its_year_in_two_digits_names_its_invoice_whoever_pays(
    acme: list[Party],
) -> None:
    # a public accountant pays for many bodies: only the number says which item; "FA-26-03384" is FA-2026-03384
    items = [inv("FA-2026-03384", "c2", "1620.00"), inv("FA-2026-03385", "c4", "1620.00")]
    d = make_engine(items, acme).match(
        tx("1620.00", "MDT 2742 BDX 73 FA-26-03384", name="SGC GRENOBLE MUNICIPALE")
    )
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "FA-2026-03384", "1620.00")]
    # without its prefix, another reading of the digits is not telling enough on its own
    d = make_engine(items, acme).match(
        tx("1620.00", "MDT 2742 BDX 73 26/03384", name="SGC GRENOBLE MUNICIPALE")
    )
    assert d.status != Status.APPLIED, d.explanation
