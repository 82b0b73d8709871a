"""A school year, simulated (issue 15, item 5).

The demo trust is loaded on 26 November 2026 (its safeguarding re-reading then
falls on 1 September) and the clock moves on to the end of 2027 by calling the
one daily run, while the trust lives: new starters in September and January,
a leaver, a major and a minor version approved and published, a sign-off rule
edited in the admin, people who sign and people who never do, and a day when
Redis is down. After every day it checks what each person owes against the
from-scratch computation, and what was emailed against the outbox.

The coarse walk (weekly, daily around the dates that matter) runs in `make
test`; the fine walk (every day) carries the `slow` marker and runs in CI too.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from acknowledgements.models import Obligation, SignOff, SignOffRule
from acknowledgements.owed import owed_from_scratch
from approvals import services as approvals
from approvals.models import Decision
from outbox.models import OutboxEmail
from outbox.services import deliver_pending
from people.models import Organisation, Person, StaffGroup
from policies.models import Committee, Policy, PolicyVersion
from portal.daily import run_daily
from portal.demo import load_demo
from reminders.models import Reminder
from tests.factories import PersonFactory, view_and_sign

LOADED_ON = datetime.date(2026, 11, 26)  # the demo's safeguarding year then starts on 1 September
LAST_DAY = datetime.date(2027, 12, 31)  # 13 months and more
JANUARY_STARTERS_ON = datetime.date(2027, 1, 4)
MAJOR_APPROVED_ON = datetime.date(2027, 2, 10)
RULE_EDITED_ON = datetime.date(2027, 3, 15)
LEAVER_LEAVES_ON = datetime.date(2027, 4, 30)
MINOR_APPROVED_ON = datetime.date(2027, 5, 12)
RETENTION_DAYS = 60
REDIS_DOWN_ON = datetime.date(2027, 6, 7)
SEPTEMBER_STARTERS_ON = datetime.date(2027, 9, 1)
RE_READING_ON = datetime.date(2027, 9, 1)
FIXED_DATES = (JANUARY_STARTERS_ON, MAJOR_APPROVED_ON, RULE_EDITED_ON, LEAVER_LEAVES_ON, MINOR_APPROVED_ON,
               LEAVER_LEAVES_ON + datetime.timedelta(days=RETENTION_DAYS), REDIS_DOWN_ON, RE_READING_ON)
NEVER_SIGNS = 3  # every third person (by id) never signs anything


class RedisDown(ConnectionError):
    """What the broker and the mail relay answer on the outage day."""


@dataclass
class Year:
    """What the walk has seen so far, to compare each day with the last."""

    sign_offs: int = 0
    leaver: Person | None = None
    starters: list[Person] = field(default_factory=list)
    retention_day: datetime.date | None = None
    leaver_sign_offs: int = 0
    major: PolicyVersion | None = None
    minor: PolicyVersion | None = None


@pytest.fixture
def demo_trust(db, settings):
    settings.LEAVER_RETENTION_DAYS = RETENTION_DAYS
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    load_demo(today=LOADED_ON)
    _commit(LOADED_ON)
    return Organisation.objects.get(slug="oakfield")


@contextmanager
def _clock(day: datetime.date) -> Iterator[None]:
    """Services that default to today (the admin's resync, a sign-off's date) read the walk's day."""
    real_localdate = timezone.localdate

    def on_the_day(value=None, timezone=None):
        return day if value is None else real_localdate(value, timezone)

    with mock.patch("django.utils.timezone.localdate", on_the_day):
        yield


def _commit(day: datetime.date) -> None:
    """The test's transaction never commits, so the work a request does on commit (the resync after an
    admin save, a person's change or a publication) runs here on the walk's clock, and is cleared, as a
    commit clears it: left pending, it would also hide later callbacks that de-duplicate against it."""
    with _clock(day):
        while connection.run_on_commit:
            pending, connection.run_on_commit = connection.run_on_commit, []
            for _savepoints, callback, _robust in pending:
                callback()


def _review_dates(day: datetime.date) -> set[datetime.date]:
    """The days a review reminder falls due, so even a coarse walk stands on them."""
    dates = set()
    for due in Policy.objects.exclude(next_review_on__isnull=True).values_list("next_review_on", flat=True):
        dates.update(due - datetime.timedelta(days=d) for d in (90, 30, 7, 0, -1))
    return {d for d in dates if d > day}


def _days(*, fine: bool) -> Iterator[datetime.date]:
    day = LOADED_ON
    while day <= LAST_DAY:
        yield day
        if fine:
            day += datetime.timedelta(days=1)
            continue
        near = [d for d in FIXED_DATES for d in (d - datetime.timedelta(days=1), d, d + datetime.timedelta(days=1))]
        later = [d for d in (*near, *_review_dates(day), LAST_DAY) if d > day]
        day = min([day + datetime.timedelta(days=7), *later])


# --- What happens in the trust -------------------------------------------------------------------


def _starters(trust: Organisation, day: datetime.date, year: Year, how_many: int) -> None:
    schools = list(Organisation.objects.filter(trust=trust).order_by("slug"))
    for n in range(how_many):
        year.starters.append(PersonFactory(
            first_name=f"Starter{n}", last_name=f"{day:%B}", email=f"starter{n}.{day:%Y%m}@oakfield.example",
            schools=[schools[n % len(schools)]], staff_group=StaffGroup.TEACHING, start_date=day,
        ))


def _approve(policy: Policy, day: datetime.date, *, is_major: bool, reason: str) -> PolicyVersion:
    """Drafted by the owner, approved by two trust board members who did not write it."""
    author = policy.owner
    draft = approvals.start_draft(policy, by=author, is_major=is_major)
    approvals.save_draft(draft, body=draft.body + f"\n\n{reason}.\n", reason=reason, is_major=is_major,
                         review_cycle_months=24, audiences=list(policy.audiences))
    board = Committee.objects.get(slug="trust-board")
    submission = approvals.submit_draft(draft, committee=board, by=author.user)
    members = Person.objects.filter(committee_seats__committee=board, committee_seats__role="member").exclude(
        pk=author.pk).order_by("pk")[:2]
    for member in members:
        approvals.record_vote(submission, member=member, decision=Decision.APPROVE, today=day)
    draft.refresh_from_db()
    return draft


def _edit_rule_in_admin(admin_client, policy: Policy, day: datetime.date) -> None:
    """Governance adds agency staff to the email policy's rule and gives new versions longer."""
    rule = policy.sign_off_rule
    data = {
        "policy": policy.pk, "staff_groups": '["teaching", "support", "leadership", "contractor", "agency"]',
        "schools": [], "new_starter_days": rule.new_starter_days, "new_version_days": 45,
        "annual_from": "", "annual_days": rule.annual_days,
    }
    with _clock(day):
        response = admin_client.post(f"/admin/acknowledgements/signoffrule/{rule.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    _commit(day)


def _sign_some(day: datetime.date) -> None:
    """Two people in three sign what they owe within a few days; the rest never do."""
    owed = Obligation.objects.filter(
        status=Obligation.Status.OUTSTANDING, owed_since__lte=day - datetime.timedelta(days=3),
    ).select_related("person", "version")
    for obligation in owed:
        if obligation.person_id % NEVER_SIGNS and obligation.person.leave_date is None:
            view_and_sign(person=obligation.person, version=obligation.version, signed_on=day)


def _happenings(day: datetime.date, year: Year, trust: Organisation, admin_client) -> None:
    if day == JANUARY_STARTERS_ON:
        _starters(trust, day, year, 2)
    if day == SEPTEMBER_STARTERS_ON:
        _starters(trust, day, year, 3)
    code_of_conduct = Policy.objects.get(slug="code-of-conduct")
    if day == MAJOR_APPROVED_ON:
        year.major = _approve(code_of_conduct, day, is_major=True, reason="Low-level concerns")
    if day == MINOR_APPROVED_ON:
        year.minor = _approve(code_of_conduct, day, is_major=False, reason="Typing corrected")
    if day == RULE_EDITED_ON:
        _edit_rule_in_admin(admin_client, Policy.objects.get(slug="email"), day)
        _check_owed(day)  # the admin's save resyncs at once, not only at night
    if year.leaver is None and day >= LEAVER_LEAVES_ON - datetime.timedelta(days=30):
        # HR records the leave date a month ahead, as a resignation gives notice.
        year.leaver = Person.objects.get(email="teacher@oakfield.example")
        year.leaver.leave_date = LEAVER_LEAVES_ON
        year.leaver.save()
        year.retention_day = LEAVER_LEAVES_ON + datetime.timedelta(days=RETENTION_DAYS)
    _sign_some(day)
    _commit(day)


def _run(day: datetime.date, *, redis_down: bool) -> list[str]:
    """The nightly run, then the worker delivering the outbox (as its retry task does)."""
    now = datetime.datetime.combine(day, datetime.time(6), tzinfo=datetime.UTC)
    if not redis_down:
        lines = run_daily(today=day)
        deliver_pending(now=now)
        return lines
    with mock.patch("outbox.tasks.deliver_emails.delay", side_effect=RedisDown("broker unreachable")), \
            mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=RedisDown("relay unreachable")):
        lines = run_daily(today=day)
        deliver_pending(now=now)
    return lines


# --- What must hold every day --------------------------------------------------------------------


def _check_owed(day: datetime.date) -> None:
    outstanding = set(Obligation.objects.filter(status=Obligation.Status.OUTSTANDING)
                      .values_list("person_id", "version_id", "period"))
    expected = owed_from_scratch(today=day)
    assert outstanding == expected, (
        f"{day}: owed but not asked {sorted(expected - outstanding)[:5]}; "
        f"asked but not owed {sorted(outstanding - expected)[:5]}"
    )


def _check_each_email_once(day: datetime.date) -> None:
    sent = OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT)
    assert len(mail.outbox) == sent.count(), f"{day}: {len(mail.outbox)} emails left for {sent.count()} sent"
    # Unique (kind, key) is a database constraint; this says it in the test's words too.
    assert not Reminder.objects.values("kind", "key").annotate(n=Count("pk")).filter(n__gt=1).exists()


def _check_outage(day: datetime.date) -> None:
    """The outage day's emails wait in the outbox; the next day's run delivers them, once."""
    waiting = OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING)
    if day == REDIS_DOWN_ON:
        assert waiting.exists(), "the outage day should have had emails to send"
    elif day > REDIS_DOWN_ON:
        assert not waiting.exists(), f"{day}: {waiting.count()} emails still waiting after the outage"


def _check_sign_offs_kept(day: datetime.date, year: Year) -> None:
    count = SignOff.objects.count()
    assert count >= year.sign_offs, f"{day}: sign-offs fell from {year.sign_offs} to {count}"
    year.sign_offs = count


def _check_leaver(day: datetime.date, year: Year) -> None:
    leaver = year.leaver
    if leaver is None:
        return
    leaver.refresh_from_db()
    if day >= LEAVER_LEAVES_ON:
        assert not Obligation.objects.filter(person=leaver, status=Obligation.Status.OUTSTANDING).exists()
        assert not {owed for owed in owed_from_scratch(today=day) if owed[0] == leaver.pk}
    else:
        year.leaver_sign_offs = SignOff.objects.filter(person=leaver).count()
    if day >= year.retention_day:
        assert leaver.anonymised_on == year.retention_day, f"{day}: leaver anonymised on {leaver.anonymised_on}"
        assert leaver.email.endswith("@anonymised.invalid")
        assert SignOff.objects.filter(person=leaver).count() == year.leaver_sign_offs > 0
    else:
        assert leaver.anonymised_on is None


def _check_re_reading(day: datetime.date) -> None:
    safeguarding = Policy.objects.get(slug="safeguarding")
    this_year = Obligation.objects.filter(policy=safeguarding, period="2027")
    if day < RE_READING_ON:
        assert not this_year.exists(), f"{day}: the 2027 re-reading is owed before 1 September"
        return
    signed_last_year = set(SignOff.objects.filter(version__policy=safeguarding, signed_on__lt=RE_READING_ON,
                                                  person__leave_date__isnull=True)
                           .values_list("person_id", flat=True))
    asked = set(this_year.filter(owed_since=RE_READING_ON).values_list("person_id", flat=True))
    assert signed_last_year and signed_last_year <= asked, f"{day}: {sorted(signed_last_year - asked)} not asked"


def _check_day(day: datetime.date, year: Year) -> None:
    _check_owed(day)
    _check_each_email_once(day)
    _check_sign_offs_kept(day, year)
    _check_leaver(day, year)
    _check_re_reading(day)


def _expected_thresholds(due: datetime.date) -> tuple[set[str], set[str]]:
    """(sent, skipped): on the day the demo is loaded, the nearest threshold
    already passed is sent and the earlier ones are recorded as overtaken (all
    of them when the review is already overdue: the overdue reminder goes)."""
    if due < LOADED_ON:
        return set(), {"90", "30", "7"}
    passed_at_load = [t for t in (90, 30, 7) if (due - LOADED_ON).days <= t]
    sent = {t for t in (90, 30, 7) if t not in passed_at_load} | set(passed_at_load and [min(passed_at_load)])
    return {str(t) for t in sent}, {str(t) for t in set(passed_at_load) - sent}


def _keys(kind: str, prefix: str, **filters) -> set[str]:
    return {key.rsplit(":", 1)[1] for key in Reminder.objects.filter(
        kind=kind, key__startswith=prefix, **filters).values_list("key", flat=True)}


def _check_review_reminders() -> None:
    """Each review due date the walk reached had its 90, 30 and 7 day reminders (each once, none
    skipped once the walk was running), then one a week, every week, once overdue."""
    current = dict(Policy.objects.values_list("pk", "next_review_on"))
    bases = {key.rsplit(":before:", 1)[0].rsplit(":overdue-week:", 1)[0]
             for key in Reminder.objects.filter(kind__in=[Reminder.Kind.REVIEW_DUE, Reminder.Kind.REVIEW_OVERDUE])
             .values_list("key", flat=True)}
    full_cycles = 0
    for base in sorted(bases):
        _, policy_id, _, due_text = base.split(":")
        due = datetime.date.fromisoformat(due_text)
        if current[int(policy_id)] != due:
            continue  # a new version reset the review date part-way
        sent, skipped = _expected_thresholds(due)
        assert _keys(Reminder.Kind.REVIEW_DUE, f"{base}:before:", skipped=False) == sent, base
        assert _keys(Reminder.Kind.REVIEW_DUE, f"{base}:before:", skipped=True) == skipped, base
        full_cycles += sent == {"90", "30", "7"}
        weeks = sorted(int(w) for w in _keys(Reminder.Kind.REVIEW_OVERDUE, f"{base}:overdue-week:"))
        last_week = ((LAST_DAY - due).days - 1) // 7
        first_week = max(0, ((LOADED_ON - due).days - 1) // 7)
        assert weeks == list(range(first_week, last_week + 1)), f"{base}: overdue weeks {weeks}"
    assert full_cycles >= 1


def _walk(*, fine: bool, admin_client) -> Year:
    trust = Organisation.objects.get(slug="oakfield")
    year = Year(sign_offs=SignOff.objects.count())
    for day in _days(fine=fine):
        _happenings(day, year, trust, admin_client)
        lines = _run(day, redis_down=day == REDIS_DOWN_ON)
        assert lines[-1] == "done: 11 jobs", lines
        assert "counts checked: 0 disagreements" in lines, lines  # kept counts equal a recount every night
        _check_outage(day)
        _check_day(day, year)
    _check_review_reminders()
    return year


def test_a_school_year_keeps_every_obligation_and_reminder_to_the_rules(demo_trust, admin_client):
    year = _walk(fine=False, admin_client=admin_client)
    assert len(year.starters) == 5
    assert SignOffRule.objects.get(policy__slug="email").new_version_days == 45
    current = Policy.objects.get(slug="code-of-conduct").current_version
    assert current == year.minor and (current.major, current.minor) == (year.major.major, 1)
    never_signed = Obligation.objects.filter(status=Obligation.Status.OUTSTANDING, due_on__lt=LAST_DAY)
    assert never_signed.exists()  # some people never sign, and are still asked
    assert not OutboxEmail.objects.exclude(status=OutboxEmail.Status.SENT).exists()  # the outage day caught up


@pytest.mark.slow
def test_a_school_year_walked_day_by_day_keeps_to_the_rules(demo_trust, admin_client):
    _walk(fine=True, admin_client=admin_client)


