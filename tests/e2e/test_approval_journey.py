"""The owner drafts and submits; a trustee on a tablet reads the redline and
approves; the policy page shows the new version and its row."""

import datetime

import pytest
from playwright.sync_api import expect

from approvals import services
from approvals.models import CommitteeMember
from people.models import StaffGroup
from policies.models import Committee
from tests.e2e.conftest import sign_in
from tests.factories import CommitteeFactory, PersonFactory, published_policy

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BODY = "## 1. Introduction\n\n1.1 Staff must lock screens.\n\n## 2. Phishing\n\n2.1 Report phishing at once."


@pytest.fixture
def tablet(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 820, "height": 1180}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_owner_drafts_trustee_approves_on_a_tablet(page, tablet, world):
    board = CommitteeFactory(name="Trust Board", organisation=world.trust, quorum=1, allows_single_approver=True)
    CommitteeFactory(name="North Primary Local Governing Body", organisation=world.north)  # never for a trust policy
    trustee = PersonFactory(first_name="Tara", last_name="Trustee", email="tara@board.example",
                            staff_group=StaffGroup.TRUSTEE, schools=[world.trust])
    CommitteeMember.objects.create(committee=board, person=trustee)
    policy = published_policy(title="Email Policy", owner=world.owner, organisation=world.trust, body=BODY)

    sign_in(page, "head.it@school.example", world.password)
    page.goto(policy.get_absolute_url())
    page.get_by_role("link", name="Start a new version").click()
    page.get_by_label("Minor: wording, contacts, corrections").check()
    page.get_by_role("button", name="Start the draft").click()
    page.wait_for_load_state("load")  # htmx (deferred) is listening once the page has loaded
    editor = page.get_by_label("Policy text")
    editor.fill(BODY.replace("lock screens", "always lock their screens") + "\n\n## 3. AI tools\n\n3.1 Ask first.")
    expect(page.locator("#preview")).to_contain_text("3. AI tools")  # live preview
    page.get_by_label("Reason for revision").fill("Periodic review; AI tools")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Draft saved.")
    expect(page.get_by_label("Send to").locator("option", has_text="North Primary")).to_have_count(0)
    page.get_by_label("Send to").select_option(label="Trust Board")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_role("status")).to_contain_text("Sent to the Trust Board for approval.")

    sign_in(tablet, "tara@board.example", world.password)
    tablet.get_by_role("navigation", name="Main").get_by_role("link", name="Approvals").click()
    tablet.get_by_role("link", name="Review the Email Policy").click()
    expect(tablet.locator("ins", has_text="always")).to_be_visible()
    expect(tablet.get_by_role("region", name="3. AI tools: New section")).to_be_visible()
    assert tablet.evaluate("document.documentElement.scrollWidth") <= 820
    tablet.get_by_label("Approve").check()
    tablet.get_by_role("button", name="Record decision").click()

    expect(tablet.get_by_role("heading", name="Email Policy", level=1)).to_be_visible()
    expect(tablet.get_by_text("Version 1.1 · Published")).to_be_visible()
    row = tablet.get_by_role("table", name="Version history").get_by_role("row").filter(has_text="1.1")
    today = datetime.date.today()
    expect(row).to_contain_text(f"{today.day} {today:%b %Y} (Trust Board)")
    expect(row).to_contain_text("Periodic review; AI tools")


def test_a_clerk_who_drafted_sees_why_she_cannot_record_the_decision(page, world):
    igg = CommitteeFactory(name="Information Governance Group", organisation=world.trust,
                           decision_mode=Committee.DecisionMode.CLERK)
    CommitteeMember.objects.create(committee=igg, person=world.governance, role=CommitteeMember.Role.CLERK)
    policy = published_policy(title="Email Policy", owner=world.owner, organisation=world.trust, body=BODY)
    draft = services.start_draft(policy, by=world.governance)
    services.save_draft(draft, body=BODY + "\n\n2.2 New.", reason="Review", is_major=False,
                        review_cycle_months=24, audiences=[])
    submission = services.submit_draft(draft, committee=igg, by=world.governance.user)

    sign_in(page, "governance@school.example", world.password)
    page.goto(f"/approvals/{submission.pk}/")
    expect(page.get_by_text("You drafted version 1.1, so you cannot vote on it or record a decision")).to_be_visible()
    expect(page.get_by_role("button", name="Record decision")).to_have_count(0)
