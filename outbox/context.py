"""What every email's template is told, whoever sends it."""

from __future__ import annotations

from functools import cache

# Said when the recipient belongs to no school or trust yet.
NO_TRUST_NAME = "your trust"


def email_context(*, person=None, organisation=None, **extra) -> dict:
    """An email's template context: `extra`, the recipient as `person`, and
    `trust_name`, the name of `organisation`'s trust, or else of the trust of
    the person's first school or trust.

    trust_name is looked up only if a template shows it, and once however many
    templates (text and HTML) render the context: the templates themselves
    never follow a relation to the database."""
    context = {**extra, "trust_name": cache(lambda: trust_name(person=person, organisation=organisation))}
    if person is not None:
        context["person"] = person
    return context


def trust_name(*, person=None, organisation=None) -> str:
    # Duck-typed on people's Organisation and Person: the outbox sits below
    # people and imports nothing from it.
    if organisation is None and person is not None:
        organisation = person.schools.select_related("trust").first()
    return organisation.the_trust.name if organisation is not None else NO_TRUST_NAME
