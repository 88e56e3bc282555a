"""API fixtures: two entities (``be`` and ``fr``) with a customer and invoices each, a clerk, tokens.

Billing's factories make sellers and customers that issue valid e-invoices;
this folder and billing's are put on ``sys.path`` (importlib mode adds none).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent
for folder in (_HERE, _HERE.parent / "billing"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))


@pytest.fixture(autouse=True)
def private_home(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Each test archives into its own directory (ArchiveStore() reads settings.HOME)."""
    settings.HOME = tmp_path / "home"
    return settings.HOME


@pytest.fixture
def book(db):  # type: ignore[no-untyped-def]
    from api_book import make_book

    return make_book()
