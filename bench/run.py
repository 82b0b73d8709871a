"""`make bench`: the figures that matter, as medians against budgets.

Never part of `make test`. Uses DATABASE_URL if set, otherwise a throwaway
SQLite database, and a throwaway media folder, so it leaves your data alone.
Prints one line per figure: name, median, budget.
"""

from __future__ import annotations

import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="policy-portal-bench-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK / 'bench.sqlite3'}")
os.environ["MEDIA_ROOT"] = str(WORK / "media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402


def median_ms(action, runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def report(name: str, value: float, budget: float, unit: str = "ms", *, at_least: bool = False) -> bool:
    ok = value >= budget if at_least else value <= budget
    print(f"{name:<34} median {value:9.1f} {unit:<3} budget {budget:8.0f} {unit:<3} {'ok' if ok else 'OVER BUDGET'}")
    return ok


def twenty_page_policy():
    from people.models import Organisation
    from policies.models import Category, Policy, PolicyVersion
    from policies.services import publish_version

    trust, _ = Organisation.objects.get_or_create(slug="bench-trust", defaults={"name": "Bench Trust",
                                                                               "kind": "trust"})
    clause = ("Staff must read this clause, follow it, and ask their line manager when anything in it is unclear. "
              * 6)
    sections = []
    for n in range(1, 19):
        clauses = "\n\n".join(f"{n}.{m} {clause}" for m in range(1, 6))
        sections.append(f"## {n}. Section {n}\n\n{clauses}\n\n- first point\n- second point\n- third point")
    policy, _ = Policy.objects.get_or_create(slug="bench-twenty-pages", defaults={
        "title": "Twenty Page Benchmark Policy", "organisation": trust, "category": Category.GOVERNANCE,
        "review_cycle_months": 24})
    version = policy.versions.first() or PolicyVersion.objects.create(
        policy=policy, label="1.0", status="approved", body="\n\n".join(sections), reason="Benchmark")
    if version.status != "published":
        publish_version(version)
    version.refresh_from_db()
    return version


def bare_ms(action, runs: int = 5) -> float:
    return median_ms(action, runs)


def ratio(page: float, sql: float) -> str:
    return f"page/SQL {page / sql:5.1f}x" if sql else ""


def large_trust_figures() -> list[bool]:
    """Figures on the seeded large trust (seed_demo), PostgreSQL only."""
    import concurrent.futures
    import tracemalloc

    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from acknowledgements.models import Obligation
    from people.models import Organisation, Person, User
    from reminders.services import send_reminders
    from reports import exports, selectors
    from reports.columns import as_rows
    from reports.permissions import scope_schools

    trust = Organisation.objects.filter(slug="large-trust").first()
    if trust is None or connection.vendor != "postgresql":
        print("# large-trust figures skipped: run `manage.py seed_demo` on a PostgreSQL DATABASE_URL first")
        return []
    school_ids = scope_schools([trust])
    obligations = Obligation.objects.filter(person__schools__in=school_ids).count()
    print(f"# large trust: {Person.objects.filter(schools__in=school_ids).count()} staff, {obligations} obligations")
    results = []
    plain_static = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
                    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    with override_settings(STORAGES=plain_static):
        hr = Client()
        hr.force_login(User.objects.get(email="hr@large.example"))
        results.append(report("dashboard refresh (worker, 1 scope)",
                              median_ms(lambda: selectors.refresh_dashboard(school_ids), 1), 60000))
        dash = median_ms(lambda: hr.get("/reports/"), 5)
        dash_sql = bare_ms(lambda: selectors.dashboard(school_ids))
        results.append(report("dashboard", dash, 300))
        print(f"{'':34} bare SQL {dash_sql:7.1f} ms  {ratio(dash, dash_sql)} (reads the worker's snapshot)")
        first = median_ms(lambda: hr.get("/reports/outstanding/"), 5)
        rows = selectors.outstanding(school_ids, selectors.OutstandingFilters())
        first_sql = bare_ms(lambda: (rows.count(), list(rows.select_related("person", "policy", "version")[:50])))
        results.append(report("outstanding list, first page", first, 300))
        print(f"{'':34} bare SQL {first_sql:7.1f} ms  {ratio(first, first_sql)}")

        speeds = []
        for _ in range(3):  # throughput without tracemalloc, which slows Python several times over
            start = time.perf_counter()
            exported = sum(1 for _ in exports.csv_lines(as_rows(rows))) - 1
            speeds.append(exported / (time.perf_counter() - start))
        tracemalloc.start()
        sum(1 for _ in exports.csv_lines(as_rows(rows)))
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        results.append(report("csv export", statistics.median(speeds), 50000, "r/s", at_least=True))
        print(f"{'':34} {exported} rows, peak Python memory {peak:.1f} MB (tracemalloc, separate run)")

        staff = list(Person.objects.filter(schools__in=school_ids, obligations__status="outstanding")
                     .distinct()[:50])
        for person in staff:
            if person.user_id is None:
                person.user = User.objects.create_user(person.email, None)
                person.save(update_fields=["user"])
        mine = Client()
        mine.force_login(staff[0].user)
        results.append(report("my policies page", median_ms(lambda: mine.get("/my/"), 5), 300))

        def sign(person) -> float:
            client = Client()
            client.force_login(person.user)
            owed = person.obligations.filter(status="outstanding").select_related("policy").first()
            began = time.perf_counter()
            client.post(f"/my/sign/{owed.policy.slug}/", {"version": owed.version_id, "confirm": "on"})
            return (time.perf_counter() - began) * 1000

        with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
            latencies = sorted(pool.map(sign, staff))
        results.append(report("sign-off POST, 50 concurrent (median)", statistics.median(latencies), 500))
        results.append(report("sign-off POST, 50 concurrent (p95)", latencies[int(len(latencies) * 0.95) - 1], 1500))
        results.append(report("reminder run, dry (20,000 staff)", median_ms(
            lambda: send_reminders(dry_run=True), 1), 120000))
    return results


def bench_policies(trust, *, count: int) -> list:
    """Published policies every staff group must sign, so an import pays for
    the obligations its new people bring."""
    from acknowledgements.models import SignOffRule
    from people.models import StaffGroup
    from policies.models import Policy, PolicyVersion

    policies = []
    for n in range(1, count + 1):
        policy, created = Policy.objects.get_or_create(
            slug=f"bench-policy-{n}", defaults={"organisation": trust, "title": f"Bench policy {n}",
                                                "category": "it", "review_cycle_months": 24})
        if created:
            version = PolicyVersion.objects.create(
                policy=policy, label="1.0", status="published", body=f"## 1. Purpose\n\n1.1 Bench policy {n}.",
                approved_on=datetime.date(2024, 9, 1), effective_on=datetime.date(2024, 9, 1))
            policy.current_version = version
            policy.save(update_fields=["current_version"])
            SignOffRule.objects.create(policy=policy, staff_groups=[g.value for g in StaffGroup])
        policies.append(policy)
    return policies


def staff_import_figures() -> list[bool]:
    """A 20,000-row staff CSV (new starters at two schools, one in ten with a
    line manager in the file) at a trust whose five policies every staff
    group must sign, beside its floor: bulk_create of the same people, their
    schools and their 100,000 obligations, without checks, history or rules."""
    from django.db import transaction

    from acknowledgements.models import Obligation
    from people.models import Organisation, Person
    from people.staff_import import import_staff_csv

    trust, _ = Organisation.objects.get_or_create(slug="bench-trust", defaults={"name": "Bench Trust",
                                                                               "kind": "trust"})
    schools = [Organisation.objects.get_or_create(slug=slug, defaults={"name": slug, "kind": "school",
                                                                       "trust": trust})[0]
               for slug in ("bench-a", "bench-b")]
    lines = ["Staff ID,First name,Last name,Work email,School,Staff group,Job title,Start date,Line manager"]
    lines += [f"B{n},First{n},Last{n},p{n}@bench.example,{schools[n % 2].slug},Teacher,Teacher,01/09/2024,"
              + (f"p{n // 10 * 10}@bench.example" if n % 10 else "") for n in range(20_000)]
    data = ("\n".join(lines) + "\n").encode()

    def clear() -> None:
        Obligation.objects.filter(person__email__endswith="@bench.example").delete()
        Person.objects.filter(email__endswith="@bench.example").delete()
        Person.history.filter(email__endswith="@bench.example").delete()

    def floor() -> None:
        with transaction.atomic():
            people = Person.objects.bulk_create(
                [Person(first_name=f"First{n}", last_name=f"Last{n}", email=f"p{n}@bench.example",
                        staff_id=f"B{n}", staff_group="teaching") for n in range(20_000)], batch_size=1000)
            Person.schools.through.objects.bulk_create(
                [Person.schools.through(person_id=p.pk, organisation_id=schools[n % 2].pk)
                 for n, p in enumerate(people)], batch_size=1000)
            today = datetime.date(2026, 1, 5)
            Obligation.objects.bulk_create(
                [Obligation(person_id=p.pk, policy_id=policy.pk, version_id=policy.current_version_id,
                            reason="new_starter", owed_since=today, due_on=today)
                 for p in people for policy in policies], batch_size=1000)

    def timed(action) -> float:
        timings = []
        for _ in range(3):
            clear()
            start = time.perf_counter()
            action()
            timings.append((time.perf_counter() - start) * 1000)
        clear()
        return statistics.median(timings)

    policies = bench_policies(trust, count=5)
    floor_ms = timed(floor)
    owed: list[int] = []

    def import_and_count() -> None:
        import_staff_csv(data)
        owed.append(Obligation.objects.filter(policy__in=policies).count())  # ~10 ms of the figure

    import_ms = timed(import_and_count)
    checked_ms = timed(lambda: import_staff_csv(data, dry_run=True))
    ok = report("staff CSV import, 20,000 new rows", import_ms, 30000)
    print(f"{'':34} {owed[-1]:,} obligations created for them ({len(policies)} policies with sign-off rules)")
    print(f"{'':34} floor (bulk_create, same rows and obligations) {floor_ms:7.1f} ms"
          f"  import/floor {import_ms / floor_ms:4.1f}x;"
          f" the page's check (dry run) {checked_ms:7.1f} ms")
    return [ok]


def main() -> int:
    call_command("migrate", verbosity=0)
    from pypdf import PdfReader

    from documents import rendering

    version = twenty_page_policy()
    path = rendering.policy_pdf(version)
    pages = len(PdfReader(str(path)).pages)
    print(f"# {pages}-page policy, database {django.db.connection.vendor}, work folder {WORK}")

    def cold():
        for cached in rendering.cache_dir().glob("*.pdf"):
            cached.unlink()
        rendering.policy_pdf(version)

    results = [
        report(f"pdf render {pages}-page policy (cold)", median_ms(cold, 5), 3000),
        report(f"pdf render {pages}-page policy (cached)", median_ms(lambda: rendering.policy_pdf(version), 20), 20),
    ]
    results += staff_import_figures()
    import library_import  # bench/library_import.py, beside this file

    results += library_import.figures(report, WORK)
    results += large_trust_figures()
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
