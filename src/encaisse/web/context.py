"""Template context shared by every back-office page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

NAVIGATION = (
    ("dashboard", "Dashboard"),
    ("customers", "Customers"),
    ("invoices", "Invoices"),
    ("statements", "Bank statements"),
    ("transactions", "Bank transactions"),
    ("review", "Review"),
    ("insights_forecast", "Forecast"),
    ("cases", "Cases"),
    ("billing", "Billing"),
    ("deliveries", "Deliveries"),
    ("collections_runs", "Collections"),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    match = getattr(request, "resolver_match", None)
    return {"navigation": NAVIGATION, "current_view": match.url_name if match else ""}
