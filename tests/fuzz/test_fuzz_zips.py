"""Fuzzing zips of policy documents: random and mutated zips, uploaded on
the import page, never give a 500, never create an item for a file that was
refused, and never save a policy half."""

from __future__ import annotations

import io
import warnings
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from imports import tasks, zips
from imports.models import ImportBatch, ImportItem
from imports.reading import read_item
from tests.fuzz.conftest import is_plain_message, rolled_back, row_counts

POLICY = b"Email Policy\n\n1. Scope\n\n1.1 Staff lock their screens.\n"
names = st.one_of(
    st.sampled_from(["Email.txt", "HR/Absence.md", "../../etc/passwd.txt", "/abs/Phone.docx", "a\\b\\Lone.txt",
                     "__MACOSX/._Email.txt", ".hidden.txt", "~$Email.docx", "inner.zip", "data.xlsx", "Folder/",
                     "Email.txt", "x" * 300 + ".txt", "Policy\u202e.txt", "nul\x00.txt"]),
    st.text(min_size=1, max_size=40).map(lambda s: s + ".txt"),
)
contents = st.one_of(st.just(POLICY), st.binary(max_size=300), st.just(b"\x00" * 2_000_000),
                     st.just(b"PK\x05\x06" + b"\x00" * 18))


# What a note may say after the member's name (the name itself is the zip's, and may be anything).
REASONS = tuple(
    template.format(name="", limit=zips.settings.POLICY_UPLOAD_MAX_BYTES // (1024 * 1024), ratio=zips.MAX_RATIO)
    for template in (zips.LEFT_OUT_NESTED, zips.LEFT_OUT_ENCRYPTED, zips.LEFT_OUT_NOT_A_DOCUMENT,
                     zips.LEFT_OUT_TOO_LARGE, zips.LEFT_OUT_RATIO, zips.LEFT_OUT_DAMAGED)
)


@st.composite
def zip_files(draw) -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))) as archive, \
            warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a name given twice is part of the test
        for name, content in draw(st.lists(st.tuples(names, contents), max_size=6)):
            try:
                archive.writestr(name, content)
            except (ValueError, UnicodeEncodeError, IndexError):  # names zipfile itself cannot write
                pass
    raw = bytearray(data.getvalue())
    for _ in range(draw(st.integers(0, 4))):  # flipped bytes: headers that lie, data that is damaged
        if raw:
            at = draw(st.integers(0, len(raw) - 1))
            raw[at] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        raw = raw[: draw(st.integers(0, len(raw)))]
    return bytes(raw)


@given(data=zip_files())
def test_unpacking_any_zip_gives_documents_or_a_plain_refusal(data):
    try:
        unpacked = zips.unpack_zip("library.zip", data)
    except zips.ZipRefused as refused:
        assert is_plain_message(str(refused))
        return
    for name, content in unpacked.documents:
        assert "/" not in name and "\\" not in name and not name.startswith(".")
        assert zips.is_document(name)
        assert len(content) <= zips.settings.POLICY_UPLOAD_MAX_BYTES
    assert all(note.endswith(REASONS) for note in unpacked.left_out)


@pytest.fixture
def importer(world, signed_in, monkeypatch):
    monkeypatch.setattr(tasks.read_import_item, "delay", lambda item_id: None)
    return signed_in(world.governance)


@given(data=zip_files(), also=st.booleans())
def test_uploading_any_zip_never_fails_and_keeps_only_documents(importer, world, data, also):
    files = [SimpleUploadedFile("library.zip", data)]
    if also:
        files.append(SimpleUploadedFile("Phone.txt", POLICY))
    with rolled_back():
        before = row_counts()
        response = importer.post(reverse("imports:upload"), {"document": files, "organisation": world.trust.pk})
        assert response.status_code in {200, 302}
        assert row_counts() == before  # reading and importing come later; uploading saves no policy
        try:
            expected = zips.unpack_zip("library.zip", data)
        except zips.ZipRefused:
            assert response.status_code == 200 and not ImportBatch.objects.exists()
            return
        if not expected.documents and not also:
            assert not ImportBatch.objects.exists()
            return
        stored = sorted(ImportItem.objects.values_list("filename", flat=True))
        assert len(stored) == len(expected.documents) + also
        assert all(zips.is_document(name) and "/" not in name for name in stored)
        batch = ImportBatch.objects.get()
        assert len(batch.notes) == len(expected.left_out)
        for item in ImportItem.objects.all():  # the worker's half, then importing: whole or not at all
            read_item(item.pk)
        importer.post(reverse("imports:import_ready", args=[batch.pk]))
        assert ImportItem.objects.filter(state="imported").count() <= len(stored)
