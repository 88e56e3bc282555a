"""Tokens: missing, forged, revoked, read-only; the command that makes them; last use recorded sparingly."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from api_book import Api
from django.core.management import CommandError, call_command
from django.utils import timezone

from encaisse.api.auth import clear_cache
from encaisse.api.models import ApiToken
from encaisse.api.tokens import TokenError, create_token, digest, revoke_token


def test_without_a_token_every_route_answers_401_problem(book) -> None:  # type: ignore[no-untyped-def]
    anonymous = Api(None)
    for path in ("/entities", "/invoices", "/customers", "/transactions", "/cases", "/aging", "/kpis"):
        r = anonymous.get(path)
        assert r.status_code == 401, path
        assert r["Content-Type"] == "application/problem+json"
        assert r["WWW-Authenticate"].startswith("Bearer")
        assert r.json()["detail"] == "send the token as Authorization: Bearer <token>"
    assert anonymous.post("/customers", {"external_id": "X", "name": "X"}).status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Bearer enc_00000000_forged", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer not-even-a-token", "Token abc"],
)
def test_forged_or_malformed_tokens_are_refused(book, header) -> None:  # type: ignore[no-untyped-def]
    r = Api(None).get("/invoices", Authorization=header)
    assert r.status_code == 401 and r.json()["status"] == 401


def test_a_token_with_a_changed_secret_is_refused(book) -> None:  # type: ignore[no-untyped-def]
    token = book.tokens["read"]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert Api(forged).get("/invoices").status_code == 401
    assert Api(token).get("/invoices").status_code == 200


def test_only_the_hash_of_the_secret_is_stored(book) -> None:  # type: ignore[no-untyped-def]
    token = book.tokens["write"]
    row = ApiToken.objects.get(secret_sha256=digest(token))
    assert token.startswith(f"enc_{row.prefix}_")
    secret = token.removeprefix(f"enc_{row.prefix}_")  # the secret may hold underscores itself
    assert len(secret) >= 40
    stored = [str(v) for v in ApiToken.objects.filter(pk=row.pk).values().first().values()]
    assert not any(secret in v for v in stored)


def test_a_revoked_token_is_refused(book) -> None:  # type: ignore[no-untyped-def]
    prefix = ApiToken.objects.get(secret_sha256=digest(book.tokens["read"])).prefix
    assert book.read.get("/invoices").status_code == 200
    revoke_token(prefix)
    assert book.read.get("/invoices").status_code == 401
    with pytest.raises(TokenError, match="was revoked"):
        revoke_token(prefix)


def test_an_inactive_user_s_token_is_refused(book) -> None:  # type: ignore[no-untyped-def]
    book.user.is_active = False
    book.user.save()
    assert book.read.get("/invoices").status_code == 401


def test_a_read_only_token_gets_403_on_every_post(book) -> None:  # type: ignore[no-untyped-def]
    from encaisse.api.api import api

    posts = [p for p, item in api.get_openapi_schema()["paths"].items() if "post" in item]
    assert len(posts) >= 10
    for path in posts:
        concrete = path.replace("/api/v1", "").replace("{invoice_id}", str(book.invoices[0].pk))
        concrete = (
            concrete.replace("{document_id}", "1").replace("{transaction_id}", "1").replace("{case_id}", "1")
        )
        concrete = concrete.replace("{run_id}", "1")
        r = book.read.post(concrete, {}, key="k-" + path)
        assert r.status_code == 403, (path, r.status_code)
        assert r.json()["code"] == "read_only"


def test_a_write_token_of_an_auditor_is_refused_at_creation(book) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from encaisse.ledger.models import EntityGrant

    auditor = get_user_model().objects.create_user("auditor", password="y" * 12)
    auditor.groups.add(Group.objects.get(name="auditor"))
    EntityGrant.objects.create(user=auditor, entity=book.be)
    with pytest.raises(TokenError, match="read-only role"):
        create_token("auditor", ["be"], name="x", write=True)
    _, token = create_token("auditor", ["be"], name="x")
    assert Api(token).post("/dunning/preview", {}).status_code == 403


def test_token_creation_checks_user_and_entities(book) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TokenError, match="no user"):
        create_token("nobody", ["be"], name="x")
    with pytest.raises(TokenError, match="no entity zz"):
        create_token("clerk", ["be", "zz"], name="x")
    with pytest.raises(TokenError, match="at least one entity"):
        create_token("clerk", [], name="x")
    from encaisse.ledger.models import EntityGrant

    EntityGrant.objects.filter(user=book.user, entity=book.fr).delete()
    with pytest.raises(TokenError, match="may not see entity fr"):
        create_token("clerk", ["fr"], name="x")


def test_last_use_is_written_at_most_once_a_minute(book) -> None:  # type: ignore[no-untyped-def]
    row = ApiToken.objects.get(secret_sha256=digest(book.tokens["read"]))
    assert row.last_used_at is None
    book.read.get("/entities")
    first = ApiToken.objects.get(pk=row.pk).last_used_at
    assert first is not None
    book.read.get("/entities")
    assert ApiToken.objects.get(pk=row.pk).last_used_at == first
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=first - timedelta(minutes=2))
    clear_cache()  # two minutes on, the process's cached scope has expired long ago
    book.read.get("/entities")
    assert ApiToken.objects.get(pk=row.pk).last_used_at > first - timedelta(seconds=1)
    assert ApiToken.objects.get(pk=row.pk).last_used_at <= timezone.now()


def test_the_command_creates_lists_and_revokes(book) -> None:  # type: ignore[no-untyped-def]
    out, err = io.StringIO(), io.StringIO()
    call_command("api-token", "create", "--user", "clerk", "--entity", "be", "--entity", "fr", "--write",
                 "--name", "ERP", stdout=out, stderr=err)  # fmt: skip
    token = out.getvalue().strip()
    assert token.startswith("enc_") and "not shown again" in err.getvalue()
    assert Api(token).get("/entities").json()[1]["code"] == "fr"
    prefix = token.split("_")[1]
    listing = io.StringIO()
    call_command("api-token", "list", stdout=listing)
    assert prefix in listing.getvalue() and "be,fr" in listing.getvalue() and token not in listing.getvalue()
    call_command("api-token", "revoke", prefix, stdout=io.StringIO())
    assert Api(token).get("/entities").status_code == 401
    with pytest.raises(CommandError, match="no token"):
        call_command("api-token", "revoke", "ffffffff")
    with pytest.raises(CommandError, match="no user"):
        call_command("api-token", "create", "--user", "ghost", "--entity", "be", "--name", "x")


def test_the_admin_lists_and_revokes_tokens_without_showing_secrets(book, admin_client) -> None:  # type: ignore[no-untyped-def]
    page = admin_client.get("/admin/api/apitoken/")
    assert page.status_code == 200
    html = page.content.decode()
    row = ApiToken.objects.get(secret_sha256=digest(book.tokens["read"]))
    assert row.prefix in html and book.tokens["read"] not in html and row.secret_sha256 not in html
    assert admin_client.get("/admin/api/apitoken/add/").status_code == 403
    r = admin_client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [row.pk]})
    assert r.status_code == 302
    assert ApiToken.objects.get(pk=row.pk).revoked_at is not None
    assert book.read.get("/entities").status_code == 401
