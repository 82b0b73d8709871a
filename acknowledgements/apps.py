from django.apps import AppConfig


class AcknowledgementsConfig(AppConfig):
    name = "acknowledgements"
    verbose_name = "Sign-offs"

    def ready(self) -> None:
        from acknowledgements import receivers  # noqa: F401  (connects the receivers)
