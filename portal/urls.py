from allauth.socialaccount.views import login_error as sso_login_error
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from people.sign_in_views import SignInLinkView, request_sign_in_link, send_new_link, set_password
from portal import favicon, health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", health.health, name="health"),
    path("health/live/", health.live, name="health_live"),
    path("favicon.ico", favicon.favicon, name="favicon"),
    path("accounts/login/", login_not_required(views.SignInView.as_view()), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/link/", login_not_required(SignInLinkView.as_view()), name="sign_in_link"),
    path("accounts/link/request/", request_sign_in_link, name="request_sign_in_link"),
    path("accounts/link/again/", send_new_link, name="send_new_sign_in_link"),
    path("accounts/password/", set_password, name="set_password"),
    # django-allauth serves only single sign-on (SOCIALACCOUNT_ONLY). Its error
    # page is for people who could not sign in, so it cannot require sign-in.
    path("accounts/3rdparty/login/error/", login_not_required(sso_login_error), name="socialaccount_login_error"),
    path("accounts/", include("allauth.urls")),
    path("", include("acknowledgements.urls")),
    path("people/", include("people.urls")),
    path("reports/", include("reports.urls")),
    path("adoptions/", include("adoptions.urls")),
    path("statutory/", include("statutory.urls")),
    path("privacy/", include("privacy.urls")),
    path("", include("approvals.urls")),
    path("", include("documents.urls")),
    path("policies/import/", include("imports.urls")),
    path("policies/", include("policies.urls")),
    path("public/", include("policies.public_urls")),
    # The outbox's admin pages were under reminders until the outbox became its own app.
    re_path(r"^admin/reminders/outboxemail/(?P<rest>.*)$",
            RedirectView.as_view(url="/admin/outbox/outboxemail/%(rest)s", query_string=True, permanent=True)),
    path("admin/", admin.site.urls),
]

handler500 = "portal.errors.server_error"
