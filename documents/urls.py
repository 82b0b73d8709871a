from django.urls import path

from documents import adoption_views, views

app_name = "documents"

urlpatterns = [
    path("policies/<slug:slug>/versions/<str:label>/pdf/", views.version_pdf, name="version_pdf"),
    path("policies/<slug:slug>/versions/<str:label>/variants/<slug:key>/pdf/", views.variant_pdf,
         name="variant_pdf"),
    path("public/policies/<slug:slug>/pdf/", views.public_pdf, name="public_pdf"),
    path("my/pack.pdf", views.my_pack, name="my_pack"),
    path("my/record.pdf", views.my_record, name="my_record"),
    path("people/<int:pk>/record.pdf", views.person_record, name="person_record"),
    path("adoptions/<int:pk>/copy.pdf", adoption_views.adoption_pdf, name="adoption_pdf"),
]
