"""The policy owner writes a check of understanding in a draft, is told what
is missing, saves it, and sees it in the draft's redline; on a phone too."""

import pytest
from playwright.sync_api import expect

from approvals import services
from policies import quiz
from policies.views import QUIZ_SAVED
from tests.e2e.conftest import sign_in
from tests.factories import published_policy

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BODY = "## 1. Introduction\n\n1.1 Staff must lock screens.\n\n## 2. Phishing\n\n2.1 Report phishing at once."


@pytest.fixture
def draft(world):
    policy = published_policy(title="Email Policy", owner=world.owner, organisation=world.trust, body=BODY)
    return services.start_draft(policy, by=world.owner)


def test_owner_writes_a_question_fixes_a_mistake_and_sees_it_in_the_redline(page, world, draft):
    sign_in(page, "head.it@school.example", world.password)
    page.goto(f"/policies/{draft.policy.slug}/draft/")
    page.get_by_role("link", name="Check of understanding: none yet").click()
    question = page.get_by_role("group", name="Question 1 (new)")
    question.get_by_role("textbox", name="Question").fill("What do you do with a suspicious email?")
    question.get_by_role("textbox", name="Option 1").fill("Open the attachment to check")
    question.get_by_role("textbox", name="Option 2").fill("Report it at once")
    question.get_by_label("Section to re-read if answered wrongly").select_option("2. Phishing")
    page.get_by_role("button", name="Save questions").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Question 1: {quiz.ANSWER_NEEDED}")

    page.get_by_role("group", name="Question 1").get_by_role("radio", name="Option 2").check()
    page.get_by_role("button", name="Save questions").click()
    expect(page.get_by_role("status")).to_contain_text(QUIZ_SAVED)
    saved = page.get_by_role("group", name="Question 1", exact=True)
    expect(saved.get_by_role("textbox", name="Question")).to_have_value("What do you do with a suspicious email?")
    expect(saved.get_by_role("radio", name="Option 2")).to_be_checked()

    page.get_by_role("link", name="Back to the draft").click()
    expect(page.get_by_role("link", name="Check of understanding: 1 question")).to_be_visible()
    expect(page.locator("ins", has_text="What do you do with a suspicious email?")).to_be_visible()
    draft.refresh_from_db()
    assert draft.quiz[0]["answer"] == 1


def test_the_quiz_page_fits_a_phone(phone, world, draft):
    sign_in(phone, "head.it@school.example", world.password)
    phone.goto(f"/policies/{draft.policy.slug}/quiz/")
    expect(phone.get_by_role("button", name="Save questions")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
