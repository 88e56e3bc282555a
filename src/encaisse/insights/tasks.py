"""Insights jobs (huey): the daily risk scores. The task only calls :mod:`encaisse.insights.risk`."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from encaisse.clock import today
from encaisse.insights.risk import score_entity
from encaisse.ledger.models import Entity


@db_periodic_task(crontab(hour="5", minute="30"))
def daily_risk_scores() -> int:
    """Score every entity's customers for today; re-running the same day replaces that day's scores."""
    as_of = today()
    return sum(score_entity(e, as_of).alerts for e in Entity.objects.order_by("code"))
