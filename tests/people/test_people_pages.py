"""HR pages: who sees whom, paper sign-offs and the staff CSV upload."""

import datetime
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from acknowledgements.models import SignOff
from people.models import Person
from people.permissions import PEOPLE_DENIED, PERSON_DENIED
from tests.factories import PersonFactory, published_policy, sign_off_rule


def test_staff_cannot_see_the_staff_list(world, signed_in):
    response = signed_in(world.staff).get(reverse("people:list"))
    assert response.status_code == 403
    assert PEOPLE_DENIED in response.content.decode()


def test_a_schools_hr_sees_only_its_school(world, signed_in):
    PersonFactory(first_name="Sid", last_name="South", schools=[world.south])
    page = signed_in(world.school_hr).get(reverse("people:list")).content.decode()
    assert "Sid South" not in page
    assert world.staff.full_name in page


def test_trust_hr_sees_every_school(world, signed_in):
    PersonFactory(first_name="Sid", last_name="South", schools=[world.south])
    page = signed_in(world.trust_hr).get(reverse("people:list")).content.decode()
    assert "Sid South" in page
    assert world.staff.full_name in page


def test_a_schools_hr_cannot_open_another_schools_person(world, signed_in):
    other = PersonFactory(schools=[world.south])
    response = signed_in(world.school_hr).get(reverse("people:detail", args=[other.pk]))
    assert response.status_code == 403
    assert escape(PERSON_DENIED) in response.content.decode()


def test_person_record_shows_owed_and_signed(world, signed_in):
    sign_off_rule(published_policy(title="Email Policy"))
    page = signed_in(world.school_hr).get(reverse("people:detail", args=[world.staff.pk])).content.decode()
    assert "Email Policy" in page
    assert "Record a paper sign-off" in page


def test_hr_records_a_paper_sign_off(world, signed_in):
    policy = published_policy(title="Email Policy")
    sign_off_rule(policy)
    response = signed_in(world.school_hr).post(
        reverse("acknowledgements:record_paper", args=[world.staff.pk]),
        {"version": policy.current_version.pk, "signed_on": "2026-09-03", "note": "Filed in staff file"}, follow=True,
    )
    assert f"Paper sign-off recorded for {world.staff.full_name}." in response.content.decode()
    sign_off = SignOff.objects.get()
    assert (sign_off.method, sign_off.recorded_by, str(sign_off.signed_on)) == ("hr", world.school_hr.user,
                                                                                 "2026-09-03")


def test_a_paper_sign_off_cannot_be_dated_in_the_future(world, signed_in):
    policy = published_policy()
    future = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    response = signed_in(world.school_hr).post(
        reverse("acknowledgements:record_paper", args=[world.staff.pk]), {"version": policy.current_version.pk,
                                                               "signed_on": future},
    )
    assert "The date signed cannot be in the future." in response.content.decode()
    assert not SignOff.objects.exists()


def test_a_schools_hr_cannot_record_for_another_school(world, signed_in):
    policy = published_policy()
    other = PersonFactory(schools=[world.south])
    response = signed_in(world.school_hr).post(
        reverse("acknowledgements:record_paper", args=[other.pk]), {"version": policy.current_version.pk,
                                                         "signed_on": "2026-09-03"},
    )
    assert response.status_code == 403
    assert not SignOff.objects.exists()


def test_staff_cannot_record_paper_sign_offs(world, signed_in):
    policy = published_policy()
    other = PersonFactory(schools=[world.north])
    response = signed_in(world.staff).post(
        reverse("acknowledgements:record_paper", args=[other.pk]), {"version": policy.current_version.pk,
                                                         "signed_on": "2026-09-03"},
    )
    assert response.status_code == 403


def test_staff_cannot_import_staff(world, signed_in):
    assert signed_in(world.staff).get(reverse("people:import")).status_code == 403


def test_hr_checks_then_imports_a_csv(world, signed_in):
    client = signed_in(world.trust_hr)
    data = b"First name,Last name,Email,School,Staff group\nAnn,Lee,ann@school.example,north,teaching\n"
    check = client.post(reverse("people:import"), {"file": SimpleUploadedFile("staff.csv", data)})
    assert "1 new, 0 updated, 0 unchanged" in check.content.decode()
    assert not Person.objects.filter(email="ann@school.example").exists()
    payload = re.search(r'name="payload" value="([^"]+)"', check.content.decode()).group(1)
    done = client.post(reverse("people:import"), {"payload": payload}, follow=True)
    assert "Staff imported: 1 new, 0 updated, 0 unchanged." in done.content.decode()
    assert Person.objects.filter(email="ann@school.example").exists()


def test_a_bad_csv_shows_its_problems_and_offers_no_import(world, signed_in):
    data = b"First name,Last name,Email,School,Staff group\nAnn,Lee,bad,north,teaching\n"
    page = signed_in(world.trust_hr).post(reverse("people:import"),
                                          {"file": SimpleUploadedFile("staff.csv", data)}).content.decode()
    assert "Row 2: email &#x27;bad&#x27; is not a valid email address." in page
    assert "Import staff</button>" not in page


def test_a_forged_staff_import_is_refused(world, signed_in):
    response = signed_in(world.trust_hr).post(reverse("people:import"), {"payload": "forged"}, follow=True)
    assert "This check has expired or was altered." in response.content.decode()
    assert Person.objects.count() == 5


def test_staff_list_query_count_does_not_grow(world, signed_in, django_assert_max_num_queries):
    client = signed_in(world.trust_hr)
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("people:list"))
    for _ in range(30):
        PersonFactory(schools=[world.north, world.south])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("people:list"))


def test_hr_emails_a_new_starter_their_sign_in_link(world, signed_in, django_capture_on_commit_callbacks):
    from django.core import mail

    starter = PersonFactory(email="starter@school.example", user=None, schools=[world.north])
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(world.school_hr).post(reverse("people:send_link", args=[starter.pk]), follow=True)
    assert "A sign-in link was emailed to starter@school.example." in response.content.decode()
    assert mail.outbox[0].to == ["starter@school.example"]


def test_a_schools_hr_cannot_send_links_to_another_schools_staff(world, signed_in):
    other = PersonFactory(schools=[world.south])
    assert signed_in(world.school_hr).post(reverse("people:send_link", args=[other.pk])).status_code == 403
