"""Once added the dashboard refresh to beat. The schedule is now one table in
portal/schedule.py, written after every migrate; this migration stays (empty)
so the migration graph of databases that applied it is unchanged."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reminders", "0002_schedule")]
    operations = []
