"""Back-office hardening: sign-in rate limiting and its audit, CSP, no inline code, CSRF, headers, cookies."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from encaisse.ledger.models import AuditEvent, Customer, Invoice
from encaisse.web.context import NAVIGATION

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}
PASSWORD = "a-long-password-1"


@pytest.fixture
def staff(db) -> User:  # type: ignore[no-untyped-def]
    return User.objects.create_user("anna", password=PASSWORD)


def _sign_in(password: str, ip: str = "10.0.0.1", username: str = "anna"):  # type: ignore[no-untyped-def]
    return Client(REMOTE_ADDR=ip).post("/login/", {"username": username, "password": password})


def test_lockout_after_five_failures_for_fifteen_minutes(staff) -> None:  # type: ignore[no-untyped-def]
    for _ in range(4):
        assert _sign_in("wrong-password").status_code == 200  # the form again, with its error
    fifth = _sign_in("wrong-password")
    assert fifth.status_code == 429
    locked = _sign_in(PASSWORD)  # even the right password is refused now
    assert locked.status_code == 429 and b"Too many failed sign-in attempts" in locked.content
    assert "sessionid" not in locked.cookies
    # by user name and address: the same user elsewhere, and another user here, still sign in
    assert _sign_in(PASSWORD, ip="10.0.0.2").status_code == 302
    User.objects.create_user("bert", password=PASSWORD)
    assert _sign_in(PASSWORD, username="bert").status_code == 302
    # after the cool-off the lock is lifted
    attempt = AccessAttempt.objects.get(username="anna", ip_address="10.0.0.1")
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=attempt.attempt_time - timedelta(minutes=16)
    )
    assert _sign_in(PASSWORD).status_code == 302


def test_sign_ins_are_audited(staff) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        _sign_in("wrong-password")
    failed = AuditEvent.objects.filter(action="auth.login_failed")
    assert failed.count() >= 5
    assert {e.data["username"] for e in failed} == {"anna"} and failed.first().data["ip"] == "10.0.0.1"
    assert all("password" not in str(e.data).lower() for e in failed)
    assert AuditEvent.objects.filter(action="auth.locked_out", actor="anna").exists()
    assert _sign_in(PASSWORD, ip="10.0.0.9").status_code == 302
    ok = AuditEvent.objects.get(action="auth.login")
    assert ok.actor == "anna" and ok.data == {"ip": "10.0.0.9", "path": "/login/"}


def test_csp_header_is_the_exact_policy(staff) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for response in (client.get("/login/"), _logged_in(staff).get("/")):
        header = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in header.split(";"))
        assert directives == POLICY


def _logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline script"),
    (re.compile(r"<style\b", re.I), "style element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"\shx-on", re.I), "hx-on attribute (eval)"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_inline_script_or_style_on_back_office_pages(book) -> None:  # type: ignore[no-untyped-def]
    root = User.objects.create_superuser("root", password=PASSWORD)
    client = _logged_in(root)
    customer = Customer.objects.filter(entity=book[0]).first()
    invoice = Invoice.objects.filter(entity=book[0]).first()
    urls = [reverse(name) for name, _label in NAVIGATION]
    urls += [f"/customers/{customer.pk}/", f"/invoices/{invoice.pk}/", "/dashboard/forecast/",
             "/?currency=USD", "/?as_of=nonsense"]  # fmt: skip
    checked = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 400), url
        html = response.content.decode()
        for pattern, what in INLINE:
            assert not pattern.search(html), f"{what} on {url}: {pattern.search(html)}"
        checked += 1
    login = Client().get("/login/").content.decode()
    assert not any(p.search(login) for p, _ in INLINE)
    assert checked == len(urls) >= 15


def test_htmx_is_configured_for_the_policy(staff) -> None:  # type: ignore[no-untyped-def]
    html = _logged_in(staff).get("/").content.decode()
    assert (
        '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false, "allowEval": false}\'>' in html
    )


def test_csrf_is_enforced_on_post_forms(staff) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    assert client.post("/login/", {"username": "anna", "password": PASSWORD}).status_code == 403
    page = client.get("/login/")
    token = page.cookies["csrftoken"].value
    signed_in = client.post(
        "/login/", {"username": "anna", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert signed_in.status_code == 302
    assert client.post("/logout/").status_code == 403  # no token: still signed in
    assert client.get("/").status_code == 200
    token = client.cookies["csrftoken"].value
    assert client.post("/logout/", HTTP_X_CSRFTOKEN=token).status_code == 302
    assert client.get("/").status_code == 302


def test_security_headers_and_cookie_flags(staff) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    page = client.get("/login/")
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Referrer-Policy"] == "same-origin"
    assert page.cookies["csrftoken"]["samesite"] == "Lax"
    token = page.cookies["csrftoken"].value
    response = client.post(
        "/login/", {"username": "anna", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert not session["secure"]  # plain HTTP unless ENCAISSE_SECURE_COOKIES=1
    assert "Strict-Transport-Security" not in client.get("/", secure=True)


def test_secure_cookie_settings_follow_the_environment(tmp_path) -> None:
    code = ("import django.conf as c, encaisse.settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)")  # fmt: skip
    env = {"ENCAISSE_HOME": str(tmp_path), "ENCAISSE_SECURE_COOKIES": "1", "ENCAISSE_BEHIND_TLS_PROXY": "1",
           "PATH": "/usr/bin:/bin"}  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split(maxsplit=3) == [
        "True",
        "True",
        "31536000",
        "('HTTP_X_FORWARDED_PROTO', 'https')\n",
    ]
