"""Working a case through the API (moves, owner, internal notes and replies) and sending a dunning run's letters."""

from __future__ import annotations

import pytest
from api_book import Api
from django.contrib.auth import get_user_model
from django.core import mail

from encaisse.api.tokens import create_token
from encaisse.cases.models import CaseEvent
from encaisse.collections.models import DunningLetter, DunningRun, LetterStatus
from encaisse.ledger.models import AuditEvent, EntityGrant


def _case(book) -> dict:  # type: ignore[no-untyped-def, type-arg]
    r = book.write.post("/cases", {"reason": "pricing", "items": [{"invoice_id": book.invoices[0].pk}]})
    assert r.status_code == 201, r.content
    return r.json()  # type: ignore[no-any-return]


def test_moves_follow_the_case_statuses(book) -> None:  # type: ignore[no-untyped-def]
    case = _case(book)
    url = f"/cases/{case['id']}/transition"
    moved = book.write.post(url, {"to": "waiting_customer", "note": "asked for the delivery note"}, key="m-1")
    assert moved.status_code == 200 and moved.json()["status"] == "waiting_customer"
    event = moved.json()["events"][-1]
    assert (event["kind"], event["from_status"], event["to_status"], event["visibility"]) == (
        "moved", "open", "waiting_customer", "internal")  # fmt: skip
    assert event["actor"].startswith("clerk (api ")
    again = book.write.post(url, {"to": "waiting_customer", "note": "asked for the delivery note"}, key="m-1")
    assert again["Idempotent-Replayed"] == "true" and CaseEvent.objects.filter(kind="moved").count() == 1
    refused = book.write.post(url, {"to": "open"})
    assert refused.status_code == 409 and refused.json()["code"] == "transition_refused"
    assert "allowed: investigating, waiting_internal" in refused.json()["detail"]
    assert book.write.post(url, {"to": "resolved"}).status_code == 409  # resolving is /resolve
    unknown = book.write.post(url, {"to": "closed"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "to"
    assert book.read.post(url, {"to": "investigating"}).status_code == 403


def test_owner_is_a_user_who_sees_the_entity(book) -> None:  # type: ignore[no-untyped-def]
    case = _case(book)
    url = f"/cases/{case['id']}/assign"
    assigned = book.write.post(url, {"owner": "clerk"})
    assert assigned.status_code == 200 and assigned.json()["owner"] == "clerk"
    assert book.write.get(f"/cases/{case['id']}").json()["owner"] == "clerk"
    assert book.write.get("/cases").json()["items"][0]["owner"] == "clerk"
    stranger = get_user_model().objects.create_user("stranger")
    EntityGrant.objects.create(user=stranger, entity=book.fr)  # another entity only
    for who in ("stranger", "nobody-by-that-name"):
        r = book.write.post(url, {"owner": who})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "owner", who
        assert r.json()["errors"][0]["reason"] == "no active user who may see this case's entity"
    cleared = book.write.post(url, {"owner": None})
    assert cleared.status_code == 200 and cleared.json()["owner"] is None
    assert [e["kind"] for e in cleared.json()["events"]] == ["opened", "assigned", "assigned"]


def test_a_comment_is_internal_unless_it_is_for_the_customer(
    book, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    case = _case(book)
    url = f"/cases/{case['id']}/comments"
    with django_capture_on_commit_callbacks(execute=True):
        note = book.write.post(url, {"text": "called the buyer"})
    assert note.status_code == 201 and (note.json()["kind"], note.json()["visibility"]) == (
        "comment",
        "internal",
    )
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        reply = book.write.post(
            url, {"text": "We credit the difference.", "visibility": "customer"}, key="r-1"
        )
    assert reply.status_code == 201 and (reply.json()["kind"], reply.json()["visibility"]) == (
        "reply",
        "customer",
    )
    assert len(callbacks) == 1 and [m.to for m in mail.outbox] == [["ap@acheteur.be"]]
    assert "We credit the difference." in mail.outbox[0].body
    # the same request again: the stored answer, no second reply, no second e-mail
    with django_capture_on_commit_callbacks(execute=True):
        replay = book.write.post(
            url, {"text": "We credit the difference.", "visibility": "customer"}, key="r-1"
        )
    assert replay["Idempotent-Replayed"] == "true" and len(mail.outbox) == 1
    assert CaseEvent.objects.filter(kind="reply").count() == 1
    assert book.write.post(url, {"text": "x", "visibility": "public"}).status_code == 422
    shown = [(e["kind"], e["visibility"]) for e in book.write.get(f"/cases/{case['id']}").json()["events"]]
    assert shown == [("opened", "internal"), ("comment", "internal"), ("reply", "customer")]


def _run(book) -> dict:  # type: ignore[no-untyped-def, type-arg]
    r = book.write.post("/dunning/runs", {"as_of": "2026-03-15"})
    assert r.status_code == 200 and r.json()["letters_count"] >= 1, r.content
    return r.json()  # type: ignore[no-any-return]


def test_approve_then_send_a_runs_letters(book, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    run = _run(book)
    ids = [x["id"] for x in run["letters"]]
    nothing = book.write.post(f"/dunning/runs/{run['id']}/send", {})
    assert nothing.status_code == 202 and nothing.json()["sending"] == []  # drafts are not sent
    approved = book.write.post(f"/dunning/runs/{run['id']}/approve", {"letter_ids": ids[:1]}, key="a-1")
    assert approved.status_code == 200 and approved.json()["approved"] == 1
    assert [x["status"] for x in approved.json()["letters"]][:1] == ["approved"]
    all_of_them = book.write.post(f"/dunning/runs/{run['id']}/approve")
    assert all_of_them.json()["approved"] == len(ids) - 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sending = book.write.post(f"/dunning/runs/{run['id']}/send", {}, key="s-1")
        assert not mail.outbox  # nothing goes out before the request's transaction commits
    assert sending.status_code == 202 and sending.json()["sending"] == ids
    assert {x["status"] for x in sending.json()["letters"]} == {"approved"}
    assert len(callbacks) == 1
    after = book.write.get(f"/dunning/runs/{run['id']}").json()
    assert {x["status"] for x in after["letters"]} == {"sent"}
    assert len(mail.outbox) == len(ids) and mail.outbox[0].to == ["ap@acheteur.be"]
    assert AuditEvent.objects.filter(
        action="dunning.letter_sent", actor__startswith="clerk (api "
    ).count() == len(ids)
    # a retry (same key) replays; a new request finds nothing approved left to send
    with django_capture_on_commit_callbacks(execute=True):
        replay = book.write.post(f"/dunning/runs/{run['id']}/send", {}, key="s-1")
        fresh = book.write.post(f"/dunning/runs/{run['id']}/send", {}, key="s-2")
    assert replay["Idempotent-Replayed"] == "true" and fresh.json()["sending"] == []
    assert len(mail.outbox) == len(ids)


def test_letters_named_must_be_the_runs_and_a_preview_has_none(book) -> None:  # type: ignore[no-untyped-def]
    run = _run(book)
    other_run = DunningRun.objects.create(entity=book.be, as_of=run["as_of"], dry_run=True)
    r = book.write.post(
        f"/dunning/runs/{run['id']}/approve", {"letter_ids": [run["letters"][0]["id"], 987654]}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "letter_ids[1]"
    assert DunningLetter.objects.filter(status=LetterStatus.APPROVED).count() == 0  # nothing half-done
    for action in ("approve", "send"):
        preview = book.write.post(f"/dunning/runs/{other_run.pk}/{action}")
        assert preview.status_code == 409 and preview.json()["code"] == "dry_run"


def test_another_entitys_run_is_out_of_reach(book) -> None:  # type: ignore[no-untyped-def]
    _, fr_token = create_token("clerk", ["fr"], name="fr", write=True)
    fr_run = DunningRun.objects.create(entity=book.fr, as_of="2026-03-15")
    for action in ("approve", "send"):
        assert book.write.post(f"/dunning/runs/{fr_run.pk}/{action}").status_code == 404
        assert Api(fr_token).post(f"/dunning/runs/{fr_run.pk}/{action}").status_code in (200, 202)


def test_a_write_off_asked_through_the_api_is_approved_by_another_person(book) -> None:  # type: ignore[no-untyped-def]
    from encaisse.cases.models import Case
    from encaisse.cases.services import CaseError, approve_write_off

    case = _case(book)  # 121.00, above the default write-off limit of 100.00
    asked = book.write.post(f"/cases/{case['id']}/resolve", {"outcome": "write_off"})
    assert asked.status_code == 200 and asked.json()["status"] == "pending_approval"
    row = Case.objects.get(pk=case["id"])
    assert row.requested_by == book.user
    assert row.events.get(kind="approval_requested").actor.startswith("clerk (api ")
    with pytest.raises(CaseError, match="another person"):
        approve_write_off(row, user=book.user)
    manager = get_user_model().objects.create_user("manager")
    assert approve_write_off(row, user=manager).status == "resolved"


def test_a_write_off_is_approved_or_declined_through_the_api_by_another_person(book) -> None:  # type: ignore[no-untyped-def]
    from api_book import Api
    from django.contrib.auth.models import Group

    from encaisse.cases.models import Case

    manager = get_user_model().objects.create_user("manager")
    manager.groups.add(*Group.objects.filter(name="credit_manager"))
    EntityGrant.objects.create(user=manager, entity=book.be)
    _, secret = create_token("manager", ["be"], name="manager", write=True)
    other = Api(secret)
    first, second = _case(book), _case(book)
    for case in (first, second):
        asked = book.write.post(f"/cases/{case['id']}/resolve", {"outcome": "write_off"})
        assert asked.json()["status"] == "pending_approval"

    own = book.write.post(f"/cases/{first['id']}/approve-write-off")
    assert own.status_code == 409 and own.json()["code"] == "approval_refused"
    assert "another person" in own.json()["detail"]
    approved = other.post(f"/cases/{first['id']}/approve-write-off")
    assert approved.status_code == 200 and approved.json()["status"] == "resolved"
    assert Case.objects.get(pk=first["id"]).approved_by == manager
    again = other.post(f"/cases/{first['id']}/approve-write-off")
    assert again.status_code == 409 and "no write-off waiting" in again.json()["detail"]

    declined = other.post(f"/cases/{second['id']}/decline-write-off", {"note": "ask for a credit note"})
    assert declined.status_code == 200 and declined.json()["status"] == "investigating"
    event = Case.objects.get(pk=second["id"]).events.get(kind="declined")
    assert event.actor.startswith("manager (api ") and event.text == "ask for a credit note"
    outsider = other.post("/cases/999999/decline-write-off", {})
    assert outsider.status_code == 404
