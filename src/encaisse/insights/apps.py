from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "encaisse.insights"
    verbose_name = "Insights"
