"""Kept counts: how many sign-offs are signed, outstanding and overdue for
each school x version x staff group (SignOffCount) and for each person
(PersonSignOffCount), so the dashboard, the staff list and the digests read
a few rows rather than aggregating every obligation of the trust.

This is the one module that changes them. Each write that can move a count
(an obligation's status, due date, person or version; a person's schools,
staff group or leave date) reads the rows it concerns before and after, in
the writer's transaction, and adds the difference: the cost follows what
changed, never the size of the trust. What counts, as of CountsState's
`overdue_on` (D below):

- obligations signed or outstanding; withdrawn ones count nowhere;
- of people in post on D (no leave date, or one after D), once for each
  school the person belongs to (as the reports count them) and once for the
  person;
- overdue: outstanding with a due date before D.

`roll_overdue(today)` moves D (the daily run, before the reminders);
`check_counts` recounts everything in SQL and compares (the daily run, with
repair); `rebuild()` writes every row from a recount.

Who writes through here: ObligationQuerySet.update()/delete() and
Obligation.save()/delete() (acknowledgements.models), the services'
bulk_create (inside `tracking`), and acknowledgements.receivers for people
(saves, schools, deletion, the staff import's events).

On PostgreSQL a writer holds the CountsState row FOR KEY SHARE (writers do
not wait for each other) and the people concerned FOR NO KEY UPDATE, in id
order, before it reads what it is about to change; roll_overdue and a repair
hold CountsState FOR UPDATE. So two writes about one person, or a write and
a roll, never interleave between "before" and "after". The counter rows are
added to last, in key order, so a sign-off holds its counter rows only for
the end of its transaction.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.sql import UpdateQuery
from django.utils import timezone

from acknowledgements.models import CountsState, Obligation, PersonSignOffCount, SignOffCount
from people.models import Organisation, Person, StaffGroup
from policies.models import PolicyVersion

log = logging.getLogger(__name__)

OBLIGATIONS = Obligation._meta.db_table
PEOPLE = Person._meta.db_table
SCHOOLS_OF = Person.schools.through._meta.db_table
BY_SCHOOL = SignOffCount._meta.db_table
BY_PERSON = PersonSignOffCount._meta.db_table
STATE = CountsState._meta.db_table
SIGNED = Obligation.Status.SIGNED.value
OUTSTANDING = Obligation.Status.OUTSTANDING.value

# Obligation fields whose change can move a count. A save or an update of
# others (a reminder date, a closing date) costs nothing extra.
COUNTED_FIELDS = frozenset({"status", "due_on", "person", "person_id", "version", "version_id", "policy",
                            "policy_id"})
# Person fields that decide where their obligations count (schools aside).
PERSON_FIELDS = frozenset({"staff_group", "leave_date"})
# Ids per statement: well inside SQLite's bound-parameter limit.
SQLITE_IDS = 900
# Rows per tracked UPDATE statement, as the services' own batches.
UPDATE_BATCH = 5000
# Named in a check's report; the rest are counted.
NAMED = 5

# A key of SignOffCount: school, version, staff group.
SchoolKey = tuple[int, int, str]


def _postgres() -> bool:
    return connection.vendor == "postgresql"


# --- what a set of rows contributes -------------------------------------

# One row per obligation (signed or outstanding) and school of its person;
# the school is NULL for a person without one (they still count for themselves).
ROW_SQL = (  # table names are ours; values are always parameters
    "SELECT o.id, o.person_id, o.version_id, o.policy_id, o.status, o.due_on, p.staff_group, p.leave_date, "  # noqa: S608
    "s.organisation_id "
    f"FROM {OBLIGATIONS} o JOIN {PEOPLE} p ON p.id = o.person_id "
    f"LEFT JOIN {SCHOOLS_OF} s ON s.person_id = o.person_id "
    "WHERE o.status IN (%s, %s) AND ({where})"
)


@dataclass
class Tally:
    """What some obligations add to the kept counts, as of one date."""

    schools: dict[SchoolKey, list[int]] = field(default_factory=dict)  # signed, outstanding, overdue
    people: dict[int, list[int]] = field(default_factory=dict)  # owed, overdue
    policy_of: dict[int, int] = field(default_factory=dict)  # version -> policy

    def add(self, other: Tally) -> None:
        """Add another change into this one (a batch's pending change)."""
        self.policy_of.update(other.policy_of)
        for mine, theirs in ((self.schools, other.schools), (self.people, other.people)):
            for key, figures in theirs.items():
                total = [a + b for a, b in zip(mine.get(key, [0] * len(figures)), figures, strict=True)]
                if any(total):
                    mine[key] = total
                else:
                    mine.pop(key, None)

    def minus(self, other: Tally) -> Tally:
        change = Tally(policy_of={**other.policy_of, **self.policy_of})
        for key in self.schools.keys() | other.schools.keys():
            figures = _subtract(self.schools.get(key), other.schools.get(key), 3)
            if any(figures):
                change.schools[key] = figures
        for key in self.people.keys() | other.people.keys():
            figures = _subtract(self.people.get(key), other.people.get(key), 2)
            if any(figures):
                change.people[key] = figures
        return change


def _subtract(a: list[int] | None, b: list[int] | None, size: int) -> list[int]:
    a, b = a or [0] * size, b or [0] * size
    return [x - y for x, y in zip(a, b, strict=True)]


def tally(rows: Collection[tuple], as_of: datetime.date) -> Tally:
    """The contribution of rows read by ROW_SQL, as of a date: a leaver on
    or before it counts nowhere; outstanding and due before it is overdue."""
    result = Tally()
    seen: set[int] = set()
    for obligation, person, version, policy, status, due_on, group, leave_date, school in rows:
        if leave_date is not None and leave_date <= as_of:
            continue
        outstanding = status == OUTSTANDING
        overdue = outstanding and due_on < as_of
        if school is not None:
            figures = result.schools.setdefault((school, version, group), [0, 0, 0])
            figures[0] += not outstanding
            figures[1] += outstanding
            figures[2] += overdue
            result.policy_of[version] = policy
        if outstanding and obligation not in seen:  # once per person, whatever their schools
            seen.add(obligation)
            owed = result.people.setdefault(person, [0, 0])
            owed[0] += 1
            owed[1] += overdue
    return result


def _fetch(sql: str, params: Sequence) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _rows(where: str, params: Sequence) -> list[tuple]:
    return _fetch(ROW_SQL.format(where=where), [SIGNED, OUTSTANDING, *params])


def _in(column: str, ids: Sequence[int]) -> Iterator[tuple[str, list]]:
    """`column` is one of ids, as SQL and parameters, in statements of a
    size both databases take."""
    ids = list(ids)
    if _postgres():
        if ids:  # bigint[], as the columns: an int[] would be compared row by row, not hashed
            yield f"{column} = ANY(%s::bigint[])", [ids]
        return
    for start in range(0, len(ids), SQLITE_IDS):
        chunk = ids[start:start + SQLITE_IDS]
        yield f"{column} IN ({', '.join(['%s'] * len(chunk))})", chunk


def _rows_of(obligations: Sequence[int]) -> list[tuple]:
    return [row for where, params in _in("o.id", obligations) for row in _rows(where, params)]


def _rows_of_people(people: Sequence[int], policy_id: int | None = None) -> list[tuple]:
    rows = []
    for where, params in _in("o.person_id", people):
        if policy_id is not None:
            where, params = f"{where} AND o.policy_id = %s", [*params, policy_id]
        rows += _rows(where, params)
    return rows


# --- the state row and locks ---------------------------------------------

def _state_row(*, exclusive: bool = False, default: datetime.date | None = None) -> tuple[int, datetime.date]:
    """The CountsState row (created if missing, as of `default` or today),
    held: FOR KEY SHARE for a writer, FOR UPDATE for a roll or a repair."""
    lock = (" FOR UPDATE" if exclusive else " FOR KEY SHARE") if _postgres() else ""
    select = f"SELECT id, overdue_on FROM {STATE} ORDER BY id LIMIT 1{lock}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(select)
        row = cursor.fetchone()
        if row is None:
            cursor.execute(f"INSERT INTO {STATE} (overdue_on, disagreements) VALUES (%s, 0)",  # noqa: S608
                           [default or timezone.localdate()])
            cursor.execute(select)
            row = cursor.fetchone()
        if row[1] is None:
            row = (row[0], default or timezone.localdate())
            cursor.execute(f"UPDATE {STATE} SET overdue_on = %s WHERE id = %s", [row[1], row[0]])  # noqa: S608
    return row


def overdue_as_of() -> datetime.date:
    """The day the kept counts' overdue figures (and who has left) are as of."""
    return _state_row()[1]


def _lock_people(people: Sequence[int]) -> None:
    if not _postgres():
        return  # SQLite lets one writer at a time in
    batch = _batch.get()
    if batch is not None:  # held since the batch's first statement about them
        people = set(people) - batch.locked
        batch.locked |= people
    for where, params in _in("id", sorted(set(people))):
        _fetch(f"SELECT id FROM {PEOPLE} WHERE {where} ORDER BY id FOR NO KEY UPDATE", params)  # noqa: S608


def _held_sql(queryset: QuerySet) -> tuple[str, Sequence] | None:
    """SQL for the ids the queryset matches, holding their people (in id
    order); None when it matches nothing by construction."""
    try:
        sub, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return None
    lock = " FOR NO KEY UPDATE OF p" if _postgres() else ""
    return (f"SELECT o.id FROM {OBLIGATIONS} o JOIN {PEOPLE} p ON p.id = o.person_id "  # noqa: S608
            f"WHERE o.id IN ({sub}) ORDER BY o.person_id, o.id{lock}", params)


def _held_ids(held: tuple[str, Sequence] | None) -> list[int]:
    return [pk for (pk,) in _fetch(*held)] if held else []


def _hold_obligations(queryset: QuerySet) -> tuple[datetime.date, list[int]]:
    """The counts' day and the ids the queryset matches, holding CountsState
    and their people: on PostgreSQL one round trip (the sign-off's path).
    The rows the write changes are read by a later statement, so they are
    seen as they are once the people are held, not as the snapshot taken
    before a wait for them."""
    held = _held_sql(queryset)
    if held is not None and _postgres():
        sql, params = held
        rows = _fetch(f"WITH state AS MATERIALIZED (SELECT overdue_on FROM {STATE} ORDER BY id LIMIT 1 "  # noqa: S608
                      f"FOR KEY SHARE) SELECT state.overdue_on, held.id FROM state LEFT JOIN LATERAL ({sql}) held "
                      "ON true", params)
        if rows and rows[0][0] is not None:
            return rows[0][0], [pk for _, pk in rows if pk is not None]
        # No state row yet, or no day: made as _state_row makes it, then held as elsewhere.
    return _state_row()[1], _held_ids(held)


# --- adding to the counters ------------------------------------------------

@dataclass
class _Batch:
    pending: Tally = field(default_factory=Tally)
    locked: set[int] = field(default_factory=set)


_batch: ContextVar[_Batch | None] = ContextVar("kept_counts_batch", default=None)


@contextmanager
def batched() -> Iterator[None]:
    """Many tracked writes in one transaction (the staff import's sync: a pass
    per policy over the same people) add to the counters once, at the end,
    and hold each person once. One transaction (the caller's, if any) that
    the block must not partly roll back: an exception inside has to leave
    the block, which discards what is pending as the transaction rolls back."""
    if _batch.get() is not None:
        yield
        return
    batch = _Batch()
    with transaction.atomic(savepoint=False):
        token = _batch.set(batch)
        try:
            yield
        finally:
            _batch.reset(token)
        _write(batch.pending)


def _write(change: Tally, *, replace: bool = False) -> None:
    """Add the change to the counters (or, with replace, set them to it), in
    key order so two writers never wait for each other crosswise."""
    batch = _batch.get()
    if batch is not None and not replace:
        batch.pending.add(change)
        return
    upserts = []
    if change.schools:
        rows = [(school, version, group, change.policy_of[version], *figures)
                for (school, version, group), figures in sorted(change.schools.items())]
        upserts.append(_Upsert(BY_SCHOOL, ["school_id", "version_id", "staff_group", "policy_id"],
                               ["signed", "outstanding", "overdue"], rows,
                               conflict=["school_id", "version_id", "staff_group"], replace=replace,
                               types=["bigint", "bigint", "varchar", "bigint", "integer", "integer", "integer"]))
    if change.people:
        rows = [(person, *figures) for person, figures in sorted(change.people.items())]
        upserts.append(_Upsert(BY_PERSON, ["person_id"], ["owed", "overdue"], rows, conflict=["person_id"],
                               replace=replace, types=["bigint", "integer", "integer"]))
    if not upserts:
        return
    with connection.cursor() as cursor:
        if _postgres():
            # Both counters in one statement: a sign-off's last round trip
            # before its seal. The two never wait crosswise: a person's
            # counter row is only written by whoever holds that person.
            statements = [upsert.postgres() for upsert in upserts]
            *first, (last_sql, last_params) = statements
            with_clause = ", ".join(f"upsert_{n} AS ({sql})" for n, (sql, _) in enumerate(first))
            cursor.execute(f"WITH {with_clause} {last_sql}" if first else last_sql,
                           [param for _, params in statements for param in params])
            return
        for upsert in upserts:
            for sql, params in upsert.sqlite():
                cursor.execute(sql, params)


@dataclass(frozen=True)
class _Upsert:
    """Rows added to (or, with replace, written over) one counter table."""

    table: str
    keys: list[str]
    figures: list[str]
    rows: list[tuple]
    conflict: list[str]
    replace: bool
    types: list[str]

    def _head_and_tail(self) -> tuple[str, str]:
        table, columns = self.table, self.keys + self.figures
        sets = ", ".join(f"{name} = excluded.{name}" if self.replace else f"{name} = {table}.{name} + excluded.{name}"
                         for name in self.figures)
        return (f"INSERT INTO {table} ({', '.join(columns)})",
                f"ON CONFLICT ({', '.join(self.conflict)}) DO UPDATE SET {sets}")

    def postgres(self) -> tuple[str, list]:
        """One statement of arrays, however many rows."""
        head, tail = self._head_and_tail()
        arrays = ", ".join(f"%s::{kind}[]" for kind in self.types)
        columns = [list(column) for column in zip(*self.rows, strict=True)]
        return f"{head} SELECT * FROM unnest({arrays}) {tail}", columns  # noqa: S608  (our tables, parameters)

    def sqlite(self) -> Iterator[tuple[str, list]]:
        head, tail = self._head_and_tail()
        width = len(self.keys) + len(self.figures)
        per = SQLITE_IDS // width
        for start in range(0, len(self.rows), per):
            chunk = self.rows[start:start + per]
            values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(chunk))
            yield f"{head} VALUES {values} {tail}", [value for row in chunk for value in row]  # noqa: S608


# --- following writes ------------------------------------------------------

class Change:
    """A write under way: what the rows it concerns counted before it.
    `finish()` reads them again and adds the difference."""

    def __init__(self, read: Callable[[], list[tuple]], *, as_of: datetime.date, people_only: bool = False,
                 before_rows: list[tuple] | None = None) -> None:
        self.read, self.as_of = read, as_of
        self.before_rows = read() if before_rows is None else before_rows
        self.before = tally(self.before_rows, as_of)
        # A change to people alone cannot give someone obligations they lacked.
        self.people_only = people_only

    def finish(self, after_rows: list[tuple] | None = None) -> Tally:
        """Add the difference; `after_rows` when the writer knows them
        (else they are read again)."""
        if self.people_only and not self.before_rows:
            return Tally()
        change = tally(self.read() if after_rows is None else after_rows, self.as_of).minus(self.before)
        _write(change)
        return change


def watch_people(people: Collection[int], *, policy_id: int | None = None, people_only: bool = False) -> Change:
    """Hold these people and note what their obligations (of one policy, if
    given) count now; call `finish()` on the result after the write, in the
    same transaction. For hooks whose before and after are two signals."""
    people = sorted(set(people))
    as_of = _state_row()[1]
    _lock_people(people)
    return Change(lambda: _rows_of_people(people, policy_id), as_of=as_of, people_only=people_only)


@contextmanager
def tracking(*, people: Collection[int], policy_id: int | None = None) -> Iterator[None]:
    """Counts follow whatever the block does to these people's obligations
    (of one policy, if given): a bulk_create, or a bulk change to people."""
    if not people:
        yield
        return
    with transaction.atomic(savepoint=False):
        change = watch_people(people, policy_id=policy_id)
        yield
        change.finish()


def subtract_people(people: Collection[int]) -> None:
    """Take these people's contribution out, holding them, before a bulk
    write changes who they are (the staff import); `add_people` puts it back
    after. Both in one transaction."""
    people = sorted(set(people))
    if not people:
        return
    as_of = _state_row()[1]
    _lock_people(people)
    _write(Tally().minus(tally(_rows_of_people(people), as_of)))


def add_people(people: Collection[int]) -> None:
    people = sorted(set(people))
    if people:
        _write(tally(_rows_of_people(people), _state_row()[1]))


def update_obligations(queryset: QuerySet, values: dict) -> int:
    """QuerySet.update() that keeps the counts (ObligationQuerySet.update).
    The rows are held and read first; the update is limited to them and
    still checks the queryset's own conditions, so a row another transaction
    changed meanwhile is left as the database has it, and counted so."""
    if not COUNTED_FIELDS & values.keys():
        return QuerySet.update(queryset, **values)
    if queryset.query.is_sliced:
        raise TypeError("Cannot update a query once a slice has been taken.")
    with transaction.atomic(savepoint=False):
        as_of, ids = _hold_obligations(queryset)
        if not ids:
            return 0
        update = _update_sql(queryset, ids, values) if _postgres() and len(ids) <= UPDATE_BATCH else None
        before_rows, updated = _read_and_update(ids, update) if update else (None, 0)  # a sign-off: one round trip
        change = Change(lambda: _rows_of(ids), as_of=as_of, before_rows=before_rows)
        if update is None:
            updated = sum(QuerySet.update(queryset.filter(pk__in=ids[start:start + UPDATE_BATCH]), **values)
                          for start in range(0, len(ids), UPDATE_BATCH))
        change.finish(_rows_after(change.before_rows, ids, updated, values))
    return updated


def _update_sql(queryset: QuerySet, ids: list[int], values: dict) -> tuple[str, Sequence] | None:
    """The UPDATE QuerySet.update() would run on these rows, as SQL (None
    when Django would need more than one statement)."""
    query = queryset.order_by().filter(pk__in=ids).query.chain(UpdateQuery)
    query.add_update_values(values)
    query.clear_select_clause()
    if query.related_updates:
        return None
    sql, params = query.get_compiler(queryset.db).as_sql()
    return (sql, params) if sql else None


def _read_and_update(ids: list[int], update: tuple[str, Sequence]) -> tuple[list[tuple], int]:
    """The rows ROW_SQL reads of these obligations, as they were, and the
    number the UPDATE changed: one statement, whose parts share one snapshot
    (taken after the people were held), so the read sees the rows before
    the update, as a statement of its own before it would."""
    update_sql, update_params = update
    rows = _fetch(f"WITH before AS MATERIALIZED ({ROW_SQL.format(where='o.id = ANY(%s::bigint[])')}), "  # noqa: S608
                  f"changed AS ({update_sql} RETURNING 1) "
                  "SELECT (SELECT count(*) FROM changed), before.* FROM (SELECT 1) AS one "
                  "LEFT JOIN before ON true", [SIGNED, OUTSTANDING, ids, *update_params])
    return [row[1:] for row in rows if row[1] is not None], rows[0][0]


STATUS_COLUMN, DUE_COLUMN = 4, 5  # in ROW_SQL's rows
COUNTED_STATUSES = frozenset({SIGNED, OUTSTANDING})


def _rows_after(before: list[tuple], ids: list[int], updated: int, values: dict) -> list[tuple] | None:
    """What ROW_SQL would read after an update that set plain values on
    every row held (the people are held, so nothing else changed them):
    the rows read before with the new status and due date. None when that
    cannot be known without reading (a row the update skipped, one not
    counted before, a new person or version, an expression): then the
    rows are read again."""
    if updated != len(ids) or {row[0] for row in before} != set(ids):
        return None
    if COUNTED_FIELDS & values.keys() - {"status", "due_on"}:
        return None
    status, due_on = values.get("status"), values.get("due_on")
    if ("status" in values and not isinstance(status, str)) or (
            "due_on" in values and type(due_on) is not datetime.date):
        return None
    after = []
    for row in before:
        row = list(row)
        if "status" in values:
            row[STATUS_COLUMN] = status
        if "due_on" in values:
            row[DUE_COLUMN] = due_on
        if row[STATUS_COLUMN] in COUNTED_STATUSES:
            after.append(tuple(row))
    return after


def delete_obligations(queryset: QuerySet) -> tuple[int, dict[str, int]]:
    """QuerySet.delete() that keeps the counts (ObligationQuerySet.delete)."""
    with transaction.atomic(savepoint=False):
        as_of, ids = _hold_obligations(queryset)
        change = Change(lambda: _rows_of(ids), as_of=as_of)
        deleted = QuerySet.delete(queryset.filter(pk__in=ids)) if ids else (0, {})
        change.finish()
    return deleted


@contextmanager
def tracking_obligation(obligation: Obligation) -> Iterator[None]:
    """Obligation.save() and delete(): one row, new, changed or removed."""
    with transaction.atomic(savepoint=False):
        as_of = _state_row()[1]
        ids = [obligation.pk] if obligation.pk is not None else []
        owners = {person for (person,) in _fetch(f"SELECT person_id FROM {OBLIGATIONS} WHERE id = %s",  # noqa: S608
                                                 ids)} if ids else set()
        _lock_people(sorted(owners | ({obligation.person_id} - {None})))
        change = Change(lambda: _rows_of(ids), as_of=as_of)
        yield
        if obligation.pk is not None and obligation.pk not in ids:  # a new row
            ids.append(obligation.pk)
        change.finish()


# --- the clock -------------------------------------------------------------

@dataclass(frozen=True)
class Rolled:
    was: datetime.date
    now: datetime.date
    newly_overdue: int = 0  # net change in obligations counted overdue
    leavers: int = 0  # people whose leave date the roll passed

    def line(self) -> str:
        moved = "" if self.was <= self.now else f" (moved back from {self.was.isoformat()})"
        return (f"as of {self.now.isoformat()}{moved}: {self.newly_overdue} newly overdue, "
                f"{_plural(self.leavers, 'leaver')} no longer counted")


def roll_overdue(today: datetime.date) -> Rolled:
    """Make the overdue figures (and who has left) as of `today`: obligations
    still outstanding and due in [old day, today) become overdue, people whose
    leave date is in (old day, today] stop counting. Cheap when already done
    (one row read); a date before the old one moves the counts back the same
    way. Holds CountsState, so two runs, or a run and a write, take turns."""
    peeked = _fetch(f"SELECT overdue_on FROM {STATE} ORDER BY id LIMIT 1", [])  # noqa: S608
    if peeked and peeked[0][0] == today:
        return Rolled(today, today)
    with transaction.atomic():
        state_id, old = _state_row(exclusive=True, default=today)
        if old == today:  # another run rolled it meanwhile
            return Rolled(old, today)
        low, high = sorted((old, today))
        # Two statements, each with its own index, rather than one OR across tables.
        due = _rows("o.status = %s AND o.due_on >= %s AND o.due_on < %s", [OUTSTANDING, low, high])
        leaving = _rows("p.leave_date > %s AND p.leave_date <= %s", [low, high])
        rows = set(due) | set(leaving)
        change = tally(rows, today).minus(tally(rows, old))
        _write(change)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {STATE} SET overdue_on = %s WHERE id = %s", [today, state_id])  # noqa: S608
    return Rolled(old, today, newly_overdue=sum(overdue for _, overdue in change.people.values()),
                  leavers=len({row[1] for row in leaving}))


# --- recount, check, repair ----------------------------------------------

IN_POST = "(p.leave_date IS NULL OR p.leave_date > %s)"
RECOUNT_BY_SCHOOL = (
    "SELECT s.organisation_id, o.version_id, p.staff_group, MIN(o.policy_id), "  # noqa: S608
    "SUM(CASE WHEN o.status = %s THEN 1 ELSE 0 END), SUM(CASE WHEN o.status = %s THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN o.status = %s AND o.due_on < %s THEN 1 ELSE 0 END) "
    f"FROM {OBLIGATIONS} o JOIN {PEOPLE} p ON p.id = o.person_id JOIN {SCHOOLS_OF} s ON s.person_id = o.person_id "
    f"WHERE o.status IN (%s, %s) AND {IN_POST} "
    "GROUP BY s.organisation_id, o.version_id, p.staff_group"
)
RECOUNT_BY_PERSON = (
    "SELECT o.person_id, COUNT(*), SUM(CASE WHEN o.due_on < %s THEN 1 ELSE 0 END) "  # noqa: S608
    f"FROM {OBLIGATIONS} o JOIN {PEOPLE} p ON p.id = o.person_id "
    f"WHERE o.status = %s AND {IN_POST} GROUP BY o.person_id"
)


def _recount_params(as_of: datetime.date) -> tuple[list, list]:
    return ([SIGNED, OUTSTANDING, OUTSTANDING, as_of, SIGNED, OUTSTANDING, as_of],
            [as_of, OUTSTANDING, as_of])


@dataclass
class CountsCheck:
    """A recount compared with the kept rows."""

    rows: int
    disagreements: int
    named: list[str]
    repaired: bool = False
    as_of: datetime.date | None = None

    @property
    def summary(self) -> str:
        """`0 disagreements`, or how many, repaired or not, and the first."""
        if not self.disagreements:
            return "0 disagreements"
        done = " repaired" if self.repaired else ""
        return f"{_plural(self.disagreements, 'disagreement')}{done}: first {self.named[0]}"

    def line(self) -> str:
        return f"counts: {_plural(self.rows, 'row')}, {self.summary}"


def _plural(number: int, word: str) -> str:
    return f"{number} {word}" + ("" if number == 1 else "s")


def check_counts(*, repair: bool = False) -> CountsCheck:
    """Recount everything in SQL (GROUP BY) and compare with the kept rows;
    name the first few disagreements, repair them when asked, and record the
    check in CountsState. A first look takes no lock; disagreements are
    confirmed (and repaired) holding CountsState, so a write committing
    meanwhile is never taken for one."""
    as_of = overdue_as_of()
    schools, people, rows = _compare(as_of)
    if schools or people:
        with transaction.atomic():
            _, as_of = _state_row(exclusive=True)
            schools, people, rows = _compare(as_of)
            if repair and (schools or people):
                _write(Tally(schools={key: list(counted[1:]) for key, (_, counted) in schools.items()},
                             people={key: list(counted) for key, (_, counted) in people.items()},
                             policy_of={key[1]: counted[0] for key, (_, counted) in schools.items()}),
                       replace=True)
    result = CountsCheck(rows=rows, disagreements=len(schools) + len(people), named=_name(schools, people),
                         repaired=repair, as_of=as_of)
    _record_check(result.disagreements)
    if result.disagreements:
        log.error("kept sign-off counts disagreed with a recount: %s", result.line())
    return result


def _compare(as_of: datetime.date) -> tuple[dict, dict, int]:
    """Keys whose kept figures differ from a recount: {key: (kept, counted)}
    (a school key's figures lead with its policy), and how many keys there
    are. A kept row of zeros is the same as no row."""
    by_school, by_person = _recount_params(as_of)
    counted_schools = {(school, version, group): (policy, signed, owed, late)
                       for school, version, group, policy, signed, owed, late in _fetch(RECOUNT_BY_SCHOOL, by_school)}
    kept_schools = {(school, version, group): (policy, signed, owed, late)
                    for school, version, group, policy, signed, owed, late in _fetch(
                        f"SELECT school_id, version_id, staff_group, policy_id, signed, outstanding, overdue "  # noqa: S608
                        f"FROM {BY_SCHOOL}", [])}
    counted_people = {person: (owed, late) for person, owed, late in _fetch(RECOUNT_BY_PERSON, by_person)}
    kept_people = {person: (owed, late) for person, owed, late in _fetch(
        f"SELECT person_id, owed, overdue FROM {BY_PERSON}", [])}  # noqa: S608
    schools, people = {}, {}
    for key in sorted(counted_schools.keys() | kept_schools.keys()):
        policy = (counted_schools.get(key) or kept_schools[key])[0]
        kept = (policy, *(kept_schools.get(key) or (0, 0, 0, 0))[1:])
        counted = (policy, *(counted_schools.get(key) or (0, 0, 0, 0))[1:])
        if kept[1:] != counted[1:]:
            schools[key] = (kept, counted)
    for key in sorted(counted_people.keys() | kept_people.keys()):
        kept, counted = kept_people.get(key, (0, 0)), counted_people.get(key, (0, 0))
        if tuple(kept) != tuple(counted):
            people[key] = (kept, counted)
    rows = len(counted_schools.keys() | {key for key, figures in kept_schools.items() if any(figures[1:])})
    rows += len(counted_people.keys() | {key for key, figures in kept_people.items() if any(figures)})
    return schools, people, rows


def _name(schools: dict, people: dict) -> list[str]:
    """The first few disagreements in words: school, policy and version,
    staff group, kept against counted."""
    first_schools = list(schools.items())[:NAMED]
    first_people = list(people.items())[:max(0, NAMED - len(first_schools))]
    school_names = dict(Organisation.objects.filter(pk__in={key[0] for key, _ in first_schools})
                        .values_list("pk", "name"))
    versions = {v.pk: v for v in PolicyVersion.objects.filter(pk__in={key[1] for key, _ in first_schools})
                .select_related("policy").only("pk", "label", "policy__title")}
    groups = dict(StaffGroup.choices)
    names = []
    for (school, version, group), (kept, counted) in first_schools:
        shown = versions.get(version)
        what = f"{shown.policy.title} {shown.label}" if shown else f"version {version}"
        names.append(f"{school_names.get(school, f'school {school}')} / {what} / {groups.get(group, group)}: "
                     f"kept {_figures(kept[1:])}, counted {_figures(counted[1:])}")
    people_names = {p.pk: p.full_name for p in Person.objects.filter(pk__in=[key for key, _ in first_people])
                    .only("pk", "first_name", "last_name")}
    for person, (kept, counted) in first_people:
        names.append(f"{people_names.get(person, 'person')} (person {person}): "
                     f"kept {kept[0]} owed, {kept[1]} overdue, counted {counted[0]} owed, {counted[1]} overdue")
    return names


def _figures(figures: Sequence[int]) -> str:
    signed, owed, late = figures
    return f"{signed} signed, {owed} outstanding, {late} overdue"


def _record_check(disagreements: int) -> None:
    state_id, _ = _state_row()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {STATE} SET checked_at = %s, disagreements = %s WHERE id = %s",  # noqa: S608
                       [timezone.now(), disagreements, state_id])


def rebuild(*, today: datetime.date | None = None) -> int:
    """Recount and write every row (a database filled by bulk inserts, such
    as seed_demo's, or one made before the counts existed), as of `today`
    if given, else the day the counts are already as of. Returns the rows."""
    with transaction.atomic():
        state_id, as_of = _state_row(exclusive=True, default=today)
        with connection.cursor() as cursor:
            if today is not None and today != as_of:
                as_of = today
                cursor.execute(f"UPDATE {STATE} SET overdue_on = %s WHERE id = %s", [as_of, state_id])  # noqa: S608
            cursor.execute(f"DELETE FROM {BY_SCHOOL}")  # noqa: S608
            cursor.execute(f"DELETE FROM {BY_PERSON}")  # noqa: S608
            by_school, by_person = _recount_params(as_of)
            cursor.execute(f"INSERT INTO {BY_SCHOOL} (school_id, version_id, staff_group, policy_id, signed, "  # noqa: S608
                           f"outstanding, overdue) {RECOUNT_BY_SCHOOL}", by_school)
            rows = cursor.rowcount
            cursor.execute(f"INSERT INTO {BY_PERSON} (person_id, owed, overdue) {RECOUNT_BY_PERSON}",  # noqa: S608
                           by_person)
            rows += cursor.rowcount
    return rows
