from django.apps import AppConfig


class AdoptionsConfig(AppConfig):
    name = "adoptions"
    verbose_name = "School adoptions of trust policies"
