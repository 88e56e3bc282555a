"""Sample parties and documents for the e-invoice tests and the benchmark."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from encaisse.formats.einvoice.model import (
    Address,
    Contact,
    Document,
    Identifier,
    Line,
    Party,
    PaymentMeans,
    PrecedingInvoice,
)
from encaisse.formats.einvoice.totals import allowance, build_document

SELLER = Party(
    name="Encaisse Demo SRL",
    trading_name="Encaisse Demo",
    address=Address(country="BE", lines=("Rue de la Loi 16",), city="Bruxelles", postcode="1000"),
    legal_id=Identifier("0123456749", "0208"),
    vat_id="BE0123456749",
    endpoint=Identifier("0123456749", "0208"),
    contact=Contact(name="Accounts receivable", phone="+32 2 123 45 67", email="ar@example.be"),
)
BUYER = Party(
    name="Acheteur SA",
    address=Address(country="BE", lines=("Meir 1", "Bus 3"), city="Antwerpen", postcode="2000"),
    legal_id=Identifier("0202239951", "0208"),
    vat_id="BE0202239951",
    endpoint=Identifier("0202239951", "0208"),
)
FOREIGN_BUYER = Party(
    name="Käufer GmbH",
    address=Address(country="DE", lines=("Hauptstraße 5",), city="Köln", postcode="50667"),
    vat_id="DE123456789",
    endpoint=Identifier("DE123456789", "9930"),
)
TRANSFER = PaymentMeans(code="30", remittance="+++090/9337/55493+++", account_id="BE71096123456769", bic="GKCCBEBB",
                        account_name="Encaisse Demo SRL")  # fmt: skip


def line(n: int, qty: str, price: str, rate: str = "21", category: str = "S", **fields: object) -> Line:
    return Line(
        id=str(n),
        quantity=D(qty),
        unit_code="C62",
        name=f"Article {n}",
        net_price=D(price),
        vat_category=category,
        vat_rate=None if category == "O" else D(rate),
        **fields,
    )  # type: ignore[arg-type]


def sample_invoice(**overrides: object) -> Document:
    """A Belgian B2B invoice: two rates, a line discount, a document discount, a PDF attachment."""
    fields: dict[str, object] = dict(
        number="INV-2026-0001",
        issue_date=date(2026, 3, 2),
        due_date=date(2026, 4, 1),
        seller=SELLER,
        buyer=BUYER,
        lines=(
            line(
                1,
                "3",
                "19.99",
                allowances_charges=(allowance(D("59.97"), D("10"), reason="Volume discount"),),
            ),
            line(2, "1.5", "100", rate="6", description="Books"),
            line(3, "12", "0.335"),
        ),
        allowances_charges=(
            allowance(D("100"), D("2"), reason="Loyalty", vat_category="S", vat_rate=D("21")),
        ),
        buyer_reference="PO-4711",
        payment_terms="30 days net",
        payment_means=(TRANSFER,),
        notes=("Thank you for your business.",),
    )
    fields.update(overrides)
    return build_document(**fields)  # type: ignore[arg-type]


def sample_credit_note() -> Document:
    return sample_invoice(number="CN-2026-0001", type_code=381,
                          preceding_invoices=(PrecedingInvoice("INV-2026-0001", date(2026, 3, 2)),))  # fmt: skip
