"""The archive: content-addressed, write-once, kept until retention, held on demand, verifiable, searchable."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date

import pytest
from billing_factories import line, make_customer, request
from django.core.management import call_command
from django.core.management.base import CommandError

from encaisse.billing import archiving, services
from encaisse.billing.models import ArchivedDocument, ArchiveLocked
from encaisse.ledger.archive import ArchiveStore
from encaisse.ledger.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(seller, buyer):  # type: ignore[no-untyped-def]
    return services.create_invoice(request(seller, buyer, line("Consulting", "2", "500")), actor="test")


def test_every_issued_document_is_archived_under_its_hash(issued) -> None:
    docs = {d.kind: d for d in ArchivedDocument.objects.filter(invoice=issued.invoice)}
    assert set(docs) == {"pdf", "ubl", "facturx"}
    store = ArchiveStore()
    for doc in docs.values():
        data = store.get(doc.sha256)
        assert hashlib.sha256(data).hexdigest() == doc.sha256 and len(data) == doc.size
        assert (doc.number, doc.issue_date, doc.amount_minor, doc.currency) == (
            issued.number,
            date(2026, 3, 2),
            121000,
            "EUR",
        )
        assert doc.customer_id == issued.customer_id and doc.entity_id == issued.entity_id
        assert doc.retention_until == date(2036, 12, 31)
    assert docs["pdf"].content_type == "application/pdf" and docs["ubl"].filename == f"{issued.number}.xml"


def test_retention_is_per_entity(seller, buyer) -> None:
    seller.billing_profile.retention_years = 12
    seller.billing_profile.save()
    doc = services.create_invoice(request(seller, buyer), actor="test")
    assert {d.retention_until for d in ArchivedDocument.objects.filter(invoice=doc.invoice)} == {
        date(2038, 12, 31)
    }


def test_deleting_or_replacing_before_retention_is_refused_and_logged(issued) -> None:
    doc = ArchivedDocument.objects.get(invoice=issued.invoice, kind="pdf")
    with pytest.raises(ArchiveLocked, match="2036-12-31"):
        doc.delete()
    with pytest.raises(ArchiveLocked):
        archiving.dispose(doc, actor="clerk", on=date(2036, 12, 31))
    with pytest.raises(ArchiveLocked):
        ArchivedDocument.objects.filter(pk=doc.pk).delete()
    doc.sha256 = "0" * 64
    with pytest.raises(ArchiveLocked, match="write-once"):
        doc.save()
    with pytest.raises(ArchiveLocked):
        ArchivedDocument.objects.filter(pk=doc.pk).update(sha256="0" * 64)
    refusals = AuditEvent.objects.filter(action__in=["archive.delete_refused", "archive.replace_refused"])
    assert refusals.filter(action="archive.delete_refused").count() >= 3
    assert refusals.filter(action="archive.replace_refused").count() == 1
    assert refusals.filter(actor="clerk").exists()
    assert ArchivedDocument.objects.filter(pk=doc.pk).exists()
    assert ArchiveStore().verify(ArchivedDocument.objects.get(pk=doc.pk).sha256) is None


def test_legal_hold_keeps_a_document_past_its_retention(issued, django_capture_on_commit_callbacks) -> None:
    doc = ArchivedDocument.objects.get(invoice=issued.invoice, kind="ubl")
    with pytest.raises(ValueError, match="reason"):
        archiving.set_legal_hold(doc, reason=" ", actor="auditor")
    held = archiving.set_legal_hold(doc, reason="Tax audit 2037/12", actor="auditor")
    assert held.legal_hold and held.legal_hold_reason == "Tax audit 2037/12"
    with pytest.raises(ArchiveLocked, match="legal hold"):
        archiving.dispose(held, actor="clerk", on=date(2040, 1, 1))
    archiving.clear_legal_hold(held, reason="Audit closed", actor="auditor")
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the deletion commits
        archiving.dispose(ArchivedDocument.objects.get(pk=doc.pk), actor="clerk", on=date(2040, 1, 1))
    assert not ArchivedDocument.objects.filter(pk=doc.pk).exists()
    assert not ArchiveStore().path_for(doc.sha256).exists()
    actions = list(
        AuditEvent.objects.filter(object_type="archived_document", object_id=str(doc.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "archive.legal_hold_set",
        "archive.delete_refused",
        "archive.legal_hold_cleared",
        "archive.disposed",
    ]


def test_archive_hold_command(issued, capsys) -> None:
    call_command("archive-hold", issued.number, "--reason", "Dispute 42")
    assert "legal hold set on 3 file(s)" in capsys.readouterr().out
    assert ArchivedDocument.objects.filter(legal_hold=True).count() == 3
    call_command("archive-hold", issued.number, "--reason", "Dispute closed", "--clear")
    assert not ArchivedDocument.objects.filter(legal_hold=True).exists()


def test_archive_verify_finds_damaged_and_missing_files(issued, capsys) -> None:
    call_command("archive-verify")
    assert "archive intact: 3 file(s)" in capsys.readouterr().out
    store = ArchiveStore()
    pdf = ArchivedDocument.objects.get(invoice=issued.invoice, kind="pdf")
    ubl = ArchivedDocument.objects.get(invoice=issued.invoice, kind="ubl")
    damaged = store.path_for(pdf.sha256)
    os.chmod(damaged, 0o644)
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0x01
    damaged.write_bytes(bytes(data))
    store.path_for(ubl.sha256).unlink()
    with pytest.raises(CommandError, match="2 of 3"):
        call_command("archive-verify")
    err = capsys.readouterr().err
    assert f"DAMAGED {pdf.sha256}: pdf {issued.number}" in err
    assert f"MISSING {ubl.sha256}: ubl {issued.number}" in err


def test_search_by_customer_number_dates_and_amount(seller, buyer, capsys) -> None:
    other = make_customer(seller, "C2", name="Boulangerie Martin", vat="")
    services.create_invoice(request(seller, buyer, line("A", "1", "100"), issue_date="2026-01-10"), actor="t")
    services.create_invoice(request(seller, buyer, line("B", "1", "900"), issue_date="2026-02-10"), actor="t")
    services.create_invoice(request(seller, other, line("C", "1", "50"), issue_date="2026-03-10"), actor="t")

    def numbers(**criteria: object) -> list[str]:
        query = archiving.ArchiveQuery(kind="pdf", **criteria)  # type: ignore[arg-type]
        return sorted(d.number for d in archiving.search_archive([seller], query))

    assert numbers(customer="C1") == ["INV-2026-000001", "INV-2026-000002"]
    assert numbers(customer="boulangerie") == ["INV-2026-000003"]
    assert numbers(number="000002") == ["INV-2026-000002"]
    assert numbers(date_from=date(2026, 2, 1), date_to=date(2026, 3, 31)) == [
        "INV-2026-000002",
        "INV-2026-000003",
    ]
    assert numbers(amount_min=12000, amount_max=108900) == ["INV-2026-000001", "INV-2026-000002"]
    call_command("archive-search", "--customer", "C1", "--min", "500", "--kind", "ubl", "--format", "json")
    rows = json.loads(capsys.readouterr().out)
    assert [(r["number"], r["amount"], r["kind"]) for r in rows] == [("INV-2026-000002", "1089.00", "ubl")]
