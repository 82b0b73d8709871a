"""Read-only questions about sign-offs."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce

from acknowledgements.models import Obligation, PersonSignOffCount, SignOff
from people.models import Person, User
from people.permissions import schools_managed_by
from policies.models import PolicyVersion


def owed_sign_offs(person: Person) -> QuerySet[Obligation]:
    """What the person must still sign, the most urgent first."""
    return (
        Obligation.objects.filter(person=person, status=Obligation.Status.OUTSTANDING)
        .select_related("policy", "version", "variant")
        .defer("version__body", "variant__body")
        .order_by("due_on", "policy__title")
    )


def outstanding_for(person: Person, version: PolicyVersion) -> Obligation | None:
    """The person's outstanding obligation for this exact version (with the
    variant it owes), if any."""
    return Obligation.objects.owed(person, version).select_related("variant").first()


def owed_of_current_version(person: Person, slug: str) -> Obligation | None:
    """The person's outstanding obligation for the current version of the
    policy with this slug, with the policy, that version and the variant read
    in the same query; None when they owe it nothing."""
    return (
        Obligation.objects.owed(person, F("policy__current_version")).filter(policy__slug=slug)
        .select_related("policy__current_version", "variant").first()
    )


def sign_offs_of(person: Person) -> QuerySet[SignOff]:
    """Every sign-off the person made, the newest first."""
    return (
        SignOff.objects.filter(person=person)
        .select_related("version__policy", "recorded_by", "variant")
        .defer("version__body", "variant__body")
        .order_by("-signed_at", "-pk")
    )


# My policies shows this many of the newest sign-offs; the rest are a link away
# (the page rendered every one: 43-72 ms for a person with a hundred).
RECENT_SIGN_OFFS = 10


@dataclass(frozen=True)
class MyPolicies:
    owed: list[Obligation]  # the most urgent first
    overdue: int
    recent: list[SignOff]  # the newest RECENT_SIGN_OFFS
    signed: int  # every sign-off the person made


def my_policies(person: Person, *, today: datetime.date) -> MyPolicies:
    """What My policies shows: everything owed, and only the newest sign-offs
    with how many there are in all, so its cost does not grow with the years."""
    owed = list(owed_sign_offs(person))
    # The count rides on the newest rows (a window over all of them, counted
    # before the LIMIT), saving the page a round trip.
    recent = list(sign_offs_of(person).annotate(of_all=Window(Count("pk")))[:RECENT_SIGN_OFFS])
    return MyPolicies(owed=owed, overdue=sum(1 for o in owed if o.due_on < today), recent=recent,
                      signed=recent[0].of_all if recent else 0)


def sign_offs_by_policy(person: Person) -> QuerySet[SignOff]:
    """Every sign-off the person made, grouped by policy (A to Z), each
    policy's newest first: the full list behind My policies."""
    return sign_offs_of(person).order_by("version__policy__title", "version__policy_id", "-signed_at", "-pk")


def with_sign_offs_owed(people: QuerySet[Person], today: datetime.date) -> QuerySet[Person]:
    """HR's staff list's counts (people.hr_pages): each person's outstanding
    sign-offs, and how many of them are overdue, read from the kept counts
    (PersonSignOffCount, one row per person; overdue as of the day the nightly
    run rolled them to, which is today once it has run). Subqueries, not an
    aggregate: the database reads them for the page's rows only, and the
    paginator's count leaves them out, so it counts people, not obligations.
    People with no row (nothing owed, or left) owe 0."""
    kept = PersonSignOffCount.objects.filter(person=OuterRef("pk"))
    return people.annotate(owed=Coalesce(Subquery(kept.values("owed")[:1]), 0),
                           overdue=Coalesce(Subquery(kept.values("overdue")[:1]), 0))


def closed_without_signing(person: Person) -> QuerySet[Obligation]:
    """The person's obligations that ended unsigned, each with its reason
    (and HR's exemption, if that was why), the most recently closed first."""
    newer = Obligation.objects.filter(person_id=OuterRef("person_id"), version_id=OuterRef("version_id"),
                                      period=OuterRef("period"), pk__gt=OuterRef("pk"))
    return (
        Obligation.objects.filter(person=person, status=Obligation.Status.WITHDRAWN)
        .annotate(owed_again=Exists(newer))
        .select_related("policy", "version", "exemption__exempted_by__person")
        .defer("version__body")
        .order_by("-closed_on", "-pk")
    )


def person_page_sign_offs(person: Person, today: datetime.date) -> dict:
    """The sign-offs section of HR's page about a person (people.hr_pages)."""
    return {"owed": owed_sign_offs(person), "signed": sign_offs_of(person),
            "closed": closed_without_signing(person), "today": today}


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
