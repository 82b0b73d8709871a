"""The outstanding list as CSV (streamed, constant memory) or XLSX, with the
columns of reports/columns.py."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator

from portal.spreadsheets import safe_row, xlsx_cells
from reports.columns import COLUMNS, HEADER, Kind

# The rows carry dates as ISO text (what the CSV shows); the XLSX holds dates.
_DATE_POSITIONS = [position for position, column in enumerate(COLUMNS) if column.kind == Kind.DATE]


class _Echo:
    """A file-like object whose write returns the line, for streaming."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    for row in rows:
        yield writer.writerow(safe_row(row))


# Each chunk a server writes is one system call; a row each (about 100
# bytes) held a web thread for ten times longer than the bytes need.
CHUNK_BYTES = 64 * 1024


def csv_chunks(rows: Iterable[list], *, size: int = CHUNK_BYTES) -> Iterator[str]:
    """The CSV in pieces of about `size` characters, for streaming."""
    pending: list[str] = []
    length = 0
    for line in csv_lines(rows):
        pending.append(line)
        length += len(line)
        if length >= size:
            yield "".join(pending)
            pending, length = [], 0
    if pending:
        yield "".join(pending)


def write_csv(rows: Iterable[list], handle) -> int:
    """Write the header and rows; return how many rows (without the header)."""
    written = 0
    for written, line in enumerate(csv_lines(rows)):  # noqa: B007  (the count is the result)
        handle.write(line)
    return written


def xlsx_bytes(rows: Iterable[list]) -> bytes:
    """openpyxl's write-only mode keeps memory flat however many rows."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Outstanding sign-offs")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(xlsx_cells(sheet, _with_dates(row)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_dates(row: list) -> list:
    row = list(row)
    for position in _DATE_POSITIONS:
        if isinstance(row[position], str):
            row[position] = datetime.date.fromisoformat(row[position])
    return row
