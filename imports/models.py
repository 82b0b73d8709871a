"""A trust's library arriving: a batch of uploaded documents, each read by
the worker, corrected by a person, then saved whole or not at all."""

from __future__ import annotations

from django.db import models

from people.models import Organisation, User
from policies.models import Policy


class ImportBatch(models.Model):
    """One upload: a single document, many, or a zip of them."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", help_text="Who the policies will belong to."
    )
    created_by = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    notes = models.JSONField(default=list, blank=True, help_text="What was left out of the upload, and why.")
    resent_at = models.DateTimeField(
        null=True, blank=True, help_text="When documents the worker never reached were handed to it again."
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"Import {self.pk} for {self.organisation}"


class ImportItem(models.Model):
    """One document of a batch and what became of it."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to be read"
        READING = "reading", "Being read"
        READY = "ready", "Ready"
        NEEDS_LOOK = "needs_look", "Needs a look"
        UNREADABLE = "unreadable", "Cannot be read"
        IMPORTED = "imported", "Imported"

    OPEN_STATES = (State.READY, State.NEEDS_LOOK)

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="items")
    filename = models.CharField(max_length=255)
    # The file's bytes, kept until the item is imported (the correction form
    # shows the document's text, and a reread needs them).
    data = models.BinaryField(editable=False)
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED, db_index=True)
    parsed = models.JSONField(null=True, blank=True, help_text="What the importer recognised.")
    corrections = models.JSONField(default=dict, blank=True, help_text="What a person corrected before saving.")
    error = models.TextField(blank=True, help_text="Why the file cannot be read.")
    policy = models.ForeignKey(Policy, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    outcome = models.TextField(blank=True, help_text="What importing did.")
    started_at = models.DateTimeField(null=True, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "filename", "pk"]

    def __str__(self) -> str:
        return self.filename
