"""Each outstanding obligation's next reminder date moves off the obligation
into reminders.NextReminder (acknowledgements 0017 then drops the column and
its index): the reminder run rewrote 50,000-200,000 wide obligation rows and
nine indexes a run to move those dates (docs/performance.md). Dates already
set are carried over, so the first run after the upgrade sends nothing twice."""

import django.db.models.deletion
from django.db import migrations, models

CARRY_OVER = """
INSERT INTO reminders_nextreminder (obligation_id, day)
SELECT id, next_reminder_on FROM acknowledgements_obligation
WHERE status = 'outstanding' AND next_reminder_on IS NOT NULL
"""
CARRY_BACK = """
UPDATE acknowledgements_obligation SET next_reminder_on = (
    SELECT day FROM reminders_nextreminder WHERE obligation_id = acknowledgements_obligation.id)
WHERE id IN (SELECT obligation_id FROM reminders_nextreminder)
"""


class Migration(migrations.Migration):

    dependencies = [
        ("acknowledgements", "0016_viewing_per_text"),
        ("reminders", "0006_next_reminder_from_sent_stages"),
    ]

    operations = [
        migrations.CreateModel(
            name="NextReminder",
            fields=[
                ("obligation", models.OneToOneField(
                    on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name="next_reminder",
                    serialize=False, to="acknowledgements.obligation")),
                ("day", models.DateField()),
            ],
        ),
        migrations.RunSQL(CARRY_OVER, CARRY_BACK, elidable=True),
    ]
