"""Retention: a leaver's personal data is anonymised once the retention period
after their leave date has passed. Their sign-offs stay as evidence (which
version, its hash, the words confirmed and the date), attached to a record
that no longer says who they were."""

from __future__ import annotations

import datetime
import logging

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction

from acknowledgements.models import SignOff, Viewing
from approvals.models import CommitteeMember
from outbox.models import OutboxEmail
from people.models import Person, RoleAssignment, User
from privacy.models import PrivacyEvent

logger = logging.getLogger(__name__)
REMOVED = "[removed under the trust's retention policy]"


def leavers_due(today: datetime.date):
    cutoff = today - datetime.timedelta(days=settings.LEAVER_RETENTION_DAYS)
    return Person.objects.filter(anonymised_on__isnull=True, leave_date__isnull=False, leave_date__lte=cutoff)


def anonymised_email(person: Person) -> str:
    return f"former-staff-{person.pk}@anonymised.invalid"


@transaction.atomic
def anonymise_person(person: Person, *, today: datetime.date, performed_by: User | None = None) -> None:
    """Remove everything that identifies the person; keep what proves what
    they signed. Safe to run twice: an anonymised record is left alone."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.anonymised_on is not None:
        return
    old_email = person.email
    placeholder = {
        "first_name": "Former member", "last_name": f"of staff #{person.pk}", "email": anonymised_email(person),
        "staff_id": "", "job_title": "", "start_date": None,
    }
    for field, value in placeholder.items():
        setattr(person, field, value)
    person.line_manager = None
    person.has_it_account = False
    person.anonymised_on = today
    person._change_reason = "Anonymised at the end of the retention period"
    person.save()
    # The history of the record held the same details: rewrite it too.
    Person.history.filter(id=person.pk).update(**placeholder)

    _forget_login(person, old_email)
    RoleAssignment.objects.filter(person=person).delete()
    CommitteeMember.objects.filter(person=person).delete()
    SignOff.objects.filter(person=person).erase_personal_details()
    Viewing.objects.filter(person=person).erase_personal_details()
    OutboxEmail.objects.filter(recipient=person).update(
        to=placeholder["email"], subject=REMOVED, body_text=REMOVED, body_html="", last_error="",
    )
    PrivacyEvent.objects.create(kind=PrivacyEvent.Kind.ANONYMISED, person=person, performed_by=performed_by)
    logger.info("person anonymised", extra={"person_id": person.pk})


def _forget_login(person: Person, old_email: str) -> None:
    for records in (AccessAttempt, AccessFailureLog, AccessLog):
        records.objects.filter(username__iexact=old_email).delete()
    user = person.user
    if user is None:
        return
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    # An inactive user with a new (unusable) password hash has no valid
    # session anywhere: Django checks both on every request.
    user.email = person.email
    user.first_name = user.last_name = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()


def close_leavers_logins(today: datetime.date) -> int:
    """From their leave date a leaver can no longer sign in; any open session
    ends too (Django refuses inactive users on every request)."""
    return User.objects.filter(is_active=True, person__leave_date__lte=today).update(is_active=False)


def anonymise_due_leavers(today: datetime.date) -> int:
    """The nightly sweep. Each person is anonymised in a transaction of their
    own, so a failure part-way leaves everyone either untouched or done."""
    count = 0
    for person in leavers_due(today).order_by("pk").iterator():
        anonymise_person(person, today=today)
        count += 1
    return count
