"""Who may do what in the policy library. Views, templates and commands ask
here; nothing else decides."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from people.models import Organisation, Role, RoleAssignment, User
from people.selectors import has_role, person_for_user
from policies.models import Policy, PolicyVersion

EDIT_DENIED = "Only the policy's owner or a governance lead can draft a new version."
IMPORT_DENIED = "Only policy owners and governance leads can import policies."
IMPORT_ELSEWHERE_DENIED = "You can import policies only for your own school or trust."


def can_import_policies(user: User) -> bool:
    """Policy owners (anyone who owns a policy) and governance leads."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or has_role(user, Role.GOVERNANCE_LEAD):
        return True
    person = person_for_user(user)
    return person is not None and Policy.objects.filter(owner=person).exists()


def can_import_history(user: User, organisation: Organisation) -> bool:
    """Whether the user may bring a policy's whole history in on first
    import, published as "approval as stated in the document". Anyone else's
    import arrives as a draft that goes through approval."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or has_role(user, Role.GOVERNANCE_LEAD, organisation)


def organisations_for_import(user: User) -> QuerySet[Organisation]:
    """Where the user may import policies: the organisations they work in or
    hold the governance role at; a trust brings its schools."""
    if user.is_superuser:
        return Organisation.objects.all()
    person = person_for_user(user)
    if person is None or not can_import_policies(user):
        return Organisation.objects.none()
    own = set(person.schools.values_list("pk", flat=True)) | set(
        RoleAssignment.objects.filter(person=person, role=Role.GOVERNANCE_LEAD).values_list("organisation", flat=True))
    return Organisation.objects.filter(Q(pk__in=own) | Q(trust__in=own))


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


def can_read_version(user: User, version: PolicyVersion) -> bool:
    """An approved (locked) version is the trust's; a draft is read only by
    those who may see the policy's unpublished versions."""
    return version.is_locked or can_see_unpublished(user, version.policy)


def can_edit_drafts(user: User, policy: Policy) -> bool:
    """The policy's owner and the governance leads of its school or trust
    draft its new versions (approvals runs the drafting pages)."""
    if not user.is_authenticated:
        return False
    if has_role(user, Role.GOVERNANCE_LEAD, policy.organisation):
        return True
    person = person_for_user(user)
    return person is not None and policy.owner_id == person.pk


def sees_every_draft(user: User, *, editor: bool) -> bool:
    """Whether the policy's timeline shows this viewer every draft's entries
    and every committee's comments: its editors (`editor`, from
    can_edit_drafts) and administrators do."""
    return editor or user.is_superuser
