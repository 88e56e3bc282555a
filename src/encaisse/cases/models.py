"""Disputes and deductions: cases, their items, reason codes, settings, history and attachments.

A :class:`Case` is opened by a person, by the customer (portal) or by cash
application (one per deduction allocation). It concerns one or more invoices
(:class:`CaseItem`, an amount in minor units per invoice), carries a reason
code from the entity's list, an owner and a due date from the entity's SLA,
and moves through the statuses in :data:`TRANSITIONS`. Resolving it posts the
accounting (credit note, write-off, rebill or rejection); every change is a
:class:`CaseEvent` row and an audit-log event.

What a history line says and what a file holds is internal unless its
:class:`Visibility` is ``customer``: the customer's own messages and files,
and the back office's replies to the customer and the files sent with them.
The portal shows those, and every status and the outcome, and nothing else.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from encaisse.ledger.models import Allocation, Customer, Entity, Invoice


class CaseType(models.TextChoices):
    DISPUTE = "dispute", "Dispute"
    DEDUCTION = "deduction", "Deduction"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    INVESTIGATING = "investigating", "Investigating"
    WAITING_CUSTOMER = "waiting_customer", "Waiting for the customer"
    WAITING_INTERNAL = "waiting_internal", "Waiting internally"
    PENDING_APPROVAL = "pending_approval", "Write-off pending approval"
    RESOLVED = "resolved", "Resolved"


class Outcome(models.TextChoices):
    CREDIT_NOTE = "credit_note", "Credit note"
    WRITE_OFF = "write_off", "Write-off"
    REBILL = "rebill", "Rebill"
    REJECTED = "rejected", "Rejected (the customer must pay)"


class Visibility(models.TextChoices):
    """Who may read what a history line says and a file holds (the status and the outcome are always shown)."""

    INTERNAL = "internal", "Internal"
    CUSTOMER = "customer", "Shown to the customer"


class CaseSource(models.TextChoices):
    PERSON = "person", "Back office"
    PORTAL = "portal", "Customer portal"
    CASH_APPLICATION = "cash_application", "Cash application"


# Moves a person makes with ``transition``; resolving and approving have their own use cases.
TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.OPEN: frozenset(
        {CaseStatus.INVESTIGATING, CaseStatus.WAITING_CUSTOMER, CaseStatus.WAITING_INTERNAL}
    ),
    CaseStatus.INVESTIGATING: frozenset({CaseStatus.WAITING_CUSTOMER, CaseStatus.WAITING_INTERNAL}),
    CaseStatus.WAITING_CUSTOMER: frozenset({CaseStatus.INVESTIGATING, CaseStatus.WAITING_INTERNAL}),
    CaseStatus.WAITING_INTERNAL: frozenset({CaseStatus.INVESTIGATING, CaseStatus.WAITING_CUSTOMER}),
    CaseStatus.PENDING_APPROVAL: frozenset(),
    CaseStatus.RESOLVED: frozenset(),
}
RESOLVABLE = frozenset(
    {CaseStatus.OPEN, CaseStatus.INVESTIGATING, CaseStatus.WAITING_CUSTOMER, CaseStatus.WAITING_INTERNAL}
)


class CaseSettings(models.Model):
    """An entity's case settings (defaults apply when there is none)."""

    entity = models.OneToOneField(Entity, on_delete=models.CASCADE, related_name="case_settings")
    dispute_sla_days = models.PositiveIntegerField(default=30)
    deduction_sla_days = models.PositiveIntegerField(default=45)
    write_off_limit_minor = models.BigIntegerField(
        default=10000, help_text="largest write-off without a second person's approval (minor units)"
    )
    show_reply_author = models.BooleanField(
        default=False, help_text="the portal names who replied beside the company (else the company only)"
    )

    class Meta:
        verbose_name_plural = "case settings"


class ReasonCode(models.Model):
    """A reason a customer disputes or deducts, from the entity's configurable list."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="reason_codes")
    code = models.SlugField(max_length=32)
    label = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        constraints = [models.UniqueConstraint(fields=["entity", "code"], name="reason_code_unique")]

    def __str__(self) -> str:
        return self.label


class Case(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="cases")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="cases")
    type = models.CharField(max_length=10, choices=CaseType.choices)
    status = models.CharField(max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    source = models.CharField(max_length=16, choices=CaseSource.choices, default=CaseSource.PERSON)
    reason = models.ForeignKey(ReasonCode, on_delete=models.PROTECT, related_name="cases")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    currency = models.CharField(max_length=3)
    amount_minor = models.BigIntegerField(help_text="Σ the items' amounts")
    opened_on = models.DateField()
    due_date = models.DateField()
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.CharField(max_length=150)
    summary = models.CharField(max_length=500, blank=True)
    recurring = models.BooleanField(default=False, help_text="the customer deducted for this reason before")
    deduction = models.OneToOneField(
        Allocation, null=True, blank=True, on_delete=models.PROTECT, related_name="case",
        help_text="the deduction allocation that opened it (cash application)",
    )  # fmt: skip
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    resolved_amount_minor = models.BigIntegerField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_on = models.DateField(null=True, blank=True)
    resolution_note = models.CharField(max_length=500, blank=True)
    documents = models.JSONField(
        default=list, blank=True, help_text="numbers of the credit notes and rebills issued"
    )
    pending = models.JSONField(default=dict, blank=True, help_text="the write-off waiting for approval")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["entity", "status"]),
            models.Index(fields=["customer", "reason"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"CASE-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.RESOLVED


class CaseItem(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="items")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="case_items")
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    lines = models.JSONField(default=list, blank=True, help_text="invoice line positions concerned, if given")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_minor__gt=0), name="case_item_amount_positive")
        ]


class CaseEvent(models.Model):
    """One line of a case's history: opened, moved, commented, attached, resolved…"""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.CharField(max_length=150)
    kind = models.CharField(max_length=24)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.INTERNAL,
        help_text="customer: the portal shows its text (the customer's messages, the replies to the customer)",
    )  # fmt: skip

    class Meta:
        ordering = ["at", "id"]


class CaseAttachment(models.Model):
    """A file attached to a case; its content is in the archive under ``sha256``."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.CharField(max_length=150)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.INTERNAL,
        help_text="customer: the customer may download it in the portal",
    )  # fmt: skip

    class Meta:
        ordering = ["uploaded_at", "id"]
