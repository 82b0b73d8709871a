"""The person's evidence PDF ends with a certificate per sign-off, in words a
tribunal or an inspector can read (text as pdftotext extracts it)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from acknowledgements.certificates import (
    ADDRESS_ERASED,
    NOT_IN_CHAIN,
    OPENED_NOT_RECORDED,
    QUIZ_NONE,
    certificates_for,
    chain_check_words,
    chain_position_words,
)
from acknowledgements.models import SignOff
from documents import rendering
from people.models import Person
from tests.documents.certificate_data import at, checked, link_of, pdf_to_text, sign_off, words
from tests.factories import published_policy


@pytest.fixture
def email_policy(world):
    return published_policy(title="Email Policy").current_version


@pytest.fixture
def data_policy(world):
    return published_policy(title="Data Protection Policy").current_version


def record_text(client, person, tmp_path) -> str:
    response = client.get(reverse("documents:person_record", args=[person.pk]))
    assert response["Content-Type"] == "application/pdf"
    return pdf_to_text(response.content, tmp_path)


@pytest.mark.slow  # renders with WeasyPrint
def test_a_browser_sign_off_has_a_certificate_saying_each_fact_in_words(world, signed_in, email_policy, tmp_path):
    Person.objects.filter(pk=world.staff.pk).update(staff_id="NP-0042")
    signed = sign_off(world.staff, email_policy, signed_at=at(2026, 3, 3, 9, 20, 14),
                      viewed_at=at(2026, 3, 3, 9, 12, 5), ip_address="203.0.113.7",
                      user_agent="Mozilla/5.0 (iPhone) Safari/604.1",
                      session_began_with="link", quiz_attempts=2, quiz_answers=[1, 0, 2])
    link = link_of(signed, trust=world.trust)
    checked(on=at(2026, 3, 4, 2, 0))
    text = record_text(signed_in(world.school_hr), world.staff, tmp_path)
    certificate = words(text.split("\f")[-2])  # the last page (pdftotext ends every page with a form feed)
    assert "Certificate of sign-off: Email Policy, version 1.0" in certificate
    assert "Name Sam Staff" in certificate
    assert "Staff ID NP-0042" in certificate
    assert "Policy Email Policy" in certificate and "Version 1.0" in certificate
    assert email_policy.content_hash in certificate.replace(" ", "")  # wrapped to fit, but whole
    assert "Statement confirmed “I confirm that I have read and understood this policy.”" in certificate
    assert "Opened at 09:12:05 on Tuesday 3 March 2026, UK time (GMT)" in certificate
    assert "Signed at 2026-03-03 09:20:14 UTC 09:20:14 on Tuesday 3 March 2026, UK time (GMT)" in certificate
    assert "Method Signed in the browser; the session began with: emailed sign-in link" in certificate
    assert "IP address 203.0.113.7" in certificate
    assert "Browser Mozilla/5.0 (iPhone) Safari/604.1" in certificate
    assert "Check of understanding passed on attempt 2 (3 questions)" in certificate
    assert (f"Evidence chain record {link.position:,} of the evidence chain of Test Learning Trust; the chain was "
            "last verified intact on 02:00 on Wednesday 4 March 2026, UK time (GMT)") in certificate
    assert "What this means" in certificate and "a fingerprint of the exact words" in certificate
    assert "Opened 09:12, signed 09:20" in words(text.split("\f")[0])  # the summary at the front


@pytest.mark.slow  # renders with WeasyPrint
def test_each_sign_off_has_its_own_certificate_page_the_newest_first(world, signed_in, email_policy, data_policy,
                                                                      tmp_path):
    sign_off(world.staff, email_policy, signed_at=at(2026, 1, 5, 10, 0))
    sign_off(world.staff, data_policy, signed_at=at(2026, 2, 5, 10, 0))
    pages = [words(page) for page in record_text(signed_in(world.trust_hr), world.staff, tmp_path).split("\f")]
    headings = [page for page in pages if "Certificate of sign-off:" in page]
    assert len(headings) == 2
    assert "Data Protection Policy, version 1.0" in headings[0] and "Email Policy" not in headings[0]
    assert "Email Policy, version 1.0" in headings[1] and "Data Protection" not in headings[1]


@pytest.mark.slow  # renders with WeasyPrint
def test_a_paper_sign_off_says_it_was_on_paper_and_no_check_was_asked(world, signed_in, email_policy, tmp_path):
    sign_off(world.staff, email_policy, signed_at=at(2026, 7, 10, 14, 30), signed_on=datetime.date(2026, 7, 8),
             method=SignOff.Method.RECORDED_BY_HR, recorded_by=world.school_hr.user)
    certificate = words(record_text(signed_in(world.school_hr), world.staff, tmp_path).split("\f")[-2])
    assert "Opened at on paper" in certificate
    assert "Date on the paper form: 8 July 2026" in certificate
    assert "15:30:00 on Friday 10 July 2026, UK time (BST)" in certificate  # summer: an hour ahead of UTC
    assert "Method Paper form recorded by HR, by hr.north@school.example" in certificate
    assert "IP address none (a paper form, recorded by HR)" in certificate
    assert f"Check of understanding {QUIZ_NONE}" in certificate


@pytest.mark.slow  # renders with WeasyPrint
def test_an_anonymised_leavers_address_reads_as_erased_and_an_old_sign_off_as_not_opened(world, signed_in,
                                                                                         email_policy, tmp_path):
    sign_off(world.staff, email_policy, signed_at=at(2020, 3, 3, 9, 20))  # before opening was recorded
    Person.objects.filter(pk=world.staff.pk).update(anonymised_on=datetime.date(2026, 11, 1))
    certificate = words(record_text(signed_in(world.school_hr), world.staff, tmp_path).split("\f")[-2])
    assert f"Opened at {OPENED_NOT_RECORDED}" in certificate
    assert f"IP address {ADDRESS_ERASED}" in certificate and f"Browser {ADDRESS_ERASED}" in certificate


def test_the_record_costs_the_same_queries_for_one_sign_off_as_for_many(world, django_assert_max_num_queries):
    versions = [published_policy(title=f"Policy {n}").current_version for n in range(6)]
    checked(on=at(2026, 3, 4, 2, 0))

    def queries() -> int:
        person = Person.objects.get(pk=world.staff.pk)
        with CaptureQueriesContext(connection) as captured:
            rendering.record_html(person)
        return len(captured)

    sign_off(world.staff, versions[0], signed_at=at(2026, 1, 1, 9, 0), recorded_by=world.school_hr.user,
             method=SignOff.Method.RECORDED_BY_HR)
    link_of(SignOff.objects.get(version=versions[0]), trust=world.trust)
    one = queries()
    for n, version in enumerate(versions[1:], start=2):
        link_of(sign_off(world.staff, version, signed_at=at(2026, 1, n, 9, 0), recorded_by=world.trust_hr.user,
                         method=SignOff.Method.RECORDED_BY_HR), trust=world.trust)
    assert len(certificates_for(world.staff)) == 6
    assert queries() == one
    with django_assert_max_num_queries(6):
        rendering.record_html(Person.objects.get(pk=world.staff.pk))


def test_a_chain_position_reads_as_a_record_number_of_the_trusts_chain():
    assert chain_position_words(position=1204, trust_name="Oakfield Learning Trust") == (
        "record 1,204 of the evidence chain of Oakfield Learning Trust")


def test_the_chain_check_says_when_it_was_last_verified_or_that_it_found_a_break(db):
    intact = checked(on=at(2026, 12, 1, 2, 0))
    assert chain_check_words(check=intact, sealed_at=at(2026, 11, 30, 9, 0)) == (
        "the chain was last verified intact on 02:00 on Tuesday 1 December 2026, UK time (GMT)")
    assert chain_check_words(check=intact, sealed_at=at(2026, 12, 1, 9, 0)).endswith(
        "before this sign-off was added to it")
    broken = checked(on=at(2026, 12, 2, 2, 0), intact=False, first_broken="sign-off 7 at position 3 of trust-1")
    assert "found a break: sign-off 7 at position 3 of trust-1" in chain_check_words(check=broken, sealed_at=None)
    assert chain_check_words(check=None, sealed_at=None) == "the chain has not been checked yet"


def test_a_sign_off_never_sealed_says_it_has_no_place_in_a_chain(world, email_policy):
    # bulk_create skips sealing (its callers seal what they insert): a row made so has no link.
    SignOff.objects.bulk_create([SignOff(
        person=world.staff, version=email_policy, content_hash=email_policy.content_hash, statement="I confirm.",
        signed_at=at(2026, 1, 1, 9, 0), signed_on=datetime.date(2026, 1, 1), method=SignOff.Method.BROWSER,
    )])
    [certificate] = certificates_for(world.staff)
    assert certificate.chain == NOT_IN_CHAIN and certificate.chain_check == ""
