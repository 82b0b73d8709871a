"""A trustee who never signs in votes from the emailed link; the link then
says it was used; an expired link says so plainly."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from approvals import services
from approvals.models import CommitteeMember, VoteLink
from people.models import StaffGroup
from tests.e2e.conftest import sign_in
from tests.factories import CommitteeFactory, PersonFactory, published_policy

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BODY = "## 1. Introduction\n\n1.1 Staff must lock screens.\n\n## 2. Phishing\n\n2.1 Report phishing at once."


def link_for(email: str) -> str:
    message = [m for m in mail.outbox if m.to == [email] and m.subject.startswith("Your vote")][-1]
    return re.search(r"https?://\S+/approvals/vote/[\w-]+/", message.body).group(0)


@pytest.fixture
def submission(world):
    board = CommitteeFactory(name="Trust Board", organisation=world.trust, threshold="all")
    for name in ("Ann", "Ben"):
        CommitteeMember.objects.create(committee=board, person=PersonFactory(
            first_name=name, last_name="Trustee", email=f"{name.lower()}@board.example",
            staff_group=StaffGroup.TRUSTEE, schools=[world.trust]))
    policy = published_policy(title="Email Policy", owner=world.owner, organisation=world.trust, body=BODY)
    draft = services.start_draft(policy, by=world.owner)
    services.save_draft(draft, body=BODY + "\n\n2.2 Never click unknown links.", reason="Periodic review",
                        is_major=False, review_cycle_months=24, audiences=[])
    return services.submit_draft(draft, committee=board, by=world.owner.user)


def test_a_member_votes_by_link_and_the_link_is_then_used(page, phone, world, submission):
    sign_in(page, "head.it@school.example", world.password)
    page.goto(f"/approvals/{submission.pk}/")
    page.get_by_role("button", name="Email each member a voting link").click()
    expect(page.get_by_role("status")).to_contain_text("Voting links emailed to Ann Trustee, Ben Trustee.")

    # Ann, on her phone, never signed in: the link is her credential.
    link = link_for("ann@board.example")
    phone.goto(link)
    expect(phone.get_by_role("heading", name="Email Policy, version 1.1", level=1)).to_be_visible()
    expect(phone.locator("ins", has_text="Never click unknown links")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_label("Request changes").check()
    phone.get_by_role("button", name="Record my decision").click()
    expect(phone.get_by_role("alert")).to_contain_text("Say what should change")
    phone.get_by_label("Approve").check()
    phone.get_by_role("button", name="Record my decision").click()
    expect(phone.get_by_role("heading", name="Thank you: your decision is recorded")).to_be_visible()

    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_contain_text(
        "This link has already been used: your decision was recorded on ")

    page.reload()
    expect(page.get_by_role("listitem").filter(has_text="Ann Trustee")).to_contain_text(
        "Approve · by emailed link, from 127.0.0.1")
    expect(page.get_by_text("1 of 2 members have approved; waiting for: Ben Trustee")).to_be_visible()


def test_an_expired_link_says_so(page, world, submission):
    from approvals import links

    links.send_vote_links(submission)
    link = link_for("ben@board.example")
    VoteLink.objects.update(expires_at=timezone.now() - datetime.timedelta(days=1))
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("This link expired on ")
    expect(page.get_by_role("heading", level=1)).to_contain_text("ask the clerk for a new one")
    expect(page.get_by_role("button", name="Record my decision")).to_have_count(0)
