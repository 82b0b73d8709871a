"""Large staff imports, run by the worker with progress HR can watch.

The page checks the file in the request; a file of more than
`QUEUE_OVER_ROWS` rows is then written by the worker, so no request holds a
server thread for it. A job is claimed by a conditional UPDATE before it runs,
so a task delivered twice imports once; the import itself stays one
transaction (all or nothing), so a job rerun after a worker died cannot half
write.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from people import permissions
from people.models import StaffImportJob, User
from people.staff_import import StaffImportResult, import_staff_csv

QUEUE_OVER_ROWS = 500
# A job still "running" after this long lost its worker; its transaction was
# rolled back with it, so it may be claimed again.
STALE_AFTER = datetime.timedelta(minutes=15)
JOB_NO_LONGER_HR = "You no longer hold an HR role, so nothing was imported."
JOB_CRASHED = "The import stopped unexpectedly; nothing was imported. Try again, or ask your administrator."


def count_rows(data: bytes) -> int:
    """About how many rows the file has (line breaks), to choose between
    importing now and in the worker; the import counts exactly."""
    return max(0, data.count(b"\n") - 1)


def queue_staff_import(*, data: bytes, filename: str, importer: User) -> StaffImportJob:
    from people.tasks import run_staff_import

    job = StaffImportJob.objects.create(importer=importer, filename=filename[:255], data=data,
                                        rows_total=count_rows(data))
    transaction.on_commit(lambda: run_staff_import.delay(job.pk))
    return job


def claim_job(job_id: int, *, now: datetime.datetime) -> bool:
    """Mark the job running unless it is running elsewhere or finished."""
    return bool(StaffImportJob.objects.filter(
        Q(status=StaffImportJob.Status.QUEUED)
        | Q(status=StaffImportJob.Status.RUNNING, started_at__lt=now - STALE_AFTER),
        pk=job_id,
    ).update(status=StaffImportJob.Status.RUNNING, started_at=now))


def run_import_job(job_id: int, *, now: datetime.datetime | None = None) -> StaffImportJob | None:
    """Import the job's file as its importer (their schools, their limits
    today, not when they uploaded it). Safe to call twice."""
    if not claim_job(job_id, now=now or timezone.now()):
        return None
    job = StaffImportJob.objects.select_related("importer").get(pk=job_id)
    try:
        result = _import(job)
    except Exception:
        _finish(job, StaffImportResult(errors=[JOB_CRASHED]))
        raise
    _finish(job, result)
    return job


def _import(job: StaffImportJob) -> StaffImportResult:
    if not permissions.is_hr(job.importer):
        return StaffImportResult(errors=[JOB_NO_LONGER_HR])

    def progress(done: int, total: int) -> None:
        StaffImportJob.objects.filter(pk=job.pk).update(rows_checked=done, rows_total=total)

    return import_staff_csv(bytes(job.data), allowed_schools=permissions.schools_managed_by(job.importer),
                            importer=job.importer, progress=progress)


def _finish(job: StaffImportJob, result: StaffImportResult) -> None:
    job.status = StaffImportJob.Status.DONE if result.ok and result.written else StaffImportJob.Status.FAILED
    job.new, job.updated, job.unchanged = result.new, result.updated, result.unchanged
    job.errors, job.notes = result.errors, result.notes
    job.data = b""  # the uploaded personal data is not kept once the job is done
    job.finished_at = timezone.now()
    # Not the progress counts: the import saved those itself.
    job.save(update_fields=["status", "new", "updated", "unchanged", "errors", "notes", "data", "finished_at"])
