from django.urls import path, re_path

from encaisse.payments import views

urlpatterns = [
    re_path(r"^webhooks/(?P<provider>stripe|mollie)/$", views.webhook, name="payments_webhook"),
    path("return/<int:pk>/", views.payment_return, name="payment_return"),
]
