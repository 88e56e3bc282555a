from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encaisse.core import kpis
from encaisse.core.kpis import AgingBuckets


def test_formulas_on_a_worked_example() -> None:
    # receivables 300k, 90-day credit sales 900k → DSO 30; 200k current → best 20; ADD 10
    d = kpis.dso(Decimal(300_000), Decimal(900_000), 90)
    b = kpis.best_possible_dso(Decimal(200_000), Decimal(900_000), 90)
    assert (d, b, kpis.add(d, b)) == (Decimal("30.00"), Decimal("20.00"), Decimal("10.00"))
    # CEI = (100 + 300 − 120) / (100 + 300 − 80) = 280 / 320
    assert kpis.cei(Decimal(100), Decimal(300), Decimal(120), Decimal(80)) == Decimal("87.50")
    assert kpis.dso(Decimal(1), Decimal(0), 90) is None


def test_countback_walks_months_back() -> None:
    months = [(30, Decimal(100)), (31, Decimal(100)), (30, Decimal(100))]
    assert kpis.dso_countback(Decimal(150), months) == Decimal("45.50")  # 30 + 50/100 × 31
    assert kpis.dso_countback(Decimal(0), months) == Decimal("0.00")
    assert kpis.dso_countback(Decimal(100), months) == Decimal("30.00")


def test_bucket_limits_validation() -> None:
    with pytest.raises(ValueError):
        AgingBuckets.from_limits([60, 30])
    custom = AgingBuckets.from_limits([15, 45])
    assert custom.labels == ("not_due", "1_15", "16_45", "over_45")


@given(st.integers(min_value=-1000, max_value=10_000))
def test_every_day_count_has_exactly_one_bucket(days: int) -> None:
    buckets = AgingBuckets.standard()
    matching = [b for b in buckets.buckets if days >= b.low and (b.high is None or days <= b.high)]
    assert len(matching) == 1
    assert buckets.label_for(days) == matching[0].label


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=400), st.decimals(min_value=1, max_value=10**6, places=2)
        ),
        min_size=1,
    )
)
def test_weighted_days_between_min_and_max(pairs: list[tuple[int, Decimal]]) -> None:
    w = kpis.weighted_days(pairs)
    assert w is not None
    assert min(d for d, _ in pairs) - Decimal("0.01") <= w <= max(d for d, _ in pairs) + Decimal("0.01")
