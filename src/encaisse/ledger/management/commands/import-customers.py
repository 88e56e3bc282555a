"""encaisse import-customers FILE: customers from CSV or JSON, atomic and idempotent."""

from __future__ import annotations

from typing import Any

from encaisse.ledger.importing import import_customers
from encaisse.ledger.management.importcommand import ImportCommand


class Command(ImportCommand):
    help = "Import customers from a CSV (id,name,country,vat_number,iban,email,language[,aliases,parent_id…]) or JSON file."
    what = "customers"

    def run(self, path: Any, **kw: Any) -> Any:
        return import_customers(path, **kw)
