"""Keyset (cursor) pagination: stable under inserts, one index range scan per page.

A page is the first ``limit`` rows after the cursor in the list's order
(``(due_date, id)`` for invoices, ``id`` elsewhere), read as
``WHERE key >= k AND (key > k OR id > i) ORDER BY key, id LIMIT n + 1``: no
OFFSET, so page 10,000 costs what page 1 does, and rows inserted meanwhile
never shift a page (a new row shows up on a later page if it sorts after the
cursor, never twice). The cursor is opaque to clients: URL-safe base64 of the
JSON of the last row's sort values.

When a list spans several entities and is sorted by a non-unique key, each
entity is read on its own (the index is ``(entity, key)``) and the pages are
merged, so the database never sorts a whole table.

>>> decode(encode(["2026-03-01", 42]), (date.fromisoformat, int))
[datetime.date(2026, 3, 1), 42]
"""

from __future__ import annotations

import base64
import binascii
import heapq
import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from django.db.models import Model, Q, QuerySet

from encaisse.api.problems import ApiProblem, invalid

MAX_LIMIT = 500
DEFAULT_LIMIT = 100


def encode(values: Sequence[Any]) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, date) else v for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _bad(reason: str, value: str) -> ApiProblem:
    return invalid([{"field": "cursor", "where": "query", "reason": reason, "value": value[:40]}])


def decode(cursor: str, parsers: Sequence[Callable[[Any], Any]]) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise _bad("not a cursor returned by this list", cursor) from None
    if not isinstance(values, list) or len(values) != len(parsers):
        raise _bad("not a cursor returned by this list", cursor)
    try:
        parsed = [p(v) for p, v in zip(parsers, values, strict=True)]
    except (TypeError, ValueError):
        raise _bad("not a cursor returned by this list", cursor) from None
    if any(isinstance(v, bool) for v in values) or (
        isinstance(parsed[-1], int) and not 0 <= parsed[-1] < 2**63
    ):
        raise _bad("not a cursor returned by this list", cursor)
    return parsed


def _int(value: Any) -> int:
    if not isinstance(value, int):
        raise ValueError("an integer")
    return value


def _date(value: Any) -> date:
    if not isinstance(value, str):
        raise ValueError("a date")
    return date.fromisoformat(value)


PARSERS: dict[str, Callable[[Any], Any]] = {"id": _int, "date": _date}


def page(
    qs: QuerySet[Any], *, key: str | None, cursor: str | None, limit: int, key_type: str = "date",
    split_entities: Sequence[int] = (),
) -> tuple[list[Model], str | None]:  # fmt: skip
    """One page of ``qs`` ordered by ``(key, id)`` (or ``id`` alone) and the cursor of the next page."""
    fields = (key, "id") if key else ("id",)
    parsers = [PARSERS[key_type], _int] if key else [_int]
    qs = qs.order_by(*fields)
    if cursor:
        after = decode(cursor, parsers)
        if key:
            k, i = after
            qs = qs.filter(Q(**{f"{key}__gt": k}) | Q(**{key: k, "id__gt": i}), **{f"{key}__gte": k})
        else:
            qs = qs.filter(id__gt=after[0])
    if key and len(split_entities) > 1:
        runs = [list(qs.filter(entity_id=e)[: limit + 1]) for e in split_entities]
        rows = list(heapq.merge(*runs, key=lambda r: (getattr(r, key), r.pk)))[: limit + 1]
    else:
        rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if not more or not rows:
        return rows, None
    last = rows[-1]
    return rows, encode([getattr(last, key), last.pk] if key else [last.pk])
