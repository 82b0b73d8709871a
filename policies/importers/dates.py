"""Dates as schools write them. Always UK order (day first): "21.03.2025",
"21/03/25", "21st March 2025", "Tuesday 4 March 2025", "w/c 3 March 2025",
"March 21, 2025", "2025-03-21". Some give no day, and read as the first day
of the period they name (date_is_approximate says so, so a person checks it):
"Sept 24" and "Sep 2024" (1 September 2024), "Spring Term 2026" (the term's
start), "Autumn 2 2024" (the half term's start), "2024/25" (the academic
year's start, 1 September 2024), and "2026" written on its own.

Term starts are those of English state schools, taken as the first of the
month in which the term or half term usually begins:
    Autumn (1) 1 September   Autumn 2 1 November (after the October half term)
    Spring (1) 1 January     Spring 2 1 February (the February half term ends
                                         late in the month; the earlier date
                                         makes a review reminder early, not late)
    Summer (1) 1 April       Summer 2 1 June
Trusts on six numbered terms ("Term 3 2025") read the same way: Term 1 is
Autumn 1, Term 6 is Summer 2. Quarters ("Q1 2025-26") and "Winter" are left
unread: trusts count quarters from different months, and English schools
have no winter term."""

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
# (month, day) each term and half term starts on; see the module's docstring.
TERM_STARTS = {
    ("autumn", 1): (9, 1), ("autumn", 2): (11, 1),
    ("spring", 1): (1, 1), ("spring", 2): (2, 1),
    ("summer", 1): (4, 1), ("summer", 2): (6, 1),
}
_NUMBERED_TERMS = {1: ("autumn", 1), 2: ("autumn", 2), 3: ("spring", 1), 4: ("spring", 2), 5: ("summer", 1),
                   6: ("summer", 2)}

_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# "Tuesday 4 March 2025", "w/c 3 March 2025": the lead-in belongs to the date.
_LEAD_IN = (
    r"(?:(?:mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun)(?:day|nesday|rsday|urday)?\.?,?\s+"
    r"|w/c\.?\s+|week commencing\s+)?"
)
_ACADEMIC_YEAR = r"(?:19|20)\d{2}\s*[/-]\s*(?:(?:19|20)\d{2}|\d{2})(?![\d/-])"
_EXACT = (
    r"\d{4}-\d{2}-\d{2}"  # 2021-03-12
    r"|\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})(?!\d)"  # 12/03/2021, 12.03.21
    rf"|{_LEAD_IN}{_DAY}\s+(?:of\s+)?{MONTH}\.?,?\s+(?:\d{{4}}|['’]?\d{{2}}(?![\d:]))"  # 1st September 2024, 4 Mar 25
    rf"|{MONTH}\.?\s+{_DAY},?\s+\d{{4}}"  # September 1, 2024
    rf"|{MONTH}\.?,?\s+\d{{4}}"  # Sept 2023, March, 2021
    rf"|{MONTH}\.?\s*[\-'’]\s*\d{{2}}(?!\d)"  # Sep-23, Sept '24, as spreadsheets write it
    # "Sept 24": only with a capital, so "staff may 25 ..." is not a date.
    rf"|(?=(?-i:[A-Z])){MONTH}\.?\s+\d{{2}}(?![\d:]|st|nd|rd|th)"
)
_APPROXIMATE = (
    # Possessive spaces (\s*+): a run of spaces after "Autumn" is not tried every way.
    r"(?:autumn|spring|summer|winter)(?:\s++(?:term|half[- ]term))?\s*+(?:[12]\s++)?(?:term\s++)?"
    r"\d{4}(?:[/-]\d{2,4})?"
    r"|(?:term|q)\s*[1-6]\s+\d{4}(?:[/-]\d{2,4})?"
    rf"|{_ACADEMIC_YEAR}"  # an academic year, 2025-26
)
DATE_TEXT = re.compile(rf"\b(?:{_EXACT}|{_APPROXIMATE})\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")

# One pattern per way of writing a date; read_date takes the first date the
# text states (leftmost), trying these in order where two start together.
_FORMS = re.compile(
    r"\b(?:"
    r"(?P<iso>(?P<iso_y>\d{4})-(?P<iso_m>\d{1,2})-(?P<iso_d>\d{1,2}))(?![\d/-])"
    r"|(?P<num>(?P<num_d>\d{1,2})[/.\-](?P<num_m>\d{1,2})[/.\-](?P<num_y>\d{4}|\d{2}))(?![\d/.-]\d)"
    r"|(?P<term>(?P<term_name>autumn|spring|summer)(?:\s++(?:term|half[- ]term))?\s*+(?P<term_half>[12](?!\d))?"
    rf"\s*+(?:term\s++)?(?P<term_y>{_ACADEMIC_YEAR}|(?:19|20)\d{{2}}))"
    rf"|(?P<numbered>term\s*(?P<numbered_n>[1-6])\s+(?P<numbered_y>{_ACADEMIC_YEAR}|(?:19|20)\d{{2}}))"
    rf"|(?P<unread>(?:q\s*[1-4]|winter)\s+(?:{_ACADEMIC_YEAR}|(?:19|20)\d{{2}}))"
    rf"|(?P<academic>{_ACADEMIC_YEAR})"
    rf"|(?P<dmy>(?P<dmy_d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dmy_m>{MONTH})\.?,?\s+"
    r"(?P<dmy_y>\d{4}|['’]?\d{2}(?![\d:])))"
    rf"|(?P<mdy>(?P<mdy_m>{MONTH})\.?\s+(?P<mdy_d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<mdy_y>\d{{4}}))"
    rf"|(?P<my>(?P<my_m>{MONTH})\.?,?\s*(?:[\-'’]\s*)?(?P<my_y>\d{{4}})(?!\d)"
    rf"|(?P<my_m2>{MONTH})\.?\s*[\-'’]\s*(?P<my_y2>\d{{2}})(?![\d:])"
    rf"|(?=(?-i:[A-Z]))(?P<my_m3>{MONTH})\.?\s+(?P<my_y3>\d{{2}})(?![\d:]|st|nd|rd|th))"
    r")",
    re.IGNORECASE,
)
_YEAR_ALONE = re.compile(r"[\s(\[]*((?:19|20)\d{2})[\s)\].]*")


def find_dates(text: str) -> list[re.Match]:
    return list(DATE_TEXT.finditer(text))


def has_date(text: str) -> bool:
    return bool(DATE_TEXT.search(text) or _YEAR.search(text))


def read_date(text: str | None) -> datetime.date | None:
    """The date the text states (the first, where it states several), or
    None when it states none or one that cannot be (31.02.2025). A month,
    term or academic year reads as its first day; see the module's docstring."""
    return _read(text)[0]


def date_is_approximate(text: str | None) -> bool:
    """True when the text states a date without its day: a month, a term, a
    season, an academic year or a year alone. Such a date was read as the
    start of the period, and a person should check it."""
    return _read(text)[1]


def _read(text: str | None) -> tuple[datetime.date | None, bool]:
    """(date, approximate) for the first date the text states."""
    if not text:
        return None, False
    alone = _YEAR_ALONE.fullmatch(text)
    if alone:
        return datetime.date(int(alone.group(1)), 1, 1), True
    match = _FORMS.search(text)
    if match is None:
        return None, False
    g = match.groupdict()
    if g["iso"]:
        return _date(int(g["iso_y"]), int(g["iso_m"]), int(g["iso_d"])), False
    if g["num"]:
        return _date(_full_year(g["num_y"]), int(g["num_m"]), int(g["num_d"])), False
    if g["term"]:
        half = int(g["term_half"] or 1)
        return _term_start(g["term_name"].lower(), half, g["term_y"]), True
    if g["numbered"]:
        name, half = _NUMBERED_TERMS[int(g["numbered_n"])]
        return _term_start(name, half, g["numbered_y"]), True
    if g["unread"]:
        return None, True
    if g["academic"]:
        first = _academic_year(g["academic"])
        return (datetime.date(first, 9, 1) if first else None), True
    if g["dmy"]:
        return _date(_full_year(g["dmy_y"]), _month(g["dmy_m"]), int(g["dmy_d"])), False
    if g["mdy"]:
        return _date(int(g["mdy_y"]), _month(g["mdy_m"]), int(g["mdy_d"])), False
    month, year = next((g[m], g[y]) for m, y in (("my_m", "my_y"), ("my_m2", "my_y2"), ("my_m3", "my_y3")) if g[m])
    return _date(_full_year(year), _month(month), 1), True


def _term_start(name: str, half: int, year_text: str) -> datetime.date | None:
    """A term in a calendar year ("Spring 2026"), or in an academic year
    ("Spring 2025/26": the spring of 2026)."""
    month, day = TERM_STARTS[(name, half)]
    if re.fullmatch(r"\d{4}", year_text):
        return datetime.date(int(year_text), month, day)
    first = _academic_year(year_text)
    if first is None:
        return None
    return datetime.date(first if month >= 9 else first + 1, month, day)


def _academic_year(text: str) -> int | None:
    """2024 for "2024-25", "2024/2025"; None for a span that is not one
    school year ("2024-2026")."""
    first, second = (int(part) for part in re.split(r"\s*[/-]\s*", text))
    following = first + 1
    return first if second in (following, following % 100) else None


def _full_year(text: str) -> int:
    year = int(text.lstrip("'’"))
    return year + 2000 if year < 100 else year


def _month(text: str) -> int:
    return _MONTHS[text[:3].lower()]


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
