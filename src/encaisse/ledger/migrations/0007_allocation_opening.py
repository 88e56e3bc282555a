"""``AllocationKind.OPENING``: what was settled of an item before it was imported (an opening balance), posted
by ``import-invoices`` from the column ``open_amount``. Choices only: no change to the table."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0006_customer_aliases"),
    ]

    operations = [
        migrations.AlterField(
            model_name="allocation",
            name="kind",
            field=models.CharField(
                choices=[
                    ("invoice", "Invoice"),
                    ("deduction", "Deduction"),
                    ("on_account", "On account"),
                    ("unrelated", "Unrelated"),
                    ("credit_note", "Credit note applied"),
                    ("write_off", "Write-off"),
                    ("opening", "Settled before import"),
                ],
                max_length=12,
            ),
        ),
    ]
