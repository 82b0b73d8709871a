from django.urls import path

from imports import batch_views, item_views

app_name = "imports"

urlpatterns = [
    path("", batch_views.upload, name="upload"),
    path("<int:batch_id>/", batch_views.batch, name="batch"),
    path("<int:batch_id>/progress/", batch_views.progress, name="progress"),
    path("<int:batch_id>/import-ready/", batch_views.import_ready, name="import_ready"),
    path("item/<int:item_id>/", item_views.item, name="item"),
]
