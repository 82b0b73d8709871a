"""The compliance snapshot moves here from acknowledgements with its table
and rows: only Django's idea of which app owns it changes (the table keeps
its name, see ComplianceSnapshot.Meta.db_table)."""

from django.db import migrations, models


def _content_type_follows(apps, schema_editor, *, old: str, new: str) -> None:
    # Keeps any permission granted on the model attached to it after the move.
    content_types = apps.get_model("contenttypes", "ContentType")
    if content_types.objects.filter(app_label=new, model="compliancesnapshot").exists():
        return
    content_types.objects.filter(app_label=old, model="compliancesnapshot").update(app_label=new)


def forwards(apps, schema_editor) -> None:
    _content_type_follows(apps, schema_editor, old="acknowledgements", new="reports")


def backwards(apps, schema_editor) -> None:
    _content_type_follows(apps, schema_editor, old="reports", new="acknowledgements")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("acknowledgements", "0003_compliancesnapshot"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ComplianceSnapshot",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("scope_key", models.CharField(max_length=64, unique=True)),
                        ("data", models.JSONField()),
                        ("computed_at", models.DateTimeField()),
                    ],
                    options={"db_table": "acknowledgements_compliancesnapshot"},
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
