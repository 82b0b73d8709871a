"""The default periodic tasks, written by data migrations into
django-celery-beat's tables so an administrator can change them in the admin.
Times are Europe/London."""

from __future__ import annotations

from django.db.migrations import RunPython

# (name, task, minute, hour)
Entry = tuple[str, str, str, str]


def schedule_operation(entries: list[Entry]) -> RunPython:
    """A migration operation that adds the entries (keeping any already there,
    as an administrator may have changed them) and removes them on reversal."""

    def create(apps, schema_editor) -> None:
        crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
        periodic = apps.get_model("django_celery_beat", "PeriodicTask")
        for name, task, minute, hour in entries:
            schedule, _ = crontab.objects.get_or_create(
                minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*",
                timezone="Europe/London",
            )
            periodic.objects.get_or_create(name=name, defaults={"task": task, "crontab": schedule})

    def remove(apps, schema_editor) -> None:
        periodic = apps.get_model("django_celery_beat", "PeriodicTask")
        periodic.objects.filter(name__in=[name for name, *_ in entries]).delete()

    return RunPython(create, remove)
