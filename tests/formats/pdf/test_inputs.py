"""The template inputs: every language complete, values formatted, schema kept."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D

import pytest
from pdf_documents import credit_note, invoice, line

from encaisse.formats.einvoice.model import Period
from encaisse.formats.pdf.inputs import SCHEMA_VERSION, Formatter, template_inputs
from encaisse.formats.pdf.labels import LABELS, UNITS, UnknownLanguage, labels_for, unit_label


def test_every_language_has_the_same_labels_and_units() -> None:
    keys = set(LABELS["en"])
    for language, labels in LABELS.items():
        assert set(labels) == keys, language
        assert all(value.strip() for value in labels.values()), language
        assert set(UNITS[language]) == set(UNITS["en"]), language


def test_labels_are_translated() -> None:
    for key in ("title_invoice", "title_credit_note", "amount_due", "vat_breakdown", "qr_caption"):
        assert len({LABELS[lang][key] for lang in LABELS}) == 4, key


def test_label_overrides() -> None:
    labels = labels_for("nl", {"amount_due": "Saldo", "custom": "Eigen"})
    assert labels["amount_due"] == "Saldo" and labels["custom"] == "Eigen"
    assert LABELS["nl"]["amount_due"] == "Te betalen"  # the defaults are untouched
    with pytest.raises(TypeError):
        labels_for("nl", {"amount_due": 3})  # type: ignore[dict-item]
    with pytest.raises(UnknownLanguage):
        labels_for("pt")
    assert unit_label("fr", "DAY") == "jours" and unit_label("fr", "ZZ9") == "ZZ9"


@pytest.mark.parametrize(
    ("locale", "money", "percent", "day"),
    [
        ("fr_FR", "1\u202f234,50\xa0€", "5,5\xa0%", "2 mars 2026"),
        ("fr_BE", "1\u202f234,50\xa0€", "5,5\xa0%", "2 mars 2026"),
        ("nl_BE", "€\xa01.234,50", "5,5%", "2 maart 2026"),
        ("de_DE", "1.234,50\xa0€", "5,5\xa0%", "2. März 2026"),
        ("en_GB", "€1,234.50", "5.5%", "2 March 2026"),
    ],
)
def test_formatter_follows_the_locale(locale: str, money: str, percent: str, day: str) -> None:
    f = Formatter(locale[:2], locale, "EUR")
    assert f.money(D("1234.5")) == money
    assert f.percent(D("5.5")) == percent
    assert f.date(date(2026, 3, 2)) == day
    assert f.date(None) is None


def test_formatter_keeps_price_decimals_and_currency_minor_units() -> None:
    assert Formatter("en", None, "EUR").price(D("0.335")) == "€0.335"
    assert Formatter("en", None, "EUR").price(D("12")) == "€12.00"
    assert Formatter("en", None, "JPY").money(D("1500.00")) == "JP¥1,500"
    assert Formatter("en", None, "EUR").period(Period(date(2026, 3, 1), None)) == "1 March 2026 – …"


def test_inputs_are_json_text_with_the_documented_top_level_keys() -> None:
    data = template_inputs(invoice(), language="de")
    assert set(data) == {
        "schema", "language", "locale", "labels", "logo", "document", "seller", "buyer", "payee", "delivery",
        "lines", "allowances_charges", "vat_breakdown", "totals", "amount_due", "payment", "footer",
    }  # fmt: skip
    assert data["schema"] == SCHEMA_VERSION and data["locale"] == "de_DE"
    assert json.loads(json.dumps(data)) == data  # nothing but JSON types
    assert data["document"]["kind"] == "invoice" and data["document"]["title"] == "Rechnung"
    assert data["payment"]["transfer"]["iban"] == "BE71 0961 2345 6769"
    assert data["payment"]["transfer"]["reference"] == "+++090/9337/55493+++"
    assert data["payment"]["qr_svg"] is None  # the renderer adds it
    assert [t["key"] for t in data["totals"]] == [
        "line_total", "allowance_total", "tax_exclusive", "vat_total", "tax_inclusive",
    ]  # fmt: skip
    assert data["amount_due"] == {"label": "Zahlbetrag", "amount": "1.657,75\xa0€"}


def test_lines_carry_their_details() -> None:
    doc = invoice(lines=(line(1, "2", "100", name="Audit", description="On site", seller_item_id="SKU-1",
                              period=Period(date(2026, 1, 1), date(2026, 1, 31))),))  # fmt: skip
    (printed,) = template_inputs(doc, language="en")["lines"]
    assert printed["name"] == "Audit" and printed["quantity"] == "2" and printed["unit"] == "pc"
    assert printed["details"] == [
        "On site",
        "Invoicing period: 1 January 2026 – 31 January 2026",
        "Item: SKU-1",
    ]
    assert printed["vat_rate"] == "21%" and printed["net_amount"] == "€200.00"


def test_credit_note_inputs() -> None:
    data = template_inputs(credit_note(), language="nl")
    assert data["document"]["kind"] == "credit_note" and data["document"]["title"] == "Creditnota"
    assert {"label": "Creditnota bij factuur", "value": "F-2026-00042 (2 maart 2026)"} in data["document"][
        "references"
    ]
    assert data["amount_due"]["label"] == "Gecrediteerd bedrag"


def test_not_subject_line_has_no_rate_and_a_reason() -> None:
    doc = invoice(lines=(line(1, "1", "50", category="O"),), allowances_charges=())
    data = template_inputs(doc, language="de")
    (vat,) = data["vat_breakdown"]
    assert vat["rate"] is None and vat["category_name"] == "Nicht steuerbar"
    assert vat["exemption_reason"] == "Nicht steuerbarer Umsatz"
    assert data["lines"][0]["vat_rate"] is None


def test_foreign_vat_accounting_currency_is_shown() -> None:
    doc = invoice(currency="USD", tax_currency="EUR", exchange_rate=D("0.9"))
    keys = [t["key"] for t in template_inputs(doc, language="en")["totals"]]
    assert "vat_total_accounting" in keys


@pytest.mark.parametrize(
    ("type_code", "title"),
    [(380, "Invoice"), (381, "Credit note"), (384, "Corrected invoice"), (386, "Prepayment invoice"),
     (389, "Self-billed invoice"), (393, "Factored invoice"), (396, "Credit note"), (875, "Invoice")],
)  # fmt: skip
def test_title_follows_the_type_code(type_code: int, title: str) -> None:
    assert template_inputs(invoice(type_code=type_code))["document"]["title"] == title
