"""Money: an exact Decimal amount in an ISO 4217 currency.

Amounts are :class:`~decimal.Decimal`, never float. Each currency has its
minor unit (ISO 4217: EUR 2, JPY 0, KWD 3); storage uses integer minor units
(:meth:`Money.minor_units`, :meth:`Money.from_minor`). Arithmetic refuses to
mix currencies. Rounding is explicit: :meth:`Money.round` rounds half up as
invoices do, unless a standard asks for another mode.

>>> Money("10.005", "EUR").round()
Money('10.01', 'EUR')
>>> Money("1.5", "EUR") + Money("2", "EUR")
Money('3.5', 'EUR')
>>> Money.from_minor(1999, "EUR").minor_units()
1999
>>> Money("100", "JPY").minor_units()
100
>>> Money("10.00", "EUR").allocate([1, 1, 1])
(Money('3.34', 'EUR'), Money('3.33', 'EUR'), Money('3.33', 'EUR'))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import total_ordering
from typing import Final

# ISO 4217 minor units for every currency whose exponent is not 2.
# (https://www.six-group.com/en/products-services/financial-information/data-standards.html)
_EXPONENT_OTHER_THAN_2: Final[dict[str, int]] = {
    "BHD": 3, "BIF": 0, "CLF": 4, "CLP": 0, "DJF": 0, "GNF": 0, "IQD": 3, "ISK": 0,
    "JOD": 3, "JPY": 0, "KMF": 0, "KRW": 0, "KWD": 3, "LYD": 3, "OMR": 3, "PYG": 0,
    "RWF": 0, "TND": 3, "UGX": 0, "UYI": 0, "UYW": 4, "VND": 0, "VUV": 0, "XAF": 0,
    "XOF": 0, "XPF": 0,
}  # fmt: skip


class CurrencyMismatch(ValueError):
    """Arithmetic or comparison between amounts of different currencies."""


class InvalidAmount(ValueError):
    """An amount that is not an exact decimal number (a float, NaN, text)."""


def minor_unit(currency: str) -> int:
    """The number of decimals of a currency's minor unit (ISO 4217).

    >>> minor_unit("EUR"), minor_unit("JPY"), minor_unit("KWD")
    (2, 0, 3)
    """
    return _EXPONENT_OTHER_THAN_2.get(currency, 2)


def to_decimal(value: Decimal | int | str) -> Decimal:
    """An exact Decimal from an int, str or Decimal; refuses floats and NaN.

    >>> to_decimal("1 234,50".replace(" ", "").replace(",", "."))
    Decimal('1234.50')
    """
    if isinstance(value, bool | float):
        raise InvalidAmount(f"amounts must be exact, not {type(value).__name__}: {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise InvalidAmount(f"not a number: {value!r}") from None
    else:
        raise InvalidAmount(f"not an amount: {value!r}")
    if not result.is_finite():
        raise InvalidAmount(f"not a finite amount: {value!r}")
    return result


def _check_currency(currency: str) -> str:
    if not (isinstance(currency, str) and len(currency) == 3 and currency.isascii() and currency.isupper()):
        raise ValueError(f"not an ISO 4217 currency code: {currency!r}")
    return currency


@total_ordering
class Money:
    """An amount of one currency. Immutable and hashable."""

    __slots__ = ("amount", "currency")
    amount: Decimal
    currency: str

    def __init__(self, amount: Decimal | int | str, currency: str) -> None:
        object.__setattr__(self, "amount", to_decimal(amount))
        object.__setattr__(self, "currency", _check_currency(currency))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Money is immutable")

    # construction and storage
    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def from_minor(cls, units: int, currency: str) -> Money:
        """From integer minor units, as stored in the database."""
        if not isinstance(units, int) or isinstance(units, bool):
            raise InvalidAmount(f"minor units must be an int, not {units!r}")
        return cls(Decimal(units).scaleb(-minor_unit(currency)), currency)

    def minor_units(self) -> int:
        """Integer minor units; refuses an amount with more decimals than the currency has."""
        exp = minor_unit(self.currency)
        scaled = self.amount.scaleb(exp)
        if scaled != scaled.to_integral_value():
            raise InvalidAmount(f"{self} has more than {exp} decimals: round it first")
        return int(scaled)

    # rounding
    def round(self, rounding: str = ROUND_HALF_UP, places: int | None = None) -> Money:
        """Round to the currency's minor unit (or ``places``), half up by default."""
        exp = minor_unit(self.currency) if places is None else places
        return Money(self.amount.quantize(Decimal(1).scaleb(-exp), rounding=rounding), self.currency)

    def is_rounded(self) -> bool:
        return self.amount == self.round().amount

    # arithmetic
    def _same(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"expected Money, got {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} and {other.currency}")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._same(other).amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, Money):
            raise TypeError("cannot multiply money by money")
        return Money(self.amount * to_decimal(factor), self.currency)

    __rmul__ = __mul__

    def __bool__(self) -> bool:
        return bool(self.amount)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.currency == other.currency and self.amount == other.amount

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same(other).amount

    def __hash__(self) -> int:
        return hash((self.amount, self.currency))

    def __repr__(self) -> str:
        return f"Money('{self.amount}', '{self.currency}')"

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    # splitting
    def allocate(self, weights: Sequence[int | Decimal]) -> tuple[Money, ...]:
        """Split into parts proportional to ``weights`` that add up exactly to the whole.

        Rounds each part down to the minor unit and hands the remaining units
        out by largest remainder (ties to the earlier part).
        """
        if not weights or any(to_decimal(w) < 0 for w in weights):
            raise ValueError("weights must be non-empty and non-negative")
        total_weight = sum((to_decimal(w) for w in weights), Decimal(0))
        if total_weight == 0:
            raise ValueError("weights must not all be zero")
        units = self.round().minor_units()
        sign = -1 if units < 0 else 1
        units = abs(units)
        raw = [Decimal(units) * to_decimal(w) / total_weight for w in weights]
        floors = [int(r) for r in raw]
        left = units - sum(floors)
        order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
        for i in order[:left]:
            floors[i] += 1
        return tuple(Money.from_minor(sign * f, self.currency) for f in floors)


def total(amounts: Iterable[Money], currency: str) -> Money:
    """Σ of amounts of one currency (zero for none)."""
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result
