"""Back-office pages: dashboard, customers, invoices. Presentation only: figures come from services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from encaisse.clock import today
from encaisse.insights.reports import aging, kpis
from encaisse.ledger.models import AuditEvent, Customer, Invoice
from encaisse.ledger.statements import statement_of_account
from encaisse.web.charts import bar_chart
from encaisse.web.scoping import visible_entities

KPI_LABELS = {
    "receivables": "Receivables",
    "dso": "DSO (days)",
    "dso_countback": "DSO countback (days)",
    "best_possible_dso": "Best possible DSO",
    "add": "Average days delinquent",
    "cei": "CEI (%)",
    "overdue_count": "Overdue invoices",
    "overdue_amount": "Overdue amount",
    "average_days_to_pay": "Average days to pay",
    "average_days_beyond_terms": "Average days beyond terms",
    "bad_debt_ratio": "Bad-debt ratio (%)",
    "top10_share": "Top 10 customers' share (%)",
    "customer_retention": "Customer retention (%)",
}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    as_of = today()
    ents = list(visible_entities(request.user))
    ids = [e.pk for e in ents]
    rows = aging(ids, as_of) if ids else []
    sets = kpis(ids, as_of, days=90) if ids else []
    charts = []
    for r in rows:
        charts.append(
            {
                "row": r,
                "svg": bar_chart(
                    list(r.buckets), list(r.buckets.values()), title=f"Aging {r.entity} {r.currency}"
                ),
            }
        )
    kpi_rows = [
        {"label": label, "values": [s.values.get(k) for s in sets]} for k, label in KPI_LABELS.items()
    ]
    return render(
        request,
        "web/dashboard.html",
        {"as_of": as_of, "charts": charts, "kpi_sets": sets, "kpi_rows": kpi_rows, "entities": ents},
    )


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
