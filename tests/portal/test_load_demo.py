"""`manage.py load_demo`: the Oakfield Learning Trust, loaded once, safely again."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from people.models import Organisation, Person, User
from policies.models import Policy, PolicyVersion, RelatedPolicyName
from policies.selectors import ReviewStatus, review_status

pytestmark = pytest.mark.django_db


def load() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_trust_has_three_schools():
    load()
    trust = Organisation.objects.get(kind="trust")
    assert trust.name == "Oakfield Learning Trust"
    assert sorted(trust.schools.values_list("name", flat=True)) == [
        "Hilltop Nursery School", "Oakfield Primary School", "Riverside Academy",
    ]


def test_demo_has_a_few_dozen_staff_and_a_login_per_role():
    output = load()
    assert Person.objects.count() >= 24
    for email in ["admin@oakfield.example", "governance@oakfield.example", "hr@oakfield.example",
                  "hr.riverside@oakfield.example", "head.it@oakfield.example", "trustee@oakfield.example",
                  "new.starter@oakfield.example", "teacher@oakfield.example"]:
        assert User.objects.filter(email=email).exists(), email
        assert email in output
    assert "password for all: oakfield-demo" in output


def test_demo_logins_work_with_the_printed_password(client):
    load()
    response = client.post("/accounts/login/", {"username": "teacher@oakfield.example", "password": "oakfield-demo"})
    assert response.status_code == 302
    assert client.get("/my/").status_code == 200


def test_demo_policies_have_multi_row_version_tables():
    load()
    policies = Policy.objects.all()
    assert 7 <= policies.count() <= 10
    for policy in policies:
        assert policy.current_version is not None, policy
        assert policy.versions.filter(status__in=PolicyVersion.LOCKED_STATUSES).count() >= 2, policy


def test_demo_review_dates_include_one_overdue_and_some_due_soon():
    load()
    today = timezone.localdate()
    statuses = [review_status(p.next_review_on, today) for p in Policy.objects.all()]
    assert statuses.count(ReviewStatus.OVERDUE) == 1
    assert statuses.count(ReviewStatus.DUE_SOON) >= 2


def test_demo_policies_are_related_and_name_one_not_in_the_library():
    load()
    assert any(p.related.exists() for p in Policy.objects.all())
    assert RelatedPolicyName.objects.exists()


def test_loading_again_changes_nothing_and_keeps_edits():
    load()
    policy = Policy.objects.first()
    policy.is_public = not policy.is_public
    policy.save()
    counts = (Person.objects.count(), Policy.objects.count(), PolicyVersion.objects.count())
    output = load()
    assert "nothing new (already loaded)" in output
    assert (Person.objects.count(), Policy.objects.count(), PolicyVersion.objects.count()) == counts
    assert Policy.objects.get(pk=policy.pk).is_public == policy.is_public


def test_demo_has_a_draft_awaiting_the_trust_board_that_the_demo_trustee_can_approve(client):
    from approvals.models import Submission

    load()
    submission = Submission.objects.get(status="awaiting")
    assert (submission.version.policy.slug, submission.committee.slug) == ("acceptable-use", "trust-board")
    client.post("/accounts/login/", {"username": "trustee@oakfield.example", "password": "oakfield-demo"})
    client.post(f"/approvals/{submission.pk}/", {"decision": "approve"})
    policy = Policy.objects.get(slug="acceptable-use")
    assert policy.current_version.label == "2.0"


def test_demo_owner_has_a_draft_in_progress():
    load()
    assert PolicyVersion.objects.filter(policy__slug="email", status="draft", label="2.1").exists()
