"""Questions about imports."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from imports.models import ImportBatch, ImportItem
from people.models import User

RECENT_UPLOADS = 10


def recent_uploads(user: User, *, limit: int = RECENT_UPLOADS) -> QuerySet[ImportBatch]:
    """The person's latest uploads with how far each got, in one query, so
    someone who left a batch half-checked finds it again."""
    state = ImportItem.State
    return (
        ImportBatch.objects.filter(created_by=user)
        .select_related("organisation")
        .annotate(
            documents=Count("items"),
            imported=Count("items", filter=Q(items__state=state.IMPORTED)),
            waiting=Count("items", filter=Q(items__state__in=[state.READY, state.NEEDS_LOOK])),
            unreadable=Count("items", filter=Q(items__state=state.UNREADABLE)),
        )
        .order_by("-created_at")[:limit]
    )
