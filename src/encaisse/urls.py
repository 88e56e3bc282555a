from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("billing/", include("encaisse.billing.urls")),
    path("", include("encaisse.web.urls")),
]
