"""Back-office pages: the run preview (approve, edit, skip, approve all, send), PDFs, worklist, promises, holds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from collections_factories import DUE, make_customer, make_invoice
from django.contrib.auth.models import Group, User
from django.test import Client

from encaisse.collections.models import CreditHold, DunningLetter, LetterStatus, PromiseToPay
from encaisse.collections.services import dunning_run
from encaisse.ledger.models import AuditEvent, Entity, EntityGrant
from encaisse.ledger.roles import ensure_roles

pytestmark = pytest.mark.django_db
AS_OF = DUE + timedelta(days=10)


def _client(seller, role: str) -> Client:  # type: ignore[no-untyped-def]
    ensure_roles()
    user = User.objects.create_user(role, password="a-long-password-1")
    user.groups.add(Group.objects.get(name=role))
    EntityGrant.objects.create(user=user, entity=seller)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def run(seller, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ENCAISSE_TODAY", AS_OF.isoformat())
    for n in ("1", "2", "3"):
        make_invoice(make_customer(seller, f"C{n}", name=f"Client {n}", emails=[f"c{n}@x.test"]), f"F-{n}")
    return dunning_run(seller, AS_OF).run


def test_preview_lists_letters_and_flows(seller, run) -> None:  # type: ignore[no-untyped-def]
    client = _client(seller, "collector")
    page = client.get(f"/collections/runs/{run.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Client 1" in body and "friendly" in body and "F-2" in body
    letters = {x.customer.external_id: x for x in DunningLetter.objects.filter(run=run)}
    a, b, c = letters["C1"], letters["C2"], letters["C3"]
    assert (
        client.post(
            f"/collections/letters/{a.pk}/action/", {"action": "edit", "free_text": "Merci d'avance."}
        ).status_code
        == 302
    )
    client.post(f"/collections/letters/{a.pk}/action/", {"action": "approve"})
    client.post(f"/collections/letters/{b.pk}/action/", {"action": "skip"})
    for x in (a, b, c):
        x.refresh_from_db()
    assert (a.status, a.free_text, b.status, c.status) == (
        LetterStatus.APPROVED,
        "Merci d'avance.",
        LetterStatus.SKIPPED,
        LetterStatus.DRAFT,
    )
    client.post(f"/collections/runs/{run.pk}/action/", {"action": "approve_all"})
    c.refresh_from_db()
    assert c.status == LetterStatus.APPROVED
    response = client.post(f"/collections/runs/{run.pk}/action/", {"action": "send"}, follow=True)
    assert "2 sent" in response.content.decode()
    statuses = sorted(DunningLetter.objects.filter(run=run).values_list("status", flat=True))
    assert statuses == ["sent", "sent", "skipped"]
    # a sent letter can no longer be edited
    client.post(f"/collections/letters/{a.pk}/action/", {"action": "edit", "free_text": "changed"})
    a.refresh_from_db()
    assert a.free_text == "Merci d'avance."
    assert AuditEvent.objects.filter(action="dunning.letter_edited").count() == 1


def test_letter_pdf_preview_and_statement_download(seller, run) -> None:  # type: ignore[no-untyped-def]
    client = _client(seller, "collector")
    letter = DunningLetter.objects.filter(run=run).first()
    assert letter is not None
    pdf = client.get(f"/collections/letters/{letter.pk}/pdf/")
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )
    statement = client.get(f"/collections/customers/{letter.customer_id}/statement.pdf")
    assert statement.status_code == 200 and statement.content.startswith(b"%PDF")
    assert "attachment" in statement["Content-Disposition"]


def test_other_entities_and_read_only_users_are_kept_out(seller, run) -> None:  # type: ignore[no-untyped-def]
    auditor = _client(seller, "auditor")
    assert auditor.get(f"/collections/runs/{run.pk}/").status_code == 200
    assert auditor.post(f"/collections/runs/{run.pk}/action/", {"action": "approve_all"}).status_code == 403
    other = Entity.objects.create(code="fr", legal_name="Demo France", country="FR")
    ensure_roles()
    user = User.objects.create_user("outsider", password="a-long-password-1")
    user.groups.add(Group.objects.get(name="collector"))
    EntityGrant.objects.create(user=user, entity=other)
    client = Client()
    client.force_login(user)
    assert client.get(f"/collections/runs/{run.pk}/").status_code == 404


def test_promise_form_and_hold_buttons(seller, run) -> None:  # type: ignore[no-untyped-def]
    client = _client(seller, "collector")
    letter = DunningLetter.objects.get(run=run, customer__external_id="C1")
    customer, invoice_id = letter.customer, letter.items[0]["invoice_id"]
    page = client.get(f"/collections/customers/{customer.pk}/")
    assert page.status_code == 200 and "New promise" in page.content.decode()
    client.post(f"/collections/customers/{customer.pk}/promise/",
                {"invoices": [invoice_id], "promised_date": "2026-03-20", "amount": "100,00", "note": "by phone"})  # fmt: skip
    promise = PromiseToPay.objects.get(customer=customer)
    assert promise.amount_minor == 10000 and promise.taken_by == "collector"
    bad = client.post(f"/collections/customers/{customer.pk}/promise/",
                      {"invoices": [invoice_id], "promised_date": "2026-03-01", "amount": "5"}, follow=True)  # fmt: skip
    assert "before today" in bad.content.decode()
    client.post(f"/collections/customers/{customer.pk}/hold/", {"action": "place", "reason": "unpaid"})
    assert CreditHold.objects.get(customer=customer).is_active
    client.post(f"/collections/customers/{customer.pk}/hold/", {"action": "release", "note": "paid"})
    assert not CreditHold.objects.get(customer=customer).is_active
    actions = list(
        AuditEvent.objects.filter(object_type="customer", object_id=str(customer.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == ["credit.hold_placed", "credit.hold_released"]


def test_worklist_page_ranks_and_records_outcomes(seller, run) -> None:  # type: ignore[no-untyped-def]
    from encaisse.collections.models import CallTask
    from encaisse.collections.worklist import add_call_task

    client = _client(seller, "collector")
    customer = DunningLetter.objects.get(run=run, customer__external_id="C2").customer
    task = add_call_task(customer, "ask when", actor="collector", due_on=AS_OF)
    page = client.get("/collections/worklist/")
    assert page.status_code == 200 and "ask when" in page.content.decode()
    client.post(f"/collections/customers/{customer.pk}/note/",
                {"task": task.pk, "text": "will pay Friday", "outcome": "promise", "next": "/collections/worklist/"})  # fmt: skip
    task.refresh_from_db()
    assert task.status == "done" and task.outcome == "promise"
    assert customer.collector_notes.get().text == "will pay Friday"
    assert CallTask.objects.filter(status="open").count() == 0
