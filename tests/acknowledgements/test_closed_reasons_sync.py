"""Every obligation that ends without a sign-off ends with a recorded reason
(its negative receipt), and a closed obligation is history: owing the same
version again is a new row, never the old one reopened."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps

from acknowledgements import counts
from acknowledgements.models import Obligation, SignOffRule
from acknowledgements.owed import owed_from_scratch
from acknowledgements.services import sync_obligations
from people.models import StaffGroup
from policies.services import publish_version
from tests.factories import PersonFactory, VersionFactory, published_policy, sign_off_rule

TODAY = datetime.date(2026, 11, 25)
REASON = Obligation.ClosedReason


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)


@pytest.fixture
def policy(world):
    policy = published_policy(organisation=world.trust, title="Code of Conduct")
    sign_off_rule(policy)
    return policy


def closed(person, policy) -> list[tuple[str, str]]:
    return list(Obligation.objects.filter(person=person, policy=policy, status=Obligation.Status.WITHDRAWN)
                .order_by("pk").values_list("version__label", "closed_reason"))


def agrees() -> None:
    outstanding = set(Obligation.objects.filter(status=Obligation.Status.OUTSTANDING)
                      .values_list("person_id", "version_id", "period"))
    assert outstanding == owed_from_scratch(today=TODAY)
    check = counts.check_counts()
    assert (check.disagreements, check.named) == (0, [])


def test_a_leaver_s_obligation_closes_as_left(world, policy):
    world.staff.leave_date = TODAY
    world.staff.save()
    sync_obligations(people=[world.staff.pk], today=TODAY)
    assert closed(world.staff, policy) == [("1.0", REASON.LEFT)]
    closing = Obligation.objects.get(person=world.staff, policy=policy)
    assert closing.closed_on == TODAY


def test_someone_the_rule_stops_naming_closes_as_not_in_group(world, policy):
    rule = policy.sign_off_rule
    rule.staff_groups = [StaffGroup.SUPPORT]
    rule.save()
    sync_obligations(policy=policy, today=TODAY)
    assert closed(world.staff, policy) == [("1.0", REASON.NOT_IN_GROUP)]
    agrees()


def test_a_policy_whose_rule_is_deleted_closes_as_retired(world, policy):
    SignOffRule.objects.filter(policy=policy).delete()
    sync_obligations(today=TODAY)
    assert closed(world.staff, policy) == [("1.0", REASON.POLICY_RETIRED)]
    assert not Obligation.objects.filter(policy=policy, status=Obligation.Status.WITHDRAWN, closed_reason="").exists()


def test_an_unsigned_obligation_of_an_older_major_version_closes_as_superseded(world, policy):
    major = VersionFactory(policy=policy, label="2.0", is_major=True, effective_on=TODAY)
    publish_version(major, on=TODAY)
    assert closed(world.staff, policy) == [("1.0", REASON.SUPERSEDED)]
    assert Obligation.objects.get(person=world.staff, policy=policy, status="outstanding").version == major
    agrees()


def test_a_minor_version_moves_the_unsigned_obligation_and_says_reassigned(world, policy):
    minor = VersionFactory(policy=policy, label="1.1", is_major=False, effective_on=TODAY)
    publish_version(minor, on=TODAY)
    assert closed(world.staff, policy) == [("1.0", REASON.REASSIGNED)]
    agrees()


def test_owed_again_is_a_new_row_and_the_closed_one_keeps_its_reason(world, policy):
    rule = policy.sign_off_rule
    rule.staff_groups = [StaffGroup.SUPPORT]
    rule.save()
    sync_obligations(policy=policy, today=TODAY)
    first = Obligation.objects.get(person=world.staff, policy=policy)
    rule.staff_groups = [StaffGroup.TEACHING]
    rule.save()
    assert sync_obligations(policy=policy, today=TODAY)["reopened"] == 1
    rows = list(Obligation.objects.filter(person=world.staff, policy=policy).order_by("pk")
                .values_list("pk", "status", "closed_reason"))
    assert rows[0] == (first.pk, "withdrawn", REASON.NOT_IN_GROUP)
    assert rows[1][1:] == ("outstanding", "")
    assert len(rows) == 2
    agrees()


def test_a_sync_run_twice_closes_nothing_more(world, policy):
    world.staff.leave_date = TODAY
    world.staff.save()
    sync_obligations(today=TODAY)
    assert sync_obligations(today=TODAY) == {"created": 0, "reopened": 0, "withdrawn": 0}
    assert closed(world.staff, policy) == [("1.0", REASON.LEFT)]


def test_a_leave_date_corrected_owes_it_again_on_a_new_row(world, policy):
    world.staff.leave_date = TODAY
    world.staff.save()
    sync_obligations(people=[world.staff.pk], today=TODAY)
    world.staff.leave_date = None
    world.staff.save()
    sync_obligations(people=[world.staff.pk], today=TODAY)
    statuses = list(Obligation.objects.filter(person=world.staff, policy=policy).order_by("pk")
                    .values_list("status", "closed_reason"))
    assert statuses == [("withdrawn", REASON.LEFT), ("outstanding", "")]


def _backfill():
    module = importlib.import_module("acknowledgements.migrations.0014_closed_reasons_backfill")
    module.backfill(django_apps, None)


def test_the_backfill_says_why_each_older_closed_obligation_ended(world):
    kept = published_policy(organisation=world.trust, title="Kept Policy")
    sign_off_rule(kept)
    retired = published_policy(organisation=world.trust, title="Retired Policy")
    sign_off_rule(retired)
    replaced = published_policy(organisation=world.trust, title="Replaced Policy")
    sign_off_rule(replaced)
    leaver = PersonFactory(schools=[world.north], leave_date=datetime.date(2026, 10, 31))
    sync_obligations(today=datetime.date(2026, 10, 1))
    newer = VersionFactory(policy=replaced, label="2.0", is_major=True, effective_on=datetime.date(2026, 10, 1))
    publish_version(newer, on=newer.effective_on)
    SignOffRule.objects.filter(policy=retired).delete()
    # What a database made before issue 19 holds: withdrawn rows with no reason.
    Obligation.objects.filter(person=leaver).update(status="withdrawn", closed_on=TODAY)
    Obligation.objects.filter(person=world.school_hr, policy=kept).update(status="withdrawn", closed_on=TODAY)
    Obligation.objects.filter(person=world.staff, policy__in=[retired, replaced], version__major=1).update(
        status="withdrawn", closed_on=TODAY)
    Obligation.objects.filter(status="withdrawn").update(closed_reason="")
    _backfill()

    def reason(person, policy):
        return (Obligation.objects.filter(person=person, policy=policy, status="withdrawn")
                .values_list("closed_reason", flat=True).get())

    assert reason(leaver, kept) == REASON.LEFT
    assert reason(world.school_hr, kept) == REASON.NOT_IN_GROUP
    assert reason(world.staff, retired) == REASON.POLICY_RETIRED
    assert reason(world.staff, replaced) == REASON.SUPERSEDED
    assert not Obligation.objects.filter(status="withdrawn", closed_reason="").exists()
