"""Issue 15, item 4: on a phone, My policies says which school year a yearly
re-reading is for, both the one owed and the one already signed."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from acknowledgements.services import sync_obligations
from tests.e2e.conftest import sign_in
from tests.factories import published_policy, sign_off_rule, view_and_sign

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def yearly(world):
    policy = published_policy(title="Safeguarding Policy", organisation=world.trust)
    sign_off_rule(policy, annual_from=datetime.date(2024, 9, 1), annual_days=30)
    view_and_sign(person=world.staff, version=policy.current_version, signed_on=datetime.date(2025, 3, 1))
    sync_obligations(today=datetime.date(2025, 9, 10))
    view_and_sign(person=world.staff, version=policy.current_version, signed_on=datetime.date(2025, 9, 15))
    sync_obligations(today=datetime.date(2026, 9, 10))


def test_my_policies_names_the_school_year_on_a_phone(phone, world, yearly):
    sign_in(phone, "staff@school.example", world.password)
    phone.goto("/my/")
    expect(phone.get_by_role("heading", name="My policies")).to_be_visible()
    card = phone.get_by_role("list", name="Policies to sign").get_by_role("listitem")
    expect(card).to_contain_text("Safeguarding Policy")
    expect(card).to_contain_text("Yearly re-reading for 2026–27")
    expect(phone.get_by_role("cell", name="1.0 · 2025–26")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
