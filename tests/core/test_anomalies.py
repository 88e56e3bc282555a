"""Anomaly detectors on small hand-made payment histories."""

from __future__ import annotations

from datetime import date, timedelta

from encaisse.core.anomalies import (
    Payment,
    behaviour_shifts,
    duplicates,
    new_accounts,
    robust_z,
    unusual_amounts,
)

D = date(2026, 1, 1)


def pay(i: int, day: int, amount: int = 10_000, account: str = "BE71096123456769", ref: str = "") -> Payment:
    return Payment(i, 1, D + timedelta(days=day), amount, account, ref or f"INV-{i}")


def test_new_account_after_known_ones() -> None:
    history = [
        pay(1, 0),
        pay(2, 30),
        pay(3, 60, account="FR7630006000011234567890189"),
        pay(4, 90, account="fr76 3000 6000 0112 3456 7890 189"),
    ]
    found = new_accounts(history)
    assert [f.details["transaction"] for f in found] == [3]  # the first payment and a repeat are not flagged
    assert [f.details["transaction"] for f in new_accounts(history[:1], {1: {"NL91ABNA0417164300"}})] == [1]


def test_duplicate_within_window_only() -> None:
    found = duplicates(
        [pay(1, 0, ref="R1"), pay(2, 5, ref="R1"), pay(3, 30, ref="R1"), pay(4, 31, ref="R2")], days=7
    )
    assert [f.key for f in found] == ["1:2"]


def test_unusual_amount_by_robust_z() -> None:
    usual = [pay(i, i * 30, amount=10_000 + 500 * (i % 3)) for i in range(8)]
    found = unusual_amounts([*usual, pay(99, 300, amount=900_000), pay(100, 330, amount=10_400)])
    assert [f.details["transaction"] for f in found] == [99]
    assert robust_z(3, [3, 3, 3]) == 0.0


def test_behaviour_shift() -> None:
    steady = [(D + timedelta(days=30 * i), float(i % 3)) for i in range(10)]
    shifted = steady[:7] + [(D + timedelta(days=400 + i), 30.0 + i) for i in range(3)]
    assert behaviour_shifts({1: steady}) == []
    [f] = behaviour_shifts({2: shifted})
    assert f.customer_id == 2 and f.score >= 15


def test_a_domestic_form_of_an_account_on_file_is_not_a_new_account() -> None:
    # the US routing and account on file, the bare account number of a Fedwire credit; a UK IBAN on file,
    # the sort code and account of a Faster Payment
    history = [
        pay(1, 0, account="000123456789"),
        pay(2, 30, account="60-16-13 31926819"),
        pay(3, 60, account="4471"),
    ]
    known = {1: {"021000021/123456789", "GB29NWBK60161331926819"}}
    assert [f.details["transaction"] for f in new_accounts(history, known)] == [3]
