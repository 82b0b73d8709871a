"""The importer against real policies published by UK schools (../shared)."""

from pathlib import Path

import pytest

from policies.importers import parse_document

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "sample-policies"
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"shared sample policies not found at {SAMPLES}")


def parse(name: str) -> dict:
    return parse_document(name, (SAMPLES / name).read_bytes()).to_json()


def test_lionheart_title_approval_and_review():
    result = parse("lionheart-electronic-communications-policy.txt")
    assert result["title"] == "Electronic Communications Policy"
    assert len(result["versions"]) == 1
    version = result["versions"][0]
    assert version["approved_by"] == "Trust Board"
    assert version["approved"] == "September 2024"
    assert version["approved_on"] == "2024-09-01"
    assert version["next_review"] == "September 2026"
    assert result["next_review"] == "September 2026"
    assert result["review_cycle_months"] == 24


def test_lionheart_related_policies_and_legislation():
    result = parse("lionheart-electronic-communications-policy.txt")
    assert result["related_policies"] == [
        "Data Protection Policy", "Social Media Policy", "IT Security Policy", "Acceptable Use Policy [Staff]",
    ]
    assert "Data Protection Act 2018" in result["legislation"]
    assert "Regulation of Investigatory Powers Act 2000" in result["legislation"]


def test_lionheart_twelve_sections_and_the_contents_list_is_not_a_second_set():
    result = parse("lionheart-electronic-communications-policy.txt")
    headings = [s["heading"] for s in result["sections"]]
    assert len(headings) == 12
    assert headings[0] == "Introduction"
    assert headings[-1] == "Review"


def test_nexus_metadata_block():
    result = parse("nexus-electronic-communications-policy.txt")
    assert result["title"] == "Electronic Communications Policy"
    assert [v["version"] for v in result["versions"]] == ["2"]
    assert result["versions"][0]["approved"] == "March 2021"
    assert result["versions"][0]["approved_on"] == "2021-03-01"
    assert result["review_cycle_months"] == 36
    assert result["next_review"] == "March 2024"


def test_nexus_first_published_is_read():
    parsed = parse_document("nexus.txt", (SAMPLES / "nexus-electronic-communications-policy.txt").read_bytes())
    assert parsed.first_published == "June 2016"


def test_nexus_legislation_sections_and_appendices():
    result = parse("nexus-electronic-communications-policy.txt")
    assert "Computer Misuse Act 1990" in result["legislation"]
    assert "Copyright Designs and Patents Act 1988" in result["legislation"]
    numbers = [s["number"] for s in result["sections"]]
    assert numbers == ["1", "2", "3", "4", "5", "6", "Appendix 1", "Appendix 2", "Appendix 3", "Appendix 4"]


def test_lpp_has_no_version_table_and_four_sections():
    result = parse("lpp-email-policy.txt")
    assert result["title"] == "Email Policy"
    assert result["versions"] == []
    assert result["review_cycle_months"] is None
    assert "Telecommunications Regulations 2000" in result["legislation"]
    assert [s["heading"] for s in result["sections"]] == [
        "Introduction", "Who does this protocol and policy apply to?", "Protocol", "Policy",
    ]


def test_sample_bodies_become_markdown_sections():
    parsed = parse_document("x.txt", (SAMPLES / "lionheart-electronic-communications-policy.txt").read_bytes())
    assert "## 1.0 Introduction" in parsed.body_markdown
    assert "## 12.0 Review" in parsed.body_markdown
    assert "- Data Protection Policy" in parsed.body_markdown
    assert "Approved by Trust Board" not in parsed.body_markdown
    assert "Contents" not in parsed.body_markdown
