"""Importing a bank statement from the back office: upload, import, match at once; refusals; roles; scoping."""

from __future__ import annotations

from datetime import date

import pytest
from cashapp_book import CUSTOMERS, OGM1, OWN_IBAN, invoices_csv, statement, tx
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from encaisse.banking.models import BankTransaction, Statement
from encaisse.ledger.importing import import_customers, import_invoices
from encaisse.ledger.models import Entity, EntityGrant, Invoice
from encaisse.ledger.roles import ensure_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(entity, write, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ENCAISSE_TODAY", "2026-03-06")
    entity.ibans = [OWN_IBAN]
    entity.save()
    import_customers(write("c.csv", CUSTOMERS))
    import_invoices(write("i.csv", invoices_csv()))
    with override_settings(HOME=tmp_path):
        yield entity


def client_for(username: str, role: str, *entities: Entity) -> Client:
    ensure_roles()
    user = User.objects.create_user(username, password="a-long-password-5")
    user.groups.add(Group.objects.get(name=role))
    for e in entities:
        EntityGrant.objects.create(user=user, entity=e)
    client = Client()
    client.force_login(user)
    return client


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/xml")


def camt() -> bytes:
    return statement(
        [
            tx(
                1, "1210.00", name="BRASSERIE DUPONT", iban="BE71096123456769", ref=OGM1, day=date(2026, 3, 5)
            ),
            tx(2, "242.00", name="PEETERS", iban="BE43068999999501", day=date(2026, 3, 5)),
            tx(3, "-50.00", name="Bank fees", day=date(2026, 3, 5)),
        ]
    )


def test_upload_imports_and_matches_at_once(book) -> None:  # type: ignore[no-untyped-def]
    clerk = client_for("clerk", "ar_clerk", book)
    response = clerk.post("/bank/statements/", {"file": upload("march.xml", camt()), "entity": "be"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "march.xml</strong> (camt.053)" in page
    assert "3 transaction(s) new" in page
    assert "Matching be: <strong>1 applied</strong>, 0 suggested, 1 unmatched, 1 debit(s) set aside." in page
    assert 'href="/review/"' in page
    assert Invoice.objects.get(number="F-2026-0101").open_minor == 0
    assert Statement.objects.get().source.imported_by == "clerk"
    assert BankTransaction.objects.filter(match_status="new").count() == 0

    again = clerk.post("/bank/statements/", {"file": upload("march-again.xml", camt()), "entity": "be"})
    text = again.content.decode()
    assert again.status_code == 200 and "already imported before" in text
    assert "0 transaction(s) new, 3 known" in text
    assert BankTransaction.objects.count() == 3


@pytest.mark.parametrize(
    ("data", "fields", "message"),
    [
        (None, {"entity": "be"}, "Choose a statement file to import."),
        (b"not a statement at all\n", {"entity": "be"}, "Refused, nothing imported"),
        (b"<?xml version='1.0'?><Document><BkToCstmrStmt>", {"entity": "be"}, "Refused, nothing imported"),
        (b"x", {"entity": "nope"}, "No entity &#x27;nope&#x27; among yours."),
        (b"x", {"entity": "be", "format": "pdf"}, "Unknown format &#x27;pdf&#x27;."),
    ],
)
def test_bad_uploads_are_refused_with_a_message(book, data, fields, message) -> None:  # type: ignore[no-untyped-def]
    clerk = client_for("clerk", "ar_clerk", book)
    payload = dict(fields)
    if data is not None:
        payload["file"] = upload("bad.xml", data)
    response = clerk.post("/bank/statements/", payload)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Statement.objects.count() == 0 and BankTransaction.objects.count() == 0


def test_an_unbalanced_statement_is_refused_unless_accepted(book) -> None:  # type: ignore[no-untyped-def]
    data = camt().replace(b'<Amt Ccy="EUR">242.00</Amt>', b'<Amt Ccy="EUR">243.00</Amt>', 1)
    assert data != camt()
    clerk = client_for("clerk", "ar_clerk", book)
    refused = clerk.post("/bank/statements/", {"file": upload("u.xml", data), "entity": "be"})
    assert refused.status_code == 422 and "Refused, nothing imported" in refused.content.decode()
    accepted = clerk.post(
        "/bank/statements/", {"file": upload("u.xml", data), "entity": "be", "accept_unbalanced": "1"}
    )
    assert accepted.status_code == 200
    assert "unbalanced by" in accepted.content.decode()


@override_settings(ENCAISSE_MAX_IMPORT_BYTES=100)
def test_an_upload_over_the_size_limit_is_refused(book) -> None:  # type: ignore[no-untyped-def]
    clerk = client_for("clerk", "ar_clerk", book)
    response = clerk.post("/bank/statements/", {"file": upload("big.xml", camt()), "entity": "be"})
    assert response.status_code == 422 and "over the import size limit" in response.content.decode()
    assert Statement.objects.count() == 0


def test_read_only_roles_see_no_form_and_cannot_post(book) -> None:  # type: ignore[no-untyped-def]
    auditor = client_for("auditor", "auditor", book)
    page = auditor.get("/bank/statements/").content.decode()
    assert "Import a statement" not in page
    assert (
        auditor.post("/bank/statements/", {"file": upload("m.xml", camt()), "entity": "be"}).status_code
        == 403
    )
    assert Statement.objects.count() == 0


def test_a_file_naming_another_entitys_account_is_refused(book, write) -> None:  # type: ignore[no-untyped-def]
    other = Entity.objects.create(code="fr", legal_name="Demo France SAS", country="FR")
    admin = client_for("boss", "admin", book, other)
    assert (
        admin.post("/bank/statements/", {"file": upload("m.xml", camt()), "entity": "be"}).status_code == 200
    )
    # the account is now be's: a clerk of fr alone cannot import into it, nor name be
    clerk_fr = client_for("clerk-fr", "ar_clerk", other)
    second = statement([tx(4, "10.00", name="X")], seq="2")
    response = clerk_fr.post("/bank/statements/", {"file": upload("n.xml", second), "entity": "fr"})
    assert response.status_code == 422 and "belongs to entity be" in response.content.decode()
    response = clerk_fr.post("/bank/statements/", {"file": upload("n.xml", second), "entity": "be"})
    assert response.status_code == 422 and "No entity" in response.content.decode()
    assert Statement.objects.count() == 1
