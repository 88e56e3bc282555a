"""Webhook fixtures: a private ENCAISSE_HOME, a real HTTP receiver, huey in immediate mode.

The suite runs in importlib mode, which puts no test folder on ``sys.path``:
this folder is added so that ``webhook_receiver`` and ``webhook_factories`` import by name
(names no other test folder uses).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from webhook_receiver import Receiver  # noqa: E402


@pytest.fixture(autouse=True)
def private_home(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.HOME = tmp_path / "home"
    settings.ENCAISSE_WEBHOOK_READ_TIMEOUT = 1.0
    return settings.HOME


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as r:
        yield r


@pytest.fixture
def seller(db):  # type: ignore[no-untyped-def]
    from webhook_factories import make_seller

    return make_seller()


@pytest.fixture
def customer(seller):  # type: ignore[no-untyped-def]
    from webhook_factories import make_customer

    return make_customer(seller)
