from django.urls import path

from policies import views

app_name = "public"

urlpatterns = [
    path("policies/", views.public_index, name="index"),
    path("policies/<slug:slug>/", views.public_policy, name="policy"),
]
