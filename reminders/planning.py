"""What reminders are due and not yet sent. Reads only: the send service
writes what this plans, in the same transaction.

Every reminder has a natural key (who, what, which threshold or period).
Planning asks "what is due and unsent", not "what falls due today", so a run
after days of downtime catches up, and a run repeated sends nothing.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings

from acknowledgements.models import Obligation
from people.models import Person, Role, RoleAssignment, in_post_condition
from policies.models import Policy
from reminders.models import Reminder

Kind = Reminder.Kind


@dataclass(frozen=True)
class PlannedReminder:
    kind: str
    key: str
    skipped: bool = False


@dataclass
class PlannedEmail:
    kind: str
    recipient: Person
    template: str
    subject: str
    context: dict
    reminders: list[PlannedReminder] = field(default_factory=list)


@dataclass
class Plan:
    emails: list[PlannedEmail] = field(default_factory=list)
    skipped: list[PlannedReminder] = field(default_factory=list)


def week_of(day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


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
    return set(Reminder.objects.filter(kind=kind, key__in=keys).values_list("key", flat=True))


def _review_candidates(policy: Policy, today: datetime.date) -> tuple[PlannedReminder | None, list[PlannedReminder]]:
    """The reminder to send now for a policy's review, and the earlier
    thresholds it overtakes (recorded as skipped, never sent late)."""
    due = policy.next_review_on
    days_left = (due - today).days
    base = f"policy:{policy.pk}:review:{due.isoformat()}"
    passed = sorted(t for t in settings.REVIEW_REMINDER_DAYS if days_left <= t)
    before = [PlannedReminder(Kind.REVIEW_DUE, f"{base}:before:{t}") for t in passed]
    if days_left < 0:
        week = (-days_left - 1) // 7
        return PlannedReminder(Kind.REVIEW_OVERDUE, f"{base}:overdue-week:{week}"), before
    if not before:
        return None, []
    return before[0], before[1:]


def _plan_reviews(plan: Plan, today: datetime.date) -> None:
    policies = (
        Policy.objects.filter(next_review_on__isnull=False, current_version__isnull=False, owner__isnull=False)
        .filter(in_post_condition(today, via="owner"))
        .filter(next_review_on__lte=today + datetime.timedelta(days=max(settings.REVIEW_REMINDER_DAYS)))
        .select_related("owner", "organisation")
    )
    candidates = {p.pk: _review_candidates(p, today) for p in policies}
    keys = defaultdict(list)
    for now, earlier in candidates.values():
        for reminder in ([now] if now else []) + earlier:
            keys[reminder.kind].append(reminder.key)
    sent = {kind: _sent_keys(kind, k) for kind, k in keys.items()}
    by_owner: dict[int, PlannedEmail] = {}
    for policy in policies:
        now, earlier = candidates[policy.pk]
        plan.skipped.extend(r for r in earlier if r.key not in sent[r.kind])
        if now is None or now.key in sent[now.kind]:
            continue
        email = by_owner.setdefault(policy.owner_id, PlannedEmail(
            kind=Kind.REVIEW_DUE, recipient=policy.owner, template="emails/review_reminder",
            subject="Policy review reminder", context={"policies": [], "today": today},
        ))
        email.reminders.append(now)
        email.context["policies"].append(policy)
        if now.kind == Kind.REVIEW_OVERDUE:
            email.kind = Kind.REVIEW_OVERDUE
    for email in by_owner.values():
        overdue = [p for p in email.context["policies"] if p.next_review_on < today]
        count = len(email.context["policies"])
        email.subject = (f"Overdue: {count} policy review{'s' if count > 1 else ''} to do" if overdue
                         else f"Coming up: {count} policy review{'s' if count > 1 else ''} due")
        plan.emails.append(email)


def _plan_governance_digests(plan: Plan, today: datetime.date) -> None:
    overdue = list(
        Policy.objects.filter(next_review_on__lt=today, current_version__isnull=False)
        .select_related("owner", "organisation").order_by("next_review_on")
    )
    if not overdue:
        return
    leads = _active_people_with_role(Role.GOVERNANCE_LEAD, today)
    week = week_of(today)
    keys = {person.pk: f"person:{person.pk}:week:{week}" for person, _ in leads}
    sent = _sent_keys(Kind.GOVERNANCE_DIGEST, list(keys.values()))
    for person, organisations in leads:
        if keys[person.pk] in sent:
            continue
        mine = [p for p in overdue if _covers(organisations, p.organisation)]
        if mine:
            plan.emails.append(PlannedEmail(
                kind=Kind.GOVERNANCE_DIGEST, recipient=person, template="emails/governance_digest",
                subject=f"Weekly digest: {len(mine)} overdue policy review{'s' if len(mine) > 1 else ''}",
                context={"policies": mine, "today": today},
                reminders=[PlannedReminder(Kind.GOVERNANCE_DIGEST, keys[person.pk])],
            ))


def _outstanding(today: datetime.date):
    return (
        Obligation.objects.filter(status=Obligation.Status.OUTSTANDING)
        .filter(in_post_condition(today, via="person"))
        .select_related("person", "policy", "version")
        .defer("version__body")
        .order_by("person_id", "due_on")
    )


def _plan_sign_offs(plan: Plan, today: datetime.date) -> None:
    """One email per person per run, listing everything they owe, when any
    obligation reaches a new reminder stage (owed, then every N days)."""
    interval = settings.SIGN_OFF_REMINDER_INTERVAL_DAYS
    obligations = list(_outstanding(today).filter(owed_since__lte=today))
    stage_keys = {
        o.pk: f"obligation:{o.pk}:stage:{max(0, (today - o.owed_since).days) // interval}" for o in obligations
    }
    sent = _sent_keys(Kind.SIGN_OFF, list(stage_keys.values()))
    by_person: dict[int, list[Obligation]] = defaultdict(list)
    for obligation in obligations:
        by_person[obligation.person_id].append(obligation)
    for owed in by_person.values():
        due_now = [PlannedReminder(Kind.SIGN_OFF, stage_keys[o.pk]) for o in owed if stage_keys[o.pk] not in sent]
        if not due_now:
            continue
        person = owed[0].person
        overdue = sum(1 for o in owed if o.due_on < today)
        subject = (f"{len(owed)} polic{'y' if len(owed) == 1 else 'ies'} to read and sign"
                   + (f" ({overdue} overdue)" if overdue else ""))
        plan.emails.append(PlannedEmail(
            kind=Kind.SIGN_OFF, recipient=person, template="emails/sign_off_reminder", subject=subject,
            context={"obligations": owed, "today": today}, reminders=due_now,
        ))


def _plan_hr_digests(plan: Plan, today: datetime.date) -> None:
    overdue = list(_outstanding(today).filter(due_on__lt=today).prefetch_related("person__schools"))
    if not overdue:
        return
    week = week_of(today)
    hr_people = _active_people_with_role(Role.HR, today)
    keys = {person.pk: f"person:{person.pk}:week:{week}" for person, _ in hr_people}
    sent = _sent_keys(Kind.HR_DIGEST, list(keys.values()))
    for person, organisations in hr_people:
        key = keys[person.pk]
        if key in sent:
            continue
        mine = [o for o in overdue if any(_covers(organisations, s) for s in o.person.schools.all())]
        if mine:
            plan.emails.append(_digest(Kind.HR_DIGEST, person, mine, key, today, "emails/hr_digest"))


def _plan_manager_digests(plan: Plan, today: datetime.date) -> None:
    overdue = list(_outstanding(today).filter(due_on__lt=today, person__line_manager__isnull=False)
                   .select_related("person__line_manager"))
    by_manager: dict[int, list[Obligation]] = defaultdict(list)
    for obligation in overdue:
        by_manager[obligation.person.line_manager_id].append(obligation)
    week = week_of(today)
    keys = {manager_id: f"person:{manager_id}:week:{week}" for manager_id in by_manager}
    sent = _sent_keys(Kind.MANAGER_DIGEST, list(keys.values()))
    for manager_id, owed in by_manager.items():
        manager = owed[0].person.line_manager
        if keys[manager_id] in sent or (manager.leave_date and manager.leave_date <= today):
            continue
        plan.emails.append(_digest(Kind.MANAGER_DIGEST, manager, owed, keys[manager_id], today,
                                   "emails/hr_digest"))


def _digest(kind, person, obligations, key, today, template) -> PlannedEmail:
    people = len({o.person_id for o in obligations})
    return PlannedEmail(
        kind=kind, recipient=person, template=template,
        subject=f"Weekly digest: {people} {'person has' if people == 1 else 'people have'} overdue sign-offs",
        context={"obligations": obligations, "today": today}, reminders=[PlannedReminder(kind, key)],
    )


def _active_people_with_role(role: str, today: datetime.date) -> list[tuple[Person, list]]:
    roles = (
        RoleAssignment.objects.filter(role=role)
        .filter(in_post_condition(today, via="person"))
        .select_related("person", "organisation")
    )
    grouped: dict[int, tuple[Person, list]] = {}
    for assignment in roles:
        grouped.setdefault(assignment.person_id, (assignment.person, []))[1].append(assignment.organisation)
    return list(grouped.values())


def _covers(organisations: list, organisation) -> bool:
    return any(org.pk == organisation.pk or (org.is_trust and organisation.trust_id == org.pk)
               for org in organisations)
