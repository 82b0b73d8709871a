"""Text wrapped at a fixed width (a PDF saved as text, an emailed policy)
reads as the paragraphs it was, not as a paragraph per line."""

from __future__ import annotations

from policies.importers import parse_document

WRAPPED = """Visitors Policy

1. Signing in
1.1 Every visitor signs in at the school office and wears a lanyard, and the
member of staff they are visiting collects them from reception and returns
them there when the visit is over.
1.2 Contractors working on site are supervised by the site manager or the
Business Manager throughout their visit.

2. The law
The policy follows the Health and Safety at Work etc. Act 1974 and the Equality
Act 2010.
"""


def body() -> str:
    return parse_document("visitors.txt", WRAPPED.encode()).body_markdown


def test_lines_wrapped_mid_sentence_are_one_paragraph():
    assert ("1.1 Every visitor signs in at the school office and wears a lanyard, and the member of staff they "
            "are visiting collects them from reception and returns them there when the visit is over.") in body()


def test_a_wrapped_line_starting_with_a_capital_still_joins_its_sentence():
    assert "supervised by the site manager or the Business Manager throughout their visit." in body()


def test_the_next_numbered_clause_starts_a_paragraph_of_its_own():
    text = body()
    assert "over.\n\n1.2 Contractors" in text or "over.\n1.2 Contractors" in text


def test_a_law_named_across_a_wrap_is_found():
    assert parse_document("visitors.txt", WRAPPED.encode()).legislation == [
        "Health and Safety at Work etc. Act 1974", "Equality Act 2010"]
