"""The portal speaks the user's language (FR, EN, NL, DE), switchable in the page; anything else falls back to English."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.test import Client
from django.utils import translation

import encaisse
from encaisse.portal.models import PortalUser

LOCALE = Path(encaisse.__file__).parent / "locale"


def _strings(catalog: object) -> dict[str, tuple[str, ...]]:
    """msgid (the singular of a plural) → its translations."""
    out = {}
    for m in catalog:  # type: ignore[attr-defined]
        if m.id:
            key = m.id if isinstance(m.id, str) else m.id[0]
            out[key] = (m.string,) if isinstance(m.string, str) else tuple(m.string)
    return out


@pytest.mark.parametrize("language", ["fr", "nl", "de"])
def test_catalogs_are_complete_and_compiled(language: str) -> None:
    po_path = LOCALE / language / "LC_MESSAGES" / "django.po"
    mo_path = po_path.with_suffix(".mo")
    with po_path.open("rb") as f:
        po = read_po(f, locale=language)
    missing = [m.id for m in po if m.id and not (all(m.string) if isinstance(m.id, tuple) else m.string)]
    assert not missing, f"untranslated in {language}: {missing}"
    assert mo_path.exists(), "run `make messages` (part of `make install`) to compile the catalogs"
    with mo_path.open("rb") as f:
        mo = read_mo(f)
    compiled, source = _strings(mo), _strings(po)
    stale = [k for k in source if compiled.get(k) != source[k]]
    assert not stale, f"{mo_path} is older than its .po: run `make messages` ({stale[:3]}…)"
    with translation.override(language):
        assert (
            translation.gettext("Invoices")
            == {"fr": "Factures", "nl": "Facturen", "de": "Rechnungen"}[language]
        )


@pytest.mark.parametrize(("language", "word"), [("fr", "Mes comptes"), ("nl", "Mijn rekeningen"),
                                                ("de", "Meine Konten"), ("en", "My accounts")])  # fmt: skip
def test_pages_are_in_the_users_language(book, language: str, word: str) -> None:  # type: ignore[no-untyped-def]
    from portal_book import PASSWORD, signed_in_client

    from encaisse.portal.services import create_portal_user

    user = create_portal_user(f"{language}@acme.example", [book.acme], language=language, password=PASSWORD)
    response = signed_in_client(user).get("/portal/")
    html = response.content.decode()
    assert word in html and f'<html lang="{language}">' in html
    assert response["Content-Language"] == language


def test_the_users_language_does_not_stay_on_the_thread(book, alice_client) -> None:  # type: ignore[no-untyped-def]
    with translation.override("en"):
        assert "Mes comptes" in alice_client.get("/portal/").content.decode()
        assert translation.gettext("Invoices") == "Invoices"


def test_switching_language_is_kept_on_the_user(book, alice, alice_client) -> None:  # type: ignore[no-untyped-def]
    assert "Mes comptes" in alice_client.get("/portal/").content.decode()
    response = alice_client.post("/portal/language/", {"language": "de", "next": "/portal/invoices/"})
    assert response.status_code == 302 and response["Location"] == "/portal/invoices/"
    alice.refresh_from_db()
    assert (
        alice.language == "de"
        and "Rechnungen und Gutschriften" in alice_client.get("/portal/invoices/").content.decode()
    )


def test_a_wrong_language_falls_back(book, alice, alice_client) -> None:  # type: ignore[no-untyped-def]
    refused = alice_client.post("/portal/language/", {"language": "xx", "next": "https://evil.example/"})
    assert refused.status_code == 302 and refused["Location"] == "/portal/"
    alice.refresh_from_db()
    assert alice.language == "fr"
    PortalUser.objects.filter(pk=alice.pk).update(language="xx")  # a bad value in the database
    html = alice_client.get("/portal/").content.decode()
    assert "My accounts" in html and '<html lang="en">' in html


def test_sign_in_page_follows_the_switch_and_the_browser(db) -> None:  # type: ignore[no-untyped-def]
    assert "Connexion au portail clients" in Client(HTTP_ACCEPT_LANGUAGE="fr-BE,fr;q=0.9").get(
        "/portal/sign-in/").content.decode()  # fmt: skip
    assert (
        "Sign in to the customer portal"
        in Client(HTTP_ACCEPT_LANGUAGE="pt-BR").get("/portal/sign-in/").content.decode()
    )
    client = Client()
    client.post("/portal/language/", {"language": "nl", "next": "/portal/sign-in/"})
    assert "Aanmelden bij het klantenportaal" in client.get("/portal/sign-in/").content.decode()
