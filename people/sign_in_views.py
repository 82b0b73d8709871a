from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from people.sign_in import LINK_SENT, link_days, send_sign_in_link


class SignInLinkForm(forms.Form):
    email = forms.EmailField(label="Work email")


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
