"""Head of IT edits one paragraph of a draft in Chromium: the browser posts
the textarea with CRLF line endings, and the redline still shows exactly one
section changed, with no blank gaps (issue 14, item 1)."""

import pytest
from playwright.sync_api import expect

from approvals import services
from tests.e2e.conftest import sign_in
from tests.factories import published_policy

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BODY = (
    "## 1. Introduction\n\n1.1 Staff must lock screens.\n\n1.2 Screens lock after five minutes.\n\n"
    "## 2. Phishing\n\n2.1 Report phishing at once.\n\n"
    "## 3. Passwords\n\n3.1 Use a password manager.\n\n"
    "## 4. Review\n\n4.1 This policy is reviewed every two years."
)


def test_head_of_it_adds_one_sentence_and_sees_one_section_changed(page, world):
    policy = published_policy(title="Email Policy", owner=world.owner, organisation=world.trust, body=BODY)
    services.start_draft(policy, by=world.owner)

    sign_in(page, "head.it@school.example", world.password)
    page.goto(policy.get_absolute_url())
    page.get_by_role("link", name="Continue draft 1.1").click()
    editor = page.get_by_label("Policy text")
    editor.fill(editor.input_value().replace("at once.", "at once. Forward it to the service desk."))
    page.get_by_label("Reason for revision").fill("Phishing reports")
    page.get_by_role("button", name="Save draft").click()  # a real submit: the textarea goes as CRLF

    expect(page.get_by_role("status")).to_contain_text("Draft saved.")
    expect(page.locator(".redline__section--changed")).to_have_count(1)
    changed = page.get_by_role("region", name="2. Phishing: Changed")
    expect(changed.locator("ins")).to_have_text("Forward it to the service desk.")
    expect(page.locator(".redline__section--unchanged")).to_have_count(3)
    text = changed.locator(".redline__text").text_content()
    assert "\r" not in text and "\n\n\n" not in text  # no blank gaps
    assert "\r" not in editor.input_value()
