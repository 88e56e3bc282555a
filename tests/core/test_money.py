from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encaisse.core.money import CurrencyMismatch, InvalidAmount, Money, minor_unit

CURRENCIES = ["EUR", "USD", "JPY", "KWD", "GBP", "CHF"]
amounts = st.decimals(min_value=-(10**9), max_value=10**9, places=3, allow_nan=False, allow_infinity=False)


def test_refuses_floats_and_nan() -> None:
    with pytest.raises(InvalidAmount):
        Money(0.1, "EUR")  # type: ignore[arg-type]
    with pytest.raises(InvalidAmount):
        Money("NaN", "EUR")
    with pytest.raises(InvalidAmount):
        Money("abc", "EUR")


def test_refuses_bad_currency_and_mixing() -> None:
    with pytest.raises(ValueError):
        Money("1", "eur")
    with pytest.raises(CurrencyMismatch):
        Money("1", "EUR") + Money("1", "USD")
    with pytest.raises(CurrencyMismatch):
        _ = Money("1", "EUR") < Money("1", "USD")


def test_minor_units_per_iso_4217() -> None:
    assert (minor_unit("EUR"), minor_unit("JPY"), minor_unit("KWD")) == (2, 0, 3)
    assert Money("12.345", "KWD").minor_units() == 12345
    assert Money("1200", "JPY").minor_units() == 1200
    with pytest.raises(InvalidAmount):
        Money("1.005", "EUR").minor_units()


def test_round_half_up_by_default_half_even_on_request() -> None:
    assert Money("0.125", "EUR").round() == Money("0.13", "EUR")
    assert Money("0.125", "EUR").round("ROUND_HALF_EVEN") == Money("0.12", "EUR")
    assert Money("-0.125", "EUR").round() == Money("-0.13", "EUR")
    assert Money("2.5", "JPY").round() == Money("3", "JPY")


def test_immutable() -> None:
    m = Money("1", "EUR")
    with pytest.raises(AttributeError):
        m.amount = Decimal(2)  # type: ignore[misc]


@given(st.integers(min_value=-(10**15), max_value=10**15), st.sampled_from(CURRENCIES))
def test_minor_units_round_trip(units: int, currency: str) -> None:
    assert Money.from_minor(units, currency).minor_units() == units


@given(
    amounts,
    st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=12),
    st.sampled_from(CURRENCIES),
)
def test_allocate_parts_add_up_to_the_whole(amount: Decimal, weights: list[int], currency: str) -> None:
    if sum(weights) == 0:
        weights[0] = 1
    whole = Money(amount, currency).round()
    parts = whole.allocate(weights)
    assert len(parts) == len(weights)
    assert sum((p.amount for p in parts), Decimal(0)) == whole.amount
    assert all(p.is_rounded() for p in parts)
    for p, w in zip(parts, weights, strict=True):
        if w == 0:
            assert p.amount == 0


@given(amounts, amounts, st.sampled_from(CURRENCIES))
def test_addition_is_exact(a: Decimal, b: Decimal, currency: str) -> None:
    assert (Money(a, currency) + Money(b, currency) - Money(b, currency)) == Money(a, currency)
