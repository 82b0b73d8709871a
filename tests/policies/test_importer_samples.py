"""The importer on real policies published by UK schools, kept beside the
project in ../shared/sample-policies (skipped where that folder is absent)."""

from pathlib import Path

import pytest

from policies.importers import parse_document

SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "sample-policies"
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"shared sample policies not found at {SAMPLES}")

LIONHEART = "lionheart-electronic-communications-policy.txt"
NEXUS = "nexus-electronic-communications-policy.txt"
LPP = "lpp-email-policy.txt"


def parse(name: str):
    return parse_document(name, (SAMPLES / name).read_bytes())


def test_json_has_exactly_the_agreed_keys():
    result = parse(LIONHEART).to_json()
    assert list(result) == [
        "file", "title", "versions", "review_cycle_months", "next_review", "related_policies", "legislation",
        "sections", "owner", "warnings", "uncertain",
    ]
    assert list(result["versions"][0]) == [
        "version", "approved", "approved_on", "approved_by", "reason", "author", "next_review",
    ]
    assert list(result["sections"][0]) == ["number", "heading"]
    assert result["file"] == LIONHEART


# -- Lionheart: approval line, contents list, "1.0" numbering ---------------------------------------------------

def test_lionheart_title_and_approval():
    result = parse(LIONHEART).to_json()
    assert result["title"] == "Electronic Communications Policy"
    assert result["versions"] == [{
        "version": None, "approved": "September 2024", "approved_on": "2024-09-01", "approved_by": "Trust Board",
        "reason": None, "author": None, "next_review": "September 2026",
    }]
    assert result["next_review"] == "September 2026"


def test_lionheart_review_cycle_comes_from_the_review_clause():
    parsed = parse(LIONHEART)
    assert parsed.review_cycle_months == 24
    assert parsed.next_review_on.isoformat() == "2026-09-01"
    assert parsed.first_published is None


def test_lionheart_related_policies_and_legislation():
    result = parse(LIONHEART).to_json()
    assert result["related_policies"] == [
        "Data Protection Policy", "Social Media Policy", "IT Security Policy", "Acceptable Use Policy [Staff]",
    ]
    assert "Data Protection Act 2018" in result["legislation"]
    assert "Regulation of Investigatory Powers Act 2000" in result["legislation"]
    assert (
        "Telecommunications (Lawful Business Practice) (Interception of Communications) Regulations 2000"
        in result["legislation"]
    )


def test_lionheart_twelve_sections_and_the_contents_list_is_not_a_second_set():
    sections = parse(LIONHEART).to_json()["sections"]
    assert [s["number"] for s in sections] == [f"{n}.0" for n in range(1, 13)]
    assert sections[0]["heading"] == "Introduction"
    assert sections[3]["heading"] == "Roles and Responsibilities"
    assert sections[-1]["heading"] == "Review"


def test_lionheart_body():
    body = parse(LIONHEART).body_markdown
    assert body.count("## 1.0 Introduction") == 1  # the contents list is gone
    assert "## 12.0 Review" in body
    assert "Contents" not in body
    assert "\t" not in body
    assert "Approved by Trust Board" not in body
    assert "ELECTRONIC COMMUNICATIONS POLICY" not in body
    assert "\n1.1 Lionheart Educational Trust" in body  # a clause laid out as a bullet stays a clause
    assert "- Acceptable Use Policy [Staff]" in body


def test_lionheart_keeps_its_repeated_clause_numbers_as_written_without_a_warning():
    body = parse(LIONHEART).body_markdown
    assert "6.4 The automatic forwarding" in body and "6.4 It is the responsibility" in body


@pytest.mark.parametrize("name", [LIONHEART, NEXUS, LPP])
def test_every_sample_imports_without_a_warning(name):
    assert parse(name).warnings == []


# -- Nexus: key/value details, "1." numbering, sub-headings and appendices ---------------------------------------

def test_nexus_details_block_is_one_version():
    parsed = parse(NEXUS)
    result = parsed.to_json()
    assert result["title"] == "Electronic Communications Policy"
    assert result["versions"] == [{
        "version": "2", "approved": "March 2021", "approved_on": "2021-03-01", "approved_by": None,
        "reason": None, "author": None, "next_review": "March 2024",
    }]
    assert parsed.first_published == "June 2016"
    assert result["review_cycle_months"] == 36
    assert result["next_review"] == "March 2024"
    assert parsed.next_review_on.isoformat() == "2024-03-01"


def test_nexus_legislation():
    legislation = parse(NEXUS).to_json()["legislation"]
    assert "Computer Misuse Act 1990" in legislation
    assert "Copyright Designs and Patents Act 1988" in legislation
    assert "General Data Protection Regulation" in legislation
    assert len(legislation) == len(set(legislation))


def test_nexus_six_sections_then_four_appendices_each_once():
    sections = parse(NEXUS).to_json()["sections"]
    assert [s["number"] for s in sections] == [
        "1", "2", "3", "4", "5", "6", "Appendix 1", "Appendix 2", "Appendix 3", "Appendix 4",
    ]
    assert sections[1]["heading"] == "Electronic Communications and the Law"
    assert sections[6]["heading"] == "Offensive and Unsuitable Material"
    assert sections[8]["heading"] == "Checklist of Do's and Don'ts"


def test_nexus_body():
    body = parse(NEXUS).body_markdown
    assert "## 1. Introduction" in body
    assert "### 5.4 Email" in body
    assert "### 5.12 Misuse" in body
    assert body.count("## Appendix 1 – Offensive and Unsuitable Material") == 1
    assert "## Appendix 3 – Checklist of Do's and Don'ts" in body
    assert "**COLLEAGUES MUST NOT REVEAL" in body  # bold as the source marks it
    assert "Date Published" not in body and "Review Cycle" not in body
    assert "\n5.4.1. A minimal level" in body


def test_nexus_has_no_related_policies_section():
    assert parse(NEXUS).related_policies == []


# -- LPP: no details at all, a numbered list inside section 4 ---------------------------------------------------

def test_lpp_has_no_version_table_and_no_review_cycle():
    result = parse(LPP).to_json()
    assert result["title"] == "Email Policy"
    assert result["versions"] == []
    assert result["review_cycle_months"] is None
    assert result["next_review"] is None
    assert "Telecommunications Regulations 2000" in result["legislation"]


def test_lpp_list_numbered_one_to_five_inside_section_four_is_not_sections():
    sections = parse(LPP).to_json()["sections"]
    assert [(s["number"], s["heading"]) for s in sections] == [
        ("1", "Introduction"), ("2", "Who does this protocol and policy apply to?"), ("3", "Protocol"),
        ("4", "Policy"),
    ]
    body = parse(LPP).body_markdown
    assert "\n5. This also applies to comments" in body
    assert "## 5." not in body


def test_lpp_body():
    body = parse(LPP).body_markdown
    assert body.startswith("## 1. Introduction\n")
    assert "### 3.1 Sending emails" in body
    assert "- Whether email is the correct medium for communication." in body  # "·" bullets
    assert "[bookmark" not in body
    assert "\nTake care when drafting" in body
