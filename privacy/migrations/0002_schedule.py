"""Nightly retention and session sweeps, in the database schedule
(django-celery-beat) beside the reminders."""

from django.db import migrations

from portal.schedule import schedule_operation


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = [schedule_operation([
        ("Close leavers' logins; anonymise leavers past the retention period", "privacy.tasks.anonymise_leavers",
         "30", "2"),
        ("Remove expired sign-in sessions", "privacy.tasks.clear_expired_sessions", "45", "2"),
    ])]
