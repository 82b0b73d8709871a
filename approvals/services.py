"""The version lifecycle: draft -> awaiting approval -> approved -> published
-> superseded. Each public function is one transaction; an illegal step is
refused with a message a person can act on."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from approvals import notifications, selectors
from approvals.models import CommitteeMember, Decision, Submission, Vote
from approvals.permissions import conflict_of_interest, is_member
from people.models import Person, User
from policies.models import Committee, Policy, PolicyVersion, version_sort_key
from policies.services import publish_version
from policies.text import normalise_text

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
            return PolicyVersion.objects.create(
                policy=policy, label=next_label(policy, is_major=is_major), is_major=is_major,
                status=PolicyVersion.Status.DRAFT, body=normalise_text(current.body) if current else "",
                author=by.job_title or by.full_name, author_person=by,
                review_cycle_months=policy.review_cycle_months, audiences=list(policy.audiences),
                quiz=list(current.quiz) if current else [],
            )
        except IntegrityError as error:  # a second tab started one at the same moment
            raise IllegalTransition(OPEN_DRAFT_EXISTS.format(label="")) from error


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
        version.status = PolicyVersion.Status.AWAITING_APPROVAL
        version.save()
        submission = Submission.objects.create(version=version, committee=committee, submitted_by=by)
        notifications.draft_awaits_committee(submission)
        return submission


def record_vote(
    submission: Submission, *, member: Person, decision: str, comment: str = "", today: datetime.date | None = None,
) -> Submission:
    """A member's decision in the portal. The draft is approved once the
    committee's quorum of approvals is reached; one request for changes or
    one rejection decides at once."""
    today = today or timezone.localdate()
    with transaction.atomic():
        submission = _lock_for_decision(submission, mode=Committee.DecisionMode.QUORUM, person=member,
                                        decision=decision, comment=comment)
        committee = submission.committee
        # The committee may have been changed in the admin since the draft was sent.
        _require_quorum_allowed(committee)
        try:
            with transaction.atomic():
                Vote.objects.create(submission=submission, person=member, decision=decision, comment=comment)
        except IntegrityError as error:
            raise IllegalTransition(ALREADY_VOTED) from error
        approvals = submission.votes.filter(decision=Decision.APPROVE).count()
        if decision != Decision.APPROVE:
            _decide(submission, decision, on=today, today=today)
        elif approvals >= committee.quorum:
            _decide(submission, Decision.APPROVE, on=today, today=today)
        return submission


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
                            recorded_for_meeting=True)
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
    if decision == Decision.APPROVE:
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
    if committee.decides_alone_without_leave:
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
