""""Import all that are ready": each ready document is saved whole or not at
all; one that fails is named and stops no other."""

from __future__ import annotations

import pytest
from django.urls import reverse

from imports.models import ImportItem
from imports.permissions import BATCH_DENIED
from imports.reading import read_item, start_batch
from policies import services
from policies.models import Policy
from policies.permissions import IMPORT_DENIED
from tests.factories import published_policy


def policy_text(title: str) -> bytes:
    return (f"{title}\n\nVersion\t1.0\nApproved\t01/09/2024\nReview Date\t01/09/2026\n\n"
            f"1. Purpose\n\n1.1 Staff follow the {title.lower()}.\n\n"
            "2. Legislation\n\n2.1 This policy reflects the Data Protection Act 2018.\n").encode()


@pytest.fixture
def batch(world):
    found = start_batch(files=[(f"{t}.txt", policy_text(t)) for t in ("Email Policy", "Broken Policy", "Phone Policy")]
                        + [("notes.txt", b"Meeting Notes\n\nVersion\t1.0\nApproved\tsoon-ish\n\n1.1 Text.\n")],
                        organisation=world.trust, by=world.governance.user)
    for item in found.items.all():
        read_item(item.pk)
    assert found.items.filter(state="ready").count() == 3
    return found


@pytest.fixture
def broken_save(monkeypatch):
    """Saving "Broken Policy" fails halfway: after its policy row is written."""
    real = services.add_legislation

    def add_legislation(policy, names):
        if policy.title == "Broken Policy":
            raise RuntimeError("the disk is full")
        real(policy, names)

    monkeypatch.setattr(services, "add_legislation", add_legislation)


def test_every_ready_document_is_imported_and_the_page_says_so(world, signed_in, batch):
    client = signed_in(world.governance)
    response = client.post(reverse("imports:import_ready", args=[batch.pk]), follow=True)
    page = response.content.decode()
    assert "Imported 3 of the 3 ready documents." in page
    assert sorted(Policy.objects.values_list("title", flat=True)) == ["Broken Policy", "Email Policy", "Phone Policy"]
    assert "Imported (3)" in page and "Email Policy: new policy, versions 1.0" in page
    assert ImportItem.objects.get(filename="notes.txt").state == "needs_look"  # waits for its own form


def test_one_failing_document_is_named_saves_nothing_and_the_others_are_imported(world, signed_in, batch,
                                                                                 broken_save):
    client = signed_in(world.governance)
    response = client.post(reverse("imports:import_ready", args=[batch.pk]), follow=True)
    page = response.content.decode()
    assert "Imported 2 of the 3 ready documents." in page
    assert ("Broken Policy.txt was not imported, and nothing of it was saved: something went wrong while "
            "saving it; try it on its own.") in page
    assert sorted(Policy.objects.values_list("title", flat=True)) == ["Email Policy", "Phone Policy"]
    broken = ImportItem.objects.get(filename="Broken Policy.txt")
    assert broken.state == "ready" and broken.policy is None


def test_importing_twice_imports_once(world, signed_in, batch):
    client = signed_in(world.governance)
    client.post(reverse("imports:import_ready", args=[batch.pk]))
    response = client.post(reverse("imports:import_ready", args=[batch.pk]), follow=True)
    assert "No document is ready to import" in response.content.decode()
    assert Policy.objects.count() == 3


def test_another_persons_batch_cannot_be_imported(world, signed_in, batch):
    published_policy(title="IT Policy", owner=world.owner)  # the owner may import, but not this batch
    response = signed_in(world.owner).post(reverse("imports:import_ready", args=[batch.pk]))
    assert response.status_code == 403 and BATCH_DENIED in response.content.decode()
    assert not Policy.objects.filter(title="Email Policy").exists()


def test_someone_who_may_no_longer_import_is_refused(world, signed_in, batch):
    world.governance.roles.all().delete()
    response = signed_in(world.governance).post(reverse("imports:import_ready", args=[batch.pk]))
    assert response.status_code == 403
    assert BATCH_DENIED in response.content.decode() or IMPORT_DENIED in response.content.decode()
    assert not Policy.objects.filter(title="Email Policy").exists()
