"""``ledger-check``: recompute what the ledger caches and compare it with the journal.

1. Every item's cached open amount equals total − Σ its allocations.
2. Every journal entry balances (Σ debits = Σ credits).
3. At each date asked for, per entity: the receivables account of the journal
   equals the carrying amount of the open items (Σ functional totals issued −
   Σ functional settlements effective), and Σ aging buckets = Σ open amounts.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import connection

from encaisse.core.ledger import Account
from encaisse.core.money import Money
from encaisse.insights.reports import aging
from encaisse.ledger.models import Entity


def _rows(sql: str, params: list[object]) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def check(dates: Iterable[date]) -> list[str]:
    """Every difference found, as sentences (an empty list: the ledger is consistent)."""
    problems: list[str] = []
    for inv_id, number, cached, derived in _rows(
        "SELECT i.id, i.number, i.open_minor, i.total_minor - COALESCE(s.taken, 0) FROM ledger_invoice i "
        "LEFT JOIN (SELECT invoice_id, SUM(amount_minor) AS taken FROM ledger_allocation "
        "WHERE invoice_id IS NOT NULL GROUP BY invoice_id) s ON s.invoice_id = i.id "
        "WHERE i.open_minor <> i.total_minor - COALESCE(s.taken, 0)",
        [],
    )[:100]:
        problems.append(
            f"invoice {number} (id {inv_id}): cached open amount {cached} ≠ {derived} from allocations"
        )
    for entry_id, debit, credit in _rows(
        "SELECT entry_id, SUM(debit_minor), SUM(credit_minor) FROM ledger_journalline GROUP BY entry_id "
        "HAVING SUM(debit_minor) <> SUM(credit_minor)",
        [],
    )[:100]:
        problems.append(f"journal entry {entry_id} does not balance: debits {debit} ≠ credits {credit}")
    entities = list(Entity.objects.all())
    for as_of in dates:
        for ent in entities:
            (journal,) = _rows(
                "SELECT COALESCE(SUM(debit_minor - credit_minor), 0) FROM ledger_journalline "
                "WHERE entity_id = %s AND account = %s AND date <= %s",
                [ent.pk, str(Account.RECEIVABLES), as_of],
            )[0]
            (issued,) = _rows(
                "SELECT COALESCE(SUM(CASE WHEN kind = 'credit_note' THEN -total_functional_minor "
                "ELSE total_functional_minor END), 0) FROM ledger_invoice WHERE entity_id = %s AND issue_date <= %s",
                [ent.pk, as_of],
            )[0]
            (settled,) = _rows(
                "SELECT COALESCE(SUM(CASE WHEN i.kind = 'credit_note' THEN -a.functional_minor "
                "ELSE a.functional_minor END), 0) FROM ledger_allocation a JOIN ledger_invoice i ON i.id = a.invoice_id "
                "WHERE a.entity_id = %s AND a.effective_date <= %s",
                [ent.pk, as_of],
            )[0]
            carrying = int(issued) - int(settled)  # type: ignore[call-overload]
            if int(journal) != carrying:  # type: ignore[call-overload]
                problems.append(
                    f"{ent.code} at {as_of}: receivables account {journal} ≠ open items' carrying amount {carrying} "
                    f"(minor units of {ent.functional_currency})"
                )
            (open_sum,) = _rows(
                "SELECT COALESCE(SUM(CASE WHEN i.kind = 'credit_note' THEN -(i.total_minor - COALESCE(s.taken, 0)) "
                "ELSE i.total_minor - COALESCE(s.taken, 0) END), 0) FROM ledger_invoice i LEFT JOIN "
                "(SELECT invoice_id, SUM(amount_minor) AS taken FROM ledger_allocation WHERE entity_id = %s "
                "AND invoice_id IS NOT NULL AND effective_date <= %s GROUP BY invoice_id) s ON s.invoice_id = i.id "
                "WHERE i.entity_id = %s AND i.issue_date <= %s AND i.currency = %s",
                [ent.pk, as_of, ent.pk, as_of, ent.functional_currency],
            )[0]
            rows = [r for r in aging([ent.pk], as_of) if r.currency == ent.functional_currency]
            aged = sum((r.total for r in rows), start=0)
            if Money.from_minor(int(open_sum), ent.functional_currency).amount != aged:  # type: ignore[call-overload]
                problems.append(f"{ent.code} at {as_of}: Σ aging buckets {aged} ≠ Σ open amounts {open_sum}")
    return problems
