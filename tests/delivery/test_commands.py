"""The delivery commands: deliver, deliveries, delivery-reconcile, delivery-post-batch."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from delivery_factories import make_customer, make_invoice
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from encaisse.delivery.models import Delivery, DeliveryIssue, DeliveryPreference, DeliveryStatus, EmailSentLog


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_deliver_one_invoice_then_list_as_json_and_csv(seller, customer, smtp) -> None:  # type: ignore[no-untyped-def]
    make_invoice(customer, "INV-C1")
    sent = json.loads(run("deliver", "--invoice", "INV-C1", "--format", "json"))
    assert [(r["invoice"], r["channel"], r["status"]) for r in sent] == [("INV-C1", "email", "sent")]
    assert len(smtp.received) == 1
    # again: the same delivery, nothing sent
    assert json.loads(run("deliver", "--invoice", "INV-C1", "--format", "json")) == []
    assert len(smtp.received) == 1

    rows = json.loads(run("deliveries", "--format", "json"))
    assert [(r["invoice"], r["status"], r["customer"]) for r in rows] == [("INV-C1", "sent", "C1")]
    assert rows[0]["provider_id"].startswith("<") and rows[0]["key"].endswith(".email.invoice")
    table = list(csv.DictReader(io.StringIO(run("deliveries", "--status", "sent", "--format", "csv"))))
    assert table[0]["invoice"] == "INV-C1"
    assert run("deliveries", "--status", "failed", "--format", "json").strip() == "[]"
    assert "INV-C1" in run("deliveries")


def test_deliver_with_a_channel_and_errors(seller, customer) -> None:  # type: ignore[no-untyped-def]
    make_invoice(customer, "INV-C2", pdf=False, ubl=False)
    rows = json.loads(run("deliver", "--invoice", "INV-C2", "--channel", "portal", "--format", "json"))
    assert rows[0]["status"] == DeliveryStatus.DELIVERED
    with pytest.raises(CommandError, match="no invoice"):
        run("deliver", "--invoice", "NOPE")
    nobody = make_customer(seller, "C9", emails=[])
    DeliveryPreference.objects.create(customer=nobody, channels=["email"])
    make_invoice(nobody, "INV-C3", pdf=False, ubl=False)
    with pytest.raises(CommandError, match="no channel can deliver it"):
        run("deliver", "--invoice", "INV-C3")


def test_deliver_background_hands_the_work_to_huey(seller, customer, smtp, immediate_jobs) -> None:  # type: ignore[no-untyped-def]
    make_invoice(customer, "INV-C4", pdf=False, ubl=False)
    assert "1 handed to the job workers" in run("deliver", "--invoice", "INV-C4", "--background")
    assert Delivery.objects.get().status == DeliveryStatus.SENT  # immediate mode ran the task at once


def test_reconcile_command(seller, customer, smtp) -> None:  # type: ignore[no-untyped-def]
    invoice = make_invoice(customer, "INV-C5", pdf=False, ubl=False)
    run("deliver", "--invoice", "INV-C5")
    d = Delivery.objects.get(invoice=invoice)
    # a crash after the server's 250 and the sent-log, before the confirm
    Delivery.objects.filter(pk=d.pk).update(
        status=DeliveryStatus.SENDING, sending_since=timezone.now() - timedelta(hours=1)
    )
    assert EmailSentLog.objects.filter(delivery=d, phase="accepted").exists()
    assert run("delivery-reconcile").startswith("1 reconciled: 1 sent")
    assert Delivery.objects.get(pk=d.pk).status == DeliveryStatus.SENT
    assert len(smtp.received) == 1
    assert run("delivery-reconcile").startswith("0 reconciled")


def test_recent_sending_rows_are_left_to_their_sender(seller, customer) -> None:  # type: ignore[no-untyped-def]
    invoice = make_invoice(customer, "INV-C6", pdf=False, ubl=False)
    run("deliver", "--invoice", "INV-C6", "--channel", "portal")
    Delivery.objects.filter(invoice=invoice).update(
        status=DeliveryStatus.SENDING, sending_since=timezone.now()
    )
    assert run("delivery-reconcile").startswith("0 reconciled")
    assert json.loads(run("delivery-reconcile", "--older-than", "0", "--format", "json")) == [
        {"id": Delivery.objects.get(invoice=invoice).pk, "outcome": "queued again"}
    ]
    assert not DeliveryIssue.objects.exists()


def test_post_batch_command_writes_the_pdf(seller, tmp_path) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(seller, "P1")
    DeliveryPreference.objects.create(customer=customer, channels=["post"])
    make_invoice(customer, "INV-C7")
    run("deliver", "--invoice", "INV-C7")
    out = json.loads(run("delivery-post-batch", "-o", str(tmp_path / "print"), "--format", "json"))
    assert out[0]["letters"] == 1 and out[0]["pages"] >= 2
    assert (tmp_path / "print" / out[0]["file"]).read_bytes().startswith(b"%PDF")
    assert run("delivery-post-batch").strip() == "no letter waiting for print"
