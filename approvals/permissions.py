"""Who may draft, see drafts and decide."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from approvals.models import CommitteeMember, Submission
from people.models import Person, User
from people.permissions import Power
from people.selectors import person_for_user
from policies.models import Committee
from policies.permissions import EDIT_DENIED as EDIT_DENIED  # who drafts is the policy's rule
from policies.permissions import can_edit_drafts

DECIDE_DENIED = "Only members of the committee a draft was sent to can see it and decide."


def can_see_submission(user: User, submission: Submission) -> bool:
    if can_edit_drafts(user, submission.version.policy):
        return True
    person = person_for_user(user)
    return person is not None and CommitteeMember.objects.filter(
        committee=submission.committee_id, person=person
    ).exists()


AUTHOR_CANNOT_DECIDE = (
    "You drafted version {label}, so you cannot vote on it or record a decision on it: "
    "the committee's other members decide."
)
SUBMITTER_CANNOT_DECIDE = (
    "You sent version {label} to the committee, so you cannot vote on it or record a decision on it: "
    "the committee's other members decide."
)


AUTHOR, SUBMITTER = "author", "submitter"


def conflict_kind(person: Person | None, submission: Submission) -> str | None:
    """AUTHOR or SUBMITTER when this person may not decide this draft, else
    None. Whoever wrote a draft or sent it for approval is never one of the
    people who approve it: the one place that rule is written."""
    if person is None:
        return None
    if submission.version.author_person_id is not None and submission.version.author_person_id == person.pk:
        return AUTHOR
    if person.user_id is not None and submission.submitted_by_id == person.user_id:
        return SUBMITTER
    return None


def conflict_of_interest(person: Person | None, submission: Submission) -> str | None:
    """Why this person may not decide this draft (said to them), or None."""
    kind = conflict_kind(person, submission)
    if kind is None:
        return None
    words = AUTHOR_CANNOT_DECIDE if kind == AUTHOR else SUBMITTER_CANNOT_DECIDE
    return words.format(label=submission.version.label)


def is_member(person: Person | None, committee: Committee, role: str | None = None) -> bool:
    if person is None:
        return False
    seats = CommitteeMember.objects.filter(committee=committee, person=person)
    return seats.filter(role=role).exists() if role else seats.exists()


@dataclass(frozen=True)
class DecisionSeat:
    """Where a person stands on a submission: `seated` if they are one of
    those who decide it (a member, or the clerk where the clerk records the
    meeting's decision) and have not yet decided it while it awaits a
    decision; `conflict` says why a seated person still may not decide."""

    seated: bool
    conflict: str | None

    @property
    def can_decide(self) -> bool:
        return self.seated and self.conflict is None

    @property
    def refusal(self) -> str:
        return self.conflict or DECIDE_DENIED


def decision_seat(person: Person | None, submission: Submission) -> DecisionSeat:
    committee = submission.committee
    role = "clerk" if committee.decision_mode == Committee.DecisionMode.CLERK else "member"
    seated = submission.status == Submission.Status.AWAITING and is_member(
        person, committee, role
    ) and not submission.votes.filter(person=person).exists()
    return DecisionSeat(seated=seated, conflict=conflict_of_interest(person, submission) if seated else None)


def committee_seat_powers(person_ids: Iterable[int]) -> Iterable[tuple[int, Power]]:
    """A committee seat is a school-level power the staff import may not
    touch (people.permissions.add_power_source)."""
    seated = CommitteeMember.objects.filter(person_id__in=person_ids).values_list("person_id", flat=True)
    return ((person_id, Power.SCHOOL) for person_id in seated)
