"""The emailed sign-in link's page (issue 14, item 4). Email security
scanners open every link in an email, so the link's GET only shows a Continue
button; pressing it (a POST) signs in and uses the link. A used or expired
link says so and emails a new one in one click."""

import html
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from people.sign_in import SESSION_BEGAN_WITH
from people.sign_in_views import LINK_AFTER_LEAVING, LINK_NOT_VALID, NEW_LINK_SENT

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


@pytest.fixture
def browser(db):
    """A client that checks CSRF as the site does for a browser."""
    return Client(enforce_csrf_checks=True)


def emailed_link(capture, email: str = "staff@school.example") -> str:
    with capture(execute=True):
        Client().post(reverse("request_sign_in_link"), {"email": email})
    return re.search(r"https?://\S+", mail.outbox[-1].body).group(0)


def form_fields(page: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in HIDDEN.findall(page)}


def press_continue(client, link: str):
    """Open the link and press Continue, as the person does."""
    page = client.get(link)
    assert page.status_code == 200, page.status_code
    return client.post(reverse("sign_in_link"), form_fields(page.content.decode()))


def failed_sign_ins() -> int:
    return AccessAttempt.objects.count() + AccessFailureLog.objects.count()


def test_opening_the_link_shows_continue_and_signs_nobody_in(world, browser, django_capture_on_commit_callbacks):
    link = emailed_link(django_capture_on_commit_callbacks)
    page = browser.get(link)
    assert page.status_code == 200
    assert '<button type="submit" class="button" autofocus>Continue</button>' in page.content.decode()
    assert "_auth_user_id" not in browser.session
    assert "no-store" in page["Cache-Control"]


def test_opening_a_link_twice_leaves_it_usable_and_counts_no_failed_sign_in(
        world, browser, django_capture_on_commit_callbacks):
    link = emailed_link(django_capture_on_commit_callbacks)
    browser.get(link)
    browser.get(link)
    assert failed_sign_ins() == 0
    assert press_continue(browser, link)["Location"] == reverse("acknowledgements:mine")


def test_pressing_continue_signs_in_and_remembers_it_was_by_link(world, browser, django_capture_on_commit_callbacks):
    link = emailed_link(django_capture_on_commit_callbacks)
    response = press_continue(browser, link)
    assert response.status_code == 302
    assert response["Location"] == reverse("acknowledgements:mine")
    assert browser.get(reverse("acknowledgements:mine")).status_code == 200
    assert browser.session[SESSION_BEGAN_WITH] == "link"


def test_a_scanners_get_then_the_persons_click_still_signs_in(world, browser, django_capture_on_commit_callbacks):
    link = emailed_link(django_capture_on_commit_callbacks)
    scanner = Client()
    assert scanner.get(link).status_code == 200
    assert "_auth_user_id" not in scanner.session
    assert press_continue(browser, link).status_code == 302
    assert "_auth_user_id" in browser.session


def test_continue_pressed_twice_signs_in_only_once(world, browser, django_capture_on_commit_callbacks):
    link = emailed_link(django_capture_on_commit_callbacks)
    fields = form_fields(browser.get(link).content.decode())
    assert browser.post(reverse("sign_in_link"), fields).status_code == 302
    browser.logout()
    fields["csrfmiddlewaretoken"] = form_fields(browser.get(reverse("login")).content.decode())["csrfmiddlewaretoken"]
    again = browser.post(reverse("sign_in_link"), fields)
    assert again.status_code == 403
    assert LINK_NOT_VALID in again.content.decode()
    assert "_auth_user_id" not in browser.session


def test_a_used_link_says_so_and_offers_a_new_link_without_a_failed_sign_in(
        world, browser, django_capture_on_commit_callbacks):
    link = emailed_link(django_capture_on_commit_callbacks)
    press_continue(browser, link)
    browser.logout()
    page = browser.get(link)
    text = page.content.decode()
    assert page.status_code == 403
    assert LINK_NOT_VALID in text
    assert "does not have permission" not in text
    assert f'action="{reverse("send_new_sign_in_link")}"' in text
    assert ">Email me a new link</button>" in text
    assert failed_sign_ins() == 0


def test_email_me_a_new_link_sends_one_that_works(world, browser, django_capture_on_commit_callbacks):
    link = emailed_link(django_capture_on_commit_callbacks)
    press_continue(browser, link)
    browser.logout()
    used_page = browser.get(link).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(reverse("send_new_sign_in_link"), form_fields(used_page), follow=True)
    assert NEW_LINK_SENT.format(days=3) in response.content.decode()
    assert [m.to for m in mail.outbox] == [["staff@school.example"], ["staff@school.example"]]
    new_link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    assert press_continue(browser, new_link)["Location"] == reverse("acknowledgements:mine")


@override_settings(SESAME_MAX_AGE=-1)
def test_an_expired_link_says_so_and_offers_a_new_link(world, browser, django_capture_on_commit_callbacks):
    link = emailed_link(django_capture_on_commit_callbacks)
    page = browser.get(link)
    assert page.status_code == 403
    assert LINK_NOT_VALID in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(reverse("send_new_sign_in_link"), form_fields(page.content.decode()))
    assert len(mail.outbox) == 2
    assert failed_sign_ins() == 0


def test_a_forged_link_offers_only_the_request_form_and_sends_nothing(
        world, browser, django_capture_on_commit_callbacks):
    page = browser.get(reverse("sign_in_link"), {"token": "forged", "resend": "1:forged:code"})
    text = page.content.decode()
    assert page.status_code == 403
    assert LINK_NOT_VALID in text
    assert f'href="{reverse("request_sign_in_link")}"' in text
    assert reverse("send_new_sign_in_link") not in text
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(reverse("send_new_sign_in_link"), {"resend": "1:forged:code"})
    assert response["Location"] == reverse("request_sign_in_link")
    assert mail.outbox == []
    assert failed_sign_ins() == 0


def test_a_leaver_asking_again_from_a_used_link_gets_the_same_answer_and_no_email(
        world, browser, django_capture_on_commit_callbacks):
    import datetime

    link = emailed_link(django_capture_on_commit_callbacks)
    press_continue(browser, link)
    browser.logout()
    used_page = browser.get(link).content.decode()
    world.staff.leave_date = datetime.date(2020, 1, 1)
    world.staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(reverse("send_new_sign_in_link"), form_fields(used_page), follow=True)
    assert NEW_LINK_SENT.format(days=3) in response.content.decode()
    assert len(mail.outbox) == 1  # only the first link


def test_a_leavers_link_is_refused_on_the_page_and_on_continue(world, browser, django_capture_on_commit_callbacks):
    import datetime

    link = emailed_link(django_capture_on_commit_callbacks)
    fields = form_fields(browser.get(link).content.decode())
    world.staff.leave_date = datetime.date.today()
    world.staff.save()
    for response in (browser.get(link), browser.post(reverse("sign_in_link"), fields)):
        assert response.status_code == 403
        assert LINK_AFTER_LEAVING in response.content.decode()
    assert "_auth_user_id" not in browser.session


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_continue_goes_only_to_a_path_on_this_site(world, browser, django_capture_on_commit_callbacks, next_url):
    link = emailed_link(django_capture_on_commit_callbacks)
    fields = form_fields(browser.get(link).content.decode())
    response = browser.post(reverse("sign_in_link"), {**fields, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_continue_keeps_a_path_on_this_site(world, browser, django_capture_on_commit_callbacks):
    link = emailed_link(django_capture_on_commit_callbacks)
    fields = form_fields(browser.get(link).content.decode())
    response = browser.post(reverse("sign_in_link"), {**fields, "next": reverse("policies:library")})
    assert response["Location"] == reverse("policies:library")


def test_continue_without_the_pages_csrf_token_is_refused(world, browser, django_capture_on_commit_callbacks):
    link = emailed_link(django_capture_on_commit_callbacks)
    fields = form_fields(browser.get(link).content.decode())
    del fields["csrfmiddlewaretoken"]
    assert browser.post(reverse("sign_in_link"), fields).status_code == 403
    assert "_auth_user_id" not in browser.session
