"""What every resource needs: the request's entities, scoped lookups, filters' checks."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from encaisse.api.auth import scope
from encaisse.api.problems import ApiProblem, invalid, not_found
from encaisse.api.tokens import Scope
from encaisse.clock import today
from encaisse.ledger.models import Entity

M = TypeVar("M", bound=Model)
MAX_ID = 2**63 - 1  # a database id (BIGINT); larger numbers name nothing


def as_utc(value: datetime) -> datetime:
    """A filter's instant in UTC (a naive one is read as UTC).

    Any ISO 8601 offset up to ±23:59 is accepted, but PostgreSQL keeps offsets
    below 16 hours: the instant is compared in UTC. Beyond the calendar's ends it
    is clamped to them.

    >>> from datetime import timedelta, timezone
    >>> as_utc(datetime(2026, 7, 2, 2, 26, tzinfo=timezone(timedelta(hours=20, minutes=39)))).isoformat()
    '2026-07-01T05:47:00+00:00'
    >>> as_utc(datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-5)))).year
    9999
    """
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return datetime.max.replace(tzinfo=UTC) if value.year > 1 else datetime.min.replace(tzinfo=UTC)


def entity_codes(request: HttpRequest) -> dict[int, str]:
    """``{entity id: code}`` of the entities the request reaches (read once per request)."""
    cached = getattr(request, "_api_entity_codes", None)
    if cached is None:
        ids = scope(request).entity_ids
        cached = dict(Entity.objects.filter(pk__in=ids).values_list("pk", "code"))
        request._api_entity_codes = cached  # type: ignore[attr-defined]
    return cached


def entity_for(s: Scope, code: str | None, *, where: str = "body") -> Entity:
    """The entity a write names (or the token's only one); an entity out of reach is unknown."""
    if code:
        found = Entity.objects.filter(code=code, pk__in=s.entity_ids).first()
        if found is None:
            raise invalid([{"field": "entity", "where": where, "reason": "unknown entity", "value": code}])
        return found
    if len(s.entity_ids) == 1:
        return Entity.objects.get(pk=s.entity_ids[0])
    raise invalid(
        [{"field": "entity", "where": where, "reason": "this token reaches several entities: say which one"}]
    )


def entity_ids_for(s: Scope, code: str | None) -> list[int]:
    """The entities a read covers: the one named (when reachable) or all the token reaches."""
    if not code:
        return list(s.entity_ids)
    return [entity_for(s, code, where="query").pk]


def scoped(qs: QuerySet[M], s: Scope, pk: int, what: str) -> M:
    """The row ``pk`` of ``qs`` in the request's entities, else 404 (whether it exists elsewhere or not)."""
    found = qs.filter(pk=pk, entity_id__in=s.entity_ids).first() if 0 < pk <= MAX_ID else None
    if found is None:
        raise not_found(f"no {what} {pk}")
    return found


def as_of(value: date | None) -> date:
    return value or today()


def check_range(lower: Any, upper: Any, name: str) -> None:
    if lower is not None and upper is not None and lower > upper:
        raise invalid(
            [
                {
                    "field": f"{name}_before",
                    "where": "query",
                    "reason": f"before {name}_from",
                    "value": str(upper),
                }
            ]
        )


def conflict(detail: str, code: str = "conflict") -> ApiProblem:
    return ApiProblem(409, detail, code=code)
