"""Importing bank statement files: idempotent, atomic per file, checked.

A file is parsed whole first (any format error refuses it, naming the file,
line or XML element, field and value); then, in one database transaction:
the file is archived under its SHA-256, each statement's account is found (or
registered for the entity), its balances are checked (opening + Σ
transactions = closing, else the file is refused unless
``accept_unbalanced``, which imports it and flags the statement), sequence
gaps and repeats are reported, and only transactions not already known for
the account (by identity, see :mod:`encaisse.banking.models`) are inserted.
Importing the same file again, or a later statement that overlaps it, adds
nothing twice.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from encaisse.banking.models import BankAccount, BankTransaction, SourceFile, Statement
from encaisse.core.money import InvalidAmount, Money
from encaisse.formats.bank import parse
from encaisse.formats.bank.detect import detect
from encaisse.formats.bank.records import ParsedStatement, StatementError, Transaction, collect
from encaisse.ledger import audit
from encaisse.ledger.archive import ArchiveStore
from encaisse.ledger.importing import bulk_insert
from encaisse.ledger.models import Entity

# References banks put where they have none
_NO_REFERENCE = frozenset({"", "NONREF", "NOTPROVIDED", "NOREF", "NONE", "N/A", "NA"})


class StatementImportError(Exception):
    """A file that was refused whole; nothing of it was imported."""


@dataclass
class FileResult:
    source: str
    format: str = ""
    statements: int = 0
    statements_known: int = 0
    transactions_new: int = 0
    transactions_known: int = 0
    credits: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    debits: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    warnings: list[str] = field(default_factory=list)
    file_known: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "format": self.format,
            "statements": self.statements,
            "statements_known": self.statements_known,
            "transactions_new": self.transactions_new,
            "transactions_known": self.transactions_known,
            "credits": {k: str(v) for k, v in self.credits.items()},
            "debits": {k: str(v) for k, v in self.debits.items()},
            "warnings": self.warnings,
            "file_known": self.file_known,
        }


def _minor(amount: Decimal, currency: str, *, source: str, where: str, what: str) -> int:
    try:
        return Money(amount, currency).minor_units()
    except InvalidAmount:
        raise StatementImportError(
            f"{source}, {where}: {what} {amount} has more decimals than {currency} has; refused"
        ) from None


def _account_key(parsed: ParsedStatement) -> tuple[str, str, str]:
    st = parsed.statement
    iban = ""
    if st.account_iban:
        try:
            iban = str(IBAN(st.account_iban).compact)
        except SchwiftyException:
            iban = ""
    number = (st.account_number or "").strip()
    key = iban or number or (st.account_iban or "").replace(" ", "").upper()
    return key, iban, number


def identity(tx: Transaction, counts: Counter[str]) -> str:
    """The transaction's identity within its account (see the models module)."""
    ref = (tx.bank_reference or "").strip()
    amount = f"{tx.amount}{tx.currency}"
    if ref.upper() not in _NO_REFERENCE:
        base = f"ref:{ref}:{tx.booking_date or tx.value_date}:{amount}"
    else:
        text = "\x1f".join(
            str(x or "")
            for x in (
                tx.booking_date, tx.value_date, amount, tx.counterparty_name, tx.counterparty_account,
                "\n".join(tx.remittance_lines), tx.end_to_end_id, tx.entry_reference, tx.additional_info,
            )
        )  # fmt: skip
        base = "fp:" + hashlib.sha256(text.encode()).hexdigest()[:40]
    if len(base) > 140:
        base = "ref:" + hashlib.sha256(base.encode()).hexdigest()[:40]
    counts[base] += 1
    return base if counts[base] == 1 else f"{base}#{counts[base]}"


_TX_COLUMNS = (
    "entity_id", "account_id", "statement_id", "identity", "bank_reference", "entry_reference", "booking_date",
    "value_date", "amount_minor", "currency", "original_amount", "original_currency", "exchange_rate",
    "counterparty_name", "counterparty_account", "counterparty_bic", "ultimate_debtor", "remittance",
    "creditor_references", "end_to_end_id", "mandate_id", "btc_domain", "btc_family", "btc_sub_family",
    "btc_proprietary", "is_reversal", "return_reason", "additional_info", "status", "position", "entry_index",
    "tx_index", "location", "match_status", "imported_at",
)  # fmt: skip


def _creditor_refs_json(tx: Transaction) -> str:
    return json.dumps(
        [{"value": r.value, "kind": str(r.kind), "issuer": r.issuer} for r in tx.creditor_references]
    )


def import_statement_file(
    path: Path,
    *,
    data: bytes | None = None,
    format: str | None = None,
    entity_code: str | None = None,
    accept_unbalanced: bool = False,
    options: dict[str, Any] | None = None,
    actor: str = "system",
) -> FileResult:
    """Import one file; raises :class:`StatementImportError` and changes nothing when refused."""
    source = str(path)
    if data is None:
        if not path.is_file():
            raise StatementImportError(f"{source}: no such file")
        size = path.stat().st_size
        if size > settings.ENCAISSE_MAX_IMPORT_BYTES:
            raise StatementImportError(
                f"{source}: {size} bytes is over the import size limit ({settings.ENCAISSE_MAX_IMPORT_BYTES} bytes)"
            )
        data = path.read_bytes()
    elif len(data) > settings.ENCAISSE_MAX_IMPORT_BYTES:
        raise StatementImportError(
            f"{source}: over the import size limit ({settings.ENCAISSE_MAX_IMPORT_BYTES} bytes)"
        )
    result = FileResult(source)
    digest = hashlib.sha256(data).hexdigest()
    options = dict(options or {})
    entity_hint = None
    if entity_code:
        entity_hint = Entity.objects.filter(code=entity_code).first()
        if entity_hint is None:
            raise StatementImportError(f"{source}: no entity {entity_code!r}")
    try:
        result.format = format or detect(data[:65536], source=source)
        if result.format in ("mt940", "mt942"):
            # some banks never state the currency; the entity's is the only sensible default
            fallback = entity_hint or (Entity.objects.first() if Entity.objects.count() == 1 else None)
            if fallback is not None:
                options.setdefault("default_currency", fallback.functional_currency)
        if accept_unbalanced and result.format in ("bai2", "coda"):
            # their trailers repeat the control totals: accepting an unbalanced file accepts those too
            options.setdefault("check_totals", False)
        statements = collect(parse(data, source=source, format=result.format, **options))
    except StatementError as exc:
        raise StatementImportError(str(exc)) from None
    if not statements:
        raise StatementImportError(f"{source}: no statement in the file")

    with transaction.atomic():
        known_file = SourceFile.objects.filter(sha256=digest).first()
        if known_file is None:
            ArchiveStore().put(data)
            known_file = SourceFile.objects.create(
                sha256=digest, name=path.name, size=len(data), format=result.format, imported_by=actor
            )
        else:
            result.file_known = True
        now = connection.ops.adapt_datetimefield_value(timezone.now())  # as the ORM stores it
        for position, parsed in enumerate(statements, start=1):
            _import_one(parsed, position, known_file, entity_hint, accept_unbalanced, result, now)
        if result.transactions_new or result.statements:
            audit.record(
                "bank_statement.imported", actor=actor, object_type="file", object_id=digest,
                data={"source": path.name, "format": result.format, "statements": result.statements,
                      "transactions_new": result.transactions_new, "warnings": result.warnings[:20]},
            )  # fmt: skip
    return result


def _entity_declaring(key: str) -> Entity | None:
    """The one entity whose own accounts (``Entity.ibans``, as ``init --iban`` gives them) include ``key``."""
    owners = [
        entity
        for entity in Entity.objects.exclude(ibans=[])
        if key in {str(iban).replace(" ", "").upper() for iban in entity.ibans or ()}
    ]
    return owners[0] if len(owners) == 1 else None


def _resolve_account(parsed: ParsedStatement, entity_hint: Entity | None, source: str) -> BankAccount:
    key, iban, number = _account_key(parsed)
    st = parsed.statement
    if not key:
        raise StatementImportError(f"{source}, {st.location}: the statement names no account")
    account = BankAccount.objects.filter(account_key=key).select_related("entity").first()
    if account is not None:
        if entity_hint is not None and account.entity_id != entity_hint.pk:
            raise StatementImportError(
                f"{source}: account {key} belongs to entity {account.entity.code}, not {entity_hint.code}"
            )
        return account
    entity = entity_hint or _entity_declaring(key)
    if entity is None:
        entities = list(Entity.objects.all()[:2])
        if len(entities) != 1:
            raise StatementImportError(
                f"{source}: account {key} is not registered and there are {'several' if entities else 'no'} "
                f"entities: give --entity"
            )
        entity = entities[0]
    return BankAccount.objects.create(
        entity=entity, account_key=key, iban=iban, number=number if not iban else "", bic=st.account_bic or "",
        currency=st.currency or "", name=st.account_owner or "",
    )  # fmt: skip


def _import_one(
    parsed: ParsedStatement,
    position: int,
    source_file: SourceFile,
    entity_hint: Entity | None,
    accept_unbalanced: bool,
    result: FileResult,
    now: Any,
) -> None:
    source = result.source
    st = parsed.statement
    account = _resolve_account(parsed, entity_hint, source)
    currency = (
        st.currency or account.currency or (parsed.transactions[0].currency if parsed.transactions else "")
    )
    if not currency:
        raise StatementImportError(f"{source}, {st.location}: the statement gives no currency")
    if account.currency and currency != account.currency:
        raise StatementImportError(
            f"{source}, {st.location}: statement in {currency} for account {account.account_key} kept in {account.currency}"
        )
    for tx in parsed.transactions:
        if tx.currency != currency:
            raise StatementImportError(
                f"{source}, {tx.location}: transaction in {tx.currency} on a {currency} statement (field currency)"
            )
    where = f"statement {st.statement_id or position} ({st.location})"
    unbalanced = None
    diff = parsed.balance_difference()
    if diff:
        message = (
            f"{source}: {where} does not balance: opening {st.opening_balance.amount if st.opening_balance else '?'}"
            f" + transactions ≠ closing {st.closing_balance.amount if st.closing_balance else '?'} (difference {diff})"
        )
        if not accept_unbalanced:
            raise StatementImportError(message + "; use --accept-unbalanced to import it flagged")
        unbalanced = _minor(diff, currency, source=source, where=where, what="difference")
        result.warnings.append(message + "; imported and flagged")

    opening = st.opening_balance
    closing = st.closing_balance
    opening_minor = (
        _minor(opening.amount, currency, source=source, where=where, what="opening balance")
        if opening
        else None
    )
    closing_minor = (
        _minor(closing.amount, currency, source=source, where=where, what="closing balance")
        if closing
        else None
    )
    existing = Statement.objects.filter(
        account=account, statement_id=st.statement_id or "", electronic_sequence=st.electronic_sequence or "",
        closing_date=closing.date if closing else None, closing_minor=closing_minor,
        opening_minor=opening_minor, transaction_count=len(parsed.transactions),
    ).first()  # fmt: skip
    if existing is not None:
        statement = existing
        result.statements_known += 1
    else:
        _check_sequence(account, st.electronic_sequence, source, where, result)
        statement = Statement.objects.create(
            entity=account.entity, account=account, source=source_file, position=position, format=st.format,
            version=st.version or "", statement_id=st.statement_id or "",
            electronic_sequence=st.electronic_sequence or "", legal_sequence=st.legal_sequence or "",
            currency=currency, opening_minor=opening_minor, opening_date=opening.date if opening else None,
            closing_minor=closing_minor, closing_date=closing.date if closing else None,
            from_date=st.from_date, to_date=st.to_date, created_by_bank=st.created_at,
            transaction_count=len(parsed.transactions), unbalanced_minor=unbalanced, location=st.location[:200],
        )  # fmt: skip
        result.statements += 1

    counts: Counter[str] = Counter()
    identities = [identity(tx, counts) for tx in parsed.transactions]
    known: set[str] = set()
    for i in range(0, len(identities), 5000):
        known.update(
            BankTransaction.objects.filter(
                account=account, identity__in=identities[i : i + 5000]
            ).values_list("identity", flat=True)
        )
    rows = []
    for n, (tx, ident) in enumerate(zip(parsed.transactions, identities, strict=True), start=1):
        if ident in known:
            result.transactions_known += 1
            continue
        amount_minor = _minor(tx.amount, currency, source=source, where=tx.location, what="amount")
        (result.credits if tx.amount > 0 else result.debits)[currency] += tx.amount
        code = tx.bank_transaction_code
        rows.append(
            (
                account.entity_id, account.pk, statement.pk, ident, (tx.bank_reference or "")[:140],
                (tx.entry_reference or "")[:140], tx.booking_date, tx.value_date, amount_minor, currency,
                tx.original_amount, tx.original_currency or "", tx.exchange_rate, (tx.counterparty_name or "")[:200],
                (tx.counterparty_account or "")[:64], (tx.counterparty_bic or "")[:11], (tx.ultimate_debtor or "")[:200],
                "\n".join(tx.remittance_lines), _creditor_refs_json(tx), (tx.end_to_end_id or "")[:140],
                (tx.mandate_id or "")[:140], (code.domain or "")[:8] if code else "", (code.family or "")[:8] if code else "",
                (code.sub_family or "")[:8] if code else "", (code.proprietary or "")[:64] if code else "",
                tx.is_reversal, (tx.return_reason or "")[:64], tx.additional_info or "", tx.status[:8], n,
                tx.entry_index, tx.tx_index, tx.location[:200], "new", now,
            )
        )  # fmt: skip
    bulk_insert("banking_banktransaction", _TX_COLUMNS, rows)
    result.transactions_new += len(rows)


def _check_sequence(
    account: BankAccount, sequence: str | None, source: str, where: str, result: FileResult
) -> None:
    if not sequence or not sequence.strip().isdigit():
        return
    number = int(sequence)
    previous = [
        int(s)
        for s in Statement.objects.filter(account=account).values_list("electronic_sequence", flat=True)
        if s.isdigit()
    ]
    if not previous:
        return
    if number in previous:
        result.warnings.append(
            f"{source}: {where}: sequence number {number} repeats one already imported for {account}"
        )
    elif number > max(previous) + 1:
        result.warnings.append(
            f"{source}: {where}: gap in sequence numbers for {account}: {max(previous) + 1}–{number - 1} missing"
        )
