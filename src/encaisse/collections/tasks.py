"""Collections jobs (huey): the daily dunning run and credit check.

:func:`daily_collections` runs every day at 06:00 for every entity: the credit
check, then the dunning run, which stores the day's letters as drafts for the
preview. Letters of a policy with ``auto_send`` are approved and sent at once;
the others wait for a person's approval in the back office. Running it twice on
a day creates nothing new (the run is idempotent per day).
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from encaisse.clock import today
from encaisse.collections.credit import credit_check
from encaisse.collections.models import DunningLetter, LetterStatus
from encaisse.collections.services import approve_letters, dunning_run, send_letters
from encaisse.ledger.models import Entity

log = logging.getLogger(__name__)


def run_daily(actor: str = "jobs") -> dict[str, int]:
    """What the periodic task does (callable from a test or a command)."""
    as_of = today()
    totals = {"letters": 0, "sent": 0}
    for entity in Entity.objects.order_by("id"):
        credit_check(entity, as_of, actor=actor)
        result = dunning_run(entity, as_of, actor=actor)
        totals["letters"] += len(result.created)
        auto = list(
            DunningLetter.objects.filter(
                run=result.run, status=LetterStatus.DRAFT, auto_send=True
            ).values_list("pk", flat=True)
        )
        if auto:
            approve_letters(result.run, auto, actor=actor)
            report = send_letters(result.run, actor=actor, letter_ids=auto)
            totals["sent"] += len(report.sent)
    return totals


@db_periodic_task(crontab(hour="6", minute="0"))
def daily_collections() -> dict[str, int]:
    totals = run_daily()
    log.info("daily collections: %(letters)d new letters, %(sent)d sent automatically", totals)
    return totals
