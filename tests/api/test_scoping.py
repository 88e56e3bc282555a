"""Another entity's ids answer 404 on every route, exactly as ids that do not exist: nothing leaks."""

from __future__ import annotations

from api_book import Api, ledger_invoice

from encaisse.api.api import api
from encaisse.ledger.models import EntityGrant


def _foreign_ids(book) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from encaisse.banking.models import BankAccount, BankTransaction, SourceFile, Statement
    from encaisse.billing.models import BillingDocument
    from encaisse.cases.services import ItemRequest, open_case
    from encaisse.collections.models import DunningRun

    fr = book.fr
    account = BankAccount.objects.create(entity=fr, account_key="FR76", iban="")
    source = SourceFile.objects.create(sha256="0" * 64, name="x.xml", size=1, format="camt053")
    statement = Statement.objects.create(entity=fr, account=account, source=source, position=1, format="camt053",
                                         currency="EUR")  # fmt: skip
    tx = BankTransaction.objects.create(entity=fr, account=account, statement=statement, identity="t1",
                                        amount_minor=12100, currency="EUR", position=1)  # fmt: skip
    doc = BillingDocument.objects.create(entity=fr, customer=book.foreign_customer, currency="EUR")
    case = open_case(
        fr, type="dispute", items=[ItemRequest(book.foreign_invoice)], reason="pricing", actor="t"
    )
    run = DunningRun.objects.create(entity=fr, as_of=book.foreign_invoice.due_date, dry_run=True)
    credit = ledger_invoice(
        fr, book.foreign_customer, "FR-CN-1", book.foreign_invoice.due_date, kind="credit_note"
    )
    return {
        "entity_id": fr.pk, "customer_id": book.foreign_customer.pk, "invoice_id": book.foreign_invoice.pk,
        "document_id": doc.pk, "transaction_id": tx.pk, "case_id": case.pk, "run_id": run.pk,
        "credit_note_id": credit.pk,
    }  # fmt: skip


BODIES = {
    "/cases/{case_id}/comments": {"text": "hello"},
    "/cases/{case_id}/resolve": {"outcome": "rejected"},
    "/cases/{case_id}/transition": {"to": "investigating"},
}


def _routes() -> list[tuple[str, str]]:
    out = []
    for path, item in api.get_openapi_schema()["paths"].items():
        if "{" in path:
            out += [(method, path.removeprefix("/api/v1")) for method in item if method in ("get", "post")]
    return out


def _fill(path: str, ids: dict[str, int]) -> str:
    out = path.replace("{kind}", "pdf")
    if out.startswith("/credit-notes/"):
        return out.replace("{invoice_id}", str(ids["credit_note_id"]))
    for name, value in ids.items():
        out = out.replace("{" + name + "}", str(value))
    return out


def test_every_route_with_an_id_answers_404_for_another_entity_s_id(book) -> None:  # type: ignore[no-untyped-def]
    ids = _foreign_ids(book)
    routes = _routes()
    assert len(routes) >= 15
    for method, path in routes:
        concrete = _fill(path, ids)
        assert "{" not in concrete, concrete
        sent = BODIES.get(path, {})
        r = book.write.get(concrete) if method == "get" else book.write.post(concrete, sent)
        assert r.status_code == 404, (method, concrete, r.status_code, r.content[:200])
        body = r.json()
        assert body["code"] == "not_found" and r["Content-Type"] == "application/problem+json"
        # the same answer as for an id that does not exist at all
        missing = _fill(path, {k: 987654321 for k in ids})
        other = book.write.get(missing) if method == "get" else book.write.post(missing, sent)
        assert other.status_code == 404, (missing, other.content[:300])
        assert other.json()["detail"].replace("987654321", "ID") == body["detail"].replace(
            str(_id_in(concrete)), "ID"
        )


def _id_in(path: str) -> int:
    return next(int(p) for p in path.split("/") if p.isdigit())


def test_lists_show_only_the_token_s_entities(book) -> None:  # type: ignore[no-untyped-def]
    codes = {i["entity"] for i in book.write.get("/invoices").json()["items"]}
    assert codes == {"be"}
    assert [e["code"] for e in book.write.get("/entities").json()] == ["be"]
    assert {i["entity"] for i in book.both.get("/invoices").json()["items"]} == {"be", "fr"}
    assert (
        book.write.get("/customers", {"entity": "fr"}).status_code == 422
    )  # an entity out of reach is unknown
    assert (
        book.write.get("/customers", {"entity": "fr"}).json()["detail"]
        == (book.write.get("/customers", {"entity": "nowhere"}).json()["detail"])
    )
    assert book.write.get("/invoices", {"customer": book.foreign_customer.pk}).json()["items"] == []
    assert book.write.get("/aging").json()[0]["entity"] == "be" and len(book.write.get("/aging").json()) == 1


def test_scope_is_the_token_s_entities_intersected_with_the_user_s(book) -> None:  # type: ignore[no-untyped-def]
    assert book.both.get(f"/invoices/{book.foreign_invoice.pk}").status_code == 200
    EntityGrant.objects.filter(user=book.user, entity=book.fr).delete()
    fresh = Api(book.tokens["both"])
    assert fresh.get(f"/invoices/{book.foreign_invoice.pk}").status_code == 404
    assert {i["entity"] for i in fresh.get("/invoices").json()["items"]} == {"be"}


def test_writes_cannot_reach_another_entity(book) -> None:  # type: ignore[no-untyped-def]
    r = book.write.post("/customers", {"entity": "fr", "external_id": "NEW", "name": "Nouveau"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "entity"
    r = book.write.post("/cases", {"reason": "pricing", "items": [{"invoice_id": book.foreign_invoice.pk}]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "items[0].invoice_id"
    r = book.write.post("/dunning/runs", {"entity": "fr"})
    assert r.status_code == 422
    r = book.write.post("/invoices", {"entity": "fr", "customer": "C1", "lines": []})
    assert r.status_code == 422 and r.json()["errors"][0]["value"] == "fr"
