"""EN 16931 arithmetic: line amounts, VAT breakdown and totals (BR-CO-10…17, BR-x-08/09)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from einvoice_factories import (
    BUYER,
    FOREIGN_BUYER,
    SELLER,
    TRANSFER,
    line,
    sample_credit_note,
    sample_invoice,
)

from encaisse.formats.einvoice.model import Address, AllowanceCharge, DocumentType, Party, VatCategory
from encaisse.formats.einvoice.totals import (
    allowance,
    build_document,
    charge,
    line_net_amount,
    round_amount,
    vat_amount,
    vat_breakdown,
)


def test_rounding_is_half_up_at_the_half_cent() -> None:
    assert round_amount(D("0.005")) == D("0.01")
    assert round_amount(D("0.004999")) == D("0.00")
    assert round_amount(D("-0.005")) == D("-0.01")
    assert round_amount(D("2.675")) == D("2.68")  # a float would give 2.67


def test_line_net_amount_uses_base_quantity_and_rounds_once() -> None:
    # 7 × (10.00 / 3) = 23.3333… → 23.33, not 7 × 3.33 = 23.31
    assert line_net_amount(D("7"), D("10.00"), D("3"), ()) == D("23.33")
    assert line_net_amount(D("3"), D("0.335"), None, ()) == D("1.01")  # 1.005 → 1.01
    discount = AllowanceCharge(is_charge=False, amount=D("1.50"))
    freight = AllowanceCharge(is_charge=True, amount=D("0.25"))
    assert line_net_amount(D("2"), D("5"), D("0"), (discount, freight)) == D("8.75")


def test_vat_is_computed_per_rate_not_per_line() -> None:
    # 100 lines of 0.05 at 21 %: per line 0.0105 → 0.01 each = 1.00; per rate 5.00 × 21 % = 1.05
    lines = [line(n, "1", "0.05") for n in range(1, 101)]
    doc = build_document(number="1", issue_date=date(2026, 1, 1), seller=SELLER, buyer=BUYER, lines=lines,
                         payment_terms="now")  # fmt: skip
    assert [(b.category, b.taxable_amount, b.tax_amount) for b in doc.vat_breakdown] == [
        ("S", D("5.00"), D("1.05"))
    ]
    assert doc.totals.vat_total == D("1.05")
    assert doc.totals.payable == D("6.05")


def test_half_cent_boundary_of_the_vat_amount() -> None:
    assert vat_amount(D("0.50"), D("21")) == D("0.11")  # 0.105 → 0.11
    assert vat_amount(D("2.50"), D("21")) == D("0.53")  # 0.525 → 0.53
    assert vat_amount(D("-2.50"), D("21")) == D("-0.53")
    assert vat_amount(D("100"), None) == D("0.00")


def test_sample_invoice_totals_by_hand() -> None:
    doc = sample_invoice()
    # line 1: 3 × 19.99 = 59.97 − 6.00 (10 %) = 53.97; line 2: 150.00 at 6 %; line 3: 12 × 0.335 = 4.02
    assert [ln.net_amount for ln in doc.lines] == [D("53.97"), D("150.00"), D("4.02")]
    by_rate = {(b.category, b.rate): (b.taxable_amount, b.tax_amount) for b in doc.vat_breakdown}
    # 21 %: 53.97 + 4.02 − 2.00 document allowance = 55.99 → 11.76 VAT; 6 %: 150.00 → 9.00
    assert by_rate == {
        ("S", D("21.00")): (D("55.99"), D("11.76")),
        ("S", D("6.00")): (D("150.00"), D("9.00")),
    }
    t = doc.totals
    assert (t.line_total, t.allowance_total, t.charge_total) == (D("207.99"), D("2.00"), None)
    assert (t.tax_exclusive, t.vat_total, t.tax_inclusive, t.payable) == (
        D("205.99"),
        D("20.76"),
        D("226.75"),
        D("226.75"),
    )


def test_charges_prepaid_and_rounding() -> None:
    doc = sample_invoice(
        allowances_charges=(charge(D("50"), D("10"), reason="Freight", vat_category="S", vat_rate=D("21")),),
        prepaid=D("100.00"),
        rounding=D("-0.01"),
    )
    t = doc.totals
    assert t.charge_total == D("5.00") and t.allowance_total is None
    assert t.tax_exclusive == t.line_total + D("5.00")
    assert t.payable == t.tax_inclusive - D("100.00") - D("0.01")


def test_many_lines_mixed_rates_sum_exactly() -> None:
    lines = [line(n, str(n % 7 + 1), f"{n}.{n % 100:02d}5", rate=("21", "12", "6", "0")[n % 4],
                  category="Z" if n % 4 == 3 else "S") for n in range(1, 501)]  # fmt: skip
    doc = build_document(number="X", issue_date=date(2026, 1, 1), seller=SELLER, buyer=BUYER, lines=lines,
                         payment_terms="now")  # fmt: skip
    assert doc.totals.line_total == sum(ln.net_amount or 0 for ln in doc.lines)
    assert doc.totals.line_total == sum(b.taxable_amount for b in doc.vat_breakdown)
    assert doc.totals.vat_total == sum(b.tax_amount for b in doc.vat_breakdown)
    assert {b.category for b in doc.vat_breakdown} == {"S", "Z"}
    zero = next(b for b in doc.vat_breakdown if b.category == "Z")
    assert zero.tax_amount == 0 and zero.exemption_reason is None


@pytest.mark.parametrize(
    ("category", "code", "text"),
    [
        ("AE", "VATEX-EU-AE", "Reverse charge"),
        ("K", "VATEX-EU-IC", "Intra-Community supply"),
        ("G", "VATEX-EU-G", "Export outside the EU"),
        ("E", None, "Exempt from VAT"),
    ],
)
def test_zero_rated_categories_get_an_exemption_reason(category: str, code: str | None, text: str) -> None:
    doc = build_document(number="1", issue_date=date(2026, 1, 1), seller=SELLER, buyer=FOREIGN_BUYER,
                         lines=[line(1, "2", "50", rate="0", category=category)], payment_terms="30 days")  # fmt: skip
    (b,) = doc.vat_breakdown
    assert (b.category, b.rate, b.tax_amount, b.exemption_reason_code, b.exemption_reason) == (
        category,
        D("0.00"),
        0,
        code,
        text,
    )
    assert doc.totals.payable == D("100.00")


def test_exemption_reason_of_the_line_wins() -> None:
    doc = build_document(number="1", issue_date=date(2026, 1, 1), seller=SELLER, buyer=BUYER, payment_terms="x",
                         lines=[line(1, "1", "10", rate="0", category="E", exemption_reason="Art. 44 WBTW",
                                     exemption_reason_code="VATEX-EU-132")])  # fmt: skip
    assert (doc.vat_breakdown[0].exemption_reason, doc.vat_breakdown[0].exemption_reason_code) == (
        "Art. 44 WBTW",
        "VATEX-EU-132",
    )


def test_not_subject_to_vat_has_no_rate() -> None:
    no_vat = Party(name="Association", address=Address(country="BE"))
    doc = build_document(number="1", issue_date=date(2026, 1, 1), seller=no_vat, buyer=no_vat, payment_terms="x",
                         lines=[line(1, "1", "10", category="O")])  # fmt: skip
    assert doc.vat_breakdown[0].rate is None and doc.vat_breakdown[0].exemption_reason_code == "VATEX-EU-O"


def test_foreign_currency_with_vat_in_euro() -> None:
    doc = sample_invoice(currency="USD", tax_currency="EUR", exchange_rate=D("0.9123"))
    assert doc.totals.vat_total == D("20.76")
    assert doc.totals.vat_total_accounting == D("18.94")  # 20.76 × 0.9123 = 18.939…
    with pytest.raises(ValueError, match="exchange rate"):
        sample_invoice(currency="USD", tax_currency="EUR")
    assert sample_invoice(tax_currency="EUR", exchange_rate=D("1")).tax_currency is None


def test_credit_note_amounts_stay_positive() -> None:
    doc = sample_credit_note()
    assert doc.type_code == DocumentType.CREDIT_NOTE and doc.is_credit_note
    assert doc.totals.payable == D("226.75")
    assert doc.preceding_invoices[0].number == "INV-2026-0001"


def test_percentage_allowance_keeps_base_and_percent() -> None:
    ac = allowance(D("33.33"), D("15"), reason="Promo")
    assert (ac.amount, ac.base_amount, ac.percent, ac.is_charge) == (D("5.00"), D("33.33"), D("15"), False)


def test_refusals() -> None:
    with pytest.raises(ValueError, match="BR-16"):
        build_document(number="1", issue_date=date(2026, 1, 1), seller=SELLER, buyer=BUYER, lines=[])
    with pytest.raises(ValueError, match="VAT category"):
        vat_breakdown(
            [line(1, "1", "1", net_amount=D("1"))], [AllowanceCharge(is_charge=False, amount=D("1"))]
        )
    with pytest.raises(ValueError, match="price it first"):
        vat_breakdown([line(1, "1", "1")])


def test_categories_know_their_rules() -> None:
    assert VatCategory.REVERSE_CHARGE.has_zero_rate and not VatCategory.STANDARD.has_zero_rate
    assert VatCategory.NOT_SUBJECT.needs_exemption_reason and not VatCategory.ZERO.needs_exemption_reason
    assert TRANSFER.code == "30"
