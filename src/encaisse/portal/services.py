"""Portal use cases: portal users, sign-in (magic link, password, lock-out), views, downloads, contacts.

Each function is one use case; those that change something run in one
transaction and write the audit log (actor ``portal:<e-mail>`` for what a
portal user does). The portal's views, the ``encaisse portal-user`` command
and (later) the API call these.

Sign-in rules:

* a magic link is a random token (``secrets.token_urlsafe``) of which only the
  SHA-256 is stored; it works once, for ``ENCAISSE_PORTAL_MAGIC_LINK_MINUTES``
  (default 15); using it is one ``UPDATE … WHERE used_at IS NULL AND
  expires_at > now``, so two requests racing for it cannot both win;
* at most :data:`MAGIC_LINKS_PER_WINDOW` links are sent to an address per
  lock-out window (more requests get the same answer and no e-mail);
* after :data:`MAX_FAILURES` failed password sign-ins from one IP address for
  one e-mail address within :data:`LOCKOUT_MINUTES`, password sign-in is
  refused for that pair until the window has passed (a success clears them).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from encaisse.delivery import config as delivery_config
from encaisse.ledger import audit
from encaisse.ledger.models import Customer, Invoice
from encaisse.portal.models import InvoiceViewed, Language, MagicLink, PortalUser, SignInFailure

log = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCKOUT_MINUTES = 15
MAGIC_LINKS_PER_WINDOW = 5
MAX_CONTACT_EMAILS = 10
# a real hash to check against when the address is unknown: the answer takes as long either way
_DUMMY_HASH = make_password("encaisse-portal-no-such-user")


class PortalError(ValueError):
    """A request that cannot be carried out; nothing was changed."""


class InvalidSignIn(PortalError):
    """Wrong e-mail or password, or a magic link that is unknown, used or expired."""


class LockedOut(PortalError):
    """Too many failed sign-ins for this e-mail address from this IP address."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def actor_of(user: PortalUser) -> str:
    return f"portal:{user.email}"


def magic_link_lifetime() -> timedelta:
    minutes = getattr(settings, "ENCAISSE_PORTAL_MAGIC_LINK_MINUTES", 15)
    return timedelta(minutes=int(minutes))


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- portal users ----------------------------------------------------------------------------


def _check_language(language: str) -> str:
    if language not in Language.values:
        raise PortalError(f"unknown language {language!r}: choose {', '.join(Language.values)}")
    return language


def _check_password(password: str) -> None:
    try:
        validate_password(password)
    except ValidationError as exc:
        raise PortalError(" ".join(exc.messages)) from exc


def create_portal_user(
    email: str, customers: Iterable[Customer], *, name: str = "", language: str = "en",
    password: str | None = None, actor: str = "system",
) -> PortalUser:  # fmt: skip
    """A new portal user who sees ``customers`` (at least one); raises :class:`PortalError`."""
    address = normalize_email(email)
    try:
        validate_email(address)
    except ValidationError as exc:
        raise PortalError(f"{email!r} is not an e-mail address") from exc
    _check_language(language)
    chosen = list(customers)
    if not chosen:
        raise PortalError("a portal user sees at least one customer account")
    if password is not None:
        _check_password(password)
    with transaction.atomic():
        if PortalUser.objects.filter(email=address).exists():
            raise PortalError(f"there is already a portal user {address}")
        user = PortalUser.objects.create(
            email=address, name=name.strip()[:150], language=language,
            password=make_password(password) if password is not None else "",
        )  # fmt: skip
        user.customers.set(chosen)
        audit.record("portal.user_created", actor=actor, object_type="portal_user", object_id=user.pk,
                     data={"email": address, "customers": _customer_keys(chosen), "language": language,
                           "password": password is not None})  # fmt: skip
    return user


def _customer_keys(customers: Iterable[Customer]) -> list[str]:
    return [f"{c.entity.code}:{c.external_id}" for c in customers]


def grant_customers(user: PortalUser, customers: Iterable[Customer], *, actor: str = "system") -> PortalUser:
    """Let ``user`` also see ``customers`` (idempotent)."""
    chosen = list(customers)
    with transaction.atomic():
        user.customers.add(*chosen)
        audit.record("portal.user_granted", actor=actor, object_type="portal_user", object_id=user.pk,
                     data={"email": user.email, "customers": _customer_keys(chosen)})  # fmt: skip
    return user


def deactivate_portal_user(email: str, *, actor: str = "system") -> PortalUser:
    """The user can no longer sign in; its open sessions stop working at their next request."""
    with transaction.atomic():
        user = PortalUser.objects.select_for_update().filter(email=normalize_email(email)).first()
        if user is None:
            raise PortalError(f"no portal user {normalize_email(email)}")
        user.is_active = False
        user.save(update_fields=["is_active"])
        MagicLink.objects.filter(user=user, used_at__isnull=True).delete()
        audit.record("portal.user_deactivated", actor=actor, object_type="portal_user", object_id=user.pk,
                     data={"email": user.email})  # fmt: skip
    return user


def set_password(user: PortalUser, password: str, *, actor: str | None = None) -> PortalUser:
    """Set (or change) the user's password, checked by the project's password validators."""
    _check_password(password)
    with transaction.atomic():
        user.password = make_password(password)
        user.save(update_fields=["password"])
        audit.record("portal.password_set", actor=actor or actor_of(user), object_type="portal_user",
                     object_id=user.pk, data={"email": user.email})  # fmt: skip
    return user


def set_language(user: PortalUser, language: str) -> PortalUser:
    user.language = _check_language(language)
    user.save(update_fields=["language"])
    return user


def session_hash(user: PortalUser) -> str:
    """Changes when the password changes: a session made before a password change stops working."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:portal:{user.pk}:{user.password}".encode()).hexdigest()


# --- sign-in ---------------------------------------------------------------------------------


def is_locked_out(email: str, ip: str | None, *, now: datetime | None = None) -> bool:
    since = _now(now) - timedelta(minutes=LOCKOUT_MINUTES)
    failures = SignInFailure.objects.filter(email=normalize_email(email)[:254], ip=ip or "", at__gt=since)
    return failures.count() >= MAX_FAILURES


def _fail(email: str, ip: str | None, now: datetime, reason: str, user: PortalUser | None) -> None:
    with transaction.atomic():
        SignInFailure.objects.create(email=email[:254], ip=ip or "", at=now)
        audit.record("portal.sign_in_failed", actor=f"portal:{email[:140]}", object_type="portal_user",
                     object_id=user.pk if user else "", data={"email": email[:254], "ip": ip, "reason": reason})  # fmt: skip


def authenticate_password(
    email: str, password: str, *, ip: str | None = None, now: datetime | None = None
) -> PortalUser:
    """The active user with this e-mail and password; raises :class:`LockedOut` or :class:`InvalidSignIn`."""
    now = _now(now)
    address = normalize_email(email)
    if is_locked_out(address, ip, now=now):
        audit.record("portal.sign_in_failed", actor=f"portal:{address[:140]}", object_type="portal_user",
                     data={"email": address[:254], "ip": ip, "reason": "locked_out"})  # fmt: skip
        raise LockedOut("too many failed sign-ins")
    user = PortalUser.objects.filter(email=address).first()
    if user is None or not user.is_active or not user.has_password:
        check_password(password, _DUMMY_HASH)
        _fail(address, ip, now, "unknown_user" if user is None else "inactive_or_no_password", user)
        raise InvalidSignIn("wrong e-mail address or password")
    if not check_password(password, user.password, setter=lambda raw: _rehash(user, raw)):
        _fail(address, ip, now, "wrong_password", user)
        raise InvalidSignIn("wrong e-mail address or password")
    _signed_in(user, "password", ip, now)
    SignInFailure.objects.filter(email=address, ip=ip or "").delete()
    return user


def _rehash(user: PortalUser, raw: str) -> None:
    user.password = make_password(raw)
    user.save(update_fields=["password"])


def _signed_in(user: PortalUser, method: str, ip: str | None, now: datetime) -> None:
    with transaction.atomic():
        user.last_sign_in_at = now
        user.save(update_fields=["last_sign_in_at"])
        audit.record("portal.sign_in", actor=actor_of(user), object_type="portal_user", object_id=user.pk,
                     data={"email": user.email, "method": method, "ip": ip})  # fmt: skip


@dataclass(frozen=True, slots=True)
class LinkRequest:
    """What happened to a magic-link request (the person asking is told the same thing either way)."""

    sent: bool
    reason: str  # "sent", "unknown", "inactive", "throttled"


def request_magic_link(email: str, *, ip: str | None = None, now: datetime | None = None) -> LinkRequest:
    """E-mail a single-use sign-in link to ``email`` if it is an active portal user's address."""
    now = _now(now)
    address = normalize_email(email)
    user = PortalUser.objects.filter(email=address).first()
    if user is None or not user.is_active:
        reason = "unknown" if user is None else "inactive"
        audit.record("portal.magic_link_requested", actor=f"portal:{address[:140]}", object_type="portal_user",
                     object_id=user.pk if user else "", data={"email": address[:254], "ip": ip, "sent": False,
                                                              "reason": reason})  # fmt: skip
        return LinkRequest(False, reason)
    window = now - timedelta(minutes=LOCKOUT_MINUTES)
    if MagicLink.objects.filter(user=user, created_at__gt=window).count() >= MAGIC_LINKS_PER_WINDOW:
        audit.record("portal.magic_link_requested", actor=actor_of(user), object_type="portal_user",
                     object_id=user.pk, data={"email": address, "ip": ip, "sent": False, "reason": "throttled"})  # fmt: skip
        return LinkRequest(False, "throttled")
    token = secrets.token_urlsafe(32)
    minutes = int(magic_link_lifetime().total_seconds() // 60)
    with transaction.atomic():
        MagicLink.objects.create(
            user=user, token_sha256=_hash_token(token), created_at=now, expires_at=now + magic_link_lifetime(),
            requested_ip=ip or None,
        )  # fmt: skip
        audit.record("portal.magic_link_requested", actor=actor_of(user), object_type="portal_user",
                     object_id=user.pk, data={"email": address, "ip": ip, "sent": True, "reason": "sent"})  # fmt: skip
    link = delivery_config.portal_url() + reverse("portal:magic_link", args=[token])
    _send_link(user, link, minutes)
    return LinkRequest(True, "sent")


def _send_link(user: PortalUser, link: str, minutes: int) -> None:
    with translation.override(user.language):
        subject = _("Your sign-in link to the customer portal")
        body = "\n\n".join([
            _("Hello %(name)s,") % {"name": user.name or user.email},
            _("Use this link to sign in to the customer portal. It works once, for %(minutes)d minutes:")
            % {"minutes": minutes},
            link,
            _("If you did not ask for it, ignore this e-mail: nobody can sign in without the link."),
        ])  # fmt: skip
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]).send()


def consume_magic_link(token: str, *, ip: str | None = None, now: datetime | None = None) -> PortalUser:
    """The user a valid link was made for; the link is used up. Raises :class:`InvalidSignIn`."""
    now = _now(now)
    digest = _hash_token(token)
    with transaction.atomic():
        used = MagicLink.objects.filter(
            token_sha256=digest, used_at__isnull=True, expires_at__gt=now, user__is_active=True
        ).update(used_at=now)
        if used == 1:
            user = MagicLink.objects.select_related("user").get(token_sha256=digest).user
            _signed_in(user, "magic_link", ip, now)
            return user
    link = MagicLink.objects.filter(token_sha256=digest).select_related("user").first()
    reason = "unknown" if link is None else "used" if link.used_at else "expired_or_inactive"
    audit.record("portal.sign_in_failed", actor=f"portal:{link.user.email}" if link else "portal:",
                 object_type="portal_user", object_id=link.user_id if link else "",
                 data={"method": "magic_link", "ip": ip, "reason": reason})  # fmt: skip
    raise InvalidSignIn("this sign-in link is not valid")


def magic_link_state(token: str, *, now: datetime | None = None) -> str:
    """``valid``, ``used``, ``expired`` or ``unknown``: what the confirmation page says (nothing is used)."""
    link = MagicLink.objects.filter(token_sha256=_hash_token(token)).select_related("user").first()
    if link is None or not link.user.is_active:
        return "unknown"
    if link.used_at is not None:
        return "used"
    return "valid" if link.expires_at > _now(now) else "expired"


# --- what a portal user does ------------------------------------------------------------------


def record_invoice_view(
    user: PortalUser, invoice: Invoice, *, ip: str | None = None, now: datetime | None = None
) -> InvoiceViewed:
    """The user opened ``invoice``: kept for the back-office timeline, and the ``invoice.viewed`` webhook."""
    from encaisse.webhooks import emit
    from encaisse.webhooks.emitting import INVOICE_VIEWED, invoice_data, timestamp

    connection = transaction.get_connection()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # A view is worth its row, not a wait for the disk: the commit returns before the WAL is
            # flushed (a crash may lose the last fraction of a second of views, never corrupt anything).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        view = InvoiceViewed.objects.create(
            invoice=invoice, user=user, email=user.email, at=_now(now), ip=ip or None
        )
        data = {"invoice": invoice_data(invoice, invoice.customer), "viewed_by": view.email,
                "viewed_at": timestamp(view.at), "delivery": None, "via": "portal"}  # fmt: skip
        emit(invoice.entity, INVOICE_VIEWED, data)
    return view


def record_download(user: PortalUser, invoice: Invoice, kind: str, *, ip: str | None = None) -> None:
    audit.record("portal.download", actor=actor_of(user), entity=invoice.entity, object_type="invoice",
                 object_id=invoice.pk, data={"number": invoice.number, "kind": kind, "ip": ip})  # fmt: skip


def record_statement_export(user: PortalUser, customer: Customer, fmt: str, *, ip: str | None = None) -> None:
    audit.record("portal.statement_download", actor=actor_of(user), entity=customer.entity,
                 object_type="customer", object_id=customer.pk,
                 data={"customer": customer.external_id, "format": fmt, "ip": ip})  # fmt: skip


def parse_emails(text: str) -> list[str]:
    """Addresses separated by new lines, commas or semicolons; raises :class:`PortalError` naming each bad one."""
    found: list[str] = []
    for part in text.replace(";", "\n").replace(",", "\n").splitlines():
        address = normalize_email(part)
        if address and address not in found:
            found.append(address)
    bad = []
    for address in found:
        try:
            validate_email(address)
        except ValidationError:
            bad.append(address)
    if bad:
        raise PortalError(_("not an e-mail address: %(list)s") % {"list": ", ".join(bad)})
    if not found:
        raise PortalError(_("give at least one e-mail address"))
    if len(found) > MAX_CONTACT_EMAILS:
        raise PortalError(_("at most %(n)d addresses") % {"n": MAX_CONTACT_EMAILS})
    return found


def update_contacts(user: PortalUser, customer: Customer, *, emails: Sequence[str], channel: str) -> None:
    """The customer's billing e-mail addresses and preferred delivery channel (the others stay as fallbacks)."""
    from encaisse.delivery.models import DeliveryPreference
    from encaisse.delivery.services import CHANNELS, set_preference

    if channel not in CHANNELS:
        raise PortalError(_("unknown delivery channel"))
    if not user.customers.filter(pk=customer.pk).exists():
        raise PortalError("not one of the user's customer accounts")
    with transaction.atomic():
        before = list(customer.emails)
        customer.emails = list(emails)
        customer.save(update_fields=["emails"])
        audit.record("customer.contacts_updated", actor=actor_of(user), entity=customer.entity,
                     object_type="customer", object_id=customer.pk,
                     data={"before": before, "emails": list(emails)})  # fmt: skip
        pref = DeliveryPreference.objects.filter(customer=customer).first()
        previous = list(pref.channels) if pref else []
        set_preference(
            customer, channels=[channel, *[c for c in previous if c != channel]], to=[],
            cc=list(pref.cc) if pref else [], peppol_id=pref.peppol_id if pref else "", actor=actor_of(user),
        )  # fmt: skip
