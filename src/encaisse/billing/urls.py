from django.urls import path

from encaisse.billing import views

urlpatterns = [
    path("", views.documents, name="billing"),
    path("new/", views.new_invoice, name="billing_new"),
    path("new/line/", views.new_line, name="billing_new_line"),
    path("totals/", views.totals, name="billing_totals"),
    path("documents/<int:pk>/", views.document, name="billing_document"),
    path("documents/<int:pk>/validate/", views.validate_document, name="billing_validate"),
    path("documents/<int:pk>/issue/", views.issue_document, name="billing_issue"),
    path("documents/<int:pk>/credit/", views.credit_document, name="billing_credit"),
    path("documents/<int:pk>/preview.pdf", views.preview, name="billing_preview"),
    path("documents/<int:pk>/download/<str:kind>/", views.download, name="billing_download"),
    path("archive/", views.archive, name="billing_archive"),
]
