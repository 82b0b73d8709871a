"""HR filters the outstanding list and asks for it in Excel: the server
prepares the file while a progress page watches, then offers it to download;
the CSV of the same list downloads at once. The pages fit a 360 px phone."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from acknowledgements.services import sync_obligations
from reports import tasks
from reports.export_jobs import build_export_file
from tests.e2e.conftest import sign_in
from tests.factories import PersonFactory, published_policy, sign_off_rule

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FITS_THE_SCREEN = "document.scrollingElement.scrollWidth <= Math.min(window.innerWidth, screen.width)"


@pytest.fixture
def owing(world):
    sign_off_rule(published_policy(title="Email Policy"), groups=["teaching"])
    PersonFactory(first_name="Sue", last_name="Southern", schools=[world.south])
    sync_obligations()


@pytest.fixture
def worker(monkeypatch) -> list[int]:
    """The jobs the live server hands to the worker; the test builds them
    itself when it wants the worker to have run (no broker, no real task)."""
    sent: list[int] = []
    monkeypatch.setattr(tasks.build_export, "delay", sent.append)
    return sent


def filter_to_north(page) -> None:
    page.goto("/reports/outstanding/")
    page.get_by_label("School").select_option(label="North Primary")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status").first).to_contain_text("1 outstanding sign-off")


def test_hr_asks_for_excel_watches_it_being_prepared_and_downloads_it(page, world, owing, worker):
    sign_in(page, "hr@school.example", world.password)
    filter_to_north(page)

    page.get_by_role("button", name="Prepare Excel (XLSX)").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Outstanding sign-offs as Excel (XLSX)")
    status = page.locator("#export-status")
    expect(status).to_have_text("Waiting for the server to start preparing the file.")
    expect(page.get_by_role("progressbar")).to_be_visible()
    assert len(worker) == 1

    build_export_file(worker[0])  # the worker runs; the page is polling

    expect(status).to_have_text("Ready: 1 row.")
    download_link = page.get_by_role("link", name=re.compile(r"^Download outstanding-sign-offs-.*\.xlsx$"))
    expect(download_link).to_be_visible()
    expect(page.get_by_role("progressbar")).to_have_count(0)
    with page.expect_download() as download:
        download_link.click()
    assert re.fullmatch(r"outstanding-sign-offs-\d{4}-\d{2}-\d{2}\.xlsx", download.value.suggested_filename)
    rows = list(load_workbook(io.BytesIO(download.value.path().read_bytes())).active.iter_rows(values_only=True))
    assert [row[0] for row in rows] == ["person", "Sam Staff"]
    assert rows[1][2] == "North Primary"

    # A closed tab loses nothing: the list keeps the file under "Your recent exports".
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Outstanding").click()
    recent = page.get_by_role("region", name="Your recent exports")
    expect(recent.get_by_role("link", name=re.compile(r"^Download outstanding-sign-offs-"))).to_be_visible()


def test_the_csv_of_the_filtered_list_downloads_at_once(page, world, owing, worker):
    sign_in(page, "hr@school.example", world.password)
    filter_to_north(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()

    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert [row[0] for row in rows] == ["person", "Sam Staff"]
    assert worker == []  # nothing for the worker


def test_a_failed_export_says_why(page, world, owing, worker, monkeypatch):
    from reports import exports

    def broken(rows, target):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "write_xlsx", broken)
    sign_in(page, "hr@school.example", world.password)
    page.goto("/reports/outstanding/")
    page.get_by_role("button", name="Prepare Excel (XLSX)").click()
    expect(page.locator("#export-status")).to_contain_text("Waiting")

    build_export_file(worker[0])

    expect(page.locator("#export-status")).to_have_text("The file could not be prepared.")
    expect(page.get_by_text("Ask for it again from the outstanding list")).to_be_visible()


def test_the_export_pages_fit_a_phone(phone, world, owing, worker):
    sign_in(phone, "hr@school.example", world.password)
    phone.goto("/reports/outstanding/")
    phone.get_by_role("button", name="Prepare Excel (XLSX)").click()
    expect(phone.get_by_role("progressbar")).to_be_visible()
    assert phone.evaluate(FITS_THE_SCREEN), "the export's progress page is wider than the phone"

    build_export_file(worker[0])

    expect(phone.get_by_role("link", name=re.compile(r"^Download outstanding-sign-offs-"))).to_be_visible()
    assert phone.evaluate(FITS_THE_SCREEN), "the ready export's page is wider than the phone"
    phone.goto("/reports/outstanding/")
    expect(phone.get_by_role("heading", name="Your recent exports")).to_be_visible()
    assert phone.evaluate(FITS_THE_SCREEN), "the outstanding list with recent exports is wider than the phone"
