"""The documents in fixtures/import-examples/ (docs/using.md points people at
them to try the import) read as a careful person would read them."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from policies.importers import DocumentError, ParsedPolicy, parse_document

EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "import-examples"


def parsed(name: str) -> ParsedPolicy:
    path = EXAMPLES / name
    return parse_document(path.name, path.read_bytes())


def rows(policy: ParsedPolicy) -> list[tuple]:
    return [(v.version, v.approved_on, v.approved_by) for v in policy.versions]


def test_a_pdf_turned_into_text_keeps_its_flattened_version_table_and_its_owner():
    policy = parsed("lone-working-policy.txt")
    assert policy.title == "Lone Working Policy"
    assert policy.owner == "Trust Health and Safety Lead"
    assert rows(policy) == [
        ("1.0", datetime.date(2022, 9, 14), "Trust Board"),
        ("2.0", datetime.date(2024, 9, 19), "Resources Committee"),
    ]
    assert policy.review_cycle_months == 24
    assert policy.next_review_on == datetime.date(2026, 9, 1)
    assert policy.legislation == [
        "Health and Safety at Work etc. Act 1974",
        "Management of Health and Safety at Work Regulations 1999",
    ]


def test_markdown_with_a_version_table_reads_terms_as_dates_and_lists_only_real_related_policies():
    policy = parsed("attendance-policy.md")
    assert policy.title == "Attendance Policy"
    assert policy.owner == "Director of Safeguarding and Inclusion"
    assert rows(policy) == [
        ("1.0", datetime.date(2024, 9, 2), "Trust Board"),
        ("1.1", datetime.date(2025, 3, 21), "Standards Committee"),
    ]
    assert policy.review_cycle_months == 12
    assert policy.next_review_on == datetime.date(2026, 1, 1)
    assert policy.related_policies == ["Safeguarding and Child Protection Policy", "Behaviour Policy"]
    assert "Keeping Children Safe in Education 2025" in policy.legislation
    assert "Education Act 1996" in policy.legislation


def test_bulleted_details_under_a_strapline_give_the_version_owner_and_review():
    policy = parsed("acceptable-use-agreement.txt")
    assert policy.title == "Staff Acceptable Use Agreement"
    assert policy.owner == "Trust IT and Data Manager"
    assert rows(policy) == [("3.0", datetime.date(2025, 9, 1), "Trust Board")]
    assert policy.next_review_on == datetime.date(2026, 9, 1)
    assert policy.legislation == ["Data Protection Act 2018", "Investigatory Powers Act 2016"]


def test_a_status_line_carries_the_approval_date_and_body_and_the_cycle_is_in_words():
    policy = parsed("whistleblowing-procedure.txt")
    assert policy.title == "Whistleblowing Procedure"
    assert policy.owner == "Chief Financial and Operating Officer"
    assert [(v.version, v.approved_on) for v in policy.versions] == [("2.1", datetime.date(2024, 12, 11))]
    assert "Trust Board" in (policy.versions[0].approved_by or "")
    assert policy.review_cycle_months == 36
    assert policy.legislation == ["Public Interest Disclosure Act 1998", "Employment Rights Act 1996"]


def test_a_file_that_is_not_what_its_name_says_is_refused_with_the_reason():
    with pytest.raises(DocumentError) as refused:
        parsed("minibus-policy.docx")
    assert "not a Word" in refused.value.reason
