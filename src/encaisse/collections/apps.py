from django.apps import AppConfig


class CollectionsConfig(AppConfig):
    name = "encaisse.collections"
    label = "collections"
    verbose_name = "Collections"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Reminders appear on the invoice timeline of the delivery app.
        from encaisse.collections.timeline import register

        register()
        # A letter's delivery carries the letter (and the invoices it encloses), on a retry too.
        from encaisse.collections import documents

        documents.register()
