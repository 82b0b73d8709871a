"""What is outstanding always equals what the rules say: after any sync, the
obligations table agrees with owed_from_scratch, computed from the rules alone,
and the kept sign-off counts agree with a recount."""

import datetime

import pytest

from acknowledgements import counts
from acknowledgements.models import Obligation, SignOff, SignOffRule
from acknowledgements.owed import owed_from_scratch
from acknowledgements.services import sync_obligations
from people.models import StaffGroup
from policies.services import publish_version
from portal.demo import load_demo
from tests.factories import PersonFactory, VersionFactory, published_policy, sign_off_rule, view_and_sign

TODAY = datetime.date(2026, 11, 25)


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)


def outstanding() -> set[tuple[int, int, str]]:
    return set(Obligation.objects.filter(status=Obligation.Status.OUTSTANDING)
               .values_list("person_id", "version_id", "period"))


def assert_agrees(today: datetime.date) -> None:
    sync_obligations(today=today)
    assert outstanding() == owed_from_scratch(today=today), today
    counts.roll_overdue(today)  # and the kept counts equal a recount, as the clock moves
    check = counts.check_counts()
    assert (check.disagreements, check.named) == (0, []), today


def test_the_demo_trust_owes_exactly_what_the_rules_say_through_a_year(db):
    load_demo(today=TODAY)
    for offset in (0, 30, 120, 279, 280, 281, 300, 400):  # the next 1 September is day 280
        assert_agrees(day(offset))
    assert any(period == "2027" for _, _, period in outstanding())


def test_a_small_trust_agrees_with_the_rules_as_people_and_versions_come_and_go(world):
    yearly = published_policy(organisation=world.trust)
    sign_off_rule(yearly, annual_from=datetime.date(2025, 9, 1), annual_days=30)
    school_only = published_policy(organisation=world.north)
    sign_off_rule(school_only, groups=["teaching"], new_starter_days=7)
    assert_agrees(TODAY)
    view_and_sign(person=world.staff, version=yearly.current_version, signed_on=TODAY)
    starter = PersonFactory(schools=[world.north], start_date=day(40))
    world.school_hr.leave_date = day(20)
    world.school_hr.save()
    assert_agrees(day(1))
    assert_agrees(day(45))
    minor = VersionFactory(policy=school_only, label="1.1", is_major=False, effective_on=day(50))
    publish_version(minor, on=minor.effective_on)
    assert_agrees(day(50))
    major = VersionFactory(policy=yearly, label="2.0", is_major=True, effective_on=day(60))
    publish_version(major, on=major.effective_on)
    assert_agrees(day(60))
    view_and_sign(person=starter, version=major, signed_on=day(61))
    assert_agrees(day(61))
    assert_agrees(day(281))  # the next 1 September: a yearly period opens
    assert (starter.pk, major.pk, "2027") in outstanding()


def test_deleting_a_rule_withdraws_what_it_asked(world):
    policy = published_policy(organisation=world.trust)
    sign_off_rule(policy)
    SignOffRule.objects.filter(policy=policy).delete()
    counts = sync_obligations(today=TODAY)
    assert outstanding() == owed_from_scratch(today=TODAY) == set()
    assert counts["withdrawn"] == Obligation.objects.filter(status=Obligation.Status.WITHDRAWN).count() > 0


def test_a_rule_put_back_reopens_what_it_withdrew(world):
    policy = published_policy(organisation=world.trust)
    rule = sign_off_rule(policy, groups=["teaching"])
    rule.staff_groups = [StaffGroup.SUPPORT]
    rule.save()
    sync_obligations(today=TODAY)
    rule.staff_groups = [StaffGroup.TEACHING]
    rule.save()
    counts = sync_obligations(today=TODAY)
    assert counts == {"created": 0, "reopened": 1, "withdrawn": 3}  # three support staff out, Sam back in
    assert outstanding() == owed_from_scratch(today=TODAY)


def test_a_dry_run_writes_nothing_and_counts_what_a_real_run_does(world):
    policy = published_policy(organisation=world.trust)
    sign_off_rule(policy)
    world.staff.leave_date = TODAY
    world.staff.save()
    PersonFactory(schools=[world.south])
    before = list(Obligation.objects.values_list("pk", "status", "due_on").order_by("pk"))
    forecast = sync_obligations(today=TODAY, dry_run=True)
    assert list(Obligation.objects.values_list("pk", "status", "due_on").order_by("pk")) == before
    assert forecast == sync_obligations(today=TODAY) == {"created": 1, "reopened": 0, "withdrawn": 1}
    assert SignOff.objects.count() == 0
