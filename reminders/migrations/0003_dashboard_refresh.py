from django.db import migrations

from portal.schedule import schedule_operation


class Migration(migrations.Migration):
    dependencies = [("reminders", "0002_schedule")]
    operations = [schedule_operation([
        ("Refresh the compliance dashboard figures", "acknowledgements.tasks.refresh_dashboards", "*/5", "*"),
    ])]
