"""Uploads are working files, not records: the library keeps what was
imported (and the audit timeline says from which file), so a batch and its
documents' bytes are removed a month after the upload."""

from __future__ import annotations

import datetime

from imports.models import ImportBatch

KEPT_FOR_DAYS = 30


def old_batches(today: datetime.date):
    return ImportBatch.objects.filter(created_at__date__lt=today - datetime.timedelta(days=KEPT_FOR_DAYS))


def remove_old_batches(today: datetime.date) -> int:
    """Delete batches uploaded more than KEPT_FOR_DAYS before `today`, with
    their items. Returns how many batches."""
    batches = old_batches(today)
    count = batches.count()
    batches.delete()
    return count
