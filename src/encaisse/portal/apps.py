from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "encaisse.portal"
    label = "portal"
    verbose_name = "Customer portal"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each invoice a portal user opens appears on the invoice's back-office timeline.
        from encaisse.delivery.timeline import register_source
        from encaisse.portal.timeline import portal_view_events

        register_source("portal", portal_view_events)
