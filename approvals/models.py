"""Committee members, drafts submitted for approval, and the decisions made."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from people.models import Person
from policies.models import Committee, PolicyVersion


class CommitteeMember(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        CLERK = "clerk", "Clerk"

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="committee_seats")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["committee", "person"], name="one_seat_per_committee")]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()}, {self.committee})"


class Decision(models.TextChoices):
    APPROVE = "approve", "Approve"
    REQUEST_CHANGES = "request_changes", "Request changes"
    REJECT = "reject", "Reject"


class Submission(models.Model):
    """A draft sent to one committee for a decision."""

    class Status(models.TextChoices):
        AWAITING = "awaiting", "Awaiting decision"
        APPROVED = "approved", "Approved"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        REJECTED = "rejected", "Rejected"

    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="submissions")
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="submissions")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING)
    decided_at = models.DateTimeField(null=True, blank=True)
    meeting_date = models.DateField(null=True, blank=True)
    minute_reference = models.CharField(max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version"], condition=models.Q(status="awaiting"), name="one_open_submission_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} to {self.committee}"


class Vote(models.Model):
    """One member's decision in the portal, or the clerk's record of the
    meeting's decision."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="votes")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    comment = models.TextField(blank=True)
    recorded_for_meeting = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["submission", "person"], name="one_vote_per_member")]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_decision_display()}"
