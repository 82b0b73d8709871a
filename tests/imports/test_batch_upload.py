"""Uploading many documents, or a zip of them: each becomes an item the
worker reads (its task sent once the batch is saved), and the batch page
follows the reading with a progress bar, then lists what became of each."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports import tasks, zips
from imports.models import ImportBatch, ImportItem
from imports.permissions import BATCH_DENIED
from imports.reading import read_item, start_batch
from imports.upload_forms import NOTHING_TO_READ, TOO_MANY_FILES, UNSUPPORTED_FILE
from policies.permissions import IMPORT_DENIED
from tests.factories import published_policy


def policy_text(title: str) -> bytes:
    return (f"{title}\n\nVersion\t1.0\nApproved\t01/09/2024\nReview Date\t01/09/2026\n\n"
            f"1. Purpose\n\n1.1 Staff follow the {title.lower()}.\n").encode()


def a_zip(members: dict[str, bytes]) -> SimpleUploadedFile:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return SimpleUploadedFile("library.zip", data.getvalue())


@pytest.fixture
def governance(world, signed_in):
    return signed_in(world.governance)


@pytest.fixture
def sent(monkeypatch):
    """The tasks handed to the broker (none is run)."""
    ids: list[int] = []
    monkeypatch.setattr(tasks.read_import_item, "delay", ids.append)
    return ids


def post(client, world, files, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("imports:upload"),
                           {"document": files, "organisation": world.trust.pk, **extra})


def test_many_documents_become_a_batch_whose_items_are_sent_to_the_worker_once_saved(
        world, governance, sent, django_capture_on_commit_callbacks):
    files = [SimpleUploadedFile(f"{t}.txt", policy_text(t)) for t in ("Email Policy", "Phone Policy", "Lone Working")]
    with django_capture_on_commit_callbacks() as callbacks:
        response = governance.post(reverse("imports:upload"), {"document": files, "organisation": world.trust.pk})
        assert sent == []  # nothing is sent before the batch is committed
    batch = ImportBatch.objects.get()
    assert response.url == reverse("imports:batch", args=[batch.pk])
    assert sorted(batch.items.values_list("filename", "state")) == [
        ("Email Policy.txt", "queued"), ("Lone Working.txt", "queued"), ("Phone Policy.txt", "queued")]
    for callback in callbacks:
        callback()
    assert sorted(sent) == sorted(batch.items.values_list("pk", flat=True))
    assert batch.created_by == world.governance.user and batch.organisation == world.trust


def test_a_zip_becomes_a_batch_and_what_was_left_out_is_listed_on_its_page(
        world, governance, sent, django_capture_on_commit_callbacks):
    upload = a_zip({"Policies/Email Policy.txt": policy_text("Email Policy"), "Policies/staff.xlsx": b"PK",
                    "Policies/inner.zip": b"PK\x05\x06" + b"\x00" * 18})
    response = post(governance, world, [upload], django_capture_on_commit_callbacks)
    batch = ImportBatch.objects.get()
    assert list(batch.items.values_list("filename", flat=True)) == ["Email Policy.txt"]
    assert len(sent) == 1
    page = governance.get(response.url).content.decode()
    assert "Left out of the upload" in page
    assert "library.zip, staff.xlsx: not a Word (.docx), Markdown (.md) or text (.txt) document." in page
    assert "library.zip, inner.zip: a zip inside the zip; unzip it and upload its documents." in page


def test_a_corrupt_zip_is_a_clear_error_and_nothing_is_kept(world, governance, sent,
                                                           django_capture_on_commit_callbacks):
    response = post(governance, world, [SimpleUploadedFile("library.zip", b"PK\x03\x04 broken")],
                    django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert zips.NOT_A_ZIP.format(name="library.zip") in response.content.decode()
    assert not ImportBatch.objects.exists() and sent == []


def test_a_pdf_among_many_documents_is_left_out_with_its_reason(world, governance, sent,
                                                               django_capture_on_commit_callbacks):
    files = [SimpleUploadedFile("Email.txt", policy_text("Email Policy")), SimpleUploadedFile("scan.pdf", b"%PDF"),
             SimpleUploadedFile("Phone.md", policy_text("Phone Policy"))]
    post(governance, world, files, django_capture_on_commit_callbacks)
    batch = ImportBatch.objects.get()
    assert batch.notes == ["scan.pdf: not a Word (.docx), Markdown (.md) or text (.txt) document."]
    assert batch.items.count() == 2


def test_files_that_are_all_not_documents_are_refused(world, governance, sent, django_capture_on_commit_callbacks):
    files = [SimpleUploadedFile("a.pdf", b"%PDF"), SimpleUploadedFile("b.xlsx", b"PK")]
    response = post(governance, world, files, django_capture_on_commit_callbacks)
    assert NOTHING_TO_READ in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_one_unsupported_file_is_the_pages_error(world, governance, sent, django_capture_on_commit_callbacks):
    response = post(governance, world, [SimpleUploadedFile("policy.pdf", b"%PDF")],
                    django_capture_on_commit_callbacks)
    assert UNSUPPORTED_FILE in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_more_documents_than_the_cap_are_refused(world, governance, sent, django_capture_on_commit_callbacks,
                                                 monkeypatch):
    monkeypatch.setattr(zips, "MAX_FILES", 2)
    files = [SimpleUploadedFile(f"p{n}.txt", policy_text(f"Policy {n}")) for n in range(3)]
    response = post(governance, world, files, django_capture_on_commit_callbacks)
    assert TOO_MANY_FILES.format(limit=2) in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_duplicate_names_in_a_batch_are_told_apart(world, governance, sent, django_capture_on_commit_callbacks):
    upload = a_zip({"HR/Safeguarding.docx": b"x", "Old/Safeguarding.docx": b"y", "Email.txt": b"z"})
    post(governance, world, [upload, SimpleUploadedFile("Email.txt", b"w")], django_capture_on_commit_callbacks)
    names = sorted(ImportItem.objects.values_list("filename", flat=True))
    assert names == ["Email (2).txt", "Email.txt", "Safeguarding (2).docx", "Safeguarding.docx"]


def test_one_ordinary_document_is_read_at_once_and_opens_its_own_form(world, governance, sent,
                                                                      django_capture_on_commit_callbacks):
    response = post(governance, world, [SimpleUploadedFile("email.txt", policy_text("Email Policy"))],
                    django_capture_on_commit_callbacks)
    item = ImportItem.objects.get()
    assert response.url == reverse("imports:item", args=[item.pk])
    assert item.state in {"ready", "needs_look"} and sent == []


def test_one_unreadable_document_is_the_pages_error_and_nothing_is_kept(world, governance, sent,
                                                                       django_capture_on_commit_callbacks):
    response = post(governance, world, [SimpleUploadedFile("broken.docx", b"this is not a zip")],
                    django_capture_on_commit_callbacks)
    page = response.content.decode()
    assert "There is a problem" in page and "broken.docx: " in page
    assert not ImportBatch.objects.exists()


def test_staff_cannot_upload(world, signed_in, sent):
    response = signed_in(world.staff).post(reverse("imports:upload"), {
        "document": [SimpleUploadedFile("a.txt", b"x"), SimpleUploadedFile("b.txt", b"y")],
        "organisation": world.trust.pk})
    assert response.status_code == 403 and IMPORT_DENIED in response.content.decode()
    assert not ImportBatch.objects.exists()


# ---- the batch page and its progress


def a_batch(world, titles: list[str], *, by=None) -> ImportBatch:
    return start_batch(files=[(f"{t}.txt", policy_text(t)) for t in titles], organisation=world.trust,
                       by=(by or world.governance).user)


def test_the_batch_page_shows_a_progress_bar_that_polls_until_every_document_is_read(world, governance):
    batch = a_batch(world, ["Email Policy", "Phone Policy", "Lone Working Policy"])
    first = batch.items.order_by("pk").first()
    read_item(first.pk)
    page = governance.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "1 of 3 read." in page
    assert '<progress class="batch-progress" max="3" value="1"' in page
    progress_url = reverse("imports:progress", args=[batch.pk])
    assert f'hx-get="{progress_url}" hx-trigger="every 1s"' in page
    assert "Import all that are ready" not in page

    for item in batch.items.all():
        read_item(item.pk)
    partial = governance.get(progress_url).content.decode()
    assert "All 3 documents read." in partial
    assert "hx-trigger" not in partial  # polling stops
    assert 'id="batch-status" hx-swap-oob="innerHTML"' in partial
    assert "Import all that are ready" in partial


def test_read_items_are_listed_under_ready_needs_a_look_and_cannot_be_read_with_the_reason(world, governance):
    batch = start_batch(files=[("Email.txt", policy_text("Email Policy")),
                               ("Notes.txt", b"Meeting Notes\n\nVersion\t1.0\nApproved\tsoon-ish\n\n1.1 Text.\n"),
                               ("empty.txt", b"")],
                        organisation=world.trust, by=world.governance.user)
    for item in batch.items.all():
        read_item(item.pk)
    page = governance.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    ready, look, unreadable = (ImportItem.objects.get(filename=n) for n in ("Email.txt", "Notes.txt", "empty.txt"))
    assert (ready.state, look.state, unreadable.state) == ("ready", "needs_look", "unreadable")
    assert page.index("Ready (1)") < page.index("Email.txt") < page.index("Needs a look (1)")
    assert page.index("Needs a look (1)") < page.index("Notes.txt") < page.index("Cannot be read (1)")
    assert f'href="{reverse("imports:item", args=[ready.pk])}"' in page
    assert f'href="{reverse("imports:item", args=[look.pk])}"' in page
    assert f"<strong>empty.txt</strong>: {unreadable.error}" in page


@pytest.mark.parametrize("name", ["imports:batch", "imports:progress"])
def test_the_batch_pages_queries_do_not_grow_with_the_number_of_documents(world, governance, name,
                                                                          django_assert_max_num_queries):
    small = a_batch(world, ["Policy 1", "Policy 2"])
    large = a_batch(world, [f"Policy {n}" for n in range(40)])
    for item in ImportItem.objects.all():
        read_item(item.pk)
    policy = published_policy(title="Email Policy", organisation=world.trust)
    for batch, imported in ((small, 1), (large, 10)):  # imported items link to their policies
        ids = batch.items.values_list("pk", flat=True)[:imported]
        ImportItem.objects.filter(pk__in=list(ids)).update(state="imported", policy=policy, outcome="Imported")
    governance.get(reverse(name, args=[small.pk]))  # the session, warmed
    with django_assert_max_num_queries(16) as counted:
        governance.get(reverse(name, args=[small.pk]))
    with django_assert_max_num_queries(len(counted.captured_queries)):
        response = governance.get(reverse(name, args=[large.pk]))
    assert "All 40 documents read." in response.content.decode()


def test_another_persons_batch_is_refused(world, signed_in):
    batch = a_batch(world, ["Email Policy"])
    world_owner = signed_in(world.owner)
    published_policy(title="IT Policy", owner=world.owner)  # an owner may import, but not another's batch
    for name in ("imports:batch", "imports:progress"):
        response = world_owner.get(reverse(name, args=[batch.pk]))
        assert response.status_code == 403 and BATCH_DENIED in response.content.decode()
