"""Nightly housekeeping. Both tasks are safe to run twice.

Beat no longer schedules them: portal.tasks.run_daily runs retention and the
session sweep after the day's other jobs. They stay for one release so a
message queued before the upgrade still runs."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from privacy.retention import anonymise_due_leavers, close_leavers_logins


@shared_task
def anonymise_leavers() -> int:
    """Close the logins of today's leavers, then anonymise those past retention."""
    today = timezone.localdate()
    close_leavers_logins(today)
    return anonymise_due_leavers(today)


@shared_task
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
