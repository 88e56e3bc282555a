"""Billing pages: the invoice form with live totals, validation, issuing, preview, downloads, entity scoping."""

from __future__ import annotations

import pytest
from billing_factories import line, make_customer, make_seller, request
from django.contrib.auth.models import Group, User
from django.test import Client

from encaisse.billing import services
from encaisse.billing.models import BillingDocument, Status
from encaisse.billing.requests import read_request
from encaisse.ledger.models import EntityGrant
from encaisse.ledger.roles import ensure_roles

pytestmark = pytest.mark.django_db

LINES = {
    "description": ["Widgets", "Books", ""],
    "quantity": ["3", "1.5", ""],
    "unit": ["C62", "C62", "C62"],
    "unit_price": ["19.99", "100", ""],
    "discount_percent": ["10", "", ""],
    "vat_category": ["S", "S", "S"],
    "vat_rate": ["21", "6", "21"],
    "exemption_reason": ["", "", ""],
}


def page_csp(response) -> str:  # type: ignore[no-untyped-def]
    return str(response["Content-Security-Policy"])


def _client(user: str, role: str, *entities) -> Client:  # type: ignore[no-untyped-def]
    ensure_roles()
    u = User.objects.create_user(user, password="a-long-password-1")
    u.groups.add(Group.objects.get(name=role))
    for e in entities:
        EntityGrant.objects.create(user=u, entity=e)
    client = Client()
    client.force_login(u)
    return client


@pytest.fixture
def world(seller, buyer):  # type: ignore[no-untyped-def]
    other = make_seller("fr")
    stranger = make_customer(other, "F1", name="Fromagerie Dupont")
    theirs = services.create_invoice(request(other, stranger), actor="test")
    return {"clerk": _client("clerk", "ar_clerk", seller), "theirs": theirs, "stranger": stranger}


def test_live_totals_are_computed_on_the_server(world) -> None:
    response = world["clerk"].post("/billing/totals/", {**LINES, "currency": "EUR"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and 'id="totals"' in page
    assert 'data-line-net="1">53.97' in page and 'data-line-net="2">150.00' in page
    assert 'data-total="net">203.97 EUR' in page and "224.30 EUR" in page
    bad = world["clerk"].post(
        "/billing/totals/", {**LINES, "vat_category": ["E", "S", "S"], "vat_rate": ["0", "6", ""]}
    )
    assert "line 1, exemption_reason" in bad.content.decode()


def test_write_validate_issue_and_download(world, buyer) -> None:
    clerk = world["clerk"]
    form = clerk.get("/billing/new/").content.decode()
    assert "Acheteur SA" in form and "Fromagerie" not in form and 'hx-post="/billing/totals/"' in form
    response = clerk.post("/billing/new/", {**LINES, "customer": str(buyer.pk), "currency": "EUR",
                                            "payment_terms": "2/10 net 30", "issue_date": "2026-03-02"})  # fmt: skip
    draft = BillingDocument.objects.get(customer=buyer)
    assert response.status_code == 302 and response["Location"] == f"/billing/documents/{draft.pk}/"
    assert draft.status == Status.DRAFT and draft.total_minor == 22430
    page = clerk.get(f"/billing/documents/{draft.pk}/").content.decode()
    assert "(draft)" in page and "224.30" in page
    preview = clerk.get(f"/billing/documents/{draft.pk}/preview.pdf")
    assert preview["Content-Type"] == "application/pdf" and preview["Content-Disposition"].startswith(
        "inline"
    )
    assert preview["X-Frame-Options"] == "SAMEORIGIN" and preview.content.startswith(b"%PDF")
    # the page frames the preview: the policy lets only this site frame it (the others: nobody)
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page_csp(clerk.get(f"/billing/documents/{draft.pk}/"))
    clerk.post(f"/billing/documents/{draft.pk}/validate/")
    assert "Valid (syntax, en16931, peppol)" in clerk.get(f"/billing/documents/{draft.pk}/").content.decode()
    clerk.post(f"/billing/documents/{draft.pk}/issue/")
    draft.refresh_from_db()
    assert draft.status == Status.ISSUED and draft.number == "INV-2026-000001"
    for kind, content_type, start in (("pdf", "application/pdf", b"%PDF"), ("ubl", "application/xml", b"<?xml"),
                                      ("facturx", "application/pdf", b"%PDF")):  # fmt: skip
        file = clerk.get(f"/billing/documents/{draft.pk}/download/{kind}/")
        assert (
            file.status_code == 200
            and file["Content-Type"] == content_type
            and file.content.startswith(start)
        )
        assert file["Content-Disposition"].startswith("attachment")
    archive = clerk.get("/billing/archive/?customer=C1").content.decode()
    assert "INV-2026-000001" in archive and "Fromagerie" not in archive


def test_refused_issue_shows_the_rules(world, buyer) -> None:
    entity = buyer.entity
    entity.ibans = []
    entity.save()
    draft = services.create_draft(read_request(request(entity, buyer)), actor="test")
    world["clerk"].post(f"/billing/documents/{draft.pk}/issue/")
    page = world["clerk"].get(f"/billing/documents/{draft.pk}/").content.decode()
    assert "Not issued" in page and "BR-61" in page and "fatal" in page
    assert BillingDocument.objects.get(pk=draft.pk).status == Status.DRAFT


def test_another_entitys_documents_are_not_found(world) -> None:
    clerk, theirs = world["clerk"], world["theirs"]
    for url in (f"/billing/documents/{theirs.pk}/", f"/billing/documents/{theirs.pk}/preview.pdf",
                f"/billing/documents/{theirs.pk}/download/pdf/", f"/billing/documents/{theirs.pk}/download/ubl/",
                f"/billing/documents/{theirs.pk}/download/facturx/"):  # fmt: skip
        assert clerk.get(url).status_code == 404, url
    assert clerk.post(f"/billing/documents/{theirs.pk}/credit/").status_code == 404
    assert clerk.post("/billing/new/", {**LINES, "customer": str(world["stranger"].pk)}).status_code == 200
    assert not BillingDocument.objects.filter(customer=world["stranger"], status=Status.DRAFT).exists()
    assert theirs.number not in clerk.get("/billing/").content.decode()


def test_an_auditor_reads_but_does_not_write(world, seller, buyer) -> None:
    auditor = _client("auditor", "auditor", seller)
    doc = services.create_invoice(request(seller, buyer, line("A", "1", "10")), actor="test")
    assert auditor.get(f"/billing/documents/{doc.pk}/download/ubl/").status_code == 200
    assert auditor.get("/billing/new/").status_code == 403
    assert auditor.post(f"/billing/documents/{doc.pk}/credit/").status_code == 403


def test_cancel_with_a_credit_note_from_the_page(world, seller, buyer) -> None:
    doc = services.create_invoice(request(seller, buyer), actor="test")
    response = world["clerk"].post(f"/billing/documents/{doc.pk}/credit/")
    credit = BillingDocument.objects.get(kind="credit_note")
    assert response["Location"] == f"/billing/documents/{credit.pk}/"
    doc.refresh_from_db()
    assert doc.status == Status.CANCELLED
