"""Cash application use cases: match, review, un-apply, confirmations, export, training.

:func:`match` feeds every unprocessed credit transaction of an entity to the
matching engine (:mod:`encaisse.core.matching`) against the entity's open
items, then records each decision and posts the allocations of the applied
ones, one database transaction per batch. A transaction is claimed with a
guarded update (``match_status = 'new'``) and allocations take open amounts
with a guarded update too, so two runs started at once never apply the same
transaction or the same open amount twice: the second finds them taken and
leaves them to the first.

People's decisions (:func:`accept`, :func:`reject`, :func:`import_confirmations`)
are evidence: they record the payer's account and name as aliases of the
customer, the customer's reference habit, and label the engine's candidates
for :func:`train`.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from encaisse.banking.models import BankTransaction, MatchStatus
from encaisse.cashapp.models import (
    DecisionRow,
    DecisionStatus,
    MatchDecision,
    MatchRun,
    MatchSettingsRow,
    PayerAlias,
    PaymentHabit,
    ScoringModel,
)
from encaisse.core.matching import learning
from encaisse.core.matching.engine import Engine
from encaisse.core.matching.index import Book
from encaisse.core.matching.records import (
    AllocationKind,
    CandidateFeatures,
    CreditTransaction,
    Decision,
    ItemKind,
    MatchSettings,
    OpenItem,
    Party,
    Status,
    StructuredReference,
    TransactionCode,
)
from encaisse.core.money import Money
from encaisse.ledger import audit
from encaisse.ledger.models import Allocation, Customer, DocumentKind, Entity, Invoice, Receipt
from encaisse.ledger.posting import (
    AllocationRefused,
    AllocationRequest,
    post_allocations,
    reverse_allocations,
)

Progress = Callable[[int], None]
RECENTLY_SETTLED_DAYS = 120  # settled items kept in the book so that duplicate payments are recognised


class CashAppError(Exception):
    """A request that cannot be carried out; nothing was changed."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


# --- loading what the engine needs -------------------------------------------------------


def match_settings(entity: Entity) -> MatchSettings:
    row = MatchSettingsRow.objects.filter(entity=entity).first() or MatchSettingsRow(entity=entity)
    cur = entity.functional_currency
    return MatchSettings(
        currency=cur,
        charge_tolerance=Money.from_minor(row.charge_tolerance_minor, cur).amount,
        auto_apply=row.auto_apply,
        suggest=row.suggest,
        margin=row.margin,
        discount_grace_days=row.discount_grace_days,
        max_subset_items=row.max_subset_items,
        own_ibans=tuple(str(i).replace(" ", "").upper() for i in entity.ibans or ()),
    )


def _open_items(entity: Entity, since: date) -> Iterable[OpenItem]:
    rows = (
        Invoice.objects.filter(entity=entity)
        .filter(~Q(open_minor=0) | Q(due_date__gte=since))
        .values_list(
            "id", "number", "customer_id", "currency", "total_minor", "open_minor", "issue_date", "due_date",
            "structured_reference", "discount_percent", "discount_days", "kind",
        )
    )  # fmt: skip
    for pk, number, cust, cur, total, open_, issued, due, ref, dpct, ddays, kind in rows.iterator(
        chunk_size=20000
    ):
        sign = -1 if kind == DocumentKind.CREDIT_NOTE else 1
        yield OpenItem(
            id=str(pk), number=number, customer_id=str(cust), currency=cur,
            total=Money.from_minor(sign * total, cur).amount, open_amount=Money.from_minor(sign * open_, cur).amount,
            issue_date=issued, due_date=due, structured_reference=ref or None, discount_percent=dpct,
            discount_days=ddays, kind=ItemKind.CREDIT_NOTE if sign < 0 else ItemKind.INVOICE,
        )  # fmt: skip


def _parties(entity: Entity) -> list[Party]:
    names: dict[int, list[str]] = defaultdict(list)
    for cust, value in PayerAlias.objects.filter(entity=entity, kind="name").values_list(
        "customer_id", "value"
    ):
        names[cust].append(value)
    rows = Customer.objects.filter(entity=entity).values_list("id", "name", "ibans", "parent_id")
    parties = []
    for pk, name, ibans, parent in rows.iterator(chunk_size=20000):
        paid_by = (str(parent),) if parent else ()
        parties.append(
            Party(
                id=str(pk),
                name=name,
                aliases=tuple(names.get(pk, ())),
                ibans=tuple(ibans or ()),
                paid_by=paid_by,
            )
        )
    return parties


def alias_store(entity: Entity) -> learning.MemoryAliasStore:
    store = learning.MemoryAliasStore()
    for value, cust, count in PayerAlias.objects.filter(entity=entity, kind="iban").values_list(
        "value", "customer_id", "count"
    ):
        store.record_account(value, str(cust), count)
    for value, cust in PayerAlias.objects.filter(entity=entity, kind="name").values_list(
        "value", "customer_id"
    ):
        store.record_name(value, str(cust))
    for cust, referenced, unreferenced, by_order in PaymentHabit.objects.filter(
        customer__entity=entity
    ).values_list("customer_id", "referenced", "unreferenced", "by_order_reference"):
        store.record_payments(
            str(cust), total=referenced + unreferenced, unreferenced=unreferenced, by_order=by_order
        )
    return store


def active_model(entity: Entity) -> ScoringModel | None:
    return ScoringModel.objects.filter(entity=entity, active=True).order_by("-version").first()


def _credit(tx: BankTransaction, statement_order: int) -> CreditTransaction:
    code = None
    if tx.btc_domain or tx.btc_family or tx.btc_proprietary:
        code = TransactionCode(tx.btc_domain or None, tx.btc_family or None, tx.btc_sub_family or None,
                               tx.btc_proprietary or None)  # fmt: skip
    return CreditTransaction(
        id=str(tx.pk), amount=tx.amount.amount, currency=tx.currency, booking_date=tx.booking_date or tx.value_date,
        value_date=tx.value_date, counterparty_name=tx.counterparty_name or None,
        counterparty_account=tx.counterparty_account or None, ultimate_debtor=tx.ultimate_debtor or None,
        remittance_lines=tuple(tx.remittance_lines),
        creditor_references=tuple(StructuredReference(r["value"], r.get("kind") or "OTHER") for r in tx.creditor_references),
        end_to_end_id=tx.end_to_end_id or None, bank_transaction_code=code, additional_info=tx.additional_info or None,
        position=(statement_order, tx.entry_index, tx.tx_index),
    )  # fmt: skip


def tx_ref(tx: BankTransaction) -> str:
    """The transaction's reference in exports: the bank's own, else ours."""
    return tx.bank_reference or f"TX{tx.pk}"


# --- matching -----------------------------------------------------------------------------


@dataclass
class MatchSummary:
    applied: int = 0
    suggested: int = 0
    unmatched: int = 0
    skipped_debits: int = 0
    taken_by_another_run: int = 0
    amounts: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    dry_run: bool = False
    decisions: list[Decision] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "applied": self.applied, "suggested": self.suggested, "unmatched": self.unmatched,
            "skipped_debits": self.skipped_debits, "taken_by_another_run": self.taken_by_another_run,
            "amounts": {k: str(v) for k, v in self.amounts.items()}, "dry_run": self.dry_run,
        }  # fmt: skip


def match(
    entity: Entity,
    *,
    dry_run: bool = False,
    batch_size: int = 5000,
    progress: Progress | None = None,
    actor: str = "engine",
    today: date | None = None,
) -> MatchSummary:
    """Match every unprocessed credit transaction of the entity (see the module)."""
    summary = MatchSummary(dry_run=dry_run)
    today = today or timezone.localdate()
    pending = BankTransaction.objects.filter(entity=entity, match_status=MatchStatus.NEW)
    if not dry_run:
        summary.skipped_debits = pending.filter(amount_minor__lte=0).update(match_status=MatchStatus.IGNORED)
    txs = list(
        pending.filter(amount_minor__gt=0)
        .select_related("statement")
        .order_by("statement__closing_date", "statement_id", "position")
    )
    if not txs:
        return summary
    order = {sid: i for i, sid in enumerate(dict.fromkeys(t.statement_id for t in txs))}
    book = Book.build(_open_items(entity, today - timedelta(days=RECENTLY_SETTLED_DAYS)), _parties(entity))
    model = active_model(entity)
    engine = Engine(
        book, match_settings(entity), scorer=learning.load(bytes(model.blob)) if model else None,
        aliases=alias_store(entity), record_candidates=True,
    )  # fmt: skip
    credits = [_credit(t, order[t.statement_id]) for t in txs]
    decisions = engine.run(credits)
    by_id = {str(t.pk): t for t in txs}
    run = (
        None
        if dry_run
        else MatchRun.objects.create(
            entity=entity, dry_run=False, model_version=model.version if model else None
        )
    )
    for i in range(0, len(decisions), batch_size):
        chunk = decisions[i : i + batch_size]
        if dry_run:
            _count(summary, chunk, by_id)
        else:
            _record_batch(entity, run, chunk, by_id, summary, actor)
        if progress:
            progress(len(chunk))
    if dry_run:
        summary.decisions = decisions
    else:
        assert run is not None
        run.finished_at = timezone.now()
        run.counts = summary.as_dict()
        run.save(update_fields=["finished_at", "counts"])
    return summary


def _count(summary: MatchSummary, decisions: Sequence[Decision], by_id: dict[str, BankTransaction]) -> None:
    for d in decisions:
        setattr(summary, str(d.status), getattr(summary, str(d.status)) + 1)
        if d.status == Status.APPLIED:
            summary.amounts[by_id[d.transaction_id].currency] += by_id[d.transaction_id].amount.amount


def ledger_requests(
    tx: BankTransaction,
    rows: Sequence[tuple[str, int | None, int]],
    receipt_id: int | None,
    items: dict[int, Invoice],
) -> list[AllocationRequest]:
    """Turn export-convention rows ``(kind, invoice id, amount minor)`` into ledger allocations.

    The invoice row is what the payment settles of an item, deductions
    included; the ledger takes the cash part (the invoice row minus the
    item's deduction rows) as a receipt allocation and each deduction as a
    deduction allocation. A credit note's (negative) row settles the credit
    note. On-account rows become an on-account credit of the receipt.
    """
    day = tx.value_date or tx.booking_date
    assert day is not None
    deductions: dict[int, int] = defaultdict(int)
    for kind, inv, amount in rows:
        if kind == AllocationKind.DEDUCTION and inv is not None:
            deductions[inv] += -amount
    requests = []
    for kind, inv, amount in rows:
        if kind == AllocationKind.INVOICE and inv is not None:
            item = items[inv]
            settled = abs(amount) - deductions.get(inv, 0)
            if settled:
                requests.append(AllocationRequest(kind="invoice", amount_minor=settled, currency=item.currency,
                                                  effective_date=day, invoice_id=inv, receipt_id=receipt_id))  # fmt: skip
        elif kind == AllocationKind.DEDUCTION and inv is not None:
            requests.append(AllocationRequest(kind="deduction", amount_minor=-amount, currency=items[inv].currency,
                                              effective_date=day, invoice_id=inv, receipt_id=receipt_id,
                                              note="deduction taken by the customer"))  # fmt: skip
        elif kind == AllocationKind.ON_ACCOUNT:
            requests.append(AllocationRequest(kind="on_account", amount_minor=amount, currency=tx.currency,
                                              effective_date=day, receipt_id=receipt_id))  # fmt: skip
    return requests


def _record_batch(
    entity: Entity,
    run: MatchRun | None,
    decisions: Sequence[Decision],
    by_id: dict[str, BankTransaction],
    summary: MatchSummary,
    actor: str,
) -> None:
    with transaction.atomic():
        ids = [int(d.transaction_id) for d in decisions]
        status_of = {int(d.transaction_id): _bank_status(d.status) for d in decisions}
        assert run is not None
        claimed = _claim(ids, status_of, run.pk)
        taken = set(ids) - claimed
        summary.taken_by_another_run += len(taken)
        keep = [d for d in decisions if int(d.transaction_id) in claimed]
        invoice_ids = {int(a.invoice_id) for d in keep for a in d.allocations if a.invoice_id}
        items = {i.pk: i for i in Invoice.objects.filter(pk__in=invoice_ids)}
        applied = [d for d in keep if d.status == Status.APPLIED]
        receipts = Receipt.objects.bulk_create(
            [
                Receipt(entity=entity, customer_id=int(d.customer_id) if d.customer_id else None,
                        amount_minor=by_id[d.transaction_id].amount_minor, currency=by_id[d.transaction_id].currency,
                        value_date=by_id[d.transaction_id].value_date or by_id[d.transaction_id].booking_date,
                        reference=tx_ref(by_id[d.transaction_id])[:140], source=f"bank:{d.transaction_id}")
                for d in applied
            ]
        )  # fmt: skip
        if receipts and receipts[0].pk is None:
            sources = {r.source for r in receipts}
            pk_of = dict(
                Receipt.objects.filter(entity=entity, source__in=sources).values_list("source", "id")
            )
            for r in receipts:
                r.pk = r.id = pk_of[r.source]
        receipt_of = {d.transaction_id: r for d, r in zip(applied, receipts, strict=True)}
        requests: list[AllocationRequest] = []
        for d in applied:
            rows = [(str(a.kind), int(a.invoice_id) if a.invoice_id else None, _minor(a.amount, by_id[d.transaction_id].currency))
                    for a in d.allocations]  # fmt: skip
            requests += ledger_requests(by_id[d.transaction_id], rows, receipt_of[d.transaction_id].pk, items)
        try:
            post_allocations(entity, requests)
        except AllocationRefused as exc:
            raise CashAppError([f"matching batch refused by the ledger: {p}" for p in exc.problems]) from None
        decision_rows = []
        for d in keep:
            tx = by_id[d.transaction_id]
            md = _decision_model(entity, run, d, tx, receipt_of.get(d.transaction_id), actor)
            decision_rows.append((md, d))
        MatchDecision.objects.bulk_create([md for md, _ in decision_rows], batch_size=2000)
        if decision_rows and decision_rows[0][0].pk is None:
            pk_of = dict(
                MatchDecision.objects.filter(transaction_id__in=[md.transaction_id for md, _ in decision_rows], is_current=True)
                .values_list("transaction_id", "id")
            )  # fmt: skip
            for md, _ in decision_rows:
                md.pk = md.id = pk_of[md.transaction_id]
        DecisionRow.objects.bulk_create(
            [
                DecisionRow(decision_id=md.pk, position=n, kind=str(a.kind),
                            invoice_id=int(a.invoice_id) if a.invoice_id else None, invoice_number=a.invoice_number or "",
                            amount_minor=_minor(a.amount, by_id[d.transaction_id].currency),
                            currency=by_id[d.transaction_id].currency, confidence=a.confidence,
                            explanation=a.explanation, reason=a.reason or "")
                for md, d in decision_rows
                for n, a in enumerate(d.allocations, start=1)
            ],
            batch_size=5000,
        )  # fmt: skip
        from encaisse.cases.services import open_deduction_cases  # cases depend on cashapp, not the reverse

        open_deduction_cases(entity, applied)
        _count(summary, keep, by_id)


def _minor(amount: Decimal, currency: str) -> int:
    return Money(amount, currency).minor_units()


def _bank_status(status: Status) -> str:
    return {Status.APPLIED: MatchStatus.APPLIED, Status.SUGGESTED: MatchStatus.SUGGESTED}.get(
        status, MatchStatus.UNMATCHED
    )


def _claim(ids: Sequence[int], status_of: dict[int, str], run_id: int) -> set[int]:
    """Take the transactions that are still new for this run; set their statuses. The ids it now owns.

    Set-based: one guarded update claims them, one query reads which were
    ours to claim, one update per status sets the outcome.
    """
    claimed: set[int] = set()
    for i in range(0, len(ids), 900):
        chunk = list(ids[i : i + 900])
        BankTransaction.objects.filter(pk__in=chunk, match_status=MatchStatus.NEW).update(
            match_status=MatchStatus.CLAIMED, claimed_by=run_id
        )
        claimed.update(
            BankTransaction.objects.filter(
                pk__in=chunk, match_status=MatchStatus.CLAIMED, claimed_by=run_id
            ).values_list("pk", flat=True)
        )
    by_status: dict[str, list[int]] = defaultdict(list)
    for tx_id in claimed:
        by_status[status_of[tx_id]].append(tx_id)
    for status, members in by_status.items():
        for i in range(0, len(members), 900):
            BankTransaction.objects.filter(pk__in=members[i : i + 900]).update(match_status=status)
    return claimed


def _decision_model(
    entity: Entity,
    run: MatchRun | None,
    d: Decision,
    tx: BankTransaction,
    receipt: Receipt | None,
    actor: str,
) -> MatchDecision:
    return MatchDecision(
        entity=entity, transaction=tx, run=run, status=str(d.status),
        customer_id=int(d.customer_id) if d.customer_id and d.customer_id.isdigit() else None,
        confidence=d.confidence, explanation=d.explanation, proposals=[_proposal_json(p) for p in d.proposals],
        candidates=[_candidate_json(c) for c in d.candidates], receipt=receipt, decided_by=actor,
    )  # fmt: skip


def _proposal_json(p: Any) -> dict[str, Any]:
    return {
        "confidence": p.confidence, "explanation": p.explanation, "customer_id": p.customer_id,
        "rows": [{"kind": str(a.kind), "invoice_id": a.invoice_id, "invoice_number": a.invoice_number,
                  "amount": str(a.amount), "reason": a.reason} for a in p.allocations],
    }  # fmt: skip


def _candidate_json(c: CandidateFeatures) -> dict[str, Any]:
    return {"features": list(c.features), "rows": [[k, n, str(a)] for k, n, a in c.rows]}


# --- people's decisions ---------------------------------------------------------------------


def find_transaction(entity_ids: Sequence[int], ref: str) -> BankTransaction:
    """A transaction by the bank's reference or by ``TX<id>``/``<id>``."""
    qs = BankTransaction.objects.filter(entity_id__in=entity_ids)
    found = list(qs.filter(bank_reference=ref)[:2])
    if not found:
        key = ref[2:] if ref.upper().startswith("TX") else ref
        if key.isdigit():
            found = list(qs.filter(pk=int(key)))
    if not found:
        raise CashAppError([f"unknown transaction {ref!r}"])
    if len(found) > 1:
        raise CashAppError([f"several transactions have the reference {ref!r}: use TX<id>"])
    return found[0]


def _current(tx: BankTransaction) -> MatchDecision | None:
    return MatchDecision.objects.filter(transaction=tx, is_current=True).first()


def unapply(tx: BankTransaction, *, on: date, actor: str = "system") -> int:
    """Reverse the transaction's allocations (reversing rows) so it can be matched again."""
    with transaction.atomic():
        BankTransaction.objects.select_for_update().filter(pk=tx.pk).first()
        decision = _current(tx)
        reversed_count = 0
        if decision is not None and decision.receipt_id:
            ids = list(
                Allocation.objects.filter(receipt_id=decision.receipt_id, reverses__isnull=True, reversed_by__isnull=True)
                .values_list("id", flat=True)
            )  # fmt: skip
            if ids:
                reversed_count = reverse_allocations(tx.entity, ids, on=on)
        MatchDecision.objects.filter(transaction=tx, is_current=True).update(is_current=False)
        BankTransaction.objects.filter(pk=tx.pk).update(match_status=MatchStatus.NEW)
        audit.record("transaction.unapplied", actor=actor, entity=tx.entity, object_type="bank_transaction",
                     object_id=tx.pk, data={"reversed_allocations": reversed_count, "tx_ref": tx_ref(tx)})  # fmt: skip
    return reversed_count


@dataclass(frozen=True)
class Confirmation:
    """What a person says a transaction settles: ``(invoice number, amount)`` pairs."""

    tx: str
    lines: tuple[tuple[str, Decimal | None], ...]
    source: str = ""  # "file.csv:12"


def _validate(
    entity_ids: Sequence[int], confirmations: Sequence[Confirmation]
) -> tuple[list[str], list[Any]]:
    problems: list[str] = []
    plans = []
    open_left: dict[int, int] = {}
    for c in confirmations:
        where = f"{c.source}: " if c.source else ""
        try:
            tx = find_transaction(entity_ids, c.tx)
        except CashAppError as exc:
            problems += [where + p for p in exc.problems]
            continue
        if tx.amount_minor <= 0:
            problems.append(f"{where}transaction {c.tx} is not a receipt")
            continue
        current = _current(tx)
        taken = 0
        if current is not None and current.status == DecisionStatus.APPLIED:
            problems.append(f"{where}transaction {c.tx} is already applied: unapply it first")
            continue
        rows: list[tuple[Invoice, int]] = []
        for number, amount in c.lines:
            inv = Invoice.objects.filter(entity_id=tx.entity_id, number=number).first()
            if inv is None:
                problems.append(f"{where}unknown invoice {number!r} for transaction {c.tx}")
                continue
            if inv.currency != tx.currency:
                problems.append(f"{where}invoice {number} is in {inv.currency}, the payment in {tx.currency}")
                continue
            left = open_left.setdefault(
                inv.pk, inv.open_minor if inv.kind == DocumentKind.INVOICE else -inv.open_minor
            )
            minor = left if amount is None else _minor(amount, inv.currency)
            if minor <= 0 and inv.kind == DocumentKind.INVOICE:
                problems.append(
                    f"{where}invoice {number}: amount must be positive (open {Money.from_minor(left, inv.currency)})"
                )
                continue
            if abs(minor) > abs(left):
                problems.append(
                    f"{where}invoice {number}: {Money.from_minor(minor, inv.currency)} is beyond its open amount "
                    f"{Money.from_minor(left, inv.currency)}"
                )
                continue
            open_left[inv.pk] = left - minor
            rows.append((inv, minor))
            taken += minor
        if taken > tx.amount_minor:
            problems.append(
                f"{where}transaction {c.tx}: {Money.from_minor(taken, tx.currency)} is beyond its amount "
                f"{tx.amount}"
            )
            continue
        plans.append((tx, rows, current))
    return problems, plans


def confirm(
    entity_ids: Sequence[int],
    confirmations: Sequence[Confirmation],
    *,
    actor: str = "system",
    user_id: int | None = None,
) -> int:
    """Apply people's confirmations atomically (all or none); the rest of a payment goes on account."""
    problems, plans = _validate(entity_ids, confirmations)
    if problems:
        raise CashAppError(problems)
    with transaction.atomic():
        for tx, rows, current in plans:
            _apply_person(tx, rows, current, actor, user_id)
    return len(plans)


def _apply_person(tx: BankTransaction, rows: list[tuple[Invoice, int]], current: MatchDecision | None,
                  actor: str, user_id: int | None) -> None:  # fmt: skip
    entity = tx.entity
    updated = (
        BankTransaction.objects.filter(pk=tx.pk)
        .exclude(match_status=MatchStatus.APPLIED)
        .update(match_status=MatchStatus.APPLIED)
    )
    if not updated:
        raise CashAppError([f"transaction {tx_ref(tx)} was applied meanwhile"])
    customer_id = rows[0][0].customer_id if rows else None
    receipt = Receipt.objects.create(entity=entity, customer_id=customer_id, amount_minor=tx.amount_minor,
                                     currency=tx.currency, value_date=tx.value_date or tx.booking_date,
                                     reference=tx_ref(tx)[:140], source=f"bank:{tx.pk}")  # fmt: skip
    export_rows: list[tuple[str, Invoice | None, int]] = [("invoice", inv, minor) for inv, minor in rows]
    rest = tx.amount_minor - sum(m for _, m in rows)
    if rest:
        export_rows.append(("on_account", None, rest))
    requests = ledger_requests(tx, [(k, inv.pk if inv else None, m) for k, inv, m in export_rows], receipt.pk,
                               {inv.pk: inv for inv, _ in rows})  # fmt: skip
    try:
        post_allocations(entity, requests, user_id=user_id)
    except AllocationRefused as exc:
        raise CashAppError(exc.problems) from None
    if current is not None:
        MatchDecision.objects.filter(pk=current.pk).update(is_current=False)
    decision = MatchDecision.objects.create(
        entity=entity, transaction=tx, status=DecisionStatus.APPLIED, customer_id=customer_id, confidence=1.0,
        explanation=f"confirmed by {actor}", receipt=receipt, decided_by=actor, confirmed=True,
        candidates=current.candidates if current else [], proposals=current.proposals if current else [],
    )  # fmt: skip
    DecisionRow.objects.bulk_create(
        [DecisionRow(decision=decision, position=n, kind=k, invoice=inv, invoice_number=inv.number if inv else "",
                     amount_minor=m, currency=tx.currency, confidence=1.0, explanation=f"confirmed by {actor}")
         for n, (k, inv, m) in enumerate(export_rows, start=1)]
    )  # fmt: skip
    if customer_id is not None:
        _learn(tx, customer_id, referenced=_mentions(tx, [inv for inv, _ in rows]), actor=actor)
    audit.record("transaction.confirmed", actor=actor, entity=entity, object_type="bank_transaction", object_id=tx.pk,
                 data={"tx_ref": tx_ref(tx), "rows": [[k, inv.number if inv else "", m] for k, inv, m in export_rows]})  # fmt: skip


def _mentions(tx: BankTransaction, invoices: Sequence[Invoice]) -> bool:
    text = (
        (tx.remittance + " " + " ".join(r["value"] for r in tx.creditor_references)).upper().replace(" ", "")
    )
    return any(inv.number.upper().replace(" ", "") in text or (inv.structured_reference and inv.structured_reference in text)
               for inv in invoices)  # fmt: skip


def _learn(tx: BankTransaction, customer_id: int, *, referenced: bool, actor: str) -> None:
    """Record the payer's account and name as the customer's, and how the customer references payments."""
    for kind, value in (
        ("iban", tx.counterparty_account.replace(" ", "").upper()),
        ("name", tx.counterparty_name.strip()),
    ):
        if not value:
            continue
        alias, created = PayerAlias.objects.get_or_create(
            entity=tx.entity, kind=kind, value=value, customer_id=customer_id, defaults={"created_by": actor}
        )
        if not created:
            PayerAlias.objects.filter(pk=alias.pk).update(count=F("count") + 1)
    habit, _ = PaymentHabit.objects.get_or_create(customer_id=customer_id)
    field_name = "referenced" if referenced else "unreferenced"
    PaymentHabit.objects.filter(pk=habit.pk).update(**{field_name: F(field_name) + 1})


def reject(tx: BankTransaction, *, actor: str = "system") -> None:
    """A person says the transaction is not a customer payment (it stays unapplied, as unrelated)."""
    with transaction.atomic():
        current = _current(tx)
        if current is not None and current.status == DecisionStatus.APPLIED:
            raise CashAppError([f"transaction {tx_ref(tx)} is applied: unapply it first"])
        if current is not None:
            MatchDecision.objects.filter(pk=current.pk).update(is_current=False)
        decision = MatchDecision.objects.create(
            entity=tx.entity, transaction=tx, status=DecisionStatus.UNMATCHED, confidence=1.0,
            explanation=f"not a customer payment, said {actor}", decided_by=actor, confirmed=True,
            candidates=current.candidates if current else [], proposals=current.proposals if current else [],
        )  # fmt: skip
        DecisionRow.objects.create(decision=decision, position=1, kind="unrelated", amount_minor=tx.amount_minor,
                                   currency=tx.currency, confidence=1.0, explanation=decision.explanation)  # fmt: skip
        BankTransaction.objects.filter(pk=tx.pk).update(match_status=MatchStatus.IGNORED)
        audit.record("transaction.rejected", actor=actor, entity=tx.entity, object_type="bank_transaction",
                     object_id=tx.pk, data={"tx_ref": tx_ref(tx)})  # fmt: skip


def read_confirmations(path: Path, data: bytes | None = None) -> list[Confirmation]:
    """``tx_ref,invoice_number,amount`` rows, grouped per transaction (amount empty: the whole open amount)."""
    raw = path.read_bytes() if data is None else data
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CashAppError([f"{path}: not UTF-8 text (byte {exc.start})"]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    if not {"tx_ref", "invoice_number"} <= set(header):
        raise CashAppError([f"{path}: line 1: the header must be tx_ref,invoice_number,amount"])
    reader.fieldnames = header
    problems: list[str] = []
    grouped: dict[str, list[tuple[str, Decimal | None]]] = defaultdict(list)
    first_line: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        ref, number, amount = (
            (row.get("tx_ref") or "").strip(),
            (row.get("invoice_number") or "").strip(),
            (row.get("amount") or "").strip(),
        )
        if not ref or not number:
            problems.append(f"{path}:{line}: tx_ref and invoice_number are required")
            continue
        try:
            value = Decimal(amount) if amount else None
        except ArithmeticError:
            problems.append(f"{path}:{line}: amount {amount!r} is not a number")
            continue
        grouped[ref].append((number, value))
        first_line.setdefault(ref, line)
    if problems:
        raise CashAppError(problems)
    return [Confirmation(ref, tuple(lines), f"{path}:{first_line[ref]}") for ref, lines in grouped.items()]


# --- export -------------------------------------------------------------------------------

EXPORT_HEADER = ("tx_ref", "invoice_number", "amount", "status", "kind", "confidence")


def export_rows(entity_ids: Sequence[int]) -> Iterable[tuple[str, ...]]:
    """One row per decision row (one for an unmatched transaction), in booking order."""
    decisions = (
        MatchDecision.objects.filter(entity_id__in=entity_ids, is_current=True)
        .select_related("transaction")
        .prefetch_related("rows")
        .order_by("transaction__booking_date", "transaction__statement_id", "transaction__position")
    )
    for d in decisions.iterator(chunk_size=2000):
        ref = tx_ref(d.transaction)
        rows = list(d.rows.all())
        if not rows:
            yield (ref, "", "", d.status, "", f"{d.confidence:.4f}")
        for r in rows:
            amount = str(Money.from_minor(r.amount_minor, r.currency).amount)
            yield (ref, r.invoice_number, amount, d.status, r.kind, f"{r.confidence:.4f}")


def write_export(entity_ids: Sequence[int], out: io.TextIOBase | Any) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_HEADER)
    n = 0
    for row in export_rows(entity_ids):
        writer.writerow(row)
        n += 1
    return n


# --- training -------------------------------------------------------------------------------


def train(
    entity: Entity, *, user_id: int | None = None, algorithm: str = "gradient_boosting"
) -> ScoringModel:
    """Fit a scoring model on the candidates of confirmed decisions; the new version becomes active."""
    examples: list[learning.TrainingExample] = []
    for d in MatchDecision.objects.filter(entity=entity, confirmed=True).prefetch_related("rows"):
        candidates = [
            CandidateFeatures(tuple(c["features"]), tuple((k, n or "", Decimal(a)) for k, n, a in c["rows"]))
            for c in d.candidates
        ]
        if not candidates:
            continue
        confirmed = [
            (r.kind, r.invoice_number, Money.from_minor(r.amount_minor, r.currency).amount)
            for r in d.rows.all()
        ]
        examples += learning.examples_from(candidates, confirmed)
    if len(examples) < 20 or len({e.label for e in examples}) < 2:
        raise CashAppError([f"not enough confirmed decisions to train on ({len(examples)} candidate examples); "
                            "review more suggestions first"])  # fmt: skip
    blob = learning.train(examples, algorithm=algorithm)
    with transaction.atomic():
        version = (
            ScoringModel.objects.filter(entity=entity)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
            or 0
        ) + 1
        ScoringModel.objects.filter(entity=entity).update(active=False)
        model = ScoringModel.objects.create(entity=entity, version=version, blob=blob.data, header=blob.header,
                                            examples=len(examples), created_by_id=user_id)  # fmt: skip
        audit.record("scoring_model.trained", entity=entity, object_type="scoring_model", object_id=model.pk,
                     data={"version": version, "examples": len(examples)})  # fmt: skip
    return model
