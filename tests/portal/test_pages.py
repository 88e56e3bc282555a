"""Portal pages: accounts, documents with their status, downloads, payment, statement, and the timeline."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from django.test import Client
from portal_book import make_invoice, signed_in_client

from encaisse.cases.services import open_dispute_from_portal
from encaisse.collections.promises import take_promise
from encaisse.delivery.timeline import timeline
from encaisse.ledger.models import AuditEvent, Invoice
from encaisse.ledger.posting import AllocationRequest, post_allocations
from encaisse.portal.models import InvoiceViewed

INLINE = re.compile(r"<script|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def _page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    html = response.content.decode()
    assert not INLINE.search(html), f"inline script or style on {url}: {INLINE.search(html)}"
    return html


def test_home_shows_each_account_with_open_and_overdue_per_currency(book, alice_client) -> None:  # type: ignore[no-untyped-def]
    html = _page(alice_client, "/portal/")
    assert "Acme SA" in html and "Acme Nederland BV" in html and "Other Corp" not in html
    # Acme (fr): A-1 121.00 overdue + A-2 242.00 − credit note 12.10 = 350.90 EUR open, 121.00 overdue; 60.50 USD
    assert "350,90" in html and "121,00" in html and "60,50" in html
    assert "<caption>" in html and 'scope="col"' in html and 'href="#content"' in html


def test_invoice_list_filters_and_statuses(book, alice_client) -> None:  # type: ignore[no-untyped-def]
    html = _page(alice_client, "/portal/invoices/")
    for number in ("A-1", "A-2", "A-USD", "NL-1", "A-CN"):
        assert f">{number}<" in html
    assert ">O-1<" not in html
    overdue = _page(alice_client, "/portal/invoices/?status=overdue")
    assert ">A-1<" in overdue and ">A-USD<" in overdue and ">A-2<" not in overdue and ">A-CN<" not in overdue
    only_nl = _page(alice_client, f"/portal/invoices/?account={book.acme_nl.pk}")
    assert ">NL-1<" in only_nl and ">A-1<" not in only_nl
    # another customer's account id is ignored, never shown
    foreign = _page(alice_client, f"/portal/invoices/?account={book.other.pk}")
    assert ">O-1<" not in foreign and ">A-1<" in foreign
    credit = _page(alice_client, "/portal/invoices/?kind=credit_note")
    assert ">A-CN<" in credit and ">A-1<" not in credit
    search = _page(alice_client, "/portal/invoices/?q=usd")
    assert ">A-USD<" in search and ">A-1<" not in search
    dated = _page(alice_client, "/portal/invoices/?from=2026-04-01&to=2026-04-30")
    assert ">A-2<" in dated and ">NL-1<" in dated and ">A-1<" not in dated
    # malformed filters are ignored, not errors
    _page(alice_client, "/portal/invoices/?from=yesterday&account=abc&status=nope&page=x")


def test_disputed_promised_partly_paid_and_paid(book, alice_client) -> None:  # type: ignore[no-untyped-def]
    a1, a2, nl1 = book.invoices["A-1"], book.invoices["A-2"], book.invoices["NL-1"]
    open_dispute_from_portal(book.acme, a1, reason="pricing", message="too expensive")
    take_promise(
        book.acme, [a2], date(2026, 5, 20), a2.open_amount.amount, actor="t", taken_on=date(2026, 4, 15)
    )
    post_allocations(book.entity, [AllocationRequest(invoice_id=nl1.pk, amount_minor=10000, kind="invoice", currency="EUR",
                                                     effective_date=date(2026, 4, 10))])  # fmt: skip
    paid = make_invoice(book.acme, "A-PAID", amount="10.00")
    post_allocations(book.entity, [AllocationRequest(invoice_id=paid.pk, amount_minor=paid.total_minor, currency="EUR",
                                                     kind="invoice", effective_date=date(2026, 4, 1))])  # fmt: skip
    assert ">A-1<" in _page(alice_client, "/portal/invoices/?status=disputed")
    promised = _page(alice_client, "/portal/invoices/?status=promised")
    assert ">A-2<" in promised and ">A-1<" not in promised
    partly = _page(alice_client, "/portal/invoices/?status=partly_paid")
    assert ">NL-1<" in partly and ">A-1<" not in partly
    paid_page = _page(alice_client, "/portal/invoices/?status=paid")
    assert ">A-PAID<" in paid_page and ">NL-1<" not in paid_page
    assert "badge disputed" in _page(alice_client, "/portal/invoices/")


def test_list_pages_make_a_fixed_number_of_queries(book, alice, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for n in range(40):
        make_invoice(book.acme if n % 2 else book.acme_nl, f"BULK-{n}", files=())
    for n in range(6):
        open_dispute_from_portal(book.acme, make_invoice(book.acme, f"DISP-{n}", files=()), reason="other",
                                 message=f"case {n}")  # fmt: skip
    client = signed_in_client(alice)
    with django_assert_max_num_queries(7):
        html = _page(client, "/portal/invoices/")
    assert html.count('class="invoice-link"') == 25 and 'id="page-next"' in html
    with django_assert_max_num_queries(7):
        _page(client, "/portal/invoices/?status=disputed&page=1")
    with django_assert_max_num_queries(7):
        cases = _page(client, "/portal/cases/")
    assert cases.count('class="case-link"') == 6
    with django_assert_max_num_queries(7):
        _page(client, "/portal/")


def test_invoice_detail_is_recorded_on_the_back_office_timeline(book, alice, alice_client) -> None:  # type: ignore[no-untyped-def]
    a1 = book.invoices["A-1"]
    html = _page(alice_client, f"/portal/invoices/{a1.pk}/")
    assert (
        "Audit" in html
        and "Travel" in html
        and 'id="download-pdf"' in html
        and 'id="download-facturx"' in html
    )
    assert 'id="dispute-link"' in html and 'id="promise-link"' in html and 'id="pay-link"' in html
    view = InvoiceViewed.objects.get()
    assert view.invoice == a1 and view.email == "alice@acme.example"
    events = [e for e in timeline(a1) if e.kind == "portal.viewed"]
    assert len(events) == 1 and events[0].title == "Viewed by alice@acme.example in the customer portal"
    # the back office shows it on the invoice's timeline page
    from django.contrib.auth.models import User

    staff = Client()
    staff.force_login(User.objects.create_superuser("admin", password="a-long-password-1"))
    assert "Viewed by alice@acme.example" in staff.get(f"/invoices/{a1.pk}/timeline/").content.decode()


def test_downloads(book, alice, alice_client) -> None:  # type: ignore[no-untyped-def]
    a1, usd = book.invoices["A-1"], book.invoices["A-USD"]
    pdf = alice_client.get(f"/portal/invoices/{a1.pk}/download/pdf/")
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )
    assert pdf["Content-Disposition"] == 'attachment; filename="A-1.pdf"'
    ubl = alice_client.get(f"/portal/invoices/{a1.pk}/download/ubl/")
    assert b"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" in ubl.content
    facturx = alice_client.get(f"/portal/invoices/{a1.pk}/download/facturx/")
    assert b"factur-x A-1" in facturx.content
    assert alice_client.get(f"/portal/invoices/{usd.pk}/download/ubl/").status_code == 404  # not archived
    assert alice_client.get(f"/portal/invoices/{a1.pk}/download/exe/").status_code == 404
    kinds = list(AuditEvent.objects.filter(action="portal.download").values_list("data__kind", flat=True))
    assert kinds == ["pdf", "ubl", "facturx"]
    assert AuditEvent.objects.filter(action="portal.download").first().actor == "portal:alice@acme.example"


def test_a_file_missing_from_the_store_is_a_404(book, alice_client, settings) -> None:  # type: ignore[no-untyped-def]
    import shutil

    shutil.rmtree(settings.HOME / "archive")
    assert alice_client.get(f"/portal/invoices/{book.invoices['A-1'].pk}/download/pdf/").status_code == 404


def test_pay_by_bank_transfer_shows_iban_reference_and_epc_qr(book, alice_client) -> None:  # type: ignore[no-untyped-def]
    a1 = book.invoices["A-1"]
    html = _page(alice_client, f"/portal/invoices/{a1.pk}/pay/")
    assert "BE71 0961 2345 6769" in html and "GKCCBEBB" in html and "121,00" in html
    assert re.search(r"\+\+\+\d{3}/\d{4}/\d{5}\+\+\+", html)
    svg = re.search(r'<figure id="epc-qr".*?(<svg.*?</svg>)', html, re.S).group(1)
    assert 'viewBox="0 0 ' in svg and "<path" in svg
    # no EPC code for a USD invoice (SEPA is in euro), but the details are there
    usd = _page(alice_client, f"/portal/invoices/{book.invoices['A-USD'].pk}/pay/")
    assert "BE71 0961 2345 6769" in usd and 'id="epc-qr"' not in usd
    # a credit note has nothing to pay
    assert "transfer-iban" not in _page(alice_client, f"/portal/invoices/{book.invoices['A-CN'].pk}/pay/")


def test_the_qr_code_carries_the_payment(book, alice_client) -> None:  # type: ignore[no-untyped-def]
    from encaisse.portal.transfer import transfer_details

    details = transfer_details(book.invoices["A-1"])
    assert details is not None and details.qr_svg
    import segno.helpers  # the code encodes exactly what segno makes of the EPC fields

    from encaisse.formats.pdf.epc_qr import EpcPayment, epc_qr

    expected = epc_qr(EpcPayment(name="Demo Belgium SA", iban="BE71096123456769", amount=details.amount,
                                 bic="GKCCBEBB", reference=book.invoices["A-1"].structured_reference))  # fmt: skip
    assert expected.matrix is not None and segno.helpers is not None
    out = io.BytesIO()
    expected.save(out, kind="svg", xmldecl=False, svgns=True, nl=False, omitsize=True, svgclass="epc-qr",
                  lineclass=None, title=f"EPC QR code: BE71096123456769 {details.amount} EUR")  # fmt: skip
    assert out.getvalue().decode() == details.qr_svg


def test_statement_html_csv_and_pdf(book, alice_client) -> None:  # type: ignore[no-untyped-def]
    html = _page(alice_client, f"/portal/accounts/{book.acme.pk}/statement/")
    assert ">A-1<" in html and "A-CN" in html and "NL-1" not in html
    response = alice_client.get(f"/portal/accounts/{book.acme.pk}/statement/?format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {r["number"] for r in rows} == {"A-1", "A-2", "A-USD", "A-CN"}
    assert next(r for r in rows if r["number"] == "A-CN")["open"] == "-12.10"
    pdf = alice_client.get(f"/portal/accounts/{book.acme.pk}/statement/?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert alice_client.get(f"/portal/accounts/{book.acme.pk}/statement/?format=xlsx").status_code == 404
    formats = list(
        AuditEvent.objects.filter(action="portal.statement_download").values_list("data__format", flat=True)
    )
    assert formats == ["csv", "pdf"]


@pytest.mark.parametrize("url", ["/portal/", "/portal/invoices/", "/portal/cases/", "/portal/password/"])
def test_pages_need_a_portal_sign_in(db, url: str) -> None:  # type: ignore[no-untyped-def]
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/portal/sign-in/?next=")


def test_every_page_is_free_of_inline_script_and_style(book, alice_client) -> None:  # type: ignore[no-untyped-def]
    a1 = book.invoices["A-1"]
    case = open_dispute_from_portal(book.acme, a1, reason="pricing", message="why?")
    for url in ("/portal/", "/portal/invoices/", f"/portal/invoices/{a1.pk}/", f"/portal/invoices/{a1.pk}/pay/",
                f"/portal/invoices/{book.invoices['A-2'].pk}/promise/", f"/portal/invoices/{book.invoices['A-2'].pk}/dispute/",
                f"/portal/accounts/{book.acme.pk}/statement/", f"/portal/accounts/{book.acme.pk}/contacts/",
                "/portal/cases/", f"/portal/cases/{case.pk}/", "/portal/password/"):  # fmt: skip
        html = _page(alice_client, url)
        # every input has a label
        for input_id in re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', html):
            assert f'for="{input_id}"' in html or "checkbox" in html or "radio" in html, (url, input_id)
    assert "Content-Security-Policy" in alice_client.get("/portal/").headers
    _page(Client(), "/portal/sign-in/")


def test_documents_of_an_invoice_with_none_archived(book, alice_client) -> None:  # type: ignore[no-untyped-def]
    bare = make_invoice(book.acme, "BARE-1", files=())
    html = _page(alice_client, f"/portal/invoices/{bare.pk}/")
    assert "download-pdf" not in html
    assert alice_client.get(f"/portal/invoices/{bare.pk}/download/pdf/").status_code == 404
    assert Invoice.objects.filter(number="BARE-1").exists()


def test_a_view_emits_the_invoice_viewed_webhook(book, alice_client) -> None:  # type: ignore[no-untyped-def]
    from encaisse.webhooks.models import WebhookEvent
    from encaisse.webhooks.services import create_endpoint

    a1 = book.invoices["A-1"]
    alice_client.get(f"/portal/invoices/{a1.pk}/")
    assert not WebhookEvent.objects.exists()  # nobody listens: nothing written
    create_endpoint(book.entity, "https://hooks.example.test/encaisse", events=["invoice.viewed"])
    alice_client.get(f"/portal/invoices/{a1.pk}/")
    event = WebhookEvent.objects.get()
    data = event.payload["data"]
    assert (
        event.type == "invoice.viewed"
        and data["viewed_by"] == "alice@acme.example"
        and data["via"] == "portal"
    )
    assert data["invoice"]["number"] == "A-1" and data["invoice"]["customer"]["external_id"] == "ACME"
