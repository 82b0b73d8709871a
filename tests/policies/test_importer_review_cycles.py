"""How often a policy is reviewed, as trusts write it in a "Review cycle"
field and in the sentences of a review section."""

import pytest

from policies.importers import parse_document
from policies.importers.review import clause_months, cycle_months, is_about_the_policy, sentences


@pytest.mark.parametrize("text", ["annually", "Annual", "every year", "yearly", "each year", "once a year",
                                  "reviewed each academic year", "Every school year", "12 months", "1 year"])
def test_yearly_cycles_are_twelve_months(text):
    assert cycle_months(text) == 12


@pytest.mark.parametrize("text", ["every two years", "every 2 years", "Every two (2) years", "biennially",
                                  "Biennial", "2 yearly", "two-yearly", "every other year", "24 months",
                                  "2 Years", "on a two-year cycle", "every 2-3 years"])
def test_two_yearly_cycles_are_twenty_four_months(text):
    assert cycle_months(text) == 24


@pytest.mark.parametrize("text", ["bi-annually", "Bi-annual", "biannually"])
def test_bi_annually_is_read_as_every_two_years_as_schools_mean_it(text):
    assert cycle_months(text) == 24


@pytest.mark.parametrize("text", ["every three years", "Every 3 yrs", "triennially", "3 yearly", "3-yearly",
                                  "three-year cycle", "36 months", "3 Years"])
def test_three_yearly_cycles_are_thirty_six_months(text):
    assert cycle_months(text) == 36


@pytest.mark.parametrize(("text", "months"), [
    ("every 18 months", 18), ("Eighteen months", 18),
    ("every six months", 6), ("six-monthly", 6), ("twice a year", 6), ("half yearly", 6),
    ("termly", 4), ("Each term", 4),
    ("half-termly", 2),
    ("quarterly", 3),
    ("every fourth year", 48),
])
def test_other_cycles(text, months):
    assert cycle_months(text) == months


@pytest.mark.parametrize("text", ["As required", "When legislation changes", "Statutory", "", None,
                                  "every year group"])
def test_text_without_a_period_has_no_cycle(text):
    assert cycle_months(text) is None


@pytest.mark.parametrize(("text", "months"), [
    ("This policy will be reviewed by the governing body every two years, or sooner if legislation changes.", 24),
    ("The Trust Board reviews this policy annually and whenever the DfE updates its guidance.", 12),
    ("Governors will review the policy on a 3 yearly basis.", 36),
    ("We review this procedure termly at the Standards Committee.", 4),
    ("The policy will be reviewed in two years' time, unless the law changes first.", 24),
    ("Review: the headteacher and governors review this statement each academic year.", 12),
])
def test_a_review_sentence_in_running_text_gives_the_cycle(text, months):
    assert clause_months(sentences(text)) == months


def test_a_period_that_is_not_about_reviewing_is_not_a_cycle():
    text = "Mailboxes are closed one year after a member of staff leaves. Records are kept for six years."
    assert clause_months(sentences(text)) is None


def test_a_deadline_for_staff_to_read_the_policy_is_not_a_cycle():
    text = "Every new member of staff will review the policy within two months of starting."
    assert clause_months(sentences(text)) is None


def test_the_review_of_this_policy_wins_over_the_review_of_something_it_covers():
    text = ("Risk assessments for each trip are reviewed annually by the Educational Visits Coordinator. "
            "This policy is reviewed every three years by the Trust Board.")
    assert clause_months(sentences(text)) == 36


def test_a_text_policy_with_its_cycle_only_in_the_review_section_gets_that_cycle():
    document = (
        "Lettings Policy\n"
        "\n"
        "1. Purpose\n"
        "Our sites may be hired by community groups outside the school day.\n"
        "\n"
        "2. Monitoring and review\n"
        "The Finance and Resources Committee will review this policy biennially, or sooner if needed.\n"
    )
    assert parse_document("lettings.txt", document.encode()).review_cycle_months == 24


@pytest.mark.parametrize(("sentence", "about"), [
    ("This procedure is reviewed every three years.", True),
    ("The trust reviews this agreement annually.", True),
    ("Governors review the policy each year.", True),
    ("Risk assessments are reviewed annually.", False),
])
def test_a_sentence_about_reviewing_the_document_itself_is_told_apart(sentence, about):
    assert is_about_the_policy(sentence) is about
