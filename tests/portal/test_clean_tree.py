"""`make run` and `make test` leave `git status` clean: what they write is
either inside a git-ignored folder or named in .gitignore."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

# What a development run or a test run writes into the project folder, by who writes it.
LEFT_BEHIND = [
    "db.sqlite3",                           # make run on SQLite
    "db.sqlite3-journal",
    "staticfiles/portal.css",               # collectstatic
    "media/pdf/0123abcd.pdf",               # PDFs and packs (MEDIA_ROOT)
    "sent-emails/20260101-120000-1.log",    # the file email backend
    ".broker/0123.msg",                     # the embedded broker without Redis
    ".broker/control/celery.exchange",      # ... and its control folder
    ".redis/dump.rdb",                      # the redis-server bin/run-dev starts
    "celerybeat-schedule",                  # beat with a file scheduler
    ".hypothesis/examples/0123",            # hypothesis's example database (tests/fuzz)
    "test-results/trace.zip",               # Playwright (tests/e2e)
    ".pytest_cache/v/cache/lastfailed",
    ".ruff_cache/CACHEDIR.TAG",
    "portal/__pycache__/settings.cpython-311.pyc",
    ".env",
]


def test_the_embedded_broker_keeps_all_its_files_in_dot_broker():
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    broker = Path(settings.BASE_DIR) / ".broker"
    for name in ("data_folder_in", "data_folder_out", "control_folder"):
        assert Path(options[name]).is_relative_to(broker), f"{name} is {options[name]}, outside .broker/"


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="not a git checkout")
def test_what_development_and_test_runs_write_is_ignored_by_git():
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", "--verbose", "--non-matching", "--stdin"],
        cwd=ROOT, input="\n".join(LEFT_BEHIND), capture_output=True, text=True, check=False,
    )
    # --non-matching prints "::\tpath" for a path no pattern ignores.
    not_ignored = [line.split("\t", 1)[1] for line in result.stdout.splitlines() if line.startswith("::")]
    assert result.returncode in (0, 1), result.stderr
    assert not not_ignored, f"add to .gitignore: {not_ignored}"
