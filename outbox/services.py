"""Queueing an email with the change that caused it, and delivering the
outbox exactly once per email, with retries.

An email is queued either rendered (subject and bodies, as approvals'
notifications are) or as a template and a JSON context of ids (as the
reminder run queues thousands at once); the second kind is rendered each
time it is delivered, from the data as it is then (outbox.context)."""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends import filebased
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, JSONField, Q, QuerySet, Value
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from outbox.context import NothingToSay, delivery_context
from outbox.models import OutboxEmail
from portal.bulk import insert_from

log = logging.getLogger(__name__)

# An email queued as a template whose builder found nothing left to say when it
# was delivered: it is not sent, and last_error holds the builder's reason.
NOT_SENT = OutboxEmail.Status.NOT_SENT
# Emails written per INSERT by record_emails.
BATCH_SIZE = 1000
# Emails sent over one connection to the mail server before it is closed and
# another opened: a reminder run's thousands go over a few dozen connections,
# not one each, and no server's cap on messages per connection is reached.
MESSAGES_PER_CONNECTION = 100


def record_email(*, recipient, subject: str, body_text: str = "", body_html: str = "", template: str = "",
                 context: dict | None = None) -> OutboxEmail:
    """Write an email to the outbox without sending it: the caller delivers
    it (or leaves it to deliver_pending) once its transaction has committed.
    Either its bodies, or a template and a JSON context rendered at delivery."""
    return OutboxEmail.objects.create(recipient=recipient, to=recipient.email, subject=subject,
                                      body_text=body_text, body_html=body_html, template=template,
                                      context=context or {})


def new_email(*, recipient_id: int, to: str, subject: str, template: str, context: dict) -> OutboxEmail:
    """An unsaved email to be rendered at delivery, for record_emails. The
    context holds ids and small values only (it is JSON): the template's
    builder (outbox.context.add_context_builder) reads the rest then."""
    return OutboxEmail(recipient_id=recipient_id, to=to, subject=subject[:300], template=template,
                       context=context)


def record_emails(emails: list[OutboxEmail]) -> list[OutboxEmail]:
    """Write many emails made by new_email in a few INSERTs, in the caller's
    transaction; returns them with their ids."""
    return OutboxEmail.objects.bulk_create(emails, batch_size=BATCH_SIZE)


def record_emails_to(people: QuerySet, *, subject: str, template: str, context: dict) -> list[int]:
    """One email alike to each of `people` (a Person queryset), written by
    the database in one statement (portal.bulk.insert_from), in the caller's
    transaction; returns their ids in the order of `people`."""
    return insert_from(OutboxEmail, people, {
        "recipient": F("pk"), "to": F("email"), "subject": Value(subject[:300]), "template": Value(template),
        "context": Value(context, output_field=JSONField()),
    })


def render_email(email: OutboxEmail) -> tuple[str, str, str]:
    """(subject, text, html) of an email queued as a template, from the data
    as it is now. Raises NothingToSay when nothing in it is still true."""
    context = delivery_context(email)
    text = render_to_string(f"{email.template}.txt", context)
    try:
        html = get_template(f"{email.template}.html").render(context)
    except TemplateDoesNotExist:
        html = ""
    return str(context["subject"])[:300], text, html


def queue_email(*, recipient, subject: str, body_text: str, body_html: str = "") -> OutboxEmail:
    """An email written with the change that caused it and delivered after
    commit; if the mail server is down it waits in the outbox for a retry
    instead of failing the person's request."""
    email = record_email(recipient=recipient, subject=subject, body_text=body_text, body_html=body_html)
    transaction.on_commit(lambda: deliver_email(email.pk))
    return email


def deliver_email(email_id: int, *, now: datetime.datetime | None = None,
                  connection: BaseEmailBackend | None = None) -> str:
    """Send one outbox email if it is due. Safe to call twice: only the call
    that claims the row (pending -> sending) sends. Returns the new status.

    `connection`: a mail server connection the caller has opened and keeps
    open across several emails (deliver_emails); it is closed after a failed
    send, so the caller opens a fresh one rather than trying a broken one."""
    now = now or timezone.now()
    claimed = OutboxEmail.objects.filter(pk=email_id, status=OutboxEmail.Status.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    ).update(status=OutboxEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return OutboxEmail.objects.filter(pk=email_id).values_list("status", flat=True).first() or "missing"
    email = OutboxEmail.objects.select_related("recipient").get(pk=email_id)
    rendered: dict[str, str] = {}  # written with the outcome: the row keeps what was last tried
    try:
        if email.template:
            # Rendered at every attempt, so a retry after an outage says what
            # is true when it goes.
            try:
                email.subject, email.body_text, email.body_html = render_email(email)
            except NothingToSay as reason:
                return _not_sent(email, str(reason))
            rendered = {"subject": email.subject, "body_text": email.body_text, "body_html": email.body_html}
        message = EmailMultiAlternatives(email.subject, email.body_text, settings.DEFAULT_FROM_EMAIL, [email.to],
                                         connection=connection)
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        message.send(fail_silently=False)
    except Exception as error:  # any transport (or rendering) failure: retry later, never lose it
        if connection is not None:
            _close_quietly(connection)
        return _failed(email, error, now, rendered)
    OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxEmail.Status.SENT, sent_at=now, last_error="",
                                                   **rendered)
    return OutboxEmail.Status.SENT


def _not_sent(email: OutboxEmail, reason: str) -> str:
    log.info("email %s not sent: %s", email.pk, reason)
    OutboxEmail.objects.filter(pk=email.pk).update(status=NOT_SENT, last_error=f"Not sent: {reason}"[:2000])
    return NOT_SENT


def _failed(email: OutboxEmail, error: Exception, now: datetime.datetime, rendered: dict[str, str]) -> str:
    text = f"{type(error).__name__}: {error}"[:2000]
    if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
        log.error("email %s failed for good after %s attempts: %s", email.pk, email.attempts, text)
        OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxEmail.Status.FAILED, last_error=text, **rendered)
        return OutboxEmail.Status.FAILED
    backoff = datetime.timedelta(minutes=2 ** email.attempts)
    log.warning("email %s failed (attempt %s), retrying in %s: %s", email.pk, email.attempts, backoff, text)
    OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxEmail.Status.PENDING, last_error=text,
                                                   next_attempt_at=now + backoff, **rendered)
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
    return deliver_emails(list(due), now=now)


def deliver_emails(email_ids: Iterable[int], *, now: datetime.datetime | None = None) -> Counter:
    """Deliver these emails (each as deliver_email does: claimed, rendered,
    sent once), MESSAGES_PER_CONNECTION to a connection. One connection per
    email would mean a TCP, TLS and sign-in handshake with the mail server for
    each of a large trust's 20,000 reminders, and relays throttle or refuse
    clients that connect that often.

    When the mail server cannot be reached, the emails not yet tried are left
    as they are, unclaimed, for deliver_pending's next run: an outage of an
    afternoon spends none of their attempts, and none is failed for good."""
    statuses: Counter = Counter()
    ids = list(email_ids)
    tried = 0
    for batch in delivery_batches(ids):
        connection = _mail_connection()
        try:
            for pk in batch:
                # Opened here, kept open by send; reopened after a failed send closed it.
                if unreachable := _unreachable(connection):
                    statuses[OutboxEmail.Status.PENDING] += _wait_for_next_run(ids[tried:], unreachable)
                    return statuses
                statuses[deliver_email(pk, now=now, connection=connection)] += 1
                tried += 1
        finally:
            if connection is not None:
                _close_quietly(connection)
    return statuses


def delivery_batches(email_ids: list[int]) -> list[list[int]]:
    """The emails in the groups deliver_emails sends over one connection
    each: a task that queues many emails queues a delivery per group."""
    return _slices(email_ids, MESSAGES_PER_CONNECTION)


def _slices(items: list, size: int) -> list[list]:
    return [items[start:start + size] for start in range(0, len(items), size)]


def _mail_connection() -> BaseEmailBackend | None:
    """A connection to keep open across emails; None for the file backend,
    whose "connection" is the file it writes: kept open, a hundred emails
    would share one, and in development each has a file of its own."""
    connection = get_connection(fail_silently=False)
    return None if isinstance(connection, filebased.EmailBackend) else connection


def _unreachable(connection: BaseEmailBackend | None) -> str:
    """Open the connection if it is not (first use, or closed after a failed
    send). Why the mail server cannot be reached, or "" when it can."""
    if connection is None:
        return ""
    try:
        connection.open()
    except Exception as error:  # refused, timed out, TLS or sign-in failed: all mean "not now"
        return f"{type(error).__name__}: {error}"
    return ""


def _wait_for_next_run(email_ids: list[int], why: str) -> int:
    """Leave these emails pending, their attempts unspent, saying on each why
    (the admin's outbox shows it); deliver_pending tries them again."""
    waiting = sum(
        OutboxEmail.objects.filter(pk__in=ids, status=OutboxEmail.Status.PENDING).update(
            last_error=f"Waiting: the mail server could not be reached ({why})"[:2000])
        for ids in _slices(email_ids, BATCH_SIZE)  # SQLite's limit on one statement's parameters
    )
    log.warning("mail server unreachable (%s): %s emails wait for the next delivery run", why, waiting)
    return waiting


def _close_quietly(connection: BaseEmailBackend) -> None:
    """Close a mail server connection; one already broken may fail to say
    goodbye, which changes nothing: every email's outcome is recorded."""
    try:
        connection.close()
    except Exception:  # a broken connection's goodbye
        log.debug("closing the mail connection failed", exc_info=True)
