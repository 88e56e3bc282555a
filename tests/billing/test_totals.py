"""Golden totals of tricky invoices, issued through the service and compared on every artefact.

Each case states its expected amounts by hand (EN 16931 rounding: line net
amounts and each VAT category's VAT rounded half up to two decimals, VAT
computed once per category and rate, never per line), then checks that the
ledger, the UBL and the Factur-X XML all carry them.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from billing_factories import line, make_customer, request

from encaisse.billing import archiving, services
from encaisse.billing.models import ArchivedDocument
from encaisse.formats.einvoice import facturx
from encaisse.formats.einvoice.ubl import read_ubl
from encaisse.ledger.models import Invoice, JournalLine

pytestmark = pytest.mark.django_db

D = Decimal


def _issue(seller, customer, *lines, **fields):  # type: ignore[no-untyped-def]
    return services.create_invoice(request(seller, customer, *lines, **fields), actor="test")


def _artefacts(doc):  # type: ignore[no-untyped-def]
    files = {a.kind: archiving.read_archived(a) for a in ArchivedDocument.objects.filter(invoice=doc.invoice)}
    return read_ubl(files["ubl"]), facturx.extract(files["facturx"])


def _breakdown(document):  # type: ignore[no-untyped-def]
    return [(b.category, b.rate, b.taxable_amount, b.tax_amount) for b in document.vat_breakdown]


def test_discounts_and_mixed_rates(seller, buyer) -> None:
    doc = _issue(
        seller, buyer,
        line("Widgets", "3", "19.99", discount_percent="10"),  # 59.97 − 6.00 (5.997) = 53.97
        line("Books", "1.5", "100", rate="6"),  # 150.00, VAT 9.00
        line("Food", "4", "2.5", rate="0", category="Z"),  # 10.00, no VAT
        line("Training", "1", "20", rate="0", category="E", exemption_reason="Article 44 VAT Code"),
        line("Service", "12", "0.335"),  # 4.02; with the widgets 57.99 at 21 % → 12.1779 → 12.18
    )  # fmt: skip
    inv = doc.invoice
    assert (inv.net_minor, inv.vat_minor, inv.total_minor) == (23799, 2118, 25917)
    ubl, cii = _artefacts(doc)
    expected = [
        ("S", D("21.00"), D("57.99"), D("12.18")),
        ("S", D("6.00"), D("150.00"), D("9.00")),
        ("Z", D("0.00"), D("10.00"), D("0.00")),
        ("E", D("0.00"), D("20.00"), D("0.00")),
    ]
    for document in (ubl, cii):
        assert sorted(_breakdown(document)) == sorted(expected)
        assert document.totals.tax_inclusive == D("259.17")
        assert document.totals.payable == D("259.17")
    assert [ln.net_amount for ln in ubl.lines] == [D("53.97"), D("150.00"), D("10.00"), D("20.00"), D("4.02")]
    exempt = next(b for b in ubl.vat_breakdown if b.category == "E")
    assert exempt.exemption_reason == "Article 44 VAT Code"
    assert [ln.net_minor for ln in inv.lines.all()] == [5397, 15000, 1000, 2000, 402]


def test_vat_is_rounded_once_per_rate_not_per_line(seller, buyer) -> None:
    # 0.50 at 21 % is 0.105 of VAT: per line that would be 3 × 0.11 = 0.33; EN 16931 says 1.50 × 21 % = 0.315 → 0.32.
    doc = _issue(seller, buyer, *(line(f"Item {i}", "1", "0.50") for i in range(3)))
    assert (doc.invoice.net_minor, doc.invoice.vat_minor) == (150, 32)


def test_half_cent_rounds_up(seller, buyer) -> None:
    # 3 × 0.335 = 1.005 → 1.01; 1 × 0.005 → 0.01; VAT 21 % of 1.02 = 0.2142 → 0.21
    doc = _issue(seller, buyer, line("A", "3", "0.335"), line("B", "1", "0.005"))
    ubl, _ = _artefacts(doc)
    assert [ln.net_amount for ln in ubl.lines] == [D("1.01"), D("0.01")]
    assert (doc.invoice.net_minor, doc.invoice.vat_minor, doc.invoice.total_minor) == (102, 21, 123)


def test_many_lines(seller, buyer) -> None:
    specs = [(D(i), (D("0.997") * i).quantize(D("0.001")), "21" if i % 3 else "6") for i in range(1, 61)]
    doc = _issue(
        seller, buyer, *(line(f"Line {i}", str(q), str(p), rate=r) for i, (q, p, r) in enumerate(specs, 1))
    )

    def cents(x: Decimal) -> Decimal:
        return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)

    nets = [cents(q * p) for q, p, _r in specs]
    by_rate: dict[str, Decimal] = {}
    for (_q, _p, r), n in zip(specs, nets, strict=True):
        by_rate[r] = by_rate.get(r, D(0)) + n
    vat = sum(cents(base * D(r) / 100) for r, base in by_rate.items())
    assert doc.invoice.net_minor == int(sum(nets) * 100)
    assert doc.invoice.vat_minor == int(vat * 100)
    assert doc.invoice.lines.count() == 60
    # the same figures, worked out once by hand from the formula above
    assert (doc.invoice.net_minor, doc.invoice.vat_minor) == (7358860, 1159073)


def test_credit_note_carries_the_same_amounts(seller, buyer) -> None:
    original = _issue(
        seller,
        buyer,
        line("Widgets", "3", "19.99", discount_percent="10"),
        line("Books", "1.5", "100", rate="6"),
    )
    credit = services.credit_invoice(original.invoice, actor="test")
    cn = credit.invoice
    assert cn.kind == "credit_note" and cn.credited_invoice == original.invoice
    assert (cn.net_minor, cn.vat_minor, cn.total_minor) == (20397, 2033, 22430)
    ubl, cii = _artefacts(credit)
    assert ubl.type_code == 381 and ubl.is_credit_note
    assert ubl.preceding_invoices[0].number == original.number
    assert cii.totals.tax_inclusive == D("224.30")
    debit = JournalLine.objects.filter(
        entry__source_type="invoice", entry__source_id=cn.pk, account="receivables"
    )
    assert [(ln.debit_minor, ln.credit_minor) for ln in debit] == [(0, 22430)]


def test_foreign_currency_with_vat_in_euro(seller) -> None:
    customer = make_customer(seller, "US1", name="Acme Inc", country="US", vat="", language="en")
    doc = _issue(seller, customer, line("Licence", "4", "250.00"), currency="USD", exchange_rate="0.9234")
    inv = doc.invoice
    assert (inv.currency, inv.net_minor, inv.vat_minor, inv.total_minor) == ("USD", 100000, 21000, 121000)
    # 1000.00 × 0.9234 = 923.40 EUR; VAT 210.00 × 0.9234 = 193.914 → 193.91 EUR (BT-111)
    assert inv.rate_to_functional == D("0.9234")
    assert inv.total_functional_minor == 92340 + 19391
    ubl, cii = _artefacts(doc)
    for document in (ubl, cii):
        assert document.currency == "USD" and document.tax_currency == "EUR"
        assert document.totals.vat_total == D("210.00")
        assert document.totals.vat_total_accounting == D("193.91")
    lines = {
        ln.account: (ln.debit_minor, ln.credit_minor, ln.amount_currency_minor)
        for ln in JournalLine.objects.filter(entry__source_type="invoice", entry__source_id=inv.pk)
    }
    assert lines["receivables"] == (111731, 0, 121000)
    assert lines["revenue"][1] == 92340 and lines["vat_payable"][1] == 19391
    assert Invoice.objects.get(pk=inv.pk).open_minor == 121000
