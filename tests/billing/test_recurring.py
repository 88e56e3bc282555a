"""Recurring schedules: what is due is issued once, whatever how often the run is repeated."""

from __future__ import annotations

from datetime import date

import pytest
from billing_factories import line
from django.core.management import call_command

from encaisse.billing import archiving
from encaisse.billing.models import ArchivedDocument, BillingDocument, RecurringSchedule
from encaisse.billing.recurring import period_end, period_starts, run_recurring
from encaisse.formats.einvoice.ubl import read_ubl
from encaisse.ledger.checks import check
from encaisse.ledger.models import Invoice


def test_periods_follow_the_start_day_clamped_to_the_month() -> None:
    starts = list(period_starts(date(2026, 1, 31), "monthly", until=date(2026, 5, 31)))
    assert starts == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
    ]
    assert period_end(date(2026, 2, 28), "monthly", date(2026, 1, 31)) == date(2026, 3, 30)
    assert list(period_starts(date(2024, 2, 29), "yearly", until=date(2028, 3, 1))) == [
        date(2024, 2, 29), date(2025, 2, 28), date(2026, 2, 28), date(2027, 2, 28), date(2028, 2, 29)]  # fmt: skip
    assert list(period_starts(date(2026, 1, 1), "quarterly", until=date(2026, 12, 31), end=date(2026, 6, 30))) == [
        date(2026, 1, 1), date(2026, 4, 1)]  # fmt: skip


def _schedule(buyer, **fields):  # type: ignore[no-untyped-def]
    values = {"entity": buyer.entity, "customer": buyer, "name": "Hosting", "frequency": "monthly",
              "start_date": date(2026, 1, 15), "end_date": date(2026, 6, 30), "currency": "EUR",
              "lines": [line("Hosting plan", "1", "49.00"), line("Support", "2", "15.00", discount_percent="10")]}  # fmt: skip
    values.update(fields)
    return RecurringSchedule.objects.create(**values)


@pytest.mark.django_db
def test_a_run_issues_what_is_due_once(buyer) -> None:
    schedule = _schedule(buyer)
    first = run_recurring(date(2026, 3, 20), actor="test")
    assert first.issued == ["INV-2026-000001", "INV-2026-000002", "INV-2026-000003"] and first.failed == []
    again = run_recurring(date(2026, 3, 20), actor="test")
    assert again.issued == [] and again.already == 3
    later = run_recurring(date(2026, 12, 31), actor="test")
    assert len(later.issued) == 3 and later.already == 3  # April to June; nothing after the end date
    docs = list(BillingDocument.objects.filter(schedule=schedule).order_by("period_start"))
    assert [d.period_start for d in docs] == [date(2026, m, 15) for m in range(1, 7)]
    assert docs[0].period_end == date(2026, 2, 14) and docs[-1].period_end == date(
        2026, 6, 30
    )  # cut at the end date
    assert all(
        d.invoice.total_minor == 4900 + 2700 + 1596 for d in docs
    )  # 49 + 27 net, VAT 21 % of 76 = 15.96
    assert {d.issue_date for d in docs[:3]} == {date(2026, 3, 20)}
    ubl = read_ubl(archiving.read_archived(ArchivedDocument.objects.get(invoice=docs[0].invoice, kind="ubl")))
    assert (ubl.period.start, ubl.period.end) == (date(2026, 1, 15), date(2026, 2, 14))
    assert check([date(2026, 12, 31)]) == []


@pytest.mark.django_db
def test_quarterly_and_yearly_schedules(buyer) -> None:
    _schedule(buyer, frequency="quarterly", end_date=None)
    _schedule(buyer, frequency="yearly", start_date=date(2025, 7, 1), end_date=None, name="Licence")
    summary = run_recurring(date(2026, 12, 31), actor="test")
    assert len(summary.issued) == 4 + 2
    inactive = _schedule(buyer, active=False)
    assert run_recurring(date(2026, 12, 31), actor="test").issued == []
    assert not BillingDocument.objects.filter(schedule=inactive).exists()


@pytest.mark.django_db
def test_a_broken_schedule_is_reported_and_does_not_stop_the_others(buyer) -> None:
    _schedule(buyer, lines=[{"description": "No price"}])
    good = _schedule(buyer, name="Good")
    summary = run_recurring(date(2026, 1, 31), actor="test")
    assert len(summary.failed) == 1 and "unit_price" in summary.failed[0][1]
    assert BillingDocument.objects.filter(schedule=good).count() == 1


@pytest.mark.django_db
def test_recurring_run_command_is_idempotent(buyer, capsys) -> None:
    _schedule(buyer)
    call_command("recurring-run", "--as-of", "2026-02-20")
    assert "2 issued, 0 already issued" in capsys.readouterr().out
    call_command("recurring-run", "--as-of", "2026-02-20")
    assert "0 issued, 2 already issued" in capsys.readouterr().out
    assert Invoice.objects.count() == 2
