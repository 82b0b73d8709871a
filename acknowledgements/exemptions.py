"""HR's exemptions: a person need not sign one obligation, for a reason HR
types (long-term sick leave, a role that never meets the policy). The
exemption is evidence (append-only); the obligation closes with
closed_reason EXEMPTED and is never reopened. It is undone only by owing it
again: a new obligation for the same person, version and period."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from acknowledgements import permissions
from acknowledgements.models import Exemption, Obligation, SignOffRule
from people.models import User
from people.selectors import has_left
from policies.text import normalise_text

REASON_MAX_LENGTH = 1_000

EXEMPT_DENIED = "Only HR for this person's school can exempt them, and never themselves."
REASON_REQUIRED = "Say why this person need not sign it: the reason is kept with the exemption."
REASON_TOO_LONG = f"Keep the reason to {REASON_MAX_LENGTH:,} characters or fewer."
NOT_OUTSTANDING = "Only a sign-off still owed can be exempted; this one is signed or already closed."
NOT_EXEMPTED = "Only an exempted sign-off can be owed again."
ALREADY_OWED_AGAIN = "{person} already owes or has signed this version again."
NO_LONGER_ASKED = "This policy no longer asks anyone to sign it, so it cannot be owed again."
HAS_LEFT = "{person} has left, so nothing can be owed again."


class ExemptionRefused(ValueError):
    """An exemption, or its undoing, the rules do not allow; the message is for HR."""


def clean_reason(reason: str) -> str:
    """The reason as kept: LF line endings, no trailing spaces, trimmed;
    refused when empty or over REASON_MAX_LENGTH characters."""
    text = normalise_text(reason or "").strip()
    if not text:
        raise ExemptionRefused(REASON_REQUIRED)
    if len(text) > REASON_MAX_LENGTH:
        raise ExemptionRefused(REASON_TOO_LONG)
    return text


def exempt(*, obligation: Obligation, reason: str, by: User, now: datetime.datetime | None = None) -> Exemption:
    """HR exempts the person from one outstanding obligation: the Exemption
    row and the obligation closed (EXEMPTED, today), in one transaction. The
    kept counts follow through ObligationQuerySet.update."""
    if not permissions.can_exempt(by, obligation.person):
        raise ExemptionRefused(EXEMPT_DENIED)
    text = clean_reason(reason)
    now = now or timezone.now()
    with transaction.atomic():
        # The conditional UPDATE claims the obligation: a second click, or two
        # HR officers at once, find it closed and are refused.
        closed = Obligation.objects.filter(pk=obligation.pk, status=Obligation.Status.OUTSTANDING).update(
            status=Obligation.Status.WITHDRAWN, closed_on=timezone.localdate(now),
            closed_reason=Obligation.ClosedReason.EXEMPTED,
        )
        if not closed:
            raise ExemptionRefused(NOT_OUTSTANDING)
        exemption = Exemption.objects.create(
            obligation=obligation, person_id=obligation.person_id, version_id=obligation.version_id,
            period=obligation.period, reason=text, exempted_by=by, exempted_at=now,
        )
    obligation.refresh_from_db()
    return exemption


def _window(obligation: Obligation, rule: SignOffRule) -> int:
    return {
        Obligation.Reason.NEW_STARTER: rule.new_starter_days,
        Obligation.Reason.ANNUAL: rule.annual_days,
    }.get(obligation.reason, rule.new_version_days)


def owe_again(*, exemption: Exemption, by: User, today: datetime.date | None = None) -> Obligation:
    """Undo an exemption: a new outstanding obligation for the same person,
    version and period, owed from today and due within the rule's window for
    its reason. The exemption and the closed obligation stay as they are."""
    old = exemption.obligation
    person = old.person
    if not permissions.can_exempt(by, person):
        raise ExemptionRefused(EXEMPT_DENIED)
    if old.closed_reason != Obligation.ClosedReason.EXEMPTED:
        raise ExemptionRefused(NOT_EXEMPTED)
    if has_left(person):
        raise ExemptionRefused(HAS_LEFT.format(person=person.full_name))
    rule = SignOffRule.objects.filter(policy_id=old.policy_id, policy__current_version__isnull=False).first()
    if rule is None:
        raise ExemptionRefused(NO_LONGER_ASKED)
    today = today or timezone.localdate()
    again = Obligation(person=person, policy_id=old.policy_id, version_id=old.version_id, period=old.period,
                       reason=old.reason, owed_since=today,
                       due_on=today + datetime.timedelta(days=_window(old, rule)))
    try:
        with transaction.atomic():
            if Obligation.objects.filter(person=person, version_id=old.version_id, period=old.period,
                                         pk__gt=old.pk).exists():
                raise ExemptionRefused(ALREADY_OWED_AGAIN.format(person=person.full_name))
            again.save()  # Obligation.save keeps the counts
    except IntegrityError as clash:  # owed or signed already (one_open_obligation_per_version)
        raise ExemptionRefused(ALREADY_OWED_AGAIN.format(person=person.full_name)) from clash
    return again


def _day(value: datetime.date) -> str:
    return f"{value.day} {value:%b %Y}"


def exempter_name(user: User) -> str:
    """Who exempted, as colleagues know them: their staff record's name, else the login's."""
    person = getattr(user, "person", None) if user is not None else None
    return person.full_name if person is not None else str(user)


def closed_because(obligation: Obligation) -> str:
    """An obligation's negative receipt in words: "Exempted by Jo Bloggs on
    3 Dec 2026: on long-term sick leave", "Left the trust (closed 3 Dec 2026)".
    Empty while it is outstanding or once signed."""
    if obligation.status != Obligation.Status.WITHDRAWN:
        return ""
    exemption = getattr(obligation, "exemption", None) if obligation.closed_reason == "exempted" else None
    if exemption is not None:
        return (f"Exempted by {exempter_name(exemption.exempted_by)} on "
                f"{_day(timezone.localdate(exemption.exempted_at))}: {exemption.reason}")
    label = obligation.get_closed_reason_display() or "No longer owed"
    return f"{label} (closed {_day(obligation.closed_on)})" if obligation.closed_on else label
