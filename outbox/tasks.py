"""Thin Celery tasks over the outbox services; each is safe to run twice.
Beat runs deliver_pending every few minutes (portal/schedule.py)."""

from celery import shared_task

from outbox import services


@shared_task(acks_late=True)
def deliver_email(email_id: int) -> str:
    return services.deliver_email(email_id)


@shared_task(acks_late=True)
def deliver_emails(email_ids: list[int]) -> dict:
    """A batch sent over a few connections to the mail server (a reminder run's)."""
    return dict(services.deliver_emails(email_ids))


@shared_task(acks_late=True)
def deliver_pending() -> dict:
    """Retries with backoff: failed sends wait for their next_attempt_at."""
    return dict(services.deliver_pending())
