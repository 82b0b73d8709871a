"""Retention: leavers' personal data is anonymised once the configured period
after their leave date has passed; the sign-off evidence stays."""

import datetime

import pytest
from django.core.management import call_command

from acknowledgements.models import SignOff
from outbox.models import OutboxEmail
from outbox.services import queue_email
from people.models import Person, Role
from privacy.models import PrivacyEvent
from privacy.retention import anonymise_due_leavers, anonymise_person
from privacy.tasks import anonymise_leavers
from tests.conftest import is_postgres
from tests.factories import RoleFactory, published_policy, sign_off_rule, view_and_sign

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 25)


@pytest.fixture
def leaver(world, settings):
    settings.LEAVER_RETENTION_DAYS = 365
    policy = published_policy(title="Email Policy", organisation=world.trust)
    sign_off_rule(policy)
    person = world.staff
    view_and_sign(person=person, version=policy.current_version, ip_address="192.0.2.7", user_agent="Firefox")
    queue_email(recipient=person, subject="Please sign, Sam", body_text="Dear Sam Staff")
    RoleFactory(person=person, role=Role.HR, organisation=world.north)
    person.staff_id = "N0042"
    person.job_title = "Year 3 teacher"
    person.leave_date = TODAY - datetime.timedelta(days=366)
    person.save()
    return person


def test_a_leaver_past_the_period_is_anonymised_and_the_evidence_kept(leaver):
    sign_off_before = SignOff.objects.get(person=leaver)
    assert anonymise_due_leavers(TODAY) == 1

    person = Person.objects.get(pk=leaver.pk)
    assert person.full_name == f"Former member of staff #{person.pk}"
    assert person.email == f"former-staff-{person.pk}@anonymised.invalid"
    assert (person.staff_id, person.job_title, person.start_date) == ("", "", None)
    assert person.anonymised_on == TODAY
    assert not person.roles.exists()

    sign_off = SignOff.objects.get(person=person)
    assert (sign_off.version_id, sign_off.content_hash, sign_off.signed_at, sign_off.statement) == (
        sign_off_before.version_id, sign_off_before.content_hash, sign_off_before.signed_at,
        sign_off_before.statement)
    assert sign_off.ip_address is None and sign_off.user_agent == ""


def test_nothing_of_the_name_survives_in_history_logins_or_emails(leaver):
    user_pk = leaver.user.pk
    anonymise_due_leavers(TODAY)

    for old in Person.history.filter(id=leaver.pk):
        assert "Sam" not in old.first_name and "staff@school.example" != old.email
    from people.models import User

    user = User.objects.get(pk=user_pk)
    assert not user.is_active and not user.has_usable_password()
    assert user.email.endswith("@anonymised.invalid")
    email = OutboxEmail.objects.get(recipient=leaver)
    assert "Sam" not in email.subject + email.body_text and email.to.endswith("@anonymised.invalid")


def test_the_anonymised_person_cannot_sign_in(leaver, client, world):
    client.force_login(leaver.user)
    assert client.get("/my/").status_code == 200
    anonymise_due_leavers(TODAY)
    assert client.get("/my/").status_code == 302  # the open session no longer works
    client.logout()
    for email in ("staff@school.example", f"former-staff-{leaver.pk}@anonymised.invalid"):
        response = client.post("/accounts/login/", {"username": email, "password": world.password})
        assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_leavers_within_the_period_and_current_staff_are_untouched(leaver, world):
    leaver.leave_date = TODAY - datetime.timedelta(days=30)
    leaver.save()
    assert anonymise_due_leavers(TODAY) == 0
    assert Person.objects.get(pk=leaver.pk).first_name == "Sam"
    assert Person.objects.get(pk=world.school_hr.pk).first_name == "Hana"


def test_the_period_is_configurable(leaver, settings):
    settings.LEAVER_RETENTION_DAYS = 400
    assert anonymise_due_leavers(TODAY) == 0
    settings.LEAVER_RETENTION_DAYS = 366
    assert anonymise_due_leavers(TODAY) == 1


def test_running_twice_changes_nothing_more(leaver):
    assert anonymise_leavers() == 1  # the task, run in process, on the real date (after TODAY)
    anonymise_person(leaver, today=TODAY)
    anonymise_person(leaver, today=TODAY)
    assert PrivacyEvent.objects.filter(kind=PrivacyEvent.Kind.ANONYMISED).count() == 1
    assert anonymise_due_leavers(TODAY) == 0


def test_a_failure_part_way_leaves_the_person_untouched(leaver, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("privacy.retention.PrivacyEvent.objects.create", broken)
    with pytest.raises(RuntimeError):
        anonymise_due_leavers(TODAY)
    person = Person.objects.get(pk=leaver.pk)
    assert person.first_name == "Sam" and person.anonymised_on is None
    assert SignOff.objects.get(person=person).ip_address == "192.0.2.7"


def test_the_command_lists_record_numbers_only(leaver, capsys):
    call_command("anonymise_leavers", "--dry-run", "--today", TODAY.isoformat())
    out = capsys.readouterr().out
    assert f"person #{leaver.pk}" in out and "1 leaver(s) would be anonymised" in out
    assert "Sam" not in out and "staff@" not in out
    assert Person.objects.get(pk=leaver.pk).anonymised_on is None
    call_command("anonymise_leavers", "--today", TODAY.isoformat())
    assert Person.objects.get(pk=leaver.pk).anonymised_on == TODAY


def test_hr_sees_when_a_leaver_will_be_anonymised(leaver, world, signed_in):
    page = signed_in(world.trust_hr).get(f"/people/{leaver.pk}/").content.decode()
    assert "Will be anonymised on" in page
    anonymise_due_leavers(TODAY)
    page = signed_in(world.trust_hr).get(f"/people/{leaver.pk}/").content.decode()
    assert "Anonymised on" in page and "Sam" not in page


@pytest.mark.postgres
def test_the_database_lets_retention_erase_only_the_personal_details(leaver):
    from django.db import DatabaseError, connection, transaction

    if not is_postgres():
        pytest.skip("the database trigger exists on PostgreSQL only; SQLite relies on the model guards")
    sign_off = SignOff.objects.get(person=leaver)
    with connection.cursor() as cursor:
        # Only an anonymised leaver's details may be erased (acknowledgements/migrations/0006).
        with pytest.raises(DatabaseError, match="evidence"), transaction.atomic():
            cursor.execute("UPDATE acknowledgements_signoff SET ip_address = NULL, user_agent = '' WHERE id = %s",
                           [sign_off.pk])
        Person.objects.filter(pk=leaver.pk).update(anonymised_on=TODAY)
        cursor.execute("UPDATE acknowledgements_signoff SET ip_address = NULL, user_agent = '' WHERE id = %s",
                       [sign_off.pk])
        for change in ("content_hash = 'forged'", "signed_on = signed_on + 1", "ip_address = '10.0.0.1'"):
            with pytest.raises(DatabaseError, match="evidence"), transaction.atomic():
                cursor.execute(f"UPDATE acknowledgements_signoff SET {change} WHERE id = %s",  # noqa: S608
                               [sign_off.pk])
        with pytest.raises(DatabaseError, match="evidence"), transaction.atomic():
            cursor.execute("DELETE FROM acknowledgements_signoff WHERE id = %s", [sign_off.pk])


def test_a_leavers_login_closes_on_their_leave_date(world, client):
    from privacy.retention import close_leavers_logins

    world.school_hr.leave_date = TODAY
    world.school_hr.save()
    client.force_login(world.school_hr.user)
    assert close_leavers_logins(TODAY - datetime.timedelta(days=1)) == 0
    assert close_leavers_logins(TODAY) == 1
    assert client.get("/people/").status_code == 302  # signed out: the session ended with the login
    world.staff.user.refresh_from_db()
    assert world.staff.user.is_active  # still employed


def test_a_leaver_loses_hr_access_on_the_leave_date_before_the_login_closes(world, signed_in):
    world.school_hr.leave_date = datetime.date.today()
    world.school_hr.save()
    assert signed_in(world.school_hr).get("/people/").status_code == 403
