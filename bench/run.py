"""`make bench`: the figures that matter, as medians against budgets.

Never part of `make test`. Uses DATABASE_URL if set, otherwise a throwaway
SQLite database, and a throwaway media folder, so it leaves your data alone.
Prints one line per figure: name, median, budget.
"""

from __future__ import annotations

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


def report(name: str, value: float, budget: float, unit: str = "ms") -> bool:
    ok = value <= budget
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
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
