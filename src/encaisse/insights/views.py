"""Back-office insight pages: cash-flow forecast (with CSV), customer risk, anomalies to review.

Presentation only: the figures come from the insights services, scoped to the user's entities.
"""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from encaisse.clock import today
from encaisse.insights.forecasting import PERIOD_COLUMNS, forecast, period_row
from encaisse.insights.models import Anomaly, AnomalyStatus, RiskAlert
from encaisse.insights.risk import latest_scores
from encaisse.web.charts import bar_chart
from encaisse.web.scoping import visible_entities


@login_required
def forecast_page(request: HttpRequest) -> HttpResponse:
    start = today()
    results = [f for e in visible_entities(request.user).order_by("code") for f in forecast(e, start)]
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="forecast-{start.isoformat()}.csv"'
        writer = csv.writer(response)
        columns = ["entity", "currency", *PERIOD_COLUMNS]
        writer.writerow(columns)
        for f in results:
            for p in f.forecast.weeks:
                row = period_row(f, p)
                writer.writerow(
                    [row[c].isoformat() if hasattr(row[c], "isoformat") else row[c] for c in columns]
                )
        return response
    sections = [
        {
            "f": f,
            "svg": bar_chart(
                [p.start.strftime("%d %b") for p in f.forecast.weeks], [p.expected for p in f.forecast.weeks],
                title=f"Expected receipts per week, {f.entity} ({f.currency})", width=720,
            ),
        }
        for f in results
    ]  # fmt: skip
    return render(request, "insights/forecast.html", {"start": start, "sections": sections})


@login_required
def risk_page(request: HttpRequest) -> HttpResponse:
    ids = list(visible_entities(request.user).values_list("pk", flat=True))
    scores = latest_scores(ids)
    label = request.GET.get("label", "")
    if label:
        scores = [s for s in scores if s.label == label]
    alerts = RiskAlert.objects.filter(entity_id__in=ids, acknowledged=False).select_related("customer")[:50]
    return render(request, "insights/risk.html", {"scores": scores[:200], "alerts": alerts, "label": label})


@login_required
def anomalies_page(request: HttpRequest) -> HttpResponse:
    ids = list(visible_entities(request.user).values_list("pk", flat=True))
    rows = (
        Anomaly.objects.filter(entity_id__in=ids, status=AnomalyStatus.OPEN)
        .select_related("customer", "entity")
        .order_by("-date", "-score")[:200]
    )
    return render(request, "insights/anomalies.html", {"rows": rows})
