"""Changes to sign-offs and obligations. Each public function is one
transaction and safe to run twice. Every change to obligations keeps the
kept counts (acknowledgements.counts) in the same transaction: updates
through ObligationQuerySet, bulk_create inside counts.tracking."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from acknowledgements import chain, counts, rules
from acknowledgements.models import Exemption, Obligation, SignOff, SignOffRule
from acknowledgements.quiz import has_check, passed_attempt
from acknowledgements.selectors import outstanding_for, paper_versions_for
from acknowledgements.signed_text import TextToSign, text_to_sign, variant_ids_by_group
from acknowledgements.viewings import viewing_for
from people.models import Organisation, Person, User
from people.selectors import has_left
from policies.models import Policy, PolicyVersion
from portal.browsers import browser_words

STATEMENT = "I confirm that I have read and understood the {policy}, version {version}."
ALREADY_SIGNED = "You have already signed version {version} of the {policy}."
NOT_CURRENT = "This version is no longer current. Please read and sign the current version."
NOT_YOURS_TO_SIGN = (
    "This policy is not one you are asked to sign: it is neither owed by you nor published to your staff group "
    "at your school, so no sign-off can be recorded for it."
)
LEFT_NOTHING_TO_SIGN = "You have left, so there is nothing for you to sign."
PAPER_NOT_OWED = (
    "A paper sign-off can be recorded only for a version this person owes or owed, of a policy of their own "
    "school (or the trust) that you manage."
)
PAPER_BEFORE_PUBLICATION = (
    "The date on the form ({signed_on:%-d %B %Y}) is before this version was published ({published:%-d %B %Y}); "
    "check the form and the version."
)
PAPER_IN_FUTURE = "The date signed cannot be in the future."
NOT_OPENED = "Open and read the policy before you sign it: the text is on this page."
CHECK_NOT_PASSED = (
    "Answer the check of understanding correctly before you sign: the questions are after the policy's text."
)


class SignOffRefused(ValueError):
    """A sign-off the rules do not allow; the message is for the user."""


def statement_for(version: PolicyVersion, text: TextToSign | None = None) -> str:
    """The words the person confirms, naming exactly what they read: the
    variant for their audience and their school's copy, when either applies."""
    label = version.label
    if text is not None and text.variant is not None:
        label += f" ({text.variant.title})"
    if text is not None and text.adoption is not None:
        label += f", as adopted by {text.adoption.school.name}"
    return STATEMENT.format(policy=version.policy.title, version=label)


def people_covered(policy: Policy, rule: SignOffRule, *, today: datetime.date):
    """Everyone the rule applies to who has not left."""
    people = Person.objects.in_post(on=today).filter(staff_group__in=rule.staff_groups)
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


# People synced per pass when a list is given: keeps each IN (...) well under
# SQLite's bound-parameter limit and each transaction short.
SYNC_PEOPLE_PER_PASS = 5_000


def sync_obligations(
    *, policy: Policy | None = None, person: Person | None = None, people: Collection[int] | None = None,
    today: datetime.date | None = None, dry_run: bool = False,
) -> dict[str, int]:
    """Bring the obligations table in line with the rules: create what is
    owed (a new row when owed again: a closed obligation stays closed), close
    what is no longer owed with its reason (Obligation.ClosedReason); what it
    leaves outstanding equals acknowledgements.owed.owed_from_scratch. Idempotent.
    `person` or `people` (their ids: a staff import's new and changed people)
    limits the work to them, whatever the size of the rest of the trust.
    With dry_run the counts say what would be done and nothing is written: the
    same code runs in a transaction that is rolled back, so the forecast cannot
    drift from the real thing."""
    today = today or timezone.localdate()
    if person is not None:
        people = [person.pk]
    if not dry_run:
        return _sync(policy=policy, people=people, today=today)
    with transaction.atomic():
        counts = _sync(policy=policy, people=people, today=today)
        transaction.set_rollback(True)
    return counts


def _sync(*, policy: Policy | None, people: Collection[int] | None, today: datetime.date) -> dict[str, int]:
    counts = {"created": 0, "reopened": 0, "withdrawn": 0}
    policies = Policy.objects.filter(sign_off_rule__isnull=False, current_version__isnull=False)
    if policy is not None:
        policies = policies.filter(pk=policy.pk)
    batches = [None] if people is None else _batches(sorted(set(people)), SYNC_PEOPLE_PER_PASS)
    for person_ids in batches:
        for each in policies.select_related("sign_off_rule", "current_version", "organisation"):
            with transaction.atomic():
                _sync_policy(each, person_ids=person_ids, today=today, counts=counts)
        counts["withdrawn"] += _withdraw(_without_a_rule(policy=policy, person_ids=person_ids), today,
                                         reason=Obligation.ClosedReason.POLICY_RETIRED)
    return counts


def _without_a_rule(*, policy: Policy | None, person_ids: list[int] | None) -> QuerySet[Obligation]:
    """Open obligations, in scope, of a policy that no longer has a rule or a
    current version (a rule deleted in the admin): nobody owes those."""
    open_ = Obligation.objects.filter(status=Obligation.Status.OUTSTANDING).exclude(
        policy__in=Policy.objects.filter(sign_off_rule__isnull=False, current_version__isnull=False)
    )
    if policy is not None:
        open_ = open_.filter(policy=policy)
    if person_ids is not None:
        open_ = open_.filter(person_id__in=person_ids)
    return open_


def _batches(ids: list[int], size: int) -> list[list[int]]:
    return [ids[start:start + size] for start in range(0, len(ids), size)]


def _sync_policy(policy: Policy, *, person_ids: list[int] | None, today: datetime.date, counts: dict) -> None:
    rule, current = policy.sign_off_rule, policy.current_version
    covered = people_covered(policy, rule, today=today)
    if person_ids is not None:
        covered = covered.filter(pk__in=person_ids)
    major_published_on = first_published_on(current)
    signed = defaultdict(list)
    sign_offs = SignOff.objects.filter(version__policy=policy)
    if person_ids is not None:
        sign_offs = sign_offs.filter(person_id__in=person_ids)
    for person_id, major, on, period in sign_offs.values_list("person_id", "version__major", "signed_on", "period"):
        signed[person_id].append((major, on, period))
    for person_id, entry in exempted_as_signed(policy=policy, person_ids=person_ids):
        signed[person_id].append(entry)
    existing = Obligation.objects.filter(policy=policy, status=Obligation.Status.OUTSTANDING).annotate(
        version_major=F("version__major"))
    if person_ids is not None:
        existing = existing.filter(person_id__in=person_ids)
    open_by_person = {o.person_id: o for o in existing}
    wanted_keys = set()
    to_create = []
    later_due: dict[datetime.date, list[int]] = defaultdict(list)
    variant_by_group = variant_ids_by_group(rule, current)
    moved_variant: dict[int | None, list[int]] = defaultdict(list)
    for each in covered:
        owed = rules.owed(person=each, policy=policy, rule=rule, current=current,
                          major_published_on=major_published_on, signed=signed[each.pk], today=today)
        if owed is None:
            continue
        wanted_keys.add(each.pk)
        variant_id = variant_by_group.get(each.staff_group)
        current_open = open_by_person.get(each.pk)
        if current_open and (current_open.version_id, current_open.period) == (owed.version_id, owed.period):
            if owed.due_on > current_open.due_on:
                later_due[owed.due_on].append(current_open.pk)
            if current_open.variant_id != variant_id:  # the rule's mapping changed: owe the text it now names
                moved_variant[variant_id].append(current_open.pk)
            continue
        to_create.append(Obligation(person=each, policy=policy, version_id=owed.version_id, period=owed.period,
                                    reason=owed.reason, owed_since=owed.owed_since, due_on=owed.due_on,
                                    variant_id=variant_id))
    replaced = {c.person_id: c for c in to_create}
    stale = {pid: o for pid, o in open_by_person.items() if pid not in wanted_keys or pid in replaced}
    for reason, pks in _closed_reasons(stale, replaced, current=current, today=today).items():
        counts["withdrawn"] += _withdraw(Obligation.objects.filter(pk__in=pks), today, reason=reason)
    created, reopened = _create_or_reopen(policy, to_create)
    counts["created"] += created
    counts["reopened"] += reopened
    _extend_due_dates(later_due)
    for variant_id, pks in moved_variant.items():
        Obligation.objects.filter(pk__in=pks, status=Obligation.Status.OUTSTANDING).update(variant_id=variant_id)


def _extend_due_dates(later_due: dict[datetime.date, list[int]]) -> None:
    """A rule's window made longer moves open obligations' due dates later. A
    shorter one never moves them earlier (nobody becomes overdue because a rule
    changed after they were asked): it applies to obligations opened after
    the change. So an open obligation's due date only ever grows."""
    for due_on, pks in later_due.items():
        Obligation.objects.filter(pk__in=pks).update(due_on=due_on)


def _closed_reasons(stale: dict[int, Obligation], replaced: dict[int, Obligation], *, current: PolicyVersion,
                    today: datetime.date) -> dict[str, list[int]]:
    """Why each open obligation sync closes ends unsigned (its negative
    receipt): owed again for a newer major version (superseded) or for another
    version or year of the same major (reassigned); otherwise its person has
    left, or the rule no longer names them."""
    reasons: dict[str, list[int]] = defaultdict(list)
    gone = [pid for pid in stale if pid not in replaced]
    in_post = set(Person.objects.in_post(on=today).filter(pk__in=gone).values_list("pk", flat=True)) if gone else set()
    for pid, obligation in stale.items():
        if pid in replaced:
            reason = (Obligation.ClosedReason.SUPERSEDED if obligation.version_major < current.major
                      else Obligation.ClosedReason.REASSIGNED)
        elif pid not in in_post:
            reason = Obligation.ClosedReason.LEFT
        else:
            reason = Obligation.ClosedReason.NOT_IN_GROUP
        reasons[reason].append(obligation.pk)
    return reasons


def exempted_as_signed(*, policy: Policy, person_ids: Collection[int] | None = None
                       ) -> list[tuple[int, tuple[int, datetime.date, str]]]:
    """HR's exemptions from the policy that still stand, as (person id,
    (major, date, period)) entries for rules.owed's `signed`: an exempted
    obligation is not owed again until HR owes it again
    (acknowledgements.exemptions.owe_again), which makes a newer obligation for
    the same person, version and period and so ends the exemption's effect."""
    owed_again = Obligation.objects.filter(person_id=OuterRef("person_id"), version_id=OuterRef("version_id"),
                                           period=OuterRef("period"), pk__gt=OuterRef("obligation_id"))
    standing = Exemption.objects.filter(version__policy=policy).exclude(Exists(owed_again))
    if person_ids is not None:
        standing = standing.filter(person_id__in=person_ids)
    return [(person_id, (major, closed_on, period)) for person_id, major, closed_on, period in standing.values_list(
        "person_id", "version__major", "obligation__closed_on", "period")]


def _create_or_reopen(policy: Policy, obligations: list[Obligation]) -> tuple[int, int]:
    """New obligations: one row per person, version and period. A closed
    obligation is never reopened (it is history, with its reason): owed
    again (a rule put back, a leave date corrected) is a new row, counted as
    reopened. Returns (created, reopened)."""
    closed = set(
        Obligation.objects.filter(
            policy=policy, status=Obligation.Status.WITHDRAWN,
            version_id__in={o.version_id for o in obligations},
        ).values_list("person_id", "version_id", "period")
    ) if obligations else set()
    again = sum(1 for o in obligations if (o.person_id, o.version_id, o.period) in closed)
    # bulk_create cannot say which rows it wrote (ignore_conflicts), so the
    # kept counts follow these people's obligations of the policy around it.
    with counts.tracking(people={o.person_id for o in obligations}, policy_id=policy.pk):
        Obligation.objects.bulk_create(obligations, ignore_conflicts=True)
    return len(obligations) - again, again


def _withdraw(obligations, today: datetime.date, *, reason: str) -> int:
    """Close open obligations unsigned, saying why (Obligation.ClosedReason)."""
    return obligations.update(status=Obligation.Status.WITHDRAWN, closed_on=today, closed_reason=reason)


def first_published_on(version: PolicyVersion) -> datetime.date:
    """When the first version of this major number took effect: a minor
    revision does not restart the clock."""
    first = (
        PolicyVersion.objects.filter(policy_id=version.policy_id, major=version.major,
                                     status__in=PolicyVersion.LOCKED_STATUSES)
        .aggregate(on=Min("effective_on"))["on"]
    )
    return first or version.effective_on or version.approved_on or timezone.localdate()


def may_sign(person: Person, version: PolicyVersion, *, today: datetime.date | None = None) -> bool:
    """Whether the person may sign the version themselves: they have not left,
    and they owe it, or it is published to their audience (the sign-off rule
    covers them, or without a rule their staff group at one of their schools).
    A sign-off is permanent evidence, so nobody signs what is not theirs."""
    today = today or timezone.localdate()
    if has_left(person):
        return False
    owes = Obligation.objects.filter(person=person, policy_id=version.policy_id,
                                     status=Obligation.Status.OUTSTANDING).exists()
    return owes or _in_audience(person, version.policy, today)


def _in_audience(person: Person, policy: Policy, today: datetime.date) -> bool:
    rule = SignOffRule.objects.filter(policy=policy).first()
    if rule is not None:
        return people_covered(policy, rule, today=today).filter(pk=person.pk).exists()
    schools = list(person.schools.all())
    orgs = {s.pk for s in schools} | {s.the_trust.pk for s in schools}
    return policy.organisation_id in orgs and person.staff_group in (policy.audiences or [])


def published_on(version: PolicyVersion) -> datetime.date:
    return version.effective_on or version.approved_on or timezone.localdate(version.created_at)


def record_paper_sign_off(
    *, person: Person, version: PolicyVersion, signed_on: datetime.date, recorded_by: User, note: str = "",
    today: datetime.date | None = None, ip_address: str | None = None, user_agent: str = "",
) -> tuple[SignOff, bool]:
    """HR records a signed paper form. Raises SignOffRefused for a version the
    person never owed or that HR does not manage, or for a date before the
    version was published or after today: paper must not backdate evidence."""
    today = today or timezone.localdate()
    if not paper_versions_for(person, recorder=recorded_by).filter(pk=version.pk).exists():
        raise SignOffRefused(PAPER_NOT_OWED)
    if signed_on > today:
        raise SignOffRefused(PAPER_IN_FUTURE)
    published = published_on(version)
    if signed_on < published:
        raise SignOffRefused(PAPER_BEFORE_PUBLICATION.format(signed_on=signed_on, published=published))
    return _record(person=person, version=version, method=SignOff.Method.RECORDED_BY_HR, recorded_by=recorded_by,
                   signed_on=signed_on, note=note, ip_address=ip_address, user_agent=user_agent)


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
    session_began_with: str = "",
    obligation: Obligation | None = None,
) -> tuple[SignOff, bool]:
    """Record that the person read and understood the version. Returns the
    sign-off and whether it is new: signing twice returns the first. Raises
    SignOffRefused when a person signs what is not theirs to sign, and, in
    the browser, before they have opened the text (NOT_OPENED: a Viewing for
    the version and the obligation's period) or passed its check of
    understanding (CHECK_NOT_PASSED); the sign-off copies both.

    `obligation` is the person's outstanding obligation for this version
    when the caller has read it already (the sign page): it saves reading it
    again, and is used only if it is exactly that.

    A paper method here is for trusted callers loading history (the demo
    data); HR's paper forms go through record_paper_sign_off, which checks
    the version and the date."""
    if version.status != PolicyVersion.Status.PUBLISHED:
        raise ValueError(NOT_CURRENT)
    obligation = _outstanding(person, version, obligation)
    if method == SignOff.Method.BROWSER:
        if has_left(person):
            raise SignOffRefused(LEFT_NOTHING_TO_SIGN)
        if obligation is None and not may_sign(person, version):  # owing this version is leave enough
            raise SignOffRefused(NOT_YOURS_TO_SIGN)
    return _record(person=person, version=version, method=method, recorded_by=recorded_by, signed_on=signed_on,
                   note=note, ip_address=ip_address, user_agent=user_agent, session_began_with=session_began_with,
                   obligation=obligation)


def _outstanding(person: Person, version: PolicyVersion, given: Obligation | None) -> Obligation | None:
    """The person's outstanding obligation for exactly this version: the one
    the caller read, if it is that, else read now (with its variant)."""
    if (given is not None and given.person_id == person.pk and given.version_id == version.pk
            and given.status == Obligation.Status.OUTSTANDING):
        return given
    return outstanding_for(person, version)


def _record(
    *,
    person: Person,
    version: PolicyVersion,
    method: str = SignOff.Method.BROWSER,
    recorded_by: User | None = None,
    signed_on: datetime.date | None = None,
    note: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
    session_began_with: str = "",
    obligation: Obligation | None = None,
) -> tuple[SignOff, bool]:
    if version.status != PolicyVersion.Status.PUBLISHED:
        raise ValueError(NOT_CURRENT)
    now = timezone.now()
    obligation = _outstanding(person, version, obligation)
    period = obligation.period if obligation else ""
    if obligation is None:
        # An outstanding obligation means no sign-off of its period yet (signing
        # closes it); the unique constraint below still has the last word.
        existing = _existing_sign_off(person, version, period)
        if existing is not None:
            return existing, False
    text = text_to_sign(person, version, obligation=obligation)
    evidence = _browser_evidence(person, version, period, text) if method == SignOff.Method.BROWSER else {}
    try:
        # Sealed as the last write (chain.sealing_last): the chain's head is locked only until the commit.
        with transaction.atomic(), chain.sealing_last():
            sign_off = SignOff.objects.create(
                person=person, version=version, **text.pins,
                statement=statement_for(version, text), period=period, signed_at=now,
                signed_on=signed_on or timezone.localdate(now), method=method, recorded_by=recorded_by,
                note=note, ip_address=ip_address, user_agent=browser_words(user_agent),
                session_began_with=session_began_with, **evidence,
            )
            Obligation.objects.filter(
                person=person, policy_id=version.policy_id, status=Obligation.Status.OUTSTANDING,
                version__major=version.major, period=period,
            ).update(status=Obligation.Status.SIGNED, sign_off=sign_off, closed_on=sign_off.signed_on)
    except IntegrityError:  # two tabs at once: the other request won
        return SignOff.objects.get(person=person, version=version, period=period), False
    return sign_off, True


def _browser_evidence(person: Person, version: PolicyVersion, period: str, text: TextToSign) -> dict:
    """What a browser sign-off needs first and copies: the first opening of
    the very text signed, and the attempt that passed the check of
    understanding (paper forms need neither: HR saw the signed paper)."""
    viewing = viewing_for(person, version, period, text.content_hash)
    if viewing is None:
        raise SignOffRefused(NOT_OPENED)
    evidence = {"viewed_at": viewing.viewed_at}
    if has_check(version):
        passed = passed_attempt(person, version, period)
        if passed is None:
            raise SignOffRefused(CHECK_NOT_PASSED)
        evidence.update(quiz_attempts=passed.number, quiz_answers=passed.answers)
    return evidence


def _existing_sign_off(person: Person, version: PolicyVersion, period: str) -> SignOff | None:
    return SignOff.objects.filter(person=person, version=version, period=period).first()


def set_sign_off_rule(
    policy: Policy, *, staff_groups: list[str], schools: list[Organisation] | None = None, **days
) -> SignOffRule:
    rule, _ = SignOffRule.objects.update_or_create(policy=policy, defaults={"staff_groups": staff_groups, **days})
    rule.schools.set(schools or [])  # the receivers resync the policy once this commits
    return rule
