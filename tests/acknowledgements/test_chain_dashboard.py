"""HR's dashboard shows the last evidence check: its records and time when
intact, a red alert naming the break when not, and says when it never ran.
The nightly run's step keeps the check."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from acknowledgements import evidence_check
from acknowledgements.models import EvidenceCheck
from portal.daily import verify_evidence
from tests.factories import published_policy, sign_off_rule, view_and_sign

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 25)


def at(hour: int, minute: int, *, day: datetime.date = TODAY) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def dashboard(signed_in, world) -> str:
    return signed_in(world.trust_hr).get(reverse("reports:dashboard")).content.decode()


def test_an_intact_check_is_one_line_with_its_records_and_time(signed_in, world):
    EvidenceCheck.objects.create(checked_at=timezone.localtime().replace(hour=2, minute=0), records=2431,
                                 intact=True)
    page = dashboard(signed_in, world)
    assert "Evidence chain: 2,431 records, intact, checked 02:00 today." in page
    assert 'role="alert"' not in page


def test_a_broken_check_is_a_red_alert_naming_the_break(signed_in, world):
    EvidenceCheck.objects.create(checked_at=timezone.now(), records=6, intact=False,
                                 first_broken="sign-off 12 (Jo Bloggs, Email Policy v1.0) at position 4 of trust-1: "
                                              "its contents changed after it was sealed")
    page = dashboard(signed_in, world)
    assert 'class="error-summary evidence-check" role="alert"' in page
    assert "Evidence chain broken" in page
    assert "sign-off 12 (Jo Bloggs, Email Policy v1.0) at position 4 of trust-1" in page


def test_no_check_yet_says_so(signed_in, world):
    assert evidence_check.NEVER_CHECKED in dashboard(signed_in, world)


def test_the_time_is_said_in_uk_time_relative_to_today():
    check = EvidenceCheck(checked_at=at(2, 0), records=1, intact=True)
    assert evidence_check.when_checked(check, today=TODAY) == "02:00 today"
    assert evidence_check.when_checked(check, today=TODAY + datetime.timedelta(days=1)) == "02:00 yesterday"
    assert evidence_check.when_checked(check, today=TODAY + datetime.timedelta(days=5)) == "02:00 on 25 November 2026"
    summer = EvidenceCheck(checked_at=datetime.datetime(2026, 7, 1, 1, 0, tzinfo=datetime.UTC), records=1,
                           intact=True)
    assert evidence_check.when_checked(summer, today=datetime.date(2026, 7, 1)) == "02:00 today"  # BST


def test_the_nightly_step_keeps_the_check_and_a_dry_run_does_not(world):
    policy = published_policy(title="Email Policy")
    sign_off_rule(policy)
    view_and_sign(person=world.staff, version=policy.current_version)

    assert verify_evidence(TODAY, True) == "2 records, chain intact"
    assert not EvidenceCheck.objects.exists()
    assert verify_evidence(TODAY, False) == "2 records, chain intact"
    assert EvidenceCheck.objects.get().records == 2
