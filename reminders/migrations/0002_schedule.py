"""The default schedule, in the database so an administrator can change it
in the admin (django-celery-beat). Times are Europe/London."""

from django.db import migrations

from portal.schedule import schedule_operation

SCHEDULE = [
    ("Publish versions whose effective date has come", "reminders.tasks.publish_versions_due", "0", "6"),
    ("Send review and sign-off reminders", "reminders.tasks.send_reminders", "0", "7"),
    ("Deliver queued and retried emails", "reminders.tasks.deliver_pending", "*/5", "*"),
]


class Migration(migrations.Migration):
    dependencies = [("reminders", "0001_initial"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [schedule_operation(SCHEDULE)]
