from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encaisse.core.ledger import (
    Account,
    AllocationRecord,
    JournalEntry,
    JournalLine,
    LedgerError,
    UnbalancedEntry,
    invoice_entry,
    open_amount,
    receipt_entry,
    settle_fx,
    write_off_entry,
)
from encaisse.core.money import Money

D = date(2026, 5, 1)
cents = st.integers(min_value=1, max_value=10**9)
rates = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=6)


def eur(units: int) -> Money:
    return Money.from_minor(units, "EUR")


def test_unbalanced_entry_is_refused() -> None:
    with pytest.raises(UnbalancedEntry):
        JournalEntry(D, "EUR", (JournalLine("a", debit=Decimal(10)), JournalLine("b", credit=Decimal(9))))
    with pytest.raises(UnbalancedEntry):
        JournalEntry(D, "EUR", (JournalLine("a", debit=Decimal(0)),))
    with pytest.raises(LedgerError):
        JournalLine("a", debit=Decimal(1), credit=Decimal(1))
    with pytest.raises(LedgerError):
        JournalLine("a", debit=Decimal(-1))


@given(cents, cents, rates, st.booleans())
def test_invoice_entries_balance(net: int, vat: int, rate: Decimal, credit_note: bool) -> None:
    e = invoice_entry(on=D, functional="EUR", net=Money.from_minor(net, "USD"), vat=Money.from_minor(vat, "USD"),
                      rate=rate, credit_note=credit_note)  # fmt: skip
    assert sum(ln.debit for ln in e.lines) == sum(ln.credit for ln in e.lines)
    receivable = next(ln for ln in e.lines if ln.account == Account.RECEIVABLES)
    net_f = Money.from_minor(net, "USD").amount * rate
    assert (receivable.debit if not credit_note else receivable.credit) >= 0
    assert abs(abs(receivable.balance) - net_f - Money.from_minor(vat, "USD").amount * rate) <= Decimal(
        "0.01"
    )


@given(
    st.lists(st.tuples(cents, st.sampled_from(["bank_charges", "discounts_allowed"])), max_size=4),
    cents,
    cents,
)
def test_receipt_and_write_off_entries_balance(
    deds: list[tuple[int, str]], bank: int, unapplied: int
) -> None:
    total_ded = sum(d for d, _ in deds)
    settled = bank + total_ded - unapplied
    if settled <= 0:
        return
    s = settle_fx(open_before=eur(settled), carrying_before=eur(settled), settled=eur(settled),
                  rate_at_payment=Decimal(1), functional="EUR")  # fmt: skip
    e = receipt_entry(on=D, functional="EUR", bank_amount=eur(bank), settlements=[(s, 1)], unapplied=eur(unapplied),
                      deductions=[(acct, eur(d)) for d, acct in deds])  # fmt: skip
    assert e.total > 0
    w = write_off_entry(on=D, functional="EUR", amount=eur(bank))
    assert w.total == eur(bank).amount


@given(cents, st.lists(cents, max_size=10))
def test_open_amount_is_total_minus_allocations(total: int, parts: list[int]) -> None:
    allocations = [eur(p) for p in parts]
    assert open_amount(eur(total), allocations).minor_units() == total - sum(parts)


@given(cents, st.lists(cents, min_size=1, max_size=10), st.data())
def test_reversal_restores_the_balance(total: int, parts: list[int], data: st.DataObject) -> None:
    records = [AllocationRecord(eur(p), D) for p in parts]
    undone = data.draw(st.lists(st.sampled_from(range(len(records))), unique=True))
    reversals = [records[i].reversal(date(2026, 6, 1), i) for i in undone]
    after = open_amount(eur(total), [r.amount for r in records + reversals])
    kept = [p for i, p in enumerate(parts) if i not in undone]
    assert after == eur(total - sum(kept))
    with pytest.raises(LedgerError):
        reversals[0].reversal(D) if reversals else AllocationRecord(eur(1), D, reverses=1).reversal(D)


@given(st.lists(st.decimals(min_value=Decimal("0.1"), max_value=Decimal("3"), places=4), min_size=1, max_size=6),
       st.integers(min_value=100, max_value=10**8), rates, st.data())  # fmt: skip
def test_fx_settlements_leave_no_residue(
    pay_rates: list[Decimal], total: int, rate: Decimal, data: st.DataObject
) -> None:
    """Partial settlements at changing rates: the last one clears the carrying amount exactly."""
    open_usd = Money.from_minor(total, "USD")
    carrying = Money(open_usd.amount * rate, "EUR").round()
    booked = carrying
    credited = Money.zero("EUR")
    gains = Money.zero("EUR")
    for i, r in enumerate(pay_rates):
        last = i == len(pay_rates) - 1
        part = (
            open_usd
            if last
            else Money.from_minor(
                data.draw(st.integers(min_value=1, max_value=max(1, open_usd.minor_units()))), "USD"
            )
        )
        if part.amount > open_usd.amount:
            part = open_usd
        s = settle_fx(
            open_before=open_usd, carrying_before=carrying, settled=part, rate_at_payment=r, functional="EUR"
        )
        assert s.payment_value - s.receivable_credit == s.fx_gain
        open_usd = open_usd - part
        carrying = carrying - s.receivable_credit
        credited = credited + s.receivable_credit
        gains = gains + s.fx_gain
        if open_usd.amount == 0:
            break
    assert open_usd.amount == 0
    assert carrying.amount == 0, "no residue in the functional currency once the item is settled"
    assert credited == booked


def test_fx_refuses_over_settlement_and_mixed_currency() -> None:
    with pytest.raises(LedgerError):
        settle_fx(open_before=Money("10", "USD"), carrying_before=Money("9", "EUR"), settled=Money("11", "USD"),
                  rate_at_payment=Decimal(1), functional="EUR")  # fmt: skip
    with pytest.raises(ValueError):
        settle_fx(open_before=Money("10", "USD"), carrying_before=Money("9", "EUR"), settled=Money("1", "GBP"),
                  rate_at_payment=Decimal(1), functional="EUR")  # fmt: skip


@given(st.lists(st.tuples(st.sampled_from(list(Account)), cents), min_size=1, max_size=8))
def test_reversal_of_an_entry_cancels_every_account(pairs: list[tuple[Account, int]]) -> None:
    lines = [JournalLine(a, debit=eur(c).amount) for a, c in pairs]
    lines.append(JournalLine(Account.REVENUE, credit=sum((ln.debit for ln in lines), Decimal(0))))
    e = JournalEntry(D, "EUR", tuple(lines))
    r = e.reversal(date(2026, 6, 1))
    net: dict[str, Decimal] = {}
    for ln in e.lines + r.lines:
        net[ln.account] = net.get(ln.account, Decimal(0)) + ln.balance
    assert all(v == 0 for v in net.values())
