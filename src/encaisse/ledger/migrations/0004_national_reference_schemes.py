"""National structured references as ``Entity.reference_scheme`` choices (choices only: no SQL)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0003_invoice_order_reference"),
    ]

    operations = [
        migrations.AlterField(
            model_name="entity",
            name="reference_scheme",
            field=models.CharField(
                choices=[
                    ("rf", "ISO 11649 RF"),
                    ("ogm", "Belgian OGM/VCS"),
                    ("fi", "Finnish reference (viitenumero)"),
                    ("se_ocr", "Swedish OCR reference (Bankgirot)"),
                    ("no_kid", "Norwegian KID"),
                    ("dk_fik", "Danish FIK payment ID (+71/+75)"),
                    ("ch_qrr", "Swiss QR reference (QR-IBAN accounts only)"),
                    ("nl", "Dutch betalingskenmerk"),
                ],
                default="rf",
                max_length=8,
            ),
        ),
    ]
