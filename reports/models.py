import datetime

from django.db import models
from django.utils import timezone


class ComplianceSnapshot(models.Model):
    """The dashboard's figures for one HR scope, refreshed by the worker every
    few minutes: aggregating millions of obligations per page view is too slow."""

    scope_key = models.CharField(max_length=64, unique=True)
    data = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        # The table was created while reports lived in acknowledgements; it
        # keeps its name so the move needed no copy (and the grants by table
        # name in portal/database_roles.py still hold).
        db_table = "acknowledgements_compliancesnapshot"

    def __str__(self) -> str:
        return f"Compliance figures {self.scope_key[:8]} at {self.computed_at:%Y-%m-%d %H:%M}"


class ExportJob(models.Model):
    """A spreadsheet of the outstanding list the worker builds (reports.export_jobs),
    so the web thread that asked is free at once. Only whoever asked may see or
    download it; the daily run removes it and its file after a week."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being built"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Failed"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    requested_by = models.ForeignKey("people.User", on_delete=models.CASCADE, related_name="+")
    fmt = models.CharField(max_length=10, choices=Format.choices)
    filters = models.JSONField(default=dict)  # reports.selectors.OutstandingFilters, as asked
    school_ids = models.JSONField(default=list)  # the requester's scope when they asked
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.IntegerField(null=True, blank=True)
    rows_done = models.IntegerField(default=0)
    file = models.CharField(max_length=300, blank=True)  # under MEDIA_ROOT, served only by the download view
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # The worker's last sign of life: a job "being built" that has not moved
    # for a while lost its worker and may be claimed again.
    progressed_at = models.DateTimeField(null=True, blank=True)
    # When the progress page last handed the job to the worker again.
    resent_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.fmt} export {self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.READY, self.Status.FAILED}

    @property
    def download_name(self) -> str:
        """The file's name on the requester's computer, dated the day they asked."""
        return export_name(self.fmt, timezone.localdate(self.created_at))


def export_name(fmt: str, day: datetime.date) -> str:
    """An outstanding list's file name, prepared by the worker or streamed at once."""
    return f"outstanding-sign-offs-{day.isoformat()}.{fmt}"


class ComplianceDay(models.Model):
    """One school's signed, outstanding and overdue totals at the end of a
    day, kept for the dashboard's trend."""

    school = models.ForeignKey("people.Organisation", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    signed = models.IntegerField(default=0)
    outstanding = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "day"], name="one_compliance_day_per_school")]

    def __str__(self) -> str:
        return f"{self.school_id} on {self.day}"
