"""Each resource end to end through billing, banking, cash application, dunning, cases and reports."""

from __future__ import annotations

from datetime import date

from api_book import Api
from billing_factories import line
from camt_statements import camt

from encaisse.ledger.models import Allocation, Customer, Invoice


def _request(**fields: object) -> dict[str, object]:
    return {
        "customer": "C1",
        "issue_date": "2026-03-02",
        "lines": [line("Consulting", "3", "120.00")],
        **fields,
    }


def test_invoice_created_issued_and_its_files(book) -> None:  # type: ignore[no-untyped-def]
    r = book.write.post("/invoices", _request(key="order-1"), key="i-1")
    assert r.status_code == 201, r.content
    doc = r.json()
    assert (
        doc["status"] == "issued"
        and doc["number"]
        and doc["total"] == {"amount": "435.60", "currency": "EUR"}
    )
    inv = book.write.get(f"/invoices/{doc['invoice_id']}").json()
    assert inv["open"] == {"amount": "435.60", "currency": "EUR"} and inv["status"] in ("open", "overdue")
    assert isinstance(inv["total"]["amount"], str)
    pdf = book.write.get(f"/invoices/{doc['invoice_id']}/documents/pdf")
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )
    ubl = book.write.get(f"/invoices/{doc['invoice_id']}/documents/ubl")
    assert ubl["Content-Type"] == "application/xml" and b"urn:oasis:names:specification:ubl" in ubl.content
    fx = book.write.get(f"/invoices/{doc['invoice_id']}/documents/facturx")
    assert fx.content.startswith(b"%PDF") and fx.content != pdf.content
    assert book.write.get(f"/invoices/{doc['invoice_id']}/documents/xlsx").status_code == 422
    assert (
        book.write.get(f"/invoices/{book.invoices[0].pk}/documents/pdf").status_code == 404
    )  # none archived
    # the business key makes a second request (another idempotency key) answer the same document
    again = book.write.post("/invoices", _request(key="order-1"), key="i-2")
    assert again.status_code == 200 and again.json()["id"] == doc["id"]
    assert Invoice.objects.filter(entity=book.be, number=doc["number"]).count() == 1
    # a credit note for the whole invoice
    cn = book.write.post(f"/invoices/{doc['invoice_id']}/credit-note", key="cn-1")
    assert cn.status_code == 201 and cn.json()["kind"] == "credit_note"
    notes = book.write.get("/credit-notes").json()["items"]
    assert [n["id"] for n in notes] == [cn.json()["invoice_id"]]
    assert book.write.get(f"/credit-notes/{cn.json()['invoice_id']}").status_code == 200
    assert (
        book.write.get(f"/invoices/{cn.json()['invoice_id']}").status_code == 404
    )  # a credit note is not an invoice
    assert book.write.get(f"/invoices/{doc['invoice_id']}").json()["status"] == "paid"


def test_invoice_problems_name_their_fields(book) -> None:  # type: ignore[no-untyped-def]
    r = book.write.post(
        "/invoices", _request(customer="NOPE", lines=[{"description": "", "unit_price": "x"}])
    )
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"customer_id", "lines[1].description", "lines[1].unit_price"} <= fields
    r = book.write.post(
        "/invoices", _request(lines=[{"description": "a", "unit_price": 1.5, "vat_rate": "21"}])
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"].startswith("lines[0].unit_price")
    assert Invoice.objects.filter(entity=book.be).count() == 5


def test_draft_then_issue(book) -> None:  # type: ignore[no-untyped-def]
    draft = book.write.post("/invoices", _request(issue=False)).json()
    assert draft["status"] == "draft" and draft["number"] == "" and draft["invoice_id"] is None
    assert book.write.get(f"/billing-documents/{draft['id']}").json()["status"] == "draft"
    issued = book.write.post(f"/billing-documents/{draft['id']}/issue")
    assert issued.status_code == 200 and issued.json()["status"] == "issued"
    twice = book.write.post(f"/billing-documents/{draft['id']}/issue")
    assert twice.status_code == 409 and twice.json()["code"] == "already_issued"


def test_customers(book) -> None:  # type: ignore[no-untyped-def]
    listed = book.write.get("/customers").json()
    assert [c["external_id"] for c in listed["items"]] == ["C1"] and listed["next"] is None
    r = book.write.post("/customers", {"external_id": "C2", "name": "Deux SA", "credit_limit": "5000.00",
                                       "emails": ["ap@deux.be"], "language": "nl"})  # fmt: skip
    assert r.status_code == 201 and r.json()["credit_limit"] == {"amount": "5000.00", "currency": "EUR"}
    assert book.write.get(f"/customers/{r.json()['id']}").json()["name"] == "Deux SA"
    assert book.write.get("/customers", {"name": "deux"}).json()["items"][0]["external_id"] == "C2"
    dup = book.write.post("/customers", {"external_id": "C2", "name": "Again"})
    assert dup.status_code == 409
    bad = book.write.post(
        "/customers", {"external_id": "C3", "name": "x", "country": "Belgium", "ibans": ["BE00"]}
    )
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {"country", "ibans"}
    assert not Customer.objects.filter(external_id="C3").exists()


def test_instants_with_any_iso_offset_filter_in_utc(book) -> None:  # type: ignore[no-untyped-def]
    # +20:39 is valid ISO 8601 but beyond PostgreSQL's offsets; the year 9999 at -05:00 is past the calendar in UTC
    for since, expected in (("2000-01-01T02:26:40+20:39", ["C1"]), ("9999-12-31T23:00:00-05:00", []),
                            ("2000-01-01T00:00:00", ["C1"])):  # fmt: skip
        r = book.write.get("/customers", {"created_since": since})
        assert r.status_code == 200, r.content
        assert [c["external_id"] for c in r.json()["items"]] == expected
    for path, name in (("/invoices", "updated_since"), ("/allocations", "recorded_since"),
                       ("/transactions", "imported_since")):  # fmt: skip
        assert book.write.get(path, {name: "2707-07-02T02:26:40+20:39"}).status_code == 200


def test_statement_upload_and_match_decisions(book) -> None:  # type: ignore[no-untyped-def]
    data = camt([{"amount": "121.00", "ref": "R1", "text": "BE-001"}, {"amount": "50.00", "ref": "R2"}])
    r = book.write.upload("/bank-statements", "march.xml", data)
    assert (
        r.status_code == 200
        and r.json()["transactions_new"] == 2
        and r.json()["credits"] == {"EUR": "171.00"}
    )
    assert book.write.upload("/bank-statements", "march.xml", data).json()["transactions_new"] == 0
    txs = book.write.get("/transactions").json()["items"]
    assert [t["amount"]["amount"] for t in txs] == ["121.00", "50.00"]
    first, second = txs[0]["id"], txs[1]["id"]
    assert book.write.post(f"/transactions/{first}/accept").status_code == 422  # nothing proposed yet
    ok = book.write.post(
        f"/transactions/{first}/accept", {"lines": [{"invoice": "BE-001", "amount": "121.00"}]}
    )
    assert ok.status_code == 200, ok.content
    assert (
        ok.json()["match_status"] == "applied"
        and ok.json()["decision"]["rows"][0]["invoice_number"] == "BE-001"
    )
    assert book.write.get(f"/invoices/{book.invoices[0].pk}").json()["status"] == "paid"
    allocations = book.write.get("/allocations", {"invoice": book.invoices[0].pk}).json()["items"]
    assert [a["amount"] for a in allocations] == [{"amount": "121.00", "currency": "EUR"}]
    assert Allocation.objects.count() == 1
    again = book.write.post(f"/transactions/{first}/accept", {"lines": [{"invoice": "BE-002"}]})
    assert again.status_code == 409
    too_much = book.write.post(
        f"/transactions/{second}/accept", {"lines": [{"invoice": "BE-002", "amount": "80"}]}
    )
    assert too_much.status_code == 422 and "beyond" in too_much.json()["detail"]
    rejected = book.write.post(f"/transactions/{second}/reject")
    assert rejected.status_code == 200 and rejected.json()["match_status"] == "ignored"
    assert book.write.get("/transactions", {"match_status": "ignored"}).json()["items"][0]["id"] == second
    assert book.write.post(f"/transactions/{first}/reject").status_code == 409


def test_a_bad_statement_names_file_place_and_field(book) -> None:  # type: ignore[no-untyped-def]
    data = camt([{"amount": "12.34", "ref": "R1"}]).replace(b">12.34<", b">12.3.4<")
    r = book.write.upload("/bank-statements", "bad.xml", data)
    assert r.status_code == 422 and r["Content-Type"] == "application/problem+json"
    err = r.json()["errors"][0]
    assert err["where"].startswith("bad.xml") and "Ntry" in err["where"] and err["value"] == "12.3.4"
    assert book.write.upload("/bank-statements", "x.txt", b"hello").status_code == 422
    missing = book.write.client.post(
        "/api/v1/bank-statements", {}, headers={"Authorization": f"Bearer {book.tokens['write']}"}
    )
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "file"


def test_dunning_preview_and_run(book) -> None:  # type: ignore[no-untyped-def]
    preview = book.write.post("/dunning/preview", {"as_of": "2026-03-15"})
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert body["dry_run"] is True and body["items"] >= 1
    run = book.write.post("/dunning/runs", {"as_of": "2026-03-15"}, key="dun-1")
    assert run.status_code == 200 and run.json()["letters_count"] == body["letters"]
    assert book.write.get(f"/dunning/runs/{run.json()['id']}").json()["id"] == run.json()["id"]
    rerun = book.write.post("/dunning/runs", {"as_of": "2026-03-15"})
    assert rerun.json()["id"] == run.json()["id"] and rerun.json()["created"] == 0


def test_cases(book) -> None:  # type: ignore[no-untyped-def]
    inv = book.invoices[1]
    r = book.write.post("/cases", {"reason": "pricing", "summary": "price too high",
                                   "items": [{"invoice_id": inv.pk, "amount": "20.00"}]})  # fmt: skip
    assert r.status_code == 201, r.content
    case = r.json()
    assert (
        case["amount"] == {"amount": "20.00", "currency": "EUR"}
        and case["items"][0]["invoice_number"] == "BE-002"
    )
    assert (
        book.write.post("/cases", {"reason": "nonsense", "items": [{"invoice_id": inv.pk}]}).status_code
        == 422
    )
    c = book.write.post(f"/cases/{case['id']}/comments", {"text": "called the buyer"})
    assert c.status_code == 201 and c.json()["kind"] == "comment"
    assert book.write.post(f"/cases/{case['id']}/comments", {"text": "   "}).status_code == 422
    done = book.write.post(f"/cases/{case['id']}/resolve", {"outcome": "rejected", "note": "price agreed"})
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    assert [e["kind"] for e in done.json()["events"]][:2] == ["opened", "comment"]
    assert book.write.post(f"/cases/{case['id']}/resolve", {"outcome": "rejected"}).status_code == 409
    assert book.write.get("/cases", {"status": "resolved"}).json()["items"][0]["id"] == case["id"]
    assert book.write.get("/cases", {"status": "open"}).json()["items"] == []


def test_kpis_and_aging(book) -> None:  # type: ignore[no-untyped-def]
    aging = book.write.get("/aging", {"as_of": "2026-03-01"}).json()
    assert aging[0]["total"] == "605.00" and aging[0]["count"] == 5
    assert all(isinstance(v, str) for v in aging[0]["buckets"].values())
    kpis = book.write.get("/kpis", {"as_of": "2026-03-01", "days": 90}).json()
    assert kpis[0]["currency"] == "EUR" and kpis[0]["values"]["receivables"] == "605.00"
    assert book.write.get("/kpis", {"days": 0}).status_code == 422
    assert book.write.get("/aging", {"by": "moon"}).status_code == 422
    assert (
        book.write.get("/aging", {"as_of": date(2026, 3, 1).isoformat(), "entity": "be"}).status_code == 200
    )


def test_nul_characters_are_refused_as_field_errors(book) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL cannot store U+0000 in text: the API refuses it with the field's path, storing nothing."""
    r = book.write.post(
        "/invoices", _request(lines=[{"description": "a\x00b", "unit_price": "10", "vat_rate": "21"}])
    )
    assert r.status_code == 422 and r["Content-Type"] == "application/problem+json"
    assert [(e["field"], e["where"]) for e in r.json()["errors"]] == [("lines[0].description", "body")]
    assert "NUL" in r.json()["errors"][0]["reason"]
    assert Invoice.objects.filter(entity=book.be).count() == 5
    r = book.write.post("/customers", {"external_id": "C9\x00", "name": "Nul SA"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "external_id"
    assert not Customer.objects.filter(name="Nul SA").exists()
    r = book.write.get("/invoices", {"number": "INV\x00"})
    assert r.status_code == 422 and [(e["field"], e["where"]) for e in r.json()["errors"]] == [
        ("number", "query")
    ]
    assert book.write.get("/invoices", {"number": "INV"}).status_code == 200
    assert Api(None).get("/invoices", {"number": "INV\x00"}).status_code == 401  # no token: 401 first
