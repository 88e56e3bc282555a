"""Peppol through an access point's REST API (a stand-in server on 127.0.0.1) and through an outbox folder."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from delivery_factories import make_customer, make_invoice
from django.test import Client
from django.utils import timezone

from encaisse.delivery import services
from encaisse.delivery.channels.peppol import participant
from encaisse.delivery.models import Delivery, DeliveryIssue, DeliveryPreference, DeliveryStatus, IssueKind
from encaisse.formats.einvoice.ubl import read_ubl

RECEIVER = "iso6523-actorid-upis::0208:0202239951"


@pytest.fixture
def peppol_customer(seller):  # type: ignore[no-untyped-def]
    customer = make_customer(seller, endpoint="0208:0202239951")
    DeliveryPreference.objects.create(customer=customer, channels=["peppol", "email"])
    return customer


@pytest.mark.parametrize("envelope", ["headers", "json"])
def test_access_point_accepts_the_ubl_with_its_routing(
    peppol_customer, access_point, settings, envelope
) -> None:  # type: ignore[no-untyped-def]
    settings.ENCAISSE_PEPPOL_AP_FORMAT = envelope
    invoice = make_invoice(peppol_customer, "INV-P1")
    delivery = services.queue_delivery(invoice)
    assert delivery.channel == "peppol"

    outcome = services.send_delivery(delivery.pk)

    assert outcome.status == DeliveryStatus.SENT
    [submission] = access_point.state.submissions
    assert submission.headers["receiver"] == RECEIVER
    assert submission.headers["sender"] == "iso6523-actorid-upis::0208:0123456749"
    assert submission.headers["documentType"].startswith(
        "busdox-docid-qns::urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##urn:cen.eu:en16931:2017"
    )
    assert submission.headers["process"] == "cenbii-procid-ubl::urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
    assert submission.key == delivery.key
    assert read_ubl(submission.document).number == "INV-P1"
    delivery.refresh_from_db()
    assert delivery.provider_id == submission.id and delivery.sent_at is not None


def test_rejected_document_is_not_retried_and_asks_a_person(peppol_customer, access_point, settings) -> None:  # type: ignore[no-untyped-def]
    # the envelope names a receiver that is not the buyer of the document: the access point refuses it
    DeliveryPreference.objects.filter(customer=peppol_customer).update(peppol_id="0208:0999999999")
    delivery = services.queue_delivery(make_invoice(peppol_customer, "INV-P2"))
    outcome = services.send_delivery(delivery.pk)
    assert outcome.status == DeliveryStatus.REJECTED and outcome.retry_at is None
    assert "HTTP 400" in outcome.detail and "not the buyer" in outcome.detail
    issue = DeliveryIssue.objects.get(delivery=delivery)
    assert issue.kind == IssueKind.REJECTED
    assert access_point.state.submissions == []
    assert not Delivery.objects.filter(fallback_of=delivery).exists()


def test_503_is_retried_with_backoff_until_accepted(peppol_customer, access_point) -> None:  # type: ignore[no-untyped-def]
    access_point.state.fail_next = [503, 503]
    delivery = services.queue_delivery(make_invoice(peppol_customer, "INV-P3"))
    t0 = timezone.now()
    first = services.send_delivery(delivery.pk, now=t0)
    assert first.status == DeliveryStatus.QUEUED and first.retry_at == t0 + timedelta(minutes=1)
    assert "HTTP 503" in first.detail
    second = services.send_delivery(delivery.pk, now=first.retry_at)
    assert second.retry_at == t0 + timedelta(minutes=6)
    third = services.send_delivery(delivery.pk, now=second.retry_at)
    assert third.status == DeliveryStatus.SENT
    assert len(access_point.state.submissions) == 1
    assert Delivery.objects.get(pk=delivery.pk).attempts == 3


def test_503_until_the_last_attempt_raises_an_issue(peppol_customer, access_point, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ENCAISSE_DELIVERY_MAX_ATTEMPTS = "2"
    access_point.state.fail_next = [503, 503, 503]
    delivery = services.queue_delivery(make_invoice(peppol_customer, "INV-P4"))
    now = timezone.now()
    services.send_delivery(delivery.pk, now=now)
    last = services.send_delivery(delivery.pk, now=now + timedelta(hours=1))
    assert last.status == DeliveryStatus.FAILED
    assert DeliveryIssue.objects.get(delivery=delivery).kind == IssueKind.RETRIES_EXHAUSTED


def test_wrong_credentials_fail_without_retry(peppol_customer, access_point, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ENCAISSE_PEPPOL_AP_TOKEN = "wrong"
    delivery = services.queue_delivery(make_invoice(peppol_customer, "INV-P5"))
    outcome = services.send_delivery(delivery.pk)
    assert outcome.status == DeliveryStatus.FAILED and "HTTP 401" in outcome.detail
    assert DeliveryIssue.objects.get(delivery=delivery).kind == IssueKind.FAILED


def test_resubmission_after_a_crash_uses_the_same_idempotency_key(peppol_customer, access_point) -> None:  # type: ignore[no-untyped-def]
    delivery = services.queue_delivery(make_invoice(peppol_customer, "INV-P6"))
    services.send_delivery(delivery.pk)
    first_id = Delivery.objects.get(pk=delivery.pk).provider_id
    # as if the confirm had been lost: the row is back in sending, reconcile submits again
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENDING, attempt_id="crashed",
                                                   sending_since=timezone.now() - timedelta(hours=1))  # fmt: skip
    report = services.reconcile()
    assert report.requeued == [delivery.pk]
    assert services.send_delivery(delivery.pk).status == DeliveryStatus.SENT
    assert Delivery.objects.get(pk=delivery.pk).provider_id == first_id
    assert len(access_point.state.submissions) == 1


def test_status_polling_and_webhook_record_delivered_and_rejected(
    peppol_customer, access_point, settings
) -> None:  # type: ignore[no-untyped-def]
    first = services.queue_delivery(make_invoice(peppol_customer, "INV-P7"))
    second = services.queue_delivery(make_invoice(peppol_customer, "INV-P8"))
    services.send_due()
    first.refresh_from_db()
    second.refresh_from_db()
    access_point.state.statuses[first.provider_id] = ("delivered", "")
    access_point.state.statuses[second.provider_id] = (
        "rejected",
        "buyer unknown at the receiving access point",
    )

    assert services.poll_provider_statuses() == 2

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == DeliveryStatus.DELIVERED and first.delivered_at is not None
    assert second.status == DeliveryStatus.REJECTED and "buyer unknown" in second.detail
    assert DeliveryIssue.objects.get(delivery=second).kind == IssueKind.REJECTED
    assert services.poll_provider_statuses() == 0  # final states are not asked again

    # the access point may call back instead
    third = services.queue_delivery(make_invoice(peppol_customer, "INV-P9"))
    services.send_delivery(third.pk)
    third.refresh_from_db()
    settings.ENCAISSE_PEPPOL_WEBHOOK_SECRET = "hook-secret"
    body = json.dumps({"id": third.provider_id, "status": "delivered"}).encode()
    signature = "sha256=" + hmac.new(b"hook-secret", body, hashlib.sha256).hexdigest()
    url = "/delivery/peppol/status/"
    assert (
        Client()
        .post(url, body, content_type="application/json", HTTP_X_ENCAISSE_SIGNATURE="sha256=bad")
        .status_code
        == 403
    )
    answer = Client().post(url, body, content_type="application/json", HTTP_X_ENCAISSE_SIGNATURE=signature)
    assert answer.status_code == 200
    assert Delivery.objects.get(pk=third.pk).status == DeliveryStatus.DELIVERED


def test_customer_without_peppol_id_falls_back_to_email(seller, access_point, smtp) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(seller, vat="", endpoint="")
    DeliveryPreference.objects.create(customer=customer, channels=["peppol", "email"])
    delivery = services.queue_delivery(make_invoice(customer, "INV-P10"))
    assert delivery.channel == "email"
    assert any("peppol skipped" in n for n in delivery.notes)


def test_outbox_folder_gets_the_ubl_and_its_envelope(peppol_customer, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    outbox = tmp_path / "ap-outbox"
    settings.ENCAISSE_PEPPOL_OUTBOX = str(outbox)
    delivery = services.queue_delivery(make_invoice(peppol_customer, "INV-P11"))
    assert services.send_delivery(delivery.pk).status == DeliveryStatus.SENT
    stem = delivery.key  # letters, digits, dots and dashes: the file name as it is
    xml, envelope = outbox / f"{stem}.xml", outbox / f"{stem}.json"
    assert read_ubl(xml.read_bytes()).number == "INV-P11"
    data = json.loads(envelope.read_text())
    assert data["receiver"] == RECEIVER and data["file"] == xml.name
    assert data["sha256"] == hashlib.sha256(xml.read_bytes()).hexdigest()
    assert sorted(p.name for p in outbox.iterdir()) == sorted(
        [xml.name, envelope.name]
    )  # no temporary file left


def test_participant_identifiers() -> None:
    assert participant("0208", "0123456749") == "iso6523-actorid-upis::0208:0123456749"
    assert participant(None, "9925:BE0123456749") == "iso6523-actorid-upis::9925:BE0123456749"
    assert participant(None, RECEIVER) == RECEIVER
