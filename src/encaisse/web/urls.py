from django.contrib.auth import views as auth_views
from django.urls import path

from encaisse.web import views, views_banking, views_review

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dashboard/forecast/", views.dashboard_forecast, name="dashboard_forecast"),
    path("dashboard/export/<slug:table>.<slug:fmt>", views.dashboard_export, name="dashboard_export"),
    path("customers/", views.customers, name="customers"),
    path("customers/<int:pk>/", views.customer_detail, name="customer"),
    path("invoices/", views.invoices, name="invoices"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice"),
    path("bank/statements/", views_banking.statements, name="statements"),
    path("bank/transactions/", views_banking.transactions, name="transactions"),
    path("bank/transactions/<int:pk>/", views_banking.transaction_detail, name="transaction"),
    path("review/", views_review.review, name="review"),
    path("review/<int:pk>/", views_review.review_item, name="review_item"),
    path("review/<int:pk>/decide/", views_review.review_action, name="review_action"),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
