"""Customer risk scores, recomputed daily, with alerts when a score worsens sharply.

Inputs are read set-based per entity (the invoice history of
:func:`~encaisse.insights.predictions.load_history`, open amounts in one
grouped query); the score is pure (:mod:`encaisse.core.risk`). Disputes and
broken promises count when the cases and collections apps are installed.
:func:`risk_of` is the one call other apps need: customer id → label.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldError
from django.db import transaction
from django.db.models import Case, F, IntegerField, Q, Sum, When

from encaisse.core import risk as core
from encaisse.core.forecast import RECENT_WEIGHT
from encaisse.insights.models import RiskAlert, RiskScore
from encaisse.insights.predictions import load_history
from encaisse.ledger.models import Customer, DocumentKind, Entity, Invoice


@dataclass(frozen=True)
class ScoreRun:
    entity: str
    date: date
    scored: int
    alerts: int


def _counts(app: str, model: str, customer_ids: list[int], **filters: Any) -> dict[int, int]:
    """Rows per customer in another app's model; empty when the app is not installed."""
    if not apps.is_installed(f"encaisse.{app}"):
        return {}
    try:
        cls = apps.get_model(app, model)
        rows = cls.objects.filter(customer_id__in=customer_ids, **filters).values_list("customer_id")
        result: dict[int, int] = defaultdict(int)
        for (cid,) in rows:
            result[cid] += 1
        return result
    except (LookupError, FieldError):
        return {}


def risk_inputs(entity: Entity, as_of: date) -> dict[int, core.RiskInputs]:
    """What the score needs for every customer of the entity, as of ``as_of``."""
    delays: dict[int, list[tuple[date, float]]] = defaultdict(list)
    for it in load_history(entity).items:
        if it.delay is not None and it.paid_on is not None and it.paid_on <= as_of:
            delays[it.customer_id].append((it.paid_on, it.delay))
    signed = Case(When(kind=DocumentKind.CREDIT_NOTE, then=-F("open_minor")), default=F("open_minor"),
                  output_field=IntegerField())  # fmt: skip
    open_rows = (
        Invoice.objects.filter(entity=entity, issue_date__lte=as_of)
        .exclude(open_minor=0)
        .values("customer_id")
        .annotate(open=Sum(signed), overdue=Sum(signed, filter=Q(due_date__lt=as_of)))
    )
    opened = {r["customer_id"]: (r["open"] or 0, r["overdue"] or 0) for r in open_rows}
    total_open = sum(max(o, 0) for o, _ in opened.values())
    customers = list(Customer.objects.filter(entity=entity).values_list("id", "credit_limit_minor"))
    ids = [c for c, _ in customers]
    disputes = _counts("cases", "Case", ids)
    promises = _counts("collections", "PromiseToPay", ids, status="broken")
    result = {}
    for cid, limit in customers:
        history = [d for _, d in sorted(delays.get(cid, []))]
        n = len(history)
        average = sum(history) / n if n else 0.0
        recent = history[0] if n else 0.0
        for d in history[1:]:
            recent = RECENT_WEIGHT * d + (1 - RECENT_WEIGHT) * recent
        open_minor, overdue_minor = opened.get(cid, (0, 0))
        result[cid] = core.RiskInputs(
            average_delay=average, trend=recent - average, share_late=sum(d > 0 for d in history) / n if n else 0.0,
            paid_count=n, overdue_share=overdue_minor / open_minor if open_minor > 0 else 0.0,
            disputes=disputes.get(cid, 0), broken_promises=promises.get(cid, 0), exposure=open_minor / 100,
            credit_limit=limit / 100 if limit else None,
            concentration=max(open_minor, 0) / total_open if total_open else 0.0,
        )  # fmt: skip
    return result


def score_entity(entity: Entity, as_of: date) -> ScoreRun:
    """Score every customer for ``as_of`` (replacing that day's scores) and raise alerts on sharp rises."""
    results = {cid: core.score(inputs) for cid, inputs in risk_inputs(entity, as_of).items()}
    previous: dict[int, float] = {}
    for cid, value in (
        RiskScore.objects.filter(entity=entity, date__lt=as_of)
        .order_by("customer_id", "-date")
        .values_list("customer_id", "score")
    ):
        previous.setdefault(cid, value)
    alerts = []
    for cid, r in results.items():
        before = previous.get(cid)
        if before is not None and core.is_sharp_rise(before, r.score):
            reasons = ", ".join(c.explanation for c in r.contributions[:2] if c.points)
            alerts.append(RiskAlert(
                entity=entity, customer_id=cid, date=as_of, previous_score=before, score=r.score,
                previous_label=core.label_for(before), label=r.label, reason=reasons[:300],
            ))  # fmt: skip
    with transaction.atomic():
        RiskScore.objects.filter(entity=entity, date=as_of).delete()
        RiskScore.objects.bulk_create(
            RiskScore(entity=entity, customer_id=cid, date=as_of, score=r.score, label=r.label, factors=r.as_list())
            for cid, r in results.items()
        )  # fmt: skip
        RiskAlert.objects.bulk_create(alerts, ignore_conflicts=True)
    return ScoreRun(entity.code, as_of, len(results), len(alerts))


def risk_of(customer_ids: Iterable[int]) -> dict[int, str]:
    """The latest risk label (low, normal, high, critical) of each customer.

    A customer never scored is scored now (not stored), so every id asked for is answered.
    """
    ids = list(customer_ids)
    labels: dict[int, str] = {}
    for cid, label in (
        RiskScore.objects.filter(customer_id__in=ids)
        .order_by("customer_id", "-date")
        .values_list("customer_id", "label")
    ):
        labels.setdefault(cid, label)
    missing = [c for c in ids if c not in labels]
    if missing:
        from encaisse.clock import today

        by_entity: dict[int, list[int]] = defaultdict(list)
        for cid, eid in Customer.objects.filter(pk__in=missing).values_list("id", "entity_id"):
            by_entity[eid].append(cid)
        for eid, cids in by_entity.items():
            inputs = risk_inputs(Entity.objects.get(pk=eid), today())
            for cid in cids:
                labels[cid] = core.score(inputs[cid]).label
    return labels


def latest_scores(entity_ids: list[int]) -> list[RiskScore]:
    """Each customer's most recent score, worst first."""
    latest: dict[int, RiskScore] = {}
    for row in (
        RiskScore.objects.filter(entity_id__in=entity_ids)
        .select_related("customer", "entity")
        .order_by("customer_id", "-date")
    ):
        latest.setdefault(row.customer_id, row)
    return sorted(latest.values(), key=lambda r: (-r.score, r.customer.name))
