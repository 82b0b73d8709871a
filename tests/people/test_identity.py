"""A staff record's email is data; a login's email is an identity. HR, who
edit staff records, must never reach a login through them (issue 13, finding 1)."""

import datetime
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from acknowledgements.models import SignOff
from approvals.models import CommitteeMember
from people.models import Person, User
from people.permissions import IMPORT_ABOVE_YOUR_POWER, POWER_WORDS, Power
from people.sign_in import LOGIN_EMAIL_CHANGED_SUBJECT
from people.sign_in_views import LINK_AFTER_LEAVING
from tests.factories import CommitteeFactory, PersonFactory, UserFactory, published_policy, sign_off_rule


def refusal(*, row: int, power: str) -> str:
    return escape(IMPORT_ABOVE_YOUR_POWER.format(row=row, power=power))


HEADER = "First name,Last name,Email,School,Staff group,Staff ID\n"


def check_import(client, *rows: str) -> str:
    data = (HEADER + "".join(r + "\n" for r in rows)).encode()
    return client.post(reverse("people:import"), {"file": SimpleUploadedFile("staff.csv", data)}).content.decode()


def import_as(client, *rows: str) -> str:
    """Check, then confirm, as HR does in the browser."""
    check = check_import(client, *rows)
    payload = re.search(r'name="payload" value="([^"]+)"', check)
    if payload is None:
        return check
    return client.post(reverse("people:import"), {"payload": payload.group(1)}, follow=True).content.decode()


def ask_for_link(client, email: str, capture) -> None:
    with capture(execute=True):
        client.post(reverse("request_sign_in_link"), {"email": email})


def link_from(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def press_continue(client, link: str) -> None:
    """Open the link's page and press Continue (the POST that signs in)."""
    page = client.get(link).content.decode()
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)
    client.post(reverse("sign_in_link"), dict(fields))


@pytest.fixture
def admin_login(db):
    return User.objects.create_superuser("admin@school.example", "a long admin password 1")


def test_a_schools_hr_who_changes_a_teachers_email_gets_no_link_to_her_login(
        world, signed_in, client, django_capture_on_commit_callbacks):
    world.staff.staff_id = "T100"
    world.staff.save()
    page = import_as(signed_in(world.school_hr), "Sam,Staff,hr.mailbox@evil.example,north,teaching,T100")
    assert "Staff imported: 0 new, 1 updated" in page
    client.logout()
    ask_for_link(client, "hr.mailbox@evil.example", django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["staff@school.example"]]  # the login's own address
    world.staff.user.refresh_from_db()
    assert world.staff.user.email == "staff@school.example"  # the login did not move


def test_trust_hr_cannot_import_a_record_with_the_administrators_email(world, signed_in, admin_login):
    page = import_as(signed_in(world.trust_hr), "Ada,Min,admin@school.example,north,support,X1")
    assert refusal(row=2, power=POWER_WORDS[Power.ADMIN]) in page
    assert not Person.objects.filter(email="admin@school.example").exists()


def test_a_staff_record_never_takes_over_the_administrators_login(
        world, client, admin_login, django_capture_on_commit_callbacks):
    # However the record came to carry the address (an operator's import, an old row), it gets no link.
    record = PersonFactory(email="admin@school.example", user=None, schools=[world.north])
    ask_for_link(client, "admin@school.example", django_capture_on_commit_callbacks)
    assert mail.outbox == []
    record.refresh_from_db()
    assert record.user is None


def test_the_hr_send_link_button_never_hands_out_the_administrators_login(
        world, signed_in, admin_login, django_capture_on_commit_callbacks):
    record = PersonFactory(email="admin@school.example", user=None, schools=[world.north])
    with django_capture_on_commit_callbacks(execute=True):
        page = signed_in(world.trust_hr).post(reverse("people:send_link", args=[record.pk]), follow=True)
    assert "No sign-in link was sent" in page.content.decode()
    assert mail.outbox == []


def test_a_schools_hr_cannot_change_a_committee_members_record(world, signed_in):
    clerk = PersonFactory(first_name="Cleo", email="cleo@school.example", schools=[world.north], staff_id="C1")
    CommitteeMember.objects.create(committee=CommitteeFactory(organisation=world.north), person=clerk,
                                   role=CommitteeMember.Role.CLERK)
    page = import_as(signed_in(world.school_hr), "Cleo,Taylor,cleo.new@evil.example,north,teaching,C1")
    assert refusal(row=2, power=POWER_WORDS[Power.SCHOOL]) in page
    clerk.refresh_from_db()
    assert clerk.email == "cleo@school.example"


def test_a_schools_hr_cannot_change_a_fellow_hr_record(world, signed_in):
    peer = PersonFactory(email="hr2.north@school.example", schools=[world.north], staff_id="H2")
    peer.roles.create(role="hr", organisation=world.north)
    page = import_as(signed_in(world.school_hr), "Hal,Two,hr2.north@school.example,north,support,H2")
    assert refusal(row=2, power=POWER_WORDS[Power.SCHOOL]) in page


def test_trust_hr_cannot_change_the_governance_leads_record(world, signed_in):
    page = import_as(signed_in(world.trust_hr), "Grace,Gov,governance@school.example,north,leadership,")
    assert refusal(row=2, power=POWER_WORDS[Power.TRUST]) in page
    world.governance.refresh_from_db()
    assert list(world.governance.schools.all()) == [world.trust]


def test_trust_hr_may_still_change_a_schools_hr_record(world, signed_in):
    page = import_as(signed_in(world.trust_hr), "Hana,North-Smith,hr.north@school.example,north,support,")
    assert "Staff imported: 0 new, 1 updated" in page
    world.school_hr.refresh_from_db()
    assert world.school_hr.last_name == "North-Smith"


def test_a_sign_off_made_after_an_emailed_link_says_so(
        world, client, signed_in, django_capture_on_commit_callbacks):
    policy = published_policy(title="Email Policy")
    sign_off_rule(policy)
    ask_for_link(client, "staff@school.example", django_capture_on_commit_callbacks)
    press_continue(client, link_from(mail.outbox[0]))
    client.get(reverse("acknowledgements:sign", args=[policy.slug]))  # opens the text
    response = client.post(reverse("acknowledgements:sign", args=[policy.slug]),
                           {"version": policy.current_version.pk, "confirm": "on"}, follow=True)
    assert SignOff.objects.get().session_began_with == "link"
    assert "Signed in by an emailed link" in response.content.decode()
    hr_page = signed_in(world.school_hr).get(reverse("people:detail", args=[world.staff.pk])).content.decode()
    assert "(signed in by an emailed link)" in hr_page


def test_a_sign_off_made_after_a_password_sign_in_says_so(world, client):
    policy = published_policy(title="Email Policy")
    sign_off_rule(policy)
    client.post(reverse("login"), {"username": "staff@school.example", "password": world.password})
    client.get(reverse("acknowledgements:sign", args=[policy.slug]))  # opens the text
    client.post(reverse("acknowledgements:sign", args=[policy.slug]),
                {"version": policy.current_version.pk, "confirm": "on"})
    sign_off = SignOff.objects.get()
    assert sign_off.session_began_with == "password"
    receipt = client.get(reverse("acknowledgements:receipt", args=[sign_off.pk])).content.decode()
    assert "Signed in by an emailed link" not in receipt


def test_a_link_sent_before_the_leave_date_does_not_work_after_it(
        world, client, django_capture_on_commit_callbacks):
    ask_for_link(client, "staff@school.example", django_capture_on_commit_callbacks)
    world.staff.leave_date = datetime.date.today()
    world.staff.save()
    response = client.get(link_from(mail.outbox[0]))
    assert response.status_code == 403
    assert LINK_AFTER_LEAVING in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_administrator_changing_a_login_email_tells_the_old_address(
        world, client, admin_login, django_capture_on_commit_callbacks):
    user = UserFactory(email="teacher@school.example", first_name="Tia", last_name="Teacher")
    client.force_login(admin_login)
    data = {
        "email": "tia.new@school.example", "first_name": "Tia", "last_name": "Teacher", "is_active": "on",
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2025-01-01", "date_joined_1": "09:00:00",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:people_user_change", args=[user.pk]), data)
    assert response.status_code == 302
    notices = [m for m in mail.outbox if m.subject == LOGIN_EMAIL_CHANGED_SUBJECT]
    assert [m.to for m in notices] == [["teacher@school.example"]]
    assert "tia.new@school.example" in notices[0].body
