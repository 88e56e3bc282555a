"""The ``>>>`` examples in the delivery modules' docstrings run (the suite collects doctests of core and formats only)."""

from __future__ import annotations

import doctest

import pytest

from encaisse.delivery import failpoints, services
from encaisse.delivery.channels import smtp


@pytest.mark.parametrize("module", [failpoints, smtp, services], ids=lambda m: m.__name__)
def test_docstring_examples(module) -> None:  # type: ignore[no-untyped-def]
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
