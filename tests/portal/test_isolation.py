"""The hard rule: a portal user never sees another customer's data. Every route, with the other customer's ids: 404."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from encaisse.cases.models import Case
from encaisse.cases.services import Upload, open_dispute_from_portal, reply_to_customer
from encaisse.collections.models import PromiseToPay
from encaisse.delivery.models import DeliveryPreference
from encaisse.ledger.models import AuditEvent
from encaisse.portal.models import InvoiceViewed


@pytest.fixture
def foreign(book):  # type: ignore[no-untyped-def]
    """Ids of the other customer: its invoice, its account, its case, a file sent to it with a reply."""
    o1 = book.invoices["O-1"]
    case = open_dispute_from_portal(book.other, o1, reason="other", message="their secret dispute")
    reply_to_customer(case, "their secret reply", actor="clerk", attachments=[Upload("secret.pdf", b"%PDF")])
    file = case.attachments.get()
    return {"invoice": o1.pk, "customer": book.other.pk, "case": case.pk, "file": file.pk}


def _routes(ids: dict[str, int]) -> list[tuple[str, str, dict[str, object]]]:
    inv, cust, case, file = ids["invoice"], ids["customer"], ids["case"], ids["file"]
    return [
        ("get", f"/portal/invoices/{inv}/", {}),
        ("get", f"/portal/invoices/{inv}/download/pdf/", {}),
        ("get", f"/portal/invoices/{inv}/download/ubl/", {}),
        ("get", f"/portal/invoices/{inv}/download/facturx/", {}),
        ("get", f"/portal/invoices/{inv}/pay/", {}),
        ("post", f"/portal/invoices/{inv}/pay/online/", {"provider": "stripe"}),
        ("get", f"/portal/invoices/{inv}/promise/", {}),
        ("post", f"/portal/invoices/{inv}/promise/", {"promised_date": "2026-05-01", "amount": "1"}),
        ("get", f"/portal/invoices/{inv}/dispute/", {}),
        ("post", f"/portal/invoices/{inv}/dispute/", {"reason": "other", "message": "x",
                                                      "attachments": [SimpleUploadedFile("a.txt", b"a")]}),
        ("get", f"/portal/accounts/{cust}/statement/", {}),
        ("get", f"/portal/accounts/{cust}/statement/?format=csv", {}),
        ("get", f"/portal/accounts/{cust}/statement/?format=pdf", {}),
        ("get", f"/portal/accounts/{cust}/contacts/", {}),
        ("post", f"/portal/accounts/{cust}/contacts/", {"emails": "evil@example.com", "channel": "email"}),
        ("get", f"/portal/cases/{case}/", {}),
        ("post", f"/portal/cases/{case}/", {"message": "hello"}),
        ("get", f"/portal/cases/{case}/files/{file}/", {}),
    ]  # fmt: skip


def test_every_route_with_another_customers_ids_is_a_404(book, alice_client, foreign) -> None:  # type: ignore[no-untyped-def]
    before = AuditEvent.objects.count()
    for method, url, data in _routes(foreign):
        response = getattr(alice_client, method)(url, data)
        body = response.content.decode(errors="replace")
        assert response.status_code == 404, (method, url, response.status_code)
        assert "O-1" not in body and "Other Corp" not in body and "their secret" not in body, url
    # nothing was written or recorded for the other customer
    assert not PromiseToPay.objects.exists() and Case.objects.count() == 1
    assert not InvoiceViewed.objects.exists() and not DeliveryPreference.objects.exists()
    book.other.refresh_from_db()
    assert book.other.emails == ["ap@other.example"]
    assert Case.objects.get().events.filter(kind="comment").count() == 0
    assert AuditEvent.objects.count() == before


def test_ids_that_do_not_exist_are_404_too(book, alice_client) -> None:  # type: ignore[no-untyped-def]
    ids = {"invoice": 999999, "customer": 999999, "case": 999999, "file": 999999}
    for method, url, data in _routes(ids):
        assert getattr(alice_client, method)(url, data).status_code == 404, url


def test_lists_show_only_the_users_accounts(book, alice_client, foreign) -> None:  # type: ignore[no-untyped-def]
    for url in ("/portal/", "/portal/invoices/", "/portal/invoices/?status=disputed", "/portal/cases/",
                f"/portal/invoices/?account={foreign['customer']}"):  # fmt: skip
        body = alice_client.get(url).content.decode()
        assert "O-1" not in body and "Other Corp" not in body and f"CASE-{foreign['case']}" not in body, url


def test_the_other_user_sees_its_own_and_not_alices(book, alice, mallory, foreign) -> None:  # type: ignore[no-untyped-def]
    from portal_book import signed_in_client

    client = signed_in_client(mallory)
    assert client.get(f"/portal/invoices/{foreign['invoice']}/").status_code == 200
    assert client.get(f"/portal/cases/{foreign['case']}/").status_code == 200
    a1 = book.invoices["A-1"]
    assert client.get(f"/portal/invoices/{a1.pk}/").status_code == 404
    assert client.get(f"/portal/accounts/{book.acme.pk}/statement/").status_code == 404
    assert "A-1" not in client.get("/portal/invoices/").content.decode()


def test_a_removed_account_disappears_at_once(book, alice, alice_client) -> None:  # type: ignore[no-untyped-def]
    nl1 = book.invoices["NL-1"]
    assert alice_client.get(f"/portal/invoices/{nl1.pk}/").status_code == 200
    alice.customers.remove(book.acme_nl)
    assert alice_client.get(f"/portal/invoices/{nl1.pk}/").status_code == 404
    assert alice_client.get(f"/portal/accounts/{book.acme_nl.pk}/contacts/").status_code == 404
