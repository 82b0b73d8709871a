"""Once wrote the first beat entries. The schedule is now one table in
portal/schedule.py, written after every migrate; this migration stays (empty)
so the migration graph of databases that applied it is unchanged."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reminders", "0001_initial"), ("django_celery_beat", "0019_alter_periodictasks_options")]
    operations = []
