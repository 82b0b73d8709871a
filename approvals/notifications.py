"""Emails about approvals, always sent after the transaction commits."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string

from approvals.models import CommitteeMember, Submission


def draft_awaits_committee(submission: Submission) -> None:
    members = list(
        CommitteeMember.objects.filter(committee=submission.committee).select_related("person")
        .values_list("person__email", flat=True)
    )
    subject = f"For approval: {submission.version.policy.title}, version {submission.version.label}"
    body = render_to_string("emails/draft_awaits.txt",
                            {"submission": submission, "base_url": settings.PORTAL_BASE_URL})
    _send_after_commit([(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in members])


def decision_made(submission: Submission) -> None:
    version = submission.version
    owner = version.policy.owner
    recipients = {email for email in [owner.email if owner else None, submission.submitted_by.email] if email}
    subject = f"{submission.get_status_display()}: {version.policy.title}, version {version.label}"
    body = render_to_string("emails/decision_made.txt",
                            {"submission": submission, "base_url": settings.PORTAL_BASE_URL})
    _send_after_commit([(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in sorted(recipients)])


def _send_after_commit(messages: list[tuple]) -> None:
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))
