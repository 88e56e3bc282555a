"""Deduction cases in bulk: the same cases, history, audit events and webhooks as one at a time."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from cashapp_book import CUSTOMERS, OGM1, OWN_IBAN, invoices_csv, load, tx
from django.db import transaction

from encaisse.cases import services
from encaisse.cases.models import Case, CaseEvent, CaseType
from encaisse.cashapp import services as cashapp
from encaisse.core.references import format_ogm
from encaisse.ledger import audit
from encaisse.ledger.checks import check
from encaisse.ledger.importing import import_customers, import_invoices
from encaisse.ledger.models import Allocation, AuditEvent, Invoice, Receipt
from encaisse.ledger.posting import AllocationRequest, post_allocations
from encaisse.webhooks.models import WebhookEndpoint, WebhookEvent

DAY = date(2026, 3, 5)


@pytest.fixture
def book(entity, write):  # type: ignore[no-untyped-def]
    entity.ibans = [OWN_IBAN]
    entity.save()
    import_customers(write("c.csv", CUSTOMERS))
    import_invoices(write("i.csv", invoices_csv()))
    WebhookEndpoint.objects.create(
        entity=entity, url="https://erp.example.com/hooks", secret="s", events=["*"]
    )
    return entity


def deduct(entity: Any, number: str, paid: int, deducted: int, note: str) -> int:
    """A receipt that pays ``paid`` of the invoice and deducts ``deducted`` (minor units); its id."""
    inv = Invoice.objects.get(number=number)
    receipt = Receipt.objects.create(entity=entity, customer_id=inv.customer_id, amount_minor=paid, currency="EUR",
                                     value_date=DAY, reference=f"pays {number}")  # fmt: skip
    post_allocations(entity, [
        AllocationRequest(kind="invoice", amount_minor=paid, currency="EUR", effective_date=DAY, invoice_id=inv.pk,
                          receipt_id=receipt.pk),
        AllocationRequest(kind="deduction", amount_minor=deducted, currency="EUR", effective_date=DAY,
                          invoice_id=inv.pk, receipt_id=receipt.pk, note=note),
    ])  # fmt: skip
    return receipt.pk


def snapshot(after_sequence: int) -> dict[str, Any]:
    """What opening wrote, with case ids replaced by their rank (the two ways number cases differently)."""
    cases = list(Case.objects.filter(deduction__isnull=False).order_by("id"))
    rank = {c.pk: n for n, c in enumerate(cases)}
    hooks = [e.payload["data"]["case"] for e in WebhookEvent.objects.filter(type="case.opened")]
    return {
        "cases": [
            (c.customer_id, c.type, c.status, c.source, c.reason.code, c.currency, c.amount_minor, c.opened_on,
             c.due_date, c.opened_by, c.summary, c.recurring, c.deduction_id,
             [(i.invoice_id, i.amount_minor, i.currency, i.lines) for i in c.items.order_by("id")])
            for c in cases
        ],
        "events": [
            (rank[e.case_id], e.actor, e.kind, e.from_status, e.to_status, e.text, e.data)
            for e in CaseEvent.objects.filter(case_id__in=rank).order_by("case_id", "id")
        ],
        "audit": [
            (a.action, a.actor, a.entity_id, a.object_type, rank[int(a.object_id)], a.data)
            for a in AuditEvent.objects.filter(sequence__gt=after_sequence).order_by("sequence")
        ],
        "webhooks": sorted(
            ({**case, "id": rank[case["id"]], "reference": ""} for case in hooks if case["id"] in rank),
            key=lambda case: case["id"],
        ),
    }  # fmt: skip


def both_ways(entity: Any, receipts: list[int]) -> tuple[dict[str, Any], dict[str, Any], list[Case]]:
    """Open the deductions' cases one at a time (then roll back), then in bulk; what each wrote."""
    last = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    ids = list(
        Allocation.objects.filter(kind="deduction", receipt_id__in=receipts).values_list("pk", flat=True)
    )
    with transaction.atomic():
        one_by_one = services.open_deduction_cases(entity, ids, on=DAY)
        expected = snapshot(last)
        transaction.set_rollback(True)
    assert len(one_by_one) == len(ids) and not Case.objects.filter(deduction__isnull=False).exists()
    opened = services.open_deduction_cases_bulk(entity, receipts, on=DAY)
    return snapshot(last), expected, opened


def test_bulk_opens_what_one_at_a_time_opens(book) -> None:  # type: ignore[no-untyped-def]
    # two earlier pricing cases make pricing the customer's recurring reason
    for _ in range(2):
        services.open_case(book, type=CaseType.DISPUTE, items=[services.ItemRequest(Invoice.objects.get(number="F-2026-0106"))],
                           reason="pricing", actor="clerk", on=DAY)  # fmt: skip
    receipts = [
        deduct(book, "F-2026-0101", 120000, 1000, "minus damaged pallet"),
        deduct(book, "F-2026-0103", 10000, 200, "promo spring"),
        deduct(book, "F-2026-0103", 5000, 100, "promo again"),
        deduct(book, "F-2026-0105", 90000, 10000, ""),  # no reason given: the recurring pricing
        deduct(book, "F-2026-0102", 49000, 1000, ""),  # no reason, no recurring one: other
        deduct(book, "F-2026-0104", 24000, 200, ""),  # recurring: the two promotions of this very batch
    ]
    bulk, expected, opened = both_ways(book, receipts)
    assert bulk == expected
    assert len(opened) == 6 and all(c.pk for c in opened)
    assert [c.reason.code for c in opened] == [
        "damaged_goods",
        "promotion",
        "promotion",
        "pricing",
        "other",
        "promotion",
    ]
    assert [c.recurring for c in opened] == [False, False, False, True, False, True]
    assert len(bulk["audit"]) == 6 and len(bulk["webhooks"]) == 6
    assert list(audit.verify_chain()) == []
    # idempotent: the deductions have their cases
    assert services.open_deduction_cases_bulk(book, receipts, on=DAY) == []
    assert Case.objects.filter(type=CaseType.DEDUCTION).count() == 6
    assert check([date(2026, 3, 31)]) == []


def test_cash_applications_evidence_gives_the_same_reasons(book, write, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The engine's reasons, read from the decisions' rows or handed over by cash application."""
    monkeypatch.setattr(
        services, "open_deduction_cases_bulk", lambda *a, **k: []
    )  # match posts, opens nothing
    load(write, [tx(1, "1206.50", text=format_ogm(OGM1), ref=OGM1),  # bank charges
                 tx(2, "237.00", name="Bakkerij Peeters", text="F-2026-0103 minus 5.00 damaged")])  # fmt: skip
    cashapp.match(book, today=date(2026, 3, 6))
    monkeypatch.undo()
    receipts = sorted(
        {r for r in Allocation.objects.filter(kind="deduction").values_list("receipt_id", flat=True)}
    )
    assert receipts
    bulk, expected, _ = both_ways(book, receipts)
    assert bulk == expected
    assert "bank_charges" in {c[4] for c in bulk["cases"]}


def test_a_deduction_that_cannot_open_a_case_refuses_them_all(book) -> None:  # type: ignore[no-untyped-def]
    good = deduct(book, "F-2026-0101", 120000, 1000, "damaged")
    credit = Invoice.objects.get(number="F-2026-0106")
    Invoice.objects.filter(pk=credit.pk).update(kind="credit_note")
    bad = deduct(book, "F-2026-0106", 29000, 1000, "damaged")
    with pytest.raises(services.CaseError, match="F-2026-0106 is a credit note"):
        services.open_deduction_cases_bulk(book, [good, bad], on=DAY)
    assert Case.objects.count() == 0 and CaseEvent.objects.count() == 0
