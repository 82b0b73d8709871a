"""Read-only questions about people, their schools and roles."""

from __future__ import annotations

from django.utils import timezone

from people.models import Organisation, Person, Role, RoleAssignment, User


def person_for_user(user: User) -> Person | None:
    """The staff record behind a login, cached on the user for the request."""
    if not hasattr(user, "_person_cache"):
        user._person_cache = Person.objects.filter(user=user).first()
    return user._person_cache


def has_left(person: Person) -> bool:
    """A leaver's roles end on their leave date, even before their login is closed."""
    return person.leave_date is not None and person.leave_date <= timezone.localdate()


def has_role(user: User, role: Role, organisation: Organisation | None = None) -> bool:
    """True if the user holds the role at the organisation or at its trust.

    A trust-level role covers every school of the trust.
    """
    person = person_for_user(user)
    if person is None or has_left(person):
        return False
    roles = RoleAssignment.objects.filter(person=person, role=role)
    if organisation is None:
        return roles.exists()
    return roles.filter(organisation__in=[organisation.pk, organisation.the_trust.pk]).exists()
