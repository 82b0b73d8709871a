"""HR filters to one school's overdue people and downloads the CSV."""

import csv
import io

import pytest
from playwright.sync_api import expect

from acknowledgements.services import sync_obligations
from tests.e2e.conftest import sign_in
from tests.factories import PersonFactory, published_policy, sign_off_rule

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_hr_filters_one_schools_overdue_people_and_downloads_the_csv(page, world):
    sign_off_rule(published_policy(title="Email Policy"), groups=["teaching"])
    PersonFactory(first_name="Sue", last_name="Southern", schools=[world.south])
    sync_obligations()
    sign_in(page, "hr@school.example", world.password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("table", name="By school")).to_contain_text("North Primary")
    page.get_by_role("link", name="Who is overdue").click()
    page.get_by_label("School").select_option(label="North Primary")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status")).to_contain_text("1 outstanding sign-off")
    expect(page.get_by_role("link", name="Sam Staff")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert [row[0] for row in rows] == ["person", "Sam Staff"]
    assert rows[1][2] == "North Primary"
