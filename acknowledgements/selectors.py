"""Read-only questions about sign-offs."""

from __future__ import annotations

from django.db.models import QuerySet

from acknowledgements.models import Obligation, SignOff
from people.models import Person


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
