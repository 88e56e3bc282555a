"""Payment-date predictions, models stored by version, the cash-flow forecast and their commands."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pytest
from django.core.management import call_command
from payment_histories import Profile, fixed, generate, mixed_population, noisy, weekday_run
from prediction_book import fill

from encaisse.insights.forecasting import forecast
from encaisse.insights.models import PredictionModel
from encaisse.insights.predictions import NoHistoryError, load_history, predict_open, train_model
from encaisse.ledger.models import Entity, Invoice
from encaisse.ledger.posting import AllocationRequest, post_allocations

AS_OF = date(2025, 3, 1)


@pytest.fixture
def book(entity, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ENCAISSE_TODAY", AS_OF.isoformat())  # predictions are made as of today
    profiles = [Profile("sme", fixed(20))] + [Profile("sme", noisy(-6, 10)) for _ in range(9)]
    fill(entity, generate(profiles, start=date(2024, 1, 1), months=16, as_of=AS_OF, seed=5))
    return entity


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_history_weights_partial_payments_by_amount(entity) -> None:  # type: ignore[no-untyped-def]
    from prediction_book import fill as fill_book

    from encaisse.core.forecast import PaidHistory

    fill_book(entity, [PaidHistory(1, 1, "sme", date(2025, 1, 1), date(2025, 1, 31), 400.0, None)])
    inv = Invoice.objects.get()
    post_allocations(entity, [
        AllocationRequest("invoice", 30000, "EUR", date(2025, 2, 10), invoice_id=inv.pk),
        AllocationRequest("invoice", 10000, "EUR", date(2025, 3, 2), invoice_id=inv.pk),
    ], journal=False)  # fmt: skip
    [item] = load_history(entity).items
    assert item.delay == 15.0 and item.paid_on == date(2025, 3, 2)


def test_train_stores_versions_and_predicts_the_late_payer(book) -> None:  # type: ignore[no-untyped-def]
    first = train_model(book)
    second = train_model(book)
    assert (first.version, second.version) == (1, 2)
    assert PredictionModel.objects.filter(entity=book).count() == 2
    m = second.metrics
    assert m["n_train"] > 0 and m["n_test"] > 0 and m["mae_model"] >= 0
    assert set(m) >= {"mae_due_date", "mae_customer_average", "interval_coverage", "cut", "open_on_cut"}
    assert set(m["open_on_cut"]) >= {"mae_model", "mae_customer_average_not_before", "n_test"}
    predictions = predict_open(book)
    late = [p for p in predictions if p.customer == "Customer 1"]
    assert late and all(p.method == "model v2" for p in predictions)
    for p in late:
        assert abs((p.likely - p.due_date).days - 20) <= 3
        assert p.low <= p.likely <= p.high
    opened = Invoice.objects.filter(entity=book, open_minor__gt=0).count()
    assert len(predictions) == opened


def test_without_a_model_predictions_use_the_customer_average(book) -> None:  # type: ignore[no-untyped-def]
    predictions = predict_open(book)
    assert predictions and {p.method for p in predictions} == {"customer average"}
    late = [p for p in predictions if p.customer == "Customer 1"]
    assert all((p.likely - p.due_date).days == 20 for p in late)


def test_too_little_history_is_refused(entity) -> None:  # type: ignore[no-untyped-def]
    fill(entity, generate([Profile("sme", fixed(3))], months=2, seed=1))
    with pytest.raises(NoHistoryError, match="at least 20"):
        train_model(entity)


def test_model_beats_baselines_through_the_ledger(entity) -> None:  # type: ignore[no-untyped-def]
    fill(entity, generate(mixed_population(30), months=15, seed=4))
    m = train_model(entity).metrics
    assert m["mae_model"] < m["mae_customer_average"] and m["mae_model"] < m["mae_due_date"]


def test_commands_print_metrics_predictions_and_forecast(book) -> None:  # type: ignore[no-untyped-def]
    trained = json.loads(run("predict-train", "--entity", "be", "--format", "json"))
    assert trained[0]["entity"] == "be" and trained[0]["version"] == 1
    assert "mae_model" in run("predict-train").replace(" ", "_")
    rows = list(csv.DictReader(io.StringIO(run("predict", "--format", "csv"))))
    assert rows and {"invoice", "likely", "low", "high", "basis"} <= set(rows[0])
    doc = json.loads(run("forecast", "--from", AS_OF.isoformat(), "--format", "json"))
    assert doc[0]["currency"] == "EUR" and len(doc[0]["periods"]) == 13
    days = list(
        csv.DictReader(
            io.StringIO(run("forecast", "--from", AS_OF.isoformat(), "--by", "day", "--format", "csv"))
        )
    )
    assert len(days) == 91
    assert "Expected receipts" in run("forecast", "--from", AS_OF.isoformat())


def test_forecast_counts_each_open_amount_once(book) -> None:  # type: ignore[no-untyped-def]
    train_model(book)
    [f] = forecast(book, AS_OF)
    open_total = sum((p.open_amount for p in predict_open(book)), Decimal(0))
    assert f.forecast.totals["open"] == open_total
    assert f.forecast.weeks[-1].cumulative + f.forecast.beyond == open_total
    for w in f.forecast.weeks:
        assert w.cumulative_low <= w.cumulative_high
        assert w.end - w.start == timedelta(days=7)


def test_a_model_of_other_features_is_not_used(book) -> None:  # type: ignore[no-untyped-def]
    import pickle

    from encaisse.core.forecast import PaymentModel

    PredictionModel.objects.create(
        entity=book, version=1, blob=pickle.dumps(PaymentModel(estimators=(), names=("old",))), metrics={}
    )
    predictions = predict_open(book)
    assert predictions and {p.method for p in predictions} == {
        "customer average (model v1 is outdated: retrain)"
    }
    late = [p for p in predictions if p.customer == "Customer 1"]
    assert late and all((p.likely - p.due_date).days == 20 for p in late)


def _late_payers_open_invoice(book: Entity) -> Invoice:
    return Invoice.objects.filter(entity=book, customer__name="Customer 1", open_minor__gt=0).order_by(
        "due_date"
    )[0]


def test_an_open_promise_to_pay_sets_the_likely_date(book) -> None:  # type: ignore[no-untyped-def]
    from encaisse.collections.promises import take_promise

    train_model(book)
    invoice = _late_payers_open_invoice(book)
    promised = invoice.due_date + timedelta(days=35)  # the customer usually pays 20 days late
    take_promise(invoice.customer, [invoice], promised, invoice.open_amount.amount, actor="collector",
                 taken_on=AS_OF - timedelta(days=1))  # fmt: skip
    [p] = [p for p in predict_open(book) if p.invoice_id == invoice.pk]
    assert p.likely == promised and p.low <= p.likely <= p.high
    assert p.basis == f"promised for {promised.isoformat()}"
    # a promise taken today is known from tomorrow: not yet used
    invoice2 = Invoice.objects.filter(entity=book, customer__name="Customer 1", open_minor__gt=0).order_by(
        "due_date"
    )[1]
    take_promise(invoice2.customer, [invoice2], invoice2.due_date + timedelta(days=35), invoice2.open_amount.amount,
                 actor="collector", taken_on=AS_OF)  # fmt: skip
    [q] = [q for q in predict_open(book) if q.invoice_id == invoice2.pk]
    assert abs((q.likely - q.due_date).days - 20) <= 3


def test_events_of_the_ledger_reach_the_features(book) -> None:  # type: ignore[no-untyped-def]
    from encaisse.cases.models import CaseType
    from encaisse.cases.services import ItemRequest, ensure_reason_codes, open_case
    from encaisse.collections.credit import place_hold
    from encaisse.insights import payment_dates as pd
    from encaisse.insights.predictions import load_ledger

    ensure_reason_codes(book)
    invoice = _late_payers_open_invoice(book)
    open_case(book, type=CaseType.DISPUTE, items=[ItemRequest(invoice)], reason="pricing", actor="clerk",
              on=AS_OF - timedelta(days=4))  # fmt: skip
    place_hold(invoice.customer, "over limit", actor="clerk", since=AS_OF - timedelta(days=2))
    history, ledger = load_ledger(book)
    row = next(i for i, it in enumerate(history.items) if it.invoice_id == invoice.pk)
    others = [
        i for i, it in enumerate(history.items) if it.customer_id != invoice.customer.pk and it.delay is None
    ]
    table = pd.features(ledger, np.array([row, others[0]]), np.full(2, AS_OF.toordinal()))
    assert table.column("disputed").tolist() == [1.0, 0.0]
    assert table.column("dispute_days").tolist() == [4.0, 0.0]
    assert table.column("customer_disputes").tolist() == [1.0, 0.0]
    assert table.column("credit_hold").tolist() == [1.0, 0.0]


def test_an_overdue_invoice_is_not_expected_before_today(book, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    train_model(book)
    later = AS_OF + timedelta(days=60)  # every open invoice is then long past its usual payment day
    for p in predict_open(book, later):
        assert p.likely >= later and p.low >= later and p.low <= p.likely <= p.high
    monkeypatch.setenv("ENCAISSE_TODAY", later.isoformat())
    assert min(p.likely for p in predict_open(book)) >= later


def test_a_payment_run_is_named_only_where_the_model_moved_the_date_to_it() -> None:
    from encaisse.insights import payment_dates as pd
    from encaisse.insights.predictions import _basis

    profiles = [Profile("sme", weekday_run(4, 0, 12), every_days=5)] + [
        Profile("sme", noisy(-8, 15), every_days=6) for _ in range(10)
    ]
    ledger = pd.Ledger.from_items(generate(profiles, months=12, seed=21))
    rows = np.flatnonzero(~ledger.paid & (ledger.customer == 0))
    table = pd.features(ledger, rows)
    due = ledger.due[rows]
    assert len(rows) and np.all(table.column("run_calendar") == pd.WEEKLY)
    likely = pd.fit_all(ledger).predict(table, due)[:, 1]
    assert set(_basis(table, likely, due, runs=True)) == {"weekly payment run (Friday)"}
    # the naive rule (no model yet) does not move dates to run days: no run is named
    naive = pd.naive_bands(table, due)[:, 1]
    assert set(_basis(table, naive, due, runs=False)) == {""}
