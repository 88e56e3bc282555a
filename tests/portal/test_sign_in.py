"""Signing in to the portal: magic links, passwords, lock-out, sessions apart from the back office."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import timezone
from portal_book import PASSWORD, signed_in_client

from encaisse.ledger.models import AuditEvent
from encaisse.portal import services
from encaisse.portal.models import MagicLink, PortalUser

LINK = re.compile(r"https://portal\.example\.test(/portal/sign-in/link/[A-Za-z0-9_\-]+/)")


def _request_link(client: Client, email: str) -> str:
    response = client.post("/portal/sign-in/", {"method": "link", "link-email": email})
    assert response.status_code == 302 and response["Location"] == "/portal/sign-in/sent/"
    return client.get(response["Location"]).content.decode()


def _link_path() -> str:
    match = LINK.search(mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_magic_link_request_answers_the_same_for_known_and_unknown_addresses(alice) -> None:  # type: ignore[no-untyped-def]
    known = _request_link(Client(), "ALICE@acme.example ")
    unknown = _request_link(Client(), "nobody@nowhere.example")
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", known) == strip.sub("", unknown)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@acme.example"]
    # in the user's language (French), with the lifetime
    assert "lien" in mail.outbox[0].subject.lower() and "15" in mail.outbox[0].body
    stored = MagicLink.objects.get()
    token = _link_path().rstrip("/").rsplit("/", 1)[1]
    assert token not in stored.token_sha256 and len(stored.token_sha256) == 64
    actions = list(
        AuditEvent.objects.filter(action="portal.magic_link_requested").values_list("data", flat=True)
    )
    assert [a["sent"] for a in actions] == [True, False]


def test_magic_link_signs_in_once_and_rotates_the_session(alice) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.get("/portal/sign-in/")
    client.session.save()
    _request_link(client, alice.email)
    before = client.cookies["sessionid"].value
    path = _link_path()
    confirm = client.get(path)  # a mail scanner opening the link does not use it up
    assert confirm.status_code == 200 and 'id="magic-link-confirm"' in confirm.content.decode()
    assert client.get("/portal/").status_code == 302
    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert client.cookies["sessionid"].value != before  # no session fixation
    assert client.get("/portal/").status_code == 200
    # used: a second time (another browser) fails
    again = Client().post(path)
    assert again.status_code == 410 and "portal/sign-in/" in again.content.decode()
    assert Client().get(path).status_code == 410
    assert AuditEvent.objects.filter(action="portal.sign_in", data__method="magic_link").count() == 1
    assert AuditEvent.objects.filter(action="portal.sign_in_failed", data__reason="used").exists()


def test_expired_forged_and_inactive_links_do_not_sign_in(alice) -> None:  # type: ignore[no-untyped-def]
    services.request_magic_link(alice.email)
    path = _link_path()
    token = path.rstrip("/").rsplit("/", 1)[1]
    later = timezone.now() + timedelta(minutes=16)
    with pytest.raises(services.InvalidSignIn):
        services.consume_magic_link(token, now=later)
    assert services.magic_link_state(token, now=later) == "expired"
    forged = Client().post(f"/portal/sign-in/link/{token[:-2]}xx/")
    assert forged.status_code == 410
    assert Client().post("/portal/sign-in/link/not-a-token/").status_code == 410
    services.deactivate_portal_user(alice.email)
    assert Client().post(path).status_code == 410
    assert MagicLink.objects.filter(used_at__isnull=False).count() == 0


def test_magic_links_are_throttled_per_address(alice) -> None:  # type: ignore[no-untyped-def]
    results = [
        services.request_magic_link(alice.email).reason for _ in range(services.MAGIC_LINKS_PER_WINDOW + 1)
    ]
    assert results == ["sent"] * services.MAGIC_LINKS_PER_WINDOW + ["throttled"]
    assert len(mail.outbox) == services.MAGIC_LINKS_PER_WINDOW


def test_password_sign_in_and_wrong_password(alice) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    bad = client.post(
        "/portal/sign-in/", {"method": "password", "pw-email": alice.email, "pw-password": "nope"}
    )
    assert bad.status_code == 400 and "/portal/" not in bad.get("Location", "")
    assert client.get("/portal/").status_code == 302
    unknown = client.post(
        "/portal/sign-in/", {"method": "password", "pw-email": "x@y.example", "pw-password": "z"}
    )
    assert unknown.status_code == 400
    assert bad.content.decode().count("error-summary") == 1
    good = client.post("/portal/sign-in/?next=/portal/invoices/",
                       {"method": "password", "pw-email": alice.email.upper(), "pw-password": PASSWORD,
                        "next": "/portal/invoices/"})  # fmt: skip
    assert good.status_code == 302 and good["Location"] == "/portal/invoices/"
    assert client.get("/portal/invoices/").status_code == 200
    reasons = list(
        AuditEvent.objects.filter(action="portal.sign_in_failed").values_list("data__reason", flat=True)
    )
    assert reasons == ["wrong_password", "unknown_user"]
    assert AuditEvent.objects.filter(action="portal.sign_in", data__method="password").count() == 1


def test_next_cannot_leave_the_portal(alice) -> None:  # type: ignore[no-untyped-def]
    for target in ("https://evil.example/", "//evil.example/portal/", "/admin/"):
        response = Client().post("/portal/sign-in/", {"method": "password", "pw-email": alice.email,
                                                      "pw-password": PASSWORD, "next": target})  # fmt: skip
        assert response["Location"] == "/portal/"


def test_lock_out_after_five_failures_per_email_and_ip(alice) -> None:  # type: ignore[no-untyped-def]
    client = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(services.MAX_FAILURES):
        r = client.post(
            "/portal/sign-in/", {"method": "password", "pw-email": alice.email, "pw-password": "wrong"}
        )
        assert r.status_code == 400
    locked = client.post(
        "/portal/sign-in/", {"method": "password", "pw-email": alice.email, "pw-password": PASSWORD}
    )
    assert locked.status_code == 429 and client.get("/portal/").status_code == 302
    # another address from the same IP, and the same address from another IP, are not locked
    assert signed_in_client(alice, REMOTE_ADDR="10.0.0.2").get("/portal/").status_code == 200
    with pytest.raises(services.InvalidSignIn):
        services.authenticate_password("someone@else.example", "x", ip="10.0.0.1")
    # the lock ends after the window
    later = timezone.now() + timedelta(minutes=services.LOCKOUT_MINUTES + 1)
    assert services.authenticate_password(alice.email, PASSWORD, ip="10.0.0.1", now=later) == alice
    assert AuditEvent.objects.filter(action="portal.sign_in_failed", data__reason="locked_out").count() == 1


def test_success_clears_the_failures(alice) -> None:  # type: ignore[no-untyped-def]
    for _ in range(services.MAX_FAILURES - 1):
        with pytest.raises(services.InvalidSignIn):
            services.authenticate_password(alice.email, "wrong", ip="10.0.0.9")
    services.authenticate_password(alice.email, PASSWORD, ip="10.0.0.9")
    with pytest.raises(services.InvalidSignIn):
        services.authenticate_password(alice.email, "wrong", ip="10.0.0.9")
    assert not services.is_locked_out(alice.email, "10.0.0.9")


def test_portal_and_back_office_sessions_are_apart(alice) -> None:  # type: ignore[no-untyped-def]
    back_office = Client()
    back_office.force_login(User.objects.create_user("clerk", password="a-long-password-1"))
    assert back_office.get("/").status_code == 200
    assert back_office.get("/portal/").status_code == 302  # a back-office user is no portal user
    portal = signed_in_client(alice)
    landing = portal.get("/")
    assert landing.status_code == 302 and "/login/" in landing["Location"]  # nor the other way round
    assert User.objects.filter(username=alice.email).count() == 0


def test_deactivation_and_password_change_end_open_sessions(alice) -> None:  # type: ignore[no-untyped-def]
    first, second = signed_in_client(alice), signed_in_client(alice)
    response = first.post("/portal/password/", {"password1": "another-long-passphrase",
                                                 "password2": "another-long-passphrase"})  # fmt: skip
    assert response.status_code == 302
    assert first.get("/portal/").status_code == 200  # the session that changed it goes on
    assert second.get("/portal/").status_code == 302
    services.deactivate_portal_user(alice.email)
    assert first.get("/portal/").status_code == 302


def test_set_password_checks_the_validators(alice_client) -> None:  # type: ignore[no-untyped-def]
    short = alice_client.post("/portal/password/", {"password1": "short", "password2": "short"})
    assert short.status_code == 400
    differ = alice_client.post(
        "/portal/password/", {"password1": "a-long-enough-one", "password2": "another-one-x"}
    )
    assert differ.status_code == 400
    user = PortalUser.objects.get(email="alice@acme.example")
    assert user.password.startswith("argon2") and services.authenticate_password(user.email, PASSWORD) == user


def test_sign_out(alice_client) -> None:  # type: ignore[no-untyped-def]
    assert alice_client.get("/portal/sign-in/")["Location"] == "/portal/"  # signed in: no sign-in page
    assert alice_client.get("/portal/sign-out/").status_code == 405
    assert alice_client.post("/portal/sign-out/").status_code == 302
    assert alice_client.get("/portal/").status_code == 302


def test_csrf_is_enforced(alice) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    refused = client.post(
        "/portal/sign-in/", {"method": "password", "pw-email": alice.email, "pw-password": PASSWORD}
    )
    assert refused.status_code == 403
    page = client.get("/portal/sign-in/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    accepted = client.post("/portal/sign-in/", {"method": "password", "pw-email": alice.email,
                                                "pw-password": PASSWORD, "csrfmiddlewaretoken": token})  # fmt: skip
    assert accepted.status_code == 302
    invoice = alice.customers.first().invoices.filter(kind="invoice").first()
    assert client.post(f"/portal/invoices/{invoice.pk}/promise/", {"promised_date": "2026-05-01",
                                                                   "amount": "1"}).status_code == 403  # fmt: skip
    assert client.post("/portal/sign-out/").status_code == 403
