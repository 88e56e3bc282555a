"""Fixtures for the cash-application tests; the builders live in ``matching_builders``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from matching_builders import IBAN_ACME, IBAN_FACTOR, IBAN_OTHER, IBAN_PARENT

from encaisse.core.matching import Party


@pytest.fixture
def acme() -> list[Party]:
    """Look-alike customers, a parent company and a factor."""
    return [
        Party("c1", "Acme Logistics SA", ibans=(IBAN_ACME,), paid_by=("p1",)),
        Party("c2", "Acme Trading SPRL"),
        Party("c3", "Boulangerie Dupont & Fils SA", ibans=(IBAN_OTHER,), factor_id="f1"),
        Party("c4", "Dupond Transports NV"),
        Party("p1", "Acme Group Holding NV", ibans=(IBAN_PARENT,)),
        Party("f1", "Eurofactor", ibans=(IBAN_FACTOR,), is_customer=False),
    ]
