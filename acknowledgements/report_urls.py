from django.urls import path

from acknowledgements import report_views

app_name = "reports"

urlpatterns = [
    path("", report_views.dashboard, name="dashboard"),
    path("outstanding/", report_views.outstanding, name="outstanding"),
    path("outstanding.<str:fmt>", report_views.outstanding_export, name="export"),
]
