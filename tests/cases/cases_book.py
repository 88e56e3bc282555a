"""A small receivables book, people and a billing-ready entity for the case tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import Group, User

from encaisse.billing.models import BillingProfile, CustomerBilling
from encaisse.ledger.importing import import_customers, import_invoices
from encaisse.ledger.models import Customer, Entity, EntityGrant, Invoice
from encaisse.ledger.roles import ensure_roles

DAYS = [date(2026, 3, 31), date(2026, 6, 30)]
CUSTOMERS = "id,name,entity\nC1,Brasserie Dupont SA,be\nC2,Bakkerij Peeters BV,be\nF1,Fromagerie Martin,fr\n"
INVOICES = (
    "number,customer_id,issue_date,due_date,currency,total,entity\n"
    "B-1,C1,2026-02-01,2026-03-03,EUR,1210.00,be\n"
    "B-2,C1,2026-02-10,2026-03-12,EUR,500.00,be\n"
    "B-3,C2,2026-02-05,2026-03-07,EUR,242.00,be\n"
    "F-1,F1,2026-02-01,2026-03-03,EUR,300.00,fr\n"
)


def load_book(entity: Entity, write: Any) -> dict[str, Any]:
    other = Entity.objects.create(code="fr", legal_name="Demo France SAS", country="FR")
    import_customers(write("c.csv", CUSTOMERS))
    import_invoices(write("i.csv", INVOICES))
    return {"be": entity, "fr": other, **{i.number: i for i in Invoice.objects.all()}}


def invoice(number: str) -> Invoice:
    return Invoice.objects.get(number=number)


def make_people() -> dict[str, User]:
    ensure_roles()
    made = {}
    for name, role in (("clerk", "ar_clerk"), ("manager", "credit_manager"), ("auditor", "auditor")):
        user = User.objects.create_user(name, password="a-long-password-1")
        user.groups.add(Group.objects.get(name=role))
        for ent in Entity.objects.filter(code="be"):
            EntityGrant.objects.create(user=user, entity=ent)
        made[name] = user
    return made


def make_billing_ready(entity: Entity) -> Customer:
    """Give the entity what an EN 16931 / Peppol invoice needs; a customer with billing details."""
    Entity.objects.filter(pk=entity.pk).update(
        vat_number="BE0123456749", company_id="0123456749", ibans=["BE71096123456769"], bic="GKCCBEBB"
    )
    entity.refresh_from_db()
    BillingProfile.objects.create(entity=entity, address_lines=["Rue de la Loi 16"], city="Bruxelles",
                                  postcode="1000", company_id_scheme="0208", contact_email="ar@demo.be")  # fmt: skip
    customer = Customer.objects.create(entity=entity, external_id="B1", name="Acheteur SA", country="BE",
                                       vat_number="BE0202239951", language="fr", emails=["ap@acheteur.be"])  # fmt: skip
    CustomerBilling.objects.create(
        customer=customer, address_lines=["Meir 1"], city="Antwerpen", postcode="2000"
    )
    return customer


def issue_invoice(entity: Entity, customer: Customer, price: str = "1000.00") -> Invoice:
    from encaisse.billing.services import create_invoice

    doc = create_invoice(
        {"entity": entity.code, "customer": customer.external_id, "currency": "EUR", "issue_date": "2026-03-02",
         "lines": [{"description": "Consulting", "quantity": "1", "unit_price": price, "vat_rate": "21",
                    "vat_category": "S"}]},
        actor="test",
    )  # fmt: skip
    assert doc.invoice is not None
    return doc.invoice
