"""A governance lead opens the statutory checklist of the demo trust: each
school's items with their status, filtered to one school, and the CSV of the
same rows; trust HR sees the dashboard line and follows it. The checklist fits
a 360 px phone (its table scrolls inside its own box)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from portal.demo import DemoResult, load_demo
from tests.e2e.conftest import open_page, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

GOVERNANCE_LEAD = "governance@oakfield.example"
TRUST_HR = "hr@oakfield.example"
FITS_THE_SCREEN = "document.scrollingElement.scrollWidth <= Math.min(window.innerWidth, screen.width)"
TABLE_ROWS = """() => [...document.querySelectorAll('table.statutory-table')].flatMap(table =>
  [...table.tBodies[0].rows].map(row => [table.dataset.school, ...[...row.cells].map(c => c.innerText.trim())]))"""


@pytest.fixture
def demo(db) -> DemoResult:
    return load_demo()


def status_of(rows: list[list[str]], school: str, item: str) -> str:
    return next(row[2] for row in rows if row[0] == school and row[1] == item)


def test_governance_lead_sees_each_schools_statuses_filters_and_downloads_the_csv(page, demo):
    sign_in(page, GOVERNANCE_LEAD, demo.password)
    # Where they land (My policies): a line per school with something to do.
    expect(page.get_by_role("link", name=re.compile(
        r"^Riverside Academy: \d+ statutory policies missing, 2 overdue, 1 approved by the wrong body, "
        r"2 due for review$"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^Oakfield Learning Trust: \d+ statutory policies missing"))
           ).to_be_visible()
    page.goto("/policies/safeguarding/")
    expect(page.locator(".statutory-meets")).to_contain_text("Child protection policy and procedures")
    page.get_by_role("link", name=re.compile("^Change")).click()
    page.get_by_role("link", name="statutory checklist").click()
    expect(page.get_by_role("heading", name="Statutory checklist", level=1)).to_be_visible()

    rows = page.evaluate(TABLE_ROWS)
    assert {row[0] for row in rows} == {"Oakfield Learning Trust", "Oakfield Primary School", "Riverside Academy",
                                        "Hilltop Nursery School"}
    assert status_of(rows, "Riverside Academy", "Behaviour policy") == "Met"
    assert status_of(rows, "Riverside Academy", "Child protection policy and procedures") == "Due for review"
    assert status_of(rows, "Riverside Academy", "Staff code of conduct") == "Overdue"
    assert status_of(rows, "Riverside Academy", "Whistleblowing procedure") == "Approved by the wrong body"
    assert status_of(rows, "Riverside Academy", "Accessibility plan") == "Missing"
    assert status_of(rows, "Oakfield Primary School", "Behaviour policy") == "Missing"
    assert status_of(rows, "Hilltop Nursery School", "Supporting pupils with medical conditions") == "Met"
    assert status_of(rows, "Oakfield Learning Trust", "Data protection policy and privacy notices") == \
        "Approved by the wrong body"
    wrong = next(row for row in rows if row[0] == "Riverside Academy" and row[1] == "Whistleblowing procedure")
    assert wrong[-1] == "Approved by Executive Committee; needs the trust board or committee of the trust board."

    page.get_by_label("School", exact=True).select_option(label="Riverside Academy")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("^Riverside Academy"))).to_be_visible()
    filtered = page.evaluate(TABLE_ROWS)
    assert {row[0] for row in filtered} == {"Riverside Academy"}
    assert len(filtered) == len([row for row in rows if row[0] == "Riverside Academy"])

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename == "statutory-checklist.csv"
    cells = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert cells[0][:3] == ["School", "Statutory item", "Status"]
    assert cells[1:] == filtered


def test_trust_hr_follows_the_dashboard_line_to_the_schools_checklist(page, demo):
    sign_in(page, TRUST_HR, demo.password)
    page.goto("/reports/")
    line = page.get_by_role("link", name=re.compile(r"^Riverside Academy: \d+ statutory policies missing, 2 overdue"))
    expect(line).to_be_visible()
    line.click()
    expect(page.get_by_label("School", exact=True)).to_have_value("riverside")
    assert {row[0] for row in page.evaluate(TABLE_ROWS)} == {"Riverside Academy"}


def test_the_checklist_fits_a_phone(browser, live_server, demo):
    for phone in open_page(browser, live_server, viewport={"width": 360, "height": 740}, is_mobile=True):
        sign_in(phone, GOVERNANCE_LEAD, demo.password)
        phone.goto("/statutory/")
        expect(phone.get_by_role("heading", name="Statutory checklist", level=1)).to_be_visible()
        assert phone.evaluate(FITS_THE_SCREEN)
        phone.goto("/statutory/policies/safeguarding/")
        assert phone.evaluate(FITS_THE_SCREEN)
