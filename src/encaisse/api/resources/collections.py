"""Dunning: preview a run (dry run), run it (draft letters, idempotent per day), approve and send its letters.

Sending renders, archives and delivers each approved letter through the
delivery app (:func:`encaisse.collections.services.send_letters`), which must
run outside any transaction: each delivery is claimed and confirmed in its own
transaction, so that a letter confirmed sent is never sent again. The request
therefore answers 202 with the letters it hands over, and they are sent once
its transaction (and its idempotency key) has committed; their outcome
(``sent``, ``failed``, or still ``approved`` with the delivery waiting) is read
with ``GET /dunning/runs/{id}``.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Annotated, Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from encaisse.api.auth import scope
from encaisse.api.problems import ApiProblem, Problem, invalid
from encaisse.api.resources.common import MAX_ID, as_of, entity_codes, entity_for, scoped
from encaisse.api.schemas import DunningIn, DunningPreviewOut, DunningRunOut
from encaisse.collections.models import DunningLetter, DunningRun, LetterStatus
from encaisse.collections.services import approve_letters, dunning_run, send_letters

log = logging.getLogger(__name__)
router = Router(tags=["dunning"])
ERRORS: dict[int, Any] = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 422: Problem}
RUN_ERRORS: dict[int, Any] = {**ERRORS, 409: Problem}


def _planned(result: Any) -> list[dict[str, Any]]:
    out = []
    for d in result.decisions:
        plan = d.letter
        if plan is None:
            continue
        out.append({
            "customer_id": int(plan.customer_id), "level": plan.level.number, "tone": plan.tone.value,
            "channel": plan.channel.value, "call_task": d.call_task,
            "items": [{"invoice_id": int(i.item.invoice_id), "level": i.level.number, "reason": i.reason,
                       "claimed": {"amount": str(i.amount.amount), "currency": i.amount.currency}}
                      for i in plan.items],
        })  # fmt: skip
    return out


@router.post("/dunning/preview", response={200: DunningPreviewOut, **ERRORS})
def preview(request: HttpRequest, payload: DunningIn) -> Any:
    """What a run would send today (or ``as_of``): a dry run that stores only its counts."""
    s = scope(request)
    entity = entity_for(s, payload.entity)
    day = as_of(payload.as_of)
    result = dunning_run(entity, day, dry_run=True, actor=s.actor)
    run = result.run
    return {
        "run_id": run.pk, "entity": entity.code, "as_of": day, "dry_run": True, "customers": run.customers,
        "items": run.items, "letters": run.letters, "skipped": run.skipped, "call_tasks": run.call_tasks,
        "planned": _planned(result),
    }  # fmt: skip


def run_json(run: DunningRun, codes: dict[int, str], created: int = 0) -> dict[str, Any]:
    letters = DunningLetter.objects.filter(run=run).order_by("id")
    return {
        "id": run.pk, "entity": codes[run.entity_id], "as_of": run.as_of, "dry_run": run.dry_run,
        "customers": run.customers, "items": run.items, "letters_count": run.letters, "skipped": run.skipped,
        "call_tasks": run.call_tasks, "created": created,
        "letters": [{"id": x.pk, "customer_id": x.customer_id, "level": x.level, "tone": x.tone,
                     "channel": x.channel, "status": x.status, "items": list(x.items or []),
                     "totals": dict(x.totals or {})} for x in letters],
    }  # fmt: skip


@router.post("/dunning/runs", response={200: DunningRunOut, **ERRORS})
def run(request: HttpRequest, payload: DunningIn) -> Any:
    """Run dunning: store today's letters as drafts to approve and send (``/approve``, ``/send``, the back office).

    One run per entity and day: running again that day creates nothing new.
    """
    s = scope(request)
    entity = entity_for(s, payload.entity)
    result = dunning_run(entity, as_of(payload.as_of), actor=s.actor)
    return run_json(result.run, entity_codes(request), created=len(result.created))


@router.get("/dunning/runs/{int:run_id}", response={200: DunningRunOut, **ERRORS})
def get_run(request: HttpRequest, run_id: int) -> Any:
    found = scoped(DunningRun.objects, scope(request), run_id, "dunning run")
    return run_json(found, entity_codes(request))


class LettersIn(Schema):
    letter_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None = Field(
        None, max_length=10000,
        description="Letters of the run; null: every draft (approve) or every approved letter (send)",
    )  # fmt: skip


class ApprovedOut(DunningRunOut):
    approved: int = Field(description="Draft letters this request approved")


class SendingOut(DunningRunOut):
    sending: list[int] = Field(
        description="Approved letters handed to delivery once this request has committed"
    )


def _run_with_letters(request: HttpRequest, run_id: int) -> DunningRun:
    run = scoped(DunningRun.objects, scope(request), run_id, "dunning run")
    if run.dry_run:
        raise ApiProblem(409, f"dunning run {run.pk} is a preview: it has no letters", code="dry_run")
    return run


def _letter_ids(run: DunningRun, payload: LettersIn | None) -> list[int] | None:
    """The letters named (each must be one of the run's), or None: all of them."""
    if payload is None or payload.letter_ids is None:
        return None
    ids = list(dict.fromkeys(payload.letter_ids))
    found = set(DunningLetter.objects.filter(run=run, pk__in=ids).values_list("pk", flat=True))
    missing = [{"field": f"letter_ids[{n}]", "where": "body", "reason": "no such letter in this run", "value": str(i)}
               for n, i in enumerate(payload.letter_ids) if i not in found]  # fmt: skip
    if missing:
        raise invalid(missing)
    return ids


@router.post("/dunning/runs/{int:run_id}/approve", response={200: ApprovedOut, **RUN_ERRORS})
def approve(request: HttpRequest, run_id: int, payload: LettersIn | None = None) -> Any:
    """Approve draft letters of a run (all of them, or ``letter_ids``); letters not in draft are left as they are."""
    s = scope(request)
    found = _run_with_letters(request, run_id)
    approved = approve_letters(found, _letter_ids(found, payload), actor=s.actor)
    return {**run_json(found, entity_codes(request)), "approved": approved}


def _send_after_commit(run_id: int, letter_ids: list[int], actor: str) -> None:
    report = send_letters(DunningRun.objects.get(pk=run_id), actor=actor, letter_ids=letter_ids)
    log.info("dunning run %s sent through the API: %d sent, %d waiting, %d failed", run_id, len(report.sent),
             len(report.waiting), len(report.failed))  # fmt: skip


@router.post("/dunning/runs/{int:run_id}/send", response={202: SendingOut, **RUN_ERRORS})
def send(request: HttpRequest, run_id: int, payload: LettersIn | None = None) -> Any:
    """Send the approved letters of a run (all of them, or ``letter_ids``), once this request has committed.

    Answers 202 with the letters handed over (``sending``); letters not
    approved are not sent. ``GET /dunning/runs/{id}`` shows each letter's outcome.
    """
    s = scope(request)
    found = _run_with_letters(request, run_id)
    ids = _letter_ids(found, payload)
    approved = DunningLetter.objects.filter(run=found, status=LetterStatus.APPROVED)
    if ids is not None:
        approved = approved.filter(pk__in=ids)
    sending = list(approved.order_by("id").values_list("pk", flat=True))
    if sending:
        transaction.on_commit(partial(_send_after_commit, found.pk, sending, s.actor), robust=True)
    return Status(202, {**run_json(found, entity_codes(request)), "sending": sending})
