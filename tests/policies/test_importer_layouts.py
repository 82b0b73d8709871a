"""Policies laid out as different trusts lay them out, each imported from
Word and from text as a careful person would read it: the title, the owner,
each version (label, date approved, approving body), the next review and the
review cycle, with no warning the layout does not call for."""

import datetime
from dataclasses import dataclass, field

import pytest

from policies.importers import parse_document
from tests.policies.layouts import to_docx, to_text

D = datetime.date


@dataclass
class Layout:
    name: str
    parts: list[tuple]
    title: str
    owner: str | None
    versions: list[tuple[str | None, datetime.date | None, str | None]]
    next_review: datetime.date | None
    cycle: int | None
    uncertain: set[str] = field(default_factory=set)  # at least these fields are marked to check
    related: list[str] = field(default_factory=list)
    warnings: dict[str, list[str]] = field(default_factory=dict)  # expected warnings, by format

SECTIONS = [
    ("heading", "1. Purpose", 1),
    ("para", "1.1 This policy explains what staff and pupils can expect."),
    ("heading", "2. Responsibilities", 1),
    ("para", "2.1 Every member of staff follows this policy."),
]

LAYOUTS = [
    # A classic version table with a committee column; owner and cycle as key/value lines.
    Layout(
        "version-table",
        [
            ("title", "Attendance Policy"),
            ("para", "Policy owner: Head of School"),
            ("para", "Review cycle: Annually"),
            ("table", [["Version", "Date approved", "Approved by", "Changes", "Next review"],
                       ["1.0", "14/09/2022", "Local Governing Body", "New policy", "14/09/2023"],
                       ["1.1", "20/09/2023", "Local Governing Body", "Updated contacts", "20/09/2024"]]),
            *SECTIONS,
        ],
        "Attendance Policy", "Head of School",
        [("1.0", D(2022, 9, 14), "Local Governing Body"), ("1.1", D(2023, 9, 20), "Local Governing Body")],
        D(2024, 9, 20), 12,
    ),
    # A cover page (the trust's name in Title style, a strapline, the school) and bulleted details.
    Layout(
        "cover-page-bulleted-details",
        [
            ("title", "The Riverside Learning Trust"),
            ("para", "Learning and growing together"),
            ("para", "Oakfield Primary School"),
            ("heading", "Safeguarding and Child Protection Policy", 1),
            ("bullet", "Version: 3.1"),
            ("bullet", "Date approved: 12 March 2025"),
            ("bullet", "Approved by: Trust Board"),
            ("bullet", "Next review date: 12 March 2026"),
            ("bullet", "Responsible officer: Designated Safeguarding Lead"),
            ("bullet", "Review frequency: every year"),
            *SECTIONS,
        ],
        "Safeguarding and Child Protection Policy", "Designated Safeguarding Lead",
        [("3.1", D(2025, 3, 12), "Trust Board")], D(2026, 3, 12), 12,
    ),
    # A two-column details table (label | value) with labels of its own, and a reviewer who is not the owner.
    Layout(
        "details-table",
        [
            ("para", "Online Safety Policy"),
            ("table", [["Version number", "4"], ["Issue date", "01/09/2024"], ["Ratified by", "Full Governing Body"],
                       ["Date of next review", "01/09/2025"], ["Lead member of staff", "Computing Lead"],
                       ["Review period", "12 months"], ["Reviewed by", "Senior Leadership Team"]]),
            *SECTIONS,
        ],
        "Online Safety Policy", "Computing Lead", [("4", D(2024, 9, 1), "Full Governing Body")], D(2025, 9, 1), 12,
    ),
    # A status line carrying the date and the body; a next review given as a term; space-separated labels.
    Layout(
        "status-line",
        [
            ("para", "Charging and Remissions Policy"),
            ("para", "Status: Approved by the Trust Board on 12 March 2025"),
            ("para", "Version no. 2.0"),
            ("para", "To be reviewed: Spring 2027"),
            ("para", "Person responsible: Business Manager"),
            ("para", "Reviewed every 2 years"),
            *SECTIONS,
        ],
        "Charging and Remissions Policy", "Business Manager", [("2.0", D(2025, 3, 12), "Trust Board")],
        D(2027, 1, 1), 24, uncertain={"next_review"},
    ),
    # A version table flattened to lines by a PDF-to-text tool, columns kept apart by runs of spaces.
    Layout(
        "flattened-spaces",
        [
            ("para", "Data Protection Policy"),
            ("para", "Policy owner - Data Protection Officer"),
            ("para", "Frequency of review: 2 years"),
            ("para", "Version   Date         Approved by     Changes                Review date"),
            ("para", "1.0       03/02/2023   Trust Board     First version          03/02/2025"),
            ("para", "2.0       05/02/2025   Trust Board     UK GDPR wording        05/02/2027"),
            *SECTIONS,
        ],
        "Data Protection Policy", "Data Protection Officer",
        [("1.0", D(2023, 2, 3), "Trust Board"), ("2.0", D(2025, 2, 5), "Trust Board")], D(2027, 2, 5), 24,
        uncertain={"versions"},
    ),
    # A version table flattened with every cell on a line of its own.
    Layout(
        "flattened-cell-per-line",
        [
            ("para", "Complaints Procedure"),
            ("para", "Owner: Clerk to the Trustees"),
            ("para", "Review cycle: every three years"),
            ("para", "Version"), ("para", "Date approved"), ("para", "Approved by"), ("para", "Summary"),
            ("para", "Next review"),
            ("para", "1"), ("para", "10/10/2021"), ("para", "Board of Trustees"), ("para", "Adopted"),
            ("para", "10/10/2024"),
            ("para", "2"), ("para", "15/10/2024"), ("para", "Board of Trustees"), ("para", "New template"),
            ("para", "15/10/2027"),
            *SECTIONS,
        ],
        "Complaints Procedure", "Clerk to the Trustees",
        [("1", D(2021, 10, 10), "Board of Trustees"), ("2", D(2024, 10, 15), "Board of Trustees")],
        D(2027, 10, 15), 36, uncertain={"versions"},
    ),
    # Details kept in the page header and footer.
    Layout(
        "header-and-footer",
        [
            ("header", "Policy owner: SENCo"),
            ("para", "Supporting Pupils with Medical Conditions Policy"),
            ("para", "Review cycle: 1 year"),
            *SECTIONS,
            ("footer", "Version 2.2 | Approved by LGB: 04/02/2025 | Next review: 04/02/2026"),
        ],
        "Supporting Pupils with Medical Conditions Policy", "SENCo", [("2.2", D(2025, 2, 4), "LGB")],
        D(2026, 2, 4), 12,
    ),
    # A contents page with page numbers, then an issue table as another trust heads it.
    Layout(
        "contents-page",
        [
            ("title", "Behaviour Policy"),
            ("para", "Lead person: Deputy Headteacher"),
            ("para", "Frequency of review: biennially"),
            ("table", [["Issue", "Issue date", "Ratified by", "Description"],
                       ["1", "06/06/2022", "Governors", "New policy"],
                       ["2", "05/06/2024", "Governors", "Reasonable force added"]]),
            ("para", "Contents"),
            ("table", [["1.", "Purpose", "2"], ["2.", "Responsibilities", "2"], ["3.", "Review", "3"]]),
            *SECTIONS,
            ("heading", "3. Review", 1),
            ("para", "3.1 The policy is reviewed by governors."),
        ],
        "Behaviour Policy", "Deputy Headteacher",
        [("1", D(2022, 6, 6), "Governors"), ("2", D(2024, 6, 5), "Governors")], None, 24,
    ),
    # A related-policies table and a roles table, neither a version table; an adoption line.
    Layout(
        "related-and-roles-tables",
        [
            ("title", "Anti-Bullying Policy"),
            ("para", "Version: 1.4"),
            ("para", "Adopted by governors on 20 November 2024"),
            ("para", "Next review date: November 2025"),
            ("para", "Policy lead: Pastoral Lead"),
            ("para", "Review cycle: Annually"),
            ("heading", "1. Roles", 1),
            ("table", [["Role", "Responsibility"],
                       ["Governing body", "Checks that the policy is followed and reviews it every year."],
                       ["Headteacher", "Makes sure all staff are trained to spot and report bullying."]]),
            ("heading", "2. Related policies", 1),
            ("table", [["Related policy", "Version", "Date"],
                       ["Behaviour Policy", "2", "June 2024"],
                       ["Online Safety Policy", "4", "Sept 2024"]]),
        ],
        "Anti-Bullying Policy", "Pastoral Lead", [("1.4", D(2024, 11, 20), "governors")], D(2025, 11, 1), 12,
        uncertain={"next_review"}, related=["Behaviour Policy", "Online Safety Policy"],
    ),
    # Unnumbered headings; details on lines with their own labels, one of them without a colon.
    Layout(
        "unnumbered-headings",
        [
            ("para", "Staff Code of Conduct"),
            ("para", "Version number 5"),
            ("para", "Date ratified: 3rd October 2024"),
            ("para", "Ratified by: Local Governing Body"),
            ("para", "Next review date: 3rd October 2025"),
            ("para", "Responsible person: Headteacher"),
            ("para", "Review cycle: every year"),
            ("heading", "Introduction", 1),
            ("para", "Staff are expected to set a good example."),
            ("heading", "Dress", 1),
            ("para", "Staff dress smartly."),
        ],
        "Staff Code of Conduct", "Headteacher", [("5", D(2024, 10, 3), "Local Governing Body")], D(2025, 10, 3), 12,
        warnings={"txt": ["No numbered sections were found; the text is kept as it is."]},
    ),
    # An approval line with a term, tabs between labels and values, and a re-adoption date.
    Layout(
        "approval-line-and-tabs",
        [
            ("para", "INTIMATE CARE POLICY"),
            ("para", "Approved by Full Governing Body – Summer Term 2025"),
            ("para", "Version\t2"),
            ("para", "Next review\tSummer Term 2026"),
            ("para", "Owner\tEarly Years Lead"),
            ("para", "Review frequency\tbiennially"),
            *SECTIONS,
        ],
        "Intimate Care Policy", "Early Years Lead", [("2", D(2025, 4, 1), "Full Governing Body")], D(2026, 4, 1), 24,
        uncertain={"next_review", "versions.0.approved"},
    ),
    # A re-adoption date and a revision date as the version's date, numbered details under a caption.
    Layout(
        "re-adoption",
        [
            ("para", "Oakfield Academy Trust"),
            ("para", "Lettings Policy"),
            ("para", "Document control"),
            ("table", [["Version no.", "3"], ["Re-adoption date", "10.07.2025"], ["Approved by", "Trust Board"],
                       ["Date of next review", "10.07.2028"], ["Policy owner", "Estates Manager"],
                       ["Review cycle", "three years"]]),
            *SECTIONS,
        ],
        "Lettings Policy", "Estates Manager", [("3", D(2025, 7, 10), "Trust Board")], D(2028, 7, 10), 36,
    ),
]

FORMATS = {"docx": to_docx, "txt": to_text}
CASES = [(layout, fmt) for layout in LAYOUTS for fmt in FORMATS]


@pytest.mark.parametrize(("layout", "fmt"), CASES, ids=[f"{layout.name}-{fmt}" for layout, fmt in CASES])
def test_a_layout_imports_as_a_careful_person_would_read_it(layout, fmt):
    parsed = parse_document(f"{layout.name}.{fmt}", FORMATS[fmt](layout.parts))
    assert parsed.title == layout.title
    assert parsed.owner == layout.owner
    assert [(v.version, v.approved_on, v.approved_by) for v in parsed.versions] == layout.versions
    assert parsed.next_review_on == layout.next_review
    assert parsed.review_cycle_months == layout.cycle
    assert layout.uncertain <= set(parsed.uncertain)
    assert "title" not in parsed.uncertain
    for name in layout.related:
        assert name in parsed.related_policies
    assert parsed.warnings == layout.warnings.get(fmt, [])


# -- the title: small rules, each on a document of its own ---------------------------------------------------------

def title_of(*lines: str, name: str = "policy.txt") -> tuple[str, list[str]]:
    parsed = parse_document(name, "\n".join([*lines, "1. Purpose", "1.1 Staff follow this policy."]).encode())
    return parsed.title, parsed.uncertain


def test_a_strapline_above_the_title_is_not_the_title():
    assert title_of("Learning and growing together", "Homework Policy") == ("Homework Policy", [])


def test_a_school_name_alone_is_not_the_title():
    assert title_of("Oakfield Primary School", "Homework Guidance") == ("Homework Guidance", [])


def test_the_first_sentence_is_not_the_title():
    title, _ = title_of("This policy sets out how we set homework", "Homework Statement")
    assert title == "Homework Statement"


def test_the_trust_name_in_the_title_style_gives_way_to_the_policy_named_below_it():
    parts = [("title", "The Riverside Learning Trust"), ("para", "Home School Agreement"),
             ("heading", "1. Purpose", 1), ("para", "1.1 Families sign it.")]
    assert parse_document("agreement.docx", to_docx(parts)).title == "Home School Agreement"


def test_a_title_that_is_only_a_guess_is_marked_to_check():
    title, uncertain = title_of("Homework at Oakfield")
    assert title == "Homework at Oakfield"
    assert uncertain == ["title"]


def test_a_sentence_that_starts_like_a_detail_stays_in_the_body():
    text = (b"Homework Policy\nVersion 2\n1. Purpose\n"
            b"Approved at the meeting in May 2024 by the governors after a consultation.\n")
    parsed = parse_document("homework.txt", text)
    assert [(v.version, v.approved) for v in parsed.versions] == [("2", None)]
    assert "Approved at the meeting in May 2024" in parsed.body_markdown
