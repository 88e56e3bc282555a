"""``encaisse webhooks`` and the read-only admin; the module docstrings' examples."""

from __future__ import annotations

import doctest
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from webhook_factories import endpoint
from webhook_receiver import Answer

from encaisse.ledger.models import AuditEvent
from encaisse.webhooks import emit, emitting, sending, signing
from encaisse.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("webhooks", *args, stdout=out)
    return out.getvalue()


def test_add_prints_the_secret_once_and_it_signs_what_is_sent(seller, receiver) -> None:  # type: ignore[no-untyped-def]
    out = run("add", "--entity", "be", receiver.url, "--event", "invoice.paid", "--event", "case.opened",
              "--description", "ERP")  # fmt: skip
    secret = re.search(r"secret: (whsec_\S+)", out)
    assert secret is not None
    ep = WebhookEndpoint.objects.get()
    assert ep.events == ["invoice.paid", "case.opened"] and ep.description == "ERP"
    listed = json.loads(run("list", "--format", "json"))
    assert listed[0]["url"] == receiver.url and listed[0]["events"] == "invoice.paid,case.opened"
    assert secret.group(1) not in run("list") + run("list", "--format", "json")  # never shown again
    receiver.state.secret = secret.group(1)
    emit(seller, "invoice.paid", {"invoice": {"id": 1}})
    rows = json.loads(run("send-due", "--format", "json"))
    assert [r["status"] for r in rows] == ["succeeded"]
    assert receiver.received[0].verified
    assert AuditEvent.objects.filter(action="webhook.endpoint_created", actor="cli").count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "--entity", "zz", "https://erp.example.com/h"], "no entity 'zz'"),
        (["add", "--entity", "be", "http://erp.example.com/h"], "use https"),
        (["add", "--entity", "be", "not-a-url"], "not an http"),
        (
            ["add", "--entity", "be", "https://erp.example.com/h", "--event", "invoice.payed"],
            "unknown event type",
        ),
        (["disable", "999"], "no webhook endpoint 999"),
        (["disable", "abc"], "must be a number"),
        (["enable", "999"], "no webhook endpoint"),
        (["redeliver", "999"], "no webhook delivery 999"),
        (["redeliver", "1; drop"], "must be a number"),
        (["log", "--endpoint", "42"], "no webhook endpoint 42"),
        (["log", "--entity", "zz"], "no entity"),
    ],
)
def test_bad_input_is_a_clear_error(seller, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match=re.escape(message)):
        run(*args)
    assert WebhookEndpoint.objects.count() == 0


def test_disable_enable_log_and_redeliver(seller, receiver) -> None:  # type: ignore[no-untyped-def]
    ep, _ = endpoint(seller, receiver.url)
    receiver.state.default = Answer(500, body=b"receiver down")
    emit(seller, "invoice.paid", {"invoice": {"id": 1}})
    emit(seller, "case.opened", {"case": {"id": 2}})
    run("send-due")
    failed = json.loads(run("log", "--failed", "--format", "json"))
    assert {r["type"] for r in failed} == {"invoice.paid", "case.opened"}
    assert all(r["last_status_code"] == 500 and r["status"] == "pending" for r in failed)
    attempts = json.loads(run("log", "--attempts", "--endpoint", str(ep.pk), "--format", "json"))
    assert len(attempts) == 2 and attempts[0]["response_excerpt"] == "receiver down"
    assert "invoice.paid" in run("log")  # the table for people
    assert "disabled" in run("disable", str(ep.pk), "--reason", "maintenance")
    assert WebhookEndpoint.objects.get().disabled_reason == "maintenance"
    with pytest.raises(CommandError, match="already disabled"):
        run("disable", str(ep.pk))
    assert AuditEvent.objects.filter(action="webhook.endpoint_disabled", actor="cli").count() == 1
    d = WebhookDelivery.objects.order_by("id").first()
    assert d is not None
    with pytest.raises(CommandError, match="enable it first"):
        run("redeliver", str(d.pk))
    run("enable", str(ep.pk))
    WebhookDelivery.objects.filter(pk=d.pk).update(status="failed", next_attempt_at=None)
    receiver.state.default = Answer(204, body=b"")
    assert f"delivery {d.pk}: succeeded" in run("redeliver", str(d.pk))
    assert WebhookAttempt.objects.filter(delivery=d).count() == 2  # the log keeps the earlier attempt
    assert json.loads(run("log", "--failed", "--format", "json"))[0]["id"] != d.pk


def test_the_admin_shows_the_log_read_only_and_never_the_secret(seller, receiver, admin_client) -> None:  # type: ignore[no-untyped-def]
    ep, secret = endpoint(seller, receiver.url)
    emit(seller, "invoice.paid", {"invoice": {"id": 1}})
    sending.deliver()
    d = WebhookDelivery.objects.get()
    for url in ("/admin/webhooks/webhookendpoint/", f"/admin/webhooks/webhookendpoint/{ep.pk}/change/",
                "/admin/webhooks/webhookdelivery/", f"/admin/webhooks/webhookdelivery/{d.pk}/change/",
                "/admin/webhooks/webhookattempt/", "/admin/webhooks/webhookevent/"):  # fmt: skip
        page = admin_client.get(url)
        assert page.status_code == 200, url
        assert secret not in page.content.decode()
    assert admin_client.get("/admin/webhooks/webhookendpoint/add/").status_code == 403
    assert (
        admin_client.post(f"/admin/webhooks/webhookdelivery/{d.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert WebhookDelivery.objects.filter(pk=d.pk).exists()


@pytest.mark.parametrize("module", [signing, emitting, sending])
def test_docstring_examples(module: object) -> None:
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert tried > 0 and failures == 0
