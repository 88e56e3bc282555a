"""Cash application: match runs, decisions with their rows, payer aliases, learned models.

A :class:`MatchDecision` is what was decided for one bank transaction — by
the engine or by a person. Only one decision per transaction is current;
un-applying or reviewing supersedes it with a new one (history is kept).
Its :class:`DecisionRow` rows follow the export contract
(``tx_ref,invoice_number,amount,status,kind,confidence``): an ``invoice`` row
is what the payment settles of an item, a ``deduction`` row is negative, an
``on_account`` or ``unrelated`` row has no invoice, and the rows of an applied
decision add up to the transaction's amount.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from encaisse.banking.models import BankTransaction
from encaisse.ledger.models import Customer, Entity, Invoice, Receipt


class MatchRun(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="match_runs")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    dry_run = models.BooleanField(default=False)
    model_version = models.PositiveIntegerField(null=True, blank=True)
    counts = models.JSONField(default=dict)


class DecisionStatus(models.TextChoices):
    APPLIED = "applied", "Applied"
    SUGGESTED = "suggested", "Suggested"
    UNMATCHED = "unmatched", "Unmatched"


class MatchDecision(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="match_decisions")
    transaction = models.ForeignKey(BankTransaction, on_delete=models.PROTECT, related_name="decisions")
    run = models.ForeignKey(
        MatchRun, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    status = models.CharField(max_length=10, choices=DecisionStatus.choices)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    confidence = models.FloatField(default=0.0)
    explanation = models.TextField(blank=True)
    proposals = models.JSONField(default=list, blank=True)
    candidates = models.JSONField(default=list, blank=True, help_text="Candidate features, for training")
    receipt = models.ForeignKey(Receipt, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_by = models.CharField(max_length=150, default="engine")
    is_current = models.BooleanField(default=True)
    confirmed = models.BooleanField(default=False, help_text="A person accepted, corrected or rejected it")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["transaction"],
                condition=models.Q(is_current=True),
                name="one_current_decision_per_transaction",
            )
        ]
        indexes = [models.Index(fields=["entity", "status", "is_current"])]


class DecisionRow(models.Model):
    decision = models.ForeignKey(MatchDecision, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=12)
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    invoice_number = models.CharField(max_length=64, blank=True)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    confidence = models.FloatField(default=0.0)
    explanation = models.TextField(blank=True)
    reason = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["position"]


class PayerAlias(models.Model):
    """Evidence people confirmed: this account or name pays for this customer."""

    KINDS = [("iban", "Account"), ("name", "Name")]
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="payer_aliases")
    kind = models.CharField(max_length=4, choices=KINDS)
    value = models.CharField(max_length=200)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="payer_aliases")
    count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entity", "kind", "value", "customer"], name="payer_alias_unique")
        ]


class PaymentHabit(models.Model):
    """How a customer usually pays: with a reference or not, by order number…"""

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="payment_habit")
    referenced = models.PositiveIntegerField(default=0)
    unreferenced = models.PositiveIntegerField(default=0)
    by_order_reference = models.PositiveIntegerField(default=0)


class ScoringModel(models.Model):
    """A learned scoring model (versioned); the rules score when none is active."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="scoring_models")
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    blob = models.BinaryField()
    header = models.JSONField(default=dict)
    examples = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "version"], name="scoring_model_version")]


class MatchSettingsRow(models.Model):
    """An entity's cash-application thresholds (defaults apply when there is none)."""

    entity = models.OneToOneField(Entity, on_delete=models.CASCADE, related_name="match_settings")
    auto_apply = models.FloatField(default=0.97, help_text="least confidence to apply without a person")
    suggest = models.FloatField(default=0.5, help_text="least confidence to propose")
    margin = models.FloatField(
        default=2.0, help_text="how much likelier (log-odds) the best must be than the next"
    )
    charge_tolerance_minor = models.BigIntegerField(
        default=2500, help_text="largest residue taken as bank charges"
    )
    discount_grace_days = models.PositiveIntegerField(default=3)
    max_subset_items = models.PositiveIntegerField(default=30)

    class Meta:
        verbose_name = "matching settings"
        verbose_name_plural = "matching settings"
