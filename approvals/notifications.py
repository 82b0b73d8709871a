"""Emails about approvals: queued in the outbox with the change, delivered
after the transaction commits (and retried if the mail server is down)."""

from __future__ import annotations

from django.template.loader import render_to_string

from approvals.models import CommitteeMember, Submission
from outbox.context import email_context
from outbox.services import queue_email
from people.selectors import person_for_user


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


def _context(submission: Submission, **extra) -> dict:
    # One body for every recipient, so the trust is the policy's, not theirs.
    return email_context(organisation=submission.version.policy.organisation, submission=submission, **extra)
