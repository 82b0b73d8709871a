"""What a person owes, derived from a policy's sign-off rule. Pure functions
over plain values, so the rules are easy to read and to test."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from acknowledgements.models import Obligation, SignOffRule
from people.models import Person
from policies.models import Policy, PolicyVersion

# A minor version takes over an unsigned obligation of its major version
# (same reason, same due date), so "New major version" beside "2.1" is untrue.
CARRIED_OVER = "Owed since version {major}, carried over to {label}"


@dataclass(frozen=True)
class Owed:
    version_id: int
    period: str
    reason: str
    owed_since: datetime.date
    due_on: datetime.date


def annual_period_start(rule: SignOffRule, today: datetime.date) -> datetime.date | None:
    """The latest anniversary of the rule's yearly date on or before today."""
    if rule.annual_from is None or rule.annual_from > today:
        return None
    month, day = rule.annual_from.month, min(rule.annual_from.day, 28)
    this_year = datetime.date(today.year, month, day)
    return this_year if this_year <= today else datetime.date(today.year - 1, month, day)


def owed(
    *,
    person: Person,
    policy: Policy,
    rule: SignOffRule,
    current: PolicyVersion,
    major_published_on: datetime.date,
    signed: list[tuple[int, datetime.date, str]],
    today: datetime.date,
) -> Owed | None:
    """The sign-off the person owes for the policy's current version, if any.

    `signed` lists the person's earlier sign-offs of this policy as
    (major version number, date signed, period). A minor version needs no new
    signature; a new major version does; a yearly rule asks again each year.
    """
    same_major = [s for s in signed if s[0] == current.major]
    period_start = annual_period_start(rule, today)
    started = person.start_date or major_published_on
    if period_start and started < period_start and same_major:
        if not any(on >= period_start for _, on, _ in same_major):
            period = str(period_start.year)
            return Owed(current.pk, period, Obligation.Reason.ANNUAL, period_start,
                        period_start + datetime.timedelta(days=rule.annual_days))
        return None
    if same_major:
        return None
    if signed or started <= major_published_on:
        return Owed(current.pk, "", Obligation.Reason.NEW_VERSION, major_published_on,
                    major_published_on + datetime.timedelta(days=rule.new_version_days))
    return Owed(current.pk, "", Obligation.Reason.NEW_STARTER, started,
                started + datetime.timedelta(days=rule.new_starter_days))


def reason_label(obligation: Obligation) -> str:
    """Why the obligation is owed, as HR and the person read it."""
    version = obligation.version
    return reason_words(obligation.reason, major=version.major, minor=version.minor, label=version.label)


REASONS = dict(Obligation.Reason.choices)


def reason_words(reason: str, *, major: int, minor: int, label: str) -> str:
    """reason_label over plain values, for pages that read rows, not models."""
    if reason == Obligation.Reason.NEW_VERSION and minor:
        return CARRIED_OVER.format(major=major, label=label)
    return REASONS.get(reason, reason)


def period_label(period: str) -> str:
    """A yearly period as the trust names it: "2026" -> "2026–27".

    The stored period is the year of the rule's anniversary on which it opened
    (see `annual_period_start`): a 1 September rule's "2026" is the school year
    from 1 September 2026, so every page, export and PDF names it "2026–27".
    Empty (not a yearly obligation) stays empty; anything not a year is shown
    as stored rather than breaking a page or an export.
    """
    if not period.isdigit():
        return period
    start = int(period)
    return f"{start}–{(start + 1) % 100:02d}"
