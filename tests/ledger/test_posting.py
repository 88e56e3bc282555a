"""Allocations: open amounts, reversals, FX settlement and the ledger's invariants."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from encaisse.ledger.checks import check
from encaisse.ledger.models import Allocation, Customer, Entity, ImmutableRowError, Invoice
from encaisse.ledger.posting import (
    AllocationRefused,
    AllocationRequest,
    post_allocations,
    reverse_allocations,
)

ISSUE = date(2026, 1, 10)


def make_invoice(entity: Entity, customer: Customer, number: str, total: int, *, currency: str = "EUR",
                 rate: Decimal = Decimal(1), kind: str = "invoice", due: date = date(2026, 2, 10)) -> Invoice:  # fmt: skip
    functional = int((Decimal(total) * rate).quantize(Decimal(1)))
    inv = Invoice.objects.create(
        entity=entity, customer=customer, kind=kind, number=number, issue_date=ISSUE, due_date=due,
        currency=currency, net_minor=total, vat_minor=0, total_minor=total, open_minor=total,
        rate_to_functional=rate, total_functional_minor=functional,
    )  # fmt: skip
    # book it as the import does, so that the journal matches the open items
    from encaisse.core.ledger import invoice_entry
    from encaisse.core.money import Money
    from encaisse.ledger.posting import post_entries

    post_entries([(entity, invoice_entry(on=ISSUE, functional="EUR", net=Money.from_minor(functional, "EUR"),
                                         vat=Money.zero("EUR"), credit_note=kind == "credit_note"), "test", inv.pk)])  # fmt: skip
    return inv


@pytest.fixture
def customer(entity):  # type: ignore[no-untyped-def]
    return Customer.objects.create(entity=entity, external_id="C1", name="Acme SA")


def req(
    inv: Invoice, amount: int, on: date = date(2026, 2, 1), kind: str = "invoice", **kw: object
) -> AllocationRequest:
    return AllocationRequest(
        kind=kind, amount_minor=amount, currency=inv.currency, effective_date=on, invoice_id=inv.pk, **kw
    )  # type: ignore[arg-type]


def test_partial_then_full_payment(entity, customer) -> None:  # type: ignore[no-untyped-def]
    inv = make_invoice(entity, customer, "A1", 10000)
    post_allocations(entity, [req(inv, 4000)])
    post_allocations(entity, [req(inv, 6000, date(2026, 3, 1))])
    inv.refresh_from_db()
    assert inv.open_minor == 0
    assert check([date(2026, 1, 31), date(2026, 2, 1), date(2026, 3, 1)]) == []


def test_over_allocation_and_wrong_currency_refused_nothing_posted(entity, customer) -> None:  # type: ignore[no-untyped-def]
    inv = make_invoice(entity, customer, "A1", 10000)
    with pytest.raises(AllocationRefused) as refused:
        post_allocations(entity, [req(inv, 5000), req(inv, 6000),
                                  AllocationRequest(kind="invoice", amount_minor=1, currency="USD",
                                                    effective_date=date(2026, 2, 1), invoice_id=inv.pk)])  # fmt: skip
    assert len(refused.value.problems) == 2
    assert Allocation.objects.count() == 0
    inv.refresh_from_db()
    assert inv.open_minor == 10000


def test_allocation_before_issue_date_refused(entity, customer) -> None:  # type: ignore[no-untyped-def]
    inv = make_invoice(entity, customer, "A1", 10000)
    with pytest.raises(AllocationRefused, match="before the item was issued"):
        post_allocations(entity, [req(inv, 100, date(2025, 12, 1))])


def test_reversal_restores_open_amount_and_is_not_repeatable(entity, customer) -> None:  # type: ignore[no-untyped-def]
    inv = make_invoice(entity, customer, "A1", 10000)
    post_allocations(entity, [req(inv, 10000)])
    alloc = Allocation.objects.get()
    reverse_allocations(entity, [alloc.pk], on=date(2026, 2, 5))
    inv.refresh_from_db()
    assert inv.open_minor == 10000
    assert Allocation.objects.count() == 2
    with pytest.raises(AllocationRefused, match="already reversed"):
        reverse_allocations(entity, [alloc.pk], on=date(2026, 2, 6))
    with pytest.raises(ImmutableRowError):
        alloc.delete()
    assert check([date(2026, 2, 1), date(2026, 2, 5)]) == []


def test_credit_note_applied_moves_nothing_in_the_gl(entity, customer) -> None:  # type: ignore[no-untyped-def]
    inv = make_invoice(entity, customer, "A1", 10000)
    cn = make_invoice(entity, customer, "CN1", 2500, kind="credit_note")
    post_allocations(entity, [req(inv, 2500, kind="credit_note", credit_note_id=cn.pk),
                              req(cn, 2500, kind="credit_note", credit_note_id=inv.pk)])  # fmt: skip
    assert Invoice.objects.get(pk=cn.pk).open_minor == 0
    assert Invoice.objects.get(pk=inv.pk).open_minor == 7500
    assert check([date(2026, 2, 1)]) == []


def test_foreign_currency_partial_settlements_leave_no_residue(entity, customer) -> None:  # type: ignore[no-untyped-def]
    inv = make_invoice(
        entity, customer, "USD1", 100000, currency="USD", rate=Decimal("0.9")
    )  # carried at 900.00 EUR
    post_allocations(entity, [req(inv, 33333, payment_rate=Decimal("0.95"))])
    post_allocations(entity, [req(inv, 33333, date(2026, 2, 15), payment_rate=Decimal("0.85"))])
    post_allocations(entity, [req(inv, 33334, date(2026, 3, 1), payment_rate=Decimal("0.91"))])
    allocs = list(Allocation.objects.order_by("id"))
    assert sum(a.functional_minor for a in allocs) == 90000  # exactly what was carried
    # 333.33 × 0.95 = 316.66 for 300.00 carried; 283.33 for 300.00; the last closes 300.00 with 303.34
    assert [a.fx_minor for a in allocs] == [1666, -1667, 334]
    assert check([date(2026, 2, 1), date(2026, 3, 1)]) == []


def test_tampered_open_amount_is_found_by_ledger_check(entity, customer) -> None:  # type: ignore[no-untyped-def]
    inv = make_invoice(entity, customer, "A1", 10000)
    post_allocations(entity, [req(inv, 4000)])
    Invoice.objects.filter(pk=inv.pk).update(open_minor=5000)
    problems = check([date(2026, 2, 1)])
    assert any("A1" in p and "cached open amount" in p for p in problems)


class TestAllocationProperties(TestCase):
    """Random allocation sequences keep every invariant (hypothesis over the real database)."""

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.lists(
            st.tuples(st.integers(0, 2), st.integers(1, 6000), st.integers(0, 40), st.booleans()), max_size=12
        )
    )
    def test_allocations_never_exceed_open_and_ledger_stays_consistent(
        self, steps: list[tuple[int, int, int, bool]]
    ) -> None:
        entity = Entity.objects.create(code="p", legal_name="P", country="BE")
        customer = Customer.objects.create(entity=entity, external_id="C", name="C")
        invoices = [make_invoice(entity, customer, f"P{i}", 5000 * (i + 1)) for i in range(3)]
        for which, amount, day, undo in steps:
            inv = Invoice.objects.get(pk=invoices[which].pk)
            when = date(2026, 2, 1 + day % 28)
            try:
                post_allocations(entity, [req(inv, amount, when)])
            except AllocationRefused:
                assert amount > inv.open_minor
                continue
            if undo:
                last = Allocation.objects.filter(invoice=inv, reverses__isnull=True).order_by("-id").first()
                assert last is not None
                reverse_allocations(entity, [last.pk], on=when)
        for inv in Invoice.objects.filter(entity=entity):
            assert 0 <= inv.open_minor <= inv.total_minor
        assert check([date(2026, 1, 31), date(2026, 2, 15), date(2026, 3, 31)]) == []


def test_write_off_marks_the_invoice_written_off(entity, customer) -> None:  # type: ignore[no-untyped-def]
    inv = make_invoice(entity, customer, "W1", 10000)
    post_allocations(entity, [req(inv, 3000), req(inv, 7000, kind="write_off")])
    inv.refresh_from_db()
    assert inv.written_off and inv.status(date(2026, 3, 1)) == "written_off"
    assert check([date(2026, 3, 1)]) == []
