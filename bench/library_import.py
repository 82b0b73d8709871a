"""A trust's library arriving: 100 generated policies (Word and text, in
four layouts) imported by the command from a folder, and through the page:
uploaded as one batch over HTTP to gunicorn, read by a real Celery worker
while the batch page is polled, then "Import all that are ready". Each
figure beside its floor: parse_document of the same 100 files, no database.

Called by bench/run.py (Django is set up there); the page figure needs Redis
(REDIS_URL) for the worker, and is skipped, saying so, without it.
"""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
COUNT = 100
BUDGET_MS = 60_000
TOPICS = ["Email", "Mobile Phone", "Lone Working", "Staff Absence", "Data Protection", "Whistleblowing",
          "Behaviour", "Attendance", "Charging and Remissions", "Complaints", "Health and Safety", "Uniform",
          "Educational Visits", "Exclusions", "First Aid", "Freedom of Information", "Grievance", "Capability",
          "Online Safety", "Pay"]
CLAUSE = "Staff must read this clause, follow it, and ask their line manager when anything in it is unclear."


def generate_library(folder: Path, count: int = COUNT) -> list[Path]:
    """`count` policies in four layouts, .docx and .txt, each its own title."""
    import docx

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        title = f"{TOPICS[n % len(TOPICS)]} Policy {n // len(TOPICS) + 1}"
        year = 2019 + n % 6
        sections = [(f"{s}. Section {s}", [f"{s}.{c} {CLAUSE}" for c in range(1, 4 + n % 5)])
                    for s in range(1, 6 + n % 8)]
        layout = n % 4
        if layout in (0, 1):  # Word: a version table, or key/value lines under the title
            document = docx.Document()
            document.add_heading(title, level=0)
            if layout == 0:
                table = document.add_table(rows=3, cols=4)
                for row, cells in enumerate([("Version", "Date approved", "Approved by", "Reason"),
                                             ("1.0", f"01/09/{year}", "Trust Board", "New policy"),
                                             ("1.1", f"15/03/{year + 1}", "Trust Board", "Annual review")]):
                    for col, text in enumerate(cells):
                        table.cell(row, col).text = text
            else:
                for line in (f"Version: 2.{n % 3}", f"Approved by: Local Governing Body on 12/07/{year}",
                             "Review cycle: every two years", "Policy owner: Headteacher"):
                    document.add_paragraph(line)
            for heading, clauses in sections:
                document.add_heading(heading, level=1)
                for clause in clauses:
                    document.add_paragraph(clause)
            document.add_paragraph("This policy reflects the Data Protection Act 2018 and the Equality Act 2010.")
            data = io.BytesIO()
            document.save(data)
            path = folder / f"{n:03d} {title}.docx"
            path.write_bytes(data.getvalue())
        else:  # text: tab-separated details, or a version table flattened to spaced lines
            if layout == 2:
                details = f"Version\t1.{n % 4}\nLast Approved Date\t01/09/{year}\nReview Cycle\t2 Years\n"
            else:
                details = (f"Version    Date          Approved by    Reason\n"
                           f"1.0        01/09/{year}    Trust Board    New policy\n")
            body = "\n\n".join(f"{heading}\n\n" + "\n\n".join(clauses) for heading, clauses in sections)
            path = folder / f"{n:03d} {title}.txt"
            path.write_text(f"{title}\n\n{details}\n{body}\n\nThis policy reflects the Education Act 2002.\n")
        paths.append(path)
    return paths


def figures(report: Callable[..., bool], work: Path) -> list[bool]:
    from django.core.management import call_command

    from people.models import Organisation
    from policies.importers import parse_document
    from policies.models import Policy

    paths = generate_library(work / "library")
    files = [(path.name, path.read_bytes()) for path in paths]
    start = time.perf_counter()
    for name, data in files:
        parse_document(name, data)
    floor_ms = (time.perf_counter() - start) * 1000
    docx_count = sum(1 for p in paths if p.suffix == ".docx")
    print(f"# library import: {COUNT} generated policies ({docx_count} .docx, {COUNT - docx_count} .txt), "
          f"{sum(len(d) for _, d in files) / 1e6:.1f} MB")

    trust, _ = Organisation.objects.get_or_create(slug="bench-import-command", defaults={
        "name": "Bench Import (command)", "kind": "trust"})
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    try:
        call_command("import_policy", str(work / "library"), "--organisation", trust.slug, stdout=out, stderr=err)
    except SystemExit:
        print(f"# the command reported failures:\n{err.getvalue()}")
    command_ms = (time.perf_counter() - start) * 1000
    imported = Policy.objects.filter(organisation=trust).count()
    results = [report(f"import {COUNT} policies: command", command_ms, BUDGET_MS)]
    print(f"{'':34} {imported} policies saved; floor (parse only, no database) {floor_ms:7.1f} ms"
          f"  command/floor {command_ms / floor_ms:4.1f}x")
    results += page_figure(report, work, files, floor_ms)
    return results


def page_figure(report: Callable[..., bool], work: Path, files: list[tuple[str, bytes]],
                floor_ms: float) -> list[bool]:
    import requests
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count

    from imports.models import ImportItem
    from people.models import Organisation, Person, Role, RoleAssignment, User
    from policies.models import Policy

    if not _redis_answers(settings.CELERY_BROKER_URL):
        print(f"# page import skipped: no Redis at {settings.CELERY_BROKER_URL} for the Celery worker")
        return []
    trust, _ = Organisation.objects.get_or_create(slug="bench-import-page", defaults={
        "name": "Bench Import (page)", "kind": "trust"})
    user = User.objects.filter(email="governance@bench-import.example").first()
    if user is None:
        user = User.objects.create_user("governance@bench-import.example", "bench-import-password")
        person = Person.objects.create(first_name="Bench", last_name="Governance", email=user.email, user=user)
        person.schools.add(trust)
        RoleAssignment.objects.create(person=person, role=Role.GOVERNANCE_LEAD, organisation=trust)
    connection.close()  # the server and the worker share the database; SQLite wants no open writer here

    port = _free_port()
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2", "LOG_LEVEL": "WARNING",
           "STATIC_ROOT": str(work / "static"), "DJANGO_SETTINGS_MODULE": "portal.settings"}
    # The commands are this virtualenv's own programs with fixed arguments.
    subprocess.run([str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0"],  # noqa: S603
                   cwd=ROOT, env=env, check=True)
    log = open(work / "library-import-servers.log", "wb")  # noqa: SIM115 (kept open for the servers' lifetime)
    server = subprocess.Popen([  # noqa: S603
                               str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "portal.wsgi"], cwd=ROOT,
                              env=env, stdout=log, stderr=log, start_new_session=True)
    worker = subprocess.Popen([  # noqa: S603
                               str(BIN / "celery"), "-A", "portal", "worker", "--loglevel", "WARNING",
                               "--concurrency", str(min(4, os.cpu_count() or 1)), "--without-heartbeat",
                               "--without-gossip", "--without-mingle"], cwd=ROOT, env=env, stdout=log, stderr=log,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        session = requests.Session()
        _wait_for(lambda: session.get(f"{base}/accounts/login/", timeout=2).ok, "gunicorn")
        session.get(f"{base}/accounts/login/")
        session.post(f"{base}/accounts/login/", data={
            "username": user.email, "password": "bench-import-password",
            "csrfmiddlewaretoken": session.cookies["csrftoken"]}, headers={"Referer": f"{base}/accounts/login/"})
        session.get(f"{base}/policies/import/")
        start = time.perf_counter()
        uploaded = session.post(f"{base}/policies/import/", data={
            "organisation": trust.pk, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
            files=[("document", (name, data)) for name, data in files],
            headers={"Referer": f"{base}/policies/import/"}, allow_redirects=False)
        batch_path = uploaded.headers.get("Location", "")
        match = re.search(r"/policies/import/(\d+)/$", batch_path)
        if match is None:
            print(f"# page import failed: the upload answered {uploaded.status_code}")
            return [False]
        upload_ms = (time.perf_counter() - start) * 1000
        polls = 0

        def all_read() -> bool:
            nonlocal polls
            polls += 1
            page = session.get(f"{base}/policies/import/{match.group(1)}/progress/", headers={"HX-Request": "true"})
            return f"All {len(files)} documents read." in page.text

        _wait_for(all_read, "the worker", interval=1.0, timeout=BUDGET_MS / 1000)
        read_ms = (time.perf_counter() - start) * 1000
        session.post(f"{base}/policies/import/{match.group(1)}/import-ready/",
                     data={"csrfmiddlewaretoken": session.cookies["csrftoken"]},
                     headers={"Referer": f"{base}{batch_path}"})
        page_ms = (time.perf_counter() - start) * 1000
    finally:
        for process in (server, worker):
            os.killpg(process.pid, signal.SIGTERM)
        for process in (server, worker):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        log.close()
    states = dict(ImportItem.objects.filter(batch_id=int(match.group(1))).values_list("state").order_by()
                  .annotate(n=Count("pk")))
    ok = report(f"import {COUNT} policies: page", page_ms, BUDGET_MS)
    print(f"{'':34} upload {upload_ms:7.1f} ms, all read (worker, polled every 1 s) {read_ms:7.1f} ms, "
          f"{polls} polls; items {states}; {Policy.objects.filter(organisation=trust).count()} policies saved;"
          f" page/floor {page_ms / floor_ms:4.1f}x")
    return [ok]


def _redis_answers(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(ready: Callable[[], bool], what: str, *, interval: float = 0.2, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except Exception:  # noqa: S110 (not up yet)
            pass
        time.sleep(interval)
    raise RuntimeError(f"{what} did not answer within {timeout:.0f} s")
