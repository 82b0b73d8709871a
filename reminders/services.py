"""Sending reminders exactly once. The outbox app delivers them."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from outbox.context import email_context
from outbox.services import record_email
from reminders.models import Reminder, ReminderRunLock
from reminders.planning import Plan, PlannedEmail, plan_reminders


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
        email = record_email(recipient=planned.recipient, subject=planned.subject, **_render(planned))
        Reminder.objects.bulk_create(
            [Reminder(kind=r.kind, key=r.key, email=email) for r in planned.reminders]
        )
        ids.append(email.pk)
    Reminder.objects.bulk_create([Reminder(kind=r.kind, key=r.key, skipped=True) for r in plan.skipped],
                                 ignore_conflicts=True)
    return ids


def _render(planned: PlannedEmail) -> dict:
    context = email_context(person=planned.recipient, subject=planned.subject, why=planned.kind, **planned.context)
    return {
        "body_text": render_to_string(f"{planned.template}.txt", context),
        "body_html": render_to_string(f"{planned.template}.html", context),
    }
