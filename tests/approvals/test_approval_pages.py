"""Drafting and deciding in the browser's pages, and every denial."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from approvals import permissions, services
from approvals.models import Decision
from policies.models import PolicyVersion
from tests.approvals.conftest import BODY


@pytest.fixture
def submitted(world, email_policy, board):
    draft = services.start_draft(email_policy, by=world.owner)
    services.save_draft(draft, body=BODY.replace("lock screens", "always lock their screens"), reason="Clearer",
                        is_major=False, review_cycle_months=24, audiences=["teaching"])
    return services.submit_draft(draft, committee=board, by=world.owner.user)


def test_owner_starts_and_saves_a_draft(world, signed_in, email_policy):
    client = signed_in(world.owner)
    client.post(reverse("approvals:start_draft", args=[email_policy.slug]), {"kind": "minor"})
    response = client.post(reverse("approvals:draft", args=[email_policy.slug]), {
        "body": BODY + "\n\n2.2 New clause.", "is_major": "minor", "reason": "Periodic review",
        "review_cycle_months": "24", "audiences": ["teaching"],
    }, follow=True)
    page = response.content.decode()
    assert "Draft saved." in page
    assert re.search(r"<ins>\s*2\.2 New clause\.</ins>", page)
    assert PolicyVersion.objects.get(label="1.1").reason == "Periodic review"


def test_staff_cannot_start_or_edit_a_draft(world, signed_in, email_policy):
    client = signed_in(world.staff)
    response = client.post(reverse("approvals:start_draft", args=[email_policy.slug]))
    assert response.status_code == 403
    assert escape(permissions.EDIT_DENIED) in response.content.decode()
    assert client.get(reverse("approvals:draft", args=[email_policy.slug])).status_code == 403
    assert not PolicyVersion.objects.filter(status="draft").exists()


def test_governance_lead_can_edit_any_policys_draft(world, signed_in, email_policy):
    client = signed_in(world.governance)
    client.post(reverse("approvals:start_draft", args=[email_policy.slug]))
    assert client.get(reverse("approvals:draft", args=[email_policy.slug])).status_code == 200


def test_live_preview_renders_sanitised_markdown(world, signed_in, email_policy):
    response = signed_in(world.owner).post(reverse("approvals:preview", args=[email_policy.slug]),
                                           {"body": "## 1. Hello\n\n<script>x()</script>"})
    html = response.content.decode()
    assert '<h2 id="1-hello">1. Hello</h2>' in html
    assert "<script" not in html


def test_staff_never_see_a_draft(world, signed_in, submitted):
    client = signed_in(world.staff)
    assert client.get(reverse("approvals:submission", args=[submitted.pk])).status_code == 403
    url = reverse("approvals:compare", args=[submitted.version.policy.slug]) + "?from=1.0&to=1.1"
    assert client.get(url).status_code == 404
    assert client.get(reverse("policies:version", args=[submitted.version.policy.slug, "1.1"])).status_code == 404


def test_a_member_sees_the_redline_and_approves(world, signed_in, submitted, board):
    client = signed_in(board.trustees[0])
    page = client.get(reverse("approvals:submission", args=[submitted.pk])).content.decode()
    assert "<ins>always </ins>lock <ins>their </ins>screens" in page
    client.post(reverse("approvals:submission", args=[submitted.pk]), {"decision": Decision.APPROVE})
    signed_in(board.trustees[1])
    response = client.post(reverse("approvals:submission", args=[submitted.pk]), {"decision": Decision.APPROVE},
                           follow=True)
    assert "Decision recorded. Approved." in response.content.decode()
    assert response.redirect_chain[-1][0] == submitted.version.policy.get_absolute_url()


def test_a_non_member_cannot_decide(world, signed_in, submitted):
    client = signed_in(world.owner)  # the owner may read the submission, not decide it
    assert client.get(reverse("approvals:submission", args=[submitted.pk])).status_code == 200
    response = client.post(reverse("approvals:submission", args=[submitted.pk]), {"decision": Decision.APPROVE})
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == "awaiting"


def test_the_inbox_lists_what_awaits_a_member(world, signed_in, submitted, board):
    page = signed_in(board.trustees[0]).get(reverse("approvals:inbox")).content.decode()
    assert "Email Policy" in page
    assert "Review<span" in page


def test_nobody_edits_an_approved_version_through_the_portal(world, signed_in, email_policy):
    from people.models import User

    client = signed_in(User.objects.create_superuser("root@school.example", "x"))
    response = client.post(reverse("approvals:draft", args=[email_policy.slug]), {
        "body": "tampered", "is_major": "minor", "reason": "x"})
    assert response.status_code == 403
    email_policy.current_version.refresh_from_db()
    assert email_policy.current_version.body == BODY
    page = client.get(f"/admin/policies/policyversion/{email_policy.current_version.pk}/change/").content.decode()
    assert 'name="_save"' not in page


def test_policy_page_shows_the_audit_timeline(world, signed_in, submitted, board):
    services.record_vote(submitted, member=board.trustees[0], decision=Decision.REQUEST_CHANGES, comment="Shorter")
    page = signed_in(world.owner).get(submitted.version.policy.get_absolute_url()).content.decode()
    assert "Version 1.1 submitted to the Trust Board" in page
    assert escape("Request changes version 1.1: “Shorter”") in page


def test_compare_shows_metadata_changes(world, signed_in, submitted):
    url = reverse("approvals:compare", args=[submitted.version.policy.slug]) + "?from=1.0&to=1.1"
    page = signed_in(world.owner).get(url).content.decode()
    assert "what changed from version 1.0 to 1.1" in page
    assert re.search(r"always\s*</ins>", page)
