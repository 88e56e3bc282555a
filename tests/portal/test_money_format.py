"""The portal's money filter formats exactly as Babel's ``format_currency`` does, in every locale."""

from __future__ import annotations

from decimal import Decimal

from babel import localedata
from babel.numbers import format_currency
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from encaisse.portal.templatetags.portal_tags import currency_formatter, money

# the portal's languages, regions with other separators and groupings (de_CH, hi_IN: 12,34,567.00),
# right-to-left and non-breaking-space locales, a locale whose pattern has a currency code (¤¤)
LOCALES = [
    "en",
    "fr",
    "nl",
    "de",
    "fr_BE",
    "nl_BE",
    "de_CH",
    "fr_CH",
    "hi_IN",
    "ar",
    "he",
    "sv",
    "pl",
    "es_MX",
]
CURRENCIES = ["EUR", "USD", "JPY", "BHD", "GBP", "CHF", "INR", "XAF"]

amounts = st.decimals(
    allow_nan=False, allow_infinity=False, min_value=-(10**13), max_value=10**13, places=4
) | (st.integers(-(10**15), 10**15).map(Decimal))


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(LOCALES), st.sampled_from(CURRENCIES), amounts)
def test_same_text_as_babel(locale: str, currency: str, amount: Decimal) -> None:
    assert currency_formatter(locale, currency)(amount) == format_currency(amount, currency, locale=locale)


def test_every_locale_babel_knows() -> None:
    samples = [
        Decimal("0"),
        Decimal("-0"),
        Decimal("-0.004"),
        Decimal("1234567.895"),
        Decimal("-1234.5"),
        Decimal("1E+3"),
    ]
    differences = [
        (locale, currency, amount)
        for locale in localedata.locale_identifiers()
        for currency in ("EUR", "JPY", "BHD")
        for amount in samples
        if currency_formatter(locale, currency)(amount) != format_currency(amount, currency, locale=locale)
    ]
    assert differences == []


def test_filter_in_the_active_language() -> None:
    with translation.override("fr"):
        assert money(Decimal("1234.5"), "EUR") == "1\u202f234,50\xa0€"
    with translation.override("en"):
        assert money(Decimal("-1234.5"), "EUR") == "-€1,234.50"
        assert money(None, "EUR") == ""
        assert money(Decimal("12"), "XYZ") == format_currency(
            Decimal("12"), "XYZ", locale="en"
        )  # unknown: its code
