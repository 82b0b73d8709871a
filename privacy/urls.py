from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("my-data/", views.my_export, name="my_export"),
    path("people/<int:pk>/export/", views.person_export, name="person_export"),
]
