"""A version's check of understanding, answered before signing: every
attempt kept, a wrong answer names the section to re-read, the sign-off
records the passing attempt."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from acknowledgements import quiz
from acknowledgements.forms import ANSWER_EVERY_QUESTION
from acknowledgements.models import QuizAttempt, SignOff, SignOffRule
from acknowledgements.services import CHECK_NOT_PASSED, SignOffRefused, record_sign_off
from acknowledgements.views import CHECK_PASSED, CHECK_WRONG
from policies.services import publish_version
from tests.factories import PolicyFactory, VersionFactory, sign_off_rule, view

BODY = ("## 1. Phishing\n\n1.1 Report phishing to the IT service desk at once.\n\n"
        "## 2. Passwords\n\n2.1 Never share your password, not even with IT.\n")
QUIZ = [
    {"question": "Who do you tell about a phishing email?", "options": ["Nobody", "The IT service desk"],
     "answer": 1, "section": "1. Phishing"},
    {"question": "May you share your password with IT?", "options": ["Yes", "No"], "answer": 1,
     "section": "2. Passwords"},
]


def policy_with_a_check(**rule):
    policy = PolicyFactory(title="Email Policy")
    version = VersionFactory(policy=policy, body=BODY, quiz=QUIZ)
    publish_version(version, on=version.effective_on)
    policy.refresh_from_db()
    sign_off_rule(policy, **rule)
    return policy


@pytest.fixture
def email_policy(world):
    return policy_with_a_check()


def sign_url(policy):
    return reverse("acknowledgements:sign", args=[policy.slug])


def check_url(policy):
    return reverse("acknowledgements:check", args=[policy.slug])


def test_marking_says_which_answers_are_right(email_policy):
    version = email_policy.current_version
    assert quiz.mark(version, [1, 1]) == ([True, True], True)
    assert quiz.mark(version, [0, 1]) == ([False, True], False)
    assert quiz.mark(version, [1]) == ([True, False], False)


def test_attempts_are_numbered_and_kept(world, email_policy):
    version = email_policy.current_version
    first = quiz.record_attempt(person=world.staff, version=version, answers=[0, 1])
    second = quiz.record_attempt(person=world.staff, version=version, answers=[1, 1])
    assert (first.number, first.passed, first.correct) == (1, False, [False, True])
    assert (second.number, second.passed) == (2, True)
    assert quiz.passed_attempt(world.staff, version, "") == second


def test_the_sign_page_asks_the_questions_before_offering_the_tick_box(world, signed_in, email_policy):
    page = signed_in(world.staff).get(sign_url(email_policy)).content.decode()
    assert "Who do you tell about a phishing email?" in page
    assert page.count("<fieldset") == 2
    assert 'name="confirm"' not in page
    assert page.index("Report phishing to the IT service desk") < page.index("Who do you tell")


def test_a_wrong_answer_names_the_section_to_re_read_with_a_link_to_it(world, signed_in, email_policy):
    client = signed_in(world.staff)
    client.get(sign_url(email_policy))
    page = client.post(check_url(email_policy), {"q1": "1", "q2": "0"}).content.decode()
    assert escape(CHECK_WRONG) in page
    assert "Question 2: re-read" in page
    assert "Question 1: re-read" not in page
    anchor = quiz.section_anchor("2. Passwords", _contents(email_policy))
    assert f'href="#{anchor}">2. Passwords</a>' in page
    assert f'id="{anchor}"' in page  # the heading is on the same page
    assert 'name="confirm"' not in page
    assert QuizAttempt.objects.get().passed is False


def test_answering_rightly_then_offers_the_tick_box(world, signed_in, email_policy):
    client = signed_in(world.staff)
    client.get(sign_url(email_policy))
    response = client.post(check_url(email_policy), {"q1": "1", "q2": "1"}, follow=True)
    page = response.content.decode()
    assert CHECK_PASSED in page
    assert 'name="confirm"' in page
    assert "Passed on attempt 1." in page


def test_wrong_then_right_signs_with_two_attempts_and_the_answers(world, signed_in, email_policy):
    client = signed_in(world.staff)
    client.get(sign_url(email_policy))
    client.post(check_url(email_policy), {"q1": "0", "q2": "1"})
    client.post(check_url(email_policy), {"q1": "1", "q2": "1"})
    response = client.post(sign_url(email_policy), {"version": email_policy.current_version.pk, "confirm": "on"},
                           follow=True)
    sign_off = SignOff.objects.get()
    assert (sign_off.quiz_attempts, sign_off.quiz_answers) == (2, [1, 1])
    assert "Check of understanding: passed on attempt 2" in response.content.decode()


def test_a_forged_sign_post_without_a_passed_check_is_refused(world, signed_in, email_policy):
    client = signed_in(world.staff)
    client.get(sign_url(email_policy))
    client.post(check_url(email_policy), {"q1": "0", "q2": "0"})
    response = client.post(sign_url(email_policy), {"version": email_policy.current_version.pk, "confirm": "on"})
    assert escape(CHECK_NOT_PASSED) in response.content.decode()
    assert not SignOff.objects.exists()


def test_the_service_refuses_without_a_passed_attempt(world, email_policy):
    view(world.staff, email_policy.current_version)
    with pytest.raises(SignOffRefused, match="check of understanding"):
        record_sign_off(person=world.staff, version=email_policy.current_version)


def test_an_unanswered_question_is_not_an_attempt(world, signed_in, email_policy):
    page = signed_in(world.staff).post(check_url(email_policy), {"q1": "1"}).content.decode()
    assert ANSWER_EVERY_QUESTION in page
    assert not QuizAttempt.objects.exists()


def test_an_answer_that_is_not_an_option_is_not_an_attempt(world, signed_in, email_policy):
    signed_in(world.staff).post(check_url(email_policy), {"q1": "7", "q2": "-1"})
    assert not QuizAttempt.objects.exists()


def test_the_check_page_by_get_goes_back_to_the_sign_page(world, signed_in, email_policy):
    response = signed_in(world.staff).get(check_url(email_policy))
    assert response.status_code == 302
    assert response["Location"] == sign_url(email_policy)


def test_someone_who_may_not_sign_may_not_answer(world, signed_in):
    support_only = policy_with_a_check(groups=("support",))  # Sam Staff teaches
    response = signed_in(world.staff).post(check_url(support_only), {"q1": "1", "q2": "1"})
    assert response.status_code == 403
    assert not QuizAttempt.objects.exists()


def test_reaching_the_end_when_the_rule_asks_loads_the_script_and_says_so(world, signed_in):
    policy = policy_with_a_check()
    SignOffRule.objects.filter(policy=policy).update(require_reaching_end=True)
    version = policy.current_version
    quiz.record_attempt(person=world.staff, version=version, answers=[1, 1])
    page = signed_in(world.staff).get(sign_url(policy)).content.decode()
    assert "Scroll to the end of the policy to confirm." in page
    assert "acknowledgements/reach-end.js" in page and "defer" in page
    assert "data-reach-end" in page
    assert page.index("data-end-of-text") < page.index('name="confirm"')
    assert 'name="confirm" id="id_confirm" required disabled' not in page  # usable without JavaScript


def test_without_the_rule_no_script_and_no_line(world, signed_in):
    policy = policy_with_a_check()
    quiz.record_attempt(person=world.staff, version=policy.current_version, answers=[1, 1])
    page = signed_in(world.staff).get(sign_url(policy)).content.decode()
    assert "reach-end.js" not in page
    assert "Scroll to the end" not in page


def _contents(policy):
    from policies.rendering import render_version_body

    version = policy.current_version
    return render_version_body(version.body, version.content_hash).contents
