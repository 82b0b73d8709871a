"""A member of staff signs in, searches the library, opens a policy and
reads its version table; the public reads a published policy; a policy owner
imports a document."""

import datetime

import pytest
from playwright.sync_api import expect

from policies.services import publish_version
from tests.e2e.conftest import sign_in
from tests.factories import CommitteeFactory, PolicyFactory, VersionFactory, published_policy

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BODY = "## 1. Introduction\n\n1.1 Report phishing to the IT service desk.\n\n## 2. Security\n\n2.1 Lock screens."


@pytest.fixture
def email_policy(world):
    board = CommitteeFactory(name="Trust Board", organisation=world.trust)
    policy = PolicyFactory(title="Email Policy", organisation=world.trust, owner=world.owner)
    VersionFactory(policy=policy, label="1.0", status="superseded", committee=board, reason="New policy",
                   approved_on=datetime.date(2022, 7, 12), body="## 1. Introduction\n\n1.1 Old.")
    publish_version(VersionFactory(policy=policy, label="1.1", committee=board, reason="Periodic review",
                                   approved_on=datetime.date(2024, 9, 10), body=BODY))
    published_policy(title="Whistleblowing Policy", organisation=world.trust)
    return policy


def test_staff_search_the_library_open_a_policy_and_read_its_version_table(page, world, email_policy):
    sign_in(page, "staff@school.example", world.password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Policy library").click()
    expect(page.get_by_role("heading", name="Policy library")).to_be_visible()
    page.get_by_label("Search titles and text").fill("phishing")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("1 policy matching “phishing”")).to_be_visible()
    expect(page.get_by_role("link", name="Whistleblowing Policy")).to_have_count(0)
    page.get_by_role("link", name="Email Policy").click()
    expect(page.get_by_role("heading", name="Email Policy", level=1)).to_be_visible()
    table = page.get_by_role("table", name="Version history")
    rows = table.get_by_role("row")
    expect(rows).to_have_count(3)
    expect(rows.nth(1)).to_contain_text("12 Jul 2022 (Trust Board)")
    expect(rows.nth(2)).to_contain_text("Periodic review")
    page.get_by_role("navigation", name="Contents").get_by_role("link", name="2. Security").click()
    expect(page.get_by_role("heading", name="2. Security")).to_be_in_viewport()


def test_an_older_version_opens_from_the_version_table(page, world, email_policy):
    sign_in(page, "staff@school.example", world.password)
    page.goto(email_policy.get_absolute_url())
    page.get_by_role("table", name="Version history").get_by_role("link", name="1.0").click()
    expect(page.get_by_role("note")).to_contain_text("which has been superseded")


def test_the_version_table_reads_on_a_phone(phone, world, email_policy):
    sign_in(phone, "staff@school.example", world.password)
    phone.goto(email_policy.get_absolute_url())
    cell = phone.get_by_role("table", name="Version history").get_by_text("Periodic review")
    expect(cell).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360


def test_wrong_password_is_refused(page, world):
    sign_in(page, "staff@school.example", "not the password")
    expect(page.get_by_role("alert")).to_contain_text("correct")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_the_public_reads_a_published_policy_without_signing_in(page, world):
    published_policy(title="Behaviour Policy", is_public=True, body="## 1. Our approach\n\n1.1 Be kind.")
    page.goto("/public/policies/")
    page.get_by_role("link", name="Behaviour Policy").click()
    expect(page.get_by_text("1.1 Be kind.")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_a_policy_owner_imports_a_document(page, world, email_policy, tmp_path):
    document = tmp_path / "phones.txt"
    document.write_text("Mobile Phone Policy\n\n1. Introduction\n\n1.1 Phones stay in lockers.\n")
    sign_in(page, "head.it@school.example", world.password)
    page.goto("/policies/")
    page.get_by_role("link", name="Import policy documents").click()
    page.get_by_label("Policy documents").set_input_files(str(document))
    page.get_by_role("button", name="Read the documents").click()
    expect(page.get_by_role("heading", name="Check and correct what was read")).to_be_visible()
    expect(page.get_by_text("This will add a new policy")).to_be_visible()
    page.get_by_role("button", name="Import this policy").click()
    expect(page.get_by_role("heading", name="Mobile Phone Policy", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("new policy")
