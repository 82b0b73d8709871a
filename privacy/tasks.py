"""Nightly housekeeping. Both tasks are safe to run twice."""

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
