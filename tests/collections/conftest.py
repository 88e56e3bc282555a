"""Collections fixtures: a private ENCAISSE_HOME (archive), the seller and its customers.

The suite runs in importlib mode: this folder is put on ``sys.path`` so that
``collections_factories`` imports by name.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)


@pytest.fixture(autouse=True)
def collections_home(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.HOME = tmp_path / "home"
    settings.ENCAISSE_PORTAL_URL = "https://portal.example.test"
    settings.DEFAULT_FROM_EMAIL = "ar@demo.be"
    settings.ENCAISSE_DELIVERY_CHANNELS = "email,portal"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


@pytest.fixture
def seller(db):  # type: ignore[no-untyped-def]
    from collections_factories import make_seller

    return make_seller()
