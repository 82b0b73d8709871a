"""Viewed before signed: the first time a person opens the exact text of a
version they owe is evidence (acknowledgements.models.Viewing), and signing
that obligation in the browser needs an opening of the very text signed."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from acknowledgements.models import Obligation, Viewing
from acknowledgements.signed_text import TextToSign, text_to_sign
from people.models import Person
from policies.models import PolicyVersion
from portal.browsers import browser_words


def period_owed(person: Person, version: PolicyVersion) -> str:
    """The period of the person's outstanding obligation for this exact
    version ("" when they owe it without one, or do not owe it): a yearly
    re-reading is opened, answered and signed afresh each year."""
    return Obligation.objects.owed(person, version).values_list("period", flat=True).first() or ""


def viewing_for(person: Person, version: PolicyVersion, period: str, content_hash: str) -> Viewing | None:
    """The opening of this exact text (the full text or a variant) of the version, in the period."""
    return Viewing.objects.filter(person=person, version=version, period=period, content_hash=content_hash).first()


def record_viewing(
    *, person: Person, version: PolicyVersion, ip_address: str | None, user_agent: str,
    now: datetime.datetime | None = None, obligation: Obligation | None = None, text: TextToSign | None = None,
) -> Viewing:
    """Record the first opening of this text of the version (by default the
    one the person owes: their variant or the full text) for the period the
    person owes it in. Idempotent: a later opening (or a double request racing
    this one) returns the first, unchanged. Opening one text is not opening
    another: a person whose group is mapped to a variant after they opened the
    full text opens the variant afresh. The sign page passes the outstanding
    obligation and the text it read already (saves their queries)."""
    period = obligation.period if obligation is not None else period_owed(person, version)
    text = text or text_to_sign(person, version, obligation=obligation)
    first = viewing_for(person, version, period, text.content_hash)
    if first is not None:
        return first
    try:
        with transaction.atomic():
            return Viewing.objects.create(
                person=person, version=version, period=period, content_hash=text.content_hash, variant=text.variant,
                viewed_at=now or timezone.now(), ip_address=ip_address or None,
                user_agent=browser_words(user_agent),
            )
    except IntegrityError:  # the other request recorded it first
        return Viewing.objects.get(person=person, version=version, period=period, content_hash=text.content_hash)


def opened_and_signed(sign_off) -> str:
    """The sign-off's times in plain words, UK time: "Opened 09:12, signed
    09:20" (with the dates when they differ); "Signed on paper, 3 May 2026"
    for a paper form; older browser sign-offs (before viewings were kept)
    say only when they were signed."""
    if sign_off.method != "browser":
        return f"Signed on paper, {sign_off.signed_on:%-d %B %Y}"
    signed = timezone.localtime(sign_off.signed_at)
    if sign_off.viewed_at is None:
        return f"Signed {signed:%-d %B %Y, %H:%M}"
    opened = timezone.localtime(sign_off.viewed_at)
    if opened.date() == signed.date():
        return f"Opened {opened:%H:%M}, signed {signed:%H:%M}"
    return f"Opened {opened:%-d %B %Y, %H:%M}, signed {signed:%-d %B %Y, %H:%M}"


def check_result(sign_off) -> str:
    """"Check of understanding: passed on attempt 2", or "" without one."""
    if not sign_off.quiz_attempts:
        return ""
    return f"Check of understanding: passed on attempt {sign_off.quiz_attempts}"
