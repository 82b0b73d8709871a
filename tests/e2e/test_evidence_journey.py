"""HR opens the dashboard and reads the last evidence check: intact with its
count and time; after someone edits a sign-off in the database and the
nightly check runs, a red alert naming the record, readable on a phone."""

import datetime

import pytest
from django.db import connection
from playwright.sync_api import expect

from acknowledgements import evidence_check
from tests.e2e.conftest import sign_in
from tests.factories import published_policy, sign_off_rule, view_and_sign

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_hr_sees_the_chain_intact_then_the_break_named(page, world):
    policy = published_policy(title="Email Policy")
    sign_off_rule(policy)
    sign_off, _ = view_and_sign(person=world.staff, version=policy.current_version)
    evidence_check.verify()
    sign_in(page, "hr@school.example", world.password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.locator(".evidence-check")).to_contain_text("Evidence chain: 2 records, intact, checked")

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE acknowledgements_signoff DISABLE TRIGGER USER")
        cursor.execute("UPDATE acknowledgements_signoff SET signed_on = %s WHERE id = %s",
                       [datetime.date(2020, 1, 1), sign_off.pk])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE acknowledgements_signoff ENABLE TRIGGER USER")
    evidence_check.verify()
    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Evidence chain broken")
    expect(alert).to_contain_text(f"sign-off {sign_off.pk} (Sam Staff, Email Policy v1.0)")
    expect(alert).to_contain_text("its contents changed after it was sealed")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
