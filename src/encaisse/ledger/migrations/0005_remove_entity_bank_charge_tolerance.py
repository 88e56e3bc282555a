"""Drop ``Entity.bank_charge_tolerance_minor``: the bank-charge tolerance is the cash application setting.

It was read only to annotate deduction cases, against a fixed 15.00 in any currency, and disagreed with the
tolerance matching applies (``cashapp.MatchSettingsRow.charge_tolerance_minor``, 25 EUR's worth by default).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0004_national_reference_schemes"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="entity",
            name="bank_charge_tolerance_minor",
        ),
    ]
