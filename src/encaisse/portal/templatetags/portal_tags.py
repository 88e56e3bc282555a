"""Template filters of the portal: money in the reader's language, status labels."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.numbers import format_currency
from django import template
from django.utils.translation import get_language

from encaisse.portal.accounts import BADGES

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    """``1234.5`` and ``EUR`` → ``1 234,50 €`` in French, ``€1,234.50`` in English."""
    if amount is None:
        return ""
    try:
        return str(format_currency(amount, currency, locale=(get_language() or "en").replace("-", "_")))
    except (ValueError, LookupError):
        return f"{amount} {currency}"


@register.filter
def badge_label(code: str) -> Any:
    return BADGES.get(code, code)
