"""Staff CSV import: good, bad and messy files; all or nothing."""

import io

import pytest
from django.core.management import call_command

from acknowledgements.models import Obligation
from people.models import Person
from people.staff_import import import_staff_csv
from tests.factories import published_policy, sign_off_rule

HEADER = "Forename,Surname,Work email,School,Role,Start date,Job title\n"


def csv(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(r + "\n" for r in rows)).encode()


def test_a_clean_file_creates_people(world):
    result = import_staff_csv(csv("Ann,Lee,ann.lee@school.example,North Primary,Teacher,01/09/2025,Year 3 Teacher",
                                  "Bob,Kay,bob.kay@school.example,south,Support staff,2025-09-01,Cook"))
    assert result.ok and result.summary() == "2 new, 0 updated, 0 unchanged"
    ann = Person.objects.get(email="ann.lee@school.example")
    assert (ann.staff_group, str(ann.start_date), ann.job_title) == ("teaching", "2025-09-01", "Year 3 Teacher")
    assert list(ann.schools.all()) == [world.north]


def test_importing_the_same_file_again_changes_nothing(world):
    data = csv("Ann,Lee,ann.lee@school.example,North Primary,Teacher,01/09/2025,Teacher")
    import_staff_csv(data)
    assert import_staff_csv(data).summary() == "0 new, 0 updated, 1 unchanged"
    assert Person.objects.filter(email="ann.lee@school.example").count() == 1


def test_a_re_export_updates_people_matched_by_email(world):
    import_staff_csv(csv("Ann,Lee,ann.lee@school.example,North Primary,Teacher,01/09/2025,Teacher"))
    result = import_staff_csv(csv("Ann,Lee-Smith,ANN.LEE@school.example,North Primary,Teacher,01/09/2025,Teacher"))
    assert result.summary() == "0 new, 1 updated, 0 unchanged"
    assert Person.objects.get(email="ann.lee@school.example").last_name == "Lee-Smith"


def test_people_are_matched_by_staff_id_where_the_file_has_one(world):
    header = "Staff ID,First name,Last name,Email,School,Staff group\n"
    import_staff_csv(csv("E100,Ann,Lee,ann.lee@school.example,north,teaching", header=header))
    result = import_staff_csv(csv("E100,Ann,Lee,ann.new@school.example,north,teaching", header=header))
    assert result.summary() == "0 new, 1 updated, 0 unchanged"
    assert Person.objects.get(staff_id="E100").email == "ann.new@school.example"


def test_messy_file_with_bom_blank_lines_and_extra_columns_imports(world):
    data = "\ufeffFirst Name , Last Name,Email Address,School,Staff Group,Start Date,Shoe size\n\n" \
           "Ann,Lee,ann.lee@school.example,North Primary,teaching,1/9/25,5\n\n\n"
    result = import_staff_csv(data.encode("utf-8"))
    assert result.ok, result.errors
    assert result.new == 1
    assert "Ignored column(s): Shoe size." in result.notes


def test_every_bad_row_is_listed_and_nothing_is_written(world):
    result = import_staff_csv(csv(
        "Ann,Lee,ann.lee@school.example,North Primary,Teacher,01/09/2025,",
        ",Kay,bob.kay@school.example,North Primary,Teacher,01/09/2025,",
        "Cat,Roe,not-an-email,North Primary,Teacher,01/09/2025,",
        "Dan,Fox,dan@school.example,Narnia High,Teacher,01/09/2025,",
        "Eve,Ash,eve@school.example,North Primary,Teacher,31/02/2025,",
        "Fay,Oak,ann.lee@school.example,North Primary,Teacher,01/09/2025,",
        "Gus,Elm,gus@school.example,North Primary,Astronaut,01/09/2025,",
    ))
    assert not result.ok
    assert result.errors == [
        "Row 3: first name is missing.",
        "Row 4: email 'not-an-email' is not a valid email address.",
        "Row 5: school 'Narnia High' is not a school of the trust.",
        "Row 6: start date '31/02/2025' is not a date (use 31/01/2025 or 2025-01-31).",
        "Row 8: staff group 'Astronaut' is not one of Teaching, Support, Leadership, Governor, "
        "Trustee / director, Contractor, Agency, Volunteer.",
        "Row 7: email 'ann.lee@school.example' is also on row 2.",
    ]
    assert not Person.objects.filter(email="ann.lee@school.example").exists()


def test_a_file_missing_required_columns_is_refused(world):
    result = import_staff_csv(b"Name,Email\nAnn Lee,ann@school.example\n")
    assert not result.ok
    assert result.errors[0].startswith("Missing column(s): First name, Last name, School, Staff group.")


def test_a_binary_file_is_refused_clearly(world):
    result = import_staff_csv(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert not result.ok


def test_a_schools_hr_cannot_import_another_schools_staff(world):
    result = import_staff_csv(csv("Ann,Lee,ann@school.example,South Academy,Teacher,01/09/2025,"),
                              allowed_schools=[world.north])
    assert result.errors == ["Row 2: school 'South Academy' is not one whose staff you manage."]


def test_a_schools_hr_cannot_take_over_another_schools_person(world):
    from tests.factories import PersonFactory

    southerner = PersonFactory(first_name="Sue", email="sue@school.example", schools=[world.south])
    result = import_staff_csv(csv("Sue,Moved,sue@school.example,North Primary,Teacher,01/09/2025,"),
                              allowed_schools=[world.north])
    assert result.errors == ["Row 2: this person is on another school's staff list; trust HR can change their record."]
    southerner.refresh_from_db()
    assert southerner.last_name != "Moved" and list(southerner.schools.all()) == [world.south]
    trust_wide = import_staff_csv(csv("Sue,Moved,sue@school.example,North Primary,Teacher,01/09/2025,"),
                                  allowed_schools=[world.trust, world.north, world.south])
    assert trust_wide.ok


def test_a_new_starter_owes_their_pack_at_once(world):
    sign_off_rule(published_policy(title="Email Policy", organisation=world.trust))
    import_staff_csv(csv("Ann,Lee,ann.lee@school.example,North Primary,Teacher,01/12/2026,Teacher"))
    obligation = Obligation.objects.get(person__email="ann.lee@school.example")
    assert obligation.reason == Obligation.Reason.NEW_STARTER


def test_dry_run_writes_nothing(world):
    result = import_staff_csv(csv("Ann,Lee,ann@school.example,North Primary,Teacher,01/09/2025,"), dry_run=True)
    assert result.summary() == "1 new, 0 updated, 0 unchanged"
    assert not Person.objects.filter(email="ann@school.example").exists()


def run_command(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_staff", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def test_command_prints_the_summary_and_exits_0(world, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_bytes(csv("Ann,Lee,ann@school.example,North Primary,Teacher,01/09/2025,"))
    code, out, _ = run_command(str(path))
    assert code == 0
    assert out.strip().endswith("1 new, 0 updated, 0 unchanged")


def test_command_lists_problems_and_exits_1(world, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_bytes(csv("Ann,Lee,ann@school.example,North Primary,Teacher,31/02/2025,"))
    code, _, err = run_command(str(path))
    assert code == 1
    assert "Row 2: start date '31/02/2025' is not a date" in err
    assert "nothing was imported" in err
    assert not Person.objects.filter(email="ann@school.example").exists()


def test_command_dry_run(world, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_bytes(csv("Ann,Lee,ann@school.example,North Primary,Teacher,01/09/2025,"))
    code, out, _ = run_command(str(path), "--dry-run")
    assert code == 0 and "Dry run, nothing written: 1 new" in out
    assert not Person.objects.filter(email="ann@school.example").exists()


@pytest.mark.parametrize("text,expected", [("31/01/2025", "2025-01-31"), ("2025-01-31", "2025-01-31"),
                                           ("1.2.25", "2025-02-01"), ("01-02-2025", "2025-02-01")])
def test_dates_are_read_day_first_or_iso(text, expected):
    from people.staff_import import parse_date

    assert parse_date(text).isoformat() == expected
