"""The reports' and staff list's tests read the kept sign-off counts
(acknowledgements.models.SignOffCount, PersonSignOffCount). They prove the
readers, not the keeping (tests/acknowledgements/test_kept_counts.py does
that), so after setting a world up they recount it in full, as of a day."""

from __future__ import annotations

import datetime

from django.utils import timezone

from acknowledgements import counts


def fill_kept_counts(today: datetime.date | None = None) -> None:
    counts.rebuild(today=today or timezone.localdate())
