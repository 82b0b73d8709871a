"""Preparing, sending and deciding a school's adoption (adoptions.services and
approvals.adoption_decisions)."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from adoptions import services
from adoptions.guards import ImmutableAdoptionError
from adoptions.models import Adoption, LocalContact, LocalSection
from approvals import services as approval_services
from approvals.models import Submission
from outbox.models import OutboxEmail
from tests.adoptions.conftest import adopt

pytestmark = pytest.mark.django_db


def started(world, trust_policy, school):
    return services.start_adoption(school=world.north, policy=trust_policy, by=school.lead.user)


def test_an_adoption_starts_from_the_trust_s_current_version(world, trust_policy, school):
    adoption = started(world, trust_policy, school)
    assert (adoption.status, adoption.version, adoption.school) == ("draft", trust_policy.current_version, world.north)


def test_a_second_adoption_while_one_is_being_prepared_is_refused(world, trust_policy, school):
    started(world, trust_policy, school)
    with pytest.raises(services.AdoptionRefused, match="already preparing"):
        started(world, trust_policy, school)
    assert Adoption.objects.count() == 1


def test_a_school_cannot_adopt_another_trust_s_policy(world, school):
    from tests.factories import SchoolFactory, TrustFactory, published_policy

    other = TrustFactory(name="Other Trust", slug="other-trust")
    policy = published_policy(organisation=other)
    SchoolFactory(trust=other)
    with pytest.raises(services.AdoptionRefused, match="is not a policy of North Primary's trust"):
        services.start_adoption(school=world.north, policy=policy, by=None)


def test_a_local_section_keeps_the_browser_s_text_in_canonical_form(world, trust_policy, school):
    adoption = started(world, trust_policy, school)
    section = services.add_local_section(adoption, kind="replaces", section="3. Reporting concerns",
                                         body="3.1 Tell Ms Patel, our DSL.  \r\n3.2 Or ring 0161 000 0000.\r\n")
    assert section.body == "3.1 Tell Ms Patel, our DSL.\n3.2 Or ring 0161 000 0000."


def test_a_section_name_that_is_not_in_the_trust_text_is_refused(world, trust_policy, school):
    adoption = started(world, trust_policy, school)
    with pytest.raises(services.AdoptionRefused) as refused:
        services.add_local_section(adoption, kind="adds_to", section="9. Nothing like it", body="Local words")
    assert str(refused.value) == services.UNKNOWN_SECTION.format(section="9. Nothing like it", label="1.0")
    assert not LocalSection.objects.exists()


def test_the_local_hash_ignores_crlf_and_trailing_spaces():
    contacts = [LocalContact(role="DSL", name="Ms Patel", email="", phone="")]
    crlf = [LocalSection(kind="replaces", section="3. Reporting concerns", body="Tell Ms Patel.  \r\nAt once.")]
    lf = [LocalSection(kind="replaces", section="3. Reporting concerns", body="Tell Ms Patel.\nAt once.")]
    assert services.local_hash(contacts, crlf) == services.local_hash(contacts, lf)
    assert services.local_hash(contacts, lf) != services.local_hash([], lf)


def test_sending_seals_the_local_parts_and_asks_the_school_s_committee(world, trust_policy, school):
    adoption = started(world, trust_policy, school)
    services.add_contact(adoption, role="Designated Safeguarding Lead", name="Priya Patel")
    services.send_to_committee(adoption, committee=school.lgb, by=school.lead.user)
    adoption.refresh_from_db()
    assert adoption.status == "awaiting"
    assert adoption.local_hash == services.hash_of(adoption)
    submission = Submission.objects.get(adoption=adoption)
    assert (submission.committee, submission.version) == (school.lgb, trust_policy.current_version)
    assert OutboxEmail.objects.filter(recipient=school.clerk, subject__contains="Safeguarding Policy").exists()


def test_another_school_s_committee_is_refused(world, trust_policy, school):
    adoption = started(world, trust_policy, school)
    with pytest.raises(services.AdoptionRefused, match="is not a committee of North Primary"):
        services.send_to_committee(adoption, committee=school.south_lgb, by=school.lead.user)
    adoption.refresh_from_db()
    assert (adoption.status, adoption.local_hash) == ("draft", "")
    assert not Submission.objects.exists()


def test_the_committee_s_approval_adopts_it_on_the_meeting_date(world, trust_policy, school):
    adoption = started(world, trust_policy, school)
    services.send_to_committee(adoption, committee=school.lgb, by=school.lead.user)
    adopt(adoption, school)
    assert (adoption.status, adoption.adopted_on, adoption.committee) == ("adopted", timezone.localdate(), school.lgb)
    trust_policy.current_version.refresh_from_db()
    assert trust_policy.current_version.status == "published"  # the trust's version is untouched


def test_a_request_for_changes_reopens_the_local_parts(world, trust_policy, school):
    adoption = started(world, trust_policy, school)
    services.send_to_committee(adoption, committee=school.lgb, by=school.lead.user)
    submission = Submission.objects.get(adoption=adoption)
    approval_services.record_meeting_decision(submission, clerk=school.clerk, decision="request_changes",
                                              meeting_date=timezone.localdate(), minute_reference="LGB 5/26",
                                              comment="Name the deputy DSL too.")
    adoption.refresh_from_db()
    assert (adoption.status, adoption.local_hash) == ("draft", "")
    services.add_contact(adoption, role="Deputy DSL", name="Sam Jones")
    assert adoption.contacts.count() == 1


def test_a_re_adoption_copies_the_local_parts_and_supersedes_the_previous(world, trust_policy, school):
    from approvals.services import start_draft

    first = started(world, trust_policy, school)
    services.add_contact(first, role="Designated Safeguarding Lead", name="Priya Patel")
    services.add_local_section(first, kind="replaces", section="3. Reporting concerns", body="Tell Ms Patel.")
    services.send_to_committee(first, committee=school.lgb, by=school.lead.user)
    adopt(first, school)
    draft = start_draft(trust_policy, by=world.owner, is_major=True)
    from policies.services import publish_version

    draft.status = "approved"
    draft.save()
    publish_version(draft)
    second = services.start_adoption(school=world.north, policy=trust_policy, by=school.lead.user)
    assert (second.previous, second.version) == (first, draft)
    assert [(c.role, c.name) for c in second.contacts.all()] == [("Designated Safeguarding Lead", "Priya Patel")]
    assert [(s.kind, s.section, s.body) for s in second.local_sections.all()] == [
        ("replaces", "3. Reporting concerns", "Tell Ms Patel.")]
    services.send_to_committee(second, committee=school.lgb, by=school.lead.user)
    adopt(second, school)
    first.refresh_from_db()
    assert (first.status, second.status) == ("superseded", "adopted")


def test_an_adopted_adoption_and_its_parts_never_change(world, trust_policy, school):
    adoption = started(world, trust_policy, school)
    services.add_contact(adoption, role="Designated Safeguarding Lead", name="Priya Patel")
    services.send_to_committee(adoption, committee=school.lgb, by=school.lead.user)
    adopt(adoption, school)
    adoption.local_hash = "0" * 64
    with pytest.raises(ImmutableAdoptionError):
        adoption.save()
    contact = LocalContact.objects.get(adoption=adoption)
    contact.name = "Someone Else"
    with pytest.raises(ImmutableAdoptionError):
        contact.save()
    # A refused delete happens inside Django's own transaction, so each gets a savepoint here.
    with pytest.raises(ImmutableAdoptionError), transaction.atomic():
        contact.delete()
    with pytest.raises(services.AdoptionRefused, match="cannot be changed"):
        services.add_contact(adoption, role="Headteacher", name="Ann Head")


def test_bulk_writes_from_the_shell_keep_the_same_rules(world, trust_policy, school):
    adoption = started(world, trust_policy, school)
    services.add_contact(adoption, role="Designated Safeguarding Lead", name="Priya Patel")
    LocalContact.objects.filter(adoption=adoption).update(phone="0161 496 0000")  # being prepared: allowed
    services.send_to_committee(adoption, committee=school.lgb, by=school.lead.user)
    adopt(adoption, school)
    adopted = Adoption.objects.filter(pk=adoption.pk)
    with pytest.raises(ImmutableAdoptionError, match=r"cannot be changed in bulk \(adopted_on\)"):
        adopted.update(adopted_on=datetime.date(2020, 1, 1))
    with pytest.raises(ImmutableAdoptionError, match=r"\(status\)"):
        adopted.update(status=Adoption.Status.DRAFT)
    with pytest.raises(ImmutableAdoptionError):
        LocalContact.objects.filter(adoption=adoption).update(name="Someone Else")
    with pytest.raises(ImmutableAdoptionError):
        LocalSection.objects.bulk_create([LocalSection(adoption=adoption, kind="adds_to", section="1. Purpose",
                                                       body="Slipped in.")])
    adoption.refresh_from_db()
    assert (adoption.status, adoption.adopted_on) == ("adopted", timezone.localdate())
    assert [(c.name, c.phone) for c in adoption.contacts.all()] == [("Priya Patel", "0161 496 0000")]
    assert not adoption.local_sections.exists()
    assert adopted.update(status=Adoption.Status.SUPERSEDED) == 1  # the lifecycle still moves on


def test_parts_are_sealed_once_sent(world, trust_policy, school):
    adoption = started(world, trust_policy, school)
    services.add_contact(adoption, role="Designated Safeguarding Lead", name="Priya Patel")
    services.send_to_committee(adoption, committee=school.lgb, by=school.lead.user)
    with pytest.raises(ImmutableAdoptionError):
        LocalContact.objects.create(adoption=adoption, role="Headteacher", name="Ann Head")


def test_a_committee_whose_members_vote_adopts_when_its_threshold_is_met(world, trust_policy, school):
    from approvals.models import CommitteeMember
    from policies.models import Committee
    from tests.factories import CommitteeFactory, PersonFactory

    lgb = CommitteeFactory(name="North Primary Governors", organisation=world.north,
                           decision_mode=Committee.DecisionMode.QUORUM, quorum=2)
    governors = [PersonFactory(schools=[world.north]) for _ in range(3)]
    for governor in governors:
        CommitteeMember.objects.create(committee=lgb, person=governor)
    adoption = started(world, trust_policy, school)
    services.send_to_committee(adoption, committee=lgb, by=school.lead.user)
    submission = Submission.objects.get(adoption=adoption)
    approval_services.record_vote(submission, member=governors[0], decision="approve")
    adoption.refresh_from_db()
    assert adoption.status == "awaiting"
    approval_services.record_vote(submission, member=governors[1], decision="approve")
    adoption.refresh_from_db()
    assert (adoption.status, adoption.adopted_on, adoption.committee) == ("adopted", timezone.localdate(), lgb)


def test_the_school_s_lead_who_sent_it_cannot_decide_it(world, trust_policy, school):
    from approvals.models import CommitteeMember

    CommitteeMember.objects.create(committee=school.lgb, person=school.lead, role=CommitteeMember.Role.CLERK)
    adoption = started(world, trust_policy, school)
    services.send_to_committee(adoption, committee=school.lgb, by=school.lead.user)
    submission = Submission.objects.get(adoption=adoption)
    with pytest.raises(approval_services.IllegalTransition, match="so you cannot vote on it"):
        approval_services.record_meeting_decision(submission, clerk=school.lead, decision="approve",
                                                  meeting_date=timezone.localdate(), minute_reference="LGB 1")
    adoption.refresh_from_db()
    assert adoption.status == "awaiting"
