"""Invoices and credit notes to render, and what the tests read back from a PDF."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal as D

import pypdf
import pypdfium2 as pdfium
import zxingcpp

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
    name="Brasserie Østergaard SRL",
    address=Address(country="BE", lines=("Rue de la Loi 16",), city="Bruxelles", postcode="1000"),
    legal_id=Identifier("0123456749", "0208"),
    vat_id="BE0123456749",
    endpoint=Identifier("0123456749", "0208"),
    contact=Contact(phone="+32 2 123 45 67", email="ar@example.be"),
)
BUYER = Party(
    name="Müller & Söhne GmbH",
    address=Address(country="DE", lines=("Hauptstraße 5",), city="Köln", postcode="50667"),
    legal_id=Identifier("HRB 12345"),
    vat_id="DE123456789",
    endpoint=Identifier("DE123456789", "9930"),
)
IBAN = "BE71096123456769"
OGM = "090933755493"  # +++090/9337/55493+++
RF = "RF18539007547034"  # RF18 5390 0754 7034


def transfer(remittance: str | None = OGM, **fields: object) -> PaymentMeans:
    values: dict[str, object] = {"code": "30", "remittance": remittance, "account_id": IBAN, "bic": "GKCCBEBB",
                                 "account_name": "Brasserie Østergaard SRL"}  # fmt: skip
    values.update(fields)
    return PaymentMeans(**values)  # type: ignore[arg-type]


def line(n: int, qty: str, price: str, rate: str = "21", category: str = "S", **fields: object) -> Line:
    values: dict[str, object] = {"name": f"Article {n}"}
    values.update(fields)
    return Line(
        id=str(n),
        quantity=D(qty),
        unit_code="C62",
        net_price=D(price),
        vat_category=category,
        vat_rate=None if category == "O" else D(rate),
        **values,
    )  # type: ignore[arg-type]


def invoice(**overrides: object) -> Document:
    """A one-page EUR invoice: two VAT rates, a line discount, a document discount, an OGM."""
    fields: dict[str, object] = dict(
        number="F-2026-00042",
        issue_date=date(2026, 3, 2),
        due_date=date(2026, 4, 1),
        seller=SELLER,
        buyer=BUYER,
        lines=(
            line(
                1,
                "3",
                "19.99",
                name="Bière blonde",
                allowances_charges=(allowance(D("59.97"), D("10"), reason="Volume"),),
            ),
            line(2, "1.5", "1000", rate="6", name="Straße fermentée", description="Cuve inox, réf. ø 40 cm"),
            line(3, "12", "0.335", name="Capsules"),
        ),
        allowances_charges=(
            allowance(D("100"), D("2"), reason="Fidélité", vat_category="S", vat_rate=D("21")),
        ),
        buyer_reference="PO-4711",
        order_reference="ORD-99",
        payment_terms="30 days net",
        payment_means=(transfer(),),
        notes=("Merci pour votre confiance.",),
    )
    fields.update(overrides)
    return build_document(**fields)  # type: ignore[arg-type]


def credit_note(**overrides: object) -> Document:
    fields: dict[str, object] = dict(number="CN-2026-00007", type_code=381,
                                     preceding_invoices=(PrecedingInvoice("F-2026-00042", date(2026, 3, 2)),))  # fmt: skip
    fields.update(overrides)
    return invoice(**fields)


def long_invoice(count: int = 120) -> Document:
    return invoice(lines=tuple(line(i, "2", "12.50", name=f"Service line {i:03d}",
                                    description="Maintenance of the brewing installation, monthly visit."
                                    if i % 2 else None) for i in range(1, count + 1)))  # fmt: skip


def normalise(text: str) -> str:
    """Text with every kind of space as one plain space (Babel uses no-break and narrow spaces)."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


def page_texts(pdf: bytes) -> list[str]:
    return [normalise(page.extract_text()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def text_of(pdf: bytes) -> str:
    return " ".join(page_texts(pdf))


def qr_codes(pdf: bytes, page: int = 0) -> list[bytes]:
    """The raw contents of the QR codes found on a page rasterised at 216 dpi."""
    document = pdfium.PdfDocument(pdf)
    try:
        bitmap = document[page].render(scale=3, grayscale=True)
        image = bitmap.to_numpy().copy()
    finally:
        document.close()
    return [r.bytes for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


def rightmost_character(pdf: bytes, page: int = 0) -> tuple[float, float]:
    """The right edge of the rightmost character of a page, and the page's width (points)."""
    document = pdfium.PdfDocument(pdf)
    try:
        text_page = document[page].get_textpage()
        right = max((text_page.get_charbox(i)[2] for i in range(text_page.count_chars())), default=0.0)
        return right, document[page].get_width()
    finally:
        document.close()
