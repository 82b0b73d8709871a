"""Who may see which people. HR at a school sees its school's people; HR at
the trust (and administrators) see everyone; nobody else sees anyone else."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import IntEnum

from django.db.models import Exists, OuterRef, Q, QuerySet

from people.models import Organisation, Person, Role, RoleAssignment, StaffImportJob, User
from people.selectors import has_left, person_for_user

PEOPLE_DENIED = "Only HR can see staff records."
PERSON_DENIED = "This person's record belongs to another school."


def hr_organisations(user: User) -> list[Organisation]:
    return role_organisations(user, Role.HR)


def role_organisations(user: User, role: str) -> list[Organisation]:
    """The organisations in which the user holds `role` (nothing once they
    have left). Every role is read in one query and kept on the user object
    for the rest of the request, as Django keeps permissions (_perm_cache):
    the navigation and the page's own checks would otherwise each ask."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_role_organisations_cache", None)
    if cached is None:
        cached = user._role_organisations_cache = _roles_held(user)
    return list(cached.get(role, []))


def _roles_held(user: User) -> dict[str, list[Organisation]]:
    person = person_for_user(user)
    if person is None or has_left(person):
        return {}
    held: dict[str, list[Organisation]] = {}
    for assignment in RoleAssignment.objects.filter(person=person).select_related("organisation"):
        held.setdefault(assignment.role, []).append(assignment.organisation)
    return held


def is_hr(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(hr_organisations(user)))


def people_visible_to(user: User) -> QuerySet[Person]:
    if user.is_authenticated and user.is_superuser:
        return Person.objects.all()
    organisations = hr_organisations(user)
    if not organisations:
        return Person.objects.none()
    # EXISTS, not a join and DISTINCT: the staff list's first page can then
    # walk people in name order and stop at 50, however large the trust.
    trusts = [org for org in organisations if org.is_trust]
    in_scope = Q(organisation__in=organisations) | (Q(organisation__trust__in=trusts) if trusts else Q(pk__in=[]))
    return Person.objects.filter(Exists(Person.schools.through.objects.filter(in_scope, person_id=OuterRef("pk"))))


def can_view_person(user: User, person: Person) -> bool:
    me = person_for_user(user) if user.is_authenticated else None
    if me is not None and me.pk == person.pk:
        return True
    return people_visible_to(user).filter(pk=person.pk).exists()


def import_jobs_visible_to(user: User) -> QuerySet[StaffImportJob]:
    """A queued staff import is seen only by the HR user who started it."""
    return StaffImportJob.objects.filter(importer=user)


def schools_managed_by(user: User) -> list[Organisation]:
    """The schools whose people this HR user may import and record for."""
    if user.is_authenticated and user.is_superuser:
        return list(Organisation.objects.all())
    schools: list[Organisation] = []
    for org in hr_organisations(user):
        schools.append(org)
        if org.is_trust:
            schools.extend(org.schools.all())
    return schools


# ---- Who the staff import may create or change --------------------------------

IMPORT_ABOVE_YOUR_POWER = (
    "Row {row}: this person holds {power}, which is not below your own, so the staff import cannot create or "
    "change their record. Ask an administrator to change it."
)


class Power(IntEnum):
    """What a staff record (or a login) can do in the portal, from least to most."""

    NONE = 0  # staff who read and sign
    SCHOOL = 1  # a school-level portal role (HR at a school) or a committee seat
    TRUST = 2  # a trust-level portal role, or a governance lead anywhere
    ADMIN = 3  # a login with staff or superuser access


POWER_WORDS = {
    Power.NONE: "a staff record (and you hold no portal role)",
    Power.SCHOOL: "a portal role at a school or a committee seat",
    Power.TRUST: "a trust-level portal role or the governance lead role",
    Power.ADMIN: "an administrator's login",
}


# Powers held through other apps' records (a committee seat, in approvals).
# people may not import those apps (docs/architecture.md), so each adds its
# source here when it loads (its AppConfig.ready): given staff record ids, it
# returns (id, power) pairs in one query. Keyed by name: adding twice replaces.
PowerSource = Callable[[Iterable[int]], Iterable[tuple[int, Power]]]
_power_sources: dict[str, PowerSource] = {}


def add_power_source(name: str, source: PowerSource) -> None:
    _power_sources[name] = source


def powers_of(*, people: Iterable[Person], logins: Iterable[User] = ()) -> tuple[dict[int, Power], dict[int, Power]]:
    """The power each staff record and each login holds, in a few queries
    whatever the number (the import asks about thousands at once): one for
    administrators, one per power source, one for roles."""
    person_power = {p.pk: Power.NONE for p in people}
    admins = Person.objects.filter(pk__in=person_power).filter(Q(user__is_staff=True) | Q(user__is_superuser=True))
    for person_id in admins.values_list("pk", flat=True):
        person_power[person_id] = Power.ADMIN
    for source in _power_sources.values():
        for person_id, power in source(person_power):
            person_power[person_id] = max(person_power[person_id], power)
    roles = RoleAssignment.objects.filter(person_id__in=person_power).values_list(
        "person_id", "role", "organisation__kind")
    for person_id, role, kind in roles:
        trust_level = role == Role.GOVERNANCE_LEAD or kind == Organisation.Kind.TRUST
        person_power[person_id] = max(person_power[person_id], Power.TRUST if trust_level else Power.SCHOOL)
    login_power = {u.pk: Power.ADMIN if (u.is_staff or u.is_superuser) else Power.NONE for u in logins}
    return person_power, login_power


def import_ceiling(importer: User | None) -> Power | None:
    """The rule: the staff import may create or change only records (and
    logins) holding strictly less power than the person importing; this is
    the lowest power they may not touch, or None for no limit.

    So a school's HR touches nobody with any role or committee seat; trust HR
    touches school HR, clerks and committee members but not trust-level
    roles, governance leads or administrators' logins; an administrator (or
    the operator's command line, with no importer) may change anyone. HR must
    not be able to edit their way into, or around, a power they do not hold."""
    if importer is None or importer.is_superuser:
        return None
    me = person_for_user(importer)
    if me is None or has_left(me):
        return Power.NONE
    people, logins = powers_of(people=[me], logins=[importer])
    return max(people[me.pk], logins[importer.pk])
