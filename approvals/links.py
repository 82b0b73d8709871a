"""Voting by emailed link: each member who may vote on a draft gets a
single-use, expiring link to a page where they approve or request changes
without a password. Only the token's SHA-256 is stored. A link dies when it
is used, when it expires, when a newer link replaces it, when the draft is
decided, or when the member leaves the committee; its page then says which."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from approvals import notifications
from approvals.models import CommitteeMember, Decision, Submission, Vote, VoteLink
from approvals.permissions import conflict_of_interest
from approvals.services import IllegalTransition, progress, record_vote
from people.models import Role, User
from people.selectors import has_role, person_for_user
from policies.models import Committee

SEND_DENIED = "Only the committee's clerk, the person who sent the draft or a governance lead can email voting links."
NOT_BY_LINK = "The {committee} decides in its meetings: the clerk records the decision, so there are no voting links."
NOBODY_TO_EMAIL = "Every member who may vote on this draft has already voted: no links were sent."

NOT_VALID = "This voting link is not valid"
USED = "This link has already been used: your decision was recorded on {when}."
EXPIRED = "This link expired on {when}; ask the clerk for a new one."
REPLACED = "This link was replaced by a newer one emailed on {when}: use the newest email."
DECIDED = "This draft has already been decided: {status} on {when}."
LEFT = "You are no longer a member of the {committee}, so this link no longer works."
NOT_VALID_WORDS = "Check that you copied the whole address from the email, or ask the clerk for a new link."


def may_send_vote_links(user: User, submission: Submission) -> bool:
    """The committee's clerk, the person who sent the draft, or a governance
    lead of the policy's school or trust."""
    if not user.is_authenticated:
        return False
    if submission.submitted_by_id == user.pk:
        return True
    if has_role(user, Role.GOVERNANCE_LEAD, submission.version.policy.organisation):
        return True
    person = person_for_user(user)
    return person is not None and CommitteeMember.objects.filter(
        committee=submission.committee_id, person=person, role=CommitteeMember.Role.CLERK
    ).exists()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_days() -> int:
    return settings.VOTE_LINK_DAYS


def send_vote_links(submission: Submission, *, now: datetime.datetime | None = None) -> list[VoteLink]:
    """One new link, by email, to each member who may vote on the draft and
    has not yet voted; an earlier unused link of theirs dies. The emails go
    through the outbox once the links are saved."""
    now = now or timezone.now()
    with transaction.atomic():
        submission = Submission.objects.select_for_update().select_related(
            "committee", "version__policy__organisation").get(pk=submission.pk)
        if submission.committee.decision_mode != Committee.DecisionMode.QUORUM:
            raise IllegalTransition(NOT_BY_LINK.format(committee=submission.committee))
        if submission.status != Submission.Status.AWAITING:
            raise IllegalTransition(DECIDED.format(status=submission.get_status_display().lower(),
                                                   when=_long(submission.decided_at)))
        waiting = progress(submission).waiting_for
        if not waiting:
            raise IllegalTransition(NOBODY_TO_EMAIL)
        # A resend replaces: the old link stops working now, whatever its date.
        VoteLink.objects.filter(submission=submission, person__in=waiting, used_at__isnull=True,
                                expires_at__gt=now).update(expires_at=now)
        links = []
        for person in waiting:
            token = secrets.token_urlsafe(32)
            link = VoteLink.objects.create(submission=submission, person=person, token_hash=token_hash(token),
                                           expires_at=now + datetime.timedelta(days=link_days()))
            notifications.vote_link(link, token=token, days=link_days())
            links.append(link)
        return links


@dataclass(frozen=True)
class LinkState:
    """A link as its page shows it: `link` when it can still be used, else
    `dead` says why in a sentence."""

    link: VoteLink | None
    dead: str = ""

    @property
    def is_live(self) -> bool:
        return not self.dead


def link_state(token: str, *, now: datetime.datetime | None = None) -> LinkState:
    """What the page of a link's token shows. An unknown token says only that
    it is not valid, the same for a token that never existed and a mistyped one."""
    now = now or timezone.now()
    link = (VoteLink.objects.select_related("submission__committee", "submission__version__policy", "person",
                                            "vote")
            .filter(token_hash=token_hash(token)).first() if token else None)
    if link is None:
        return LinkState(None, NOT_VALID)
    return LinkState(link, _why_dead(link, now))


def _why_dead(link: VoteLink, now: datetime.datetime) -> str:
    submission = link.submission
    if link.used_at is not None:
        return USED.format(when=_long(link.used_at))
    if submission.status != Submission.Status.AWAITING:
        return DECIDED.format(status=submission.get_status_display().lower(), when=_long(submission.decided_at))
    newer = (VoteLink.objects.filter(submission=submission, person=link.person, created_at__gt=link.created_at)
             .order_by("created_at").first())
    if newer is not None:
        return REPLACED.format(when=_long(newer.created_at))
    if link.expires_at <= now:
        return EXPIRED.format(when=_long(link.expires_at))
    if not CommitteeMember.objects.filter(committee=submission.committee_id, person=link.person,
                                          role=CommitteeMember.Role.MEMBER).exists():
        return LEFT.format(committee=submission.committee)
    conflict = conflict_of_interest(link.person, submission)
    if conflict is not None:  # the author and the sender never vote, by link or otherwise
        return conflict
    if Vote.objects.filter(submission=submission, person=link.person).exists():
        vote = Vote.objects.get(submission=submission, person=link.person)
        return USED.format(when=_long(vote.created_at))
    return ""


def vote_by_link(
    token: str, *, decision: str, comment: str, ip_address: str | None, user_agent: str,
    now: datetime.datetime | None = None, today: datetime.date | None = None,
) -> Vote:
    """Record the member's decision through their link, and spend the link.
    Only approve or request changes: a rejection is for the portal or the meeting."""
    now = now or timezone.now()
    if decision not in (Decision.APPROVE, Decision.REQUEST_CHANGES):
        raise IllegalTransition(NOT_VALID)
    with transaction.atomic():
        link = VoteLink.objects.select_for_update().filter(token_hash=token_hash(token)).first() if token else None
        if link is None:
            raise IllegalTransition(NOT_VALID)
        dead = _why_dead(link, now)
        if dead:
            raise IllegalTransition(dead)
        record_vote(link.submission, member=link.person, decision=decision, comment=comment, today=today,
                    method=Vote.Method.LINK, ip_address=ip_address, user_agent=user_agent)
        vote = Vote.objects.get(submission=link.submission_id, person=link.person_id)
        link.used_at, link.vote = now, vote
        link.save(update_fields=["used_at", "vote"])
        return vote


def _long(moment: datetime.datetime | None) -> str:
    if moment is None:
        return "an earlier date"
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"
