"""Never dropped: a batch whose reading tasks were lost (the broker
restarted, a worker died holding them) is handed to the worker again when
someone watches its progress, once, and only when the worker has stalled."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from imports.models import ImportBatch, ImportItem
from imports.reading import STALLED_AFTER, resend_if_stalled, start_batch

GOOD = b"Lone Working Policy\n\nVersion\t1.0\nApproved\t01/09/2024\n\n1. Purpose\n\n1.1 Staff say where they are.\n"


@pytest.fixture
def sent(monkeypatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr("imports.tasks.read_import_item.delay", calls.append)
    return calls


def upload(world, count: int, *, minutes_ago: int) -> ImportBatch:
    batch = start_batch(files=[(f"p{n}.txt", GOOD) for n in range(count)], organisation=world.trust,
                        by=world.governance.user)
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago))
    batch.refresh_from_db()
    return batch


def test_a_batch_nobody_has_read_for_two_minutes_is_sent_to_the_worker_again(world, sent):
    batch = upload(world, 3, minutes_ago=3)

    assert resend_if_stalled(batch) == 3

    assert sorted(sent) == sorted(batch.items.values_list("pk", flat=True))


def test_it_is_sent_again_only_once_per_stall(world, sent):
    batch = upload(world, 2, minutes_ago=3)

    resend_if_stalled(batch)
    assert resend_if_stalled(batch) == 0
    assert len(sent) == 2


def test_a_young_batch_or_one_the_worker_is_working_through_is_left_alone(world, sent):
    young = upload(world, 2, minutes_ago=1)
    busy = upload(world, 3, minutes_ago=10)
    first = busy.items.first()
    ImportItem.objects.filter(pk=first.pk).update(state=ImportItem.State.READY, started_at=timezone.now())

    assert resend_if_stalled(young) == 0
    assert resend_if_stalled(busy) == 0
    assert sent == []


def test_watching_the_progress_of_a_stalled_batch_resends_what_is_left(client, world, sent):
    batch = upload(world, 2, minutes_ago=int(STALLED_AFTER.total_seconds() // 60) + 1)
    client.force_login(world.governance.user)

    response = client.get(reverse("imports:progress", args=[batch.pk]))

    assert response.status_code == 200
    assert "0 of 2 read" in response.content.decode()
    assert len(sent) == 2
