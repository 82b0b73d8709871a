"""Viewed before signed: a forged sign-off POST from someone who never opened
the text is refused; opening it and signing works, and the receipt says when
each happened. Reaching the end, where the rule asks, with and without
JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from acknowledgements.models import SignOff, SignOffRule, Viewing
from acknowledgements.services import NOT_OPENED
from tests.e2e.conftest import open_page, sign_in
from tests.factories import published_policy, sign_off_rule

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BODY = "## 1. Phishing\n\n1.1 Report phishing to the IT service desk.\n\n## 2. Passwords\n\n2.1 Never share them."
LONG_BODY = BODY + "".join(f"\n\n## {n}. Section {n}\n\n{n}.1 " + "Read this carefully. " * 40 for n in range(3, 15))
STATEMENT = "I confirm that I have read and understood the Email Policy, version 1.0."


@pytest.fixture
def email_policy(world):
    policy = published_policy(title="Email Policy", organisation=world.trust, body=BODY)
    sign_off_rule(policy)
    return policy


def test_a_forged_post_is_refused_then_opening_the_text_lets_me_sign(page, world, email_policy):
    sign_in(page, "staff@school.example", world.password)
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    forged = page.request.post(f"/my/sign/{email_policy.slug}/", form={
        "csrfmiddlewaretoken": token, "version": str(email_policy.current_version.pk), "confirm": "on",
    }, headers={"Referer": page.url})
    assert forged.status == 200
    assert NOT_OPENED in forged.text()
    assert not SignOff.objects.exists()
    assert not Viewing.objects.exists()

    page.goto(f"/my/sign/{email_policy.slug}/")
    expect(page.get_by_text("1.1 Report phishing to the IT service desk.")).to_be_visible()
    page.get_by_label(STATEMENT).check()
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_role("heading", name="Sign-off receipt")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Opened \d\d:\d\d, signed \d\d:\d\d$"))).to_be_visible()
    sign_off = SignOff.objects.get()
    assert sign_off.viewed_at == Viewing.objects.get().viewed_at


@pytest.fixture
def long_policy(world):
    policy = published_policy(title="Email Policy", organisation=world.trust, body=LONG_BODY)
    sign_off_rule(policy)
    SignOffRule.objects.filter(policy=policy).update(require_reaching_end=True)
    return policy


def test_reaching_the_end_unlocks_the_tick_box(page, world, long_policy):
    sign_in(page, "staff@school.example", world.password)
    page.goto(f"/my/sign/{long_policy.slug}/")
    expect(page.get_by_text("Scroll to the end of the policy to confirm.")).to_be_visible()
    box = page.get_by_label(STATEMENT)
    expect(box).to_be_disabled()
    expect(page.get_by_role("button", name="Sign", exact=True)).to_be_disabled()
    page.locator("[data-end-of-text]").scroll_into_view_if_needed()
    expect(box).to_be_enabled()
    box.check()
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_role("heading", name="Sign-off receipt")).to_be_visible()
    assert SignOff.objects.filter(person=world.staff).count() == 1


def test_without_javascript_the_tick_box_after_the_text_just_works(browser, live_server, world, long_policy):
    for page in open_page(browser, live_server, viewport={"width": 360, "height": 740}, java_script_enabled=False):
        sign_in(page, "staff@school.example", world.password)
        page.goto(f"/my/sign/{long_policy.slug}/")
        expect(page.get_by_label(STATEMENT)).to_be_enabled()
        page.get_by_label(STATEMENT).check()
        page.get_by_role("button", name="Sign", exact=True).click()
        expect(page.get_by_role("heading", name="Sign-off receipt")).to_be_visible()
    assert SignOff.objects.filter(person=world.staff).count() == 1
