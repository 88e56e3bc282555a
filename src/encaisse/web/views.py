"""Back-office pages: dashboard (and its exports), customers, invoices. Presentation only: figures come from services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from encaisse.clock import today
from encaisse.ledger.audit import record
from encaisse.ledger.models import AuditEvent, Customer, Invoice
from encaisse.ledger.statements import statement_of_account
from encaisse.web.charts import bar_chart, line_chart
from encaisse.web.dashboard import TABLES, Filters, InvalidFilters, Table, forecast_table, resolve_filters
from encaisse.web.exports import CSV_TYPE, XLSX_TYPE, to_csv, to_xlsx
from encaisse.web.scoping import visible_entities


def _cells(table: Table, rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Rows of a table as cells the template renders (value, numeric or not, link)."""
    result = []
    for row in rows:
        cells = []
        for column in table.columns:
            cells.append(
                {
                    "value": row.get(column.name),
                    "num": column.kind not in ("text", "date"),
                    "href": row.get("href") if column.name == "label" else None,
                }
            )
        result.append(cells)
    return result


def _section(table: Table, rows: list[dict[str, Any]], caption: str, svg: Any = None) -> dict[str, Any]:
    return {"table": table, "caption": caption, "cells": _cells(table, rows), "svg": svg}


def _amounts(rows: list[dict[str, Any]], field: str) -> list[Decimal]:
    return [r[field] for r in rows]


def _group(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> dict[tuple[Any, ...], list[dict[str, Any]]]:
    grouped: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for r in rows:
        grouped.setdefault(tuple(r[k] for k in keys), []).append(r)
    return grouped


def _dashboard_context(f: Filters) -> dict[str, Any]:
    tables = {key: TABLES[key](f) for key in ("aging", "kpis", "trend", "segments", "entities", "customers")}
    aging_t = tables["aging"]
    buckets = [c for c in aging_t.columns if c.kind == "money" and c.name != "total"]
    aging_charts = [
        bar_chart(
            [c.header for c in buckets], [row[c.name] for c in buckets],
            title=f"Aging of open items, {row['entity']} ({row['currency']})",
            description=f"Open amount per days-past-due bucket; total {row['total']} {row['currency']}.",
            ident=f"aging-{row['entity']}-{row['currency']}",
        )
        for row in aging_t.rows
    ]  # fmt: skip
    kpi_t = tables["kpis"]
    kpi_rows = [{"label": c.header, "values": [r.get(c.name) for r in kpi_t.rows]} for c in kpi_t.columns[1:]]
    trend_t = tables["trend"]
    trends = []
    for (currency,), rows in _group(trend_t.rows, ("currency",)).items():
        labels = [r["date"].strftime("%b %y") for r in rows]
        dso_svg = line_chart(
            labels, [("DSO", _amounts(rows, "dso")), ("Countback DSO", _amounts(rows, "dso_countback"))],
            title=f"DSO at month ends, {currency}",
            description=f"Standard DSO over {f.days} days and countback DSO at the last {len(rows)} month ends.",
            ident=f"dso-{currency}",
        )  # fmt: skip
        cei_svg = line_chart(
            labels, [("CEI %", _amounts(rows, "cei"))], title=f"CEI at month ends, {currency}",
            description=f"Collection effectiveness index over {f.days} days at the last {len(rows)} month ends.",
            ident=f"cei-{currency}",
        )  # fmt: skip
        trends.append({"currency": currency, "dso_svg": dso_svg, "cei_svg": cei_svg,
                       "section": _section(trend_t, rows, f"DSO and CEI at month ends, {currency}")})  # fmt: skip
    overdue = []
    for key, what in (("segments", "segment"), ("entities", "entity"), ("customers", "customer")):
        t = tables[key]
        for row in t.rows:
            if key == "customers":
                row["href"] = reverse("customer", args=[row["key"]])
        for (currency,), rows in _group(t.rows, ("currency",)).items():
            svg = bar_chart(
                [r["key"] if key == "entities" else r["label"][:14] for r in rows], _amounts(rows, "amount"),
                title=f"{t.title}, {currency}", description=f"Overdue amount per {what}, largest first.",
                ident=f"overdue-{key}-{currency}",
            )  # fmt: skip
            overdue.append({"key": key, "currency": currency, "title": t.title,
                            "section": _section(t, rows, f"{t.title}, {currency}", svg)})  # fmt: skip
    return {
        "aging": _section(aging_t, aging_t.rows, "Open amounts per days-past-due bucket"),
        "aging_charts": aging_charts,
        "kpi_table": kpi_t,
        "kpi_rows": kpi_rows,
        "trends": trends,
        "trend_table": trend_t,
        "overdue": overdue,
    }


def _filters(request: HttpRequest) -> Filters:
    visible = list(visible_entities(request.user).order_by("code"))
    return resolve_filters(request.GET, visible)[0]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    visible = list(visible_entities(request.user).order_by("code"))
    try:
        f, form = resolve_filters(request.GET, visible)
    except InvalidFilters as bad:
        return render(
            request,
            "web/dashboard.html",
            {"form": bad.form, "entities": visible, "invalid": True},
            status=400,
        )
    context = {"form": form, "filters": f, "query": f.query(), "entities": visible, "as_of": f.as_of}
    if f.entities:
        context.update(_dashboard_context(f))
    return render(request, "web/dashboard.html", context)


@login_required
def dashboard_forecast(request: HttpRequest) -> HttpResponse:
    """The cash-forecast part of the dashboard, loaded after the page (it scores every open invoice)."""
    try:
        f = _filters(request)
    except InvalidFilters:
        return HttpResponse("Invalid filters.", status=400, content_type="text/plain")
    t = forecast_table(f)
    sections = []
    for (entity, currency), rows in _group(t.rows, ("entity", "currency")).items():
        svg = line_chart(
            [r["start"].strftime("%d %b") for r in rows],
            [("Expected", _amounts(rows, "cumulative")), ("Late scenario", _amounts(rows, "cumulative_low")),
             ("Early scenario", _amounts(rows, "cumulative_high"))],
            title=f"Cumulative expected receipts, {entity} ({currency})",
            description="Cumulative receipts expected over the next 13 weeks, with the late and early scenarios.",
            ident=f"forecast-{entity}-{currency}",
        )  # fmt: skip
        sections.append(_section(t, rows, f"Expected receipts per week, {entity} ({currency})", svg))
    return render(request, "web/_dashboard_forecast.html", {"sections": sections, "query": f.query()})


@login_required
def dashboard_export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    """One dashboard table as XLSX or CSV, with the page's filters; every export is audited."""
    if table not in TABLES or fmt not in ("xlsx", "csv"):
        raise Http404("no such export")
    try:
        f = _filters(request)
    except InvalidFilters as bad:
        return HttpResponse(
            "Invalid filters: " + "; ".join(f"{k}: {' '.join(v)}" for k, v in bad.form.errors.items()),
            status=400, content_type="text/plain; charset=utf-8",
        )  # fmt: skip
    t = TABLES[table](f)
    user = request.user.get_username()
    at = timezone.now()
    record(
        "export.dashboard", actor=user, entity=f.entity, object_type="dashboard", object_id=table,
        data={"table": table, "format": fmt, "filters": f.as_dict(), "rows": len(t.rows)},
    )  # fmt: skip
    name = f"encaisse-{table}-{f.as_of.isoformat()}.{fmt}"
    if fmt == "xlsx":
        response = HttpResponse(to_xlsx(t, f, user, at), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(to_csv(t), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def customers(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    qs = (
        Customer.objects.filter(entity__in=visible_entities(request.user))
        .select_related("entity")
        .order_by("name")
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(external_id__icontains=q) | Q(vat_number__icontains=q))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    template = "web/_customer_rows.html" if request.htmx else "web/customers.html"  # type: ignore[attr-defined]
    return render(request, template, {"page": page, "q": q})


@login_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(
        Customer.objects.select_related("entity"), pk=pk, entity__in=visible_entities(request.user)
    )
    statement = statement_of_account(customer, today())
    return render(request, "web/customer_detail.html", {"customer": customer, "statement": statement})


STATUS_FILTERS = {
    "open": lambda qs, d: qs.exclude(open_minor=0),
    "overdue": lambda qs, d: qs.exclude(open_minor=0).filter(due_date__lt=d),
    "partially_paid": lambda qs, d: qs.exclude(open_minor=0).exclude(open_minor=F("total_minor")),
    "paid": lambda qs, d: qs.filter(open_minor=0),
}


@login_required
def invoices(request: HttpRequest) -> HttpResponse:
    as_of = today()
    qs = Invoice.objects.filter(entity__in=visible_entities(request.user)).select_related(
        "customer", "entity"
    )
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    if q:
        qs = qs.filter(
            Q(number__icontains=q) | Q(customer__name__icontains=q) | Q(structured_reference__icontains=q)
        )
    if status in STATUS_FILTERS:
        qs = STATUS_FILTERS[status](qs, as_of)
    for param, lookup in (("from", "issue_date__gte"), ("to", "issue_date__lte")):
        if request.GET.get(param):
            try:
                qs = qs.filter(**{lookup: request.GET[param]})
            except Exception:
                qs = qs.none()
    page = Paginator(qs.order_by("-issue_date", "-number"), 50).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "page": page,
        "q": q,
        "status": status,
        "as_of": as_of,
        "statuses": list(STATUS_FILTERS),
    }
    template = "web/_invoice_rows.html" if request.htmx else "web/invoices.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_object_or_404(
        Invoice.objects.select_related("customer", "entity"), pk=pk, entity__in=visible_entities(request.user)
    )
    allocations = invoice.allocations.select_related("receipt").order_by("effective_date", "id")
    timeline = AuditEvent.objects.filter(Q(object_type="invoice", object_id=str(invoice.pk))).order_by(
        "sequence"
    )
    if invoice.entity_id is None:
        raise Http404
    return render(
        request,
        "web/invoice_detail.html",
        {"invoice": invoice, "lines": invoice.lines.all(), "allocations": allocations, "timeline": timeline,
         "status": invoice.status(today())},
    )  # fmt: skip
