"""A governance lead uploads a policy whose title and one version row were
misread, corrects both on the correction form, imports it, and finds the
corrections saved and the audit entry written (issue 16, "Done when")."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.imports.correcting import MISREAD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


# Wider than the screen means the reader scrolls sideways (as tests/e2e/test_phone_fit.py measures it).
OVERFLOW = "document.scrollingElement.scrollWidth - Math.min(window.innerWidth, screen.width)"


def upload(page, tmp_path) -> None:
    document = tmp_path / "email.md"
    document.write_bytes(MISREAD)
    page.goto("/policies/import/")
    page.get_by_label("Policy document").set_input_files(str(document))
    page.get_by_role("button", name="Read the documents").click()
    expect(page.get_by_role("heading", name="Check and correct what was read")).to_be_visible()


def test_a_misread_title_and_version_row_are_corrected_before_saving(page, world, tmp_path):
    sign_in(page, "governance@school.example", world.password)
    upload(page, tmp_path)
    expect(page.get_by_label("Title")).to_have_value("Connected, Curious, Kind")
    expect(page.get_by_text("Staff use their work email for school business only.")).to_be_visible()

    page.get_by_label("Title").fill("Email Policy")
    row = page.get_by_role("group", name="Row 2: version 2.0")
    expect(row.get_by_label("Date approved")).to_have_value("2042-09-01")
    row.get_by_label("Date approved").fill("2024-09-01")
    page.get_by_role("button", name="Import this policy").click()

    expect(page.get_by_role("heading", name="Email Policy", level=1)).to_be_visible()
    versions = page.locator(".version-table")
    expect(versions.get_by_role("row").filter(has_text="Annual review")).to_contain_text("1 Sep 2024")
    expect(versions).not_to_contain_text("2042")
    page.get_by_text("Audit timeline").click()
    audit = "Imported from email.md, corrected: title, version 2.0 approved date"
    expect(page.get_by_text(audit).first).to_be_visible()


def test_the_correction_form_fits_a_phone(phone, world, tmp_path):
    sign_in(phone, "governance@school.example", world.password)
    upload(phone, tmp_path)
    assert phone.evaluate(OVERFLOW) <= 0
    # The document's text is below the form on a phone, not squeezed beside it.
    form_box = phone.locator("form.import-form").bounding_box()
    text_box = phone.locator(".import-document").bounding_box()
    assert text_box["y"] >= form_box["y"] + form_box["height"]
