from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encaisse.core.interest import (
    BE,
    DE,
    EU,
    FR,
    JURISDICTIONS,
    NL,
    DayCount,
    InterestCalculation,
    Jurisdiction,
    RateEntry,
    RateNotPublished,
    RateTable,
    ReferenceSource,
    annual_rate,
    default_rate_table,
    late_interest,
    late_interest_on_schedule,
    rate_periods,
    reference_rate,
)
from encaisse.core.money import Money

D = date.fromisoformat


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def exact(numerator: int | Decimal, denominator: int) -> Decimal:
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("1e-18"))


def lines(calc: InterestCalculation) -> list[tuple[str, str, int, str]]:
    return [(str(p.start), str(p.end), p.days, str(p.annual_rate)) for p in calc.periods]


# --- hand-computed claims: due 2024-05-15, paid 2024-08-20, EUR 1,000 ----------------------------
# 16 May – 30 June = 46 days at the rate of 1 January 2024, 1 July – 20 August = 51 days at the rate
# of 1 July 2024 (ECB MRO 4.50 then 4.25; Basiszinssatz 3.62 then 3.37).


def test_eu_minimum_across_a_half_year_boundary() -> None:
    calc = late_interest(eur("1000.00"), D("2024-05-15"), D("2024-08-20"), EU)
    assert lines(calc) == [
        ("2024-05-16", "2024-06-30", 46, "12.50"),
        ("2024-07-01", "2024-08-20", 51, "12.25"),
    ]
    assert [p.reference_rate for p in calc.periods] == [Decimal("4.50"), Decimal("4.25")]
    assert [p.margin for p in calc.periods] == [Decimal(8), Decimal(8)]
    # 1000 × (12.50 × 46 + 12.25 × 51) / 36500 = 1199750 / 36500 = 32.8698…
    assert calc.exact_total.quantize(Decimal("1e-18")) == exact(1199750, 36500)
    assert calc.total == eur("32.87")
    assert calc.days == 97 == (D("2024-08-20") - D("2024-05-15")).days
    assert calc.periods[0].amount.amount.quantize(Decimal("1e-18")) == exact(575000, 36500)


def test_germany_basiszinssatz_plus_nine() -> None:
    calc = late_interest(eur("1000.00"), D("2024-05-15"), D("2024-08-20"), DE)
    assert lines(calc) == [
        ("2024-05-16", "2024-06-30", 46, "12.62"),
        ("2024-07-01", "2024-08-20", 51, "12.37"),
    ]
    # 1000 × (12.62 × 46 + 12.37 × 51) / 36500 = 1211390 / 36500 = 33.1887…
    assert calc.exact_total.quantize(Decimal("1e-18")) == exact(1211390, 36500)
    assert calc.total == eur("33.19")
    assert DE.fixed_compensation == eur("40")


def test_france_ecb_plus_ten() -> None:
    calc = late_interest(eur("1000.00"), D("2024-05-15"), D("2024-08-20"), FR)
    assert [p.annual_rate for p in calc.periods] == [Decimal("14.50"), Decimal("14.25")]
    # 1000 × (14.50 × 46 + 14.25 × 51) / 36500 = 1393750 / 36500 = 38.1849…
    assert calc.total == eur("38.18")


def test_belgium_rounds_up_to_the_half_point() -> None:
    calc = late_interest(eur("1000.00"), D("2024-05-15"), D("2024-08-20"), BE)
    # 4.25 + 8 = 12.25 → 12.50 in the second half-year
    assert [p.annual_rate for p in calc.periods] == [Decimal("12.50"), Decimal("12.50")]
    assert calc.total == eur("33.22")  # 12.50 × 97 × 1000 / 36500 = 33.2191…


@pytest.mark.parametrize(
    ("day", "published"),
    [
        # rates published by the Belgian FPS Finance under art. 5 of the law of 2 August 2002
        ("2013-03-20", "9.00"),
        ("2013-09-01", "8.50"),
        ("2015-02-01", "8.50"),
        ("2016-03-01", "8.50"),
        ("2016-09-01", "8.00"),
        ("2019-09-01", "8.00"),
        ("2023-03-01", "10.50"),
        ("2024-03-01", "12.50"),
    ],
)
def test_belgian_rate_matches_the_published_rate(day: str, published: str) -> None:
    assert annual_rate(BE, D(day)) == Decimal(published)


def test_basiszinssatz_and_ecb_tables_agree() -> None:
    # § 247 BGB moves the Basiszinssatz by exactly the ECB's moves; since 2013 it has stayed 0.88 below.
    ecb = default_rate_table(ReferenceSource.ECB_MRO)
    basis = default_rate_table(ReferenceSource.DE_BASISZINSSATZ)
    assert [e.start for e in ecb.entries] == [e.start for e in basis.entries]
    assert len(ecb.entries) == 27  # every half-year from 2013 to January 2026
    for e, b in zip(ecb.entries, basis.entries, strict=True):
        assert b.rate == e.rate - Decimal("0.88"), e.start
        assert e.source and b.source


@pytest.mark.parametrize(
    ("day", "rate"),
    [
        ("2013-01-01", "0.75"),
        ("2016-06-30", "0.05"),
        ("2016-07-01", "0.00"),
        ("2022-12-31", "0.00"),
        ("2023-01-01", "2.50"),
        ("2023-07-01", "4.00"),
        ("2024-01-01", "4.50"),
        ("2025-01-01", "3.15"),
        ("2025-12-31", "2.15"),
        ("2026-06-30", "2.15"),
    ],
)
def test_reference_rate_in_force_for_each_half_year(day: str, rate: str) -> None:
    assert reference_rate(EU, D(day)) == Decimal(rate)


def test_jurisdictions() -> None:
    assert set(JURISDICTIONS) == {"EU", "NL", "FR", "BE", "DE"}
    assert {j.code: j.margin for j in JURISDICTIONS.values()} == {
        "EU": 8,
        "NL": 8,
        "FR": 10,
        "BE": 8,
        "DE": 9,
    }
    assert all(j.fixed_compensation == eur("40") for j in JURISDICTIONS.values())
    assert DE.reference is ReferenceSource.DE_BASISZINSSATZ
    assert annual_rate(NL, D("2024-09-01")) == Decimal("12.25")  # the Dutch handelsrente of H2 2024


# --- days ----------------------------------------------------------------------------------------


def test_day_boundaries() -> None:
    due = D("2024-05-15")
    assert late_interest(eur("1000"), due, due, EU).periods == ()
    assert late_interest(eur("1000"), due, due - timedelta(days=3), EU).total == eur("0.00")
    one = late_interest(eur("1000"), due, due + timedelta(days=1), EU)
    assert lines(one) == [("2024-05-16", "2024-05-16", 1, "12.50")]
    assert one.total == eur("0.34")  # 1000 × 12.50 / 36500 = 0.3424…
    assert late_interest(eur("0"), due, D("2024-08-20"), EU).periods == ()


def test_last_day_of_a_half_year_and_first_of_the_next() -> None:
    to_june_30 = late_interest(eur("1000"), D("2024-06-29"), D("2024-06-30"), EU)
    assert lines(to_june_30) == [("2024-06-30", "2024-06-30", 1, "12.50")]
    from_july_1 = late_interest(eur("1000"), D("2024-06-30"), D("2024-07-01"), EU)
    assert lines(from_july_1) == [("2024-07-01", "2024-07-01", 1, "12.25")]


def test_leap_year_counts_february_29() -> None:
    leap = late_interest(eur("1000"), D("2024-02-15"), D("2024-03-15"), EU)
    common = late_interest(eur("1000"), D("2023-02-15"), D("2023-03-15"), EU)
    assert (leap.days, common.days) == (29, 28)
    assert leap.total == eur("9.93")  # 1000 × 12.50 × 29 / 36500 = 9.9315…
    assert common.total == eur("8.05")  # 1000 × 10.50 × 28 / 36500 = 8.0547…
    whole_year = late_interest(eur("1000"), D("2023-12-31"), D("2024-12-31"), EU)
    assert [p.days for p in whole_year.periods] == [182, 184]
    # actual/365: a leap year bears 366/365 of the annual rate; actual/actual exactly the annual rate
    zero = RateTable(
        ReferenceSource.ECB_MRO,
        "zero",
        (RateEntry(D("2024-01-01"), Decimal(0)), RateEntry(D("2024-07-01"), Decimal(0))),
    )
    flat_365 = Jurisdiction("XX", "flat", Decimal(10))
    flat_act = Jurisdiction("XX", "flat", Decimal(10), day_count=DayCount.ACTUAL_ACTUAL)
    year_365 = late_interest(eur("36600"), D("2023-12-31"), D("2024-12-31"), flat_365, zero)
    year_act = late_interest(eur("36600"), D("2023-12-31"), D("2024-12-31"), flat_act, zero)
    assert [p.day_basis for p in year_act.periods] == [366, 366]
    assert year_act.total == eur("3660.00")
    assert year_365.total == eur("3670.03")  # 36600 × 10 % × 366 / 365 = 3670.027…


# --- partial payments ------------------------------------------------------------------------------


def test_partial_payments_schedule() -> None:
    due = D("2024-05-15")
    calc = late_interest_on_schedule(
        [(D("2024-04-15"), eur("1000")), (D("2024-06-10"), eur("400")), (D("2024-08-20"), eur("0"))],
        due,
        D("2024-09-30"),
        EU,
    )
    assert [(str(p.start), str(p.end), p.days, p.principal.amount, p.annual_rate) for p in calc.periods] == [
        ("2024-05-16", "2024-06-10", 26, Decimal("1000"), Decimal("12.50")),
        ("2024-06-11", "2024-06-30", 20, Decimal("400"), Decimal("12.50")),
        ("2024-07-01", "2024-08-20", 51, Decimal("400"), Decimal("12.25")),
    ]
    # (1000 × 12.50 × 26 + 400 × 12.50 × 20 + 400 × 12.25 × 51) / 36500 = 674900 / 36500 = 18.4904…
    assert calc.exact_total.quantize(Decimal("1e-18")) == exact(674900, 36500)
    assert calc.total == eur("18.49")


def test_schedule_changes_before_the_due_date_set_the_principal() -> None:
    calc = late_interest_on_schedule(
        [(D("2024-04-01"), eur("1000")), (D("2024-05-01"), eur("700"))], D("2024-05-15"), D("2024-05-25"), EU
    )
    assert [(p.days, p.principal) for p in calc.periods] == [(10, eur("700"))]
    paid_on_due_date = late_interest_on_schedule(
        [(D("2024-04-01"), eur("1000")), (D("2024-05-15"), eur("0"))], D("2024-05-15"), D("2024-05-25"), EU
    )
    assert paid_on_due_date.periods == ()


def test_schedule_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="at least"):
        late_interest_on_schedule([], D("2024-05-15"), D("2024-06-15"), EU)
    with pytest.raises(ValueError, match="before the due date"):
        late_interest_on_schedule([(D("2024-05-20"), eur("10"))], D("2024-05-15"), D("2024-06-15"), EU)
    with pytest.raises(ValueError, match="one currency"):
        late_interest_on_schedule(
            [(D("2024-05-01"), eur("10")), (D("2024-05-20"), Money("5", "USD"))],
            D("2024-05-15"),
            D("2024-06-15"),
            EU,
        )


# --- tables ----------------------------------------------------------------------------------------


def test_a_missing_half_year_raises_and_can_be_added() -> None:
    with pytest.raises(RateNotPublished, match="2026-07-01"):
        late_interest(eur("1000"), D("2026-06-15"), D("2026-07-10"), EU)
    with pytest.raises(RateNotPublished, match="2012-07-01"):
        reference_rate(EU, D("2012-12-31"))
    table = default_rate_table(ReferenceSource.ECB_MRO).with_rate(D("2026-07-01"), "2.40", "test entry")
    calc = late_interest(eur("1000"), D("2026-06-15"), D("2026-07-10"), EU, table)
    assert [p.annual_rate for p in calc.periods] == [Decimal("10.15"), Decimal("10.40")]
    replaced = table.with_rate(D("2026-07-01"), "2.15", "corrected")
    assert replaced.rate_for(D("2026-12-31")) == Decimal("2.15")
    assert len(replaced.entries) == len(table.entries)


def test_rate_table_validation_and_json() -> None:
    with pytest.raises(ValueError, match="1 January or 1 July"):
        RateEntry(D("2024-02-01"), Decimal("1"))
    with pytest.raises(ValueError, match="same half-year"):
        RateTable(ReferenceSource.ECB_MRO, "t", (RateEntry(D("2024-01-01"), Decimal(1)),) * 2)
    table = RateTable.from_json(
        '{"source": "ecb_mro", "title": "t", "rates": [{"from": "2030-01-01", "rate": "1.10", "source": "s"}]}'
    )
    assert table.rate_for(D("2030-06-30")) == Decimal("1.10")
    assert annual_rate(FR, D("2030-02-01"), table) == Decimal("11.10")
    with pytest.raises(ValueError, match="de_basiszinssatz"):
        late_interest(eur("1"), D("2030-01-01"), D("2030-02-01"), DE, table)


def test_negative_reference_never_makes_negative_interest() -> None:
    low = Jurisdiction("XX", "low", Decimal(0), reference=ReferenceSource.DE_BASISZINSSATZ)
    assert annual_rate(low, D("2020-01-01")) == Decimal("0.00")
    assert late_interest(eur("1000"), D("2020-01-01"), D("2020-03-01"), low).total == eur("0.00")


def test_rate_periods_are_contiguous_half_years() -> None:
    periods = rate_periods(D("2022-11-01"), D("2024-02-10"), EU)
    assert [(str(p.start), str(p.end)) for p in periods] == [
        ("2022-11-01", "2022-12-31"),
        ("2023-01-01", "2023-06-30"),
        ("2023-07-01", "2023-12-31"),
        ("2024-01-01", "2024-02-10"),
    ]
    assert [p.annual_rate for p in periods] == [
        Decimal("8.00"),
        Decimal("10.50"),
        Decimal("12.00"),
        Decimal("12.50"),
    ]


def test_rounded_amounts_add_up_to_the_total() -> None:
    calc = late_interest(eur("1000.00"), D("2024-05-15"), D("2024-08-20"), EU)
    assert calc.rounded_amounts() == (eur("15.75"), eur("17.12"))
    assert sum(m.amount for m in calc.rounded_amounts()) == calc.total.amount


def test_total_is_rounded_half_up_only_at_the_end() -> None:
    zero = RateTable(
        ReferenceSource.ECB_MRO,
        "zero",
        (RateEntry(D("2030-01-01"), Decimal(0)), RateEntry(D("2030-07-01"), Decimal(0))),
    )
    flat = Jurisdiction("XX", "flat", Decimal("36.5"))  # 5.00 × 36.5 % / 365 = 0.005 a day
    one_day = late_interest(eur("5.00"), D("2030-06-29"), D("2030-06-30"), flat, zero)
    assert one_day.exact_total == Decimal("0.005")
    assert one_day.total == eur("0.01")  # half up, not half even
    two_days = late_interest(eur("5.00"), D("2030-06-29"), D("2030-07-01"), flat, zero)
    assert [p.amount.amount for p in two_days.periods] == [Decimal("0.005"), Decimal("0.005")]
    assert two_days.total == eur("0.01")  # not 0.01 + 0.01: periods are not rounded one by one
    assert two_days.rounded_amounts() == (eur("0.01"), eur("0.00"))
    jpy = late_interest(Money("100000", "JPY"), D("2024-05-15"), D("2024-08-20"), EU)
    assert jpy.total == Money("3287", "JPY")  # 3286.98… rounded to the yen


# --- properties ----------------------------------------------------------------------------------

due_dates = st.dates(min_value=D("2013-01-01"), max_value=D("2025-12-31"))
principals = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000000"), places=2)
jurisdictions = st.sampled_from([EU, NL, FR, BE, DE])
LAST = D("2026-06-30")


def _until(due: date, days: int) -> date:
    return min(due + timedelta(days=days), LAST)


@given(due_dates, st.integers(0, 900), st.integers(0, 900), principals, jurisdictions)
def test_monotonic_in_days(due: date, a: int, b: int, principal: Decimal, j: Jurisdiction) -> None:
    short, long = sorted((a, b))
    first = late_interest(eur(str(principal)), due, _until(due, short), j)
    second = late_interest(eur(str(principal)), due, _until(due, long), j)
    assert first.exact_total <= second.exact_total
    assert first.total <= second.total


@given(due_dates, st.integers(0, 900), principals, principals, jurisdictions)
def test_monotonic_in_principal(due: date, days: int, a: Decimal, b: Decimal, j: Jurisdiction) -> None:
    small, big = sorted((a, b))
    until = _until(due, days)
    assert (
        late_interest(eur(str(small)), due, until, j).total
        <= late_interest(eur(str(big)), due, until, j).total
    )


@given(due_dates, st.integers(-30, 900), principals, jurisdictions)
def test_periods_sum_to_the_total_and_never_negative(
    due: date, days: int, principal: Decimal, j: Jurisdiction
) -> None:
    until = _until(due, days)
    calc = late_interest(eur(str(principal)), due, until, j)
    assert calc.exact_total == sum((p.amount.amount for p in calc.periods), Decimal(0))
    assert calc.total == Money(calc.exact_total, "EUR").round()
    assert calc.exact_total >= 0 and all(p.amount.amount >= 0 for p in calc.periods)
    assert calc.days == max((until - due).days, 0)
    # the same figure from the formula directly, period by period
    formula = sum((principal * p.annual_rate * p.days for p in calc.periods), Decimal(0)) / 36500
    assert abs(formula - calc.exact_total) < Decimal("1e-15")
    for p, q in zip(calc.periods, calc.periods[1:], strict=False):
        assert q.start == p.end + timedelta(days=1)
        assert (p.start.year, p.start.month <= 6) == (p.end.year, p.end.month <= 6)
    assert sum(m.amount for m in calc.rounded_amounts()) == calc.total.amount


@given(due_dates, st.integers(1, 600), st.integers(0, 200), principals, jurisdictions)
def test_schedule_with_one_payment_equals_the_simple_claim(
    due: date, days_late: int, extra: int, principal: Decimal, j: Jurisdiction
) -> None:
    paid = _until(due, days_late)
    simple = late_interest(eur(str(principal)), due, paid, j)
    schedule = late_interest_on_schedule(
        [(due, eur(str(principal))), (paid, eur("0"))], due, _until(paid, extra), j
    )
    assert schedule.exact_total == simple.exact_total
    assert schedule.total == simple.total


@given(
    due_dates,
    st.lists(st.tuples(st.integers(1, 400), st.decimals(min_value=0, max_value=5000, places=2)), max_size=5),
    principals,
)
def test_schedule_is_bounded_by_the_unpaid_claim(
    due: date, payments: list[tuple[int, Decimal]], principal: Decimal
) -> None:
    until = _until(due, 400)
    balance = principal
    changes = [(due, eur(str(principal)))]
    for offset, paid in sorted(payments):
        balance = max(balance - paid, Decimal(0))
        changes.append((due + timedelta(days=offset), eur(str(balance))))
    with_payments = late_interest_on_schedule(changes, due, until, EU)
    unpaid = late_interest(eur(str(principal)), due, until, EU)
    assert Decimal(0) <= with_payments.exact_total <= unpaid.exact_total + Decimal("1e-20")
