from django.urls import path

from approvals import link_views, views

app_name = "approvals"

urlpatterns = [
    path("approvals/", views.inbox, name="inbox"),
    path("approvals/<int:pk>/", views.submission_detail, name="submission"),
    path("approvals/<int:pk>/vote-links/", link_views.send_vote_links, name="send_vote_links"),
    path("approvals/vote/<str:token>/", link_views.vote_link, name="vote_link"),
    path("policies/<slug:slug>/draft/", views.edit_draft, name="draft"),
    path("policies/<slug:slug>/draft/start/", views.start_draft, name="start_draft"),
    path("policies/<slug:slug>/draft/preview/", views.preview, name="preview"),
    path("policies/<slug:slug>/draft/submit/", views.submit_draft, name="submit_draft"),
    path("policies/<slug:slug>/compare/", views.compare, name="compare"),
]
