"""An approved version's variants are evidence: the model refuses to change,
move or remove them, whoever asks (a service, the shell, a bulk update, the
admin). A draft's variants change freely, their text normalised and hashed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from policies.models import ImmutableVersionError, PolicyVersion, VersionVariant, content_hash
from tests.factories import UserFactory, VersionFactory
from tests.policies.variant_world import ANNEX_TEXT, safeguarding_with_annex

pytestmark = pytest.mark.django_db


@pytest.fixture
def annex(world) -> VersionVariant:
    """Annex A of a published version."""
    return safeguarding_with_annex(world.trust).current_version.variants.get()


def test_an_approved_versions_variant_cannot_be_changed_through_save(annex):
    annex.body = "Something else"
    with pytest.raises(ImmutableVersionError, match="is approved: its variant annex-a cannot be changed or removed"):
        annex.save()
    annex.refresh_from_db()
    assert annex.body == ANNEX_TEXT


def test_an_approved_versions_variant_cannot_be_deleted(annex):
    with pytest.raises(ImmutableVersionError):
        annex.delete()
    assert VersionVariant.objects.filter(pk=annex.pk).exists()


def test_no_variant_can_be_added_to_an_approved_version(annex):
    with pytest.raises(ImmutableVersionError):
        VersionVariant.objects.create(version=annex.version, key="annex-b", title="Annex B", body="Text")


def test_a_variant_cannot_be_moved_off_an_approved_version(annex):
    draft = VersionFactory(policy=annex.version.policy, label="2.0", status=PolicyVersion.Status.DRAFT)
    annex.version = draft
    with pytest.raises(ImmutableVersionError):
        annex.save()


def test_bulk_updates_and_deletes_are_refused_too(annex):
    with pytest.raises(ImmutableVersionError):
        VersionVariant.objects.filter(pk=annex.pk).update(body="Rewritten")
    with pytest.raises(ImmutableVersionError):
        VersionVariant.objects.filter(pk=annex.pk).delete()
    annex.refresh_from_db()
    assert annex.body == ANNEX_TEXT


def test_a_drafts_variant_changes_and_its_crlf_text_is_stored_with_lf():
    draft = VersionFactory(status=PolicyVersion.Status.DRAFT)
    variant = VersionVariant.objects.create(version=draft, key="annex-a", title="Annex A", body="Line one  \r\nTwo\r\n")
    assert variant.body == "Line one\nTwo\n"
    assert variant.content_hash == content_hash("Line one\nTwo")
    variant.body = "Changed"
    variant.save()
    variant.delete()
    assert not VersionVariant.objects.exists()


def test_the_admin_shows_a_locked_variant_but_cannot_change_it(annex, client):
    admin = UserFactory(email="admin@school.example", is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:policies_versionvariant_change", args=[annex.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # shown read-only, with no Save button
    response = client.post(url, {"version": annex.version.pk, "key": "annex-a", "title": "Forged", "body": "Forged"})
    assert response.status_code == 403
    assert client.post(reverse("admin:policies_versionvariant_delete", args=[annex.pk]), {"post": "yes"}
                       ).status_code == 403
    annex.refresh_from_db()
    assert annex.title != "Forged"


def test_the_admin_refuses_a_new_variant_of_an_approved_version_with_a_message(annex, client):
    client.force_login(UserFactory(email="admin@school.example", is_staff=True, is_superuser=True))
    response = client.post(reverse("admin:policies_versionvariant_add"), {
        "version": annex.version.pk, "key": "annex-b", "title": "Annex B", "body": "Text\r\n"})
    assert response.status_code == 200
    assert "is approved: its variant annex-b cannot be changed or removed" in response.content.decode()
    assert VersionVariant.objects.count() == 1


def test_the_admin_adds_a_drafts_variant_with_lf_text(client):
    draft = VersionFactory(status=PolicyVersion.Status.DRAFT)
    client.force_login(UserFactory(email="admin@school.example", is_staff=True, is_superuser=True))
    response = client.post(reverse("admin:policies_versionvariant_add"), {
        "version": draft.pk, "key": "annex-a", "title": "Annex A", "body": "One  \r\nTwo\r\n"})
    assert response.status_code == 302
    assert VersionVariant.objects.get().body == "One\nTwo"
