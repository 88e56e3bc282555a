"""The cash-application tests' receivables book."""

from __future__ import annotations

import pytest
from cashapp_book import CUSTOMERS, OWN_IBAN, invoices_csv
from django.test import override_settings

from encaisse.ledger.importing import import_customers, import_invoices


@pytest.fixture
def book(entity, write, tmp_path):  # type: ignore[no-untyped-def]
    entity.ibans = [OWN_IBAN]
    entity.save()
    import_customers(write("c.csv", CUSTOMERS))
    import_invoices(write("i.csv", invoices_csv()))
    with override_settings(HOME=tmp_path):
        yield entity
