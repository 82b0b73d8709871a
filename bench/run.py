"""`make bench`: the figures that matter, each beside its floor, against the goals.

Never part of `make test`. Two parts (BENCH_PARTS=small,large; both by default):

- small: PDF rendering, the staff import and the library import, on
  DATABASE_URL if set, otherwise a throwaway SQLite database, with a
  throwaway media folder, so it leaves your data alone;
- large: the large trust at 5,000 and 20,000 staff (BENCH_SIZES=5k,20k), on
  seeded PostgreSQL databases made once and reused (bench/large_trust.py),
  through gunicorn over loopback (bench/wire.py), printed as one table:
  each figure at both sizes, its growth, its floor from the same run, the
  ratio, the goal and PASS or OVER. MARKDOWN=1 prints it for docs/performance.md too.

Exits 1 when any figure misses its goal.
"""

from __future__ import annotations

import datetime
import math
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# --------------------------------------------------------------------------- the goals, in one place


@dataclass(frozen=True)
class Goal:
    """A figure's label and unit, what it must meet at every size (each check
    is (op, value); "x floor <=" bounds its ratio to its floor), and whether
    it must grow no faster than the trust (20k/5k at most 4x)."""

    label: str
    unit: str
    checks: tuple[tuple[str, float], ...] = ()
    linear: bool = False


# Issue 18's goals for the large trust; the small figures' are their issues' (13, 16) and 18's cached PDF.
GOALS: dict[str, Goal] = {
    "reminder_queue_s": Goal("reminder run: decide and queue", "s", (("<=", 30),), linear=True),
    "reminder_deliver_s": Goal("reminder run: render and deliver all", "s", linear=True),
    "reminder_emails": Goal("reminder run: emails delivered", ""),
    "reminder_duplicates": Goal("reminder run: duplicates", "", (("==", 0),)),
    "reminder_lost": Goal("reminder run: lost (owed, none sent)", "", (("==", 0),)),
    "reminder_largest_bytes": Goal("reminder run: largest email", "bytes", (("<=", 1_000_000),)),
    "outstanding_page_ms": Goal("outstanding list, one school, page 1", "ms", (("<", 100), ("x floor <=", 2)),
                                linear=True),
    "csv_rows_per_s": Goal("outstanding CSV, whole trust, over the wire", "rows/s", ((">=", 100_000),)),
    "csv_rss_mb": Goal("outstanding CSV: server memory growth", "MB", (("<=", 50),)),
    "dashboard_day_refresh_s": Goal("dashboard refresh, first of a day", "s", linear=True),
    "dashboard_day_refresh_slowest_ms": Goal("dashboard refresh, first of a day: slowest query", "ms",
                                             (("<=", 1000),), linear=True),
    "dashboard_refresh_s": Goal("dashboard refresh, again that day", "s", linear=True),
    "dashboard_refresh_slowest_ms": Goal("dashboard refresh, again that day: slowest query", "ms", (("<=", 1000),),
                                         linear=True),
    "dashboard_page_ms": Goal("dashboard page", "ms", linear=True),
    "dashboard_slowest_ms": Goal("dashboard page: slowest query", "ms", (("<=", 1000),), linear=True),
    "staff_list_page_ms": Goal("staff list page", "ms", linear=True),
    "staff_list_slowest_ms": Goal("staff list: slowest query", "ms", (("<=", 1000),), linear=True),
    "my_policies_ms": Goal("My policies, many sign-offs (median)", "ms", (("<", 50),), linear=True),
    "pdf_cached_ms": Goal("PDF cached (the service)", "ms", (("<=", 5),), linear=True),
    "pdf_wire_ms": Goal("PDF cached, over the wire", "ms", linear=True),
    "trivial_ms": Goal("trivial view over the wire (baseline)", "ms"),
    # Issue 19: the whole evidence chain walked and rehashed (scaled to 2,000,000 records when the trust has fewer).
    "verify_evidence_s": Goal("verify_evidence, 2,000,000 records", "s", (("<", 60),)),
    # the small part
    "pdf_cold_ms": Goal("pdf render 20-page policy (cold)", "ms", (("<=", 3000),)),
    "small_pdf_cached_ms": Goal("pdf render 20-page policy (cached)", "ms", (("<=", 5),)),
    "staff_import_ms": Goal("staff CSV import, 20,000 new rows", "ms", (("<=", 30000),)),
}
SMALL = {"pdf_cold_ms", "small_pdf_cached_ms", "staff_import_ms"}  # the rest are the large trust's table
GROWTH_LIMIT = 4.0  # 20,000 staff over 5,000: a figure growing faster is worse than linear

# --------------------------------------------------------------------------- judging and printing


def meets(value: float, floor: float | None, op: str, target: float) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    if op == "x floor <=":
        return bool(floor) and value / floor <= target
    return {"<=": value <= target, "<": value < target, ">=": value >= target, "==": value == target}[op]


def judge(key: str, by_size: dict[str, dict]) -> tuple[bool, str]:
    """(every goal met, why not) for one figure measured at each size."""
    goal = GOALS[key]
    misses = [f"{size} over {target:g}x floor" if op == "x floor <=" else f"{size} not {op} {target:g}"
              for size, measured in by_size.items() for op, target in goal.checks
              if not meets(measured["value"], measured.get("floor"), op, target)]
    growth = growth_of(by_size)
    if goal.linear and growth is not None and growth > GROWTH_LIMIT:
        misses.append(f"grows {growth:.1f}x")
    if not goal.checks and not (goal.linear and growth is not None):
        return True, "-"
    return not misses, "PASS" if not misses else "OVER: " + ", ".join(misses)


def growth_of(by_size: dict[str, dict]) -> float | None:
    small, large = by_size.get("5k"), by_size.get("20k")
    if not small or not large or not small["value"] or large["value"] is None:
        return None
    return large["value"] / small["value"]


def shown(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "bytes":
        return f"{value / 1e6:.2f} MB" if value >= 1e5 else f"{value / 1e3:.1f} kB"
    if unit == "rows/s":
        return f"{value:,.0f} rows/s"
    if unit in {"ms", "s", "MB"}:
        if value < 1:
            return f"{value:.3f} {unit}"
        return f"{value:,.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"
    return f"{value:,.0f}"


def goal_text(goal: Goal) -> str:
    parts = []
    for op, target in goal.checks:
        if op == "x floor <=":
            parts.append(f"<= {target:g}x floor")
        else:
            parts.append(f"{op} {shown(target, goal.unit)}")
    if goal.linear:
        parts.append(f"growth <= {GROWTH_LIMIT:g}x")
    return "; ".join(parts) or "-"


def table(results: dict[str, dict]) -> tuple[list[list[str]], bool]:
    """One row per figure: 5k, 20k, growth, floors, ratio, goal, ok."""
    sizes = list(results)
    rows, all_ok = [], True
    for key, goal in GOALS.items():
        if key in SMALL:
            continue
        by_size = {size: results[size]["figures"][key] for size in sizes if key in results[size]["figures"]}
        ok, verdict = judge(key, by_size) if by_size else (False, "")
        unmeasured = [size for size in sizes if size not in by_size]
        if unmeasured:
            ok, verdict = False, f"OVER: not measured at {', '.join(unmeasured)}"
        all_ok &= ok
        growth = growth_of(by_size)
        floors = [by_size[s].get("floor") for s in sizes if s in by_size]
        last = by_size[sizes[-1]] if sizes[-1] in by_size else None
        ratio = (f"{last['value'] / last['floor']:.1f}x" if last and last.get("floor") and last["value"] is not None
                 else "")
        rows.append([goal.label, *[shown(by_size[s]["value"], goal.unit) if s in by_size else "" for s in sizes],
                     f"{growth:.1f}x" if growth is not None else "",
                     " / ".join(shown(f, goal.unit) for f in floors if f is not None), ratio, goal_text(goal),
                     verdict])
    return rows, all_ok


def print_table(results: dict[str, dict], *, markdown: bool = False) -> bool:
    rows, all_ok = table(results)
    header = ["figure", *results, "growth 20k/5k", "floor (" + " / ".join(results) + ")",
              f"x floor ({list(results)[-1]})", "goal", "ok"]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    if markdown:
        print()
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in rows:
            print("| " + " | ".join(cell.strip() for cell in row) + " |")
    return all_ok


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


def budget(key: str) -> float:
    """A small figure's one bound, from GOALS."""
    return GOALS[key].checks[0][1]


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
    ok = report(GOALS["staff_import_ms"].label, import_ms, budget("staff_import_ms"))
    print(f"{'':34} {owed[-1]:,} obligations created for them ({len(policies)} policies with sign-off rules)")
    print(f"{'':34} floor (bulk_create, same rows and obligations) {floor_ms:7.1f} ms"
          f"  import/floor {import_ms / floor_ms:4.1f}x;"
          f" the page's check (dry run) {checked_ms:7.1f} ms")
    # The floor's bulk_create bypasses the kept counts on purpose (it is the
    # bare write); put them right so the large-trust figures read true counts.
    from acknowledgements import counts

    counts.rebuild()
    return [ok]


def small_figures(work: Path) -> list[bool]:
    """PDF rendering, the staff import, the library import."""
    from django.core.management import call_command
    from django.db import connection
    from pypdf import PdfReader

    from documents import rendering

    call_command("migrate", verbosity=0)
    version = twenty_page_policy()
    path = rendering.policy_pdf(version)
    pages = len(PdfReader(str(path)).pages)
    print(f"# {pages}-page policy, database {connection.vendor}, work folder {work}")

    def cold():
        for cached in rendering.cache_dir().glob("*.pdf"):
            cached.unlink()
        rendering.policy_pdf(version)

    results = [report(f"pdf render {pages}-page policy (cold)", median_ms(cold, 5), budget("pdf_cold_ms"))]
    cached_path = rendering.policy_pdf(version)
    results.append(report(f"pdf render {pages}-page policy (cached)",
                          median_ms(lambda: rendering.policy_pdf(version), 20), budget("small_pdf_cached_ms")))
    print(f"{'':34} floor: reading the file {median_ms(lambda: Path(cached_path).read_bytes(), 20):.2f} ms")
    results += staff_import_figures()
    import library_import  # bench/library_import.py, beside this file

    results += library_import.figures(report, work)
    return results


def large_figures(database_url: str | None, sizes: list[str]) -> bool:
    import large_trust  # bench/large_trust.py, beside this file

    began = time.monotonic()
    results = large_trust.run(sizes, database_url)
    if isinstance(results, str):
        print(f"# large-trust figures skipped: {results}")
        return True
    print(f"\n# large trust, {' and '.join(results)} staff, {datetime.date.today():%Y-%m-%d}, "  # noqa: DTZ011
          f"{os.cpu_count()} cores, {time.monotonic() - began:.0f} s")
    for size, result in results.items():
        print(f"# {size}: {result['facts']}")
        for note in result["notes"]:
            print(f"#   {note}")
    return print_table(results, markdown=bool(os.environ.get("MARKDOWN")))


def main() -> int:
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]  # the project; library_import, large_trust, wire
    parts = os.environ.get("BENCH_PARTS", "small,large").split(",")
    sizes = [size for size in os.environ.get("BENCH_SIZES", "5k,20k").split(",") if size]
    # The large trust goes to DATABASE_URL's PostgreSQL server as given (unset: the default one);
    # the small part falls back to SQLite.
    database_url = os.environ.get("DATABASE_URL")
    work = Path(tempfile.mkdtemp(prefix="policy-portal-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/12")
    os.environ["MEDIA_ROOT"] = str(work / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    ok = True
    if "small" in parts:
        ok &= all(small_figures(work))
    if "large" in parts:
        ok &= large_figures(database_url, sizes)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
