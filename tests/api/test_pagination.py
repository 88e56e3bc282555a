"""Cursor pagination: every row once, in order, even when rows are inserted between pages."""

from __future__ import annotations

import base64
from datetime import date, timedelta

from api_book import ledger_invoice

from encaisse.ledger.models import Invoice


def _walk(api, params: dict[str, object], between=None) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    seen, cursor, pages = [], None, 0
    while True:
        r = api.get("/invoices", {**params, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.content
        body = r.json()
        seen += body["items"]
        pages += 1
        cursor = body["next"]
        if between is not None:
            between(pages)
        if cursor is None:
            return seen


def test_pages_are_stable_under_inserts(book) -> None:  # type: ignore[no-untyped-def]
    start = date(2026, 2, 1)
    for n in range(40):  # many rows share a due date: the id breaks the ties
        ledger_invoice(book.be, book.customer, f"P-{n:03d}", start + timedelta(days=n // 4))
    before = set(Invoice.objects.filter(entity=book.be, kind="invoice").values_list("number", flat=True))
    inserted = []

    def insert(page: int) -> None:
        # one row sorting before everything read so far, one after
        early = ledger_invoice(book.be, book.customer, f"EARLY-{page}", date(2025, 1, 1))
        late = ledger_invoice(book.be, book.customer, f"LATE-{page}", date(2027, 1, page))
        inserted.extend([early.number, late.number])

    seen = _walk(book.write, {"limit": 7}, insert)
    numbers = [i["number"] for i in seen]
    assert len(numbers) == len(set(numbers)), "a row was returned twice"
    assert before <= set(numbers), "a row present from the start was skipped"
    assert not any(n.startswith("EARLY") for n in numbers)  # inserted behind the cursor: not shown
    assert sum(n.startswith("LATE") for n in numbers) >= 1
    keys = [(i["due_date"], i["id"]) for i in seen]
    assert keys == sorted(keys)


def test_pages_merge_entities_in_order(book) -> None:  # type: ignore[no-untyped-def]
    for n in range(9):
        ledger_invoice(book.fr, book.foreign_customer, f"FR-P{n}", date(2026, 1, 1 + n))
    seen = _walk(book.both, {"limit": 4})
    keys = [(i["due_date"], i["id"]) for i in seen]
    assert keys == sorted(keys) and len(keys) == Invoice.objects.filter(kind="invoice").count()
    assert {i["entity"] for i in seen} == {"be", "fr"}


def test_filters(book) -> None:  # type: ignore[no-untyped-def]
    paid = ledger_invoice(book.be, book.customer, "PAID-1", date(2026, 1, 2), open_amount="0")
    later = ledger_invoice(book.be, book.customer, "FUTURE-1", date(2099, 1, 1), issue=date(2026, 6, 1))
    ids = lambda params: {i["id"] for i in book.write.get("/invoices", params).json()["items"]}  # noqa: E731
    assert ids({"status": "paid"}) == {paid.pk}
    assert later.pk in ids({"status": "open"}) and later.pk not in ids({"status": "overdue"})
    assert paid.pk not in ids({"status": "open"})
    assert ids({"issued_from": "2026-06-01"}) == {later.pk}
    assert later.pk not in ids({"issued_before": "2026-06-01"})
    assert ids({"due_from": "2026-01-02", "due_before": "2026-01-03"}) == {paid.pk, book.invoices[0].pk}
    assert ids({"currency": "USD"}) == set()
    assert ids({"number": "BE-003"}) == {book.invoices[2].pk}
    assert ids({"customer": book.customer.pk}) >= {paid.pk, later.pk}
    assert len(ids({"updated_since": "2000-01-01T00:00:00Z"})) == 7
    assert ids({"updated_since": "2999-01-01T00:00:00Z"}) == set()
    r = book.write.get("/invoices", {"issued_from": "2026-02-01", "issued_before": "2026-01-01"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "issued_before"


def test_bad_cursor_and_limit_are_field_errors(book) -> None:  # type: ignore[no-untyped-def]
    for cursor in ("not base64!", base64.urlsafe_b64encode(b"[1]").decode(), base64.urlsafe_b64encode(b'["x", 1]').decode(),
                   base64.urlsafe_b64encode(b'["2026-01-01", true]').decode()):  # fmt: skip
        r = book.write.get("/invoices", {"cursor": cursor})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "cursor", cursor
    for limit in (0, 501, "many"):
        r = book.write.get("/invoices", {"limit": limit})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "limit"
    assert len(book.write.get("/invoices", {"limit": 500}).json()["items"]) == 5
