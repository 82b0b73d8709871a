"""Emails about approvals: queued in the outbox with the change, delivered
after the transaction commits (and retried if the mail server is down)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from approvals.models import CommitteeMember, Submission
from outbox.context import email_context
from outbox.services import queue_email
from people.selectors import person_for_user
from portal.links import absolute_url

log = logging.getLogger(__name__)


def draft_awaits_committee(submission: Submission) -> None:
    members = CommitteeMember.objects.filter(committee=submission.committee).select_related("person")
    subject = f"For approval: {submission.version.policy.title}, version {submission.version.label}"
    body = render_to_string("emails/draft_awaits.txt", _context(submission))
    for seat in members:
        queue_email(recipient=seat.person, subject=subject, body_text=body)


def decision_made(submission: Submission) -> None:
    version = submission.version
    recipients = {p.pk: p for p in [version.policy.owner, person_for_user(submission.submitted_by)] if p}
    subject = f"{submission.get_status_display()}: {version.policy.title}, version {version.label}"
    votes = list(submission.votes.select_related("person"))
    body = render_to_string("emails/decision_made.txt", _context(submission, votes=votes))
    for person in recipients.values():
        queue_email(recipient=person, subject=subject, body_text=body)


def vote_link(link, *, token: str, days: int) -> None:
    """The member's own voting link, sent after commit and never stored: the
    link is a credential (whoever holds it can vote as the member), so, like a
    sign-in link, it does not go into the outbox, where the text of every
    email is kept and shown to administrators. Only its hash is kept, on the
    link. If the mail server is down, the clerk sends the links again."""
    submission = link.submission
    url = absolute_url("approvals:vote_link", token)
    subject = f"Your vote: {submission.version.policy.title}, version {submission.version.label}"
    body = render_to_string("emails/vote_link.txt", _context(submission, person=link.person, url=url, days=days,
                                                              expires_at=link.expires_at))
    to = link.person.email
    transaction.on_commit(lambda: _send_link(to, subject, body))


def _send_link(to: str, subject: str, body: str) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    except Exception:  # the clerk's page must not fail; the log says why no email came
        log.exception("could not send a voting link")


def _context(submission: Submission, **extra) -> dict:
    # One body for every recipient, so the trust is the policy's, not theirs.
    return email_context(organisation=submission.version.policy.organisation, submission=submission, **extra)
