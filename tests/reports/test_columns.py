"""One statement of the outstanding report's columns (reports/columns.py):
the page, the CSV, the XLSX and the `outstanding` command show the same
columns in the same order, and one person's row says the same in each."""

from __future__ import annotations

import csv
import datetime
import io
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from acknowledgements.services import sync_obligations
from reports.columns import COLUMNS, HEADER, PAGE_COLUMNS, Kind
from reports.management.commands.outstanding import Command
from reports.selectors import SORTS
from tests.factories import published_policy, sign_off_rule, view_and_sign
from tests.reports.exporting import prepared_export

EMAIL = "staff@school.example"  # Sam Staff, of the shared world


@pytest.fixture
def owing(world):
    """Sam owes this school year's re-reading of Safeguarding, overdue."""
    policy = published_policy(title="Safeguarding Policy", organisation=world.trust)
    sign_off_rule(policy, annual_from=datetime.date(2024, 9, 1), annual_days=30)
    view_and_sign(person=world.staff, version=policy.current_version, signed_on=datetime.date(2025, 3, 1))
    sync_obligations(today=datetime.date(2025, 9, 10))
    view_and_sign(person=world.staff, version=policy.current_version, signed_on=datetime.date(2025, 9, 15))
    sync_obligations(today=datetime.date(2026, 9, 10))
    return policy


class _Table(HTMLParser):
    """The outstanding page's table: its headings, and each row's cells by data-label."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.rows: list[dict[str, str]] = []
        self._in: str | None = None
        self._label = ""
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append({})
        elif tag in ("th", "td"):
            self._in, self._label, self._text = tag, dict(attrs).get("data-label", ""), []

    def handle_endtag(self, tag):
        if tag == "th" and self._in == "th":
            self.headings.append(" ".join("".join(self._text).split()).rstrip(" ↓"))
        elif tag == "td" and self._in == "td" and self._label:
            self.rows[-1][self._label] = " ".join(" ".join(self._text).split())
        if tag in ("th", "td"):
            self._in = None

    def handle_data(self, data):
        if self._in:
            self._text.append(data)


def page_table(client) -> _Table:
    table = _Table()
    table.feed(client.get(reverse("reports:outstanding")).content.decode())
    return table


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def sheet_rows(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def exports(client, tmp_path) -> dict[str, list]:
    """Every export of the list, as rows (header first)."""
    out = io.StringIO()
    call_command("outstanding", "--format", "csv", stdout=out)
    call_command("outstanding", "--format", "xlsx", "--output", str(tmp_path / "o.xlsx"))
    return {
        "csv": csv_rows(b"".join(client.get(reverse("reports:export", args=["csv"])).streaming_content).decode()),
        "xlsx": sheet_rows(prepared_export(client, "xlsx")),
        "command csv": csv_rows(out.getvalue()),
        "command xlsx": sheet_rows((tmp_path / "o.xlsx").read_bytes()),
    }


def the_row(rows: list) -> list:
    return list(next(row for row in rows[1:] if row[HEADER.index("email")] == EMAIL))


def test_every_column_is_on_the_page_once_in_the_exports_order():
    assert [name for column in PAGE_COLUMNS for name in column.shows] == HEADER
    assert all(column.sort in SORTS for column in PAGE_COLUMNS)


def test_the_page_the_csv_the_xlsx_and_the_command_name_the_same_columns(world, signed_in, owing, tmp_path):
    client = signed_in(world.trust_hr)
    for source, rows in exports(client, tmp_path).items():
        assert list(rows[0]) == HEADER, source
    assert f"columns {', '.join(HEADER)}." in Command.help
    table = page_table(client)
    headings = [column.heading for column in PAGE_COLUMNS]
    assert table.headings == headings
    assert [list(row) for row in table.rows if row] == [headings] * len([row for row in table.rows if row])


def test_a_rows_cells_agree_across_the_page_the_csv_the_xlsx_and_the_command(world, signed_in, owing, tmp_path):
    client = signed_in(world.trust_hr)
    rows = {source: the_row(found) for source, found in exports(client, tmp_path).items()}
    assert rows["command csv"] == rows["csv"]
    as_cells = [
        datetime.datetime.fromisoformat(value) if column.kind == Kind.DATE
        else int(value) if column.kind == Kind.NUMBER else value or None  # an empty cell reads None
        for column, value in zip(COLUMNS, rows["csv"], strict=True)
    ]
    assert rows["xlsx"] == rows["command xlsx"] == as_cells
    cells = dict(zip(HEADER, rows["csv"], strict=True))
    assert (cells["person"], cells["school"], cells["staff_group"], cells["policy"], cells["period"]) == (
        "Sam Staff", "North Primary", "Teaching", "Safeguarding Policy", "2026–27")
    assert int(cells["days_overdue"]) > 0

    on_page = next(row for row in page_table(client).rows if EMAIL in row.get("Person", ""))
    for page_column in PAGE_COLUMNS:
        for name in page_column.shows:
            column = COLUMNS[HEADER.index(name)]
            if column.kind == Kind.DATE:
                day = datetime.date.fromisoformat(cells[name])
                shown = f"{day.day} {day:%b %Y}"
            elif column.kind == Kind.NUMBER:
                shown = "overdue"  # the page says how long, in words
            else:
                shown = cells[name]
            assert shown in on_page[page_column.heading], (name, on_page)
