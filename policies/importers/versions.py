"""Version history tables: a header row (Version | Date approved | Committee
| Reason | Author | Next review, in any order and wording) or headerless
rows that start with a version label ("V1.1<tab>Sept 2023 IGG<tab>...")."""

from __future__ import annotations

import re

from policies.importers.dates import has_date, read_date, split_date_and_body
from policies.importers.model import ParsedVersion

_LABEL = re.compile(r"^(?:v(?:er(?:sion)?)?|issue|rev(?:ision)?)?\.?\s*(\d{1,3}(?:\.\d{1,3}){0,3})$", re.IGNORECASE)
_HEADLESS_LABEL = re.compile(r"^(?:v(?:er(?:sion)?)?\.?\s*\d{1,3}(?:\.\d{1,3}){0,3}|\d{1,3}\.\d{1,3})$", re.IGNORECASE)
_COMMITTEE = re.compile(
    r"\b(?:board|committee|governors?|governing|trustees?|directors|members|council|panel|group|forum|"
    r"LGB|FGB|IGG|SLT|CEO|head ?teacher|principal|executive)\b",
    re.IGNORECASE,
)
_NAMES_DOCUMENTS = re.compile(r"\b(?:polic(?:y|ies)|documents?|title|name|related|linked|procedures?)\b", re.IGNORECASE)
_ACADEMIC_PERIOD = re.compile(r"\b(?:Q[1-4]|term|autumn|spring|summer|(?:19|20)\d{2})\b", re.IGNORECASE)


def version_label(text: str | None) -> str | None:
    """"V1.1" -> "1.1", "Version 2" -> "2"; anything else as written."""
    if not text or not text.strip():
        return None
    match = _LABEL.match(text.strip())
    return match.group(1) if match else text.strip()


def column_of(header: str) -> str | None:
    """Which version field a header cell names, matched loosely."""
    h = re.sub(r"[^a-z ]+", " ", header.lower())
    h = re.sub(r"\s+", " ", h).strip()
    if not h:
        return None
    if re.fullmatch(r"(?:policy |document )?(?:version|ver|v|issue|rev|revision)(?: (?:no|number|num))?", h):
        return "version"
    if re.search(r"\breview\b", h) and re.search(r"\b(?:next|due|date|by)\b", h) and not re.search(r"\blast\b", h):
        return "next_review"
    if re.search(r"\b(?:reason|change|changes|amendments?|summary|description|comments?|notes?|details)\b", h):
        return "reason"
    if re.search(r"\b(?:author|owner|reviewed by|revised by|amended by|written by|lead|editor)\b", h) or h == "by":
        return "author"
    if re.search(r"approv|ratif|adopt|agreed", h):
        if re.search(r"\b(?:by|body|committee)\b", h) and "date" not in h:
            return "approved_by"
        return "approved"
    if re.search(r"\b(?:committee|body|governance)\b", h):
        return "approved_by"
    if re.fullmatch(r"(?:date|issue date|date of issue|effective date)", h):
        return "approved"
    return None


def table_versions(rows: list[list[str]]) -> list[ParsedVersion] | None:
    """The versions a table lists, or None when it is not a version table.

    A table is a version table by its header: a version (issue, revision)
    column and a date column. A list of related policies or of roles has
    neither, whatever its first column happens to hold."""
    for header_index, header in enumerate(rows[:2]):
        columns = version_header(header)
        if columns is not None:
            body = rows[header_index + 1 :]
            return [_from_columns(columns, row) for row in body if _row_has_content(columns, row)]
    labelled = [row for row in rows if _HEADLESS_LABEL.match(row[0].strip()) and len(row) >= 3]
    if labelled and len(labelled) == len(rows) and all(has_date(" ".join(row[1:])) for row in labelled):
        return [_from_cells(row) for row in labelled]
    return None


def version_header(cells: list[str]) -> list[str | None] | None:
    """The field each header cell names, when the cells head a version table."""
    columns = [column_of(cell) for cell in cells]
    if "version" not in columns or not ({"approved", "next_review"} & set(columns)):
        return None
    # "Related document | Version | Date": a list of other documents, each with its own version.
    if any(column is None and _NAMES_DOCUMENTS.search(cell) for column, cell in zip(columns, cells, strict=True)):
        return None
    return columns


def _row_has_content(columns: list[str | None], row: list[str]) -> bool:
    values = {c: v for c, v in zip(columns, row, strict=False) if c and v.strip()}
    return bool(values.get("version") or values.get("approved"))


def _from_columns(columns: list[str | None], row: list[str]) -> ParsedVersion:
    values: dict[str, str] = {}
    for column, cell in zip(columns, row, strict=False):
        if column and cell.strip() and column not in values:
            values[column] = cell.strip()
    return make_version(values)


def _from_cells(cells: list[str]) -> ParsedVersion:
    """A row without a header: the version first, the first cell with a date
    is the approval (a committee may follow the date), a last cell that looks
    like a date or a term is the next review, and the text in between is the
    reason then the author."""
    cells = [c.strip() for c in cells]
    values = {"version": cells[0]}
    rest = cells[1:]
    approved_at = next((i for i, cell in enumerate(rest) if has_date(cell)), None)
    if approved_at is not None:
        values["approved"] = rest.pop(approved_at)
    if len(rest) >= 1 and _ACADEMIC_PERIOD.search(rest[-1]) and approved_at is not None:
        values["next_review"] = rest.pop()
    if rest and "approved" in values and split_date_and_body(values["approved"])[1] is None:
        if _COMMITTEE.search(rest[0]) and len(rest[0].split()) <= 5:
            values["approved_by"] = rest.pop(0)
    for key, cell in zip(("reason", "author"), [c for c in rest if c], strict=False):
        values[key] = cell
    return make_version(values)


def make_version(values: dict[str, str]) -> ParsedVersion:
    """A ParsedVersion from the fields found, splitting a committee written in
    the date cell ("Sept 2023 IGG") where there is no committee of its own."""
    approved, approved_by = values.get("approved"), values.get("approved_by")
    if approved:
        date_text, body = split_date_and_body(approved)
        if date_text:
            approved = date_text
            approved_by = approved_by or body
    return ParsedVersion(
        version=version_label(values.get("version")),
        approved=approved or None,
        approved_on=read_date(approved),
        approved_by=_tidy(approved_by),
        reason=_tidy(values.get("reason")),
        author=_tidy(values.get("author")),
        next_review=_tidy(values.get("next_review")),
    )


def _tidy(text: str | None) -> str | None:
    if text is None:
        return None
    text = re.sub(r"\s+", " ", text).strip(" ,;")
    return text or None
