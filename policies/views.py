"""Policy library pages: thin views over selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from policies import events, permissions, quiz, selectors, services
from policies.forms import LibraryFilterForm, QuizFormSet, QuizQuestionForm
from policies.models import Policy, PolicyVersion
from policies.rendering import render_version_body

LIBRARY_PAGE_SIZE = 25


def library(request: HttpRequest) -> HttpResponse:
    form = LibraryFilterForm(request.GET or None, schools=list(selectors.schools()))
    filters = form.filters()
    policies = selectors.library(filters)
    page = Paginator(policies, LIBRARY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "total": page.paginator.count,
        "review_counts": selectors.review_counts(selectors.library(
            selectors.LibraryFilters(query=filters.query, school=filters.school, category=filters.category)
        )),
        "today": selectors.today(),
        "can_import": permissions.can_import_policies(request.user),
    }
    return render(request, "policies/library.html", context)


def policy_detail(request: HttpRequest, slug: str) -> HttpResponse:
    policy = _policy_or_404(request, slug)
    version = policy.current_version
    if version is None:
        version = policy.versions.order_by("-major", "-minor", "-id").first()
    return _render_version(request, policy, version, template="policies/policy_detail.html")


def version_detail(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    policy = _policy_or_404(request, slug)
    version = get_object_or_404(policy.versions.select_related("committee"), label=label)
    if not permissions.can_read_version(request.user, version):
        raise Http404
    return _render_version(request, policy, version, template="policies/policy_detail.html")


@login_not_required
def public_index(request: HttpRequest) -> HttpResponse:
    policies = selectors.visible_policies().filter(is_public=True).select_related("organisation")
    return render(request, "policies/public_index.html",
                  {"policies": policies.order_by("organisation__kind", "organisation__name", "title")})


@login_not_required
def public_policy(request: HttpRequest, slug: str) -> HttpResponse:
    policy = get_object_or_404(
        selectors.visible_policies().select_related("organisation", "current_version__committee"),
        slug=slug, is_public=True,
    )
    return _render_version(request, policy, policy.current_version, template="policies/public_policy.html",
                           public=True)


QUIZ_SAVED = "Check of understanding saved."


def draft_quiz(request: HttpRequest, slug: str) -> HttpResponse:
    """The open draft's check of understanding, written by its owner; read
    only once the draft is sent for approval."""
    policy = get_object_or_404(Policy.objects.select_related("organisation"), slug=slug)
    if not permissions.can_edit_drafts(request.user, policy):
        raise PermissionDenied(permissions.EDIT_DENIED)
    draft = policy.versions.filter(status__in=PolicyVersion.OPEN_STATUSES).first()
    if draft is None or draft.status != PolicyVersion.Status.DRAFT:
        return render(request, "policies/quiz.html", {"policy": policy, "draft": draft, "formset": None})
    headings = quiz.section_headings(draft.body)
    formset = QuizFormSet(request.POST or None, headings=headings, prefix="q",
                          initial=[QuizQuestionForm.initial_for(item) for item in draft.quiz])
    if request.method == "POST" and formset.is_valid():
        kept = formset.kept()
        try:
            services.save_quiz(draft, quiz=[item for _, item in kept], by=request.user)
        except quiz.QuizInvalid as error:
            for number, message in error.problems:
                form = kept[number - 1][0] if number else None
                (form.add_error(None, message) if form is not None else
                 formset.non_form_errors().append(message))
        except services.QuizLocked as error:
            messages.error(request, str(error))
            return redirect("policies:quiz", slug=slug)
        else:
            messages.success(request, QUIZ_SAVED)
            return redirect("policies:quiz", slug=slug)
    missing = sorted({item["section"] for item in draft.quiz} - set(headings))
    return render(request, "policies/quiz.html", {
        "policy": policy, "draft": draft, "formset": formset, "headings": headings, "missing_sections": missing,
        "max_questions": quiz.MAX_QUESTIONS,
    })


def _policy_or_404(request: HttpRequest, slug: str) -> Policy:
    policy = get_object_or_404(
        Policy.objects.select_related("organisation", "owner", "current_version__committee", "sign_off_rule"),
        slug=slug,
    )
    if policy.current_version_id is None and not permissions.can_see_unpublished(request.user, policy):
        raise Http404
    return policy


def _render_version(
    request: HttpRequest, policy: Policy, version: PolicyVersion | None, *, template: str, public: bool = False
) -> HttpResponse:
    linked, named = selectors.related_policies(policy)
    if public:  # the website may link only to other published-on-the-website policies
        linked, named = [p for p in linked if p.is_public], []
    editor = not public and permissions.can_edit_drafts(request.user, policy)
    if version is not None and not public and request.method == "GET":
        events.version_text_opened.send(sender=PolicyVersion, version=version, user=request.user,
                                        ip_address=request.META.get("REMOTE_ADDR"),
                                        user_agent=request.headers.get("User-Agent", ""))
    version_table = selectors.version_table(policy)
    context = {
        "policy": policy,
        "version": version,
        "is_current": version is not None and version.pk == policy.current_version_id,
        "rendered": render_version_body(version.body, version.content_hash) if version else None,
        "version_table": version_table,
        "related": linked,
        "named_related": named,
        "legislation": list(policy.legislation.all()),
        "review_status": selectors.review_status(policy.next_review_on),
        "history": [] if public else selectors.policy_timeline(
            policy, user=request.user, editor=editor, locked_ids={row.pk for row in version_table}),
        "public": public,
        "can_draft": editor,
        "open_draft": None if public else policy.versions.filter(status__in=PolicyVersion.OPEN_STATUSES).first(),
    }
    return render(request, template, context)
