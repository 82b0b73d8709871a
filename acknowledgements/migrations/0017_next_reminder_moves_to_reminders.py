"""The next reminder date now lives in reminders.NextReminder (reminders
0007 carried the dates over first)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("acknowledgements", "0016_viewing_per_text"),
        ("reminders", "0007_next_reminder_beside_the_obligation"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="obligation", name="acknowledge_status_8b89df_idx"),
        migrations.RemoveField(model_name="obligation", name="next_reminder_on"),
    ]
