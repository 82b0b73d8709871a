"""One daily entry in the schedule: portal.tasks.run_daily at 02:30 Europe/London
runs every daily job in order (publish, obligations, reminders, retention,
sessions). The four daily entries it replaces are removed, whatever an
administrator renamed them to; the entries every few minutes (delivering the
outbox, refreshing the dashboards) stay. Reversing puts the old ones back."""

from django.db import migrations

from portal.schedule import schedule_operation

ONE_DAILY_RUN = [
    ("Daily run: publish versions due, sync obligations, send reminders, retention, session sweep",
     "portal.tasks.run_daily", "30", "2"),
]
REPLACED = [
    ("Publish versions whose effective date has come", "reminders.tasks.publish_versions_due", "0", "6"),
    ("Send review and sign-off reminders", "reminders.tasks.send_reminders", "0", "7"),
    ("Close leavers' logins; anonymise leavers past the retention period", "privacy.tasks.anonymise_leavers",
     "30", "2"),
    ("Remove expired sign-in sessions", "privacy.tasks.clear_expired_sessions", "45", "2"),
]


def remove_replaced(apps, schema_editor) -> None:
    periodic = apps.get_model("django_celery_beat", "PeriodicTask")
    periodic.objects.filter(task__in=[task for _, task, *_ in REPLACED]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0003_dashboard_refresh"),
        ("privacy", "0002_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [
        migrations.RunPython(remove_replaced, schedule_operation(REPLACED).code),
        schedule_operation(ONE_DAILY_RUN),
    ]
