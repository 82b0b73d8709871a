"""Word documents the tests build with python-docx: styles, tables, lists
and Word's automatic numbering."""

import datetime
import io

import docx
import pytest
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

from policies.importers import parse_document

VERSION_ROWS = [
    ["Version", "Date approved", "Committee", "Reason for revision", "Author", "Next review"],
    ["V1.0", "12/07/2021", "Trust Board", "New policy", "DPO", "July 2023"],
    ["V1.1", "Sept 2023 IGG", "", "Periodic review", "IT Manager", "Q1 2025-26"],
    ["2.0", "4 March 2025", "Local Governing Body", "Rewritten for AI tools", "Head of IT", "March 2027"],
]


def word(build) -> bytes:
    document = docx.Document()
    build(document)
    data = io.BytesIO()
    document.save(data)
    return data.getvalue()


def table(document, rows):
    grid = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, values in zip(grid.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    return grid


def online_safety(document):
    document.add_paragraph("Oakfield Learning Trust")
    document.add_heading("ONLINE SAFETY POLICY", level=0)  # level 0 is the Title style
    table(document, [["Review Cycle", "2 Years"], ["Date Published", "July 2021"], ["Next review date", "March 2027"]])
    table(document, VERSION_ROWS)
    document.add_heading("1. Introduction", level=1)
    intro = document.add_paragraph("1.1 This policy follows the ")
    intro.add_run("Education Act 2002").bold = True
    intro.add_run(" and the Equality Act 2010.")
    document.add_paragraph("Pupils must not share passwords", style="List Bullet")
    document.add_paragraph("not even with friends", style="List Bullet 2")
    document.add_paragraph("Staff must report concerns", style="List Bullet")
    document.add_heading("2. Filtering and Monitoring", level=1)
    document.add_heading("2.1 Filtering", level=2)
    document.add_paragraph("2.1.1 See Keeping Children Safe in Education 2025 for the standards.")
    document.add_heading("3. Related policies", level=1)
    document.add_paragraph("Safeguarding Policy", style="List Bullet")
    document.add_paragraph("Acceptable Use Policy", style="List Bullet")
    document.add_heading("4. Review", level=1)
    document.add_paragraph("4.1 This policy will be reviewed every two years.")


@pytest.fixture(scope="module")
def parsed():
    return parse_document("online-safety.docx", word(online_safety))


def test_title_style_is_the_title(parsed):
    assert parsed.title == "Online Safety Policy"
    assert parsed.filename == "online-safety.docx"


def test_version_table_gives_three_versions(parsed):
    first, second, third = parsed.versions
    assert (first.version, first.approved, first.approved_on, first.approved_by) == (
        "1.0", "12/07/2021", datetime.date(2021, 7, 12), "Trust Board")
    assert (first.reason, first.author, first.next_review) == ("New policy", "DPO", "July 2023")
    # No committee column entry: the committee written after the date is used.
    assert (second.version, second.approved, second.approved_on, second.approved_by) == (
        "1.1", "Sept 2023", datetime.date(2023, 9, 1), "IGG")
    assert second.next_review == "Q1 2025-26"
    assert (third.version, third.approved_on, third.approved_by) == (
        "2.0", datetime.date(2025, 3, 4), "Local Governing Body")
    assert (third.reason, third.author, third.next_review) == ("Rewritten for AI tools", "Head of IT", "March 2027")


def test_metadata_table(parsed):
    assert parsed.review_cycle_months == 24
    assert parsed.first_published == "July 2021"
    assert parsed.next_review == "March 2027"
    assert parsed.next_review_on == datetime.date(2027, 3, 1)


def test_heading_styled_sections(parsed):
    assert [(s.number, s.heading, s.level) for s in parsed.sections] == [
        ("1", "Introduction", 1), ("2", "Filtering and Monitoring", 1), ("3", "Related policies", 1),
        ("4", "Review", 1),
    ]


def test_related_policies_and_legislation(parsed):
    assert parsed.related_policies == ["Safeguarding Policy", "Acceptable Use Policy"]
    assert parsed.legislation == ["Education Act 2002", "Equality Act 2010", "Keeping Children Safe in Education 2025"]


def test_body_markdown(parsed):
    body = parsed.body_markdown
    assert body.startswith("## 1. Introduction\n")
    assert "1.1 This policy follows the **Education Act 2002** and the Equality Act 2010." in body
    assert "- Pupils must not share passwords\n    - not even with friends\n- Staff must report concerns" in body
    assert "### 2.1 Filtering" in body
    assert "## 3. Related policies\n\n- Safeguarding Policy\n- Acceptable Use Policy" in body


def test_details_title_and_trust_name_stay_out_of_the_body(parsed):
    body = parsed.body_markdown
    for text in ("Rewritten for AI tools", "Review Cycle", "Online Safety Policy", "ONLINE SAFETY", "Oakfield"):
        assert text not in body


def test_first_heading_1_is_the_title_without_a_title_style():
    def build(document):
        document.add_paragraph("Oakfield Trust policy library")
        document.add_heading("Lettings Policy", level=1)
        document.add_heading("1. Hire of premises", level=1)
        document.add_paragraph("1.1 Ask the school office.")

    parsed = parse_document("lettings.docx", word(build))
    assert parsed.title == "Lettings Policy"
    assert [(s.number, s.heading) for s in parsed.sections] == [("1", "Hire of premises")]


def test_a_bold_title_line_beats_a_first_heading_that_names_no_policy():
    def build(document):
        document.add_paragraph().add_run("Attendance Policy").bold = True
        document.add_heading("Introduction", level=1)
        document.add_heading("Related Policies", level=1)

    parsed = parse_document("attendance.docx", word(build))
    assert parsed.title == "Attendance Policy"
    assert [s.heading for s in parsed.sections] == ["Introduction", "Related Policies"]


def test_unnumbered_heading_styles_are_sections_without_numbers():
    def build(document):
        document.add_heading("Uniform Policy", level=0)
        document.add_heading("Introduction", level=1)
        document.add_paragraph("Pupils wear uniform.")
        document.add_heading("Exceptions", level=2)
        document.add_heading("Appendix A: Price list", level=1)

    parsed = parse_document("uniform.docx", word(build))
    assert [(s.number, s.heading) for s in parsed.sections] == [
        (None, "Introduction"), ("Appendix A", "Price list"),
    ]
    assert "## Introduction\n\nPupils wear uniform.\n\n### Exceptions\n\n## Appendix A – Price list" in \
        parsed.body_markdown


def test_two_column_details_table_with_approval_committee_in_the_key():
    def build(document):
        document.add_heading("Charging Policy", level=0)
        table(document, [["Version", "3"], ["Date approved by Finance Committee", "1st September 2024"],
                         ["Review frequency", "Annually"], ["Policy owner", "Business Manager"]])
        document.add_paragraph("1. Purpose")

    parsed = parse_document("charging.docx", word(build))
    version, = parsed.versions
    assert (version.version, version.approved, version.approved_on, version.approved_by, version.author) == (
        "3", "1st September 2024", datetime.date(2024, 9, 1), "Finance Committee", None)
    assert parsed.owner == "Business Manager"


def _multilevel_numbering(document) -> str:
    """Add a Word list numbered "1." then "1.1" and return its numId."""
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="o"/></w:lvl>'
        "</w:abstractNum>"
    ))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def _number(paragraph, num_id: str, level: int) -> None:
    num_pr = OxmlElement("w:numPr")
    for tag, value in (("w:ilvl", level), ("w:numId", num_id)):
        element = OxmlElement(tag)
        element.set(qn("w:val"), str(value))
        num_pr.append(element)
    paragraph._p.get_or_add_pPr().append(num_pr)


def test_words_automatic_numbering_is_read():
    def build(document):
        num_id = _multilevel_numbering(document)
        document.add_heading("Attendance Policy", level=0)
        for heading, clauses in (("Aims", ["We expect full attendance."]),
                                 ("Roles", ["Parents ensure children attend.", "Staff record absence:"])):
            _number(document.add_heading(heading, level=1), num_id, 0)
            for clause in clauses:
                _number(document.add_paragraph(clause), num_id, 1)
        _number(document.add_paragraph("on time"), num_id, 2)
        _number(document.add_paragraph("in the register"), num_id, 2)

    parsed = parse_document("attendance.docx", word(build))
    assert [(s.number, s.heading) for s in parsed.sections] == [("1", "Aims"), ("2", "Roles")]
    assert "## 1. Aims\n\n1.1 We expect full attendance.\n\n## 2. Roles" in parsed.body_markdown
    assert "2.1 Parents ensure children attend.\n\n2.2 Staff record absence:\n\n- on time\n- in the register" in \
        parsed.body_markdown


def test_list_number_style_becomes_an_ordered_list():
    def build(document):
        document.add_heading("Visitors Policy", level=0)
        document.add_paragraph("1. Signing in")
        document.add_paragraph("Visitors must:")
        document.add_paragraph("Sign in at reception", style="List Number")
        document.add_paragraph("Wear a badge", style="List Number")

    body = parse_document("visitors.docx", word(build)).body_markdown
    assert "Visitors must:\n\n1. Sign in at reception\n2. Wear a badge" in body


def test_one_column_table_is_a_box_round_ordinary_paragraphs():
    def build(document):
        document.add_heading("Privacy Notice", level=0)
        box = document.add_table(rows=1, cols=1)
        box.cell(0, 0).text = "Approved by Trust Board: 5 May 2022"
        box.cell(0, 0).add_paragraph("1. Who we are")

    parsed = parse_document("privacy.docx", word(build))
    assert parsed.versions[0].approved_on == datetime.date(2022, 5, 5)
    assert [s.heading for s in parsed.sections] == ["Who we are"]


def test_script_in_word_text_stays_text():
    def build(document):
        document.add_heading("Online Safety Policy", level=0)
        document.add_paragraph("1. Filtering")
        document.add_paragraph("Blocked pages show <script>alert(1)</script> as text.")

    body = parse_document("x.docx", word(build)).body_markdown
    assert "<script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_hyperlinks_and_tracked_changes_read_as_word_shows_them():
    def build(document):
        document.add_heading("Data Policy", level=0)
        document.add_paragraph("1. Scope")
        paragraph = document.add_paragraph("1.1 Read the ")
        paragraph._p.append(parse_xml(
            f'<w:hyperlink {nsdecls("w", "r")} r:id="rId99"><w:r><w:t>Records Policy</w:t></w:r></w:hyperlink>'))
        paragraph._p.append(parse_xml(
            f'<w:ins {nsdecls("w")} w:id="1" w:author="DPO"><w:r><w:t xml:space="preserve"> under the Equality Act'
            " 2010</w:t></w:r></w:ins>"))
        paragraph._p.append(parse_xml(
            f'<w:del {nsdecls("w")} w:id="2" w:author="DPO"><w:r><w:delText> and the Old Act 1990</w:delText>'
            "</w:r></w:del>"))

    parsed = parse_document("data.docx", word(build))
    assert "1.1 Read the Records Policy under the Equality Act 2010" in parsed.body_markdown
    assert parsed.legislation == ["Equality Act 2010"]


def test_details_in_page_headers_and_footers_are_read_but_not_shown():
    def build(document):
        document.add_heading("Online Safety Policy", level=0)
        document.add_paragraph("1. Filtering")
        document.sections[0].header.paragraphs[0].text = "Online Safety Policy"
        document.sections[0].footer.paragraphs[0].text = "Version: 2.1"
        document.sections[0].footer.add_paragraph("Review date: September 2026")

    parsed = parse_document("online.docx", word(build))
    assert [v.version for v in parsed.versions] == ["2.1"]
    assert parsed.next_review_on == datetime.date(2026, 9, 1)
    assert parsed.body_markdown == "## 1. Filtering\n"
    assert parsed.warnings == []
