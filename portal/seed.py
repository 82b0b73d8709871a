"""A large synthetic trust for benchmarks: bulk inserts, no per-row Python
models beyond what bulk_create needs. Names and dates are deterministic."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from acknowledgements import chain, counts
from acknowledgements.models import Obligation, SignOff, SignOffRule, Viewing
from people.models import Organisation, Person, Role, RoleAssignment, StaffGroup, User
from policies.models import Category, Policy, PolicyVersion, content_hash

SEED_SLUG = "large-trust"
ALREADY_SEEDED = "The large trust is already seeded in this database; use a fresh database to seed again."
GROUPS = [StaffGroup.TEACHING] * 5 + [StaffGroup.SUPPORT] * 4 + [StaffGroup.LEADERSHIP]


@dataclass
class SeedReport:
    schools: int = 0
    staff: int = 0
    policies: int = 0
    obligations: int = 0
    sign_offs: int = 0


def seed_large_trust(*, schools: int, staff: int, policies: int, signed_share: float = 0.9,
                     batch: int = 1000, progress=None) -> SeedReport:
    if Organisation.objects.filter(slug=SEED_SLUG).exists():
        raise ValueError(ALREADY_SEEDED)
    rng = random.Random(20261125)  # noqa: S311  (synthetic data, not security)
    today = timezone.localdate()
    report = SeedReport()
    with transaction.atomic():
        trust = Organisation.objects.create(name="Large Demo Trust", slug=SEED_SLUG, kind="trust")
        school_rows = Organisation.objects.bulk_create([
            Organisation(name=f"School {n:03d}", slug=f"large-school-{n:03d}", kind="school", trust=trust)
            for n in range(1, schools + 1)])
        report.schools = len(school_rows)
        versions = _seed_policies(trust, policies, today)
        report.policies = len(versions)
        hr = Person.objects.create(first_name="Hana", last_name="Large", email="hr@large.example",
                                   staff_group=StaffGroup.SUPPORT, user=User.objects.create_user(
                                       "hr@large.example", "large-demo", first_name="Hana", last_name="Large"))
        hr.schools.set([trust])
        RoleAssignment.objects.create(person=hr, role=Role.HR, organisation=trust)
    for start in range(0, staff, batch):
        with transaction.atomic():
            made = _seed_staff(start, min(batch, staff - start), school_rows, versions, signed_share, rng, today)
        report.staff += made[0]
        report.obligations += made[1]
        report.sign_offs += made[2]
        if progress:
            progress(report)
    counts.rebuild(today=today)  # bulk inserts bypass the services that keep the counts
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics after a bulk load
    return report


def _seed_policies(trust, count: int, today) -> list[PolicyVersion]:
    versions = []
    for n in range(1, count + 1):
        policy = Policy.objects.create(organisation=trust, title=f"Policy {n:03d}", slug=f"large-policy-{n:03d}",
                                       category=list(Category.values)[n % len(Category.values)],
                                       review_cycle_months=24,
                                       next_review_on=today + datetime.timedelta(days=(n * 7) % 800 - 60))
        body = f"## 1. Purpose\n\n1.1 Policy {n} explains what staff must do.\n\n## 2. Duties\n\n2.1 Follow it."
        version = PolicyVersion.objects.create(
            policy=policy, label="1.0", status="published", body=body, reason="New policy",
            approved_on=today - datetime.timedelta(days=400), effective_on=today - datetime.timedelta(days=400),
            next_review_on=policy.next_review_on)
        policy.current_version = version
        policy.save(update_fields=["current_version"])
        SignOffRule.objects.create(policy=policy, staff_groups=[g.value for g in StaffGroup])
        versions.append(version)
    return versions


def _seed_staff(offset, count, schools, versions, signed_share, rng, today):
    people = Person.objects.bulk_create([
        Person(first_name=f"Staff{offset + n}", last_name=f"Member{(offset + n) % 977:03d}",
               email=f"staff{offset + n}@large.example", staff_group=GROUPS[(offset + n) % len(GROUPS)],
               job_title="Member of staff", start_date=today - datetime.timedelta(days=rng.randint(1, 3000)))
        for n in range(count)])
    through = Person.schools.through
    through.objects.bulk_create([through(person_id=p.pk, organisation_id=schools[i % len(schools)].pk)
                                 for i, p in enumerate(people)])
    signed, owed = [], []
    for person in people:
        for version in versions:
            started_before = person.start_date <= version.effective_on
            owed_since = version.effective_on if started_before else person.start_date
            due = owed_since + datetime.timedelta(days=30 if started_before else 14)
            if rng.random() < signed_share:
                signed.append((person, version, owed_since, due))
            else:
                owed.append((person, version, owed_since, due))
    now = timezone.now()
    opened = now - datetime.timedelta(minutes=5)  # a browser sign-off's text is opened first
    viewings = Viewing.objects.bulk_create([
        Viewing(person=p, version=v, content_hash=v.content_hash or content_hash(v.body), viewed_at=opened,
                user_agent="seed")
        for p, v, _, _ in signed], batch_size=10000)
    chain.seal_many(viewings)  # bulk_create skips save(), which seals
    sign_offs = SignOff.objects.bulk_create([
        SignOff(person=p, version=v, content_hash=v.content_hash or content_hash(v.body),
                statement=f"I confirm that I have read and understood the {v.policy.title}, version {v.label}.",
                signed_at=now, signed_on=min(today, due - datetime.timedelta(days=2)), method="browser",
                user_agent="seed", viewed_at=opened)
        for p, v, _, due in signed], batch_size=10000)
    chain.seal_many(sign_offs)  # bulk_create skips save(), which seals
    obligations = [
        Obligation(person=p, policy_id=v.policy_id, version=v, reason="new_version", owed_since=since, due_on=due,
                   status="signed", sign_off=s, closed_on=s.signed_on)
        for (p, v, since, due), s in zip(signed, sign_offs, strict=True)
    ] + [
        Obligation(person=p, policy_id=v.policy_id, version=v, reason="new_version", owed_since=since, due_on=due)
        for p, v, since, due in owed
    ]
    Obligation.objects.bulk_create(obligations, batch_size=10000)
    return len(people), len(obligations), len(sign_offs)
