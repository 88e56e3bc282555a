"""Idempotency keys for POST requests, and the write check every POST passes.

A client sends ``Idempotency-Key: <up to 255 printable characters>`` with a
POST. The first request with a key claims it (a row, committed at once, unique
per token), runs, and stores its answer in the same transaction as its work.
A request with the same key and the same content (method, path, query and
body; for a file upload the fields and the files' SHA-256) gets the stored
answer again, with ``Idempotent-Replayed: true``, and nothing is done twice.
The same key with other content is refused (422, ``idempotency_key_reused``).
A duplicate that arrives while the first still runs waits for it (up to
``WAIT_SECONDS``) and replays its answer, else gets 409 with ``Retry-After``.

Answers below 500 are kept; a failure (500) rolls the work back and frees the
key, so the retry runs again. Keys are forgotten after ``TTL`` (24 h):
:func:`purge` (a periodic job) deletes them, and an expired key met on the way
is treated as new. Without the header a POST runs as sent (a retry may repeat
it): send a key with every request that must not happen twice.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from encaisse.api import problems
from encaisse.api.auth import scope_of
from encaisse.api.models import ApiToken, IdempotencyKey

HEADER = "Idempotency-Key"
TTL = timedelta(hours=24)
WAIT_SECONDS = 10.0
POLL_SECONDS = 0.05
MAX_KEY_LENGTH = 255


def _fingerprint(request: HttpRequest) -> str:
    h = hashlib.sha256()
    h.update(f"{request.method} {request.path}?{request.META.get('QUERY_STRING', '')}\n".encode())
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/form-data"):
        # the boundary differs from one try to the next: hash what was sent, not how
        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                h.update(f"field {name}={value}\n".encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest = hashlib.sha256()
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
                h.update(f"file {name}={upload.name}:{digest.hexdigest()}\n".encode())
    else:
        h.update(content_type.encode() + b"\n" + request.body)
    return h.hexdigest()


def _stored(row: IdempotencyKey) -> HttpResponse:
    out = HttpResponse(bytes(row.body), status=row.status or 200, content_type=row.content_type or None)
    out["Idempotent-Replayed"] = "true"
    return out


def _claim(token: ApiToken, key: str, request: HttpRequest, fingerprint: str) -> IdempotencyKey | None:
    """The new row when this request claims the key; ``None`` when another request has it."""
    for _ in range(2):
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(
                    token=token, key=key, method=request.method or "", path=request.path[:500],
                    request_sha256=fingerprint,
                )  # fmt: skip
        except IntegrityError:
            expired = IdempotencyKey.objects.filter(
                token=token, key=key, created_at__lt=timezone.now() - TTL
            ).delete()[0]
            if not expired:
                return None
    return None


def _replay(token: ApiToken, key: str, request: HttpRequest, fingerprint: str) -> HttpResponse:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        row = IdempotencyKey.objects.filter(token=token, key=key).first()
        if row is None:  # the first try failed and freed the key meanwhile
            return problems.response(
                problems.ApiProblem(409, "the first request with this key failed: send it again", code="idempotency_retry",
                                    headers={"Retry-After": "1"})
            )  # fmt: skip
        if row.method != request.method or row.path != request.path or row.request_sha256 != fingerprint:
            return problems.response(
                problems.ApiProblem(
                    422,
                    f"{HEADER} {key!r} was used for another request ({row.method} {row.path}); "
                    "use a new key for a new request",
                    code="idempotency_key_reused",
                    errors=[
                        {
                            "field": HEADER,
                            "where": "header",
                            "reason": "used for another request",
                            "value": key,
                        }
                    ],
                )
            )
        if row.status is not None:
            return _stored(row)
        if time.monotonic() >= deadline:
            return problems.response(
                problems.ApiProblem(409, f"a request with {HEADER} {key!r} is still running; retry later",
                                    code="idempotency_in_progress", headers={"Retry-After": "1"})
            )  # fmt: skip
        time.sleep(POLL_SECONDS)


def _execute(run: Callable[..., HttpResponse], request: HttpRequest, kw: dict[str, Any],
             row: IdempotencyKey | None) -> HttpResponse:  # fmt: skip
    try:
        with transaction.atomic():
            response = run(request, **kw)
            if response.status_code >= 500:
                transaction.set_rollback(True)
            elif row is not None:
                IdempotencyKey.objects.filter(pk=row.pk).update(
                    status=response.status_code, content_type=response.get("Content-Type", ""),
                    body=bytes(response.content), completed_at=timezone.now(),
                )  # fmt: skip
    except BaseException:
        if row is not None:
            IdempotencyKey.objects.filter(pk=row.pk).delete()
        raise
    if response.status_code >= 500 and row is not None:
        IdempotencyKey.objects.filter(pk=row.pk).delete()
    return response


def _bad_key(key: str) -> bool:
    return not key or len(key) > MAX_KEY_LENGTH or not all(" " <= c <= "~" for c in key)


def guard(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap an operation: POSTs need a write token and honour ``Idempotency-Key``; other methods pass."""

    @wraps(run)
    def wrapper(request: HttpRequest, **kw: Any) -> HttpResponse:
        if request.method != "POST":
            return run(request, **kw)
        scope = scope_of(request)
        if scope is None:
            return run(request, **kw)  # answered 401 by the authentication
        if not scope.can_write:
            return problems.response(
                problems.ApiProblem(403, "this token (or its user's role) is read-only", code="read_only")
            )
        key = request.headers.get(HEADER)
        if key is None:
            return _execute(run, request, kw, None)
        if _bad_key(key):
            return problems.response(
                problems.invalid([{"field": HEADER, "where": "header", "value": key[:40],
                                   "reason": f"1 to {MAX_KEY_LENGTH} printable ASCII characters"}])
            )  # fmt: skip
        fingerprint = _fingerprint(request)
        row = _claim(scope.token, key, request, fingerprint)
        if row is None:
            return _replay(scope.token, key, request, fingerprint)
        return _execute(run, request, kw, row)

    wrapper.idempotent = True  # type: ignore[attr-defined]
    return wrapper


def purge(now: Any = None) -> int:
    """Forget the keys older than ``TTL``; returns how many."""
    cutoff = (now or timezone.now()) - TTL
    return IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()[0]
