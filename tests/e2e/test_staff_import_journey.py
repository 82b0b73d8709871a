"""Trust HR imports a large staff file: the worker imports it while the
progress page updates itself (no script, so the CSP holds), then shows the
summary."""

import re
from unittest.mock import patch

import pytest
from playwright.sync_api import expect

from people.models import Person, StaffImportJob
from people.tasks import run_staff_import
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADER = "Staff ID,First name,Last name,Work email,School,Staff group\n"


def test_trust_hr_watches_a_large_import_finish(page, world, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text(HEADER + "".join(f"J{n},Jo{n},Big,jo{n}@big.example,north,Teacher\n" for n in range(600)))
    sign_in(page, "hr@school.example", world.password)
    page.goto("/people/import/")
    page.get_by_label("Staff CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Check file").click()
    expect(page.get_by_role("heading", name="Ready to import")).to_be_visible()
    with patch("people.tasks.run_staff_import.delay"):  # no worker in the test: it is run below
        page.get_by_role("button", name="Import staff").click()
        expect(page.get_by_role("heading", name="Importing staff")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Waiting for the worker")
    assert re.search(r"/people/import/jobs/\d+/$", page.url)
    run_staff_import(StaffImportJob.objects.get().pk)
    expect(page.get_by_role("heading", name="Staff imported")).to_be_visible()  # the page refreshed itself
    expect(page.get_by_role("status")).to_contain_text("600 new, 0 updated, 0 unchanged")
    assert Person.objects.filter(email__endswith="@big.example").count() == 600
