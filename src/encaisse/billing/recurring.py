"""Recurring invoices: subscriptions issued period by period, idempotently.

A :class:`~encaisse.billing.models.RecurringSchedule` invoices the same lines
every month, quarter or year from its start date. Periods start on the start
date's day of the month (clamped to the month's last day: a schedule starting
on 31 January has periods starting 28/29 February, 31 March…) and a period is
due once it has started. ``recurring-run --as-of D`` issues every due period
not issued yet, each invoice dated D and carrying its invoicing period
(BG-14). The document of a (schedule, period) pair is unique in the database,
so a second run, or two runs at once, never issue a period twice.

>>> [p.isoformat() for p in period_starts(date(2026, 1, 31), "monthly", until=date(2026, 4, 30))]
['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30']
>>> period_end(date(2026, 1, 31), "quarterly")
datetime.date(2026, 4, 29)
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction

from encaisse.billing.models import BillingDocument, Frequency, RecurringSchedule
from encaisse.billing.requests import FieldError, InvalidRequest, InvoiceRequest, read_lines
from encaisse.billing.services import IssueRefused, _issue_locked, _new_draft
from encaisse.ledger import audit
from encaisse.ledger.archive import ArchiveStore

_MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}


def _add_months(start: date, months: int) -> date:
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def period_starts(start: date, frequency: str, *, until: date, end: date | None = None) -> Iterator[date]:
    """The start of every period that has begun by ``until`` (and not after ``end``)."""
    step = _MONTHS[Frequency(frequency)]
    n = 0
    while True:
        begin = _add_months(start, n * step)
        if begin > until or (end is not None and begin > end):
            return
        yield begin
        n += 1


def period_end(begin: date, frequency: str, anchor: date | None = None) -> date:
    """The last day of the period starting ``begin`` (the day before the next one)."""
    step = _MONTHS[Frequency(frequency)]
    return _add_months(anchor or begin, _months_between(anchor or begin, begin) + step) - timedelta(days=1)


def _months_between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


@dataclass
class RecurringSummary:
    as_of: date
    issued: list[str] = field(default_factory=list)
    already: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (schedule and period, why)

    def as_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "issued": self.issued, "already_issued": self.already,
                "failed": [{"period": p, "reason": r} for p, r in self.failed]}  # fmt: skip


def schedule_lines(schedule: RecurringSchedule) -> InvoiceRequest:
    errors: list[FieldError] = []
    lines = read_lines(schedule.lines, errors, prefix=f"schedule {schedule.pk} lines")
    if errors:
        raise InvalidRequest(errors)
    return InvoiceRequest(entity=schedule.entity, customer=schedule.customer, currency=schedule.currency,
                          lines=lines, series=schedule.series, payment_terms=schedule.payment_terms,
                          buyer_reference=schedule.buyer_reference)  # fmt: skip


def run_recurring(
    as_of: date,
    *,
    actor: str = "system",
    entity_ids: list[int] | None = None,
    store: ArchiveStore | None = None,
) -> RecurringSummary:
    """Issue every period due by ``as_of`` that has not been issued; one transaction per invoice."""
    summary = RecurringSummary(as_of)
    schedules = RecurringSchedule.objects.filter(active=True, start_date__lte=as_of).select_related(
        "entity", "customer"
    )
    if entity_ids is not None:
        schedules = schedules.filter(entity_id__in=entity_ids)
    schedules = list(schedules.order_by("id"))
    done = {
        (sid, begin)
        for sid, begin in BillingDocument.objects.filter(schedule__in=schedules).values_list("schedule_id", "period_start")
    }  # fmt: skip
    for schedule in schedules:
        try:
            base = schedule_lines(schedule)
        except InvalidRequest as exc:
            summary.failed.append((f"schedule {schedule.pk}", str(exc)))
            continue
        for begin in period_starts(
            schedule.start_date, schedule.frequency, until=as_of, end=schedule.end_date
        ):
            if (schedule.pk, begin) in done:
                summary.already += 1
                continue
            end = period_end(begin, schedule.frequency, schedule.start_date)
            if schedule.end_date is not None:
                end = min(end, schedule.end_date)
            req = _with_period(base, begin, end, schedule)
            try:
                with transaction.atomic():
                    doc = _new_draft(req, actor, schedule_id=schedule.pk)
                    locked = (
                        BillingDocument.objects.select_for_update()
                        .select_related("entity", "customer")
                        .get(pk=doc.pk)
                    )
                    _issue_locked(locked, actor=actor, on=as_of, store=store, timings=None)
                    audit.record("recurring.issued", actor=actor, entity=schedule.entity, object_type="schedule",
                                 object_id=schedule.pk, data={"period_start": begin, "number": locked.number})  # fmt: skip
                    summary.issued.append(locked.number)
            except IntegrityError:
                summary.already += 1  # another run issued this period meanwhile
            except (IssueRefused, InvalidRequest) as exc:
                summary.failed.append((f"schedule {schedule.pk} period {begin.isoformat()}", str(exc)))
    return summary


def _fields(req: InvoiceRequest) -> dict[str, Any]:
    return {name: getattr(req, name) for name in req.__slots__}  # type: ignore[attr-defined]


def _with_period(base: InvoiceRequest, begin: date, end: date, schedule: RecurringSchedule) -> InvoiceRequest:
    values = _fields(base)
    values.update(
        period_start=begin, period_end=end, note=f"{schedule.name}: {begin.isoformat()} to {end.isoformat()}"
    )
    return InvoiceRequest(**values)
