"""Matching on several processes takes exactly the decisions of one (``Engine.run(..., workers=n)``)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from encaisse.core.matching import (
    Book,
    CreditTransaction,
    Engine,
    MatchSettings,
    OpenItem,
    Party,
    StructuredReference,
    parallel,
)

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="needs processes that can be forked")

START = date(2026, 1, 5)
AMOUNTS = ["100.00", "250.00", "99.90", "1200.00", "45.50"]  # recurring: equal open items compete


def ledger(seed: int) -> tuple[list[Party], list[OpenItem], list[CreditTransaction]]:
    """Customers paying often, from known and new accounts, with and without references, twice, in part."""
    rng = random.Random(seed)
    parties = [
        Party(f"c{c}", f"{name} {kind}", ibans=(f"BE{c:02d}000000{c:06d}",) if c % 3 else ())
        for c, (name, kind) in enumerate(
            (
                rng.choice(["Dupont", "Dupond", "Martin", "Janssens", "Peeters", "Maes"]),
                rng.choice(["SA", "NV", "SRL"]),
            )
            for _ in range(24)
        )
    ]
    items: list[OpenItem] = []
    for c in range(24):
        for k in range(70 if c < 3 else 12):  # three customers with an amount map (many items)
            issued = START + timedelta(days=rng.randrange(60))
            amount = Decimal(rng.choice(AMOUNTS))
            n = len(items) + 1
            items.append(
                OpenItem(
                    f"i{n}",
                    f"INV-2026-{n:05d}",
                    f"c{c}",
                    "EUR",
                    amount,
                    amount,
                    issued,
                    issued + timedelta(days=30),
                    structured_reference=f"+++{n:03d}/0000/{k:05d}+++" if c % 4 == 0 else None,
                )
            )
    by_customer: dict[str, list[OpenItem]] = {}
    for item in items:
        by_customer.setdefault(item.customer_id, []).append(item)
    txs: list[CreditTransaction] = []
    for t in range(720):
        c = rng.randrange(24)
        party = parties[c]
        item = rng.choice(by_customer[party.id])
        kind = rng.random()
        account = (
            party.ibans[0] if party.ibans and rng.random() < 0.7 else f"NL{c:02d}BANK0{rng.randrange(3):09d}"
        )
        name = party.name.upper() if rng.random() < 0.8 else None
        text = ""
        amount = item.total
        if kind < 0.35:
            text = f"Facture {item.number}"  # paid twice now and then: the second is a duplicate
        elif kind < 0.65:
            text = "Paiement"  # by amount alone: the oldest of equal items, first in first out
        elif kind < 0.75:
            text = f"acompte {item.number}"
            amount = (item.total / 2).quantize(Decimal("0.01"))
        elif kind < 0.85:
            text = f"{item.number} {rng.choice(by_customer[party.id]).number}"
            amount = item.total + rng.choice(by_customer[party.id]).total
        else:
            amount = item.total - Decimal("1.50")  # bank charges, or a part
        txs.append(
            CreditTransaction(
                f"T{t}",
                amount,
                "EUR",
                START + timedelta(days=60 + t // 12),
                counterparty_name=name,
                counterparty_account=account,
                remittance_lines=(text,) if text else (),
                creditor_references=(StructuredReference(item.structured_reference, "BE_OGM"),)
                if item.structured_reference and rng.random() < 0.3
                else (),
                position=(t // 12, t % 12, 0),
            )
        )
        if rng.random() < 0.03:
            txs.append(txs[-1])  # the same transaction twice
    return parties, items, txs


def engine_for(parties: list[Party], items: list[OpenItem]) -> Engine:
    return Engine(Book.build(items, parties), MatchSettings(), record_candidates=True)


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("workers", [2, 3])
def test_parallel_run_takes_the_decisions_of_one_process(
    seed: int, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "BATCH", 12)  # many small batches: many chances to go wrong
    parties, items, txs = ledger(seed)
    one = engine_for(parties, items)
    several = engine_for(parties, items)
    expected = one.run(txs)
    got = several.run(txs, workers=workers)

    assert [d.transaction_id for d in got] == [t.id for t in txs]
    assert got == expected
    assert [d.candidates for d in got] == [d.candidates for d in expected]
    assert [d.explanation for d in got] == [d.explanation for d in expected]
    # the books agree afterwards: what was consumed, reserved and learned
    assert list(several.book.open) == list(one.book.open)
    assert several._reserved == one._reserved
    assert several._pending == one._pending
    assert several._pending_amounts == one._pending_amounts
    assert one._pending_amounts  # payments left to a person whose customer only their amount suggests
    assert several.book.iban_parties == one.book.iban_parties
    stats = several.parallel_stats
    assert stats is not None and stats.workers == workers
    assert stats.taken > 0  # workers' decisions were taken
    assert stats.again > 0  # and some were matched again: the conflicts were there
    assert stats.own + stats.taken + stats.again <= len(txs)


def test_the_parallel_run_goes_on_from_the_book_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "BATCH", 12)
    parties, items, txs = ledger(3)
    first, second = txs[:200], txs[200:]
    one = engine_for(parties, items)
    several = engine_for(parties, items)
    one.run(first)
    several.run(first)
    assert several.run(second, workers=2) == one.run(second)
    assert list(several.book.open) == list(one.book.open)


def test_few_transactions_are_matched_in_one_process() -> None:
    parties, items, txs = ledger(4)
    engine = engine_for(parties, items)
    decisions = engine.run(txs[:20], workers=2)
    assert len(decisions) == 20
    assert engine.parallel_stats is None


def test_a_pool_of_processes_serves_several_runs_with_the_decisions_of_one_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``Engine.processes``: the workers are forked once and follow the book from one run to the next."""
    monkeypatch.setattr(parallel, "BATCH", 12)
    forks = []
    start = parallel.multiprocessing.process.BaseProcess.start

    def counted(process):  # type: ignore[no-untyped-def]
        forks.append(process)
        start(process)

    monkeypatch.setattr(parallel.multiprocessing.process.BaseProcess, "start", counted)
    parties, items, txs = ledger(5)
    one = engine_for(parties, items)
    several = engine_for(parties, items)
    parts = [txs[:250], txs[250:260], txs[260:520], txs[520:]]  # the second too small to share
    expected = [one.run(part) for part in parts]
    got, stats = [], []
    with several.processes(3, own=0.2):  # this process keeps a fifth of the payers
        for part in parts:
            several.parallel_stats = None
            got.append(several.run(part))
            stats.append(several.parallel_stats)
    assert len(forks) == 2  # two workers, forked once for the four runs
    assert not any(p.is_alive() for p in forks)  # and stopped at the end of the block
    assert got == expected
    assert [d.explanation for part in got for d in part] == [d.explanation for part in expected for d in part]
    assert list(several.book.open) == list(one.book.open)
    assert several._reserved == one._reserved and several._pending == one._pending
    assert several._pending_amounts == one._pending_amounts
    assert several.book.iban_parties == one.book.iban_parties
    assert stats[1] is None and all(s is not None and s.taken > 0 for s in stats[::2])
    own = sum(s.own for s in stats if s is not None)
    assert 0 < own < sum(s.taken + s.again for s in stats if s is not None) / 2
    assert several._journal is None and several._pool is None
    after = several.run(txs[:30])  # after the block, one process again (all already decided)
    assert after == expected[0][:30]
