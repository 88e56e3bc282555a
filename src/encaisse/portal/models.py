"""The customer portal: its users, their sign-in links and failures, and the invoices they opened.

A :class:`PortalUser` is a person at a customer, apart from the back-office
users (``django.contrib.auth``): its own table, its own session key, its own
password hash (Django's hashers: argon2). It sees the customer accounts it is
linked to (``customers``; several for a group's subsidiaries) and nothing else.

A :class:`MagicLink` stores only the SHA-256 of the random token sent by
e-mail, with its expiry and the moment it was used: single use, short-lived.
:class:`SignInFailure` rows count failed password sign-ins per e-mail address
and IP address for the lock-out. :class:`InvoiceViewed` records each opening
of an invoice by a portal user (shown on the back-office timeline).
"""

from __future__ import annotations

from django.db import models

from encaisse.ledger.models import Customer, Invoice


class Language(models.TextChoices):
    EN = "en", "English"
    FR = "fr", "Français"
    NL = "nl", "Nederlands"
    DE = "de", "Deutsch"


class PortalUser(models.Model):
    email = models.EmailField(max_length=254, unique=True, help_text="Stored in lower case")
    name = models.CharField(max_length=150, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.EN)
    password = models.CharField(
        max_length=200, blank=True, help_text="Django password hash; empty: magic link only"
    )
    is_active = models.BooleanField(default=True)
    customers = models.ManyToManyField(Customer, related_name="portal_users", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def has_password(self) -> bool:
        return bool(self.password) and not self.password.startswith("!")


class MagicLink(models.Model):
    user = models.ForeignKey(PortalUser, on_delete=models.CASCADE, related_name="magic_links")
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    requested_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"])]


class SignInFailure(models.Model):
    email = models.CharField(max_length=254)
    ip = models.CharField(max_length=45, blank=True)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["email", "ip", "at"])]


class InvoiceViewed(models.Model):
    """A portal user opened an invoice (its detail page) in the portal."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="portal_views")
    user = models.ForeignKey(PortalUser, on_delete=models.PROTECT, related_name="views")
    email = models.CharField(max_length=254, help_text="The user's address at the time")
    at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["invoice", "at"])]
