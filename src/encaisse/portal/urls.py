"""The portal's pages under ``/portal/`` (namespace ``portal``).

``/portal/view/<token>/`` (the signed link e-mailed with an invoice) belongs
to the delivery app; nothing here starts with ``view/``.
"""

from django.urls import path

from encaisse.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in_page, name="sign_in"),
    path("sign-in/sent/", views.link_sent, name="link_sent"),
    path("sign-in/link/<str:token>/", views.magic_link, name="magic_link"),
    path("sign-out/", views.sign_out_view, name="sign_out"),
    path("password/", views.password, name="password"),
    path("language/", views.language, name="language"),
    path("invoices/", views.invoices, name="invoices"),
    path("invoices/<int:pk>/", views.invoice, name="invoice"),
    path("invoices/<int:pk>/download/<str:kind>/", views.download, name="download"),
    path("invoices/<int:pk>/pay/", views.pay, name="pay"),
    path("invoices/<int:pk>/pay/online/", views.pay_online, name="pay_online"),
    path("invoices/<int:pk>/promise/", views.promise, name="promise"),
    path("invoices/<int:pk>/dispute/", views.dispute, name="dispute"),
    path("accounts/<int:pk>/statement/", views.statement, name="statement"),
    path("accounts/<int:pk>/contacts/", views.contacts, name="contacts"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("cases/<int:pk>/files/<int:file_pk>/", views.case_file, name="case_file"),
]
