"""verify_evidence finds every way the sealed evidence can be broken, even by
someone who disables the append-only triggers and writes raw SQL, names the
first broken record in words and exits 1; an intact chain says so and exits 0."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection

from acknowledgements import chain, evidence_check
from acknowledgements.models import EvidenceCheck, EvidenceLink, SignOff
from tests.factories import PersonFactory, published_policy, sign_off_rule, view_and_sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(world):
    """Three people of North and South signed the Email Policy in the browser
    (six records: each viewing, then the sign-off)."""
    policy = published_policy(title="Email Policy")
    sign_off_rule(policy)
    jo = PersonFactory(first_name="Jo", last_name="Bloggs", schools=[world.south])
    made = [view_and_sign(person=p, version=policy.current_version)[0] for p in (world.staff, jo, world.owner)]
    return made


def verify_command() -> tuple[int, list[str]]:
    out = io.StringIO()
    try:
        call_command("verify_evidence", stdout=out)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue().splitlines()


def raw(sql: str, params=(), *, table: str) -> None:
    """Change a table as an attacker with the database's password would: the
    triggers disabled (PostgreSQL), the model's refusal bypassed."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks: ALTER TABLE needs none
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def test_an_intact_chain_says_so_last_and_exits_0(signed, world):
    code, lines = verify_command()
    assert code == 0
    assert lines[0] == f"trust-{world.trust.pk}: 6 records, intact"
    assert lines[-1] == "evidence: 6 records, chain intact"
    check = EvidenceCheck.objects.get()
    assert (check.records, check.intact, check.first_broken) == (6, True, "")


def test_a_sign_off_altered_with_raw_sql_and_the_trigger_disabled_is_named_and_exits_1(signed, world):
    jo = signed[1]
    raw("UPDATE acknowledgements_signoff SET signed_on = %s WHERE id = %s", [datetime.date(2020, 1, 1), jo.pk],
        table="acknowledgements_signoff")
    assert SignOff.objects.get(pk=jo.pk).signed_on == datetime.date(2020, 1, 1)  # the change really happened

    code, lines = verify_command()

    assert code == 1
    position = EvidenceLink.objects.get(kind="sign_off", record_id=jo.pk).position
    assert lines[-1] == (f"evidence: 6 records, broken at sign-off {jo.pk} (Jo Bloggs, Email Policy v1.0) at "
                         f"position {position} of trust-{world.trust.pk}: its contents changed after it was sealed")
    assert EvidenceCheck.objects.get().intact is False


def test_an_altered_statement_is_found_whatever_field_was_changed(signed):
    raw("UPDATE acknowledgements_signoff SET statement = statement || ' ' WHERE id = %s", [signed[0].pk],
        table="acknowledgements_signoff")
    result = evidence_check.verify()
    assert not result.intact
    assert result.first_broken.startswith(f"sign-off {signed[0].pk} (Sam Staff, Email Policy v1.0)")


def test_a_deleted_sign_off_is_found(signed, world):
    jo = signed[1]
    raw("UPDATE acknowledgements_obligation SET sign_off_id = NULL WHERE sign_off_id = %s", [jo.pk],
        table="acknowledgements_obligation")
    raw("DELETE FROM acknowledgements_signoff WHERE id = %s", [jo.pk], table="acknowledgements_signoff")

    code, lines = verify_command()

    assert code == 1
    assert lines[-1].endswith(f"sign-off {jo.pk} at position 4 of trust-{world.trust.pk}: "
                              "the record was removed after it was sealed")


def test_a_deleted_link_is_found(signed, world):
    link = EvidenceLink.objects.get(kind="sign_off", record_id=signed[0].pk)  # position 2
    raw("DELETE FROM acknowledgements_evidencelink WHERE id = %s", [link.pk], table="acknowledgements_evidencelink")

    code, lines = verify_command()

    assert code == 1
    assert "at position 3 of trust-" in lines[-1]
    assert lines[-1].endswith("the link before it (position 2) was removed")


def test_a_deleted_sign_off_and_its_link_together_are_found(signed):
    jo = signed[1]
    raw("UPDATE acknowledgements_obligation SET sign_off_id = NULL WHERE sign_off_id = %s", [jo.pk],
        table="acknowledgements_obligation")
    raw("DELETE FROM acknowledgements_signoff WHERE id = %s", [jo.pk], table="acknowledgements_signoff")
    raw("DELETE FROM acknowledgements_evidencelink WHERE kind = 'sign_off' AND record_id = %s", [jo.pk],
        table="acknowledgements_evidencelink")

    result = evidence_check.verify()
    assert not result.intact
    assert result.first_broken.endswith("the link before it (position 4) was removed")


def test_the_last_link_removed_is_found_by_the_chains_head(signed):
    raw("DELETE FROM acknowledgements_evidencelink WHERE position = 6", table="acknowledgements_evidencelink")
    result = evidence_check.verify()
    assert not result.intact
    assert "links were removed" in result.first_broken


def test_a_rehashed_link_does_not_hide_an_edit(signed):
    """An attacker who edits a record and recomputes its link's hash breaks the next link."""
    jo = signed[1]
    raw("UPDATE acknowledgements_signoff SET note = 'edited' WHERE id = %s", [jo.pk], table="acknowledgements_signoff")
    link = EvidenceLink.objects.get(kind="sign_off", record_id=jo.pk)
    values = chain.sealed_values(SignOff.objects.get(pk=jo.pk))
    raw("UPDATE acknowledgements_evidencelink SET record_hash = %s WHERE id = %s",
        [chain.record_hash(link.previous_hash, "sign_off", values), link.pk], table="acknowledgements_evidencelink")

    result = evidence_check.verify()
    assert not result.intact
    assert result.first_broken.endswith(f"position {link.position + 1} of {link.chain}: "
                                        "the link before it was changed or removed")


def test_a_sign_off_inserted_without_its_link_is_found(signed, world):
    policy = published_policy(title="Visitors Policy")
    sign_off_rule(policy)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO acknowledgements_signoff (person_id, version_id, content_hash, statement, period, signed_at,"
            " signed_on, method, note, user_agent, session_began_with) VALUES (%s, %s, %s, 'I read it.', '', %s, %s,"
            " 'hr', '', '', '')",
            [world.staff.pk, policy.current_version.pk, "d" * 64, datetime.datetime(2026, 11, 25, tzinfo=datetime.UTC),
             datetime.date(2026, 11, 25)])
    stray = SignOff.objects.get(version=policy.current_version)

    code, lines = verify_command()

    assert code == 1
    assert lines[-1] == (f"evidence: 6 records, broken at sign-off {stray.pk} (Sam Staff, Visitors Policy v1.0): "
                         "it has no place in the chain (added without being sealed)")


def test_one_chain_can_be_checked_alone(signed, world):
    result = evidence_check.verify(chains=[f"trust-{world.trust.pk}"], save=False)
    assert (result.records, result.intact) == (6, True)
    assert not EvidenceCheck.objects.exists()
