"""Delivery: how each invoice reaches its customer, and what became of it.

- :class:`DeliverySettings` (one to one with the entity): the e-mail sender and
  reply-to address, and how postal letters are printed.
- :class:`DeliveryPreference` (one to one with the customer): the channels in
  order of preference (the next one is the fallback), the to/cc addresses, a
  Peppol participant id overriding the one of the e-invoice.
- :class:`Delivery`: one invoice sent for one purpose (``invoice``,
  ``reminder-2``…) through one channel. ``key`` is its idempotency key,
  unique: asking twice for the same delivery gives the same row. The row is
  written (``queued``) before anything is sent; see :mod:`encaisse.delivery.services`
  for the states and the exactly-once protocol.
- :class:`DeliveryEvent`: every state a delivery went through (its history,
  shown on the invoice timeline).
- :class:`EmailSentLog`: what the SMTP server was handed and what it answered,
  written outside any transaction by the sender itself, so that a crash between
  the server's acceptance and the database confirmation is recovered without a
  second e-mail.
- :class:`PortalView`: who opened the link to the invoice, and when.
- :class:`BouncedAddress`: an e-mail address flagged on a customer after a
  bounce; it is skipped until a person clears it.
- :class:`DeliveryIssue`: something a person must look at (retries exhausted,
  rejected by the access point, outcome unknown, no channel left).
- :class:`PostBatch`: the print-ready PDF of one day's postal letters.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from encaisse.ledger.models import Customer, Entity, Invoice


class ChannelName(models.TextChoices):
    EMAIL = "email", "E-mail"
    PEPPOL = "peppol", "Peppol"
    POST = "post", "Post"
    PORTAL = "portal", "Portal only"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    BATCHED = "batched", "In the print batch"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    VIEWED = "viewed", "Viewed"
    FAILED = "failed", "Failed"
    BOUNCED = "bounced", "Bounced"
    REJECTED = "rejected", "Rejected"
    UNKNOWN = "unknown", "Outcome unknown"
    CANCELLED = "cancelled", "Cancelled"


#: States from which nothing happens any more without a person.
FINAL_FAILURES = (DeliveryStatus.FAILED, DeliveryStatus.BOUNCED, DeliveryStatus.REJECTED)
#: States in which the customer has (or can have) the document.
REACHED = (DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.VIEWED)


class PostWindow(models.TextChoices):
    LEFT = "left", "Window on the left (DIN 5008, NL)"
    RIGHT = "right", "Window on the right (FR, BE)"


class DeliverySettings(models.Model):
    """An entity's sending settings."""

    entity = models.OneToOneField(Entity, on_delete=models.PROTECT, related_name="delivery_settings")
    from_email = models.EmailField(blank=True, help_text="Sender address; empty: DEFAULT_FROM_EMAIL")
    from_name = models.CharField(max_length=100, blank=True, help_text="Empty: the entity's legal name")
    reply_to = models.EmailField(blank=True, help_text="Where customers' replies go (accounts receivable)")
    post_cover_page = models.BooleanField(default=True, help_text="Print an address page before each letter")
    post_window = models.CharField(max_length=5, choices=PostWindow.choices, default=PostWindow.RIGHT)
    post_duplex = models.BooleanField(default=False, help_text="Pad each letter to an even number of pages")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "delivery settings"

    def __str__(self) -> str:
        return f"Delivery settings of {self.entity.code}"


class DeliveryPreference(models.Model):
    """How a customer wants its documents: channels in order (the next is the fallback), addresses."""

    customer = models.OneToOneField(Customer, on_delete=models.PROTECT, related_name="delivery_preference")
    channels = models.JSONField(
        default=list, blank=True, help_text='In order, e.g. ["peppol", "email", "post"]'
    )
    to = models.JSONField(
        default=list, blank=True, help_text="E-mail recipients; empty: the customer's e-mails"
    )
    cc = models.JSONField(default=list, blank=True)
    peppol_id = models.CharField(
        max_length=80, blank=True, help_text="scheme:value (0208:0123456749); empty: the e-invoice's buyer"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.customer}: {', '.join(self.channels) or 'default'}"


class PostBatch(models.Model):
    """One print-ready PDF: the postal letters of one entity and day, in order."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="post_batches")
    day = models.DateField()
    sequence = models.PositiveIntegerField(default=1)
    sha256 = models.CharField(max_length=64)
    filename = models.CharField(max_length=120)
    letters = models.PositiveIntegerField()
    pages = models.PositiveIntegerField()
    created_by = models.CharField(max_length=150, default="system")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "post batches"
        constraints = [
            models.UniqueConstraint(fields=["entity", "day", "sequence"], name="post_batch_unique_sequence")
        ]

    def __str__(self) -> str:
        return self.filename


class Delivery(models.Model):
    """One invoice sent for one purpose through one channel (see the module docstring)."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="deliveries")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="deliveries")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=ChannelName.choices)
    purpose = models.CharField(max_length=32, default="invoice")
    key = models.CharField(
        max_length=120, unique=True, help_text="Idempotency key: invoice, channel, purpose"
    )
    message_token = models.CharField(max_length=32, db_index=True, help_text="Base of the e-mail Message-IDs")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    attempt_id = models.CharField(max_length=32, blank=True, help_text="The attempt that holds the row")
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=200, blank=True, help_text="Message-ID, access point id, batch")
    detail = models.TextField(blank=True)
    notes = models.JSONField(default=list, blank=True, help_text="What was sent without (a missing PDF…)")
    recipients = models.JSONField(default=list, blank=True)
    fallback_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="fallbacks"
    )
    post_batch = models.ForeignKey(
        PostBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries"
    )
    queued_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    viewed_at = models.DateTimeField(null=True, blank=True)
    viewed_by = models.CharField(max_length=254, blank=True)
    created_by = models.CharField(max_length=150, default="system")

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["invoice", "channel", "purpose"], name="delivery_unique_purpose"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["entity", "status", "queued_at"]),
            models.Index(fields=["invoice", "purpose"]),
            models.Index(fields=["channel", "provider_id"]),
        ]

    def __str__(self) -> str:
        return self.key


class DeliveryEvent(models.Model):
    """One step of a delivery (queued, sending attempt 2, sent, retry at…, viewed by…)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="events")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices)
    attempt = models.PositiveIntegerField(default=0)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["invoice", "at"])]


class SentLogPhase(models.TextChoices):
    PREPARED = "prepared", "Handed over, waiting for the reply"
    ACCEPTED = "accepted", "Accepted by the server"
    REFUSED = "refused", "Refused by the server"


class EmailSentLog(models.Model):
    """What the SMTP sender handed to the server and the server's answer, one copy (recipient) at a time.

    Written in autocommit by the sender: ``prepared`` just before the end of
    the message data (the final ``.``), ``accepted`` right after the server's
    250 reply, ``refused`` on a refusal. Never updated.
    """

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="sent_log")
    attempt_id = models.CharField(max_length=32)
    recipient = models.CharField(max_length=254)
    message_id = models.CharField(max_length=200)
    phase = models.CharField(max_length=8, choices=SentLogPhase.choices)
    reply = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["delivery", "recipient"])]


class PortalView(models.Model):
    """A customer opened the link of a delivery (who: the recipient the link was made for)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="views")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="+")
    recipient = models.CharField(max_length=254)
    at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["invoice", "at"])]


class BounceSource(models.TextChoices):
    SMTP = "smtp", "Refused by the SMTP server at send time"
    DSN = "dsn", "Delivery status notification"
    MANUAL = "manual", "Recorded by a person"


class BouncedAddress(models.Model):
    """An address of a customer that bounced: skipped for that customer until cleared."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="bounced_addresses")
    address = models.CharField(max_length=254, help_text="Lower case")
    reason = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=8, choices=BounceSource.choices)
    delivery = models.ForeignKey(Delivery, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.CharField(max_length=150, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "address"],
                condition=Q(cleared_at__isnull=True),
                name="bounced_address_active",
            )
        ]
        indexes = [models.Index(fields=["address"])]

    @property
    def is_active(self) -> bool:
        return self.cleared_at is None


class IssueKind(models.TextChoices):
    RETRIES_EXHAUSTED = "retries_exhausted", "Retries exhausted"
    REJECTED = "rejected", "Rejected by the receiving side"
    FAILED = "failed", "Failed"
    UNKNOWN_OUTCOME = "unknown_outcome", "Outcome unknown: check before resending"
    NO_CHANNEL = "no_channel", "No channel left"


class IssueResolution(models.TextChoices):
    RESENT = "resent", "Sent again"
    MARKED_SENT = "marked_sent", "Checked: it was sent"
    DISMISSED = "dismissed", "Dismissed"


class DeliveryIssue(models.Model):
    """A task for a person about one delivery."""

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="issues")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=IssueKind.choices)
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(max_length=150, blank=True)
    resolution = models.CharField(max_length=12, choices=IssueResolution.choices, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "kind"], condition=Q(resolved_at__isnull=True), name="delivery_issue_open"
            )
        ]
        indexes = [models.Index(fields=["entity", "resolved_at"])]

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    def __str__(self) -> str:
        return f"{self.kind} on {self.delivery_id}"


def as_dict(delivery: Delivery) -> dict[str, Any]:
    """The delivery as the ``deliveries`` command and its JSON print it (stable keys)."""
    return {
        "id": delivery.pk,
        "entity": delivery.entity.code,
        "invoice": delivery.invoice.number,
        "customer": delivery.customer.external_id,
        "channel": delivery.channel,
        "purpose": delivery.purpose,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "provider_id": delivery.provider_id,
        "queued_at": delivery.queued_at,
        "sent_at": delivery.sent_at,
        "delivered_at": delivery.delivered_at,
        "viewed_at": delivery.viewed_at,
        "viewed_by": delivery.viewed_by,
        "next_attempt_at": delivery.next_attempt_at,
        "detail": delivery.detail,
        "notes": "; ".join(delivery.notes),
        "key": delivery.key,
    }
