"""The demo trust shows the checks of understanding and their pass rates."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from acknowledgements.models import QuizAttempt
from people.models import User
from policies.models import Policy, content_hash, version_hash

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", stdout=io.StringIO())


def test_two_demo_policies_ask_three_questions_approved_in_their_hash(demo):
    for slug in ("email", "data-protection"):
        version = Policy.objects.get(slug=slug).current_version
        assert len(version.quiz) == 3
        assert version.content_hash == version_hash(version.body, version.quiz) != content_hash(version.body)


def test_the_demo_pass_rate_page_has_first_attempts_to_show(demo, client):
    assert QuizAttempt.objects.filter(number=1).exists()
    client.force_login(User.objects.get(email="hr@oakfield.example"))
    response = client.get(reverse("reports:understanding"))
    assert "Email Policy</a>, version 2.0" in response.text
    assert "first attempt" in response.text and "No one has answered" not in response.text
