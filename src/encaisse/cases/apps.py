from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "encaisse.cases"
    label = "cases"
    verbose_name = "Disputes and deductions"
    default_auto_field = "django.db.models.BigAutoField"
