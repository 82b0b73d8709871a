"""A sign-off of a school's copy pins the trust version's hash and the local
parts' hash, and the evidence chain seals the adoption and the local hash as
optional fields: an existing record's hash is unchanged, and an altered local
hash is found."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection

from acknowledgements import chain, evidence_check
from acknowledgements.models import EvidenceLink, SignOff
from adoptions import services
from tests.adoptions.conftest import adopt
from tests.factories import view_and_sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_copy(world, trust_policy, school):
    adoption = services.start_adoption(school=world.north, policy=trust_policy, by=school.lead.user)
    services.add_contact(adoption, role="Designated Safeguarding Lead", name="Priya Patel")
    services.send_to_committee(adoption, committee=school.lgb, by=school.lead.user)
    adopt(adoption, school)
    sign_off, _ = view_and_sign(person=world.staff, version=trust_policy.current_version)
    return sign_off


def raw(sql: str, params, *, table: str) -> None:
    """As an attacker with the database's password: the append-only triggers disabled."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def test_the_sign_off_pins_the_trust_hash_and_the_local_hash(signed_copy, trust_policy):
    adoption = signed_copy.adoption
    assert adoption is not None
    assert signed_copy.content_hash == trust_policy.current_version.content_hash
    assert signed_copy.local_hash == adoption.local_hash == services.hash_of(adoption)


def test_the_chain_seals_the_adoption_and_stays_intact(signed_copy):
    values = dict(zip(chain.FIELDS["sign_off"], chain.sealed_values(signed_copy), strict=True))
    sealed = chain.canonical("sign_off", chain.sealed_values(signed_copy)).decode()
    assert f'"adoption_id":{values["adoption_id"]}' in sealed and f'"local_hash":"{signed_copy.local_hash}"' in sealed
    assert evidence_check.verify(save=False).intact


def test_a_record_without_the_optional_fields_hashes_as_before_they_existed(world, trust_policy):
    sign_off, _ = view_and_sign(person=world.staff, version=trust_policy.current_version)
    required = chain.sealed_values(sign_off)[:len(chain.SEALED["sign_off"])]
    before = chain._encode(dict(zip(chain.SEALED["sign_off"], [
        chain._plain(v) for v in required], strict=True))).encode()
    assert chain.canonical("sign_off", chain.sealed_values(sign_off)) == before
    link = EvidenceLink.objects.get(kind="sign_off", record_id=sign_off.pk)
    assert link.record_hash == hashlib.sha256(link.previous_hash.encode() + b"sign_off" + before).hexdigest()
    assert evidence_check.verify(save=False).intact


def test_a_local_hash_altered_with_raw_sql_breaks_the_chain(signed_copy):
    raw("UPDATE acknowledgements_signoff SET local_hash = %s WHERE id = %s", ["f" * 64, signed_copy.pk],
        table="acknowledgements_signoff")
    assert SignOff.objects.get(pk=signed_copy.pk).local_hash == "f" * 64
    result = evidence_check.verify(save=False)
    assert not result.intact
    assert f"sign-off {signed_copy.pk}" in result.first_broken
    assert "its contents changed after it was sealed" in result.first_broken


def test_a_local_hash_removed_with_raw_sql_breaks_the_chain(signed_copy):
    raw("UPDATE acknowledgements_signoff SET local_hash = '', adoption_id = NULL WHERE id = %s", [signed_copy.pk],
        table="acknowledgements_signoff")
    assert not evidence_check.verify(save=False).intact


def test_the_receipt_names_the_school_s_copy(signed_copy, world, signed_in):
    page = signed_in(world.staff).get(f"/my/sign-offs/{signed_copy.pk}/").content.decode()
    assert f"North Primary's copy, local parts hash <code class=\"hash\">{signed_copy.local_hash}</code>" in page


def test_the_sign_page_shows_the_school_s_copy(world, trust_policy, school, signed_in):
    adoption = services.start_adoption(school=world.north, policy=trust_policy, by=school.lead.user)
    services.add_local_section(adoption, kind="replaces", section="3. Reporting concerns", body="Tell Ms Patel.")
    services.send_to_committee(adoption, committee=school.lgb, by=school.lead.user)
    adopt(adoption, school)
    page = signed_in(world.staff).get(f"/my/sign/{trust_policy.slug}/").content.decode()
    assert "Test Learning Trust policy, adopted by North Primary on" in page
    assert '<span class="tag">Local to North Primary</span>' in page and "Tell Ms Patel." in page
