"""Who may draft, see drafts and decide."""

from __future__ import annotations

from approvals.models import CommitteeMember, Submission
from people.models import Role, User
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
