"""Plain text and Markdown layouts the importer must understand."""

import datetime

from policies.importers import parse_document


def parse(name: str, text: str, encoding: str = "utf-8"):
    return parse_document(name, text.encode(encoding))


# -- Markdown ---------------------------------------------------------------------------------------------------

CHARGING_MD = """\
# Charging and Remissions Policy

| Version | Approved | Committee | Reason | Author | Next review |
|---|---|---|---|---|---|
| 1.0 | 01/10/2022 | Finance Committee | New policy | CFO | October 2024 |
| 1.1 | 2024-10-15 | Finance Committee | Periodic review | CFO | October 2026 |

## Contents

1. Purpose
2. Charges

## 1. Purpose

1.1 This policy is reviewed every two years and
follows the Education Act 1996.

- charges for *optional* extras
    - music tuition

### 1.2 Remissions

## 2. Charges

2.1 See the Finance Policy.
"""


def test_markdown_title_and_pipe_version_table():
    parsed = parse("charging.md", CHARGING_MD)
    assert parsed.title == "Charging and Remissions Policy"
    assert [(v.version, v.approved, v.approved_on, v.approved_by, v.reason, v.author, v.next_review)
            for v in parsed.versions] == [
        ("1.0", "01/10/2022", datetime.date(2022, 10, 1), "Finance Committee", "New policy", "CFO", "October 2024"),
        ("1.1", "2024-10-15", datetime.date(2024, 10, 15), "Finance Committee", "Periodic review", "CFO",
         "October 2026"),
    ]
    assert parsed.next_review == "October 2026"
    assert parsed.next_review_on == datetime.date(2026, 10, 1)


def test_markdown_sections_cycle_and_legislation():
    parsed = parse("charging.markdown", CHARGING_MD)
    assert [(s.number, s.heading) for s in parsed.sections] == [("1", "Purpose"), ("2", "Charges")]
    assert parsed.review_cycle_months == 24
    assert parsed.legislation == ["Education Act 1996"]


def test_markdown_body():
    body = parse("charging.md", CHARGING_MD).body_markdown
    assert body.startswith("## 1. Purpose\n\n1.1 This policy is reviewed every two years and follows the Education")
    assert "- charges for *optional* extras\n    - music tuition" in body
    assert "### 1.2 Remissions" in body
    assert "Contents" not in body and "| Version" not in body and "# Charging" not in body


def test_markdown_front_matter_details():
    text = "---\ntitle: Trips Policy\nversion: 4\napproved: 3 July 2023\nreview date: July 2025\n---\n\n## 1. Aims\n"
    parsed = parse("trips.md", text)
    assert parsed.title == "Trips Policy"
    version, = parsed.versions
    assert (version.version, version.approved_on, version.next_review) == ("4", datetime.date(2023, 7, 3), "July 2025")


# -- Plain text -------------------------------------------------------------------------------------------------

RECORDS_TXT = (
    "RECORDS MANAGEMENT POLICY\n\n"
    "V1.0\tJuly 2021 Trust Board\tNew policy\tDPO\tJuly 2023\n"
    "V1.1\tSept 2023 IGG\tPeriodic review\tIT Manager\tQ1 2025-26\n\n"
    "1\tIntroduction\n"
    "1.1\tRecords are kept as the Freedom of Information Act 2000 and the UK GDPR require.\n"
    "2\tRelated Policies\n"
    "Data Protection Policy Freedom of Information Policy Records Management Policy\n"
    "3\tMonitoring\n"
    "This policy will be reviewed annually by the Trust Board.\n"
)


def test_text_tab_separated_version_rows_without_a_header():
    parsed = parse("records.txt", RECORDS_TXT)
    assert parsed.title == "Records Management Policy"
    first, second = parsed.versions
    assert (first.version, first.approved, first.approved_on, first.approved_by) == (
        "1.0", "July 2021", datetime.date(2021, 7, 1), "Trust Board")
    assert (first.reason, first.author, first.next_review) == ("New policy", "DPO", "July 2023")
    assert (second.version, second.approved, second.approved_by, second.next_review) == (
        "1.1", "Sept 2023", "IGG", "Q1 2025-26")


def test_text_numbers_written_with_tabs_are_sections_and_clauses():
    parsed = parse("records.txt", RECORDS_TXT)
    assert [(s.number, s.heading) for s in parsed.sections] == [
        ("1", "Introduction"), ("2", "Related Policies"), ("3", "Monitoring"),
    ]
    assert "## 1. Introduction\n\n1.1 Records are kept" in parsed.body_markdown
    assert "V1.0" not in parsed.body_markdown


def test_text_run_together_related_policies_are_split():
    assert parse("records.txt", RECORDS_TXT).related_policies == [
        "Data Protection Policy", "Freedom of Information Policy", "Records Management Policy",
    ]


def test_text_review_cycle_and_legislation():
    parsed = parse("records.txt", RECORDS_TXT)
    assert parsed.review_cycle_months == 12
    assert parsed.legislation == ["Freedom of Information Act 2000", "UK General Data Protection Regulation"]
    assert any("Q1 2025-26" in w for w in parsed.warnings)  # a review "date" that is not a date


def test_text_approval_line_with_committee_and_next_review():
    text = (
        "The Oak Trust\nBehaviour Policy\n"
        "Approved by the Local Governing Body on 12/03/2023. Next review: March 2025\n"
        "Policy owner: Headteacher\nReview frequency: every 18 months\n\n"
        "1. Aims\n"
        "1.1 This policy should be read in conjunction with the following:\n"
        "• Anti-Bullying Policy\n• Safeguarding and Child Protection Policy\n• Staff Code of Conduct\n"
        "1.2 Pupils are rewarded for good behaviour.\n"
    )
    parsed = parse("behaviour.txt", text)
    assert parsed.title == "Behaviour Policy"
    version, = parsed.versions
    assert (version.version, version.approved, version.approved_on, version.approved_by, version.author) == (
        None, "12/03/2023", datetime.date(2023, 3, 12), "Local Governing Body", None)
    assert parsed.owner == "Headteacher"  # the policy's owner, not the version's author
    assert parsed.next_review == "March 2025"
    assert parsed.review_cycle_months == 18
    assert parsed.related_policies == [
        "Anti-Bullying Policy", "Safeguarding and Child Protection Policy", "Staff Code of Conduct",
    ]
    assert "Approved by" not in parsed.body_markdown and "Policy owner" not in parsed.body_markdown


def test_approval_range_on_the_next_line():
    text = "Exams Policy\n\nApproved by Trust Board:\n\nSeptember 2024 - September 2026\n\n1. Entries\n"
    version, = parse("exams.txt", text).versions
    assert (version.approved, version.approved_on, version.approved_by, version.next_review) == (
        "September 2024", datetime.date(2024, 9, 1), "Trust Board", "September 2026")


def test_key_value_details_give_one_version():
    text = (
        "Complaints Policy\n\nDate Published\tJune 2016\nVersion\t2\nLast Approved Date\tMarch 2021\n"
        "Review Cycle\t3 Years\nReview Date\tMarch 2024\n\n1. Introduction\n"
    )
    parsed = parse("complaints.txt", text)
    version, = parsed.versions
    assert (version.version, version.approved, version.approved_on, version.next_review) == (
        "2", "March 2021", datetime.date(2021, 3, 1), "March 2024")
    assert (parsed.first_published, parsed.review_cycle_months, parsed.next_review) == ("June 2016", 36, "March 2024")


def test_contents_without_page_numbers_is_dropped_when_the_body_repeats_it():
    text = "Lettings Policy\n\nContents\n1. Hire\n2. Charges\n\n1. Hire\n1.1 Ask the office.\n2. Charges\n2.1 Free.\n"
    parsed = parse("lettings.txt", text)
    assert [s.heading for s in parsed.sections] == ["Hire", "Charges"]
    assert parsed.body_markdown.count("## 1. Hire") == 1
    assert "Contents" not in parsed.body_markdown


def test_a_number_going_backwards_is_a_list_item_not_a_section():
    text = "Email Policy\n\n1. Scope\n\n2. Rules\n\n1. Be polite.\n\n2. Be brief.\n\n3. Review\n\n3.1 Every year.\n"
    parsed = parse("email.txt", text)
    assert [(s.number, s.heading) for s in parsed.sections] == [("1", "Scope"), ("2", "Rules"), ("3", "Review")]
    assert "## 2. Rules\n\n1. Be polite.\n2. Be brief.\n\n## 3. Review" in parsed.body_markdown


def test_hard_wrapped_text_is_joined():
    text = "Email Policy\n\n1. Scope\n\n1.1 This policy applies to every member of staff who has\nan email account.\n"
    assert "1.1 This policy applies to every member of staff who has an email account." in \
        parse("email.txt", text).body_markdown


def test_windows_1252_text_is_read():
    parsed = parse("x.txt", "Email Policy\n\n1. Intro\n\n1.1 Staff\u2019s duties \u2013 all of them.\n", "cp1252")
    assert "Staff\u2019s duties \u2013 all of them." in parsed.body_markdown


def test_utf16_from_notepad():
    parsed = parse("x.txt", "Email Policy\r\n\r\n1. Intro\r\n1.1 Caf\u00e9 rules.\r\n", "utf-16")
    assert parsed.title == "Email Policy"
    assert parsed.body_markdown == "## 1. Intro\n\n1.1 Caf\u00e9 rules.\n"


def test_utf8_with_bom():
    assert parse_document("x.txt", "\ufeffEmail Policy\n\n1. Intro\n".encode()).title == "Email Policy"


def test_what_is_not_in_the_document_is_empty_not_guessed():
    parsed = parse("plain.txt", "Lettings Policy\n\n1. Hire of premises\n\n1.1 Ask the office.\n")
    result = parsed.to_json()
    assert result["versions"] == []
    assert result["review_cycle_months"] is None
    assert result["next_review"] is None
    assert result["related_policies"] == []
    assert result["legislation"] == []
    assert parsed.first_published is None and parsed.next_review_on is None
