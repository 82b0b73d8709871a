"""Signing in: passwords (rate-limited), emailed sign-in links, single sign-on."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from people.models import User
from people.sso import StaffOnlyAdapter
from portal.views import LEAVER_SIGN_IN_ENDED
from tests.factories import PersonFactory


def link_from(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def continue_form(page) -> dict[str, str]:
    """The hidden fields of the link's Continue page, which a press of Continue posts."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.content.decode()))


def test_a_new_starter_without_a_login_gets_a_sign_in_link(client, world, django_capture_on_commit_callbacks):
    starter = PersonFactory(email="new@school.example", user=None, schools=[world.north])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("request_sign_in_link"), {"email": "New@School.example"}, follow=True)
    assert "If New@School.example is on the staff list, a sign-in link is on its way." in response.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@school.example"]
    starter.refresh_from_db()
    assert starter.user is not None and not starter.user.has_usable_password()


def test_the_link_signs_in_once(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("request_sign_in_link"), {"email": "staff@school.example"})
    url = link_from(mail.outbox[0])
    assert client.get(url).status_code == 200  # the Continue page: opening the link signs nobody in
    response = client.post(reverse("sign_in_link"), continue_form(client.get(url)))
    assert response.status_code == 302
    assert response["Location"] == reverse("acknowledgements:mine")
    assert client.get(reverse("acknowledgements:mine")).status_code == 200
    client.logout()
    assert client.get(url).status_code == 403  # single use


@override_settings(SESAME_MAX_AGE=-1)
def test_an_expired_link_is_refused(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("request_sign_in_link"), {"email": "staff@school.example"})
    assert client.get(link_from(mail.outbox[0])).status_code == 403


def test_an_unknown_email_gets_the_same_answer_and_no_email(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("request_sign_in_link"), {"email": "stranger@else.example"}, follow=True)
    assert "If stranger@else.example is on the staff list" in response.content.decode()
    assert mail.outbox == []


def test_a_leaver_gets_no_link(client, world, django_capture_on_commit_callbacks):
    import datetime

    world.staff.leave_date = datetime.date(2020, 1, 1)
    world.staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("request_sign_in_link"), {"email": "staff@school.example"})
    assert mail.outbox == []


def test_password_sign_in_works(client, world):
    response = client.post(reverse("login"), {"username": "staff@school.example", "password": world.password})
    assert response.status_code == 302


def test_failed_sign_ins_are_rate_limited(client, world):
    for _ in range(5):
        client.post(reverse("login"), {"username": "staff@school.example", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "staff@school.example", "password": world.password})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_no_single_sign_on_buttons_unless_configured(client, db):
    assert "Sign in with Microsoft" not in client.get(reverse("login")).content.decode()


@override_settings(SOCIALACCOUNT_PROVIDERS={"microsoft": {"APPS": [{"client_id": "x", "secret": "y"}]}})
def test_single_sign_on_button_appears_when_configured(client, db):
    assert "Sign in with Microsoft 365" in client.get(reverse("login")).content.decode()


class _Login:
    def __init__(self, email):
        self.user = User(email=email)


@pytest.mark.parametrize("email,allowed", [("staff@school.example", True), ("stranger@else.example", False)])
def test_single_sign_on_is_only_for_people_on_the_staff_list(world, email, allowed):
    assert StaffOnlyAdapter().is_open_for_signup(None, _Login(email)) is allowed


def test_a_leaver_cannot_sign_in_with_a_password_before_the_nightly_run_closes_the_login(client, world):
    """The leave date is today; the nightly run has not yet closed the login."""
    from django.utils import timezone

    world.staff.leave_date = timezone.localdate()
    world.staff.save()
    assert User.objects.get(email="staff@school.example").is_active
    response = client.post(reverse("login"), {"username": "staff@school.example", "password": world.password})
    assert response.status_code == 200
    assert LEAVER_SIGN_IN_ENDED in response.content.decode()
    assert "_auth_user_id" not in client.session
