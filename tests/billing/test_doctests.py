"""The examples in the billing modules' docstrings run as tests (the suite collects doctests from core and formats only)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["encaisse.billing.terms", "encaisse.billing.numbering", "encaisse.billing.documents",
           "encaisse.billing.recurring", "encaisse.billing.archiving"]  # fmt: skip


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "empty"), ("net thirty", "unknown"), ("2/40 net 30", "after the due date"), ("150/10 net 30", "between"),
     ("2/10", "say when"), ("net 400", "more than a year")],
)  # fmt: skip
def test_bad_payment_terms_say_why(text: str, message: str) -> None:
    from encaisse.billing.terms import InvalidTerms, parse_terms

    with pytest.raises(InvalidTerms, match=message):
        parse_terms(text)
