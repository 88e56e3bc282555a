"""The dashboard's filters and tables: what the page shows is exactly what the exports write.

Each table is a list of typed columns and rows of plain values (Decimal money in
the row's currency, dates, integers), built from the insights reports for the
entities the user may see, narrowed by the filters. The page renders them, the
charts are drawn from them, and :mod:`encaisse.web.exports` writes them to
XLSX and CSV.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.http import Http404, QueryDict

from encaisse.clock import today
from encaisse.core.kpis import AgingBuckets
from encaisse.insights.forecasting import forecast
from encaisse.insights.reports import aging, kpi_trend, kpis, overdue_by
from encaisse.ledger.models import Entity

WINDOWS = (30, 60, 90, 180, 365)
TREND_MONTHS = 12
TOP_CUSTOMERS = 10


class FilterForm(forms.Form):
    entity = forms.IntegerField(required=False, min_value=1)
    currency = forms.RegexField(regex=r"^[A-Z]{3}$", required=False, max_length=3)
    as_of = forms.DateField(required=False, label="As of")
    days = forms.TypedChoiceField(
        choices=[(str(d), f"{d} days") for d in WINDOWS], coerce=int, required=False, label="KPI window"
    )

    def clean_as_of(self) -> date | None:
        value: date | None = self.cleaned_data.get("as_of")
        if value is not None and value > today():
            raise forms.ValidationError("The dashboard reports on today or a past date.")
        return value


@dataclass(frozen=True)
class Filters:
    """The validated filters, with the entities they leave in scope."""

    entities: tuple[Entity, ...]
    entity: Entity | None
    currency: str | None
    as_of: date
    days: int

    @property
    def entity_ids(self) -> list[int]:
        return [e.pk for e in self.entities]

    def as_dict(self) -> dict[str, Any]:
        return {
            "entity": self.entity.code if self.entity else None,
            "currency": self.currency,
            "as_of": self.as_of.isoformat(),
            "days": self.days,
        }

    def query(self) -> str:
        q = QueryDict(mutable=True)
        if self.entity:
            q["entity"] = str(self.entity.pk)
        if self.currency:
            q["currency"] = self.currency
        q["as_of"] = self.as_of.isoformat()
        q["days"] = str(self.days)
        return q.urlencode()


class InvalidFilters(ValueError):
    def __init__(self, form: FilterForm) -> None:
        super().__init__("invalid dashboard filters")
        self.form = form


def resolve_filters(params: QueryDict, visible: list[Entity]) -> tuple[Filters, FilterForm]:
    """Validate the GET filters against the user's entities.

    An entity id the user may not see (or one that does not exist, or is not a
    number) is a 404: the answer must not tell a foreign entity from a missing one.
    """
    raw_entity = params.get("entity", "").strip()
    by_id = {e.pk: e for e in visible}
    if raw_entity and (not raw_entity.isdigit() or int(raw_entity) not in by_id):
        raise Http404("no such entity")
    form = FilterForm(params)
    if not form.is_valid():
        raise InvalidFilters(form)
    data = form.cleaned_data
    entity = by_id[data["entity"]] if data.get("entity") else None
    filters = Filters(
        entities=(entity,) if entity else tuple(visible),
        entity=entity,
        currency=data.get("currency") or None,
        as_of=data.get("as_of") or today(),
        days=data.get("days") or 90,
    )
    return filters, form


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    kind: str = "text"  # text | int | money | decimal | percent | days | date


@dataclass
class Table:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def values(self, row: dict[str, Any]) -> list[Any]:
        return [row.get(c.name) for c in self.columns]


KPI_COLUMNS = (
    Column("currency", "Currency"),
    Column("receivables", "Receivables", "money"),
    Column("credit_sales", "Credit sales in the window", "money"),
    Column("dso", "DSO (days)", "days"),
    Column("dso_countback", "DSO countback (days)", "days"),
    Column("best_possible_dso", "Best possible DSO (days)", "days"),
    Column("add", "Average days delinquent", "days"),
    Column("cei", "CEI (%)", "percent"),
    Column("overdue_count", "Overdue invoices", "int"),
    Column("overdue_amount", "Overdue amount", "money"),
    Column("average_days_to_pay", "Average days to pay", "days"),
    Column("average_days_beyond_terms", "Average days beyond terms", "days"),
    Column("bad_debt_ratio", "Bad-debt ratio (%)", "percent"),
    Column("top10_share", "Top 10 customers' share (%)", "percent"),
    Column("customer_retention", "Customer retention (%)", "percent"),
)


def _currency_ok(f: Filters, currency: str) -> bool:
    return f.currency is None or f.currency == currency


def aging_table(f: Filters) -> Table:
    labels = AgingBuckets.standard().labels
    columns = (
        Column("entity", "Entity"),
        Column("currency", "Currency"),
        *(Column(b, b.replace("_", "–") if b[0].isdigit() else b.replace("_", " "), "money") for b in labels),
        Column("total", "Total", "money"),
        Column("count", "Open items", "int"),
    )
    rows = [
        {"entity": r.entity, "currency": r.currency, **r.buckets, "total": r.total, "count": r.count}
        for r in (aging(f.entity_ids, f.as_of) if f.entities else [])
        if _currency_ok(f, r.currency)
    ]
    return Table("aging", "Aging of open items (days past due)", columns, rows)


def kpi_table(f: Filters) -> Table:
    sets = kpis(f.entity_ids, f.as_of, days=f.days) if f.entities else []
    rows = [{"currency": s.currency, **s.values} for s in sets if _currency_ok(f, s.currency)]
    return Table("kpis", f"KPIs over the last {f.days} days", KPI_COLUMNS, rows)


def trend_table(f: Filters) -> Table:
    columns = (
        Column("currency", "Currency"),
        Column("date", "Month end", "date"),
        Column("receivables", "Receivables", "money"),
        Column("credit_sales", f"Credit sales, last {f.days} days", "money"),
        Column("dso", "DSO (days)", "days"),
        Column("dso_countback", "DSO countback (days)", "days"),
        Column("cei", "CEI (%)", "percent"),
    )
    points = (
        kpi_trend(f.entity_ids, f.as_of, months=TREND_MONTHS, days=f.days, currency=f.currency)
        if f.entities
        else []
    )
    rows = [
        {"currency": p.currency, "date": p.date, "receivables": p.receivables, "credit_sales": p.credit_sales,
         "dso": p.dso, "dso_countback": p.dso_countback, "cei": p.cei}
        for p in points
    ]  # fmt: skip
    return Table("trend", "DSO and CEI at month ends", columns, rows)


def _overdue_table(f: Filters, by: str, key: str, title: str, first: tuple[Column, ...], **kw: Any) -> Table:
    columns = (
        Column("currency", "Currency"),
        *first,
        Column("count", "Overdue invoices", "int"),
        Column("amount", "Overdue amount", "money"),
        Column("over_90", "Of which over 90 days", "money"),
    )
    rows = []
    for r in overdue_by(f.entity_ids, f.as_of, by, currency=f.currency, **kw) if f.entities else []:
        rows.append({"currency": r.currency, "key": r.key, "label": r.label or "(none)", "count": r.count,
                     "amount": r.amount, "over_90": r.over_90})  # fmt: skip
    return Table(key, title, columns, rows)


def segment_table(f: Filters) -> Table:
    return _overdue_table(
        f, "segment", "segments", "Overdue by customer segment", (Column("label", "Segment"),)
    )


def entity_table(f: Filters) -> Table:
    return _overdue_table(
        f, "entity", "entities", "Overdue by entity", (Column("key", "Entity"), Column("label", "Legal name"))
    )


def customer_table(f: Filters) -> Table:
    return _overdue_table(
        f, "customer", "customers", f"Top {TOP_CUSTOMERS} overdue customers", (Column("label", "Customer"),),
        limit=TOP_CUSTOMERS,
    )  # fmt: skip


def forecast_table(f: Filters) -> Table:
    columns = (
        Column("entity", "Entity"),
        Column("currency", "Currency"),
        Column("start", "Week from", "date"),
        Column("end", "Week to", "date"),
        Column("expected", "Expected receipts", "money"),
        Column("early", "Early scenario", "money"),
        Column("late", "Late scenario", "money"),
        Column("cumulative", "Cumulative expected", "money"),
        Column("cumulative_low", "Cumulative, late scenario", "money"),
        Column("cumulative_high", "Cumulative, early scenario", "money"),
    )
    rows = []
    start = today()
    for entity in sorted(f.entities, key=lambda e: e.code):
        for fc in forecast(entity, start):
            if not _currency_ok(f, fc.currency):
                continue
            for p in fc.forecast.weeks:
                rows.append({"entity": fc.entity, "currency": fc.currency, "start": p.start, "end": p.end,
                             "expected": p.expected, "early": p.early, "late": p.late, "cumulative": p.cumulative,
                             "cumulative_low": p.cumulative_low, "cumulative_high": p.cumulative_high})  # fmt: skip
    return Table("forecast", "Cash forecast, 13 weeks from today", columns, rows)


TABLES: dict[str, Callable[[Filters], Table]] = {
    "aging": aging_table,
    "kpis": kpi_table,
    "trend": trend_table,
    "segments": segment_table,
    "entities": entity_table,
    "customers": customer_table,
    "forecast": forecast_table,
}
