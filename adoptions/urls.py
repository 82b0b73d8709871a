from django.urls import path

from adoptions import views

app_name = "adoptions"

urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/prepare/", views.prepare, name="prepare"),
    path("<int:pk>/send/", views.send, name="send"),
    path("<int:pk>/redline/", views.redline, name="redline"),
]
