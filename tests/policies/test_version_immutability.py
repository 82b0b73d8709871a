import hashlib

import pytest

from policies.models import ImmutableVersionError, PolicyVersion, version_sort_key
from tests.factories import VersionFactory

pytestmark = pytest.mark.django_db


def test_approved_version_text_cannot_be_changed_through_save():
    version = VersionFactory(status=PolicyVersion.Status.APPROVED)
    version.body = "## 1. Something else"
    with pytest.raises(ImmutableVersionError, match="is approved and cannot be changed"):
        version.save()
    version.refresh_from_db()
    assert "Something else" not in version.body


@pytest.mark.parametrize("field,value", [("reason", "Rewritten"), ("author", "Someone"), ("label", "9.9")])
def test_approved_version_table_row_cannot_be_changed(field, value):
    version = VersionFactory(status=PolicyVersion.Status.APPROVED)
    setattr(version, field, value)
    with pytest.raises(ImmutableVersionError):
        version.save()


def test_approved_version_cannot_go_back_to_draft():
    version = VersionFactory(status=PolicyVersion.Status.PUBLISHED)
    version.status = PolicyVersion.Status.DRAFT
    with pytest.raises(ImmutableVersionError):
        version.save()


def test_approved_version_moves_on_through_its_lifecycle():
    version = VersionFactory(status=PolicyVersion.Status.APPROVED)
    version.status = PolicyVersion.Status.PUBLISHED
    version.save()
    version.status = PolicyVersion.Status.SUPERSEDED
    version.save()
    assert PolicyVersion.objects.get(pk=version.pk).status == "superseded"


def test_approved_version_cannot_be_deleted():
    version = VersionFactory(status=PolicyVersion.Status.APPROVED)
    with pytest.raises(ImmutableVersionError):
        version.delete()
    assert PolicyVersion.objects.filter(pk=version.pk).exists()


def test_draft_can_be_edited():
    version = VersionFactory(status=PolicyVersion.Status.DRAFT)
    version.body = "## 1. New words"
    version.save()
    assert PolicyVersion.objects.get(pk=version.pk).body == "## 1. New words"


def test_content_hash_is_sha256_of_the_text():
    version = VersionFactory(body="## 1. Introduction\n\n1.1 Hello.")
    assert version.content_hash == hashlib.sha256(b"## 1. Introduction\n\n1.1 Hello.").hexdigest()


def test_content_hash_ignores_line_endings_and_trailing_spaces():
    a = VersionFactory(body="## 1. A\r\n\r\n1.1 B  \r\n")
    b = VersionFactory(body="## 1. A\n\n1.1 B\n")
    assert a.content_hash == b.content_hash


@pytest.mark.parametrize(
    "labels,expected",
    [(["2", "1.1", "10.0", "1.0"], ["1.0", "1.1", "2", "10.0"]), (["V1.2", "V1.10"], ["V1.2", "V1.10"])],
)
def test_version_labels_sort_as_trusts_number_them(labels, expected):
    assert sorted(labels, key=version_sort_key) == expected


def test_approved_versions_cannot_be_rewritten_in_bulk():
    version = VersionFactory(status=PolicyVersion.Status.APPROVED)
    with pytest.raises(ImmutableVersionError):
        PolicyVersion.objects.filter(pk=version.pk).update(body="rewritten")
    assert PolicyVersion.objects.get(pk=version.pk).body != "rewritten"
