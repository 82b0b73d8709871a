from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from sesame.views import LoginView

from people.selectors import has_left, person_for_user
from people.sign_in import LINK_SENT, link_days, send_sign_in_link

LINK_NOT_VALID = "This sign-in link has expired or has already been used. Ask for a new one from the sign-in page."
LINK_AFTER_LEAVING = ("This sign-in link was sent before your leave date. Now that you have left, it no longer "
                      "signs you in; ask HR if you need your sign-off records.")


class SignInLinkForm(forms.Form):
    email = forms.EmailField(label="Work email")


class SignInLinkView(LoginView):
    """django-sesame's link sign-in, refusing leavers: a link emailed before
    someone's leave date must not open their account after it."""

    def get(self, request: HttpRequest) -> HttpResponse:
        token = request.GET.get(settings.SESAME_TOKEN_NAME)
        user = authenticate(request, sesame=token) if token else None
        if user is None:
            raise PermissionDenied(LINK_NOT_VALID)
        person = person_for_user(user)
        if person is not None and has_left(person):
            raise PermissionDenied(LINK_AFTER_LEAVING)
        login(request, user)
        return self.login_success()


@login_not_required
@require_http_methods(["GET", "POST"])
def request_sign_in_link(request: HttpRequest) -> HttpResponse:
    form = SignInLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        send_sign_in_link(email=email, base_url=f"{request.scheme}://{request.get_host()}")
        messages.info(request, LINK_SENT.format(email=email, days=link_days()))
        return redirect("login")
    return render(request, "registration/request_link.html", {"form": form})


@require_http_methods(["GET", "POST"])
def set_password(request: HttpRequest) -> HttpResponse:
    """Set a password (someone who signed in by link or SSO has none) or change
    it. Django's password validators apply: length, common passwords, all
    digits, too like the email."""
    has_password = request.user.has_usable_password()
    form_class = PasswordChangeForm if has_password else SetPasswordForm
    form = form_class(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)  # stay signed in here; other sessions end
        messages.success(request, "Your password is set. Use it with your work email to sign in.")
        return redirect("home")
    return render(request, "registration/set_password.html", {"form": form, "has_password": has_password})
