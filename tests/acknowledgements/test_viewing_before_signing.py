"""Viewed before signed: the first opening of a version's text is evidence,
and signing in the browser needs it."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from acknowledgements import viewings
from acknowledgements.models import EVIDENCE_IS_APPEND_ONLY, SignOff, SignOffEvidenceError, Viewing
from acknowledgements.services import NOT_OPENED, SignOffRefused, record_paper_sign_off, record_sign_off
from tests.factories import PersonFactory, published_policy, sign_off_rule, view


@pytest.fixture
def email_policy(world):
    policy = published_policy(title="Email Policy", body="## 1. Phishing\n\n1.1 Report phishing at once.")
    sign_off_rule(policy)
    return policy


def sign_url(policy) -> str:
    return reverse("acknowledgements:sign", args=[policy.slug])


def test_opening_the_sign_page_records_the_first_viewing(world, signed_in, email_policy):
    client = signed_in(world.staff)
    client.get(sign_url(email_policy), HTTP_USER_AGENT="Phone browser")
    viewing = Viewing.objects.get()
    assert (viewing.person, viewing.version) == (world.staff, email_policy.current_version)
    assert viewing.content_hash == email_policy.current_version.content_hash
    assert viewing.ip_address == "127.0.0.1"
    assert viewing.user_agent == "Phone browser"


def test_opening_it_again_keeps_the_first_viewing(world, signed_in, email_policy):
    client = signed_in(world.staff)
    client.get(sign_url(email_policy), HTTP_USER_AGENT="First")
    client.get(sign_url(email_policy), HTTP_USER_AGENT="Second")
    assert list(Viewing.objects.values_list("user_agent", flat=True)) == ["First"]


def test_a_double_request_records_one_viewing(world, email_policy, monkeypatch):
    first = view(world.staff, email_policy.current_version)
    # The second request looked before the first had written: the unique constraint decides.
    monkeypatch.setattr(viewings, "viewing_for", lambda *args: None)
    again = viewings.record_viewing(person=world.staff, version=email_policy.current_version, ip_address=None,
                                    user_agent="")
    assert again.pk == first.pk
    assert Viewing.objects.count() == 1


def test_an_email_scanner_following_the_sign_link_records_nothing(client, world, email_policy):
    response = client.get(sign_url(email_policy), follow=True)
    assert "Sign in" in response.content.decode()
    assert not Viewing.objects.exists()


def test_a_post_without_opening_the_text_is_refused_and_records_nothing(world, signed_in, email_policy):
    response = signed_in(world.staff).post(sign_url(email_policy),
                                           {"version": email_policy.current_version.pk, "confirm": "on"})
    assert response.status_code == 200
    assert escape(NOT_OPENED) in response.content.decode()
    assert not SignOff.objects.exists()
    assert not Viewing.objects.exists()


def test_after_opening_the_text_signing_copies_when_it_was_opened(world, signed_in, email_policy):
    client = signed_in(world.staff)
    client.get(sign_url(email_policy))
    client.post(sign_url(email_policy), {"version": email_policy.current_version.pk, "confirm": "on"})
    sign_off = SignOff.objects.get()
    assert sign_off.viewed_at == Viewing.objects.get().viewed_at
    assert sign_off.viewed_at <= sign_off.signed_at


def test_the_service_refuses_a_browser_sign_off_without_a_viewing(world, email_policy):
    with pytest.raises(SignOffRefused, match="Open and read the policy"):
        record_sign_off(person=world.staff, version=email_policy.current_version)


def test_a_viewing_of_another_version_does_not_count(world, email_policy):
    other = published_policy(title="Data Policy")
    sign_off_rule(other)
    view(world.staff, other.current_version)
    with pytest.raises(SignOffRefused):
        record_sign_off(person=world.staff, version=email_policy.current_version)


def test_a_paper_sign_off_needs_no_viewing_and_says_on_paper(world, signed_in, email_policy):
    sign_off, _ = record_paper_sign_off(person=world.staff, version=email_policy.current_version,
                                        signed_on=timezone.localdate(), recorded_by=world.school_hr.user)
    assert sign_off.viewed_at is None
    page = signed_in(world.staff).get(reverse("acknowledgements:receipt", args=[sign_off.pk])).content.decode()
    assert "Signed on paper" in page


def test_the_library_page_of_a_version_i_owe_counts_as_opening_it(world, signed_in, email_policy):
    version = email_policy.current_version
    signed_in(world.staff).get(reverse("policies:version", args=[email_policy.slug, version.label]))
    assert Viewing.objects.filter(person=world.staff, version=version).exists()


def test_the_library_page_of_a_policy_i_do_not_owe_records_nothing(world, signed_in):
    policy = published_policy(title="Governors' Handbook")  # no sign-off rule: nobody owes it
    signed_in(world.staff).get(reverse("policies:detail", args=[policy.slug]))
    assert not Viewing.objects.exists()


def test_a_viewing_cannot_be_changed_or_deleted(world, email_policy):
    viewing = view(world.staff, email_policy.current_version)
    viewing.user_agent = "edited"
    with pytest.raises(SignOffEvidenceError, match=EVIDENCE_IS_APPEND_ONLY):
        viewing.save()
    with pytest.raises(SignOffEvidenceError):
        viewing.delete()
    with pytest.raises(SignOffEvidenceError):
        Viewing.objects.filter(pk=viewing.pk).update(user_agent="edited")


def test_the_database_refuses_to_change_a_viewing_on_postgresql(world, email_policy):
    if connection.vendor != "postgresql":
        pytest.skip("the database trigger exists on PostgreSQL only; SQLite relies on the model guards")
    viewing = view(world.staff, email_policy.current_version)
    with pytest.raises(DatabaseError, match="evidence"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE acknowledgements_viewing SET viewed_at = now() WHERE id = %s", [viewing.pk])


def test_retention_erases_a_leavers_viewing_address_and_browser(world, email_policy):
    from privacy.retention import anonymise_person

    leaver = PersonFactory(schools=[world.north])
    viewings.record_viewing(person=leaver, version=email_policy.current_version, ip_address="198.51.100.4",
                            user_agent="Edge")
    leaver.leave_date = datetime.date(2020, 1, 1)
    leaver.save()
    anonymise_person(leaver, today=datetime.date(2027, 1, 1))
    viewing = Viewing.objects.get(person=leaver)
    assert (viewing.ip_address, viewing.user_agent) == (None, "")
    assert viewing.content_hash == email_policy.current_version.content_hash
