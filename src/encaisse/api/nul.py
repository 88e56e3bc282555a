"""No NUL character in any text the API receives.

A NUL (U+0000) is valid JSON (``"\\u0000"``) and valid in a URL (``%00``), but no text the
API keeps may hold one: PostgreSQL refuses it in text columns and parameters, and no
invoice number, name or description needs it. Every operation refuses it up front as a
field error (422, with the field's path and where it was: ``body`` or ``query``) instead
of letting it reach the database.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

from encaisse.api import problems
from encaisse.api.auth import scope_of

NUL = "\x00"
REASON = "must not contain a NUL character (U+0000)"


def nul_paths(value: Any, path: str = "") -> Iterator[str]:
    """The path (``lines[0].description``) of every string, key or value, holding a NUL, depth first."""
    if isinstance(value, str):
        if NUL in value:
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and NUL in key:
                yield inner
            else:
                yield from nul_paths(item, inner)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from nul_paths(item, f"{path}[{index}]")


def _errors(request: HttpRequest) -> list[dict[str, str]]:
    found = [
        {"field": key, "where": "query", "reason": REASON, "value": ""}
        for key, values in request.GET.lists()
        if NUL in key or any(NUL in v for v in values)
    ]
    # JSON writes a NUL as the escape "\u0000" (a raw one is invalid JSON): only a body holding one is read again
    if request.content_type == "application/json" and b"\\u0000" in request.body:
        try:
            data = json.loads(request.body)
        except ValueError:
            data = None  # answered 400 by the operation's own parsing
        found += [
            {"field": p or "body", "where": "body", "reason": REASON, "value": ""} for p in nul_paths(data)
        ]
    return found[:20]


def refuse_nul(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap an operation: a request with a NUL in its query string or JSON body gets a 422 problem."""

    @wraps(run)
    def wrapper(request: HttpRequest, **kw: Any) -> HttpResponse:
        errors = _errors(request) if scope_of(request) is not None else []  # unauthenticated: 401 first
        if errors:
            return problems.response(problems.invalid(errors))
        return run(request, **kw)

    return wrapper
