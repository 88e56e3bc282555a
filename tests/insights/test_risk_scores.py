"""Daily risk scores from the ledger, alerts on sharp rises, risk_of and the command."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

from django.core.management import call_command
from payment_histories import Profile, fixed, generate
from prediction_book import fill

from encaisse.insights.models import RiskAlert, RiskScore
from encaisse.insights.risk import risk_inputs, risk_of, score_entity
from encaisse.ledger.models import Invoice

AS_OF = date(2025, 1, 1)


def test_late_payer_scores_worse_and_alerts_when_it_worsens(entity) -> None:  # type: ignore[no-untyped-def]
    items = generate([Profile("sme", fixed(-2)), Profile("sme", fixed(45))], start=date(2024, 1, 1),
                     months=11, as_of=AS_OF)  # fmt: skip
    customers = fill(entity, items, credit_limits={2: 1_000_000})
    good, bad = customers[1].pk, customers[2].pk
    inputs = risk_inputs(entity, AS_OF)
    assert inputs[bad].average_delay == 45 and inputs[bad].share_late == 1.0
    assert inputs[good].share_late == 0.0
    run = score_entity(entity, AS_OF)
    assert run.scored == 2 and run.alerts == 0
    labels = risk_of([good, bad])
    assert labels[good] == "low" and labels[bad] in ("high", "critical")
    first = RiskScore.objects.get(customer_id=good, date=AS_OF)
    assert first.factors and {"factor", "points", "explanation"} <= set(first.factors[0])
    # re-running the same day replaces the day's scores
    score_entity(entity, AS_OF)
    assert RiskScore.objects.filter(date=AS_OF).count() == 2


def test_risk_of_scores_customers_never_scored(entity) -> None:  # type: ignore[no-untyped-def]
    customers = fill(
        entity, generate([Profile("sme", fixed(70))], start=date(2024, 1, 1), months=8, as_of=AS_OF)
    )
    [cid] = [c.pk for c in customers.values()]
    assert RiskScore.objects.count() == 0
    assert risk_of([cid])[cid] in ("normal", "high", "critical")


def test_exposure_above_credit_limit_raises_an_alert(entity) -> None:  # type: ignore[no-untyped-def]
    items = generate([Profile("sme", fixed(0)), Profile("sme", fixed(0))], start=date(2024, 1, 1), months=13,
                     as_of=AS_OF)  # fmt: skip
    customers = fill(entity, items, credit_limits={1: 10_000_000})
    assert Invoice.objects.filter(customer=customers[1], open_minor__gt=0).exists()
    cid = customers[1].pk
    score_entity(entity, AS_OF)
    before = RiskScore.objects.get(customer_id=cid, date=AS_OF).score
    # a tenth of the limit now, and the customer falls 90 days behind on everything open
    from encaisse.ledger.models import Customer

    Customer.objects.filter(pk=cid).update(credit_limit_minor=100)
    Invoice.objects.filter(customer_id=cid, open_minor__gt=0).update(due_date=AS_OF - timedelta(days=90))
    assert score_entity(entity, AS_OF + timedelta(days=1)).alerts == 1
    assert score_entity(entity, AS_OF + timedelta(days=1)).alerts == 1  # same day again: one alert row
    after = RiskScore.objects.get(customer_id=cid, date=AS_OF + timedelta(days=1)).score
    assert after - before >= 15
    alert = RiskAlert.objects.get(customer_id=cid)
    assert alert.previous_score == before and alert.score == after and alert.reason


def test_command_lists_worst_first(entity) -> None:  # type: ignore[no-untyped-def]
    fill(entity, generate([Profile("sme", fixed(0)), Profile("sme", fixed(50))], start=date(2024, 1, 1),
                          months=11, as_of=AS_OF))  # fmt: skip
    out = io.StringIO()
    call_command(
        "risk-score", "--as-of", AS_OF.isoformat(), "--format", "json", stdout=out, stderr=io.StringIO()
    )
    rows = json.loads(out.getvalue())
    assert [r["customer"] for r in rows] == ["C2", "C1"]
    assert rows[0]["score"] > rows[1]["score"] and rows[0]["factors"][0]["points"] > 0
