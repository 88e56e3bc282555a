"""The buyer's purchase order reference (EN 16931 BT-13) on invoices.

Django adds a NOT NULL column on SQLite by rebuilding the table: slow on a
large book, and the rebuild drops the indexes other apps create in plain SQL
(``api.0002_invoice_list_indexes``). ``ALTER TABLE … ADD COLUMN … DEFAULT ''``
does the same on SQLite and PostgreSQL without a rebuild; the model's state
gets the field as ``AddField`` would give it.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_allocation_settlement_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE ledger_invoice ADD COLUMN order_reference varchar(200) DEFAULT '' NOT NULL",
                    reverse_sql="ALTER TABLE ledger_invoice DROP COLUMN order_reference",
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="invoice",
                    name="order_reference",
                    field=models.CharField(blank=True, db_default="", default="", max_length=200),
                ),
            ],
        ),
    ]
