from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("outstanding/", views.outstanding, name="outstanding"),
    path("outstanding.<str:fmt>", views.outstanding_export, name="export"),
]
