from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("outstanding/", views.outstanding, name="outstanding"),
    path("understanding/", views.understanding_report, name="understanding"),
    path("outstanding.<str:fmt>", views.outstanding_export, name="export"),
    path("exports/<int:pk>/", views.export_job, name="export_job"),
    path("exports/<int:pk>/progress/", views.export_progress, name="export_progress"),
    path("exports/<int:pk>/download", views.export_download, name="export_download"),
]
