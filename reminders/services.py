"""Sending reminders exactly once, and delivering the outbox with retries."""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from reminders.models import OutboxEmail, Reminder, ReminderRunLock
from reminders.planning import Plan, PlannedEmail, plan_reminders

log = logging.getLogger(__name__)


@dataclass
class RunReport:
    by_kind: Counter = field(default_factory=Counter)
    email_ids: list[int] = field(default_factory=list)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())

    def lines(self) -> list[str]:
        labels = dict(Reminder.Kind.choices)
        verb = "would send" if self.dry_run else "sent"
        lines = [f"{labels[kind]}: {count}" for kind, count in sorted(self.by_kind.items())]
        return [*lines, f"{verb}: {self.total}"]


def send_reminders(*, today: datetime.date | None = None, dry_run: bool = False) -> RunReport:
    """Decide what is due and unsent, and record it with its emails in one
    transaction (a retry, a second scheduler or a redelivered task finds the
    keys taken and sends nothing). Delivery happens after commit."""
    today = today or timezone.localdate()
    report = RunReport(dry_run=dry_run)
    with transaction.atomic():
        lock, _ = ReminderRunLock.objects.get_or_create(name="reminders")
        ReminderRunLock.objects.select_for_update().get(pk=lock.pk)  # one run at a time
        plan = plan_reminders(today)
        for email in plan.emails:
            report.by_kind[email.kind] += 1
        if dry_run:
            transaction.set_rollback(True)
            return report
        report.email_ids = _record(plan)
    return report


def _record(plan: Plan) -> list[int]:
    ids = []
    for planned in plan.emails:
        email = OutboxEmail.objects.create(recipient=planned.recipient, to=planned.recipient.email,
                                           subject=planned.subject, **_render(planned))
        Reminder.objects.bulk_create(
            [Reminder(kind=r.kind, key=r.key, email=email) for r in planned.reminders]
        )
        ids.append(email.pk)
    Reminder.objects.bulk_create([Reminder(kind=r.kind, key=r.key, skipped=True) for r in plan.skipped],
                                 ignore_conflicts=True)
    return ids


def _render(planned: PlannedEmail) -> dict:
    person = planned.recipient
    trust = _trust_name(person)
    context = {**planned.context, "person": person, "trust": trust, "base_url": settings.PORTAL_BASE_URL,
               "subject": planned.subject, "why": planned.kind}
    return {
        "body_text": render_to_string(f"{planned.template}.txt", context),
        "body_html": render_to_string(f"{planned.template}.html", context),
    }


def _trust_name(person) -> str:
    school = person.schools.select_related("trust").first()
    return school.the_trust.name if school else "your trust"


def queue_email(*, recipient, subject: str, body_text: str, body_html: str = "") -> OutboxEmail:
    """An email written with the change that caused it and delivered after
    commit; if the mail server is down it waits in the outbox for a retry
    instead of failing the person's request."""
    email = OutboxEmail.objects.create(recipient=recipient, to=recipient.email, subject=subject,
                                       body_text=body_text, body_html=body_html)
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
