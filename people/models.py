"""The trust, its schools, the people who work in them and their logins."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)

    def get(self, *args, **kwargs) -> User:
        """One login, with its staff record in the same query. Every sign-in
        backend finds the request's user by `_default_manager.get(pk=...)`, so
        the pages that ask whose record this is (most of them) save a round
        trip (people.selectors.person_for_user reads what is kept here)."""
        user = self.get_queryset().select_related("person").get(*args, **kwargs)
        try:
            user._person_cache = user.person
        except ObjectDoesNotExist:  # a login with no staff record
            user._person_cache = None
        return user


class User(AbstractUser):
    """A login. Staff sign in with their work email, so email is the username."""

    username = None
    email = models.EmailField("work email", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Organisation(models.Model):
    """The trust (one legal body) or one of its schools."""

    class Kind(models.TextChoices):
        TRUST = "trust", "Trust"
        SCHOOL = "school", "School"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    class SchoolType(models.TextChoices):
        """The kinds of setting the DfE's list of statutory policies distinguishes."""

        MAINTAINED = "maintained", "Maintained school"
        ACADEMY = "academy", "Academy"
        NURSERY = "nursery", "Maintained nursery school"
        SPECIAL = "special", "Special school or academy"
        ALL_THROUGH = "all_through", "All-through school"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    school_type = models.CharField(
        max_length=20, choices=SchoolType.choices, blank=True, default=SchoolType.ACADEMY,
        help_text="For schools: which statutory policies apply. Empty for the trust itself.",
    )
    trust = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="schools",
        limit_choices_to={"kind": Kind.TRUST},
        help_text="The trust a school belongs to; empty for the trust itself.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="trust", trust__isnull=True)
                | models.Q(kind="school", trust__isnull=False),
                name="school_belongs_to_a_trust",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_trust(self) -> bool:
        return self.kind == self.Kind.TRUST

    @property
    def the_trust(self) -> Organisation:
        return self if self.is_trust else self.trust


class StaffGroup(models.TextChoices):
    TEACHING = "teaching", "Teaching"
    SUPPORT = "support", "Support"
    LEADERSHIP = "leadership", "Leadership"
    GOVERNOR = "governor", "Governor"
    TRUSTEE = "trustee", "Trustee / director"
    CONTRACTOR = "contractor", "Contractor"
    AGENCY = "agency", "Agency"
    VOLUNTEER = "volunteer", "Volunteer"


def in_post_condition(on: datetime.date, *, via: str = "") -> Q:
    """The one statement of "has not left by `on`": no leave date, or one
    after it (a leaver's last day is the day before their leave date). `via`
    reaches a person through a relation ("person", "owner")."""
    prefix = f"{via}__" if via else ""
    return Q(**{f"{prefix}leave_date__isnull": True}) | Q(**{f"{prefix}leave_date__gt": on})


class PersonQuerySet(models.QuerySet):
    def in_post(self, *, on: datetime.date) -> PersonQuerySet:
        """People who have not left by `on`."""
        return self.filter(in_post_condition(on))


class Person(models.Model):
    """A staff record. Leavers keep their record (and their sign-offs); they are
    marked by a leave date, never deleted."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField("work email", unique=True)
    staff_id = models.CharField(max_length=50, blank=True)
    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    schools = models.ManyToManyField(Organisation, related_name="people", blank=True)
    staff_group = models.CharField(max_length=20, choices=StaffGroup.choices)
    job_title = models.CharField(max_length=200, blank=True)
    start_date = models.DateField(null=True, blank=True)
    leave_date = models.DateField(null=True, blank=True)
    line_manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    has_it_account = models.BooleanField(default=True)
    anonymised_on = models.DateField(
        null=True, blank=True, editable=False,
        help_text="When the retention period ended and this leaver's personal data was removed.",
    )

    history = HistoricalRecords(m2m_fields=[schools])
    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "people"
        indexes = [
            models.Index(Lower("last_name"), "first_name", name="person_name_idx"),
            # The staff list's order: its first page is read from this, not sorted from every person.
            models.Index("last_name", "first_name", "id", name="person_list_order_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def retention_ends_on(self) -> datetime.date | None:
        """When a leaver's personal data is to be anonymised (privacy.retention
        does it): the retention period after their leave date."""
        if self.leave_date is None:
            return None
        return self.leave_date + datetime.timedelta(days=settings.LEAVER_RETENTION_DAYS)


class Role(models.TextChoices):
    GOVERNANCE_LEAD = "governance_lead", "Governance lead"
    HR = "hr", "HR"


class RoleAssignment(models.Model):
    """A portal role held within one organisation: HR at Riverside Academy sees
    Riverside's people; HR at the trust sees everyone."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "role", "organisation"], name="one_role_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} at {self.organisation}"


class StaffImportJob(models.Model):
    """A large staff CSV, imported by the worker while HR watches its
    progress. The file's bytes are kept only until the job finishes."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Not imported"

    importer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=255, blank=True)
    data = models.BinaryField(editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Staff import {self.pk} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def summary(self) -> str:
        return f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged"
