"""The check of understanding is part of what a version's hash pins."""

from __future__ import annotations

import pytest

from policies.models import ImmutableVersionError, PolicyVersion, content_hash, version_hash
from tests.factories import VersionFactory

BODY = "## 1. Introduction\n\n1.1 Staff lock their screens.\n"
QUIZ = [{"question": "When do you lock your screen?", "options": ["Never", "Whenever I leave it"],
         "answer": 1, "section": "1. Introduction"}]


def test_a_version_without_a_quiz_keeps_the_hash_it_always_had():
    assert version_hash(BODY, []) == content_hash(BODY)
    assert version_hash(BODY, None) == content_hash(BODY)


def test_a_quiz_changes_the_hash():
    assert version_hash(BODY, QUIZ) != content_hash(BODY)


def test_a_changed_right_answer_changes_the_hash():
    changed = [{**QUIZ[0], "answer": 0}]
    assert version_hash(BODY, changed) != version_hash(BODY, QUIZ)


def test_crlf_and_trailing_spaces_in_the_quiz_are_not_a_different_hash():
    typed = [{"section": "1. Introduction  ", "answer": 1, "options": ["Never\r\n", "Whenever I leave it "],
              "question": "When do you lock\r\nyour screen?"}]
    tidy = [{**QUIZ[0], "question": "When do you lock\nyour screen?"}]
    assert version_hash(BODY, typed) == version_hash(BODY, tidy)


def test_key_order_is_not_a_different_hash():
    reordered = [dict(reversed(list(QUIZ[0].items())))]
    assert version_hash(BODY, reordered) == version_hash(BODY, QUIZ)


@pytest.mark.django_db
def test_a_saved_version_keeps_the_hash_of_its_text_and_quiz():
    version = VersionFactory(body=BODY, quiz=QUIZ, status=PolicyVersion.Status.DRAFT)
    assert version.content_hash == version_hash(BODY, QUIZ)
    version.quiz = []
    version.save()
    assert version.content_hash == content_hash(BODY)


@pytest.mark.django_db
def test_an_approved_quiz_cannot_be_changed_by_saving():
    version = VersionFactory(body=BODY, quiz=QUIZ)
    version.quiz = [{**QUIZ[0], "answer": 0}]
    with pytest.raises(ImmutableVersionError):
        version.save()


@pytest.mark.django_db
def test_an_approved_quiz_cannot_be_changed_in_bulk():
    version = VersionFactory(body=BODY, quiz=QUIZ)
    with pytest.raises(ImmutableVersionError):
        PolicyVersion.objects.filter(pk=version.pk).update(quiz=[])
    version.refresh_from_db()
    assert version.quiz == QUIZ
