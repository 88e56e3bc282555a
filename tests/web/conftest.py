"""Fixtures of the back-office tests: a small two-entity ledger for the dashboard (a year and a half of
paid and open invoices, credit notes, a partial payment, a second currency, a customer whose name looks
like a formula) and a signed-in clerk who may see only the first entity."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client
from payment_histories import Profile, fixed, generate, noisy
from prediction_book import fill

from encaisse.ledger.models import Customer, Entity, EntityGrant, Invoice
from encaisse.ledger.posting import AllocationRequest, post_allocations

AS_OF = date(2025, 6, 18)


def _invoice(entity: Entity, customer: Customer, number: str, issued: date, due: date, total: int,
             currency: str = "EUR", kind: str = "invoice") -> Invoice:  # fmt: skip
    return Invoice.objects.create(
        entity=entity, customer=customer, kind=kind, number=number, issue_date=issued, due_date=due,
        currency=currency, net_minor=total, vat_minor=0, total_minor=total, open_minor=total,
        total_functional_minor=total,
    )  # fmt: skip


def _build(entity: Entity) -> Entity:
    """Fill ``entity`` (code "be") and create a second entity "fr"; returns the second one."""
    profiles = [
        Profile("sme", fixed(5)), Profile("sme", noisy(-3, 40)), Profile("large", noisy(0, 70), terms=45),
        Profile("large", fixed(20), every_days=10), Profile("public", noisy(10, 90), terms=60),
    ]  # fmt: skip
    fill(entity, generate(profiles, start=date(2024, 1, 8), months=18, as_of=AS_OF))
    odd = Customer.objects.create(entity=entity, external_id="X1", name='=HYPERLINK("http://x")', segment="")
    _invoice(entity, odd, "X-1", date(2025, 3, 1), date(2025, 3, 31), 123_45)
    cn = _invoice(entity, odd, "X-CN", date(2025, 4, 2), date(2025, 4, 2), 20_00, kind="credit_note")
    part = _invoice(entity, odd, "X-2", date(2025, 2, 1), date(2025, 3, 3), 1000_00)
    post_allocations(entity, [AllocationRequest(kind="invoice", amount_minor=400_00, currency="EUR",
                                                effective_date=date(2025, 4, 10), invoice_id=part.pk)],
                     journal=False)  # fmt: skip
    us = Customer.objects.create(entity=entity, external_id="U1", name="Yankee Corp", segment="export")
    _invoice(entity, us, "U-1", date(2025, 1, 15), date(2025, 2, 14), 5000_00, currency="USD")
    _invoice(entity, us, "U-2", date(2025, 5, 20), date(2025, 6, 19), 750_00, currency="USD")
    assert cn.kind == "credit_note"
    other = Entity.objects.create(code="fr", legal_name="Hidden SAS", country="FR")
    secret = Customer.objects.create(entity=other, external_id="S1", name="Secret Client", segment="secret")
    _invoice(other, secret, "S-1", date(2025, 1, 2), date(2025, 2, 1), 99_999_00)
    return other


@pytest.fixture
def book(entity, monkeypatch):  # type: ignore[no-untyped-def]
    """(visible entity "be", hidden entity "fr"), with today fixed at AS_OF."""
    monkeypatch.setenv("ENCAISSE_TODAY", AS_OF.isoformat())
    return entity, _build(entity)


@pytest.fixture
def dash_clerk(book) -> tuple[User, Client]:  # type: ignore[no-untyped-def]
    entity = book[0]
    user = User.objects.create_user("clerk", password="a-long-password-1")
    EntityGrant.objects.create(user=user, entity=entity)
    client = Client()
    client.force_login(user)
    return user, client
