"""A part of a document that cannot be read is a warning naming it, and the
rest imports; only a file that cannot be read at all is refused."""

import json

import pytest

from policies.importers import DocumentError, parse_document
from tests.policies.layouts import to_docx, to_text

BODY = [("heading", "1. Purpose", 1), ("para", "1.1 Staff follow this policy.")]


def test_a_related_policies_table_is_not_taken_for_a_version_table():
    # The real-world refusal: this table's "Version" column was read as version labels,
    # and the whole document was refused ("a version label is at most 20 characters").
    parts = [
        ("title", "Safeguarding Policy"),
        ("para", "Version: 4"),
        ("para", "Date approved: 01/09/2024"),
        *BODY,
        ("heading", "2. Related policies", 1),
        ("table", [["Policy", "Version", "Date"],
                   ["Behaviour Policy", "Latest version on the trust website", "September 2024"],
                   ["Online Safety Policy", "As published on the school website", "March 2024"]]),
    ]
    parsed = parse_document("safeguarding.docx", to_docx(parts))
    assert [(v.version, v.approved) for v in parsed.versions] == [("4", "01/09/2024")]
    assert parsed.related_policies == ["Behaviour Policy", "Online Safety Policy"]
    assert "Latest version on the trust website" in parsed.body_markdown
    assert parsed.warnings == []


def test_a_roles_and_responsibilities_table_stays_in_the_body():
    parts = [
        ("title", "Equality Policy"),
        ("para", "Version: 2"),
        ("para", "Date approved: 01/09/2024"),
        ("table", [["Role", "Responsibilities"],
                   ["Governing body", "Makes sure the school meets its duties under the law."],
                   ["Policy lead", "Keeps the action plan up to date and reports on it each term."]]),
        *BODY,
    ]
    parsed = parse_document("equality.docx", to_docx(parts))
    assert "Keeps the action plan up to date" in parsed.body_markdown
    assert parsed.owner is None  # a row of duties is not the owner's name
    assert [v.version for v in parsed.versions] == ["2"]


@pytest.mark.parametrize("fmt", ["docx", "txt"])
def test_a_contents_table_is_not_taken_for_a_version_table(fmt):
    parts = [
        ("title", "Attendance Policy"),
        ("para", "Contents"),
        ("table", [["1.", "Purpose", "2"], ["2.", "Version history", "3"], ["3.", "Review", "4"]]),
        *BODY,
    ]
    parsed = parse_document(f"attendance.{fmt}", (to_docx if fmt == "docx" else to_text)(parts))
    assert parsed.versions == []
    assert parsed.warnings == []


def test_a_document_without_a_title_takes_it_from_the_file_name_and_asks_for_a_check():
    parsed = parse_document("e-safety_policy_v3.txt", b"Staff must read this.\nPupils must read it too.\n")
    assert parsed.title == "E-safety Policy"
    assert "title" in parsed.uncertain
    assert parsed.warnings[0] == "No title was found; “E-safety Policy” was taken from the file name. Check it."
    assert "Pupils must read it too." in parsed.body_markdown


def test_a_title_too_long_for_the_library_is_shortened_at_a_word_and_marked_to_check():
    title = "Whole School Policy for " + "Teaching and Learning in Every Subject and Phase " * 8
    parsed = parse_document("long.md", f"# {title}\n\n1.1 Staff must read it.\n".encode())
    assert len(parsed.title) <= 300
    assert title.startswith(parsed.title) and title[len(parsed.title)] == " "
    assert "title" in parsed.uncertain
    assert any("shortened" in warning for warning in parsed.warnings)


def test_a_version_row_with_an_unusable_label_is_kept_without_it_and_the_rest_imports():
    parts = [
        ("title", "Uniform Policy"),
        ("table", [["Version", "Date approved", "Approved by"],
                   ["Draft for consultation with parents", "01/02/2024", "Governors"],
                   ["2.0", "01/09/2024", "Governors"]]),
        *BODY,
    ]
    parsed = parse_document("uniform.docx", to_docx(parts))
    assert [(v.version, v.approved, v.approved_by) for v in parsed.versions] == [
        (None, "01/02/2024", "Governors"), ("2.0", "01/09/2024", "Governors")]
    assert "versions.0.version" in parsed.uncertain
    assert parsed.warnings == [
        "The version table's label “Draft for consultation with parents” cannot be used (a version label is at most "
        "20 characters, without “/”, for example 2.1); the row is kept without a label: set it by hand."
    ]
    assert "1.1 Staff follow this policy." in parsed.body_markdown


def test_a_version_listed_twice_keeps_the_first_row_with_a_warning():
    parts = [
        ("title", "Uniform Policy"),
        ("table", [["Version", "Date approved"], ["1.0", "01/02/2023"], ["1.0", "01/02/2024"], ["2.0", "01/09/2024"]]),
        *BODY,
    ]
    parsed = parse_document("uniform.docx", to_docx(parts))
    assert [(v.version, v.approved) for v in parsed.versions] == [("1.0", "01/02/2023"), ("2.0", "01/09/2024")]
    assert parsed.warnings == ["Version 1.0 is listed twice in the version table; the first row is kept."]


def test_a_date_that_cannot_be_read_is_a_warning_on_its_row_and_marked_to_check():
    parts = [("title", "Uniform Policy"),
             ("table", [["Version", "Date approved"], ["1.0", "at the spring meeting"], ["2.0", "01/09/2024"]]),
             *BODY]
    parsed = parse_document("uniform.docx", to_docx(parts))
    assert [v.version for v in parsed.versions] == ["1.0", "2.0"]
    assert "versions.0.approved" in parsed.uncertain
    assert parsed.warnings == ["Version 1.0: “at the spring meeting” is not a date the portal can read."]


def test_a_cover_page_above_the_title_is_left_out_without_a_warning():
    parts = [("para", "The Riverside Learning Trust"), ("para", "Learning and growing together"),
             ("para", "Lettings Policy"), *BODY]
    parsed = parse_document("lettings.txt", to_text(parts))
    assert parsed.title == "Lettings Policy"
    assert parsed.warnings == []
    assert "Riverside" not in parsed.body_markdown


def test_running_text_above_the_title_is_left_out_with_a_warning_that_quotes_it():
    parts = [("para", "Staff should read this whole document carefully before the start of the new school year "
                      "and ask their line manager about anything unclear."),
             ("title", "Lettings Policy"), *BODY]
    parsed = parse_document("lettings.docx", to_docx(parts))
    assert parsed.warnings == ["Text above the title was left out: “Staff should read this whole document carefully "
                               "before the start of the new…”."]


def test_the_json_for_a_document_with_problems_lists_its_warnings_and_what_to_check():
    parsed = parse_document("e-safety_policy_v3.txt", b"Staff must read this.\n")
    result = json.loads(json.dumps(parsed.to_json()))
    assert result["title"] == "E-safety Policy"
    assert result["uncertain"] == ["title"]
    assert result["warnings"] and result["owner"] is None


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("policy.pdf", b"%PDF-1.7", "unsupported file type .pdf"),
    ("blank.txt", b"  \n", "the file is empty"),
    ("broken.docx", b"not a zip", "not a Word (.docx) document"),
])
def test_only_a_file_that_cannot_be_read_is_refused(name, data, reason):
    with pytest.raises(DocumentError) as refused:
        parse_document(name, data)
    assert reason in refused.value.reason


def test_a_stored_parse_with_owner_and_what_to_check_reads_back_the_same():
    from policies.importers import ParsedPolicy

    parsed = parse_document("e-safety_policy_v3.txt", b"E-safety Policy\nPolicy owner: Head of IT\nVersion: 2\n"
                                                      b"Date approved: Spring 2025\n")
    again = ParsedPolicy.from_dict(json.loads(json.dumps(parsed.to_dict())))
    assert again == parsed
    assert (again.owner, again.uncertain) == ("Head of IT", ["versions.0.approved"])
