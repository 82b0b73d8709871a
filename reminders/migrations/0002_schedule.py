"""The default schedule, in the database so an administrator can change it
in the admin (django-celery-beat). Times are Europe/London."""

from django.db import migrations

SCHEDULE = [
    # name, task, minute, hour
    ("Publish versions whose effective date has come", "reminders.tasks.publish_versions_due", "0", "6"),
    ("Send review and sign-off reminders", "reminders.tasks.send_reminders", "0", "7"),
    ("Deliver queued and retried emails", "reminders.tasks.deliver_pending", "*/5", "*"),
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
    dependencies = [("reminders", "0001_initial"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [migrations.RunPython(create, remove)]
