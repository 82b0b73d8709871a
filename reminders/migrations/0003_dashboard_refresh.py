from django.db import migrations

NAME = "Refresh the compliance dashboard figures"


def create(apps, schema_editor):
    crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    periodic = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = crontab.objects.get_or_create(minute="*/5", hour="*", day_of_week="*", day_of_month="*",
                                                month_of_year="*", timezone="Europe/London")
    periodic.objects.get_or_create(name=NAME, defaults={"task": "acknowledgements.tasks.refresh_dashboards",
                                                        "crontab": schedule})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("reminders", "0002_schedule")]
    operations = [migrations.RunPython(create, remove)]
