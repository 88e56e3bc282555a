"""Dashboard tables to XLSX (openpyxl) and CSV, exactly as the page shows them.

XLSX: numbers are numbers (money written from its Decimal, with the currency's
decimals as the number format; day counts and percentages with two decimals),
dates are dates, text is text — a cell that starts with ``=`` stays text and
never becomes a formula. A second sheet says who exported what, when, with which
filters.

CSV: UTF-8 with a byte-order mark (Excel only reads UTF-8 when the file starts
with one; other tools skip it), comma-separated, ISO dates, amounts with a
decimal point and no grouping. A text cell that a spreadsheet would run as a
formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR) is prefixed with
``'`` (OWASP's advice against CSV injection).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from encaisse.core.money import minor_unit
from encaisse.web.dashboard import Filters, Table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _money_format(currency: str | None) -> str:
    places = minor_unit(currency) if currency else 2
    return "#,##0" + ("." + "0" * places if places else "")


def _format(kind: str, currency: str | None) -> str | None:
    return {
        "money": _money_format(currency),
        "int": "#,##0",
        "days": "0.00",
        "percent": "0.00",
        "decimal": "0.00",
        "date": "yyyy-mm-dd",
    }.get(kind)


def _cell(sheet: Any, value: Any, kind: str, currency: str | None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl turns "=…" into a formula otherwise
    elif value is not None:
        fmt = _format(kind, currency)
        if fmt:
            cell.number_format = fmt
    return cell


def to_xlsx(table: Table, filters: Filters, user: str, at: datetime) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(table.key[:31])
    sheet.freeze_panes = "A2"
    for i, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(12, min(40, len(column.header) + 2))
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.data_type = "s"
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        currency = row.get("currency")
        sheet.append([_cell(sheet, row.get(c.name), c.kind, currency) for c in table.columns])
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
    about = book.create_sheet("export")
    for key, value in (
        ("table", table.title),
        ("exported by", user),
        ("exported at (UTC)", at.replace(tzinfo=None, microsecond=0)),
        *((f"filter: {k}", v if v is not None else "all") for k, v in filters.as_dict().items()),
        ("rows", len(table.rows)),
    ):
        value_cell = _cell(about, value, "date" if isinstance(value, date) else "int", None)
        if isinstance(value, datetime):
            value_cell.number_format = "yyyy-mm-dd hh:mm:ss"
        about.append([_cell(about, key, "text", None), value_cell])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(v) for v in table.values(row)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
