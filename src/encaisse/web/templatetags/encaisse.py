"""Template filters for money held as minor units."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import template

from encaisse.core.money import Money

register = template.Library()


@register.filter
def minor(units: int, currency: str) -> Decimal:
    """Minor units as a Decimal amount of the currency."""
    return Money.from_minor(int(units), currency).amount


@register.filter
def invoice_status(invoice: object, as_of: date) -> str:
    return invoice.status(as_of)  # type: ignore[attr-defined]
