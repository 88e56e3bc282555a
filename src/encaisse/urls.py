from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("billing/", include("encaisse.billing.urls")),
    path("insights/", include("encaisse.insights.urls")),
    path("cases/", include("encaisse.cases.urls")),
    path("", include("encaisse.delivery.urls")),
    path("", include("encaisse.collections.urls")),
    path("", include("encaisse.web.urls")),
]
