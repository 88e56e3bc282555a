"""Portal fixtures: two customers' books (a group with two accounts, and a stranger), portal users, a private archive.

The suite runs in importlib mode, which puts no test folder on ``sys.path``:
this folder is added so that ``portal_book`` imports by name (a name no other
test folder uses).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)


@pytest.fixture(autouse=True)
def portal_settings(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Each test archives into its own directory; links point at a known portal URL; a fixed today."""
    settings.HOME = tmp_path / "home"
    settings.ENCAISSE_PORTAL_URL = "https://portal.example.test"
    settings.DEFAULT_FROM_EMAIL = "invoices@demo.be"
    settings.ENCAISSE_PORTAL_MAGIC_LINK_MINUTES = 15
    # argon2 still, with light parameters: the suite hashes many passwords on small machines
    settings.PASSWORD_HASHERS = ["portal_book.LightArgon2PasswordHasher"]
    return settings


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ENCAISSE_TODAY", "2026-04-15")


@pytest.fixture
def book(entity):  # type: ignore[no-untyped-def]
    from portal_book import make_book

    return make_book(entity)


@pytest.fixture
def alice(book):  # type: ignore[no-untyped-def]
    """A portal user of the group (two accounts), in French, with a password."""
    from portal_book import PASSWORD

    from encaisse.portal.services import create_portal_user

    return create_portal_user(
        "Alice@Acme.example", [book.acme, book.acme_nl], name="Alice", language="fr", password=PASSWORD
    )


@pytest.fixture
def mallory(book):  # type: ignore[no-untyped-def]
    """A portal user of another customer."""
    from portal_book import PASSWORD

    from encaisse.portal.services import create_portal_user

    return create_portal_user("mallory@other.example", [book.other], language="en", password=PASSWORD)


@pytest.fixture
def alice_client(alice):  # type: ignore[no-untyped-def]
    from portal_book import signed_in_client

    return signed_in_client(alice)
