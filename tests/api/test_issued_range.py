"""An issue-date filter walks the due-date list from its first date; a row due before it was issued
(which import and billing refuse, but the table allows) is still listed, in its place, on every page."""

from __future__ import annotations

from datetime import date

from api_book import ledger_invoice
from django.db import connection

from encaisse.ledger.models import Invoice


def _walk(api, params: dict[str, object]) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    seen, cursor = [], None
    while True:
        body = api.get("/invoices", {**params, **({"cursor": cursor} if cursor else {})}).json()
        seen += body["items"]
        cursor = body["next"]
        if cursor is None:
            return seen


def test_issued_range_lists_every_row_in_due_date_order(book) -> None:  # type: ignore[no-untyped-def]
    for n in range(12):
        ledger_invoice(
            book.be, book.customer, f"MAR-{n:02d}", date(2026, 4, 1 + n // 3), issue=date(2026, 3, 1 + n)
        )
    ledger_invoice(
        book.be, book.customer, "FEB-LATE", date(2026, 3, 20), issue=date(2026, 2, 20)
    )  # out of range
    odd = ledger_invoice(
        book.be, book.customer, "ODD-1", date(2026, 2, 1), issue=date(2026, 3, 5)
    )  # due first
    odd_late = ledger_invoice(book.be, book.customer, "ODD-2", date(2026, 4, 2), issue=date(2026, 3, 25))
    expected = list(
        Invoice.objects.filter(entity=book.be, kind="invoice", issue_date__gte=date(2026, 3, 1),
                               issue_date__lt=date(2026, 4, 1)).order_by("due_date", "id").values_list("id", flat=True)
    )  # fmt: skip
    assert len(expected) == 14 and expected[0] == odd.pk and odd_late.pk in expected
    for limit in (1, 3, 100):
        seen = _walk(book.write, {"issued_from": "2026-03-01", "issued_before": "2026-04-01", "limit": limit})
        assert [i["id"] for i in seen] == expected
    # with a due-date bound of its own from the same date, the odd row is (rightly) not there
    bounded = _walk(book.write, {"issued_from": "2026-03-01", "due_from": "2026-03-01", "limit": 5})
    assert odd.pk not in {i["id"] for i in bounded} and odd_late.pk in {i["id"] for i in bounded}
    # both entities, merged
    ledger_invoice(book.fr, book.foreign_customer, "FR-MAR", date(2026, 3, 2), issue=date(2026, 3, 10))
    both = _walk(book.both, {"issued_from": "2026-03-01", "limit": 4})
    assert [(i["due_date"], i["id"]) for i in both] == sorted((i["due_date"], i["id"]) for i in both)
    assert {i["entity"] for i in both} == {"be", "fr"} and odd.pk in {i["id"] for i in both}


def test_the_list_indexes_exist(db) -> None:  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        names = {i for i in connection.introspection.get_constraints(cursor, "ledger_invoice")}
    assert {"invoice_list_order", "invoice_open_list_order", "invoice_due_before_issue"} <= names
