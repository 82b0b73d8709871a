"""Sending reminders exactly once. The outbox app renders and delivers them."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, QuerySet, Value
from django.utils import timezone

from acknowledgements import counts
from acknowledgements.models import Obligation
from outbox.models import OutboxEmail
from outbox.services import new_email, record_emails, record_emails_to
from portal.bulk import insert_from
from reminders.models import NextReminder, Reminder, ReminderRunLock
from reminders.planning import (
    SIGN_OFF_SUBJECT,
    SIGN_OFF_TEMPLATE,
    NextReminderOn,
    Plan,
    SignOffReminders,
    plan_reminders,
    sign_off_key_of,
    sign_off_owed,
)

# Reminder rows written per INSERT.
BATCH_SIZE = 1000
NEXT = NextReminder._meta.db_table


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
    keys taken and the next reminder dates moved on, and sends nothing).
    Emails are written as a template and ids, rendered when delivered, which
    happens after commit."""
    today = today or timezone.localdate()
    report = RunReport(dry_run=dry_run)
    if not dry_run:
        # The digests read the kept counts' overdue figures as of today. Rolled
        # on its own, before the run's transaction, so the counts' lock is not
        # held (and sign-offs kept waiting) for the length of the run; the
        # daily run has usually done it already, and then this reads one row.
        counts.roll_overdue(today)
    with transaction.atomic():
        lock, _ = ReminderRunLock.objects.get_or_create(name="reminders")
        ReminderRunLock.objects.select_for_update().get(pk=lock.pk)  # one run at a time
        plan = plan_reminders(today)
        for email in plan.emails:
            report.by_kind[email.kind] += 1
        if dry_run:
            if plan.sign_offs and (count := plan.sign_offs.people.count()):
                report.by_kind[Reminder.Kind.SIGN_OFF] += count
            transaction.set_rollback(True)
            return report
        report.email_ids = _record(plan)
        if plan.sign_offs and (sign_offs := _record_sign_offs(plan.sign_offs)):
            report.by_kind[Reminder.Kind.SIGN_OFF] += len(sign_offs)
            report.email_ids += sign_offs
    return report


def _record(plan: Plan) -> list[int]:
    emails = record_emails([
        new_email(recipient_id=p.recipient.pk, to=p.recipient.email, subject=p.subject, template=p.template,
                  context=p.context)
        for p in plan.emails
    ])
    Reminder.objects.bulk_create(
        [Reminder(kind=r.kind, key=r.key, email_id=email.pk) for p, email in zip(plan.emails, emails, strict=True)
         for r in p.reminders],
        batch_size=BATCH_SIZE,
    )
    Reminder.objects.bulk_create([Reminder(kind=r.kind, key=r.key, skipped=True) for r in plan.skipped],
                                 ignore_conflicts=True, batch_size=BATCH_SIZE)
    return [email.pk for email in emails]


def _record_sign_offs(sign_offs: SignOffReminders) -> list[int]:
    """The sign-off reminders, written by the database: an email to each
    person due, a reminder key for each email, and the next reminder dates
    moved on, in three statements whatever the number of people."""
    email_ids = record_emails_to(sign_offs.people, subject=SIGN_OFF_SUBJECT, template=SIGN_OFF_TEMPLATE,
                                 context=sign_offs.context)
    if not email_ids:
        return []
    first, last = min(email_ids), max(email_ids)
    insert_from(Reminder, _sign_off_emails(first, last), {
        "kind": Value(Reminder.Kind.SIGN_OFF), "key": sign_off_key_of(F("recipient_id"), sign_offs.today),
        "email": F("pk"),
    })
    _move_next_reminders(sign_offs.today, first_email=first, last_email=last)
    return email_ids


def _sign_off_emails(first: int, last: int) -> QuerySet[OutboxEmail]:
    """This run's sign-off reminder emails: ids first..last are this run's
    (runs take turns by ReminderRunLock), and the template tells them from
    any other email written meanwhile."""
    return OutboxEmail.objects.filter(pk__gte=first, pk__lte=last, template=SIGN_OFF_TEMPLATE).order_by("pk")


# A row is written for an obligation never reminded, and moved on for one
# whose date has come (the ON CONFLICT's WHERE); a date still ahead stays.
# Not "NOT EXISTS (its row)" in the SELECT: on a table the statement is
# filling, PostgreSQL planned that as a scan of the table per obligation
# (a run at 20,000 staff took 217 s).
MOVE_ON = (
    f"INSERT INTO {NEXT} (obligation_id, day) "  # noqa: S608  (our table; values are parameters)
    "SELECT * FROM ({reminded}) AS reminded WHERE true "  # WHERE: SQLite would read ON CONFLICT as a join's ON
    f"ON CONFLICT (obligation_id) DO UPDATE SET day = excluded.day WHERE {NEXT}.day <= %s"
)


def _move_next_reminders(today: datetime.date, *, first_email: int, last_email: int) -> None:
    """Move each obligation just reminded to its next reminder date, in one
    set-based statement. "Just reminded" is read from this run's own emails
    (ids first..last), not from the plan, so an obligation that another
    transaction committed since the plan was made moves only if its person
    is among those emailed (and their email, being rendered at delivery,
    lists it)."""
    reminded = sign_off_owed(today).filter(
        person_id__in=_sign_off_emails(first_email, last_email).order_by().values("recipient_id"),
    ).annotate(next_day=NextReminderOn(today)).values_list("pk", "next_day")
    sql, params = reminded.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(MOVE_ON.format(reminded=sql), [*params, today])


def closed_next_reminders() -> QuerySet[NextReminder]:
    """Next reminder dates of obligations no longer owed (signed, withdrawn):
    never read again, since only outstanding obligations are reminded.
    NOT EXISTS an outstanding one, not a join to the closed ones: the
    database then reads what is owed, not every obligation ever closed."""
    owed = Obligation.objects.filter(pk=OuterRef("obligation_id"), status=Obligation.Status.OUTSTANDING)
    return NextReminder.objects.filter(~Exists(owed))


def clear_closed_next_reminders() -> int:
    """Remove them (the daily run), so the table holds what is owed, not
    every obligation ever reminded. An obligation owed again (reopened) has
    no date and is reminded from the day it became owed, as a new one is."""
    deleted, _ = closed_next_reminders().delete()
    return deleted
