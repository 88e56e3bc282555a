"""The case board and page (scoping, read-only auditor, forms) and the case commands."""

from __future__ import annotations

import json
from datetime import date

import pytest
from cases_book import invoice
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from encaisse.cases import services
from encaisse.cases.models import Case, CaseAttachment, CaseType
from encaisse.cases.services import ItemRequest
from encaisse.ledger.archive import ArchiveStore

ON = date(2026, 3, 20)


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def open_on(ledger, number: str, reason: str = "pricing", amount: int | None = None) -> Case:  # type: ignore[no-untyped-def]
    inv = invoice(number)
    ent = ledger["be"] if inv.entity_id == ledger["be"].pk else ledger["fr"]
    return services.open_case(ent, type=CaseType.DISPUTE, items=[ItemRequest(inv, amount)], reason=reason,
                              actor="clerk", on=ON)  # fmt: skip


def test_board_lists_cases_by_status_with_kpis_and_filters(ledger, people) -> None:  # type: ignore[no-untyped-def]
    mine = open_on(ledger, "B-1", amount=20000)
    services.assign(mine, people["clerk"], actor="clerk")
    other = open_on(ledger, "B-3", reason="damaged_goods")
    services.transition(other, "waiting_customer", actor="clerk")
    hidden = open_on(ledger, "F-1")
    page = client_for(people["clerk"]).get("/cases/").content.decode()
    assert mine.reference in page and other.reference in page and hidden.reference not in page
    assert 'data-status="waiting_customer"' in page
    assert '<dd id="kpi-open">2</dd>' in page and "442.00 EUR" in page
    filtered = client_for(people["clerk"]).get(f"/cases/?owner={people['clerk'].pk}").content.decode()
    assert mine.reference in filtered and other.reference not in filtered
    by_reason = client_for(people["clerk"]).get("/cases/?reason=damaged_goods&type=dispute").content.decode()
    assert other.reference in by_reason and mine.reference not in by_reason
    assert mine.reference not in client_for(people["clerk"]).get("/cases/?min_age=100000").content.decode()


def test_another_entitys_case_is_not_found(ledger, people) -> None:  # type: ignore[no-untyped-def]
    hidden = open_on(ledger, "F-1")
    clerk = client_for(people["clerk"])
    assert clerk.get(f"/cases/{hidden.pk}/").status_code == 404
    assert clerk.post(f"/cases/{hidden.pk}/action/", {"action": "comment", "text": "x"}).status_code == 404
    assert clerk.get(f"/cases/new/?invoice={invoice('F-1').pk}").status_code == 404


def test_case_page_moves_comments_attaches_and_resolves(ledger, people, private_archive) -> None:  # type: ignore[no-untyped-def]
    case = open_on(ledger, "B-2", amount=5000)
    clerk = client_for(people["clerk"])
    url = f"/cases/{case.pk}/action/"
    assert clerk.post(url, {"action": "move", "to": "investigating"}).status_code == 302
    clerk.post(url, {"action": "comment", "text": "Asked for the delivery note"})
    clerk.post(
        url, {"action": "attach", "file": SimpleUploadedFile("note.pdf", b"%PDF delivery", "application/pdf")}
    )
    clerk.post(url, {"action": "move", "to": "resolved"})  # not a move: refused with a message
    page = clerk.get(f"/cases/{case.pk}/").content.decode()
    assert "Asked for the delivery note" in page and "note.pdf" in page
    assert "no move from investigating to resolved" in page
    sha = CaseAttachment.objects.get(case=case).sha256
    assert ArchiveStore(private_archive).get(sha) == b"%PDF delivery"
    clerk.post(url, {"action": "resolve", "outcome": "credit_note", "amount": "20.00", "note": "agreed"})
    case.refresh_from_db()
    assert (case.status, case.outcome, case.resolved_amount_minor) == ("resolved", "credit_note", 2000)
    assert invoice("B-2").open_minor == 48000


def test_write_off_approval_on_the_page_by_another_person(ledger, people) -> None:  # type: ignore[no-untyped-def]
    case = open_on(ledger, "B-1", amount=50000)
    url = f"/cases/{case.pk}/action/"
    client_for(people["clerk"]).post(url, {"action": "resolve", "outcome": "write_off"})
    assert Case.objects.get(pk=case.pk).status == "pending_approval"
    own = client_for(people["clerk"])
    assert "Approve the write-off" not in own.get(f"/cases/{case.pk}/").content.decode()
    own.post(url, {"action": "approve"})
    assert Case.objects.get(pk=case.pk).status == "pending_approval"
    manager = client_for(people["manager"])
    assert "Approve the write-off" in manager.get(f"/cases/{case.pk}/").content.decode()
    manager.post(url, {"action": "approve"})
    assert Case.objects.get(pk=case.pk).status == "resolved" and invoice("B-1").open_minor == 71000


def test_auditor_reads_but_cannot_change(ledger, people) -> None:  # type: ignore[no-untyped-def]
    case = open_on(ledger, "B-1")
    auditor = client_for(people["auditor"])
    page = auditor.get(f"/cases/{case.pk}/").content.decode()
    assert case.reference in page and "Resolve" not in page and 'name="action"' not in page
    assert auditor.post(f"/cases/{case.pk}/action/", {"action": "comment", "text": "x"}).status_code == 403
    response = auditor.post("/cases/new/", {"number": "B-2", "reason": "pricing", "type": "dispute"})
    assert response.status_code == 403
    assert Case.objects.count() == 1 and case.events.count() == 1


def test_open_a_case_from_the_page(ledger, people) -> None:  # type: ignore[no-untyped-def]
    clerk = client_for(people["clerk"])
    assert "Pricing" in clerk.get(f"/cases/new/?invoice={invoice('B-3').pk}").content.decode()
    response = clerk.post("/cases/new/", {"number": "B-3", "reason": "quantity", "type": "dispute", "amount": "42.00",
                                          "summary": "2 cases missing", "mine": "1"})  # fmt: skip
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert (case.amount_minor, case.owner, case.reason.code) == (4200, people["clerk"], "quantity")
    bad = clerk.post("/cases/new/", {"number": "B-3", "reason": "quantity", "amount": "1e9"}).content.decode()
    assert "beyond its open amount" in bad


def test_commands_open_list_and_kpis(ledger, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("case-open", "B-1", "--reason", "pricing", "--amount", "100.50", "--entity", "be")
    assert capsys.readouterr().out.startswith("CASE-")
    with pytest.raises(CommandError, match="unknown reason"):
        call_command("case-open", "B-2", "--reason", "weather", "--entity", "be")
    with pytest.raises(CommandError, match="no invoice"):
        call_command("case-open", "NOPE", "--reason", "pricing")
    call_command("case-open", "B-3", "--reason", "tax", "--entity", "be")
    assert "dispute on B-3" in capsys.readouterr().out
    services.resolve(Case.objects.get(reason__code="tax"), "rejected", actor="clerk")
    call_command("cases", "--format", "json", "--entity", "be")
    rows = json.loads(capsys.readouterr().out)
    assert [(r["invoices"], r["amount"], r["status"]) for r in rows] == [("B-1", "100.50", "open"),
                                                                       ("B-3", "242.00", "resolved")]  # fmt: skip
    call_command("cases", "--format", "csv", "--status", "open")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("case,entity,type,status") and len(lines) == 2
    call_command("cases", "--format", "table")
    assert "B-1" in capsys.readouterr().out
    call_command("case-kpis", "--format", "json")
    figures = json.loads(capsys.readouterr().out)
    assert figures["open_cases"] == 1 and figures["amount_in_dispute"] == {"EUR": "100.50"}
    assert figures["resolved_cases"] == 1 and figures["average_resolution_days"] is not None
    assert figures["top_reasons"][0]["reason"] == "tax" and figures["top_reasons"][0]["amount"] == "242.00"
