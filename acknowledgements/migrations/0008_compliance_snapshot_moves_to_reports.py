"""The compliance snapshot belongs to the HR reports app now
(reports/migrations/0001_initial.py); its table stays where it is."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("acknowledgements", "0007_alter_historicalsignoffrule_history_change_reason"),
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ComplianceSnapshot")],
            database_operations=[],
        ),
    ]
