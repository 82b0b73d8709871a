"""One real worker on the real broker: the scheduled task sends the
reminders and delivers them; run again, it sends nothing."""

import datetime
import os
import time

import pytest
from django.core import mail

from outbox.models import OutboxEmail
from reminders.models import Reminder
from tests.factories import published_policy


def redis_url() -> str:
    return os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(redis_url(), socket_connect_timeout=1).ping())
    except Exception:
        return False


pytestmark = [
    pytest.mark.skipif(not redis_answers(), reason=f"Redis is not answering at {redis_url()} (.ci/run starts it)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker(settings):
    from celery.contrib.testing.worker import start_worker
    from django.db import connection

    if connection.vendor == "sqlite":
        pytest.skip("the worker's thread and the test share an in-memory SQLite database, which locks; "
                    ".ci/run runs this on PostgreSQL")

    from portal.celery import app

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    app.conf.broker_url = redis_url()
    app.conf.result_backend = redis_url()
    app.conf.task_default_queue = f"test-{os.getpid()}"
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
        yield app


def wait_for(condition, timeout: float = 60.0) -> None:
    """Wait for the worker's effect to show in the database (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the worker did not finish in time")
        time.sleep(0.05)


def test_the_scheduled_task_runs_on_a_real_worker_and_is_safe_to_run_twice(world, worker):
    from reminders.tasks import send_reminders

    published_policy(title="Email Policy", owner=world.owner,
                     next_review_on=datetime.date.today() + datetime.timedelta(days=20))
    # The beat's run, then a second beat and a redelivered task.
    runs = [send_reminders.apply_async(ignore_result=False) for _ in range(3)]
    assert [run.get(timeout=60) for run in runs] == [1, 0, 0]
    wait_for(lambda: not OutboxEmail.objects.exclude(status="sent").exists())
    assert OutboxEmail.objects.count() == 1
    assert Reminder.objects.filter(skipped=False).count() == 1
    assert [m.subject for m in mail.outbox] == ["Coming up: 1 policy review due"]
