"""Thin Celery tasks over the reminder services; each is safe to run twice.

Beat schedules only deliver_pending from here; the daily jobs run in order in
portal.tasks.run_daily. send_reminders and publish_versions_due stay for one
release so a message queued before the upgrade (or sent by faults/tool.py)
still runs."""

from celery import shared_task

from approvals.services import publish_due_versions
from reminders import services


@shared_task(acks_late=True)
def send_reminders() -> int:
    report = services.send_reminders()
    for email_id in report.email_ids:
        deliver_email.delay(email_id)
    return report.total


@shared_task(acks_late=True)
def deliver_email(email_id: int) -> str:
    return services.deliver_email(email_id)


@shared_task(acks_late=True)
def deliver_pending() -> dict:
    """Retries with backoff: failed sends wait for their next_attempt_at."""
    return dict(services.deliver_pending())


@shared_task(acks_late=True)
def publish_versions_due() -> int:
    return len(publish_due_versions())
