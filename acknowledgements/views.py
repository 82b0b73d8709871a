"""My policies, the sign page and receipts."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from acknowledgements import selectors, services
from acknowledgements.forms import SignForm
from acknowledgements.models import SignOff
from people.permissions import can_view_person
from people.selectors import has_left, person_for_user
from people.sign_in import session_began_with
from policies.models import Policy
from policies.rendering import render_version_body

NO_STAFF_RECORD = "Your login is not linked to a staff record, so there is nothing for you to sign."


def _me(request: HttpRequest):
    person = person_for_user(request.user)
    if person is None:
        raise PermissionDenied(NO_STAFF_RECORD)
    return person


def my_policies(request: HttpRequest) -> HttpResponse:
    person = _me(request)
    today = timezone.localdate()
    owed = list(selectors.owed_sign_offs(person))
    return render(request, "acknowledgements/my_policies.html", {
        "person": person,
        "owed": owed,
        "overdue_count": sum(1 for o in owed if o.due_on < today),
        "signed": selectors.sign_offs_of(person),
        "today": today,
    })


@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, slug: str) -> HttpResponse:
    person = _me(request)
    policy = get_object_or_404(Policy.objects.select_related("current_version"), slug=slug,
                               current_version__isnull=False)
    version = policy.current_version
    if has_left(person):
        raise PermissionDenied(services.LEFT_NOTHING_TO_SIGN)
    if not services.may_sign(person, version):
        raise PermissionDenied(services.NOT_YOURS_TO_SIGN)
    form = SignForm(request.POST or None, initial={"version": version.pk})
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["version"] != version.pk:
            messages.error(request, services.NOT_CURRENT)
            return redirect("acknowledgements:sign", slug=slug)
        sign_off, created = services.record_sign_off(
            person=person, version=version, ip_address=request.META.get("REMOTE_ADDR"),
            user_agent=request.headers.get("User-Agent", ""), session_began_with=session_began_with(request),
        )
        if not created:
            messages.info(request, services.ALREADY_SIGNED.format(version=version.label, policy=policy.title))
        return redirect("acknowledgements:receipt", pk=sign_off.pk)
    return render(request, "acknowledgements/sign.html", {
        "policy": policy,
        "version": version,
        "form": form,
        "statement": services.statement_for(version),
        "rendered": render_version_body(version.body, version.content_hash),
        "obligation": selectors.owed_sign_offs(person).filter(policy=policy).first(),
    })


def _sign_off_for(request: HttpRequest, pk: int) -> SignOff:
    sign_off = get_object_or_404(SignOff.objects.select_related("person", "version__policy", "recorded_by"), pk=pk)
    if not can_view_person(request.user, sign_off.person):
        raise Http404  # do not confirm that someone else's receipt exists
    return sign_off


def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "acknowledgements/receipt.html", {"sign_off": _sign_off_for(request, pk)})


def receipt_download(request: HttpRequest, pk: int) -> HttpResponse:
    sign_off = _sign_off_for(request, pk)
    text = render_to_string("acknowledgements/receipt.txt", {"sign_off": sign_off})
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    filename = f"sign-off-{sign_off.version.policy.slug}-{sign_off.version.label}-{sign_off.pk}.txt"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
