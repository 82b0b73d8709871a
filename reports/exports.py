"""The outstanding list as CSV (streamed, constant memory) or XLSX, with the
columns of reports/columns.py.

Two ways to the same CSV bytes: on PostgreSQL the database writes it with
COPY (copy_csv_chunks), which is five to ten times faster than Python; on
SQLite, and as the reference the COPY output is tested against, Python's csv
module writes the rows of reports.columns.as_rows (csv_chunks)."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from typing import IO

from django.db import connections, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    DateField,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, Greatest, Left, LPad, Mod, NullIf
from django.db.models.lookups import In, Regex
from django.utils import timezone

from acknowledgements.models import Obligation
from people.models import StaffGroup
from portal.spreadsheets import (
    FORMULA_STARTS,
    XLSX_DATE_FORMAT,
    XLSX_TEXT_ONLY,
    XlsxRowWriter,
    safe_row,
)
from reports import columns
from reports.columns import COLUMNS, HEADER, Kind, as_rows

# The rows carry dates as ISO text (what the CSV shows); the XLSX holds dates.
XLSX_SHEET = "Outstanding sign-offs"
_DATE_POSITIONS = [position for position, column in enumerate(COLUMNS) if column.kind == Kind.DATE]
# Excel's sheet holds 1,048,576 rows, the header one of them.
XLSX_MAX_ROWS = 1_048_575


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


def write_xlsx(rows: Iterable[list], target: str | IO[bytes]) -> None:
    """XlsxWriter, a row at a time: in constant-memory mode for a file (the
    worker's), in memory for bytes. About four times less CPU a cell than
    openpyxl's write-only mode, which matters because the worker building
    HR's files shares the machine with people signing."""
    from xlsxwriter import Workbook

    in_memory = not isinstance(target, str)
    workbook = Workbook(target, {"constant_memory": not in_memory, "in_memory": in_memory, **XLSX_TEXT_ONLY})
    sheet = workbook.add_worksheet(XLSX_SHEET)
    writer = XlsxRowWriter(sheet, workbook.add_format({"num_format": XLSX_DATE_FORMAT}))
    writer.write(0, HEADER)
    for number, row in enumerate(rows, start=1):
        writer.write(number, _with_dates(row))
    workbook.close()


def xlsx_bytes(rows: Iterable[list]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(rows, buffer)
    return buffer.getvalue()


def _with_dates(row: list) -> list:
    row = list(row)
    for position in _DATE_POSITIONS:
        if isinstance(row[position], str):
            row[position] = datetime.date.fromisoformat(row[position])
    return row


# ---- The CSV from the database --------------------------------------------------------------

Progress = Callable[[int], None]  # told how many rows have been written so far


def csv_stream(obligations: QuerySet[Obligation], *, today: datetime.date | None = None,
               progress: Progress | None = None) -> Iterator[bytes]:
    """The outstanding rows as CSV bytes in pieces of about 64 KB: written by
    PostgreSQL's COPY where the database is PostgreSQL, by Python otherwise."""
    today = today or timezone.localdate()
    if connections[obligations.db].vendor == "postgresql":
        return copy_csv_chunks(obligations, today=today, progress=progress)
    return _python_csv_chunks(obligations, today=today, progress=progress)


def _python_csv_chunks(obligations: QuerySet[Obligation], *, today: datetime.date,
                       progress: Progress | None) -> Iterator[bytes]:
    counted = 0

    def counting(rows: Iterator[list]) -> Iterator[list]:
        nonlocal counted
        for counted, row in enumerate(rows, start=1):  # noqa: B007  (the count is read by the loop below)
            yield row

    for chunk in csv_chunks(counting(as_rows(obligations, today=today))):
        yield chunk.encode()
        if progress:
            progress(counted)


# The SQL form of each of reports.columns' ways of presenting a value, so the
# database writes exactly what Python would. A column presented another way
# must be added here too (tests/reports/test_copy_csv.py fails until it is).
def _text(source: str, today: datetime.date):
    return F(source)


def _iso_date(source: str, today: datetime.date):
    return Func(F(source), Value("YYYY-MM-DD"), function="to_char", output_field=CharField())


def _staff_group(source: str, today: datetime.date):
    return Case(*[When(**{source: value}, then=Value(label)) for value, label in StaffGroup.choices],
                default=F(source), output_field=CharField())


def _period(source: str, today: datetime.date):
    # reports.columns._period: a year "2026" reads "2026–27"; anything else as stored.
    year = Cast(F(source), BigIntegerField())
    following = LPad(Cast(Mod(year + 1, 100), CharField()), 2, Value("0"))
    return Case(When(**{f"{source}__regex": r"^[0-9]+$"}, then=Concat(Cast(year, CharField()), Value("–"), following)),
                default=F(source), output_field=CharField())


class _DaysSince(Func):
    """`today - date` in whole days (PostgreSQL's date minus date)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()


def _days_overdue(source: str, today: datetime.date):
    return Greatest(Value(0), _DaysSince(Value(today, output_field=DateField()), F(source)))


def _closed_reason(source: str, today: datetime.date):
    return Case(*[When(**{source: value}, then=Value(label)) for value, label in Obligation.ClosedReason.choices],
                default=F(source), output_field=CharField())


_SQL_FORMS = {
    columns._as_is: _text,
    columns._iso: _iso_date,
    columns._staff_group: _staff_group,
    columns._period: _period,
    columns._days_overdue: _days_overdue,
    columns._closed_reason: _closed_reason,
}

# portal.spreadsheets.safe_cell in SQL: text that would start a formula (=, +,
# -, @, tab, carriage return) and is not a plain number gets a leading single
# quote. The first character is tested before the pattern, as most cells fail
# it: a fifth faster than a regexp_replace of every cell.
PLAIN_NUMBER = r"^[+-]?[0-9]+(\.[0-9]+)?$"  # portal.spreadsheets._PLAIN_NUMBER


def _safe_text(expression):
    formula = Q(In(Left(expression, 1), list(FORMULA_STARTS))) & ~Q(Regex(expression, PLAIN_NUMBER))
    quoted = Case(When(formula, then=Concat(Value("'"), expression)), default=expression, output_field=CharField())
    # An empty string becomes NULL because COPY writes NULL as nothing, as
    # Python's csv writes "", while it writes an empty string as "".
    return NullIf(quoted, Value(""))


def copy_statement(obligations: QuerySet[Obligation], *, today: datetime.date) -> tuple[str, tuple]:
    """The COPY statement writing the CSV's rows (not its header) of the page's
    own filtered, sorted queryset, and its parameters (bound by psycopg on the
    client: COPY takes no server-side parameters)."""
    cells = {}
    for position, column in enumerate(COLUMNS):
        expression = _SQL_FORMS[column.present](column.source, today)
        cells[f"csv_cell_{position}"] = _safe_text(expression) if column.kind == Kind.TEXT else expression
    query = obligations.annotate(**cells).values_list(*cells)
    sql, params = query.query.sql_with_params()
    return f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", tuple(params)


def copy_csv_chunks(obligations: QuerySet[Obligation], *, today: datetime.date,
                    progress: Progress | None = None, size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """The CSV written by PostgreSQL's COPY, in pieces of about `size` bytes,
    byte for byte what csv_chunks writes for the same rows.

    COPY ends each row with LF, Python's csv with CRLF: PostgreSQL sends one
    message per row, so each row's last byte is its line end and is swapped
    (a line break inside a quoted cell stays as it is, as Python writes it).
    Memory stays at one piece however many rows.

    If anything fails mid-stream (the database, or the client going away, which
    closes this generator), psycopg cancels the COPY and reads what is left, so
    the connection is idle and usable again; the error is raised on, so a web
    server ends the response without its closing chunk and the browser says the
    download failed rather than keeping a file cut short."""
    sql, params = copy_statement(obligations, today=today)
    connection = connections[obligations.db]
    header = "".join(csv_lines([])).encode()
    rows = 0
    # Inside a transaction (a test, a caller's atomic block) a cancelled COPY
    # would spoil it: a savepoint confines the damage. A web request streams
    # in autocommit, where a cancelled COPY leaves nothing to undo.
    confined = transaction.atomic(using=obligations.db) if connection.in_atomic_block else nullcontext()
    with confined, connection.cursor() as cursor, connection.wrap_database_errors:
        # Django's wrapper passes COPY to the psycopg cursor underneath.
        with cursor.cursor.copy(sql, params) as copy:
            buffer = bytearray(header)
            for row in copy:
                buffer += row
                buffer[-1:] = b"\r\n"
                rows += 1
                if len(buffer) >= size:
                    yield bytes(buffer)
                    buffer.clear()
                    if progress:
                        progress(rows)
            if buffer:
                yield bytes(buffer)
    if progress:
        progress(rows)
