"""Who may read a case's history lines and files: ``internal`` or ``customer``.

The new column defaults to ``internal``, which is what every back-office line
and file was until now (the portal never showed them). What the customer wrote
or uploaded in the portal (actor ``portal:…``) was already shown to the
customer: it becomes ``customer``, in one ``UPDATE`` per table. Going back
drops the columns (nothing else changed).

``CaseSettings.show_reply_author`` (default off): the portal shows a reply as
sent by the company only, unless an entity chooses to name the person.
"""

from django.db import migrations, models

CHOICES = [("internal", "Internal"), ("customer", "Shown to the customer")]


def customer_lines_are_shown(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("cases", "CaseEvent").objects.filter(actor__startswith="portal:").update(visibility="customer")
    apps.get_model("cases", "CaseAttachment").objects.filter(uploaded_by__startswith="portal:").update(
        visibility="customer"
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="caseattachment",
            name="visibility",
            field=models.CharField(
                choices=CHOICES, default="internal", max_length=8,
                help_text="customer: the customer may download it in the portal",
            ),  # fmt: skip
        ),
        migrations.AddField(
            model_name="caseevent",
            name="visibility",
            field=models.CharField(
                choices=CHOICES, default="internal", max_length=8,
                help_text="customer: the portal shows its text (the customer's messages, the replies to the customer)",
            ),  # fmt: skip
        ),
        migrations.AddField(
            model_name="casesettings",
            name="show_reply_author",
            field=models.BooleanField(
                default=False,
                help_text="the portal names who replied beside the company (else the company only)",
            ),
        ),
        migrations.RunPython(customer_lines_are_shown, migrations.RunPython.noop),
    ]
