"""Aging and KPIs as of a date, with allocations recorded late (effective vs recorded date)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from encaisse.insights.reports import aging, kpis
from encaisse.ledger.importing import import_customers, import_invoices
from encaisse.ledger.models import Invoice
from encaisse.ledger.posting import AllocationRequest, post_allocations

CUSTOMERS = "id,name,country\nC1,Acme SA,BE\nC2,Beta BV,NL\n"
INVOICES = """number,customer_id,issue_date,due_date,currency,total,kind
I1,C1,2026-01-05,2026-02-04,EUR,1000.00,invoice
I2,C1,2026-02-10,2026-03-12,EUR,500.00,invoice
I3,C2,2026-03-01,2026-03-31,EUR,2000.00,invoice
I4,C2,2026-03-20,2026-04-19,EUR,300.00,invoice
CN1,C2,2026-03-25,2026-03-25,EUR,100.00,credit_note
"""


@pytest.fixture
def book(entity, write):  # type: ignore[no-untyped-def]
    import_customers(write("c.csv", CUSTOMERS))
    import_invoices(write("i.csv", INVOICES))
    return entity


def pay(entity, number: str, amount: str, on: date) -> None:  # type: ignore[no-untyped-def]
    inv = Invoice.objects.get(number=number)
    post_allocations(entity, [AllocationRequest(kind="invoice", amount_minor=int(Decimal(amount) * 100), currency="EUR",
                                                effective_date=on, invoice_id=inv.pk)])  # fmt: skip


def test_aging_buckets_by_days_past_due(book) -> None:  # type: ignore[no-untyped-def]
    [row] = aging([book.pk], date(2026, 4, 10))
    # I1 65 days past due → 61_90; I2 29 → 1_30; I3 10 → 1_30; I4 not due; CN1 16 days → 1_30 (negative)
    assert row.buckets == {"not_due": Decimal("300.00"), "1_30": Decimal("2400.00"), "31_60": Decimal("0.00"),
                           "61_90": Decimal("1000.00"), "91_120": Decimal("0.00"), "over_120": Decimal("0.00")}  # fmt: skip
    assert row.total == Decimal("3700.00")


def test_as_of_a_past_date_ignores_later_allocations(book) -> None:  # type: ignore[no-untyped-def]
    pay(book, "I1", "1000.00", date(2026, 3, 15))
    before = aging([book.pk], date(2026, 3, 14))[0]
    after = aging([book.pk], date(2026, 3, 15))[0]
    assert before.total - after.total == Decimal("1000.00")
    # invoices issued after the date are not there at all
    assert aging([book.pk], date(2026, 2, 1))[0].total == Decimal("1000.00")


def test_report_as_known_at_a_moment_reproduces_the_past(book) -> None:  # type: ignore[no-untyped-def]
    pay(book, "I2", "500.00", date(2026, 3, 1))
    computed_then = aging([book.pk], date(2026, 3, 31))[0].total
    moment = datetime.now(UTC)
    # recorded later, effective earlier (a payment found in last month's statement)
    pay(book, "I3", "2000.00", date(2026, 3, 20))
    assert aging([book.pk], date(2026, 3, 31))[0].total == computed_then - Decimal("2000.00")
    assert aging([book.pk], date(2026, 3, 31), known_at=moment)[0].total == computed_then
    assert (
        aging([book.pk], date(2026, 3, 31), known_at=moment + timedelta(days=1))[0].total
        == computed_then - 2000
    )


def test_aging_cache_path_equals_full_recomputation(book) -> None:  # type: ignore[no-untyped-def]
    pay(book, "I3", "1234.56", date(2026, 4, 1))
    as_of = date(2026, 5, 1)
    fast = aging([book.pk], as_of)  # no allocation after D: cached open amounts
    slow = aging([book.pk], as_of, known_at=datetime.now(UTC) + timedelta(days=1))  # forces the summing path
    assert [r.as_dict() for r in fast] == [r.as_dict() for r in slow]


def test_kpis_match_hand_computation(book) -> None:  # type: ignore[no-untyped-def]
    pay(book, "I1", "1000.00", date(2026, 3, 6))  # 60 days after issue, 30 beyond terms
    [k] = kpis([book.pk], date(2026, 3, 31), days=90)
    v = k.values
    # receivables: I2 500 + I3 2000 + I4 300 − CN 100 = 2700; sales Jan 1–Mar 31: 3800 − 100 = 3700
    assert v["receivables"] == Decimal("2700.00")
    assert v["credit_sales"] == Decimal("3700.00")
    assert v["dso"] == Decimal("65.68")  # 2700 / 3700 × 90
    assert v["current_receivables"] == Decimal(
        "2300.00"
    )  # I3 due 31 Mar (not yet past) + I4; CN1 is past due
    assert v["best_possible_dso"] == Decimal("55.95")  # 2300 / 3700 × 90
    assert v["add"] == Decimal("9.73")
    assert v["overdue_count"] == 1  # I2
    assert v["overdue_amount"] == Decimal("500.00")
    assert v["average_days_to_pay"] == Decimal("60.00")
    assert v["average_days_beyond_terms"] == Decimal("30.00")
    # countback: Mar sales 2200 (I3 + I4 − CN) → 2700 − 2200 = 500 left, Feb (28 days) sales 500 → 28 days
    assert v["dso_countback"] == Decimal("59.00")
    # CEI: opening (31 Dec) 0, sales 3700, closing 2700, closing current 2300 → 1000 / 1400
    assert v["cei"] == Decimal("71.43")


def test_commands_json_contract(book, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("aging", "--as-of", "2026-04-10", "--format", "json")
    doc = json.loads(capsys.readouterr().out)
    assert doc["rows"][0]["total"] == "3700.00"
    assert set(doc["buckets"]) <= set(doc["rows"][0])
    call_command("kpis", "--as-of", "2026-03-31", "--days", "90", "--format", "json")
    k = json.loads(capsys.readouterr().out)
    for key in ("dso", "dso_countback", "best_possible_dso", "add", "cei", "overdue_count", "overdue_amount",
                "average_days_to_pay", "average_days_beyond_terms", "bad_debt_ratio", "top10_share", "customer_retention"):  # fmt: skip
        assert key in k
    call_command("aging", "--as-of", "2026-04-10", "--format", "csv")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "entity,currency,not_due,1_30,31_60,61_90,91_120,over_120,total"
    assert lines[1].endswith(",3700.00")
