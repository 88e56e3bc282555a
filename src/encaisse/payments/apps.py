from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "encaisse.payments"
    label = "payments"
    verbose_name = "Online payments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Online payments appear on the invoice timeline of the delivery app.
        from encaisse.payments.timeline import register

        register()
