"""Indexes that answer each page of ``GET /invoices`` and ``/credit-notes`` as one index range.

The lists are in ``(due_date, id)`` order within an entity and a kind (the
cursor is a row comparison ``(due_date, id) > (d, i)``):

- ``invoice_list_order`` on ``(entity, kind, due_date, id, issue_date)``: a
  page is the next ``limit`` entries, with no sort (the ``(entity, due_date)``
  index left ties to an incremental sort of the whole due date, 1,400 rows a
  day at a million invoices), credit notes are not walked through the
  invoices, and an issue-date filter is checked in the index, without reading
  the rows it skips;
- ``invoice_open_list_order``, the same for the open items only (``status``
  open or overdue: at a million invoices, mostly paid, 0.1 ms instead of
  walking the paid ones);
- ``invoice_due_before_issue``, the same for the rows due before they were
  issued, which import and billing refuse: normally empty, it lets an
  issue-date filter walk the list from its first date (an invoice is due on or
  after its issue date) and still find such a row (``resources/ledger.py``).

At a million invoices, ``issued_from`` a month went from 0.55–0.9 s to about
12 ms. Plain SQL, valid on SQLite and PostgreSQL, so that the models' state is
not touched (``ledger.models`` declares the model indexes).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial"), ("ledger", "0002_allocation_settlement_index")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS invoice_list_order "
            "ON ledger_invoice (entity_id, kind, due_date, id, issue_date)",
            reverse_sql="DROP INDEX IF EXISTS invoice_list_order",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS invoice_open_list_order "
            "ON ledger_invoice (entity_id, kind, due_date, id) WHERE open_minor <> 0",
            reverse_sql="DROP INDEX IF EXISTS invoice_open_list_order",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS invoice_due_before_issue "
            "ON ledger_invoice (entity_id, kind, due_date, id) WHERE due_date < issue_date",
            reverse_sql="DROP INDEX IF EXISTS invoice_due_before_issue",
        ),
    ]
