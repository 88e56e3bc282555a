"""Numbers in invoice requests (API bodies, CSV rows): refused with the field named, never a crash."""

from __future__ import annotations

from decimal import Decimal

import pytest

from encaisse.billing.requests import Reader


@pytest.mark.parametrize("raw", ["1E+40", "9" * 40, Decimal("1E+30"), "1e400"])
def test_a_number_too_large_for_its_decimals_is_refused_by_field(raw: object) -> None:
    errors: list = []  # type: ignore[type-arg]
    value = Reader({"quantity": raw}, errors, where="line 1").decimal("quantity", places=6)
    assert value is None
    assert [(e.field, e.reason) for e in errors] == [("quantity", "out of range")]


def test_numbers_within_range_still_read_exactly() -> None:
    errors: list = []  # type: ignore[type-arg]
    reader = Reader({"price": "12345678901.123456", "q": "1.1234567"}, errors)
    assert reader.decimal("price") == Decimal("12345678901.123456")
    assert reader.decimal("q") is None
    assert [(e.field, e.reason) for e in errors] == [("q", "more than 6 decimals")]
