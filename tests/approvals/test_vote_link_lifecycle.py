"""Voting by emailed link: sending, the page a link opens, its single use,
and every way it dies (used, expired, replaced, decided, member left)."""

import datetime
import hashlib
import re

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.html import escape

from approvals import links, services
from approvals.models import CommitteeMember, Decision, Vote, VoteLink
from approvals.permissions import AUTHOR_CANNOT_DECIDE
from tests.approvals.conftest import BODY
from tests.factories import CommitteeFactory, PersonFactory

IPAD = ("Mozilla/5.0 (iPad; CPU OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.2 Mobile/15E148 Safari/604.1")


@pytest.fixture
def submission(world, email_policy, board):
    draft = services.start_draft(email_policy, by=world.owner)
    draft = services.save_draft(draft, body=BODY + "\n\n2.2 Never click unknown links.", reason="Periodic review",
                                is_major=False, review_cycle_months=24, audiences=[])
    return services.submit_draft(draft, committee=board, by=world.owner.user)


@pytest.fixture
def emailed(submission, settings, django_capture_on_commit_callbacks):
    """Send the links; return each member's token, read from their email."""
    settings.VOTE_LINK_DAYS = 7  # the documented default, whatever a developer's .env says
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        links.send_vote_links(submission)
    return {message.to[0]: token_in(message.body) for message in mail.outbox}


def token_in(body: str) -> str:
    return re.search(r"/approvals/vote/([\w-]+)/", body).group(1)


def url(token: str) -> str:
    return f"/approvals/vote/{token}/"


# ---- sending


def test_each_member_who_may_vote_gets_one_email_with_a_link_of_their_own(emailed, board):
    assert sorted(emailed) == ["tara@board.example", "tess@board.example", "tom@board.example"]
    assert len(set(emailed.values())) == 3
    message = mail.outbox[0]
    assert message.subject == "Your vote: Email Policy, version 1.1"
    assert "expires in 7 days" in message.body


def test_only_the_hash_of_a_token_is_stored(emailed):
    token = emailed["tara@board.example"]
    stored = list(VoteLink.objects.values_list("token_hash", flat=True))
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    assert token not in stored


def test_no_token_is_kept_in_the_outbox_where_administrators_read_emails(emailed):
    from outbox.models import OutboxEmail

    kept = " ".join(OutboxEmail.objects.values_list("body_text", flat=True))
    assert not [token for token in emailed.values() if token in kept]


def test_the_author_on_the_committee_gets_no_link(world, email_policy, board, emailed):
    assert world.owner.email not in emailed
    CommitteeMember.objects.create(committee=board, person=world.owner)
    assert world.owner.pk not in [link.person_id for link in links.send_vote_links(
        VoteLink.objects.first().submission)]


def test_a_member_who_has_voted_gets_no_new_link(submission, board, django_capture_on_commit_callbacks):
    services.record_vote(submission, member=board.trustees[0], decision=Decision.APPROVE)
    sent = links.send_vote_links(submission)
    assert sorted(str(link.person) for link in sent) == ["Tess Trustee", "Tom Trustee"]


def test_the_link_setting_sets_the_expiry(settings, submission):
    settings.VOTE_LINK_DAYS = 2
    now = timezone.now()
    link = links.send_vote_links(submission, now=now)[0]
    assert link.expires_at == now + datetime.timedelta(days=2)


def test_a_clerk_committee_has_no_voting_links(world, email_policy, igg):
    draft = services.start_draft(email_policy, by=world.owner)
    draft = services.save_draft(draft, body=BODY + "\n\nMore.", reason="Review", is_major=False,
                                review_cycle_months=24, audiences=[])
    submission = services.submit_draft(draft, committee=igg, by=world.owner.user)
    with pytest.raises(services.IllegalTransition, match="decides in its meetings"):
        links.send_vote_links(submission)


# ---- the page: a GET changes nothing


def test_a_get_shows_the_redline_the_text_and_the_choice_and_changes_nothing(client, emailed):
    token = emailed["tara@board.example"]
    for _ in range(2):  # the mail scanner, then the member
        response = client.get(url(token))
    page = response.content.decode()
    assert "Email Policy, version 1.1" in page
    assert "Never click unknown links" in page  # the redline and the text
    assert "Version 1.1 as it would be approved" in page
    assert "Approve" in page and "Request changes" in page
    assert "0 of 2 approvals needed" in page
    assert not Vote.objects.exists()
    assert VoteLink.objects.filter(used_at__isnull=False).count() == 0
    assert response["Cache-Control"].startswith("max-age=0")


# ---- voting


def test_a_link_vote_records_the_method_the_address_and_the_browser(client, emailed, submission):
    response = client.post(url(emailed["tara@board.example"]), {"decision": "approve", "comment": ""},
                           REMOTE_ADDR="203.0.113.5", HTTP_USER_AGENT=IPAD)
    assert "Thank you: your decision is recorded" in response.content.decode()
    vote = Vote.objects.get()
    assert (str(vote.person), vote.decision, vote.method, vote.ip_address) == (
        "Tara Trustee", "approve", "link", "203.0.113.5")
    assert vote.user_agent == IPAD
    assert VoteLink.objects.get(vote=vote).used_at is not None


def test_the_submission_page_says_how_each_vote_was_given(client, signed_in, world, emailed, submission):
    client.post(url(emailed["tara@board.example"]), {"decision": "approve", "comment": ""},
                REMOTE_ADDR="203.0.113.5", HTTP_USER_AGENT=IPAD)
    page = signed_in(world.owner).get(f"/approvals/{submission.pk}/").content.decode()
    assert "by emailed link, from 203.0.113.5, Safari on iPad" in page
    timeline = client.get(f"/policies/{submission.version.policy.slug}/").content.decode()
    assert "Approve version 1.1 (by emailed link, from 203.0.113.5, Safari on iPad)" in timeline


def test_requesting_changes_needs_a_comment_and_keeps_its_lines(client, emailed, submission):
    token = emailed["tom@board.example"]
    response = client.post(url(token), {"decision": "request_changes", "comment": "  "})
    assert services.COMMENT_NEEDED in response.content.decode()
    assert not Vote.objects.exists()
    client.post(url(token), {"decision": "request_changes", "comment": "Name the DPO.\r\nAnd the date.\r\n"})
    assert Vote.objects.get().comment == "Name the DPO.\nAnd the date."
    submission.refresh_from_db()
    assert submission.status == "changes_requested"


def test_a_link_cannot_reject(client, emailed):
    response = client.post(url(emailed["tom@board.example"]), {"decision": "reject", "comment": "No."})
    assert "Choose approve or request changes." in response.content.decode()
    assert not Vote.objects.exists()


# ---- how a link dies, each said plainly on its page


def test_a_used_link_says_so(client, emailed):
    token = emailed["tara@board.example"]
    client.post(url(token), {"decision": "approve", "comment": ""})
    response = client.get(url(token))
    assert response.status_code == 200
    assert "This link has already been used: your decision was recorded on " in response.content.decode()
    client.post(url(token), {"decision": "approve", "comment": ""})
    assert Vote.objects.count() == 1


def test_an_expired_link_says_so(client, emailed):
    token = emailed["tara@board.example"]
    link = VoteLink.objects.get(token_hash=links.token_hash(token))
    later = link.expires_at + datetime.timedelta(minutes=1)
    assert links.link_state(token, now=later).dead.startswith("This link expired on ")
    with pytest.raises(services.IllegalTransition, match="ask the clerk for a new one"):
        links.vote_by_link(token, decision="approve", comment="", ip_address=None, user_agent="", now=later)
    VoteLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    response = client.get(url(token))
    assert response.status_code == 200
    assert "This link expired on " in response.content.decode()
    assert "ask the clerk for a new one" in response.content.decode()
    assert not Vote.objects.exists()


def test_a_link_dies_when_the_draft_is_decided(client, emailed, board, submission):
    services.record_vote(submission, member=board.trustees[0], decision=Decision.APPROVE)
    services.record_vote(submission, member=board.trustees[1], decision=Decision.APPROVE)
    token = emailed["tess@board.example"]
    response = client.get(url(token))
    assert "This draft has already been decided: approved on " in response.content.decode()
    client.post(url(token), {"decision": "request_changes", "comment": "Too late?"})
    assert Vote.objects.count() == 2


def test_a_link_dies_when_the_member_leaves_the_committee(client, emailed, board):
    CommitteeMember.objects.filter(committee=board, person=board.trustees[2]).delete()
    token = emailed["tess@board.example"]
    page = client.get(url(token)).content.decode()
    assert "You are no longer a member of the Trust Board, so this link no longer works." in page
    client.post(url(token), {"decision": "approve", "comment": ""})
    assert not Vote.objects.exists()


def test_sending_again_replaces_an_unused_link(client, submission, emailed, django_capture_on_commit_callbacks):
    old = emailed["tara@board.example"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        links.send_vote_links(submission)
    new = {message.to[0]: token_in(message.body) for message in mail.outbox}["tara@board.example"]
    assert "This link was replaced by a newer one emailed on " in client.get(url(old)).content.decode()
    client.post(url(old), {"decision": "approve", "comment": ""})
    assert not Vote.objects.exists()
    client.post(url(new), {"decision": "approve", "comment": ""})
    assert Vote.objects.get().method == "link"


def test_a_portal_vote_kills_the_members_link(client, emailed, board, submission):
    services.record_vote(submission, member=board.trustees[0], decision=Decision.APPROVE)
    page = client.get(url(emailed["tara@board.example"])).content.decode()
    assert "your decision was recorded on" in page


# ---- forged links and posts


def test_an_unknown_token_is_only_not_valid(client, emailed):
    for token in ("nonsense", "x" * 43):
        response = client.get(url(token))
        assert response.status_code == 200
        assert "This voting link is not valid" in response.content.decode()
    client.post(url("x" * 43), {"decision": "approve", "comment": ""})
    assert not Vote.objects.exists()


def test_a_token_votes_only_on_its_own_submission_as_its_own_member(client, world, emailed, board):
    """The token names the member and the submission; nothing posted can change either."""
    other = PersonFactory(first_name="Ola", last_name="Other", email="ola@school.example", schools=[world.trust])
    client.post(url(emailed["tara@board.example"]),
                {"decision": "approve", "comment": "", "person": other.pk, "submission": 999999})
    vote = Vote.objects.get()
    assert vote.person == board.trustees[0]
    assert vote.submission == VoteLink.objects.get(vote=vote).submission


def test_a_link_in_the_authors_name_is_refused(client, world, board, submission):
    CommitteeMember.objects.create(committee=board, person=world.owner)
    token = "a-forged-link-for-the-author-of-the-draft-000"
    VoteLink.objects.create(submission=submission, person=world.owner, token_hash=links.token_hash(token),
                            expires_at=timezone.now() + datetime.timedelta(days=1))
    assert escape(AUTHOR_CANNOT_DECIDE.format(label="1.1")) in client.get(url(token)).content.decode()
    response = client.post(url(token), {"decision": "approve", "comment": ""})
    assert escape(AUTHOR_CANNOT_DECIDE.format(label="1.1")) in response.content.decode()
    assert not Vote.objects.exists()


# ---- who may send links


@pytest.mark.parametrize("who", ["owner", "governance"])
def test_the_sender_and_a_governance_lead_may_email_links(client, signed_in, world, submission, who,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(getattr(world, who)).post(f"/approvals/{submission.pk}/vote-links/", follow=True)
    assert "Voting links emailed to Tara Trustee, Tom Trustee, Tess Trustee." in response.content.decode()
    assert len(mail.outbox) == 3


def test_the_committees_clerk_may_email_links(client, signed_in, world, board, submission):
    clerk = PersonFactory(first_name="Clara", last_name="Clerk", email="clerk@school.example", schools=[world.trust])
    CommitteeMember.objects.create(committee=board, person=clerk, role=CommitteeMember.Role.CLERK)
    assert signed_in(clerk).post(f"/approvals/{submission.pk}/vote-links/").status_code == 302
    assert VoteLink.objects.count() == 3


@pytest.mark.parametrize("who", ["member", "staff", "school_hr"])
def test_others_may_not_email_links(client, signed_in, world, board, submission, who):
    person = board.trustees[0] if who == "member" else getattr(world, who)
    response = signed_in(person).post(f"/approvals/{submission.pk}/vote-links/")
    assert response.status_code == 403
    assert not VoteLink.objects.exists()


def test_a_governance_lead_of_another_trust_may_not_email_links(client, signed_in, world, submission):
    from people.models import Role
    from tests.factories import RoleFactory, TrustFactory

    elsewhere = TrustFactory(name="Other Trust", slug="other-trust")
    lead = PersonFactory(first_name="Lee", last_name="Lead", email="lee@other.example", schools=[elsewhere])
    RoleFactory(person=lead, role=Role.GOVERNANCE_LEAD, organisation=elsewhere)
    assert signed_in(lead).post(f"/approvals/{submission.pk}/vote-links/").status_code == 403
    assert not VoteLink.objects.exists()


def test_emailing_links_is_a_post(client, signed_in, world, submission):
    assert signed_in(world.owner).get(f"/approvals/{submission.pk}/vote-links/").status_code == 405


def test_the_button_shows_only_to_those_who_may_send(client, signed_in, world, board, submission):
    assert "Email each member a voting link" in signed_in(world.owner).get(
        f"/approvals/{submission.pk}/").content.decode()
    assert "Email each member a voting link" not in signed_in(board.trustees[0]).get(
        f"/approvals/{submission.pk}/").content.decode()


def test_links_for_a_decided_draft_are_refused(client, signed_in, world, board, submission):
    services.record_vote(submission, member=board.trustees[0], decision=Decision.REQUEST_CHANGES, comment="No.")
    response = signed_in(world.owner).post(f"/approvals/{submission.pk}/vote-links/", follow=True)
    assert "This draft has already been decided: changes requested on " in response.content.decode()
    assert not VoteLink.objects.exists()


def test_an_all_members_committee_decides_by_links_only_after_the_last(client, world, email_policy,
                                                                        django_capture_on_commit_callbacks):
    board = CommitteeFactory(name="Audit Committee", organisation=world.trust, threshold="all")
    for name in ("Ann", "Ben"):
        CommitteeMember.objects.create(committee=board, person=PersonFactory(
            first_name=name, last_name="Auditor", email=f"{name.lower()}@board.example", schools=[world.trust]))
    draft = services.start_draft(email_policy, by=world.owner)
    draft = services.save_draft(draft, body=BODY + "\n\nMore.", reason="Review", is_major=False,
                                review_cycle_months=24, audiences=[])
    submission = services.submit_draft(draft, committee=board, by=world.owner.user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        links.send_vote_links(submission)
    tokens = {message.to[0]: token_in(message.body) for message in mail.outbox if "Your vote" in message.subject}
    response = client.post(url(tokens["ann@board.example"]), {"decision": "approve", "comment": ""})
    assert "The draft is now: awaiting decision." in response.content.decode()
    response = client.post(url(tokens["ben@board.example"]), {"decision": "approve", "comment": ""})
    assert "The draft is now: approved." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "published"
