from django.urls import path

from encaisse.cases import views

urlpatterns = [
    path("", views.board, name="cases"),
    path("new/", views.case_new, name="case_new"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/action/", views.case_action, name="case_action"),
]
