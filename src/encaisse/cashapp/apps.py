from django.apps import AppConfig


class CashappConfig(AppConfig):
    name = "encaisse.cashapp"
    verbose_name = "Cash application"
