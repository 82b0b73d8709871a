"""The one scheduled daily task: beat's only daily entry points here."""

from celery import shared_task
from django.utils import timezone

from portal.daily import run_daily as run_daily_jobs


@shared_task(acks_late=True)
def run_daily() -> list[str]:
    """Safe to redeliver: every job is "everything due up to today"."""
    return run_daily_jobs(today=timezone.localdate())
