from celery import shared_task

from reports import selectors


def _refresh_dashboards() -> int:
    scopes = selectors.hr_scopes()
    for school_ids in scopes:
        selectors.refresh_dashboard(school_ids)
    return len(scopes)


@shared_task(acks_late=True)
def refresh_dashboards() -> int:
    """Recompute the compliance figures for every HR scope. Safe to run twice."""
    return _refresh_dashboards()


# The task's name from when reports lived in acknowledgements: the beat entry
# written by reminders/migrations/0003 and any message already queued name it
# so. It answers to that name for one release, as the outbox's old names do.
refresh_dashboards_by_old_name = shared_task(name="acknowledgements.tasks.refresh_dashboards", acks_late=True)(
    _refresh_dashboards)
