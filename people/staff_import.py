"""Staff CSV import: the file an HR or MIS system exports, validated whole.

Every row is checked before anything is written; one bad row means nothing
is written at all, and every problem is reported with its row number.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower

from people.models import Organisation, Person, StaffGroup

# Column names as exports spell them, matched after lower-casing and removing
# punctuation. The first name in each list is the one shown in messages.
COLUMNS: dict[str, list[str]] = {
    "first_name": ["first name", "forename", "forenames", "given name", "firstname", "preferred first name"],
    "last_name": ["last name", "surname", "family name", "lastname", "legal surname"],
    "email": ["work email", "email", "email address", "work email address", "school email"],
    "school": ["school", "schools", "site", "establishment", "academy", "base"],
    "staff_group": ["staff group", "role", "staff type", "group", "staff category", "category"],
    "job_title": ["job title", "post", "position", "title of post"],
    "start_date": ["start date", "employment start date", "date started", "started", "start"],
    "leave_date": ["leave date", "end date", "leaving date", "date left", "employment end date"],
    "staff_id": ["staff id", "employee id", "payroll number", "staff code", "employee number", "id"],
    "line_manager": ["line manager", "line manager email", "manager email", "manager"],
    "has_it_account": ["it account", "has it account", "network account"],
}
REQUIRED = ("first_name", "last_name", "email", "school", "staff_group")

STAFF_GROUP_WORDS: dict[str, str] = {
    "teaching": "teaching", "teacher": "teaching", "teaching staff": "teaching", "teachers": "teaching",
    "support": "support", "support staff": "support", "associate staff": "support", "non teaching": "support",
    "teaching assistant": "support", "admin": "support", "administrative": "support",
    "leadership": "leadership", "senior leadership": "leadership", "slt": "leadership", "leader": "leadership",
    "governor": "governor", "governors": "governor", "local governor": "governor",
    "trustee": "trustee", "trustees": "trustee", "director": "trustee", "trustee director": "trustee",
    "contractor": "contractor", "contractors": "contractor",
    "agency": "agency", "supply": "agency", "agency staff": "agency",
    "volunteer": "volunteer", "volunteers": "volunteer",
}

NOT_A_CSV = "The file is not a readable CSV file: {reason}."
NO_HEADER = "The first row must be a header naming the columns."
MISSING_COLUMNS = "Missing column(s): {columns}."
MAX_LENGTHS = {name: Person._meta.get_field(name).max_length
               for name in ("first_name", "last_name", "email", "staff_id", "job_title")}


@dataclass
class StaffRow:
    row_number: int
    values: dict


@dataclass
class StaffImportResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged"


def import_staff_csv(
    data: bytes, *, dry_run: bool = False, allowed_schools: list[Organisation] | None = None
) -> StaffImportResult:
    """Validate the whole file, then (unless a dry run or any row is bad)
    create or update the people in one transaction, and work out what the
    new and changed people owe. `allowed_schools` limits a school's HR to its
    own school."""
    from acknowledgements.services import sync_obligations

    result = StaffImportResult()
    rows = _read_rows(data, result)
    if result.errors:
        return result
    schools = _school_lookup()
    people = [_validate(row, schools, result, allowed_schools) for row in rows]
    _check_duplicates(rows, result)
    matched = _check_matches(rows, people, result)
    if allowed_schools is not None:
        _check_scope(rows, matched, allowed_schools, result)
    _check_line_managers(rows, people, result)
    if result.errors:
        return result
    with transaction.atomic():
        saved = [_save(values, result) for values in people]
        for person, values in zip(saved, people, strict=True):
            _set_line_manager(person, values)
        if dry_run:
            transaction.set_rollback(True)
        else:
            for person in saved:
                sync_obligations(person=person)
            result.written = True
    return result


def _decode(data: bytes) -> str:
    encodings = ("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "cp1252")
    for encoding in encodings:  # UTF-16 is Excel's "Unicode Text"
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:  # binary data, and PostgreSQL cannot store a NUL
            raise ValueError("it contains binary data")
        return text
    raise ValueError("it is not text (UTF-8 or Windows-1252)")


def _normalise_header(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


def _read_rows(data: bytes, result: StaffImportResult) -> list[StaffRow]:
    try:
        text = _decode(data)
        sample = text[:4096]
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
        reader = csv.reader(io.StringIO(text, newline=""), dialect)
        lines = [(n, line) for n, line in enumerate(reader, start=1) if any(cell.strip() for cell in line)]
    except (ValueError, csv.Error) as error:
        result.errors.append(NOT_A_CSV.format(reason=error))
        return []
    if not lines:
        result.errors.append(NO_HEADER)
        return []
    header_number, header = lines[0]
    columns = _map_columns(header, result)
    if result.errors:
        return []
    rows = []
    for number, line in lines[1:]:
        values = {field_: (line[index].strip() if index < len(line) else "") for field_, index in columns.items()}
        rows.append(StaffRow(row_number=number, values=values))
    return rows


def _map_columns(header: list[str], result: StaffImportResult) -> dict[str, int]:
    names = [_normalise_header(name) for name in header]
    columns: dict[str, int] = {}
    for field_, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in names:
                columns[field_] = names.index(alias)
                break
    missing = [COLUMNS[f][0].capitalize() for f in REQUIRED if f not in columns]
    if missing:
        result.errors.append(MISSING_COLUMNS.format(columns=", ".join(missing)) + " " + NO_HEADER)
    ignored = [h for h, n in zip(header, names, strict=True) if n and names.index(n) not in columns.values()]
    if ignored:
        result.notes.append(f"Ignored column(s): {', '.join(ignored)}.")
    return columns


def _school_lookup() -> dict[str, Organisation]:
    lookup = {}
    for org in Organisation.objects.all():
        lookup[_normalise_header(org.name)] = org
        lookup[_normalise_header(org.slug)] = org
    return lookup


def parse_date(text: str) -> datetime.date:
    """UK day-first (31/01/2025, 31-01-25, 31.01.2025) or ISO (2025-01-31)."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        return datetime.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})", text)
    if not match:
        raise ValueError
    day, month, year = (int(part) for part in match.groups())
    if year < 100:
        year += 2000
    return datetime.date(year, month, day)


def _validate(row: StaffRow, schools: dict, result: StaffImportResult, allowed: list | None) -> dict:
    values, problems = row.values, []
    clean: dict = {}
    for field_, limit in MAX_LENGTHS.items():
        if len(values.get(field_, "")) > limit:
            problems.append(f"{COLUMNS[field_][0]} is longer than {limit} characters")
    for field_ in ("first_name", "last_name"):
        clean[field_] = values.get(field_, "")
        if not clean[field_]:
            problems.append(f"{COLUMNS[field_][0]} is missing")
    email = values.get("email", "").lower()
    try:
        validate_email(email)
    except ValidationError:
        problems.append(f"email {values.get('email', '')!r} is not a valid email address" if email
                        else "email is missing")
    clean["email"] = email
    clean["schools"] = []
    for name in re.split(r"[;|]", values.get("school", "")):
        if not name.strip():
            continue
        org = schools.get(_normalise_header(name))
        if org is None:
            problems.append(f"school {name.strip()!r} is not a school of the trust")
        elif allowed is not None and org not in allowed:
            problems.append(f"school {name.strip()!r} is not one whose staff you manage")
        else:
            clean["schools"].append(org)
    if not values.get("school", "").strip():
        problems.append("school is missing")
    group = STAFF_GROUP_WORDS.get(_normalise_header(values.get("staff_group", "")))
    if group is None:
        problems.append(f"staff group {values.get('staff_group', '')!r} is not one of "
                        f"{', '.join(label for _, label in StaffGroup.choices)}")
    clean["staff_group"] = group
    for field_ in ("start_date", "leave_date"):
        clean[field_] = None
        if values.get(field_):
            try:
                clean[field_] = parse_date(values[field_])
            except ValueError:
                problems.append(f"{COLUMNS[field_][0]} {values[field_]!r} is not a date (use 31/01/2025 or 2025-01-31)")
    clean["job_title"] = values.get("job_title", "")
    clean["staff_id"] = values.get("staff_id", "")
    clean["line_manager_email"] = values.get("line_manager", "").lower()
    it_account = values.get("has_it_account", "").lower()
    clean["has_it_account"] = it_account not in {"no", "n", "false", "0"} if it_account else None
    for problem in problems:
        result.errors.append(f"Row {row.row_number}: {problem}.")
    return clean


def _check_duplicates(rows: list[StaffRow], result: StaffImportResult) -> None:
    seen: dict[str, int] = {}
    seen_ids: dict[str, int] = {}
    for row in rows:
        email = row.values.get("email", "").lower()
        if email and email in seen:
            result.errors.append(f"Row {row.row_number}: email {email!r} is also on row {seen[email]}.")
        seen.setdefault(email, row.row_number)
        staff_id = row.values.get("staff_id", "")
        if staff_id and staff_id in seen_ids:
            result.errors.append(f"Row {row.row_number}: staff ID {staff_id!r} is also on row {seen_ids[staff_id]}.")
        seen_ids.setdefault(staff_id, row.row_number)


def _check_matches(rows: list[StaffRow], people: list[dict], result: StaffImportResult) -> list[Person | None]:
    """A row updates the person its staff ID (else its email) finds; that
    email must not be someone else's, and no two rows may update one person.
    Returns the person each row updates (None for a new one)."""
    by_id: dict[str, Person] = {}
    for person in Person.objects.filter(staff_id__in={v["staff_id"] for v in people if v["staff_id"]}):
        by_id.setdefault(person.staff_id, person)  # as _save finds them: the first in order
    by_email = {p.email.lower(): p for p in Person.objects.alias(lower=Lower("email"))
                .filter(lower__in={v["email"] for v in people})}
    updated: dict[int, int] = {}
    matched: list[Person | None] = []
    for row, values in zip(rows, people, strict=True):
        person = by_id.get(values["staff_id"]) if values["staff_id"] else None
        owner = by_email.get(values["email"])
        if person is not None and owner is not None and owner.pk != person.pk:
            result.errors.append(f"Row {row.row_number}: staff ID {values['staff_id']!r} belongs to another "
                                 f"person than email {values['email']!r} does.")
        person = person or owner
        matched.append(person)
        if person is not None and person.pk in updated:
            result.errors.append(f"Row {row.row_number}: this person is also on row {updated[person.pk]}.")
        elif person is not None:
            updated[person.pk] = row.row_number
    return matched


def _check_scope(rows: list[StaffRow], matched: list[Person | None], allowed: list[Organisation],
                 result: StaffImportResult) -> None:
    """A school's HR may update only people who work at its own schools alone:
    the import replaces a person's schools, so anyone also on another school's
    staff list is for trust HR to change."""
    allowed_pks = {org.pk for org in allowed}
    existing = [person.pk for person in matched if person is not None]
    schools_of: dict[int, set[int]] = {}
    for person_pk, school_pk in Person.schools.through.objects.filter(person_id__in=existing).values_list(
            "person_id", "organisation_id"):
        schools_of.setdefault(person_pk, set()).add(school_pk)
    for row, person in zip(rows, matched, strict=True):
        if person is not None and not schools_of.get(person.pk, set()) <= allowed_pks:
            result.errors.append(f"Row {row.row_number}: this person is on another school's staff list; "
                                 "trust HR can change their record.")


def _check_line_managers(rows: list[StaffRow], people: list[dict], result: StaffImportResult) -> None:
    in_file = {values["email"] for values in people}
    wanted = {values["line_manager_email"] for values in people if values["line_manager_email"]}
    known = in_file | set(Person.objects.filter(email__in=wanted).values_list("email", flat=True))
    for row, values in zip(rows, people, strict=True):
        manager = values["line_manager_email"]
        if manager and manager not in known:
            result.errors.append(f"Row {row.row_number}: line manager {manager!r} is not in the file or the portal.")


def _set_line_manager(person: Person, values: dict) -> None:
    email = values["line_manager_email"]
    if not email:
        return
    manager = Person.objects.filter(email__iexact=email).first()
    if manager is not None and person.line_manager_id != manager.pk:
        person.line_manager = manager
        person.save(update_fields=["line_manager"])


def _save(values: dict, result: StaffImportResult) -> Person:
    person = None
    if values["staff_id"]:
        person = Person.objects.filter(staff_id=values["staff_id"]).first()
    if person is None:
        person = Person.objects.filter(email__iexact=values["email"]).first()
    fields = {
        "first_name": values["first_name"], "last_name": values["last_name"], "email": values["email"],
        "staff_group": values["staff_group"], "job_title": values["job_title"],
        "start_date": values["start_date"], "leave_date": values["leave_date"],
    }
    if values["staff_id"]:
        fields["staff_id"] = values["staff_id"]
    if values["has_it_account"] is not None:
        fields["has_it_account"] = values["has_it_account"]
    if person is None:
        person = Person.objects.create(**fields)
        person.schools.set(values["schools"])
        result.new += 1
        return person
    changed = [name for name, value in fields.items() if getattr(person, name) != value]
    schools_changed = set(person.schools.values_list("pk", flat=True)) != {s.pk for s in values["schools"]}
    manager = values["line_manager_email"]
    manager_changed = bool(manager) and (person.line_manager is None or person.line_manager.email != manager)
    if not changed and not schools_changed and not manager_changed:
        result.unchanged += 1
        return person
    for name in changed:
        setattr(person, name, fields[name])
    person.save()
    if schools_changed:
        person.schools.set(values["schools"])
    result.updated += 1
    return person
