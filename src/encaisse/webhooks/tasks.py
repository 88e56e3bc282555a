"""Webhook jobs (huey): send what an emission enqueued; every minute, send whatever is due.

The tasks only call :mod:`encaisse.webhooks.sending`. Claiming makes them
safe to run twice or on several workers: a delivery is sent by whoever
claimed it, and a delivery whose job was lost is sent by the periodic task.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from encaisse.webhooks import sending


@db_task()
def deliver_webhooks(event_ids: list[str]) -> int:
    """Send the deliveries of these events (what an emission enqueues when its transaction commits)."""
    return len(sending.deliver(event_ids=event_ids, limit=100_000))


@db_periodic_task(crontab(minute="*"))
def send_due_webhooks() -> int:
    return len(sending.deliver(limit=1000))
