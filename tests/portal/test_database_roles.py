"""On PostgreSQL the app connects as a role that cannot rewrite evidence
(issue 13, finding 5). These tests set the roles up on the test database with
the deploy script and the grant command, then connect as the app role, as an
insider with its password at a psql prompt would, and try each way round."""

from __future__ import annotations

import datetime
import io
import os
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from acknowledgements.models import SIGN_OFF_IS_EVIDENCE, SignOff
from people.models import Person
from portal.database_roles import APP_ROLE_IS_OWNER, APP_ROLE_IS_SUPERUSER
from tests.conftest import is_postgres
from tests.factories import PersonFactory, published_policy, sign_off_rule, view_and_sign

ROOT = Path(__file__).resolve().parents[2]
OWNER, APP = "pp_test_owner", "pp_test_app"

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _url(role: str) -> str:
    s = connection.settings_dict
    return f"postgres://{role}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def roles(world, monkeypatch):
    """The deployment's arrangement on the test database: the deploy script
    makes the roles and hands the tables to the owner; the release step's
    grant command, connected as the owner, grants the app role."""
    if not is_postgres():
        pytest.skip("database roles are a PostgreSQL arrangement (.ci/run provides it)")
    if not shutil.which("psql"):
        pytest.skip("psql is not installed (.ci/run installs postgresql)")
    s = connection.settings_dict
    env = {**os.environ, "PG_ADMIN_URL": f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}",
           "OWNER_ROLE": OWNER, "APP_ROLE": APP}
    result = subprocess.run(["deploy/create-database-roles.sh", s["NAME"]], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    monkeypatch.setenv("MIGRATION_DATABASE_URL", _url(OWNER))
    call_command("grant_app_role", role=APP, stdout=io.StringIO())
    monkeypatch.delenv("MIGRATION_DATABASE_URL")

    policy = published_policy(title="Email Policy", organisation=world.trust)
    sign_off_rule(policy)
    signed, _ = view_and_sign(person=world.staff, version=policy.current_version, ip_address="203.0.113.9",
                                user_agent="Firefox")
    return SimpleNamespace(signed=signed, version=policy.current_version, world=world)


def as_role(role: str, statement: str, params=()) -> None:
    with psycopg.connect(_url(role), autocommit=True) as conn:
        conn.execute(statement, params)


def sign_off_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM acknowledgements_signoff")
        return cursor.fetchone()[0]


REFUSED = {
    "truncate": "TRUNCATE acknowledgements_signoff CASCADE",
    "truncate_people_cascade": "TRUNCATE people_person CASCADE",
    "disable_trigger": "ALTER TABLE acknowledgements_signoff DISABLE TRIGGER acknowledgements_signoff_no_change",
    "disable_all_triggers": "ALTER TABLE acknowledgements_signoff DISABLE TRIGGER ALL",
    "drop_trigger": "DROP TRIGGER acknowledgements_signoff_no_change ON acknowledgements_signoff",
    "drop_truncate_trigger": "DROP TRIGGER acknowledgements_signoff_no_truncate ON acknowledgements_signoff",
    "replication_role": "SET session_replication_role = replica",
    "update_statement": "UPDATE acknowledgements_signoff SET statement = 'I read nothing.'",
    "update_hash": "UPDATE acknowledgements_signoff SET content_hash = repeat('0', 64)",
    "update_date": "UPDATE acknowledgements_signoff SET signed_on = DATE '1999-01-01'",
    "delete": "DELETE FROM acknowledgements_signoff",
    "erase_a_current_member_of_staff": "UPDATE acknowledgements_signoff SET ip_address = NULL, user_agent = ''",
    "delete_a_vote": "DELETE FROM approvals_vote",
    "update_a_vote": "UPDATE approvals_vote SET decision = 'approve'",
    "rewrite_version_history": "UPDATE policies_historicalpolicyversion SET status = 'published'",
    "temporary_table": "CREATE TEMP TABLE people_person (id bigint, anonymised_on date)",
}


@pytest.mark.parametrize("statement", REFUSED.values(), ids=REFUSED.keys())
def test_the_app_role_cannot_rewrite_evidence(roles, statement):
    with pytest.raises(psycopg.Error):
        as_role(APP, statement)
    assert sign_off_count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT ip_address, user_agent FROM acknowledgements_signoff")
        assert cursor.fetchone() == ("203.0.113.9", "Firefox")


def test_the_app_role_can_still_record_a_sign_off(roles):
    version = roles.version
    as_role(APP, """
        INSERT INTO acknowledgements_signoff (person_id, version_id, content_hash, statement, period, signed_at,
            signed_on, method, note, ip_address, user_agent, session_began_with)
        VALUES (%s, %s, %s, 'I confirm that I have read it.', '', now(), current_date, 'browser', '', NULL, '', '')
    """, [roles.world.school_hr.pk, version.pk, version.content_hash])
    assert SignOff.objects.filter(person=roles.world.school_hr, version=version).exists()


def test_retention_still_erases_an_anonymised_leavers_details_as_the_app_role(roles):
    """The real retention service, in a process connected as the app role."""
    leaver = roles.world.staff
    Person.objects.filter(pk=leaver.pk).update(leave_date=datetime.date(2019, 8, 31))
    env = {**os.environ, "DATABASE_URL": _url(APP)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    code = ("import datetime; from people.models import Person; from privacy.retention import anonymise_person; "
            f"anonymise_person(Person.objects.get(pk={leaver.pk}), today=datetime.date(2026, 11, 25))")
    result = subprocess.run([str(ROOT / ".venv/bin/python"), "manage.py", "shell", "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    signed = SignOff.objects.get(pk=roles.signed.pk)
    assert (signed.ip_address, signed.user_agent) == (None, "")
    assert signed.content_hash == roles.version.content_hash
    assert Person.objects.get(pk=leaver.pk).anonymised_on == datetime.date(2026, 11, 25)


def test_erasing_is_refused_for_someone_not_anonymised_even_beside_a_leaver(roles):
    leaver = PersonFactory(schools=[roles.world.north], anonymised_on=datetime.date(2026, 1, 1))
    view_and_sign(person=leaver, version=roles.version, ip_address="198.51.100.1", user_agent="Edge")
    with pytest.raises(psycopg.Error, match="evidence"):
        as_role(APP, "UPDATE acknowledgements_signoff SET ip_address = NULL, user_agent = ''")
    as_role(APP, "UPDATE acknowledgements_signoff SET ip_address = NULL, user_agent = '' WHERE person_id = %s",
            [leaver.pk])
    assert SignOff.objects.get(person=leaver).ip_address is None
    assert SignOff.objects.get(pk=roles.signed.pk).ip_address == "203.0.113.9"


def test_erasing_cannot_smuggle_another_change_for_a_leaver(roles):
    Person.objects.filter(pk=roles.world.staff.pk).update(anonymised_on=datetime.date(2026, 1, 1))
    with pytest.raises(psycopg.Error):
        as_role(APP, "UPDATE acknowledgements_signoff SET ip_address = NULL, user_agent = '', note = 'x'")
    # The owner may update every column; the trigger still compares the whole row.
    with pytest.raises(psycopg.Error, match="evidence"):
        as_role(OWNER, "UPDATE acknowledgements_signoff SET ip_address = NULL, user_agent = '', "
                       "session_began_with = 'password'")
    with pytest.raises(psycopg.Error, match="evidence"):
        as_role(APP, "UPDATE acknowledgements_signoff SET ip_address = '192.0.2.1'")


@pytest.mark.parametrize("statement", ["TRUNCATE acknowledgements_signoff CASCADE", "TRUNCATE people_person CASCADE"])
def test_the_truncate_trigger_refuses_even_the_owner(roles, statement):
    with pytest.raises(psycopg.Error, match=SIGN_OFF_IS_EVIDENCE):
        as_role(OWNER, statement)
    assert sign_off_count() == 1


def test_a_table_a_later_migration_creates_gets_the_app_grants_without_truncate(roles):
    as_role(OWNER, "CREATE TABLE later_migration_table (id integer)")
    try:
        as_role(APP, "INSERT INTO later_migration_table VALUES (1)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            as_role(APP, "TRUNCATE later_migration_table")
    finally:
        as_role(OWNER, "DROP TABLE later_migration_table")


@pytest.mark.parametrize(("role", "message"), [("postgres", APP_ROLE_IS_SUPERUSER), (OWNER, APP_ROLE_IS_OWNER)])
def test_the_grant_step_refuses_an_app_role_that_no_grant_restrains(roles, role, message):
    if role == "postgres" and connection.settings_dict["USER"] != "postgres":
        pytest.skip("the suite's superuser is not called postgres")
    with pytest.raises(CommandError, match=message):
        call_command("grant_app_role", role=role)
