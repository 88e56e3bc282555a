"""Back-office pages: deliveries by status, issues to handle, the invoice timeline; entity scoping."""

from __future__ import annotations

import pytest
from delivery_factories import make_customer, make_invoice, make_seller
from django.contrib.auth.models import Group, User
from django.test import Client

from encaisse.delivery import services
from encaisse.delivery.models import DeliveryIssue, DeliveryStatus, IssueKind
from encaisse.ledger.models import EntityGrant
from encaisse.ledger.roles import ensure_roles


def _client(username: str, role: str, *entities) -> Client:  # type: ignore[no-untyped-def]
    ensure_roles()
    user = User.objects.create_user(username, password="a-long-password-1")
    user.groups.add(Group.objects.get(name=role))
    for entity in entities:
        EntityGrant.objects.create(user=user, entity=entity)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(seller, smtp):  # type: ignore[no-untyped-def]
    other = make_seller("fr", legal_name="Demo France SAS")
    mine = make_customer(seller, emails=["ap@acheteur.be"])
    theirs = make_customer(other, "F1", name="Client de France", emails=["ap@client.fr"])
    smtp.refuse["ap@client.fr"] = "451 4.3.0 later"
    for invoice in (
        make_invoice(mine, "BE-1", pdf=False, ubl=False),
        make_invoice(theirs, "FR-1", pdf=False, ubl=False),
    ):
        services.queue_delivery(invoice)
    services.send_due()
    return seller, other


def test_deliveries_page_filters_by_status_within_granted_entities(world) -> None:  # type: ignore[no-untyped-def]
    seller, _ = world
    clerk = _client("clerk", "ar_clerk", seller)
    page = clerk.get("/deliveries/").content.decode()
    assert "BE-1" in page and "FR-1" not in page
    assert "BE-1" in clerk.get("/deliveries/?status=sent").content.decode()
    assert "BE-1" not in clerk.get("/deliveries/?status=queued").content.decode()
    admin = Client()
    admin.force_login(User.objects.create_superuser("root", password="a-long-password-2"))
    everything = admin.get("/deliveries/?status=queued").content.decode()
    assert "FR-1" in everything and "BE-1" not in everything


def test_issues_page_lets_a_clerk_resend_and_an_auditor_only_look(world, smtp) -> None:  # type: ignore[no-untyped-def]
    seller, other = world
    delivery = services.queue_delivery(make_invoice(make_customer(seller, "C2", emails=["x@acheteur.be"]), "BE-2",
                                                    pdf=False, ubl=False))  # fmt: skip
    DeliveryIssue.objects.create(delivery=delivery, entity=seller, kind=IssueKind.UNKNOWN_OUTCOME, detail="check it",
                                 created_at=delivery.queued_at)  # fmt: skip
    auditor = _client("auditor", "auditor", seller)
    page = auditor.get("/deliveries/issues/").content.decode()
    assert "BE-2" in page and "read-only" in page
    issue = DeliveryIssue.objects.get(delivery=delivery)
    assert auditor.post(f"/deliveries/issues/{issue.pk}/resolve/", {"action": "mark_sent"}).status_code == 403
    clerk = _client("clerk", "ar_clerk", seller)
    assert (
        clerk.post(
            f"/deliveries/issues/{issue.pk}/resolve/", {"action": "mark_sent", "note": "seen in mail log"}
        ).status_code
        == 302
    )
    issue.refresh_from_db()
    delivery.refresh_from_db()
    assert issue.resolved_by == "clerk" and issue.resolution == "marked_sent"
    assert delivery.status == DeliveryStatus.SENT
    assert "Nothing to handle" in clerk.get("/deliveries/issues/").content.decode()
    # another entity's issue is not even found
    foreign = DeliveryIssue.objects.create(delivery=services.queue_delivery(make_invoice(
        make_customer(other, "F2"), "FR-2", pdf=False, ubl=False)), entity=other, kind=IssueKind.FAILED,
        created_at=delivery.queued_at)  # fmt: skip
    assert clerk.post(f"/deliveries/issues/{foreign.pk}/resolve/", {"action": "dismiss"}).status_code == 404


def test_timeline_page(world) -> None:  # type: ignore[no-untyped-def]
    seller, other = world
    clerk = _client("clerk", "ar_clerk", seller)
    invoice = seller.invoices.get(number="BE-1")
    page = clerk.get(f"/invoices/{invoice.pk}/timeline/").content.decode()
    assert "Timeline of" in page and "E-mail (invoice): sent" in page and "Invoice BE-1 issued" in page
    assert clerk.get(f"/invoices/{other.invoices.get(number='FR-1').pk}/timeline/").status_code == 404
    assert '<a href="/deliveries/"' in clerk.get("/").content.decode()  # in the navigation
