"""Collections: dunning policies and runs, letters, promises to pay, credit holds, the collector's work.

- :class:`CollectionSettings` (one to one with the entity): the late-payment
  jurisdiction (EU, BE, FR, DE, NL of :mod:`encaisse.core.interest`), whether
  the fixed compensation is charged, and the overdue age that puts a customer
  on credit hold.
- :class:`DunningPolicy` / :class:`DunningLevel`: the ladder of reminders of an
  entity for a customer segment (blank segment: the fallback policy), as
  :mod:`encaisse.core.dunning` reads it; :func:`encaisse.collections.policies.ensure_default_policy`
  creates the classic −3/+7/+15/+30/+45 ladder on demand.
- :class:`DunningRun`: one run as of a day (a dry run stores only its counts).
- :class:`DunningLetter`: one letter to one customer, grouping its items each at
  its level with the interest and compensation figures (JSON, amounts as
  decimal strings). Created ``draft`` for the preview; ``approved``, then
  ``sent`` (or ``skipped``, ``failed``). Unique per (entity, customer, as_of,
  level): running twice on the same day creates nothing new.
- :class:`DunningHistoryEntry`: what was sent per invoice and level, the
  compensation charged; this is the history :func:`encaisse.core.dunning.decide_many` reads.
- :class:`PromiseToPay`: a promise over one or more invoices; ``broken`` once
  its date has passed without the promised amount paid.
- :class:`CreditHold` / :class:`CreditAlert`: a customer on hold is not dunned
  (and, for sales, gets no new credit); an alert tells the credit manager why.
- :class:`CallTask` / :class:`CollectorNote`: the collector's worklist.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from encaisse.core.money import Money
from encaisse.ledger.models import Customer, Entity, Invoice

JURISDICTION_CHOICES = [("EU", "EU minimum"), ("BE", "Belgium"), ("FR", "France"), ("DE", "Germany"),
                        ("NL", "Netherlands")]  # fmt: skip


class Tone(models.TextChoices):
    FRIENDLY = "friendly", "Friendly"
    FIRM = "firm", "Firm"
    FORMAL = "formal", "Formal"


class LevelChannel(models.TextChoices):
    EMAIL = "email", "E-mail"
    POST = "post", "Post"
    REGISTERED_POST = "registered_post", "Registered post"


class CollectionSettings(models.Model):
    entity = models.OneToOneField(Entity, on_delete=models.PROTECT, related_name="collection_settings")
    jurisdiction = models.CharField(max_length=2, choices=JURISDICTION_CHOICES, default="EU")
    charge_compensation = models.BooleanField(
        default=True, help_text="Charge the fixed compensation (EUR 40)"
    )
    hold_overdue_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Put a customer on hold with an item this many days overdue; empty: never",
    )

    class Meta:
        verbose_name_plural = "collection settings"

    def __str__(self) -> str:
        return f"Collection settings of {self.entity.code}"


class DunningPolicy(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="dunning_policies")
    name = models.SlugField(max_length=64)
    segment = models.CharField(
        max_length=32, blank=True, help_text="Customer segment; empty: fallback policy"
    )
    grace_days = models.PositiveIntegerField(default=3)
    min_days_between_levels = models.PositiveIntegerField(default=7)
    key_account_call_first = models.BooleanField(default=False)
    auto_send = models.BooleanField(default=False, help_text="Send the daily letters without approval")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "dunning policies"
        constraints = [
            models.UniqueConstraint(fields=["entity", "segment"], name="dunning_policy_unique_segment"),
            models.UniqueConstraint(fields=["entity", "name"], name="dunning_policy_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.entity.code}/{self.name}"


class DunningLevel(models.Model):
    policy = models.ForeignKey(DunningPolicy, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveIntegerField()
    offset_days = models.IntegerField(help_text="Days from the due date (negative: before it)")
    channel = models.CharField(max_length=16, choices=LevelChannel.choices, default=LevelChannel.EMAIL)
    tone = models.CharField(max_length=8, choices=Tone.choices, default=Tone.FRIENDLY)
    template = models.CharField(max_length=64, help_text="Template key (reminder, formal_notice…)")
    templates = models.JSONField(default=dict, blank=True, help_text='Per language: {"fr": "rappel_1"}')
    min_amount_minor = models.BigIntegerField(null=True, blank=True)
    min_currency = models.CharField(max_length=3, blank=True)
    add_interest = models.BooleanField(default=False)
    add_compensation = models.BooleanField(default=False)
    hand_over = models.BooleanField(default=False)

    class Meta:
        ordering = ["policy", "number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="dunning_level_unique_number")
        ]

    def template_for(self, language: str) -> str:
        return str(self.templates.get(language) or self.template)


class DunningRun(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="dunning_runs")
    as_of = models.DateField()
    dry_run = models.BooleanField(default=False)
    created_by = models.CharField(max_length=150, default="system")
    created_at = models.DateTimeField(auto_now_add=True)
    customers = models.PositiveIntegerField(default=0)
    items = models.PositiveIntegerField(default=0)
    letters = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    call_tasks = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-as_of", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "as_of"], condition=Q(dry_run=False), name="dunning_run_one_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"Dunning run {self.entity.code} {self.as_of}{' (dry run)' if self.dry_run else ''}"


class LetterStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    SKIPPED = "skipped", "Skipped"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class DunningLetter(models.Model):
    run = models.ForeignKey(DunningRun, on_delete=models.PROTECT, related_name="letter_rows")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="dunning_letters")
    as_of = models.DateField()
    level = models.PositiveIntegerField()
    tone = models.CharField(max_length=8, choices=Tone.choices)
    channel = models.CharField(max_length=16, choices=LevelChannel.choices)
    template = models.CharField(max_length=64)
    language = models.CharField(max_length=2)
    policy = models.CharField(max_length=80)
    auto_send = models.BooleanField(default=False)
    hand_over = models.BooleanField(default=False)
    items = models.JSONField(default=list, help_text="Items at their levels with interest and compensation")
    totals = models.JSONField(default=dict, help_text="Per currency: claimed, interest, compensation, total")
    free_text = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=LetterStatus.choices, default=LetterStatus.DRAFT)
    status_note = models.CharField(max_length=300, blank=True)
    approved_by = models.CharField(max_length=150, blank=True)
    delivery_id = models.BigIntegerField(null=True, blank=True, help_text="The delivery that carried it")
    delivery_ref = models.CharField(max_length=200, blank=True, help_text="Delivery key")
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["customer__name", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "customer", "as_of", "level"], name="dunning_letter_unique_per_day"
            )
        ]
        indexes = [models.Index(fields=["entity", "status"])]

    def __str__(self) -> str:
        return f"Letter {self.pk} level {self.level} to {self.customer_id}"

    @property
    def invoice_ids(self) -> list[int]:
        return [int(i["invoice_id"]) for i in self.items]


class DunningHistoryEntry(models.Model):
    """One item sent at one level in one letter: the dunning history of an invoice."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="dunning_history")
    letter = models.ForeignKey(DunningLetter, on_delete=models.PROTECT, related_name="history")
    level = models.PositiveIntegerField()
    sent_on = models.DateField()
    claimed_minor = models.BigIntegerField()
    interest_minor = models.BigIntegerField(default=0)
    compensation_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "dunning history"
        constraints = [
            models.UniqueConstraint(fields=["invoice", "level", "letter"], name="dunning_history_unique")
        ]
        indexes = [models.Index(fields=["entity", "invoice"])]


class PromiseStatus(models.TextChoices):
    OPEN = "open", "Open"
    KEPT = "kept", "Kept"
    BROKEN = "broken", "Broken"
    CANCELLED = "cancelled", "Cancelled"


class PromiseToPay(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="promises")
    invoices = models.ManyToManyField(Invoice, related_name="promises")
    promised_date = models.DateField()
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    taken_by = models.CharField(max_length=150)
    taken_on = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=9, choices=PromiseStatus.choices, default=PromiseStatus.OPEN)
    paid_minor = models.BigIntegerField(default=0, help_text="Paid on its invoices since it was taken")
    resolved_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["entity", "status", "promised_date"])]

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)


class CreditHold(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="credit_holds")
    reason = models.CharField(max_length=300)
    automatic = models.BooleanField(default=False)
    since = models.DateField()
    placed_by = models.CharField(max_length=150)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.CharField(max_length=150, blank=True)
    release_note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=Q(released_at__isnull=True), name="credit_hold_one_active"
            )
        ]

    @property
    def is_active(self) -> bool:
        return self.released_at is None


class CreditAlert(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="credit_alerts")
    kind = models.CharField(max_length=16)  # over_limit | overdue
    detail = models.CharField(max_length=500)
    as_of = models.DateField()
    hold = models.ForeignKey(
        CreditHold, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "kind", "as_of"], name="credit_alert_once_a_day")
        ]


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class CallOutcome(models.TextChoices):
    REACHED = "reached", "Reached"
    NO_ANSWER = "no_answer", "No answer"
    PROMISE = "promise", "Promise to pay"
    DISPUTE = "dispute", "Dispute raised"
    WRONG_CONTACT = "wrong_contact", "Wrong contact"
    PAID = "paid", "Says it is paid"


class CallTask(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="call_tasks")
    reason = models.CharField(max_length=200)
    source = models.CharField(max_length=16, default="manual")  # dunning | promise | manual
    due_on = models.DateField()
    issued_on = models.DateField()
    promise = models.ForeignKey(
        PromiseToPay, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=4, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    outcome = models.CharField(max_length=16, choices=CallOutcome.choices, blank=True)
    assigned_to = models.CharField(max_length=150, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["entity", "status", "due_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "source", "issued_on"], name="call_task_once_a_day_per_source"
            )
        ]


class CollectorNote(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="collector_notes")
    task = models.ForeignKey(CallTask, null=True, blank=True, on_delete=models.PROTECT, related_name="notes")
    author = models.CharField(max_length=150)
    text = models.TextField()
    outcome = models.CharField(max_length=16, choices=CallOutcome.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
