"""The approver's redline shows what changed in the check of understanding."""

from __future__ import annotations

from django.urls import reverse

from approvals import services as approvals
from approvals.redline import compare
from policies.quiz import with_quiz
from policies.services import publish_version, save_quiz
from tests.factories import PolicyFactory, VersionFactory

BODY = "## 1. Introduction\n\nText.\n\n## 2. Passwords\n\nSecret.\n"
QUIZ = [{"question": "Who may know your password?", "options": ["Nobody", "Your manager"], "answer": 0,
         "section": "2. Passwords"}]


def kinds(changes) -> dict[str, str]:
    return {(c.heading or c.old_heading): c.kind for c in changes}


def test_an_unchanged_quiz_is_an_unchanged_section():
    changes = compare(with_quiz(BODY, QUIZ), with_quiz(BODY, QUIZ))
    assert kinds(changes)["Check of understanding (questions before signing)"] == "unchanged"


def test_a_new_right_answer_is_a_changed_section():
    moved = [{**QUIZ[0], "answer": 1}]
    [section] = [c for c in compare(with_quiz(BODY, QUIZ), with_quiz(BODY, moved)) if c.kind == "changed"]
    assert "<del>" in section.html and "<ins>" in section.html
    assert "Check of understanding" in section.heading


def test_versions_without_quizzes_compare_as_before():
    assert compare(with_quiz(BODY, []), with_quiz(BODY, [])) == compare(BODY, BODY)


def test_the_committee_sees_the_changed_question_on_the_submission_page(world, board, client):
    policy = PolicyFactory(organisation=world.trust, owner=world.owner, title="Email Policy")
    publish_version(VersionFactory(policy=policy, body=BODY, quiz=QUIZ))
    policy.refresh_from_db()
    draft = approvals.start_draft(policy, by=world.owner)
    save_quiz(draft, quiz=[{**QUIZ[0], "question": "Who may ever know your password?"}])
    approvals.save_draft(draft, body=draft.body, reason="Clearer question", is_major=False,
                         review_cycle_months=24, audiences=[])
    submission = approvals.submit_draft(draft, committee=board, by=world.owner.user)
    client.force_login(board.trustees[0].user)
    response = client.get(reverse("approvals:submission", args=[submission.pk]))
    assert "Check of understanding (questions before signing) <span class=\"tag\">Changed</span>" in response.text
    assert "<ins> ever</ins>" in response.text
