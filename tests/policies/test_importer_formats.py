"""The importer on Word, Markdown and text layouts the tests build, and on
files it must refuse."""

import io

import docx
import pytest

from policies.importers import DocumentError, parse_document


def word(build) -> bytes:
    document = docx.Document()
    build(document)
    data = io.BytesIO()
    document.save(data)
    return data.getvalue()


def word_policy(document):
    document.add_heading("Online Safety Policy", level=0)
    table = document.add_table(rows=4, cols=5)
    rows = [
        ["Version", "Date approved", "Reason for revision", "Author", "Next review"],
        ["1.0", "12/07/2021 Trust Board", "New policy", "DPO", "July 2023"],
        ["1.1", "Sept 2023 (IGG)", "Periodic review", "IT Manager", "Q1 2025-26"],
        ["2.0", "4 March 2025 Trust Board", "Rewritten for AI tools", "Head of IT", "March 2027"],
    ]
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    meta = document.add_table(rows=2, cols=2)
    meta.rows[0].cells[0].text, meta.rows[0].cells[1].text = "Review Cycle", "2 Years"
    meta.rows[1].cells[0].text, meta.rows[1].cells[1].text = "Date Published", "July 2021"
    document.add_heading("1. Introduction", level=1)
    document.add_paragraph("1.1 This policy follows the Education Act 2002 and the Equality Act 2010.")
    document.add_paragraph("Pupils must not share passwords", style="List Bullet")
    document.add_paragraph("Staff must report concerns", style="List Bullet")
    document.add_heading("2. Filtering and Monitoring", level=1)
    document.add_paragraph("2.1 See Keeping Children Safe in Education 2025 for the standards.")
    document.add_heading("3. Related policies", level=1)
    document.add_paragraph("Safeguarding Policy", style="List Bullet")
    document.add_paragraph("Acceptable Use Policy", style="List Bullet")


def test_word_title_and_version_table():
    parsed = parse_document("online.docx", word(word_policy))
    assert parsed.title == "Online Safety Policy"
    assert [v.version for v in parsed.versions] == ["1.0", "1.1", "2.0"]
    first, second, third = parsed.versions
    assert (first.approved, first.approved_by, first.approved_on.isoformat()) == ("12/07/2021", "Trust Board",
                                                                                  "2021-07-12")
    assert (second.approved, second.approved_by, second.approved_on.isoformat()) == ("Sept 2023", "IGG",
                                                                                     "2023-09-01")
    assert second.next_review == "Q1 2025-26"
    assert third.reason == "Rewritten for AI tools"
    assert third.author == "Head of IT"


def test_word_metadata_table_sections_and_lists():
    parsed = parse_document("online.docx", word(word_policy))
    assert parsed.review_cycle_months == 24
    assert parsed.first_published == "July 2021"
    assert [s.heading for s in parsed.sections] == ["Introduction", "Filtering and Monitoring", "Related policies"]
    assert "- Pupils must not share passwords\n- Staff must report concerns" in parsed.body_markdown
    assert parsed.related_policies == ["Safeguarding Policy", "Acceptable Use Policy"]
    assert parsed.legislation[:2] == ["Education Act 2002", "Equality Act 2010"]
    assert "Keeping Children Safe in Education 2025" in parsed.legislation


def test_word_version_table_is_not_repeated_in_the_body():
    parsed = parse_document("online.docx", word(word_policy))
    assert "Rewritten for AI tools" not in parsed.body_markdown
    assert parsed.body_markdown.startswith("## 1. Introduction")


def test_markdown_with_a_pipe_version_table():
    text = (
        "# Charging and Remissions Policy\n\n"
        "| Version | Approved | Committee | Reason | Author | Next review |\n"
        "|---|---|---|---|---|---|\n"
        "| 1.0 | 01/10/2022 | Finance Committee | New policy | CFO | October 2024 |\n"
        "| 1.1 | 2024-10-15 | Finance Committee | Periodic review | CFO | October 2026 |\n\n"
        "## 1. Purpose\n\n1.1 This policy is reviewed every two years.\n"
    )
    parsed = parse_document("charging.md", text.encode())
    assert parsed.title == "Charging and Remissions Policy"
    assert [(v.version, v.approved_by, v.approved_on.isoformat()) for v in parsed.versions] == [
        ("1.0", "Finance Committee", "2022-10-01"), ("1.1", "Finance Committee", "2024-10-15"),
    ]
    assert parsed.review_cycle_months == 24
    assert parsed.sections[0].heading == "Purpose"


def test_text_with_tab_separated_version_rows():
    text = (
        "Records Management Policy\n\n"
        "V1.0\tJuly 2021 Trust Board\tNew policy\tDPO\tJuly 2023\n"
        "V1.1\tSept 2023 IGG\tPeriodic review\tIT Manager\tQ1 2025-26\n\n"
        "1. Introduction\n\n1.1 Records are kept as the Freedom of Information Act 2000 requires.\n"
        "Related policies: Data Protection Policy Freedom of Information Policy Records Retention Schedule\n"
    )
    parsed = parse_document("records.txt", text.encode())
    assert [(v.version, v.approved, v.approved_by) for v in parsed.versions] == [
        ("1.0", "July 2021", "Trust Board"), ("1.1", "Sept 2023", "IGG"),
    ]
    assert parsed.versions[1].next_review == "Q1 2025-26"
    assert parsed.legislation == ["Freedom of Information Act 2000"]


def test_run_together_related_policies_are_split():
    text = (
        "Data Breach Policy\n\n1. Related Policies\n\n"
        "Data Protection Policy Freedom of Information Policy Records Management Policy\n"
    )
    parsed = parse_document("breach.txt", text.encode())
    assert parsed.related_policies == [
        "Data Protection Policy", "Freedom of Information Policy", "Records Management Policy",
    ]


def test_what_is_not_in_the_document_is_empty_not_guessed():
    parsed = parse_document("plain.txt", b"Lettings Policy\n\n1. Hire of premises\n\n1.1 Ask the office.\n")
    result = parsed.to_json()
    assert result["versions"] == []
    assert result["review_cycle_months"] is None
    assert result["next_review"] is None
    assert result["related_policies"] == []
    assert result["legislation"] == []


def test_html_in_a_document_stays_text():
    parsed = parse_document("x.txt", b"Email Policy\n\n1. Intro\n\n1.1 Never run <script>alert(1)</script>.\n")
    assert "<script>" not in parsed.body_markdown
    assert "&lt;script&gt;" in parsed.body_markdown


def test_windows_1252_text_is_read():
    parsed = parse_document("x.txt", "Email Policy\n\n1. Intro\n\n1.1 Staff\u2019s duties.\n".encode("cp1252"))
    assert "Staff\u2019s duties." in parsed.body_markdown


@pytest.mark.parametrize(
    "name,data,reason",
    [
        ("broken.docx", b"this is not a zip file", "not a Word (.docx) document"),
        ("empty.txt", b"   \n\n", "the file is empty"),
        ("binary.txt", b"\x00\x01\x02PK\x00", "not a text file"),
        ("policy.pdf", b"%PDF-1.7", "unsupported file type .pdf"),
        ("noext", b"Email Policy", "unsupported file type (none)"),
    ],
)
def test_unreadable_files_are_refused_with_the_file_named(name, data, reason):
    with pytest.raises(DocumentError) as error:
        parse_document(name, data)
    assert error.value.filename == name
    assert reason in error.value.reason
    assert str(error.value).startswith(f"{name}: ")


def test_a_zip_that_is_not_a_word_document_is_refused():
    import zipfile

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(DocumentError, match="could not be opened"):
        parse_document("fake.docx", data.getvalue())
