"""Who may see the HR reports, and which schools' sign-offs they see. Views,
exports and the worker's refresher ask here; nothing else decides."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from people.models import Organisation, User
from people.permissions import hr_organisations
from reports.models import ExportJob

REPORTS_DENIED = "Only HR can see the sign-off reports."
EXPORT_SCOPE_CHANGED = ("This file lists schools you no longer see in the reports, so it cannot be downloaded. "
                        "Ask for the list again.")


def scope_schools(organisations: Iterable[Organisation]) -> list[int]:
    """School ids covered by HR roles at these organisations (a trust covers its schools)."""
    ids: set[int] = set()
    for org in organisations:
        ids.add(org.pk)
        if org.is_trust:
            ids.update(org.schools.values_list("pk", flat=True))
    return sorted(ids)


def report_scope(user: User) -> list[int] | None:
    """The organisations whose sign-offs `user` may see in the reports: every
    one for an administrator, an HR officer's schools, None for anyone else
    (who may not see the reports at all)."""
    if user.is_superuser:
        return list(Organisation.objects.values_list("pk", flat=True))
    organisations = hr_organisations(user)
    if not organisations:
        return None
    return scope_schools(organisations)


def export_jobs_visible_to(user: User) -> QuerySet[ExportJob]:
    """An export the worker builds is seen only by whoever asked for it; to
    anyone else, an administrator included, it does not exist."""
    return ExportJob.objects.filter(requested_by=user)


def can_download_export(user: User, job: ExportJob) -> bool:
    """Whoever asked may download the file while they still see every school
    it lists (an HR officer moved to one school no longer takes the trust's)."""
    scope = report_scope(user)
    return job.requested_by_id == user.pk and scope is not None and set(job.school_ids) <= set(scope)
