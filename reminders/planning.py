"""What reminders are due and not yet sent, decided in the database. Reads
only: the send service writes what this plans, in the same transaction.

Every reminder has a natural key (who, what, which threshold or period).
Planning asks "what is due and unsent", not "what falls due today", so a run
after days of downtime catches up, and a run repeated sends nothing.

Nothing here walks obligations in Python: who owes a sign-off reminder is one
query over the outstanding obligations and their next reminder dates
(reminders.models.NextReminder), and the digests read the kept counts
(acknowledgements.models.SignOffCount, PersonSignOffCount). A planned email
holds ids and small values only; reminders.rendering turns them into the
email when the outbox delivers it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db.models import CharField, Count, DateField, Exists, F, Func, OuterRef, QuerySet, Sum, Value
from django.db.models.functions import Cast, Concat

from acknowledgements.models import Obligation, PersonSignOffCount, SignOffCount
from people.models import Organisation, Person, Role, RoleAssignment, in_post_condition
from policies.models import Policy
from reminders.models import NextReminder, Reminder

Kind = Reminder.Kind

SIGN_OFF_TEMPLATE = "emails/sign_off_reminder"
REVIEW_TEMPLATE = "emails/review_reminder"
GOVERNANCE_DIGEST_TEMPLATE = "emails/governance_digest"
HR_DIGEST_TEMPLATE = "emails/hr_digest"
MANAGER_DIGEST_TEMPLATE = "emails/manager_digest"

# What an email says before it is delivered (the admin shows it for an email
# still waiting); delivery writes the subject rendered from the data then.
SIGN_OFF_SUBJECT = "Policies to read and sign"
HR_DIGEST_SUBJECT = "Weekly digest: overdue sign-offs"


@dataclass(frozen=True)
class PlannedReminder:
    kind: str
    key: str
    skipped: bool = False


class Recipient(NamedTuple):
    pk: int
    email: str


@dataclass
class PlannedEmail:
    kind: str
    recipient: Recipient
    template: str
    subject: str
    context: dict  # JSON: ids, ISO dates and small values, read at delivery
    reminders: list[PlannedReminder] = field(default_factory=list)


@dataclass(frozen=True)
class SignOffReminders:
    """A sign-off reminder to each of `people` (a Person queryset, in id
    order): one email each, all alike but for the recipient, written by the
    database from this query (reminders.services), never built in Python."""

    today: datetime.date
    people: QuerySet[Person]

    def key(self, person_id: int) -> str:
        return sign_off_key(person_id, self.today)

    @property
    def context(self) -> dict:
        return {"today": self.today.isoformat()}

    def as_emails(self) -> list[PlannedEmail]:
        """The same emails one by one, for a person to read (faults/tool.py)."""
        return [
            PlannedEmail(kind=Kind.SIGN_OFF, recipient=Recipient(pk, email), template=SIGN_OFF_TEMPLATE,
                         subject=SIGN_OFF_SUBJECT, context=self.context,
                         reminders=[PlannedReminder(Kind.SIGN_OFF, self.key(pk))])
            for pk, email in self.people.values_list("pk", "email")
        ]


@dataclass
class Plan:
    emails: list[PlannedEmail] = field(default_factory=list)
    skipped: list[PlannedReminder] = field(default_factory=list)
    sign_offs: SignOffReminders | None = None

    def every_email(self) -> list[PlannedEmail]:
        return [*self.emails, *(self.sign_offs.as_emails() if self.sign_offs else [])]


def week_of(day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def sign_off_key(person_id: int, today: datetime.date) -> str:
    """One sign-off reminder per person per day, whatever it lists. (Keys
    sent before next_reminder_on existed, `obligation:<id>:stage:<n>`, were
    carried into it by migration reminders 0006.)"""
    return f"person:{person_id}:day:{today.isoformat()}"


def sign_off_key_of(person_id: F, today: datetime.date) -> Concat:
    """sign_off_key() as the database writes it, for a person id in a query."""
    return Concat(Value("person:"), Cast(person_id, CharField()), Value(f":day:{today.isoformat()}"),
                  output_field=CharField())


def plan_reminders(today: datetime.date) -> Plan:
    plan = Plan()
    _plan_reviews(plan, today)
    _plan_governance_digests(plan, today)
    _plan_sign_offs(plan, today)
    _plan_hr_digests(plan, today)
    _plan_manager_digests(plan, today)
    return plan


def _sent_keys(kind: str, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    return set(Reminder.objects.filter(kind=kind, key__in=keys).order_by().values_list("key", flat=True))


# ---- Reviews (a few hundred policies at most) ------------------------------------------------------


def _review_candidates(policy_id: int, due: datetime.date, today: datetime.date
                       ) -> tuple[PlannedReminder | None, list[PlannedReminder]]:
    """The reminder to send now for a policy's review, and the earlier
    thresholds it overtakes (recorded as skipped, never sent late)."""
    days_left = (due - today).days
    base = f"policy:{policy_id}:review:{due.isoformat()}"
    passed = sorted(t for t in settings.REVIEW_REMINDER_DAYS if days_left <= t)
    before = [PlannedReminder(Kind.REVIEW_DUE, f"{base}:before:{t}") for t in passed]
    if days_left < 0:
        week = (-days_left - 1) // 7
        return PlannedReminder(Kind.REVIEW_OVERDUE, f"{base}:overdue-week:{week}"), before
    if not before:
        return None, []
    return before[0], before[1:]


def _plan_reviews(plan: Plan, today: datetime.date) -> None:
    policies = list(
        Policy.objects.filter(next_review_on__isnull=False, current_version__isnull=False, owner__isnull=False)
        .filter(in_post_condition(today, via="owner"))
        .filter(next_review_on__lte=today + datetime.timedelta(days=max(settings.REVIEW_REMINDER_DAYS)))
        .order_by("next_review_on", "title")
        .values_list("pk", "next_review_on", "owner_id", "owner__email")
    )
    candidates = {pk: _review_candidates(pk, due, today) for pk, due, _, _ in policies}
    keys = defaultdict(list)
    for now, earlier in candidates.values():
        for reminder in ([now] if now else []) + earlier:
            keys[reminder.kind].append(reminder.key)
    sent = {kind: _sent_keys(kind, k) for kind, k in keys.items()}
    by_owner: dict[int, PlannedEmail] = {}
    for pk, due, owner_id, owner_email in policies:
        now, earlier = candidates[pk]
        plan.skipped.extend(r for r in earlier if r.key not in sent[r.kind])
        if now is None or now.key in sent[now.kind]:
            continue
        email = by_owner.setdefault(owner_id, PlannedEmail(
            kind=Kind.REVIEW_DUE, recipient=Recipient(owner_id, owner_email), template=REVIEW_TEMPLATE,
            subject="", context={"today": today.isoformat(), "policies": []},
        ))
        email.reminders.append(now)
        # The review date it is about: a policy reviewed before the email goes is left out of it.
        email.context["policies"].append([pk, due.isoformat()])
        if now.kind == Kind.REVIEW_OVERDUE:
            email.kind = Kind.REVIEW_OVERDUE
    for email in by_owner.values():
        email.subject = review_subject(
            count=len(email.context["policies"]),
            overdue=any(due < today.isoformat() for _, due in email.context["policies"]),
        )
        plan.emails.append(email)


def review_subject(*, count: int, overdue: bool) -> str:
    plural = "s" if count > 1 else ""
    if overdue:
        return f"Overdue: {count} policy review{plural} to do"
    return f"Coming up: {count} policy review{plural} due"


def _plan_governance_digests(plan: Plan, today: datetime.date) -> None:
    overdue = list(
        Policy.objects.filter(next_review_on__lt=today, current_version__isnull=False)
        .order_by("next_review_on", "title").values_list("pk", "organisation_id")
    )
    if not overdue:
        return
    week = week_of(today)
    leads = _people_with_role(Role.GOVERNANCE_LEAD, today)
    keys = {recipient.pk: f"person:{recipient.pk}:week:{week}" for recipient in leads}
    sent = _sent_keys(Kind.GOVERNANCE_DIGEST, list(keys.values()))
    for recipient, covered in leads.items():
        if keys[recipient.pk] in sent:
            continue
        mine = [pk for pk, organisation_id in overdue if organisation_id in covered]
        if mine:
            plan.emails.append(PlannedEmail(
                kind=Kind.GOVERNANCE_DIGEST, recipient=recipient, template=GOVERNANCE_DIGEST_TEMPLATE,
                subject=governance_digest_subject(len(mine)),
                context={"today": today.isoformat(), "policies": mine},
                reminders=[PlannedReminder(Kind.GOVERNANCE_DIGEST, keys[recipient.pk])],
            ))


def governance_digest_subject(count: int) -> str:
    return f"Weekly digest: {count} overdue policy review{'s' if count > 1 else ''}"


# ---- Sign-offs ---------------------------------------------------------------------------------


def sign_off_owed(today: datetime.date) -> QuerySet[Obligation]:
    """Outstanding obligations owed by today: what a sign-off reminder lists."""
    return Obligation.objects.filter(status=Obligation.Status.OUTSTANDING, owed_since__lte=today).order_by()


def sign_off_reminder_due(today: datetime.date) -> QuerySet[Obligation]:
    """Owed obligations whose next reminder has come: by their NextReminder,
    or, never reminded, from the day they became owed."""
    not_yet = NextReminder.objects.filter(obligation_id=OuterRef("pk"), day__gt=today)
    return sign_off_owed(today).exclude(Exists(not_yet))


def _plan_sign_offs(plan: Plan, today: datetime.date) -> None:
    """One email per person per run, listing everything they owe, when any
    of their obligations reaches its next reminder date (owed, then every N
    days). A person already reminded today (a second run the same day after
    a new obligation) is left for tomorrow: that obligation stays due."""
    reminded_today = Reminder.objects.filter(kind=Kind.SIGN_OFF, key=sign_off_key_of(OuterRef("pk"), today))
    people = (
        Person.objects.in_post(on=today)
        .filter(pk__in=sign_off_reminder_due(today).values("person_id"))
        .exclude(Exists(reminded_today))
        .order_by("pk")
    )
    plan.sign_offs = SignOffReminders(today=today, people=people)


class NextReminderOn(Func):
    """An obligation's next reminder date after `today`: the next stage,
    owed_since + k * SIGN_OFF_REMINDER_INTERVAL_DAYS, worked out by the
    database for every obligation a run moves on (owed_since <= today)."""

    output_field = DateField()

    def __init__(self, today: datetime.date) -> None:
        super().__init__(F("owed_since"), Value(today, output_field=DateField()),
                         Value(settings.SIGN_OFF_REMINDER_INTERVAL_DAYS))

    def as_sql(self, compiler, connection, **extra):
        (owed, owed_params), (today, today_params), (every, every_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions())
        # PostgreSQL: date - date is whole days, date + integer a date.
        sql = f"({owed} + {every} * (({today} - {owed}) / {every} + 1))"
        return sql, (*owed_params, *every_params, *today_params, *owed_params, *every_params)

    def as_sqlite(self, compiler, connection, **extra):
        (owed, owed_params), (today, today_params), (every, every_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions())
        days = f"({every} * (CAST(julianday({today}) - julianday({owed}) AS INTEGER) / {every} + 1))"
        sql = f"date({owed}, '+' || {days} || ' days')"
        return sql, (*owed_params, *every_params, *today_params, *owed_params, *every_params)


# ---- Weekly digests of overdue sign-offs, from the kept counts --------------------------------


def _plan_hr_digests(plan: Plan, today: datetime.date) -> None:
    overdue_in = set(SignOffCount.objects.filter(overdue__gt=0).values_list("school_id", flat=True).distinct())
    if not overdue_in:
        return
    week = week_of(today)
    hr_people = _people_with_role(Role.HR, today)
    keys = {recipient.pk: f"person:{recipient.pk}:week:{week}" for recipient in hr_people}
    sent = _sent_keys(Kind.HR_DIGEST, list(keys.values()))
    for recipient, covered in hr_people.items():
        if keys[recipient.pk] in sent or not covered & overdue_in:
            continue
        plan.emails.append(PlannedEmail(
            kind=Kind.HR_DIGEST, recipient=recipient, template=HR_DIGEST_TEMPLATE, subject=HR_DIGEST_SUBJECT,
            # The schools whose counts the digest shows, as the role gives them this week.
            context={"today": today.isoformat(), "schools": sorted(covered)},
            reminders=[PlannedReminder(Kind.HR_DIGEST, keys[recipient.pk])],
        ))


def _plan_manager_digests(plan: Plan, today: datetime.date) -> None:
    managers = (
        PersonSignOffCount.objects.filter(overdue__gt=0, person__line_manager__isnull=False)
        .filter(in_post_condition(today, via="person"))
        .filter(in_post_condition(today, via="person__line_manager"))
        .values_list("person__line_manager_id", "person__line_manager__email")
        .annotate(people=Count("pk"), overdue=Sum("overdue"))
        .order_by("person__line_manager_id")
    )
    managers = list(managers)
    week = week_of(today)
    keys = {pk: f"person:{pk}:week:{week}" for pk, *_ in managers}
    sent = _sent_keys(Kind.MANAGER_DIGEST, list(keys.values()))
    for pk, email, people, _overdue in managers:
        if keys[pk] in sent:
            continue
        plan.emails.append(PlannedEmail(
            kind=Kind.MANAGER_DIGEST, recipient=Recipient(pk, email), template=MANAGER_DIGEST_TEMPLATE,
            subject=overdue_people_subject(people), context={"today": today.isoformat()},
            reminders=[PlannedReminder(Kind.MANAGER_DIGEST, keys[pk])],
        ))


def overdue_people_subject(people: int) -> str:
    return f"Weekly digest: {people} {'person has' if people == 1 else 'people have'} overdue sign-offs"


# ---- Who holds a role, and what it covers -------------------------------------------------------


def _people_with_role(role: str, today: datetime.date) -> dict[Recipient, set[int]]:
    """People in post holding `role`, each with the organisations it covers:
    where it is held, and every school of a trust it is held at."""
    schools_of: dict[int, set[int]] = defaultdict(set)
    schools = Organisation.objects.filter(trust__isnull=False).order_by().values_list("pk", "trust_id")
    for school_id, trust_id in schools:
        schools_of[trust_id].add(school_id)
    holders: dict[Recipient, set[int]] = {}
    assignments = (
        RoleAssignment.objects.filter(role=role).filter(in_post_condition(today, via="person"))
        .order_by("person_id").values_list("person_id", "person__email", "organisation_id")
    )
    for person_id, email, organisation_id in assignments:
        covered = holders.setdefault(Recipient(person_id, email), set())
        covered.add(organisation_id)
        covered.update(schools_of[organisation_id])
    return holders
