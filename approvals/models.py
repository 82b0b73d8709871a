"""Committee members, drafts submitted for approval, and the decisions made."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from adoptions.models import Adoption
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
    # Set when a school's local committee is asked to adopt a trust version
    # (with its local parts); `version` is then the trust version adopted.
    adoption = models.ForeignKey(
        Adoption, null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
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
                fields=["version"], condition=models.Q(status="awaiting", adoption__isnull=True),
                name="one_open_submission_per_version",
            ),
            models.UniqueConstraint(
                fields=["adoption"], condition=models.Q(status="awaiting"), name="one_open_submission_per_adoption"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} to {self.committee}"


class Vote(models.Model):
    """One member's decision in the portal, or the clerk's record of the
    meeting's decision."""

    class Method(models.TextChoices):
        PORTAL = "portal", "Signed in to the portal"
        LINK = "link", "Emailed single-use link"
        CLERK = "clerk", "Recorded by the clerk"

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="votes")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    comment = models.TextField(blank=True)
    recorded_for_meeting = models.BooleanField(default=False)
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.PORTAL)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["submission", "person"], name="one_vote_per_member")]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_decision_display()}"


class VoteLink(models.Model):
    """A single-use, expiring link emailed to one committee member so they can
    decide a submission without a password. Only the token's SHA-256 is
    stored. It dies on use, on expiry, when the submission is decided, or
    when the member leaves the committee."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="vote_links")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    vote = models.OneToOneField(Vote, null=True, blank=True, on_delete=models.PROTECT, related_name="link")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["submission", "person"])]

    def __str__(self) -> str:
        return f"Vote link for {self.person} on {self.submission}"
