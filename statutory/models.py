"""What the DfE's "Statutory policies for schools and academy trusts" requires
of each kind of school and of the trust, loaded from fixtures/ (with its
source and date), and which of the trust's policies meet each item."""

from __future__ import annotations

from django.db import models

from policies.models import Policy


class StatutoryItem(models.Model):
    class AppliesTo(models.TextChoices):
        MAINTAINED = "maintained", "Maintained schools"
        ACADEMY = "academy", "Academies"
        NURSERY = "nursery", "Maintained nursery schools"
        SPECIAL = "special", "Special schools"
        ALL_THROUGH = "all_through", "All-through schools"
        TRUST = "trust", "The academy trust"

    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=300)
    applies_to = models.JSONField(default=list, help_text="AppliesTo codes.")
    approver = models.CharField(max_length=200, help_text="Who must approve it, as the guidance says.")
    approver_bodies = models.JSONField(
        default=list, blank=True, help_text="Committee.Body codes that count as the right body; empty: any."
    )
    review_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How often it must be reviewed; empty where the guidance sets no cycle."
    )
    review_text = models.CharField(max_length=200, blank=True, help_text="The review frequency as written.")
    source = models.URLField(max_length=500, blank=True)
    policies = models.ManyToManyField(Policy, blank=True, related_name="statutory_items",
                                      help_text="The policies that meet this item.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
