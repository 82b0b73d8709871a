"""A governance lead brings several policies at once (loose files and a zip):
the batch page's progress bar advances as the worker reads them (htmx
polling, no inline script, so the CSP holds), the documents are sorted into
ready, needs a look and cannot be read, and "Import all that are ready" puts
the ready ones in the library. No real Celery task: the test plays the
worker, reading the queued items itself."""

from __future__ import annotations

import io
import zipfile
from unittest.mock import patch

import pytest
from playwright.sync_api import expect

from imports.models import ImportItem
from imports.reading import read_item
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OVERFLOW = "document.scrollingElement.scrollWidth - Math.min(window.innerWidth, screen.width)"


def policy_text(title: str) -> str:
    return (f"{title}\n\nVersion\t1.0\nApproved\t01/09/2024\nReview Date\t01/09/2026\n\n"
            f"1. Purpose\n\n1.1 Staff follow the {title.lower()}.\n")


def folder(tmp_path) -> list[str]:
    (tmp_path / "Email Policy.txt").write_text(policy_text("Email Policy"))
    (tmp_path / "Meeting Notes.txt").write_text("Meeting Notes\n\nVersion\t1.0\nApproved\tsoon-ish\n\n1.1 Text.\n")
    (tmp_path / "empty.txt").write_text("")
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("HR/Lone Working Policy with a rather long name for a phone screen.txt",
                         policy_text("Lone Working Policy"))
        archive.writestr("HR/rota.xlsx", b"PK")
    (tmp_path / "hr.zip").write_bytes(data.getvalue())
    return [str(tmp_path / name) for name in ("Email Policy.txt", "Meeting Notes.txt", "empty.txt", "hr.zip")]


def read_one() -> None:
    """The worker's turn: read one queued document."""
    read_item(ImportItem.objects.filter(state=ImportItem.State.QUEUED).order_by("pk").values_list("pk", flat=True)[0])


@pytest.mark.parametrize("screen", ["page", "phone"])
def test_governance_uploads_a_folder_watches_it_read_and_imports_the_ready_ones(request, screen, world, tmp_path):
    page = request.getfixturevalue(screen)
    sign_in(page, "governance@school.example", world.password)
    page.goto("/policies/import/")
    page.get_by_label("Policy documents").set_input_files(folder(tmp_path))
    with patch("imports.tasks.read_import_item.delay") as delay:  # the test is the worker
        page.get_by_role("button", name="Read the documents").click()
        expect(page.get_by_role("heading", name="Import for Test Learning Trust")).to_be_visible()
    assert delay.call_count == 4
    status = page.locator("#batch-status")
    expect(status).to_have_text("0 of 4 read.")
    expect(page.get_by_text("hr.zip, rota.xlsx: not a Word (.docx)")).to_be_visible()

    read_one()
    expect(status).to_have_text("1 of 4 read.")  # the bar advanced without a reload
    expect(page.locator("progress")).to_have_attribute("value", "1")
    for _ in range(3):
        read_one()
    expect(status).to_have_text("All 4 documents read.")
    expect(page.get_by_role("heading", name="Ready (2)")).to_be_visible()
    expect(page.get_by_role("heading", name="Needs a look (1)")).to_be_visible()
    expect(page.get_by_role("heading", name="Cannot be read (1)")).to_be_visible()
    reason = ImportItem.objects.get(filename="empty.txt").error
    expect(page.get_by_role("listitem").filter(has_text="empty.txt")).to_have_text(f"empty.txt: {reason}")
    expect(page.get_by_role("link", name="Meeting Notes.txt")).to_have_attribute("href", "/policies/import/item/"
                                                                                 f"{_pk('Meeting Notes.txt')}/")
    assert page.evaluate(OVERFLOW) <= 0, "the batch page is wider than the screen"

    page.get_by_role("button", name="Import all that are ready").click()
    expect(page.get_by_text("Imported 2 of the 2 ready documents.")).to_be_visible()
    expect(page.get_by_role("heading", name="Imported (2)")).to_be_visible()

    page.goto("/policies/")
    expect(page.get_by_role("link", name="Email Policy")).to_be_visible()
    expect(page.get_by_role("link", name="Lone Working Policy")).to_be_visible()


def _pk(filename: str) -> int:
    return ImportItem.objects.get(filename=filename).pk
