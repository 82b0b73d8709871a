"""A sign-off is evidence: pinned to the exact version, never changed, never lost."""

import pytest
from django.db import connection

from acknowledgements.models import SIGN_OFF_IS_EVIDENCE, Obligation, SignOff, SignOffEvidenceError
from acknowledgements.services import NOT_CURRENT
from policies.services import publish_version
from tests.factories import VersionFactory, published_policy, sign_off_rule, view_and_sign


@pytest.fixture
def sign_off(world):
    policy = published_policy(title="Email Policy")
    sign_off_rule(policy)
    record, _ = view_and_sign(person=world.staff, version=policy.current_version, ip_address="203.0.113.9",
                                user_agent="Mozilla/5.0 (iPhone)")
    return record


def test_sign_off_pins_version_hash_statement_and_context(sign_off):
    assert sign_off.content_hash == sign_off.version.content_hash
    assert sign_off.statement == "I confirm that I have read and understood the Email Policy, version 1.0."
    assert sign_off.ip_address == "203.0.113.9"
    assert sign_off.user_agent == "Mozilla/5.0 (iPhone)"
    assert sign_off.method == SignOff.Method.BROWSER
    assert sign_off.signed_at.tzinfo is not None


def test_signing_closes_the_obligation(sign_off):
    obligation = Obligation.objects.get(person=sign_off.person)
    assert obligation.status == Obligation.Status.SIGNED
    assert obligation.sign_off == sign_off


def test_signing_twice_makes_one_record(sign_off):
    again, created = view_and_sign(person=sign_off.person, version=sign_off.version)
    assert not created
    assert again.pk == sign_off.pk
    assert SignOff.objects.count() == 1


def test_a_sign_off_cannot_be_changed_through_save(sign_off):
    sign_off.note = "edited"
    with pytest.raises(SignOffEvidenceError, match=SIGN_OFF_IS_EVIDENCE):
        sign_off.save()


def test_a_sign_off_cannot_be_deleted(sign_off):
    with pytest.raises(SignOffEvidenceError):
        sign_off.delete()
    with pytest.raises(SignOffEvidenceError):
        SignOff.objects.all().delete()
    assert SignOff.objects.filter(pk=sign_off.pk).exists()


def test_a_sign_off_cannot_be_changed_in_bulk(sign_off):
    with pytest.raises(SignOffEvidenceError):
        SignOff.objects.filter(pk=sign_off.pk).update(note="edited")


def test_the_database_itself_refuses_changes_on_postgresql(sign_off):
    if connection.vendor != "postgresql":
        pytest.skip("the database trigger exists on PostgreSQL only; SQLite relies on the model guards")
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError, match="evidence"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE acknowledgements_signoff SET note = 'x' WHERE id = %s", [sign_off.pk])


def test_only_the_published_version_can_be_signed(world):
    policy = published_policy()
    old = policy.current_version
    publish_version(VersionFactory(policy=policy, label="2.0", body="## 1. New"))
    old.refresh_from_db()
    with pytest.raises(ValueError, match=NOT_CURRENT):
        view_and_sign(person=world.staff, version=old)


def test_the_admin_cannot_change_or_delete_a_sign_off(sign_off, client):
    from people.models import User

    client.force_login(User.objects.create_superuser("root@school.example", "x"))
    page = client.get(f"/admin/acknowledgements/signoff/{sign_off.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    assert client.post(f"/admin/acknowledgements/signoff/{sign_off.pk}/delete/", {"post": "yes"}).status_code == 403
    assert SignOff.objects.filter(pk=sign_off.pk).exists()


def test_two_tabs_signing_at_the_same_moment_make_one_record(sign_off, monkeypatch):
    # The second tab checked before the first tab's record existed; the
    # database's unique constraint decides, and the second tab gets the first's.
    monkeypatch.setattr("acknowledgements.services._existing_sign_off", lambda *args: None)
    again, created = view_and_sign(person=sign_off.person, version=sign_off.version)
    assert not created
    assert again.pk == sign_off.pk
    assert SignOff.objects.count() == 1
