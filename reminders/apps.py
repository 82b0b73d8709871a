from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = "Reminders"

    def ready(self) -> None:
        # The outbox renders reminder emails when it delivers them, with the
        # context these builders read then (it imports no app above it).
        from reminders import rendering

        rendering.register()
