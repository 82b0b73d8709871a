"""Nightly retention and session sweeps, in the database schedule
(django-celery-beat) beside the reminders."""

from django.db import migrations

SCHEDULE = [
    # name, task, minute, hour
    ("Close leavers' logins; anonymise leavers past the retention period", "privacy.tasks.anonymise_leavers", "30", "2"),
    ("Remove expired sign-in sessions", "privacy.tasks.clear_expired_sessions", "45", "2"),
]


def create(apps, schema_editor):
    crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    periodic = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour in SCHEDULE:
        schedule, _ = crontab.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*",
            timezone="Europe/London",
        )
        periodic.objects.get_or_create(name=name, defaults={"task": task, "crontab": schedule})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[s[0] for s in SCHEDULE]).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(create, remove)]
