"""Dates as schools write them in a policy's details, read UK fashion (day
first), and whether a person should check the reading because the document
gave no day."""

import datetime

import pytest

from policies.importers import parse_document
from policies.importers.dates import date_is_approximate, find_dates, read_date, split_date_and_body

D = datetime.date


@pytest.mark.parametrize(("text", "expected"), [
    ("21.03.2025", D(2025, 3, 21)),
    ("21/03/25", D(2025, 3, 21)),
    ("21-03-2025", D(2025, 3, 21)),
    ("03/04/2025", D(2025, 4, 3)),  # 3 April, never 4 March
    ("21st March 2025", D(2025, 3, 21)),
    ("21st of March 2025", D(2025, 3, 21)),
    ("4 Mar 25", D(2025, 3, 4)),
    ("1 Sept. 2024", D(2024, 9, 1)),
    ("March 21, 2025", D(2025, 3, 21)),
    ("2025-03-21", D(2025, 3, 21)),
    ("Tuesday 4 March 2025", D(2025, 3, 4)),
    ("Thurs, 6th March 2025", D(2025, 3, 6)),
    ("w/c 3 March 2025", D(2025, 3, 3)),
])
def test_a_date_with_its_day_is_read_day_first_and_is_not_approximate(text, expected):
    assert read_date(text) == expected
    assert not date_is_approximate(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("Sept 24", D(2024, 9, 1)),
    ("Sep 2024", D(2024, 9, 1)),
    ("September 2024", D(2024, 9, 1)),
    ("Sept '24", D(2024, 9, 1)),
    ("Jan 2025", D(2025, 1, 1)),
    ("Jul-26", D(2026, 7, 1)),
])
def test_a_month_without_a_day_is_its_first_day_and_approximate(text, expected):
    assert read_date(text) == expected
    assert date_is_approximate(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("Autumn term 2024", D(2024, 9, 1)),
    ("Spring 2026", D(2026, 1, 1)),
    ("Spring Term 2026", D(2026, 1, 1)),
    ("Summer Term 2025", D(2025, 4, 1)),
    ("SUMMER TERM 2025", D(2025, 4, 1)),
    ("Autumn 1 2024", D(2024, 9, 1)),
    ("Autumn 2 2024", D(2024, 11, 1)),
    ("Autumn Term 2 2024", D(2024, 11, 1)),
    ("Spring 2 2025", D(2025, 2, 1)),
    ("Summer 2 2025", D(2025, 6, 1)),
    ("Term 3 2025", D(2025, 1, 1)),  # six-term trusts: Term 3 is Spring 1
    ("Term 6 2025", D(2025, 6, 1)),
])
def test_a_term_or_half_term_is_the_day_it_starts_and_approximate(text, expected):
    assert read_date(text) == expected
    assert date_is_approximate(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("Spring 2025/26", D(2026, 1, 1)),  # the spring of that school year is in its second calendar year
    ("Autumn Term 2025-26", D(2025, 9, 1)),
    ("Summer term 2024-2025", D(2025, 4, 1)),
])
def test_a_term_of_an_academic_year_falls_in_the_right_calendar_year(text, expected):
    assert read_date(text) == expected


@pytest.mark.parametrize("text", ["2024-25", "2024/25", "2024/2025", "Academic year 2024 - 25"])
def test_an_academic_year_is_the_first_of_september_and_approximate(text):
    assert read_date(text) == D(2024, 9, 1)
    assert date_is_approximate(text)


def test_a_span_of_two_school_years_is_not_an_academic_year():
    assert read_date("2024-2026") is None


def test_a_year_written_alone_is_its_first_day_and_approximate():
    assert read_date("2026") == D(2026, 1, 1)
    assert date_is_approximate("2026")


def test_a_year_inside_other_words_is_not_taken_for_a_date():
    assert read_date("Reviewed in line with KCSIE 2024") is None


@pytest.mark.parametrize("text", ["31.02.2025", "31/04/2025", "29 February 2025", "30/13/2025"])
def test_an_impossible_date_is_refused(text):
    assert read_date(text) is None


@pytest.mark.parametrize("text", ["Q1 2025-26", "Winter 2024"])
def test_quarters_and_winter_are_not_guessed(text):
    assert read_date(text) is None
    assert date_is_approximate(text)  # still a date without a day, for the form to highlight


@pytest.mark.parametrize("text", ["As required", "TBC", "", None, "21st March", "may 25 pupils"])
def test_text_without_a_date_reads_as_none_and_is_not_approximate(text):
    assert read_date(text) is None
    assert not date_is_approximate(text)


def test_the_first_of_several_dates_is_read():
    assert read_date("Sept 2024 - Sept 2026") == D(2024, 9, 1)
    assert read_date("Approved by the LGB on 12/03/2023, next review 12/03/2025") == D(2023, 3, 12)


@pytest.mark.parametrize(("text", "expected"), [
    ("Tuesday 4 March 2025 Trust Board", ("Tuesday 4 March 2025", "Trust Board")),
    ("w/c 3 March 2025 (Standards Committee)", ("w/c 3 March 2025", "Standards Committee")),
    ("Sept 24 LGB", ("Sept 24", "LGB")),
    ("Local Governing Body, Summer Term 2025", ("Summer Term 2025", "Local Governing Body")),
])
def test_a_committee_written_beside_a_date_is_split_from_the_whole_date(text, expected):
    assert split_date_and_body(text) == expected


def test_a_month_and_two_digits_in_lower_case_prose_is_not_found_as_a_date():
    assert find_dates("staff may 25 minutes before school") == []


def test_a_text_policy_due_for_review_in_a_term_gets_that_terms_start_and_no_warning():
    document = (
        "Attendance Policy\n"
        "Version: 3\n"
        "Approved: Tuesday 4 March 2025\n"
        "Next review: Summer Term 2026\n"
        "\n"
        "1. Purpose\n"
        "Every pupil should attend every day the school is open.\n"
    )
    parsed = parse_document("attendance.txt", document.encode())
    assert parsed.next_review_on == D(2026, 4, 1)
    assert parsed.versions[0].approved_on == D(2025, 3, 4)
    assert not any("not a date" in warning for warning in parsed.warnings)
