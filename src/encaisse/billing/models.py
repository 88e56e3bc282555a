"""Billing: what an entity needs to issue invoices, the documents it issues, and the archive.

- :class:`BillingProfile` and :class:`CustomerBilling` hold the party data an
  e-invoice needs that the ledger's ``Entity`` and ``Customer`` do not (postal
  address, scheme of the company number, electronic address, logo, seal).
- :class:`NumberSeries` and :class:`NumberCounter`: gapless numbering per entity
  and series; the counter row is locked while an invoice is issued.
- :class:`BillingDocument` and :class:`BillingLine`: an invoice or credit note
  from draft to issued (and cancelled by a credit note). Once issued it is a
  legal document: ``save()`` refuses any change but the cancellation and
  ``delete()`` refuses. The ledger ``Invoice`` it produced is linked one to one
  (and protected from deletion by that link).
- :class:`RecurringSchedule`: subscriptions issued by ``recurring-run``; the
  document of a schedule and period is unique, which makes the run idempotent.
- :class:`ArchivedDocument`: every issued or imported file, stored
  content-addressed in the :class:`~encaisse.ledger.archive.ArchiveStore`,
  write-once until its retention date and while under legal hold.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from encaisse.ledger.models import Customer, DocumentKind, Entity, Invoice


class DocumentLocked(Exception):
    """An issued document (or its line) was about to be changed or deleted."""


class ArchiveLocked(Exception):
    """An archived file under retention or legal hold was about to be deleted or replaced."""


class BillingProfile(models.Model):
    """An entity's invoicing settings (one to one with the ledger entity)."""

    entity = models.OneToOneField(Entity, on_delete=models.PROTECT, related_name="billing_profile")
    trading_name = models.CharField(max_length=200, blank=True)
    address_lines = models.JSONField(default=list, blank=True, help_text="Street lines, at most three")
    city = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    subdivision = models.CharField(max_length=100, blank=True)
    company_id_scheme = models.CharField(
        max_length=4, blank=True, help_text="ISO 6523 ICD of the company number (0208 for a Belgian KBO/BCE)"
    )
    legal_info = models.CharField(
        max_length=300, blank=True, help_text="Legal form, register, capital (BT-33)"
    )
    contact_name = models.CharField(max_length=100, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    logo = models.BinaryField(null=True, blank=True, editable=True, help_text="PNG, JPEG or SVG")
    template = models.TextField(blank=True, help_text="Typst template replacing the default one")
    labels_override = models.JSONField(default=dict, blank=True)
    locale = models.CharField(max_length=16, blank=True, help_text="e.g. fr_BE; default from the language")
    payment_terms = models.CharField(max_length=64, default="net 30")
    payment_means_code = models.CharField(
        max_length=4, default="30", help_text="UNTDID 4461 (30 credit transfer)"
    )
    invoice_series = models.SlugField(max_length=16, default="INV")
    credit_note_series = models.SlugField(max_length=16, default="CN")
    retention_years = models.PositiveSmallIntegerField(default=10)
    seal_enabled = models.BooleanField(default=False)
    seal_pkcs12 = models.BinaryField(null=True, blank=True, editable=True)
    seal_passphrase_env = models.CharField(
        max_length=64, blank=True, help_text="Name of the environment variable holding the PKCS#12 passphrase"
    )
    seal_reason = models.CharField(max_length=100, default="Issued invoice")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Billing profile of {self.entity.code}"


class CustomerBilling(models.Model):
    """A customer's invoicing data beyond the ledger's (one to one with the customer)."""

    customer = models.OneToOneField(Customer, on_delete=models.PROTECT, related_name="billing")
    address_lines = models.JSONField(default=list, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    subdivision = models.CharField(max_length=100, blank=True)
    company_id = models.CharField(max_length=32, blank=True)
    company_id_scheme = models.CharField(max_length=4, blank=True)
    endpoint_id = models.CharField(max_length=64, blank=True, help_text="Peppol electronic address (BT-49)")
    endpoint_scheme = models.CharField(max_length=4, blank=True, help_text="EAS code, e.g. 0208, 9925")
    buyer_reference = models.CharField(max_length=100, blank=True, help_text="Default BT-10")
    payment_terms = models.CharField(max_length=64, blank=True, help_text="Overrides the entity's terms")

    class Meta:
        indexes = [models.Index(fields=["endpoint_scheme", "endpoint_id"])]


class NumberSeries(models.Model):
    """A numbering series: ``format`` with ``{seq}`` (and ``{year}``, ``{yy}``, ``{month}``, ``{entity}``)."""

    class Reset(models.TextChoices):
        NEVER = "never", "Never"
        YEARLY = "yearly", "Every year"

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="number_series")
    code = models.SlugField(max_length=16)
    format = models.CharField(max_length=64, default="INV-{year}-{seq:06d}")
    reset = models.CharField(max_length=8, choices=Reset.choices, default=Reset.YEARLY)

    class Meta:
        verbose_name_plural = "number series"
        constraints = [models.UniqueConstraint(fields=["entity", "code"], name="number_series_unique_code")]

    def __str__(self) -> str:
        return f"{self.entity.code}/{self.code}: {self.format}"


class NumberCounter(models.Model):
    """The last number taken in a series (per year when the series resets yearly)."""

    series = models.ForeignKey(NumberSeries, on_delete=models.PROTECT, related_name="counters")
    period = models.CharField(max_length=8, blank=True)
    last = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "period"], name="number_counter_unique")]


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    YEARLY = "yearly", "Yearly"


class RecurringSchedule(models.Model):
    """A subscription: the same lines invoiced every period from ``start_date`` to ``end_date``."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="recurring_schedules")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="recurring_schedules")
    name = models.CharField(max_length=200)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Last day of the subscription")
    currency = models.CharField(max_length=3, default="EUR")
    payment_terms = models.CharField(max_length=64, blank=True)
    series = models.SlugField(max_length=16, blank=True)
    buyer_reference = models.CharField(max_length=100, blank=True)
    lines = models.JSONField(default=list, help_text="Lines as in the JSON request of an invoice")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.frequency})"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"
    CANCELLED = "cancelled", "Cancelled by credit note"


class BillingDocumentQuerySet(models.QuerySet["BillingDocument"]):
    def update(self, **kwargs: Any) -> int:
        if set(kwargs) - {"status"} and self.exclude(status=Status.DRAFT).exists():
            raise DocumentLocked("an issued invoice is never edited: issue a credit note")
        return super().update(**kwargs)

    def delete(self) -> Any:
        if self.exclude(status=Status.DRAFT).exists():
            raise DocumentLocked("an issued invoice is never deleted: issue a credit note")
        return super().delete()


class BillingDocument(models.Model):
    """An invoice or credit note being written (draft) or issued; numbered only when issued."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="billing_documents")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="billing_documents")
    kind = models.CharField(max_length=12, choices=DocumentKind.choices, default=DocumentKind.INVOICE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    key = models.CharField(max_length=100, blank=True, help_text="The caller's idempotency key")
    series = models.SlugField(max_length=16, blank=True, help_text="Empty: the profile's series for the kind")
    number = models.CharField(max_length=64, blank=True)
    issue_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3)
    exchange_rate = models.DecimalField(
        max_digits=18, decimal_places=8, null=True, blank=True,
        help_text="Units of the entity's currency per unit of the invoice currency",
    )  # fmt: skip
    payment_terms = models.CharField(max_length=64, blank=True)
    buyer_reference = models.CharField(max_length=100, blank=True)
    order_reference = models.CharField(max_length=100, blank=True)
    note = models.CharField(max_length=500, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    credited = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="billing_credit_notes",
        help_text="The invoice a credit note corrects or cancels",
    )  # fmt: skip
    schedule = models.ForeignKey(
        RecurringSchedule, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    invoice = models.OneToOneField(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="billing_document"
    )
    structured_reference = models.CharField(max_length=35, blank=True)
    net_minor = models.BigIntegerField(default=0)
    vat_minor = models.BigIntegerField(default=0)
    total_minor = models.BigIntegerField(default=0)
    findings = models.JSONField(default=list, blank=True, help_text="The last validation's findings")
    validated_as = models.CharField(max_length=16, blank=True, help_text="peppol or en16931")
    created_by = models.CharField(max_length=150, default="system")
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)

    objects = BillingDocumentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entity", "key"], condition=~Q(key=""), name="billing_document_key"),
            models.UniqueConstraint(
                fields=["entity", "number"], condition=~Q(number=""), name="billing_document_number"
            ),
            models.UniqueConstraint(
                fields=["schedule", "period_start"], condition=Q(schedule__isnull=False),
                name="billing_document_schedule_period",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | (~Q(number="") & Q(invoice__isnull=False)),
                name="billing_document_issued_has_number",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["entity", "status", "created_at"])]

    def __str__(self) -> str:
        return self.number or f"draft {self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            fields = [f.attname for f in self._meta.concrete_fields]
            stored = type(self).objects.filter(pk=self.pk).values(*fields).first()
            if stored is not None and stored["status"] != Status.DRAFT:
                changed = [f for f in fields if f != "status" and stored[f] != getattr(self, f)]
                allowed = stored["status"] == Status.ISSUED and self.status == Status.CANCELLED
                if changed or (self.status != stored["status"] and not allowed):
                    raise DocumentLocked(
                        f"{stored['number']} is issued and never edited ({', '.join(changed) or 'status'}): "
                        "issue a credit note"
                    )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        stored = type(self).objects.filter(pk=self.pk).values_list("status", "number").first()
        if stored is not None and stored[0] != Status.DRAFT:
            raise DocumentLocked(f"{stored[1]} is issued and never deleted: issue a credit note")
        return super().delete(*args, **kwargs)


class BillingLine(models.Model):
    """A line of a billing document: quantity × unit price − discount, with its VAT category and rate."""

    document = models.ForeignKey(BillingDocument, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    description = models.CharField(max_length=500)
    quantity = models.DecimalField(max_digits=18, decimal_places=6)
    unit = models.CharField(max_length=8, default="C62", help_text="UN/ECE Rec. 20 code")
    unit_price = models.DecimalField(max_digits=20, decimal_places=6)
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2)
    vat_category = models.CharField(max_length=2, default="S")
    exemption_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["document", "position"], name="billing_line_position")]

    def _refuse_unless_draft(self, verb: str) -> None:
        status = BillingDocument.objects.filter(pk=self.document_id).values_list("status", flat=True).first()
        if status is not None and status != Status.DRAFT:
            raise DocumentLocked(f"a line of an issued invoice is never {verb}: issue a credit note")

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_unless_draft("edited")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse_unless_draft("deleted")
        return super().delete(*args, **kwargs)


class ArchiveKind(models.TextChoices):
    PDF = "pdf", "Invoice PDF"
    UBL = "ubl", "UBL (Peppol BIS 3)"
    FACTURX = "facturx", "Factur-X PDF"
    IMPORTED = "imported", "Imported e-invoice"


class ArchivedDocumentQuerySet(models.QuerySet["ArchivedDocument"]):
    _MUTABLE = frozenset({"legal_hold", "legal_hold_reason"})

    def update(self, **kwargs: Any) -> int:
        if set(kwargs) - self._MUTABLE:
            raise ArchiveLocked("archived documents are write-once: only the legal hold changes")
        return super().update(**kwargs)

    def delete(self) -> Any:
        deleted = 0
        for row in self:
            row.delete()
            deleted += 1
        return deleted, {self.model._meta.label: deleted}


class ArchivedDocument(models.Model):
    """One archived file: its hash, what it is and whose, and until when it must be kept."""

    sha256 = models.CharField(max_length=64)
    kind = models.CharField(max_length=10, choices=ArchiveKind.choices)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.BigIntegerField()
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="archived_documents")
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="archived_documents"
    )
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="archived_documents"
    )
    number = models.CharField(max_length=64, blank=True)
    issue_date = models.DateField(null=True, blank=True)
    amount_minor = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    sealed = models.BooleanField(default=False)
    retention_until = models.DateField()
    legal_hold = models.BooleanField(default=False)
    legal_hold_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ArchivedDocumentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entity", "kind", "sha256"], name="archived_document_unique")
        ]
        indexes = [
            models.Index(fields=["entity", "number"]),
            models.Index(fields=["entity", "issue_date"]),
            models.Index(fields=["customer", "issue_date"]),
            models.Index(fields=["sha256"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number or self.filename} ({self.sha256[:12]})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            fields = [
                f.attname
                for f in self._meta.concrete_fields
                if f.attname not in ArchivedDocumentQuerySet._MUTABLE
            ]
            stored = type(self).objects.filter(pk=self.pk).values(*fields).first()
            if stored is not None and any(stored[f] != getattr(self, f) for f in fields):
                from encaisse.billing.archiving import refuse

                refuse(self, "replace", "archived documents are write-once: only the legal hold changes")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        from encaisse.billing.archiving import check_disposable

        check_disposable(self)
        return super().delete(*args, **kwargs)
