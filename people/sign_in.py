"""Sign-in links by email: for a new starter's first contact, or anyone who
has never set a password. Built on django-sesame (single use, expiring)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from sesame.utils import get_query_string

from people.models import Person, User
from people.sso import current_staff_record

log = logging.getLogger(__name__)

LINK_SENT = (
    "If {email} is on the staff list, a sign-in link is on its way. It works once and expires in {days} days."
)


def login_for(person: Person) -> User:
    """The person's login, created (without a password) on first need."""
    if person.user_id is not None:
        return person.user
    user = User.objects.filter(email__iexact=person.email).first()
    if user is None:
        user = User.objects.create_user(person.email, None, first_name=person.first_name,
                                        last_name=person.last_name)
    person.user = user
    person.save(update_fields=["user"])
    return user


def sign_in_url(person: Person, *, base_url: str, next_url: str | None = None) -> str:
    user = login_for(person)
    query = get_query_string(user)
    if next_url:
        query += f"&next={next_url}"
    return f"{base_url}{reverse('sign_in_link')}{query}"


def send_sign_in_link(*, email: str, base_url: str) -> bool:
    """Email a sign-in link to a current member of staff. Returns False (and
    sends nothing) for an address that is not on the staff list; callers show
    the same message either way so the form reveals nobody's employment."""
    person = current_staff_record(email.strip())
    if person is None:
        return False
    url = sign_in_url(person, base_url=base_url, next_url=reverse("acknowledgements:mine"))
    context = {"person": person, "url": url, "days": link_days()}
    message = render_to_string("emails/sign_in_link.txt", context)
    html = render_to_string("emails/sign_in_link.html", context)
    # Sent directly, not through the outbox: a sign-in link is a credential and
    # is never stored. If the mail server is down the person simply asks again.
    transaction.on_commit(lambda: _send(person.email, message, html))
    return True


def _send(to: str, message: str, html: str) -> None:
    try:
        send_mail("Your sign-in link for Policy Portal", message, settings.DEFAULT_FROM_EMAIL, [to],
                  html_message=html)
    except Exception:  # the page must not fail; the log says why no email came
        log.exception("could not send a sign-in link")


def link_days() -> int:
    return max(1, settings.SESAME_MAX_AGE // (24 * 60 * 60))
