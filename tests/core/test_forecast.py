"""Payment-date prediction and cash-flow forecast on histories whose truth is known."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from payment_histories import (
    Profile,
    fixed,
    generate,
    mixed_population,
    monthday_run,
    noisy,
    payment_run_population,
    weekday_run,
)

from encaisse.core.forecast import (
    FEATURES,
    ExpectedReceipt,
    PaidHistory,
    PaymentModel,
    cash_forecast,
    default_cut,
    evaluate,
    fit_all,
    fit_calibrated,
    history_features,
    measured,
    nearest_run,
    predict_quantiles,
    snap_to_runs,
    train,
    training_rows,
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
    rows = training_rows(items, cut)
    assert ev.n_train == rows.sum() > 0
    assert all(
        it.closed_on is not None and it.closed_on < cut for it, r in zip(items, rows, strict=True) if r
    )
    assert ev.n_test == sum(1 for it in paid if it.closed_on >= cut)
    with pytest.raises(ValueError, match="no invoice paid"):
        evaluate(items, date(2100, 1, 1))


def _open_predictions(items: list[PaidHistory], customer: int) -> tuple[list[date], np.ndarray]:
    table = history_features(items)
    model = fit_all(items, table)
    rows = [i for i, it in enumerate(items) if it.customer_id == customer and it.delay is None]
    assert rows, "the generator leaves recent invoices open"
    due = np.array([items[i].due_date.toordinal() for i in rows], dtype=np.int64)
    predicted = model.predict(table.matrix[rows], due)
    assert np.all(predicted[:, 0] <= predicted[:, 1]) and np.all(predicted[:, 1] <= predicted[:, 2])
    return [
        items[i].due_date + timedelta(days=int(d)) for i, d in zip(rows, predicted[:, 1], strict=True)
    ], predicted


def test_a_customer_paying_in_friday_runs_is_predicted_on_fridays() -> None:
    profiles = [Profile("sme", weekday_run(4, 0, 12), every_days=5)] + [
        Profile("sme", noisy(-8, 15), every_days=6) for _ in range(10)
    ]
    days, _ = _open_predictions(generate(profiles, months=12, seed=21), 1)
    assert {d.weekday() for d in days} == {4}


def test_a_customer_paying_on_the_25th_is_predicted_on_the_25th() -> None:
    profiles = [Profile("large", monthday_run(25, 0, 5), every_days=6)] + [
        Profile("sme", noisy(-8, 15), every_days=6) for _ in range(10)
    ]
    days, _ = _open_predictions(generate(profiles, months=14, seed=22), 1)
    assert {d.day for d in days} == {25}


def test_payers_without_a_run_day_are_not_moved_to_one() -> None:
    # the noisy customers pay any day: their likely dates are spread over the week
    profiles = [Profile("sme", noisy(-8, 15), every_days=3) for _ in range(6)]
    items = generate(profiles, months=12, seed=23)
    days = [d for c in range(1, 7) for d in _open_predictions(items, c)[0]]
    assert len({d.weekday() for d in days}) >= 5


def test_snap_to_runs_moves_only_run_payers_to_their_nearest_run_day() -> None:
    col = {name: i for i, name in enumerate(FEATURES)}
    matrix = np.zeros((4, len(FEATURES)))
    matrix[:, col["log_history"]] = np.log1p(10)
    matrix[0, [col["weekday_share"], col["weekday_mode"]]] = (0.9, 1)  # Tuesday runs
    matrix[1, [col["monthday_share"], col["monthday_mode"]]] = (0.8, 0)  # month-end runs
    matrix[2, [col["weekday_share"], col["weekday_mode"]]] = (0.3, 1)  # no habit
    matrix[3, [col["weekday_share"], col["weekday_mode"], col["log_history"]]] = (1.0, 1, np.log1p(2))
    due = np.array([date(2026, 3, 2).toordinal()] * 4, dtype=np.int64)  # a Monday
    moved = snap_to_runs(due, np.array([9.4, 9.4, 9.4, 9.4]), matrix)
    # 11 March (Wednesday) → Tuesday 10 March; → 27 February (the day before February's last)
    assert moved.tolist() == [8.0, -3.0, 9.0, 9.0]
    moved = snap_to_runs(due, np.array([20.4, 20.4, 20.4, 20.4]), matrix)
    # 22 March (Sunday) → Tuesday 24 March; → 30 March
    assert moved.tolist() == [22.0, 28.0, 20.0, 20.0]
    assert nearest_run(date(2026, 3, 11), 1, None) == -1


def test_training_leaves_out_recent_invoices_not_yet_mature() -> None:
    items = generate([Profile("sme", noisy(0, 40), every_days=2) for _ in range(8)], months=12, seed=5)
    cut = default_cut(items)
    rows = training_rows(items, cut)
    known = np.array([it.closed_on is not None and it.closed_on < cut for it in items])
    assert not np.any(rows & ~known)  # never an invoice paid on or after the cut
    assert known.sum() > rows.sum()  # recent quick payers are left out…
    # the invoices learnt from are exactly those paid before the cut and issued up to a lag before it
    issued = np.array([it.issue_date.toordinal() for it in items])
    assert np.array_equal(rows, known & (issued <= issued[rows].max()))
    assert issued[rows].max() < issued[known].max()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(day=st.integers(min_value=120, max_value=330), shift=st.integers(min_value=1, max_value=60))
def test_nothing_after_the_as_of_date_changes_features_or_predictions(day: int, shift: int) -> None:
    items = generate(mixed_population(12), months=12, seed=8)
    as_of = date(2024, 1, 1) + timedelta(days=day)
    # rewrite the future: later payments, other amounts for invoices issued after the as-of date
    future = []
    for it in items:
        paid_later = it.closed_on is not None and it.closed_on >= as_of
        delay = it.delay + shift if paid_later and it.delay is not None else it.delay
        paid = it.paid_on + timedelta(days=shift) if paid_later and it.paid_on else it.paid_on
        size = it.size * 3 + 1 if it.issue_date > as_of else it.size
        future.append(PaidHistory(it.invoice_id, it.customer_id, it.segment, it.issue_date, it.due_date, size,
                                  delay, paid))  # fmt: skip
    known = [i for i, it in enumerate(items) if it.issue_date <= as_of]
    a, b = history_features(items), history_features(future)
    assert np.array_equal(a.matrix[known], b.matrix[known])
    assert np.array_equal(a.customer_average[known], b.customer_average[known])
    rows_a, rows_b = training_rows(items, as_of), training_rows(future, as_of)
    assert np.array_equal(rows_a, rows_b)
    delays_a = np.array([it.delay if it.delay is not None else np.nan for it in items])
    delays_b = np.array([it.delay if it.delay is not None else np.nan for it in future])
    model_a = train(a.matrix[rows_a], delays_a[rows_a], max_iter=20)
    model_b = train(b.matrix[rows_b], delays_b[rows_b], max_iter=20)
    due = np.array([items[i].due_date.toordinal() for i in known], dtype=np.int64)
    assert np.array_equal(model_a.predict(a.matrix[known], due), model_b.predict(b.matrix[known], due))


def test_model_beats_the_customer_average_on_payment_runs() -> None:
    # a population shaped unlike the one the features were first written for
    items = generate(payment_run_population(120, seed=31), months=20, seed=32)
    _, ev = evaluate(items, seed=1)
    assert ev.n_test > 1000
    assert ev.mae_model < 0.85 * ev.mae_customer_average  # at least 15 % better
    assert ev.mae_model < 0.85 * ev.mae_due_date
    assert 0.7 <= ev.interval_coverage <= 0.97


def test_a_model_refuses_rows_of_other_features() -> None:
    model = PaymentModel(estimators=(), names=("a", "b"))
    with pytest.raises(ValueError, match="expects 2 features"):
        model.predict(np.zeros((3, len(FEATURES))))


def test_shared_regressors_learn_the_residual_and_calibrate_on_the_latest_rows() -> None:
    # the base (column 3 here) is off by 5 days for every row: the regressors learn the residual
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(400, 4))
    matrix[:, 3] = rng.integers(0, 30, size=400)
    delays = matrix[:, 3] + 5 + rng.normal(scale=2.0, size=400)
    plain, none = fit_calibrated(matrix, delays, None, max_iter=40, base=3)
    assert none == 0.0  # without the day each row became known: no calibration
    assert [e.max_iter for e in plain] == [40, 40, 40]
    quick, widening = fit_calibrated(matrix, delays, np.arange(400), max_iter=40, quick_interval=True, base=3)
    assert [(e.max_iter, e.learning_rate) for e in quick] == [(20, 0.1), (40, 0.05), (20, 0.1)]
    assert widening != 0.0
    bands = predict_quantiles(quick, matrix, base=3)
    assert np.all(bands[:, 0] <= bands[:, 1]) and np.all(bands[:, 1] <= bands[:, 2])
    assert abs(float(np.median(bands[:, 1] - matrix[:, 3])) - 5) < 1


def test_errors_against_the_naive_baselines() -> None:
    predicted = np.array([[0.0, 10.0, 20.0], [0.0, 4.0, 5.0]])
    truth = np.array([12.0, 6.0])
    errors = measured(predicted, truth, customer_average=np.array([10.0, 10.0]))
    assert errors == {
        "mae_model": 2.0,
        "mae_due_date": 9.0,
        "mae_customer_average": 3.0,
        "interval_coverage": 0.5,
        "interval_width": 12.5,
    }


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
