from django.urls import path

from policies import variant_views, views

app_name = "policies"

urlpatterns = [
    path("", views.library, name="library"),
    path("<slug:slug>/", views.policy_detail, name="detail"),
    path("<slug:slug>/quiz/", views.draft_quiz, name="quiz"),
    path("<slug:slug>/versions/<str:label>/", views.version_detail, name="version"),
    path("<slug:slug>/variants/", variant_views.variant_list, name="variants"),
    path("<slug:slug>/variants/<slug:key>/", variant_views.variant_edit, name="variant_edit"),
    path("<slug:slug>/variants/<slug:key>/remove/", variant_views.variant_remove, name="variant_remove"),
]
