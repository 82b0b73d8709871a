"""HR's first-time pass rates of the checks of understanding, by question."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from acknowledgements.models import QuizAttempt
from policies.models import PolicyVersion
from policies.services import publish_version
from reports.permissions import REPORTS_DENIED
from reports.understanding import first_time_pass_rates
from tests.factories import PersonFactory, PolicyFactory, VersionFactory

BODY = "## 1. Introduction\n\nText.\n\n## 2. Passwords\n\nSecret.\n"
QUIZ = [
    {"question": "Who may know your password?", "options": ["Nobody", "Your manager"], "answer": 0,
     "section": "2. Passwords"},
    {"question": "What does the policy cover?", "options": ["Email", "Parking"], "answer": 0,
     "section": "1. Introduction"},
]
WHEN = timezone.make_aware(datetime.datetime(2026, 3, 3, 9, 0))


@pytest.fixture
def version(world) -> PolicyVersion:
    policy = PolicyFactory(organisation=world.trust, title="Email Policy", slug="email")
    return publish_version(VersionFactory(policy=policy, body=BODY, quiz=QUIZ))


def attempt(person, version, correct, *, number=1) -> QuizAttempt:
    answers = [item["answer"] if right else 1 - item["answer"] for item, right in zip(QUIZ, correct, strict=True)]
    return QuizAttempt.objects.create(person=person, version=version, number=number, answers=answers,
                                      correct=list(correct), passed=all(correct), answered_at=WHEN)


def north_people(world, n):
    return [PersonFactory(schools=[world.north]) for _ in range(n)]


def rates(report) -> dict[str, tuple[int, int]]:
    return {q.question: (q.answered, q.right) for entry in report for q in entry.questions}


def test_each_question_counts_first_attempts_and_right_answers(world, version):
    a, b, c = north_people(world, 3)
    attempt(a, version, [False, True])
    attempt(a, version, [True, True], number=2)  # a second attempt is not a first-time pass
    attempt(b, version, [True, True])
    attempt(c, version, [False, True])
    [entry] = first_time_pass_rates([world.north.pk])
    assert entry.first_attempts == 3
    assert rates([entry]) == {"Who may know your password?": (3, 1), "What does the policy cover?": (3, 3)}


def test_the_worst_question_comes_first(world, version):
    a, b = north_people(world, 2)
    attempt(a, version, [True, False])
    attempt(b, version, [True, False])
    [entry] = first_time_pass_rates([world.north.pk])
    assert [q.number for q in entry.questions] == [2, 1]
    assert [q.percent for q in entry.questions] == [0, 100]


def test_a_schools_hr_counts_only_its_own_schools_people(world, version):
    [north] = north_people(world, 1)
    south = PersonFactory(schools=[world.south])
    attempt(north, version, [True, True])
    attempt(south, version, [False, False])
    assert rates(first_time_pass_rates([world.north.pk]))["Who may know your password?"] == (1, 1)
    trust_wide = [world.trust.pk, world.north.pk, world.south.pk]
    assert rates(first_time_pass_rates(trust_wide))["Who may know your password?"] == (2, 1)


def test_a_person_in_two_schools_is_counted_once(world, version):
    both = PersonFactory(schools=[world.north, world.south])
    attempt(both, version, [True, False])
    trust_wide = [world.trust.pk, world.north.pk, world.south.pk]
    assert rates(first_time_pass_rates(trust_wide))["Who may know your password?"] == (1, 1)


def test_a_published_quiz_nobody_answered_yet_is_listed_without_a_rate(world, version):
    [entry] = first_time_pass_rates([world.north.pk])
    assert entry.first_attempts == 0
    assert [q.percent for q in entry.questions] == [None, None]


def test_versions_without_a_quiz_are_not_listed(world):
    policy = PolicyFactory(organisation=world.trust)
    publish_version(VersionFactory(policy=policy, body=BODY))
    assert first_time_pass_rates([world.north.pk]) == []


def test_the_page_lists_questions_with_their_rates(world, version, signed_in):
    a, b = north_people(world, 2)
    attempt(a, version, [False, True])
    attempt(b, version, [True, True])
    response = signed_in(world.school_hr).get(reverse("reports:understanding"))
    assert response.status_code == 200
    text = response.text
    assert "Email Policy</a>, version 1.0" in text
    assert "2 first attempts." in text
    assert text.index("Who may know your password?") < text.index("What does the policy cover?")
    assert "<strong>50%</strong>" in text and "100%" in text


def test_the_page_reads_the_same_number_of_queries_however_many_answered(
        world, version, signed_in, django_assert_max_num_queries):
    client = signed_in(world.trust_hr)
    for person in north_people(world, 2):
        attempt(person, version, [True, False])
    with django_assert_max_num_queries(16) as few:
        client.get(reverse("reports:understanding"))
    other = PolicyFactory(organisation=world.trust, title="Another")
    second = publish_version(VersionFactory(policy=other, body=BODY, quiz=QUIZ))
    for person in north_people(world, 20):
        attempt(person, version, [True, True])
        attempt(person, second, [False, True])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("reports:understanding"))
    assert "Another</a>, version 1.0" in response.text


def test_staff_may_not_see_the_pass_rates(world, signed_in):
    response = signed_in(world.staff).get(reverse("reports:understanding"))
    assert response.status_code == 403
    assert REPORTS_DENIED in response.text


def test_the_dashboard_links_to_the_pass_rates(world, signed_in):
    response = signed_in(world.trust_hr).get(reverse("reports:dashboard"))
    assert reverse("reports:understanding") in response.text
