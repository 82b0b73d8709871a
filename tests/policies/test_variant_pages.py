"""The draft's variants pages: the policy owner adds, edits and removes a
draft's variants for audiences; a key twice, a draft sent for approval, no
draft at all and another owner's policy are refused plainly, changing nothing."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.services import start_draft
from policies import variants
from policies.models import PolicyVersion, VersionVariant, content_hash
from policies.variant_views import NO_DRAFT, NO_SUCH_VARIANT
from tests.factories import PolicyFactory, published_policy
from tests.policies.variant_world import ANNEX_TITLE, safeguarding_with_annex

CRLF_TEXT = "## 1. What we ask of you\r\n\r\n1.1 Sign in at reception.  \r\n"


@pytest.fixture
def policy(world):
    """Owen owns it; it has a published version and an open draft."""
    policy = published_policy(title="Visitors Policy", organisation=world.trust, owner=world.owner)
    start_draft(policy, by=world.owner)
    return policy


def draft_of(policy) -> PolicyVersion:
    return policy.versions.get(status=PolicyVersion.Status.DRAFT)


def said(response) -> str:
    """The last message the response left for the next page."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def test_the_owner_adds_a_variant_typed_in_a_browser_with_crlf(world, signed_in, policy):
    client = signed_in(world.owner)
    response = client.post(reverse("policies:variants", args=[policy.slug]),
                           {"key": "annex-a", "title": "  Annex A:  for visitors ", "body": CRLF_TEXT}, follow=True)
    variant = draft_of(policy).variants.get()
    assert variant.body == "## 1. What we ask of you\n\n1.1 Sign in at reception."  # LF, no trailing spaces
    assert variant.content_hash == content_hash(CRLF_TEXT)
    assert variant.title == "Annex A: for visitors"
    page = response.content.decode()
    assert "Variant “Annex A: for visitors” added to draft 1.1." in page
    assert "<h2>Annex A: for visitors</h2>" in page


def test_a_key_twice_is_refused_with_a_message(world, signed_in, policy):
    variants.add_variant(draft_of(policy), key="annex-a", title="Annex A", body="Text")
    response = signed_in(world.owner).post(reverse("policies:variants", args=[policy.slug]),
                                           {"key": "annex-a", "title": "Another", "body": "Other text"})
    assert response.status_code == 200
    assert variants.KEY_TAKEN.format(key="annex-a") in response.content.decode()
    assert draft_of(policy).variants.get().title == "Annex A"


def test_a_key_that_is_not_a_short_slug_is_refused(world, signed_in, policy):
    response = signed_in(world.owner).post(reverse("policies:variants", args=[policy.slug]),
                                           {"key": "annex a!", "title": "Annex A", "body": "Text"})
    assert variants.KEY_INVALID in response.content.decode()
    assert not VersionVariant.objects.exists()


def test_a_missing_field_says_so_and_adds_nothing(world, signed_in, policy):
    response = signed_in(world.owner).post(reverse("policies:variants", args=[policy.slug]),
                                           {"key": "annex-a", "title": "Annex A"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not VersionVariant.objects.exists()


def test_the_owner_edits_a_variants_title_and_text(world, signed_in, policy):
    variants.add_variant(draft_of(policy), key="annex-a", title="Annex A", body="Old text")
    client = signed_in(world.owner)
    form = client.get(reverse("policies:variant_edit", args=[policy.slug, "annex-a"])).content.decode()
    assert "Old text" in form
    response = client.post(reverse("policies:variant_edit", args=[policy.slug, "annex-a"]),
                           {"title": "Annex A: for visitors", "body": "New text\r\n"}, follow=True)
    variant = draft_of(policy).variants.get()
    assert (variant.key, variant.title, variant.body) == ("annex-a", "Annex A: for visitors", "New text")
    assert "Variant “Annex A: for visitors” saved." in response.content.decode()


def test_the_owner_removes_a_variant_by_post_only(world, signed_in, policy):
    variants.add_variant(draft_of(policy), key="annex-a", title="Annex A", body="Text")
    client = signed_in(world.owner)
    url = reverse("policies:variant_remove", args=[policy.slug, "annex-a"])
    assert client.get(url).status_code == 405  # a link scanner's GET removes nothing
    assert draft_of(policy).variants.exists()
    response = client.post(url, follow=True)
    assert not draft_of(policy).variants.exists()
    assert "Variant “Annex A” removed from draft 1.1." in response.content.decode()


def test_a_draft_sent_for_approval_keeps_its_variants(world, signed_in, policy):
    draft = draft_of(policy)
    variants.add_variant(draft, key="annex-a", title="Annex A", body="Text")
    PolicyVersion.objects.filter(pk=draft.pk).update(status=PolicyVersion.Status.AWAITING_APPROVAL)
    client = signed_in(world.owner)
    refused = variants.NOT_A_DRAFT.format(label="1.1")
    response = client.post(reverse("policies:variant_edit", args=[policy.slug, "annex-a"]),
                           {"title": "Changed", "body": "Changed"})
    assert said(response) == refused
    response = client.post(reverse("policies:variant_remove", args=[policy.slug, "annex-a"]))
    assert said(response) == refused
    response = client.post(reverse("policies:variants", args=[policy.slug]),
                           {"key": "annex-b", "title": "B", "body": "B"})
    assert said(response) == refused
    assert list(VersionVariant.objects.values_list("key", "title")) == [("annex-a", "Annex A")]
    page = client.get(reverse("policies:variants", args=[policy.slug])).content.decode()
    assert "has been sent for approval, so its variants cannot be changed now" in page
    assert "Add a variant" not in page


def test_an_approved_versions_variant_cannot_be_edited_through_the_pages(world, signed_in):
    """No draft: the pages address only the open draft, so a forged POST for
    the published version's annex changes nothing and says why."""
    policy = safeguarding_with_annex(world.trust, owner=world.owner)
    client = signed_in(world.owner)
    response = client.post(reverse("policies:variant_edit", args=[policy.slug, "annex-a"]),
                           {"title": "Forged", "body": "Forged"})
    assert said(response) == NO_DRAFT
    response = client.post(reverse("policies:variant_remove", args=[policy.slug, "annex-a"]))
    assert said(response) == NO_DRAFT
    assert VersionVariant.objects.get().title == ANNEX_TITLE


def test_an_unknown_key_says_so(world, signed_in, policy):
    response = signed_in(world.owner).post(reverse("policies:variant_remove", args=[policy.slug, "annex-z"]))
    assert said(response) == NO_SUCH_VARIANT.format(label="1.1", key="annex-z")


def test_another_owners_draft_is_refused(world, signed_in, policy):
    other = published_policy(title="Finance Policy", organisation=world.trust)
    start_draft(other, by=world.governance)
    variants.add_variant(draft_of(other), key="annex-a", title="Annex A", body="Text")
    client = signed_in(world.owner)  # owns the Visitors Policy, not this one
    assert client.get(reverse("policies:variants", args=[other.slug])).status_code == 403
    assert client.post(reverse("policies:variants", args=[other.slug]),
                       {"key": "annex-b", "title": "B", "body": "B"}).status_code == 403
    assert client.post(reverse("policies:variant_edit", args=[other.slug, "annex-a"]),
                       {"title": "Forged", "body": "Forged"}).status_code == 403
    assert client.post(reverse("policies:variant_remove", args=[other.slug, "annex-a"])).status_code == 403
    assert list(VersionVariant.objects.values_list("key", "title")) == [("annex-a", "Annex A")]


def test_staff_cannot_reach_the_variants_pages(world, signed_in, policy):
    assert signed_in(world.staff).get(reverse("policies:variants", args=[policy.slug])).status_code == 403


def test_the_draft_page_links_to_its_variants(world, signed_in, policy):
    variants.add_variant(draft_of(policy), key="annex-a", title="Annex A", body="Text")
    page = signed_in(world.owner).get(reverse("approvals:draft", args=[policy.slug])).content.decode()
    assert "Variants for audiences: 1 variant" in page


def test_the_list_costs_the_same_queries_with_two_and_with_twenty_variants(
        world, signed_in, policy, django_assert_num_queries):
    client = signed_in(world.owner)
    draft = draft_of(policy)
    for n in range(2):
        variants.add_variant(draft, key=f"annex-{n}", title=f"Annex {n}", body="Text")
    with CaptureQueriesContext(connection) as two:
        client.get(reverse("policies:variants", args=[policy.slug]))
    for n in range(2, 20):
        variants.add_variant(draft, key=f"annex-{n}", title=f"Annex {n}", body="Text")
    with django_assert_num_queries(len(two)):
        page = client.get(reverse("policies:variants", args=[policy.slug])).content.decode()
    assert page.count("<h2>Annex ") == 20


def test_the_version_page_lists_its_variants_with_their_pdfs(world, signed_in):
    policy = safeguarding_with_annex(world.trust)
    page = signed_in(world.staff).get(policy.get_absolute_url()).content.decode()
    assert "Variants of version 1.0 for audiences" in page
    assert ANNEX_TITLE in page
    assert reverse("documents:variant_pdf", args=[policy.slug, "1.0", "annex-a"]) in page


def test_a_policy_without_variants_says_nothing_of_them(world, signed_in):
    policy = PolicyFactory(title="Plain Policy", organisation=world.trust)
    assert "Variants of version" not in signed_in(world.staff).get(policy.get_absolute_url()).content.decode()


def test_the_version_table_says_which_versions_have_variants(world, signed_in):
    policy = safeguarding_with_annex(world.trust)
    page = signed_in(world.staff).get(policy.get_absolute_url()).content.decode()
    assert '<br><span class="muted">1 variant for audiences</span></th>' in page
