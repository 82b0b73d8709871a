"""HR opens the check-of-understanding pass rates from the reports dashboard
and sees the question staff get wrong first."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from acknowledgements.models import QuizAttempt
from policies.services import publish_version
from tests.e2e.conftest import sign_in
from tests.factories import PersonFactory, PolicyFactory, VersionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BODY = "## 1. Introduction\n\nText.\n\n## 2. Phishing\n\nReport it.\n"
QUIZ = [
    {"question": "What is this policy about?", "options": ["Email", "Parking"], "answer": 0,
     "section": "1. Introduction"},
    {"question": "What do you do with a suspicious email?", "options": ["Open it", "Report it"], "answer": 1,
     "section": "2. Phishing"},
]


def test_hr_sees_the_worst_question_first(page, world):
    policy = PolicyFactory(organisation=world.trust, title="Email Policy")
    version = publish_version(VersionFactory(policy=policy, body=BODY, quiz=QUIZ))
    when = timezone.make_aware(datetime.datetime(2026, 3, 3, 9, 0))
    for correct in ([True, False], [True, False], [True, True], [True, True]):
        QuizAttempt.objects.create(person=PersonFactory(schools=[world.north]), version=version, number=1,
                                   answers=[0, 1 if correct[1] else 0], correct=correct, passed=all(correct),
                                   answered_at=when)
    sign_in(page, "hr@school.example", world.password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Checks of understanding").click()
    expect(page.get_by_role("heading", name="Email Policy, version 1.0")).to_be_visible()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.nth(1)).to_contain_text("What do you do with a suspicious email?")
    expect(rows.nth(1)).to_contain_text("50%")
    expect(rows.nth(2)).to_contain_text("100%")
    expect(page.get_by_text("4 first attempts.")).to_be_visible()


def test_the_pass_rates_fit_a_phone(phone, world):
    policy = PolicyFactory(organisation=world.trust, title="Email Policy")
    publish_version(VersionFactory(policy=policy, body=BODY, quiz=QUIZ))
    sign_in(phone, "hr.north@school.example", world.password)
    phone.goto("/reports/understanding/")
    expect(phone.get_by_text("No one has answered these questions yet.")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
