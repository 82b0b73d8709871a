"""Every periodic job in one table. Beat (django-celery-beat) reads its
entries from the database, so an administrator can retime or pause them in
the admin; apply_schedule writes this table there after every `migrate`
(portal.apps connects it to post_migrate), and no app's migration does.

Every daily job runs, in order, inside the one daily run (portal.daily);
what runs every few minutes stands on its own. Times are Europe/London."""

from __future__ import annotations

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q

# (name, task, minute, hour)
Entry = tuple[str, str, str, str]

SCHEDULE: list[Entry] = [
    ("Daily run: publish versions due, sync obligations, send reminders, retention, session sweep",
     "portal.tasks.run_daily", "30", "2"),
    ("Deliver queued and retried emails", "outbox.tasks.deliver_pending", "*/5", "*"),
    ("Refresh the compliance dashboard figures", "reports.tasks.refresh_dashboards", "*/5", "*"),
]

# Tasks that moved app: an entry still naming the old task is pointed at the
# new one (the old names answer for one release, for messages already queued).
MOVED = {
    "reminders.tasks.deliver_pending": "outbox.tasks.deliver_pending",
    "acknowledgements.tasks.refresh_dashboards": "reports.tasks.refresh_dashboards",
}


def apply_schedule(*, using: str = DEFAULT_DB_ALIAS, apps: Apps = global_apps) -> list[str]:
    """Add each job that has no entry yet; returns the names added. Safe to
    run any number of times. An entry is found by its task, not its name or
    time, so what an administrator renamed, retimed or disabled stays as they
    left it; a deleted one comes back at the next migrate (disable a job,
    rather than delete it, to stop it)."""
    crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    periodic = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in MOVED.items():
        periodic.objects.using(using).filter(task=old).update(task=new)
    added = []
    for name, task, minute, hour in SCHEDULE:
        if periodic.objects.using(using).filter(Q(task=task) | Q(name=name)).exists():
            continue
        schedule, _ = crontab.objects.using(using).get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*",
            timezone="Europe/London",
        )
        periodic.objects.using(using).create(name=name, task=task, crontab=schedule)
        added.append(name)
    return added
