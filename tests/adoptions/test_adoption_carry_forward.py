"""A minor trust version (a typo, a new phone number) asks nobody to sign
again and no school to adopt again: each school's adoption in force is
carried forward to it, so staff keep reading the school's copy with its DSL
and its local sections. A major version since, or a major one instead, does
not carry anything: the school is asked to adopt again, also when its
committee decides only after the major version came out."""

from __future__ import annotations

import datetime

import pytest

from adoptions import guards, services
from adoptions.copies import long_date
from adoptions.models import Adoption
from outbox.models import OutboxEmail
from policies.models import PolicyVersion
from tests.adoptions.conftest import BODY, adopt
from tests.adoptions.test_adoption_readopt import NEW_BODY, publish

pytestmark = pytest.mark.django_db

TYPO_FIXED = BODY.replace("Everyone has a role.", "Everyone has a part to play.")


@pytest.fixture
def adopted(world, trust_policy, school):
    adoption = services.start_adoption(school=world.north, policy=trust_policy, by=school.lead.user)
    services.add_contact(adoption, role="Designated Safeguarding Lead", name="Priya Patel")
    services.add_local_section(adoption, kind="replaces", section="3. Reporting concerns", body="Tell Ms Patel.")
    services.send_to_committee(adoption, committee=school.lgb, by=school.lead.user)
    return adopt(adoption, school)


def in_force(world, policy) -> Adoption:
    return Adoption.objects.get(school=world.north, policy=policy, status__in=Adoption.IN_FORCE_STATUSES)


def test_a_minor_version_carries_the_adoption_forward_with_its_local_parts(adopted, trust_policy, world, school):
    version = publish(trust_policy, "1.1", major=False, body=TYPO_FIXED)
    carried = in_force(world, trust_policy)
    adopted.refresh_from_db()
    assert adopted.status == "superseded"
    assert (carried.version, carried.previous, carried.status) == (version, adopted, "adopted")
    assert (carried.committee, carried.adopted_on) == (school.lgb, adopted.adopted_on)
    replaced = PolicyVersion.objects.get(pk=adopted.version_id)
    assert replaced.superseded_on is not None and carried.carried_forward_on == replaced.superseded_on
    assert carried.local_hash == adopted.local_hash == services.hash_of(carried)
    assert [c.name for c in carried.contacts.all()] == ["Priya Patel"]
    assert not OutboxEmail.objects.filter(recipient=school.lead, subject__startswith="To re-adopt").exists()


def test_after_a_minor_version_staff_still_read_and_sign_the_school_s_copy(adopted, trust_policy, world, signed_in):
    publish(trust_policy, "1.1", major=False, body=TYPO_FIXED)
    page = signed_in(world.staff).get(f"/my/sign/{trust_policy.slug}/").content.decode()
    assert "Local to North Primary" in page and "Tell Ms Patel." in page and "Priya Patel" in page
    assert "Everyone has a part to play." in page  # the trust's fix, in the school's copy
    assert "has not adopted version 1.1 yet" not in page
    assert (f"Test Learning Trust policy, adopted by North Primary on {long_date(adopted.adopted_on)}; carried "
            f"forward to the trust&#x27;s minor revision 1.1 on") in page


def test_the_governance_lead_sees_it_carried_forward_and_may_still_adopt_it_afresh(adopted, trust_policy, world,
                                                                                  school, signed_in):
    publish(trust_policy, "1.1", major=False, body=TYPO_FIXED)
    carried = in_force(world, trust_policy)
    client = signed_in(school.lead)
    overview = client.get("/adoptions/").content.decode()
    assert f"Adopted on {long_date(adopted.adopted_on)} (carried forward)" in overview
    assert "Re-adopt<span" in overview  # a new local text is a new decision on this version
    detail = client.get(f"/adoptions/{carried.pk}/").content.decode()
    assert "the school's adoption of version 1.0</a>: the trust's minor revision" in detail
    again = services.start_adoption(school=world.north, policy=trust_policy, by=school.lead.user)
    assert (again.version.label, again.previous) == ("1.1", carried)


def test_carrying_forward_twice_changes_nothing(adopted, trust_policy, world):
    version = publish(trust_policy, "1.1", major=False, body=TYPO_FIXED)
    assert services.carry_forward(version=version) == []
    assert Adoption.objects.filter(school=world.north, status="adopted").count() == 1


def test_minor_versions_carry_it_forward_each_time(adopted, trust_policy, world):
    publish(trust_policy, "1.1", major=False, body=TYPO_FIXED)
    publish(trust_policy, "1.2", major=False, body=TYPO_FIXED + "\nAnother typo fixed.\n")
    carried = in_force(world, trust_policy)
    assert (carried.version.label, carried.previous.version.label, carried.previous.previous) == ("1.2", "1.1", adopted)


def test_a_minor_version_after_a_major_one_leaves_the_school_to_re_adopt(adopted, trust_policy, world):
    publish(trust_policy, "2.0", major=True)
    publish(trust_policy, "2.1", major=False, body=NEW_BODY + "\nA typo fixed.\n")
    assert in_force(world, trust_policy) == adopted
    adopted.refresh_from_db()
    assert adopted.status == "to_readopt"


def test_an_adoption_decided_after_a_minor_version_is_carried_to_it(world, trust_policy, school):
    adoption = services.start_adoption(school=world.north, policy=trust_policy, by=school.lead.user)
    services.send_to_committee(adoption, committee=school.lgb, by=school.lead.user)
    publish(trust_policy, "1.1", major=False, body=TYPO_FIXED)  # while the committee deliberates
    adopt(adoption, school)
    carried = in_force(world, trust_policy)
    assert (carried.version.label, carried.previous, carried.committee) == ("1.1", adoption, school.lgb)


def test_an_adoption_decided_after_a_major_version_is_asked_to_re_adopt(world, trust_policy, school):
    # As if it had been in force when 2.0 came out: not carried, and the school is asked to adopt 2.1.
    adoption = services.start_adoption(school=world.north, policy=trust_policy, by=school.lead.user)
    services.send_to_committee(adoption, committee=school.lgb, by=school.lead.user)
    publish(trust_policy, "2.0", major=True)
    publish(trust_policy, "2.1", major=False, body=NEW_BODY + "\nA typo fixed.\n")
    OutboxEmail.objects.all().delete()
    adopt(adoption, school)
    adoption.refresh_from_db()
    assert in_force(world, trust_policy) == adoption
    assert (adoption.version.label, adoption.status, adoption.readopt_since) == ("1.0", "to_readopt",
                                                                                adoption.adopted_on)
    asked = OutboxEmail.objects.get(subject__startswith="To re-adopt")
    assert (asked.recipient, asked.subject) == (school.lead, f"To re-adopt: {trust_policy.title}, version 2.1")


def test_an_adoption_decided_after_a_major_version_shows_to_re_adopt(world, trust_policy, school, client):
    adoption = services.start_adoption(school=world.north, policy=trust_policy, by=school.lead.user)
    services.send_to_committee(adoption, committee=school.lgb, by=school.lead.user)
    publish(trust_policy, "2.0", major=True)
    adopt(adoption, school)
    client.force_login(school.lead.user)
    page = client.get(f"/adoptions/{adoption.pk}/").content.decode()
    assert "To re-adopt since" in page


def test_the_carried_date_is_evidence(adopted, trust_policy, world):
    publish(trust_policy, "1.1", major=False, body=TYPO_FIXED)
    carried = in_force(world, trust_policy)
    carried.carried_forward_on = datetime.date(2020, 1, 1)
    with pytest.raises(guards.ImmutableAdoptionError):
        carried.save()
