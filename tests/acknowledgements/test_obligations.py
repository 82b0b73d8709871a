"""What people owe, derived from the rules."""

import datetime

import pytest

from acknowledgements.models import Obligation
from acknowledgements.services import sync_obligations
from people.models import StaffGroup
from policies.services import publish_version
from tests.factories import PersonFactory, VersionFactory, published_policy, sign_off_rule, view_and_sign

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)


def outstanding(person):
    return list(Obligation.objects.filter(person=person, status="outstanding").values_list("version__label", flat=True))


def new_version(policy, label, major=True):
    version = VersionFactory(policy=policy, label=label, body=f"## 1. Text {label}", is_major=major,
                             effective_on=TODAY - datetime.timedelta(days=1))
    publish_version(version, on=version.effective_on)
    return version


def test_existing_staff_owe_the_current_version(world):
    policy = published_policy(organisation=world.trust)
    sign_off_rule(policy)
    assert outstanding(world.staff) == ["1.0"]


def test_new_starter_owes_within_the_rules_days_of_their_start(world):
    policy = published_policy(organisation=world.trust)
    sign_off_rule(policy, new_starter_days=10)
    starter = PersonFactory(schools=[world.north], start_date=TODAY + datetime.timedelta(days=5))
    sync_obligations(person=starter)
    obligation = Obligation.objects.get(person=starter)
    assert obligation.reason == Obligation.Reason.NEW_STARTER
    assert obligation.due_on == TODAY + datetime.timedelta(days=15)


def test_leavers_owe_nothing(world):
    policy = published_policy(organisation=world.trust)
    sign_off_rule(policy)
    world.staff.leave_date = TODAY - datetime.timedelta(days=1)
    world.staff.save()
    sync_obligations(person=world.staff)
    assert outstanding(world.staff) == []
    assert Obligation.objects.get(person=world.staff).status == Obligation.Status.WITHDRAWN


def test_only_the_rules_staff_groups_owe(world):
    policy = published_policy(organisation=world.trust)
    sign_off_rule(policy, groups=["governor"])
    governor = PersonFactory(staff_group=StaffGroup.GOVERNOR, schools=[world.south])
    sync_obligations()
    assert outstanding(world.staff) == []
    assert outstanding(governor) == ["1.0"]


def test_a_schools_policy_is_owed_only_by_that_schools_staff(world):
    policy = published_policy(organisation=world.south)
    sign_off_rule(policy)
    south_teacher = PersonFactory(schools=[world.south])
    sync_obligations()
    assert outstanding(world.staff) == []
    assert outstanding(south_teacher) == ["1.0"]


def test_publishing_a_major_version_makes_signers_owe_it_again(world):
    policy = published_policy(organisation=world.trust)
    sign_off_rule(policy)
    view_and_sign(person=world.staff, version=policy.current_version)
    assert outstanding(world.staff) == []
    new_version(policy, "2.0")
    assert outstanding(world.staff) == ["2.0"]
    assert Obligation.objects.get(person=world.staff, status="outstanding").reason == "new_version"


def test_publishing_a_minor_version_asks_no_new_signature(world):
    policy = published_policy(organisation=world.trust)
    sign_off_rule(policy)
    view_and_sign(person=world.staff, version=policy.current_version)
    new_version(policy, "1.1", major=False)
    assert outstanding(world.staff) == []


def test_a_minor_version_moves_an_unsigned_obligation_to_the_new_text(world):
    policy = published_policy(organisation=world.trust)
    sign_off_rule(policy)
    due_before = Obligation.objects.get(person=world.staff).due_on
    new_version(policy, "1.1", major=False)
    assert outstanding(world.staff) == ["1.1"]
    assert Obligation.objects.get(person=world.staff, status="outstanding").due_on == due_before


def test_yearly_rule_asks_again_each_year(world):
    policy = published_policy(organisation=world.trust)
    sign_off_rule(policy, annual_from=datetime.date(2025, 9, 1), annual_days=30)
    view_and_sign(person=world.staff, version=policy.current_version, signed_on=datetime.date(2026, 3, 1))
    sync_obligations()
    obligation = Obligation.objects.get(person=world.staff, status="outstanding")
    assert (obligation.reason, obligation.period, obligation.due_on) == ("annual", "2026", datetime.date(2026, 10, 1))


def test_signing_this_year_satisfies_the_yearly_rule(world):
    policy = published_policy(organisation=world.trust)
    sign_off_rule(policy, annual_from=datetime.date(2025, 9, 1))
    view_and_sign(person=world.staff, version=policy.current_version, signed_on=datetime.date(2026, 9, 10))
    sync_obligations()
    assert outstanding(world.staff) == []


def test_sync_is_idempotent(world):
    policy = published_policy(organisation=world.trust)
    sign_off_rule(policy)
    before = Obligation.objects.count()
    assert sync_obligations() == {"created": 0, "reopened": 0, "withdrawn": 0}
    assert Obligation.objects.count() == before


def test_syncing_a_list_of_people_touches_only_them(world, settings, monkeypatch):
    """A staff import syncs just the people in its file, in passes, and leaves
    everyone else's obligations as they are, even when those are out of date."""
    monkeypatch.setattr("acknowledgements.services.SYNC_PEOPLE_PER_PASS", 2)
    policy = published_policy(organisation=world.trust)
    sign_off_rule(policy)
    newcomers = [PersonFactory(schools=[world.north]) for _ in range(3)]
    bystander = PersonFactory(schools=[world.north])
    world.staff.leave_date = TODAY - datetime.timedelta(days=1)
    world.staff.save()
    counts = sync_obligations(people=[p.pk for p in newcomers])
    assert counts == {"created": 3, "reopened": 0, "withdrawn": 0}
    assert all(outstanding(p) == ["1.0"] for p in newcomers)
    assert outstanding(bystander) == []  # not in the list: the nightly sync is theirs
    assert outstanding(world.staff) == ["1.0"]
