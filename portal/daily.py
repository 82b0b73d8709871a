"""The one daily run: every job that depends on the date, as of one date, in
a fixed order. Beat calls it through portal.tasks.run_daily and an operator
through `manage.py run_daily`; both get the same lines.

The order matters: a version published today must be owed today, and an
obligation created today must be in today's reminders. The kept sign-off
counts are rolled to today before the reminders (the digests read them) and
checked against a recount after retention, the last job that changes people.
Retention and the
session sweep come last because they only remove access, and the old
uploads (working files of the library import), old exports (HR's prepared
spreadsheets) and the next reminder dates of obligations no longer owed
after them."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from contextlib import nullcontext

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from acknowledgements import counts, evidence_check
from acknowledgements.services import sync_obligations
from approvals.services import publish_due_versions
from imports.retention import old_batches, remove_old_batches
from outbox.services import deliver_emails
from people.models import User
from policies.models import PolicyVersion
from privacy.retention import anonymise_due_leavers, close_leavers_logins, leavers_due
from reminders import services as reminders
from reports.export_jobs import old_exports, remove_old_exports

log = logging.getLogger(__name__)

# A step takes (today, dry_run) and returns its line without the step's name.
Step = Callable[[datetime.date, bool], str]


def run_daily(*, today: datetime.date, dry_run: bool = False) -> list[str]:
    """Run every daily job as of `today`; one line per job, then `done: N jobs`.
    Safe to run twice: a second run the same day finds nothing to do. With
    dry_run nothing is written and no email is sent: each line says what
    would be done."""
    if dry_run:
        # Each step computes its answer without writing; the rolled-back
        # transaction makes sure of it (and drops any on-commit delivery).
        with transaction.atomic():
            lines = _run_steps(today, dry_run=True)
            transaction.set_rollback(True)
        return lines
    return _run_steps(today, dry_run=False)


def _run_steps(today: datetime.date, *, dry_run: bool) -> list[str]:
    lines, failed = [], 0
    for name, step in STEPS:
        try:
            # A savepoint per step: a failed step in a dry run must not
            # poison the transaction the later steps run in.
            with transaction.atomic() if dry_run else nullcontext():
                lines.append(f"{name}: {step(today, dry_run)}")
        except Exception as error:
            # One failed job must not stop the rest (retention is a legal
            # duty even on a day the mail server is down); it is logged and
            # said, and tomorrow's run catches up because every job is
            # "everything due up to today".
            log.exception("daily job %r failed on %s", name, today)
            lines.append(f"{name}: FAILED ({type(error).__name__}: {error})")
            failed += 1
    done = len(STEPS) - failed
    lines.append(f"done: {done} jobs" + (f", {failed} failed" if failed else ""))
    return lines


def publish_versions(today: datetime.date, dry_run: bool) -> str:
    if dry_run:
        due = PolicyVersion.objects.filter(status=PolicyVersion.Status.APPROVED, effective_on__lte=today)
        return f"would publish {due.count()}"
    return f"{len(publish_due_versions(today=today))} published"


def sync(today: datetime.date, dry_run: bool) -> str:
    counts = sync_obligations(today=today, dry_run=dry_run)
    created, reopened, withdrawn = counts["created"], counts["reopened"], counts["withdrawn"]
    if dry_run:
        return f"would create {created}, reopen {reopened}, withdraw {withdrawn}"
    return f"{created} created, {reopened} reopened, {withdrawn} withdrawn"


def roll_counts(today: datetime.date, dry_run: bool) -> str:
    # Before the reminders: the digests read the kept counts' overdue figures.
    rolled = counts.roll_overdue(today)  # a dry run's transaction is rolled back
    return ("would count " if dry_run else "") + rolled.line()


def check_counts(today: datetime.date, dry_run: bool) -> str:
    # counts.check_counts logs an error on any disagreement, for monitoring.
    checked = counts.check_counts(repair=not dry_run)
    if dry_run and checked.disagreements:
        return f"{checked.summary} (would repair)"
    return checked.summary


def verify_evidence(today: datetime.date, dry_run: bool) -> str:
    # After retention, which may erase a record's address (never sealed). The
    # result is kept (EvidenceCheck) for HR's dashboard; a break is logged.
    result = evidence_check.verify(save=not dry_run)
    if not result.intact:
        log.error("evidence chain broken: %s", result.first_broken)
    return result.last_line.removeprefix("evidence: ")


def send_reminders(today: datetime.date, dry_run: bool) -> str:
    report = reminders.send_reminders(today=today, dry_run=dry_run)
    if dry_run:
        return f"would send {report.total}"
    # Delivered here rather than queued on the broker, so the daily run works
    # on a day Redis is down; what the mail server refuses waits in the
    # outbox for deliver_pending's retries.
    deliver_emails(report.email_ids)
    return f"{report.total} sent"


def retention(today: datetime.date, dry_run: bool) -> str:
    if dry_run:
        logins = User.objects.filter(is_active=True, person__leave_date__lte=today).count()
        return f"would close {logins} leavers' logins, would anonymise {leavers_due(today).count()}"
    closed = close_leavers_logins(today)
    return f"{closed} leavers' logins closed, {anonymise_due_leavers(today)} anonymised"


def sweep_sessions(today: datetime.date, dry_run: bool) -> str:
    # Expiry is a real instant, not a school date: a session that has expired
    # is useless whatever day the run acts as, and one that has not must not
    # be ended by a run that acts as a future date.
    expired = Session.objects.filter(expire_date__lt=timezone.now())
    if dry_run:
        return f"would remove {expired.count()} expired sessions"
    deleted, _ = expired.delete()
    return f"{deleted} expired sessions removed"


def clear_uploads(today: datetime.date, dry_run: bool) -> str:
    if dry_run:
        return f"would remove {old_batches(today).count()} uploads"
    return f"{remove_old_batches(today)} uploads removed"


def clear_reminder_dates(today: datetime.date, dry_run: bool) -> str:
    if dry_run:
        return f"would remove {reminders.closed_next_reminders().count()}"
    return f"{reminders.clear_closed_next_reminders()} removed"


def clear_exports(today: datetime.date, dry_run: bool) -> str:
    if dry_run:
        return f"would remove {old_exports(today).count()} exports"
    return f"{remove_old_exports(today)} exports removed"


STEPS: list[tuple[str, Step]] = [
    ("publish versions", publish_versions),
    ("sync obligations", sync),
    ("counts rolled", roll_counts),
    ("send reminders", send_reminders),
    ("retention", retention),
    ("counts checked", check_counts),
    ("evidence verified", verify_evidence),
    ("session sweep", sweep_sessions),
    ("old uploads", clear_uploads),
    ("old exports", clear_exports),
    ("old reminder dates", clear_reminder_dates),
]
