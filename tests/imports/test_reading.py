"""The worker's half: each item is read once however often its task is
delivered, an item whose worker died is read again, and a file that cannot
be read says why."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from imports import reading
from imports.models import ImportItem
from imports.reading import STALE_AFTER, read_item, start_batch
from imports.tasks import read_import_item

GOOD = b"Lone Working Policy\n\nVersion\t1.0\nApproved\t01/09/2024\n\n1. Purpose\n\n1.1 Staff say where they are.\n"


@pytest.fixture
def item(world) -> ImportItem:
    return start_batch(files=[("lone.txt", GOOD)], organisation=world.trust, by=world.governance.user).items.get()


def test_the_task_reads_the_document_into_the_item(item):
    read_import_item(item.pk)
    item.refresh_from_db()
    assert item.state == ImportItem.State.READY
    assert item.parsed["title"] == "Lone Working Policy"
    assert item.parsed["versions"][0]["approved_on"] == "2024-09-01"


def test_a_task_delivered_twice_reads_once(item, monkeypatch):
    read_item(item.pk)
    calls = []
    monkeypatch.setattr(reading, "parse_document", lambda *args: calls.append(args))
    assert read_item(item.pk) is None
    assert calls == []
    item.refresh_from_db()
    assert item.state == ImportItem.State.READY


def test_an_item_being_read_elsewhere_is_left_alone(item):
    now = timezone.now()
    ImportItem.objects.filter(pk=item.pk).update(state=ImportItem.State.READING, started_at=now)
    assert read_item(item.pk, now=now + datetime.timedelta(seconds=30)) is None
    item.refresh_from_db()
    assert item.state == ImportItem.State.READING


def test_an_item_whose_worker_died_is_read_again_once_stale(item):
    now = timezone.now()
    ImportItem.objects.filter(pk=item.pk).update(state=ImportItem.State.READING, started_at=now)
    read_item(item.pk, now=now + STALE_AFTER + datetime.timedelta(seconds=1))
    item.refresh_from_db()
    assert item.state == ImportItem.State.READY


def test_an_unreadable_file_gives_its_reason(world):
    item = start_batch(files=[("broken.docx", b"not a word file")], organisation=world.trust,
                       by=None).items.get()
    read_item(item.pk)
    item.refresh_from_db()
    assert item.state == ImportItem.State.UNREADABLE
    assert "Word" in item.error and item.parsed is None


def test_a_readers_crash_leaves_the_item_unreadable_with_a_plain_reason(item, monkeypatch):
    def crash(*args):
        raise KeyError("w:tbl")

    monkeypatch.setattr(reading, "parse_document", crash)
    read_item(item.pk)
    item.refresh_from_db()
    assert item.state == ImportItem.State.UNREADABLE
    assert item.error == reading.READ_CRASHED


def test_a_document_with_warnings_needs_a_look(world):
    text = b"Meeting Notes\n\nVersion\t1.0\nApproved\tsoon-ish\n\n1.1 Text.\n"
    item = start_batch(files=[("notes.txt", text)], organisation=world.trust, by=None).items.get()
    read_item(item.pk)
    item.refresh_from_db()
    assert item.state == ImportItem.State.NEEDS_LOOK
    assert item.parsed["warnings"]
