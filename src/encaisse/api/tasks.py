"""Periodic job: forget idempotency keys older than 24 hours."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from encaisse.api.idempotency import purge


@db_periodic_task(crontab(minute="23"))
def purge_idempotency_keys() -> int:
    return purge()
