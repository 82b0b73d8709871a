"""A record of what was done with people's personal data: every subject access
export and every anonymisation, for the trust's data protection officer."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from people.models import Person


class PrivacyEvent(models.Model):
    class Kind(models.TextChoices):
        SUBJECT_ACCESS = "subject_access", "Subject access export"
        ANONYMISED = "anonymised", "Personal data anonymised"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="privacy_events")
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Empty when the nightly retention task did it.",
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for person #{self.person_id}"
