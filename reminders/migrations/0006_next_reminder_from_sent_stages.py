"""Sign-off reminders used to be keyed per obligation and stage
(`obligation:<id>:stage:<n>`, stage n sent n * SIGN_OFF_REMINDER_INTERVAL_DAYS
after owed_since); a run now reads each obligation's next_reminder_on
instead. This carries what was sent into that date, so the first run after
the upgrade sends nothing twice: an outstanding obligation whose stages up to
n were sent is next reminded at stage n + 1. One never reminded keeps an
empty date (due from owed_since), as it would have been before. The old keys
stay, as the record of what was sent."""

import datetime

from django.conf import settings
from django.db import migrations

BATCH = 2000


def carry_stage_keys_over(apps, schema_editor) -> None:
    Reminder = apps.get_model("reminders", "Reminder")
    Obligation = apps.get_model("acknowledgements", "Obligation")
    interval = settings.SIGN_OFF_REMINDER_INTERVAL_DAYS
    last_stage: dict[int, int] = {}
    keys = Reminder.objects.filter(kind="sign_off", key__startswith="obligation:").values_list("key", flat=True)
    for key in keys.iterator(chunk_size=BATCH):
        _, obligation_id, _, stage = key.split(":")
        obligation_id, stage = int(obligation_id), int(stage)
        last_stage[obligation_id] = max(stage, last_stage.get(obligation_id, stage))
    ids = sorted(last_stage)
    for start in range(0, len(ids), BATCH):
        obligations = list(Obligation.objects.filter(
            pk__in=ids[start:start + BATCH], status="outstanding", next_reminder_on__isnull=True,
        ).only("pk", "owed_since"))
        for obligation in obligations:
            stages = last_stage[obligation.pk] + 1
            obligation.next_reminder_on = obligation.owed_since + datetime.timedelta(days=stages * interval)
        Obligation.objects.bulk_update(obligations, ["next_reminder_on"], batch_size=BATCH)


class Migration(migrations.Migration):

    dependencies = [
        ("reminders", "0005_outbox_moves_out"),
        ("acknowledgements", "0009_kept_counts_and_reminder_dates"),
    ]

    operations = [
        migrations.RunPython(carry_stage_keys_over, migrations.RunPython.noop, elidable=True),
    ]
