from django.urls import path

from encaisse.insights import views

urlpatterns = [
    path("forecast/", views.forecast_page, name="insights_forecast"),
    path("risk/", views.risk_page, name="insights_risk"),
    path("anomalies/", views.anomalies_page, name="insights_anomalies"),
]
