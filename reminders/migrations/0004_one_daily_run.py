"""Once replaced four daily beat entries with the one daily run. The schedule
is now one table in portal/schedule.py, written after every migrate; this
migration stays (empty) so the migration graph of databases that applied it is
unchanged. A new database never had the four entries, so there is nothing to
remove."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0003_dashboard_refresh"),
        ("privacy", "0002_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = []
