"""`make bench` and `make load` judge figures against issue 18's goals. The
benches are not part of `make test`; their small pure parts are: the goals
themselves, the PASS/OVER verdicts, the stale-database check and the p95 rule."""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load(relative: str, name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / relative)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    return load("bench/run.py", "bench_run")


@pytest.fixture(scope="module")
def large_trust():
    return load("bench/large_trust.py", "bench_large_trust")


@pytest.fixture(scope="module")
def verify():
    return load("bench/load/verify.py", "bench_load_verify")


def test_the_budgets_are_issue_18s_goals(bench):
    checks = {key: goal.checks for key, goal in bench.GOALS.items()}
    assert checks["reminder_queue_s"] == (("<=", 30),)
    assert checks["reminder_duplicates"] == checks["reminder_lost"] == (("==", 0),)
    assert checks["reminder_largest_bytes"] == (("<=", 1_000_000),)
    assert checks["outstanding_page_ms"] == (("<", 100), ("x floor <=", 2))
    assert checks["csv_rows_per_s"] == ((">=", 100_000),)
    assert checks["csv_rss_mb"] == (("<=", 50),)
    for slowest in ("dashboard_day_refresh_slowest_ms", "dashboard_refresh_slowest_ms", "dashboard_slowest_ms",
                    "staff_list_slowest_ms"):
        assert checks[slowest] == (("<=", 1000),)
    assert checks["my_policies_ms"] == (("<", 50),)
    assert checks["pdf_cached_ms"] == checks["small_pdf_cached_ms"] == (("<=", 5),)
    assert checks["verify_evidence_s"] == (("<", 60),)  # issue 19


def test_a_figure_within_its_goal_at_both_sizes_passes(bench):
    assert bench.judge("my_policies_ms", {"5k": {"value": 20, "floor": 8}, "20k": {"value": 30, "floor": 9}}) == (
        True, "PASS")


def test_a_figure_over_its_goal_at_one_size_is_over(bench):
    ok, verdict = bench.judge("my_policies_ms", {"5k": {"value": 40, "floor": 8}, "20k": {"value": 60, "floor": 9}})
    assert not ok
    assert verdict == "OVER: 20k not < 50"


def test_a_page_slower_than_twice_its_bare_sql_is_over(bench):
    ok, verdict = bench.judge("outstanding_page_ms", {"5k": {"value": 12, "floor": 5}, "20k": {"value": 13,
                                                                                          "floor": 5}})
    assert not ok
    assert verdict == "OVER: 5k over 2x floor, 20k over 2x floor"


def test_a_figure_growing_faster_than_the_trust_is_over(bench):
    ok, verdict = bench.judge("outstanding_page_ms", {"5k": {"value": 5, "floor": 4}, "20k": {"value": 30,
                                                                                         "floor": 20}})
    assert not ok
    assert verdict == "OVER: grows 6.0x"


def test_a_missing_figure_is_never_a_pass(bench):
    assert bench.judge("csv_rows_per_s", {"5k": {"value": None, "floor": 150_000}})[0] is False


def test_the_table_shows_both_sizes_growth_floor_and_ratio(bench):
    results = {size: {"figures": {"outstanding_page_ms": {"value": value, "floor": floor}}}
               for size, value, floor in (("5k", 20.0, 5.0), ("20k", 30.0, 20.0))}
    rows, ok = bench.table(results)
    assert ["outstanding list, one school, page 1", "20.0 ms", "30.0 ms", "1.5x", "5.0 ms / 20.0 ms", "1.5x",
            "< 100 ms; <= 2x floor; growth <= 4x", "OVER: 5k over 2x floor"] in rows
    assert not ok


def test_a_figure_not_measured_fails_the_table(bench):
    csv = {"value": 150_000.0, "floor": 200_000.0}
    results = {"5k": {"figures": {"csv_rows_per_s": csv}}, "20k": {"figures": {"csv_rows_per_s": csv}}}
    label = "outstanding CSV, whole trust, over the wire"
    assert [row[-1] for row in bench.table(results)[0] if row[0] == label] == ["PASS"]
    del results["20k"]["figures"]["csv_rows_per_s"]
    rows, ok = bench.table(results)
    assert not ok
    assert [row[-1] for row in rows if row[0] == label] == ["OVER: not measured at 20k"]


def test_a_database_migrated_by_a_file_that_changed_since_is_stale(large_trust, tmp_path):
    migrations = tmp_path / "reports" / "migrations"
    migrations.mkdir(parents=True)
    (migrations / "0001_initial.py").write_text("first")
    recorded = large_trust.migration_hashes(tmp_path)
    (migrations / "0002_new.py").write_text("added since: migrate applies it")
    assert large_trust.changed_migrations(recorded, large_trust.migration_hashes(tmp_path)) == []
    (migrations / "0001_initial.py").write_text("edited after it was applied")
    assert large_trust.changed_migrations(recorded, large_trust.migration_hashes(tmp_path)) == [
        "reports/migrations/0001_initial.py"]


def test_the_seed_marker_is_read_with_and_without_migrations(large_trust):
    line = large_trust.seed_marker(5000)
    assert large_trust.read_marker(line) == (line, {})
    assert large_trust.read_marker(line + '\n{"a/migrations/0001_x.py": "abc"}') == (
        line, {"a/migrations/0001_x.py": "abc"})
    assert large_trust.read_marker(None) == (None, {})


def stats(sign_off_p95: int, trivial_p95: int, failures: int = 0) -> list[dict]:
    def row(name: str, p95: int, failed: int = 0) -> dict:
        return {"Name": name, "Request Count": "200", "Failure Count": str(failed), "95%": str(p95)}

    return [row("POST /my/sign/[policy]/ (sign-off)", sign_off_p95), row("GET /health/live/ (trivial view)",
                                                                        trivial_p95),
            row("GET /my/ (My policies)", 90, failures), row("Aggregated", 90, failures)]


def test_load_passes_with_the_sign_off_p95_within_twice_the_trivial_views(verify):
    problems, line = verify.latency_problems(stats(sign_off_p95=190, trivial_p95=100))
    assert problems == []
    assert line == "sign-off POST p95 190 ms, trivial view p95 100 ms: 1.9x (at most 2x)"


def test_load_fails_when_the_sign_off_p95_is_over_twice_the_trivial_views(verify):
    problems, _ = verify.latency_problems(stats(sign_off_p95=380, trivial_p95=100))
    assert problems == ["the sign-off POST's p95 is 3.8x the trivial view's (at most 2x)"]


def test_load_fails_on_any_failed_request(verify):
    problems, _ = verify.latency_problems(stats(sign_off_p95=100, trivial_p95=100, failures=2))
    assert problems == ["2 failures of GET /my/ (My policies)"]


def test_load_fails_when_the_trivial_view_was_never_asked(verify):
    problems, _ = verify.latency_problems(stats(100, 100)[:1])
    assert problems == ["no requests recorded for GET /health/live/ (trivial view)"]


def test_a_changed_migration_is_unapplied_from_the_one_before_it(large_trust):
    recorded = {"reports/migrations/0001_initial.py": "a", "reports/migrations/0002_jobs.py": "b",
                "reports/migrations/0003_days.py": "c", "outbox/migrations/0001_initial.py": "d"}
    assert large_trust.rollback_targets(["reports/migrations/0003_days.py", "reports/migrations/0002_jobs.py"],
                                        recorded) == [("reports", "0001_initial")]
    assert large_trust.rollback_targets(["outbox/migrations/0001_initial.py"], recorded) == [("outbox", "zero")]
