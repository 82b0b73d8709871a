"""My policies, the sign page, receipts, and HR's page for recording a paper
sign-off."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from acknowledgements import exemptions, permissions, quiz, selectors, services, viewings
from acknowledgements.forms import ExemptForm, PaperSignOffForm, QuizForm, SignForm
from acknowledgements.models import Exemption, Obligation, SignOff, SignOffRule
from acknowledgements.permissions import NO_STAFF_RECORD
from acknowledgements.signed_text import text_to_sign
from adoptions.copies import school_copy, schools_yet_to_adopt
from people import permissions as people_permissions
from people.models import Person
from people.selectors import require_person
from people.sign_in import session_began_with
from policies.models import Policy
from policies.rendering import render_version_body


def _me(request: HttpRequest) -> Person:
    return require_person(request.user, message=NO_STAFF_RECORD)


def my_policies(request: HttpRequest) -> HttpResponse:
    person = _me(request)
    today = timezone.localdate()
    mine = selectors.my_policies(person, today=today)
    return render(request, "acknowledgements/my_policies.html", {
        "person": person,
        "owed": mine.owed,
        "overdue_count": mine.overdue,
        "signed": mine.recent,
        "signed_count": mine.signed,
        "today": today,
    })


SIGN_OFFS_PAGE_SIZE = 50


def my_sign_offs(request: HttpRequest) -> HttpResponse:
    """Every sign-off I made, by policy, 50 a page (My policies shows the newest)."""
    person = _me(request)
    page = Paginator(selectors.sign_offs_by_policy(person), SIGN_OFFS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "acknowledgements/my_sign_offs.html", {"person": person, "page": page})


CHECK_PASSED = "You answered every question correctly. You can now confirm and sign."
CHECK_WRONG = "Some answers are not right yet. Re-read the sections named below, then answer again."


def _signable(request: HttpRequest, slug: str):
    """The person, the policy, its current version and the person's
    outstanding obligation for it (None if they sign it by the rule alone),
    each read once: the permission, the opening, the text and the sign-off
    all ask which obligation."""
    person = _me(request)
    obligation = selectors.owed_of_current_version(person, slug)  # what most who open the page came for
    if obligation is not None:
        policy = obligation.policy
    else:
        policy = get_object_or_404(Policy.objects.select_related("current_version"), slug=slug,
                                   current_version__isnull=False)
    version = policy.current_version
    version.policy = policy  # the statement and the text name it: no second read
    if obligation is not None:
        obligation.version = version
    refusal = permissions.sign_refusal(person, version, owes_it=obligation is not None)
    if refusal:
        raise PermissionDenied(refusal)
    return person, policy, version, obligation


@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, slug: str) -> HttpResponse:
    """The text, the check of understanding (if the version has one), then the
    tick box. Only a GET records the opening: a POST that never showed anyone
    the text (a forged one) is refused by record_sign_off."""
    person, policy, version, obligation = _signable(request, slug)
    if request.method == "GET":
        text = text_to_sign(person, version, obligation=obligation)
        viewings.record_viewing(person=person, version=version, ip_address=request.META.get("REMOTE_ADDR"),
                                user_agent=request.headers.get("User-Agent", ""), obligation=obligation, text=text)
        return _sign_page(request, person, policy, version, text=text, period=obligation.period if obligation else "",
                          obligation=obligation)
    form = SignForm(request.POST or None, initial={"version": version.pk})
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["version"] != version.pk:
            messages.error(request, services.NOT_CURRENT)
            return redirect("acknowledgements:sign", slug=slug)
        try:
            sign_off, created = services.record_sign_off(
                person=person, version=version, ip_address=request.META.get("REMOTE_ADDR"),
                user_agent=request.headers.get("User-Agent", ""), session_began_with=session_began_with(request),
                obligation=obligation,
            )
        except services.SignOffRefused as refusal:
            form.add_error(None, str(refusal))
            return _sign_page(request, person, policy, version, form=form)
        if not created:
            messages.info(request, services.ALREADY_SIGNED.format(version=version.label, policy=policy.title))
        return redirect("acknowledgements:receipt", pk=sign_off.pk)
    return _sign_page(request, person, policy, version, form=form)


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, slug: str) -> HttpResponse:
    """Answers to the check of understanding: every attempt is kept; a wrong
    one shows the sign page again with the sections to re-read."""
    person, policy, version, _obligation = _signable(request, slug)
    sign_url = reverse("acknowledgements:sign", args=[slug])
    if request.method == "GET" or not quiz.has_check(version):
        return redirect(sign_url)
    quiz_form = QuizForm(request.POST, questions=quiz.questions(version))
    if not quiz_form.is_valid():
        return _sign_page(request, person, policy, version, quiz_form=quiz_form)
    attempt = quiz.record_attempt(person=person, version=version, answers=quiz_form.answers())
    if attempt.passed:
        messages.success(request, CHECK_PASSED)
        return redirect(f"{sign_url}#confirm-heading")
    return _sign_page(request, person, policy, version, quiz_form=quiz_form, attempt=attempt)


def _sign_page(request, person, policy, version, *, form=None, quiz_form=None, attempt=None,
               text=None, period: str | None = None, obligation=None) -> HttpResponse:
    """`obligation`: the person's outstanding obligation for this version,
    when the caller read it (its due date is the one the page gives)."""
    text = text or text_to_sign(person, version)
    rendered = render_version_body(text.body, text.content_hash)
    questions = quiz.questions(version)
    passed = None
    if questions:
        period = viewings.period_owed(person, version) if period is None else period
        passed = quiz.passed_attempt(person, version, period)
        quiz_form = quiz_form or QuizForm(questions=questions)
    wrong = [not right for right in attempt.correct] if attempt else [False] * len(questions)
    items = [
        {"question": q, "field": quiz_form[f"q{q.number}"], "wrong": wrong[i] if i < len(wrong) else False,
         "anchor": quiz.section_anchor(q.section, rendered.contents)}
        for i, q in enumerate(questions)
    ]
    rule = SignOffRule.objects.filter(policy=policy).only("require_reaching_end").first()
    return render(request, "acknowledgements/sign.html", {
        "policy": policy,
        "version": version,
        "form": form or SignForm(initial={"version": version.pk}),
        "statement": services.statement_for(version, text),
        "rendered": rendered,
        "text": text,
        "copy": school_copy(text.adoption, body=text.body) if text.adoption else None,  # the school's copy
        "not_adopted_by": [] if text.adoption else schools_yet_to_adopt(person, version, in_force=None),
        "obligation": obligation or selectors.owed_sign_offs(person).filter(policy=policy).first(),
        "questions": items,
        "quiz_form": quiz_form,
        "quiz_passed": passed,
        "attempt": attempt,
        "check_wrong": CHECK_WRONG,
        "reach_end": bool(rule and rule.require_reaching_end),
    })


def _sign_off_for(request: HttpRequest, pk: int) -> SignOff:
    sign_off = get_object_or_404(SignOff.objects.select_related("person", "version__policy", "recorded_by"), pk=pk)
    if not permissions.can_see_sign_off(request.user, sign_off):
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


PAPER_TEMPLATE = "acknowledgements/record_paper_sign_off.html"


@require_http_methods(["GET", "POST"])
def record_paper_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    """HR records a sign-off the person made on a printed copy (its path sits
    under the person's page: /people/<pk>/paper-sign-off/)."""
    if not people_permissions.is_hr(request.user):
        raise PermissionDenied(people_permissions.PEOPLE_DENIED)
    person = get_object_or_404(Person, pk=pk)
    if not permissions.can_record_paper_sign_off(request.user, person):
        raise PermissionDenied(people_permissions.PERSON_DENIED)
    versions = selectors.paper_versions_for(person, recorder=request.user)
    form = PaperSignOffForm(request.POST or None, versions=versions, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        try:
            sign_off, created = services.record_paper_sign_off(
                person=person, version=form.cleaned_data["version"], recorded_by=request.user,
                signed_on=form.cleaned_data["signed_on"], note=form.cleaned_data["note"],
                ip_address=request.META.get("REMOTE_ADDR"), user_agent=request.headers.get("User-Agent", ""),
            )
        except services.SignOffRefused as refusal:
            form.add_error(None, str(refusal))
            return render(request, PAPER_TEMPLATE, {"person": person, "form": form})
        if created:
            messages.success(request, f"Paper sign-off recorded for {person.full_name}.")
        else:
            messages.info(request, f"{person.full_name} had already signed that version; nothing was changed.")
        return redirect("people:detail", pk=person.pk)
    return render(request, PAPER_TEMPLATE, {"person": person, "form": form})



def _require_exempter(request: HttpRequest, person: Person) -> None:
    if not people_permissions.is_hr(request.user):
        raise PermissionDenied(people_permissions.PEOPLE_DENIED)
    if not permissions.can_exempt(request.user, person):
        raise PermissionDenied(exemptions.EXEMPT_DENIED)


@require_http_methods(["GET", "POST"])
def exempt(request: HttpRequest, pk: int) -> HttpResponse:
    """HR exempts a person from one sign-off they owe, with a reason (a GET
    only shows the form: an email scanner following the link changes nothing)."""
    obligation = get_object_or_404(Obligation.objects.select_related("person", "policy", "version"), pk=pk)
    person = obligation.person
    _require_exempter(request, person)
    form = ExemptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            exemptions.exempt(obligation=obligation, reason=form.cleaned_data["reason"], by=request.user)
        except exemptions.ExemptionRefused as refusal:
            form.add_error(None if str(refusal) == exemptions.NOT_OUTSTANDING else "reason", str(refusal))
        else:
            messages.success(request, f"{person.full_name} is exempted from the {obligation.policy.title}.")
            return redirect("people:detail", pk=person.pk)
    return render(request, "acknowledgements/exempt.html", {"person": person, "obligation": obligation, "form": form})


@require_http_methods(["GET", "POST"])
def owe_again(request: HttpRequest, pk: int) -> HttpResponse:
    """HR undoes an exemption: the person owes that version again, from today."""
    exemption = get_object_or_404(
        Exemption.objects.select_related("person", "obligation__policy", "obligation__version", "exempted_by__person"),
        pk=pk)
    person = exemption.person
    _require_exempter(request, person)
    error = ""
    if request.method == "POST":
        try:
            again = exemptions.owe_again(exemption=exemption, by=request.user)
        except exemptions.ExemptionRefused as refusal:
            error = str(refusal)
        else:
            messages.success(request, f"{person.full_name} owes the {again.policy.title} again, "
                                      f"due {again.due_on:%-d %b %Y}.")
            return redirect("people:detail", pk=person.pk)
    return render(request, "acknowledgements/owe_again.html",
                  {"person": person, "exemption": exemption, "obligation": exemption.obligation, "error": error,
                   "exempter": exemptions.exempter_name(exemption.exempted_by)})
