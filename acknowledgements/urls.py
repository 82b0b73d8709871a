from django.urls import path

from acknowledgements import views

app_name = "acknowledgements"

urlpatterns = [
    path("", views.my_policies, name="mine"),
    path("sign/<slug:slug>/", views.sign, name="sign"),
    path("sign-offs/<int:pk>/", views.receipt, name="receipt"),
    path("sign-offs/<int:pk>/receipt.txt", views.receipt_download, name="receipt_download"),
]
