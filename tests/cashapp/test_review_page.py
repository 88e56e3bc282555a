"""The review queue page: proposals, open items, accept/reject, next item at once, roles and scoping."""

from __future__ import annotations

from datetime import date

import pytest
from cashapp_book import load, tx
from django.contrib.auth.models import Group, User
from django.test import Client

from encaisse.banking.models import BankTransaction
from encaisse.cashapp import services
from encaisse.ledger.models import EntityGrant, Invoice
from encaisse.ledger.roles import ensure_roles


def client_for(username: str, role: str, entity) -> Client:  # type: ignore[no-untyped-def]
    ensure_roles()
    user = User.objects.create_user(username, password="a-long-password-3")
    user.groups.add(Group.objects.get(name=role))
    EntityGrant.objects.create(user=user, entity=entity)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def queued(book, write):  # type: ignore[no-untyped-def]
    load(
        write, [tx(1, "242.00", name="PEETERS", iban="BE43068999999501"), tx(2, "77.00", name="Someone else")]
    )
    services.match(book, today=date(2026, 3, 6))
    return book


def test_queue_shows_the_payment_its_proposals_and_open_items(queued) -> None:  # type: ignore[no-untyped-def]
    client = client_for("clerk", "ar_clerk", queued)
    first = client.get("/review/", follow=True)
    page = first.content.decode()
    assert "242.00 EUR from PEETERS" in page
    assert "F-2026-0103" in page and "F-2026-0104" in page  # the customer's open items
    assert "Running total" in page and "review.js" in page


def test_accept_then_the_next_item_loads_in_the_same_response(queued) -> None:  # type: ignore[no-untyped-def]
    client = client_for("clerk", "ar_clerk", queued)
    t1 = BankTransaction.objects.get(bank_reference="BANKREF0001")
    response = client.post(f"/review/{t1.pk}/decide/", {"action": "accept", "invoice": ["F-2026-0103"]},
                           HTTP_HX_REQUEST="true")  # fmt: skip
    assert response.status_code == 200
    assert Invoice.objects.get(number="F-2026-0103").open_minor == 0
    body = response.content.decode()
    assert "77.00 EUR from Someone else" in body and "<html" not in body
    assert response["HX-Push-Url"].startswith("/review/")
    t2 = BankTransaction.objects.get(bank_reference="BANKREF0002")
    done = client.post(f"/review/{t2.pk}/decide/", {"action": "reject"}, HTTP_HX_REQUEST="true")
    assert "Nothing to review" in done.content.decode()


def test_a_wrong_amount_is_shown_not_applied(queued) -> None:  # type: ignore[no-untyped-def]
    client = client_for("clerk", "ar_clerk", queued)
    t1 = BankTransaction.objects.get(bank_reference="BANKREF0001")
    response = client.post(f"/review/{t1.pk}/decide/",
                           {"action": "accept", "invoice": ["F-2026-0103"], "amount-F-2026-0103": "999.00"})  # fmt: skip
    assert response.status_code == 422
    assert "beyond" in response.content.decode()
    assert Invoice.objects.get(number="F-2026-0103").open_minor == 24200


def test_auditor_is_read_only_and_other_entities_are_hidden(queued) -> None:  # type: ignore[no-untyped-def]
    from encaisse.ledger.models import Entity

    auditor = client_for("aud", "auditor", queued)
    t1 = BankTransaction.objects.get(bank_reference="BANKREF0001")
    assert auditor.post(f"/review/{t1.pk}/decide/", {"action": "reject"}).status_code == 403
    other = Entity.objects.create(code="fr", legal_name="FR", country="FR")
    outsider = client_for("outsider", "ar_clerk", other)
    assert outsider.get(f"/review/{t1.pk}/").status_code == 404
    assert outsider.post(f"/review/{t1.pk}/decide/", {"action": "reject"}).status_code == 404
