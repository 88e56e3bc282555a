"""Billing pages: write an invoice with live totals, validate, issue, preview, download, search the archive.

Presentation only: every figure and decision comes from :mod:`encaisse.billing.services`
(totals from :func:`~encaisse.billing.documents.preview_totals`). Every object is
looked up within the entities the user may see, so another entity's document is
a 404.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from encaisse.billing import archiving, services
from encaisse.billing.documents import preview_totals
from encaisse.billing.models import ArchivedDocument, ArchiveKind, BillingDocument, DocumentLocked, Status
from encaisse.billing.requests import (
    VAT_CATEGORIES,
    FieldError,
    InvalidRequest,
    Reader,
    read_line,
    read_request,
)
from encaisse.core.money import Money
from encaisse.ledger.archive import ArchiveError
from encaisse.ledger.models import Customer
from encaisse.ledger.roles import can_write
from encaisse.web.scoping import visible_entities

LINE_FIELDS = ("description", "quantity", "unit", "unit_price", "discount_percent", "vat_rate", "vat_category",
               "exemption_reason")  # fmt: skip
HEADER_FIELDS = ("currency", "exchange_rate", "payment_terms", "buyer_reference", "order_reference", "note",
                 "issue_date")  # fmt: skip
DOWNLOADS = {
    "pdf": (ArchiveKind.PDF, "application/pdf", "{number}.pdf"),
    "ubl": (ArchiveKind.UBL, "application/xml", "{number}.xml"),
    "facturx": (ArchiveKind.FACTURX, "application/pdf", "{number}-facturx.pdf"),
}


def _actor(request: HttpRequest) -> str:
    return f"user:{request.user.get_username()}"


def _form_lines(request: HttpRequest) -> list[dict[str, str]]:
    """The line rows of the form, blank rows left out."""
    columns = {name: request.POST.getlist(name) for name in LINE_FIELDS}
    count = max((len(v) for v in columns.values()), default=0)
    rows = []
    for i in range(count):
        row = {name: (values[i] if i < len(values) else "") for name, values in columns.items()}
        if row["description"].strip() or row["unit_price"].strip():
            rows.append(row)
    return rows


def _document(request: HttpRequest, pk: int) -> BillingDocument:
    return get_object_or_404(
        BillingDocument.objects.select_related("entity", "customer", "invoice", "credited"),
        pk=pk, entity__in=visible_entities(request.user),
    )  # fmt: skip


def _require_write(request: HttpRequest) -> HttpResponse | None:
    return None if can_write(request.user) else HttpResponseForbidden("read-only role")


@login_required
def documents(request: HttpRequest) -> HttpResponse:
    qs = BillingDocument.objects.filter(entity__in=visible_entities(request.user)).select_related(
        "customer", "entity"
    )
    status = request.GET.get("status", "")
    if status in Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request, "billing/documents.html", {"page": page, "status": status, "statuses": Status.choices}
    )


def _customers(request: HttpRequest) -> Any:
    return (
        Customer.objects.filter(entity__in=visible_entities(request.user))
        .select_related("entity")
        .order_by("entity__code", "name")
    )


@login_required
def new_invoice(request: HttpRequest) -> HttpResponse:
    denied = _require_write(request)
    if denied:
        return denied
    errors: list[FieldError] = []
    values: dict[str, str] = {}
    rows: list[dict[str, str]] = [{}, {}, {}]
    if request.method == "POST":
        values = {name: request.POST.get(name, "").strip() for name in (*HEADER_FIELDS, "customer")}
        rows = _form_lines(request) or [{}]
        customer = None
        if values["customer"].isdigit():
            customer = _customers(request).filter(pk=int(values["customer"])).first()
        if customer is None:
            errors.append(FieldError("", "customer", "choose a customer"))
        else:
            data: dict[str, Any] = {k: v for k, v in values.items() if k != "customer" and v}
            data.update(entity=customer.entity.code, customer=customer.external_id, lines=rows)
            try:
                doc = services.create_draft(read_request(data), actor=_actor(request))
            except InvalidRequest as exc:
                errors.extend(exc.errors)
            else:
                messages.success(request, "Draft saved. Validate it, preview the PDF, then issue it.")
                return redirect("billing_document", pk=doc.pk)
    context = {"customers": _customers(request), "values": values, "rows": rows, "errors": errors,
               "categories": VAT_CATEGORIES}  # fmt: skip
    return render(request, "billing/new.html", context)


@login_required
def new_line(request: HttpRequest) -> HttpResponse:
    return render(request, "billing/_line.html", {"row": {}, "categories": VAT_CATEGORIES})


@login_required
@require_POST
def totals(request: HttpRequest) -> HttpResponse:
    """The live totals of the form: each line's net amount, the VAT breakdown, the totals (server-side)."""
    errors: list[FieldError] = []
    lines = []
    for i, row in enumerate(_form_lines(request), start=1):
        line = read_line(Reader(row, errors, f"line {i}"))
        if line is not None:
            lines.append(line)
    currency = (request.POST.get("currency") or "EUR").strip().upper()[:3]
    preview = preview_totals(lines) if lines else None
    return render(
        request, "billing/_totals.html", {"preview": preview, "errors": errors, "currency": currency}
    )


@login_required
def document(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _document(request, pk)
    lines = list(doc.lines.all())
    preview = preview_totals(lines) if lines else None
    archived = ArchivedDocument.objects.filter(invoice=doc.invoice) if doc.invoice_id else []
    context = {
        "doc": doc, "lines": lines, "preview": preview, "archived": archived,
        "fatal": [f for f in doc.findings if f.get("severity") == "fatal"],
        "others": [f for f in doc.findings if f.get("severity") != "fatal"],
        "credit_notes": BillingDocument.objects.filter(credited=doc.invoice) if doc.invoice_id else [],
        "writable": can_write(request.user),
    }  # fmt: skip
    return render(request, "billing/document.html", context)


@login_required
@require_POST
def validate_document(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _document(request, pk)
    if not doc.is_draft:
        return redirect("billing_document", pk=pk)
    try:
        report = services.validate_draft(doc, actor=_actor(request))
    except InvalidRequest as exc:
        messages.error(request, str(exc))
    else:
        if report.is_valid:
            messages.success(request, f"Valid ({', '.join(report.layers)}): no fatal finding.")
        else:
            messages.error(request, f"{len(report.fatal)} fatal finding(s): it would not be issued.")
    return redirect("billing_document", pk=pk)


@login_required
@require_POST
def issue_document(request: HttpRequest, pk: int) -> HttpResponse:
    denied = _require_write(request)
    if denied:
        return denied
    doc = _document(request, pk)
    try:
        issued = services.issue(doc, actor=_actor(request))
    except services.IssueRefused as exc:
        messages.error(request, f"Not issued: {len(exc.findings)} fatal finding(s). No number was used.")
    except (DocumentLocked, InvalidRequest) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Issued as {issued.number}.")
    return redirect("billing_document", pk=pk)


@login_required
@require_POST
def credit_document(request: HttpRequest, pk: int) -> HttpResponse:
    denied = _require_write(request)
    if denied:
        return denied
    doc = _document(request, pk)
    if doc.invoice is None or doc.kind != "invoice":
        raise Http404
    try:
        note = services.credit_invoice(doc.invoice, actor=_actor(request))
    except (services.IssueRefused, InvalidRequest) as exc:
        messages.error(request, f"No credit note: {exc}")
        return redirect("billing_document", pk=pk)
    messages.success(request, f"Credit note {note.number} issued; {doc.number} is cancelled.")
    return redirect("billing_document", pk=note.pk)


@login_required
@xframe_options_sameorigin
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF, inline: the archived one of an issued document, a provisional rendering of a draft."""
    doc = _document(request, pk)
    if doc.invoice_id:
        archived = ArchivedDocument.objects.filter(invoice=doc.invoice, kind=ArchiveKind.PDF).first()
        if archived is None:
            raise Http404
        data = archiving.read_archived(archived)
    else:
        try:
            data = services.preview_pdf(doc)
        except InvalidRequest as exc:
            return HttpResponse(str(exc), status=400, content_type="text/plain")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{doc.number or f"draft-{doc.pk}"}.pdf"'
    response._csp_replace = {"frame-ancestors": ["'self'"]}  # type: ignore[attr-defined]  # shown in the document page
    return response


@login_required
def download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    doc = _document(request, pk)
    if kind not in DOWNLOADS or doc.invoice_id is None:
        raise Http404
    archive_kind, content_type, name = DOWNLOADS[kind]
    archived = ArchivedDocument.objects.filter(invoice=doc.invoice, kind=archive_kind).first()
    if archived is None:
        raise Http404
    try:
        data = archiving.read_archived(archived)
    except ArchiveError as exc:
        return HttpResponse(str(exc), status=500, content_type="text/plain")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name.format(number=doc.number)}"'
    return response


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _amount(value: str, currency: str = "EUR") -> int | None:
    try:
        return Money(Decimal(value.replace(" ", "")), currency).round().minor_units() if value else None
    except (InvalidOperation, ValueError):
        return None


@login_required
def archive(request: HttpRequest) -> HttpResponse:
    g = request.GET
    query = archiving.ArchiveQuery(
        customer=g.get("customer", "").strip(), number=g.get("number", "").strip(), date_from=_date(g.get("from", "")),
        date_to=_date(g.get("to", "")), amount_min=_amount(g.get("min", "")), amount_max=_amount(g.get("max", "")),
        kind=g.get("kind", "") if g.get("kind", "") in ArchiveKind.values else "",
    )  # fmt: skip
    page = Paginator(archiving.search_archive(visible_entities(request.user), query), 50).get_page(
        g.get("page")
    )
    billing_ids = dict(
        BillingDocument.objects.filter(
            invoice_id__in=[d.invoice_id for d in page if d.invoice_id]
        ).values_list("invoice_id", "pk")
    )
    rows = [{"doc": d, "billing_id": billing_ids.get(d.invoice_id)} for d in page]
    return render(
        request, "billing/archive.html", {"page": page, "rows": rows, "q": g, "kinds": ArchiveKind.choices}
    )
