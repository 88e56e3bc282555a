"""Creating and issuing invoices and credit notes through billing's use cases."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.responses import Status

from encaisse.api.auth import scope
from encaisse.api.problems import ApiProblem, Problem, invalid
from encaisse.api.resources.common import conflict, entity_codes, entity_for, scoped
from encaisse.api.resources.ledger import router, scoped_invoice
from encaisse.api.schemas import BillingDocumentOut, InvoiceIn, money
from encaisse.billing import services
from encaisse.billing.models import BillingDocument, DocumentLocked
from encaisse.billing.models import Status as DocumentStatus
from encaisse.billing.requests import FieldError, InvalidRequest
from encaisse.ledger.models import DocumentKind

# the same router as the invoices' GET routes: one URL pattern per path
ERRORS: dict[int, Any] = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}


def document_json(doc: BillingDocument, codes: dict[int, str]) -> dict[str, Any]:
    c = doc.currency
    return {
        "id": doc.pk, "entity": codes.get(doc.entity_id, ""), "customer_id": doc.customer_id, "kind": doc.kind,
        "status": doc.status, "key": doc.key, "number": doc.number, "issue_date": doc.issue_date,
        "due_date": doc.due_date, "currency": c, "net": money(doc.net_minor, c), "vat": money(doc.vat_minor, c),
        "total": money(doc.total_minor, c), "invoice_id": doc.invoice_id,
        "structured_reference": doc.structured_reference, "findings": list(doc.findings or []),
    }  # fmt: skip


def _field_errors(errors: list[FieldError]) -> ApiProblem:
    return invalid(
        [{"field": f"{e.where}.{e.field}" if e.where and e.field != "-" else (e.where or e.field),
          "where": "body", "reason": e.reason, "value": e.value} for e in errors]
    )  # fmt: skip


def _refused(exc: services.IssueRefused) -> ApiProblem:
    return ApiProblem(
        422, f"not issued: {len(exc.findings)} fatal finding(s) of the e-invoice validation; no number was used",
        code="invoice_refused",
        errors=[{"field": f.path, "where": f.rule_id, "reason": f.message, "value": ""} for f in exc.findings],
    )  # fmt: skip


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


@router.post(
    "/invoices", tags=["invoices"], response={200: BillingDocumentOut, 201: BillingDocumentOut, **ERRORS}
)
def create_invoice(request: HttpRequest, payload: InvoiceIn) -> Any:
    """Create an invoice or credit note and issue it (``issue: false`` keeps a draft).

    The e-invoice is validated before a number is taken: a refusal lists every
    broken rule and uses no number. A ``key`` already issued answers the
    document issued then (200), as billing's JSON import does.
    """
    s = scope(request)
    entity = entity_for(s, payload.entity)
    data = {
        k: _plain(v)
        for k, v in payload.model_dump(exclude={"issue", "entity"}).items()
        if v not in (None, "", [])
    }
    data["entity"] = entity.code
    data["lines"] = [{k: v for k, v in line.items() if v is not None} for line in data.get("lines", [])]
    known = (
        BillingDocument.objects.filter(entity=entity, key=payload.key)
        .exclude(status=DocumentStatus.DRAFT)
        .first()
        if payload.key
        else None
    )
    try:
        doc = services.create_invoice(data, actor=s.actor, issue_now=payload.issue)
    except InvalidRequest as exc:
        raise _field_errors(exc.errors) from None
    except services.IssueRefused as exc:
        raise _refused(exc) from None
    except DocumentLocked as exc:
        raise conflict(str(exc), "document_locked") from None
    return Status(200 if known is not None else 201, document_json(doc, entity_codes(request)))


@router.get(
    "/billing-documents/{int:document_id}", tags=["invoices"], response={200: BillingDocumentOut, **ERRORS}
)
def get_billing_document(request: HttpRequest, document_id: int) -> Any:
    """A draft, issued or cancelled billing document (the ``id`` ``POST /invoices`` answered)."""
    doc = scoped(BillingDocument.objects, scope(request), document_id, "billing document")
    return document_json(doc, entity_codes(request))


@router.post(
    "/billing-documents/{int:document_id}/issue",
    tags=["invoices"],
    response={200: BillingDocumentOut, **ERRORS},
)
def issue_document(request: HttpRequest, document_id: int) -> Any:
    """Issue a draft: number, PDF, UBL, Factur-X, ledger, archive (see billing)."""
    s = scope(request)
    doc = scoped(BillingDocument.objects, s, document_id, "billing document")
    if doc.status != DocumentStatus.DRAFT:
        raise conflict(f"{doc.number} is already issued", "already_issued")
    try:
        issued = services.issue(doc, actor=s.actor)
    except services.IssueRefused as exc:
        raise _refused(exc) from None
    except InvalidRequest as exc:
        raise _field_errors(exc.errors) from None
    except DocumentLocked as exc:
        raise conflict(str(exc), "already_issued") from None
    return document_json(issued, entity_codes(request))


@router.post(
    "/invoices/{int:invoice_id}/credit-note", tags=["invoices"], response={201: BillingDocumentOut, **ERRORS}
)
def credit_invoice(request: HttpRequest, invoice_id: int) -> Any:
    """Issue a credit note for the whole invoice (it is then cancelled)."""
    s = scope(request)
    inv = scoped_invoice(request, invoice_id, DocumentKind.INVOICE)
    try:
        note = services.credit_invoice(inv, actor=s.actor)
    except InvalidRequest as exc:
        raise _field_errors(exc.errors) from None
    except services.IssueRefused as exc:
        raise _refused(exc) from None
    return Status(201, document_json(note, entity_codes(request)))
