"""The outstanding report's columns, stated once. The CSV, the XLSX and the
`outstanding` command write exactly these, in this order, under these names;
the page shows the same columns, some sharing a cell (PAGE_COLUMNS).
A new column goes here and nowhere else (tests/reports/test_columns.py fails
if the page forgets it)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from acknowledgements.models import Obligation
from acknowledgements.rules import period_label
from people.models import StaffGroup


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"  # ISO text in the CSV, a real date cell in the XLSX
    NUMBER = "number"


def _as_is(value: Any, today: datetime.date) -> Any:
    return value


def _iso(value: datetime.date, today: datetime.date) -> str:
    return value.isoformat()


_STAFF_GROUPS = dict(StaffGroup.choices)


def _staff_group(value: str, today: datetime.date) -> str:
    return _STAFF_GROUPS.get(value, value)


def _period(value: str, today: datetime.date) -> str:
    return period_label(value)


def _days_overdue(due: datetime.date, today: datetime.date) -> int:
    return max(0, (today - due).days)


_CLOSED_REASONS = dict(Obligation.ClosedReason.choices)


def _closed_reason(value: str, today: datetime.date) -> str:
    return _CLOSED_REASONS.get(value, value)


@dataclass(frozen=True)
class Column:
    name: str  # its header in the CSV, the XLSX and the command's output
    kind: Kind
    source: str  # the field of an outstanding row (reports.selectors.outstanding) it is read from
    present: Callable[[Any, datetime.date], Any] = _as_is


COLUMNS: tuple[Column, ...] = (
    Column("person", Kind.TEXT, "person_name"),
    Column("email", Kind.TEXT, "person__email"),
    Column("school", Kind.TEXT, "school_name"),
    Column("staff_group", Kind.TEXT, "person__staff_group", _staff_group),
    Column("policy", Kind.TEXT, "policy__title"),
    Column("version", Kind.TEXT, "version__label"),
    # A yearly re-reading's school year ("2026–27"); empty otherwise.
    Column("period", Kind.TEXT, "period", _period),
    # The variant for audiences owed (its title, "Annex A: for volunteers"); empty for the full
    # text. After the period, which has followed the version since issue 14.
    Column("variant", Kind.TEXT, "variant__title"),
    Column("owed_since", Kind.DATE, "owed_since", _iso),
    Column("due", Kind.DATE, "due_on", _iso),
    Column("days_overdue", Kind.NUMBER, "due_on", _days_overdue),
    # Why a row of the "Closed without signing" list ended unsigned; empty on an outstanding row.
    Column("closed_because", Kind.TEXT, "closed_reason", _closed_reason),
)
HEADER: list[str] = [column.name for column in COLUMNS]


@dataclass(frozen=True)
class PageColumn:
    heading: str
    shows: tuple[str, ...]  # the names of the COLUMNS its cells show, in order
    sort: str  # its key in reports.selectors.SORTS
    latest_first: str = ""  # the label of a link sorting it descending, where there is one


PAGE_COLUMNS: tuple[PageColumn, ...] = (
    PageColumn("Person", ("person", "email"), "person"),
    PageColumn("School", ("school",), "school"),
    PageColumn("Staff group", ("staff_group",), "group"),
    PageColumn("Policy", ("policy", "version", "period", "variant"), "policy"),
    PageColumn("Owed since", ("owed_since",), "owed_since"),
    PageColumn("Due", ("due", "days_overdue", "closed_because"), "due", latest_first="Sort by due date, latest first"),
)

_SOURCES = tuple(dict.fromkeys(column.source for column in COLUMNS))
_POSITIONS = [_SOURCES.index(column.source) for column in COLUMNS]


def as_rows(obligations: QuerySet[Obligation], *, today: datetime.date | None = None) -> Iterator[list]:
    """The export rows, streamed: one list of cells per outstanding row, in
    COLUMNS order (dates as ISO text, as the CSV shows them)."""
    today = today or timezone.localdate()
    for values in obligations.values_list(*_SOURCES).iterator(chunk_size=5000):
        yield [column.present(values[position], today) for column, position in zip(COLUMNS, _POSITIONS, strict=True)]
