from celery import shared_task

from acknowledgements import reports


@shared_task(acks_late=True)
def refresh_dashboards() -> int:
    """Recompute the compliance figures for every HR scope. Safe to run twice."""
    scopes = reports.hr_scopes()
    for school_ids in scopes:
        reports.refresh_dashboard(school_ids)
    return len(scopes)
