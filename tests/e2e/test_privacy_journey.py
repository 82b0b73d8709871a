"""Subject access in the browser: a member of staff downloads their own data
from My policies; HR downloads a person's from the staff record."""

import datetime
import json

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import published_policy, sign_off_rule, view_and_sign

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_policy(world):
    policy = published_policy(title="Email Policy")
    sign_off_rule(policy)
    view_and_sign(person=world.staff, version=policy.current_version)
    return policy


def test_staff_download_their_own_data_on_a_phone(phone, world, signed_policy):
    sign_in(phone, "staff@school.example", world.password)
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Download my data").click()
    export = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert export["person"]["work_email"] == "staff@school.example"
    assert [s["policy"] for s in export["sign_offs"]] == ["Email Policy"]


def test_hr_exports_a_leavers_data_and_sees_when_it_will_be_anonymised(page, world, signed_policy, settings):
    settings.LEAVER_RETENTION_DAYS = 365
    world.staff.leave_date = datetime.date(2026, 7, 31)
    world.staff.save()
    sign_in(page, "hr.north@school.example", world.password)
    page.goto(f"/people/{world.staff.pk}/")
    expect(page.get_by_text("Will be anonymised on 31 Jul 2027")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Subject access export").click()
    assert download.value.suggested_filename.startswith(f"subject-access-{world.staff.pk}-")
    export = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert export["person"]["leave_date"] == "2026-07-31"
