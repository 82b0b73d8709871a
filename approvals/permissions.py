"""Who may draft, see drafts and decide."""

from __future__ import annotations

from approvals.models import CommitteeMember, Submission
from people.models import Person, Role, User
from people.selectors import has_role, person_for_user
from policies.models import Policy

EDIT_DENIED = "Only the policy's owner or a governance lead can draft a new version."
DECIDE_DENIED = "Only members of the committee a draft was sent to can see it and decide."


def can_edit_drafts(user: User, policy: Policy) -> bool:
    if not user.is_authenticated:
        return False
    if has_role(user, Role.GOVERNANCE_LEAD, policy.organisation):
        return True
    person = person_for_user(user)
    return person is not None and policy.owner_id == person.pk


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


def conflict_of_interest(person: Person | None, submission: Submission) -> str | None:
    """Why this person may not decide this draft, or None. Whoever wrote a
    draft or sent it for approval is never one of the people who approve it."""
    if person is None:
        return None
    version = submission.version
    if version.author_person_id is not None and version.author_person_id == person.pk:
        return AUTHOR_CANNOT_DECIDE.format(label=version.label)
    if person.user_id is not None and submission.submitted_by_id == person.user_id:
        return SUBMITTER_CANNOT_DECIDE.format(label=version.label)
    return None
