"""The in-process scope cache: a known token costs no query; what changes a scope is seen at once here,
and within ``CACHE_SECONDS`` when another process made the change (simulated: no signal is sent)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from api_book import Api
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from encaisse.api import auth
from encaisse.api.models import ApiToken
from encaisse.api.tokens import digest
from encaisse.ledger.models import Entity, EntityGrant


@pytest.fixture(autouse=True)
def empty_cache():  # type: ignore[no-untyped-def]
    auth.clear_cache()
    yield
    auth.clear_cache()


class Clock:
    """``time.monotonic`` as the auth module reads it, moved forward by the test."""

    def __init__(self, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        self.now = 1000.0
        monkeypatch.setattr(auth.time, "monotonic", lambda: self.now)


def test_a_known_token_costs_no_query(book, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    assert book.read.get("/entities").status_code == 200
    with django_assert_num_queries(1):  # the entities themselves; no token, user, grant or code lookup
        r = book.read.get("/entities")
    assert r.status_code == 200 and [e["code"] for e in r.json()] == ["be"]


def test_changes_made_elsewhere_are_seen_within_the_cache_lifetime(book, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(monkeypatch)
    assert book.read.get("/invoices").status_code == 200
    # another process revokes the token: this one hears no signal
    ApiToken.objects.filter(secret_sha256=digest(book.tokens["read"])).update(revoked_at=timezone.now())
    clock.now += auth.CACHE_SECONDS - 0.5
    assert book.read.get("/invoices").status_code == 200  # still cached: the documented bound
    clock.now += 1
    assert book.read.get("/invoices").status_code == 401


def test_a_withdrawn_grant_made_elsewhere_narrows_the_scope_within_the_bound(book, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(monkeypatch)
    assert {i["entity"] for i in book.both.get("/invoices").json()["items"]} == {"be", "fr"}
    with connection.cursor() as cursor:  # as another process would: no signal here
        cursor.execute("DELETE FROM ledger_entitygrant WHERE user_id = %s AND entity_id = %s",
                       [book.user.pk, book.fr.pk])  # fmt: skip
    clock.now += auth.CACHE_SECONDS + 0.1
    assert {i["entity"] for i in book.both.get("/invoices").json()["items"]} == {"be"}
    assert book.both.get(f"/invoices/{book.foreign_invoice.pk}").status_code == 404


@pytest.mark.parametrize("change", ["revoke", "deactivate", "grant", "role", "entity_code"])
def test_changes_in_this_process_are_seen_at_once(book, change) -> None:  # type: ignore[no-untyped-def]
    assert book.both.get("/entities").status_code == 200
    assert book.write.post("/customers", {"external_id": "W1", "name": "Before"}).status_code == 201
    token = ApiToken.objects.get(secret_sha256=digest(book.tokens["both"]))
    if change == "revoke":
        token.revoked_at = timezone.now()
        token.save()
        assert book.both.get("/entities").status_code == 401
    elif change == "deactivate":
        book.user.is_active = False
        book.user.save()
        assert book.both.get("/entities").status_code == 401
    elif change == "grant":
        EntityGrant.objects.filter(user=book.user, entity=book.fr).delete()
        assert [e["code"] for e in book.both.get("/entities").json()] == ["be"]
    elif change == "role":
        book.user.groups.remove(*Group.objects.filter(name="ar_clerk"))
        r = book.write.post("/customers", {"external_id": "W2", "name": "After"})
        assert r.status_code == 403 and r.json()["code"] == "read_only"
    else:
        fr = Entity.objects.get(pk=book.fr.pk)
        fr.code = "fr2"
        fr.save()
        assert sorted(e["code"] for e in book.both.get("/entities").json()) == ["be", "fr2"]
        items = book.both.get("/invoices", {"entity": "fr2"}).json()["items"]
        assert {i["entity"] for i in items} == {"fr2"}


def test_the_cache_is_bounded(book, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(auth, "CACHE_SIZE", 2)
    for name in ("read", "write", "both"):
        assert Api(book.tokens[name]).get("/entities").status_code == 200
        assert len(auth._cache) <= 2
    assert Api("enc_unknown_token").get("/entities").status_code == 401
    assert digest("enc_unknown_token") not in auth._cache  # unknown tokens are not kept


def test_last_use_is_still_written_once_a_minute_through_the_cache(book, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(monkeypatch)
    row = ApiToken.objects.get(secret_sha256=digest(book.tokens["read"]))
    book.read.get("/entities")
    first = ApiToken.objects.get(pk=row.pk).last_used_at
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=first - timedelta(minutes=2))
    book.read.get("/entities")  # cached: nothing written
    assert ApiToken.objects.get(pk=row.pk).last_used_at == first - timedelta(minutes=2)
    clock.now += auth.CACHE_SECONDS + 0.1
    book.read.get("/entities")
    assert ApiToken.objects.get(pk=row.pk).last_used_at > first - timedelta(seconds=1)
