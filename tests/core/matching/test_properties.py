"""Invariants of a run, on random books and payments."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encaisse.core.matching import (
    AllocationKind,
    Book,
    CreditTransaction,
    Engine,
    MatchSettings,
    OpenItem,
    Party,
    Status,
)

START = date(2026, 1, 1)
PARTIES = [
    Party("c1", "Acme Logistics SA", ibans=("BE71096123456769",)),
    Party("c2", "Acme Trading SPRL"),
    Party("c3", "Dupont Transports NV", ibans=("BE68539007547034",)),
]


@st.composite
def books(draw: st.DrawFn) -> tuple[list[OpenItem], list[CreditTransaction]]:
    n_items = draw(st.integers(1, 8))
    items = []
    for n in range(n_items):
        cents = (
            draw(st.sampled_from([10000, 25000, 12345, 99999, 5000, 250000]))
            if draw(st.booleans())
            else draw(st.integers(100, 500000))
        )
        issued = START + timedelta(days=draw(st.integers(0, 60)))
        items.append(
            OpenItem(
                id=f"i{n}",
                number=f"INV-2026-{n + 100:05d}",
                customer_id=draw(st.sampled_from(["c1", "c2", "c3"])),
                currency=draw(st.sampled_from(["EUR", "EUR", "EUR", "USD"])),
                total=Decimal(cents) / 100,
                open_amount=Decimal(cents) / 100,
                issue_date=issued,
                due_date=issued + timedelta(days=30),
                discount_percent=Decimal(2) if draw(st.booleans()) else None,
                discount_days=10,
            )
        )
    txs = []
    for t in range(draw(st.integers(1, 8))):
        target = draw(st.sampled_from(items))
        kind = draw(st.sampled_from(["exact", "short", "over", "random", "sum"]))
        cents = int(target.open_amount * 100)
        if kind == "short":
            cents -= draw(st.integers(1, 3000))
        elif kind == "over":
            cents += draw(st.integers(1, 3000))
        elif kind == "random":
            cents = draw(st.integers(1, 500000))
        elif kind == "sum":
            cents = sum(int(i.open_amount * 100) for i in items[:2])
        cents = max(cents, 1)
        text = draw(
            st.sampled_from(
                [
                    target.number,
                    target.number.replace("-", " "),
                    target.number[-5:],
                    f"{items[0].number} {items[-1].number}",
                    "",
                    "interest",
                    f"Facture {target.number[:-1]}",
                ]
            )
        )
        day = START + timedelta(days=draw(st.integers(0, 120)))
        txs.append(
            CreditTransaction(
                id=f"T{t}",
                amount=Decimal(cents) / 100,
                currency=draw(st.sampled_from([target.currency, "EUR"])),
                booking_date=day,
                value_date=day,
                counterparty_name=draw(
                    st.sampled_from([None, "ACME LOGISTICS", "Dupont Transports", "Someone"])
                ),
                counterparty_account=draw(st.sampled_from([None, "BE71096123456769", "BE68539007547034"])),
                remittance_lines=(text,) if text else (),
                position=(1, t + 1, 1),
            )
        )
    return items, txs


def run(items: list[OpenItem], txs: list[CreditTransaction]) -> tuple[Engine, list]:  # type: ignore[type-arg]
    engine = Engine(
        Book.build(items, PARTIES), MatchSettings(charge_tolerance=Decimal("10.00"), auto_apply=0.9)
    )
    return engine, engine.run(txs)


PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(books())
def test_allocations_never_exceed_open_amounts(book: tuple[list[OpenItem], list[CreditTransaction]]) -> None:
    items, txs = book
    engine, decisions = run(items, txs)
    settled: dict[str, Decimal] = defaultdict(Decimal)
    for d in decisions:
        if d.status == Status.APPLIED:
            for a in d.allocations:
                if a.kind == AllocationKind.INVOICE and a.invoice_id:
                    settled[a.invoice_id] += a.amount
    for item in items:
        assert settled[item.id] <= item.open_amount
        assert engine.open_amount(item.id) == item.open_amount - settled[item.id] >= 0


@PROPERTY
@given(books())
def test_rows_of_applied_transactions_add_up(book: tuple[list[OpenItem], list[CreditTransaction]]) -> None:
    items, txs = book
    _, decisions = run(items, txs)
    amounts = {t.id: t.amount for t in txs}
    for d in decisions:
        if d.status == Status.APPLIED:
            assert d.total() == amounts[d.transaction_id]
            for a in d.allocations:
                if a.kind == AllocationKind.DEDUCTION:
                    assert a.amount < 0
                elif a.kind == AllocationKind.ON_ACCOUNT:
                    assert a.amount > 0 and a.invoice_id is None


@PROPERTY
@given(books())
def test_matching_twice_changes_nothing(book: tuple[list[OpenItem], list[CreditTransaction]]) -> None:
    items, txs = book
    engine, first = run(items, txs)
    remaining = {item.id: engine.open_amount(item.id) for item in items}
    second = engine.run(txs)
    assert first == second
    assert {item.id: engine.open_amount(item.id) for item in items} == remaining


@PROPERTY
@given(books())
def test_no_allocation_across_currencies(book: tuple[list[OpenItem], list[CreditTransaction]]) -> None:
    items, txs = book
    _, decisions = run(items, txs)
    currency = {i.id: i.currency for i in items}
    tx_currency = {t.id: t.currency for t in txs}
    for d in decisions:
        for proposal_rows in (d.allocations, *(p.allocations for p in d.proposals)):
            for a in proposal_rows:
                if a.invoice_id:
                    assert currency[a.invoice_id] == tx_currency[d.transaction_id]


@PROPERTY
@given(books())
def test_no_invoice_issued_after_the_value_date_is_settled(
    book: tuple[list[OpenItem], list[CreditTransaction]],
) -> None:
    items, txs = book
    _, decisions = run(items, txs)
    issued = {i.id: i.issue_date for i in items}
    value_date = {t.id: t.effective_date for t in txs}
    for d in decisions:
        for proposal_rows in (d.allocations, *(p.allocations for p in d.proposals)):
            for a in proposal_rows:
                if a.invoice_id:
                    assert issued[a.invoice_id] <= value_date[d.transaction_id]
