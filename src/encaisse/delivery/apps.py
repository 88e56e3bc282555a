from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "encaisse.delivery"
    label = "delivery"
    verbose_name = "Delivery"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from encaisse.delivery import timeline

        timeline.register_builtin_sources()
