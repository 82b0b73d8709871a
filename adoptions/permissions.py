"""Who may prepare a school's adoptions and who may read a school's copy.
Views, templates and services ask here; nothing else decides."""

from __future__ import annotations

from django.db.models import Q

from adoptions.models import Adoption
from people.models import Organisation, Role, User
from people.permissions import role_organisations
from people.selectors import person_for_user

ADOPT_DENIED = "Only a school's governance lead can prepare its adoptions of the trust's policies."
NOT_YOUR_SCHOOL = "You are not a governance lead of {school}, so you cannot prepare its adoptions."


def schools_led_by(user: User) -> list[Organisation]:
    """The schools whose adoptions this user prepares: those where they are
    the governance lead, or every school of a trust where they are."""
    ids = [org.pk for org in role_organisations(user, Role.GOVERNANCE_LEAD)]
    if not ids:
        return []
    return list(Organisation.objects.filter(kind=Organisation.Kind.SCHOOL)
                .filter(Q(pk__in=ids) | Q(trust__in=ids)).order_by("name"))


def can_adopt_for(user: User, school: Organisation) -> bool:
    return any(led.pk == school.pk for led in schools_led_by(user))


def can_read_copy(user: User, adoption: Adoption) -> bool:
    """The school's governance leads read every adoption of theirs; its staff
    read the copy once it is in force (it is what they sign)."""
    if can_adopt_for(user, adoption.school):
        return True
    if adoption.status not in Adoption.IN_FORCE_STATUSES:
        return False
    person = person_for_user(user) if user.is_authenticated else None
    return person is not None and person.schools.filter(pk=adoption.school_id).exists()
