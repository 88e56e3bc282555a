"""Idempotency keys: a retried POST is answered from the record and never carried out twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from api_book import Api
from django.db import connection
from django.utils import timezone

from encaisse.api.idempotency import purge
from encaisse.api.models import IdempotencyKey
from encaisse.ledger.models import Customer


def _customer(n: str = "K1") -> dict[str, str]:
    return {"external_id": n, "name": f"Client {n}", "country": "BE"}


def test_same_key_same_body_replays_the_answer(book) -> None:  # type: ignore[no-untyped-def]
    first = book.write.post("/customers", _customer(), key="abc-1")
    assert first.status_code == 201
    again = book.write.post("/customers", _customer(), key="abc-1")
    assert again.status_code == 201 and again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert Customer.objects.filter(external_id="K1").count() == 1


def test_without_a_key_a_retry_runs_again(book) -> None:  # type: ignore[no-untyped-def]
    assert book.write.post("/customers", _customer()).status_code == 201
    assert book.write.post("/customers", _customer()).status_code == 409  # the customer exists now


def test_same_key_other_body_is_refused(book) -> None:  # type: ignore[no-untyped-def]
    assert book.write.post("/customers", _customer("K1"), key="abc-2").status_code == 201
    r = book.write.post("/customers", _customer("K2"), key="abc-2")
    assert r.status_code == 422 and r.json()["code"] == "idempotency_key_reused"
    assert r.json()["errors"][0]["field"] == "Idempotency-Key"
    r = book.write.post("/dunning/preview", {}, key="abc-2")
    assert r.status_code == 422 and "POST /api/v1/customers" in r.json()["detail"]
    assert not Customer.objects.filter(external_id="K2").exists()


def test_keys_are_per_token(book) -> None:  # type: ignore[no-untyped-def]
    assert book.write.post("/customers", _customer("K1"), key="same").status_code == 201
    from encaisse.api.tokens import create_token

    _, other = create_token("clerk", ["be"], name="second", write=True)
    assert Api(other).post("/customers", _customer("K9"), key="same").status_code == 201


def test_an_error_answer_is_replayed_too_and_a_bad_key_is_refused(book) -> None:  # type: ignore[no-untyped-def]
    bad = {"external_id": "K3", "name": "x", "emails": ["not-an-address"]}
    first = book.write.post("/customers", bad, key="bad-1")
    assert first.status_code == 422 and first.json()["errors"][0]["field"] == "emails"
    assert book.write.post("/customers", bad, key="bad-1").content == first.content
    r = book.write.post("/customers", _customer(), key="x" * 256)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "Idempotency-Key"


def test_a_server_failure_frees_the_key_and_rolls_back(book, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from encaisse.api.resources import ledger

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        Customer.objects.create(entity=book.be, external_id="HALF", name="half done")
        raise RuntimeError("disk full")

    monkeypatch.setattr(ledger, "import_customers", boom)
    r = book.write.post("/customers", _customer("K4"), key="fail-1")
    assert (
        r.status_code == 500 and r.json()["code"] == "server_error" and "disk full" not in r.content.decode()
    )
    assert not Customer.objects.filter(external_id="HALF").exists()
    assert not IdempotencyKey.objects.filter(key="fail-1").exists()
    monkeypatch.undo()
    assert book.write.post("/customers", _customer("K4"), key="fail-1").status_code == 201


def test_expired_keys_are_purged_and_treated_as_new(book) -> None:  # type: ignore[no-untyped-def]
    assert book.write.post("/customers", _customer("K5"), key="old").status_code == 201
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))
    assert book.write.post("/customers", _customer("K6"), key="old").status_code == 201  # not "reused"
    kept = IdempotencyKey.objects.count()
    assert kept == 1 and purge() == 0
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert purge() == kept and IdempotencyKey.objects.count() == 0


def test_statement_upload_retried_with_another_boundary_replays(book) -> None:  # type: ignore[no-untyped-def]
    from camt_statements import camt

    data = camt([{"amount": "121.00", "ref": "R1"}])
    first = book.write.upload("/bank-statements", "s.xml", data, key="up-1")
    assert first.status_code == 200 and first.json()["transactions_new"] == 1
    again = book.write.upload("/bank-statements", "s.xml", data, key="up-1")
    assert again["Idempotent-Replayed"] == "true" and again.content == first.content
    other = book.write.upload("/bank-statements", "s.xml", data + b"\n", key="up-1")
    assert other.status_code == 422


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency needs PostgreSQL's row locks")
def test_concurrent_duplicates_execute_once(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from api_book import make_book

    book = make_book()
    body = {"customer": "C1", "key": "", "issue": False,
            "lines": [{"description": "Audit", "quantity": "1", "unit_price": "100.00", "vat_rate": "21"}]}  # fmt: skip
    results: list[tuple[int, bytes]] = []
    barrier = threading.Barrier(6)

    def call() -> None:
        try:
            barrier.wait()
            r = Api(book.tokens["write"]).post("/invoices", body, key="race-1")
            results.append((r.status_code, r.content))
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    from encaisse.billing.models import BillingDocument

    assert BillingDocument.objects.filter(entity=book.be).count() == 1
    assert {s for s, _ in results} == {201}
    assert len({c for _, c in results}) == 1
