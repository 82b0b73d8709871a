"""Read-only questions about people, their schools and roles."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from people import hr_pages
from people.models import Organisation, Person, Role, RoleAssignment, User, in_post_condition


def person_for_user(user: User) -> Person | None:
    """The staff record behind a login, kept on the user for the request: read
    with the login when a sign-in backend loaded it (UserManager.get), else
    read here once."""
    if not hasattr(user, "_person_cache"):
        user._person_cache = Person.objects.filter(user=user).first()
    return user._person_cache


NO_STAFF_RECORD = "Your login is not linked to a staff record, so there is nothing here for you."


def require_person(user: User, message: str = NO_STAFF_RECORD) -> Person:
    """The staff record behind a login, or a 403 that says why: the pages
    about "my" sign-offs, receipts and data have nothing to show without one."""
    person = person_for_user(user)
    if person is None:
        raise PermissionDenied(message)
    return person


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


def staff_list(people: QuerySet[Person], *, search: str, school_slug: str, include_leavers: bool,
               today: datetime.date) -> QuerySet[Person]:
    """HR's staff list: every word of the search in a name or email, one
    school or all, leavers or not, with what the apps above people add (the
    sign-offs each person owes: people.hr_pages)."""
    # `people` must be a plain filter (people_visible_to's EXISTS), never a
    # join and DISTINCT: the count is then a plain count of people, and the
    # first page walks person_list_order_idx and stops at 50 (with DISTINCT
    # over what the apps above annotate it was 2.4 s on 20,000 staff).
    for word in search.split():
        people = people.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word))
    if school_slug:
        people = people.filter(schools__slug=school_slug)
    if not include_leavers:
        people = people.filter(in_post_condition(today))
    people = hr_pages.annotate_staff_list(people, today=today)
    return people.order_by("last_name", "first_name", "pk").prefetch_related("schools")
