from django.urls import path

from acknowledgements import views

app_name = "acknowledgements"

# Mounted at the site's root (as approvals and documents are): a member of
# staff's pages live under my/, HR's paper sign-off under the person's page.
urlpatterns = [
    path("my/", views.my_policies, name="mine"),
    path("my/sign/<slug:slug>/", views.sign, name="sign"),
    path("my/sign/<slug:slug>/check/", views.check, name="check"),
    path("my/sign-offs/", views.my_sign_offs, name="my_sign_offs"),
    path("my/sign-offs/<int:pk>/", views.receipt, name="receipt"),
    path("my/sign-offs/<int:pk>/receipt.txt", views.receipt_download, name="receipt_download"),
    path("people/<int:pk>/paper-sign-off/", views.record_paper_sign_off, name="record_paper"),
    path("people/obligations/<int:pk>/exempt/", views.exempt, name="exempt"),
    path("people/exemptions/<int:pk>/owe-again/", views.owe_again, name="owe_again"),
]
