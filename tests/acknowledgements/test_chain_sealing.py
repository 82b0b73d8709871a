"""The evidence chain's rules (acknowledgements.chain): which chain a record
joins, what is sealed, and that every way a sign-off, viewing or exemption is
written seals it, in order, each link carrying the hash before it."""

import datetime
import hashlib
import json

import pytest
from django.db import connection
from django.utils import timezone

from acknowledgements import chain, evidence_check
from acknowledgements.models import ChainHead, EvidenceLink, SignOff, SignOffEvidenceError, Viewing
from acknowledgements.services import record_sign_off
from people.models import Organisation
from tests.factories import PersonFactory, SchoolFactory, published_policy, sign_off_rule, view, view_and_sign

pytestmark = pytest.mark.django_db


def links(name: str) -> list[EvidenceLink]:
    return list(EvidenceLink.objects.filter(chain=name).order_by("position"))


def test_a_person_joins_their_schools_trust_chain_and_a_trust_person_the_trusts(world):
    assert chain.chain_for(world.staff) == f"trust-{world.trust.pk}"  # North's trust
    assert chain.chain_for(world.trust_hr) == f"trust-{world.trust.pk}"  # the trust itself
    other = Organisation.objects.create(name="Other Trust", slug="other", kind=Organisation.Kind.TRUST)
    elsewhere = PersonFactory(schools=[SchoolFactory(trust=other)])
    assert chain.chain_for(elsewhere) == f"trust-{other.pk}"
    assert chain.chain_for(PersonFactory(schools=[])) == "no-trust"


def test_a_record_sealed_alone_joins_the_chain_its_person_s_organisations_name(world):
    """A chain's later records are sealed in one statement, which works out
    the chain in SQL (on PostgreSQL): it must name the chain chain_for()
    names, for a school of a trust, the trust itself, someone in no school,
    and someone in several (the lowest-numbered counts)."""
    other = Organisation.objects.create(name="Other Trust", slug="other", kind=Organisation.Kind.TRUST)
    people = [world.staff, world.trust_hr, PersonFactory(schools=[]),
              PersonFactory(schools=[SchoolFactory(trust=other), world.north])]
    # A head for every chain a wrong answer could name, so no record goes the long way.
    for name in [chain.NO_TRUST, *(f"trust-{pk}" for pk in Organisation.objects.values_list("pk", flat=True))]:
        ChainHead.objects.create(chain=name, last_hash=chain.GENESIS)
    policy = published_policy(title="Email Policy")
    for person in people:
        record_sign_off(person=person, version=policy.current_version, method="hr")
    for person in people:
        name = chain.chain_for(person)
        records = {link.record_id for link in EvidenceLink.objects.filter(chain=name, kind="sign_off")}
        assert set(SignOff.objects.filter(person=person).values_list("pk", flat=True)) <= records, name
    assert chain.chain_for(people[3]) == f"trust-{world.trust.pk}"  # North is numbered before the other school
    assert evidence_check.verify().intact


def test_a_browser_sign_off_seals_its_viewing_then_itself_each_hash_over_the_one_before(world):
    policy = published_policy(title="Email Policy")
    sign_off_rule(policy)
    sign_off, created = view_and_sign(person=world.staff, version=policy.current_version, ip_address="10.0.0.1")
    assert created
    name = f"trust-{world.trust.pk}"
    first, second = links(name)
    viewing = Viewing.objects.get(person=world.staff)
    assert [(first.position, first.kind, first.record_id), (second.position, second.kind, second.record_id)] == [
        (1, "viewing", viewing.pk), (2, "sign_off", sign_off.pk)]
    assert first.previous_hash == "0" * 64
    assert second.previous_hash == first.record_hash
    head = ChainHead.objects.get(chain=name)
    assert (head.position, head.last_hash) == (2, second.record_hash)


def test_the_hash_is_sha256_over_the_previous_hash_kind_and_sorted_json_in_utc(world):
    policy = published_policy(title="Email Policy")
    sign_off_rule(policy)
    sign_off, _ = view_and_sign(person=world.staff, version=policy.current_version)
    sign_off = SignOff.objects.get(pk=sign_off.pk)  # as read back from the database
    link = EvidenceLink.objects.get(kind="sign_off", record_id=sign_off.pk)
    sealed = {
        "id": sign_off.pk, "person_id": world.staff.pk, "version_id": policy.current_version.pk,
        "content_hash": sign_off.content_hash, "statement": sign_off.statement, "period": "",
        "signed_at": sign_off.signed_at.astimezone(datetime.UTC).isoformat(),
        "signed_on": sign_off.signed_on.isoformat(), "method": "browser", "recorded_by_id": None, "note": "",
        "viewed_at": sign_off.viewed_at.astimezone(datetime.UTC).isoformat(), "quiz_attempts": None,
        "quiz_answers": None,
    }
    text = json.dumps(sealed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert link.record_hash == hashlib.sha256((link.previous_hash + "sign_off" + text).encode()).hexdigest()
    assert sealed["signed_at"].endswith("+00:00")


def test_the_address_and_browser_are_not_sealed_so_retention_may_erase_them(world):
    policy = published_policy(title="Email Policy")
    sign_off_rule(policy)
    sign_off, _ = view_and_sign(person=world.staff, version=policy.current_version, ip_address="10.0.0.1",
                                user_agent="Firefox")
    world.staff.anonymised_on = datetime.date(2026, 11, 1)
    world.staff.save()
    SignOff.objects.filter(pk=sign_off.pk).erase_personal_details()

    assert SignOff.objects.get(pk=sign_off.pk).ip_address is None
    assert evidence_check.verify().intact


def test_two_schools_of_one_trust_share_one_chain_and_another_trust_has_its_own(world):
    policy = published_policy(title="Email Policy")
    sign_off_rule(policy)
    south = PersonFactory(schools=[world.south])
    other_trust = Organisation.objects.create(name="Other Trust", slug="other", kind=Organisation.Kind.TRUST)
    elsewhere = PersonFactory(schools=[SchoolFactory(trust=other_trust)])
    for person in (world.staff, south, elsewhere):
        record_sign_off(person=person, version=policy.current_version, method="hr")  # paper: no viewing

    assert [link.position for link in links(f"trust-{world.trust.pk}")] == [1, 2]
    assert [link.position for link in links(f"trust-{other_trust.pk}")] == [1]


def test_a_record_saved_outside_the_services_is_sealed_too(world):
    """The admin and the shell save the model: save() seals after the insert."""
    policy = published_policy(title="Email Policy")
    sign_off = SignOff.objects.create(
        person=world.staff, version=policy.current_version, content_hash="a" * 64, statement="I read it.",
        signed_at=timezone.now(), signed_on=datetime.date(2026, 11, 25), method="hr")
    assert EvidenceLink.objects.filter(kind="sign_off", record_id=sign_off.pk).exists()


def test_a_link_cannot_be_changed_or_deleted(world):
    policy = published_policy(title="Email Policy")
    view(world.staff, policy.current_version)
    link = EvidenceLink.objects.get()
    with pytest.raises(SignOffEvidenceError):
        link.save()
    with pytest.raises(SignOffEvidenceError):
        EvidenceLink.objects.all().delete()


def test_a_sign_off_that_fails_leaves_no_link_and_the_head_where_it_was(world):
    policy = published_policy(title="Email Policy")
    sign_off_rule(policy)
    record_sign_off(person=world.staff, version=policy.current_version, method="hr")
    before = list(ChainHead.objects.values_list("chain", "position", "last_hash"))
    with pytest.raises(ValueError):
        with chain.sealing_last():
            SignOff.objects.create(person=world.owner,
                                   version=policy.current_version, content_hash="b" * 64, statement="x",
                                   signed_at=timezone.now(), signed_on=datetime.date(2026, 11, 25), method="hr")
            raise ValueError("the request failed after the insert")
    assert list(ChainHead.objects.values_list("chain", "position", "last_hash")) == before


def test_sealing_last_seals_at_the_end_of_the_block_in_the_order_saved(world):
    policy = published_policy(title="Email Policy")
    with chain.sealing_last():
        first = view(world.staff, policy.current_version)
        second = view(world.owner, policy.current_version)
        assert not EvidenceLink.objects.exists()  # nothing locked until the block ends
    assert [(link.record_id, link.position) for link in links(f"trust-{world.trust.pk}")] == [
        (first.pk, 1), (second.pk, 2)]


def test_seal_many_continues_the_chain_from_its_head(world):
    policy = published_policy(title="Email Policy")
    view(world.staff, policy.current_version)
    now = timezone.now()
    people = [PersonFactory(schools=[world.north]) for _ in range(3)]
    made = SignOff.objects.bulk_create([
        SignOff(person=p, version=policy.current_version, content_hash="c" * 64, statement="s", signed_at=now,
                signed_on=now.date(), method="browser") for p in people])
    if connection.vendor == "sqlite" and made[0].pk is None:
        pytest.skip("this SQLite returns no ids from bulk_create")
    chain.seal_many(made)
    assert [link.position for link in links(f"trust-{world.trust.pk}")] == [1, 2, 3, 4]
    assert evidence_check.verify().intact


def test_awkward_text_and_times_verify_intact_in_sql_as_in_python(world):
    """PostgreSQL recomputes the hash in SQL: its canonical text must be
    Python's byte for byte (quotes, backslashes, CRLF, control characters,
    non-ASCII, a check's answers, a time on the second and one with microseconds)."""
    policy = published_policy(title="Email Policy")
    awkward = 'He said "yes" \\ no\r\nline two\tand\x01 a bell\x07, café, 😀 / </script>'
    SignOff.objects.create(
        person=world.staff, version=policy.current_version, content_hash="e" * 64, statement=awkward,
        period="2026", signed_at=datetime.datetime(2026, 11, 25, 9, 20, tzinfo=datetime.UTC),
        signed_on=datetime.date(2026, 11, 25), method="hr", recorded_by=world.trust_hr.user, note=awkward,
        viewed_at=datetime.datetime(2026, 11, 25, 9, 12, 3, 450, tzinfo=datetime.UTC), quiz_attempts=2,
        quiz_answers=[0, 2, 1])
    assert evidence_check.verify().intact
    SignOff.objects.create(
        person=world.owner, version=policy.current_version, content_hash="f" * 64, statement="Plain.",
        signed_at=timezone.now(), signed_on=datetime.date(2026, 11, 25), method="hr")
    result = evidence_check.verify()
    assert (result.intact, result.records) == (True, 2), result.first_broken
