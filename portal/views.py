from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from people.selectors import has_left, person_for_user

LEAVER_SIGN_IN_ENDED = "Your sign-in ended on your leave date. If you are still working here, ask HR."

SSO_NAMES = {"microsoft": "Microsoft 365", "google": "Google"}


def home(request: HttpRequest) -> HttpResponse:
    """Staff land on what they must sign; everyone else on the library."""
    if person_for_user(request.user) is not None:
        return redirect("acknowledgements:mine")
    return redirect("policies:library")


class SignInForm(AuthenticationForm):
    def confirm_login_allowed(self, user) -> None:
        """A leaver's login is closed by the nightly run; from the leave date
        itself a correct password no longer opens it (links and single sign-on
        refuse leavers on their own paths)."""
        super().confirm_login_allowed(user)
        person = person_for_user(user)
        if person is not None and has_left(person):
            raise forms.ValidationError(LEAVER_SIGN_IN_ENDED, code="left")


class SignInView(auth_views.LoginView):
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_providers"] = [
            {"id": provider, "name": SSO_NAMES.get(provider, provider.title())}
            for provider in settings.SOCIALACCOUNT_PROVIDERS
        ]
        return context
