"""KPIs and aging, as of a date, for the entities the token reaches."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from encaisse.api.auth import scope
from encaisse.api.problems import Problem
from encaisse.api.resources.common import as_of, entity_ids_for
from encaisse.api.schemas import AgingOut, KpiOut
from encaisse.insights.reports import aging, kpis

router = Router(tags=["insights"])
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)  # reports walk back two years from the date
READ_ERRORS: dict[int, Any] = {400: Problem, 401: Problem, 404: Problem, 422: Problem}


class AgingQuery(Schema):
    entity: str | None = None
    as_of: date | None = Field(None, ge=EARLIEST, le=LATEST, description="Default: today")
    by: Literal["due_date", "issue_date"] = "due_date"


class KpiQuery(Schema):
    entity: str | None = None
    as_of: date | None = Field(None, ge=EARLIEST, le=LATEST, description="Default: today")
    days: int = Field(90, ge=1, le=3660, description="The period's length in days (DSO, CEI…)")


@router.get("/aging", response={200: list[AgingOut], **READ_ERRORS})
def get_aging(request: HttpRequest, q: Query[AgingQuery]) -> Any:
    """Open amounts per entity and currency in days-past-due buckets (amounts are decimal strings)."""
    ids = entity_ids_for(scope(request), q.entity)
    return [
        {"entity": r.entity, "currency": r.currency, "buckets": {k: str(v) for k, v in r.buckets.items()},
         "total": str(r.total), "count": r.count}
        for r in aging(ids, as_of(q.as_of), by=q.by)
    ]  # fmt: skip


@router.get("/kpis", response={200: list[KpiOut], **READ_ERRORS})
def get_kpis(request: HttpRequest, q: Query[KpiQuery]) -> Any:
    """DSO (standard, countback), best possible DSO, ADD, CEI and the rest, per currency."""
    ids = entity_ids_for(scope(request), q.entity)
    out = []
    for k in kpis(ids, as_of(q.as_of), days=q.days):
        values = k.as_dict()
        out.append({"currency": k.currency, "as_of": k.as_of, "days": k.days,
                    "values": {n: v for n, v in values.items() if n not in ("currency", "as_of", "days")}})  # fmt: skip
    return out
