"""The page an emailed voting link opens (no sign-in: the link is the
member's credential) and the button that emails the links."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from approvals import links, redline, selectors
from approvals.forms import VoteLinkForm
from approvals.models import Submission
from approvals.services import IllegalTransition, progress
from policies.quiz import with_quiz
from policies.rendering import render_markdown


@require_POST
def send_vote_links(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_object_or_404(Submission.objects.select_related("version__policy__organisation", "committee"),
                                   pk=pk)
    if not links.may_send_vote_links(request.user, submission):
        raise PermissionDenied(links.SEND_DENIED)
    try:
        sent = links.send_vote_links(submission)
    except IllegalTransition as error:
        messages.error(request, str(error))
    else:
        names = ", ".join(str(link.person) for link in sent)
        messages.success(request, f"Voting links emailed to {names}. Each works once and expires in "
                                  f"{links.link_days()} days.")
    return redirect("approvals:submission", pk=submission.pk)


# An email's link scanner opens every link: a GET only shows the page. The
# page is never cached, and an unknown token learns nothing but "not valid".
@login_not_required
@never_cache
def vote_link(request: HttpRequest, token: str) -> HttpResponse:
    state = links.link_state(token)
    if not state.is_live:
        return _dead(request, state)
    form = VoteLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            vote = links.vote_by_link(
                token, decision=form.cleaned_data["decision"], comment=form.cleaned_data["comment"],
                ip_address=request.META.get("REMOTE_ADDR"), user_agent=request.headers.get("User-Agent", ""),
            )
        except IllegalTransition as error:
            state = links.link_state(token)
            if not state.is_live:  # it died meanwhile (decided in another tab, say)
                return _dead(request, state)
            form.add_error(None, str(error))
        else:
            vote.submission.refresh_from_db()
            return render(request, "approvals/vote_link_done.html", {"vote": vote, "submission": vote.submission})
    return render(request, "approvals/vote_link.html", _page(state.link, form))


def _dead(request: HttpRequest, state: links.LinkState) -> HttpResponse:
    return render(request, "approvals/vote_link_dead.html", {
        "message": state.dead, "unknown": state.link is None, "hint": links.NOT_VALID_WORDS,
    })


def _page(link, form: VoteLinkForm) -> dict:
    submission = link.submission
    version, current = submission.version, submission.version.policy.current_version
    changed = current is not None and current.pk != version.pk
    return {
        "link": link, "submission": submission, "version": version, "current": current if changed else None,
        "changes": redline.compare(with_quiz(current.body, current.quiz) if changed else "",
                                   with_quiz(version.body, version.quiz)),
        "variant_list": redline.compare_variants(current if changed else None, version),
        "metadata": selectors.metadata_changes(current, version) if changed else [],
        "rendered": render_markdown(version.body), "progress": progress(submission), "form": form,
    }
