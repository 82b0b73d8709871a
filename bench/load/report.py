"""Summarise an inset-day run: locust's figures per request type and the server's log.

    python bench/load/report.py --stats PREFIX_stats.csv [--server-log gunicorn.log] [--markdown]

Exits 1 when locust counted a failure or the server answered 5xx or logged an error.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path


def locust_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def server_log(path: Path) -> tuple[Counter, int]:
    statuses: Counter = Counter()
    errors = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            errors += "Traceback" in line or "[ERROR]" in line
            continue
        if not isinstance(record, dict):
            continue
        if record.get("logger") == "gunicorn.access":
            statuses[int(record["status"])] += 1
        elif record.get("level") in {"ERROR", "CRITICAL"}:
            errors += 1
    return statuses, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stats", required=True, help="locust's PREFIX_stats.csv")
    parser.add_argument("--server-log")
    parser.add_argument("--markdown", action="store_true", help="also print a table for docs/performance.md")
    args = parser.parse_args()
    rows = locust_rows(Path(args.stats))
    failures = 0
    print(f"{'request':<48} {'requests':>8} {'failures':>8} {'median':>8} {'p95':>8} {'p99':>8} {'max':>8}  (ms)")
    for row in rows:
        failures += int(row["Failure Count"]) if row["Name"] != "Aggregated" else 0
        print(f"{row['Name']:<48} {row['Request Count']:>8} {row['Failure Count']:>8} {row['50%']:>8} {row['95%']:>8} "
              f"{row['99%']:>8} {float(row['Max Response Time']):>8.0f}")
    if args.markdown:
        print("\n| request | requests | failures | median | p95 | p99 | max |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for row in rows:
            print(f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} ms "
                  f"| {row['95%']} ms | {row['99%']} ms | {float(row['Max Response Time']):.0f} ms |")
    server_errors = 0
    if args.server_log:
        statuses, errors = server_log(Path(args.server_log))
        server_errors = sum(n for status, n in statuses.items() if status >= 500) + errors
        print("server: " + ", ".join(f"{n} x {status}" for status, n in sorted(statuses.items()))
              + f"; {errors} errors logged")
    print(f"failures: {failures} (locust), {server_errors} (server)")
    return 1 if failures or server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
