"""The statutory checklist's line on the dashboards: one line per school
with something to do, or "All statutory policies in place"."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from people.models import User
from reports.dashboard import DashboardPart
from statutory import permissions, selectors


def statutory_lines(user: User) -> list[tuple[str, str]] | None:
    """(text, link to the filtered checklist) per organisation with problems;
    None for someone who may not see the checklist."""
    organisations = permissions.checklist_scope(user)
    if not organisations:
        return None
    url = reverse("statutory:checklist")
    return [(text, f"{url}?{urlencode({'school': slug})}")
            for text, slug in selectors.dashboard_lines(
                selectors.checklist(organisations, today=timezone.localdate()))]


def dashboard_part(user: User) -> DashboardPart | None:
    lines = statutory_lines(user)
    if lines is None:
        return None
    return DashboardPart("statutory/_dashboard_lines.html", {"statutory_lines": lines})
