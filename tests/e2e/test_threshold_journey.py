"""A committee where every member must approve: the author sits on it and
is refused; the draft publishes only when the last member approves."""

import pytest
from playwright.sync_api import expect

from approvals import services
from approvals.models import CommitteeMember
from people.models import StaffGroup
from tests.e2e.conftest import sign_in
from tests.factories import CommitteeFactory, PersonFactory, published_policy

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BODY = "## 1. Introduction\n\n1.1 Staff must lock screens.\n\n## 2. Phishing\n\n2.1 Report phishing at once."


def test_every_member_must_approve_and_the_author_may_not(page, phone, world):
    board = CommitteeFactory(name="Trust Board", organisation=world.trust, threshold="all")
    trustees = [PersonFactory(first_name=name, last_name="Trustee", email=f"{name.lower()}@board.example",
                              staff_group=StaffGroup.TRUSTEE, schools=[world.trust]) for name in ("Ann", "Ben")]
    for person in [*trustees, world.owner]:
        CommitteeMember.objects.create(committee=board, person=person)
    policy = published_policy(title="Email Policy", owner=world.owner, organisation=world.trust, body=BODY)
    draft = services.start_draft(policy, by=world.owner)
    services.save_draft(draft, body=BODY + "\n\n2.2 Never click unknown links.", reason="Periodic review",
                        is_major=False, review_cycle_months=24, audiences=[])
    submission = services.submit_draft(draft, committee=board, by=world.owner.user)

    # The author sits on the board: the page says why there is no decision for her to make.
    sign_in(page, "head.it@school.example", world.password)
    page.goto(f"/approvals/{submission.pk}/")
    expect(page.get_by_role("note").filter(has_text="You drafted version 1.1")).to_be_visible()
    expect(page.get_by_text("0 of 2 members have approved")).to_be_visible()
    expect(page.get_by_text("Owen Owner wrote this draft and does not vote.")).to_be_visible()
    expect(page.get_by_role("button", name="Record decision")).to_have_count(0)

    for n, email in enumerate(["ann@board.example", "ben@board.example"]):
        sign_in(phone, email, world.password)
        phone.goto("/approvals/")
        expect(phone.get_by_text(f"{n} of 2 members have approved")).to_be_visible()
        phone.get_by_role("link", name="Review the Email Policy").click()
        expect(phone.get_by_role("heading", name="Email Policy, version 1.1", level=1)).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        phone.get_by_label("Approve").check()
        phone.get_by_role("button", name="Record decision").click()
        if n == 0:
            expect(phone.get_by_role("status")).to_contain_text("Decision recorded. Awaiting decision.")
            expect(phone.get_by_text("1 of 2 members have approved; waiting for: Ben Trustee")).to_be_visible()
            policy.refresh_from_db()
            assert policy.current_version.label == "1.0"
        phone.context.clear_cookies()

    expect(phone.get_by_role("heading", name="Email Policy", level=1)).to_be_visible()
    expect(phone.get_by_text("Version 1.1 · Published")).to_be_visible()
