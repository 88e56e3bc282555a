"""Online payments of invoices and the log of every webhook received.

An :class:`OnlinePayment` is one checkout started for an invoice: what we
asked (``amount_minor``/``currency``, the invoice's open amount when it
started), what the provider reported, and — once confirmed and applied — the
ledger receipt it became. A payment the provider confirmed for another amount
or currency than asked is not applied: ``needs_review`` is set with the reason
and a person decides.

A :class:`ProviderEvent` is one webhook delivery as received, kept whether or
not it was authentic. ``dedupe_key`` (the provider's event id, or for Mollie
the payment id and the status it reported) is unique per provider among the
deliveries that were processed, so a delivery repeated — even at the same
moment — is recognised and changes nothing.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from encaisse.core.money import Money
from encaisse.ledger.models import Customer, Entity, Invoice, Receipt


class Provider(models.TextChoices):
    STRIPE = "stripe", "Stripe"
    MOLLIE = "mollie", "Mollie"


class PaymentState(models.TextChoices):
    CREATED = "created", "Created"  # recorded; the provider has not answered yet
    PENDING = "pending", "Awaiting payment"
    PAID = "paid", "Paid"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired"
    ERROR = "error", "Not started (provider error)"


FINAL_STATES = frozenset({PaymentState.PAID, PaymentState.FAILED, PaymentState.EXPIRED, PaymentState.ERROR})


class OnlinePayment(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="online_payments")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="online_payments")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="online_payments")
    provider = models.CharField(max_length=16, choices=Provider.choices)
    provider_id = models.CharField(max_length=128, blank=True)
    amount_minor = models.BigIntegerField(
        help_text="What was asked: the open amount when the checkout started"
    )
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=8, choices=PaymentState.choices, default=PaymentState.CREATED)
    paid_amount_minor = models.BigIntegerField(null=True, blank=True, help_text="What the provider reported")
    paid_currency = models.CharField(max_length=3, blank=True)
    redirect_url = models.URLField(max_length=2000, blank=True)
    return_url = models.URLField(
        max_length=2000, blank=True, help_text="Where the customer continues afterwards"
    )
    receipt = models.OneToOneField(
        Receipt, null=True, blank=True, on_delete=models.PROTECT, related_name="online_payment"
    )
    applied_minor = models.BigIntegerField(
        default=0, help_text="Part of the receipt allocated to the invoice"
    )
    needs_review = models.BooleanField(default=False)
    review_reason = models.CharField(max_length=300, blank=True)
    error = models.CharField(max_length=300, blank=True)
    actor = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    settled_at = models.DateTimeField(
        null=True, blank=True, help_text="When it became paid, failed or expired"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_id"],
                condition=~Q(provider_id=""),
                name="online_payment_provider_id",
            ),
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="online_payment_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["invoice", "created_at"]),
            models.Index(
                fields=["entity", "needs_review"],
                condition=Q(needs_review=True),
                name="online_payment_review",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} {self.provider_id or self.reference}"

    @property
    def reference(self) -> str:
        """Our reference, given to the provider with the checkout."""
        return f"encaisse-payment-{self.pk}"

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def paid_amount(self) -> Money | None:
        if self.paid_amount_minor is None or not self.paid_currency:
            return None
        return Money.from_minor(self.paid_amount_minor, self.paid_currency)


class ProviderEvent(models.Model):
    provider = models.CharField(max_length=16, choices=Provider.choices)
    event_id = models.CharField(max_length=128, blank=True)
    event_type = models.CharField(max_length=64, blank=True)
    provider_payment_id = models.CharField(max_length=128, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    signature_ok = models.BooleanField(default=False, help_text="A valid signature came with it")
    verified_by = models.CharField(
        max_length=16, blank=True, help_text="signature, api (the payment fetched back) or empty: not trusted"
    )
    body_sha256 = models.CharField(max_length=64)
    dedupe_key = models.CharField(max_length=160, null=True, blank=True)
    processed = models.BooleanField(default=False)
    outcome = models.CharField(max_length=16, blank=True)
    error = models.CharField(max_length=300, blank=True)
    payment = models.ForeignKey(
        OnlinePayment, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "dedupe_key"], name="provider_event_once"),
        ]
        indexes = [models.Index(fields=["provider", "event_id"]), models.Index(fields=["received_at"])]
