"""The receivables ledger: entities, customers, invoices, allocations, journal, audit log.

Money is stored as integer minor units (BigInteger) beside a three-letter
ISO 4217 currency; :class:`~encaisse.core.money.Money` is rebuilt from them.
Allocations and journal entries are insert-only: ``save()`` on an existing
row and ``delete()`` refuse, and undoing is a reversing row. ``Invoice.open_minor``
is a cache of total − Σ allocations, updated in the same transaction as each
allocation and recomputed by ``encaisse ledger-check``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from encaisse.core.money import Money


class ImmutableRowError(Exception):
    """An insert-only row was about to be changed or deleted."""


class InsertOnlyQuerySet(models.QuerySet["Any"]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableRowError(f"{self.model.__name__} rows are never edited; post a reversal")

    def delete(self) -> Any:
        raise ImmutableRowError(f"{self.model.__name__} rows are never deleted; post a reversal")


class InsertOnlyModel(models.Model):
    objects = InsertOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ImmutableRowError(f"{type(self).__name__} rows are never edited; post a reversal")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableRowError(f"{type(self).__name__} rows are never deleted; post a reversal")


REFERENCE_SCHEMES = [
    ("rf", "ISO 11649 RF"),
    ("ogm", "Belgian OGM/VCS"),
    ("fi", "Finnish reference (viitenumero)"),
    ("se_ocr", "Swedish OCR reference (Bankgirot)"),
    ("no_kid", "Norwegian KID"),
    ("dk_fik", "Danish FIK payment ID (+71/+75)"),
    ("ch_qrr", "Swiss QR reference (QR-IBAN accounts only)"),
    ("nl", "Dutch betalingskenmerk"),
]
"""How an entity's invoices get their structured reference (``billing.documents.payment_reference``)."""


class Entity(models.Model):
    """A legal entity that issues invoices (the seller)."""

    code = models.SlugField(max_length=32, unique=True)
    legal_name = models.CharField(max_length=200)
    country = models.CharField(max_length=2)
    vat_number = models.CharField(max_length=32, blank=True)
    company_id = models.CharField(max_length=32, blank=True, help_text="Company register number")
    functional_currency = models.CharField(max_length=3, default="EUR")
    ibans = models.JSONField(default=list, blank=True)
    bic = models.CharField(max_length=11, blank=True)
    peppol_endpoint_id = models.CharField(max_length=64, blank=True)
    peppol_scheme_id = models.CharField(max_length=4, blank=True)
    address = models.TextField(blank=True)
    reference_scheme = models.CharField(max_length=8, choices=REFERENCE_SCHEMES, default="rf")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "entities"

    def __str__(self) -> str:
        return self.legal_name


class Customer(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="customers")
    external_id = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    legal_form = models.CharField(max_length=32, blank=True)
    country = models.CharField(max_length=2, blank=True)
    vat_number = models.CharField(max_length=32, blank=True)
    emails = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=2, default="en")
    payment_terms_days = models.PositiveIntegerField(default=30)
    credit_limit_minor = models.BigIntegerField(null=True, blank=True)
    credit_limit_currency = models.CharField(max_length=3, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    ibans = models.JSONField(default=list, blank=True)
    aliases = models.JSONField(
        default=list, blank=True, help_text="Other names the customer pays under (trade names, former names)"
    )
    segment = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entity", "external_id"], name="customer_unique_external_id")
        ]
        indexes = [models.Index(fields=["entity", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.external_id})"


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "credit_note", "Credit note"


class Invoice(models.Model):
    """An invoice or a credit note (``kind``) as a legal document and an open item.

    Totals are positive for both kinds; a credit note reduces what is owed.
    ``open_minor`` is the cached open amount (see the module docstring).
    """

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="invoices")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="invoices")
    kind = models.CharField(max_length=12, choices=DocumentKind.choices, default=DocumentKind.INVOICE)
    number = models.CharField(max_length=64)
    series = models.CharField(max_length=16, blank=True)
    issue_date = models.DateField()
    due_date = models.DateField()
    currency = models.CharField(max_length=3)
    net_minor = models.BigIntegerField()
    vat_minor = models.BigIntegerField(default=0)
    total_minor = models.BigIntegerField()
    open_minor = models.BigIntegerField()
    rate_to_functional = models.DecimalField(max_digits=18, decimal_places=8, default=Decimal(1))
    total_functional_minor = models.BigIntegerField(
        help_text="Carrying amount in the entity's currency at issue"
    )
    structured_reference = models.CharField(max_length=35, blank=True)
    # the buyer's purchase order (EN 16931 BT-13): payers quote it instead of the invoice number
    order_reference = models.CharField(max_length=200, blank=True, default="", db_default="")
    credited_invoice = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes"
    )
    payment_terms = models.CharField(max_length=64, blank=True)
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    discount_days = models.PositiveIntegerField(null=True, blank=True)
    written_off = models.BooleanField(default=False)
    source = models.CharField(max_length=200, blank=True, help_text="File and line it was imported from")
    content_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entity", "number"], name="invoice_unique_number"),
            models.CheckConstraint(condition=Q(total_minor__gte=0), name="invoice_total_not_negative"),
            models.CheckConstraint(
                condition=Q(total_minor=models.F("net_minor") + models.F("vat_minor")),
                name="invoice_total_is_net_plus_vat",
            ),
        ]
        indexes = [
            models.Index(fields=["entity", "due_date"]),
            models.Index(fields=["entity", "issue_date"]),
            models.Index(fields=["customer", "due_date"]),
            models.Index(fields=["entity", "structured_reference"]),
            models.Index(
                fields=["entity", "open_minor"], condition=~Q(open_minor=0), name="invoice_open_items"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_credit_note(self) -> bool:
        return self.kind == DocumentKind.CREDIT_NOTE

    @property
    def total(self) -> Money:
        return Money.from_minor(self.total_minor, self.currency)

    @property
    def open_amount(self) -> Money:
        return Money.from_minor(self.open_minor, self.currency)

    def status(self, as_of: date) -> str:
        if self.written_off and self.open_minor == 0:
            return "written_off"
        if self.open_minor == 0:
            return "paid"
        if self.open_minor != self.total_minor:
            return "partially_paid"
        return "overdue" if self.due_date < as_of else "open"


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    description = models.CharField(max_length=500)
    quantity = models.DecimalField(max_digits=18, decimal_places=6, default=Decimal(1))
    unit = models.CharField(max_length=8, default="C62")
    unit_price = models.DecimalField(max_digits=20, decimal_places=6)
    net_minor = models.BigIntegerField()
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(0))
    vat_category = models.CharField(max_length=2, default="S")

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position")]


class Receipt(models.Model):
    """Money received from (or on behalf of) a customer, to be applied to open items."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="receipts")
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="receipts"
    )
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    value_date = models.DateField()
    reference = models.CharField(max_length=140, blank=True)
    source = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["entity", "value_date"])]


class AllocationKind(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    DEDUCTION = "deduction", "Deduction"
    ON_ACCOUNT = "on_account", "On account"
    UNRELATED = "unrelated", "Unrelated"
    CREDIT_NOTE = "credit_note", "Credit note applied"
    WRITE_OFF = "write_off", "Write-off"
    OPENING = "opening", "Settled before import"


class Allocation(InsertOnlyModel):
    """What a receipt, credit note or write-off settles of an open item. Never edited.

    ``amount_minor`` is in the invoice's currency and reduces its open amount
    (a reversal is negative). When the receipt's currency differs, the receipt
    side and both rates are kept (``payment_*``), so the realised FX gain or
    loss (``fx_minor``, functional currency, positive for a gain) is exact.
    ``effective_date`` is when it counts in the books; ``recorded_at`` when it
    was posted: as-of reports use the first, "as known at" reports the second.
    """

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    receipt = models.ForeignKey(
        Receipt, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    credit_note = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="applied_allocations"
    )
    kind = models.CharField(max_length=12, choices=AllocationKind.choices)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    payment_amount_minor = models.BigIntegerField(null=True, blank=True)
    payment_currency = models.CharField(max_length=3, blank=True)
    invoice_rate = models.DecimalField(max_digits=18, decimal_places=8, null=True, blank=True)
    payment_rate = models.DecimalField(max_digits=18, decimal_places=8, null=True, blank=True)
    functional_minor = models.BigIntegerField(
        default=0, help_text="What it takes off the receivables account, in the entity's currency"
    )
    fx_minor = models.BigIntegerField(default=0)
    effective_date = models.DateField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        indexes = [
            models.Index(fields=["invoice", "effective_date"]),
            models.Index(fields=["entity", "effective_date"]),
        ]


class JournalEntry(InsertOnlyModel):
    """A balanced double entry in the entity's functional currency (lines: JournalLine)."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="journal_entries")
    date = models.DateField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    description = models.CharField(max_length=300)
    source_type = models.CharField(max_length=32)
    source_id = models.BigIntegerField(null=True, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )

    class Meta:
        verbose_name_plural = "journal entries"
        indexes = [models.Index(fields=["entity", "date"]), models.Index(fields=["source_type", "source_id"])]


class JournalLine(InsertOnlyModel):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    account = models.CharField(max_length=32)
    debit_minor = models.BigIntegerField(default=0)
    credit_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    amount_currency_minor = models.BigIntegerField(null=True, blank=True)
    transaction_currency = models.CharField(max_length=3, blank=True)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(debit_minor__gte=0, credit_minor__gte=0) & (Q(debit_minor=0) | Q(credit_minor=0)),
                name="journal_line_one_side",
            )
        ]
        indexes = [models.Index(fields=["entity", "account", "date"])]


class AuditEvent(InsertOnlyModel):
    """An append-only, hash-chained record of a state change.

    ``hash`` = SHA-256 over the previous row's hash and this row's canonical
    content; changing or removing any row breaks every hash after it, which
    ``encaisse audit-verify`` detects.
    """

    sequence = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    action = models.CharField(max_length=64)
    entity = models.ForeignKey(Entity, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["object_type", "object_id"])]


class EntityGrant(models.Model):
    """Which entities a back-office user may see."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entity_grants")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="grants")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "entity"], name="entity_grant_unique")]
