"""The version lifecycle: draft -> awaiting approval -> approved -> published
-> superseded. Each public function is one transaction; an illegal step is
refused with a message a person can act on."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from approvals import adoption_decisions, notifications, permissions, selectors
from approvals.models import CommitteeMember, Decision, Submission, Vote
from approvals.permissions import conflict_kind, conflict_of_interest, is_member
from people.models import Person, User
from policies.models import Committee, Policy, PolicyVersion, version_sort_key
from policies.services import publish_version
from policies.text import normalise_text
from policies.variants import copy_variants
from portal.browsers import browser_words

OPEN_DRAFT_EXISTS = "There is already an open draft (version {label}) of this policy: carry on with that one."
NOT_A_DRAFT = "Version {label} is {status}, so it cannot be {action}."
NOTHING_TO_SUBMIT = "Give a reason for the revision before submitting."
NOT_A_MEMBER = "Only members of the {committee} can decide on this draft."
NOT_THE_CLERK = "Only the clerk of the {committee} records its meeting's decision."
ALREADY_DECIDED = "This submission has already been decided."
ALREADY_VOTED = "You have already given your decision on this draft."
CLERK_RECORDS = "The {committee} decides in its meetings: the clerk records the decision."
MEMBERS_DECIDE = "Members of the {committee} decide in the portal."
COMMENT_NEEDED = "Say what should change (or why it is rejected) in a comment."
COMMITTEE_NOT_ALLOWED = (
    "The {committee} does not approve the {policy}: send the draft to one of the committees offered."
)
SINGLE_APPROVER_NOT_ALLOWED = (
    "The {committee} has a quorum of {quorum}, so one member would approve alone, and it is not set to allow "
    "a single approver. An administrator must raise its quorum to 2 or more, or allow a single approver, "
    "before it can decide."
)
ONE_MEMBER_NOT_ALLOWED = (
    "The {committee} decides by any one member's approval, and it is not set to allow a single approver. "
    "An administrator must choose another threshold, or allow a single approver, before it can decide."
)
ONLY_ONE_VOTER_NOT_ALLOWED = (
    "Every member of the {committee} must approve, but only {voter} may vote on this draft, so one member "
    "would approve alone, and the committee is not set to allow a single approver."
)
NOBODY_MAY_VOTE = (
    "Nobody on the {committee} may vote on this draft: {reasons}. Add members to the committee, or send the "
    "draft to another committee."
)
NO_MEMBERS = "the committee has no members"
QUORUM_OUT_OF_REACH = (
    "The {committee} needs {needed} approvals, but only {voters} of its members may vote on this draft "
    "(the author and the sender of a draft do not vote). Send it to another committee, or ask an "
    "administrator to lower the quorum."
)
MEETING_DATE_OUT_OF_RANGE = (
    "The meeting date must lie between {earliest}, when the draft was sent to the committee, and today, {today}."
)


class IllegalTransition(Exception):
    """A step the lifecycle does not allow; str() says why."""


def next_label(policy: Policy, *, is_major: bool, excluding: PolicyVersion | None = None) -> str:
    # Rejected drafts keep their numbers (they are part of the record), so the
    # next draft after a rejected 1.1 is 1.2.
    versions = policy.versions.all()
    if excluding is not None:
        versions = versions.exclude(pk=excluding.pk)
    labels = list(versions.values_list("label", flat=True))
    major, minor = max((version_sort_key(label) for label in labels), default=(0, 0))
    return f"{major + 1}.0" if is_major else f"{major}.{minor + 1}"


def start_draft(policy: Policy, *, by: Person, is_major: bool = False) -> PolicyVersion:
    """A new version to edit, starting from the current text."""
    with transaction.atomic():
        policy = Policy.objects.select_for_update().get(pk=policy.pk)
        open_draft = policy.versions.filter(status__in=PolicyVersion.OPEN_STATUSES).first()
        if open_draft is not None:
            raise IllegalTransition(OPEN_DRAFT_EXISTS.format(label=open_draft.label))
        current = policy.current_version
        try:
            draft = PolicyVersion.objects.create(
                policy=policy, label=next_label(policy, is_major=is_major), is_major=is_major,
                status=PolicyVersion.Status.DRAFT, body=normalise_text(current.body) if current else "",
                author=by.job_title or by.full_name, author_person=by,
                review_cycle_months=policy.review_cycle_months, audiences=list(policy.audiences),
                quiz=list(current.quiz) if current else [],
            )
        except IntegrityError as error:  # a second tab started one at the same moment
            raise IllegalTransition(OPEN_DRAFT_EXISTS.format(label="")) from error
        copy_variants(source=current, to=draft)  # its audiences' texts come along, as its full text does
        return draft


def save_draft(
    version: PolicyVersion, *, body: str, reason: str, is_major: bool, review_cycle_months: int | None,
    audiences: list[str], effective_on: datetime.date | None = None,
    next_review_on: datetime.date | None = None,
) -> PolicyVersion:
    with transaction.atomic():
        version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
        _require(version, {PolicyVersion.Status.DRAFT}, "edited")
        if is_major != version.is_major:
            version.label = next_label(version.policy, is_major=is_major, excluding=version)
        version.body, version.reason, version.is_major = normalise_text(body), reason.strip(), is_major
        version.review_cycle_months, version.audiences = review_cycle_months, audiences
        version.effective_on, version.next_review_on = effective_on, next_review_on
        version.save()
        return version


def submit_draft(version: PolicyVersion, *, committee: Committee, by: User) -> Submission:
    with transaction.atomic():
        version = PolicyVersion.objects.select_for_update().select_related("policy__organisation").get(pk=version.pk)
        _require(version, {PolicyVersion.Status.DRAFT}, "submitted")
        if not version.reason:
            raise IllegalTransition(NOTHING_TO_SUBMIT)
        _require_approving_committee(version.policy, committee)
        _require_quorum_allowed(committee)
        _require_voters(Submission(version=version, committee=committee, submitted_by=by))
        version.status = PolicyVersion.Status.AWAITING_APPROVAL
        version.save()
        submission = Submission.objects.create(version=version, committee=committee, submitted_by=by)
        notifications.draft_awaits_committee(submission)
        return submission


def record_vote(
    submission: Submission, *, member: Person, decision: str, comment: str = "", today: datetime.date | None = None,
    method: str = Vote.Method.PORTAL, ip_address: str | None = None, user_agent: str = "",
) -> Submission:
    """A member's decision in the portal (or by an emailed link: `method`,
    with the address and browser it came from). The draft is approved once the
    committee's threshold is met (approvals.services.progress); one request
    for changes or one rejection decides at once."""
    today = today or timezone.localdate()
    with transaction.atomic():
        submission = _lock_for_decision(submission, mode=Committee.DecisionMode.QUORUM, person=member,
                                        decision=decision, comment=normalise_text(comment))
        # The committee may have been changed in the admin since the draft was sent.
        _require_quorum_allowed(submission.committee)
        try:
            with transaction.atomic():
                Vote.objects.create(submission=submission, person=member, decision=decision,
                                    comment=normalise_text(comment), method=method, ip_address=ip_address or None,
                                    user_agent=browser_words(user_agent))
        except IntegrityError as error:
            raise IllegalTransition(ALREADY_VOTED) from error
        if decision != Decision.APPROVE:
            _decide(submission, decision, on=today, today=today)
        else:
            _decide_if_threshold_met(submission, today=today)
        return submission


# ---- thresholds: who votes on a draft, how many approvals decide it ----------------------------

ALL_HAVE_APPROVED = "{approved} of {needed} members have approved"
APPROVALS_NEEDED = "{approved} of {needed} approvals needed"
AUTHOR_DOES_NOT_VOTE = "{person} wrote this draft and does not vote"
SUBMITTER_DOES_NOT_VOTE = "{person} sent this draft to the committee and does not vote"


@dataclass(frozen=True)
class Progress:
    """Where a submission stands against its committee's threshold, counted
    from the committee's members as they are now: a member who joins must
    also approve where every member must; one who leaves no longer counts,
    nor does their approval. The author and the sender of a draft never
    vote on it (permissions.conflict_of_interest), so they are not counted."""

    threshold: str
    needed: int
    approved: list[Person]
    waiting_for: list[Person]
    not_voting: list[str]

    @property
    def is_met(self) -> bool:
        return self.needed > 0 and len(self.approved) >= self.needed

    @property
    def summary(self) -> str:
        words = ALL_HAVE_APPROVED if self.threshold == Committee.Threshold.ALL else APPROVALS_NEEDED
        return words.format(approved=len(self.approved), needed=self.needed)

    @property
    def waiting_for_names(self) -> str:
        return ", ".join(str(person) for person in self.waiting_for)


Voters = tuple[list[Person], list[str]]  # who may vote, and why each other member does not


def voters(submission: Submission) -> Voters:
    """The members who may vote on this draft, and why each member who may
    not does not. Reads `committee.members` (prefetch it with its people for
    a list of submissions)."""
    eligible, not_voting = [], []
    for seat in submission.committee.members.all():
        if seat.role != CommitteeMember.Role.MEMBER:
            continue
        person = seat.person
        kind = conflict_kind(person, submission)
        if kind is None:
            eligible.append(person)
        else:
            words = AUTHOR_DOES_NOT_VOTE if kind == permissions.AUTHOR else SUBMITTER_DOES_NOT_VOTE
            not_voting.append(words.format(person=person))
    return eligible, not_voting


def progress(submission: Submission, *, counted: Voters | None = None) -> Progress:
    """How far the draft is from approval. Reads `votes` and
    `committee.members` (prefetched for a list: see selectors.awaiting_decision);
    `counted` is voters(submission) when the caller has it already."""
    eligible, not_voting = counted or voters(submission)
    committee = submission.committee
    decided = {vote.person_id: vote.decision for vote in submission.votes.all()}
    approved = [person for person in eligible if decided.get(person.pk) == Decision.APPROVE]
    needed = {
        Committee.Threshold.ONE: 1,
        Committee.Threshold.ALL: len(eligible),
    }.get(committee.threshold, max(committee.quorum, 1))
    return Progress(threshold=committee.threshold, needed=needed, approved=approved,
                    waiting_for=[person for person in eligible if person.pk not in decided], not_voting=not_voting)


def recount_open_submissions(committee: Committee, *, today: datetime.date | None = None) -> list[Submission]:
    """After a member joins, leaves or changes role: decide any open
    submission whose threshold the members now on the committee have met
    (every remaining member had approved when the one still to vote left).
    Safe to run twice: a decided submission is no longer open."""
    today = today or timezone.localdate()
    if committee.decision_mode != Committee.DecisionMode.QUORUM:
        return []
    decided = []
    for pk in committee.submissions.filter(status=Submission.Status.AWAITING).values_list("pk", flat=True):
        with transaction.atomic():
            submission = (Submission.objects.select_for_update().select_related("committee", "version")
                          .prefetch_related("committee__members__person", "votes").get(pk=pk))
            if submission.status == Submission.Status.AWAITING and _decide_if_threshold_met(submission, today=today):
                decided.append(submission)
    return decided


def recount_after_seat_change(sender, instance: CommitteeMember, **kwargs) -> None:
    """Receiver of CommitteeMember's post_save and post_delete (approvals.apps).
    Only a committee whose members vote in the portal and that has a draft
    awaiting its decision has anything to recount: one query for the rest
    (a demo load or an import seats hundreds)."""
    awaiting = Submission.objects.filter(committee=OuterRef("pk"), status=Submission.Status.AWAITING)
    committee = Committee.objects.filter(Exists(awaiting), pk=instance.committee_id,
                                         decision_mode=Committee.DecisionMode.QUORUM).first()
    if committee is not None:
        recount_open_submissions(committee)


def _decide_if_threshold_met(submission: Submission, *, today: datetime.date) -> bool:
    counted = voters(submission)
    if _alone_without_leave(submission, counted[0]) is not None or not progress(submission, counted=counted).is_met:
        return False
    _decide(submission, Decision.APPROVE, on=today, today=today)
    return True


def _alone_without_leave(submission: Submission, eligible: list[Person]) -> str | None:
    """Why one person would approve this draft alone without the leave of the
    committee's terms of reference, or None. `eligible`: voters(submission)'s first part."""
    committee = submission.committee
    if committee.allows_single_approver or committee.threshold != Committee.Threshold.ALL:
        return None  # the one-member and quorum thresholds are checked on the committee alone
    if len(eligible) == 1:
        return ONLY_ONE_VOTER_NOT_ALLOWED.format(committee=committee, voter=eligible[0])
    return None


def _require_voters(submission: Submission) -> None:
    """A committee whose members decide in the portal must have someone who
    may vote on this draft, and enough of them to meet its threshold."""
    committee = submission.committee
    if committee.decision_mode != Committee.DecisionMode.QUORUM:
        return
    eligible, not_voting = voters(submission)
    if not eligible:
        raise IllegalTransition(NOBODY_MAY_VOTE.format(committee=committee,
                                                       reasons="; ".join(not_voting) or NO_MEMBERS))
    refusal = _alone_without_leave(submission, eligible)
    if refusal is not None:
        raise IllegalTransition(refusal)
    if committee.threshold == Committee.Threshold.M_OF_N and committee.quorum > len(eligible):
        raise IllegalTransition(QUORUM_OUT_OF_REACH.format(committee=committee, needed=committee.quorum,
                                                           voters=len(eligible)))


def record_meeting_decision(
    submission: Submission, *, clerk: Person, decision: str, meeting_date: datetime.date,
    minute_reference: str, comment: str = "", today: datetime.date | None = None,
) -> Submission:
    today = today or timezone.localdate()
    with transaction.atomic():
        submission = _lock_for_decision(submission, mode=Committee.DecisionMode.CLERK, person=clerk,
                                        decision=decision, comment=comment)
        _require_meeting_date_in_range(submission, meeting_date, today=today)
        Vote.objects.create(submission=submission, person=clerk, decision=decision, comment=comment,
                            recorded_for_meeting=True, method=Vote.Method.CLERK)
        submission.meeting_date, submission.minute_reference = meeting_date, minute_reference.strip()
        _decide(submission, decision, on=meeting_date, today=today)
        return submission


def _lock_for_decision(submission: Submission, *, mode: str, person: Person, decision: str,
                       comment: str) -> Submission:
    """Lock the submission and check this person may decide it this way."""
    submission = Submission.objects.select_for_update().select_related("committee", "version").get(
        pk=submission.pk
    )
    committee = submission.committee
    if committee.decision_mode != mode:
        wrong_mode = CLERK_RECORDS if mode == Committee.DecisionMode.QUORUM else MEMBERS_DECIDE
        raise IllegalTransition(wrong_mode.format(committee=committee))
    _require_open(submission)
    role = CommitteeMember.Role.MEMBER if mode == Committee.DecisionMode.QUORUM else CommitteeMember.Role.CLERK
    if not is_member(person, committee, role):
        refused = NOT_A_MEMBER if mode == Committee.DecisionMode.QUORUM else NOT_THE_CLERK
        raise IllegalTransition(refused.format(committee=committee))
    conflict = conflict_of_interest(person, submission)
    if conflict is not None:
        raise IllegalTransition(conflict)
    _require_comment(decision, comment)
    return submission


def _decide(submission: Submission, decision: str, *, on: datetime.date, today: datetime.date) -> None:
    version = submission.version
    submission.status = {
        Decision.APPROVE: Submission.Status.APPROVED,
        Decision.REQUEST_CHANGES: Submission.Status.CHANGES_REQUESTED,
        Decision.REJECT: Submission.Status.REJECTED,
    }[decision]
    submission.decided_at = timezone.now()
    submission.save()
    if submission.adoption_id is not None:  # a school's committee adopting a trust version: no version changes
        adoption_decisions.decided(submission, decision, on=on)
    elif decision == Decision.APPROVE:
        _approve(version, committee=submission.committee, on=on, today=today)
    else:
        version.status = (PolicyVersion.Status.DRAFT if decision == Decision.REQUEST_CHANGES
                          else PolicyVersion.Status.REJECTED)
        version.save()
    notifications.decision_made(submission)


def _approve(version: PolicyVersion, *, committee: Committee, on: datetime.date, today: datetime.date) -> None:
    """The version-table row fills itself, then the text is locked.

    `on` is the approval date (a clerk's meeting may be last week); the
    version takes effect no earlier than today, when the decision is recorded
    and staff can first read it, so the version it supersedes, its sign-off
    window and its obligations all date from its publication."""
    cycle = version.review_cycle_months or version.policy.review_cycle_months
    version.status = PolicyVersion.Status.APPROVED
    version.approved_on = on
    version.committee = committee
    version.effective_on = max(version.effective_on or today, today)
    if version.next_review_on is None and cycle:
        version.next_review_on = add_months(on, cycle)
    version.save()
    if version.effective_on <= today:
        publish_version(version, on=today)


def publish_due_versions(*, today: datetime.date | None = None) -> list[PolicyVersion]:
    """Publish approved versions whose effective date has come. Safe to run twice.
    A run that was missed publishes late, and the superseded date says so."""
    today = today or timezone.localdate()
    due = PolicyVersion.objects.filter(status=PolicyVersion.Status.APPROVED, effective_on__lte=today)
    return [publish_version(version, on=today) for version in due.order_by("effective_on")]


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _require(version: PolicyVersion, allowed: set, action: str) -> None:
    if version.status not in allowed:
        raise IllegalTransition(NOT_A_DRAFT.format(label=version.label, status=version.get_status_display().lower(),
                                                   action=action))


def _require_open(submission: Submission) -> None:
    if submission.status != Submission.Status.AWAITING:
        raise IllegalTransition(ALREADY_DECIDED)


def _require_approving_committee(policy: Policy, committee: Committee) -> None:
    if not selectors.approving_committees(policy).filter(pk=committee.pk).exists():
        raise IllegalTransition(COMMITTEE_NOT_ALLOWED.format(committee=committee, policy=policy))


def _require_quorum_allowed(committee: Committee) -> None:
    """One person approving alone needs the leave of the committee's terms of
    reference (allows_single_approver)."""
    if committee.decision_mode != Committee.DecisionMode.QUORUM or committee.allows_single_approver:
        return
    if committee.threshold == Committee.Threshold.ONE:
        raise IllegalTransition(ONE_MEMBER_NOT_ALLOWED.format(committee=committee))
    if committee.threshold == Committee.Threshold.M_OF_N and committee.decides_alone_without_leave:
        raise IllegalTransition(SINGLE_APPROVER_NOT_ALLOWED.format(committee=committee, quorum=committee.quorum))


def _require_meeting_date_in_range(submission: Submission, meeting_date: datetime.date, *,
                                   today: datetime.date) -> None:
    """A recorded meeting happened after the draft reached the committee and
    not in the future: a backdated approval would publish a version as if it
    had applied for years, and staff would owe it from that date."""
    earliest = timezone.localdate(submission.submitted_at)
    if not earliest <= meeting_date <= today:
        raise IllegalTransition(
            MEETING_DATE_OUT_OF_RANGE.format(earliest=_long_date(earliest), today=_long_date(today))
        )


def _long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _require_comment(decision: str, comment: str) -> None:
    if decision != Decision.APPROVE and not comment.strip():
        raise IllegalTransition(COMMENT_NEEDED)
