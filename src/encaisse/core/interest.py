"""Late-payment interest: Directive 2011/7/EU and the national laws that transpose it.

Statutory interest for late payment is *simple* interest (Directive art. 2(6))
at a reference rate plus a margin, due from the day after the due date (art.
3(3)(a)). The reference rate is fixed per half-year: the rate in force on
1 January applies from January to June, the rate in force on 1 July from July
to December (art. 3(2)). So an interest claim is a list of periods, cut at
1 January and 1 July, each with its own annual rate:

    amount of a period = principal × annual rate / 100 × days / day basis

and the total is the exact sum of the periods, rounded half up to the
currency's minor unit only at the end.

**Days.** A period counts calendar days, both ends included: from the day
after the due date (the first day of delay, art. 3(3)(a)) up to and including
the payment date or the as-of date. A payment received on day X was still
missing during day X (art. 3(1)(b): the creditor "has not received the amount
due on time"), so an invoice due on 15 May and paid on 16 May bears one day of
interest: the day count is ``until - due_date``.

**Day basis.** None of the texts fixes a day-count convention; the annual rate
is applied per day as 1/365 of it, whatever the year (``DayCount.ACTUAL_365``:
29 February is a day of interest like any other and a whole leap year bears
366/365 of the annual rate). ``DayCount.ACTUAL_ACTUAL`` (1/366 per day in leap
years) is available per jurisdiction for users whose courts use it.

**Jurisdictions.** Each :class:`Jurisdiction` names its reference source, its
margin, its rounding rule and its fixed compensation:

- ``EU`` (the directive's minimum, also ``NL``): ECB MRO rate + 8 points.
- ``FR``: ECB MRO rate + 10 points by default (Code de commerce L441-10),
  EUR 40 indemnité forfaitaire (D441-5).
- ``BE``: ECB MRO rate + 8 points rounded up to the next half point (law of
  2 August 2002, art. 5), EUR 40 (art. 6).
- ``DE``: Basiszinssatz of the Bundesbank (§ 247 BGB) + 9 points between
  businesses (§ 288(2) BGB), EUR 40 Pauschale (§ 288(5) BGB).

The rates come from dated tables packaged with Encaisse
(``core/data/ecb_rates.json``, ``core/data/basiszinssatz.json``, each entry with
its source); a user adds a half-year with :meth:`RateTable.with_rate` or loads
an updated table with :meth:`RateTable.from_json`. A half-year missing from the
table raises :class:`RateNotPublished`: no rate is ever guessed.

>>> calc = late_interest(Money("1000.00", "EUR"), date(2024, 5, 15), date(2024, 8, 20), EU)
>>> [(str(p.start), str(p.end), p.days, p.annual_rate) for p in calc.periods]
[('2024-05-16', '2024-06-30', 46, Decimal('12.50')), ('2024-07-01', '2024-08-20', 51, Decimal('12.25'))]
>>> calc.total
Money('32.87', 'EUR')
>>> reference_rate(DE, date(2025, 3, 1)), annual_rate(DE, date(2025, 3, 1))
(Decimal('2.27'), Decimal('11.27'))
>>> annual_rate(BE, date(2025, 3, 1))  # 3.15 + 8 = 11.15, rounded up to the half point
Decimal('11.50')
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from enum import StrEnum
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Final

from encaisse.core.money import Money, to_decimal

__all__ = [
    "BE",
    "DE",
    "EU",
    "FR",
    "JURISDICTIONS",
    "NL",
    "DayCount",
    "InterestCalculation",
    "InterestPeriod",
    "Jurisdiction",
    "RateEntry",
    "RateNotPublished",
    "RatePeriod",
    "RateRounding",
    "RateTable",
    "ReferenceSource",
    "annual_rate",
    "default_rate_table",
    "half_year_start",
    "late_interest",
    "late_interest_on_schedule",
    "late_interest_over",
    "rate_periods",
    "reference_rate",
]

_HUNDRED: Final = Decimal(100)
_ZERO: Final = Decimal(0)
_ONE_DAY: Final = timedelta(days=1)


class RateNotPublished(LookupError):
    """The rate table has no rate for a half-year (add it: rates are never guessed)."""


class ReferenceSource(StrEnum):
    """Where a jurisdiction's reference rate comes from."""

    ECB_MRO = "ecb_mro"  # the ECB's main refinancing operations rate
    DE_BASISZINSSATZ = "de_basiszinssatz"  # § 247 BGB, published by the Bundesbank


class RateRounding(StrEnum):
    """How reference rate + margin becomes the annual rate."""

    NONE = "none"
    UP_TO_HALF_POINT = "up_to_half_point"  # Belgium, law of 2 August 2002 art. 5


class DayCount(StrEnum):
    """The divisor of the annual rate per day of delay."""

    ACTUAL_365 = "actual/365"
    ACTUAL_ACTUAL = "actual/actual"

    def basis(self, year: int) -> int:
        if self is DayCount.ACTUAL_ACTUAL and _is_leap(year):
            return 366
        return 365


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """The late-payment rules of one legal system, as the user's settings may adapt them.

    ``margin`` is in percentage points over the reference rate.
    ``fixed_compensation`` is the flat recovery-cost amount due once per late
    invoice (Directive art. 6), or None where the user does not charge it.
    """

    code: str
    name: str
    margin: Decimal
    reference: ReferenceSource = ReferenceSource.ECB_MRO
    rounding: RateRounding = RateRounding.NONE
    fixed_compensation: Money | None = None
    day_count: DayCount = DayCount.ACTUAL_365
    legal_basis: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "margin", to_decimal(self.margin))


_EUR_40: Final = Money("40.00", "EUR")

EU: Final = Jurisdiction(
    "EU",
    "EU minimum (Directive 2011/7/EU)",
    Decimal(8),
    fixed_compensation=_EUR_40,
    legal_basis="Directive 2011/7/EU, art. 2(6), 3(2), 3(3) and 6",
)
NL: Final = Jurisdiction(
    "NL",
    "Netherlands (wettelijke handelsrente)",
    Decimal(8),
    fixed_compensation=_EUR_40,
    legal_basis="Burgerlijk Wetboek art. 6:119a and 6:119b (simple interest here: the yearly capitalisation is not applied)",
)
FR: Final = Jurisdiction(
    "FR",
    "France (pénalités de retard)",
    Decimal(10),
    fixed_compensation=_EUR_40,
    legal_basis="Code de commerce art. L441-10 (taux BCE + 10 points) and D441-5 (indemnité forfaitaire de 40 euros)",
)
BE: Final = Jurisdiction(
    "BE",
    "Belgium (transactions commerciales / handelstransacties)",
    Decimal(8),
    rounding=RateRounding.UP_TO_HALF_POINT,
    fixed_compensation=_EUR_40,
    legal_basis="Loi du 2 août 2002 / wet van 2 augustus 2002, art. 5 (taux BCE + 8 points arrondi au demi-point supérieur) and art. 6 (40 euros)",
)
DE: Final = Jurisdiction(
    "DE",
    "Germany (Verzugszinsen zwischen Unternehmern)",
    Decimal(9),
    reference=ReferenceSource.DE_BASISZINSSATZ,
    fixed_compensation=_EUR_40,
    legal_basis="§ 288 Abs. 2 BGB (Basiszinssatz nach § 247 BGB + 9 Prozentpunkte) and § 288 Abs. 5 BGB (Pauschale von 40 Euro)",
)

JURISDICTIONS: Final[Mapping[str, Jurisdiction]] = MappingProxyType({j.code: j for j in (EU, NL, FR, BE, DE)})


# --- rate tables -------------------------------------------------------------------------------


def half_year_start(day: date) -> date:
    """1 January or 1 July: the start of the half-year that ``day`` falls in.

    >>> half_year_start(date(2024, 6, 30)), half_year_start(date(2024, 7, 1))
    (datetime.date(2024, 1, 1), datetime.date(2024, 7, 1))
    """
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def _next_half_year(start: date) -> date:
    return date(start.year, 7, 1) if start.month == 1 else date(start.year + 1, 1, 1)


@dataclass(frozen=True, slots=True)
class RateEntry:
    """The reference rate (percent per year) of the half-year starting on ``start``, and where it comes from."""

    start: date
    rate: Decimal
    source: str = ""

    def __post_init__(self) -> None:
        if self.start != half_year_start(self.start) or self.start.day != 1:
            raise ValueError(f"a rate entry starts on 1 January or 1 July, not {self.start}")
        object.__setattr__(self, "rate", to_decimal(self.rate))


@dataclass(frozen=True, slots=True)
class RateTable:
    """A dated table of half-yearly reference rates, one entry per half-year."""

    source: ReferenceSource
    title: str
    entries: tuple[RateEntry, ...]
    _by_start: Mapping[date, RateEntry] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        entries = tuple(sorted(self.entries, key=lambda e: e.start))
        index = {e.start: e for e in entries}
        if len(index) != len(entries):
            raise ValueError(f"{self.title}: two rates for the same half-year")
        object.__setattr__(self, "entries", entries)
        object.__setattr__(self, "_by_start", MappingProxyType(index))

    def entry_for(self, day: date) -> RateEntry:
        """The entry of the half-year ``day`` falls in; :class:`RateNotPublished` if there is none."""
        start = half_year_start(day)
        try:
            return self._by_start[start]
        except KeyError:
            raise RateNotPublished(
                f"{self.title}: no rate for the half-year starting {start}; add it to the rate table"
            ) from None

    def rate_for(self, day: date) -> Decimal:
        return self.entry_for(day).rate

    def with_rate(self, start: date, rate: Decimal | str, source: str) -> RateTable:
        """A copy with the rate of one half-year added (or replaced)."""
        kept = tuple(e for e in self.entries if e.start != start)
        return RateTable(self.source, self.title, (*kept, RateEntry(start, to_decimal(rate), source)))

    @classmethod
    def from_json(cls, text: str | bytes) -> RateTable:
        """A table from the JSON layout of ``core/data/*.json`` (rates as strings, never floats)."""
        data: dict[str, Any] = json.loads(text, parse_float=Decimal)
        entries = tuple(
            RateEntry(date.fromisoformat(row["from"]), to_decimal(row["rate"]), str(row.get("source", "")))
            for row in data["rates"]
        )
        return cls(ReferenceSource(data["source"]), str(data["title"]), entries)


_PACKAGED: Final[Mapping[ReferenceSource, str]] = MappingProxyType(
    {ReferenceSource.ECB_MRO: "ecb_rates.json", ReferenceSource.DE_BASISZINSSATZ: "basiszinssatz.json"}
)


@cache
def default_rate_table(source: ReferenceSource) -> RateTable:
    """The table packaged with Encaisse for a reference source (read once)."""
    text = resources.files("encaisse.core").joinpath("data", _PACKAGED[source]).read_text(encoding="utf-8")
    table = RateTable.from_json(text)
    if table.source is not source:
        raise ValueError(f"{_PACKAGED[source]} holds {table.source}, not {source}")
    return table


def _table_for(jurisdiction: Jurisdiction, rate_table: RateTable | None) -> RateTable:
    if rate_table is None:
        return default_rate_table(jurisdiction.reference)
    if rate_table.source is not jurisdiction.reference:
        raise ValueError(
            f"{jurisdiction.code} uses the {jurisdiction.reference} rate, not a table of {rate_table.source}"
        )
    return rate_table


# --- rates -------------------------------------------------------------------------------------


def reference_rate(jurisdiction: Jurisdiction, day: date, rate_table: RateTable | None = None) -> Decimal:
    """The jurisdiction's reference rate for the half-year of ``day`` (percent per year)."""
    return _table_for(jurisdiction, rate_table).rate_for(day)


def _apply_margin(jurisdiction: Jurisdiction, reference: Decimal) -> Decimal:
    rate = reference + jurisdiction.margin
    if jurisdiction.rounding is RateRounding.UP_TO_HALF_POINT:
        rate = (rate * 2).to_integral_value(rounding=ROUND_CEILING) / 2
    # Statutory interest is a charge on the debtor: a negative reference rate never turns it into a credit.
    return max(rate, _ZERO).quantize(Decimal("0.01"))


def annual_rate(jurisdiction: Jurisdiction, day: date, rate_table: RateTable | None = None) -> Decimal:
    """Reference rate + margin, rounded as the jurisdiction says (percent per year)."""
    return _apply_margin(jurisdiction, reference_rate(jurisdiction, day, rate_table))


@dataclass(frozen=True, slots=True)
class RatePeriod:
    """Consecutive days with one annual rate: ``start`` and ``end`` are both counted."""

    start: date
    end: date
    days: int
    reference_rate: Decimal
    margin: Decimal
    annual_rate: Decimal
    day_basis: int

    def interest(self, principal: Decimal) -> Decimal:
        """principal × annual rate / 100 × days / basis, exact to the context's precision."""
        return principal * self.annual_rate * self.days / (_HUNDRED * self.day_basis)


def _half_years(first_day: date, last_day: date) -> Iterator[tuple[date, date]]:
    start = first_day
    while start <= last_day:
        end = min(_next_half_year(half_year_start(start)) - _ONE_DAY, last_day)
        yield start, end
        start = end + _ONE_DAY


def rate_periods(
    first_day: date, last_day: date, jurisdiction: Jurisdiction, rate_table: RateTable | None = None
) -> tuple[RatePeriod, ...]:
    """The days from ``first_day`` to ``last_day`` (both counted) cut at 1 January and 1 July.

    >>> [(p.days, p.annual_rate) for p in rate_periods(date(2023, 12, 1), date(2024, 1, 31), FR)]
    [(31, Decimal('14.00')), (31, Decimal('14.50'))]
    """
    table = _table_for(jurisdiction, rate_table)
    result = []
    for start, end in _half_years(first_day, last_day):
        reference = table.rate_for(start)
        result.append(
            RatePeriod(
                start,
                end,
                (end - start).days + 1,
                reference,
                jurisdiction.margin,
                _apply_margin(jurisdiction, reference),
                jurisdiction.day_count.basis(start.year),
            )
        )
    return tuple(result)


# --- interest ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InterestPeriod:
    """One line of an interest claim: the principal, the days, the rate and its basis, the amount.

    ``amount`` is exact (not rounded): the claim rounds only its total.
    """

    start: date
    end: date
    days: int
    principal: Money
    reference_rate: Decimal
    margin: Decimal
    annual_rate: Decimal
    day_basis: int
    amount: Money


@dataclass(frozen=True, slots=True)
class InterestCalculation:
    """A late-interest claim: its periods, their exact sum and the total rounded half up."""

    jurisdiction: str
    due_date: date
    until: date
    currency: str
    periods: tuple[InterestPeriod, ...]
    exact_total: Decimal
    total: Money

    @property
    def days(self) -> int:
        return sum(p.days for p in self.periods)

    def rounded_amounts(self) -> tuple[Money, ...]:
        """Each period rounded to the minor unit so that the lines add up to :attr:`total`.

        For printing: rounds by largest remainder, as :meth:`Money.allocate` does.
        """
        if self.total.amount == 0:
            return tuple(Money.zero(self.currency).round() for _ in self.periods)
        return self.total.allocate([p.amount.amount for p in self.periods])


def _calculation(
    jurisdiction: Jurisdiction, due_date: date, until: date, currency: str, periods: Sequence[InterestPeriod]
) -> InterestCalculation:
    exact = sum((p.amount.amount for p in periods), _ZERO)
    return InterestCalculation(
        jurisdiction.code,
        due_date,
        until,
        currency,
        tuple(periods),
        exact,
        Money(exact, currency).round(),
    )


def late_interest(
    principal: Money,
    due_date: date,
    until: date,
    jurisdiction: Jurisdiction,
    rate_table: RateTable | None = None,
) -> InterestCalculation:
    """Statutory interest on ``principal`` from the day after ``due_date`` to ``until`` (both counted).

    ``until`` is the payment date, or the as-of date of an unpaid invoice. No
    interest when ``until`` is on or before the due date, nor on a principal ≤ 0.
    """
    if principal.amount <= 0 or until <= due_date:
        return _calculation(jurisdiction, due_date, until, principal.currency, ())
    periods = rate_periods(due_date + _ONE_DAY, until, jurisdiction, rate_table)
    return late_interest_over(principal, due_date, until, jurisdiction, periods)


def late_interest_over(
    principal: Money, due_date: date, until: date, jurisdiction: Jurisdiction, periods: Sequence[RatePeriod]
) -> InterestCalculation:
    """:func:`late_interest` over rate periods already cut (bulk runs share them between invoices).

    ``periods`` must be ``rate_periods(due_date + 1 day, until, jurisdiction, ...)``.
    """
    if principal.amount <= 0 or until <= due_date:
        return _calculation(jurisdiction, due_date, until, principal.currency, ())
    lines = [
        InterestPeriod(
            r.start,
            r.end,
            r.days,
            principal,
            r.reference_rate,
            r.margin,
            r.annual_rate,
            r.day_basis,
            Money(r.interest(principal.amount), principal.currency),
        )
        for r in periods
    ]
    return _calculation(jurisdiction, due_date, until, principal.currency, lines)


def late_interest_on_schedule(
    balance_changes: Sequence[tuple[date, Money]],
    due_date: date,
    until: date,
    jurisdiction: Jurisdiction,
    rate_table: RateTable | None = None,
) -> InterestCalculation:
    """Statutory interest on a balance that changes, e.g. with partial payments.

    ``balance_changes`` are ``(date, open amount)`` pairs: on that date (an
    invoice date, a payment date) the open amount became that amount. The day
    of a change still bears interest on the previous balance (a payment
    received on day X was missing during day X), the new balance bears
    interest from the next day, consistently with :func:`late_interest`::

        late_interest(P, due, paid) == late_interest_on_schedule([(due, P), (paid, 0)], due, until)

    The first change must be on or before the due date (the amount that fell
    due). Periods are cut at 1 January, 1 July and every change.

    >>> eur = lambda s: Money(s, "EUR")
    >>> calc = late_interest_on_schedule(
    ...     [(date(2024, 4, 15), eur("1000")), (date(2024, 5, 25), eur("400")), (date(2024, 6, 10), eur("0"))],
    ...     date(2024, 5, 15), date(2024, 8, 31), EU)
    >>> [(p.days, p.principal.amount) for p in calc.periods], calc.total
    ([(10, Decimal('1000')), (16, Decimal('400'))], Money('5.62', 'EUR'))
    """
    if not balance_changes:
        raise ValueError("a schedule needs at least the amount that fell due")
    changes = sorted(balance_changes, key=lambda change: change[0])
    currency = changes[0][1].currency
    if any(amount.currency != currency for _, amount in changes):
        raise ValueError("a schedule is in one currency")
    if changes[0][0] > due_date:
        raise ValueError(f"the first balance ({changes[0][0]}) must be on or before the due date {due_date}")
    first_day = due_date + _ONE_DAY
    if until < first_day:
        return _calculation(jurisdiction, due_date, until, currency, ())

    # The balance of each day: the last change dated before that day.
    segments: list[tuple[date, date, Money]] = []
    balance = changes[0][1]
    seg_start = first_day
    for when, amount in changes[1:]:
        # a change on day X applies from X + 1
        applies_from = when + _ONE_DAY
        if applies_from <= seg_start:
            balance = amount
            continue
        if applies_from > until:
            break
        segments.append((seg_start, applies_from - _ONE_DAY, balance))
        seg_start, balance = applies_from, amount
    segments.append((seg_start, until, balance))

    lines: list[InterestPeriod] = []
    for start, end, principal in segments:
        if principal.amount <= 0:
            continue
        for r in rate_periods(start, end, jurisdiction, rate_table):
            lines.append(
                InterestPeriod(
                    r.start,
                    r.end,
                    r.days,
                    principal,
                    r.reference_rate,
                    r.margin,
                    r.annual_rate,
                    r.day_basis,
                    Money(r.interest(principal.amount), currency),
                )
            )
    return _calculation(jurisdiction, due_date, until, currency, lines)
