"""Emails about approvals: queued in the outbox with the change, delivered
after the transaction commits (and retried if the mail server is down)."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from approvals.models import CommitteeMember, Submission
from people.selectors import person_for_user
from reminders.services import queue_email


def draft_awaits_committee(submission: Submission) -> None:
    members = CommitteeMember.objects.filter(committee=submission.committee).select_related("person")
    subject = f"For approval: {submission.version.policy.title}, version {submission.version.label}"
    body = render_to_string("emails/draft_awaits.txt",
                            {"submission": submission, "base_url": settings.PORTAL_BASE_URL})
    for seat in members:
        queue_email(recipient=seat.person, subject=subject, body_text=body)


def decision_made(submission: Submission) -> None:
    version = submission.version
    recipients = {p.pk: p for p in [version.policy.owner, person_for_user(submission.submitted_by)] if p}
    subject = f"{submission.get_status_display()}: {version.policy.title}, version {version.label}"
    body = render_to_string("emails/decision_made.txt",
                            {"submission": submission, "base_url": settings.PORTAL_BASE_URL})
    for person in recipients.values():
        queue_email(recipient=person, subject=subject, body_text=body)
