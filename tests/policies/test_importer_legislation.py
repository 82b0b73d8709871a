"""Legislation and statutory guidance named in a policy's running text, as
different trusts write it: in lists, in run-together sentences, by
abbreviation, in Title Case headings."""

import pytest

from policies.importers import parse_document
from policies.importers.legislation import find_legislation


def test_every_name_in_a_run_together_sentence_is_found_in_order():
    text = ("Staff handle personal data in line with the Data Protection Act 2018, the UK General Data Protection "
            "Regulation (UK GDPR) and Keeping Children Safe in Education 2024 at all times.")
    assert find_legislation([text]) == [
        "Data Protection Act 2018", "UK General Data Protection Regulation", "Keeping Children Safe in Education 2024",
    ]


def test_acts_one_after_another_without_punctuation_are_separate_names():
    text = "Legal framework Children and Families Act 2014 Equality Act 2010 Education Act 2002 Children Act 1989"
    assert find_legislation([text]) == [
        "Children and Families Act 2014", "Equality Act 2010", "Education Act 2002", "Children Act 1989",
    ]


@pytest.mark.parametrize(("text", "name"), [
    ("We meet our duties under the Health and Safety at Work etc. Act 1974.",
     "Health and Safety at Work etc. Act 1974"),
    ("the Protection from Harassment Act 1997 applies", "Protection from Harassment Act 1997"),
    ("as in the Representation of the People Act 1983", "Representation of the People Act 1983"),
    ("under the Anti-social Behaviour, Crime and Policing Act 2014",
     "Anti-social Behaviour, Crime and Policing Act 2014"),
    ("the Terrorism (Amendment) Act 2006 applies", "Terrorism (Amendment) Act 2006"),
    ("the Education (Pupil Registration) (England) Regulations 2006 require a register",
     "Education (Pupil Registration) (England) Regulations 2006"),
    ("See the Education (Independent School Standards) Regulations 2014.",
     "Education (Independent School Standards) Regulations 2014"),
])
def test_the_whole_name_of_an_act_or_regulations_is_kept(text, name):
    assert find_legislation([text]) == [name]


def test_a_title_case_heading_gives_the_act_not_the_heading():
    heading = "This Policy Has Been Written In Line With The Children Act 1989"
    assert find_legislation([heading]) == ["Children Act 1989"]


def test_two_acts_joined_by_and_are_two_names():
    assert find_legislation(["the Data Protection Act and the Freedom of Information Act 2000"]) == [
        "Data Protection Act", "Freedom of Information Act 2000",
    ]


def test_a_list_after_an_abbreviation_does_not_run_into_the_next_name():
    assert find_legislation(["the UK GDPR, Data Protection Act 2018"]) == [
        "UK General Data Protection Regulation", "Data Protection Act 2018",
    ]


@pytest.mark.parametrize("text", [
    "Please read our Acceptable Use Policy before logging on.",
    "Staff act in the best interests of the child at all times.",
    "The Trust's Financial Regulations set the limits for purchases.",
    "This Act applies. Regulation is strict.",
])
def test_words_that_only_look_like_legislation_are_not_taken(text):
    assert find_legislation([text]) == []


@pytest.mark.parametrize(("text", "names"), [
    ("Every member of staff reads Working Together to Safeguard Children (2023) and the Prevent duty guidance.",
     ["Working Together to Safeguard Children 2023", "Prevent Duty Guidance"]),
    ("Teachers meet the Teachers’ Standards; leaders follow Behaviour in Schools (2024).",
     ["Teachers' Standards", "Behaviour in Schools"]),
    ("Our filtering meets the DfE's Meeting digital and technology standards in schools and colleges.",
     ["Meeting digital and technology standards in schools and colleges"]),
    ("Incidents follow the UKCIS advice Sharing nudes and semi-nudes: advice for education settings.",
     ["Sharing nudes and semi-nudes"]),
    ("The computing curriculum draws on Education for a Connected World.", ["Education for a Connected World"]),
    ("the Special educational needs and disability code of practice: 0 to 25 years (the SEND Code of Practice)",
     ["SEND Code of Practice"]),
    ("We have regard to the Equality Act 2010 guidance for schools.", ["Equality Act 2010"]),
    ("Record keeping follows the DfE guidance Data protection in schools.", ["Data protection in schools"]),
    ("Proprietors meet the Independent School Standards.",
     ["Education (Independent School Standards) Regulations 2014"]),
])
def test_statutory_guidance_is_named(text, names):
    assert find_legislation([text]) == names


@pytest.mark.parametrize("text", [
    "Sharing nudes and semi-nudes is a criminal offence for anyone under 18.",
    "Data protection in schools matters to every family.",
    "Staff should prevent duty rotas clashing with lessons.",
])
def test_a_guidance_title_used_as_ordinary_words_is_not_taken(text):
    assert find_legislation([text]) == []


def test_kcsie_and_its_full_name_are_one_entry_under_the_full_name_with_its_year_at_the_first_mention():
    texts = ["All staff read KCSIE Part 1 each September.", "The Equality Act 2010 applies.",
             "Keeping Children Safe in Education 2024 sets out the duties."]
    assert find_legislation(texts) == ["Keeping Children Safe in Education 2024", "Equality Act 2010"]


def test_kcsie_in_mixed_case_with_its_month_is_read():
    assert find_legislation(["as set out in KCSiE (September 2025)"]) == ["Keeping Children Safe in Education 2025"]


def test_an_act_written_with_and_without_etc_or_commas_is_one_entry():
    texts = ["the Health and Safety at Work Act 1974", "the Health and Safety at Work etc. Act 1974",
             "the Copyright Designs and Patents Act 1988", "the Copyright, Designs and Patents Act 1988"]
    assert find_legislation(texts) == ["Health and Safety at Work Act 1974", "Copyright Designs and Patents Act 1988"]


@pytest.mark.parametrize(("text", "name"), [
    ("Monitoring is lawful under RIPA.", "Regulation of Investigatory Powers Act 2000"),
    ("Subject access requests are answered under the DPA 2018.", "Data Protection Act 2018"),
    ("Requests under the FOI Act go to the clerk.", "Freedom of Information Act 2000"),
    ("Report accidents under RIDDOR.", "Reporting of Injuries, Diseases and Dangerous Occurrences Regulations 2013"),
    ("Cleaning products are stored as COSHH requires.", "Control of Substances Hazardous to Health Regulations 2002"),
    ("Concerns raised under PIDA are protected.", "Public Interest Disclosure Act 1998"),
])
def test_a_well_known_abbreviation_alone_is_its_full_name(text, name):
    assert find_legislation([text]) == [name]


def test_an_abbreviation_and_its_full_name_are_one_entry():
    text = "the Regulation of Investigatory Powers Act 2000 (RIPA) lets the Trust monitor email; RIPA also"
    assert find_legislation([text]) == ["Regulation of Investigatory Powers Act 2000"]


def test_dpa_alone_is_not_taken_for_the_act_because_it_is_as_often_a_processing_agreement():
    assert find_legislation(["Each supplier signs a data processing agreement (DPA)."]) == []


def test_a_text_policy_lists_the_legislation_of_its_legal_framework_section():
    document = (
        "Online Safety Policy\n"
        "\n"
        "1. Legal framework\n"
        "This policy has regard to KCSIE, the Online Safety Act 2023, the UK GDPR and the DfE's Teachers' "
        "Standards. Keeping Children Safe in Education 2025 is read by all staff.\n"
    )
    assert parse_document("online-safety.txt", document.encode()).legislation == [
        "Keeping Children Safe in Education 2025", "Online Safety Act 2023", "UK General Data Protection Regulation",
        "Teachers' Standards",
    ]


def test_a_name_cut_by_a_hard_wrap_is_read_across_the_two_lines():
    lines = ["Pupils' records are shared only as the Data Protection Act 2018 and the Investigatory Powers",
             "Act 2016 allow, and never sold.",
             "Staff who raise concerns are protected by the Public Interest Disclosure Act 1998 and the Employment",
             "Rights Act 1996."]
    assert find_legislation(lines) == [
        "Data Protection Act 2018", "Investigatory Powers Act 2016", "Public Interest Disclosure Act 1998",
        "Employment Rights Act 1996",
    ]


def test_a_heading_is_not_read_into_the_name_on_the_line_after_it():
    assert find_legislation(["Statutory Legal Framework", "Children Act 1989 duties apply to every school."]) == [
        "Children Act 1989",
    ]
