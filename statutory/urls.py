from django.urls import path

from statutory import views

app_name = "statutory"

urlpatterns = [
    path("", views.checklist, name="checklist"),
    path("checklist.csv", views.checklist_csv, name="checklist_csv"),
    path("policies/<slug:slug>/", views.tag_policy, name="tag_policy"),
]
