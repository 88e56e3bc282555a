"""Template filters of the portal: money in the reader's language, status labels."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.numbers import format_currency, get_currency_precision, get_currency_symbol
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
        return currency_formatter((get_language() or "en").replace("-", "_"), currency)(amount)
    except (ValueError, LookupError, ArithmeticError):
        return f"{amount} {currency}"


@lru_cache(maxsize=512)
def currency_formatter(locale_name: str, currency: str) -> Callable[[Decimal], str]:
    """A function formatting amounts of ``currency`` as ``babel.numbers.format_currency`` does in that locale.

    Babel reads the locale's pattern and symbols on every call (about 80 µs; a page of invoices formats
    fifty amounts); here they are read once per locale and currency. Patterns with more than the plain
    number, sign and currency symbol (quoted text, currency names or codes, significant digits,
    exponents, scaling) are left to Babel.
    """
    locale = Locale.parse(locale_name)
    pattern = locale.currency_formats["standard"]
    text = pattern.pattern
    if pattern.scale or pattern.exp_prec or any(c in text for c in "'@E") or "¤¤" in text:
        return lambda amount: str(format_currency(amount, currency, locale=locale))
    symbol = get_currency_symbol(currency, locale)
    prefixes = tuple(p.replace("¤", symbol) for p in pattern.prefix)
    suffixes = tuple(s.replace("¤", symbol) for s in pattern.suffix)
    digits = get_currency_precision(currency)
    quantum = Decimal(1).scaleb(-digits)
    decimal_symbol = locale.number_symbols["latn"]["decimal"]
    group_symbol = locale.number_symbols["latn"]["group"]
    first, then = pattern.grouping
    min_int = pattern.int_prec[0]

    def fmt(amount: Decimal) -> str:
        negative = int(amount.is_signed())
        whole, _, frac = f"{abs(amount).normalize().quantize(quantum):f}".partition(".")
        whole = whole.zfill(min_int)
        size, groups = first, ""
        while len(whole) > size:
            groups = group_symbol + whole[-size:] + groups
            whole = whole[:-size]
            size = then
        number = whole + groups + (decimal_symbol + frac if digits else "")
        return prefixes[negative] + number + suffixes[negative]

    return fmt


@register.filter
def badge_label(code: str) -> Any:
    return BADGES.get(code, code)
