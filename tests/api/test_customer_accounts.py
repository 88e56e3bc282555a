"""The API's customer ``ibans`` takes domestic accounts, with the customer import's checks."""

from __future__ import annotations

from encaisse.ledger.models import Customer


def test_customer_created_with_domestic_accounts(book) -> None:  # type: ignore[no-untyped-def]
    r = book.write.post(
        "/customers",
        {"external_id": "US1", "name": "Summit Supply Inc.", "country": "US",
         "ibans": ["021000021 123456789", "60-16-13/31926819", "BE71 0961 2345 6769"]},
    )  # fmt: skip
    assert r.status_code == 201, r.content
    assert Customer.objects.get(external_id="US1").ibans == [
        "021000021/123456789", "60-16-13/31926819", "BE71096123456769"
    ]  # fmt: skip


def test_a_bad_routing_number_is_a_422_naming_the_field(book) -> None:  # type: ignore[no-untyped-def]
    r = book.write.post(
        "/customers", {"external_id": "US2", "name": "Harbor Foods LLC", "ibans": ["021000022/123456789"]}
    )
    assert r.status_code == 422
    assert [(e["field"], e["reason"], e["value"]) for e in r.json()["errors"]] == [
        ("ibans", "routing number 021000022 fails its check digit", "021000022/123456789")
    ]
    assert not Customer.objects.filter(external_id="US2").exists()


def test_the_schema_says_ibans_takes_domestic_accounts(book) -> None:  # type: ignore[no-untyped-def]
    schema = book.write.get("/openapi.json").json()
    field = schema["components"]["schemas"]["CustomerIn"]["properties"]["ibans"]
    assert "domestic accounts" in field["description"] and "021000021/123456789" in field["description"]


def test_an_external_id_is_trimmed_as_the_import_trims_it(book) -> None:  # type: ignore[no-untyped-def]
    # the import keeps an id without the blanks around it (a record separator "\x1e" is one): the answer is the
    # customer it stored, and the same id written with blanks again is the same customer
    r = book.write.post("/customers", {"external_id": "\x1e C-77\n", "name": "Harbor Foods LLC"})
    assert r.status_code == 201, r.content
    assert r.json()["external_id"] == "C-77"
    assert Customer.objects.filter(external_id="C-77").count() == 1
    r = book.write.post("/customers", {"external_id": " C-77 ", "name": "Harbor Foods LLC"})
    assert r.status_code == 409, r.content
    r = book.write.post("/customers", {"external_id": " \n ", "name": "Harbor Foods LLC"})
    assert r.status_code == 422, r.content


def test_a_customer_is_created_with_the_names_it_pays_under_and_answers_them(book) -> None:  # type: ignore[no-untyped-def]
    r = book.write.post(
        "/customers",
        {
            "external_id": "H1",
            "name": "Horeca Peeters BV",
            "aliases": ["Café De Kroon", " Café  De Kroon ", "x" * 201],
        },
    )
    assert r.status_code == 422
    assert [(e["field"], e["reason"]) for e in r.json()["errors"]] == [
        ("aliases", "a name longer than 200 characters")
    ]
    r = book.write.post(
        "/customers",
        {"external_id": "H1", "name": "Horeca Peeters BV", "aliases": ["Café De Kroon", "De Kroon"]},
    )
    assert r.status_code == 201, r.content
    assert r.json()["aliases"] == ["Café De Kroon", "De Kroon"]
    assert Customer.objects.get(external_id="H1").aliases == ["Café De Kroon", "De Kroon"]
    listed = book.write.get("/customers", {"external_id": "H1"}).json()["items"]
    assert [c["aliases"] for c in listed] == [["Café De Kroon", "De Kroon"]]
