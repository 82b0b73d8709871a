"""Who may do what in the policy library. Views, templates and commands ask
here; nothing else decides."""

from __future__ import annotations

from people.models import Role, User
from people.selectors import has_role, person_for_user
from policies.models import Policy

IMPORT_DENIED = "Only policy owners and governance leads can import policies."


def can_import_policies(user: User) -> bool:
    """Policy owners (anyone who owns a policy) and governance leads."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or has_role(user, Role.GOVERNANCE_LEAD):
        return True
    person = person_for_user(user)
    return person is not None and Policy.objects.filter(owner=person).exists()


def can_see_unpublished(user: User, policy: Policy) -> bool:
    """Drafts and policies with no published version yet are seen by their
    owner, governance leads, and the members of a committee a draft of the
    policy was sent to (they must read what they decide on)."""
    if user.is_superuser or has_role(user, Role.GOVERNANCE_LEAD, policy.organisation):
        return True
    person = person_for_user(user)
    if person is None:
        return False
    return policy.owner_id == person.pk or policy.versions.filter(
        submissions__committee__members__person=person).exists()
