"""Posting to the ledger: journal entries and allocations, in bulk.

:func:`post_entries` writes balanced :class:`~encaisse.core.ledger.JournalEntry`
records. :func:`post_allocations` settles open items: it checks every request
against the item's open amount and currency, updates the cached open amounts
with a guarded ``UPDATE … WHERE open_minor >= amount`` (so that two
concurrent runs can never take the same open amount twice), inserts the
allocation rows, and posts one summary journal entry per effective date.
Both run inside the caller's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from encaisse import webhooks
from encaisse.core.ledger import Account, settle_fx
from encaisse.core.ledger import JournalEntry as CoreEntry
from encaisse.core.ledger import JournalLine as CoreLine
from encaisse.core.money import Money
from encaisse.ledger.models import (
    Allocation,
    AllocationKind,
    DocumentKind,
    Entity,
    Invoice,
    JournalEntry,
    JournalLine,
)


class AllocationRefused(ValueError):
    """Allocations that would break a ledger rule; nothing was posted."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def post_entries(entries: Iterable[tuple[Entity, CoreEntry, str, int | None]]) -> list[JournalEntry]:
    """Write journal entries (already balanced by construction) with their lines."""
    items = list(entries)
    if not items:
        return []
    now = timezone.now()
    rows = JournalEntry.objects.bulk_create(
        [
            JournalEntry(entity=ent, date=e.date, description=e.description[:300], source_type=src, source_id=sid, recorded_at=now)
            for ent, e, src, sid in items
        ]
    )  # fmt: skip
    if rows and rows[0].pk is None:  # backends without RETURNING ids
        last = list(JournalEntry.objects.order_by("-id").values_list("id", flat=True)[: len(rows)])[::-1]
        for row, pk in zip(rows, last, strict=True):
            row.pk = row.id = pk
    # the lines as plain rows (a settlement journal has a line per customer and day: many)
    lines = []
    for row, (ent, entry, _src, _sid) in zip(rows, items, strict=True):
        for ln in entry.lines:
            lines.append(
                (
                    row.pk, ent.pk, str(ln.account), Money(ln.debit, entry.currency).minor_units(),
                    Money(ln.credit, entry.currency).minor_units(), entry.currency,
                    ln.amount_currency.minor_units() if ln.amount_currency else None,
                    ln.amount_currency.currency if ln.amount_currency else "", ln.customer_id, entry.date,
                )
            )  # fmt: skip
    from encaisse.ledger.importing import bulk_insert  # importing depends on this module

    bulk_insert(JournalLine._meta.db_table, _JOURNAL_LINE_COLUMNS, lines)
    return rows


_JOURNAL_LINE_COLUMNS = (
    "entry_id", "entity_id", "account", "debit_minor", "credit_minor", "currency", "amount_currency_minor",
    "transaction_currency", "customer_id", "date",
)  # fmt: skip
_ALLOCATION_KINDS = frozenset(AllocationKind.values)


@dataclass(frozen=True, slots=True)
class AllocationRequest:
    """One allocation to post. ``amount_minor`` is in ``currency``, the item's currency.

    For receipts in another currency, ``payment_amount_minor``/``payment_currency``
    give what was paid and ``payment_rate`` its value in the functional currency.
    A negative amount reverses (only through :func:`reverse_allocations`).
    """

    kind: str
    amount_minor: int
    currency: str
    effective_date: date
    invoice_id: int | None = None
    receipt_id: int | None = None
    credit_note_id: int | None = None
    payment_amount_minor: int | None = None
    payment_currency: str = ""
    payment_rate: Decimal | None = None
    note: str = ""
    account: str | None = None
    reverses_id: int | None = None


_GL_ACCOUNT = {
    AllocationKind.DEDUCTION: Account.DEDUCTIONS,
    AllocationKind.WRITE_OFF: Account.BAD_DEBT,
    AllocationKind.OPENING: Account.OPENING_BALANCE,
}


def post_allocations(
    entity: Entity, requests: Sequence[AllocationRequest], *, user_id: int | None = None, journal: bool = True
) -> int:
    """Post allocations atomically; raises :class:`AllocationRefused` listing every problem."""
    if not requests:
        return 0
    functional = entity.functional_currency
    with transaction.atomic():
        ids = {r.invoice_id for r in requests if r.invoice_id is not None}
        items = {
            row["id"]: row
            for i in range(0, len(ids), 20000)
            for row in Invoice.objects.filter(pk__in=list(ids)[i : i + 20000]).values(
                "id", "entity_id", "currency", "open_minor", "total_minor", "kind", "total_functional_minor",
                "rate_to_functional", "issue_date", "customer_id",
            )
        }  # fmt: skip
        foreign = [i for i, row in items.items() if row["currency"] != functional]
        taken_f: dict[int, int] = defaultdict(int)
        if foreign:
            for row in (
                Allocation.objects.filter(invoice_id__in=foreign)
                .values("invoice_id")
                .annotate(s=Sum("functional_minor"))
            ):
                taken_f[row["invoice_id"]] = row["s"] or 0
        problems: list[str] = []
        remaining = {i: row["open_minor"] for i, row in items.items()}
        carrying = {i: items[i]["total_functional_minor"] - taken_f[i] for i in foreign}
        allocations: list[tuple[object, ...]] = []
        gl: dict[date, dict[tuple[str, int | None], int]] = defaultdict(lambda: defaultdict(int))
        for n, req in enumerate(requests, start=1):
            where = f"allocation {n}"
            if req.kind not in _ALLOCATION_KINDS:
                problems.append(f"{where}: unknown kind {req.kind!r}")
                continue
            functional_minor = 0
            fx = 0
            if req.invoice_id is not None:
                item = items.get(req.invoice_id)
                if item is None or item["entity_id"] != entity.pk:
                    problems.append(f"{where}: no open item {req.invoice_id} in entity {entity.code}")
                    continue
                if item["currency"] != req.currency:
                    problems.append(f"{where}: item is in {item['currency']}, allocation in {req.currency}")
                    continue
                left = remaining[req.invoice_id]
                if req.amount_minor > 0 and req.amount_minor > left:
                    problems.append(
                        f"{where}: {Money.from_minor(req.amount_minor, req.currency)} exceeds the open amount "
                        f"{Money.from_minor(left, req.currency)}"
                    )
                    continue
                if req.amount_minor < 0 and left - req.amount_minor > item["total_minor"]:
                    problems.append(f"{where}: reversal beyond the item's total")
                    continue
                if req.effective_date < item["issue_date"] and req.amount_minor > 0:
                    problems.append(f"{where}: effective {req.effective_date} before the item was issued")
                    continue
                remaining[req.invoice_id] = left - req.amount_minor
                if item["currency"] == functional:
                    functional_minor = req.amount_minor
                else:
                    c = carrying[req.invoice_id]
                    rate = req.payment_rate or item["rate_to_functional"]
                    if req.amount_minor > 0:
                        s = settle_fx(
                            open_before=Money.from_minor(left, req.currency),
                            carrying_before=Money.from_minor(c, functional),
                            settled=Money.from_minor(req.amount_minor, req.currency),
                            rate_at_payment=rate,
                            functional=functional,
                        )
                        functional_minor = s.receivable_credit.minor_units()
                        fx = s.fx_gain.minor_units() if req.kind == AllocationKind.INVOICE else 0
                    else:
                        functional_minor = (
                            -Money(Decimal(-req.amount_minor) * item["rate_to_functional"], functional)
                            .round()
                            .minor_units()
                        )
                    carrying[req.invoice_id] = c - functional_minor
                sign = -1 if item["kind"] == DocumentKind.CREDIT_NOTE else 1
                cust = item["customer_id"]
                day = gl[req.effective_date]
                if req.kind == AllocationKind.INVOICE:
                    day[(Account.BANK, None)] += sign * (functional_minor + fx)
                    day[(Account.RECEIVABLES, cust)] -= sign * functional_minor
                    day[(Account.FX_GAIN, None)] -= fx
                elif req.kind in _GL_ACCOUNT:
                    day[(req.account or _GL_ACCOUNT[AllocationKind(req.kind)], None)] += (
                        sign * functional_minor
                    )
                    day[(Account.RECEIVABLES, cust)] -= sign * functional_minor
                # credit-note applications move nothing in the general ledger
            elif req.kind == AllocationKind.ON_ACCOUNT:
                amount_f = req.amount_minor if req.currency == functional else Money(
                    Money.from_minor(req.amount_minor, req.currency).amount * (req.payment_rate or Decimal(0)), functional
                ).round().minor_units()  # fmt: skip
                if req.currency != functional and not req.payment_rate:
                    problems.append(f"{where}: on-account credit in {req.currency} needs the payment rate")
                    continue
                functional_minor = amount_f
                day = gl[req.effective_date]
                day[(Account.BANK, None)] += amount_f
                day[(Account.UNAPPLIED_CASH, None)] -= amount_f
            elif req.kind != AllocationKind.UNRELATED:
                problems.append(f"{where}: a {req.kind} allocation needs an open item")
                continue
            allocations.append(
                (
                    entity.pk, req.invoice_id, req.receipt_id, req.credit_note_id, str(req.kind), req.amount_minor,
                    req.currency, req.payment_amount_minor, req.payment_currency,
                    items[req.invoice_id]["rate_to_functional"] if req.invoice_id in items else None,
                    req.payment_rate, functional_minor, fx, req.effective_date, req.reverses_id, req.note[:300],
                    user_id,
                )
            )  # fmt: skip
        if problems:
            raise AllocationRefused(problems)
        _apply_open_amounts(requests)
        written_off = {
            r.invoice_id for r in requests if r.kind == AllocationKind.WRITE_OFF and r.amount_minor > 0
        }
        if written_off:
            Invoice.objects.filter(pk__in=written_off).update(written_off=True)
        _insert_allocations(allocations)
        webhooks.allocations_posted(entity, requests, items, remaining)  # one query when nobody listens
        from encaisse.ledger.importing import refresh_statistics  # importing depends on this module

        refresh_statistics(Invoice._meta.db_table, len(items))
        refresh_statistics(Allocation._meta.db_table, len(allocations))
        if journal:
            _post_gl(entity, gl)
    return len(allocations)


_ALLOCATION_COLUMNS = (
    "entity_id", "invoice_id", "receipt_id", "credit_note_id", "kind", "amount_minor", "currency",
    "payment_amount_minor", "payment_currency", "invoice_rate", "payment_rate", "functional_minor", "fx_minor",
    "effective_date", "reverses_id", "note", "created_by_id", "recorded_at",
)  # fmt: skip


def _insert_allocations(rows: list[tuple[object, ...]]) -> None:
    """Insert allocation rows as ``Allocation.objects.bulk_create`` would, without building models.

    COPY on PostgreSQL, executemany batches elsewhere; ``recorded_at`` is the
    moment of posting, as ``auto_now_add`` sets it.
    """
    from encaisse.ledger.importing import bulk_insert  # importing depends on this module

    now = connection.ops.adapt_datetimefield_value(timezone.now())  # stored exactly as the ORM stores it
    bulk_insert(Allocation._meta.db_table, _ALLOCATION_COLUMNS, ((*row, now) for row in rows))


def _apply_open_amounts(requests: Sequence[AllocationRequest]) -> None:
    """Move the cached open amounts, refusing any that a concurrent run already took."""
    per_item: dict[int, int] = defaultdict(int)
    for r in requests:
        if r.invoice_id is not None:
            per_item[r.invoice_id] += r.amount_minor
    params = [(amount, item, amount) for item, amount in per_item.items()]
    with connection.cursor() as cursor:
        changed = 0
        for i in range(0, len(params), 5000):
            chunk = params[i : i + 5000]
            if connection.vendor == "postgresql":
                # one statement per chunk instead of one per item: the same guarded update, set-based
                # (only placeholders are formatted into the text; the values are parameters)
                cursor.execute(
                    "UPDATE ledger_invoice AS i SET open_minor = i.open_minor - v.amount FROM (VALUES "  # noqa: S608
                    + ", ".join(["(%s::bigint, %s::bigint)"] * len(chunk))
                    + ") AS v(id, amount) WHERE i.id = v.id AND i.open_minor >= v.amount",
                    [x for amount, item, _ in chunk for x in (item, amount)],
                )
            else:
                cursor.executemany(
                    "UPDATE ledger_invoice SET open_minor = open_minor - %s WHERE id = %s AND open_minor >= %s",
                    chunk,
                )
            changed += cursor.rowcount if cursor.rowcount >= 0 else len(chunk)
    if changed != len(params):
        raise AllocationRefused(
            [
                f"{len(params) - changed} open item(s) changed meanwhile (another run allocated them); nothing posted"
            ]
        )


def _post_gl(entity: Entity, gl: dict[date, dict[tuple[str, int | None], int]]) -> None:
    cur = entity.functional_currency
    entries = []
    for day, sums in sorted(gl.items()):
        lines = []
        for (account, customer_id), minor in sorted(sums.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
            if minor == 0:
                continue
            amount = Money.from_minor(abs(minor), cur).amount
            lines.append(
                CoreLine(account, debit=amount, customer_id=customer_id)
                if minor > 0
                else CoreLine(account, credit=amount, customer_id=customer_id)
            )
        if len(lines) >= 2:
            entries.append(
                (
                    entity,
                    CoreEntry(day, cur, tuple(lines), f"Settlements of {day.isoformat()}"),
                    "allocation",
                    None,
                )
            )
    post_entries(entries)


def reverse_allocations(
    entity: Entity, allocation_ids: Sequence[int], *, on: date, user_id: int | None = None
) -> int:
    """Post the reversal of each allocation (never edits or deletes one)."""
    originals = list(Allocation.objects.filter(pk__in=allocation_ids, entity=entity, reverses__isnull=True))
    already = set(
        Allocation.objects.filter(reverses_id__in=allocation_ids).values_list("reverses_id", flat=True)
    )
    problems = [f"allocation {a.pk} is already reversed" for a in originals if a.pk in already]
    missing = set(allocation_ids) - {a.pk for a in originals}
    problems += [f"allocation {m} not found (or is itself a reversal)" for m in sorted(missing)]
    if problems:
        raise AllocationRefused(problems)
    requests = [
        AllocationRequest(
            kind=a.kind, amount_minor=-a.amount_minor, currency=a.currency, effective_date=on, invoice_id=a.invoice_id,
            receipt_id=a.receipt_id, credit_note_id=a.credit_note_id,
            payment_amount_minor=-a.payment_amount_minor if a.payment_amount_minor else None,
            payment_currency=a.payment_currency, payment_rate=a.payment_rate, note=f"reversal of allocation {a.pk}",
            reverses_id=a.pk,
        )
        for a in originals
    ]  # fmt: skip
    return _post_reversals(entity, requests, user_id)


def _post_reversals(entity: Entity, requests: list[AllocationRequest], user_id: int | None) -> int:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE ledger_invoice SET open_minor = open_minor - %s WHERE id = %s",
                [(r.amount_minor, r.invoice_id) for r in requests if r.invoice_id is not None],
            )
        originals = {a.pk: a for a in Allocation.objects.filter(pk__in=[r.reverses_id for r in requests])}
        gl: dict[date, dict[tuple[str, int | None], int]] = defaultdict(lambda: defaultdict(int))
        rows = []
        for r in requests:
            o = originals[r.reverses_id]
            rows.append(
                Allocation(
                    entity=entity, invoice_id=r.invoice_id, receipt_id=r.receipt_id, credit_note_id=r.credit_note_id,
                    kind=r.kind, amount_minor=r.amount_minor, currency=r.currency,
                    payment_amount_minor=r.payment_amount_minor, payment_currency=r.payment_currency,
                    invoice_rate=o.invoice_rate, payment_rate=r.payment_rate, functional_minor=-o.functional_minor,
                    fx_minor=-o.fx_minor, effective_date=r.effective_date, reverses_id=o.pk, note=r.note,
                    created_by_id=user_id,
                )
            )  # fmt: skip
        Allocation.objects.bulk_create(rows)
        # the reversing journal: every line of the original settlement, other side
        for o in originals.values():
            sign = 1
            if o.invoice_id is not None:
                kind = Invoice.objects.filter(pk=o.invoice_id).values_list("kind", "customer_id").first()
                assert kind is not None
                sign = -1 if kind[0] == DocumentKind.CREDIT_NOTE else 1
                cust = kind[1]
            day = gl[rows[0].effective_date]
            if o.kind == AllocationKind.INVOICE:
                day[(Account.BANK, None)] -= sign * (o.functional_minor + o.fx_minor)
                day[(Account.RECEIVABLES, cust)] += sign * o.functional_minor
                day[(Account.FX_GAIN, None)] += o.fx_minor
            elif o.kind in _GL_ACCOUNT:
                day[(_GL_ACCOUNT[AllocationKind(o.kind)], None)] -= sign * o.functional_minor
                day[(Account.RECEIVABLES, cust)] += sign * o.functional_minor
            elif o.kind == AllocationKind.ON_ACCOUNT:
                day[(Account.BANK, None)] -= o.functional_minor
                day[(Account.UNAPPLIED_CASH, None)] += o.functional_minor
        _post_gl(entity, gl)
    return len(rows)
