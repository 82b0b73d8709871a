"""Someone who leaves a half-checked upload finds it again on the import page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from imports.models import ImportItem
from imports.reading import start_batch

GOOD = b"Lone Working Policy\n\n1. Purpose\n\n1.1 Staff say where they are.\n"


def upload(world, user, states: list[str]):
    batch = start_batch(files=[(f"p{n}.txt", GOOD) for n in range(len(states))], organisation=world.trust, by=user)
    for item, state in zip(batch.items.order_by("pk"), states, strict=True):
        ImportItem.objects.filter(pk=item.pk).update(state=state)
    return batch


def test_the_import_page_lists_my_uploads_and_how_far_each_got(client, world):
    state = ImportItem.State
    batch = upload(world, world.governance.user, [state.IMPORTED, state.NEEDS_LOOK, state.READY, state.UNREADABLE])
    client.force_login(world.governance.user)

    page = client.get(reverse("imports:upload")).content.decode()

    assert "Your uploads" in page
    assert reverse("imports:batch", args=[batch.pk]) in page
    assert "4 documents, 1 imported, 2 still to check or import, 1 cannot be read" in page


def test_nobody_sees_another_persons_uploads(client, world):
    batch = upload(world, world.governance.user, [ImportItem.State.READY])
    client.force_login(world.owner.user)

    page = client.get(reverse("imports:upload")).content.decode()

    assert reverse("imports:batch", args=[batch.pk]) not in page


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_however_many_uploads(client, world, django_assert_max_num_queries):
    client.force_login(world.governance.user)
    upload(world, world.governance.user, [ImportItem.State.READY])
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("imports:upload"))
    for _ in range(6):
        upload(world, world.governance.user, [ImportItem.State.READY, ImportItem.State.IMPORTED])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("imports:upload"))
