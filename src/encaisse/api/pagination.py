"""Keyset (cursor) pagination: stable under inserts, one index range scan per page.

A page is the first ``limit`` rows after the cursor in the list's order
(``(due_date, id)`` for invoices, ``id`` elsewhere), read as
``WHERE (key, id) > (k, i) ORDER BY key, id LIMIT n + 1``: a row comparison,
which PostgreSQL answers as one range of an index on ``(entity, key, id)``
(``key > k OR (key = k AND id > i)`` would leave the ``id`` test to a filter
on table rows); no OFFSET, so page 10,000 costs what page 1 does, and rows inserted meanwhile
never shift a page (a new row shows up on a later page if it sorts after the
cursor, never twice). The cursor is opaque to clients: URL-safe base64 of the
JSON of the last row's sort values.

When a list spans several entities and is sorted by a non-unique key, each
entity is read on its own (the index is ``(entity, key, id)``) and the pages
are merged, so the database never sorts a whole table. Rows are model
instances or, from ``.values()``, dicts (the lists read only the columns they
show).

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

from django.db.models import BooleanField, DateField, F, Func, QuerySet, Value

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


class RowAfter(Func):
    """``(key, id) > (k, i)``: a row comparison (SQL row values, on PostgreSQL and SQLite alike)."""

    output_field = BooleanField()

    def __init__(self, key: str, after: Sequence[Any]) -> None:
        k, i = after
        super().__init__(F(key), F("id"), Value(k, output_field=DateField() if isinstance(k, date) else None),
                         Value(i))  # fmt: skip

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        sql, params = [], []
        for expression in self.get_source_expressions():
            s, p = compiler.compile(expression)
            sql.append(s)
            params.extend(p)
        return f"({sql[0]}, {sql[1]}) > ({sql[2]}, {sql[3]})", params


def _get(row: Any, name: str) -> Any:
    return row[name] if isinstance(row, dict) else getattr(row, name)


def page(
    qs: QuerySet[Any], *, key: str | None, cursor: str | None, limit: int, key_type: str = "date",
    split_entities: Sequence[int] = (), also: Sequence[QuerySet[Any]] = (),
) -> tuple[list[Any], str | None]:  # fmt: skip
    """One page of ``qs`` ordered by ``(key, id)`` (or ``id`` alone) and the cursor of the next page.

    ``qs`` may be a ``.values()`` query set (rows are dicts then; they hold ``id`` and ``key``).
    ``also``: query sets of further rows (none in ``qs``) that the list holds too, each read
    through its own index and merged in, as the entities are.
    """
    fields = (key, "id") if key else ("id",)
    parsers = [PARSERS[key_type], _int] if key else [_int]
    after = decode(cursor, parsers) if cursor else None
    sources = []
    for source in (qs, *also):
        source = source.order_by(*fields)
        if after is not None:
            source = source.filter(RowAfter(key, after)) if key else source.filter(id__gt=after[0])
        if key and len(split_entities) > 1:
            sources += [source.filter(entity_id=e) for e in split_entities]
        else:
            sources.append(source)
    if len(sources) > 1:
        runs = [list(source[: limit + 1]) for source in sources]
        sort_key = (lambda r: (_get(r, key), _get(r, "id"))) if key else (lambda r: _get(r, "id"))
        rows = list(heapq.merge(*runs, key=sort_key))[: limit + 1]
    else:
        rows = list(sources[0][: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if not more or not rows:
        return rows, None
    last = rows[-1]
    return rows, encode([_get(last, key), _get(last, "id")] if key else [_get(last, "id")])
