from django.apps import AppConfig
from django.db.models.signals import pre_delete, pre_save


class AdoptionsConfig(AppConfig):
    name = "adoptions"
    verbose_name = "School adoptions of trust policies"

    def ready(self) -> None:
        from adoptions import guards, receivers  # noqa: F401  (importing receivers connects them)
        from adoptions.models import Adoption, LocalContact, LocalSection

        pre_save.connect(guards.refuse_changes_to_adoption, sender=Adoption, dispatch_uid="adoption_locked")
        pre_delete.connect(guards.refuse_deleting_adoption, sender=Adoption, dispatch_uid="adoption_kept")
        for model in (LocalContact, LocalSection):
            pre_save.connect(guards.refuse_changes_to_parts, sender=model, dispatch_uid=f"{model.__name__}_locked")
            pre_delete.connect(guards.refuse_changes_to_parts, sender=model, dispatch_uid=f"{model.__name__}_kept")
