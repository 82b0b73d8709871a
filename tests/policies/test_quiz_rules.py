"""The rules a check of understanding keeps, whoever writes it."""

from __future__ import annotations

import pytest

from policies import quiz
from policies.quiz import QuizInvalid, normalised_quiz, quiz_as_text, section_headings, with_quiz

BODY = "## 1. Introduction\r\n\r\nText.\r\n\r\n## 2. Passwords  \r\n\r\nMore.\r\n"


def question(**changes) -> dict:
    return {"question": "Who may know your password?", "options": ["Nobody", "Your line manager"],
            "answer": 0, "section": "2. Passwords", **changes}


def problems(items, body=BODY) -> list[tuple[int, str]]:
    with pytest.raises(QuizInvalid) as error:
        normalised_quiz(items, body=body)
    return error.value.problems


def test_a_good_question_is_kept_as_written():
    assert normalised_quiz([question()], body=BODY) == [question()]


def test_headings_are_read_from_crlf_text():
    assert section_headings(BODY) == ["1. Introduction", "2. Passwords"]


def test_crlf_and_trailing_spaces_are_normalised():
    typed = question(question="Who may know\r\nyour password?  ", options=["Nobody ", "Your line manager\r\n"])
    [kept] = normalised_quiz([typed], body=BODY)
    assert kept["question"] == "Who may know\nyour password?"
    assert kept["options"] == ["Nobody", "Your line manager"]


def test_empty_option_boxes_after_the_last_are_not_options():
    [kept] = normalised_quiz([question(options=["Nobody", "Your line manager", "", ""])], body=BODY)
    assert kept["options"] == ["Nobody", "Your line manager"]


def test_at_most_ten_questions():
    assert (0, quiz.TOO_MANY_QUESTIONS) in problems([question()] * 11)


def test_ten_questions_are_allowed():
    assert len(normalised_quiz([question()] * 10, body=BODY)) == 10


def test_a_question_needs_its_words():
    assert (1, quiz.QUESTION_NEEDED) in problems([question(question="  ")])


def test_one_option_is_not_enough():
    assert (1, quiz.TOO_FEW_OPTIONS) in problems([question(options=["Nobody"])])


def test_six_options_are_too_many():
    assert (1, quiz.TOO_MANY_OPTIONS) in problems([question(options=list("abcdef"))])


def test_an_empty_option_between_two_is_refused():
    assert (1, quiz.EMPTY_OPTION.format(number=2)) in problems([question(options=["Nobody", " ", "Anyone"])])


def test_the_same_option_twice_is_refused():
    assert (1, quiz.SAME_OPTION_TWICE.format(option="nobody")) in problems([question(options=["Nobody", "nobody"])])


def test_a_right_answer_must_be_chosen():
    assert (1, quiz.ANSWER_NEEDED) in problems([question(answer=None)])


def test_the_right_answer_must_be_one_of_the_options():
    assert (1, quiz.ANSWER_NOT_AN_OPTION) in problems([question(answer=2)])
    assert (1, quiz.ANSWER_NOT_AN_OPTION) in problems([question(answer="0")])


def test_the_section_must_be_chosen_and_be_in_the_text():
    assert (1, quiz.SECTION_NEEDED) in problems([question(section="")])
    assert (1, quiz.SECTION_NOT_IN_TEXT.format(section="9. Gone")) in problems([question(section="9. Gone")])


def test_problems_name_the_question_they_are_in():
    assert problems([question(), question(question="")]) == [(2, quiz.QUESTION_NEEDED)]


def test_the_quiz_as_text_marks_the_right_answer_and_section():
    text = quiz_as_text([question()])
    assert "Question 1: Who may know your password?" in text
    assert "- Nobody (right answer)" in text
    assert "- Your line manager\n" in text
    assert "re-read: 2. Passwords" in text


def test_a_version_without_a_quiz_compares_as_its_text_alone():
    assert with_quiz("## 1. A\n\nText.", []) == "## 1. A\n\nText."
