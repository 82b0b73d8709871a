from django.apps import AppConfig
from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    name = "portal"

    def ready(self) -> None:
        # post_migrate is sent per app with models; portal has none, so listen
        # for beat's own app, whose tables the schedule is written to.
        post_migrate.connect(write_schedule, sender=global_apps.get_app_config("django_celery_beat"),
                             dispatch_uid="portal.schedule")


def write_schedule(sender, *, using: str, apps: Apps = global_apps, **kwargs) -> None:
    """After every migrate (and every flush, which tests' transactions use),
    the one schedule (portal/schedule.py) into beat's tables."""
    from portal.schedule import apply_schedule

    try:
        apps.get_model("django_celery_beat", "PeriodicTask")
    except LookupError:  # migrated to a point before beat's tables exist
        return
    apply_schedule(using=using, apps=apps)
