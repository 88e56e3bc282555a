"""Bank accounts, imported statement files, statements and their transactions.

A :class:`BankTransaction` is unique per account by its ``identity``: the
bank's own reference where the bank gives one, else a fingerprint of date,
amount, counterparty and text; two transactions of one file that share either
are kept apart by their position (``#2``, ``#3``…), so that re-importing a
file, or a later statement that overlaps it, adds nothing twice.
"""

from __future__ import annotations

from django.db import models

from encaisse.core.money import Money
from encaisse.ledger.models import Entity


class BankAccount(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="bank_accounts")
    account_key = models.CharField(
        max_length=64, unique=True, help_text="IBAN, else the bank's account number"
    )
    iban = models.CharField(max_length=34, blank=True)
    number = models.CharField(max_length=64, blank=True)
    bic = models.CharField(max_length=11, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    name = models.CharField(max_length=140, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.account_key


class SourceFile(models.Model):
    """An imported file, kept unaltered in the archive under its SHA-256."""

    sha256 = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    format = models.CharField(max_length=16)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.CharField(max_length=150, blank=True)


class Statement(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="statements")
    account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="statements")
    source = models.ForeignKey(SourceFile, on_delete=models.PROTECT, related_name="statements")
    position = models.PositiveIntegerField(help_text="Order of the statement in its file")
    format = models.CharField(max_length=16)
    version = models.CharField(max_length=32, blank=True)
    statement_id = models.CharField(max_length=64, blank=True)
    electronic_sequence = models.CharField(max_length=32, blank=True)
    legal_sequence = models.CharField(max_length=32, blank=True)
    currency = models.CharField(max_length=3)
    opening_minor = models.BigIntegerField(null=True, blank=True)
    opening_date = models.DateField(null=True, blank=True)
    closing_minor = models.BigIntegerField(null=True, blank=True)
    closing_date = models.DateField(null=True, blank=True)
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)
    created_by_bank = models.DateTimeField(null=True, blank=True)
    transaction_count = models.PositiveIntegerField(default=0)
    unbalanced_minor = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="closing − (opening + Σ transactions) when imported with --accept-unbalanced",
    )
    location = models.CharField(max_length=200, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["account", "closing_date"])]

    @property
    def opening(self) -> Money | None:
        return None if self.opening_minor is None else Money.from_minor(self.opening_minor, self.currency)

    @property
    def closing(self) -> Money | None:
        return None if self.closing_minor is None else Money.from_minor(self.closing_minor, self.currency)


class MatchStatus(models.TextChoices):
    NEW = "new", "Not processed"
    APPLIED = "applied", "Applied"
    SUGGESTED = "suggested", "Suggested"
    UNMATCHED = "unmatched", "Unmatched"
    IGNORED = "ignored", "Not a receipt"
    CLAIMED = "claimed", "Being matched"


class BankTransaction(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="bank_transactions")
    account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="transactions")
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="transactions")
    identity = models.CharField(max_length=160)
    bank_reference = models.CharField(max_length=140, blank=True)
    entry_reference = models.CharField(max_length=140, blank=True)
    booking_date = models.DateField(null=True, blank=True)
    value_date = models.DateField(null=True, blank=True)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    original_amount = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    original_currency = models.CharField(max_length=3, blank=True)
    exchange_rate = models.DecimalField(max_digits=20, decimal_places=10, null=True, blank=True)
    counterparty_name = models.CharField(max_length=200, blank=True)
    counterparty_account = models.CharField(max_length=64, blank=True)
    counterparty_bic = models.CharField(max_length=11, blank=True)
    ultimate_debtor = models.CharField(max_length=200, blank=True)
    remittance = models.TextField(
        blank=True, help_text="Unstructured remittance lines, in order, one per line"
    )
    creditor_references = models.JSONField(default=list, blank=True)
    end_to_end_id = models.CharField(max_length=140, blank=True)
    mandate_id = models.CharField(max_length=140, blank=True)
    btc_domain = models.CharField(max_length=8, blank=True)
    btc_family = models.CharField(max_length=8, blank=True)
    btc_sub_family = models.CharField(max_length=8, blank=True)
    btc_proprietary = models.CharField(max_length=64, blank=True)
    is_reversal = models.BooleanField(default=False)
    return_reason = models.CharField(max_length=64, blank=True)
    additional_info = models.TextField(blank=True)
    status = models.CharField(max_length=8, default="BOOK")
    position = models.PositiveIntegerField(help_text="Order in the statement (entry, then transaction)")
    entry_index = models.PositiveIntegerField(default=1)
    tx_index = models.PositiveIntegerField(default=1)
    location = models.CharField(
        max_length=200, blank=True, help_text="Line or XML element in the source file"
    )
    match_status = models.CharField(max_length=10, choices=MatchStatus.choices, default=MatchStatus.NEW)
    claimed_by = models.BigIntegerField(null=True, blank=True, help_text="The match run that decided it")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "identity"], name="bank_transaction_identity")
        ]
        indexes = [
            models.Index(fields=["entity", "match_status"]),
            models.Index(fields=["account", "booking_date"]),
            models.Index(fields=["entity", "booking_date"]),
        ]

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def remittance_lines(self) -> list[str]:
        return self.remittance.split("\n") if self.remittance else []


class BankProfile(models.Model):
    """A saved CSV column mapping for one bank's exports (see ``encaisse bank-profile``)."""

    name = models.SlugField(max_length=64, unique=True)
    profile = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
