"""Issuing: ledger and journal, payment terms and references, validation gate, life cycle, immutability."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from billing_factories import line, make_customer, make_seller, request
from django.db.models import ProtectedError

from encaisse.billing import services
from encaisse.billing.models import BillingDocument, BillingLine, DocumentLocked, Status
from encaisse.billing.requests import InvalidRequest, read_request
from encaisse.core import references
from encaisse.ledger.checks import check
from encaisse.ledger.models import AuditEvent, Invoice, JournalLine

pytestmark = pytest.mark.django_db


def test_issuing_books_the_invoice_and_its_journal_entry(seller, buyer) -> None:
    doc = services.create_invoice(
        request(seller, buyer, line("Consulting", "10", "120.00"), line("Books", "2", "25", rate="6"),
                payment_terms="2/10 net 30"),
        actor="test",
    )  # fmt: skip
    assert doc.status == Status.ISSUED and doc.number == "INV-2026-000001"
    inv = Invoice.objects.get(pk=doc.invoice_id)
    assert (inv.net_minor, inv.vat_minor, inv.total_minor, inv.open_minor) == (125000, 25500, 150500, 150500)
    assert inv.issue_date == date(2026, 3, 2) and inv.due_date == date(2026, 4, 1)
    assert (inv.discount_percent, inv.discount_days) == (Decimal("2.00"), 10)
    assert inv.payment_terms == "2/10 net 30"
    assert inv.lines.count() == 2 and inv.total_functional_minor == 150500
    entry = {
        ln.account: (ln.debit_minor, ln.credit_minor)
        for ln in JournalLine.objects.filter(entry__source_id=inv.pk)
    }
    assert entry == {"receivables": (150500, 0), "revenue": (0, 125000), "vat_payable": (0, 25500)}
    assert check([date(2026, 3, 1), date(2026, 3, 2), date(2026, 12, 31)]) == []
    event = AuditEvent.objects.get(action="invoice.issued")
    assert event.data["number"] == "INV-2026-000001" and event.data["total_minor"] == 150500


def test_ogm_and_rf_references_come_from_the_number(seller, buyer) -> None:
    ogm = services.create_invoice(request(seller, buyer), actor="test")
    assert ogm.structured_reference == references.create_ogm("2026000001")
    assert references.is_valid_ogm(ogm.invoice.structured_reference)
    rf_entity = make_seller("fr", scheme="rf")
    rf = services.create_invoice(request(rf_entity, make_customer(rf_entity)), actor="test")
    assert rf.invoice.structured_reference == references.create_rf("2026000001") == "RF422026000001"


@pytest.mark.parametrize(
    ("terms", "due"),
    [("net 14", date(2026, 3, 16)), ("eom", date(2026, 3, 31)), ("net 30 eom", date(2026, 4, 30)),
     ("eom 10", date(2026, 4, 10)), ("due on receipt", date(2026, 3, 2))],
)  # fmt: skip
def test_payment_terms_set_the_due_date(seller, buyer, terms: str, due: date) -> None:
    doc = services.create_invoice(request(seller, buyer, payment_terms=terms), actor="test")
    assert doc.invoice.due_date == due and doc.invoice.discount_percent is None


def test_entity_defaults_apply_when_the_request_names_no_terms(buyer) -> None:
    entity = buyer.entity
    entity.billing_profile.payment_terms = "3/8 net 45"
    entity.billing_profile.save()
    doc = services.create_invoice(request(entity, buyer), actor="test")
    assert (doc.invoice.discount_percent, doc.invoice.discount_days) == (Decimal("3.00"), 8)
    assert doc.invoice.due_date == date(2026, 4, 16)


def test_an_invoice_with_fatal_findings_is_not_issued_and_uses_no_number(buyer) -> None:
    entity = buyer.entity
    entity.ibans = []  # credit transfer without an account: BR-61
    entity.save()
    draft = services.create_draft(read_request(request(entity, buyer)), actor="test")
    with pytest.raises(services.IssueRefused) as refused:
        services.issue(draft, actor="test")
    assert "BR-61" in {f.rule_id for f in refused.value.findings}
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.number == ""
    assert any(f["rule_id"] == "BR-61" and f["severity"] == "fatal" for f in draft.findings)
    assert not Invoice.objects.exists() and not JournalLine.objects.exists()
    assert AuditEvent.objects.filter(action="invoice.issue_refused").exists()
    entity.ibans = ["BE71096123456769"]
    entity.save()
    assert services.issue(draft, actor="test").number == "INV-2026-000001"  # the refused attempt left no gap


def test_validation_of_a_draft_reports_rule_ids(seller) -> None:
    customer = make_customer(seller, "X1", country="", vat="")  # no address: BR-10 / BR-11
    draft = services.create_draft(read_request(request(seller, customer)), actor="test")
    report = services.validate_draft(draft, actor="test")
    assert not report.is_valid
    draft.refresh_from_db()
    assert draft.validated_as == "en16931"  # no electronic address: not a Peppol delivery
    assert {"BR-10"} <= {f["rule_id"] for f in draft.findings if f["severity"] == "fatal"}


def test_peppol_rules_apply_when_the_buyer_has_an_electronic_address(seller, buyer) -> None:
    doc = services.create_invoice(request(seller, buyer), actor="test")
    assert doc.validated_as == "peppol"


def test_requests_report_every_problem_at_once(seller, buyer) -> None:
    bad = request(
        seller, buyer,
        line("", "1", "10"),
        line("Exempt", "1", "10", rate="0", category="E"),
        line("Zero standard", "1", "10", rate="0"),
        {"description": "Float", "quantity": 1.5, "unit_price": "3"},
        line("Odd", "1", "10", category="XX"),
        payment_terms="whenever",
    ) | {"customer": "NOPE"}  # fmt: skip
    with pytest.raises(InvalidRequest) as exc:
        read_request(bad)
    found = {(e.where, e.field) for e in exc.value.errors}
    assert {("", "customer_id"), ("", "payment_terms"), ("lines[1]", "description"),
            ("lines[2]", "exemption_reason"), ("lines[3]", "vat_rate"), ("lines[4]", "quantity"),
            ("lines[5]", "vat_category")} <= found  # fmt: skip
    assert not BillingDocument.objects.exists()


def test_foreign_currency_needs_a_rate(seller, buyer) -> None:
    with pytest.raises(InvalidRequest, match="exchange_rate"):
        read_request(request(seller, buyer, currency="USD"))


def test_numbers_are_given_at_issue_not_at_draft(seller, buyer) -> None:
    first = services.create_draft(read_request(request(seller, buyer)), actor="test")
    second = services.create_draft(read_request(request(seller, buyer)), actor="test")
    assert first.number == second.number == ""
    assert services.issue(second, actor="test").number == "INV-2026-000001"
    assert services.issue(first, actor="test").number == "INV-2026-000002"


def test_an_issued_invoice_is_never_edited_nor_deleted(seller, buyer) -> None:
    doc = services.create_invoice(request(seller, buyer), actor="test")
    with pytest.raises(DocumentLocked):
        services.update_draft(
            doc, read_request(request(seller, buyer, line("Changed", "1", "1"))), actor="test"
        )
    with pytest.raises(DocumentLocked):
        services.delete_draft(doc, actor="test")
    doc.note = "edited behind the service's back"
    with pytest.raises(DocumentLocked):
        doc.save()
    with pytest.raises(DocumentLocked):
        BillingDocument.objects.get(pk=doc.pk).delete()
    with pytest.raises(DocumentLocked):
        BillingDocument.objects.filter(pk=doc.pk).update(currency="USD")
    with pytest.raises(DocumentLocked):
        BillingDocument.objects.filter(pk=doc.pk).delete()
    billing_line = BillingLine.objects.get(document=doc)
    billing_line.unit_price = Decimal("1")
    with pytest.raises(DocumentLocked):
        billing_line.save()
    with pytest.raises(DocumentLocked):
        billing_line.delete()
    with pytest.raises(ProtectedError):
        Invoice.objects.get(pk=doc.invoice_id).delete()
    with pytest.raises(DocumentLocked):
        services.issue(doc, actor="test")
    assert BillingDocument.objects.get(pk=doc.pk).note == ""


def test_a_draft_can_be_edited_and_deleted(seller, buyer) -> None:
    draft = services.create_draft(read_request(request(seller, buyer)), actor="test")
    services.update_draft(draft, read_request(request(seller, buyer, line("New", "2", "10"))), actor="test")
    draft.refresh_from_db()
    assert (draft.net_minor, draft.vat_minor) == (2000, 420)
    services.delete_draft(draft, actor="test")
    assert not BillingDocument.objects.exists()


def test_a_credit_note_cancels_the_invoice(seller, buyer) -> None:
    doc = services.create_invoice(request(seller, buyer, line("Consulting", "3", "100")), actor="test")
    credit = services.credit_invoice(doc.invoice, actor="test", on=date(2026, 3, 5))
    assert credit.number == "CN-2026-000001" and credit.credited_id == doc.invoice_id
    doc.refresh_from_db()
    assert doc.status == Status.CANCELLED
    original, note = Invoice.objects.get(pk=doc.invoice_id), Invoice.objects.get(pk=credit.invoice_id)
    assert original.open_minor == 0 and note.open_minor == 0
    assert original.allocations.get().kind == "credit_note"
    assert check([date(2026, 3, 2), date(2026, 3, 5)]) == []
    assert AuditEvent.objects.filter(action="invoice.cancelled", object_id=str(original.pk)).exists()
    with pytest.raises(DocumentLocked):  # cancelled is final
        BillingDocument.objects.filter(pk=doc.pk).update(note="x")


def test_a_partial_credit_note_reduces_what_is_open(seller, buyer) -> None:
    doc = services.create_invoice(request(seller, buyer, line("Consulting", "3", "100")), actor="test")
    partial = request(
        seller, buyer, line("Consulting returned", "1", "100"), kind="credit_note", credits=doc.number
    )
    credit = services.create_invoice(partial, actor="test")
    assert credit.invoice.total_minor == 12100
    assert Invoice.objects.get(pk=doc.invoice_id).open_minor == 36300 - 12100
    doc.refresh_from_db()
    assert doc.status == Status.ISSUED
    assert check([date(2026, 3, 2)]) == []


def test_a_credit_note_is_not_dated_before_its_invoice(seller, buyer) -> None:
    doc = services.create_invoice(request(seller, buyer), actor="test")
    with pytest.raises(InvalidRequest, match="issue_date"):
        services.credit_invoice(doc.invoice, actor="test", on=date(2026, 3, 1))
    assert not Invoice.objects.filter(kind="credit_note").exists()


def test_json_requests_are_idempotent_by_key(seller, buyer) -> None:
    payload = request(seller, buyer, key="order-4711")
    first = services.create_invoice(payload, actor="api")
    again = services.create_invoice(payload, actor="api")
    assert again.pk == first.pk and Invoice.objects.count() == 1
