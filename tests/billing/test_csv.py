"""issue-invoices: CSV rows grouped into invoices, every bad row reported, all or nothing, never twice."""

from __future__ import annotations

import json

import pytest
from billing_factories import make_customer
from django.core.management import call_command
from django.core.management.base import CommandError

from encaisse.billing.models import BillingDocument
from encaisse.billing.requests import InvalidRequest
from encaisse.billing.services import CsvRefused, issue_csv
from encaisse.ledger.models import Invoice

pytestmark = pytest.mark.django_db

HEADER = ("key,customer_id,issue_date,currency,description,quantity,unit,unit_price,discount_percent,vat_rate,"
          "vat_category,exemption_reason,payment_terms\n")  # fmt: skip
GOOD = HEADER + (
    "A-1,C1,2026-03-02,EUR,Consulting,10,HUR,120.00,,21,S,,net 30\n"
    "A-1,,,,Travel,1,C62,80.00,,21,S,,\n"
    "A-2,C2,2026-03-02,EUR,Training,2,DAY,500,5,0,E,Article 44 §2 4° VAT Code,2/10 net 30\n"
    "A-1,,,,Books,3,C62,12.50,,6,S,,\n"
)


@pytest.fixture
def customers(seller, buyer):  # type: ignore[no-untyped-def]
    return buyer, make_customer(seller, "C2", name="Ecole SA", vat="")


def test_rows_are_grouped_into_invoices(customers, write) -> None:
    summary = issue_csv(write("lines.csv", GOOD), actor="test")
    assert summary.issued == ["INV-2026-000001", "INV-2026-000002"] and summary.rows == 4
    first = Invoice.objects.get(number="INV-2026-000001")
    assert [ln.description for ln in first.lines.all()] == ["Consulting", "Travel", "Books"]
    assert (first.net_minor, first.vat_minor) == (
        131750,
        27105,
    )  # 1200 + 80 at 21 % (268.80) + 37.50 at 6 % (2.25)
    second = Invoice.objects.get(number="INV-2026-000002")
    assert (second.net_minor, second.vat_minor, second.discount_percent) == (95000, 0, 2)
    assert BillingDocument.objects.get(invoice=second).key == "A-2"


def test_running_the_same_file_twice_issues_nothing_twice(customers, write, capsys) -> None:
    path = write("lines.csv", GOOD)
    call_command("issue-invoices", str(path))
    assert "2 issued (INV-2026-000001 … INV-2026-000002), 0 already issued" in capsys.readouterr().out
    call_command("issue-invoices", str(path), "--format", "json")
    result = json.loads(capsys.readouterr().out)
    assert result["issued"] == [] and result["known"] == ["INV-2026-000001", "INV-2026-000002"]
    assert Invoice.objects.count() == 2


def test_every_bad_row_is_listed_and_nothing_is_issued(customers, write, capsys) -> None:
    bad = HEADER + (
        "B-1,C1,2026-03-02,EUR,Consulting,10,HUR,abc,,21,S,,net 30\n"
        "B-1,C9,,,Travel,1,C62,80.00,,21,S,,\n"
        ",C1,2026-03-02,EUR,Orphan,1,C62,1,,21,S,,\n"
        "B-2,C2,2026-13-40,EUR,Training,2,DAY,500,,0,E,,soon\n"
        "B-3,C1,2026-03-02,EUR,Fine,1,C62,10,,21,S,,\n"
    )
    with pytest.raises(InvalidRequest) as exc:
        issue_csv(write("bad.csv", bad), actor="test")
    found = {(e.where, e.field) for e in exc.value.errors}
    assert {("line 2", "unit_price"), ("line 3", "customer_id"), ("line 4", "key"), ("line 5", "issue_date"),
            ("line 5", "payment_terms"), ("line 5", "exemption_reason")} <= found  # fmt: skip
    assert not Invoice.objects.exists() and not BillingDocument.objects.exists()
    with pytest.raises(CommandError, match="nothing issued"):
        call_command("issue-invoices", str(write("bad.csv", bad)))
    err = capsys.readouterr().err
    assert "line 2, unit_price: not a number" in err and "line 5, issue_date: not a date" in err


def test_one_invoice_failing_validation_stops_the_whole_file(customers, write) -> None:
    customers[1].country = ""  # no postal address: BR-10 on this customer's invoice
    customers[1].save()
    with pytest.raises(CsvRefused) as exc:
        issue_csv(write("lines.csv", GOOD), actor="test")
    assert [key for key, _refusal in exc.value.refusals] == ["A-2"]
    assert "BR-10" in str(exc.value)
    assert not Invoice.objects.exists()


def test_a_json_file_of_requests(customers, write, capsys) -> None:
    items = [{"key": "J-1", "customer": "C1", "issue_date": "2026-03-02",
              "lines": [{"description": "Audit", "quantity": "1", "unit_price": "900", "vat_rate": "21"}]}]  # fmt: skip
    path = write("requests.json", json.dumps(items))
    call_command("issue-invoices", str(path))
    call_command("issue-invoices", str(path))
    assert "0 issued, 1 already issued" in capsys.readouterr().out.splitlines()[-1]
    assert Invoice.objects.get().total_minor == 108900
