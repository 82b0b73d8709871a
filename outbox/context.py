"""What every email's template is told, whoever sends it, and how an email
queued as a template and a few ids becomes the template's context when it is
delivered."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

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


# ---- Rendered at delivery ----------------------------------------------------------------------

class NothingToSay(Exception):  # noqa: N818 (a decision, not a fault)
    """Raised by a context builder when, by the time the email goes, nothing
    it was queued to say is still true (everything in it was signed, say).
    The email is not sent; the message is kept on it as the reason."""


# A builder takes the queued OutboxEmail (its recipient, template and JSON
# context of ids and small values) and returns the template's context,
# including "subject"; or raises NothingToSay.
ContextBuilder = Callable[[Any], dict]

_builders: dict[str, ContextBuilder] = {}


def add_context_builder(template: str, build: ContextBuilder) -> None:
    """Say how an email queued with `template` is given its context when it is
    delivered. The app that queues such emails calls this in its
    AppConfig.ready: the outbox imports no app above it."""
    _builders[template] = build


def delivery_context(email) -> dict:
    """The context `email`'s template is rendered with now: its builder's
    answer, or its stored JSON context as it is when no builder is named."""
    build = _builders.get(email.template)
    context = build(email) if build is not None else dict(email.context)
    context.setdefault("subject", email.subject)
    return email_context(person=email.recipient, **context)
