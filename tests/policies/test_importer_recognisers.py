"""The small recognisers on their own: dates, review cycles, legislation,
related-policy names, version labels and table headers."""

import datetime

import pytest

from policies.importers.dates import read_date, split_date_and_body
from policies.importers.legislation import find_legislation
from policies.importers.related import policy_names
from policies.importers.review import clause_months, cycle_months, sentences
from policies.importers.title import title_case
from policies.importers.versions import column_of, version_label


@pytest.mark.parametrize(("text", "expected"), [
    ("Sept 2023", datetime.date(2023, 9, 1)),
    ("March 2021", datetime.date(2021, 3, 1)),
    ("12/03/2021", datetime.date(2021, 3, 12)),  # UK: day first
    ("12.03.21", datetime.date(2021, 3, 12)),
    ("2021-03-12", datetime.date(2021, 3, 12)),
    ("1st September 2024", datetime.date(2024, 9, 1)),
    ("September 1, 2024", datetime.date(2024, 9, 1)),
    ("Sep-23", datetime.date(2023, 9, 1)),
    ("Q1 2025-26", None),
    ("Autumn term 2023", datetime.date(2023, 9, 1)),  # a term is the day it starts (test_importer_dates.py)
    ("31/02/2021", None),
    ("", None),
])
def test_read_date(text, expected):
    assert read_date(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Sept 2023 IGG", ("Sept 2023", "IGG")),
    ("12/03/2021 (Trust Board)", ("12/03/2021", "Trust Board")),
    ("Trust Board, 12/03/2021", ("12/03/2021", "Trust Board")),
    ("approved on 4 March 2025 by the Board of Trustees", ("4 March 2025", "Board of Trustees")),
    ("September 2024", ("September 2024", None)),
    ("Pending", (None, "Pending")),
])
def test_date_and_committee_in_one_cell(text, expected):
    assert split_date_and_body(text) == expected


@pytest.mark.parametrize(("text", "months"), [
    ("3 Years", 36), ("2 yearly", 24), ("Annually", 12), ("reviewed annually", 12), ("every year", 12),
    ("biennially", 24), ("every 18 months", 18), ("Every two (2) years", 24), ("three-year cycle", 36),
    ("As required", None), ("", None),
])
def test_cycle_months(text, months):
    assert cycle_months(text) == months


def test_review_clause_in_running_text():
    text = ("This policy will be reviewed periodically as needed. These reviews will be no less frequently than "
            "every two years. Mailboxes are deleted one year after staff leave.")
    assert clause_months(sentences(text)) == 24
    assert clause_months(sentences("Mailboxes are deleted one year after staff leave.")) is None


@pytest.mark.parametrize(("text", "names"), [
    ("in accordance with the Regulation of Investigatory Powers Act 2000, the Data Protection Act 2018 and the "
     "Telecommunications (Lawful Business Practice) (Interception of Communications) Regulations 2000.",
     ["Regulation of Investigatory Powers Act 2000", "Data Protection Act 2018",
      "Telecommunications (Lawful Business Practice) (Interception of Communications) Regulations 2000"]),
    ("The General Data Protection Regulation (2018). (relating to personal data);",
     ["General Data Protection Regulation"]),
    ("The Copyright Designs and Patents Act 1988 (which relates to copying)",
     ["Copyright Designs and Patents Act 1988"]),
    ("In legal terms, under the Telecommunications Regulations 2000, an email binds.",
     ["Telecommunications Regulations 2000"]),
    ("Under Equality Act 2010 and section 175 of the Education Act 2002", ["Equality Act 2010", "Education Act 2002"]),
    ("the UK GDPR and the GDPR", ["UK General Data Protection Regulation", "General Data Protection Regulation"]),
    ("Keeping Children Safe in Education (2024), also called KCSIE", ["Keeping Children Safe in Education 2024"]),
    ("the Children Act 1989 and the Children Act; the Act says", ["Children Act 1989"]),
    ("The Human Rights Act protects everyone.", ["Human Rights Act"]),
    ("This Act applies. Regulation is strict.", []),
])
def test_legislation(text, names):
    assert find_legislation([text]) == names


def test_legislation_is_deduplicated_in_document_order():
    texts = ["The Equality Act 2010 applies.", "See the Data Protection Act 2018.", "Equality Act 2010 again."]
    assert find_legislation(texts) == ["Equality Act 2010", "Data Protection Act 2018"]


@pytest.mark.parametrize(("text", "names"), [
    ("Data Protection Policy Freedom of Information Policy Records Management Policy",
     ["Data Protection Policy", "Freedom of Information Policy", "Records Management Policy"]),
    ("Acceptable Use Policy [Staff]", ["Acceptable Use Policy [Staff]"]),
    ("the Safeguarding Policy, the Behaviour Policy and the Anti-bullying Policy.",
     ["Safeguarding Policy", "Behaviour Policy", "Anti-bullying Policy"]),
    ("Staff Code of Conduct Whistleblowing Procedure", ["Staff Code of Conduct", "Whistleblowing Procedure"]),
    ("Safeguarding Policy Statement", ["Safeguarding Policy Statement"]),
    ("the Trust's Disciplinary Procedure", ["Disciplinary Procedure"]),
    ("other Trust policies including this policy", []),
])
def test_policy_names(text, names):
    assert policy_names(text) == names


@pytest.mark.parametrize(("label", "expected"), [
    ("V1.1", "1.1"), ("Version 2", "2"), ("v.3", "3"), ("2.0", "2.0"), ("Draft A", "Draft A"), ("", None),
])
def test_version_label(label, expected):
    assert version_label(label) == expected


@pytest.mark.parametrize(("header", "column"), [
    ("Version", "version"), ("Version No.", "version"), ("Date approved", "approved"), ("Approved", "approved"),
    ("Date", "approved"), ("Committee", "approved_by"), ("Approved by", "approved_by"),
    ("Reason for revision", "reason"), ("Changes", "reason"), ("Summary of changes", "reason"),
    ("Author", "author"), ("Reviewed by", "author"), ("Next review", "next_review"),
    ("Review date", "next_review"), ("Page", None),
])
def test_version_table_headers_match_loosely(header, column):
    assert column_of(header) == column


@pytest.mark.parametrize(("title", "expected"), [
    ("ELECTRONIC COMMUNICATIONS POLICY", "Electronic Communications Policy"),
    ("ICT AND E-SAFETY POLICY FOR STAFF", "ICT and E-Safety Policy for Staff"),
    ("Email Policy", "Email Policy"),
])
def test_title_case(title, expected):
    assert title_case(title) == expected
