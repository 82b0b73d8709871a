"""The large trust: seeded databases made once and reused, and the figures
`make bench` measures on them, each beside its floor from the same run.

    python bench/large_trust.py seed [--sizes 5k,20k]   # make the databases now (run.py does it too)

`make bench` (bench/run.py) calls `run(...)`. Everything that needs Django runs
in a child process of this file (`prepare`, `reminders`, `measure`) with
DATABASE_URL naming one database, so the orchestration itself holds no
connection: a database used as a template must have none.

The databases (`policyportal_bench_5k`, `policyportal_bench_20k`) live on the
PostgreSQL server of DATABASE_URL, or 127.0.0.1:5432 as user postgres when no
DATABASE_URL is set. A database is reused when its comment says it was seeded
to the end (the marker written last); one without the marker is made again.
Each run migrates it (so it has every index the code now expects) and rebuilds
the kept counts if they are empty. The reminder run, which writes, runs on a
copy made for that run (`CREATE DATABASE ... TEMPLATE`) and dropped after.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import hashlib
import inspect
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = {"5k": 5000, "20k": 20000}
SEED = ["--schools", "50", "--policies", "100"]
REDIS_URL = "redis://127.0.0.1:6379/12"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
HR_EMAIL, PASSWORD = "hr@large.example", "large-demo"  # what portal.seed gives the trust's HR
SCHOOL = "large-school-001"
WIRE_RUNS = 20
SQL_RUNS = 10
CSV_RUNS = 3
SLOW_NOTE_MS = 20  # a page's slowest query is noted (with its SQL) from this long

# --------------------------------------------------------------------------- the databases (no Django)


@dataclass(frozen=True)
class PgServer:
    host: str
    port: int
    user: str
    password: str

    @classmethod
    def from_environment(cls, database_url: str | None) -> PgServer | str:
        """The server to make the bench databases on, or why there is none."""
        url = database_url or DEFAULT_SERVER
        parts = urlsplit(url)
        if parts.scheme not in {"postgres", "postgresql", "pgsql", "postgis"}:
            return f"DATABASE_URL is {parts.scheme or 'not a database URL'}, and the large trust needs PostgreSQL"
        server = cls(parts.hostname or "127.0.0.1", parts.port or 5432, unquote(parts.username or "postgres"),
                     unquote(parts.password or ""))
        try:
            with server.admin():
                pass
        except Exception as error:  # the reason is printed, the small figures still run
            reason = " ".join(str(error).split())
            return f"PostgreSQL at {server.host}:{server.port} as {server.user} did not answer ({reason})"
        return server

    def url(self, database: str) -> str:
        credentials = self.user + (f":{self.password}" if self.password else "")
        return f"postgres://{credentials}@{self.host}:{self.port}/{database}"

    @contextlib.contextmanager
    def admin(self):
        import psycopg

        with psycopg.connect(host=self.host, port=self.port, user=self.user, password=self.password or None,
                             dbname="postgres", autocommit=True, connect_timeout=5) as connection:
            yield connection

    def marker(self, database: str) -> str | None:
        """The database's comment, or None when it does not exist."""
        with self.admin() as connection:
            row = connection.execute("SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database "
                                     "WHERE datname = %s", [database]).fetchone()
        return None if row is None else row[0]

    def create(self, database: str, *, template: str | None = None) -> None:
        from psycopg import sql

        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with self.admin() as connection:
            connection.execute(statement)

    def drop(self, database: str) -> None:
        from psycopg import sql

        with self.admin() as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))

    def mark(self, database: str, text: str) -> None:
        from psycopg import sql

        with self.admin() as connection:
            connection.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(database),
                                                                            sql.Literal(text)))


def seed_marker(staff: int) -> str:
    """Written after the seed has finished, so a half-seeded database is told apart."""
    return f"policy portal bench: seed_demo --schools 50 --staff {staff} --policies 100"


def migration_hashes(root: Path = ROOT) -> dict[str, str]:
    """Each of the project's migration files by its content: a database
    migrated by a file that has since changed has the old schema, and
    `migrate` cannot tell (it knows migrations by name)."""
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()[:16]
            for path in sorted(root.glob("*/migrations/0*.py"))}


def read_marker(comment: str | None) -> tuple[str | None, dict[str, str]]:
    """(the seed line, the migrations it was last migrated with) from a database's comment."""
    if comment is None:
        return None, {}
    line, _, rest = comment.partition("\n")
    try:
        return line, json.loads(rest) if rest else {}
    except ValueError:
        return line, {}


def changed_migrations(recorded: dict[str, str], now: dict[str, str]) -> list[str]:
    """Migration files the database was migrated with that are now different or gone."""
    return sorted(name for name, digest in recorded.items() if now.get(name) != digest)


def prefix() -> str:
    """The databases' names start with this (BENCH_PREFIX to keep a second pair)."""
    return os.environ.get("BENCH_PREFIX", "policyportal_bench_")


def django_env(database_url: str, work: Path) -> dict[str, str]:
    (work / "static-inprocess").mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL,
           "DJANGO_SETTINGS_MODULE": "portal.settings", "MEDIA_ROOT": str(work / "media-inprocess"),
           "STATIC_ROOT": str(work / "static-inprocess"), "PYTHONUNBUFFERED": "1"}
    env.pop("DEBUG", None)
    return env


def manage(*args: str, database_url: str, work: Path) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT,  # noqa: S603 (this virtualenv's Python)
                   env=django_env(database_url, work), check=True)


def rollback_targets(stale: list[str], recorded: dict[str, str]) -> list[tuple[str, str]]:
    """(app, migration to go back to) so that every changed migration is
    unapplied: the one before the earliest changed file of each app, or zero."""
    targets = []
    for app in sorted({name.split("/")[0] for name in stale}):
        applied = sorted(Path(name).stem for name in recorded if name.startswith(f"{app}/migrations/"))
        first = min(Path(name).stem for name in stale if name.startswith(f"{app}/"))
        earlier = [name for name in applied if name < first]
        targets.append((app, earlier[-1] if earlier else "zero"))
    return targets


def ensure_database(server: PgServer, size: str, work: Path, say: Callable[[str], None] = print) -> str:
    """The seeded database for `size`, made if missing or left half-seeded,
    migrated to the code as it is now. Returns its name.

    A migration file changed after it was applied here (a branch reworked
    before it was merged) is unapplied with `migrate APP PREVIOUS` and applied
    again; if that fails the database is seeded again."""
    database, staff = prefix() + size, SIZES[size]
    url = server.url(database)
    comment = server.marker(database)
    seeded, recorded = read_marker(comment)
    fresh = seeded != seed_marker(staff)
    stale = changed_migrations(recorded, migration_hashes())
    if not fresh and stale:
        say(f"# {database}: migrated by files that have changed since ({', '.join(stale)}); going back and forth")
        try:
            for app, previous in rollback_targets(stale, recorded):
                manage("migrate", app, previous, "--noinput", "-v", "0", database_url=url, work=work)
        except subprocess.CalledProcessError:
            say(f"# {database}: could not unapply them; seeding it again")
            fresh = True
    if fresh:
        if comment is not None:
            if seeded != seed_marker(staff):
                say(f"# {database}: not seeded to the end; making it again")
            server.drop(database)
        say(f"# seeding {database}: seed_demo {' '.join(SEED)} --staff {staff} (once; about "
            f"{'5 minutes' if staff > 10000 else '2 minutes'} on a quiet machine)")
        server.create(database)
        manage("migrate", "--noinput", "-v", "0", database_url=url, work=work)
        manage("seed_demo", *SEED, "--staff", str(staff), database_url=url, work=work)
    else:
        manage("migrate", "--noinput", "-v", "0", database_url=url, work=work)
    server.mark(database, seed_marker(staff) + "\n" + json.dumps(migration_hashes()))
    return database


def child(command: str, *, server: PgServer, database: str, work: Path, **options: Any) -> dict:
    """Run one of this file's Django commands on `database`; its JSON answer."""
    out = work / f"{command}-{database}.json"
    arguments = [sys.executable, __file__, command, "--out", str(out), "--work", str(work)]
    for key, value in options.items():
        arguments += [f"--{key.replace('_', '-')}", str(value)]
    subprocess.run(arguments, cwd=ROOT, env=django_env(server.url(database), work), check=True)  # noqa: S603
    return json.loads(out.read_text(encoding="utf-8"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(sizes: list[str], database_url: str | None, say: Callable[[str], None] = print) -> dict[str, dict] | str:
    """Every large-trust figure for each size, or why they were skipped.
    `database_url` names the PostgreSQL server (None: the default one)."""
    server = PgServer.from_environment(database_url)
    if isinstance(server, str):
        return server
    results: dict[str, dict] = {}
    for size in sizes:
        work = Path(tempfile.mkdtemp(prefix=f"policy-portal-bench-{size}-"))
        results[size] = {"facts": {}, "notes": [], "figures": {}}
        try:
            measure_size(server, size, work, results[size], say)
        except Exception as error:  # a child, the server or PostgreSQL failed: said, and the table fails
            # The other size still runs; this one's missing figures fail the table.
            results[size]["notes"].append(f"stopped: {error} (logs in {work})")
    return results


def measure_size(server: PgServer, size: str, work: Path, result: dict, say: Callable[[str], None]) -> None:
    """Fill `result` with one size's facts, notes and figures."""
    database = ensure_database(server, size, work, say)
    say(f"# {database}: preparing (kept counts, planner statistics)")
    prepared = child("prepare", server=server, database=database, work=work)
    result["facts"], result["notes"] = prepared["facts"], prepared["notes"]
    copy = f"{database}_reminders"
    server.drop(copy)
    say(f"# {database}: reminder run and a new day's dashboard refresh, on a copy ({copy})")
    server.create(copy, template=database)
    try:
        reminders = child("on-copy", server=server, database=copy, work=work)
    finally:
        server.drop(copy)
    result["notes"] += reminders["notes"]
    result["figures"].update(reminders["figures"])
    say(f"# {database}: pages over the wire (gunicorn on loopback), work folder {work}")
    measured = child("measure", server=server, database=database, work=work, port=free_port())
    result["notes"] += measured["notes"]
    result["figures"].update(measured["figures"])


# --------------------------------------------------------------------------- inside Django (child processes)


def _django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

    django.setup()


@dataclass
class Query:
    sql: str
    params: Any
    many: bool
    ms: float

    @property
    def reads(self) -> bool:
        return not self.many and self.sql.lstrip().upper().startswith(("SELECT", "WITH"))


@contextlib.contextmanager
def captured() -> Iterator[list[Query]]:
    """Every statement run inside, with its time: Django's execute_wrapper,
    and psycopg's COPY too (a cursor's copy() does not pass through Django)."""
    from unittest import mock

    import psycopg
    from django.db import connection

    queries: list[Query] = []

    def wrapper(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(Query(sql, params, many, (time.perf_counter() - began) * 1000))

    original_copy = psycopg.Cursor.copy

    def recording_copy(cursor, statement, params=None, **options):
        text = statement if isinstance(statement, str) else statement.as_string(cursor)
        queries.append(Query(text, params, False, 0.0))
        return original_copy(cursor, statement, params, **options)

    with connection.execute_wrapper(wrapper), mock.patch.object(psycopg.Cursor, "copy", recording_copy):
        yield queries


def replay_ms(queries: list[Query], runs: int = SQL_RUNS) -> float:
    """The page's reads run alone, back to back, on one connection: median ms."""
    from django.db import connection

    reads = [q for q in queries if q.reads]
    timings = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            began = time.perf_counter()
            for query in reads:
                cursor.execute(query.sql, query.params)
                cursor.fetchall()
            timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def slowest_replayed(queries: list[Query], runs: int = SQL_RUNS) -> tuple[float, Query | None]:
    """The page's slowest read and its median over `runs` replays: one timing
    of a millisecond query is mostly noise (a cold buffer, the scheduler)."""
    from django.db import connection

    def one(query: Query) -> float:
        timings = []
        with connection.cursor() as cursor:
            for _ in range(runs):
                began = time.perf_counter()
                cursor.execute(query.sql, query.params)
                cursor.fetchall()
                timings.append((time.perf_counter() - began) * 1000)
        return statistics.median(timings)

    timed = [(one(q), q) for q in queries if q.reads]
    return max(timed, key=lambda pair: pair[0], default=(0.0, None))


def median_ms(action: Callable[[], Any], runs: int) -> float:
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def shorter(sql: str, length: int = 240) -> str:
    """A statement on one line, cut short, for a note."""
    flat = " ".join(sql.split())
    return flat if len(flat) <= length else flat[:length] + " ..."


def figure(value: float | None, unit: str, floor: float | None = None, note: str = "") -> dict:
    return {"value": value, "unit": unit, "floor": floor, "note": note}


def _plain_static():
    from django.test.utils import override_settings

    return override_settings(STORAGES={
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}})


def many_sign_offs_person():
    """The member of staff with the most sign-offs (the seed gives each about
    90), with a login the bench can sign in with."""
    from django.db.models import Count

    from acknowledgements.models import SignOff
    from people.models import Person, User

    top = (SignOff.objects.filter(person__email__startswith="staff").values("person")
           .annotate(n=Count("pk")).order_by("-n", "person").first())
    person = Person.objects.get(pk=top["person"])
    if person.user_id is None:
        person.user = User.objects.create_user(person.email, PASSWORD)
        person.save(update_fields=["user"])
    elif not person.user.check_password(PASSWORD):
        person.user.set_password(PASSWORD)
        person.user.save(update_fields=["password"])
    return person, top["n"]


def prepare() -> dict:
    """Kept counts rebuilt when empty (the seed predates them, or the tables
    are new), the person My policies is measured for, the database vacuumed
    with fresh statistics."""
    _django()
    from django.db import connection
    from django.utils import timezone

    from acknowledgements.models import Obligation, SignOffCount
    from people.models import Person

    notes = []
    try:
        from acknowledgements import counts
    except ImportError:
        counts = None
        notes.append("kept counts: acknowledgements.counts not there yet; nothing rebuilt")
    if counts is not None and not SignOffCount.objects.exists():
        began = time.perf_counter()
        rebuild = counts.rebuild
        if "today" in inspect.signature(rebuild).parameters:
            rebuild(today=timezone.localdate())
        else:
            rebuild()
        notes.append(f"kept counts rebuilt in {time.perf_counter() - began:.0f} s")
    person, signed = many_sign_offs_person()
    began = time.perf_counter()
    with connection.cursor() as cursor:
        # VACUUM as well: a trust's database in use is kept so by autovacuum
        # (visibility map set, hint bits written), while a seed's bulk inserts
        # leave neither, and the first reads after them pay for both. Cheap
        # once done: pages already all-visible are skipped.
        cursor.execute("VACUUM (ANALYZE)")
    notes.append(f"vacuumed and analysed in {time.perf_counter() - began:.0f} s")
    # The worker's refresh, once, as it would run today: a first run on this
    # database also reconstructs the trend's history, once. Its cost is noted;
    # the figures are of a new day's first refresh and of a refresh after it.
    seconds, queries = timed_refresh()
    notes.append(f"catch-up dashboard refresh: {seconds:.1f} s, {len(queries)} queries, slowest "
                 f"{max((q.ms for q in queries), default=0):.0f} ms")
    facts = {"staff": Person.objects.filter(email__startswith="staff").count(),
             "obligations": Obligation.objects.count(),
             "outstanding": Obligation.objects.filter(status=Obligation.Status.OUTSTANDING).count(),
             "my_policies_person_sign_offs": signed}
    return {"facts": facts, "notes": notes}


DUE_SQL = """
    SELECT o.person_id, count(*)
    FROM acknowledgements_obligation o JOIN people_person p ON p.id = o.person_id
    WHERE o.status = 'outstanding' AND o.owed_since <= %(today)s
      AND (p.leave_date IS NULL OR p.leave_date > %(today)s)
    GROUP BY o.person_id
"""


def reminders() -> dict:
    """The reminder run, real, on a copy of the trust: decide and queue, then
    deliver every email with the locmem backend; who was owed and got none,
    who got two, the largest email."""
    _django()
    from django.core import mail
    from django.db import connection
    from django.test.utils import override_settings
    from django.utils import timezone

    from outbox.models import OutboxEmail
    from outbox.services import deliver_pending
    from reminders.models import Reminder
    from reminders.services import send_reminders

    today = timezone.localdate()
    notes: list[str] = []
    with connection.cursor() as cursor:
        def due() -> list:
            cursor.execute(DUE_SQL, {"today": today})
            return cursor.fetchall()

        due()
        floor_s = median_ms(due, 3) / 1000
        owed_ids = {person_id for person_id, _ in due()}
    from people.models import Person

    owed = set(Person.objects.filter(pk__in=owed_ids).values_list("email", flat=True))
    before = OutboxEmail.objects.count()
    began = time.perf_counter()
    report = send_reminders(today=today)
    queue_s = time.perf_counter() - began
    queued = OutboxEmail.objects.count() - before
    notes.append("reminder run: " + ", ".join(report.lines()))
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        began = time.perf_counter()
        statuses = deliver_pending()
        deliver_s = time.perf_counter() - began
        messages = list(mail.outbox)
    notes.append(f"delivery: {dict(statuses)}")
    again = send_reminders(today=today)
    sizes = sorted((len(m.body.encode()) + sum(len(str(c).encode()) for c, _ in getattr(m, "alternatives", [])), n)
                   for n, m in enumerate(messages))
    largest = max((len(messages[n].message().as_bytes()) for _, n in sizes[-5:]), default=0)
    delivered = Counter(address for m in messages for address in m.to)
    try:
        sign_off_to = set(Reminder.objects.filter(kind=Reminder.Kind.SIGN_OFF, email__isnull=False)
                          .values_list("email__to", flat=True))
    except Exception as error:  # the model may be changing under another helper's work
        notes.append(f"sign-off emails not told apart ({error}); every email counted")
        sign_off_to = set(delivered)
    got = {address for address in sign_off_to if delivered[address]}
    lost = owed - got
    doubled = _doubled_recipients()
    duplicates = again.total + doubled + max(0, len(messages) - queued)
    if lost:
        notes.append(f"lost: {len(lost)} owed people got no sign-off reminder (first: {sorted(lost)[:3]})")
    if doubled:
        notes.append(f"duplicates: {doubled} people got two emails of one kind")
    notes.append(f"{queued} emails queued, {len(messages)} delivered, second run queued {again.total}")
    return {"notes": notes, "figures": {
        "reminder_queue_s": figure(queue_s, "s", floor_s),
        "reminder_deliver_s": figure(deliver_s, "s", note=f"{len(messages)} emails"),
        "reminder_emails": figure(len(messages), "emails"),
        "reminder_duplicates": figure(duplicates, "emails"),
        "reminder_lost": figure(len(lost), "people", note=f"of {len(owed)} owed"),
        "reminder_largest_bytes": figure(largest, "bytes"),
    }}


def timed_refresh() -> tuple[float, list[Query]]:
    """The worker's dashboard refresh for every HR scope: seconds, and its queries."""
    from reports import tasks

    with captured() as queries:
        began = time.perf_counter()
        tasks.refresh_dashboards()
        return time.perf_counter() - began, queries


def day_refresh() -> dict:
    """The first dashboard refresh of a new day, on the copy (it writes
    tomorrow's trend point): the kept counts' overdue rolled to the day."""
    from unittest import mock

    from django.utils import timezone

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with mock.patch.object(timezone, "localdate", return_value=tomorrow):
        seconds, queries = timed_refresh()
    slowest = max(queries, key=lambda q: q.ms, default=None)
    notes = [f"first refresh of a day: {len(queries)} queries; slowest {slowest.ms:.0f} ms: {shorter(slowest.sql)}"
             ] if slowest else []
    return {"notes": notes, "figures": {
        "dashboard_day_refresh_s": figure(seconds, "s", note=f"{len(queries)} queries"),
        "dashboard_day_refresh_slowest_ms": figure(slowest.ms if slowest else 0, "ms"),
    }}


def _doubled_recipients() -> int:
    """People sent two emails of one kind by this run (one of each is the rule)."""
    from reminders.models import Reminder

    emails = set(Reminder.objects.filter(email__isnull=False)
                 .values_list("email_id", "kind", "email__recipient_id").order_by().distinct())
    pairs = Counter((recipient, kind) for _, kind, recipient in emails)
    return sum(n - 1 for n in pairs.values() if n > 1)


def measure(*, port: int, work: Path) -> dict:
    """The pages through gunicorn, each beside the SQL it runs timed alone,
    the CSV beside COPY, the PDF beside reading its file, and the trivial view."""
    _django()
    from django.test import Client as InProcess

    from people.models import User

    notes: list[str] = []
    figures: dict[str, dict] = {}
    hr = User.objects.get(email=HR_EMAIL)
    person, _ = many_sign_offs_person()

    # The worker's dashboard refresh, again the same day: its time and its slowest query.
    refresh_s, queries = timed_refresh()
    slowest = max(queries, key=lambda q: q.ms, default=None)
    figures["dashboard_refresh_s"] = figure(refresh_s, "s", note=f"{len(queries)} queries")
    figures["dashboard_refresh_slowest_ms"] = figure(slowest.ms if slowest else 0, "ms")
    if slowest:
        notes.append(f"dashboard refresh: {len(queries)} queries; slowest {slowest.ms:.0f} ms: {shorter(slowest.sql)}")

    pages = {
        "outstanding_page_ms": (hr, f"/reports/outstanding/?school={SCHOOL}", "Member"),
        "dashboard_page_ms": (hr, "/reports/", ""),
        "staff_list_page_ms": (hr, "/people/", "Member"),
        "my_policies_ms": (person.user, "/my/", ""),
    }
    sql: dict[str, tuple[float, float, int]] = {}
    with _plain_static():
        for key, (user, path, _) in pages.items():
            client = InProcess()
            client.force_login(user)
            client.get(path)  # warm: the first request compiles templates
            with captured() as queries:
                response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"in-process GET {path}: {response.status_code}")
            slowest_ms, worst = slowest_replayed(queries)
            sql[key] = (replay_ms(queries), slowest_ms, len(queries))
            if worst and slowest_ms >= SLOW_NOTE_MS:
                notes.append(f"{path}: slowest query {slowest_ms:.0f} ms: {shorter(worst.sql)}")
        csv_sql = export_statement(hr)
        pdf = pdf_figures()
    figures["pdf_cached_ms"] = figure(pdf["cached_ms"], "ms", pdf["file_ms"])

    copy_speed = copy_rows_per_s(*csv_sql) if csv_sql else None
    if not csv_sql:
        notes.append("csv floor: the export's statement could not be found")

    from wire import TRIVIAL, Client, Server, median, memory_kb, reset_peak

    server = Server(database_url=os.environ["DATABASE_URL"], redis_url=REDIS_URL, port=port, work=work / "server")
    with server:
        anonymous = Client(server.base)
        as_hr, as_person = Client(server.base), Client(server.base)
        as_hr.sign_in(HR_EMAIL, PASSWORD)
        as_person.sign_in(person.email, PASSWORD)
        trivial = median(anonymous.page_ms(TRIVIAL, runs=WIRE_RUNS * 2, warm=5, expect='"ok"'))
        figures["trivial_ms"] = figure(trivial, "ms", note="the floor of every page over the wire")
        for key, (user, path, expect) in pages.items():
            client = as_person if user == person.user else as_hr
            page = median(client.page_ms(path, runs=WIRE_RUNS, warm=3, expect=expect))
            floor, slowest_ms, count = sql[key]
            figures[key] = figure(page, "ms", floor, note=f"{count} queries, slowest {slowest_ms:.0f} ms")
            if key in {"dashboard_page_ms", "staff_list_page_ms"}:
                figures[key.replace("_page_ms", "_slowest_ms")] = figure(slowest_ms, "ms")
        figures["pdf_wire_ms"] = figure(median(as_person.page_ms(pdf["path"], runs=WIRE_RUNS, warm=2)), "ms",
                                        trivial, note="the cached PDF through gunicorn")
        speeds, growth = [], []
        for _ in range(CSV_RUNS):
            pids = server.pids()
            for pid in pids:
                reset_peak(pid)
            before = {pid: memory_kb(pid).get("VmRSS", 0) for pid in pids}
            size, lines, seconds = as_hr.download("/reports/outstanding.csv", on_job=server.start_worker)
            after = {pid: memory_kb(pid).get("VmHWM", 0) for pid in server.pids()}
            growth.append(max((after[pid] - before.get(pid, after[pid])) / 1024 for pid in after))
            speeds.append((lines - 1) / seconds)
        floor_is = ("the export's own COPY" if csv_sql and csv_sql[0].lstrip().upper().startswith("COPY")
                    else "COPY of the export's SELECT")
        figures["csv_rows_per_s"] = figure(statistics.median(speeds), "rows/s", copy_speed,
                                           note=f"{lines - 1} rows, {size / 1e6:.0f} MB; floor: {floor_is} alone")
        figures["csv_rss_mb"] = figure(max(growth), "MB", note="largest peak growth of one server process")
    return {"notes": notes, "figures": figures}


def export_statement(hr) -> tuple[str, Any] | None:
    """The statement the CSV export reads its rows with, caught as the first
    chunk is made (COPY or SELECT); None if the export is a job elsewhere."""
    from django.test import Client as InProcess

    client = InProcess()
    client.force_login(hr)
    response = client.get("/reports/outstanding.csv")
    if response.status_code == 200 and response.streaming:
        chunks = iter(response.streaming_content)
        with captured() as queries:
            next(chunks)
        response.close()
        for query in queries:
            if query.sql.lstrip().upper().startswith("COPY") or query.reads:
                return query.sql, query.params
    try:  # a job builds it: the rows the report's columns read
        from reports import columns, selectors
        from reports.permissions import report_scope

        rows = selectors.outstanding(report_scope(hr), selectors.OutstandingFilters()).values_list(
            *columns._SOURCES)
        return rows.query.sql_with_params()
    except Exception:  # the selector is changing under another helper's work
        return None


def copy_rows_per_s(sql: str, params: Any, runs: int = CSV_RUNS) -> float:
    """The floor for the CSV: PostgreSQL's COPY of the same rows to this process."""
    import psycopg
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    literal = psycopg.ClientCursor(raw).mogrify(sql, params) if params else sql
    statement = literal if literal.lstrip().upper().startswith("COPY") else f"COPY ({literal}) TO STDOUT"
    speeds = []
    for _ in range(runs):
        rows = 0
        began = time.perf_counter()
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for block in copy:
                rows += bytes(block).count(b"\n")
        speeds.append(rows / (time.perf_counter() - began))
    return statistics.median(speeds)


def pdf_figures() -> dict:
    """A published version's cached PDF: the service's cost once rendered,
    beside reading the file."""
    from django.core.exceptions import FieldError

    from acknowledgements.models import SignOff
    from documents import rendering
    from policies.models import PolicyVersion

    version_id = SignOff.objects.values_list("version_id", flat=True).order_by("version_id").first()

    def load():
        try:  # the PDF's row too, where the cache key is kept with the version
            return PolicyVersion.objects.select_related("policy__organisation", "pdf").get(pk=version_id)
        except FieldError:
            return PolicyVersion.objects.select_related("policy__organisation").get(pk=version_id)

    path = rendering.policy_pdf(load())  # renders and caches it, once
    cached = median_ms(lambda: rendering.policy_pdf(load()), 50)
    file_ms = median_ms(lambda: Path(path).read_bytes(), 50)
    version = load()
    return {"cached_ms": cached, "file_ms": file_ms,
            "path": f"/policies/{version.policy.slug}/versions/{version.label}/pdf/"}


EVIDENCE_GOAL_RECORDS = 2_000_000


def evidence_figures() -> dict:
    """verify_evidence over the whole seeded chain (on the copy: it writes its
    EvidenceCheck). The goal is 2,000,000 records; a trust with fewer reports
    its real count and time, and the figure is the time scaled to 2,000,000
    at the measured rate, either way (the walk is linear: one pass over links
    and records; a reseeded trust has a viewing per sign-off, 3,600,000 at 20k)."""
    from acknowledgements import evidence_check

    result = evidence_check.verify()
    records, seconds = result.records, result.seconds
    rate = records / seconds if seconds else 0.0
    scaled = seconds * EVIDENCE_GOAL_RECORDS / records if records else None
    said = f"verify_evidence: {records:,} records in {seconds:.1f} s ({rate:,.0f} records/s), " + (
        "intact" if result.intact else f"BROKEN: {result.first_broken}")
    if scaled is not None and records != EVIDENCE_GOAL_RECORDS:
        said += f"; {EVIDENCE_GOAL_RECORDS:,} at that rate: {scaled:.1f} s (the figure)"
    figures = {"verify_evidence_s": figure(scaled if result.intact else None, "s",
                                           note=f"{records:,} records, {rate:,.0f}/s")}
    return {"notes": [said], "figures": figures}


# --------------------------------------------------------------------------- command line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["seed", "prepare", "on-copy", "measure"])
    parser.add_argument("--sizes", default=",".join(SIZES))
    parser.add_argument("--out")
    parser.add_argument("--work")
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    if args.command == "seed":
        server = PgServer.from_environment(os.environ.get("DATABASE_URL"))
        if isinstance(server, str):
            print(f"# not seeded: {server}")
            return 1
        work = Path(tempfile.mkdtemp(prefix="policy-portal-bench-seed-"))
        for size in args.sizes.split(","):
            print(f"# {ensure_database(server, size, work)} ready ({time.strftime('%H:%M:%S')})")
        return 0
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/wire.py
    if args.command == "prepare":
        answer = prepare()
    elif args.command == "on-copy":
        answer = reminders()
        refreshed = day_refresh()
        evidence = evidence_figures()
        answer = {"notes": answer["notes"] + refreshed["notes"] + evidence["notes"],
                  "figures": {**answer["figures"], **refreshed["figures"], **evidence["figures"]}}
    else:
        answer = measure(port=args.port, work=Path(args.work))
    Path(args.out).write_text(json.dumps(answer, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
