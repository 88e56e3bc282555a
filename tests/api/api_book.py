"""A small receivables book for the API tests, and a client that speaks to the API with a token."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from billing_factories import make_customer, make_seller
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from encaisse.api.tokens import create_token
from encaisse.ledger.models import Customer, Entity, EntityGrant, Invoice
from encaisse.ledger.roles import ensure_roles

BASE = "/api/v1"


class Api:
    """Calls the API with a bearer token (``None``: no Authorization header)."""

    def __init__(self, token: str | None) -> None:
        self.token = token
        self.client = Client()

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        out = dict(headers or {})
        if self.token is not None:
            out.setdefault("Authorization", f"Bearer {self.token}")
        return out

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.get(BASE + path, params or {}, headers=self._headers(headers))

    def post(self, path: str, body: Any = None, *, key: str | None = None, **headers: str) -> Any:
        h = self._headers(headers)
        if key is not None:
            h["Idempotency-Key"] = key
        data = json.dumps(body if body is not None else {})
        return self.client.post(BASE + path, data, content_type="application/json", headers=h)

    def upload(self, path: str, name: str, content: bytes, *, key: str | None = None, **fields: str) -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile

        h = self._headers({})
        if key is not None:
            h["Idempotency-Key"] = key
        return self.client.post(BASE + path, {"file": SimpleUploadedFile(name, content), **fields}, headers=h)


def ledger_invoice(
    entity: Entity, customer: Customer, number: str, due: date, total: str = "121.00", *,
    issue: date | None = None, kind: str = "invoice", open_amount: str | None = None,
) -> Invoice:  # fmt: skip
    total_minor = int(Decimal(total) * 100)
    net = total_minor * 100 // 121
    return Invoice.objects.create(
        entity=entity, customer=customer, kind=kind, number=number, issue_date=issue or date(2026, 1, 1),
        due_date=due, currency="EUR", net_minor=net, vat_minor=total_minor - net, total_minor=total_minor,
        open_minor=total_minor if open_amount is None else int(Decimal(open_amount) * 100),
        total_functional_minor=total_minor, structured_reference="",
    )  # fmt: skip


@dataclass
class Book:
    be: Entity
    fr: Entity
    customer: Customer
    foreign_customer: Customer
    invoices: list[Invoice]
    foreign_invoice: Invoice
    user: Any
    write: Api
    read: Api
    both: Api
    tokens: dict[str, str] = field(default_factory=dict)


def make_book() -> Book:
    ensure_roles()
    be = make_seller("be")
    fr = make_seller("fr", ibans=["BE68539007547034"])
    customer = make_customer(be, "C1")
    foreign_customer = make_customer(fr, "C1")
    invoices = [
        ledger_invoice(be, customer, f"BE-{n:03d}", date(2026, 1, 1 + n), issue=date(2025, 12, 1 + n))
        for n in range(1, 6)
    ]
    foreign = ledger_invoice(fr, foreign_customer, "FR-001", date(2026, 1, 3))
    user = get_user_model().objects.create_user("clerk", password="x" * 12)
    user.groups.add(*Group.objects.filter(name="ar_clerk"))
    EntityGrant.objects.create(user=user, entity=be)
    EntityGrant.objects.create(user=user, entity=fr)
    _, write = create_token("clerk", ["be"], name="erp", write=True)
    _, read = create_token("clerk", ["be"], name="reporting")
    _, both = create_token("clerk", ["be", "fr"], name="group")
    return Book(be, fr, customer, foreign_customer, invoices, foreign, user, Api(write), Api(read), Api(both),
                {"write": write, "read": read, "both": both})  # fmt: skip
