"""Policies, their versions, the committees that approve them and the laws
they rest on."""

from __future__ import annotations

import hashlib
import json
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from people.models import Organisation, Person
from policies.text import normalise_text


class Category(models.TextChoices):
    GOVERNANCE = "governance", "Governance"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    DATA_PROTECTION = "data_protection", "Data protection"
    IT = "it", "IT and communications"
    HR = "hr", "HR and staff conduct"
    HEALTH_AND_SAFETY = "health_and_safety", "Health and safety"
    FINANCE = "finance", "Finance"
    CURRICULUM = "curriculum", "Curriculum and pupils"


class Audience(models.TextChoices):
    TEACHING = "teaching", "Teaching staff"
    SUPPORT = "support", "Support staff"
    LEADERSHIP = "leadership", "Leadership"
    GOVERNOR = "governor", "Governors"
    TRUSTEE = "trustee", "Trustees / directors"
    CONTRACTOR = "contractor", "Contractors"
    AGENCY = "agency", "Agency staff"
    VOLUNTEER = "volunteer", "Volunteers"
    PUPILS = "pupils", "Pupils"
    PARENTS = "parents", "Parents and carers"


SINGLE_APPROVER_NEEDS_LEAVE = (
    "A quorum of 1 lets one member approve a policy alone: raise the quorum to 2 or more, "
    "or tick \"allow a single approver\" if the committee's terms of reference allow it."
)
ONE_MEMBER_NEEDS_LEAVE = (
    "\"Any one member\" lets one member approve a policy alone: choose another threshold, "
    "or tick \"allow a single approver\" if the committee's terms of reference allow it."
)


class Committee(models.Model):
    """A body that approves policies: the Trust Board, ExCo, IGG, a school's
    local governing body."""

    class DecisionMode(models.TextChoices):
        QUORUM = "quorum", "Members approve in the portal until a quorum is reached"
        CLERK = "clerk", "The clerk records the meeting's decision"

    class Threshold(models.TextChoices):
        """How many approvals decide, when members decide in the portal."""

        ONE = "one", "Any one member"
        M_OF_N = "m_of_n", "A number of members (the quorum)"
        ALL = "all", "Every member"

    class Body(models.TextChoices):
        """What kind of body it is: the statutory checklist asks who must approve."""

        TRUST_BOARD = "trust_board", "Trust board"
        TRUST_COMMITTEE = "trust_committee", "Committee of the trust board"
        LOCAL_GOVERNING_BODY = "local_governing_body", "Local governing body"
        HEADTEACHER = "headteacher", "Headteacher or senior leaders"
        OTHER = "other", "Other"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="committees")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=30, blank=True, help_text="As printed in version tables, e.g. IGG.")
    slug = models.SlugField(max_length=80, unique=True)
    decision_mode = models.CharField(max_length=10, choices=DecisionMode.choices, default=DecisionMode.QUORUM)
    quorum = models.PositiveSmallIntegerField(
        default=2, help_text="Approvals needed when members decide in the portal."
    )
    threshold = models.CharField(
        max_length=10, choices=Threshold.choices, default=Threshold.M_OF_N,
        help_text="When members decide in the portal: one member, the quorum, or every member.",
    )
    body = models.CharField(
        "kind of body", max_length=30, choices=Body.choices, default=Body.OTHER,
        help_text="The statutory checklist checks that a policy was approved by the right kind of body.",
    )
    allows_single_approver = models.BooleanField(
        "allow a single approver",
        default=False,
        help_text="Only tick this if the committee's terms of reference let one member approve a policy alone. "
        "Without it, a committee that decides in the portal needs a quorum of at least 2.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Where every member must approve, the quorum is not used: a committee
        # of one is refused when a draft is sent to it (approvals.services).
        if self.decision_mode != self.DecisionMode.QUORUM or self.allows_single_approver:
            return
        if self.threshold == self.Threshold.ONE:
            raise ValidationError({"threshold": ONE_MEMBER_NEEDS_LEAVE})
        if self.threshold == self.Threshold.M_OF_N and self.decides_alone_without_leave:
            raise ValidationError({"quorum": SINGLE_APPROVER_NEEDS_LEAVE})

    @property
    def decides_alone_without_leave(self) -> bool:
        """One vote would approve, and nobody has said that one vote may.
        (A quorum of 0 counts as 1: the first approval decides.)"""
        return (self.decision_mode == self.DecisionMode.QUORUM and self.quorum <= 1
                and not self.allows_single_approver)

    @property
    def label(self) -> str:
        return self.short_name or self.name


class Legislation(models.Model):
    """An Act, regulation or statutory guidance a policy rests on."""

    name = models.CharField(max_length=300, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "legislation"

    def __str__(self) -> str:
        return self.name


class Policy(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="policies",
        help_text="The trust for trust-wide policies, or the one school that owns it.",
    )
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=120, unique=True, help_text="Stable: links and sign-offs use it.")
    category = models.CharField(max_length=30, choices=Category.choices)
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_policies"
    )
    audiences = models.JSONField(default=list, blank=True, help_text="Audience codes.")
    review_cycle_months = models.PositiveSmallIntegerField(null=True, blank=True)
    is_public = models.BooleanField(
        "published on the website", default=False, help_text="Readable without signing in."
    )
    related = models.ManyToManyField("self", blank=True, symmetrical=True)
    approving_committees = models.ManyToManyField(
        Committee, blank=True, related_name="approvable_policies",
        help_text="The committees that may approve its drafts. Left empty: any committee of the trust, or for a "
        "school's policy that school's or the trust's. A trust-wide policy is never approved by a school's "
        "committee, whatever is chosen here.",
    )
    legislation = models.ManyToManyField(Legislation, blank=True, related_name="policies")
    # Denormalised from the published version so the library filters and sorts
    # with an index instead of a subquery per row.
    current_version = models.ForeignKey(
        "PolicyVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    next_review_on = models.DateField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[legislation])

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("policies:detail", args=[self.slug])

    @property
    def review_cycle_display(self) -> str:
        months = self.review_cycle_months
        if not months:
            return "Not set"
        if months == 12:
            return "Every year"
        if months % 12 == 0:
            return f"Every {months // 12} years"
        return f"Every {months} months"

    def audience_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [labels.get(code, code) for code in self.audiences]


class RelatedPolicyName(models.Model):
    """A related policy the document names but the library does not hold (yet)."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="named_related")
    name = models.CharField(max_length=300)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["policy", "name"], name="related_name_once")]

    def __str__(self) -> str:
        return self.name


class ImmutableVersionError(Exception):
    """Raised on any attempt to change an approved version's text or metadata."""


APPROVED_VERSION_IS_IMMUTABLE = "Version {label} of {policy} is approved and cannot be changed."

_LABEL = re.compile(r"^\D*(\d+)(?:\.(\d+))?")


def version_sort_key(label: str) -> tuple[int, int]:
    """"1.1" -> (1, 1), "V2" -> (2, 0); labels without a number sort first."""
    match = _LABEL.match(label.strip())
    if not match:
        return (0, 0)
    return (int(match.group(1)), int(match.group(2) or 0))


def content_hash(body: str) -> str:
    # Frozen: every approved version's stored hash was computed this way, and
    # save() recomputes it on each step of the lifecycle. policies.text's
    # normalise_text does at least this much, so a normalised draft hashes as
    # its CRLF original would have.
    normalised = "\n".join(line.rstrip() for line in body.replace("\r\n", "\n").split("\n")).strip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _canonical_text(value: str) -> str:
    """A quiz string as content_hash normalises a body: LF line endings, no
    trailing spaces on any line, nothing blank around it."""
    return "\n".join(line.rstrip() for line in value.replace("\r\n", "\n").split("\n")).strip()


def canonical_quiz(quiz: list) -> str:
    """The quiz as the hash reads it: JSON with sorted keys and no spacing,
    every string normalised, so a CRLF or a trailing space typed in a
    browser is not a different check of understanding."""

    def canonical(value):
        if isinstance(value, str):
            return _canonical_text(value)
        if isinstance(value, list):
            return [canonical(item) for item in value]
        if isinstance(value, dict):
            return {str(key): canonical(item) for key, item in value.items()}
        return value

    return json.dumps(canonical(quiz or []), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def version_hash(body: str, quiz: list | None) -> str:
    """The SHA-256 a version keeps and sign-offs pin. Without a quiz it is
    exactly content_hash(body), so no hash stored before quizzes existed
    changes; with one, it is SHA-256 over the body's hash and the canonical
    quiz, so the approved questions are part of what was approved."""
    body_hash = content_hash(body)
    if not quiz:
        return body_hash
    return hashlib.sha256(f"{body_hash}\n{canonical_quiz(quiz)}".encode()).hexdigest()


VARIANT_IS_LOCKED = "Version {label} of {policy} is approved: its variant {key} cannot be changed or removed."


class VersionVariantQuerySet(models.QuerySet):
    """Bulk writes keep the lock the model's save and delete keep."""

    def update(self, **kwargs):
        if self.filter(version__status__in=PolicyVersion.LOCKED_STATUSES).exists():
            raise ImmutableVersionError("An approved version's variants cannot be changed in bulk.")
        return super().update(**kwargs)

    def delete(self):
        if self.filter(version__status__in=PolicyVersion.LOCKED_STATUSES).exists():
            raise ImmutableVersionError("An approved version's variants cannot be removed.")
        return super().delete()


class VersionVariant(models.Model):
    """Another text of the same version for some audiences: the full text is
    the version's body, a variant is, say, a shorter annex for volunteers and
    contractors. It is approved with the version and locked with it; the
    sign-off rule says which staff groups owe which variant (by its key)."""

    version = models.ForeignKey("PolicyVersion", on_delete=models.CASCADE, related_name="variants")
    key = models.SlugField(max_length=40, help_text="Stable across versions, e.g. annex-a.")
    title = models.CharField(max_length=200, help_text="As staff read it, e.g. 'Annex A: for volunteers'.")
    body = models.TextField(help_text="Markdown.")
    content_hash = models.CharField("SHA-256 of the text", max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VersionVariantQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "key"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="variant_key_once_per_version")]

    def __str__(self) -> str:
        return f"{self.version}: {self.title}"

    def save(self, *args, **kwargs) -> None:
        self._refuse_when_locked()
        self.body = normalise_text(self.body)
        self.content_hash = content_hash(self.body)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_when_locked()
        return super().delete(*args, **kwargs)

    def _refuse_when_locked(self) -> None:
        # Read the version's status from the database, not the instance a
        # caller may hold: an approved version's variants are evidence. The
        # stored variant's version counts too, so moving a variant off an
        # approved version is refused as well.
        versions = {self.version_id}
        if self.pk:
            versions |= set(type(self).objects.filter(pk=self.pk).values_list("version_id", flat=True))
        locked = PolicyVersion.objects.filter(pk__in=versions, status__in=PolicyVersion.LOCKED_STATUSES).first()
        if locked is not None:
            raise ImmutableVersionError(VARIANT_IS_LOCKED.format(label=locked.label, policy=locked.policy,
                                                                 key=self.key))


class PolicyVersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """Bulk updates may move the lifecycle on, never rewrite an approved
        version's words or table row."""
        locked = PolicyVersion.LOCKED_FIELDS
        touched = [name for name in kwargs if name in locked or f"{name}_id" in locked]
        if touched and self.filter(status__in=PolicyVersion.LOCKED_STATUSES).exists():
            raise ImmutableVersionError("Approved versions cannot be changed in bulk.")
        return super().update(**kwargs)


class PolicyVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"
        SUPERSEDED = "superseded", "Superseded"
        REJECTED = "rejected", "Rejected"

    # An imported row's approval is what the document claims, not a decision
    # the portal saw; the version table and timeline must say which is which.
    class Provenance(models.TextChoices):
        PORTAL = "portal", "Approved in the portal"
        IMPORTED = "imported", "Imported, approval as stated in the document"

    OPEN_STATUSES = frozenset({Status.DRAFT, Status.AWAITING_APPROVAL})

    # Once approved, only the lifecycle moves on (approved -> published ->
    # superseded); the words and the version-table row are evidence.
    LOCKED_STATUSES = frozenset({Status.APPROVED, Status.PUBLISHED, Status.SUPERSEDED})
    LOCKED_FIELDS = (
        "policy_id", "label", "body", "reason", "author", "approved_on", "approved_text",
        "committee_id", "approved_by_text", "effective_on", "next_review_on", "next_review_text", "is_major",
        "content_hash", "review_cycle_months", "audiences", "provenance", "quiz",
    )

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    label = models.CharField(max_length=20, help_text="As the trust numbers it: 1.0, 1.1, 2.")
    major = models.PositiveIntegerField(editable=False, default=0)
    minor = models.PositiveIntegerField(editable=False, default=0)
    is_major = models.BooleanField(
        default=True, help_text="A major version must be signed again by everyone who owes it."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    body = models.TextField(help_text="Markdown, with numbered sections.")
    reason = models.CharField("reason for revision", max_length=500, blank=True)
    author = models.CharField(max_length=200, blank=True, help_text="A name or a job title.")
    approved_on = models.DateField(null=True, blank=True)
    approved_text = models.CharField(
        max_length=100, blank=True, help_text="The approval date as the source wrote it, e.g. 'Sept 2023'."
    )
    committee = models.ForeignKey(
        Committee, null=True, blank=True, on_delete=models.PROTECT, related_name="approved_versions"
    )
    approved_by_text = models.CharField(
        max_length=200, blank=True, help_text="The approving body as written, when it is not a known committee."
    )
    effective_on = models.DateField(null=True, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    next_review_text = models.CharField(max_length=100, blank=True, help_text="As written, e.g. 'Q1 2025-26'.")
    content_hash = models.CharField("SHA-256 of the text", max_length=64, editable=False)
    # A check of understanding, written by the owner in the draft and approved
    # with it (part of its hash): a list of {"question": str, "options": [str,
    # ...], "answer": int (index of the right option), "section": str (the
    # heading of the section to re-read when it is answered wrongly)}.
    quiz = models.JSONField(default=list, blank=True, help_text="Questions the signer answers before signing.")
    # What the version proposes for the policy; applied to it on publication,
    # so a redline can show a changed review cycle or audience.
    review_cycle_months = models.PositiveSmallIntegerField(null=True, blank=True)
    audiences = models.JSONField(default=list, blank=True)
    author_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="authored_versions"
    )
    superseded_on = models.DateField(null=True, blank=True)
    source_filename = models.CharField(max_length=255, blank=True)
    provenance = models.CharField(max_length=10, choices=Provenance.choices, default=Provenance.PORTAL)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PolicyVersionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["policy", "major", "minor", "id"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "label"], name="version_label_once_per_policy"),
            models.UniqueConstraint(
                fields=["policy"],
                condition=models.Q(status="published"),
                name="one_published_version_per_policy",
            ),
            # Several drafts may not race: one open draft per policy.
            models.UniqueConstraint(
                fields=["policy"],
                condition=models.Q(status__in=["draft", "awaiting_approval"]),
                name="one_open_draft_per_policy",
            ),
        ]
        indexes = [models.Index(fields=["policy", "status"])]

    def __str__(self) -> str:
        return f"{self.policy} v{self.label}"

    def save(self, *args, **kwargs) -> None:
        self.major, self.minor = version_sort_key(self.label)
        # The last line of defence for text that did not come through a form
        # or a service. Only open drafts: an approved body is evidence and is
        # kept byte for byte as it was approved.
        if self.status in self.OPEN_STATUSES:
            self.body = normalise_text(self.body)
        self.content_hash = version_hash(self.body, self.quiz)
        if self.pk:
            self._refuse_changes_to_locked_version()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("policies:version", args=[self.policy.slug, self.label])

    @property
    def is_locked(self) -> bool:
        return self.status in self.LOCKED_STATUSES

    @property
    def committee_label(self) -> str:
        return self.committee.label if self.committee else self.approved_by_text

    def delete(self, *args, **kwargs):
        if self.pk and type(self).objects.filter(pk=self.pk, status__in=self.LOCKED_STATUSES).exists():
            raise ImmutableVersionError(APPROVED_VERSION_IS_IMMUTABLE.format(label=self.label, policy=self.policy))
        return super().delete(*args, **kwargs)

    def _refuse_changes_to_locked_version(self) -> None:
        stored = type(self).objects.filter(pk=self.pk).values(*self.LOCKED_FIELDS, "status").first()
        if stored is None or stored["status"] not in self.LOCKED_STATUSES:
            return
        changed = [f for f in self.LOCKED_FIELDS if stored[f] != getattr(self, f)]
        if changed or self.status not in self.LOCKED_STATUSES:
            raise ImmutableVersionError(
                APPROVED_VERSION_IS_IMMUTABLE.format(label=stored["label"], policy=self.policy)
            )
