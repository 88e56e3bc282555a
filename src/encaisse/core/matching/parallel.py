"""Matching on several processes, with exactly the decisions of one.

A decision depends on the book as the earlier decisions of the run left it:
open amounts they consumed, items they reserved for a person, payer accounts
they taught. Most transactions read little of that, and little of it changes
between two neighbouring transactions, so:

1. Transactions go in batches, in booking order. Each is matched by the
   parent process or analysed by a worker process (forked: the book is shared
   copy-on-write), by payer, so that each process meets the same payers again
   (its caches of names and numbers stay warm).
2. A worker analyses its share of a batch against its copy of the book and
   records every value it read of what a decision can change: the open amount
   of an item, whether an item is reserved, whether a customer has a payment
   left to a person, the items of a customer's amount lookup, the parties of
   the payer's account.
3. The parent takes the decisions in booking order: its own transactions it
   matches there and then; a worker's decision is taken as it is when every
   value its analysis read is still the same in the parent's book (the
   analysis would then read and decide the same), otherwise the transaction is
   matched again on the parent's book.
4. The changes of each batch go to the workers with the batch after next, so
   that their copies stay at most two batches behind.
5. A :class:`Pool` keeps its workers for every run of the engine while it is
   open (the application matches in batches of thousands, one run each): they
   are forked once, and their copies of the book stay shared with the parent's
   pages until either writes them.

Where processes cannot be forked, or for a few transactions, the engine
matches in one process.
"""

from __future__ import annotations

import gc
import multiprocessing
import traceback
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Final, TypeVar

from encaisse.core.matching.index import AMOUNT_MAP_MIN, Book, account_key
from encaisse.core.matching.records import CreditTransaction, Decision

if TYPE_CHECKING:
    from encaisse.core.matching.engine import Engine

__all__ = ["BATCH", "Pool", "RunStats", "can_fork", "run", "worth_it"]

BATCH: Final = 48  # transactions per process and batch


@dataclass(slots=True)
class RunStats:
    """How a parallel run went: transactions matched by the parent, taken from workers, matched again."""

    workers: int = 0
    own: int = 0
    taken: int = 0
    again: int = 0


def worth_it(transactions: int, workers: int) -> bool:
    """Whether ``transactions`` are enough to share among ``workers`` processes (that can be forked)."""
    return workers > 1 and transactions >= 4 * BATCH * workers and can_fork()


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


class _Reads:
    """What one analysis read of what decisions change, with the values read."""

    __slots__ = ("amounts", "ibans", "opened", "pending", "pending_amounts", "reserved")

    def __init__(self) -> None:
        self.opened: dict[int, int] = {}
        self.reserved: dict[int, bool] = {}
        self.pending: dict[int, bool] = {}
        self.pending_amounts: dict[tuple[int, int], bool] = {}
        self.amounts: dict[tuple[int, int, str], tuple[int, ...]] = {}
        self.ibans: dict[str, tuple[tuple[int, int], ...]] = {}

    def clear(self) -> None:
        self.opened.clear()
        self.reserved.clear()
        self.pending.clear()
        self.pending_amounts.clear()
        self.amounts.clear()
        self.ibans.clear()

    def still(self, engine: Engine) -> bool:
        """Whether ``engine``'s book still holds every value read."""
        book = engine.book
        open_ = book.open
        for item, value in self.opened.items():
            if open_[item] != value:
                return False
        reserved = engine._reserved
        for item, was in self.reserved.items():
            if (item in reserved) != was:
                return False
        pending = engine._pending
        for customer, was in self.pending.items():
            if (customer in pending) != was:
                return False
        pending_amounts = engine._pending_amounts
        for key, was in self.pending_amounts.items():
            if (key in pending_amounts) != was:
                return False
        for (customer, amount, currency), found in self.amounts.items():
            if tuple(book.items_with_amount(customer, amount, currency)) != found:
                return False
        for iban, parties in self.ibans.items():
            if tuple(book.iban_parties.get(iban, {}).items()) != parties:
                return False
        return True


class _RecordingOpen:
    """Open amounts that remember the ones read."""

    __slots__ = ("_data", "_read")

    def __init__(self, data: array[int], read: dict[int, int]) -> None:
        self._data = data
        self._read = read

    def __getitem__(self, item: int) -> int:
        value = self._read[item] = self._data[item]
        return value

    def __setitem__(self, item: int, value: int) -> None:
        self._data[item] = value

    def __len__(self) -> int:
        return len(self._data)


_K = TypeVar("_K", int, tuple[int, int])


class _RecordingSet(set[_K]):
    """Reserved items (or customers, or customers and amounts, waiting for a person) that remember which were
    asked about."""

    _read: dict[_K, bool]

    def __contains__(self, item: object) -> bool:
        found = super().__contains__(item)
        self._read[item] = found  # type: ignore[index]
        return found


class _RecordingBook(Book):
    """A worker's book: its lookups of accounts and of amounts by customer are recorded."""

    _reads: _Reads

    def customers_of_iban(self, iban: str) -> dict[int, int]:
        found = super().customers_of_iban(iban)
        self._reads.ibans[account_key(iban)] = tuple(found.items())
        return found

    def items_with_amount(self, customer: int, amount: int, currency: str) -> list[int]:
        found = super().items_with_amount(customer, amount, currency)
        if len(self.items_of[customer]) > AMOUNT_MAP_MIN:  # from the amount map, not item by item
            self._reads.amounts[(customer, amount, currency)] = tuple(found)
        return found


_Result = tuple[Decision, str, int | None, int | None, _Reads]


def _work(engine: Engine, conn: Connection) -> None:
    """A worker: analyse the transactions handed over, after applying the changes that come with them."""
    try:
        gc.freeze()  # the collector leaves the inherited objects alone (their pages stay shared)
        book = engine.book
        book.__class__ = _RecordingBook
        reserved = _RecordingSet(engine._reserved)
        engine._reserved = reserved
        pending = _RecordingSet(engine._pending)
        engine._pending = pending
        pending_amounts = _RecordingSet(engine._pending_amounts)
        engine._pending_amounts = pending_amounts
        while True:
            message = conn.recv()
            if message is None:
                break
            journal, txs = message
            engine._replay(journal)
            results: list[_Result] = []
            for tx in txs:
                reads = _Reads()
                book._reads = reads  # type: ignore[attr-defined]
                reserved._read = reads.reserved
                pending._read = reads.pending
                pending_amounts._read = reads.pending_amounts
                plain = book.open
                book.open = _RecordingOpen(plain, reads.opened)  # type: ignore[assignment]
                try:
                    analysis = engine.analyse(tx)
                    decision = engine._decide(analysis)
                finally:
                    book.open = plain
                results.append(
                    (
                        decision,
                        analysis.payer.iban,
                        engine._learned_account(analysis, decision),
                        engine._waits(analysis, decision),
                        reads,
                    )
                )
            conn.send(("ok", results))
    except BaseException:  # the parent raises it
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def _process_of(tx: CreditTransaction, processes: int, own: float | None = None) -> int:
    """The process a transaction goes to: by payer, so that each meets the same payers.

    ``own``: the share of payers the parent keeps (else an equal share each).
    """
    payer = tx.counterparty_account or tx.counterparty_name or tx.ultimate_debtor or tx.id
    h = zlib.crc32(payer.encode("utf-8", "replace"))
    if own is None:
        return h % processes
    return 0 if h % 1000 < own * 1000 else 1 + (h // 1000) % (processes - 1)


class Pool:
    """Worker processes forked once for an engine, for as many runs as it makes while the pool is open.

    Forked once, the workers' copies of the book are shared with this
    process's pages until either writes them; forking again for each run
    would copy those pages again each time (a book of a million items is
    gigabytes). Between runs the workers receive, with their next
    transactions, the changes the decisions since made (step 4 above).
    ``workers``: processes in all, this one included; ``own``: the share of
    the payers this process matches itself (else an equal share each), less
    when it has other work to do meanwhile, such as writing the decisions.
    """

    def __init__(self, engine: Engine, workers: int, own: float | None = None) -> None:
        self.engine = engine
        self.workers = workers
        self.own = own
        context = multiprocessing.get_context("fork")
        self._pipes: list[Connection] = []
        self._processes: list[multiprocessing.process.BaseProcess] = []
        self._journal: list[tuple[str, int | str, int]] = []
        self._sent = 0  # journal entries the workers have
        try:
            for _ in range(workers - 1):
                parent_end, child_end = context.Pipe()
                process = context.Process(target=_work, args=(engine, child_end), daemon=True)
                process.start()
                child_end.close()
                self._pipes.append(parent_end)
                self._processes.append(process)
        except BaseException:
            self.close()
            raise
        engine._journal = self._journal

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers; the engine goes on in one process."""
        if self.engine._journal is self._journal:
            self.engine._journal = None
        for pipe in self._pipes:
            try:
                pipe.send(None)
                pipe.close()
            except OSError:
                pass
        for process in self._processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
        self._pipes, self._processes = [], []

    def run(self, txs: Sequence[CreditTransaction]) -> tuple[list[Decision], RunStats]:
        """The decisions of ``txs`` (in booking order), taken in that order as :meth:`Engine.match` takes them."""
        if not self._pipes:
            raise RuntimeError("the pool of matching workers is closed")
        engine = self.engine
        journal = self._journal
        pipes = self._pipes
        n = len(txs)
        size = BATCH * self.workers
        batches = [range(start, min(start + size, n)) for start in range(0, n, size)]
        owner = [_process_of(tx, self.workers, self.own) for tx in txs]
        decisions: list[Decision | None] = [None] * n
        stats = RunStats(workers=self.workers)

        def hand_out(b: int) -> None:
            changes = journal[self._sent :]
            self._sent = len(journal)
            for w, pipe in enumerate(pipes, start=1):
                pipe.send((changes, [txs[j] for j in batches[b] if owner[j] == w]))

        try:
            if batches:
                hand_out(0)
            if len(batches) > 1:
                hand_out(1)
            for b, batch in enumerate(batches):
                results: list[list[_Result]] = []
                for pipe in pipes:
                    status, payload = pipe.recv()
                    if status != "ok":
                        raise RuntimeError(f"a matching worker failed:\n{payload}")
                    results.append(payload)
                taken = [0] * len(pipes)
                for j in batch:
                    tx = txs[j]
                    w = owner[j]
                    if w == 0:
                        decisions[j] = engine.match(tx)
                        stats.own += 1
                        continue
                    decision, iban, learned, waits, reads = results[w - 1][taken[w - 1]]
                    taken[w - 1] += 1
                    done = engine._decisions.get(tx.id)
                    if done is not None:  # the same transaction again
                        decisions[j] = done
                    elif reads.still(engine):
                        engine._commit(tx, decision, iban, learned, waits)
                        decisions[j] = decision
                        stats.taken += 1
                    else:
                        decisions[j] = engine.match(tx)  # an earlier decision changed what it read
                        stats.again += 1
                if b + 2 < len(batches):
                    hand_out(b + 2)
        except BaseException:
            self.close()  # the workers' state is no longer known
            raise
        del journal[: self._sent]  # what every worker has is not needed again
        self._sent = 0
        return [d for d in decisions if d is not None], stats


def run(engine: Engine, txs: Sequence[CreditTransaction], workers: int) -> tuple[list[Decision], RunStats]:
    """The decisions of ``txs`` (in booking order) with a pool of ``workers`` processes for this run alone."""
    with Pool(engine, workers) as pool:
        return pool.run(txs)
