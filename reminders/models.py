"""Reminders sent (each once, by its natural key) and the outbox that
delivers them."""

from __future__ import annotations

from django.db import models

from people.models import Person


class OutboxEmail(models.Model):
    """One email to one person, written in the same transaction that decided
    to send it, then delivered (and retried) apart from that transaction."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed: needs attention"

    recipient = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="emails")
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = "email"

    def __str__(self) -> str:
        return f"{self.subject} to {self.to}"


class Reminder(models.Model):
    """That a reminder was decided on: unique by what it is about, so no
    retry, second scheduler or redelivered task can send it twice."""

    class Kind(models.TextChoices):
        REVIEW_DUE = "review_due", "Review coming due"
        REVIEW_OVERDUE = "review_overdue", "Review overdue (weekly)"
        GOVERNANCE_DIGEST = "governance_digest", "Overdue reviews digest (weekly)"
        SIGN_OFF = "sign_off", "Sign-off owed"
        HR_DIGEST = "hr_digest", "Overdue sign-offs digest for HR (weekly)"
        MANAGER_DIGEST = "manager_digest", "Overdue sign-offs digest for line managers (weekly)"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    key = models.CharField(max_length=200, help_text="Who, what, and which threshold or period.")
    email = models.ForeignKey(OutboxEmail, null=True, blank=True, on_delete=models.PROTECT, related_name="reminders")
    skipped = models.BooleanField(default=False, help_text="Overtaken by a later threshold while the system was down.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="each_reminder_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.key}"


class ReminderRunLock(models.Model):
    """A single row locked for the length of a run, so two schedulers (or a
    scheduler and the command) decide one after the other."""

    name = models.CharField(max_length=30, unique=True)

    def __str__(self) -> str:
        return self.name
