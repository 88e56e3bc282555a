from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "encaisse.web"
    verbose_name = "Back office"

    def ready(self) -> None:
        from encaisse.web import security  # noqa: F401  (connects the sign-in audit receivers)
