"""The invoice page: its dispute link follows the open case (read with the page's own query), a fixed number
of queries whatever the invoice's history."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from encaisse.cases.models import Case
from encaisse.cases.services import open_dispute_from_portal, resolve
from encaisse.collections.promises import take_promise
from encaisse.ledger.posting import AllocationRequest, post_allocations


def _queries(client, url: str) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200
    selects = [q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "INSERT"))]
    return r.content.decode(), len(selects)


def test_the_dispute_link_follows_the_open_case(book, alice_client) -> None:  # type: ignore[no-untyped-def]
    a1 = book.invoices["A-1"]
    html, _ = _queries(alice_client, f"/portal/invoices/{a1.pk}/")
    assert 'id="dispute-link"' in html and 'id="case-link"' not in html
    case = open_dispute_from_portal(book.acme, a1, reason="pricing", message="too expensive")
    html, _ = _queries(alice_client, f"/portal/invoices/{a1.pk}/")
    assert f'href="/portal/cases/{case.pk}/"' in html and 'id="dispute-link"' not in html
    resolve(Case.objects.get(pk=case.pk), "rejected", actor="clerk", note="no")
    html, _ = _queries(alice_client, f"/portal/invoices/{a1.pk}/")
    assert 'id="dispute-link"' in html and 'id="case-link"' not in html


def test_the_invoice_page_makes_a_fixed_number_of_queries(book, alice_client) -> None:  # type: ignore[no-untyped-def]
    a1 = book.invoices["A-1"]
    _, quiet = _queries(alice_client, f"/portal/invoices/{a1.pk}/")
    for n in range(3):
        post_allocations(book.entity, [AllocationRequest(invoice_id=a1.pk, amount_minor=100, kind="invoice",
                                                         currency="EUR", effective_date=date(2026, 4, 1 + n))])  # fmt: skip
    take_promise(
        book.acme, [a1], date(2026, 5, 20), a1.open_amount.amount - 3, actor="t", taken_on=date(2026, 4, 15)
    )
    open_dispute_from_portal(book.acme, a1, reason="pricing", message="too expensive")
    html, busy = _queries(alice_client, f"/portal/invoices/{a1.pk}/")
    assert html.count("<tr><td>") >= 3  # the payments are listed
    assert busy <= quiet + 1  # the open case's id: the only query a disputed invoice adds
    assert quiet <= 12  # session, user, the document, the view (2), lines, payments (2), deliveries, cases, …
