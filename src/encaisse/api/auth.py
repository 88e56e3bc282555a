"""Bearer-token authentication for the API (``Authorization: Bearer enc_…``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from encaisse.api.tokens import Scope, authenticate

_UNSET = object()


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
        scope = authenticate(token.strip())
        if scope is None:
            request.api_auth_problem = "unknown, revoked or malformed token"  # type: ignore[attr-defined]
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
