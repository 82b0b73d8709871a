"""Exports the worker builds: every XLSX, and a CSV too big to stream in the
request, so no web thread is held while a large file is written.

The request records an ExportJob (who asked, the format, the filters and the
schools they saw) and hands it to the worker; the worker claims it by a
conditional UPDATE, so a task delivered twice builds once, writes the file
under MEDIA_ROOT/exports/ (served only by the download view), and says how
far it has got every few thousand rows. A job whose task was lost is sent
again when its progress is watched (resend_if_stalled). The daily run removes
jobs and files after KEPT_FOR_DAYS.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from people.models import User
from reports import exports, permissions, selectors
from reports.columns import as_rows
from reports.models import ExportJob
from reports.selectors import OutstandingFilters

log = logging.getLogger(__name__)

FOLDER = "exports"  # under MEDIA_ROOT
KEPT_FOR_DAYS = 7
# How often the worker writes its progress: often enough for the bar to move,
# rarely enough that writing it costs nothing.
PROGRESS_EVERY_ROWS = 5_000
# A job "being built" that has not reported progress for this long lost its
# worker (a progress write comes every few seconds) and may be claimed again.
STALE_AFTER = datetime.timedelta(minutes=5)
# A job nobody has picked up for this long has lost its task; watching its
# progress sends it again, at most this often.
STALLED_AFTER = datetime.timedelta(minutes=2)

EXPORT_FAILED = ("The file could not be built: something went wrong on the server. Ask for it again from the "
                 "outstanding list; if it fails again, tell your administrator.")
EXPORT_NO_LONGER_HR = "You no longer see the sign-off reports, so the file was not built."
EXPORT_TOO_BIG_FOR_EXCEL = ("This list has {rows:,} rows, more than Excel's {limit:,}. Narrow the filters, or "
                            "download it as CSV.")


def stream_max_rows() -> int:
    """A CSV of up to this many rows streams in the request; more, and the worker builds it."""
    return settings.EXPORT_STREAM_MAX_ROWS


def streams_now(fmt: str, rows: int) -> bool:
    """Whether a list of `rows` rows in `fmt` downloads at once (else it is prepared by the worker)."""
    return fmt == ExportJob.Format.CSV and rows <= stream_max_rows()


def too_big_to_stream(obligations: QuerySet, *, kept_total: int | None = None) -> bool:
    """Whether the list has more rows than stream in the request: from the
    kept counts where they can say (reports.selectors.outstanding_total),
    otherwise counted, but never past the limit."""
    limit = stream_max_rows()
    if kept_total is not None:
        return kept_total > limit
    return obligations.order_by()[: limit + 1].count() > limit


def prepared_by_worker(fmt: str, school_ids: list[int], filters: OutstandingFilters,
                       obligations: QuerySet) -> bool:
    """Whether this export is prepared by the worker rather than streamed in
    the request: every XLSX, and a CSV longer than streams at once."""
    if fmt != ExportJob.Format.CSV:
        return True
    return too_big_to_stream(obligations, kept_total=selectors.outstanding_total(school_ids, filters))


# ---- asking --------------------------------------------------------------------------------


def filters_to_json(filters: OutstandingFilters) -> dict:
    return {name: value.isoformat() if isinstance(value, datetime.date) else value
            for name, value in dataclasses.asdict(filters).items()}


def filters_from_json(data: dict) -> OutstandingFilters:
    known = {field.name for field in dataclasses.fields(OutstandingFilters)}
    values = {name: value for name, value in data.items() if name in known}
    for name in ("started_from", "started_to"):
        if values.get(name):
            values[name] = datetime.date.fromisoformat(values[name])
    return OutstandingFilters(**values)


def request_export(*, by: User, fmt: str, filters: OutstandingFilters, school_ids: list[int]) -> ExportJob:
    """An export job for the worker, sent once the job is saved. Asking again
    for the same file while it is still being built gives the same job (a
    double click, or a page reloaded, builds one file)."""
    fmt = ExportJob.Format(fmt)
    with transaction.atomic():
        same = ExportJob.objects.filter(
            requested_by=by, fmt=fmt, filters=filters_to_json(filters), school_ids=sorted(school_ids),
            status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING],
        ).first()
        if same is not None:
            return same
        job = ExportJob.objects.create(requested_by=by, fmt=fmt, filters=filters_to_json(filters),
                                       school_ids=sorted(school_ids))
        transaction.on_commit(lambda: _hand_to_worker(job.pk))
    return job


def _hand_to_worker(job_id: int) -> bool:
    from reports.tasks import build_export

    try:
        build_export.delay(job_id)
    except Exception:
        # The broker is down: asking must not fail for it. The job waits,
        # saved, and its progress page sends it again (resend_if_stalled).
        log.warning("broker unavailable; export %s waits to be sent again", job_id, exc_info=True)
        return False
    return True


def recent_exports(user: User, *, limit: int = 5) -> list[ExportJob]:
    """The user's last few exports, newest first, so a closed tab loses none."""
    return list(permissions.export_jobs_visible_to(user).defer("filters", "school_ids", "error")[:limit])


# ---- building (the worker) -----------------------------------------------------------------


def claim_job(job_id: int, *, now: datetime.datetime) -> bool:
    """Mark the job being built unless it is being built elsewhere or is finished."""
    return bool(ExportJob.objects.filter(
        Q(status=ExportJob.Status.QUEUED)
        | Q(status=ExportJob.Status.RUNNING, progressed_at__lt=now - STALE_AFTER),
        pk=job_id,
    ).update(status=ExportJob.Status.RUNNING, started_at=now, progressed_at=now, rows_done=0))


def build_export_file(job_id: int, *, now: datetime.datetime | None = None) -> ExportJob | None:
    """Build the job's file; safe to call twice (a job built or being built is
    left alone). Returns the job, or None when there was nothing to do."""
    if not claim_job(job_id, now=now or timezone.now()):
        return None
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    try:
        _build(job)
    except Exception:
        log.exception("building export %s failed", job.pk)
        _fail(job, EXPORT_FAILED)
    return job


def _build(job: ExportJob) -> None:
    if permissions.report_scope(job.requested_by) is None:
        _fail(job, EXPORT_NO_LONGER_HR)
        return
    obligations = selectors.outstanding(job.school_ids, filters_from_json(job.filters))
    total = obligations.count()
    if job.fmt == ExportJob.Format.XLSX and total > exports.XLSX_MAX_ROWS:
        _fail(job, EXPORT_TOO_BIG_FOR_EXCEL.format(rows=total, limit=exports.XLSX_MAX_ROWS))
        return
    ExportJob.objects.filter(pk=job.pk).update(rows_total=total)
    name = f"{FOLDER}/{job.pk}-{secrets.token_urlsafe(12)}.{job.fmt}"
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside its final name and renamed when whole, so a worker that
    # dies half way never leaves half a file to download.
    partial = path.with_name(path.name + ".part")
    reported = 0

    def progress(rows: int) -> None:
        nonlocal reported
        if rows - reported >= PROGRESS_EVERY_ROWS:
            ExportJob.objects.filter(pk=job.pk).update(rows_done=rows, progressed_at=timezone.now())
            reported = rows

    try:
        if job.fmt == ExportJob.Format.XLSX:
            exports.write_xlsx(_counted(as_rows(obligations), progress), str(partial))
        else:
            with partial.open("wb") as handle:
                for chunk in exports.csv_stream(obligations, progress=progress):
                    handle.write(chunk)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    job.status, job.file, job.rows_done, job.rows_total = ExportJob.Status.READY, name, total, total
    job.finished_at = job.progressed_at = timezone.now()
    job.save(update_fields=["status", "file", "rows_done", "rows_total", "finished_at", "progressed_at"])


def _counted(rows, progress):
    for count, row in enumerate(rows, start=1):
        yield row
        progress(count)


def _fail(job: ExportJob, reason: str) -> None:
    job.status, job.error, job.finished_at = ExportJob.Status.FAILED, reason, timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])


def file_path(job: ExportJob) -> Path | None:
    """Where a ready job's file is, or None if it is not ready or has gone."""
    if job.status != ExportJob.Status.READY or not job.file:
        return None
    path = Path(settings.MEDIA_ROOT) / job.file
    return path if path.is_file() else None


def resend_if_stalled(job: ExportJob, *, now: datetime.datetime | None = None) -> bool:
    """Send the job to the worker again if its task was lost: nobody picked it
    up for STALLED_AFTER, or its builder stopped reporting for STALE_AFTER. At
    most once per STALLED_AFTER however many are watching; the claim makes a
    task that was only slow build once. Returns whether it was sent."""
    now = now or timezone.now()
    quiet_since = now - STALLED_AFTER
    stalled = (Q(status=ExportJob.Status.QUEUED, created_at__lt=quiet_since)
               | Q(status=ExportJob.Status.RUNNING, progressed_at__lt=now - STALE_AFTER))
    sent = ExportJob.objects.filter(stalled, pk=job.pk).filter(
        Q(resent_at__isnull=True) | Q(resent_at__lt=quiet_since)
    ).update(resent_at=now)
    return bool(sent) and _hand_to_worker(job.pk)


# ---- the daily run -------------------------------------------------------------------------


def _cutoff(today: datetime.date) -> datetime.datetime:
    start = datetime.datetime.combine(today - datetime.timedelta(days=KEPT_FOR_DAYS), datetime.time())
    return timezone.make_aware(start)


def old_exports(today: datetime.date) -> QuerySet[ExportJob]:
    """Jobs asked for more than KEPT_FOR_DAYS before `today`."""
    return ExportJob.objects.filter(created_at__lt=_cutoff(today))


def remove_old_exports(today: datetime.date) -> int:
    """Delete old jobs and their files, and any file in the exports folder as
    old (a build a dead worker left behind). Returns how many jobs."""
    jobs = old_exports(today)
    folder = Path(settings.MEDIA_ROOT) / FOLDER
    for name in jobs.exclude(file="").values_list("file", flat=True):
        (Path(settings.MEDIA_ROOT) / name).unlink(missing_ok=True)
    count, _ = jobs.delete()
    if folder.is_dir():
        cutoff = _cutoff(today).timestamp()
        for stray in folder.iterdir():
            if stray.is_file() and stray.stat().st_mtime < cutoff:
                stray.unlink(missing_ok=True)
    return count
