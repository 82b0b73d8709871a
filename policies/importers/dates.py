"""Dates as policies write them: "Sept 2023", "12/03/2021" (UK, day first),
"1st September 2024", "2021-03-12", and approximate ones ("Autumn term 2023",
"Q1 2025-26") that are kept as text but never turned into a guessed date."""

from __future__ import annotations

import datetime
import re

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_EXACT = (
    rf"(?:{_DAY}\s+)?{MONTH}\.?,?\s+\d{{4}}"  # 1st September 2024, Sept 2023, March, 2021
    rf"|{MONTH}\.?\s+{_DAY},?\s+\d{{4}}"  # September 1, 2024
    r"|\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})(?!\d)"  # 12/03/2021, 12.03.21
    r"|\d{4}-\d{2}-\d{2}"  # 2021-03-12
    rf"|{MONTH}[\-']\d{{2}}(?!\d)"  # Sep-23, as spreadsheets write it
)
_APPROXIMATE = (
    r"(?:autumn|spring|summer|winter)(?:\s+(?:term|half[- ]term))?\s*(?:\d)?\s+\d{4}(?:[/-]\d{2,4})?"
    r"|(?:term|q)\s*[1-6]\s+\d{4}(?:[/-]\d{2,4})?"
    r"|\d{4}\s*[/-]\s*\d{2,4}"  # an academic year, 2025-26
)
DATE_TEXT = re.compile(rf"\b(?:{_EXACT}|{_APPROXIMATE})\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def find_dates(text: str) -> list[re.Match]:
    return list(DATE_TEXT.finditer(text))


def has_date(text: str) -> bool:
    return bool(DATE_TEXT.search(text) or _YEAR.search(text))


def read_date(text: str | None) -> datetime.date | None:
    """The calendar date the text states, or None. A month and year is the
    first of that month; terms, quarters and academic years are not dates."""
    if not text:
        return None
    iso = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", text)
    if iso:
        return _date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    numeric = re.search(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?!\d)", text)
    if numeric:
        day, month, year = (int(g) for g in numeric.groups())
        return _date(year + 2000 if year < 100 else year, month, day)
    day_first = re.search(rf"(?:(\d{{1,2}})(?:st|nd|rd|th)?\s+)?({MONTH})\.?,?\s+(\d{{4}})", text, re.IGNORECASE)
    if day_first:
        day = int(day_first.group(1) or 1)
        return _date(int(day_first.group(3)), _MONTHS[day_first.group(2)[:3].lower()], day)
    month_first = re.search(rf"({MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})", text, re.IGNORECASE)
    if month_first:
        month = _MONTHS[month_first.group(1)[:3].lower()]
        return _date(int(month_first.group(3)), month, int(month_first.group(2)))
    short = re.search(rf"\b({MONTH})[\-'](\d{{2}})(?!\d)", text, re.IGNORECASE)
    if short:
        return _date(2000 + int(short.group(2)), _MONTHS[short.group(1)[:3].lower()], 1)
    return None


def _date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def split_date_and_body(text: str) -> tuple[str | None, str | None]:
    """"Sept 2023 IGG" -> ("Sept 2023", "IGG"); "Trust Board, 12/03/2021" and
    "12/03/2021 (Trust Board)" likewise; a cell with no date is all body."""
    text = text.strip()
    match = DATE_TEXT.search(text) or _YEAR.search(text)
    if not match:
        return None, text or None
    rest = f"{text[: match.start()]} {text[match.end() :]}"
    rest = re.sub(r"\s+", " ", rest).strip(" ()[]-–—,;:.")
    # "approved on ... by the Trust Board": the little words belong to neither part.
    rest = re.sub(r"^(?:(?:approved|by|on|at|in|the)\b\s*)+|\s+(?:by|on|at|in)$", "", rest, flags=re.IGNORECASE)
    return match.group(0).strip(), rest or None
