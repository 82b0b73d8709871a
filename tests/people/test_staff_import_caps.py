"""No staff CSV can tie up a server (issue 13, finding 7): a header of
200,000 columns once took 433 s and 20,000 rows over 6 minutes. The reader is
linear, the file is capped, and the writes are set-based."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from people.models import Person
from people.staff_import import (
    FILE_TOO_LARGE,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    TOO_MANY_COLUMNS,
    TOO_MANY_ROWS,
    import_staff_csv,
)

HEADER = "First name,Last name,Work email,School,Staff group"


def test_trust_hr_uploading_a_header_too_wide_is_told_so(world, signed_in):
    header = HEADER + "".join(f",extra {n}" for n in range(MAX_COLUMNS))
    data = f"{header}\nAnn,Lee,ann@school.example,north,Teacher{',' * MAX_COLUMNS}\n".encode()
    page = signed_in(world.trust_hr).post(reverse("people:import"), {"file": SimpleUploadedFile("s.csv", data)})
    assert TOO_MANY_COLUMNS in page.content.decode()
    assert not Person.objects.filter(email="ann@school.example").exists()


def test_a_200000_column_header_is_refused_at_once(world, django_assert_num_queries):
    data = (HEADER + ",x" * 200_000 + "\n").encode()
    with django_assert_num_queries(0):  # refused from the header alone, before a row or the database is read
        result = import_staff_csv(data)
    assert result.errors == [TOO_MANY_COLUMNS]


def test_a_file_of_more_rows_than_the_cap_is_refused(world):
    rows = "\n".join(f"A,B,a{n}@x.example,north,Teacher" for n in range(MAX_ROWS + 1))
    result = import_staff_csv(f"{HEADER}\n{rows}\n".encode(), dry_run=True)
    assert result.errors == [TOO_MANY_ROWS]


def test_a_file_larger_than_the_cap_is_refused_by_the_command_path_too(world):
    result = import_staff_csv(HEADER.encode() + b"\n" + b"x" * MAX_FILE_BYTES)
    assert result.errors == [FILE_TOO_LARGE]


def test_a_thousand_new_people_take_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    rows = "\n".join(f"New,Starter{n},n{n}@school.example,north,Teacher" for n in range(1000))
    with django_assert_max_num_queries(60):
        result = import_staff_csv(f"{HEADER},Line manager\n{rows.replace('Teacher', 'Teacher,n0@school.example')}\n"
                                  .encode())
    assert result.summary() == "1000 new, 0 updated, 0 unchanged"
    person = Person.objects.get(email="n5@school.example")
    assert person.line_manager.email == "n0@school.example"
    assert [s.slug for s in person.schools.all()] == ["north"]


def test_the_import_keeps_each_persons_history_with_schools_and_importer(world):
    data = f"{HEADER}\nAnn,Lee,ann@school.example,north;south,Teacher\n".encode()
    import_staff_csv(data, importer=world.trust_hr.user)
    entry = Person.history.get(email="ann@school.example")
    assert entry.history_user == world.trust_hr.user and entry.history_type == "+"
    assert sorted(s.organisation.slug for s in entry.schools.all()) == ["north", "south"]
    import_staff_csv(data.replace(b"Lee", b"Leigh"), importer=world.trust_hr.user)
    assert [e.last_name for e in Person.history.filter(email="ann@school.example")] == ["Leigh", "Lee"]
