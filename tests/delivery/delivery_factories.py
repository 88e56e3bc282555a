"""Sellers, customers and invoices for the delivery tests, the crash script and the benchmark.

:func:`make_invoice` books a ledger invoice and archives its PDF (rendered by
``formats.pdf``) and its Peppol UBL the way billing archives what it issues
(``billing.archiving.archive_file``), without the cost of billing's full
issuing run; one test issues through billing itself.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from encaisse.billing import archiving
from encaisse.billing.documents import buyer_party, customer_billing, profile_for, seller_party
from encaisse.billing.models import ArchiveKind, BillingProfile, CustomerBilling
from encaisse.core import references
from encaisse.formats.einvoice.model import Line, PaymentMeans
from encaisse.formats.einvoice.totals import build_document
from encaisse.formats.einvoice.ubl import write_ubl
from encaisse.formats.pdf import render_pdf
from encaisse.ledger.models import Customer, Entity, Invoice


def make_seller(code: str = "be", **fields: Any) -> Entity:
    entity = Entity.objects.create(
        code=code, legal_name=fields.pop("legal_name", "Demo Belgium SA"), country="BE", vat_number="BE0123456749",
        company_id="0123456749", functional_currency="EUR", ibans=["BE71096123456769"], bic="GKCCBEBB",
        reference_scheme="ogm", **fields,
    )  # fmt: skip
    BillingProfile.objects.create(
        entity=entity, address_lines=["Rue de la Loi 16"], city="Bruxelles", postcode="1000",
        company_id_scheme="0208", contact_email="ar@demo.be",
    )  # fmt: skip
    return entity


def make_customer(
    entity: Entity, external_id: str = "C1", *, name: str = "Acheteur SA", language: str = "fr",
    emails: list[str] | None = None, vat: str = "BE0202239951", endpoint: str = "", address: bool = True,
) -> Customer:  # fmt: skip
    customer = Customer.objects.create(
        entity=entity, external_id=external_id, name=name, country="BE", vat_number=vat, language=language,
        emails=["ap@acheteur.be"] if emails is None else emails,
    )  # fmt: skip
    if address:
        scheme, _, value = endpoint.partition(":")
        CustomerBilling.objects.create(
            customer=customer, address_lines=["Meir 1"], city="Antwerpen", postcode="2000",
            endpoint_scheme=scheme if value else "", endpoint_id=value,
        )  # fmt: skip
    return customer


def make_invoice(
    customer: Customer, number: str, *, amount: str = "100.00", issue_date: date = date(2026, 3, 2),
    pdf: bool = True, ubl: bool = True, credit_note: bool = False,
) -> Invoice:  # fmt: skip
    entity = customer.entity
    digits = "".join(c for c in number if c.isdigit())[-10:].rjust(10, "0")
    reference = references.create_ogm(digits)
    document = build_document(
        number=number, issue_date=issue_date, type_code=381 if credit_note else 380,
        seller=seller_party(entity, profile_for(entity)), buyer=buyer_party(customer, customer_billing(customer)),
        lines=[Line(id="1", quantity=Decimal(1), unit_code="C62", name="Consulting", net_price=Decimal(amount),
                    vat_category="S", vat_rate=Decimal(21))],
        currency="EUR", due_date=issue_date + timedelta(days=30), buyer_reference=customer.external_id,
        payment_means=() if credit_note else (PaymentMeans(code="30", remittance=references.format_ogm(reference),
                                                           account_id=entity.ibans[0]),),
    )  # fmt: skip
    net = int(document.totals.tax_exclusive * 100)
    vat = int((document.totals.vat_total or 0) * 100)
    invoice = Invoice.objects.create(
        entity=entity, customer=customer, kind="credit_note" if credit_note else "invoice", number=number,
        issue_date=issue_date, due_date=issue_date + timedelta(days=30), currency="EUR", net_minor=net,
        vat_minor=vat, total_minor=net + vat, open_minor=net + vat, total_functional_minor=net + vat,
        structured_reference=reference, source="tests",
    )  # fmt: skip
    common = {"entity": entity, "customer": customer, "invoice": invoice, "number": number, "issue_date": issue_date,
              "amount_minor": net + vat, "currency": "EUR"}  # fmt: skip
    if pdf:
        data = render_pdf(
            document, language=customer.language if customer.language in ("fr", "en", "nl", "de") else "en"
        )
        archiving.archive_file(data, kind=ArchiveKind.PDF, filename=f"{number}.pdf", content_type="application/pdf",
                               **common)  # fmt: skip
    if ubl:
        archiving.archive_file(write_ubl(document), kind=ArchiveKind.UBL, filename=f"{number}.xml",
                               content_type="application/xml", **common)  # fmt: skip
    return invoice
