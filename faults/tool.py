"""Helpers the fault scripts call: `python -m faults.tool COMMAND ...`.

Every command prints one line (JSON where the shell reads it back) and exits
non-zero when a check fails, so the shell scripts stay small.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

import requests

# --------------------------------------------------------------------------- HTTP
# The scripts talk to gunicorn the way the TLS proxy does in production: plain
# HTTP on loopback with X-Forwarded-Proto: https. Production settings mark the
# cookies Secure (and __Host-), so the client keeps them itself instead of a
# cookie jar that would refuse to send Secure cookies over http://.

TIMEOUT = float(os.environ.get("FAULTS_HTTP_TIMEOUT", "90"))


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.host = self.base.split("://", 1)[1]
        self.cookies: dict[str, str] = {}

    def _headers(self, path: str) -> dict:
        headers = {"X-Forwarded-Proto": "https", "User-Agent": "faults-script",
                   "Referer": f"https://{self.host}{path}", "Origin": f"https://{self.host}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def _keep(self, response: requests.Response) -> None:
        for raw in response.raw.headers.getlist("Set-Cookie"):
            name, _, rest = raw.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    def get(self, path: str) -> requests.Response:
        response = requests.get(self.base + path, headers=self._headers(path), allow_redirects=False,
                                timeout=TIMEOUT)
        self._keep(response)
        return response

    def post(self, path: str, data: dict) -> requests.Response:
        token = self.cookies.get("__Host-csrftoken") or self.cookies.get("csrftoken", "")
        response = requests.post(self.base + path, data={**data, "csrfmiddlewaretoken": token},
                                 headers=self._headers(path), allow_redirects=False, timeout=TIMEOUT)
        self._keep(response)
        return response

    def sign_in(self, address: str, password: str) -> None:
        self.get("/accounts/login/")
        response = self.post("/accounts/login/", {"username": address, "password": password})
        if response.status_code != 302:
            raise SystemExit(f"sign-in as {address} failed: HTTP {response.status_code}")


def web_sign(args) -> int:
    """Sign in and sign one policy that is owed; print what happened."""
    browser = Browser(args.base)
    browser.sign_in(args.email, args.password)
    mine = browser.get("/my/")
    slugs = list(dict.fromkeys(re.findall(r'href="/my/sign/([\w-]+)/"', mine.text)))
    if not slugs:
        print(json.dumps({"email": args.email, "ok": False, "why": "nothing owed on /my/"}))
        return 1
    slug = slugs[0]
    page = browser.get(f"/my/sign/{slug}/")
    version = re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', page.text)
    started = time.monotonic()
    response = browser.post(f"/my/sign/{slug}/", {"version": next(g for g in version.groups() if g),
                                                  "confirm": "on"})
    seconds = time.monotonic() - started
    ok = response.status_code == 302 and "/my/sign-offs/" in response.headers.get("Location", "")
    print(json.dumps({"email": args.email, "policy": slug, "status": response.status_code,
                      "seconds": round(seconds, 3), "ok": ok}))
    return 0 if ok else 1


def web_get(args) -> int:
    """GET a page (signed in when --email is given); print status, time and
    whether the body leaks a traceback or Django's debug page."""
    browser = Browser(args.base)
    if args.email:
        browser.sign_in(args.email, args.password)
    started = time.monotonic()
    try:
        response = browser.get(args.path)
    except requests.RequestException as error:
        print(json.dumps({"path": args.path, "status": 0, "seconds": round(time.monotonic() - started, 3),
                          "error": type(error).__name__}))
        return 1
    seconds = time.monotonic() - started
    body = response.content
    leak = any(marker in body for marker in (b"Traceback", b"OperationalError", b"psycopg", b"technical_500"))
    title = re.search(rb"<title>(.*?)</title>|<h1>(.*?)</h1>", body, re.S)
    print(json.dumps({
        "path": args.path, "status": response.status_code, "seconds": round(seconds, 3),
        "type": response.headers.get("Content-Type", ""), "bytes": len(body), "leaks_traceback": leak,
        "title": (next(g for g in title.groups() if g).decode(errors="replace").strip()[:80] if title else ""),
    }))
    if args.save:
        Path(args.save).write_bytes(body)
    return 0


def probe(args) -> int:
    """Ask each path again and again (one thread a path, each its own
    session) until --duration s have passed; one JSON line a request:
    when it started, status, seconds, whether the body leaks a traceback."""
    import threading

    stop_at = time.time() + args.duration
    lock = threading.Lock()
    out = open(args.out, "a")  # noqa: SIM115  (closed below, after the threads)

    def run(path: str) -> None:
        browser = Browser(args.base)
        if args.email and not path.startswith("/public/") and path != "/health/":
            browser.sign_in(args.email, args.password)
        while time.time() < stop_at:
            started = time.time()
            row = {"path": path, "at": started}
            try:
                response = browser.get(path)
                body = response.content
                title = re.search(rb"<title>(.*?)</title>", body, re.S)
                row.update(status=response.status_code, bytes=len(body),
                           leak=any(m in body for m in (b"Traceback", b"OperationalError", b"psycopg")),
                           title=title.group(1).decode(errors="replace").strip()[:60] if title else "",
                           location=response.headers.get("Location", ""))
            except requests.RequestException as error:
                row.update(status=0, error=type(error).__name__)
            row["seconds"] = round(time.time() - started, 3)
            with lock:
                out.write(json.dumps(row) + "\n")
                out.flush()
            time.sleep(args.interval)

    threads = [threading.Thread(target=run, args=(path,)) for path in args.paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.close()
    return 0


def probe_report(args) -> int:
    """Before the outage every answer 200; during it a clean error (500/503,
    no traceback, within the limit); after it, back to 200 by itself. Prints
    the figures as JSON; exits 1 when a check fails."""
    rows = [json.loads(line) for line in Path(args.out).read_text().splitlines() if line.strip()]
    down, up = args.down, args.up
    ok = {200, 302} if args.allow_redirect else {200}
    before = [r for r in rows if r["at"] + r["seconds"] < down]
    after = [r for r in rows if r["at"] >= up]
    # Every request that overlaps the outage (including ones caught by the
    # stop or answered just as the database returned): a page or a clean error.
    during = [r for r in rows if r not in before and r not in after]
    failures = []
    if not before or any(r["status"] not in ok for r in before):
        failures.append(f"before the outage: {dict(Counter(r['status'] for r in before))}")
    bad_during = [r for r in during if r["status"] not in ok | {500, 503} or r.get("leak")]
    if not any(r["status"] in (500, 503) for r in during):
        failures.append("no request met the outage")
    elif bad_during:
        failures.append(f"{len(bad_during)} answers during the outage were not a clean 500/503, "
                        f"e.g. {bad_during[:2]}")
    slowest = max((r["seconds"] for r in during), default=0)
    if slowest > args.limit:
        failures.append(f"a request during the outage took {slowest} s (limit {args.limit} s)")
    first_ok = min((r["at"] + r["seconds"] for r in after if r["status"] in ok), default=None)
    recovered_after = round(first_ok - up, 2) if first_ok else None
    if first_ok is None:
        failures.append("never answered 200 again after the database came back")
    else:
        late_failures = [r for r in after if r["at"] > first_ok and r["status"] not in ok]
        if late_failures:
            failures.append(f"{len(late_failures)} failures after recovery, e.g. {late_failures[:2]}")
    summary = {
        "requests": len(rows), "before": len(before), "during": len(during), "after": len(after),
        "outage_seconds": round(up - down, 1),
        "during_statuses": dict(Counter(r["status"] for r in during)),
        "during_slowest_seconds": slowest,
        "during_median_seconds": sorted(r["seconds"] for r in during)[len(during) // 2] if during else None,
        "error_page_titles": sorted({r.get("title", "") for r in during}),
        "leaked_tracebacks": sum(1 for r in during if r.get("leak")),
        "recovered_seconds_after_restart": recovered_after,
        "after_statuses": dict(Counter(r["status"] for r in after)),
    }
    print(json.dumps(summary))
    for failure in failures:
        print(f"  check failed: {failure}")
    return 1 if failures else 0


def pdf_check(args) -> int:
    """A whole PDF: header, trailer, and pypdf reads every page."""
    import hashlib

    from pypdf import PdfReader

    data = Path(args.file).read_bytes()
    result = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()[:16],
              "header": data[:5].decode(errors="replace"), "eof": data.rstrip().endswith(b"%%EOF")}
    try:
        reader = PdfReader(args.file)
        result["pages"] = len(reader.pages)
        result["text_page_1"] = (reader.pages[0].extract_text() or "")[:60].replace("\n", " ")
    except Exception as error:  # any parse failure is the answer
        result["error"] = f"{type(error).__name__}: {error}"
    print(json.dumps(result))
    return 0 if result["header"] == "%PDF-" and result["eof"] and result.get("pages", 0) > 0 else 1


# --------------------------------------------------------------------------- Django


def django_setup() -> None:
    import django

    django.setup()


def schedule(args) -> int:
    """Beat every N seconds: send reminders and deliver the outbox; the other
    scheduled tasks off (not what these scripts look at)."""
    django_setup()
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every, _ = IntervalSchedule.objects.get_or_create(every=args.every, period=IntervalSchedule.SECONDS)
    wanted = {"reminders.tasks.send_reminders", "outbox.tasks.deliver_pending"}
    # The default schedule runs reminders inside the one daily run; these scripts want them on their own.
    for name in sorted(wanted):
        PeriodicTask.objects.get_or_create(task=name, defaults={"name": f"faults: {name}", "interval": every})
    for task in PeriodicTask.objects.all():
        task.enabled = task.task in wanted
        if task.enabled:
            task.crontab = None
            task.interval = every
        task.save()
    print(json.dumps({"every_seconds": args.every, "tasks": sorted(wanted)}))
    return 0


def counts(args) -> int:
    django_setup()
    print(json.dumps(_counts(args.mail_dir)))
    return 0


def _counts(mail_dir: str | None = None) -> dict:
    from django.db.models import Count

    from acknowledgements.models import SignOff
    from outbox.models import OutboxEmail
    from reminders.models import Reminder

    reminders = Reminder.objects.filter(skipped=False)
    result = {
        "reminders": reminders.count(),
        "reminder_keys_distinct": reminders.values("kind", "key").distinct().count(),
        "outbox": dict(Counter(OutboxEmail.objects.values_list("status", flat=True))),
        "outbox_total": OutboxEmail.objects.count(),
        "reminder_emails": OutboxEmail.objects.filter(reminders__isnull=False).distinct().count(),
        "sign_offs": SignOff.objects.count(),
        "duplicate_keys": reminders.values("kind", "key").annotate(n=Count("id")).filter(n__gt=1).count(),
    }
    if mail_dir:
        result["mail_files_messages"] = len(read_mail(mail_dir))
    return result


def read_mail(mail_dir: str) -> list[tuple[str, str]]:
    """(To, Subject) of every message the file backend wrote (one file can
    hold several messages, each separated by a line of dashes)."""
    messages = []
    for path in sorted(Path(mail_dir).glob("*")):
        text = path.read_text(errors="replace")
        for chunk in text.split("-" * 79):
            if not chunk.strip():
                continue
            message = email.message_from_string(chunk.lstrip("\n"), policy=email.policy.default)
            if message["Message-ID"]:
                messages.append((str(message["To"]), str(message["Subject"])))
    return messages


def plan(args) -> int:
    """What a run would send now (kind, key and recipient of every reminder),
    written to a file: the expected result the checks compare against."""
    django_setup()
    from django.db import transaction
    from django.utils import timezone

    from reminders.planning import plan_reminders

    with transaction.atomic():
        every = plan_reminders(timezone.localdate()).every_email()
        transaction.set_rollback(True)
    rows = [{"kind": r.kind, "key": r.key, "to": e.recipient.email} for e in every for r in e.reminders]
    Path(args.output).write_text(json.dumps({"emails": len(every), "reminders": rows}))
    print(json.dumps({"emails": len(every), "reminders": len(rows),
                      "by_kind": dict(Counter(e.kind for e in every))}))
    return 0


def verify(args) -> int:
    """Every expected reminder recorded once, with one email, sent once (its
    message in the mail folder once); nothing else sent twice."""
    django_setup()
    from outbox.models import OutboxEmail
    from reminders.models import Reminder

    failures = []
    expected = []
    for each in args.expected or []:
        expected += json.loads(Path(each).read_text())["reminders"]
    recorded = {(r.kind, r.key): r for r in Reminder.objects.filter(skipped=False).select_related("email")}
    missing = [e for e in expected if (e["kind"], e["key"]) not in recorded]
    if missing:
        failures.append(f"{len(missing)} expected reminders never recorded, e.g. {missing[:3]}")
    counted = _counts(args.mail_dir)
    if counted["duplicate_keys"]:
        failures.append(f"{counted['duplicate_keys']} reminder keys recorded more than once")
    # every email, whatever sent it; one with nothing left to say by delivery is not a failure
    not_sent = OutboxEmail.objects.exclude(status__in=[OutboxEmail.Status.SENT, OutboxEmail.Status.NOT_SENT])
    if not_sent.exists():
        statuses = dict(Counter(not_sent.values_list("status", flat=True)))
        failures.append(f"{not_sent.count()} outbox emails not sent: {statuses}")
    messages = read_mail(args.mail_dir)
    per_message = Counter(messages)
    doubled = {k: n for k, n in per_message.items() if n > 1}
    if doubled:
        failures.append(f"{len(doubled)} emails delivered more than once, e.g. {list(doubled.items())[:3]}")
    # Reminder emails only: load_demo's own emails go to a dummy backend by design.
    reminder_emails = OutboxEmail.objects.filter(reminders__isnull=False).distinct()
    sent = reminder_emails.filter(status=OutboxEmail.Status.SENT).count()
    if len(messages) != sent:
        failures.append(f"{len(messages)} messages in the mail folder but {sent} reminder emails marked sent")
    outbox = Counter(reminder_emails.values_list("to", "subject"))
    for (to, subject), n in per_message.items():
        if outbox[(to, subject)] != n:
            failures.append(f"{to} / {subject!r}: {n} messages for {outbox[(to, subject)]} outbox rows")
            break
    summary = {"expected_reminders": len(expected), "recorded_reminders": len(recorded),
               "missing": len(missing), "reminder_emails_sent": sent, "mail_messages": len(messages),
               "doubled_messages": len(doubled), "duplicate_keys": counted["duplicate_keys"],
               "sign_offs": counted["sign_offs"]}
    print(json.dumps(summary))
    for failure in failures:
        print(f"  check failed: {failure}")
    return 1 if failures else 0


def enqueue(args) -> int:
    """Put a task on the broker as beat would."""
    django_setup()
    from portal.celery import app

    result = app.send_task(args.task)
    print(json.dumps({"task": args.task, "id": result.id}))
    return 0


def staff_csv(args) -> int:
    """A staff CSV of N new starters at a school, as an MIS exports it."""
    lines = ["First name,Last name,Email,School,Staff group,Start date"]
    for n in range(args.count):
        lines.append(f"New{n},Starter{args.tag},new{n}.{args.tag}@faults.example,{args.school},Teaching,"
                     f"{time.strftime('%d/%m/%Y')}")
    Path(args.output).write_text("\n".join(lines) + "\n")
    print(json.dumps({"rows": args.count, "file": args.output}))
    return 0


def wait_sql(args) -> int:
    """Wait until a SQL query (on DATABASE_URL) returns a true first value;
    print how long it took."""
    import psycopg

    url = os.environ["DATABASE_URL"]
    started = time.monotonic()
    with psycopg.connect(url, autocommit=True) as connection:
        while time.monotonic() - started < args.timeout:
            row = connection.execute(args.sql).fetchone()
            if row and row[0]:
                print(json.dumps({"seconds": round(time.monotonic() - started, 3)}))
                return 0
            time.sleep(args.interval)
    print(json.dumps({"seconds": round(time.monotonic() - started, 3), "timed_out": True}))
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="faults.tool")
    commands = parser.add_subparsers(dest="command", required=True)

    def add(name, func):
        sub = commands.add_parser(name)
        sub.set_defaults(func=func)
        return sub

    for name, func in (("web-sign", web_sign), ("web-get", web_get)):
        sub = add(name, func)
        sub.add_argument("--base", required=True)
        sub.add_argument("--email", default="")
        sub.add_argument("--password", default="oakfield-demo")
        if name == "web-get":
            sub.add_argument("path")
            sub.add_argument("--save", default="")
    sub = add("probe", probe)
    sub.add_argument("--base", required=True)
    sub.add_argument("--email", default="")
    sub.add_argument("--password", default="oakfield-demo")
    sub.add_argument("--duration", type=float, required=True)
    sub.add_argument("--interval", type=float, default=0.25)
    sub.add_argument("--out", required=True)
    sub.add_argument("paths", nargs="+")
    sub = add("probe-report", probe_report)
    sub.add_argument("--out", required=True)
    sub.add_argument("--down", type=float, required=True)
    sub.add_argument("--up", type=float, required=True)
    sub.add_argument("--limit", type=float, default=60)
    sub.add_argument("--allow-redirect", action="store_true")
    add("pdf-check", pdf_check).add_argument("file")
    add("schedule", schedule).add_argument("--every", type=int, default=5)
    add("counts", counts).add_argument("--mail-dir", default=None)
    add("plan", plan).add_argument("output")
    sub = add("verify", verify)
    sub.add_argument("--expected", action="append")
    sub.add_argument("--mail-dir", required=True)
    add("enqueue", enqueue).add_argument("task")
    sub = add("staff-csv", staff_csv)
    sub.add_argument("--count", type=int, required=True)
    sub.add_argument("--tag", required=True)
    sub.add_argument("--school", default="Riverside Academy")
    sub.add_argument("output")
    sub = add("wait-sql", wait_sql)
    sub.add_argument("sql")
    sub.add_argument("--timeout", type=float, default=60)
    sub.add_argument("--interval", type=float, default=0.02)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
