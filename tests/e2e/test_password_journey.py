"""A new starter who signed in by link sets a password on a phone: a weak one
is refused with the reason, a good one works next time."""

import pytest
from playwright.sync_api import expect

from people.sign_in import login_for
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_new_starter_sets_a_password_after_signing_in_by_link(phone, world, live_server):
    from sesame.utils import get_query_string

    user = login_for(world.staff)
    user.set_unusable_password()
    user.save()
    phone.goto(f"/accounts/link/{get_query_string(user)}")
    phone.get_by_role("button", name="Continue").click()  # the link's page; only its Continue signs in
    phone.get_by_role("link", name="Password").click()
    expect(phone.get_by_role("heading", name="Set a password")).to_be_visible()
    phone.get_by_label("New password:", exact=True).fill("password123")
    phone.get_by_label("New password confirmation:").fill("password123")
    phone.get_by_role("button", name="Save password").click()
    expect(phone.get_by_role("link", name="This password is too common.")).to_be_visible()  # the error summary
    phone.get_by_label("New password:", exact=True).fill("Kestrel-orchard-42")
    phone.get_by_label("New password confirmation:").fill("Kestrel-orchard-42")
    phone.get_by_role("button", name="Save password").click()
    expect(phone.get_by_text("Your password is set.")).to_be_visible()
    phone.context.clear_cookies()
    sign_in(phone, "staff@school.example", "Kestrel-orchard-42")
    expect(phone.get_by_role("heading", name="My policies")).to_be_visible()
