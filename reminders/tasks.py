"""Thin Celery tasks over the reminder services; each is safe to run twice.

The daily jobs run in order in portal.tasks.run_daily, the only daily entry in
the schedule (portal/schedule.py). send_reminders and publish_versions_due stay
for one release so a message queued before the upgrade (or sent by
faults/tool.py) still runs; so do deliver_email and deliver_pending, which
moved to outbox.tasks with the outbox."""

from celery import shared_task

from approvals.services import publish_due_versions
from outbox import services as outbox
from outbox import tasks as outbox_tasks
from reminders import services


@shared_task(acks_late=True)
def send_reminders() -> int:
    report = services.send_reminders()
    for batch in outbox.delivery_batches(report.email_ids):
        outbox_tasks.deliver_emails.delay(batch)
    return report.total


@shared_task(acks_late=True)
def deliver_email(email_id: int) -> str:
    """Old name of outbox.tasks.deliver_email, for messages already queued."""
    return outbox.deliver_email(email_id)


@shared_task(acks_late=True)
def deliver_pending() -> dict:
    """Old name of outbox.tasks.deliver_pending, for messages already queued."""
    return dict(outbox.deliver_pending())


@shared_task(acks_late=True)
def publish_versions_due() -> int:
    return len(publish_due_versions())
