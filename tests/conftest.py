"""Fixtures shared by the Django-level tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def entity(db):  # type: ignore[no-untyped-def]
    from encaisse.ledger.models import Entity

    return Entity.objects.create(
        code="be",
        legal_name="Demo Belgium SA",
        country="BE",
        functional_currency="EUR",
        reference_scheme="ogm",
    )


@pytest.fixture
def write(tmp_path):  # type: ignore[no-untyped-def]
    """Write a test file and return its path."""

    def _write(name: str, text: str | bytes) -> object:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def immediate_jobs() -> Iterator[Any]:
    """huey runs tasks in the calling process and keeps what is scheduled in its memory storage (immediate
    mode), as on the embedded default; what a test scheduled is dropped after it."""
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    try:
        yield HUEY
    finally:
        HUEY.flush()
        HUEY.immediate = before
