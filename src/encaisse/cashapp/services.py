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
import gc
import io
import json
import multiprocessing
import pickle
import queue
import threading
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any, Final, NamedTuple

from django.db import connection, connections, transaction
from django.db.models import DateField, F, Q, TextField
from django.db.models.functions import Cast, Coalesce, TruncDate
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
from encaisse.core.matching import learning, parallel
from encaisse.core.matching.engine import Engine
from encaisse.core.matching.index import Book, to_minor
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
    default_charge_tolerance,
)
from encaisse.core.money import Money, minor_unit
from encaisse.ledger import audit
from encaisse.ledger.importing import bulk_insert
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

    def __reduce__(self) -> tuple[type[CashAppError], tuple[list[str]]]:
        return (type(self), (self.problems,))  # as a process that records batches sends it back


# --- loading what the engine needs -------------------------------------------------------

_CHUNK = 20000  # rows per fetch when streaming from the database
_IN_CHUNK = 5000  # ids per ``IN (…)`` list


def match_settings(entity: Entity) -> MatchSettings:
    row = MatchSettingsRow.objects.filter(entity=entity).first()
    cur = entity.functional_currency
    if row is None:  # the defaults, the tolerance in the entity's currency (25 EUR, 250 SEK)
        row = MatchSettingsRow(
            entity=entity, charge_tolerance_minor=to_minor(default_charge_tolerance(cur), cur)
        )
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


class Timings:
    """Wall and CPU seconds per step of a run, summed over its batches (CPU: of the thread doing the step)."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = self.start()
        try:
            yield
        finally:
            self.stop(name, started)

    def start(self) -> tuple[float, float]:
        return time.perf_counter(), time.thread_time()

    def stop(self, name: str, started: tuple[float, float]) -> None:
        """Add the time since :meth:`start` to step ``name``."""
        self.wall[name] += time.perf_counter() - started[0]
        self.cpu[name] += time.thread_time() - started[1]

    def move(self, name: str, *, out_of: str, into: str) -> None:
        """Count the time of ``name``, measured inside step ``out_of``, in step ``into``."""
        for sums in (self.wall, self.cpu):
            spent = sums.pop(name, 0.0)
            sums[out_of] -= spent
            sums[into] += spent

    def as_dict(self) -> dict[str, dict[str, float]]:
        return {k: {"wall_s": round(v, 3), "cpu_s": round(self.cpu[k], 3)} for k, v in self.wall.items()}


def _amount(minor: int, currency: str, scale: dict[str, int]) -> Decimal:
    """``Money.from_minor(minor, currency).amount`` without building the Money (millions of calls)."""
    exp = scale.get(currency)
    if exp is None:
        exp = scale[currency] = -minor_unit(currency)
    return Decimal(minor).scaleb(exp)


class _Days(dict[str, date]):
    """ISO dates read as text, each distinct one parsed once (a book of a million items has a few hundred)."""

    def __missing__(self, text: str) -> date:
        day = self[text] = date.fromisoformat(text)
        return day


def _as_text(column: str) -> Cast:
    """A date or decimal column read as its text: the backends' per-row conversions are skipped (see _Days)."""
    return Cast(column, output_field=TextField())


def _open_items(entity: Entity, since: date, timings: Timings | None = None) -> Iterator[OpenItem]:
    """Open items, and items settled since ``since``: plain rows streamed by chunks, no model instances.

    A million rows: the dates and the discount come as text, so that no
    column needs a conversion per row (SQLite parses dates, Django quantizes
    decimals); each distinct value is converted once instead.
    """
    rows = (
        Invoice.objects.filter(entity=entity)
        .filter(~Q(open_minor=0) | Q(due_date__gte=since))
        .values_list(
            "id", "number", "customer_id", "currency", "total_minor", "open_minor", _as_text("issue_date"),
            _as_text("due_date"), "structured_reference", _as_text("discount_percent"), "discount_days", "kind",
            "order_reference",
        )
        .order_by("id")  # the book the same on every database, whatever order its rows lie in
        .iterator(chunk_size=_CHUNK)
    )  # fmt: skip
    scale: dict[str, int] = {}
    days = _Days()
    places = Decimal(1).scaleb(-Invoice._meta.get_field("discount_percent").decimal_places)
    percents: dict[str | None, Decimal | None] = {None: None}
    customers: dict[int, str] = {}
    currencies: dict[str, str] = {}  # one string object per currency, kept by the book for each item
    credit_note, invoice, credit_note_kind = ItemKind.CREDIT_NOTE, ItemKind.INVOICE, DocumentKind.CREDIT_NOTE
    while True:
        with timings.step("load open items") if timings else nullcontext():
            chunk = []
            for pk, number, cust, cur, total, open_, issued, due, ref, pct, ddays, kind, order in islice(rows, _CHUNK):  # fmt: skip
                percent = percents.get(pct, places)
                if percent is places:
                    percent = percents[pct] = Decimal(pct).quantize(places)
                customer = customers.get(cust)
                if customer is None:
                    customer = customers[cust] = str(cust)
                cur = currencies.setdefault(cur, cur)
                exp = scale.get(cur)
                if exp is None:
                    exp = scale[cur] = -minor_unit(cur)
                sign = -1 if kind == credit_note_kind else 1
                # Money.from_minor(…).amount, without the Money
                total_amount = Decimal(sign * total).scaleb(exp)
                chunk.append(OpenItem(
                    id=str(pk), number=number, customer_id=customer, currency=cur, total=total_amount,
                    open_amount=total_amount if open_ == total else Decimal(sign * open_).scaleb(exp),
                    issue_date=days[issued], due_date=days[due], structured_reference=ref or None,
                    discount_percent=percent, discount_days=ddays, kind=credit_note if sign < 0 else invoice,
                    order_reference=order or None,
                ))  # fmt: skip
        if not chunk:
            return
        yield from chunk


def _parties(entity: Entity) -> list[Party]:
    names: dict[int, list[str]] = defaultdict(list)
    for cust, value in (
        PayerAlias.objects.filter(entity=entity, kind="name")
        .order_by("id")
        .values_list("customer_id", "value")
    ):
        names[cust].append(value)
    # in the order they were created: the rows' order on disk differs from one database to another (an
    # update moves a row on PostgreSQL), and the engine breaks some ties by the order of the book
    rows = (
        Customer.objects.filter(entity=entity)
        .order_by("id")
        .values_list("id", "name", "ibans", "parent_id", "external_id", "aliases")
    )
    parties = []
    for pk, name, ibans, parent, number, imported in rows.iterator(chunk_size=_CHUNK):
        paid_by = (str(parent),) if parent else ()
        learned = names.get(pk, ())
        parties.append(
            Party(
                id=str(pk),
                name=name,
                # the names on file (trade names, former names), then those people confirmed
                aliases=tuple(dict.fromkeys((*imported, *learned))) if imported else tuple(learned),
                ibans=tuple(ibans or ()),
                paid_by=paid_by,
                numbers=(number,) if number else (),
            )
        )
    return parties


def alias_store(entity: Entity) -> learning.MemoryAliasStore:
    store = learning.MemoryAliasStore()
    aliases = PayerAlias.objects.filter(entity=entity).order_by("id")  # as in _parties
    for value, cust, count in aliases.filter(kind="iban").values_list("value", "customer_id", "count"):
        store.record_account(value, str(cust), count)
    for value, cust in aliases.filter(kind="name").values_list("value", "customer_id"):
        store.record_name(value, str(cust))
    for cust, referenced, unreferenced, by_order in (
        PaymentHabit.objects.filter(customer__entity=entity)
        .order_by("id")
        .values_list("customer_id", "referenced", "unreferenced", "by_order_reference")
    ):
        store.record_payments(
            str(cust), total=referenced + unreferenced, unreferenced=unreferenced, by_order=by_order
        )
    return store


def active_model(entity: Entity) -> ScoringModel | None:
    return ScoringModel.objects.filter(entity=entity, active=True).order_by("-version").first()


class PendingTx(NamedTuple):
    """What recording a decision needs of its bank transaction: a plain row, not a model."""

    pk: int
    amount_minor: int
    currency: str
    value_date: date | None
    booking_date: date | None
    bank_reference: str
    remittance: str


_TX_COLUMNS = (
    "id", "statement_id", "amount_minor", "currency", _as_text("booking_date"), _as_text("value_date"),
    "counterparty_name", "counterparty_account", "ultimate_debtor", "remittance", _as_text("creditor_references"),
    "end_to_end_id", "btc_domain", "btc_family", "btc_sub_family", "btc_proprietary", "additional_info",
    "entry_index", "tx_index", "bank_reference", "is_reversal", "return_reason",
)  # fmt: skip


# the day a statement closes; a notification (camt.054) has no closing balance: the day its bank made it, else the
# transaction's own booking day (not before every statement of the month, as a missing date would sort)
_STATEMENT_DAY: Final = Coalesce(
    "statement__closing_date",
    "statement__to_date",
    TruncDate("statement__created_by_bank"),
    "booking_date",
    output_field=DateField(),
)


def _pending_credits(entity: Entity) -> tuple[list[CreditTransaction], dict[str, PendingTx]]:
    """The entity's unprocessed credits for the engine, and their rows by id (plain rows, streamed)."""
    rows = (
        BankTransaction.objects.filter(entity=entity, match_status=MatchStatus.NEW, amount_minor__gt=0)
        .order_by(_STATEMENT_DAY.asc(), "statement_id", "position")
        .values_list(*_TX_COLUMNS)
    )
    order: dict[int, int] = {}
    scale: dict[str, int] = {}
    days = _Days()
    credits: list[CreditTransaction] = []
    by_id: dict[str, PendingTx] = {}
    for (pk, statement, minor, cur, booked_text, valued_text, name, account, ultimate, remittance, refs_text, e2e,
         domain, family, sub_family, proprietary, info, entry, index, bank_ref, reversal,
         return_reason) in rows.iterator(chunk_size=_CHUNK):  # fmt: skip
        booked = days[booked_text] if booked_text else None
        valued = days[valued_text] if valued_text else None
        refs = json.loads(refs_text) if refs_text and refs_text != "[]" else ()
        day = booked or valued
        if day is None:
            raise CashAppError(
                [f"transaction {bank_ref or f'TX{pk}'} has neither a booking nor a value date"]
            )
        code = None
        if domain or family or proprietary:
            code = TransactionCode(domain or None, family or None, sub_family or None, proprietary or None)
        credits.append(CreditTransaction(
            id=str(pk), amount=_amount(minor, cur, scale), currency=cur, booking_date=day,
            value_date=valued, counterparty_name=name or None, counterparty_account=account or None,
            ultimate_debtor=ultimate or None, remittance_lines=tuple(remittance.split("\n")) if remittance else (),
            creditor_references=tuple(StructuredReference(r["value"], r.get("kind") or "OTHER") for r in refs),
            end_to_end_id=e2e or None, bank_transaction_code=code, additional_info=info or None,
            position=(order.setdefault(statement, len(order)), entry, index),
            return_reason=(return_reason or "") if reversal else None,
        ))  # fmt: skip
        by_id[str(pk)] = PendingTx(pk, minor, cur, valued, booked, bank_ref, remittance)
    return credits, by_id


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the transactions and the book are loaded and indexed.

    That makes millions of long-lived objects and no garbage cycles; a
    collection of the oldest generation would go through all of them, and
    one runs each time they grow by a quarter. With the book frozen
    (``gc.freeze()``) once built, and what the engine keeps frozen after each
    batch, the collections of the run only go through what is new; the run
    unfreezes it all when it ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _booking_order(tx: CreditTransaction) -> tuple[Any, ...]:
    """The order :meth:`Engine.run` takes transactions in (statement, entry, transaction)."""
    return (tx.position, tx.booking_date, tx.id)


def tx_ref(tx: BankTransaction | PendingTx) -> str:
    """The transaction's reference in exports: the bank's own, else ours."""
    return tx.bank_reference or f"TX{tx.pk}"


# --- matching -----------------------------------------------------------------------------

BATCH_SIZE = 5000  # transactions recorded and posted per database transaction (docs/performance.md)


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
    timings: Timings = field(default_factory=Timings)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "applied": self.applied, "suggested": self.suggested, "unmatched": self.unmatched,
            "skipped_debits": self.skipped_debits, "taken_by_another_run": self.taken_by_another_run,
            "amounts": {k: str(v) for k, v in self.amounts.items()}, "dry_run": self.dry_run,
            "warnings": self.warnings,
        }  # fmt: skip


def match(
    entity: Entity,
    *,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    actor: str = "engine",
    today: date | None = None,
    overlap: bool = True,
    workers: int = 1,
) -> MatchSummary:
    """Match every unprocessed credit transaction of the entity (see the module).

    Set-based from end to end: the transactions, open items and parties are
    read as plain rows; the engine decides ``batch_size`` transactions at a
    time, in booking order, and each batch is recorded and posted in one
    database transaction with bulk inserts and a few set-based updates
    (:func:`_record_batch`). With ``overlap`` (and outside a caller's
    transaction) a batch is recorded in a second thread while the engine
    decides the next one (:class:`_Writer`). With ``workers`` above one,
    forked processes analyse part of each batch beside this one
    (:mod:`encaisse.core.matching.parallel`: the decisions are exactly those
    of one process). ``summary.timings`` holds the time of each step.
    """
    summary = MatchSummary(dry_run=dry_run)
    overlapped = overlap and not dry_run and not connection.in_atomic_block
    if not (overlapped and _WritingProcess.possible()):
        return _match(entity, summary, None, overlapped, batch_size, progress, actor, today, workers)
    # forked before anything is loaded, so that it shares few pages with this process, and before the matching
    # workers, so that they hold none of its pipe (docs/performance.md)
    writer = _WritingProcess(entity, actor, summary, progress)
    try:
        return _match(entity, summary, writer, overlapped, batch_size, progress, actor, today, workers)
    finally:
        writer.close()


def _match(
    entity: Entity,
    summary: MatchSummary,
    writing: _WritingProcess | None,
    overlapped: bool,
    batch_size: int,
    progress: Progress | None,
    actor: str,
    today: date | None,
    workers: int,
) -> MatchSummary:
    """:func:`match`, the batches written by ``writing`` when given, else as ``overlapped`` says."""
    dry_run = summary.dry_run
    timings = summary.timings
    today = today or timezone.localdate()
    with _collector_paused():  # what is loaded and built here lives as long as the run
        with timings.step("load transactions"):
            if not dry_run:
                summary.skipped_debits = BankTransaction.objects.filter(
                    entity=entity, match_status=MatchStatus.NEW, amount_minor__lte=0
                ).update(match_status=MatchStatus.IGNORED)
            credits, by_id = _pending_credits(entity)
        if not credits:
            return summary
        with timings.step("load book"):
            parties = _parties(entity)
            model = active_model(entity)
            aliases = alias_store(entity)
            settings = match_settings(entity)
        with timings.step("build index"):
            book = Book.build(
                _open_items(entity, today - timedelta(days=RECENTLY_SETTLED_DAYS), timings), parties
            )
    timings.move("load open items", out_of="build index", into="load book")
    scorer = None
    if model is not None:
        try:
            scorer = learning.load(bytes(model.blob))
        except learning.ModelError as exc:  # trained by an engine of other features: the rules decide
            summary.warnings.append(
                f"scoring model version {model.version} not used ({exc}); the rules decide: run `encaisse cashapp-train`"
            )
            model = None
    engine = Engine(book, settings, scorer=scorer, aliases=aliases, record_candidates=True)
    run = None
    if not dry_run:
        run = MatchRun.objects.create(
            entity=entity, dry_run=False, model_version=model.version if model else None
        )

    def record(decisions: list[Decision]) -> None:
        if run is None:
            _count(summary, decisions, by_id)
            summary.decisions += decisions
        else:
            with timings.step("record and post"):
                _record_batch(entity, run, decisions, by_id, summary, actor)
        if progress:
            progress(len(decisions))

    credits.sort(key=_booking_order)  # batches in the engine's order: the same decisions as one run of all
    gc.freeze()  # the collector need not go through the book again (see _collector_paused)
    writer: _Writer | _WritingProcess
    if writing is not None:
        assert run is not None
        writer = writing.to(run, by_id)
    else:
        writer = _Writer(record, threaded=overlapped)
    # the workers are forked once, before a writing thread starts, and serve every batch; this
    # process keeps half its share of the payers when a thread of it writes (docs/performance.md)
    shared = workers if parallel.worth_it(len(credits), workers) else 1
    with engine.processes(shared, own=0.5 / shared if writer.threaded else None):
        batches = deque(credits[i : i + batch_size] for i in range(0, len(credits), batch_size))
        del credits  # each batch's transactions are let go once decided
        try:
            while batches:
                with timings.step("engine"):
                    decisions = engine.run(batches.popleft())
                    gc.freeze()  # nor through what the engine keeps of the batches decided so far
                with timings.step("waiting for the writes") if writer.overlapped else nullcontext():
                    writer.put(decisions)
        finally:
            with timings.step("waiting for the writes") if writer.overlapped else nullcontext():
                writer.close()
            gc.unfreeze()
    if run is not None:
        run.finished_at = timezone.now()
        run.counts = summary.as_dict()
        run.save(update_fields=["finished_at", "counts"])
    return summary


class _Writer:
    """Records and posts batches, in a second thread while the engine decides the next batch.

    The engine is pure Python and holds the interpreter, which the thread
    needs too: where the database allows it, :class:`_WritingProcess` writes
    instead. This one serves an SQLite database in memory (the tests'), which
    another process cannot open. A batch stays one database transaction, on
    the thread's own connection: the thread is used only outside a caller's
    transaction, whose uncommitted rows it could not see. It starts with the
    first batch (after the matching workers are forked). The engine runs at
    most one batch ahead; the first error stops the writing and is raised in
    the caller.
    """

    def __init__(self, work: Callable[[list[Decision]], None], *, threaded: bool) -> None:
        self._work = work
        self._error: BaseException | None = None
        self._raised = False
        self._queue: queue.Queue[list[Decision] | None] = queue.Queue(maxsize=1)
        self._thread = (
            threading.Thread(target=self._loop, name="cashapp-writer", daemon=True) if threaded else None
        )

    @property
    def threaded(self) -> bool:
        return self._thread is not None

    overlapped = threaded

    def put(self, decisions: list[Decision]) -> None:
        if self._thread is None:
            self._work(decisions)
            return
        self._raise()
        if self._thread.ident is None:  # not started yet
            self._thread.start()
        self._queue.put(decisions)

    def close(self) -> None:
        """Wait for the batches given so far; raise the writing's error, if any."""
        if self._thread is not None:
            if self._thread.ident is not None:
                self._queue.put(None)
                self._thread.join()
            self._thread = None
        self._raise()

    def _loop(self) -> None:
        try:
            while (decisions := self._queue.get()) is not None:
                if self._error is None:  # after an error, drain what is queued without writing it
                    try:
                        self._work(decisions)
                    except BaseException as exc:  # raised again in the caller's thread
                        self._error = exc
        finally:
            connection.close()  # this thread's own connection

    def _raise(self) -> None:
        if self._error is not None and not self._raised:
            self._raised = True  # once; the error stays set, so nothing queued after it is written
            raise self._error


class _WritingProcess:
    """Records and posts batches in a forked process while this one decides the next batch.

    A thread would share this process's interpreter with the engine, which
    holds it nearly all the time: on two cores a writing thread made the run
    slower than writing after each batch (docs/performance.md). The process is
    forked when the run starts, before the transactions and the book are
    loaded, so that it shares few pages with this one, and opens its own
    database connection. Each batch goes to it with the transactions' rows it
    needs; it records the batch in one database transaction exactly as
    :func:`_record_batch` does in this process, and answers with what it
    counted and timed, which :meth:`put` and :meth:`close` add to the summary.
    The engine runs at most two batches ahead of the writing; the first error
    stops the writing and is raised here, and nothing sent after it is written.
    """

    threaded = False
    overlapped = True
    AHEAD = 2  # batches sent and not yet answered

    @staticmethod
    def possible() -> bool:
        """Whether a forked process can reach this database: a server, or an SQLite file (not one in memory)."""
        if not parallel.can_fork():
            return False
        if connection.vendor == "sqlite":
            return not connection.is_in_memory_db()
        return True

    def __init__(self, entity: Entity, actor: str, summary: MatchSummary, progress: Progress | None) -> None:
        self._summary = summary
        self._progress = progress
        self._run: MatchRun | None = None
        self._by_id: Mapping[str, PendingTx] = {}
        self._sizes: deque[int] = deque()  # of the batches sent and not yet answered
        self._error: BaseException | None = None
        ours, theirs = multiprocessing.Pipe()
        self._pipe = ours
        connections.close_all()  # each process opens its own; the child must not share this one's socket
        self._process: multiprocessing.process.BaseProcess | None = multiprocessing.get_context(
            "fork"
        ).Process(target=_write_batches, args=(theirs, entity, actor), name="cashapp-writer", daemon=True)
        self._process.start()
        theirs.close()

    def to(self, run: MatchRun, by_id: Mapping[str, PendingTx]) -> _WritingProcess:
        """Write the batches of ``run``, whose transactions ``by_id`` holds."""
        self._run, self._by_id = run, by_id
        return self

    def put(self, decisions: list[Decision]) -> None:
        self._raise()
        while len(self._sizes) >= self.AHEAD:
            self._answer()
            self._raise()
        self._pipe.send((self._run, decisions, [self._by_id[d.transaction_id] for d in decisions]))
        self._sizes.append(len(decisions))

    def close(self) -> None:
        """Wait for the batches sent so far; raise the writing's error, if any."""
        try:
            while self._process is not None and self._sizes:
                self._answer()
        finally:
            self._stop()
        self._raise()

    def _answer(self) -> None:
        try:
            kind, payload = self._pipe.recv()
        except (EOFError, OSError):  # ended, or killed, before it answered
            self._sizes.clear()
            self._error = self._error or CashAppError(["the writing process ended without answering"])
            return
        size = self._sizes.popleft()
        if kind == "error":
            self._error = self._error or payload
            return
        if self._error is None:
            _add(self._summary, payload)
            if self._progress:
                self._progress(size)

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            self._sizes.clear()
            self._stop()
            raise error

    def _stop(self) -> None:
        """Tell the process to end (it answers what it was sent first), and wait for it."""
        if self._process is None:
            return
        try:
            with suppress(OSError):  # a process that died has its pipe broken
                self._pipe.send(None)
            self._process.join()
        finally:
            self._pipe.close()
            if self._process.is_alive():
                self._process.terminate()
            self._process = None


def _write_batches(pipe: Any, entity: Entity, actor: str) -> None:
    """The writing process (:class:`_WritingProcess`): records each batch it receives, answers each one."""
    gc.freeze()  # what it shares with its parent stays in its parent's pages
    failed = False
    try:
        while (message := pipe.recv()) is not None:
            run, decisions, pending = message
            if failed:  # after an error, what was sent is answered without being written
                pipe.send(("error", None))
                continue
            counted = MatchSummary()
            try:
                with counted.timings.step("record and post"):
                    by_id = {d.transaction_id: tx for d, tx in zip(decisions, pending, strict=True)}
                    _record_batch(entity, run, decisions, by_id, counted, actor)
            except BaseException as exc:  # raised again in the parent
                failed = True
                pipe.send(("error", _portable(exc)))
                continue
            pipe.send(("ok", counted))
    finally:
        connections.close_all()
        pipe.close()


def _portable(exc: BaseException) -> BaseException:
    """The error as the parent can receive it (some exceptions do not survive pickling)."""
    try:
        same = str(pickle.loads(pickle.dumps(exc))) == str(exc)  # noqa: S301 - our own object, to see it survives
    except Exception:
        same = False
    return exc if same else CashAppError([f"recording a batch failed: {type(exc).__name__}: {exc}"])


def _add(summary: MatchSummary, counted: MatchSummary) -> None:
    """Add what a batch recorded elsewhere counted and timed to the run's summary."""
    summary.applied += counted.applied
    summary.suggested += counted.suggested
    summary.unmatched += counted.unmatched
    summary.taken_by_another_run += counted.taken_by_another_run
    for currency, amount in counted.amounts.items():
        summary.amounts[currency] += amount
    summary.warnings += counted.warnings
    for name, wall in counted.timings.wall.items():
        summary.timings.wall[name] += wall
        summary.timings.cpu[name] += counted.timings.cpu[name]


def _count(summary: MatchSummary, decisions: Sequence[Decision], by_id: Mapping[str, PendingTx]) -> None:
    statuses: Counter[str] = Counter()
    applied: dict[str, int] = defaultdict(int)  # minor units per currency
    for d in decisions:
        statuses[d.status] += 1
        if d.status == Status.APPLIED:
            tx = by_id[d.transaction_id]
            applied[tx.currency] += tx.amount_minor
    for status, n in statuses.items():
        setattr(summary, str(status), getattr(summary, str(status)) + n)
    for currency, minor in applied.items():
        summary.amounts[currency] += Money.from_minor(minor, currency).amount


def ledger_requests(
    tx: BankTransaction | PendingTx,
    rows: Sequence[tuple[str, int | None, int]],
    receipt_id: int | None,
    currencies: Mapping[int, str],
    rates: Mapping[int, Decimal] | None = None,
    on_account_rate: Decimal | None = None,
) -> list[AllocationRequest]:
    """Turn export-convention rows ``(kind, invoice id, amount minor)`` into ledger allocations.

    The invoice row is what the payment settles of an item, deductions
    included; the ledger takes the cash part (the invoice row minus the
    item's deduction rows) as a receipt allocation and each deduction as a
    deduction allocation. A credit note's (negative) row settles the credit
    note. On-account rows become an on-account credit of the receipt, at the rate of the invoice it
    pays in the same currency (``rates``: each invoice's rate to the functional currency), which the
    ledger needs when the payment is in another currency than the entity's; without such an invoice, at
    ``on_account_rate`` (the rate of the customer's latest invoice in that currency).
    ``currencies`` gives each invoice's currency by id.
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
            settled = abs(amount) - deductions.get(inv, 0)
            if settled:
                requests.append(AllocationRequest(kind="invoice", amount_minor=settled, currency=currencies[inv],
                                                  effective_date=day, invoice_id=inv, receipt_id=receipt_id))  # fmt: skip
        elif kind == AllocationKind.DEDUCTION and inv is not None:
            requests.append(AllocationRequest(kind="deduction", amount_minor=-amount, currency=currencies[inv],
                                              effective_date=day, invoice_id=inv, receipt_id=receipt_id,
                                              note="deduction taken by the customer"))  # fmt: skip
        elif kind == AllocationKind.ON_ACCOUNT:
            rate = next((rates[i] for _, i, _ in rows if i is not None and i in rates and currencies.get(i) == tx.currency),
                        None) if rates else None  # fmt: skip
            rate = rate or on_account_rate
            requests.append(AllocationRequest(kind="on_account", amount_minor=amount, currency=tx.currency,
                                              effective_date=day, receipt_id=receipt_id, payment_rate=rate))  # fmt: skip
    return requests


def _needs_rate(d: Decision, currency: str, functional: str) -> bool:
    """Money kept on account in another currency than the entity's, with no invoice of the payment to give the
    rate."""
    return (
        d.status == Status.APPLIED
        and currency != functional
        and any(a.kind == AllocationKind.ON_ACCOUNT for a in d.allocations)
        and not any(a.kind == AllocationKind.INVOICE and a.invoice_id for a in d.allocations)
    )


def _customer_rates(
    entity: Entity, decisions: Sequence[Decision], by_id: Mapping[str, PendingTx]
) -> dict[tuple[int, str], tuple[Decimal, str]]:
    """The rate to the functional currency (and the number) of each customer's latest invoice in the currency of
    its payments that keep money on account without an invoice of their own to give one."""
    functional = entity.functional_currency
    wanted = {
        (int(d.customer_id), by_id[d.transaction_id].currency)
        for d in decisions
        if d.customer_id and _needs_rate(d, by_id[d.transaction_id].currency, functional)
    }
    if not wanted:
        return {}
    found: dict[tuple[int, str], tuple[Decimal, str]] = {}
    rows = (
        Invoice.objects.filter(
            entity=entity,
            customer_id__in=sorted({c for c, _ in wanted}),
            currency__in=sorted({cur for _, cur in wanted}),
        )
        .exclude(rate_to_functional=None)
        .order_by("customer_id", "currency", "-issue_date", "-id")
        .values_list("customer_id", "currency", "rate_to_functional", "number")
    )
    for customer, currency, rate, number in rows:
        if (customer, currency) in wanted and (customer, currency) not in found:
            found[(customer, currency)] = (rate, number)
    return found


def _without_rate(
    decisions: Sequence[Decision],
    by_id: Mapping[str, PendingTx],
    functional: str,
    customer_rates: Mapping[tuple[int, str], tuple[Decimal, str]],
) -> list[Decision]:
    """The decisions as recorded: one that would keep money on account in another currency than the entity's
    without an invoice of the payment to give the rate takes the rate of the customer's latest invoice in that
    currency (and says so); without any, it is left to a person instead of being applied."""
    out = []
    for d in decisions:
        currency = by_id[d.transaction_id].currency
        if _needs_rate(d, currency, functional):
            known = customer_rates.get((int(d.customer_id), currency)) if d.customer_id else None
            if known is not None:
                d = replace(d, explanation=(
                    f"{d.explanation}; kept on account at the rate of {known[1]}, the customer's latest invoice in "
                    f"{currency} ({known[0].normalize():f} {functional})"))  # fmt: skip
            else:
                d = replace(d, status=Status.SUGGESTED, explanation=(
                    f"{d.explanation} — not applied: money kept on account in {currency} needs an exchange rate "
                    f"to {functional}, and no invoice of the payment or the customer gives one"))  # fmt: skip
        out.append(d)
    return out


_RECEIPT_COLUMNS = (
    "id", "entity_id", "customer_id", "amount_minor", "currency", "value_date", "reference", "source", "created_at",
)  # fmt: skip
_DECISION_COLUMNS = (
    "id", "entity_id", "transaction_id", "run_id", "status", "customer_id", "confidence", "explanation", "proposals",
    "candidates", "receipt_id", "decided_by", "is_current", "confirmed", "created_at",
)  # fmt: skip
_ROW_COLUMNS = (
    "decision_id", "position", "kind", "invoice_id", "invoice_number", "amount_minor", "currency", "confidence",
    "explanation", "reason",
)  # fmt: skip


def _record_batch(
    entity: Entity,
    run: MatchRun,
    decisions: Sequence[Decision],
    by_id: Mapping[str, PendingTx],
    summary: MatchSummary,
    actor: str,
) -> None:
    """Record and post one batch of decisions in one database transaction, set-based.

    The transactions are claimed first (:func:`_claim`); receipts and
    decisions are inserted in bulk under ids reserved beforehand
    (:func:`_reserve_ids`), so nothing is read back; the allocations are
    posted by :func:`~encaisse.ledger.posting.post_allocations` (guarded
    set-based updates of the open amounts, refused as a whole when another run
    took one) and the deduction cases opened by
    :func:`~encaisse.cases.services.open_deduction_cases_bulk`.
    """
    from encaisse.cases.services import open_deduction_cases_bulk  # cases depend on cashapp, not the reverse

    step = summary.timings.step
    customer_rates = _customer_rates(entity, decisions, by_id)
    decisions = _without_rate(decisions, by_id, entity.functional_currency, customer_rates)
    with transaction.atomic():
        with step("record: claim"):
            ids = [int(d.transaction_id) for d in decisions]
            claimed = _claim({int(d.transaction_id): _bank_status(d.status) for d in decisions}, run.pk)
            summary.taken_by_another_run += len(set(ids) - claimed)
            keep = [d for d in decisions if int(d.transaction_id) in claimed]
        if not keep:
            return
        now = connection.ops.adapt_datetimefield_value(timezone.now())  # stored as auto_now_add stores it
        minors = {d.transaction_id: [_minor(a.amount, by_id[d.transaction_id].currency) for a in d.allocations]
                  for d in keep}  # fmt: skip
        applied = [d for d in keep if d.status == Status.APPLIED]
        with step("record: receipts and allocations"):
            receipt_of = dict(
                zip(
                    [d.transaction_id for d in applied],
                    _reserve_ids(Receipt._meta.db_table, len(applied)),
                    strict=True,
                )
            )
            receipts = []
            for d in applied:
                tx = by_id[d.transaction_id]
                receipts.append((receipt_of[d.transaction_id], entity.pk, int(d.customer_id) if d.customer_id else None,
                                 tx.amount_minor, tx.currency, tx.value_date or tx.booking_date, tx_ref(tx)[:140],
                                 f"bank:{d.transaction_id}", now))  # fmt: skip
            bulk_insert(Receipt._meta.db_table, _RECEIPT_COLUMNS, receipts)
            invoice_ids = sorted({int(a.invoice_id) for d in applied for a in d.allocations if a.invoice_id})
            currencies: dict[int, str] = {}
            rates: dict[int, Decimal] = {}
            for i in range(0, len(invoice_ids), _CHUNK):
                for pk, cur, rate in Invoice.objects.filter(pk__in=invoice_ids[i : i + _CHUNK]).values_list(
                    "id", "currency", "rate_to_functional"
                ):
                    currencies[pk] = cur
                    if cur != entity.functional_currency:
                        rates[pk] = rate
            requests: list[AllocationRequest] = []
            evidence: dict[tuple[int, int], tuple[str, str]] = {}
            for d in applied:
                tx, receipt = by_id[d.transaction_id], receipt_of[d.transaction_id]
                rows = [(str(a.kind), int(a.invoice_id) if a.invoice_id else None, m)
                        for a, m in zip(d.allocations, minors[d.transaction_id], strict=True)]  # fmt: skip
                known = customer_rates.get((int(d.customer_id), tx.currency)) if d.customer_id else None
                requests += ledger_requests(tx, rows, receipt, currencies, rates, known[0] if known else None)
                for a in d.allocations:
                    if a.kind == AllocationKind.DEDUCTION and a.invoice_id:
                        evidence[(receipt, int(a.invoice_id))] = (a.reason or "", tx.remittance)
            try:
                post_allocations(entity, requests)
            except AllocationRefused as exc:
                raise CashAppError(
                    [f"matching batch refused by the ledger: {p}" for p in exc.problems]
                ) from None
        with step("record: decisions"):
            decision_ids = _reserve_ids(MatchDecision._meta.db_table, len(keep))
            dumps = json.dumps  # as the JSON fields store it
            bulk_insert(MatchDecision._meta.db_table, _DECISION_COLUMNS, (
                (pk, entity.pk, int(d.transaction_id), run.pk, str(d.status),
                 int(d.customer_id) if d.customer_id and d.customer_id.isdigit() else None, d.confidence,
                 d.explanation, dumps([_proposal_json(p) for p in d.proposals]),
                 dumps([_candidate_json(c) for c in d.candidates]), receipt_of.get(d.transaction_id), actor, True,
                 False, now)
                for pk, d in zip(decision_ids, keep, strict=True)
            ))  # fmt: skip
            bulk_insert(DecisionRow._meta.db_table, _ROW_COLUMNS, (
                (pk, n, str(a.kind), int(a.invoice_id) if a.invoice_id else None, a.invoice_number or "", m,
                 by_id[d.transaction_id].currency, a.confidence, a.explanation, a.reason or "")
                for pk, d in zip(decision_ids, keep, strict=True)
                for n, (a, m) in enumerate(zip(d.allocations, minors[d.transaction_id], strict=True), start=1)
            ))  # fmt: skip
        with step("record: deduction cases"):
            if evidence:
                open_deduction_cases_bulk(entity, {receipt for receipt, _ in evidence}, evidence=evidence)
        committing = summary.timings.start()
    summary.timings.stop("record: commit", committing)  # with what runs once committed (statistics, webhooks)
    _count(summary, keep, by_id)  # once committed: a failed commit counts nothing


def _reserve_ids(table: str, count: int) -> list[int]:
    """``count`` new primary keys of ``table``, to insert rows with (and refer to them) without reading back.

    PostgreSQL hands them out from the table's sequence (concurrent runs get
    other ones). SQLite has one writer at a time: inside a transaction that
    has written (the claim did), the ids after the largest ever given are ours.
    """
    if not count:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        if not connection.in_atomic_block:
            raise RuntimeError("ids are reserved inside the writing transaction")
        cursor.execute(f"SELECT max(id) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (a model's table)
        top = cursor.fetchone()[0] or 0
        cursor.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = %s", [table]
        )  # AUTOINCREMENT never reuses
        seq = cursor.fetchone()
        start = max(top, seq[0] if seq else 0) + 1
    return list(range(start, start + count))


def _minor(amount: Decimal, currency: str) -> int:
    """``Money(amount, currency).minor_units()``, without building the Money when the amount is a plain one."""
    if isinstance(amount, Decimal) and amount.is_finite():
        scaled = amount.scaleb(minor_unit(currency))
        if scaled == scaled.to_integral_value():
            return int(scaled)
    return Money(amount, currency).minor_units()  # refuses it, as Money says why


def _bank_status(status: Status) -> str:
    return {Status.APPLIED: MatchStatus.APPLIED, Status.SUGGESTED: MatchStatus.SUGGESTED}.get(
        status, MatchStatus.UNMATCHED
    )


def _claim(status_of: Mapping[int, str], run_id: int) -> set[int]:
    """Take the transactions that are still new for this run, setting their outcomes; the ids it took.

    Set-based and guarded: one ``UPDATE … WHERE match_status = 'new'`` per
    outcome and chunk takes them and marks them with the run, one query reads
    back which were ours to take (another run may have taken some).
    """
    by_status: dict[str, list[int]] = defaultdict(list)
    for tx_id, status in status_of.items():
        by_status[status].append(tx_id)
    for status, members in by_status.items():
        for i in range(0, len(members), _IN_CHUNK):
            BankTransaction.objects.filter(
                pk__in=members[i : i + _IN_CHUNK], match_status=MatchStatus.NEW
            ).update(match_status=status, claimed_by=run_id)
    ids = list(status_of)
    claimed: set[int] = set()
    for i in range(0, len(ids), _IN_CHUNK):
        claimed.update(
            BankTransaction.objects.filter(pk__in=ids[i : i + _IN_CHUNK], claimed_by=run_id).values_list(
                "pk", flat=True
            )
        )
    return claimed


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
                               {inv.pk: inv.currency for inv, _ in rows},
                               {inv.pk: inv.rate_to_functional for inv, _ in rows})  # fmt: skip
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
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise CashAppError([f"{path}:{line}: binary content (a NUL character): not a CSV text"])
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
            # nothing found for it: one row for the whole amount, no invoice, related to none (the contract)
            amount = str(Money.from_minor(d.transaction.amount_minor, d.transaction.currency).amount)
            yield (ref, "", amount, d.status, "unrelated", f"{d.confidence:.4f}")
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
