"""Reading uploaded documents into import items (the worker's half)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from imports.models import ImportBatch, ImportItem
from people.models import Organisation, User
from policies.importers import DocumentError, parse_document


def start_batch(*, files: list[tuple[str, bytes]], organisation: Organisation, by: User | None) -> ImportBatch:
    """A batch of queued items, one per document."""
    with transaction.atomic():
        batch = ImportBatch.objects.create(organisation=organisation, created_by=by)
        ImportItem.objects.bulk_create(
            ImportItem(batch=batch, filename=name[:255], data=data) for name, data in files
        )
    return batch


def read_item(item_id: int) -> ImportItem | None:
    """Read one queued document; safe to call twice (a read item is left alone)."""
    claimed = ImportItem.objects.filter(pk=item_id, state=ImportItem.State.QUEUED).update(
        state=ImportItem.State.READING, started_at=timezone.now()
    )
    if not claimed:
        return None
    item = ImportItem.objects.get(pk=item_id)
    try:
        parsed = parse_document(item.filename, bytes(item.data))
    except DocumentError as error:
        item.state, item.error = ImportItem.State.UNREADABLE, error.reason
    else:
        item.parsed = parsed.to_dict()
        needs_look = parsed.warnings or parsed.uncertain
        item.state = ImportItem.State.NEEDS_LOOK if needs_look else ImportItem.State.READY
    item.save(update_fields=["state", "error", "parsed"])
    return item
