"""Cases through the database: life cycle, each resolution's accounting, approval, deductions, attachments."""

from __future__ import annotations

from datetime import date

import pytest
from cases_book import DAYS, invoice

from encaisse.cases import services
from encaisse.cases.models import Case, CaseEvent, CaseSettings, CaseStatus, CaseType, ReasonCode
from encaisse.cases.services import CaseError, ItemRequest, Upload
from encaisse.ledger.archive import ArchiveStore
from encaisse.ledger.checks import check
from encaisse.ledger.models import Allocation, AuditEvent, Customer, DocumentKind, Invoice
from encaisse.ledger.posting import AllocationRequest, post_allocations

ON = date(2026, 3, 20)


def dispute(ledger, number: str = "B-1", amount: int | None = None, reason: str = "pricing") -> Case:  # type: ignore[no-untyped-def]
    return services.open_case(ledger["be"], type=CaseType.DISPUTE, items=[ItemRequest(invoice(number), amount)],
                              reason=reason, actor="clerk", on=ON)  # fmt: skip


def test_reason_codes_are_seeded_once_per_entity(ledger) -> None:  # type: ignore[no-untyped-def]
    codes = [r.code for r in services.ensure_reason_codes(ledger["be"])]
    assert codes[:3] == ["pricing", "quantity", "damaged_goods"] and "early_payment_discount" in codes
    assert len(codes) == 10
    services.ensure_reason_codes(ledger["be"])
    assert ReasonCode.objects.filter(entity=ledger["be"]).count() == 10


def test_life_cycle_and_allowed_transitions(ledger) -> None:  # type: ignore[no-untyped-def]
    CaseSettings.objects.create(entity=ledger["be"], dispute_sla_days=10)
    case = dispute(ledger, amount=20000)
    assert (case.status, case.amount_minor, case.due_date) == ("open", 20000, date(2026, 3, 30))
    for step in ("investigating", "waiting_customer", "investigating", "waiting_internal"):
        case = services.transition(case, step, actor="clerk")
        assert case.status == step
    with pytest.raises(CaseError, match="no move from waiting_internal to resolved"):
        services.transition(case, CaseStatus.RESOLVED, actor="clerk")
    with pytest.raises(CaseError, match="no move"):
        services.transition(case, "open", actor="clerk")
    case = services.resolve(case, "rejected", actor="clerk", on=ON)
    assert case.status == "resolved" and case.outcome == "rejected"
    with pytest.raises(CaseError, match="no move from resolved"):
        services.transition(case, "investigating", actor="clerk")
    with pytest.raises(CaseError, match="cannot be resolved"):
        services.resolve(case, "write_off", actor="clerk")
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["opened", "moved", "moved", "moved", "moved", "resolved"]
    actions = list(
        AuditEvent.objects.filter(object_type="case", object_id=str(case.pk)).values_list("action", flat=True)
    )
    assert actions == ["case.opened"] + ["case.moved"] * 4 + ["case.resolved"]
    assert invoice("B-1").open_minor == 121000  # a rejection credits nothing


def test_opening_refuses_bad_requests_and_lists_every_problem(ledger) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CaseError) as err:
        services.open_case(ledger["be"], type="complaint", reason="nonsense", actor="clerk",
                           items=[ItemRequest(invoice("B-1"), 999999999), ItemRequest(invoice("F-1"), 100)])  # fmt: skip
    text = str(err.value)
    assert "unknown case type" in text and "unknown reason 'nonsense'" in text
    assert "beyond its open amount" in text and "F-1 is not of entity be" in text
    assert "one customer" in text
    assert Case.objects.count() == 0


def test_disputed_invoice_ids_while_open_only(ledger) -> None:  # type: ignore[no-untyped-def]
    be, fr = ledger["be"].pk, ledger["fr"].pk
    case = services.open_case(ledger["be"], type=CaseType.DISPUTE, reason="quantity", actor="clerk",
                              items=[ItemRequest(invoice("B-1"), 1000), ItemRequest(invoice("B-2"), 500)])  # fmt: skip
    assert case.amount_minor == 1500
    assert services.disputed_invoice_ids([be]) == {invoice("B-1").pk, invoice("B-2").pk}
    assert services.disputed_invoice_ids([fr]) == set()
    services.transition(case, "waiting_customer", actor="clerk")
    assert len(services.disputed_invoice_ids([be, fr])) == 2
    services.resolve(case, "rejected", actor="clerk", on=ON)
    assert services.disputed_invoice_ids([be]) == set()


def test_credit_note_full_and_partial_at_ledger_level(ledger) -> None:  # type: ignore[no-untyped-def]
    partial = dispute(ledger, "B-1", 20000)
    services.resolve(partial, "credit_note", actor="clerk", amount_minor=15000, on=ON)
    assert invoice("B-1").open_minor == 121000 - 15000
    note = Invoice.objects.get(credited_invoice=invoice("B-1"))
    assert (note.kind, note.total_minor, note.open_minor) == (DocumentKind.CREDIT_NOTE, 15000, 0)
    assert Case.objects.get(pk=partial.pk).documents == [note.number]
    full = dispute(ledger, "B-2")
    assert full.amount_minor == 50000
    services.resolve(full, "credit_note", actor="clerk", on=ON)
    assert invoice("B-2").open_minor == 0
    assert check(DAYS) == []


def test_credit_note_beyond_the_case_amount_is_refused(ledger) -> None:  # type: ignore[no-untyped-def]
    case = dispute(ledger, "B-1", 20000)
    with pytest.raises(CaseError, match=r"at most 200\.00"):
        services.resolve(case, "credit_note", actor="clerk", amount_minor=20001, on=ON)
    assert Case.objects.get(pk=case.pk).status == "open" and invoice("B-1").open_minor == 121000


def test_write_off_within_the_limit_is_posted_at_once(ledger, people) -> None:  # type: ignore[no-untyped-def]
    case = dispute(ledger, "B-3", reason="damaged_goods")
    CaseSettings.objects.create(entity=ledger["be"], write_off_limit_minor=30000)
    case = services.resolve(case, "write_off", user=people["clerk"], on=ON)
    assert case.status == "resolved"
    inv = invoice("B-3")
    assert inv.open_minor == 0 and inv.written_off and inv.status(ON) == "written_off"
    assert list(Allocation.objects.filter(invoice=inv).values_list("kind", "amount_minor")) == [
        ("write_off", 24200)
    ]
    assert check(DAYS) == []


def test_write_off_over_the_limit_needs_another_person(ledger, people) -> None:  # type: ignore[no-untyped-def]
    case = dispute(ledger, "B-1", 50000)  # default limit: 100.00
    case = services.resolve(case, "write_off", user=people["clerk"], on=ON, note="customer is bankrupt")
    assert case.status == "pending_approval"
    assert invoice("B-1").open_minor == 121000 and not Allocation.objects.exists()
    assert invoice("B-1").pk in services.disputed_invoice_ids([ledger["be"].pk])
    with pytest.raises(CaseError, match="another person"):
        services.approve_write_off(case, user=people["clerk"])
    with pytest.raises(CaseError, match="no move"):
        services.transition(case, "investigating", actor="clerk")
    case = services.decline_write_off(case, user=people["manager"], note="try the customer again")
    assert case.status == "investigating" and not Allocation.objects.exists()
    case = services.resolve(case, "write_off", user=people["clerk"], on=ON)
    case = services.approve_write_off(case, user=people["manager"], on=ON)
    assert (case.status, case.outcome, case.approved_by, case.resolved_amount_minor) == (
        "resolved", "write_off", people["manager"], 50000)  # fmt: skip
    assert invoice("B-1").open_minor == 71000
    assert check(DAYS) == []
    with pytest.raises(CaseError, match="no write-off waiting"):
        services.approve_write_off(case, user=people["manager"])


def test_attachments_are_archived_with_their_hash(ledger, private_archive) -> None:  # type: ignore[no-untyped-def]
    case = dispute(ledger)
    row = services.attach(case, Upload("../proof of delivery.pdf", b"%PDF-1.7 signed", "application/pdf"),
                          actor="clerk")  # fmt: skip
    assert row.filename == "proof of delivery.pdf" and row.size == 15
    assert ArchiveStore(private_archive).get(row.sha256) == b"%PDF-1.7 signed"
    assert CaseEvent.objects.filter(case=case, kind="attached", data__sha256=row.sha256).exists()
    with pytest.raises(CaseError, match="empty"):
        services.attach(case, Upload("empty.txt", b""), actor="clerk")


def test_comments_and_owner_are_history(ledger, people) -> None:  # type: ignore[no-untyped-def]
    case = dispute(ledger)
    services.assign(case, people["clerk"], user=people["manager"])
    services.add_comment(case, "  Called the buyer  ", user=people["clerk"])
    with pytest.raises(CaseError):
        services.add_comment(case, "   ", actor="clerk")
    events = list(CaseEvent.objects.filter(case=case).values_list("kind", "actor", "text"))
    assert events[1:] == [("assigned", "manager", "clerk"), ("comment", "clerk", "Called the buyer")]
    assert Case.objects.get(pk=case.pk).owner == people["clerk"]


def test_portal_dispute_is_the_customers_own(ledger) -> None:  # type: ignore[no-untyped-def]
    c1, c2 = Customer.objects.get(external_id="C1"), Customer.objects.get(external_id="C2")
    with pytest.raises(CaseError, match="not an invoice of"):
        services.open_dispute_from_portal(c2, invoice("B-1"), reason="pricing", message="wrong price")
    case = services.open_dispute_from_portal(c1, invoice("B-1"), reason="not_received", amount_minor=12100,
                                             message="pallet 3 never arrived",
                                             attachments=[Upload("cmr.jpg", b"\xff\xd8photo", "image/jpeg")])  # fmt: skip
    assert (case.source, case.type, case.opened_by, case.summary) == (
        "portal", "dispute", "portal:C1", "pallet 3 never arrived")  # fmt: skip
    assert case.attachments.count() == 1


def deduction(ledger, number: str, minor: int, note: str = "deduction taken by the customer") -> Allocation:  # type: ignore[no-untyped-def]
    inv = invoice(number)
    post_allocations(ledger["be"], [AllocationRequest(kind="deduction", amount_minor=minor, currency="EUR",
                                                      effective_date=date(2026, 3, 10), invoice_id=inv.pk,
                                                      note=note)])  # fmt: skip
    return Allocation.objects.filter(invoice=inv, kind="deduction").latest("id")


def test_deduction_rejected_reopens_the_invoice_for_collections(ledger) -> None:  # type: ignore[no-untyped-def]
    a = deduction(ledger, "B-2", 5000, note="moins palette endommagée")
    assert invoice("B-2").open_minor == 45000
    (case,) = services.open_deduction_cases(ledger["be"], [a.pk])
    assert (case.type, case.source, case.reason.code, case.amount_minor) == (
        "deduction", "cash_application", "damaged_goods", 5000)  # fmt: skip
    assert services.open_deduction_cases(ledger["be"], [a.pk]) == []  # idempotent
    assert Case.objects.count() == 1
    services.resolve(case, "rejected", actor="clerk", on=ON)
    assert invoice("B-2").open_minor == 50000
    assert Allocation.objects.get(reverses=a).amount_minor == -5000
    assert services.disputed_invoice_ids([ledger["be"].pk]) == set()
    assert check(DAYS) == []


def test_deduction_accepted_as_credit_note_or_partly_written_off(ledger) -> None:  # type: ignore[no-untyped-def]
    a = deduction(ledger, "B-1", 10000)
    b = deduction(ledger, "B-3", 2000)
    first, second = services.open_deduction_cases(ledger["be"], [a.pk, b.pk])
    services.resolve(first, "credit_note", actor="clerk", on=ON)
    assert invoice("B-1").open_minor == 121000 - 10000 - 0  # the deduction is now a credit note
    assert Allocation.objects.filter(invoice=invoice("B-1"), kind="credit_note").get().amount_minor == 10000
    services.resolve(second, "write_off", actor="clerk", amount_minor=1500, on=ON)
    assert invoice("B-3").open_minor == 24200 - 1500  # the 5.00 not accepted is owed again
    assert check(DAYS) == []


def test_recurring_deduction_proposes_the_customers_usual_reason(ledger) -> None:  # type: ignore[no-untyped-def]
    for _ in range(2):
        dispute(ledger, "B-1", 100, reason="promotion")
    a = deduction(ledger, "B-2", 700)
    (case,) = services.open_deduction_cases(ledger["be"], [a.pk])
    assert case.reason.code == "promotion" and case.recurring
    assert "recurring: 2 earlier promotion cases" in case.summary
