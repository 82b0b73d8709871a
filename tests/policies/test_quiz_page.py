"""The policy owner writes a draft's check of understanding on its own page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from approvals import services as approvals
from policies import quiz
from policies.models import PolicyVersion, version_hash
from policies.services import QUIZ_NOT_A_DRAFT
from policies.views import QUIZ_SAVED
from tests.factories import published_policy

BODY = "## 1. Introduction\n\n1.1 This policy explains what staff must do.\n\n## 2. Passwords\n\nKeep them secret.\n"


@pytest.fixture
def draft(world):
    policy = published_policy(owner=world.owner, body=BODY, title="Email Policy", slug="email")
    return approvals.start_draft(policy, by=world.owner)


def form_data(*questions: dict, initial: int = 0) -> dict:
    data = {"q-TOTAL_FORMS": str(len(questions)), "q-INITIAL_FORMS": str(initial), "q-MIN_NUM_FORMS": "0",
            "q-MAX_NUM_FORMS": "10"}
    for i, item in enumerate(questions):
        for key, value in item.items():
            data[f"q-{i}-{key}"] = value
    return data


def question(**changes) -> dict:
    return {"question": "Who may know your password?", "option_0": "Nobody", "option_1": "Your line manager",
            "answer": "0", "section": "2. Passwords", **changes}


def url(draft) -> str:
    return reverse("policies:quiz", args=[draft.policy.slug])


def test_the_owner_sees_a_blank_question_to_fill_in(world, signed_in, draft):
    response = signed_in(world.owner).get(url(draft))
    assert response.status_code == 200
    assert "Question 1 (new)" in response.text
    assert "2. Passwords" in response.text  # the sections to choose from


def test_the_owner_saves_a_question_and_the_draft_hash_covers_it(world, signed_in, draft):
    response = signed_in(world.owner).post(url(draft), form_data(question()), follow=True)
    assert QUIZ_SAVED in response.text
    draft.refresh_from_db()
    assert draft.quiz == [{"question": "Who may know your password?", "options": ["Nobody", "Your line manager"],
                           "answer": 0, "section": "2. Passwords"}]
    assert draft.content_hash == version_hash(draft.body, draft.quiz)


def test_text_typed_in_a_browser_with_crlf_is_stored_with_lf(world, signed_in, draft):
    signed_in(world.owner).post(url(draft), form_data(question(question="Who may know\r\nyour password?  ")))
    draft.refresh_from_db()
    assert draft.quiz[0]["question"] == "Who may know\nyour password?"


def test_a_blank_extra_question_is_not_saved(world, signed_in, draft):
    blank = {"question": "", "option_0": "", "option_1": "", "section": ""}
    signed_in(world.owner).post(url(draft), form_data(question(), blank))
    draft.refresh_from_db()
    assert len(draft.quiz) == 1


def test_a_question_without_a_right_answer_is_refused_with_a_clear_message(world, signed_in, draft):
    response = signed_in(world.owner).post(url(draft), form_data(question(answer="")))
    assert response.status_code == 200
    assert f"Question 1: {quiz.ANSWER_NEEDED}" in response.text
    draft.refresh_from_db()
    assert draft.quiz == []


def test_the_right_answer_must_be_an_option_that_was_written(world, signed_in, draft):
    response = signed_in(world.owner).post(url(draft), form_data(question(answer="3")))
    assert quiz.ANSWER_NOT_AN_OPTION in response.text


def test_an_empty_option_between_two_is_refused(world, signed_in, draft):
    response = signed_in(world.owner).post(url(draft), form_data(question(option_1="", option_2="Anyone")))
    assert quiz.EMPTY_OPTION.format(number=2) in response.text


def test_eleven_questions_are_refused(world, signed_in, draft):
    response = signed_in(world.owner).post(url(draft), form_data(*[question()] * 11))
    assert quiz.TOO_MANY_QUESTIONS in response.text
    draft.refresh_from_db()
    assert draft.quiz == []


def test_a_question_is_removed_by_ticking_remove(world, signed_in, draft):
    client = signed_in(world.owner)
    client.post(url(draft), form_data(question(), question(question="Where is the policy?")))
    client.post(url(draft), form_data(question(DELETE="on"), question(question="Where is the policy?"), initial=2))
    draft.refresh_from_db()
    assert [item["question"] for item in draft.quiz] == ["Where is the policy?"]


def test_staff_cannot_write_the_quiz_by_a_forged_post(world, signed_in, draft):
    response = signed_in(world.staff).post(url(draft), form_data(question()))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.quiz == []


def test_once_sent_for_approval_the_quiz_is_shown_but_cannot_change(world, signed_in, draft, board):
    client = signed_in(world.owner)
    client.post(url(draft), form_data(question()))
    approvals.save_draft(draft, body=draft.body, reason="Passwords", is_major=False, review_cycle_months=24,
                         audiences=[])
    approvals.submit_draft(draft, committee=board, by=world.owner.user)
    page = client.get(url(draft))
    assert "cannot be changed now" in page.text
    assert "Nobody <strong>(right answer)</strong>" in page.text
    client.post(url(draft), form_data(question(question="Changed after sending?")))
    draft.refresh_from_db()
    assert draft.quiz[0]["question"] == "Who may know your password?"


def test_the_service_refuses_a_version_that_is_not_a_draft(world, draft):
    from policies.services import QuizLocked, save_quiz

    PolicyVersion.objects.filter(pk=draft.pk).update(status=PolicyVersion.Status.AWAITING_APPROVAL)
    with pytest.raises(QuizLocked) as error:
        save_quiz(draft, quiz=[])
    assert str(error.value) == QUIZ_NOT_A_DRAFT.format(label=draft.label, status="awaiting approval")


def test_the_draft_page_links_to_the_quiz(world, signed_in, draft):
    response = signed_in(world.owner).get(reverse("approvals:draft", args=[draft.policy.slug]))
    assert "Check of understanding: none yet" in response.text
    assert url(draft) in response.text


def test_the_redline_shows_a_changed_question(world, signed_in, draft):
    client = signed_in(world.owner)
    client.post(url(draft), form_data(question()))
    response = client.get(reverse("approvals:draft", args=[draft.policy.slug]))
    assert "Check of understanding (questions before signing)" in response.text
    assert "<ins>" in response.text and "Who may know your password?" in response.text


def test_the_version_page_does_not_give_the_answers_away(world, signed_in, draft):
    signed_in(world.owner).post(url(draft), form_data(question()))
    response = signed_in(world.staff).get(reverse("policies:detail", args=[draft.policy.slug]))
    assert "right answer" not in response.text
