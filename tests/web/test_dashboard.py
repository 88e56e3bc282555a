"""The dashboard: trends equal to the KPIs at each date, overdue breakdowns, charts, filters, exports."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from encaisse.insights.reports import kpi_trend, kpis, month_ends, overdue_by
from encaisse.ledger.models import AuditEvent, Customer
from encaisse.web.charts import bar_chart, line_chart

AS_OF = date(2025, 6, 18)  # tests/web/conftest.py fixes today here


def test_month_ends_end_on_the_as_of_date() -> None:
    assert month_ends(date(2025, 3, 10), 4) == [date(2024, 12, 31), date(2025, 1, 31), date(2025, 2, 28),
                                               date(2025, 3, 10)]  # fmt: skip
    with pytest.raises(ValueError):
        month_ends(AS_OF, 0)


@pytest.mark.parametrize("days", [30, 90])
def test_each_trend_point_equals_the_kpis_at_that_date(book, days) -> None:  # type: ignore[no-untyped-def]
    ids = [book[0].pk]
    points = kpi_trend(ids, AS_OF, days=days)
    assert {p.currency for p in points} == {"EUR", "USD"}
    assert len([p for p in points if p.currency == "EUR"]) == 12
    for p in points:
        expected = {s.currency: s.values for s in kpis(ids, p.date, days=days)}.get(p.currency)
        if expected is None:  # nothing open and nothing sold then
            assert p.receivables == 0 and p.credit_sales == 0
            continue
        got = (p.receivables, p.credit_sales, p.dso, p.dso_countback, p.cei)
        assert got == tuple(
            expected[k] for k in ("receivables", "credit_sales", "dso", "dso_countback", "cei")
        ), p
    eur = [p for p in points if p.currency == "EUR"]
    assert all(p.dso is not None and p.cei is not None for p in eur)
    assert len({p.dso for p in eur}) > 3  # the figures move from month to month


def test_trend_of_one_currency(book) -> None:  # type: ignore[no-untyped-def]
    points = kpi_trend([book[0].pk], AS_OF, currency="USD")
    assert {p.currency for p in points} == {"USD"}
    assert points[-1].receivables == Decimal("5750.00")


def test_overdue_breakdowns_add_up_to_the_kpis(book) -> None:  # type: ignore[no-untyped-def]
    ids = [book[0].pk]
    overdue = {s.currency: s.values["overdue_amount"] for s in kpis(ids, AS_OF)}
    for by in ("segment", "entity", "customer"):
        rows = overdue_by(ids, AS_OF, by)
        for cur, total in overdue.items():
            assert sum((r.amount for r in rows if r.currency == cur), Decimal(0)) == total, by
    segments = {r.key: r for r in overdue_by(ids, AS_OF, "segment", currency="EUR")}
    assert {"sme", "large", "public", ""} >= set(segments) and "secret" not in segments
    top = overdue_by(ids, AS_OF, "customer", limit=2)
    assert len([r for r in top if r.currency == "EUR"]) == 2
    amounts = [r.amount for r in top if r.currency == "EUR"]
    assert amounts == sorted(amounts, reverse=True)
    with pytest.raises(ValueError):
        overdue_by(ids, AS_OF, "colour")


def test_dashboard_page_has_every_chart_with_its_table(dash_clerk) -> None:  # type: ignore[no-untyped-def]
    _user, client = dash_clerk
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    for title in ("Aging of open items, be (EUR)", "DSO at month ends, EUR", "CEI at month ends, USD",
                  "Overdue by customer segment, EUR", "Overdue by entity, EUR", "Top 10 overdue customers, EUR"):  # fmt: skip
        assert title in page, title
    assert page.count('role="img"') >= 9 and page.count("<caption>") >= 8
    assert 'aria-labelledby="dso-EUR-title dso-EUR-desc"' in page and '<title id="dso-EUR-title">' in page
    assert 'scope="col"' in page and 'scope="row"' in page
    assert "Secret Client" not in page and "Hidden SAS" not in page
    assert "/dashboard/export/trend.xlsx?" in page and 'hx-get="/dashboard/forecast/?' in page
    # the formula-like name is shown as text, escaped
    assert "=HYPERLINK(&quot;http://x&quot;)" in page


def test_filters_narrow_the_figures(dash_clerk, book) -> None:  # type: ignore[no-untyped-def]
    _user, client = dash_clerk
    usd = client.get("/?currency=USD").content.decode()
    assert "DSO at month ends, USD" in usd and "DSO at month ends, EUR" not in usd
    past = client.get("/?as_of=2025-01-31&days=30").content.decode()
    assert "Receivables as of 2025-01-31" in past and "Jan 25" in past
    only_be = client.get(f"/?entity={book[0].pk}")
    assert only_be.status_code == 200 and "Aging of open items, be (EUR)" in only_be.content.decode()


@pytest.mark.parametrize("query", ["entity={other}", "entity=abc", "entity=999999", "entity=-1"])
def test_a_foreign_or_unknown_entity_is_not_found(dash_clerk, book, query) -> None:  # type: ignore[no-untyped-def]
    _user, client = dash_clerk
    q = query.format(other=book[1].pk)
    for url in (f"/?{q}", f"/dashboard/export/aging.xlsx?{q}", f"/dashboard/forecast/?{q}"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Secret" not in response.content and b"Hidden" not in response.content
    assert not AuditEvent.objects.filter(action="export.dashboard").exists()


@pytest.mark.parametrize("query", ["as_of=yesterday", "as_of=2099-01-01", "days=7", "currency=euro"])
def test_malformed_filters_are_refused_clearly(dash_clerk, query) -> None:  # type: ignore[no-untyped-def]
    _user, client = dash_clerk
    page = client.get(f"/?{query}")
    assert page.status_code == 400 and b"These filters are not valid" in page.content
    export = client.get(f"/dashboard/export/kpis.csv?{query}")
    assert export.status_code == 400 and export.content.startswith(b"Invalid filters")


def test_unknown_table_or_format_is_not_found(dash_clerk) -> None:  # type: ignore[no-untyped-def]
    _user, client = dash_clerk
    assert client.get("/dashboard/export/passwords.xlsx").status_code == 404
    assert client.get("/dashboard/export/kpis.pdf").status_code == 404


def test_exports_need_sign_in(db) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    response = Client().get("/dashboard/export/kpis.xlsx")
    assert response.status_code == 302 and "/login/" in response["Location"]


def _sheet(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    return book, book.worksheets[0]


def test_kpi_export_holds_the_report_figures_as_numbers(dash_clerk, book) -> None:  # type: ignore[no-untyped-def]
    _user, client = dash_clerk
    response = client.get("/dashboard/export/kpis.xlsx?days=90")
    wb, sheet = _sheet(response)
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[0] == "Currency" and "DSO (days)" in header and "CEI (%)" in header
    expected = {s.currency: s.values for s in kpis([book[0].pk], AS_OF, days=90)}
    assert {r[0] for r in rows[1:]} == set(expected)
    by_header = {h: i for i, h in enumerate(header)}
    for r in rows[1:]:
        values = expected[r[0]]
        assert Decimal(str(r[by_header["Receivables"]])) == values["receivables"]
        assert Decimal(str(r[by_header["DSO (days)"]])) == values["dso"]
        assert Decimal(str(r[by_header["CEI (%)"]])) == values["cei"]
        assert r[by_header["Overdue invoices"]] == values["overdue_count"]
    money = sheet.cell(row=2, column=by_header["Receivables"] + 1)
    assert money.data_type == "n" and money.number_format == "#,##0.00"
    about = dict(wb["export"].iter_rows(values_only=True))
    assert about["exported by"] == "clerk" and about["filter: days"] == 90
    event = AuditEvent.objects.get(action="export.dashboard")
    assert event.actor == "clerk" and event.object_id == "kpis"
    assert event.data["format"] == "xlsx" and event.data["filters"]["days"] == 90
    assert event.data["filters"]["as_of"] == AS_OF.isoformat() and event.data["rows"] == 2


def test_trend_export_has_dates_as_dates(dash_clerk, book) -> None:  # type: ignore[no-untyped-def]
    _user, client = dash_clerk
    _wb, sheet = _sheet(client.get("/dashboard/export/trend.xlsx?currency=EUR"))
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    points = kpi_trend([book[0].pk], AS_OF, currency="EUR")
    assert len(rows) == len(points) == 12
    for row, p in zip(rows, points, strict=True):
        assert isinstance(row[1], datetime) and row[1].date() == p.date
        assert Decimal(str(row[2])) == p.receivables
        assert (Decimal(str(row[4])) if row[4] is not None else None) == p.dso
    assert sheet.cell(row=2, column=2).number_format == "yyyy-mm-dd"


def test_export_text_never_becomes_a_formula(dash_clerk) -> None:  # type: ignore[no-untyped-def]
    _user, client = dash_clerk
    _wb, sheet = _sheet(client.get("/dashboard/export/customers.xlsx?currency=EUR"))
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value == '=HYPERLINK("http://x")']
    assert cells and all(c.data_type == "s" for c in cells)
    text = client.get("/dashboard/export/customers.csv?currency=EUR").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_csv_export_is_utf8_with_bom_and_exact_amounts(dash_clerk, book) -> None:  # type: ignore[no-untyped-def]
    _user, client = dash_clerk
    response = client.get(f"/dashboard/export/segments.csv?entity={book[0].pk}")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert 'filename="encaisse-segments-2025-06-18.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Currency", "Segment", "Overdue invoices", "Overdue amount", "Of which over 90 days"]
    expected = {
        (r.currency, r.label or "(none)"): r.amount for r in overdue_by([book[0].pk], AS_OF, "segment")
    }
    assert {(r[0], r[1]): Decimal(r[3]) for r in rows[1:]} == expected
    event = AuditEvent.objects.get(action="export.dashboard")
    assert event.entity == book[0] and event.data["filters"]["entity"] == "be"


def test_forecast_part_and_export(dash_clerk) -> None:  # type: ignore[no-untyped-def]
    _user, client = dash_clerk
    part = client.get("/dashboard/forecast/")
    assert part.status_code == 200
    html = part.content.decode()
    assert "<html" not in html and "Cumulative expected receipts, be (EUR)" in html and "<caption>" in html
    _wb, sheet = _sheet(client.get("/dashboard/export/forecast.xlsx?currency=EUR"))
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 13 and all(r[0] == "be" and r[1] == "EUR" for r in rows)
    assert Decimal(str(rows[-1][7])) >= Decimal(str(rows[0][7]))  # cumulative


def test_charts_are_accessible_and_escape_text() -> None:
    svg = line_chart(["Jan", "Feb", "Mar"], [("DSO", [Decimal("40"), None, Decimal("55.5")])],
                     title="DSO <b>", description="desc", ident="t1")  # fmt: skip
    assert svg.startswith('<svg role="img" aria-label="DSO &lt;b&gt;" aria-labelledby="t1-title t1-desc"')
    assert '<title id="t1-title">DSO &lt;b&gt;</title>' in svg and '<desc id="t1-desc">desc</desc>' in svg
    assert svg.count("<polyline") == 2  # the missing point splits the line
    assert "style=" not in svg
    bars = bar_chart(["a", "b"], [Decimal("-5"), Decimal("10")], title="Bars")
    assert 'height="0.0"' in bars and "Bars" in bars


def test_no_customer_of_a_hidden_entity_in_any_export(dash_clerk) -> None:  # type: ignore[no-untyped-def]
    _user, client = dash_clerk
    hidden = Customer.objects.get(external_id="S1")
    for table in ("aging", "kpis", "trend", "segments", "entities", "customers"):
        content = client.get(f"/dashboard/export/{table}.csv").content.decode("utf-8-sig")
        assert "Secret" not in content and "secret" not in content and "fr" not in content.split(), table
    assert hidden.entity.code == "fr"
