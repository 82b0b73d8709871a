"""A member of staff signs in with an emailed link on a phone, by keyboard,
then opens the same link again a day later and gets a new one in one click
(issue 14, item 4)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from people.sign_in_views import LINK_NOT_VALID, NEW_LINK_SENT

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def latest_link() -> str:
    return re.search(r"https?://\S+", mail.outbox[-1].body).group(0)


def fits_the_screen(page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def test_a_member_of_staff_signs_in_by_link_and_asks_again_from_a_used_one(phone, world, live_server):
    from axe_playwright_python.sync_playwright import Axe

    phone.goto("/accounts/link/request/")
    phone.get_by_label("Work email").fill("staff@school.example")
    phone.get_by_role("button", name="Send link").click()
    expect(phone.get_by_text("a sign-in link is on its way")).to_be_visible()
    assert [m.to for m in mail.outbox] == [["staff@school.example"]]
    link = latest_link()

    phone.goto(link)
    expect(phone.get_by_role("heading", name="Sign in to Policy Portal")).to_be_visible()
    fits_the_screen(phone)
    assert Axe().run(phone).violations_count == 0
    expect(phone.get_by_role("button", name="Continue")).to_be_focused()
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", name="My policies")).to_be_visible()

    phone.get_by_role("button", name="Sign out").click()
    phone.goto(link)
    expect(phone.get_by_role("heading", name=LINK_NOT_VALID)).to_be_visible()
    expect(phone.get_by_text("does not have permission")).to_have_count(0)
    fits_the_screen(phone)
    assert Axe().run(phone).violations_count == 0
    phone.get_by_role("button", name="Email me a new link").click()
    expect(phone.get_by_text(NEW_LINK_SENT.format(days=3))).to_be_visible()
    assert [m.to for m in mail.outbox] == [["staff@school.example"]] * 2

    phone.goto(latest_link())
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_role("heading", name="My policies")).to_be_visible()
