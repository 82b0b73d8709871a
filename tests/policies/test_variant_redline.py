"""The redline shows each variant's changes in a section of its own, and says
plainly when a version adds or removes a variant."""

from __future__ import annotations

import pytest
from django.urls import reverse

from approvals.redline import compare_variants
from approvals.services import start_draft
from policies import variants
from policies.models import PolicyVersion
from tests.factories import PolicyFactory
from tests.policies.variant_world import ANNEX_TEXT, ANNEX_TITLE, approved_with_variants

pytestmark = pytest.mark.django_db

CHANGED_ANNEX = ANNEX_TEXT.replace("at all times", "while on site")


@pytest.fixture
def two_versions(world):
    """1.0 has Annex A and Annex B; 2.0 changes Annex A, drops Annex B and adds Annex C."""
    policy = PolicyFactory(title="Safeguarding Policy", organisation=world.trust, owner=world.owner)
    approved_with_variants(policy, variants={"annex-a": (ANNEX_TITLE, ANNEX_TEXT),
                                             "annex-b": ("Annex B: for governors", "## 1. Visits\n\nSign in.\n")})
    approved_with_variants(policy, label="2.0", variants={
        "annex-a": (ANNEX_TITLE, CHANGED_ANNEX), "annex-c": ("Annex C: for agency staff", "## 1. Agency\n\nAsk.\n")})
    return policy


def test_compare_variants_matches_them_by_key(two_versions):
    old, new = two_versions.versions.order_by("major")
    changes = {c.key: c for c in compare_variants(old, new)}
    assert [(k, c.kind) for k, c in changes.items()] == [("annex-a", "changed"), ("annex-c", "added"),
                                                          ("annex-b", "removed")]
    changed = [s for s in changes["annex-a"].changes if s.kind == "changed"]
    assert [s.heading for s in changed] == ["1. What we ask of you"]
    assert changed[0].html == "1.1 Wear your visitor badge <del>at all times.</del><ins>while on site.</ins>"


def test_the_compare_page_has_a_section_per_variant_in_plain_words(world, signed_in, two_versions):
    page = signed_in(world.staff).get(
        reverse("approvals:compare", args=[two_versions.slug]) + "?from=1.0&to=2.0").content.decode()
    assert f"Variant for audiences: {ANNEX_TITLE}" in page
    assert "<ins>while on site" in page
    assert "This version adds the variant “Annex C: for agency staff” (key annex-c): all its text is new." in page
    assert ("This version removes the variant “Annex B: for governors” (key annex-b): the staff groups mapped to "
            "it read the full text.") in page


def test_the_draft_page_redline_shows_an_edited_variant(world, signed_in):
    policy = PolicyFactory(title="Safeguarding Policy", organisation=world.trust, owner=world.owner)
    approved_with_variants(policy)
    draft = start_draft(policy, by=world.owner, is_major=True)
    variants.save_variant(draft.variants.get(), title=ANNEX_TITLE, body=CHANGED_ANNEX)
    page = signed_in(world.owner).get(reverse("approvals:draft", args=[policy.slug])).content.decode()
    assert f"Variant for audiences: {ANNEX_TITLE}" in page
    assert "<ins>while on site" in page


def test_an_unchanged_variant_is_said_to_be_unchanged(world, signed_in):
    policy = PolicyFactory(title="Safeguarding Policy", organisation=world.trust, owner=world.owner)
    approved_with_variants(policy)
    start_draft(policy, by=world.owner)
    page = signed_in(world.owner).get(reverse("approvals:draft", args=[policy.slug])).content.decode()
    assert "No differences in this variant's text." in page


def test_a_version_without_variants_has_no_variant_sections(world, signed_in):
    policy = PolicyFactory(title="Plain Policy", organisation=world.trust, owner=world.owner)
    approved_with_variants(policy, variants={})
    start_draft(policy, by=world.owner)
    assert PolicyVersion.objects.filter(policy=policy).count() == 2
    page = signed_in(world.owner).get(reverse("approvals:draft", args=[policy.slug])).content.decode()
    assert "Variant for audiences" not in page


def test_the_committee_sees_the_variants_redline_on_the_submission(world, signed_in, board):
    from approvals.services import submit_draft

    policy = PolicyFactory(title="Safeguarding Policy", organisation=world.trust, owner=world.owner)
    policy.approving_committees.add(board)
    approved_with_variants(policy)
    draft = start_draft(policy, by=world.owner, is_major=True)
    variants.save_variant(draft.variants.get(), title=ANNEX_TITLE, body=CHANGED_ANNEX)
    PolicyVersion.objects.filter(pk=draft.pk).update(reason="Annex A: visitors' badges while on site")
    submission = submit_draft(draft, committee=board, by=world.owner.user)
    page = signed_in(board.trustees[0]).get(reverse("approvals:submission", args=[submission.pk])).content.decode()
    assert f"Variant for audiences: {ANNEX_TITLE}" in page
    assert "<del>at all times.</del><ins>while on site.</ins>" in page
