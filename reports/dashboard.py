"""Lines other apps add to the reports dashboard. reports may not import the
apps above it (docs/architecture.md), so each adds its source here when it
loads (its AppConfig.ready): given the viewer, a source returns its context
for the dashboard (a template to include and what it needs), or None when it
has nothing for this viewer. Keyed by name: adding twice replaces."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from people.models import User


@dataclass(frozen=True)
class DashboardPart:
    template: str
    context: dict[str, Any]


DashboardSource = Callable[[User], DashboardPart | None]
_sources: dict[str, DashboardSource] = {}


def add_dashboard_line(name: str, source: DashboardSource) -> None:
    _sources[name] = source


def parts_for(user: User) -> list[DashboardPart]:
    parts = (source(user) for source in _sources.values())
    return [part for part in parts if part is not None]


def rendered_parts(request) -> list[str]:
    """Each part as HTML, for the dashboard template to place."""
    return [render_to_string(part.template, part.context, request) for part in parts_for(request.user)]
