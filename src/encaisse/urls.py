from django.contrib import admin
from django.urls import include, path

from encaisse.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("billing/", include("encaisse.billing.urls")),
    path("insights/", include("encaisse.insights.urls")),
    path("cases/", include("encaisse.cases.urls")),
    path("portal/", include("encaisse.portal.urls")),
    path("payments/", include("encaisse.payments.urls")),
    path("", include("encaisse.delivery.urls")),
    path("", include("encaisse.collections.urls")),
    path("", include("encaisse.web.urls")),
]
