from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("", views.people_list, name="list"),
    path("import/", views.import_staff, name="import"),
    path("import/jobs/<int:pk>/", views.import_job, name="import_job"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/send-link/", views.send_link, name="send_link"),
]
