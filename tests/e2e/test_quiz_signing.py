"""A check of understanding on a phone: answered wrongly, the page names the
section to re-read; answered rightly, the tick box appears and the sign-off
records attempt 2."""

import pytest
from playwright.sync_api import expect

from acknowledgements.models import QuizAttempt, SignOff
from policies.services import publish_version
from tests.e2e.conftest import sign_in
from tests.factories import PolicyFactory, VersionFactory, sign_off_rule

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BODY = ("## 1. Phishing\n\n1.1 Report phishing to the IT service desk at once.\n\n"
        "## 2. Passwords\n\n2.1 Never share your password, not even with IT.\n")
QUIZ = [
    {"question": "Who do you tell about a phishing email?", "options": ["Nobody", "The IT service desk"],
     "answer": 1, "section": "1. Phishing"},
    {"question": "May you share your password with IT?", "options": ["Yes", "No"], "answer": 1,
     "section": "2. Passwords"},
]
STATEMENT = "I confirm that I have read and understood the Email Policy, version 1.0."


@pytest.fixture
def email_policy(world):
    policy = PolicyFactory(title="Email Policy", organisation=world.trust)
    version = VersionFactory(policy=policy, body=BODY, quiz=QUIZ)
    publish_version(version, on=version.effective_on)
    policy.refresh_from_db()
    sign_off_rule(policy)
    return policy


def answer(page, first: str, second: str) -> None:
    page.get_by_role("group", name="1. Who do you tell about a phishing email?").get_by_label(first).check()
    page.get_by_role("group", name="2. May you share your password with IT?").get_by_label(second).check()
    page.get_by_role("button", name="Check my answers").click()


def test_a_wrong_answer_then_a_right_one_signs_with_two_attempts(phone, world, email_policy):
    sign_in(phone, "staff@school.example", world.password)
    phone.goto(f"/my/sign/{email_policy.slug}/")
    expect(phone.get_by_label(STATEMENT)).to_have_count(0)  # no tick box before the check is passed

    answer(phone, "The IT service desk", "Yes")
    alert = phone.get_by_role("alert")
    expect(alert).to_contain_text("Some answers are not right yet")
    expect(alert).to_contain_text("Question 2: re-read 2. Passwords")
    expect(alert).not_to_contain_text("Question 1")
    alert.get_by_role("link", name="2. Passwords").click()
    expect(phone).to_have_url(f"{phone.url.split('#')[0]}#2-passwords")
    expect(phone.get_by_role("heading", name="2. Passwords")).to_be_in_viewport()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    answer(phone, "The IT service desk", "No")
    expect(phone.get_by_role("status").first).to_contain_text("You answered every question correctly")
    phone.get_by_label(STATEMENT).check()
    phone.get_by_role("button", name="Sign", exact=True).click()
    expect(phone.get_by_role("heading", name="Sign-off receipt")).to_be_visible()
    expect(phone.get_by_text("Check of understanding: passed on attempt 2")).to_be_visible()
    sign_off = SignOff.objects.get(person=world.staff)
    assert sign_off.quiz_attempts == 2
    assert sign_off.quiz_answers == [1, 1]
    assert list(QuizAttempt.objects.order_by("number").values_list("passed", flat=True)) == [False, True]


def test_the_check_with_wrong_answers_has_no_accessibility_violations(page, world, email_policy):
    from axe_playwright_python.sync_playwright import Axe

    sign_in(page, "staff@school.example", world.password)
    page.goto(f"/my/sign/{email_policy.slug}/")
    answer(page, "Nobody", "Yes")
    expect(page.get_by_role("alert")).to_contain_text("Question 1: re-read 1. Phishing")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
