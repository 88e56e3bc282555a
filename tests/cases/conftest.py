"""Case fixtures: a small book of imported invoices, people in their roles, a private archive.

The suite runs in importlib mode, which puts no test folder on ``sys.path``:
this folder is added so that ``cases_book`` imports by name.
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
def ledger(entity, write):  # type: ignore[no-untyped-def]
    from cases_book import load_book

    return load_book(entity, write)


@pytest.fixture
def people(db):  # type: ignore[no-untyped-def]
    from cases_book import make_people

    return make_people()
