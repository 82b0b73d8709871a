from django.apps import AppConfig


class AcknowledgementsConfig(AppConfig):
    name = "acknowledgements"
    verbose_name = "Sign-offs"
