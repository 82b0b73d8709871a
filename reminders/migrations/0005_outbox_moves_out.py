"""The outbox moved to its own app (outbox 0001). State only: the table and
its rows stay, and a reminder's email still points at the same table."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("reminders", "0004_one_daily_run"),
        ("outbox", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.AlterField(
                model_name="reminder",
                name="email",
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                        related_name="reminders", to="outbox.outboxemail"),
            ),
            migrations.DeleteModel(name="OutboxEmail"),
        ]),
    ]
