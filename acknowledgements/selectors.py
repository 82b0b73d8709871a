"""Read-only questions about sign-offs."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from acknowledgements.models import Obligation, SignOff
from people.models import Person, User
from people.permissions import schools_managed_by
from policies.models import PolicyVersion


def owed_sign_offs(person: Person) -> QuerySet[Obligation]:
    """What the person must still sign, the most urgent first."""
    return (
        Obligation.objects.filter(person=person, status=Obligation.Status.OUTSTANDING)
        .select_related("policy", "version")
        .defer("version__body")
        .order_by("due_on", "policy__title")
    )


def sign_offs_of(person: Person) -> QuerySet[SignOff]:
    return (
        SignOff.objects.filter(person=person)
        .select_related("version__policy", "recorded_by")
        .defer("version__body")
        .order_by("-signed_at")
    )


def with_sign_offs_owed(people: QuerySet[Person], today: datetime.date) -> QuerySet[Person]:
    """HR's staff list's counts (people.hr_pages): each person's outstanding
    sign-offs, and how many of them are overdue."""
    outstanding = Q(obligations__status=Obligation.Status.OUTSTANDING)
    return people.annotate(
        owed=Count("obligations", filter=outstanding, distinct=True),
        overdue=Count("obligations", filter=outstanding & Q(obligations__due_on__lt=today), distinct=True),
    )


def person_page_sign_offs(person: Person, today: datetime.date) -> dict:
    """The sign-offs section of HR's page about a person (people.hr_pages)."""
    return {"owed": owed_sign_offs(person), "signed": sign_offs_of(person), "today": today}


def paper_versions_for(person: Person, *, recorder: User) -> QuerySet[PolicyVersion]:
    """The published versions HR may record a paper sign-off of for the
    person: ones they owe or owed (an obligation exists, whatever its state,
    for that major version), of a policy of the person's own schools or their
    trust, among the schools the recorder manages."""
    managed = {org.pk for org in schools_managed_by(recorder)}
    schools = [s for s in person.schools.all() if s.pk in managed]
    orgs = {s.pk for s in schools} | {s.the_trust.pk for s in schools}
    owed = Obligation.objects.filter(person=person, policy_id=OuterRef("policy_id"), version__major=OuterRef("major"))
    return (
        PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED, policy__organisation__in=orgs)
        .filter(Exists(owed)).select_related("policy").defer("body").order_by("policy__title")
    )
