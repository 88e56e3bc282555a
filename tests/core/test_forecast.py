"""Payment-date prediction and cash-flow forecast on histories whose truth is known."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest
from payment_histories import Profile, fixed, generate, mixed_population, noisy

from encaisse.core.forecast import (
    FEATURES,
    ExpectedReceipt,
    PaidHistory,
    cash_forecast,
    default_cut,
    evaluate,
    fit_all,
    history_features,
    weighted_delay,
)


def test_features_use_only_what_was_known_at_issue() -> None:
    d = date(2026, 1, 1)
    items = [
        PaidHistory(1, 1, "s", d, d + timedelta(days=30), 100.0, 10.0, d + timedelta(days=40)),
        PaidHistory(
            2, 1, "s", d + timedelta(days=5), d + timedelta(days=35), 100.0, 20.0, d + timedelta(days=55)
        ),
        PaidHistory(
            3, 1, "s", d + timedelta(days=10), d + timedelta(days=40), 100.0, 30.0, d + timedelta(days=70)
        ),
        # issued after the three payments: sees them all
        PaidHistory(4, 1, "s", d + timedelta(days=80), d + timedelta(days=110), 100.0, None),
        # issued on the day the first was paid: that payment is not known yet
        PaidHistory(5, 1, "s", d + timedelta(days=40), d + timedelta(days=70), 100.0, None),
    ]
    table = history_features(items)
    col = {name: i for i, name in enumerate(FEATURES)}
    row4, row5 = table.matrix[3], table.matrix[4]
    assert row4[col["average_delay"]] == pytest.approx(20.0)
    assert row4[col["has_history"]] == 1.0 and row4[col["share_late"]] == 1.0
    assert row4[col["last_delay"]] == 30.0
    assert row4[col["trend"]] > 0  # the delays grow: recent above average
    assert table.customer_average[3] == pytest.approx(20.0)
    assert table.customer_average[4] == 0.0  # nothing paid before its issue date
    # exposure at issue of item 5: items 2 and 3 are open (item 1 paid the same day, not yet known)
    assert row5[col["log_exposure"]] == pytest.approx(np.log1p(300.0))
    assert table.customer_average[0] == 0.0


def test_little_history_falls_back_to_segment() -> None:
    d = date(2026, 1, 1)
    items = [
        PaidHistory(
            i,
            1,
            "big",
            d + timedelta(days=i),
            d + timedelta(days=i + 30),
            50.0,
            12.0,
            d + timedelta(days=i + 42),
        )
        for i in range(5)
    ] + [PaidHistory(99, 2, "big", d + timedelta(days=100), d + timedelta(days=130), 50.0, None)]
    table = history_features(items)
    newcomer = table.matrix[-1]
    assert newcomer[FEATURES.index("average_delay")] == pytest.approx(12.0)
    assert newcomer[FEATURES.index("has_history")] == 0.0
    assert table.customer_average[-1] == pytest.approx(12.0)


def test_weighted_delay_of_partial_payments() -> None:
    due = date(2026, 3, 31)
    assert weighted_delay(due, [(date(2026, 4, 10), 100)]) == 10.0
    assert weighted_delay(due, [(date(2026, 3, 21), 100), (date(2026, 4, 20), 300)]) == 12.5
    assert weighted_delay(due, []) is None


def test_customer_who_always_pays_20_days_late_is_predicted_20_days_late() -> None:
    profiles = [Profile("sme", fixed(20))] + [Profile("sme", noisy(-8, 12)) for _ in range(12)]
    items = generate(profiles, months=12)
    table = history_features(items)
    model = fit_all(items, table)
    rows = [i for i, it in enumerate(items) if it.customer_id == 1 and it.delay is None]
    assert rows, "the generator leaves recent invoices open"
    predicted = model.predict(table.matrix[rows])
    assert np.all(np.abs(predicted[:, 1] - 20) <= 3)
    assert np.all(predicted[:, 0] <= predicted[:, 1]) and np.all(predicted[:, 1] <= predicted[:, 2])


def test_model_beats_both_naive_baselines_on_a_mixed_population() -> None:
    items = generate(mixed_population(60), months=18, seed=11)
    _, ev = evaluate(items)
    assert ev.n_train > 1000 and ev.n_test > 200
    assert ev.mae_model < ev.mae_customer_average
    assert ev.mae_model < ev.mae_due_date
    assert ev.as_dict()["improvement"] > 0


def test_interval_covers_about_80_percent_on_a_steady_population() -> None:
    profiles = [Profile("sme", noisy(-10 + i % 5, 5 + 3 * (i % 7))) for i in range(40)]
    _, ev = evaluate(generate(profiles, months=15, seed=3))
    assert 0.65 <= ev.interval_coverage <= 0.95
    # noise only: nothing beyond the customer's own average to learn, and the model stays close to it
    assert ev.mae_model < 1.1 * ev.mae_customer_average


def test_time_split_trains_only_on_the_past() -> None:
    items = generate(mixed_population(12), months=12)
    cut = default_cut(items)
    _, ev = evaluate(items, cut)
    paid = [it for it in items if it.closed_on is not None]
    assert ev.n_train == sum(1 for it in paid if it.closed_on < cut)  # type: ignore[operator]
    assert ev.n_test == sum(1 for it in paid if it.closed_on >= cut)  # type: ignore[operator]
    with pytest.raises(ValueError, match="no invoice paid"):
        evaluate(items, date(2100, 1, 1))


def test_cash_forecast_per_week_with_band() -> None:
    start = date(2026, 3, 2)  # a Monday
    receipts = [
        ExpectedReceipt(Decimal("100.00"), date(2026, 3, 3), date(2026, 3, 2), date(2026, 3, 12)),
        ExpectedReceipt(
            Decimal("50.00"), date(2026, 2, 1), date(2026, 1, 20), date(2026, 3, 5)
        ),  # late already
        ExpectedReceipt(Decimal("70.00"), date(2026, 3, 18), date(2026, 3, 10), date(2026, 4, 30)),
        ExpectedReceipt(
            Decimal("9.99"), date(2026, 9, 1), date(2026, 8, 1), date(2026, 10, 1)
        ),  # beyond 13 weeks
    ]
    fc = cash_forecast(receipts, start)
    assert len(fc.weeks) == 13 and len(fc.days) == 91
    assert [w.expected for w in fc.weeks[:3]] == [Decimal("150.00"), Decimal(0), Decimal("70.00")]
    assert fc.weeks[0].late == Decimal("50.00") and fc.weeks[1].late == Decimal("100.00")
    assert fc.weeks[0].cumulative_low <= fc.weeks[0].cumulative <= fc.weeks[0].cumulative_high
    assert fc.weeks[-1].cumulative == Decimal("220.00")
    assert fc.beyond == Decimal("9.99")
    assert fc.totals["open"] == Decimal("229.99")
    assert sum((d.expected for d in fc.days), Decimal(0)) == fc.weeks[-1].cumulative
    assert fc.days[1].expected == Decimal("100.00")
