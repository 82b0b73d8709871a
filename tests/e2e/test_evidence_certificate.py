"""HR opens a person's record and downloads their evidence PDF: a tagged PDF
ending with a certificate for each sign-off, in plain words."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from people.models import Person
from tests.documents.certificate_data import (
    assert_tagged,
    at,
    checked,
    link_of,
    pdf_to_text,
    sign_off,
    words,
)
from tests.e2e.conftest import sign_in
from tests.factories import published_policy

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_hr_downloads_a_persons_evidence_pdf_ending_with_a_certificate(page, world, tmp_path):
    Person.objects.filter(pk=world.staff.pk).update(staff_id="NP-0042")
    version = published_policy(title="Email Policy").current_version
    signed = sign_off(world.staff, version, signed_at=at(2026, 3, 3, 9, 20, 14), viewed_at=at(2026, 3, 3, 9, 12, 5),
                      ip_address="203.0.113.7", user_agent="Mozilla/5.0 (X11; Linux) Firefox/133.0",
                      quiz_attempts=2, quiz_answers=[0, 1])
    link = link_of(signed, trust=world.trust)
    checked(on=at(2026, 3, 4, 2, 0))
    sign_in(page, "hr.north@school.example", world.password)
    page.goto(f"/people/{world.staff.pk}/")
    expect(page.get_by_role("heading", name="Sam Staff")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Sign-off record (PDF)").click()
    assert download.value.suggested_filename == f"sign-off-record-{world.staff.pk}.pdf"
    data = Path(download.value.path()).read_bytes()
    pages = pdf_to_text(data, tmp_path).split("\f")
    assert "Opened 09:12, signed 09:20" in words(pages[0])
    certificate = words(pages[-2])
    assert "Certificate of sign-off: Email Policy, version 1.0" in certificate
    assert "Staff ID NP-0042" in certificate
    assert "Opened at 09:12:05 on Tuesday 3 March 2026, UK time (GMT)" in certificate
    assert "Signed at 2026-03-03 09:20:14 UTC" in certificate
    assert "Check of understanding passed on attempt 2 (2 questions)" in certificate
    assert f"record {link.position:,} of the evidence chain of Test Learning Trust" in certificate
    assert_tagged(tmp_path / "record.pdf", "Sign-off record: Sam Staff")
