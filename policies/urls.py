from django.urls import path

from policies import views

app_name = "policies"

urlpatterns = [
    path("", views.library, name="library"),
    path("<slug:slug>/", views.policy_detail, name="detail"),
    path("<slug:slug>/quiz/", views.draft_quiz, name="quiz"),
    path("<slug:slug>/versions/<str:label>/", views.version_detail, name="version"),
]
