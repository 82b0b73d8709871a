"""Reading uploaded documents into import items (the worker's half).

Each item is claimed by a conditional UPDATE before it is read, so a task
delivered twice reads once; an item still "being read" after STALE_AFTER lost
its worker and may be claimed again. Reading writes only the item.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from imports.models import ImportBatch, ImportItem
from people.models import Organisation, User
from policies.importers import DocumentError, parse_document

logger = logging.getLogger(__name__)

# Reading one document takes well under a second; one still "being read"
# after this long lost its worker (the task is acked late, so it is
# redelivered, and the stale claim lets the redelivery through).
STALE_AFTER = datetime.timedelta(minutes=5)
READ_CRASHED = "the portal could not read this file; it may be damaged. Open it in Word and save it again."
_NAME_LENGTH = 255  # ImportItem.filename


def start_batch(*, files: list[tuple[str, bytes]], organisation: Organisation, by: User | None,
                notes: list[str] | None = None) -> ImportBatch:
    """A batch of queued items, one per document, each told apart by name;
    `notes` says what was left out of the upload, and why."""
    with transaction.atomic():
        batch = ImportBatch.objects.create(organisation=organisation, created_by=by, notes=list(notes or []))
        names = distinct_names([name for name, _ in files])
        ImportItem.objects.bulk_create(
            ImportItem(batch=batch, filename=name, data=data) for name, (_, data) in zip(names, files, strict=True)
        )
    return batch


def distinct_names(names: list[str]) -> list[str]:
    """The names as given, the second "Safeguarding.docx" becoming
    "Safeguarding (2).docx", each short enough to store."""
    taken: set[str] = set()
    result = []
    for name in names:
        path = PurePosixPath(name or "document")
        stem, suffix = path.stem, path.suffix
        candidate, n = _fit(stem, suffix), 1
        while candidate.lower() in taken:
            n += 1
            candidate = _fit(stem, suffix, f" ({n})")
        taken.add(candidate.lower())
        result.append(candidate)
    return result


def _fit(stem: str, suffix: str, mark: str = "") -> str:
    return stem[: _NAME_LENGTH - len(suffix) - len(mark)] + mark + suffix


def queue_reading(batch: ImportBatch) -> None:
    """Hand the batch's queued items to the worker once the batch is saved."""
    from imports.tasks import read_import_item

    ids = list(batch.items.filter(state=ImportItem.State.QUEUED).values_list("pk", flat=True))
    transaction.on_commit(lambda: [read_import_item.delay(item_id) for item_id in ids])


# A batch none of whose documents has been picked up for this long has lost
# its tasks (a broker restart, a worker that died holding them); the next look
# at its progress hands what is left to the worker again, at most this often.
STALLED_AFTER = datetime.timedelta(minutes=2)


def resend_if_stalled(batch: ImportBatch, *, now: datetime.datetime | None = None) -> int:
    """Send again the tasks of a batch the worker has stopped reading: its
    waiting documents, and any held "being read" past STALE_AFTER. Reading is
    claimed first, so a task that was only slow reads once. Returns how many."""
    from imports.tasks import read_import_item

    now = now or timezone.now()
    quiet_since = now - STALLED_AFTER
    waiting = batch.items.filter(
        Q(state=ImportItem.State.QUEUED) | Q(state=ImportItem.State.READING, started_at__lt=now - STALE_AFTER)
    )
    if batch.created_at > quiet_since or batch.items.filter(started_at__gt=quiet_since).exists():
        return 0
    claimed = ImportBatch.objects.filter(pk=batch.pk).filter(
        Q(resent_at__isnull=True) | Q(resent_at__lt=quiet_since)
    ).update(resent_at=now)
    ids = list(waiting.values_list("pk", flat=True)) if claimed else []
    for item_id in ids:
        read_import_item.delay(item_id)
    return len(ids)


def claim_item(item_id: int, *, now: datetime.datetime) -> bool:
    """Mark the item being read unless it is being read elsewhere or is read."""
    return bool(ImportItem.objects.filter(
        Q(state=ImportItem.State.QUEUED) | Q(state=ImportItem.State.READING, started_at__lt=now - STALE_AFTER),
        pk=item_id,
    ).update(state=ImportItem.State.READING, started_at=now))


def read_item(item_id: int, *, now: datetime.datetime | None = None) -> ImportItem | None:
    """Read one queued document; safe to call twice (a read item is left alone)."""
    if not claim_item(item_id, now=now or timezone.now()):
        return None
    item = ImportItem.objects.get(pk=item_id)
    item.error, item.parsed = "", None
    try:
        parsed = parse_document(item.filename, bytes(item.data))
    except DocumentError as error:
        item.state, item.error = ImportItem.State.UNREADABLE, error.reason
    except Exception:
        # A reader's bug must not leave the item "being read" for ever, nor
        # be claimed and crash again: the person sees a plain reason.
        logger.exception("reading import item %s (%s) failed", item.pk, item.filename)
        item.state, item.error = ImportItem.State.UNREADABLE, READ_CRASHED
    else:
        item.parsed = parsed.to_dict()
        needs_look = parsed.warnings or parsed.uncertain
        item.state = ImportItem.State.NEEDS_LOOK if needs_look else ImportItem.State.READY
    item.save(update_fields=["state", "error", "parsed"])
    return item


@dataclass(frozen=True)
class BatchProgress:
    """How far the worker has got with a batch."""

    total: int
    read: int
    counts: dict[str, int]

    @property
    def done(self) -> bool:
        return self.read >= self.total

    @property
    def ready(self) -> int:
        return self.counts.get(ImportItem.State.READY, 0)


def batch_progress(batch: ImportBatch) -> BatchProgress:
    """Counts of the batch's items by state, in one query."""
    counts = dict(batch.items.order_by().values_list("state").annotate(n=Count("pk")))
    waiting = counts.get(ImportItem.State.QUEUED, 0) + counts.get(ImportItem.State.READING, 0)
    total = sum(counts.values())
    return BatchProgress(total=total, read=total - waiting, counts=counts)
