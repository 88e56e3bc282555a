"""Errors as RFC 9457 problem details (``application/problem+json``), mapped from exceptions in one place.

Every error the API returns has ``type``, ``title`` (the HTTP reason),
``status`` and ``detail``; a request with bad fields also has ``errors``, one
object per problem with the ``field`` (``lines[2].vat_rate``), where it is
(``body``, ``query``, ``path``, a file's line), the ``reason`` and the
offending ``value``. ``code`` names the problem for programs.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import BaseModel

log = logging.getLogger(__name__)
CONTENT_TYPE = "application/problem+json"


class FieldProblem(BaseModel):
    field: str
    where: str = ""
    reason: str
    value: str = ""


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldProblem] = []


class ApiProblem(Exception):
    """Raised by an endpoint: the request is answered with this problem."""

    def __init__(
        self, status: int, detail: str, *, code: str = "", errors: Iterable[Mapping[str, Any]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:  # fmt: skip
        self.status = status
        self.detail = detail
        self.code = code or HTTPStatus(status).phrase.lower().replace(" ", "_")
        self.errors = [dict(e) for e in errors]
        self.headers = dict(headers or {})
        super().__init__(detail)


def not_found(what: str = "no such resource") -> ApiProblem:
    return ApiProblem(404, what, code="not_found")


def invalid(errors: Sequence[Mapping[str, Any]], detail: str = "") -> ApiProblem:
    """A 422 listing field problems."""
    shown = detail or "; ".join(f"{e.get('field', '')}: {e.get('reason', '')}" for e in list(errors)[:10]) + (
        " …" if len(errors) > 10 else ""
    )
    return ApiProblem(422, shown or "invalid request", code="invalid_request", errors=errors)


def response(problem: ApiProblem) -> HttpResponse:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(problem.status).phrase,
        "status": problem.status,
        "detail": problem.detail,
        "code": problem.code,
        "errors": [
            {
                "field": str(e.get("field", "")),
                "where": str(e.get("where", "")),
                "reason": str(e.get("reason", "")),
                "value": "" if e.get("value") is None else str(e.get("value"))[:200],
            }
            for e in problem.errors
        ],
    }
    out = HttpResponse(json.dumps(body), status=problem.status, content_type=CONTENT_TYPE)
    for name, value in problem.headers.items():
        out[name] = value
    return out


def _field(loc: Sequence[Any]) -> tuple[str, str]:
    """``("body", "payload", "lines", 0, "unit_price")`` → ``("lines[0].unit_price", "body")``."""
    where = str(loc[0]) if loc else ""
    parts = list(loc[1:])
    if where == "body" and len(parts) > 1:
        parts = parts[1:]  # the parameter's own name
    text = ""
    for p in parts:
        text += f"[{p}]" if isinstance(p, int) else (f".{p}" if text else str(p))
    return text or where, where


def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for e in exc.errors:
        field, where = _field(e.get("loc", ()))
        value = e.get("input")
        shown = "" if value is None or isinstance(value, dict | list) else str(value)
        errors.append({"field": field, "where": where, "reason": e.get("msg", "invalid"), "value": shown})
    return response(invalid(errors))


def install(api: NinjaAPI) -> None:
    """Answer every error of ``api`` as a problem."""

    @api.exception_handler(ApiProblem)
    def _problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
        return response(exc)

    @api.exception_handler(ValidationError)
    def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return _validation(request, exc)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        detail = getattr(request, "api_auth_problem", "") or "a valid API token is required"
        return response(
            ApiProblem(
                401, detail, code="unauthenticated", headers={"WWW-Authenticate": 'Bearer realm="api"'}
            )
        )

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return response(ApiProblem(exc.status_code, str(exc)))

    @api.exception_handler(Http404)
    def _missing(request: HttpRequest, exc: Http404) -> HttpResponse:
        return response(not_found())

    @api.exception_handler(Exception)
    def _crash(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("API request %s %s failed", request.method, request.path)
        return response(
            ApiProblem(500, "the server failed to answer; the error is logged", code="server_error")
        )
