"""Text is normalised on every way in (issue 14, item 1): a browser's CRLF,
trailing spaces or a pasted paragraph separator never reach the stored text,
and whitespace alone is never shown as a change."""

import hashlib
import re

import pytest
from django.urls import reverse

from approvals import services
from people.models import User
from policies.importers import parse_document
from policies.models import PolicyVersion, content_hash
from policies.services import import_policy_document, publish_version
from policies.text import normalise_text
from tests.factories import PolicyFactory, VersionFactory, published_policy

pytestmark = pytest.mark.django_db

# Four sections, as a real policy has many: one gains a sentence, the rest
# must stay "Unchanged".
OLD = (
    "## 1. Introduction\n\n1.1 Staff must lock screens.\n\n1.2 Screens lock after five minutes.\n\n"
    "## 2. Phishing\n\n2.1 Report phishing at once.\n\n"
    "## 3. Passwords\n\n3.1 Use a password manager.\n\n"
    "## 4. Review\n\n4.1 This policy is reviewed every two years.\n"
)
EDITED = OLD.replace("Report phishing at once.", "Report phishing at once. Forward it to the service desk.")


def crlf(text: str) -> str:
    """What a browser posts for a textarea: every line break as CRLF."""
    return text.replace("\n", "\r\n")


def section_labels(page: str) -> list[str]:
    return re.findall(r'class="redline__section redline__section--(\w+)"', page)


@pytest.fixture
def policy(world):
    return published_policy(title="Email Policy", owner=world.owner, organisation=world.trust, body=OLD)


@pytest.fixture
def draft(world, policy):
    return services.start_draft(policy, by=world.owner)


def draft_form(body: str) -> dict:
    return {"body": body, "is_major": "minor", "reason": "Phishing", "review_cycle_months": "24",
            "audiences": ["teaching"]}


def test_a_draft_saved_from_the_browser_shows_one_section_changed(world, signed_in, policy, draft):
    client = signed_in(world.owner)
    response = client.post(reverse("approvals:draft", args=[policy.slug]), draft_form(crlf(EDITED)), follow=True)
    page = response.content.decode()
    assert "Draft saved." in page
    assert section_labels(page) == ["unchanged", "changed", "unchanged", "unchanged"]
    assert re.search(r"<ins>\s*Forward it to the service desk\.\s*</ins>", page)
    assert "\r" not in page  # a CR shows as a blank gap in the redline's pre-wrapped text
    draft.refresh_from_db()
    assert draft.body == EDITED.strip()


def test_the_live_preview_shows_the_text_as_it_will_be_saved(world, signed_in, policy, draft):
    client = signed_in(world.owner)
    # Two trailing spaces would make a hard line break in the preview only:
    # saving strips them, so the preview must not show one.
    typed = crlf("## 1. Introduction\n\n1.1 Staff must lock  \nscreens.\n")
    preview = client.post(reverse("approvals:preview", args=[policy.slug]), {"body": typed}).content.decode()
    client.post(reverse("approvals:draft", args=[policy.slug]), draft_form(typed))
    saved = client.get(reverse("approvals:draft", args=[policy.slug])).content.decode()
    assert "<br>" not in preview
    assert "<p>1.1 Staff must lock\nscreens.</p>" in preview
    assert "<p>1.1 Staff must lock\nscreens.</p>" in saved


def test_an_imported_document_is_stored_normalised_and_redlines_cleanly(world, signed_in, policy):
    # A Markdown file from Windows, with a paragraph separator pasted from a
    # desktop-publishing tool in one clause.
    document = "# Email Policy\n\n" + EDITED.replace("3.1 Use a", "3.1 Always\u2029use a")
    parsed = parse_document("email-policy.md", crlf(document).encode())
    import_policy_document(parsed, organisation=world.trust, by=world.owner.user, may_import_history=False)
    draft = PolicyVersion.objects.get(policy=policy, status=PolicyVersion.Status.DRAFT)
    assert "\r" not in draft.body and "\u2029" not in draft.body
    assert draft.body == normalise_text(draft.body)
    page = signed_in(world.owner).get(reverse("approvals:draft", args=[policy.slug])).content.decode()
    assert section_labels(page) == ["unchanged", "changed", "changed", "unchanged"]


def test_an_administrator_saving_a_draft_in_the_admin_stores_it_normalised(world, signed_in, policy, draft):
    admin = User.objects.create_superuser("root@school.example", "x")
    response = signed_in(admin).post(f"/admin/policies/policyversion/{draft.pk}/change/", {
        "policy": policy.pk, "label": draft.label, "status": "draft", "body": crlf(EDITED) + "   \r\n\r\n",
        "reason": "Phishing", "author": "Head of IT", "audiences": "[]", "provenance": "portal",
        "_save": "Save",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.body == EDITED.strip()  # the admin's field strips the value, as the draft form's does
    page = signed_in(world.owner).get(reverse("approvals:draft", args=[policy.slug])).content.decode()
    assert section_labels(page) == ["unchanged", "changed", "unchanged", "unchanged"]


def test_the_draft_services_called_from_the_shell_store_normalised_text(world, policy, draft):
    services.save_draft(draft, body=crlf(EDITED) + "\r\n\r\n", reason="Phishing", is_major=False,
                        review_cycle_months=24, audiences=[])
    assert PolicyVersion.objects.get(pk=draft.pk).body == EDITED
    # The model is the last line of defence for a draft written any other way.
    other = PolicyVersion.objects.create(policy=PolicyFactory(), label="0.1", status=PolicyVersion.Status.DRAFT,
                                         body=crlf(OLD) + "  ")
    assert PolicyVersion.objects.get(pk=other.pk).body == OLD


def test_a_draft_started_from_a_crlf_approved_version_starts_normalised(world):
    old_policy = PolicyFactory(owner=world.owner, organisation=world.trust)
    publish_version(VersionFactory(policy=old_policy, body=crlf(OLD)))
    draft = services.start_draft(old_policy, by=world.owner)
    assert draft.body == OLD


def test_an_approved_crlf_version_keeps_its_text_and_hash_when_superseded(world):
    old_policy = PolicyFactory(owner=world.owner, organisation=world.trust)
    stored = crlf(OLD) + "  "
    approved = VersionFactory(policy=old_policy, body=stored)
    hash_when_approved = approved.content_hash
    publish_version(approved)
    publish_version(VersionFactory(policy=old_policy, label="1.1", body=EDITED))
    approved.refresh_from_db()
    assert approved.status == PolicyVersion.Status.SUPERSEDED
    assert approved.body == stored  # evidence is kept byte for byte
    assert approved.content_hash == hash_when_approved == content_hash(OLD)
    assert hash_when_approved == hashlib.sha256(OLD.strip().encode()).hexdigest()


def test_what_changed_between_an_old_crlf_version_and_its_successor_shows_one_section(world, signed_in):
    old_policy = PolicyFactory(title="Email Policy", owner=world.owner, organisation=world.trust)
    publish_version(VersionFactory(policy=old_policy, body=crlf(OLD)))
    publish_version(VersionFactory(policy=old_policy, label="1.1", body=EDITED))
    page = signed_in(world.staff).get(
        reverse("approvals:compare", args=[old_policy.slug]) + "?from=1.0&to=1.1").content.decode()
    assert section_labels(page) == ["unchanged", "changed", "unchanged", "unchanged"]
    assert "<del>" not in page.split('class="redline__key"')[1].split("</p>", 1)[1]
