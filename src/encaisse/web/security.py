"""Sign-in audit trail: every back-office sign-in, failed sign-in and lockout is an audit event.

Connected to Django's ``user_logged_in`` / ``user_login_failed`` signals and to
django-axes' ``user_locked_out`` when the web app is ready. The attempted user
name is recorded (never the password: Django strips credentials it considers
sensitive before sending the signal), with the client address and the path.
Rate limiting itself is django-axes (settings: ``AXES_*``); the policy is in
docs/security.md.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from encaisse.ledger.audit import record

USERNAME_MAX = 150


def _client(request: HttpRequest | None) -> dict[str, str]:
    if request is None:
        return {}
    return {"ip": str(request.META.get("REMOTE_ADDR", "")), "path": request.path}


@receiver(user_logged_in, dispatch_uid="encaisse.audit.login")
def audit_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    username = user.get_username()
    record("auth.login", actor=username, object_type="user", object_id=user.pk, data=_client(request))


@receiver(user_login_failed, dispatch_uid="encaisse.audit.login_failed")
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:USERNAME_MAX]
    record(
        "auth.login_failed",
        actor=username or "anonymous",
        object_type="user",
        data={"username": username, **_client(request)},
    )


@receiver(user_locked_out, dispatch_uid="encaisse.audit.locked_out")
def audit_locked_out(
    sender: Any, request: HttpRequest | None, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    name = (username or "")[:USERNAME_MAX]
    record(
        "auth.locked_out",
        actor=name or "anonymous",
        object_type="user",
        data={"username": name, "ip": ip_address or "", "path": request.path if request else ""},
    )
