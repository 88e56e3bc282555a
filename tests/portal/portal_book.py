"""A small book for the portal tests: a seller, a group customer with two accounts, a stranger, their invoices.

Invoices are ledger invoices with lines and archived files (a PDF, a UBL and a
Factur-X stand-in, stored the way billing archives what it issues).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client

from encaisse.billing.archiving import archive_file
from encaisse.billing.models import ArchiveKind
from encaisse.core import references
from encaisse.ledger.models import Customer, Entity, Invoice, InvoiceLine

PASSWORD = "correct-horse-battery-staple"
UBL = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>%s</ID></Invoice>\n'
)


class LightArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 1024
    parallelism = 1


@dataclass
class Book:
    entity: Entity
    acme: Customer
    acme_nl: Customer
    other: Customer
    invoices: dict[str, Invoice] = field(default_factory=dict)


def make_invoice(
    customer: Customer, number: str, *, amount: str = "100.00", issue_date: date = date(2026, 3, 2),
    due_days: int = 30, currency: str = "EUR", files: tuple[str, ...] = ("pdf", "ubl", "facturx"),
    credit_note: bool = False, lines: tuple[tuple[str, str], ...] = (),
) -> Invoice:  # fmt: skip
    """An invoice of ``amount`` net + 21 % VAT (lines: (description, net) pairs adding up to it)."""
    net = int(Decimal(amount) * 100)
    vat = int((Decimal(net) * Decimal("0.21")).quantize(Decimal(1)))
    digits = "".join(c for c in number if c.isdigit())[-10:].rjust(10, "0")
    invoice = Invoice.objects.create(
        entity=customer.entity, customer=customer, kind="credit_note" if credit_note else "invoice", number=number,
        issue_date=issue_date, due_date=issue_date + timedelta(days=due_days), currency=currency, net_minor=net,
        vat_minor=vat, total_minor=net + vat, open_minor=net + vat, total_functional_minor=net + vat,
        structured_reference="" if credit_note else references.create_ogm(digits), source="tests",
    )  # fmt: skip
    for position, (description, line_net) in enumerate(lines or (("Consulting", amount),), start=1):
        InvoiceLine.objects.create(
            invoice=invoice, position=position, description=description, quantity=Decimal(1),
            unit_price=Decimal(line_net), net_minor=int(Decimal(line_net) * 100), vat_rate=Decimal(21),
        )  # fmt: skip
    common = {"entity": customer.entity, "customer": customer, "invoice": invoice, "number": number,
              "issue_date": issue_date, "amount_minor": net + vat, "currency": currency}  # fmt: skip
    if "pdf" in files:
        archive_file(b"%PDF-1.7\n% invoice " + number.encode() + b"\n%%EOF\n", kind=ArchiveKind.PDF,
                     filename=f"{number}.pdf", content_type="application/pdf", **common)  # fmt: skip
    if "ubl" in files:
        archive_file(UBL % number.encode(), kind=ArchiveKind.UBL, filename=f"{number}.xml",
                     content_type="application/xml", **common)  # fmt: skip
    if "facturx" in files:
        archive_file(b"%PDF-1.7\n% factur-x " + number.encode() + b"\n%%EOF\n", kind=ArchiveKind.FACTURX,
                     filename=f"{number}-facturx.pdf", content_type="application/pdf", **common)  # fmt: skip
    return invoice


def make_book(entity: Entity) -> Book:
    entity.ibans = ["BE71096123456769"]
    entity.bic = "GKCCBEBB"
    entity.save()
    acme = Customer.objects.create(entity=entity, external_id="ACME", name="Acme SA", country="BE",
                                   language="fr", emails=["ap@acme.example"])  # fmt: skip
    acme_nl = Customer.objects.create(entity=entity, external_id="ACME-NL", name="Acme Nederland BV", country="NL",
                                      language="nl", emails=["ap@acme.nl"], parent=acme)  # fmt: skip
    other = Customer.objects.create(entity=entity, external_id="OTHER", name="Other Corp", country="BE",
                                    emails=["ap@other.example"])  # fmt: skip
    book = Book(entity, acme, acme_nl, other)
    add = book.invoices.__setitem__
    # due 2026-04-01: overdue on 2026-04-15
    add("A-1", make_invoice(acme, "A-1", amount="100.00", lines=(("Audit", "60.00"), ("Travel", "40.00"))))
    # due 2026-05-10: open
    add("A-2", make_invoice(acme, "A-2", amount="200.00", issue_date=date(2026, 4, 10)))
    add("A-USD", make_invoice(acme, "A-USD", amount="50.00", currency="USD", files=("pdf",)))
    add("NL-1", make_invoice(acme_nl, "NL-1", amount="300.00", issue_date=date(2026, 4, 1)))
    add("A-CN", make_invoice(acme, "A-CN", amount="10.00", credit_note=True, files=("pdf",)))
    add("O-1", make_invoice(other, "O-1", amount="999.00"))
    return book


def signed_in_client(user: object, **kwargs: object) -> Client:
    """A test client whose session is signed in to the portal as ``user`` (the real sign-in page)."""
    client = Client(**kwargs)  # type: ignore[arg-type]
    response = client.post("/portal/sign-in/", {"method": "password", "pw-email": user.email,  # type: ignore[attr-defined]
                                                "pw-password": PASSWORD})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    return client
