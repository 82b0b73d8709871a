"""HR exempts a person from one sign-off with a reason; the exemption is
evidence, the obligation closes as exempted and is not owed again by the
sync, until HR owes it again (a new obligation; the old rows stay)."""

import datetime

import pytest

from acknowledgements import counts, exemptions
from acknowledgements.exemptions import ExemptionRefused, exempt, owe_again
from acknowledgements.models import EvidenceLink, Exemption, Obligation, SignOffEvidenceError
from acknowledgements.owed import owed_from_scratch
from acknowledgements.services import sync_obligations
from policies.services import publish_version
from tests.factories import PersonFactory, RoleFactory, VersionFactory, published_policy, sign_off_rule

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)


@pytest.fixture
def owed(world):
    """Sam owes the Code of Conduct (new version, 30 days)."""
    policy = published_policy(organisation=world.trust, title="Code of Conduct")
    sign_off_rule(policy, new_version_days=30, new_starter_days=14)
    return Obligation.objects.get(person=world.staff, policy=policy)


def agrees() -> None:
    outstanding = set(Obligation.objects.filter(status=Obligation.Status.OUTSTANDING)
                      .values_list("person_id", "version_id", "period"))
    assert outstanding == owed_from_scratch(today=TODAY)
    check = counts.check_counts()
    assert (check.disagreements, check.named) == (0, [])


def test_hr_exempts_with_a_reason_and_the_obligation_closes_as_exempted(world, owed):
    exemption = exempt(obligation=owed, reason="On long-term sick leave", by=world.school_hr.user)
    owed.refresh_from_db()
    assert (owed.status, owed.closed_reason, owed.closed_on) == ("withdrawn", "exempted", TODAY)
    assert (exemption.person, exemption.version, exemption.reason, exemption.exempted_by) == (
        world.staff, owed.version, "On long-term sick leave", world.school_hr.user)
    agrees()


def test_the_reason_is_trimmed_and_its_line_endings_made_lf(world, owed):
    exemption = exempt(obligation=owed, reason="  On sick leave\r\nuntil March  \r\n", by=world.school_hr.user)
    assert exemption.reason == "On sick leave\nuntil March"


@pytest.mark.parametrize("reason", ["", "   ", "\r\n\r\n"])
def test_an_empty_reason_is_refused_and_nothing_changes(world, owed, reason):
    with pytest.raises(ExemptionRefused, match=exemptions.REASON_REQUIRED):
        exempt(obligation=owed, reason=reason, by=world.school_hr.user)
    owed.refresh_from_db()
    assert owed.status == "outstanding" and not Exemption.objects.exists()


def test_a_reason_over_a_thousand_characters_is_refused_but_a_thousand_is_kept(world, owed):
    with pytest.raises(ExemptionRefused, match="1,000 characters"):
        exempt(obligation=owed, reason="x" * 1001, by=world.school_hr.user)
    # CRLF counts once, as it is kept: 999 characters and a line break
    assert len(exempt(obligation=owed, reason="x" * 500 + "\r\n" + "y" * 499, by=world.school_hr.user).reason) == 1000


def test_staff_cannot_exempt_anyone(world, owed):
    colleague = PersonFactory(schools=[world.north])
    with pytest.raises(ExemptionRefused, match=exemptions.EXEMPT_DENIED):
        exempt(obligation=owed, reason="Friend", by=colleague.user)


def test_another_schools_hr_cannot_exempt(world, owed):
    south_hr = PersonFactory(schools=[world.south])
    RoleFactory(person=south_hr, role="hr", organisation=world.south)
    with pytest.raises(ExemptionRefused, match=exemptions.EXEMPT_DENIED):
        exempt(obligation=owed, reason="Not mine", by=south_hr.user)


def test_hr_cannot_exempt_themselves(world, owed):
    own = Obligation.objects.get(person=world.school_hr, policy=owed.policy)
    with pytest.raises(ExemptionRefused, match=exemptions.EXEMPT_DENIED):
        exempt(obligation=own, reason="Busy", by=world.school_hr.user)


def test_a_signed_or_closed_obligation_cannot_be_exempted_twice(world, owed):
    exempt(obligation=owed, reason="On sick leave", by=world.school_hr.user)
    with pytest.raises(ExemptionRefused, match=exemptions.NOT_OUTSTANDING):
        exempt(obligation=owed, reason="Again", by=world.trust_hr.user)
    assert Exemption.objects.count() == 1


def test_the_sync_does_not_owe_an_exempted_version_again(world, owed):
    exempt(obligation=owed, reason="On sick leave", by=world.school_hr.user)
    assert sync_obligations(today=TODAY) == {"created": 0, "reopened": 0, "withdrawn": 0}
    assert sync_obligations(people=[world.staff.pk], today=TODAY + datetime.timedelta(days=40))["created"] == 0
    agrees()


def test_a_new_major_version_is_owed_despite_an_exemption_from_the_old_one(world, owed):
    exempt(obligation=owed, reason="On sick leave", by=world.school_hr.user)
    major = VersionFactory(policy=owed.policy, label="2.0", is_major=True, effective_on=TODAY)
    publish_version(major, on=TODAY)
    assert Obligation.objects.filter(person=world.staff, version=major, status="outstanding").exists()
    agrees()


def test_owing_it_again_is_a_new_obligation_due_within_the_rules_window(world, owed):
    exemption = exempt(obligation=owed, reason="On sick leave", by=world.school_hr.user)
    later = TODAY + datetime.timedelta(days=10)
    again = owe_again(exemption=exemption, by=world.trust_hr.user, today=later)
    assert again.pk != owed.pk
    assert (again.person, again.version, again.period, again.status) == (world.staff, owed.version, "", "outstanding")
    assert (again.owed_since, again.due_on) == (later, later + datetime.timedelta(days=30))
    owed.refresh_from_db()
    assert (owed.status, owed.closed_reason) == ("withdrawn", "exempted")
    assert Exemption.objects.get().reason == "On sick leave"
    assert sync_obligations(today=TODAY) == {"created": 0, "reopened": 0, "withdrawn": 0}  # the sync keeps it
    agrees()


def test_owing_it_again_twice_is_refused(world, owed):
    exemption = exempt(obligation=owed, reason="On sick leave", by=world.school_hr.user)
    owe_again(exemption=exemption, by=world.school_hr.user)
    with pytest.raises(ExemptionRefused, match="already owes"):
        owe_again(exemption=exemption, by=world.school_hr.user)


def test_a_leaver_is_not_owed_anything_again(world, owed):
    exemption = exempt(obligation=owed, reason="Leaving soon", by=world.school_hr.user)
    world.staff.leave_date = TODAY
    world.staff.save()
    with pytest.raises(ExemptionRefused, match="has left"):
        owe_again(exemption=exemption, by=world.school_hr.user)


def test_staff_cannot_owe_someone_it_again(world, owed):
    exemption = exempt(obligation=owed, reason="On sick leave", by=world.school_hr.user)
    with pytest.raises(ExemptionRefused, match=exemptions.EXEMPT_DENIED):
        owe_again(exemption=exemption, by=world.staff.user)


def test_an_exemption_cannot_be_changed_or_deleted(world, owed):
    exemption = exempt(obligation=owed, reason="On sick leave", by=world.school_hr.user)
    exemption.reason = "Something else"
    with pytest.raises(SignOffEvidenceError):
        exemption.save()
    with pytest.raises(SignOffEvidenceError):
        exemption.delete()
    with pytest.raises(SignOffEvidenceError):
        Exemption.objects.all().delete()


def test_words_for_each_closed_reason(world, owed):
    exempt(obligation=owed, reason="On long-term sick leave", by=world.school_hr.user)
    owed.refresh_from_db()
    assert exemptions.closed_because(owed) == "Exempted by Hana North on 25 Nov 2026: On long-term sick leave"
    left = Obligation(status="withdrawn", closed_reason="left", closed_on=TODAY)
    assert exemptions.closed_because(left) == "Left the trust (closed 25 Nov 2026)"
    assert exemptions.closed_because(Obligation(status="outstanding")) == ""


def test_an_exemption_is_sealed_into_the_evidence_chain(world, owed):
    exemption = exempt(obligation=owed, reason="On sick leave", by=world.school_hr.user)
    assert EvidenceLink.objects.filter(kind=EvidenceLink.Kind.EXEMPTION, record_id=exemption.pk).count() == 1
