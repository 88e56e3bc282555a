"""encaisse portal-user add|list|deactivate, and the create_portal_user service's refusals."""

from __future__ import annotations

import io
import json

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.utils import translation

from encaisse.ledger.models import AuditEvent
from encaisse.portal import services
from encaisse.portal.models import PortalUser


def _run(*args: str, stdin: str = "") -> str:
    out = io.StringIO()
    if stdin:
        import sys

        old, sys.stdin = sys.stdin, io.StringIO(stdin)
        try:
            call_command("portal-user", *args, stdout=out)
        finally:
            sys.stdin = old
    else:
        call_command("portal-user", *args, stdout=out)
    return out.getvalue()


def test_add_list_deactivate(book) -> None:  # type: ignore[no-untyped-def]
    out = _run("add", "Jan@Acme.nl", "--customer", "be:ACME-NL", "--language", "nl", "--name", "Jan")
    assert "jan@acme.nl: portal user created (1 account(s), nl)" in out
    user = PortalUser.objects.get(email="jan@acme.nl")
    assert list(user.customers.all()) == [book.acme_nl] and not user.has_password
    # again: one more account, and a password from stdin
    _run("add", "jan@acme.nl", "--customer", "be:ACME", "--password-stdin", stdin="a-long-enough-secret\n")
    user.refresh_from_db()
    assert user.customers.count() == 2 and check_password("a-long-enough-secret", user.password)
    listing = json.loads(_run("list", "--format", "json"))
    assert listing == [{"email": "jan@acme.nl", "name": "Jan", "language": "nl", "active": True, "password": True,
                        "customers": "be:ACME be:ACME-NL", "last_sign_in_at": None}]  # fmt: skip
    assert "jan@acme.nl: deactivated" in _run("deactivate", "JAN@acme.nl")
    assert not PortalUser.objects.get().is_active
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "portal.user_created",
        "portal.user_granted",
        "portal.password_set",
        "portal.user_deactivated",
    } <= actions


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "x@acme.example"], "at least one --customer"),
        (["add", "x@acme.example", "--customer", "ACME"], "expected ENTITY_CODE:EXTERNAL_ID"),
        (["add", "x@acme.example", "--customer", "be:NOPE"], "no customer 'NOPE' in entity 'be'"),
        (["add", "x@acme.example", "--customer", "zz:ACME"], "no customer 'ACME' in entity 'zz'"),
        (["add", "not-an-email", "--customer", "be:ACME"], "is not an e-mail address"),
        (["deactivate", "ghost@acme.example"], "no portal user ghost@acme.example"),
    ],
)
def test_bad_input_is_a_clear_error(book, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert not PortalUser.objects.exists()


def test_a_weak_password_from_stdin_is_refused(book) -> None:  # type: ignore[no-untyped-def]
    with (
        translation.override("fr"),
        pytest.raises(CommandError, match="too short"),
    ):  # the command speaks English
        _run("add", "x@acme.example", "--customer", "be:ACME", "--password-stdin", stdin="short\n")
    with pytest.raises(CommandError, match="no password on stdin"):
        _run("add", "x@acme.example", "--customer", "be:ACME", "--password-stdin", stdin="\n")
    assert not PortalUser.objects.exists()


def test_create_portal_user_refusals(book) -> None:  # type: ignore[no-untyped-def]
    services.create_portal_user("a@acme.example", [book.acme])
    with pytest.raises(services.PortalError, match="already a portal user"):
        services.create_portal_user("A@ACME.example", [book.acme])
    with pytest.raises(services.PortalError, match="at least one customer"):
        services.create_portal_user("b@acme.example", [])
    with pytest.raises(services.PortalError, match="unknown language"):
        services.create_portal_user("b@acme.example", [book.acme], language="es")
    assert PortalUser.objects.count() == 1
