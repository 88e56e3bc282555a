"""Payment-date features as of a date, payment runs with an approval lag, promises, and the model,
on generated histories whose truth is known (pure: no database)."""

from __future__ import annotations

import calendar as cal
import statistics
from datetime import date, timedelta

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

from encaisse.core.forecast import PaidHistory
from encaisse.insights import payment_dates as pd

COL = pd.COL


def _ordinals(*days: date) -> np.ndarray:
    return np.array([d.toordinal() for d in days], dtype=np.int64)


def _day(ordinal: float) -> date:
    return date.fromordinal(int(ordinal))


# --- calendar -------------------------------------------------------------------------------------


def test_run_days_by_weekday_and_day_of_month() -> None:
    days = _ordinals(
        date(2026, 3, 11), date(2026, 3, 26), date(2026, 2, 27), date(2026, 3, 25), date(2026, 3, 10)
    )
    weekly = np.full(5, pd.WEEKLY)
    tuesday = np.full(5, 1)
    assert [_day(d) for d in pd.next_run(days, weekly, tuesday)] == [
        date(2026, 3, 17), date(2026, 3, 31), date(2026, 3, 3), date(2026, 3, 31), date(2026, 3, 10)
    ]  # fmt: skip
    assert [_day(d) for d in pd.previous_run(days, weekly, tuesday)][:2] == [
        date(2026, 3, 10),
        date(2026, 3, 24),
    ]
    monthly = np.full(5, pd.MONTHLY)
    on_25 = np.full(5, 25)
    assert [_day(d) for d in pd.next_run(days, monthly, on_25)] == [
        date(2026, 3, 25), date(2026, 4, 25), date(2026, 3, 25), date(2026, 3, 25), date(2026, 3, 25)
    ]  # fmt: skip
    assert _day(pd.previous_run(days, monthly, on_25)[3]) == date(2026, 2, 25)
    month_end = np.zeros(5, dtype=np.int64)
    assert [_day(d) for d in pd.next_run(days, monthly, month_end)][:3] == [
        date(2026, 3, 31), date(2026, 3, 31), date(2026, 2, 28)
    ]  # fmt: skip
    # day 31 is clipped to the month's length; no calendar: the day itself
    assert _day(pd.next_run(days[2:3], monthly[:1], np.array([31]))[0]) == date(2026, 2, 28)
    assert np.array_equal(pd.next_run(days, np.zeros(5, dtype=np.int64), tuesday), days)
    assert pd.month_day(_ordinals(date(2026, 2, 26), date(2026, 3, 25), date(2026, 3, 29))).tolist() == [
        0,
        25,
        0,
    ]


# --- features as of a date ----------------------------------------------------------------------


def _reference(items: list[PaidHistory], i: int, as_of: date) -> dict[str, float]:
    """The same figures computed the slow, obvious way from the list of invoices."""
    me = items[i]
    mine = [it for it in items if it.customer_id == me.customer_id]
    known = sorted(
        (it for it in mine if it.closed_on is not None and it.closed_on < as_of),
        key=lambda it: (it.closed_on, items.index(it)),
    )
    delays = [it.delay for it in known if it.delay is not None]
    window = delays[-pd.WINDOW :]
    open_ = [it for it in mine if it.issue_date < as_of and (it.closed_on is None or it.closed_on >= as_of)]
    exposure = sum(it.size for it in open_)
    overdue = sum(it.size for it in open_ if it.due_date < as_of)
    return {
        "average_delay": statistics.fmean(delays) if delays else 0.0,
        "median_delay": statistics.median(window) if window else 0.0,
        "last_delay": delays[-1] if delays else 0.0,
        "log_history": float(np.log1p(len(delays))),
        "log_exposure": float(np.log1p(exposure)),
        "overdue_share": overdue / exposure if exposure else 0.0,
        "days_past_due": float((as_of - me.due_date).days),
    }


@pytest.mark.parametrize("as_of", [None, date(2024, 9, 1), date(2025, 2, 1)])
def test_vectorised_features_match_a_slow_reference(as_of: date | None) -> None:
    items = generate(mixed_population(6), months=14, seed=3)
    ledger = pd.Ledger.from_items(items)
    rows = np.array([i for i, it in enumerate(items) if as_of is None or it.issue_date < as_of])
    days = None if as_of is None else np.full(len(rows), as_of.toordinal())
    table = pd.features(ledger, rows, days)
    checked = 0
    for k, i in enumerate(rows.tolist()):
        expected = _reference(items, i, as_of or items[i].issue_date)
        if expected["log_history"] < np.log1p(pd.MIN_HISTORY):
            continue  # described by the segment below three payments
        checked += 1
        for name, value in expected.items():
            assert table.matrix[k, COL[name]] == pytest.approx(value, abs=1e-4), (name, i)
    assert checked > 100


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(day=st.integers(min_value=120, max_value=330), shift=st.integers(min_value=1, max_value=60))
def test_nothing_after_the_as_of_day_changes_the_features(day: int, shift: int) -> None:
    items = generate(mixed_population(12), months=12, seed=8)
    as_of = date(2024, 1, 1) + timedelta(days=day)
    cut = as_of.toordinal()
    # rewrite the future: later payments, other amounts for invoices issued after the as-of day,
    # and events after it
    future = []
    for it in items:
        paid_later = it.closed_on is not None and it.closed_on >= as_of
        delay = it.delay + shift if paid_later and it.delay is not None else it.delay
        paid = it.paid_on + timedelta(days=shift) if paid_later and it.paid_on else it.paid_on
        size = it.size * 3 + 1 if it.issue_date > as_of else it.size
        future.append(PaidHistory(it.invoice_id, it.customer_id, it.segment, it.issue_date, it.due_date, size,
                                  delay, paid))  # fmt: skip
    early = as_of - timedelta(days=20)
    events = pd.events_from(disputes=[(0, early, None)], dunning=[(1, early, 1)],
                            promises=[(2, early, as_of + timedelta(days=5), None, False)])  # fmt: skip
    later = pd.events_from(
        disputes=[(0, early, as_of), (3, as_of, None)], dunning=[(1, early, 1), (1, as_of, 2)],
        promises=[(2, early, as_of + timedelta(days=5), as_of + timedelta(days=5), True)],
        holds=[(0, as_of, None)],
    )  # fmt: skip
    a = pd.Ledger.from_items(items, events)
    b = pd.Ledger.from_items(future, later)
    known = np.array([i for i, it in enumerate(items) if it.issue_date <= as_of])
    # as of each issue date, and as of the as-of day for every invoice issued by then
    for days in (a.issue[known], np.full(len(known), cut)):
        fa, fb = pd.features(a, known, days), pd.features(b, known, days)
        assert np.array_equal(fa.matrix, fb.matrix)
        assert np.array_equal(fa.customer_average, fb.customer_average)
        assert np.array_equal(fa.promise_date, fb.promise_date)
    ra, rb = pd.landmarks(a, cut), pd.landmarks(b, cut)
    assert np.array_equal(ra[0], rb[0]) and np.array_equal(ra[1], rb[1])
    model_a = pd.train(pd.features(a, *ra), a.delay[ra[0]], max_iter=20)
    model_b = pd.train(pd.features(b, *rb), b.delay[rb[0]], max_iter=20)
    days = np.full(len(known), cut)
    assert np.array_equal(
        model_a.predict(pd.features(a, known, days), a.due[known]),
        model_b.predict(pd.features(b, known, days), b.due[known]),
    )


def test_landmarks_learn_only_from_invoices_paid_before_the_cut_and_mature() -> None:
    items = generate([Profile("sme", noisy(0, 40), every_days=2) for _ in range(8)], months=12, seed=5)
    ledger = pd.Ledger.from_items(items)
    cut = pd.default_cut(ledger)
    rows, days = pd.landmarks(ledger, cut)
    assert np.all(ledger.closed[rows] < cut)  # never an invoice paid on or after the cut
    assert np.all(days < ledger.closed[rows])  # described while still open
    assert np.all(days >= ledger.issue[rows])
    at_issue = days == ledger.issue[rows]
    assert at_issue.any() and (~at_issue).any()
    # each invoice once as of its issue date, and at most once more (one landmark drawn at random)
    assert len(np.unique(rows[at_issue])) == at_issue.sum()
    assert len(np.unique(rows[~at_issue])) == (~at_issue).sum()
    assert set(((days - ledger.due[rows])[~at_issue]).tolist()) <= set(pd.LANDMARKS)
    known = ledger.closed < cut
    # recent quick payers are left out
    assert len(np.unique(rows[at_issue])) < known.sum()
    assert ledger.issue[rows[at_issue]].max() < ledger.issue[known].max()


# --- predictions --------------------------------------------------------------------------------


def _open_predictions(
    items: list[PaidHistory], customer: int, as_of: date | None = None
) -> tuple[list[PaidHistory], np.ndarray]:
    """The customer's open invoices and their (low, likely, high) delays, by a model fitted on all."""
    ledger = pd.Ledger.from_items(items)
    model = pd.fit_all(ledger)
    rows = np.array([i for i, it in enumerate(items) if it.customer_id == customer and it.delay is None])
    assert len(rows), "the generator leaves recent invoices open"
    days = ledger.issue[rows] if as_of is None else np.maximum(ledger.issue[rows], as_of.toordinal())
    predicted = model.predict(pd.features(ledger, rows, days), ledger.due[rows])
    assert np.all(predicted[:, 0] <= predicted[:, 1]) and np.all(predicted[:, 1] <= predicted[:, 2])
    return [items[i] for i in rows], predicted


def _next_25th(day: date) -> date:
    run = day.replace(day=25)
    if run >= day:
        return run
    return (day.replace(day=1) + timedelta(days=32)).replace(day=25)


def test_a_monthly_run_on_the_25th_is_predicted_on_the_next_run_after_the_approval_lag() -> None:
    # approved 8 to 12 days after the due date, paid in the next run on the 25th
    profiles = [Profile("large", monthday_run(25, 8, 12), every_days=4)] + [
        Profile("sme", noisy(-8, 15), every_days=6) for _ in range(10)
    ]
    items = generate(profiles, months=14, seed=22)
    invoices, predicted = _open_predictions(items, 1)
    clear = 0
    for it, (_, likely, _) in zip(invoices, predicted, strict=True):
        day = it.due_date + timedelta(days=int(likely))
        assert day.day == 25
        earliest, latest = (
            _next_25th(it.due_date + timedelta(days=8)),
            _next_25th(it.due_date + timedelta(days=12)),
        )
        if earliest == latest:  # every approval day of the range leads to the same run
            clear += 1
            assert day == earliest, it
    assert clear >= 5
    # the nearest 25th to the due date + the customer's usual delay is often the one before
    usual = statistics.median(it.delay for it in items if it.customer_id == 1 and it.delay is not None)
    nearest = 0
    for it in invoices:
        aim = it.due_date + timedelta(days=round(usual))
        before = _next_25th(aim) - timedelta(days=31)
        nearest += abs((aim - before.replace(day=25)).days) < abs((_next_25th(aim) - aim).days)
    assert nearest >= 1


def test_a_customer_paying_in_friday_runs_is_predicted_on_fridays() -> None:
    profiles = [Profile("sme", weekday_run(4, 0, 12), every_days=5)] + [
        Profile("sme", noisy(-8, 15), every_days=6) for _ in range(10)
    ]
    invoices, predicted = _open_predictions(generate(profiles, months=12, seed=21), 1)
    days = [it.due_date + timedelta(days=int(d)) for it, d in zip(invoices, predicted[:, 1], strict=True)]
    assert {d.weekday() for d in days} == {4}


def test_payers_without_a_run_day_are_not_moved_to_one() -> None:
    profiles = [Profile("sme", noisy(-8, 15), every_days=3) for _ in range(6)]
    items = generate(profiles, months=12, seed=23)
    days = []
    for c in range(1, 7):
        invoices, predicted = _open_predictions(items, c)
        days += [
            it.due_date + timedelta(days=int(d)) for it, d in zip(invoices, predicted[:, 1], strict=True)
        ]
    assert len({d.weekday() for d in days}) >= 5
    assert len({d.day for d in days}) >= 10


def test_a_customer_who_always_pays_20_days_late_stays_predicted_20_days_late() -> None:
    as_of = date(2025, 5, 1)
    profiles = [Profile("sme", fixed(20))] + [Profile("sme", noisy(-8, 12)) for _ in range(12)]
    items = generate(profiles, months=18, seed=11, as_of=as_of)
    # as of each issue date, and as of the as-of day (when not yet 20 days past due: it is not late yet)
    invoices, at_issue = _open_predictions(items, 1)
    _, today = _open_predictions(items, 1, as_of)
    assert np.all(np.abs(at_issue[:, 1] - 20) <= 2)
    assert np.all(np.abs(today[:, 1] - 20) <= 2)
    assert all(it.due_date + timedelta(days=20) >= as_of for it in invoices)


def test_an_invoice_still_open_is_never_expected_before_the_as_of_day() -> None:
    profiles = [Profile("sme", fixed(5))] + [Profile("sme", noisy(-8, 12)) for _ in range(8)]
    items = generate(profiles, months=12, seed=12)
    ledger = pd.Ledger.from_items(items)
    model = pd.fit_all(ledger)
    rows = np.array([i for i, it in enumerate(items) if it.customer_id == 1 and it.delay is None])
    # as of 40 days after the due dates: long past the customer's usual 5 days
    days = ledger.due[rows] + 40
    predicted = model.predict(pd.features(ledger, rows, days), ledger.due[rows])
    assert np.all(predicted[:, 0] >= 40) and np.all(predicted[:, 1] >= 40)
    bands = pd.naive_bands(pd.features(ledger, rows, days), ledger.due[rows])
    assert np.all(bands[:, 1] >= 40)


def _promised_ledger(kept: list[bool]) -> tuple[pd.Ledger, np.ndarray, int, date]:
    """A steady customer (about 3 days late) with one open invoice promised for 25 days after its due date,
    and ``kept``: the outcomes of its earlier promises."""
    as_of = date(2025, 5, 1)
    profiles = [Profile("sme", noisy(2, 4))] + [Profile("sme", noisy(-8, 12)) for _ in range(8)]
    items = generate(profiles, months=18, seed=13, as_of=as_of)
    ledger = pd.Ledger.from_items(items)
    mine = [i for i, it in enumerate(items) if it.customer_id == 1]
    target = next(i for i in mine if items[i].delay is None and items[i].due_date >= as_of)
    promised = items[target].due_date + timedelta(days=25)
    earlier = [
        (i, items[i].due_date - timedelta(days=3), items[i].due_date, items[i].due_date, ok)
        for i, ok in zip([i for i in mine if items[i].delay is not None][: len(kept)], kept, strict=True)
    ]
    events = pd.events_from(promises=[*earlier, (target, as_of - timedelta(days=2), promised, None, False)])
    ledger = pd.Ledger(ledger.customer, ledger.segment, ledger.issue, ledger.due, ledger.size, ledger.delay,
                       ledger.closed, events)  # fmt: skip
    return ledger, np.array([target]), promised.toordinal(), as_of


def test_an_open_promise_to_pay_sets_the_likely_date() -> None:
    ledger, rows, promised, as_of = _promised_ledger([True, True, False])
    model = pd.fit_all(ledger)
    table = pd.features(ledger, rows, np.array([as_of.toordinal()]))
    assert table.column("promised")[0] == 1.0
    assert table.column("promise_kept_share")[0] == pytest.approx(2 / 3)
    for bands in (model.predict(table, ledger.due[rows]), pd.naive_bands(table, ledger.due[rows])):
        assert ledger.due[rows][0] + bands[0, 1] == promised
        assert bands[0, 0] <= bands[0, 1] <= bands[0, 2]
    # without the promise: about 3 days late
    plain = pd.features(pd.Ledger(*[getattr(ledger, f) for f in ("customer", "segment", "issue", "due", "size",
                                                                 "delay", "closed")]), rows,
                        np.array([as_of.toordinal()]))  # fmt: skip
    assert abs(model.predict(plain, ledger.due[rows])[0, 1] - 3) <= 2


def test_a_customer_who_broke_its_promises_is_not_expected_before_the_promised_date() -> None:
    ledger, rows, promised, as_of = _promised_ledger([False, False, True])
    table = pd.features(ledger, rows, np.array([as_of.toordinal()]))
    assert table.column("promise_kept_share")[0] == pytest.approx(1 / 3)
    likely = pd.fit_all(ledger).predict(table, ledger.due[rows])[0, 1]
    assert ledger.due[rows][0] + likely >= promised


def test_events_are_features_from_the_day_after() -> None:
    items = generate([Profile("sme", noisy(0, 10)) for _ in range(3)], months=6, seed=2)
    opened, resolved = date(2024, 3, 10), date(2024, 3, 20)
    events = pd.events_from(disputes=[(4, opened, resolved)], dunning=[(4, date(2024, 3, 5), 1), (4, opened, 2)],
                            holds=[(0, date(2024, 3, 1), date(2024, 3, 15))])  # fmt: skip
    ledger = pd.Ledger.from_items(items, events)
    days = _ordinals(opened, opened + timedelta(days=1), resolved + timedelta(days=3))
    table = pd.features(ledger, np.array([4, 4, 4]), days)
    assert table.column("disputed").tolist() == [0.0, 1.0, 0.0]
    assert table.column("dispute_days").tolist() == [0.0, 1.0, 0.0]
    assert table.column("dispute_resolved_days").tolist() == [-1.0, -1.0, 3.0]
    assert table.column("dunning_level").tolist() == [1.0, 2.0, 2.0]
    assert table.column("dunning_days").tolist() == [5.0, 1.0, 13.0]
    on_hold = ledger.customer[4] == 0
    assert table.column("credit_hold").tolist() == ([1.0, 1.0, 0.0] if on_hold else [0.0, 0.0, 0.0])


# --- the model against the naive baselines -----------------------------------------------------


def test_model_beats_the_customer_average_on_payment_runs() -> None:
    ledger = pd.Ledger.from_items(generate(payment_run_population(120, seed=31), months=20, seed=32))
    _, ev = pd.evaluate(ledger, seed=1)
    assert ev.n_test > 1000
    assert ev.mae_model < 0.8 * ev.mae_customer_average  # at least 20 % better
    assert ev.mae_model < 0.8 * ev.mae_due_date
    assert 0.7 <= ev.interval_coverage <= 0.95
    _, on_cut = pd.evaluate_open(ledger, seed=1)
    assert on_cut.n_test > 300
    assert on_cut.mae_model < 0.8 * min(
        on_cut.mae_due_date_not_before, on_cut.mae_customer_average_not_before
    )


def test_a_model_refuses_rows_of_other_features() -> None:
    model = pd.PaymentDateModel(estimators=(), names=("a", "b"))
    table = pd.FeatureTable(np.zeros(3, dtype=np.int64), np.zeros(3, dtype=np.int64), np.zeros((3, len(pd.FEATURES))),
                            np.zeros(3), np.zeros(3))  # fmt: skip
    with pytest.raises(ValueError, match="expects 2 features"):
        model.predict(table, np.zeros(3, dtype=np.int64))


def test_month_end_helper_agrees_with_the_calendar() -> None:
    days = [date(2024, 2, 1) + timedelta(days=k) for k in range(400)]
    first, length, day = pd._month_bounds(_ordinals(*days))
    for d, f, n, k in zip(days, first, length, day, strict=True):
        assert (_day(f), n, k) == (d.replace(day=1), cal.monthrange(d.year, d.month)[1], d.day)


def test_run_days_looked_up_in_a_table_agree_with_the_calendar() -> None:
    rng = np.random.default_rng(4)
    days = rng.integers(date(2024, 1, 1).toordinal(), date(2025, 12, 31).toordinal(), size=150_000)
    calendar = rng.integers(0, 3, size=len(days))
    run_day = np.where(
        calendar == pd.WEEKLY, rng.integers(0, 7, size=len(days)), rng.integers(0, 32, len(days))
    )
    assert np.array_equal(pd.next_run(days, calendar, run_day), pd._next_run(days, calendar, run_day))
    sample = rng.choice(len(days), 300, replace=False)
    for d, c, r, got in zip(
        days[sample],
        calendar[sample],
        run_day[sample],
        pd.next_run(days, calendar, run_day)[sample],
        strict=True,
    ):
        day = date.fromordinal(int(d))
        if c == pd.WEEKLY:
            expected = day + timedelta(days=(int(r) - day.weekday()) % 7)
        elif c == pd.MONTHLY:
            expected = day
            while expected.day != min(int(r) or 31, cal.monthrange(expected.year, expected.month)[1]):
                expected += timedelta(days=1)
        else:
            expected = day
        assert _day(got) == expected


def test_a_ledger_with_nothing_paid_yet_is_described_and_predicted_naively() -> None:
    items = [
        PaidHistory(1, 1, "s", date(2026, 1, 1), date(2026, 1, 31), 100.0, None),
        PaidHistory(2, 2, "s", date(2026, 1, 2), date(2026, 2, 1), 50.0, None),
    ]
    ledger = pd.Ledger.from_items(items)
    as_of = date(2026, 3, 1).toordinal()
    table = pd.features(ledger, np.arange(2), np.full(2, as_of))
    assert table.column("log_history").tolist() == [0.0, 0.0]
    # nothing to go by: the due date, but not before the as-of day
    assert (ledger.due + pd.naive_bands(table, ledger.due)[:, 1]).tolist() == [as_of, as_of]
