"""Every periodic job in one table (portal/schedule.py), written to beat after
every migrate; no app's migration writes beat entries."""

import re
from pathlib import Path

import pytest
from django_celery_beat.models import PeriodicTask

from portal.schedule import SCHEDULE, apply_schedule

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_the_database_holds_the_table_after_migrate():
    assert sorted(PeriodicTask.objects.values_list("task", flat=True)) == sorted(task for _, task, *_ in SCHEDULE)


def test_applying_again_adds_nothing():
    assert apply_schedule() == []
    assert PeriodicTask.objects.count() == len(SCHEDULE)


def test_what_an_administrator_retimed_or_renamed_stays():
    entry = PeriodicTask.objects.get(task="portal.tasks.run_daily")
    entry.name, entry.enabled = "Nightly", False
    entry.save()
    apply_schedule()
    assert PeriodicTask.objects.filter(task="portal.tasks.run_daily").values_list("name", "enabled").get() == (
        "Nightly", False)


def test_an_entry_naming_a_task_that_moved_is_pointed_at_its_new_home():
    PeriodicTask.objects.filter(task="outbox.tasks.deliver_pending").update(task="reminders.tasks.deliver_pending")
    apply_schedule()
    assert PeriodicTask.objects.filter(task="outbox.tasks.deliver_pending").count() == 1
    assert not PeriodicTask.objects.filter(task="reminders.tasks.deliver_pending").exists()


def test_no_app_migration_writes_the_schedule():
    writing = [str(path.relative_to(ROOT)) for path in ROOT.glob("*/migrations/*.py")
               if re.search(r"PeriodicTask|CrontabSchedule|schedule_operation", path.read_text(encoding="utf-8"))]
    assert writing == []
