"""Queueing an email with the change that caused it, and delivering the
outbox exactly once per email, with retries."""

from __future__ import annotations

import datetime
import logging
from collections import Counter

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from outbox.models import OutboxEmail

log = logging.getLogger(__name__)


def record_email(*, recipient, subject: str, body_text: str, body_html: str = "") -> OutboxEmail:
    """Write an email to the outbox without sending it: the caller delivers
    it (or leaves it to deliver_pending) once its transaction has committed."""
    return OutboxEmail.objects.create(recipient=recipient, to=recipient.email, subject=subject,
                                      body_text=body_text, body_html=body_html)


def queue_email(*, recipient, subject: str, body_text: str, body_html: str = "") -> OutboxEmail:
    """An email written with the change that caused it and delivered after
    commit; if the mail server is down it waits in the outbox for a retry
    instead of failing the person's request."""
    email = record_email(recipient=recipient, subject=subject, body_text=body_text, body_html=body_html)
    transaction.on_commit(lambda: deliver_email(email.pk))
    return email


def deliver_email(email_id: int, *, now: datetime.datetime | None = None) -> str:
    """Send one outbox email if it is due. Safe to call twice: only the call
    that claims the row (pending -> sending) sends. Returns the new status."""
    now = now or timezone.now()
    claimed = OutboxEmail.objects.filter(pk=email_id, status=OutboxEmail.Status.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    ).update(status=OutboxEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return OutboxEmail.objects.filter(pk=email_id).values_list("status", flat=True).first() or "missing"
    email = OutboxEmail.objects.get(pk=email_id)
    try:
        message = EmailMultiAlternatives(email.subject, email.body_text, settings.DEFAULT_FROM_EMAIL, [email.to])
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        message.send(fail_silently=False)
    except Exception as error:  # any transport failure: retry later, never lose it
        return _failed(email, error, now)
    OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxEmail.Status.SENT, sent_at=now, last_error="")
    return OutboxEmail.Status.SENT


def _failed(email: OutboxEmail, error: Exception, now: datetime.datetime) -> str:
    text = f"{type(error).__name__}: {error}"[:2000]
    if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
        log.error("email %s failed for good after %s attempts: %s", email.pk, email.attempts, text)
        OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxEmail.Status.FAILED, last_error=text)
        return OutboxEmail.Status.FAILED
    backoff = datetime.timedelta(minutes=2 ** email.attempts)
    log.warning("email %s failed (attempt %s), retrying in %s: %s", email.pk, email.attempts, backoff, text)
    OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxEmail.Status.PENDING, last_error=text,
                                                   next_attempt_at=now + backoff)
    return OutboxEmail.Status.PENDING


def deliver_pending(*, now: datetime.datetime | None = None) -> Counter:
    """Deliver every due email; first return emails stuck in "sending" (a
    worker killed mid-send) to the queue."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(minutes=settings.EMAIL_SENDING_TIMEOUT_MINUTES)
    OutboxEmail.objects.filter(status=OutboxEmail.Status.SENDING, claimed_at__lt=stale).update(
        status=OutboxEmail.Status.PENDING
    )
    due = OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    ).values_list("pk", flat=True)
    return Counter(deliver_email(pk, now=now) for pk in list(due))
