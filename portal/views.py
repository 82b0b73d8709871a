from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from people.selectors import person_for_user

SSO_NAMES = {"microsoft": "Microsoft 365", "google": "Google"}


def home(request: HttpRequest) -> HttpResponse:
    """Staff land on what they must sign; everyone else on the library."""
    if person_for_user(request.user) is not None:
        return redirect("acknowledgements:mine")
    return redirect("policies:library")


class SignInView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_providers"] = [
            {"id": provider, "name": SSO_NAMES.get(provider, provider.title())}
            for provider in settings.SOCIALACCOUNT_PROVIDERS
        ]
        return context
