"""A sign-off is evidence: nobody signs what is not theirs, and HR's paper
forms cannot be backdated or recorded for another school's policy (issue 13,
findings 7 and 8)."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from acknowledgements.models import SignOff
from acknowledgements.services import LEFT_NOTHING_TO_SIGN, NOT_YOURS_TO_SIGN, PAPER_BEFORE_PUBLICATION, PAPER_NOT_OWED
from tests.factories import PersonFactory, published_policy, sign_off_rule


@pytest.fixture
def email_policy(world):
    """A trust policy every teacher owes (published 1 September 2024)."""
    policy = published_policy(title="Email Policy", organisation=world.trust)
    sign_off_rule(policy)
    return policy


@pytest.fixture
def south_policy(world):
    """South Academy's own policy, which North's staff never owe."""
    policy = published_policy(title="South Uniform Policy", organisation=world.south)
    sign_off_rule(policy)
    return policy


def record_paper(client, person, version, signed_on):
    return client.post(reverse("acknowledgements:record_paper", args=[person.pk]),
                       {"version": version.pk, "signed_on": signed_on})


def test_a_schools_hr_cannot_backdate_a_paper_sign_off_before_publication(world, signed_in, email_policy):
    version = email_policy.current_version
    page = record_paper(signed_in(world.school_hr), world.staff, version, "1900-01-01").content.decode()
    message = PAPER_BEFORE_PUBLICATION.format(signed_on=datetime.date(1900, 1, 1), published=version.effective_on)
    assert escape(message) in page
    assert not SignOff.objects.exists()


def test_a_paper_sign_off_on_or_after_publication_is_recorded(world, signed_in, email_policy):
    record_paper(signed_in(world.school_hr), world.staff, email_policy.current_version, "2024-09-02")
    assert SignOff.objects.get().signed_on == datetime.date(2024, 9, 2)


def test_a_schools_hr_cannot_record_another_schools_policy_for_its_teacher(world, signed_in, south_policy):
    page = record_paper(signed_in(world.school_hr), world.staff, south_policy.current_version,
                        "2025-01-10").content.decode()
    assert escape(PAPER_NOT_OWED) in page
    assert not SignOff.objects.exists()


def test_a_paper_sign_off_is_refused_for_a_version_never_owed(world, signed_in):
    unowed = published_policy(title="Lettings Policy", organisation=world.north)  # no sign-off rule
    page = record_paper(signed_in(world.school_hr), world.staff, unowed.current_version,
                        "2025-01-10").content.decode()
    assert escape(PAPER_NOT_OWED) in page
    assert not SignOff.objects.exists()


def test_the_paper_form_offers_only_versions_the_person_owes(world, signed_in, email_policy, south_policy):
    url = reverse("acknowledgements:record_paper", args=[world.staff.pk])
    page = signed_in(world.school_hr).get(url).content.decode()
    assert "Email Policy, version 1.0" in page
    assert "South Uniform Policy" not in page


def test_staff_are_not_offered_a_policy_they_do_not_owe(world, signed_in, south_policy):
    response = signed_in(world.staff).get(reverse("acknowledgements:sign", args=[south_policy.slug]))
    assert response.status_code == 403
    assert escape(NOT_YOURS_TO_SIGN) in response.content.decode()


def test_a_forged_sign_post_for_a_policy_not_owed_writes_nothing(world, signed_in, south_policy):
    response = signed_in(world.staff).post(reverse("acknowledgements:sign", args=[south_policy.slug]),
                                           {"version": south_policy.current_version.pk, "confirm": "on"})
    assert response.status_code == 403
    assert escape(NOT_YOURS_TO_SIGN) in response.content.decode()
    assert not SignOff.objects.exists()


def test_staff_may_sign_a_policy_published_to_their_group_without_a_rule(world, signed_in):
    policy = published_policy(title="Staff Handbook", organisation=world.north)
    policy.audiences = ["teaching"]
    policy.save()
    client = signed_in(world.staff)
    client.get(reverse("acknowledgements:sign", args=[policy.slug]))  # opens the text
    client.post(reverse("acknowledgements:sign", args=[policy.slug]),
                {"version": policy.current_version.pk, "confirm": "on"})
    assert SignOff.objects.filter(person=world.staff).count() == 1


def test_a_leaver_with_a_live_session_cannot_sign(world, signed_in, email_policy):
    client = signed_in(world.staff)
    world.staff.leave_date = datetime.date.today()
    world.staff.save()
    response = client.post(reverse("acknowledgements:sign", args=[email_policy.slug]),
                           {"version": email_policy.current_version.pk, "confirm": "on"})
    assert response.status_code == 403
    assert escape(LEFT_NOTHING_TO_SIGN) in response.content.decode()
    assert not SignOff.objects.exists()


def test_a_new_colleague_covered_by_the_rule_may_sign(world, signed_in, email_policy):
    colleague = PersonFactory(schools=[world.north])  # joined after the obligations were worked out
    client = signed_in(colleague)
    client.get(reverse("acknowledgements:sign", args=[email_policy.slug]))  # opens the text
    client.post(reverse("acknowledgements:sign", args=[email_policy.slug]),
                {"version": email_policy.current_version.pk, "confirm": "on"})
    assert SignOff.objects.filter(person=colleague).exists()
