"""Every email the portal queues, and how its delivery went."""

from __future__ import annotations

from django.db import models


class OutboxEmail(models.Model):
    """One email to one person, written in the same transaction that decided
    to send it, then delivered (and retried) apart from that transaction."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed: needs attention"
        NOT_SENT = "not_sent", "Not sent: nothing left to say"

    # The one link upwards, by name and never by import: an email is evidence
    # of what a person was sent (subject access, retention), so it stays tied
    # to their staff record. The outbox itself reads only recipient.email.
    recipient = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="emails")
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # Rendered when delivered, not when queued: a run that queues thousands
    # writes a template name and a few ids each, not their bodies.
    template = models.CharField(max_length=100, blank=True)
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "reminders_outboxemail"  # where it lived first; the data and the role's grants stay put
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = "email"

    def __str__(self) -> str:
        return f"{self.subject} to {self.to}"
