"""The case as a conversation in the portal: the company's replies and their files, never its internal notes."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from encaisse.cases.models import Case, CaseAttachment, CaseSettings
from encaisse.cases.services import (
    Upload,
    add_comment,
    attach,
    open_dispute_from_portal,
    reply_to_customer,
    transition,
)
from encaisse.ledger.models import AuditEvent


@pytest.fixture
def case(book) -> Case:  # type: ignore[no-untyped-def]
    return open_dispute_from_portal(book.acme, book.invoices["A-1"], reason="pricing", message="Travel not agreed",
                                    attachments=[Upload("order.pdf", b"%PDF our order")])  # fmt: skip


@pytest.fixture
def clerk(db) -> User:  # type: ignore[no-untyped-def]
    return User.objects.create_user("cmartin", first_name="Chloé", last_name="Martin")


def test_the_thread_shows_replies_as_the_company_and_hides_internal_lines(
    book, case, clerk, alice_client
) -> None:  # type: ignore[no-untyped-def]
    add_comment(case, "customer is difficult, check contract", user=clerk)
    attach(case, Upload("internal-memo.txt", b"memo"), user=clerk)
    reply_to_customer(case, "The travel was in the quote you signed.", user=clerk, to_status="waiting_customer",
                      attachments=[Upload("quote-signed.pdf", b"%PDF quote")])  # fmt: skip
    page = alice_client.get(f"/portal/cases/{case.pk}/").content.decode()
    assert "Message de Demo Belgium SA" in page and "The travel was in the quote you signed." in page
    assert "quote-signed.pdf" in page and "order.pdf" in page  # the reply's file and the customer's own
    assert "check contract" not in page and "internal-memo" not in page
    assert "cmartin" not in page and "Chloé" not in page  # the company answers, not the person
    assert 'class="badge case-waiting_customer">En attente de votre réponse<' in page
    sent = CaseAttachment.objects.get(filename="quote-signed.pdf")
    assert f'href="/portal/cases/{case.pk}/files/{sent.pk}/"' in page
    # the same conversation in English
    alice_client.post("/portal/language/", {"language": "en", "next": "/portal/"})
    english = alice_client.get(f"/portal/cases/{case.pk}/").content.decode()
    assert "Message from Demo Belgium SA" in english


def test_the_person_is_named_when_the_entity_says_so(book, case, clerk, alice_client) -> None:  # type: ignore[no-untyped-def]
    CaseSettings.objects.create(entity=book.entity, show_reply_author=True)
    reply_to_customer(case, "Checking with the team.", user=clerk)
    assert (
        "Message de Demo Belgium SA (Chloé Martin)"
        in alice_client.get(f"/portal/cases/{case.pk}/").content.decode()
    )


def test_files_sent_with_a_reply_and_the_customers_own_download_the_internal_ones_do_not(
    book, case, clerk, alice_client
) -> None:  # type: ignore[no-untyped-def]
    reply_to_customer(
        case, "Here is the quote.", user=clerk, attachments=[Upload("quote.pdf", b"%PDF quote")]
    )
    internal = attach(case, Upload("memo.txt", b"internal memo"), user=clerk)
    sent = CaseAttachment.objects.get(filename="quote.pdf")
    own = CaseAttachment.objects.get(filename="order.pdf")
    got = alice_client.get(f"/portal/cases/{case.pk}/files/{sent.pk}/")
    assert got.status_code == 200 and got.content == b"%PDF quote"
    assert got["Content-Disposition"].startswith("attachment") and got["X-Content-Type-Options"] == "nosniff"
    assert alice_client.get(f"/portal/cases/{case.pk}/files/{own.pk}/").content == b"%PDF our order"
    assert alice_client.get(f"/portal/cases/{case.pk}/files/{internal.pk}/").status_code == 404
    # a file of another case of the same customer, through this case's address
    other_case = open_dispute_from_portal(book.acme, book.invoices["A-2"], reason="other", message="second")
    reply_to_customer(other_case, "x", user=clerk, attachments=[Upload("other.pdf", b"%PDF other")])
    other_file = CaseAttachment.objects.get(filename="other.pdf")
    assert alice_client.get(f"/portal/cases/{case.pk}/files/{other_file.pk}/").status_code == 404
    assert alice_client.get(f"/portal/cases/{other_case.pk}/files/{other_file.pk}/").status_code == 200
    downloads = AuditEvent.objects.filter(action="case.file_downloaded")
    assert downloads.count() == 3 and {e.actor for e in downloads} == {"portal:alice@acme.example"}


def test_the_list_flags_a_reply_until_the_customer_answers(book, case, clerk, alice_client) -> None:  # type: ignore[no-untyped-def]
    assert "Réponse reçue" not in alice_client.get("/portal/cases/").content.decode()
    add_comment(case, "internal only", user=clerk)
    assert "Réponse reçue" not in alice_client.get("/portal/cases/").content.decode()
    reply_to_customer(case, "Could you send the delivery note?", user=clerk, to_status="waiting_customer")
    assert "Réponse reçue" in alice_client.get("/portal/cases/").content.decode()
    answer = alice_client.post(f"/portal/cases/{case.pk}/", {
        "message": "Here it is", "attachments": [SimpleUploadedFile("delivery-note.pdf", b"%PDF dn")],
    })  # fmt: skip
    assert answer.status_code == 302
    assert "Réponse reçue" not in alice_client.get("/portal/cases/").content.decode()
    case.refresh_from_db()
    assert case.status == "investigating"  # the customer answered: the case is looked into again
    assert CaseAttachment.objects.get(filename="delivery-note.pdf").visibility == "customer"


def test_a_case_moved_by_the_back_office_still_shows_only_the_status(book, case, clerk, alice_client) -> None:  # type: ignore[no-untyped-def]
    transition(case, "investigating", user=clerk, note="secret move note")
    page = alice_client.get(f"/portal/cases/{case.pk}/").content.decode()
    assert "secret move note" not in page and "Travel not agreed" in page


def test_the_thread_and_the_list_cost_the_same_queries_whatever_the_replies(
    book, case, clerk, alice_client
) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert alice_client.get(url).status_code == 200
        return len(queries)

    reply_to_customer(case, "first", user=clerk, attachments=[Upload("a.pdf", b"%PDF a")])
    one = count(f"/portal/cases/{case.pk}/"), count("/portal/cases/")
    second = open_dispute_from_portal(book.acme_nl, book.invoices["NL-1"], reason="other", message="x")
    for n in range(6):
        for target in (case, second):
            reply_to_customer(
                target, f"reply {n}", user=clerk, attachments=[Upload(f"f{n}.pdf", f"%PDF {n}".encode())]
            )
    assert (count(f"/portal/cases/{case.pk}/"), count("/portal/cases/")) == one
    assert (
        alice_client.get(f"/portal/cases/{case.pk}/").content.decode().count('class="case-file"') == 8
    )  # 7 sent, 1 its own
