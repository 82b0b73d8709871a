"""North Primary adopts the trust's Safeguarding Policy: its governance lead
names the school's DSL and replaces the trust's reporting section, the local
governing body's clerk records the decision, a teacher signs the school's
copy; the trust publishes a new major version, the school is asked to
re-adopt, and its governance lead follows the email to the combined redline.
A minor version instead carries the school's copy forward."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from acknowledgements.models import SignOff
from adoptions import services as adoption_services
from adoptions.models import Adoption
from approvals import services as approvals
from approvals.models import CommitteeMember, Submission
from people.models import Person, Role, StaffGroup
from policies.models import Committee
from tests.e2e.conftest import sign_in
from tests.factories import CommitteeFactory, PersonFactory, RoleFactory, published_policy, sign_off_rule

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BODY = ("## 1. Purpose\n\n1.1 Every child is kept safe.\n\n## 2. Roles\n\n2.1 Everyone has a part to play.\n\n"
        "## 3. Reporting concerns\n\n3.1 Tell the DSL at once.\n")
NEW_BODY = ("## 1. Purpose\n\n1.1 Every child is kept safe, online and off.\n\n"
            "## 3. Reporting concerns\n\n3.1 Tell the DSL the same day, in writing.\n")


@pytest.fixture
def trust(world):
    lead = PersonFactory(first_name="Lena", last_name="Lead", email="lead.north@school.example",
                         staff_group=StaffGroup.LEADERSHIP, schools=[world.north])
    RoleFactory(person=lead, role=Role.GOVERNANCE_LEAD, organisation=world.north)
    lgb = CommitteeFactory(name="North Primary Local Governing Body", organisation=world.north,
                           decision_mode=Committee.DecisionMode.CLERK)
    clerk = PersonFactory(first_name="Cal", last_name="Clerk", email="clerk.north@school.example",
                          staff_group=StaffGroup.GOVERNOR, schools=[world.north])
    CommitteeMember.objects.create(committee=lgb, person=clerk, role=CommitteeMember.Role.CLERK)
    board = CommitteeFactory(name="Trust Board", organisation=world.trust, quorum=1, allows_single_approver=True)
    trustee = PersonFactory(first_name="Tara", last_name="Trustee", email="tara@board.example",
                            staff_group=StaffGroup.TRUSTEE, schools=[world.trust])
    CommitteeMember.objects.create(committee=board, person=trustee)
    policy = published_policy(title="Safeguarding Policy", slug="safeguarding", owner=world.owner,
                              organisation=world.trust, body=BODY)
    sign_off_rule(policy)
    return policy, board, trustee


def publish_major_version(policy, world, board, trustee):
    """The trust's own cycle, as the approval journey drives it through its pages."""
    draft = approvals.start_draft(policy, by=world.owner, is_major=True)
    approvals.save_draft(draft, body=NEW_BODY, reason="Annual review: written reports", is_major=True,
                         review_cycle_months=12, audiences=[])
    submission = approvals.submit_draft(draft, committee=board, by=world.owner.user)
    approvals.record_vote(submission, member=trustee, decision="approve")


def test_a_school_adopts_signs_its_copy_and_is_asked_to_re_adopt(page, phone, world, trust):
    policy, board, trustee = trust

    # The governance lead prepares North Primary's adoption.
    sign_in(page, "lead.north@school.example", world.password)
    page.goto("/adoptions/")
    expect(page.get_by_role("heading", name="North Primary")).to_be_visible()
    page.get_by_role("button", name="Adopt Safeguarding Policy at North Primary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "North Primary adopts the Safeguarding Policy, version 1.0")
    page.get_by_label("Role").fill("Designated Safeguarding Lead")
    page.get_by_label("Name").fill("Priya Patel")
    page.get_by_label("Email").fill("dsl@north.example")
    page.get_by_role("button", name="Add contact").click()
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    # She corrects the DSL's entry where it stands: a phone number she forgot.
    page.locator("summary", has_text="Edit Designated Safeguarding Lead").click()
    edit = page.get_by_role("form", name="Edit Designated Safeguarding Lead")
    edit.get_by_label("Phone").fill("0161 496 0999")
    edit.get_by_role("button", name="Save Designated Safeguarding Lead").click()
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    expect(page.get_by_role("listitem").filter(has_text="Priya Patel · dsl@north.example · 0161 496 0999")
           ).to_be_visible()
    page.get_by_label("Replaces the trust's section").check()
    page.get_by_label("Trust section").select_option("3. Reporting concerns")
    page.get_by_label("Local text").fill("3.1 Tell Ms Patel, our DSL, at once.\n3.2 Out of hours: 0161 496 0000.")
    page.get_by_role("button", name="Add local section").click()
    expect(page.get_by_role("region", name="Local to North Primary").first).to_be_visible()
    page.get_by_label("Local committee", exact=True).select_option(label="North Primary Local Governing Body")
    page.get_by_role("button", name="Send to the committee").click()
    expect(page.get_by_role("status")).to_contain_text("Sent to the North Primary Local Governing Body to adopt.")

    # The clerk records the meeting's decision on the approvals page.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "clerk.north@school.example", world.password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Approvals").click()
    page.get_by_role("link", name="Review the Safeguarding Policy").click()
    expect(page.get_by_role("heading", name="North Primary adopts version 1.0")).to_be_visible()
    expect(page.get_by_text("3.1 Tell Ms Patel, our DSL, at once.")).to_be_visible()
    page.get_by_label("Approve").check()
    page.get_by_label("Meeting date").fill(datetime.date.today().isoformat())
    page.get_by_label("Minute reference").fill("LGB 7/26")
    page.get_by_role("button", name="Record decision").click()
    adoption = Adoption.objects.get(school=world.north, status="adopted")
    today = datetime.date.today()
    line = f"Test Learning Trust policy, adopted by North Primary on {today.day} {today:%B %Y}"

    # A teacher at North Primary reads and signs the school's copy, on a phone.
    sign_in(phone, "staff@school.example", world.password)
    phone.goto("/my/sign/safeguarding/")
    expect(phone.get_by_text(line)).to_be_visible()
    expect(phone.get_by_text("Priya Patel")).to_be_visible()
    expect(phone.get_by_text("3.1 Tell Ms Patel, our DSL, at once.")).to_be_visible()
    expect(phone.get_by_text("3.1 Tell the DSL at once.")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_label(re.compile("I confirm that I have read and understood")).check()
    phone.get_by_role("button", name="Sign", exact=True).click()
    expect(phone.get_by_role("heading", name="Sign-off receipt")).to_be_visible()
    expect(phone.get_by_text(f"North Primary's copy, local parts hash {adoption.local_hash}")).to_be_visible()
    sign_off = SignOff.objects.get(person=world.staff)
    assert (sign_off.adoption_id, sign_off.content_hash, sign_off.local_hash) == (
        adoption.pk, policy.current_version.content_hash, adoption.local_hash)

    # The trust publishes version 2.0; North Primary is asked to re-adopt.
    mail.outbox.clear()
    publish_major_version(policy, world, board, trustee)
    email = next(m for m in mail.outbox if m.to == ["lead.north@school.example"])
    assert email.subject == "To re-adopt: Safeguarding Policy, version 2.0"
    redline_link = re.search(r"https?://\S+/redline/", email.body).group(0)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "lead.north@school.example", world.password)
    page.goto("/adoptions/")
    expect(page.get_by_role("row", name=re.compile("Safeguarding Policy"))).to_contain_text("To re-adopt")
    page.goto(redline_link)
    expect(page.get_by_text("Your local section replaces '3. Reporting concerns', which this version changed: "
                            "check that it still fits.")).to_be_visible()
    expect(page.locator("ins", has_text="in writing")).to_be_visible()

    # Until then its staff owe the trust's text of 2.0, and the page says why.
    phone.goto("/my/sign/safeguarding/")
    not_yet = "North Primary has not adopted version 2.0 yet: this is the trust's text."
    expect(phone.get_by_text(not_yet)).to_be_visible()
    expect(phone.get_by_text("3.1 Tell the DSL the same day, in writing.")).to_be_visible()

    # The re-adoption starts from the school's local parts and shows the combined redline.
    page.goto("/adoptions/")
    page.get_by_role("button", name="Re-adopt Safeguarding Policy at North Primary").click()
    expect(page.get_by_text("Your local section replaces '3. Reporting concerns', which this version changed")
           ).to_be_visible()
    expect(page.get_by_text("Designated Safeguarding Lead: Priya Patel")).to_be_visible()


def test_the_adoption_pages_fit_a_phone(phone, world, trust):
    sign_in(phone, "lead.north@school.example", world.password)
    phone.goto("/adoptions/")
    phone.get_by_role("button", name="Adopt Safeguarding Policy at North Primary").click()
    expect(phone.get_by_role("button", name="Add local section")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_label("Role").fill("Designated Safeguarding Lead")
    phone.get_by_label("Name").fill("Priya Patel")
    phone.get_by_role("button", name="Add contact").click()
    phone.locator("summary", has_text="Edit Designated Safeguarding Lead").click()
    expect(phone.get_by_role("form", name="Edit Designated Safeguarding Lead").get_by_label("Phone")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.goto("/adoptions/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    adoption = Adoption.objects.get(school=world.north)
    for url in (f"/adoptions/{adoption.pk}/", f"/adoptions/{adoption.pk}/redline/"):
        phone.goto(url)
        expect(phone.get_by_role("heading", level=1)).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360, url


def test_a_minor_trust_version_carries_the_school_s_copy_forward(page, phone, world, trust):
    policy, board, trustee = trust
    lead = Person.objects.get(email="lead.north@school.example")
    lgb = Committee.objects.get(name="North Primary Local Governing Body")
    adoption = adoption_services.start_adoption(school=world.north, policy=policy, by=lead.user)
    adoption_services.add_contact(adoption, role="Designated Safeguarding Lead", name="Priya Patel")
    adoption_services.send_to_committee(adoption, committee=lgb, by=lead.user)
    approvals.record_meeting_decision(Submission.objects.get(adoption=adoption), clerk=lgb.members.get().person,
                                      decision="approve", meeting_date=datetime.date.today(),
                                      minute_reference="LGB 7/26", today=datetime.date.today())

    # The trust fixes a typo: a minor version, which nobody signs again.
    draft = approvals.start_draft(policy, by=world.owner, is_major=False)
    approvals.save_draft(draft, body=BODY.replace("a part to play", "a part to play, every day"),
                         reason="Typo", is_major=False, review_cycle_months=12, audiences=[])
    approvals.record_vote(approvals.submit_draft(draft, committee=board, by=world.owner.user),
                          member=trustee, decision="approve")

    # A teacher still reads North Primary's copy, with its DSL, on a phone.
    sign_in(phone, "staff@school.example", world.password)
    phone.goto("/my/sign/safeguarding/")
    expect(phone.get_by_text(re.compile("carried forward to the trust's minor revision 1.1"))).to_be_visible()
    expect(phone.get_by_text("Priya Patel")).to_be_visible()
    expect(phone.get_by_text("Everyone has a part to play, every day.")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # The governance lead sees it carried forward, and may still adopt 1.1 afresh.
    sign_in(page, "lead.north@school.example", world.password)
    page.goto("/adoptions/")
    row = page.get_by_role("row", name=re.compile("Safeguarding Policy"))
    expect(row).to_contain_text("(carried forward)")
    expect(row.get_by_role("button", name="Re-adopt Safeguarding Policy at North Primary")).to_be_visible()
    row.get_by_role("link", name=re.compile("carried forward")).click()
    expect(page.get_by_text(re.compile("the trust's minor revision, with the same local parts"))).to_be_visible()
    page.get_by_role("link", name="the school's adoption of version 1.0").click()
    expect(page.get_by_text("Superseded by a later adoption")).to_be_visible()
