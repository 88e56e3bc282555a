"""Billing fixtures: an entity ready to invoice, customers, and a private archive per test.

The suite runs in importlib mode, which puts no test folder on ``sys.path``:
this folder is added so that ``seal_certs`` and ``billing_factories`` import by name.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)


@pytest.fixture(autouse=True)
def private_archive(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Each test archives into its own directory (ArchiveStore() reads settings.HOME)."""
    settings.HOME = tmp_path / "home"
    return settings.HOME / "archive"


@pytest.fixture
def seller(db):  # type: ignore[no-untyped-def]
    from billing_factories import make_seller

    return make_seller()


@pytest.fixture
def buyer(seller):  # type: ignore[no-untyped-def]
    from billing_factories import make_customer

    return make_customer(seller)
