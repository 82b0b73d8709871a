"""Checking the sealed evidence chain (acknowledgements.chain seals it):
walk each chain by position, recompute every link's hash from its record
and find the first break; count each kind's rows against its links; keep
the result (EvidenceCheck) for HR's dashboard and the nightly run.
`manage.py verify_evidence` and portal.daily call `verify`."""

from __future__ import annotations

import datetime
import hashlib
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from acknowledgements.chain import FIELDS, GENESIS, MODELS, OPTIONAL, SEALED, WORDS, canonical
from acknowledgements.models import ChainHead, EvidenceCheck, EvidenceLink

CHAIN_INTACT = "evidence: {records:,} records, chain intact"
CHAIN_BROKEN = "evidence: {records:,} records, broken at {where}"

@dataclass
class ChainResult:
    chain: str
    records: int = 0
    broken_at: int | None = None  # the position of the first broken link
    problem: str = ""  # the first broken record, in words

    @property
    def line(self) -> str:
        state = "intact" if not self.problem else f"broken at {self.problem}"
        return f"{self.chain}: {self.records:,} records, {state}"


@dataclass
class Result:
    records: int = 0
    chains: list[ChainResult] = field(default_factory=list)
    unsealed: str = ""  # a record with no link, in words
    seconds: float = 0.0
    check: EvidenceCheck | None = None

    @property
    def first_broken(self) -> str:
        return next((c.problem for c in self.chains if c.problem), self.unsealed)

    @property
    def intact(self) -> bool:
        return not self.first_broken

    @property
    def last_line(self) -> str:
        if self.intact:
            return CHAIN_INTACT.format(records=self.records)
        return CHAIN_BROKEN.format(records=self.records, where=self.first_broken)


def describe(kind: str, record_id: int) -> str:
    """A record in words: "sign-off 1234 (Jo Bloggs, Email Policy v2.0)"."""
    record = (MODELS[kind].objects.filter(pk=record_id).select_related("person", "version__policy").first())
    if record is None:
        return f"{WORDS[kind]} {record_id}"
    return f"{WORDS[kind]} {record_id} ({record.person.full_name}, {record.version})"


def verify(*, chains: list[str] | None = None, batch: int | None = None, save: bool = True) -> Result:
    """Walk every chain (or those named) by position, recompute each link's
    hash from its record, and find the first break in each: an edited record,
    a removed record, a removed or edited link, a cut-off end; then count each
    kind's rows against its links (a record inserted without its link).
    Writes an EvidenceCheck unless save is False."""
    started = time.monotonic()
    postgres = connection.vendor == "postgresql"
    batch = batch or (5000 if postgres else 500)  # SQLite's bound-parameter limit
    result = Result()
    with transaction.atomic():
        if postgres and not _outer_atomic():
            # One snapshot for the whole walk: a sign-off committed meanwhile
            # is neither half-seen nor counted without its link.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        heads = dict(ChainHead.objects.values_list("chain", "position"))
        names = sorted(set(heads) | set(EvidenceLink.objects.values_list("chain", flat=True).distinct()))
        for name in names:
            if chains is not None and name not in chains:
                continue
            checked = _walk(name, batch)
            result.records += checked.records
            head = ChainHead.objects.filter(chain=name).values_list("position", "last_hash").first()
            if not checked.problem and head != (checked.records_end, checked.last_hash):
                checked.problem = (f"the end of {name}: its head says position {head[0] if head else 0} "
                                   f"but the last link is at {checked.records_end}: links were removed")
                checked.broken_at = checked.records_end + 1
            result.chains.append(checked.result)
        if chains is None:
            result.unsealed = _first_unsealed()
    result.seconds = time.monotonic() - started
    if save:
        result.check = EvidenceCheck.objects.create(
            checked_at=timezone.now(), records=result.records, intact=result.intact,
            first_broken=result.first_broken, seconds=result.seconds)
    return result


def _outer_atomic() -> bool:
    return len(connection.atomic_blocks) > 1


@dataclass
class _Walk:
    result: ChainResult
    records_end: int = 0
    last_hash: str = GENESIS

    @property
    def records(self) -> int:
        return self.result.records

    @property
    def problem(self) -> str:
        return self.result.problem

    @problem.setter
    def problem(self, value: str) -> None:
        self.result.problem = value

    @property
    def broken_at(self) -> int | None:
        return self.result.broken_at

    @broken_at.setter
    def broken_at(self, value: int) -> None:
        self.result.broken_at = value


def _walk(name: str, batch: int) -> _Walk:
    if connection.vendor == "postgresql":
        return _walk_postgres(name)
    walk = _Walk(ChainResult(name))
    chunks = _chunks(name, batch)
    expected, previous = 1, GENESIS
    sha256 = hashlib.sha256
    for chunk, records in chunks:
        for position, kind, record_id, previous_hash, stored_hash in chunk:
            walk.result.records += 1
            if not walk.problem:
                problem = ""
                if position != expected:
                    problem = f"the link before it (position {expected}) was removed"
                elif previous_hash != previous:
                    problem = "the link before it was changed or removed"
                else:
                    values = records[kind].get(record_id)
                    if values is None:
                        problem = "the record was removed after it was sealed"
                    elif sha256((previous_hash + kind).encode() + canonical(kind, values)).hexdigest() \
                            != stored_hash:
                        problem = "its contents changed after it was sealed"
                if problem:
                    walk.problem = f"{describe(kind, record_id)} at position {position} of {name}: {problem}"
                    walk.broken_at = position
            expected, previous = position + 1, stored_hash
    walk.records_end, walk.last_hash = expected - 1, previous
    return walk


def _chunks(name: str, batch: int) -> Iterator[tuple[list[tuple], dict[str, dict[int, tuple]]]]:
    """Any database: the chain's links by position in chunks, each with its records read by id."""
    links = (EvidenceLink.objects.filter(chain=name).order_by("position")
             .values_list("position", "kind", "record_id", "previous_hash", "record_hash")
             .iterator(chunk_size=batch))
    while chunk := list(itertools.islice(links, batch)):
        yield chunk, _records_of(chunk)


def _utc_text(column: str) -> str:
    """PostgreSQL's text of a timestamptz exactly as Python's isoformat() in UTC writes it."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (f"CASE WHEN {column} IS NULL THEN NULL ELSE to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || "
            f"CASE WHEN mod(extract(microseconds FROM {utc})::bigint, 1000000) = 0 THEN '' "
            f"ELSE to_char({utc}, '.US') END || '+00:00' END")


def _canonical_sql(kind: str, alias: str) -> str:
    """PostgreSQL's text of canonical(kind, ...) for a row of `alias`: byte for
    byte what Python writes (to_json escapes a string as json.dumps does with
    ensure_ascii off; a check of understanding's answers are option numbers)."""
    parts = []
    for name in sorted(FIELDS[kind]):
        column = f"{alias}.{name}"
        if name.endswith("_at"):
            value = f"'\"' || {_utc_text(column)} || '\"'"
        elif name.endswith("_on"):
            value = f"'\"' || to_char({column}, 'YYYY-MM-DD') || '\"'"
        elif name == "quiz_answers":
            value = f"replace({column}::text, ' ', '')"
        elif name == "id" or name.endswith("_id") or name == "quiz_attempts":
            value = f"{column}::text"
        else:
            value = f"to_json({column})::text"
        if name in OPTIONAL[kind]:  # left out when not set, as canonical() leaves it out
            unset = f"{column} IS NULL" + (f" OR {column}::text = ''" if not name.endswith("_id") else "")
            parts.append(f"CASE WHEN {unset} THEN '' ELSE ',\"{name}\":' || {value} END")
        else:
            parts.append(f"',\"{name}\":' || coalesce({value}, 'null')")
    # Every part starts with its comma; the first one's becomes the opening brace.
    return "'{' || substr(" + " || ".join(parts) + ", 2) || '}'"


def _walk_postgres(name: str) -> _Walk:
    """PostgreSQL: the check as a few set-based queries, in C (each may run
    in parallel workers): the links' own order and hashes (lag over
    position), then per kind the records removed and the records whose hash,
    recomputed from their canonical text as record_hash was, differs. Each
    returns its first broken position; the first of them is the break. This
    is the 2,000,000-record walk's speed; the tests run every kind of break
    through it and, on SQLite, through the Python walk (the same rules)."""
    table = EvidenceLink._meta.db_table
    found: list[tuple[int, int, str]] = []  # (position, rank at one position, problem)
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT position, CASE WHEN position <> coalesce(position_before, 0) + 1 THEN 'gap' ELSE 'link' END
            FROM (SELECT position, previous_hash, lag(position) OVER w AS position_before,
                         lag(record_hash) OVER w AS hash_before
                  FROM {table} WHERE chain = %s WINDOW w AS (ORDER BY position)) links
            WHERE position <> coalesce(position_before, 0) + 1 OR previous_hash <> coalesce(hash_before, %s)
            ORDER BY position LIMIT 1""", [name, GENESIS])  # noqa: S608 (names from the models, no input)
        if row := cursor.fetchone():
            found.append((row[0], 0, row[1]))
        for kind, model in MODELS.items():
            records = model._meta.db_table
            recomputed = (f"encode(sha256(convert_to(l.previous_hash || l.kind || {_canonical_sql(kind, 'r')}, "
                          "'UTF8')), 'hex')")
            cursor.execute(f"""
                SELECT min(l.position) FILTER (WHERE r.id IS NULL),
                       min(l.position) FILTER (WHERE r.id IS NOT NULL AND {recomputed} <> l.record_hash)
                FROM {table} l LEFT JOIN {records} r ON r.id = l.record_id
                WHERE l.chain = %s AND l.kind = %s""", [name, kind])  # noqa: S608
            removed, changed = cursor.fetchone()
            if removed is not None:
                found.append((removed, 1, "removed"))
            if changed is not None:
                found.append((changed, 2, "changed"))
        cursor.execute(f"SELECT count(*), max(position) FROM {table} WHERE chain = %s", [name])  # noqa: S608
        records_count, end = cursor.fetchone()
        cursor.execute(f"SELECT record_hash FROM {table} WHERE chain = %s "  # noqa: S608
                       "ORDER BY position DESC LIMIT 1", [name])
        last = cursor.fetchone()
    walk = _Walk(ChainResult(name, records=records_count), records_end=end or 0,
                 last_hash=last[0] if last else GENESIS)
    if found:
        position, _, problem = min(found)
        link = EvidenceLink.objects.get(chain=name, position=position)
        if problem == "gap":
            before = EvidenceLink.objects.filter(chain=name, position__lt=position).order_by("-position").first()
            problem = f"the link before it (position {(before.position if before else 0) + 1}) was removed"
        else:
            problem = {"link": "the link before it was changed or removed",
                       "removed": "the record was removed after it was sealed",
                       "changed": "its contents changed after it was sealed"}[problem]
        walk.problem = f"{describe(link.kind, link.record_id)} at position {position} of {name}: {problem}"
        walk.broken_at = position
    return walk


def _records_of(chunk: list[tuple]) -> dict[str, dict[int, tuple]]:
    """The chunk's records by kind and id. Links are sealed about in id order,
    so a dense run of ids is read as a range (an index range scan, two
    parameters); a sparse one by its ids."""
    ids: dict[str, list[int]] = {kind: [] for kind in SEALED}
    for _, kind, record_id, _, _ in chunk:
        ids.setdefault(kind, []).append(record_id)
    found: dict[str, dict[int, tuple]] = {kind: {} for kind in ids}
    for kind, wanted in ids.items():
        if not wanted or kind not in MODELS:
            continue
        rows = MODELS[kind].objects.order_by().values_list(*FIELDS[kind])
        low, high = min(wanted), max(wanted)
        if high - low < 4 * len(wanted):
            rows = rows.filter(pk__gte=low, pk__lte=high)
        else:
            rows = rows.filter(pk__in=wanted)
        found[kind] = {row[0]: row for row in rows}
    return found


def _first_unsealed() -> str:
    """A record that has no link (inserted with sealing bypassed), in words."""
    for kind, model in MODELS.items():
        linked = EvidenceLink.objects.filter(kind=kind).count()
        if model.objects.count() != linked:
            stray = (model.objects.exclude(pk__in=EvidenceLink.objects.filter(kind=kind).values("record_id"))
                     .order_by("pk").values_list("pk", flat=True).first())
            if stray is not None:
                return f"{describe(kind, stray)}: it has no place in the chain (added without being sealed)"
    return ""


# --------------------------------------------------------------------------- the last check, for HR's dashboard

NEVER_CHECKED = "Evidence chain: not checked yet (the nightly run checks it)."


def last_check() -> EvidenceCheck | None:
    return EvidenceCheck.objects.order_by("-checked_at").first()


def when_checked(check: EvidenceCheck, *, today: datetime.date | None = None) -> str:
    """ "02:00 today", "02:00 yesterday" or "02:00 on 3 December", in UK time."""
    today = today or timezone.localdate()
    local = timezone.localtime(check.checked_at)
    day = local.date()
    if day == today:
        said = "today"
    elif day == today - datetime.timedelta(days=1):
        said = "yesterday"
    else:
        said = f"on {day.day} {day:%B %Y}"
    return f"{local:%H:%M} {said}"


def dashboard_line(check: EvidenceCheck | None, *, today: datetime.date | None = None) -> str:
    """The dashboard's line: "Evidence chain: 2,431 records, intact, checked
    02:00 today", or the break in words."""
    if check is None:
        return NEVER_CHECKED
    if check.intact:
        return f"Evidence chain: {check.records:,} records, intact, checked {when_checked(check, today=today)}."
    return (f"Evidence chain broken (checked {when_checked(check, today=today)}, {check.records:,} records): "
            f"{check.first_broken}")
