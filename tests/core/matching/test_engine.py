"""The engine's run: order, idempotence, indexes, subsets, export."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from matching_builders import IBAN_ACME, inv, make_engine, rows, tx

from encaisse.core.matching import Book, Party, Status
from encaisse.core.matching.explain import CSV_HEADER, write_csv
from encaisse.core.matching.index import KeyIndex
from encaisse.core.matching.subset import MAX_ITEMS, subset_sums

PAYER = {"name": "ACME LOGISTICS SA", "iban": IBAN_ACME}


def test_matching_twice_returns_the_same_decision_and_consumes_once(acme: list[Party]) -> None:
    engine = make_engine([inv("INV-2026-000100", "c1", "500.00")], acme)
    payment = tx("300.00", "INV-2026-000100 acompte", **PAYER)
    first = engine.match(payment)
    second = engine.match(payment)
    assert first is second
    assert engine.open_amount("id-INV-2026-000100") == Decimal("200.00")


def test_payments_are_taken_in_booking_order(acme: list[Party]) -> None:
    engine = make_engine([inv("INV-2026-000100", "c1", "500.00")], acme)
    late = tx("500.00", "INV-2026-000100", id="late", position=(2, 1, 1), **PAYER)
    early = tx("500.00", "INV-2026-000100", id="early", position=(1, 5, 1), **PAYER)
    decisions = engine.run([late, early])
    assert [d.transaction_id for d in decisions] == ["late", "early"]  # given order kept
    assert rows(decisions[1]) == [("invoice", "INV-2026-000100", "500.00")]
    assert rows(decisions[0]) == [("on_account", "", "500.00")]


def test_debits_are_not_applied(acme: list[Party]) -> None:
    engine = make_engine([inv("INV-2026-000100", "c1", "500.00")], acme)
    assert engine.match(tx("-500.00", "INV-2026-000100")).status == Status.UNMATCHED


def test_unmatched_when_nothing_is_known(acme: list[Party]) -> None:
    engine = make_engine([inv("INV-2026-000100", "c1", "500.00")], acme)
    d = engine.match(tx("12.34", "hello"))
    assert d.status == Status.UNMATCHED
    assert d.allocations == ()


def test_suggestion_carries_ranked_proposals(acme: list[Party]) -> None:
    items = [inv("INV-2026-000100", "c1", "500.00"), inv("INV-2026-000200", "c2", "500.00")]
    engine = make_engine(items, acme)
    d = engine.match(tx("500.00", "", name="ACME"))
    assert d.status != Status.APPLIED
    confidences = [p.confidence for p in d.proposals]
    assert confidences == sorted(confidences, reverse=True)


def test_book_lookups_go_through_the_indexes() -> None:
    items = [inv(f"INV-2026-{n:06d}", f"c{n % 7}", "10.00") for n in range(1, 2001)]
    book = Book.build(items, [])
    assert book.stats.items == 2000
    hits = book.lookup_keys(["INV2026001234", "1234", "NOPE"])
    assert [book.number[i] for i, _ in hits[0]] == ["INV-2026-001234"]
    assert hits[2] == []
    assert book.lookup_neighbours(["2026001234"])  # the number itself is in its neighbourhood


def test_key_index_caps_common_keys() -> None:
    from array import array

    keys = array("q", [hash("a")] * 100 + [hash("b")])
    values = array("q", list(range(101)))
    index = KeyIndex(keys, values)
    assert index.lookup([hash("a"), hash("b"), hash("c")], cap=64) == [[-1], [100], []]


def test_subset_sums_counts_every_solution() -> None:
    result = subset_sums([100, 250, 400, 250], 500)
    assert result.count == 2
    assert result.solutions == [(0, 2), (1, 3)]


def test_subset_sums_with_credit_notes() -> None:
    assert subset_sums([1000, -200, 300], 800).solutions == [(0, 1)]


def test_subset_sums_in_a_range() -> None:
    assert subset_sums([100, 250, 400], 655, low=645).solutions == [(1, 2)]


def test_subset_sums_large_halves_agree_with_small() -> None:
    values = [101, 203, 305, 407, 509, 611, 713, 815, 917, 1019, 1121, 1223]
    target = 101 + 509 + 1223
    result = subset_sums(values, target)
    assert (0, 4, 11) in result.solutions


def test_subset_sums_refuse_too_many_items() -> None:
    with pytest.raises(ValueError):
        subset_sums(list(range(1, MAX_ITEMS + 2)), 10)


def test_export_rows_and_csv(acme: list[Party]) -> None:
    engine = make_engine([inv("INV-2026-000100", "c1", "100.00")], acme)
    d = engine.match(tx("98.00", "INV-2026-000100", **PAYER))
    out = io.StringIO()
    assert write_csv([d], out) == 2
    lines = out.getvalue().splitlines()
    assert lines[0] == ",".join(CSV_HEADER)
    assert lines[1].startswith("T1,INV-2026-000100,100.00,applied,invoice,")
    assert lines[2].startswith("T1,INV-2026-000100,-2.00,applied,deduction,")
