"""Changes to sign-offs and obligations. Each public function is one
transaction and safe to run twice."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.utils import timezone

from acknowledgements import rules
from acknowledgements.models import Obligation, SignOff, SignOffRule
from people.models import Organisation, Person, User
from policies.models import Policy, PolicyVersion

STATEMENT = "I confirm that I have read and understood the {policy}, version {version}."
ALREADY_SIGNED = "You have already signed version {version} of the {policy}."
NOT_CURRENT = "This version is no longer current. Please read and sign the current version."


def statement_for(version: PolicyVersion) -> str:
    return STATEMENT.format(policy=version.policy.title, version=version.label)


def people_covered(policy: Policy, rule: SignOffRule, *, today: datetime.date):
    """Everyone the rule applies to who has not left."""
    people = Person.objects.filter(staff_group__in=rule.staff_groups).filter(
        Q(leave_date__isnull=True) | Q(leave_date__gt=today)
    )
    schools = list(rule.schools.all())
    if schools:
        people = people.filter(schools__in=schools)
    elif policy.organisation.is_trust:
        people = people.filter(
            Q(schools=policy.organisation) | Q(schools__trust=policy.organisation)
        )
    else:
        people = people.filter(schools=policy.organisation)
    return people.distinct()


def sync_obligations(
    *, policy: Policy | None = None, person: Person | None = None, today: datetime.date | None = None
) -> dict[str, int]:
    """Bring the obligations table in line with the rules: create what is
    owed, withdraw what is no longer owed. Idempotent."""
    today = today or timezone.localdate()
    counts = {"created": 0, "withdrawn": 0}
    policies = Policy.objects.filter(sign_off_rule__isnull=False, current_version__isnull=False)
    if policy is not None:
        policies = policies.filter(pk=policy.pk)
    for each in policies.select_related("sign_off_rule", "current_version", "organisation"):
        with transaction.atomic():
            _sync_policy(each, person=person, today=today, counts=counts)
    if person is not None:
        counts["withdrawn"] += _withdraw(
            Obligation.objects.filter(person=person, status=Obligation.Status.OUTSTANDING)
            .exclude(policy__in=policies), today
        )
    return counts


def _sync_policy(policy: Policy, *, person: Person | None, today: datetime.date, counts: dict) -> None:
    rule, current = policy.sign_off_rule, policy.current_version
    covered = people_covered(policy, rule, today=today)
    if person is not None:
        covered = covered.filter(pk=person.pk)
    major_published_on = _major_published_on(current)
    signed = defaultdict(list)
    sign_offs = SignOff.objects.filter(version__policy=policy)
    if person is not None:
        sign_offs = sign_offs.filter(person=person)
    for person_id, major, on, period in sign_offs.values_list("person_id", "version__major", "signed_on", "period"):
        signed[person_id].append((major, on, period))
    existing = Obligation.objects.filter(policy=policy, status=Obligation.Status.OUTSTANDING)
    if person is not None:
        existing = existing.filter(person=person)
    open_by_person = {o.person_id: o for o in existing}
    wanted_keys = set()
    to_create = []
    for each in covered:
        owed = rules.owed(person=each, policy=policy, rule=rule, current=current,
                          major_published_on=major_published_on, signed=signed[each.pk], today=today)
        if owed is None:
            continue
        wanted_keys.add(each.pk)
        current_open = open_by_person.get(each.pk)
        if current_open and (current_open.version_id, current_open.period) == (owed.version_id, owed.period):
            continue
        to_create.append(Obligation(person=each, policy=policy, version_id=owed.version_id, period=owed.period,
                                    reason=owed.reason, owed_since=owed.owed_since, due_on=owed.due_on))
    replaced = {c.person_id for c in to_create}
    stale = [o.pk for pid, o in open_by_person.items() if pid not in wanted_keys or pid in replaced]
    counts["withdrawn"] += _withdraw(Obligation.objects.filter(pk__in=stale), today)
    counts["created"] += _create_or_reopen(policy, to_create)


def _create_or_reopen(policy: Policy, obligations: list[Obligation]) -> int:
    """New obligations, or withdrawn ones owed again (a rule put back, a
    leave date corrected) reopened: one row per person, version and period."""
    withdrawn = {
        (o.person_id, o.version_id, o.period): o.pk
        for o in Obligation.objects.filter(
            policy=policy, status=Obligation.Status.WITHDRAWN,
            version_id__in={o.version_id for o in obligations},
        )
    }
    reopen = [o for o in obligations if (o.person_id, o.version_id, o.period) in withdrawn]
    for each in reopen:
        Obligation.objects.filter(pk=withdrawn[(each.person_id, each.version_id, each.period)]).update(
            status=Obligation.Status.OUTSTANDING, closed_on=None, reason=each.reason,
            owed_since=each.owed_since, due_on=each.due_on,
        )
    fresh = [o for o in obligations if (o.person_id, o.version_id, o.period) not in withdrawn]
    Obligation.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(obligations)


def _withdraw(obligations, today: datetime.date) -> int:
    return obligations.update(status=Obligation.Status.WITHDRAWN, closed_on=today)


def _major_published_on(version: PolicyVersion) -> datetime.date:
    """When the first version of this major number took effect: a minor
    revision does not restart the clock."""
    first = (
        PolicyVersion.objects.filter(policy_id=version.policy_id, major=version.major,
                                     status__in=PolicyVersion.LOCKED_STATUSES)
        .aggregate(on=Min("effective_on"))["on"]
    )
    return first or version.effective_on or version.approved_on or timezone.localdate()


def record_sign_off(
    *,
    person: Person,
    version: PolicyVersion,
    method: str = SignOff.Method.BROWSER,
    recorded_by: User | None = None,
    signed_on: datetime.date | None = None,
    note: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
) -> tuple[SignOff, bool]:
    """Record that the person read and understood the version. Returns the
    sign-off and whether it is new: signing twice returns the first."""
    if version.status != PolicyVersion.Status.PUBLISHED:
        raise ValueError(NOT_CURRENT)
    now = timezone.now()
    obligation = (
        Obligation.objects.filter(person=person, version=version, status=Obligation.Status.OUTSTANDING).first()
    )
    period = obligation.period if obligation else ""
    existing = _existing_sign_off(person, version, period)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            sign_off = SignOff.objects.create(
                person=person, version=version, content_hash=version.content_hash,
                statement=statement_for(version), period=period, signed_at=now,
                signed_on=signed_on or timezone.localdate(now), method=method, recorded_by=recorded_by,
                note=note, ip_address=ip_address, user_agent=user_agent[:500],
            )
            Obligation.objects.filter(
                person=person, policy_id=version.policy_id, status=Obligation.Status.OUTSTANDING,
                version__major=version.major, period=period,
            ).update(status=Obligation.Status.SIGNED, sign_off=sign_off, closed_on=sign_off.signed_on)
    except IntegrityError:  # two tabs at once: the other request won
        return SignOff.objects.get(person=person, version=version, period=period), False
    return sign_off, True


def _existing_sign_off(person: Person, version: PolicyVersion, period: str) -> SignOff | None:
    return SignOff.objects.filter(person=person, version=version, period=period).first()


def set_sign_off_rule(
    policy: Policy, *, staff_groups: list[str], schools: list[Organisation] | None = None, **days
) -> SignOffRule:
    rule, _ = SignOffRule.objects.update_or_create(policy=policy, defaults={"staff_groups": staff_groups, **days})
    rule.schools.set(schools or [])
    transaction.on_commit(lambda: sync_obligations(policy=policy))
    return rule
