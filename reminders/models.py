"""Reminders sent, each once, by its natural key. The emails that carry them
are in the outbox app."""

from __future__ import annotations

from django.db import models


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
    email = models.ForeignKey("outbox.OutboxEmail", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="reminders")
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


class NextReminder(models.Model):
    """When an outstanding obligation is next reminded of (no row: from the
    day it became owed). Kept beside the obligation, not on it: a run that
    moves 200,000 dates rewrites this narrow table and its one index, not the
    obligation's wide row and its nine (docs/performance.md)."""

    obligation = models.OneToOneField("acknowledgements.Obligation", primary_key=True, on_delete=models.CASCADE,
                                      related_name="next_reminder")
    day = models.DateField()

    def __str__(self) -> str:
        return f"obligation {self.obligation_id}: next reminder on {self.day}"
