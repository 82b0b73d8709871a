"""Database state for the inset-day load test (bench/load/run.sh).

A trust of a realistic size built by `portal.seed` (bulk inserts: background
staff, policies, obligations, 90% signed), plus one school, "Inset Day
Academy", whose 200 staff each owe two newly published policies, derived by
`acknowledgements.services.sync_obligations` exactly as in production. Three
HR officers sign in with passwords. Writes what the locustfile needs (emails,
passwords, single-use sign-in links) to a JSON file.

    python bench/load/prepare.py --output /tmp/creds.json [--staff 200]

Run it with the same SECRET_KEY as the server: sign-in links are signed with it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings_production")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from acknowledgements.models import Obligation, SignOffRule  # noqa: E402
from acknowledgements.services import sync_obligations  # noqa: E402
from people.models import Organisation, Person, Role, RoleAssignment, StaffGroup, User  # noqa: E402
from people.sign_in import sign_in_url  # noqa: E402
from policies.models import Category, Policy, PolicyVersion  # noqa: E402
from policies.services import publish_version  # noqa: E402
from portal.seed import SEED_SLUG, seed_large_trust  # noqa: E402
from reports import selectors  # noqa: E402

SCHOOL_SLUG = "inset-day-academy"
STAFF_PASSWORD = "inset-day-load-2026"  # noqa: S105  (a throwaway load-test database)
HR_PASSWORD = "large-demo"  # noqa: S105  (what portal.seed gives hr@large.example)
GROUPS = [StaffGroup.TEACHING, StaffGroup.TEACHING, StaffGroup.SUPPORT, StaffGroup.LEADERSHIP]
POLICIES = [
    ("inset-keeping-children-safe", "Keeping Children Safe Policy", Category.SAFEGUARDING),
    ("inset-staff-code-of-conduct", "Staff Code of Conduct", Category.HR),
]


def policy_body(title: str) -> str:
    clause = ("Staff must read this clause, follow it, and speak to the designated lead when anything in it "
              "is unclear or when they are worried about a pupil. ") * 3
    sections = []
    for n, heading in enumerate(["Purpose", "Scope", "Roles and responsibilities", "Recognising concerns",
                                 "Reporting concerns", "Record keeping", "Allegations about staff",
                                 "Training", "Monitoring and review"], start=1):
        clauses = "\n\n".join(f"{n}.{m} {clause}" for m in range(1, 4))
        sections.append(f"## {n}. {heading}\n\n{clauses}\n\n- first point\n- second point")
    return f"The {title} applies to everyone at Inset Day Academy.\n\n" + "\n\n".join(sections)


def prepare(*, staff: int, background_staff: int, background_schools: int, background_policies: int,
            base_url: str) -> dict:
    today = timezone.localdate()
    started = time.monotonic()
    seed = seed_large_trust(schools=background_schools, staff=background_staff, policies=background_policies)
    print(f"  background trust: {seed.schools} schools, {seed.staff} staff, {seed.policies} policies, "
          f"{seed.obligations} obligations ({seed.sign_offs} signed), {time.monotonic() - started:.0f} s")
    trust = Organisation.objects.get(slug=SEED_SLUG)
    password_hash = make_password(STAFF_PASSWORD)  # one PBKDF2 run, shared by every staff login
    with transaction.atomic():
        school = Organisation.objects.create(name="Inset Day Academy", slug=SCHOOL_SLUG, kind="school", trust=trust)
        hr_logins = [("hr@large.example", HR_PASSWORD)]
        for email, first, org in [("hr.trust2@large.example", "Tariq", trust),
                                  ("hr.inset@large.example", "Iris", school)]:
            user = User.objects.create_user(email, HR_PASSWORD, first_name=first, last_name="Officer")
            hr = Person.objects.create(first_name=first, last_name="Officer", email=email, user=user,
                                       staff_group=StaffGroup.SUPPORT, job_title="HR officer")
            hr.schools.set([org])
            RoleAssignment.objects.create(person=hr, role=Role.HR, organisation=org)
            hr_logins.append((email, HR_PASSWORD))
        users = User.objects.bulk_create([
            User(email=f"inset{n:03d}@large.example", password=password_hash, first_name=f"Inset{n:03d}",
                 last_name="Staff")
            for n in range(1, staff + 1)])
        people = Person.objects.bulk_create([
            Person(first_name=u.first_name, last_name=u.last_name, email=u.email, user=u,
                   staff_group=GROUPS[n % len(GROUPS)], job_title="Member of staff",
                   start_date=today - datetime.timedelta(days=400 + n))
            for n, u in enumerate(users)])
        through = Person.schools.through
        through.objects.bulk_create([through(person_id=p.pk, organisation_id=school.pk) for p in people])
        for slug, title, category in POLICIES:
            policy = Policy.objects.create(organisation=trust, title=title, slug=slug, category=category,
                                           review_cycle_months=12,
                                           next_review_on=today + datetime.timedelta(days=365))
            version = PolicyVersion.objects.create(
                policy=policy, label="1.0", status=PolicyVersion.Status.APPROVED, body=policy_body(title),
                reason="New policy for the inset day", approved_on=today - datetime.timedelta(days=7),
                effective_on=today - datetime.timedelta(days=2), next_review_on=policy.next_review_on)
            publish_version(version, on=version.effective_on)
            rule = SignOffRule.objects.create(policy=policy, staff_groups=[g.value for g in set(GROUPS)],
                                              new_version_days=30)
            rule.schools.set([school])
    for slug, _, _ in POLICIES:
        counts = sync_obligations(policy=Policy.objects.get(slug=slug), today=today)
        print(f"  {slug}: {counts['created']} obligations created by sync_obligations")
    owed = Obligation.objects.filter(person__in=people, status=Obligation.Status.OUTSTANDING).count()
    if owed != staff * len(POLICIES):
        raise SystemExit(f"expected {staff * len(POLICIES)} obligations for the inset staff, found {owed}")
    # What the worker does every 5 minutes: the dashboard reads these snapshots.
    for scope in selectors.hr_scopes():
        selectors.refresh_dashboard(scope)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # The links carry the portal's own address (PORTAL_BASE_URL); the load test
    # wants them relative to whatever --base-url it drives.
    links = {p.email: urlsplit(sign_in_url(p, next_url="/my/"))._replace(scheme="", netloc="").geturl()
             for p in people}
    print(f"  inset day: {staff} staff owing {len(POLICIES)} policies each, {len(hr_logins)} HR officers, "
          f"{Obligation.objects.filter(status=Obligation.Status.OUTSTANDING).count()} outstanding obligations "
          f"in the trust; {time.monotonic() - started:.0f} s in all")
    return {
        "base_url": base_url,
        "policies": [slug for slug, _, _ in POLICIES],
        "staff": [{"email": p.email, "password": STAFF_PASSWORD, "link": links[p.email]}
                  for p in people],
        "hr": [{"email": email, "password": password} for email, password in hr_logins],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", required=True, help="where to write the credentials (JSON)")
    parser.add_argument("--staff", type=int, default=200)
    parser.add_argument("--background-staff", type=int, default=2000)
    parser.add_argument("--background-schools", type=int, default=10)
    parser.add_argument("--background-policies", type=int, default=20)
    parser.add_argument("--base-url", default="http://127.0.0.1:8765")
    args = parser.parse_args()
    data = prepare(staff=args.staff, background_staff=args.background_staff,
                   background_schools=args.background_schools, background_policies=args.background_policies,
                   base_url=args.base_url)
    output = Path(args.output)
    output.write_text(json.dumps(data, indent=1), encoding="utf-8")
    output.chmod(0o600)
    print(f"  credentials for {len(data['staff'])} staff and {len(data['hr'])} HR officers in {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
