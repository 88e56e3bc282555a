"""``Customer.aliases``: other names a customer pays under (trade names, former names), imported with the
customer (``import-customers``, column ``aliases``); cash application reads them as names of the customer."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0005_remove_entity_bank_charge_tolerance"),
    ]

    operations = [
        migrations.AddField(
            model_name="customer",
            name="aliases",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Other names the customer pays under (trade names, former names)",
            ),
        ),
    ]
