"""Who may see the HR reports, and which schools' sign-offs they see. Views,
exports and the worker's refresher ask here; nothing else decides."""

from __future__ import annotations

from collections.abc import Iterable

from people.models import Organisation, User
from people.permissions import hr_organisations

REPORTS_DENIED = "Only HR can see the sign-off reports."


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
