"""Who owns the policy, as the document words it, from the labels trusts use
for it; a reviewer or an author is not the owner."""

import pytest

from policies.importers import parse_document
from tests.policies.layouts import to_docx, to_text


def parse(*lines: str, name: str = "policy.txt"):
    return parse_document(name, "\n".join(["Lettings Policy", *lines, "1. Purpose", "1.1 Halls are let."]).encode())


@pytest.mark.parametrize("line", [
    "Policy owner: Head of IT",
    "Owner: Head of IT",
    "Responsible officer: Head of IT",
    "Lead member of staff: Head of IT",
    "Lead person: Head of IT",
    "Policy lead: Head of IT",
    "Person responsible: Head of IT",
    "Responsible person - Head of IT",
    "Policy owner\tHead of IT",
    "• Policy owner:   Head of IT  ",
])
def test_the_owner_is_read_from_the_labels_trusts_use(line):
    parsed = parse(line)
    assert parsed.owner == "Head of IT"
    assert "Head of IT" not in parsed.body_markdown


@pytest.mark.parametrize("line", ["Reviewed by: Head of IT", "Author: Head of IT", "Written by: Head of IT"])
def test_a_reviewer_or_an_author_is_not_the_owner(line):
    assert parse(line).owner is None


def test_the_author_stays_the_versions_author():
    parsed = parse("Version: 2", "Date approved: 01/09/2024", "Author: Head of IT", "Policy owner: Business Manager")
    assert (parsed.owner, parsed.versions[0].author) == ("Business Manager", "Head of IT")


def test_the_owner_is_kept_as_written_with_a_name_in_brackets():
    assert parse("Policy owner: Headteacher (Mrs A Patel)").owner == "Headteacher (Mrs A Patel)"


@pytest.mark.parametrize("fmt", ["docx", "txt"])
def test_the_owner_in_a_details_table(fmt):
    parts = [("title", "Lettings Policy"), ("table", [["Version", "3"], ["Policy owner", "Estates Manager"]]),
             ("heading", "1. Purpose", 1), ("para", "1.1 Halls are let.")]
    parsed = parse_document(f"lettings.{fmt}", (to_docx if fmt == "docx" else to_text)(parts))
    assert parsed.owner == "Estates Manager"


def test_the_owner_in_a_word_page_header():
    parts = [("header", "Policy owner: Estates Manager"), ("title", "Lettings Policy"),
             ("heading", "1. Purpose", 1), ("para", "1.1 Halls are let.")]
    assert parse_document("lettings.docx", to_docx(parts)).owner == "Estates Manager"


def test_a_safeguarding_lead_named_in_a_contacts_table_is_not_the_owner():
    parts = [("title", "Safeguarding Policy"), ("heading", "1. Contacts", 1),
             ("table", [["Designated Safeguarding Lead", "Mrs B Green"], ["Deputy DSL", "Mr C Hill"],
                        ["Chair of Governors", "Ms D Low"]])]
    parsed = parse_document("safeguarding.docx", to_docx(parts))
    assert parsed.owner is None
    assert "Mrs B Green" in parsed.body_markdown


def test_a_document_without_an_owner_line_has_no_owner():
    assert parse("Version: 2").owner is None
