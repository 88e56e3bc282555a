"""Dunning: preview a run (dry run) and run it (draft letters, idempotent per day)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from encaisse.api.auth import scope
from encaisse.api.problems import Problem
from encaisse.api.resources.common import as_of, entity_codes, entity_for, scoped
from encaisse.api.schemas import DunningIn, DunningPreviewOut, DunningRunOut
from encaisse.collections.models import DunningLetter, DunningRun
from encaisse.collections.services import dunning_run

router = Router(tags=["dunning"])
ERRORS: dict[int, Any] = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 422: Problem}


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
    """Run dunning: store today's letters as drafts to approve and send in the back office.

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
