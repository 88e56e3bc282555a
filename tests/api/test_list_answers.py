"""The lists build their JSON themselves (no validation per row): each answer must be what validating
the same rows against the answer models gave, byte for byte in meaning, and conform to the schema."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from api_book import ledger_invoice
from hypothesis import given
from hypothesis import strategies as st
from ninja.responses import NinjaJSONEncoder

from encaisse.api.schemas import (
    AllocationOut,
    AllocationPage,
    CustomerOut,
    CustomerPage,
    InvoiceOut,
    InvoicePage,
    amount_text,
    instant,
)
from encaisse.clock import today
from encaisse.core.money import Money
from encaisse.ledger.models import Allocation, Customer, Invoice
from encaisse.ledger.posting import AllocationRequest, post_allocations


@given(
    st.integers(min_value=-(10**15), max_value=10**15), st.sampled_from(["EUR", "JPY", "KWD", "CLF", "USD"])
)
def test_amounts_read_as_domain_money_does(minor: int, currency: str) -> None:
    assert amount_text(minor, currency) == str(Money.from_minor(minor, currency).amount)


@given(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2999, 12, 31)),
    st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))]),
)
def test_instants_read_as_ninja_s_encoder_writes_them(moment: datetime, zone: timezone) -> None:
    aware = moment.replace(tzinfo=zone)
    assert instant(aware) == NinjaJSONEncoder().default(aware)
    assert instant(None) is None


def _validated(model: Any, data: dict[str, Any]) -> Any:
    """What ninja answered when it validated the endpoint's dict against the answer model."""
    return json.loads(json.dumps(model.model_validate(data).model_dump(), cls=NinjaJSONEncoder))


def _money(minor: int | None, currency: str) -> dict[str, Any] | None:
    return None if minor is None or not currency else {"amount": str(Money.from_minor(minor, currency).amount),
                                                         "currency": currency}  # fmt: skip


def _invoice(inv: Invoice, code: str) -> dict[str, Any]:
    c = inv.currency
    return {
        "id": inv.pk, "entity": code, "customer_id": inv.customer_id, "kind": inv.kind, "number": inv.number,
        "issue_date": inv.issue_date, "due_date": inv.due_date, "currency": c, "net": _money(inv.net_minor, c),
        "vat": _money(inv.vat_minor, c), "total": _money(inv.total_minor, c), "open": _money(inv.open_minor, c),
        "status": inv.status(today()), "structured_reference": inv.structured_reference,
        "credited_invoice_id": inv.credited_invoice_id, "payment_terms": inv.payment_terms,
        "created_at": inv.created_at,
    }  # fmt: skip


def _customer(c: Customer, code: str) -> dict[str, Any]:
    return {
        "id": c.pk, "entity": code, "external_id": c.external_id, "name": c.name, "country": c.country,
        "vat_number": c.vat_number, "emails": list(c.emails or []), "language": c.language,
        "payment_terms_days": c.payment_terms_days,
        "credit_limit": _money(c.credit_limit_minor, c.credit_limit_currency), "segment": c.segment,
        "parent_id": c.parent_id, "aliases": list(c.aliases or []), "created_at": c.created_at,
    }  # fmt: skip


def _allocation(a: Allocation, code: str) -> dict[str, Any]:
    return {
        "id": a.pk, "entity": code, "kind": a.kind, "invoice_id": a.invoice_id, "receipt_id": a.receipt_id,
        "credit_note_id": a.credit_note_id, "amount": _money(a.amount_minor, a.currency),
        "payment_amount": _money(a.payment_amount_minor, a.payment_currency), "effective_date": a.effective_date,
        "recorded_at": a.recorded_at, "reverses_id": a.reverses_id, "note": a.note,
    }  # fmt: skip


def test_invoice_and_credit_note_lists(book) -> None:  # type: ignore[no-untyped-def]
    ledger_invoice(book.be, book.customer, "PART-1", date(2026, 1, 9), open_amount="21.00")
    ledger_invoice(book.be, book.customer, "PAID-1", date(2026, 1, 9), open_amount="0")
    Invoice.objects.filter(number="PAID-1").update(written_off=True)
    ledger_invoice(book.be, book.customer, "FUTURE-1", date(2099, 1, 1), total="0.05")
    ledger_invoice(book.be, book.customer, "CN-1", date(2026, 1, 9), kind="credit_note")
    for path, kind in (("/invoices", "invoice"), ("/credit-notes", "credit_note")):
        body = book.write.get(path, {"limit": 500}).json()
        rows = Invoice.objects.filter(entity=book.be, kind=kind).order_by("due_date", "id")
        expected = {"items": [_invoice(i, "be") for i in rows], "next": None}
        assert body == _validated(InvoicePage, expected)
        assert {i["status"] for i in body["items"]} >= ({"written_off", "partially_paid", "overdue", "open"}
                                                        if kind == "invoice" else {"overdue"})  # fmt: skip
    one = book.write.get(f"/invoices/{book.invoices[0].pk}").json()
    assert one == _validated(InvoiceOut, _invoice(book.invoices[0], "be"))


def test_customer_list(book) -> None:  # type: ignore[no-untyped-def]
    Customer.objects.filter(pk=book.customer.pk).update(credit_limit_minor=500_000, credit_limit_currency="EUR",
                                                        emails=["ap@example.com", "b@example.com"])  # fmt: skip
    body = book.both.get("/customers").json()
    codes = {book.be.pk: "be", book.fr.pk: "fr"}
    expected = {
        "items": [_customer(c, codes[c.entity_id]) for c in Customer.objects.order_by("id")],
        "next": None,
    }
    assert body == _validated(CustomerPage, expected)
    assert body["items"][0]["credit_limit"] == {"amount": "5000.00", "currency": "EUR"}
    one = book.both.get(f"/customers/{book.customer.pk}").json()
    assert one == _validated(CustomerOut, expected["items"][0])


def test_allocation_list(book) -> None:  # type: ignore[no-untyped-def]
    inv = book.invoices[0]
    post_allocations(book.be, [
        AllocationRequest(kind="invoice", amount_minor=5_000, currency="EUR", effective_date=date(2026, 1, 5),
                          invoice_id=inv.pk, payment_amount_minor=5_500, payment_currency="USD"),
        AllocationRequest(kind="invoice", amount_minor=1, currency="EUR", effective_date=date(2026, 1, 6),
                          invoice_id=inv.pk),
    ])  # fmt: skip
    body = book.write.get("/allocations", {"limit": 1}).json()
    assert body["next"] is not None
    body["items"] += book.write.get("/allocations", {"cursor": body["next"]}).json()["items"]
    expected = [_allocation(a, "be") for a in Allocation.objects.order_by("id")]
    assert len(expected) == 2
    assert body["items"] == [_validated(AllocationOut, e) for e in expected]
    AllocationPage.model_validate(body)


def test_answers_are_json_with_the_api_s_content_type(book) -> None:  # type: ignore[no-untyped-def]
    for path in ("/invoices", "/credit-notes", "/customers", "/allocations"):
        r = book.write.get(path)
        assert r.status_code == 200 and r["Content-Type"] == "application/json; charset=utf-8"
