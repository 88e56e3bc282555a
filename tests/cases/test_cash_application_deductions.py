"""Cash application opens a deduction case for every deduction it posts, once."""

from __future__ import annotations

import doctest
from datetime import date

import pytest
from cashapp_book import CUSTOMERS, OGM1, OWN_IBAN, invoices_csv, load, tx

from encaisse.cases import services
from encaisse.cases.models import Case
from encaisse.cashapp import services as cashapp
from encaisse.cashapp.models import MatchDecision
from encaisse.core.references import format_ogm
from encaisse.ledger.checks import check
from encaisse.ledger.importing import import_customers, import_invoices
from encaisse.ledger.models import Allocation, Invoice


@pytest.fixture
def book(entity, write):  # type: ignore[no-untyped-def]
    entity.ibans = [OWN_IBAN]
    entity.save()
    import_customers(write("c.csv", CUSTOMERS))
    import_invoices(write("i.csv", invoices_csv()))
    return entity


def test_short_payment_opens_one_deduction_case_and_rerun_adds_none(book, write) -> None:  # type: ignore[no-untyped-def]
    load(write, [tx(1, "1206.50", text=format_ogm(OGM1), ref=OGM1), tx(2, "242.00", text="F-2026-0103")])
    cashapp.match(book, today=date(2026, 3, 6))
    deduction = Allocation.objects.get(kind="deduction")
    case = Case.objects.get()
    assert (case.type, case.source, case.deduction, case.amount_minor) == (
        "deduction", "cash_application", deduction, 350)  # fmt: skip
    assert case.reason.code == "bank_charges"
    assert [i.invoice.number for i in case.items.all()] == ["F-2026-0101"]
    decision = MatchDecision.objects.get(transaction__bank_reference="BANKREF0001", is_current=True)
    assert services.open_deduction_cases(book, [decision]) == []
    assert services.open_deduction_cases(book, [deduction.pk]) == []
    cashapp.match(book, today=date(2026, 3, 7))
    assert Case.objects.count() == 1
    inv = Invoice.objects.get(number="F-2026-0101")
    assert services.disputed_invoice_ids([book.pk]) == {inv.pk}
    services.resolve(case, "rejected", actor="collector", on=date(2026, 3, 9))
    assert Invoice.objects.get(pk=inv.pk).open_minor == 350  # owed again: back to collections
    assert check([date(2026, 3, 31)]) == []


def test_unapplied_payment_then_rematched_opens_a_new_case_for_the_new_deduction(book, write) -> None:  # type: ignore[no-untyped-def]
    load(write, [tx(1, "1206.50", text=format_ogm(OGM1), ref=OGM1)])
    cashapp.match(book, today=date(2026, 3, 6))
    first = Case.objects.get()
    services.resolve(first, "rejected", actor="clerk", on=date(2026, 3, 7))
    # the case reversed its deduction; the remaining 3.50 is open and not a deduction any more
    assert services.open_deduction_cases(book, list(Allocation.objects.values_list("pk", flat=True))) == []


def test_reason_proposals_are_documented_examples() -> None:
    result = doctest.testmod(services, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.django_db
def test_bank_charges_note_compares_with_the_matching_tolerance_in_the_deductions_currency() -> None:
    from types import SimpleNamespace

    from encaisse.cashapp.models import MatchSettingsRow
    from encaisse.ledger.models import Entity

    se = Entity.objects.create(code="se", legal_name="Demo AB", country="SE", functional_currency="SEK")
    tolerance = services._charge_tolerances(se)
    assert (tolerance("SEK"), tolerance("EUR")) == (25000, 2500)  # 250 kr, 25 EUR's worth

    def note(entity_tolerance, minor: int, currency: str = "SEK") -> str:  # type: ignore[no-untyped-def]
        inv = SimpleNamespace(discount_days=None, issue_date=date(2026, 3, 1))
        a = SimpleNamespace(amount_minor=minor, currency=currency, effective_date=date(2026, 3, 20))
        return services._terms_note(entity_tolerance, inv, a, "bank_charges")  # type: ignore[arg-type]

    assert note(tolerance, 12000) == ""  # 120 kr of charges: within the tolerance in kronor
    assert note(tolerance, 30000) == "; bank charges over the tolerance"
    MatchSettingsRow.objects.create(entity=se, charge_tolerance_minor=10000)  # the entity's own 100 kr
    assert note(services._charge_tolerances(se), 12000) == "; bank charges over the tolerance"
