"""Subject access: everything held about a person, for HR of their school and
for the person themself, and nobody else."""

import json

import pytest
from django.core.management import call_command

from outbox.services import queue_email
from privacy.models import PrivacyEvent
from tests.factories import published_policy, sign_off_rule, view_and_sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(world):
    policy = published_policy(title="Email Policy", organisation=world.trust)
    sign_off_rule(policy)
    sign_off, _ = view_and_sign(person=world.staff, version=policy.current_version,
                                  ip_address="192.0.2.7", user_agent="Firefox on a phone")
    queue_email(recipient=world.staff, subject="Please sign the Email Policy", body_text="Dear Sam")
    return policy


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    return json.loads(b"".join(response.streaming_content) if response.streaming else response.content)


def test_hr_downloads_everything_held_about_a_person(world, held, signed_in):
    export = download(signed_in(world.school_hr), f"/privacy/people/{world.staff.pk}/export/")
    assert export["person"]["first_name"] == "Sam"
    assert export["person"]["work_email"] == "staff@school.example"
    assert export["person"]["schools"] == ["North Primary"]
    assert export["login"]["email"] == world.staff.user.email
    [sign_off] = export["sign_offs"]
    assert sign_off["policy"] == "Email Policy"
    assert len(sign_off["text_sha256"]) == 64
    assert sign_off["address"] == "192.0.2.7"
    assert sign_off["browser"] == "Firefox on a phone"
    assert export["emails"][0]["subject"] == "Please sign the Email Policy"
    assert export["record_history"][0]["change"] == "Created"


def test_the_file_name_carries_no_name(world, held, signed_in):
    response = signed_in(world.school_hr).get(f"/privacy/people/{world.staff.pk}/export/")
    disposition = response["Content-Disposition"]
    assert f"subject-access-{world.staff.pk}-" in disposition
    assert "Sam" not in disposition and "staff@" not in disposition
    assert response["Cache-Control"] == "no-store"


def test_every_export_is_logged(world, held, signed_in):
    signed_in(world.trust_hr).get(f"/privacy/people/{world.staff.pk}/export/")
    event = PrivacyEvent.objects.get()
    assert event.kind == PrivacyEvent.Kind.SUBJECT_ACCESS
    assert event.person == world.staff
    assert event.performed_by == world.trust_hr.user


def test_staff_download_their_own_data(world, held, signed_in):
    export = download(signed_in(world.staff), "/privacy/my-data/")
    assert export["person"]["last_name"] == "Staff"


def test_my_policies_offers_the_download(world, held, signed_in):
    page = signed_in(world.staff).get("/my/").content.decode()
    assert 'href="/privacy/my-data/"' in page


@pytest.mark.parametrize("who", ["staff", "owner", "governance"])
def test_people_who_are_not_hr_cannot_export_someone_else(world, held, signed_in, who):
    response = signed_in(getattr(world, who)).get(f"/privacy/people/{world.school_hr.pk}/export/")
    assert response.status_code == 403
    assert not PrivacyEvent.objects.exists()


def test_school_hr_cannot_export_another_schools_person(world, signed_in):
    from tests.factories import PersonFactory

    southerner = PersonFactory(schools=[world.south])
    response = signed_in(world.school_hr).get(f"/privacy/people/{southerner.pk}/export/")
    assert response.status_code == 403
    assert "Only HR for this person" in response.content.decode()


def test_a_login_without_a_staff_record_has_nothing_to_download(world, signed_in):
    assert signed_in(world.outsider).get("/privacy/my-data/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(world, client):
    response = client.get(f"/privacy/people/{world.staff.pk}/export/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_command_writes_the_same_export(world, held, tmp_path):
    output = tmp_path / "export.json"
    call_command("subject_access_export", "staff@school.example", output=output)
    assert json.loads(output.read_text())["sign_offs"][0]["policy"] == "Email Policy"


def test_the_export_holds_the_evidence_around_each_sign_off(world, held, signed_in):
    """The first opening of the text, the check of understanding's answers,
    exemptions and why an obligation closed unsigned are personal data too."""
    from acknowledgements.exemptions import exempt
    from acknowledgements.models import Obligation
    from tests.factories import published_policy, sign_off_rule

    other = published_policy(title="Lone Working Policy", organisation=world.trust)
    sign_off_rule(other)
    obligation = Obligation.objects.get(person=world.staff, policy=other, status=Obligation.Status.OUTSTANDING)
    exempt(obligation=obligation, reason="Works only from home this year", by=world.school_hr.user)

    export = download(signed_in(world.school_hr), f"/privacy/people/{world.staff.pk}/export/")
    [opened] = export["texts_opened"]
    assert (opened["policy"], opened["browser"], opened["text_read"]) == (
        "Email Policy", "test browser", "the full text")
    assert export["sign_offs"][0]["text_first_opened_at"] == opened["opened_at"]
    assert export["checks_of_understanding"] == []
    [exemption] = export["exemptions"]
    assert (exemption["policy"], exemption["reason"]) == ("Lone Working Policy", "Works only from home this year")
    closed = {row["policy"]: row["closed_because"] for row in export["sign_offs_owed"]}
    assert closed == {"Email Policy": None, "Lone Working Policy": "Exempted by HR"}
