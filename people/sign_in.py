"""Sign-in links by email: for a new starter's first contact, or anyone who
has never set a password. Built on django-sesame (single use, expiring).

A staff record's email is data HR edits (by hand or through the staff CSV
import); a login's email is an identity. So a link is always sent to the
login's own address, and a staff record never acquires an administrator's
login just because HR typed its address."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from sesame.backends import ModelBackend as SesameBackend
from sesame.tokens import parse_token
from sesame.utils import get_parameters

from outbox.context import email_context
from people.models import Person, User
from people.selectors import has_left
from people.sso import current_staff_record
from portal.links import absolute_url

log = logging.getLogger(__name__)

LINK_SENT = (
    "If {email} is on the staff list, a sign-in link is on its way. It works once and expires in {days} days."
)
LOGIN_NOT_LINKABLE = (
    "This staff record's email belongs to an administrator's login, which a staff record cannot take over. "
    "An administrator must link them in the admin."
)

# How a session began, kept in the session and copied onto each sign-off: a
# session opened by an emailed link proves only that someone held the mailbox.
SESSION_BEGAN_WITH = "people.session_began_with"
BEGAN_WITH_LINK, BEGAN_WITH_PASSWORD, BEGAN_WITH_SSO = "link", "password", "sso"
_BACKEND_METHODS = {
    "sesame.backends.ModelBackend": BEGAN_WITH_LINK,
    "allauth.account.auth_backends.AuthenticationBackend": BEGAN_WITH_SSO,
    "django.contrib.auth.backends.ModelBackend": BEGAN_WITH_PASSWORD,
}


class LoginNotLinkable(Exception):
    """The staff record's email is that of a login a staff record may not take."""


def may_link_login(user: User) -> bool:
    """Whether an existing login found by email may be attached to a staff
    record. Staff records are created by HR, so attaching must never hand a
    record (and whoever controls its email) more than an ordinary member of
    staff's login: never an administrator's (staff or superuser) login. A
    login already attached to another record cannot be attached twice, and a
    login without a record holds no portal roles (roles belong to records)."""
    return not (user.is_staff or user.is_superuser) and not Person.objects.filter(user=user).exists()


def login_for(person: Person) -> User:
    """The person's login, created (without a password) on first need.

    Raises LoginNotLinkable when the record's email is an administrator's login."""
    if person.user_id is not None:
        return person.user
    user = User.objects.filter(email__iexact=person.email).first()
    if user is not None and not may_link_login(user):
        raise LoginNotLinkable(LOGIN_NOT_LINKABLE)
    if user is None:
        user = User.objects.create_user(person.email, None, first_name=person.first_name,
                                        last_name=person.last_name)
    person.user = user
    person.save(update_fields=["user"])
    return user


def sign_in_url(person: Person, *, next_url: str | None = None) -> str:
    """The person's emailed link, at the portal's own address (settings), never
    at whatever host a request named."""
    user = login_for(person)
    query = {**get_parameters(user), RESEND_FIELD: resend_code(user)}
    if next_url:
        query["next"] = next_url
    return absolute_url("sign_in_link", query=query)


def send_sign_in_link(*, email: str) -> bool:
    """Email a sign-in link to a current member of staff. Returns False (and
    sends nothing) for an address that is not on the staff list, or whose
    record cannot have a login; callers show the same message either way so
    the form reveals nobody's employment.

    The link goes to the login's own address, never to the staff record's:
    HR can change the record's email, so it must not steer a credential."""
    person = current_staff_record(email.strip())
    if person is None:
        return False
    try:
        url = sign_in_url(person, next_url=reverse("acknowledgements:mine"))
    except LoginNotLinkable:
        log.warning("no sign-in link: staff record %s has an administrator's email", person.pk)
        return False
    _email_link(person, url)
    return True


def _email_link(person: Person, url: str) -> None:
    to = person.user.email
    context = email_context(person=person, url=url, days=link_days())
    message = render_to_string("emails/sign_in_link.txt", context)
    html = render_to_string("emails/sign_in_link.html", context)
    # Sent directly, not through the outbox: a sign-in link is a credential and
    # is never stored. If the mail server is down the person simply asks again.
    transaction.on_commit(lambda: _send(to, message, html))


# A link is opened twice: by the email's security scanner and by the person,
# or by the person again a week later. A GET must neither use the link nor
# count as a failed sign-in, so the token is read here, not through
# authenticate() (whose failure signal django-axes records).
def user_for_link_token(token: str) -> User | None:
    """The active login a sign-in link's token is valid for, without signing
    in: the link stays unused (a one-time token is spent by the sign-in
    updating last_login) and no sign-in signal is sent."""
    if not token:
        return None
    return parse_token(token, SesameBackend().get_user)


# "Email me a new link" from a used or expired link must know whose link it
# was, but a used token no longer verifies (its signature covered the old
# last_login). So each link also carries this signed login id: it proves only
# that the portal once emailed this login a link, and it can do nothing but
# email the login's own address again.
RESEND_FIELD = "resend"
RESEND_SALT = "people.sign_in.resend"
RESEND_MAX_AGE_DAYS = 90


def resend_code(user: User) -> str:
    return signing.dumps(user.pk, salt=RESEND_SALT, compress=True)


def user_for_resend_code(code: str) -> User | None:
    """The active login a link's resend code was made for; None for a forged,
    altered or very old code."""
    try:
        pk = signing.loads(code or "", salt=RESEND_SALT, max_age=RESEND_MAX_AGE_DAYS * 24 * 60 * 60)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def send_new_sign_in_link(*, user: User) -> bool:
    """Email a fresh link to the login a used or expired link belonged to, at
    the login's own address. Nothing for a leaver or a login without a staff
    record; callers say the same either way."""
    person = Person.objects.filter(user=user).first()
    if person is None or has_left(person):
        return False
    _email_link(person, sign_in_url(person, next_url=reverse("acknowledgements:mine")))
    return True


def _send(to: str, message: str, html: str) -> None:
    try:
        send_mail("Your sign-in link for Policy Portal", message, settings.DEFAULT_FROM_EMAIL, [to],
                  html_message=html)
    except Exception:  # the page must not fail; the log says why no email came
        log.exception("could not send a sign-in link")


LOGIN_EMAIL_CHANGED_SUBJECT = "The sign-in email of your Policy Portal login was changed"


def send_login_email_changed_notice(*, old: str, new: str) -> None:
    """Tell the old address that the login now signs in as another: the one
    warning an owner gets if someone else moved their identity."""
    message = render_to_string("emails/login_email_changed.txt", {"old": old, "new": new})
    transaction.on_commit(lambda: _send_notice(old, message))


def _send_notice(to: str, message: str) -> None:
    try:
        send_mail(LOGIN_EMAIL_CHANGED_SUBJECT, message, settings.DEFAULT_FROM_EMAIL, [to])
    except Exception:  # the admin page must not fail; the log says why no email came
        log.exception("could not send a sign-in email change notice")


def link_days() -> int:
    return max(1, settings.SESAME_MAX_AGE // (24 * 60 * 60))


def remember_how_session_began(sender, request: HttpRequest | None, user: User, **kwargs) -> None:
    """user_logged_in receiver: note in the session which door the person came
    through, so a sign-off can say so. Unknown doors (a test's force_login)
    leave it empty rather than claim a password."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[SESSION_BEGAN_WITH] = _BACKEND_METHODS.get(getattr(user, "backend", ""), "")


def session_began_with(request: HttpRequest) -> str:
    return request.session.get(SESSION_BEGAN_WITH, "")
