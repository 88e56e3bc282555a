"""Entities, customers, invoices and credit notes (with their files), allocations."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal

from django.db.models import Exists, F, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from encaisse.api import pagination
from encaisse.api.auth import scope
from encaisse.api.problems import Problem, invalid, not_found
from encaisse.api.resources.common import (
    MAX_ID,
    as_utc,
    check_range,
    conflict,
    entity_codes,
    entity_for,
    entity_ids_for,
    scoped,
)
from encaisse.api.schemas import (
    AllocationPage,
    CustomerIn,
    CustomerOut,
    CustomerPage,
    EntityOut,
    InvoiceOut,
    InvoicePage,
    instant,
    json_response,
    money,
)
from encaisse.billing.archiving import read_archived
from encaisse.billing.models import ArchivedDocument, ArchiveKind
from encaisse.clock import today
from encaisse.ledger.archive import ArchiveError
from encaisse.ledger.importing import ImportFailed, import_customers
from encaisse.ledger.models import Allocation, Customer, DocumentKind, Entity, Invoice

router = Router()
ERRORS: dict[int, Any] = {400: Problem, 401: Problem, 403: Problem, 422: Problem}
READ_ERRORS: dict[int, Any] = {400: Problem, 401: Problem, 404: Problem, 422: Problem}


# --- entities ------------------------------------------------------------------------------


def _entity(e: Entity) -> dict[str, Any]:
    return {"id": e.pk, "code": e.code, "legal_name": e.legal_name, "country": e.country,
            "vat_number": e.vat_number, "functional_currency": e.functional_currency}  # fmt: skip


@router.get("/entities", response={200: list[EntityOut], **READ_ERRORS}, tags=["entities"])
def list_entities(request: HttpRequest) -> Any:
    """The entities this token reaches."""
    return [_entity(e) for e in Entity.objects.filter(pk__in=scope(request).entity_ids).order_by("code")]


@router.get("/entities/{int:entity_id}", response={200: EntityOut, **READ_ERRORS}, tags=["entities"])
def get_entity(request: HttpRequest, entity_id: int) -> Any:
    s = scope(request)
    found = (
        Entity.objects.filter(pk=entity_id, pk__in=s.entity_ids).first() if 0 < entity_id <= MAX_ID else None
    )
    if found is None:
        raise not_found(f"no entity {entity_id}")
    return _entity(found)


# --- customers -----------------------------------------------------------------------------


# the columns an answer shows: lists read only these (``.values()``), one instance is read as a row of them
CUSTOMER_FIELDS = ("id", "entity_id", "external_id", "name", "country", "vat_number", "emails", "language",
                   "payment_terms_days", "credit_limit_minor", "credit_limit_currency", "segment", "parent_id",
                   "aliases", "created_at")  # fmt: skip


def _row(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


def customer_json(c: dict[str, Any], codes: dict[int, str]) -> dict[str, Any]:
    return {
        "id": c["id"], "entity": codes[c["entity_id"]], "external_id": c["external_id"], "name": c["name"],
        "country": c["country"], "vat_number": c["vat_number"], "emails": list(c["emails"] or []),
        "language": c["language"], "payment_terms_days": c["payment_terms_days"],
        "credit_limit": money(c["credit_limit_minor"], c["credit_limit_currency"]), "segment": c["segment"],
        "parent_id": c["parent_id"], "aliases": list(c["aliases"] or []), "created_at": instant(c["created_at"]),
    }  # fmt: skip


def _customer(c: Customer, codes: dict[int, str]) -> dict[str, Any]:
    return customer_json(_row(c, CUSTOMER_FIELDS), codes)


class CustomerFilter(Schema):
    entity: str | None = Field(None, description="Entity code")
    external_id: str | None = None
    name: str | None = Field(None, max_length=200, description="Part of the name (case-insensitive)")
    created_since: datetime | None = None
    limit: int = Field(pagination.DEFAULT_LIMIT, ge=1, le=pagination.MAX_LIMIT)
    cursor: str | None = None


@router.get("/customers", response={200: CustomerPage, **READ_ERRORS}, tags=["customers"])
def list_customers(request: HttpRequest, filters: Query[CustomerFilter]) -> Any:
    s = scope(request)
    qs = Customer.objects.filter(entity_id__in=entity_ids_for(s, filters.entity))
    if filters.external_id:
        qs = qs.filter(external_id=filters.external_id)
    if filters.name:
        qs = qs.filter(name__icontains=filters.name)
    if filters.created_since:
        qs = qs.filter(created_at__gte=as_utc(filters.created_since))
    rows, cursor = pagination.page(
        qs.values(*CUSTOMER_FIELDS), key=None, cursor=filters.cursor, limit=filters.limit
    )
    codes = entity_codes(request)
    return json_response({"items": [customer_json(c, codes) for c in rows], "next": cursor})


@router.get("/customers/{int:customer_id}", response={200: CustomerOut, **READ_ERRORS}, tags=["customers"])
def get_customer(request: HttpRequest, customer_id: int) -> Any:
    return _customer(scoped(Customer.objects, scope(request), customer_id, "customer"), entity_codes(request))


@router.post("/customers", response={201: CustomerOut, 409: Problem, **ERRORS}, tags=["customers"])
def create_customer(request: HttpRequest, payload: CustomerIn) -> Any:
    """Create a customer (the customer import's checks apply: ``ibans`` takes IBANs and domestic accounts
    such as ``021000021/123456789``); 409 when its external id exists."""
    s = scope(request)
    entity = entity_for(s, payload.entity)
    external_id = payload.external_id.strip()  # as the import keeps it
    if external_id and Customer.objects.filter(entity=entity, external_id=external_id).exists():
        raise conflict(f"customer {external_id} exists in entity {entity.code}", "customer_exists")
    row: dict[str, Any] = {
        "id": external_id, "name": payload.name, "country": payload.country,
        "vat_number": payload.vat_number, "email": payload.emails, "language": payload.language,
        "payment_terms_days": str(payload.payment_terms_days), "iban": payload.ibans, "segment": payload.segment,
        "parent_id": payload.parent_id, "credit_limit": payload.credit_limit or "",
        "credit_limit_currency": payload.credit_limit_currency, "aliases": payload.aliases,
    }  # fmt: skip
    try:
        import_customers(
            Path("api.json"), entity_code=entity.code, actor=s.actor, data=json.dumps([row]).encode()
        )
    except ImportFailed as exc:
        names = {"id": "external_id", "email": "emails", "iban": "ibans"}
        raise invalid(
            [
                {
                    "field": names.get(e.column, e.column),
                    "where": "body",
                    "reason": e.reason,
                    "value": e.value,
                }
                for e in exc.errors
            ]
        ) from None
    created = Customer.objects.get(entity=entity, external_id=external_id)
    return Status(201, _customer(created, entity_codes(request)))


# --- invoices and credit notes ----------------------------------------------------------------


INVOICE_FIELDS = ("id", "entity_id", "customer_id", "kind", "number", "issue_date", "due_date", "currency",
                  "net_minor", "vat_minor", "total_minor", "open_minor", "written_off", "structured_reference",
                  "credited_invoice_id", "payment_terms", "created_at")  # fmt: skip


def invoice_row_json(inv: dict[str, Any], codes: dict[int, str], on: date) -> dict[str, Any]:
    c = inv["currency"]
    return {
        "id": inv["id"], "entity": codes[inv["entity_id"]], "customer_id": inv["customer_id"], "kind": inv["kind"],
        "number": inv["number"], "issue_date": inv["issue_date"].isoformat(),
        "due_date": inv["due_date"].isoformat(), "currency": c, "net": money(inv["net_minor"], c),
        "vat": money(inv["vat_minor"], c), "total": money(inv["total_minor"], c), "open": money(inv["open_minor"], c),
        # the model's rule, applied to the row's values
        "status": Invoice.status(SimpleNamespace(**inv), on),  # type: ignore[arg-type]
        "structured_reference": inv["structured_reference"], "credited_invoice_id": inv["credited_invoice_id"],
        "payment_terms": inv["payment_terms"], "created_at": instant(inv["created_at"]),
    }  # fmt: skip


def invoice_json(inv: Invoice, codes: dict[int, str], on: date) -> dict[str, Any]:
    return invoice_row_json(_row(inv, INVOICE_FIELDS), codes, on)


class InvoiceFilter(Schema):
    entity: str | None = Field(None, description="Entity code")
    customer: int | None = Field(None, ge=1, le=MAX_ID, description="Customer id")
    status: Literal["open", "overdue", "paid"] | None = Field(
        None, description="open: something left to pay (overdue included); overdue: open and past due; paid"
    )
    currency: str | None = Field(None, pattern="^[A-Z]{3}$")
    number: str | None = Field(None, max_length=64)
    issued_from: date | None = Field(None, description="Issue date on or after")
    issued_before: date | None = Field(None, description="Issue date before (exclusive)")
    due_from: date | None = None
    due_before: date | None = None
    updated_since: datetime | None = Field(None, description="Created, or paid in part or whole, since")
    limit: int = Field(pagination.DEFAULT_LIMIT, ge=1, le=pagination.MAX_LIMIT)
    cursor: str | None = Field(None, description="The `next` of the previous page")


def _invoices(request: HttpRequest, f: InvoiceFilter, kind: str) -> HttpResponse:
    s = scope(request)
    check_range(f.issued_from, f.issued_before, "issued")
    check_range(f.due_from, f.due_before, "due")
    ids = entity_ids_for(s, f.entity)
    qs = Invoice.objects.filter(entity_id__in=ids, kind=kind)
    on = today()
    if f.customer is not None:
        qs = qs.filter(customer_id=f.customer)
    if f.status == "paid":
        qs = qs.filter(open_minor=0)
    elif f.status == "open":
        qs = qs.exclude(open_minor=0)
    elif f.status == "overdue":
        qs = qs.exclude(open_minor=0).filter(due_date__lt=on)
    if f.currency:
        qs = qs.filter(currency=f.currency)
    if f.number:
        qs = qs.filter(number=f.number)
    for name, lookup, value in (
        ("issue_date", "gte", f.issued_from), ("issue_date", "lt", f.issued_before),
        ("due_date", "gte", f.due_from), ("due_date", "lt", f.due_before),
    ):  # fmt: skip
        if value is not None:
            qs = qs.filter(**{f"{name}__{lookup}": value})
    if f.updated_since is not None:
        since = as_utc(f.updated_since)
        paid = Allocation.objects.filter(invoice_id=OuterRef("pk"), recorded_at__gte=since)
        qs = qs.filter(Q(created_at__gte=since) | Exists(paid))
    also = []
    if f.issued_from is not None and (f.due_from is None or f.due_from < f.issued_from):
        # The list is in due-date order: an invoice issued from a date is due from that date (import and
        # billing refuse a due date before the issue date), so the (entity, kind, due date, id) index is
        # walked from there, not from the first invoice ever due. Rows that break the rule anyway are
        # read through their own (normally empty) partial index and merged in: none is left out.
        also = [qs.filter(due_date__lt=f.issued_from).filter(due_date__lt=F("issue_date"))]
        qs = qs.filter(due_date__gte=f.issued_from)
    rows, cursor = pagination.page(
        qs.values(*INVOICE_FIELDS), key="due_date", cursor=f.cursor, limit=f.limit, split_entities=ids,
        also=[q.values(*INVOICE_FIELDS) for q in also],
    )  # fmt: skip
    codes = entity_codes(request)
    return json_response({"items": [invoice_row_json(i, codes, on) for i in rows], "next": cursor})


@router.get("/invoices", response={200: InvoicePage, **READ_ERRORS}, tags=["invoices"])
def list_invoices(request: HttpRequest, filters: Query[InvoiceFilter]) -> Any:
    """Invoices by due date (then id), a page at a time."""
    return _invoices(request, filters, DocumentKind.INVOICE)


@router.get("/credit-notes", response={200: InvoicePage, **READ_ERRORS}, tags=["invoices"])
def list_credit_notes(request: HttpRequest, filters: Query[InvoiceFilter]) -> Any:
    """Credit notes, as invoices are listed."""
    return _invoices(request, filters, DocumentKind.CREDIT_NOTE)


def scoped_invoice(request: HttpRequest, invoice_id: int, kind: str | None = None) -> Invoice:
    qs = Invoice.objects.filter(kind=kind) if kind else Invoice.objects.all()
    return scoped(
        qs, scope(request), invoice_id, "credit note" if kind == DocumentKind.CREDIT_NOTE else "invoice"
    )


@router.get("/invoices/{int:invoice_id}", response={200: InvoiceOut, **READ_ERRORS}, tags=["invoices"])
def get_invoice(request: HttpRequest, invoice_id: int) -> Any:
    return invoice_json(
        scoped_invoice(request, invoice_id, DocumentKind.INVOICE), entity_codes(request), today()
    )


@router.get("/credit-notes/{int:invoice_id}", response={200: InvoiceOut, **READ_ERRORS}, tags=["invoices"])
def get_credit_note(request: HttpRequest, invoice_id: int) -> Any:
    return invoice_json(
        scoped_invoice(request, invoice_id, DocumentKind.CREDIT_NOTE), entity_codes(request), today()
    )


FILES = {
    "pdf": (ArchiveKind.PDF, "application/pdf", "{number}.pdf"),
    "ubl": (ArchiveKind.UBL, "application/xml", "{number}.xml"),
    "facturx": (ArchiveKind.FACTURX, "application/pdf", "{number}-facturx.pdf"),
}
_FILE_RESPONSES = {
    "200": {
        "description": "The archived file, unaltered",
        "content": {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            "application/xml": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@router.get(
    "/invoices/{int:invoice_id}/documents/{kind}", response={404: Problem, 401: Problem, 422: Problem, 500: Problem},
    tags=["invoices"], openapi_extra={"responses": _FILE_RESPONSES},
)  # fmt: skip
def invoice_document(request: HttpRequest, invoice_id: int, kind: Literal["pdf", "ubl", "facturx"]) -> Any:
    """The invoice's (or credit note's) PDF, Peppol UBL or Factur-X PDF, from the archive."""
    inv = scoped_invoice(request, invoice_id)
    archive_kind, content_type, name = FILES[kind]
    archived = ArchivedDocument.objects.filter(invoice=inv, kind=archive_kind).order_by("id").first()
    if archived is None and kind != "ubl":
        archived = ArchivedDocument.objects.filter(invoice=inv, kind=ArchiveKind.IMPORTED,
                                                   content_type=content_type).first()  # fmt: skip
    if archived is None:
        raise not_found(f"no {kind} in the archive for {inv.number}")
    try:
        data = read_archived(archived)
    except ArchiveError as exc:
        from encaisse.api.problems import ApiProblem

        raise ApiProblem(
            500, f"the archived {kind} of {inv.number} is unreadable: {exc}", code="archive_damaged"
        ) from None
    out = HttpResponse(data, content_type=content_type)
    out["Content-Disposition"] = f'attachment; filename="{name.format(number=inv.number)}"'
    return out


# --- allocations -----------------------------------------------------------------------------


ALLOCATION_FIELDS = ("id", "entity_id", "kind", "invoice_id", "receipt_id", "credit_note_id", "amount_minor",
                     "currency", "payment_amount_minor", "payment_currency", "effective_date", "recorded_at",
                     "reverses_id", "note")  # fmt: skip


def allocation_json(a: dict[str, Any], codes: dict[int, str]) -> dict[str, Any]:
    return {
        "id": a["id"], "entity": codes[a["entity_id"]], "kind": a["kind"], "invoice_id": a["invoice_id"],
        "receipt_id": a["receipt_id"], "credit_note_id": a["credit_note_id"],
        "amount": money(a["amount_minor"], a["currency"]),
        "payment_amount": money(a["payment_amount_minor"], a["payment_currency"]),
        "effective_date": a["effective_date"].isoformat(), "recorded_at": instant(a["recorded_at"]),
        "reverses_id": a["reverses_id"], "note": a["note"],
    }  # fmt: skip


class AllocationFilter(Schema):
    entity: str | None = None
    invoice: int | None = Field(None, ge=1, le=MAX_ID, description="Invoice (or credit note) id")
    kind: str | None = Field(None, max_length=12)
    effective_from: date | None = None
    effective_before: date | None = None
    recorded_since: datetime | None = None
    limit: int = Field(pagination.DEFAULT_LIMIT, ge=1, le=pagination.MAX_LIMIT)
    cursor: str | None = None


@router.get("/allocations", response={200: AllocationPage, **READ_ERRORS}, tags=["allocations"])
def list_allocations(request: HttpRequest, filters: Query[AllocationFilter]) -> Any:
    """Allocations in the order they were posted (id)."""
    s = scope(request)
    check_range(filters.effective_from, filters.effective_before, "effective")
    qs = Allocation.objects.filter(entity_id__in=entity_ids_for(s, filters.entity))
    if filters.invoice is not None:
        qs = qs.filter(invoice_id=filters.invoice)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.effective_from:
        qs = qs.filter(effective_date__gte=filters.effective_from)
    if filters.effective_before:
        qs = qs.filter(effective_date__lt=filters.effective_before)
    if filters.recorded_since:
        qs = qs.filter(recorded_at__gte=as_utc(filters.recorded_since))
    rows, cursor = pagination.page(
        qs.values(*ALLOCATION_FIELDS), key=None, cursor=filters.cursor, limit=filters.limit
    )
    codes = entity_codes(request)
    return json_response({"items": [allocation_json(a, codes) for a in rows], "next": cursor})
