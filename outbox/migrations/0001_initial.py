"""The outbox leaves reminders for its own app. State only: the table
(reminders_outboxemail), its rows and the database role's grants stay as they
are. The content type is renamed so admin permissions and history follow."""

import django.db.models.deletion
from django.db import migrations, models


def rename_content_type(old_label: str, new_label: str):
    def rename(apps, schema_editor) -> None:
        content_type = apps.get_model("contenttypes", "ContentType")
        if not content_type.objects.filter(app_label=new_label, model="outboxemail").exists():
            content_type.objects.filter(app_label=old_label, model="outboxemail").update(app_label=new_label)
    return rename


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("people", "0001_initial"),
        ("reminders", "0004_one_daily_run"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name="OutboxEmail",
                fields=[
                    ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                    ("to", models.EmailField(max_length=254)),
                    ("subject", models.CharField(max_length=300)),
                    ("body_text", models.TextField()),
                    ("body_html", models.TextField(blank=True)),
                    ("status", models.CharField(choices=[("pending", "Waiting to be sent"), ("sending", "Being sent"), ("sent", "Sent"), ("failed", "Failed: needs attention")], default="pending", max_length=10)),
                    ("attempts", models.PositiveSmallIntegerField(default=0)),
                    ("next_attempt_at", models.DateTimeField(blank=True, null=True)),
                    ("last_error", models.TextField(blank=True)),
                    ("created_at", models.DateTimeField(auto_now_add=True)),
                    ("claimed_at", models.DateTimeField(blank=True, null=True)),
                    ("sent_at", models.DateTimeField(blank=True, null=True)),
                    ("recipient", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="emails", to="people.person")),
                ],
                options={
                    "verbose_name": "email",
                    "db_table": "reminders_outboxemail",
                    "ordering": ["-created_at"],
                    "indexes": [models.Index(fields=["status", "next_attempt_at"], name="reminders_o_status_d4a4f8_idx")],
                },
            ),
        ]),
        migrations.RunPython(rename_content_type("reminders", "outbox"), rename_content_type("outbox", "reminders")),
    ]
