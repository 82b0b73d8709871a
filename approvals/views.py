"""Drafting, the redline and committee decisions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from adoptions.copies import school_copy
from adoptions.redlines import readoption_redline
from approvals import links, permissions, redline, selectors, services
from approvals.forms import DraftForm, MeetingDecisionForm, SubmitForm, VoteForm
from approvals.models import Submission
from people.selectors import person_for_user
from policies.models import Committee, Policy, PolicyVersion
from policies.permissions import can_read_version
from policies.quiz import with_quiz
from policies.rendering import render_markdown
from policies.text import normalise_text


def _policy_for_drafting(request: HttpRequest, slug: str) -> Policy:
    policy = get_object_or_404(Policy.objects.select_related("current_version", "organisation"), slug=slug)
    if not permissions.can_edit_drafts(request.user, policy):
        raise PermissionDenied(permissions.EDIT_DENIED)
    return policy


@require_POST
def start_draft(request: HttpRequest, slug: str) -> HttpResponse:
    policy = _policy_for_drafting(request, slug)
    try:
        services.start_draft(policy, by=person_for_user(request.user), is_major=request.POST.get("kind") == "major")
    except services.IllegalTransition as error:
        messages.error(request, str(error))
    return redirect("approvals:draft", slug=slug)


def edit_draft(request: HttpRequest, slug: str) -> HttpResponse:
    policy = _policy_for_drafting(request, slug)
    draft = policy.versions.filter(status__in=PolicyVersion.OPEN_STATUSES).first()
    if draft is None:
        return render(request, "approvals/no_draft.html", {"policy": policy})
    if draft.status == PolicyVersion.Status.AWAITING_APPROVAL:
        return redirect("approvals:submission", pk=draft.submissions.filter(status="awaiting").first().pk)
    initial = {"body": draft.body, "is_major": "major" if draft.is_major else "minor", "reason": draft.reason,
               "review_cycle_months": draft.review_cycle_months, "audiences": draft.audiences,
               "effective_on": draft.effective_on, "next_review_on": draft.next_review_on}
    form = DraftForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_draft(draft, **form.cleaned_data)
        except services.IllegalTransition as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Draft saved.")
        return redirect("approvals:draft", slug=slug)
    return render(request, "approvals/draft.html", {
        "policy": policy, "draft": draft, "form": form,
        "submit_form": SubmitForm(policy=policy, initial={"committee": _usual_committee(policy)}),
        "preview": render_markdown(draft.body),
        # The quiz is part of what is approved, so the redline shows it too.
        "changes": redline.compare(with_quiz(policy.current_version.body, policy.current_version.quiz)
                                   if policy.current_version else "", with_quiz(draft.body, draft.quiz)),
        "variant_list": redline.compare_variants(policy.current_version, draft),
        "last_decision": selectors.last_decision(draft),
    })


@require_POST
def preview(request: HttpRequest, slug: str) -> HttpResponse:
    _policy_for_drafting(request, slug)
    # Rendered from the text as it will be saved, so the preview cannot show
    # what saving takes away (a hard line break from two trailing spaces).
    body = normalise_text(request.POST.get("body", ""))
    return render(request, "approvals/_preview.html", {"preview": render_markdown(body)})


@require_POST
def submit_draft(request: HttpRequest, slug: str) -> HttpResponse:
    policy = _policy_for_drafting(request, slug)
    draft = get_object_or_404(policy.versions, status=PolicyVersion.Status.DRAFT)
    form = SubmitForm(request.POST, policy=policy)
    if not form.is_valid():
        messages.error(request, form.errors["committee"][0])
        return redirect("approvals:draft", slug=slug)
    try:
        submission = services.submit_draft(draft, committee=form.cleaned_data["committee"], by=request.user)
    except services.IllegalTransition as error:
        messages.error(request, str(error))
        return redirect("approvals:draft", slug=slug)
    messages.success(request, f"Sent to the {submission.committee.name} for approval.")
    return redirect("approvals:submission", pk=submission.pk)


def compare(request: HttpRequest, slug: str) -> HttpResponse:
    policy = get_object_or_404(Policy, slug=slug)
    versions = {v.label: v for v in policy.versions.all()}
    old, new = versions.get(request.GET.get("from", "")), versions.get(request.GET.get("to", ""))
    if old is None or new is None:
        raise Http404
    if not (can_read_version(request.user, old) and can_read_version(request.user, new)):
        raise Http404
    return render(request, "approvals/compare.html", {
        "policy": policy, "old": old, "new": new,
        "changes": redline.compare(with_quiz(old.body, old.quiz), with_quiz(new.body, new.quiz)),
        "variant_list": redline.compare_variants(old, new),
        "metadata": selectors.metadata_changes(old, new),
    })


def inbox(request: HttpRequest) -> HttpResponse:
    person = person_for_user(request.user)
    awaiting = list(selectors.awaiting_decision(person))
    for submission in awaiting:
        submission.progress = services.progress(submission)
    return render(request, "approvals/inbox.html", {
        "awaiting": awaiting,
        "mine": selectors.my_drafts(person),
    })


def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_object_or_404(
        Submission.objects.select_related("version__policy__current_version", "committee", "submitted_by"), pk=pk
    )
    if not permissions.can_see_submission(request.user, submission):
        raise PermissionDenied(permissions.DECIDE_DENIED)
    person = person_for_user(request.user)
    clerk_mode = submission.committee.decision_mode == Committee.DecisionMode.CLERK
    # A member who wrote or sent the draft sees why there is no decision form.
    seat = permissions.decision_seat(person, submission)
    form_class = MeetingDecisionForm if clerk_mode else VoteForm
    form = form_class(request.POST or None)
    if request.method == "POST":
        if not seat.can_decide:
            raise PermissionDenied(seat.refusal)
        if form.is_valid():
            return _decide(request, submission, person, form, clerk_mode)
    version, current = submission.version, submission.version.policy.current_version
    return render(request, "approvals/submission.html", {
        "submission": submission, "version": version, "current": current,
        "changes": redline.compare(with_quiz(current.body, current.quiz) if current and current.pk != version.pk
                                   else "", with_quiz(version.body, version.quiz))
        if current is None or current.pk != version.pk else [],
        "variant_list": redline.compare_variants(current, version),
        "metadata": selectors.metadata_changes(current, version) if current and current.pk != version.pk else [],
        **_adoption_parts(submission),
        "votes": _votes_with_how(submission),
        "form": form if seat.can_decide else None, "clerk_mode": clerk_mode, "conflict": seat.conflict,
        "progress": None if clerk_mode else services.progress(submission),
        "may_send_links": not clerk_mode and submission.status == Submission.Status.AWAITING
        and links.may_send_vote_links(request.user, submission),
    })


def _adoption_parts(submission: Submission) -> dict:
    """For a school's adoption: the school's copy, and (re-adopting) how the
    trust's changes meet its local parts."""
    adoption = submission.adoption
    if adoption is None:
        return {}
    return {"copy": school_copy(adoption), "combined": readoption_redline(adoption)}


def _votes_with_how(submission: Submission) -> list:
    votes = list(submission.votes.select_related("person"))
    for vote in votes:
        vote.how = selectors.how_given(vote)  # "by emailed link, from 203.0.113.5, Safari on iPad"
    return votes


def _decide(request, submission, person, form, clerk_mode) -> HttpResponse:
    data = form.cleaned_data
    try:
        if clerk_mode:
            services.record_meeting_decision(
                submission, clerk=person, decision=data["decision"], meeting_date=data["meeting_date"],
                minute_reference=data["minute_reference"], comment=data["comment"],
            )
        else:
            services.record_vote(submission, member=person, decision=data["decision"], comment=data["comment"])
    except services.IllegalTransition as error:
        messages.error(request, str(error))
        return redirect("approvals:submission", pk=submission.pk)
    submission.refresh_from_db()
    messages.success(request, f"Decision recorded. {submission.get_status_display()}.")
    if submission.status == Submission.Status.APPROVED:
        return redirect(submission.version.policy)
    return redirect("approvals:submission", pk=submission.pk)


def _usual_committee(policy: Policy) -> Committee | None:
    current = policy.current_version
    return current.committee if current and current.committee_id else None
