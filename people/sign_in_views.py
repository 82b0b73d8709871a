from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST
from sesame.views import LoginView

from people.models import User
from people.selectors import has_left, person_for_user
from people.sign_in import (
    LINK_SENT,
    RESEND_FIELD,
    link_days,
    send_new_sign_in_link,
    send_sign_in_link,
    user_for_link_token,
    user_for_resend_code,
)

LINK_NOT_VALID = "This sign-in link has already been used or has expired"
LINK_AFTER_LEAVING = ("This sign-in link was sent before your leave date. Now that you have left, it no longer "
                      "signs you in; ask HR if you need your sign-off records.")
# Said whoever the link belonged to: the page must not tell a leaver's or a
# stranger's link from a current colleague's.
NEW_LINK_SENT = ("If you are still on the staff list, a new sign-in link is on its way to the address the old one "
                 "was sent to. It works once and expires in {days} days.")


class SignInLinkForm(forms.Form):
    email = forms.EmailField(label="Work email")


class SignInLinkView(LoginView):
    """django-sesame's link sign-in, made safe for email security scanners,
    which open every link in an email: the GET only shows a Continue button;
    the POST it makes signs in and uses the link. A link emailed before
    someone's leave date never opens their account after it."""

    def get(self, request: HttpRequest) -> HttpResponse:
        token = request.GET.get(settings.SESAME_TOKEN_NAME, "")
        resend = request.GET.get(RESEND_FIELD, "")
        user = user_for_link_token(token)
        if user is None:
            return self.link_not_valid(resend)
        self.refuse_a_leaver(user)
        context = {"token": token, "resend": resend, "next": self.get_redirect_url()}
        response = render(request, "registration/sign_in_link.html", context)
        add_never_cache_headers(response)  # the page holds a live token
        return response

    def post(self, request: HttpRequest) -> HttpResponse:
        token = request.POST.get(settings.SESAME_TOKEN_NAME, "")
        resend = request.POST.get(RESEND_FIELD, "")
        # Checked first so that a used link is not counted as a failed sign-in;
        # authenticate() then lets django-axes refuse a locked-out visitor.
        if user_for_link_token(token) is None:
            return self.link_not_valid(resend)
        user = authenticate(request, sesame=token)
        if user is None:  # used in the moment between the two checks
            return self.link_not_valid(resend)
        self.refuse_a_leaver(user)
        login(request, user)  # updates last_login, which spends the one-time token
        return self.login_success()

    def get_redirect_url(self) -> str:
        """Only a path on this site: never another host, even one Django allows."""
        url = super().get_redirect_url()
        return url if url.startswith("/") and not url.startswith(("//", "/\\")) else ""

    def refuse_a_leaver(self, user: User) -> None:
        person = person_for_user(user)
        if person is not None and has_left(person):
            raise PermissionDenied(LINK_AFTER_LEAVING)

    def link_not_valid(self, resend: str) -> HttpResponse:
        """A used, expired or mistyped link: say so and offer a new one in one
        click when the link carries a genuine resend code."""
        context = {"message": LINK_NOT_VALID, "resend": resend if user_for_resend_code(resend) else ""}
        return render(self.request, "registration/sign_in_link_not_valid.html", context, status=403)


@login_not_required
@require_POST
def send_new_link(request: HttpRequest) -> HttpResponse:
    """The one-click "Email me a new link" of a used or expired link's page."""
    user = user_for_resend_code(request.POST.get(RESEND_FIELD, ""))
    if user is None:
        return redirect("request_sign_in_link")
    send_new_sign_in_link(user=user)
    messages.info(request, NEW_LINK_SENT.format(days=link_days()))
    return redirect("login")


@login_not_required
@require_http_methods(["GET", "POST"])
def request_sign_in_link(request: HttpRequest) -> HttpResponse:
    form = SignInLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        send_sign_in_link(email=email)
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
