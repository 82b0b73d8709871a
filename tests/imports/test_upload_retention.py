"""Uploads are working files: the daily run removes a batch a month after it
was uploaded, with its documents, and leaves what was imported alone."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from imports.models import ImportBatch, ImportItem
from imports.retention import remove_old_batches
from portal.daily import run_daily
from tests.factories import PolicyFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2027, 1, 20)


def uploaded(world, days_before: int, **item) -> ImportBatch:
    batch = ImportBatch.objects.create(organisation=world.trust)
    moment = timezone.make_aware(datetime.datetime.combine(TODAY - datetime.timedelta(days=days_before),
                                                           datetime.time(12)))
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=moment)
    ImportItem.objects.create(batch=batch, filename="email.docx", data=b"x", **item)
    return batch


def test_a_batch_uploaded_more_than_30_days_ago_is_removed_with_its_documents(world):
    old, recent = uploaded(world, 31), uploaded(world, 30)

    assert remove_old_batches(TODAY) == 1

    assert list(ImportBatch.objects.all()) == [recent]
    assert not ImportItem.objects.filter(batch_id=old.pk).exists()


def test_removing_an_upload_leaves_the_policy_it_imported(world):
    policy = PolicyFactory(organisation=world.trust)
    uploaded(world, 40, state=ImportItem.State.IMPORTED, policy=policy)

    remove_old_batches(TODAY)

    policy.refresh_from_db()
    assert ImportItem.objects.count() == 0


def test_the_daily_run_says_how_many_uploads_it_removed_and_a_dry_run_removes_none(world):
    uploaded(world, 45)

    assert "old uploads: would remove 1 uploads" in run_daily(today=TODAY, dry_run=True)
    assert ImportBatch.objects.count() == 1
    assert "old uploads: 1 uploads removed" in run_daily(today=TODAY)
    assert ImportBatch.objects.count() == 0
