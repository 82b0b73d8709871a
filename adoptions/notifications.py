"""Emails about adoptions, queued in the outbox with the change and delivered
after the transaction commits."""

from __future__ import annotations

from django.template.loader import render_to_string

from adoptions.models import Adoption
from outbox.context import email_context
from outbox.services import queue_email
from people.models import Person, Role, RoleAssignment
from portal.links import absolute_url


def governance_leads_of(adoption: Adoption) -> list[Person]:
    """The school's own governance leads, or the trust's when it has none."""
    for organisation in (adoption.school_id, adoption.school.trust_id):
        leads = [r.person for r in RoleAssignment.objects.filter(role=Role.GOVERNANCE_LEAD, organisation=organisation)
                 .select_related("person")]
        if leads:
            return leads
    return []


def readoption_asked(adoption: Adoption, *, version) -> None:
    """Tells the school's governance lead that a new major trust version asks it to adopt again."""
    subject = f"To re-adopt: {adoption.policy.title}, version {version.label}"
    body = render_to_string("adoptions/emails/readopt.txt", email_context(
        organisation=adoption.school, adoption=adoption, version=version,
        redline_url=absolute_url("adoptions:redline", adoption.pk), adoptions_url=absolute_url("adoptions:index")))
    for person in governance_leads_of(adoption):
        queue_email(recipient=person, subject=subject, body_text=body)
