"""Nightly housekeeping. Both tasks are safe to run twice."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from privacy.retention import anonymise_due_leavers


@shared_task
def anonymise_leavers() -> int:
    return anonymise_due_leavers(timezone.localdate())


@shared_task
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
