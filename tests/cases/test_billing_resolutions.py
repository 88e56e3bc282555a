"""Credit notes and rebills through billing for invoices billing issued."""

from __future__ import annotations

from datetime import date

import pytest
from cases_book import DAYS, issue_invoice, make_billing_ready

from encaisse.billing.models import BillingDocument
from encaisse.cases import services
from encaisse.cases.models import CaseType
from encaisse.cases.services import CaseError, ItemRequest
from encaisse.ledger.checks import check
from encaisse.ledger.models import DocumentKind, Invoice

ON = date(2026, 3, 20)


@pytest.fixture
def issued(entity):  # type: ignore[no-untyped-def]
    customer = make_billing_ready(entity)
    return issue_invoice(entity, customer)  # 1000.00 + 21 % VAT = 1210.00


def open_on(inv: Invoice, amount: int) -> object:
    return services.open_case(inv.entity, type=CaseType.DISPUTE, items=[ItemRequest(inv, amount)], reason="pricing",
                              actor="clerk", on=ON)  # fmt: skip


def test_partial_credit_note_is_issued_by_billing(issued) -> None:  # type: ignore[no-untyped-def]
    assert issued.total_minor == 121000
    case = services.resolve(open_on(issued, 12100), "credit_note", actor="clerk", on=ON)
    note = BillingDocument.objects.get(kind=DocumentKind.CREDIT_NOTE)
    assert note.total_minor == 12100 and note.credited_id == issued.pk
    assert case.documents == [note.number]
    assert Invoice.objects.get(pk=issued.pk).open_minor == 121000 - 12100
    assert check(DAYS) == []


def test_full_credit_note_cancels_the_invoice(issued) -> None:  # type: ignore[no-untyped-def]
    services.resolve(open_on(issued, 121000), "credit_note", actor="clerk", on=ON)
    assert Invoice.objects.get(pk=issued.pk).open_minor == 0
    assert BillingDocument.objects.get(invoice=issued).status == "cancelled"
    assert check(DAYS) == []


def test_rebill_credits_the_amount_and_issues_a_new_invoice(issued) -> None:  # type: ignore[no-untyped-def]
    case = services.resolve(open_on(issued, 24200), "rebill", actor="clerk", on=ON)
    credit_number, rebill_number = case.documents
    rebill = Invoice.objects.get(number=rebill_number)
    assert (rebill.kind, rebill.total_minor, rebill.open_minor, rebill.issue_date) == (
        "invoice",
        24200,
        24200,
        ON,
    )
    assert Invoice.objects.get(number=credit_number).kind == DocumentKind.CREDIT_NOTE
    assert Invoice.objects.get(pk=issued.pk).open_minor == 121000 - 24200
    assert check(DAYS) == []


def test_rebill_needs_an_entity_set_up_for_billing(entity, write) -> None:  # type: ignore[no-untyped-def]
    from cases_book import invoice, load_book

    load_book(entity, write)
    case = open_on(invoice("B-1"), 1000)
    with pytest.raises(CaseError, match="not set up for billing"):
        services.resolve(case, "rebill", actor="clerk", on=ON)
    assert invoice("B-1").open_minor == 121000 and not Invoice.objects.filter(kind="credit_note").exists()
