"""Aging and KPIs as of a date, computed set-based in the database.

Open amount at date D = total − Σ allocations effective on or before D, for
items issued on or before D. When no allocation is effective after D (the
usual "as of today" question), the cached ``open_minor`` already is that
amount and one scan of the open items answers; otherwise allocations are
summed by effective date. ``known_at`` restricts allocations to those recorded
by then, which reproduces a report exactly as it could have been computed at
that moment (allocations recorded later with an earlier effective date are
the difference between the two).

Credit notes count negative. Amounts are grouped by entity and currency and
returned as :class:`~decimal.Decimal` in major units.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection

from encaisse.core import kpis as formulas
from encaisse.core.kpis import AgingBuckets
from encaisse.core.money import Money


@dataclass
class AgingRow:
    entity: str
    currency: str
    buckets: dict[str, Decimal]
    total: Decimal
    count: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "currency": self.currency,
            **{k: str(v) for k, v in self.buckets.items()},
            "total": str(self.total),
            "count": self.count,
        }


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return list(cursor.fetchall())


def _in(ids: Sequence[int]) -> str:
    return ",".join(str(int(i)) for i in ids) or "NULL"


def _signed(expr: str, alias: str = "i") -> str:
    return f"(CASE WHEN {alias}.kind = 'credit_note' THEN -({expr}) ELSE ({expr}) END)"


def _uses_cache(entity_ids: Sequence[int], as_of: date, known_at: datetime | None) -> bool:
    if known_at is not None:
        return False
    rows = _fetch(
        f"SELECT 1 FROM ledger_allocation WHERE entity_id IN ({_in(entity_ids)}) AND effective_date > %s LIMIT 1",
        [as_of],
    )
    return not rows


def _open_items_sql(
    entity_ids: Sequence[int], as_of: date, known_at: datetime | None
) -> tuple[str, list[Any]]:
    """A derived table (id, entity_id, customer_id, currency, kind, due_date, issue_date, open_minor) as of D."""
    if _uses_cache(entity_ids, as_of, known_at):
        return (
            f"(SELECT i.id, i.entity_id, i.customer_id, i.currency, i.kind, i.due_date, i.issue_date, i.open_minor "
            f"FROM ledger_invoice i WHERE i.entity_id IN ({_in(entity_ids)}) AND i.open_minor <> 0 AND i.issue_date <= %s)",
            [as_of],
        )
    known = " AND a.recorded_at <= %s" if known_at else ""
    params: list[Any] = [as_of] + ([known_at] if known_at else []) + [as_of]
    return (
        f"(SELECT i.id, i.entity_id, i.customer_id, i.currency, i.kind, i.due_date, i.issue_date, "
        f"i.total_minor - COALESCE(s.taken, 0) AS open_minor FROM ledger_invoice i LEFT JOIN "
        f"(SELECT a.invoice_id, SUM(a.amount_minor) AS taken FROM ledger_allocation a "
        f"WHERE a.entity_id IN ({_in(entity_ids)}) AND a.invoice_id IS NOT NULL AND a.effective_date <= %s{known} "
        f"GROUP BY a.invoice_id) s ON s.invoice_id = i.id "
        f"WHERE i.entity_id IN ({_in(entity_ids)}) AND i.issue_date <= %s AND i.total_minor - COALESCE(s.taken, 0) <> 0)",
        params,
    )


def aging(
    entity_ids: Sequence[int],
    as_of: date,
    *,
    buckets: AgingBuckets | None = None,
    known_at: datetime | None = None,
    by: str = "due_date",
) -> list[AgingRow]:
    """Open amounts per entity and currency in days-past-due (or days-since-issue) buckets."""
    buckets = buckets or AgingBuckets.standard()
    if by not in ("due_date", "issue_date"):
        raise ValueError("aging is by due_date or issue_date")
    items, params = _open_items_sql(entity_ids, as_of, known_at)
    cases, case_params = [], []
    for b in buckets.buckets:
        # days = as_of − date; low ≤ days ≤ high  ⇔  as_of − high ≤ date ≤ as_of − low
        cond, cp = [], []
        if b.high is not None:
            cond.append(f"o.{by} >= %s")
            cp.append(as_of - timedelta(days=b.high))
        if b.low > -(10**8):
            cond.append(f"o.{by} <= %s")
            cp.append(as_of - timedelta(days=b.low))
        cases.append(
            f"SUM(CASE WHEN {' AND '.join(cond) or '1=1'} THEN {_signed('o.open_minor', 'o')} ELSE 0 END)"
        )
        case_params += cp
    sql = (
        f"SELECT e.code, o.currency, COUNT(*), {', '.join(cases)} FROM {items} o "
        f"JOIN ledger_entity e ON e.id = o.entity_id GROUP BY e.code, o.currency ORDER BY e.code, o.currency"
    )
    result = []
    for row in _fetch(sql, case_params + params):
        code, currency, count, *sums = row
        values = {
            b.label: Money.from_minor(int(s or 0), currency).amount
            for b, s in zip(buckets.buckets, sums, strict=True)
        }
        result.append(AgingRow(code, currency, values, sum(values.values(), Decimal(0)), int(count)))
    return result


def _days_between(later: str, earlier: str) -> str:
    if connection.vendor == "sqlite":
        return f"(julianday({later}) - julianday({earlier}))"
    return f"({later} - {earlier})"


def _sales_by_period(
    entity_ids: Sequence[int], periods: Sequence[tuple[date, date]], receivables: dict[str, int]
) -> dict[str, dict[int, int]]:
    """Σ credit sales per currency and countback period (index in ``periods``, latest first).

    The countback walk stops at the month whose sales exhaust the receivables,
    so months are summed a few at a time, latest first, and no further once
    every currency's receivables are exhausted: the months beyond are never read.
    """
    per_period: dict[str, dict[int, int]] = defaultdict(dict)
    left = dict(receivables)
    done = 0
    size = 3
    while done < len(periods):
        window = periods[done : done + size]
        case = " ".join(
            f"WHEN i.issue_date >= '{p[0].isoformat()}' AND i.issue_date <= '{p[1].isoformat()}' THEN {done + n}"
            for n, p in enumerate(window)
        )
        for cur, period, s in _fetch(
            f"SELECT i.currency, CASE {case} END AS period, SUM({_signed('i.total_minor')}) FROM ledger_invoice i "
            f"WHERE i.entity_id IN ({_in(entity_ids)}) AND i.issue_date >= %s AND i.issue_date <= %s "
            f"GROUP BY i.currency, period",
            [window[-1][0], window[0][1]],
        ):
            per_period[cur][int(period)] = int(s or 0)
        for n in range(done, done + len(window)):
            for cur in left:
                sales = per_period[cur].get(n, 0)
                if left[cur] > 0 and sales > 0:
                    left[cur] = left[cur] - sales if left[cur] > sales else 0
        done += len(window)
        size *= 2
        if all(v <= 0 for v in left.values()):
            break
    return per_period


@dataclass
class KpiSet:
    currency: str
    as_of: date
    days: int
    values: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "as_of": self.as_of.isoformat(),
            "days": self.days,
            **{k: (str(v) if isinstance(v, Decimal) else v) for k, v in self.values.items()},
        }


def _sales(entity_ids: Sequence[int], start: date, end: date) -> dict[str, int]:
    """Σ credit sales (invoices − credit notes) issued in [start, end], per currency."""
    rows = _fetch(
        f"SELECT i.currency, SUM({_signed('i.total_minor')}) FROM ledger_invoice i "
        f"WHERE i.entity_id IN ({_in(entity_ids)}) AND i.issue_date >= %s AND i.issue_date <= %s GROUP BY i.currency",
        [start, end],
    )
    return {c: int(s or 0) for c, s in rows}


def _receivables_total(entity_ids: Sequence[int], as_of: date, known_at: datetime | None) -> dict[str, int]:
    """Per currency, the open balance at D: Σ signed totals issued by D − Σ their allocations counted by D.

    Equal to the total of :func:`_receivables`, in two aggregates without a
    per-item grouping of the allocations (what a past date otherwise needs).
    """
    ids = _in(entity_ids)
    balance: dict[str, int] = defaultdict(int)
    for cur, s in _fetch(
        f"SELECT i.currency, SUM({_signed('i.total_minor')}) FROM ledger_invoice i "
        f"WHERE i.entity_id IN ({ids}) AND i.issue_date <= %s GROUP BY i.currency",
        [as_of],
    ):
        balance[cur] += int(s or 0)
    known = " AND a.recorded_at <= %s" if known_at else ""
    for cur, s in _fetch(
        f"SELECT i.currency, SUM({_signed('a.amount_minor')}) FROM ledger_allocation a "
        f"JOIN ledger_invoice i ON i.id = a.invoice_id WHERE a.entity_id IN ({ids}) AND i.entity_id IN ({ids}) "
        f"AND a.effective_date <= %s AND i.issue_date <= %s{known} GROUP BY i.currency",
        [as_of, as_of] + ([known_at] if known_at else []),
    ):
        balance[cur] -= int(s or 0)
    return dict(balance)


def _receivables_by_customer(
    entity_ids: Sequence[int], as_of: date, known_at: datetime | None
) -> tuple[dict[str, tuple[int, int, int, int]], dict[str, list[int]]]:
    """:func:`_receivables` and each customer's open balance, from one pass over the open items."""
    items, params = _open_items_sql(entity_ids, as_of, known_at)
    signed = _signed("o.open_minor", "o")
    rows = _fetch(
        f"SELECT o.currency, o.customer_id, SUM({signed}), "
        f"SUM(CASE WHEN o.due_date >= %s THEN {signed} ELSE 0 END), "
        f"SUM(CASE WHEN o.due_date < %s AND o.kind = 'invoice' AND o.open_minor > 0 THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN o.due_date < %s AND o.kind = 'invoice' THEN o.open_minor ELSE 0 END) "
        f"FROM {items} o GROUP BY o.currency, o.customer_id",
        [as_of, as_of, as_of, *params],
    )
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    per_customer: dict[str, list[int]] = defaultdict(list)
    for cur, _customer, *sums in rows:
        figures = [int(x or 0) for x in sums]
        per_customer[cur].append(figures[0])
        acc = totals[cur]
        for k in range(4):
            acc[k] += figures[k]
    return {c: (t[0], t[1], t[2], t[3]) for c, t in totals.items()}, per_customer


def kpis(
    entity_ids: Sequence[int],
    as_of: date,
    *,
    days: int = 90,
    known_at: datetime | None = None,
    months_back: int = 24,
) -> list[KpiSet]:
    """Every KPI of DOMAIN.md, per currency, as of D over the last N days."""
    start = as_of - timedelta(days=days - 1)
    prev_start = start - timedelta(days=days)
    closing, top = _receivables_by_customer(entity_ids, as_of, known_at)
    opening = _receivables_total(entity_ids, start - timedelta(days=1), known_at)
    sales = _sales(entity_ids, start, as_of)
    currencies = sorted(set(closing) | set(sales))

    # countback: the month of D up to D, then whole months before it
    periods: list[tuple[date, date]] = []
    end = as_of
    first = as_of.replace(day=1)
    for _ in range(months_back):
        periods.append((first, end))
        end = first - timedelta(days=1)
        first = end.replace(day=1)
    per_period = _sales_by_period(entity_ids, periods, {c: v[0] for c, v in closing.items()})

    # payment behaviour in the period: settlements by invoices (amount-weighted)
    paid = _fetch(
        f"SELECT i.currency, SUM(a.amount_minor), "
        f"SUM(a.amount_minor * {_days_between('a.effective_date', 'i.issue_date')}), "
        f"SUM(a.amount_minor * {_days_between('a.effective_date', 'i.due_date')}) "
        f"FROM ledger_allocation a JOIN ledger_invoice i ON i.id = a.invoice_id "
        f"WHERE a.entity_id IN ({_in(entity_ids)}) AND a.kind = 'invoice' AND i.kind = 'invoice' "
        f"AND a.effective_date >= %s AND a.effective_date <= %s" + (" AND a.recorded_at <= %s" if known_at else "") +
        " GROUP BY i.currency",
        [start, as_of] + ([known_at] if known_at else []),
    )  # fmt: skip
    paid_by = {c: (int(w or 0), Decimal(str(d or 0)), Decimal(str(b or 0))) for c, w, d, b in paid}
    written = dict(
        _fetch(
            f"SELECT a.currency, SUM(a.amount_minor) FROM ledger_allocation a WHERE a.entity_id IN ({_in(entity_ids)}) "
            f"AND a.kind = 'write_off' AND a.effective_date >= %s AND a.effective_date <= %s GROUP BY a.currency",
            [start, as_of],
        )
    )
    # retention: per customer, the first and last invoice of both periods, in one pass
    # (customers of the previous period; of those, the ones invoiced in this one too)
    retention_rows = _fetch(
        f"SELECT p.currency, SUM(CASE WHEN p.first < %s THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN p.first < %s AND p.last >= %s THEN 1 ELSE 0 END) "
        f"FROM (SELECT i.currency, i.customer_id, MIN(i.issue_date) AS first, MAX(i.issue_date) AS last "
        f"FROM ledger_invoice i WHERE i.entity_id IN ({_in(entity_ids)}) AND i.kind = 'invoice' "
        f"AND i.issue_date >= %s AND i.issue_date <= %s GROUP BY i.currency, i.customer_id) p GROUP BY p.currency",
        [start, start, start, prev_start, as_of],
    )
    previous_customers = {c: int(p or 0) for c, p, _b in retention_rows}
    both = {c: int(b or 0) for c, _p, b in retention_rows}

    result = []
    for cur in currencies:
        m = lambda minor, cur=cur: Money.from_minor(int(minor), cur).amount  # noqa: E731
        total, current, overdue_n, overdue_amt = closing.get(cur, (0, 0, 0, 0))
        open_total = opening.get(cur, 0)
        s = m(sales.get(cur, 0))
        d = formulas.dso(m(total), s, days)
        best = formulas.best_possible_dso(m(current), s, days)
        countback_months = []
        for n, (p0, p1) in enumerate(periods):
            countback_months.append(((p1 - p0).days + 1, m(per_period[cur].get(n, 0))))
        weight, days_sum, beyond_sum = paid_by.get(cur, (0, Decimal(0), Decimal(0)))
        ranked = sorted(top.get(cur, []), reverse=True)
        positive_total = sum(x for x in ranked if x > 0)
        values: dict[str, Any] = {
            "receivables": m(total),
            "current_receivables": m(current),
            "credit_sales": s,
            "dso": d,
            "dso_countback": formulas.dso_countback(m(total), countback_months),
            "best_possible_dso": best,
            "add": formulas.add(d, best),
            "cei": formulas.cei(m(open_total), s, m(total), m(current)),
            "overdue_count": overdue_n,
            "overdue_amount": m(overdue_amt),
            "average_days_to_pay": (days_sum / weight).quantize(Decimal("0.01")) if weight else None,
            "average_days_beyond_terms": (beyond_sum / weight).quantize(Decimal("0.01")) if weight else None,
            "bad_debt_ratio": formulas.ratio(m(int(written.get(cur) or 0)), s),
            "top10_share": formulas.ratio(
                Decimal(sum(x for x in ranked[:10] if x > 0)), Decimal(positive_total)
            ),
            "customer_retention": formulas.ratio(
                Decimal(int(both.get(cur, 0))), Decimal(previous_customers.get(cur, 0))
            ),
        }
        result.append(KpiSet(cur, as_of, days, values))
    return result


# ---------------------------------------------------------------------------
# Trends over month ends, and overdue amounts broken down


@dataclass(frozen=True)
class TrendPoint:
    """DSO (standard and countback) and CEI at one date, as :func:`kpis` computes them there."""

    currency: str
    date: date
    receivables: Decimal
    credit_sales: Decimal
    dso: Decimal | None
    dso_countback: Decimal | None
    cei: Decimal | None


def month_ends(as_of: date, months: int = 12) -> list[date]:
    """The ends of the ``months − 1`` months before ``as_of``'s month, then ``as_of`` itself (oldest first)."""
    if months < 1:
        raise ValueError("a trend has at least one point")
    points = [as_of]
    first = as_of.replace(day=1)
    for _ in range(months - 1):
        end = first - timedelta(days=1)
        points.append(end)
        first = end.replace(day=1)
    return points[::-1]


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _next_day(column: str) -> str:
    """SQL for the day after a date column (same type as the column on either database)."""
    return f"date({column}, '+1 day')" if connection.vendor == "sqlite" else f"({column} + 1)"


class _Cumulative:
    """Σ of daily amounts up to a date, from (date, amount) pairs, by binary search."""

    def __init__(self, daily: dict[date, int]) -> None:
        self.days = sorted(daily)
        self.sums: list[int] = []
        running = 0
        for d in self.days:
            running += daily[d]
            self.sums.append(running)

    def upto(self, d: date) -> int:
        from bisect import bisect_right

        n = bisect_right(self.days, d)
        return self.sums[n - 1] if n else 0

    def between(self, start: date, end: date) -> int:
        """Σ over start ≤ day ≤ end."""
        return self.upto(end) - self.upto(start - timedelta(days=1))


def kpi_trend(
    entity_ids: Sequence[int],
    as_of: date,
    *,
    months: int = 12,
    days: int = 90,
    months_back: int = 24,
    currency: str | None = None,
) -> list[TrendPoint]:
    """DSO, countback DSO and CEI at each of :func:`month_ends`, per currency, in three grouped scans.

    Each point equals ``kpis(entity_ids, point, days=days)`` at that date. The
    receivables at any date D are Σ signed totals issued on or before D minus
    Σ signed allocations counted by D (an allocation counts once both its
    effective date and its item's issue date are reached), so two grouped scans
    (issues by day, allocations by day) give every opening and closing balance
    and every sales window. The overdue part is the same with the day after the
    due date as a third date to reach (one more scan of the items; the same scan
    of the allocations), which gives the not-yet-due part at every point: no
    query depends on the number of points.
    """
    points = month_ends(as_of, months)
    ids = _in(entity_ids)
    cur_sql, cur_params = (" AND i.currency = %s", [currency]) if currency else ("", [])
    later = "MAX" if connection.vendor == "sqlite" else "GREATEST"
    issued: dict[str, dict[date, int]] = defaultdict(dict)
    for cur, d, s in _fetch(
        f"SELECT i.currency, i.issue_date, SUM({_signed('i.total_minor')}) FROM ledger_invoice i "
        f"WHERE i.entity_id IN ({ids}) AND i.issue_date <= %s{cur_sql} GROUP BY i.currency, i.issue_date",
        [as_of, *cur_params],
    ):
        issued[cur][_date(d)] = int(s or 0)
    # the overdue part at any date D: items whose due date has passed by D (counted from the later
    # of issue date and the day after the due date), less their allocations counted by then; the
    # not-yet-due part is the receivables less that
    due_passed: dict[str, dict[date, int]] = defaultdict(dict)
    for cur, d, s in _fetch(
        f"SELECT i.currency, {later}(i.issue_date, {_next_day('i.due_date')}) AS counted, "
        f"SUM({_signed('i.total_minor')}) FROM ledger_invoice i "
        f"WHERE i.entity_id IN ({ids}) AND i.issue_date <= %s AND i.due_date < %s{cur_sql} "
        f"GROUP BY i.currency, counted",
        [as_of, as_of, *cur_params],
    ):
        due_passed[cur][_date(d)] = int(s or 0)
    # allocations, one join for both: the day each counts, and the day it counts as settling an
    # overdue item (none when the item is not due before the as-of date)
    settled: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    settled_past_due: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for cur, d, d_due, s in _fetch(
        f"SELECT i.currency, {later}(a.effective_date, i.issue_date) AS counted, "
        f"CASE WHEN i.due_date < %s THEN {later}(a.effective_date, i.issue_date, {_next_day('i.due_date')}) END "
        f"AS counted_due, SUM({_signed('a.amount_minor')}) "
        f"FROM ledger_allocation a JOIN ledger_invoice i ON i.id = a.invoice_id "
        f"WHERE a.entity_id IN ({ids}) AND i.entity_id IN ({ids}) AND a.effective_date <= %s "
        f"AND i.issue_date <= %s{cur_sql} GROUP BY i.currency, counted, counted_due",
        [as_of, as_of, as_of, *cur_params],
    ):
        settled[cur][_date(d)] += int(s or 0)
        if d_due is not None:
            settled_past_due[cur][_date(d_due)] += int(s or 0)

    result = []
    for cur in sorted(issued):
        m = lambda minor, cur=cur: Money.from_minor(int(minor), cur).amount  # noqa: E731
        sales_by_day = _Cumulative(issued[cur])
        settled_by_day = _Cumulative(settled.get(cur, {}))

        def receivables(
            d: date, sales_by_day: _Cumulative = sales_by_day, s: _Cumulative = settled_by_day
        ) -> int:
            return sales_by_day.upto(d) - s.upto(d)

        overdue_by_day = _Cumulative(due_passed.get(cur, {}))
        overdue_settled = _Cumulative(settled_past_due.get(cur, {}))

        for point in points:
            start = point - timedelta(days=days - 1)
            total = receivables(point)
            sales = sales_by_day.between(start, point)
            periods = []
            end, first = point, point.replace(day=1)
            for _ in range(months_back):
                periods.append(((end - first).days + 1, m(sales_by_day.between(first, end))))
                end = first - timedelta(days=1)
                first = end.replace(day=1)
            result.append(
                TrendPoint(
                    currency=cur,
                    date=point,
                    receivables=m(total),
                    credit_sales=m(sales),
                    dso=formulas.dso(m(total), m(sales), days),
                    dso_countback=formulas.dso_countback(m(total), periods),
                    cei=formulas.cei(
                        m(receivables(start - timedelta(days=1))),
                        m(sales),
                        m(total),
                        m(total - overdue_by_day.upto(point) + overdue_settled.upto(point)),
                    ),
                )
            )
    return result


@dataclass(frozen=True)
class OverdueRow:
    """Overdue invoices of one group (a segment, an entity or a customer) in one currency."""

    currency: str
    key: str
    label: str
    count: int
    amount: Decimal
    over_90: Decimal


OVERDUE_GROUPS = {
    "segment": ("c.segment", "c.segment"),
    "entity": ("e.code", "e.legal_name"),
    "customer": ("c.id", "c.name"),
}


def overdue_by(
    entity_ids: Sequence[int],
    as_of: date,
    by: str,
    *,
    currency: str | None = None,
    limit: int | None = None,
) -> list[OverdueRow]:
    """Overdue invoices (due before ``as_of``, still open) per currency and group, largest first.

    The amounts add up to the ``overdue_amount`` of :func:`kpis` (credit notes
    are not overdue; an overpaid invoice counts negative, as there). ``by`` is
    ``segment`` (the customer's), ``entity`` or ``customer``; ``limit`` keeps
    the largest groups of each currency.
    """
    if by not in OVERDUE_GROUPS:
        raise ValueError(f"overdue amounts are grouped by one of {', '.join(OVERDUE_GROUPS)}")
    key, label = OVERDUE_GROUPS[by]
    items, params = _open_items_sql(entity_ids, as_of, None)
    cur_sql, cur_params = (" AND o.currency = %s", [currency]) if currency else ("", [])
    rows = _fetch(
        f"SELECT o.currency, {key}, MIN({label}), SUM(CASE WHEN o.open_minor > 0 THEN 1 ELSE 0 END), "
        f"SUM(o.open_minor), SUM(CASE WHEN o.due_date < %s THEN o.open_minor ELSE 0 END) "
        f"FROM {items} o JOIN ledger_customer c ON c.id = o.customer_id JOIN ledger_entity e ON e.id = o.entity_id "
        f"WHERE o.kind = 'invoice' AND o.due_date < %s{cur_sql} GROUP BY o.currency, {key}",
        [as_of - timedelta(days=90), *params, as_of, *cur_params],
    )
    result = [
        OverdueRow(
            cur, str(k or ""), str(lbl or ""), int(n or 0),
            Money.from_minor(int(s or 0), cur).amount, Money.from_minor(int(o or 0), cur).amount,
        )
        for cur, k, lbl, n, s, o in rows
    ]  # fmt: skip
    result.sort(key=lambda r: (r.currency, -r.amount, r.key))
    if limit is not None:
        kept: dict[str, int] = defaultdict(int)
        limited = []
        for r in result:
            if kept[r.currency] < limit:
                limited.append(r)
                kept[r.currency] += 1
        result = limited
    return result
