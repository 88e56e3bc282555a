from django.urls import path

from encaisse.collections import views

urlpatterns = [
    path("collections/", views.runs, name="collections_runs"),
    path("collections/run/", views.start_run, name="collections_start_run"),
    path("collections/runs/<int:pk>/", views.run_detail, name="collections_run"),
    path("collections/runs/<int:pk>/action/", views.run_action, name="collections_run_action"),
    path("collections/letters/<int:pk>/action/", views.letter_action, name="collections_letter_action"),
    path("collections/letters/<int:pk>/pdf/", views.letter_preview, name="collections_letter_pdf"),
    path("collections/worklist/", views.worklist_page, name="collections_worklist"),
    path("collections/customers/<int:pk>/", views.customer_collections, name="collections_customer"),
    path("collections/customers/<int:pk>/promise/", views.promise_create, name="collections_promise"),
    path("collections/customers/<int:pk>/hold/", views.hold_action, name="collections_hold"),
    path("collections/customers/<int:pk>/note/", views.note_create, name="collections_note"),
    path(
        "collections/customers/<int:pk>/statement.pdf", views.statement_download, name="collections_statement"
    ),
]
