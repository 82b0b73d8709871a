"""A school's adoption of a trust policy: which trust version its local
committee adopted, when, and the local parts (named contacts, sections that
add to or replace the trust's). The school's copy is the trust version plus
these parts; an adoption is evidence once adopted and never changes, so a
new local text or a new trust version is a new adoption (a minor trust
version's is made by carrying the last one forward)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from people.models import Organisation
from policies.models import Committee, Policy, PolicyVersion


class AdoptionQuerySet(models.QuerySet):
    """Bulk writes keep the rules save() keeps (adoptions.guards)."""

    def update(self, **kwargs) -> int:
        from adoptions import guards  # guards reads these models

        guards.refuse_bulk_update(self, kwargs)
        return super().update(**kwargs)


class LocalPartQuerySet(models.QuerySet):
    """A contact's or a section's bulk writes keep the seal save() keeps."""

    def update(self, **kwargs) -> int:
        from adoptions import guards

        guards.refuse_bulk_changes_to_parts(self.order_by().values("adoption_id"))
        if "adoption" in kwargs or "adoption_id" in kwargs:  # moved onto another adoption
            guards.refuse_bulk_changes_to_parts([getattr(kwargs.get("adoption"), "pk", kwargs.get("adoption_id"))])
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        from adoptions import guards

        objs = list(objs)
        guards.refuse_bulk_changes_to_parts({part.adoption_id for part in objs})
        return super().bulk_create(objs, *args, **kwargs)


class Adoption(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Being prepared"
        AWAITING = "awaiting", "Awaiting the local committee"
        ADOPTED = "adopted", "Adopted"
        TO_READOPT = "to_readopt", "To re-adopt"
        SUPERSEDED = "superseded", "Superseded by a later adoption"
        REJECTED = "rejected", "Not adopted"

    OPEN_STATUSES = frozenset({Status.DRAFT, Status.AWAITING})
    IN_FORCE_STATUSES = frozenset({Status.ADOPTED, Status.TO_READOPT})
    LOCKED_STATUSES = frozenset({Status.ADOPTED, Status.TO_READOPT, Status.SUPERSEDED})

    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="adoptions",
                               limit_choices_to={"kind": Organisation.Kind.SCHOOL})
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="adoptions")
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="adoptions",
                                help_text="The trust version adopted.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    committee = models.ForeignKey(Committee, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="adoptions", help_text="The local committee that adopted it.")
    adopted_on = models.DateField(null=True, blank=True)
    local_hash = models.CharField("SHA-256 of the local parts", max_length=64, blank=True)
    readopt_since = models.DateField(
        null=True, blank=True, help_text="When a new major trust version asked the school to adopt again."
    )
    carried_forward_on = models.DateField(
        null=True, blank=True,
        help_text="When a minor trust version took over the school's adoption of the version before it: the same "
                  "local parts, committee and decision date, without a new decision.",
    )
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AdoptionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["school", "policy", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["school", "policy"], condition=models.Q(status__in=["draft", "awaiting"]),
                                    name="one_open_adoption_per_school_policy"),
            models.UniqueConstraint(fields=["school", "policy"],
                                    condition=models.Q(status__in=["adopted", "to_readopt"]),
                                    name="one_adoption_in_force_per_school_policy"),
        ]
        indexes = [models.Index(fields=["policy", "status"])]

    def __str__(self) -> str:
        return f"{self.policy} adopted by {self.school}"


class LocalContact(models.Model):
    """A named contact the school's copy gives: its DSL, its headteacher."""

    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE, related_name="contacts")
    role = models.CharField(max_length=200, help_text="e.g. Designated Safeguarding Lead.")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = LocalPartQuerySet.as_manager()

    class Meta:
        ordering = ["adoption", "position", "id"]

    def __str__(self) -> str:
        return f"{self.role}: {self.name}"


class LocalSection(models.Model):
    """A local section of the school's copy: added after a named section of
    the trust text, or replacing it."""

    class Kind(models.TextChoices):
        ADDS_TO = "adds_to", "Adds to the trust's section"
        REPLACES = "replaces", "Replaces the trust's section"

    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE, related_name="local_sections")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    section = models.CharField(max_length=300, help_text="The heading of the trust's section, as it reads.")
    body = models.TextField(help_text="Markdown.")
    position = models.PositiveSmallIntegerField(default=0)

    objects = LocalPartQuerySet.as_manager()

    class Meta:
        ordering = ["adoption", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.section}"
