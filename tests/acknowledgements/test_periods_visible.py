"""Issue 15, item 4: a yearly re-reading names its school year ("2026–27")
wherever a person or HR reads it: My policies, the receipt (page and
download), the person's record, the outstanding list and its CSV/XLSX, the
subject access export and the sign-off record PDF."""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from acknowledgements.rules import period_label
from acknowledgements.services import sync_obligations
from tests.factories import published_policy, sign_off_rule, view_and_sign
from tests.reports.exporting import prepared_export

LAST_YEAR, THIS_YEAR = "2025–26", "2026–27"


@pytest.fixture
def yearly(world):
    """Sam signed Safeguarding 1.0 when it came out, re-read it for 2025–26,
    and owes the re-reading for 2026–27: two sign-offs of one version."""
    policy = published_policy(title="Safeguarding Policy", organisation=world.trust)
    sign_off_rule(policy, annual_from=datetime.date(2024, 9, 1), annual_days=30)
    version = policy.current_version
    view_and_sign(person=world.staff, version=version, signed_on=datetime.date(2025, 3, 1))
    sync_obligations(today=datetime.date(2025, 9, 10))
    last_year, _ = view_and_sign(person=world.staff, version=version, signed_on=datetime.date(2025, 9, 15))
    sync_obligations(today=datetime.date(2026, 9, 10))
    return last_year


def page_text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_period_label_names_the_school_year():
    assert period_label("2026") == THIS_YEAR
    assert period_label("2099") == "2099–00"
    assert period_label("") == ""
    assert period_label("odd") == "odd"


def test_my_policies_names_the_year_owed_and_the_year_signed(world, signed_in, yearly):
    text = page_text(signed_in(world.staff).get(reverse("acknowledgements:mine")))
    assert f"Yearly re-reading for {THIS_YEAR}" in text
    assert f"1.0 · {LAST_YEAR}</td>" in text


def test_the_receipt_names_the_year_signed_for(world, signed_in, yearly):
    client = signed_in(world.staff)
    text = page_text(client.get(reverse("acknowledgements:receipt", args=[yearly.pk])))
    assert f"version 1.0, for {LAST_YEAR}." in text
    download = client.get(reverse("acknowledgements:receipt_download", args=[yearly.pk])).content.decode()
    assert f"Yearly re-reading:   {LAST_YEAR}\n" in download


def test_hr_sees_which_school_year_each_sign_off_on_the_record_answers(world, signed_in, yearly):
    text = page_text(signed_in(world.school_hr).get(reverse("people:detail", args=[world.staff.pk])))
    assert f"Yearly re-reading for {THIS_YEAR}</td>" in text  # owed
    assert f"1.0 · {LAST_YEAR}</td>" in text  # signed for last year
    # the owed row and the first sign-off (on publication, not yearly) carry no year
    assert text.count('<td data-label="Version">1.0</td>') == 2


def test_hr_outstanding_list_names_the_year(world, signed_in, yearly):
    text = page_text(signed_in(world.trust_hr).get(reverse("reports:outstanding")))
    assert f"Yearly re-reading for {THIS_YEAR}" in text


def test_hr_csv_export_has_a_period_column_after_version(world, signed_in, yearly):
    response = signed_in(world.trust_hr).get(reverse("reports:export", args=["csv"]))
    header, *rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert header.index("period") == header.index("version") + 1
    row = next(r for r in rows if r[1] == "staff@school.example")
    assert (row[header.index("version")], row[header.index("period")]) == ("1.0", THIS_YEAR)


def test_hr_xlsx_export_has_a_period_column_after_version(world, signed_in, yearly):
    prepared = prepared_export(signed_in(world.trust_hr), "xlsx")
    header, *rows = list(load_workbook(io.BytesIO(prepared)).active.iter_rows(values_only=True))
    assert header.index("period") == header.index("version") + 1
    row = next(r for r in rows if r[1] == "staff@school.example")
    assert row[header.index("period")] == THIS_YEAR
    assert isinstance(row[header.index("due")], datetime.datetime)  # issue 14's dates still dates


def test_subject_access_export_names_the_years(world, signed_in, yearly):
    response = signed_in(world.staff).get(reverse("privacy:my_export"))
    export = json.loads(b"".join(response.streaming_content) if response.streaming else response.content)
    assert sorted(s["period"] for s in export["sign_offs"]) == ["", LAST_YEAR]
    assert THIS_YEAR in [o["period"] for o in export["sign_offs_owed"]]


def test_the_sign_off_record_pdf_names_the_year(world, signed_in, yearly):
    response = signed_in(world.school_hr).get(reverse("documents:person_record", args=[world.staff.pk]))
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = " ".join("".join(page.extract_text() for page in pages).split())
    assert f"Yearly re-reading for {LAST_YEAR}" in text
