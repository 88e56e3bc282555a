"""The REST API, version 1: ``/api/v1/``, its OpenAPI schema at ``/api/v1/openapi.json``.

Every operation needs a bearer token (see :mod:`encaisse.api.tokens`); every
POST needs a write token and honours ``Idempotency-Key``
(:mod:`encaisse.api.idempotency`); every error is a problem document
(:mod:`encaisse.api.problems`). The interactive documentation at
``/api/v1/docs`` is served from the app's own static files (no CDN).
"""

from __future__ import annotations

from ninja import NinjaAPI

from encaisse.api import idempotency, problems
from encaisse.api.auth import TokenAuth
from encaisse.api.nul import refuse_nul
from encaisse.api.resources import banking, billing, cases, collections, insights, ledger

_ = billing  # its routes are on the ledger router (same paths as the invoices' GET routes)

api = NinjaAPI(
    title="Encaisse API",
    version="1",
    description=(
        "Accounts receivable: entities, customers, invoices, bank statements, cash application, dunning, cases "
        "and KPIs. Authenticate with `Authorization: Bearer <token>`; send `Idempotency-Key` with every POST "
        "that must not happen twice. Money is a decimal string with its currency. Errors are RFC 9457 "
        "problem documents."
    ),
    auth=TokenAuth(),
    urls_namespace="api-v1",
    docs_url="/docs",
)
api.add_decorator(idempotency.guard, mode="view")
api.add_decorator(refuse_nul, mode="view")
problems.install(api)
for module in (ledger, banking, collections, cases, insights):
    api.add_router("", module.router)
