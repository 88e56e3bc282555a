"""Delivery jobs (huey): send, retry with backoff, reconcile at start-up, poll the access point.

The tasks only call :mod:`encaisse.delivery.services`; every decision is
there. A task is idempotent by the delivery's key: the claim lets one attempt
hold a delivery at a time, so a task run twice sends once. On the embedded
default (``ENCAISSE_JOBS_IMMEDIATE=1``) or through ``encaisse deliver``, the
work runs in the calling process.

- :func:`send_delivery_task` sends one delivery; when the outcome is a retry it
  schedules itself at the retry time (1, 5, 30 minutes by default), and it
  enqueues the fallback delivery a bounce queued;
- :func:`send_due_deliveries` (every minute) sends whatever is due, a safety
  net for tasks lost with a worker;
- :func:`poll_access_point` (every 15 minutes) asks the access point for the
  status of Peppol messages;
- when a worker starts, :func:`reconcile_on_startup` settles deliveries a
  crashed worker left ``sending``.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from encaisse.delivery import services

log = logging.getLogger(__name__)


def _follow(outcome: services.SendOutcome) -> None:
    if outcome.retry_at is not None:
        send_delivery_task.schedule((outcome.delivery_id,), eta=outcome.retry_at)
    for delivery_id in outcome.follow_up:
        send_delivery_task(delivery_id)


@db_task()
def send_delivery_task(delivery_id: int) -> str:
    outcome = services.send_delivery(delivery_id)
    _follow(outcome)
    return outcome.status


@db_periodic_task(crontab(minute="*"))
def send_due_deliveries() -> int:
    outcomes = services.send_due(limit=500)
    for outcome in outcomes:
        if outcome.retry_at is not None:
            send_delivery_task.schedule((outcome.delivery_id,), eta=outcome.retry_at)
    return len(outcomes)


@db_periodic_task(crontab(minute="*/15"))
def poll_access_point() -> int:
    return services.poll_provider_statuses()


@HUEY.on_startup()
def reconcile_on_startup() -> None:
    report = services.reconcile()
    if report.total:
        log.warning(
            "deliveries reconciled at start-up: %d sent, %d queued again, %d unknown",
            len(report.sent), len(report.requeued), len(report.unknown),
        )  # fmt: skip
