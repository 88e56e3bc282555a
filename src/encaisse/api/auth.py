"""Bearer-token authentication for the API (``Authorization: Bearer enc_…``).

A token's scope (its user, its entities and their codes, whether it may write)
is kept in a small in-process cache for :data:`CACHE_SECONDS`, keyed by the
SHA-256 of the token: a request with a known token costs no query. What
changes a scope (revoking a token, deactivating its user, changing the user's
groups or grants, the token's entities, an entity) clears the cache of the
process that makes the change at once; every other server process sees it
when its entry expires, within :data:`CACHE_SECONDS`. Unknown tokens are
never cached: each costs its lookup.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from encaisse.api.models import ApiToken
from encaisse.api.tokens import TOKEN_START, Scope, authenticate, digest
from encaisse.ledger.models import Entity, EntityGrant

_UNSET = object()
CACHE_SECONDS = 5.0
CACHE_SIZE = 10_000
_cache: dict[str, tuple[float, Scope, dict[int, str]]] = {}


def clear_cache(**_: Any) -> None:
    """Forget every cached scope (this process only; the others within :data:`CACHE_SECONDS`)."""
    _cache.clear()


for _model in (ApiToken, Entity, EntityGrant, settings.AUTH_USER_MODEL, Group):
    post_save.connect(clear_cache, sender=_model, dispatch_uid=f"api-scope-save-{_model}")
    post_delete.connect(clear_cache, sender=_model, dispatch_uid=f"api-scope-delete-{_model}")
for _through in (ApiToken.entities.through, get_user_model().groups.through):
    m2m_changed.connect(clear_cache, sender=_through, dispatch_uid=f"api-scope-m2m-{_through}")


def _lookup(clear: str) -> tuple[Scope, dict[int, str]] | None:
    """The token's scope and entity codes: from the cache, else from the database (then cached)."""
    if not clear.startswith(TOKEN_START) or len(clear) > 200:
        return None
    key = digest(clear)
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1], hit[2]
    found = authenticate(clear)
    if found is None:
        _cache.pop(key, None)
        return None
    codes = dict(Entity.objects.filter(pk__in=found.entity_ids).values_list("pk", "code"))
    if len(_cache) >= CACHE_SIZE:
        _cache.clear()
    _cache[key] = (now + CACHE_SECONDS, found, codes)
    return found, codes


def scope_of(request: HttpRequest) -> Scope | None:
    """The request's scope, from its bearer token (looked up once per request)."""
    cached = getattr(request, "_api_scope", _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    scope = None
    if not header:
        request.api_auth_problem = "send the token as Authorization: Bearer <token>"  # type: ignore[attr-defined]
    elif scheme.lower() != "bearer" or not token.strip():
        request.api_auth_problem = "the Authorization header is Bearer <token>"  # type: ignore[attr-defined]
    else:
        found = _lookup(token.strip())
        if found is None:
            request.api_auth_problem = "unknown, revoked or malformed token"  # type: ignore[attr-defined]
        else:
            scope, request._api_entity_codes = found  # type: ignore[attr-defined]
    request._api_scope = scope  # type: ignore[attr-defined]
    return scope


class TokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest) -> Any:
        return scope_of(request)

    def authenticate(self, request: HttpRequest, token: str) -> Any:  # pragma: no cover - __call__ decides
        return scope_of(request)


def scope(request: HttpRequest) -> Scope:
    """The scope of an authenticated request (endpoints run only once authentication passed)."""
    found = scope_of(request)
    if found is None:
        raise AuthenticationError()
    return found
