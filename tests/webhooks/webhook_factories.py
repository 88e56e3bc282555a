"""A billing-ready seller, customers, invoices issued through billing, endpoints, for the webhook tests."""

from __future__ import annotations

from typing import Any

from encaisse.billing.models import BillingProfile, CustomerBilling
from encaisse.ledger.models import Customer, Entity, Invoice
from encaisse.webhooks import services
from encaisse.webhooks.models import WebhookEndpoint


def make_seller(code: str = "be") -> Entity:
    entity = Entity.objects.create(
        code=code, legal_name="Demo Belgium SA", country="BE", vat_number="BE0123456749", company_id="0123456749",
        functional_currency="EUR", ibans=["BE71096123456769"], bic="GKCCBEBB", reference_scheme="ogm",
    )  # fmt: skip
    BillingProfile.objects.create(
        entity=entity, address_lines=["Rue de la Loi 16"], city="Bruxelles", postcode="1000",
        company_id_scheme="0208", contact_email="ar@demo.be",
    )  # fmt: skip
    return entity


def make_customer(entity: Entity, external_id: str = "C1") -> Customer:
    customer = Customer.objects.create(
        entity=entity, external_id=external_id, name="Acheteur SA", country="BE", vat_number="BE0202239951",
        language="fr", emails=["ap@acheteur.be"],
    )  # fmt: skip
    CustomerBilling.objects.create(
        customer=customer, address_lines=["Meir 1"], city="Antwerpen", postcode="2000"
    )
    return customer


def issue_invoice(entity: Entity, customer: Customer, price: str = "1000.00", **extra: Any) -> Invoice:
    from encaisse.billing.services import create_invoice

    doc = create_invoice(
        {"entity": entity.code, "customer": customer.external_id, "currency": "EUR", "issue_date": "2026-03-02",
         "lines": [{"description": "Consulting", "quantity": "1", "unit_price": price, "vat_rate": "21",
                    "vat_category": "S"}], **extra},
        actor="test",
    )  # fmt: skip
    assert doc.invoice is not None
    return doc.invoice


def endpoint(entity: Entity, url: str, *events: str) -> tuple[WebhookEndpoint, str]:
    made = services.create_endpoint(entity, url, events=list(events) or ["*"], actor="test")
    return made.endpoint, made.secret
