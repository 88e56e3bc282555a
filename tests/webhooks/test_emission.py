"""Each event type, emitted by the real use case and received by a real HTTP server; nothing when nobody listens."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from cashapp_book import CUSTOMERS, OGM1, OWN_IBAN, invoices_csv, load, tx
from django.db import transaction
from webhook_factories import endpoint, issue_invoice, make_seller

from encaisse.cases import services as cases
from encaisse.cases.models import CaseType
from encaisse.cashapp import services as cashapp
from encaisse.core.references import format_ogm
from encaisse.delivery import services as delivery
from encaisse.delivery.tokens import make_token
from encaisse.ledger.importing import import_customers, import_invoices
from encaisse.ledger.models import Invoice, Receipt
from encaisse.ledger.posting import AllocationRequest, post_allocations
from encaisse.webhooks import emit, emit_many
from encaisse.webhooks.emitting import UnknownEventType
from encaisse.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEvent

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def events(kind: str) -> list[dict]:  # type: ignore[type-arg]
    return [e.payload for e in WebhookEvent.objects.filter(type=kind).order_by("created_at")]


def test_issuing_an_invoice_sends_a_signed_invoice_issued(  # type: ignore[no-untyped-def]
    seller, customer, receiver, immediate_jobs, django_capture_on_commit_callbacks
) -> None:
    ep, secret = endpoint(seller, receiver.url)
    receiver.state.secret = secret
    with django_capture_on_commit_callbacks(execute=True):
        inv = issue_invoice(seller, customer)
    assert len(receiver.received) == 1
    got = receiver.received[0]
    assert got.verified, got.headers
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["Encaisse-Event-Type"] == "invoice.issued"
    body = got.json
    assert body["id"] == got.headers["Encaisse-Event-Id"]
    assert (body["type"], body["entity"]) == ("invoice.issued", "be")
    assert ISO_UTC.match(body["created"])
    assert body["data"]["invoice"] == {
        "id": inv.pk, "number": inv.number, "kind": "invoice", "customer": {"id": customer.pk, "external_id": "C1"},
        "issue_date": "2026-03-02", "due_date": inv.due_date.isoformat(), "currency": "EUR", "net": "1000.00",
        "vat": "210.00", "total": "1210.00", "open": "1210.00", "structured_reference": inv.structured_reference,
        "credits": None,
    }  # fmt: skip
    d = WebhookDelivery.objects.get()
    assert (d.endpoint_id, d.status, d.attempts, d.last_status_code) == (
        ep.pk,
        DeliveryStatus.SUCCEEDED,
        1,
        200,
    )
    attempt = WebhookAttempt.objects.get(delivery=d)
    assert attempt.status_code == 200 and attempt.response_excerpt == '{"ok":true}'


def test_a_credit_note_reports_the_invoice_it_credits_and_pays_it(seller, customer) -> None:  # type: ignore[no-untyped-def]
    from encaisse.billing.services import credit_invoice

    inv = issue_invoice(seller, customer)
    endpoint(seller, "https://erp.example.com/hooks", "invoice.issued", "invoice.paid")
    note = credit_invoice(inv, actor="test").invoice
    issued = events("invoice.issued")
    assert len(issued) == 1
    data = issued[0]["data"]["invoice"]
    assert (data["number"], data["kind"], data["credits"]) == (
        note.number,
        "credit_note",
        {"id": inv.pk, "number": inv.number},
    )
    assert data["open"] == "0.00"  # applied while it was issued
    paid = events("invoice.paid")
    assert [p["data"]["invoice"]["number"] for p in paid] == [
        inv.number
    ]  # the credit note itself is not "paid"
    assert paid[0]["data"]["settled_by"] == ["credit_note"] and paid[0]["data"]["written_off"] is False


def test_nothing_is_written_when_no_endpoint_listens(seller, customer, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    other = make_seller("fr")
    endpoint(other, "https://erp.example.com/fr")  # another entity's endpoint
    endpoint(seller, "https://erp.example.com/cases", "case.opened")  # another event type
    disabled, _ = endpoint(seller, "https://erp.example.com/old")
    from encaisse.webhooks.services import disable_endpoint

    disable_endpoint(disabled, actor="test")
    inv = issue_invoice(seller, customer)
    assert WebhookEvent.objects.count() == 0 and WebhookDelivery.objects.count() == 0
    with django_assert_num_queries(1):  # the one subscription check
        emit(seller, "invoice.paid", {"invoice": {"id": inv.pk}})
    assert WebhookEvent.objects.count() == 0


def test_a_rolled_back_change_leaves_no_event_and_sends_nothing(  # type: ignore[no-untyped-def]
    seller, customer, receiver, immediate_jobs, django_capture_on_commit_callbacks
) -> None:
    endpoint(seller, receiver.url)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        issue_invoice(seller, customer)
        assert WebhookEvent.objects.count() == 1  # written in the caller's transaction…
        raise RuntimeError("the caller fails after issuing")
    assert WebhookEvent.objects.count() == 0  # …and gone with it
    assert callbacks == [] and receiver.received == []


def test_delivery_to_the_customer_and_the_views_are_reported(seller, customer) -> None:  # type: ignore[no-untyped-def]
    inv = issue_invoice(seller, customer)
    endpoint(seller, "https://erp.example.com/hooks", "invoice.delivered", "invoice.viewed")
    d = delivery.queue_delivery(inv, channel="portal", actor="test")
    assert delivery.send_delivery(d.pk).status == "delivered"
    [delivered] = events("invoice.delivered")
    assert delivered["data"]["invoice"]["number"] == inv.number
    assert delivered["data"]["delivery"]["id"] == d.pk
    assert (delivered["data"]["delivery"]["channel"], delivered["data"]["delivery"]["status"]) == (
        "portal",
        "delivered",
    )
    assert ISO_UTC.match(delivered["data"]["delivery"]["at"])
    reminder = delivery.queue_delivery(inv, purpose="reminder-1", channel="portal", actor="test")
    delivery.send_delivery(reminder.pk)
    assert len(events("invoice.delivered")) == 1  # a reminder is not an invoice delivery
    token = make_token(d.pk, inv.pk, "ap@acheteur.be")
    delivery.record_view(token, now=datetime.fromisoformat("2026-03-03T08:15:00+01:00"))
    delivery.record_view(token)  # the same person again: on the timeline, not another event
    delivery.record_view(make_token(d.pk, inv.pk, "boss@acheteur.be"))
    viewed = events("invoice.viewed")
    assert [v["data"]["viewed_by"] for v in viewed] == ["ap@acheteur.be", "boss@acheteur.be"]
    assert viewed[0]["data"]["viewed_at"] == "2026-03-03T07:15:00.000Z"  # UTC
    assert viewed[0]["data"]["invoice"]["customer"] == {"id": customer.pk, "external_id": "C1"}


@pytest.fixture
def book(entity, write, settings, tmp_path):  # type: ignore[no-untyped-def]
    entity.ibans = [OWN_IBAN]
    entity.save()
    import_customers(write("c.csv", CUSTOMERS))
    import_invoices(write("i.csv", invoices_csv()))
    return entity


def test_cash_application_reports_the_payment_and_the_paid_invoice(book, write) -> None:  # type: ignore[no-untyped-def]
    endpoint(book, "https://erp.example.com/hooks", "payment.applied", "invoice.paid")
    load(write, [tx(1, "1210.00", name="DUPONT SA", text=format_ogm(OGM1), ref=OGM1)])
    assert cashapp.match(book, today=date(2026, 3, 6)).applied == 1
    inv = Invoice.objects.get(number="F-2026-0101")
    receipt = Receipt.objects.get()
    [applied] = events("payment.applied")
    assert applied["data"] == {
        "receipt": {"id": receipt.pk, "amount": "1210.00", "currency": "EUR", "value_date": "2026-03-05",
                    "reference": receipt.reference, "customer": {"id": inv.customer_id, "external_id": "C1"}},
        "allocations": [{"kind": "invoice", "invoice": {"id": inv.pk, "number": "F-2026-0101",
                                                        "customer": {"id": inv.customer_id, "external_id": "C1"}},
                         "amount": "1210.00", "currency": "EUR", "effective_date": "2026-03-05"}],
    }  # fmt: skip
    [paid] = events("invoice.paid")
    assert paid["data"]["invoice"]["number"] == "F-2026-0101" and paid["data"]["invoice"]["open"] == "0.00"
    assert paid["data"]["paid_on"] == "2026-03-05" and paid["data"]["settled_by"] == ["invoice"]


def test_a_part_payment_is_applied_but_the_invoice_is_not_paid(book) -> None:  # type: ignore[no-untyped-def]
    endpoint(book, "https://erp.example.com/hooks")
    inv = Invoice.objects.get(number="F-2026-0102")
    receipt = Receipt.objects.create(entity=book, customer=inv.customer, amount_minor=20000, currency="EUR",
                                     value_date=date(2026, 3, 5), reference="part")  # fmt: skip
    post_allocations(book, [AllocationRequest(kind="invoice", amount_minor=20000, currency="EUR",
                                              effective_date=date(2026, 3, 5), invoice_id=inv.pk, receipt_id=receipt.pk)])  # fmt: skip
    assert len(events("payment.applied")) == 1 and events("invoice.paid") == []
    post_allocations(book, [AllocationRequest(kind="invoice", amount_minor=30000, currency="EUR",
                                              effective_date=date(2026, 3, 9), invoice_id=inv.pk, receipt_id=receipt.pk)])  # fmt: skip
    [paid] = events("invoice.paid")
    assert paid["data"]["paid_on"] == "2026-03-09"


def test_opening_and_resolving_a_case_are_reported(book) -> None:  # type: ignore[no-untyped-def]
    endpoint(book, "https://erp.example.com/hooks", "case.opened", "case.resolved", "invoice.paid")
    inv = Invoice.objects.get(number="F-2026-0103")
    case = cases.open_case(book, type=CaseType.DISPUTE, items=[cases.ItemRequest(inv)], reason="pricing",
                           actor="clerk", summary="price too high", on=date(2026, 3, 20))  # fmt: skip
    [opened] = events("case.opened")
    data = opened["data"]["case"]
    assert (data["id"], data["reference"], data["type"], data["status"], data["reason"]) == (
        case.pk,
        f"CASE-{case.pk}",
        "dispute",
        "open",
        "pricing",
    )
    assert (data["amount"], data["currency"], data["opened_on"]) == ("242.00", "EUR", "2026-03-20")
    assert data["invoices"] == [{"id": inv.pk, "number": "F-2026-0103", "amount": "242.00"}]
    assert data["customer"]["external_id"] == "C2"
    cases.resolve(case, "write_off", actor="clerk", amount_minor=5000, on=date(2026, 3, 21))
    [resolved] = events("case.resolved")
    data = resolved["data"]["case"]
    assert (data["status"], data["outcome"], data["resolved_amount"], data["resolved_on"]) == (
        "resolved",
        "write_off",
        "50.00",
        "2026-03-21",
    )
    assert ISO_UTC.match(data["resolved_at"])
    assert events("invoice.paid") == []  # 50.00 of 242.00 written off: still open


def test_an_unknown_event_type_is_refused(seller) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownEventType, match=r"invoice\.payed"):
        emit(seller, "invoice.payed", {})
    with pytest.raises(UnknownEventType):
        emit_many(seller, "", [{}])


def test_one_delivery_per_subscribed_endpoint(seller) -> None:  # type: ignore[no-untyped-def]
    a, _ = endpoint(seller, "https://a.example.com/hooks")
    b, _ = endpoint(seller, "https://b.example.com/hooks", "invoice.paid")
    endpoint(seller, "https://c.example.com/hooks", "case.opened")
    made = emit_many(seller, "invoice.paid", [{"n": 1}, {"n": 2}])
    assert len(made) == 2
    pairs = sorted(WebhookDelivery.objects.values_list("event__payload__data__n", "endpoint_id"))
    assert pairs == sorted([(1, a.pk), (1, b.pk), (2, a.pk), (2, b.pk)])


def test_bulk_posting_emits_with_a_bounded_number_of_queries(entity, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    """post_allocations stays set-based: the number of queries does not grow with the allocations."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cust = make_customer_plain(entity)
    endpoint(entity, "https://erp.example.com/hooks")

    def requests_for(n: int, start: int) -> list[AllocationRequest]:
        invoices = Invoice.objects.bulk_create([
            Invoice(entity=entity, customer=cust, number=f"B-{start + i}", issue_date=date(2026, 2, 1),
                    due_date=date(2026, 3, 3), currency="EUR", net_minor=10000, vat_minor=2100, total_minor=12100,
                    open_minor=12100, total_functional_minor=12100)
            for i in range(n)
        ])  # fmt: skip
        receipts = Receipt.objects.bulk_create([
            Receipt(entity=entity, customer=cust, amount_minor=12100, currency="EUR", value_date=date(2026, 3, 5),
                    reference=f"R{start + i}")
            for i in range(n)
        ])  # fmt: skip
        return [AllocationRequest(kind="invoice", amount_minor=12100, currency="EUR", effective_date=date(2026, 3, 5),
                                  invoice_id=inv.pk, receipt_id=r.pk) for inv, r in zip(invoices, receipts, strict=True)]  # fmt: skip

    small_batch, big_batch = requests_for(20, 0), requests_for(1500, 1000)
    with CaptureQueriesContext(connection) as ctx:
        assert post_allocations(entity, small_batch) == 20
    small = len(ctx.captured_queries)
    with django_assert_max_num_queries(small):
        assert post_allocations(entity, big_batch) == 1500
    assert WebhookEvent.objects.filter(type="payment.applied").count() == 1520
    assert WebhookEvent.objects.filter(type="invoice.paid").count() == 1520
    assert WebhookDelivery.objects.count() == 3040


def make_customer_plain(entity):  # type: ignore[no-untyped-def]
    from encaisse.ledger.models import Customer

    return Customer.objects.create(entity=entity, external_id="BULK", name="Bulk Buyer")


def test_a_bulk_posting_with_nobody_listening_costs_one_query(entity) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cust = make_customer_plain(entity)
    inv = Invoice.objects.create(entity=entity, customer=cust, number="Q-1", issue_date=date(2026, 2, 1),
                                 due_date=date(2026, 3, 3), currency="EUR", net_minor=100, vat_minor=0, total_minor=100,
                                 open_minor=100, total_functional_minor=100)  # fmt: skip
    req = [AllocationRequest(kind="invoice", amount_minor=100, currency="EUR", effective_date=date(2026, 3, 5),
                             invoice_id=inv.pk)]  # fmt: skip
    with CaptureQueriesContext(connection) as ctx:
        post_allocations(entity, req)
    webhook_queries = [q["sql"] for q in ctx.captured_queries if "webhooks_" in q["sql"]]
    assert len(webhook_queries) == 1 and "webhooks_webhookendpoint" in webhook_queries[0]
    assert WebhookEvent.objects.count() == 0


def test_what_is_stored_is_what_is_sent_decimals_and_dates_as_strings(seller) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    endpoint(seller, "https://erp.example.com/hooks")
    made = emit(seller, "invoice.paid", {"amount": Decimal("1.10"), "on": date(2026, 3, 1)})
    assert made is not None
    assert made.payload["data"] == {"amount": "1.10", "on": "2026-03-01"}
    assert WebhookEvent.objects.get().payload == made.payload
