"""The back-office shell: sign-in, entity scoping, pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from encaisse.ledger.importing import import_customers, import_invoices
from encaisse.ledger.models import Customer, Entity, EntityGrant, Invoice
from encaisse.ledger.roles import can_write, ensure_roles


@pytest.fixture
def two_entities(entity, write):  # type: ignore[no-untyped-def]
    other = Entity.objects.create(code="fr", legal_name="Demo France SAS", country="FR")
    import_customers(write("c.csv", "id,name,entity\nC1,Acme SA,be\nF1,Fromagerie Dupont,fr\n"))
    import_invoices(write("i.csv", "number,customer_id,issue_date,due_date,currency,total,entity\n"
                                   "B-1,C1,2026-01-01,2026-01-31,EUR,100,be\nF-1,F1,2026-01-01,2026-01-31,EUR,200,fr\n"))  # fmt: skip
    return entity, other


@pytest.fixture
def clerk(two_entities):  # type: ignore[no-untyped-def]
    ensure_roles()
    user = User.objects.create_user("clerk", password="a-long-password-1")
    user.groups.add(
        *__import__("django.contrib.auth.models", fromlist=["Group"]).Group.objects.filter(name="ar_clerk")
    )
    EntityGrant.objects.create(user=user, entity=two_entities[0])
    client = Client()
    client.force_login(user)
    return client


def test_pages_need_sign_in(db) -> None:  # type: ignore[no-untyped-def]
    response = Client().get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert Client().get("/login/").status_code == 200


def test_password_is_hashed_with_argon2(db) -> None:  # type: ignore[no-untyped-def]
    user = User.objects.create_user("u", password="another-long-pass")
    assert user.password.startswith("argon2")


def test_user_sees_only_granted_entities(clerk) -> None:  # type: ignore[no-untyped-def]
    page = clerk.get("/customers/").content.decode()
    assert "Acme SA" in page and "Fromagerie" not in page
    invoices = clerk.get("/invoices/").content.decode()
    assert "B-1" in invoices and "F-1" not in invoices
    hidden_customer = Customer.objects.get(external_id="F1")
    hidden_invoice = Invoice.objects.get(number="F-1")
    assert clerk.get(f"/customers/{hidden_customer.pk}/").status_code == 404
    assert clerk.get(f"/invoices/{hidden_invoice.pk}/").status_code == 404
    dashboard = clerk.get("/").content.decode()
    assert "Aging of open items, be (EUR)" in dashboard and "fr (EUR)" not in dashboard
    assert "<svg" in dashboard and "DSO" in dashboard


def test_detail_pages_and_filters(clerk) -> None:  # type: ignore[no-untyped-def]
    inv = Invoice.objects.get(number="B-1")
    detail = clerk.get(f"/invoices/{inv.pk}/").content.decode()
    assert "Invoice B-1" in detail and "100.00" in detail
    cust = Customer.objects.get(external_id="C1")
    assert "Statement of open items" in clerk.get(f"/customers/{cust.pk}/").content.decode()
    Customer.objects.filter(pk=cust.pk).update(aliases=["Acme Logistics", "Café <Acme>"])
    page = clerk.get(f"/customers/{cust.pk}/").content.decode()
    assert "Also pays as</dt><dd>Acme Logistics; Café &lt;Acme&gt;</dd>" in page
    assert "B-1" in clerk.get("/invoices/?status=overdue").content.decode()
    assert "B-1" not in clerk.get("/invoices/?status=paid").content.decode()
    assert "No invoices match" in clerk.get("/invoices/?from=not-a-date").content.decode()
    partial = clerk.get("/customers/?q=acme", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "Acme SA" in partial


def test_roles_exist_and_auditor_is_read_only(db) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Group

    ensure_roles()
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "admin",
        "ar_clerk",
        "collector",
        "credit_manager",
        "auditor",
    }
    auditor = User.objects.create_user("aud", password="x-long-password")
    auditor.groups.add(Group.objects.get(name="auditor"))
    assert not can_write(auditor)
    assert not Group.objects.get(name="auditor").permissions.exclude(codename__startswith="view_").exists()
