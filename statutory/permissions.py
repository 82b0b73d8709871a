"""Who may see the statutory checklist, for which schools, and who may say
which statutory items a policy meets. Views, the dashboard line and the CSV
ask here; nothing else decides."""

from __future__ import annotations

from django.db.models import Q

from people.models import Organisation, Role, RoleAssignment, StaffGroup, User
from people.selectors import has_left, person_for_user
from policies.models import Committee, Policy
from policies.permissions import can_edit_drafts

CHECKLIST_DENIED = ("Only governance leads, trustees and the trust's HR can see the statutory checklist.")
TAG_DENIED = "Only the policy's owner or a governance lead can say which statutory items it meets."


def checklist_scope(user: User) -> list[Organisation]:
    """The organisations whose checklist rows `user` sees, the trust first,
    then its schools by name; empty for anyone who may not see it.

    A governance lead sees their school, or at the trust the trust and every
    school; so do trustees (staff group trustee, or a seat on a trust board)
    and HR at the trust. HR at a school does not: the checklist is governance,
    not staff records. One query (the dashboards ask it for every viewer)."""
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return _ordered(Organisation.objects.all())
    person = person_for_user(user)
    if person is None or has_left(person):
        return []
    roles = RoleAssignment.objects.filter(person=person)
    trust_roles = roles.filter(role__in=[Role.GOVERNANCE_LEAD, Role.HR], organisation__kind=Organisation.Kind.TRUST)
    school_leads = roles.filter(role=Role.GOVERNANCE_LEAD, organisation__kind=Organisation.Kind.SCHOOL)
    boards = Committee.objects.filter(body=Committee.Body.TRUST_BOARD, members__person=person)
    whole_trusts = (Q(pk__in=trust_roles.values("organisation_id")) | Q(trust__in=trust_roles.values("organisation_id"))
                    | Q(pk__in=boards.values("organisation_id")) | Q(trust__in=boards.values("organisation_id")))
    if person.staff_group == StaffGroup.TRUSTEE:
        mine = Organisation.objects.filter(people=person)
        whole_trusts |= (Q(pk__in=mine.values("trust_id")) | Q(trust__in=mine.values("trust_id"))
                         | Q(pk__in=mine.values("pk"), kind=Organisation.Kind.TRUST)
                         | Q(trust__in=mine.values("pk")))
    return _ordered(Organisation.objects.filter(whole_trusts | Q(pk__in=school_leads.values("organisation_id"))))


def _ordered(organisations) -> list[Organisation]:
    # The trust's own row first (its trust-level items), then the schools by name.
    return sorted(organisations, key=lambda org: (not org.is_trust, org.name))


def can_tag(user: User, policy: Policy) -> bool:
    """The policy's owner and its school's or trust's governance leads, as
    for drafting its versions."""
    return user.is_authenticated and (user.is_superuser or can_edit_drafts(user, policy))


def policies_taggable_by(user: User, organisations: list[Organisation]):
    """The policies of these organisations that `user` may tag, for the
    checklist's list of links."""
    policies = Policy.objects.filter(organisation__in=organisations).order_by("title")
    if user.is_superuser:
        return policies
    person = person_for_user(user)
    if person is None:
        return policies.none()
    led = RoleAssignment.objects.filter(person=person, role=Role.GOVERNANCE_LEAD).values_list(
        "organisation_id", flat=True)
    return policies.filter(Q(owner=person) | Q(organisation__in=led) | Q(organisation__trust__in=led))
