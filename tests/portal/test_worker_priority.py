"""The Celery worker gives way to the web when both want the CPU: every way
of running it in production starts it at nice 10, with the same arguments."""

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def procfile_worker() -> list[str]:
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("worker:"))
    return shlex.split(line.removeprefix("worker:"))


def systemd_worker() -> tuple[list[str], str]:
    unit = (ROOT / "deploy/systemd/policyportal-worker.service").read_text()
    command = re.search(r"^ExecStart=(.+)$", unit, re.MULTILINE).group(1)
    return shlex.split(command), unit


def test_the_procfile_starts_the_worker_at_nice_10():
    assert procfile_worker()[:4] == ["nice", "-n", "10", "celery"]


def test_the_systemd_unit_starts_the_worker_at_nice_10_with_the_procfile_s_arguments():
    command, unit = systemd_worker()
    assert re.search(r"^Nice=10$", unit, re.MULTILINE)
    assert Path(command[0]).name == "celery"
    procfile_arguments = [arg.replace("${CELERY_CONCURRENCY:-2}", "2") for arg in procfile_worker()[4:]]
    assert command[1:] == procfile_arguments
