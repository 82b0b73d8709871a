from celery import shared_task
from django.utils import timezone

from reports import export_jobs, selectors


def _refresh_dashboards() -> int:
    # One day for every scope, so a run across midnight writes one trend point, not two.
    today = timezone.localdate()
    scopes = selectors.hr_scopes()
    for school_ids in scopes:
        selectors.refresh_dashboard(school_ids, today=today)  # rolls the kept counts to today first
    return len(scopes)


@shared_task(acks_late=True)
def refresh_dashboards() -> int:
    """Recompute the compliance figures for every HR scope. Safe to run twice."""
    return _refresh_dashboards()


@shared_task(acks_late=True)
def build_export(job_id: int) -> None:
    """Build an export the outstanding list asked for. Safe to run twice (the job is claimed first)."""
    export_jobs.build_export_file(job_id)


# The task's name from when reports lived in acknowledgements: the beat entry
# written by reminders/migrations/0003 and any message already queued name it
# so. It answers to that name for one release, as the outbox's old names do.
refresh_dashboards_by_old_name = shared_task(name="acknowledgements.tasks.refresh_dashboards", acks_late=True)(
    _refresh_dashboards)
