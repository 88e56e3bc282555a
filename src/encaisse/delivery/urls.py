from django.urls import path

from encaisse.delivery import views

urlpatterns = [
    path("deliveries/", views.deliveries, name="deliveries"),
    path("deliveries/issues/", views.issues, name="delivery_issues"),
    path("deliveries/issues/<int:pk>/resolve/", views.resolve, name="delivery_issue_resolve"),
    path("invoices/<int:pk>/timeline/", views.invoice_timeline, name="invoice_timeline"),
    path("portal/view/<str:token>/", views.portal_view, name="portal_view"),
    path("portal/view/<str:token>/<str:kind>/", views.portal_download, name="portal_download"),
    path("delivery/peppol/status/", views.peppol_status, name="peppol_status_webhook"),
]
