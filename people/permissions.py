"""Who may see which people. HR at a school sees its school's people; HR at
the trust (and administrators) see everyone; nobody else sees anyone else."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from people.models import Organisation, Person, Role, RoleAssignment, User
from people.selectors import has_left, person_for_user

PEOPLE_DENIED = "Only HR can see staff records."
PERSON_DENIED = "This person's record belongs to another school."


def hr_organisations(user: User) -> list[Organisation]:
    if not user.is_authenticated:
        return []
    person = person_for_user(user)
    if person is None or has_left(person):
        return []
    return [r.organisation for r in RoleAssignment.objects.filter(person=person, role=Role.HR)
            .select_related("organisation")]


def is_hr(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(hr_organisations(user)))


def people_visible_to(user: User) -> QuerySet[Person]:
    if user.is_authenticated and user.is_superuser:
        return Person.objects.all()
    organisations = hr_organisations(user)
    if not organisations:
        return Person.objects.none()
    scope = Q(pk__in=[])
    for org in organisations:
        scope |= Q(schools=org) | (Q(schools__trust=org) if org.is_trust else Q(pk__in=[]))
    return Person.objects.filter(scope).distinct()


def can_view_person(user: User, person: Person) -> bool:
    me = person_for_user(user) if user.is_authenticated else None
    if me is not None and me.pk == person.pk:
        return True
    return people_visible_to(user).filter(pk=person.pk).exists()


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
