"""The nightly check: a kept count that disagrees with a full recount is
caught, named, logged as an error and repaired by the daily run; the
`check_counts` command names it and exits 1 unless asked to repair."""

import datetime
import io
import logging

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from acknowledgements import counts
from acknowledgements.models import CountsState, PersonSignOffCount, SignOffCount
from portal.daily import run_daily
from tests.factories import published_policy, sign_off_rule, view_and_sign

TODAY = datetime.date(2026, 11, 25)
NAMED = ("North Primary / Email Policy 1.0 / Teaching: kept 4 signed, 0 outstanding, 0 overdue, "
         "counted 1 signed, 0 outstanding, 0 overdue")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)


@pytest.fixture
def signed(world):
    """Sam (teaching, North Primary) has signed the Email Policy; the others owe it."""
    policy = published_policy(organisation=world.trust, title="Email Policy")
    sign_off_rule(policy)
    view_and_sign(person=world.staff, version=policy.current_version)
    assert counts.check_counts().disagreements == 0
    return policy


def tamper(signed_policy, world) -> None:
    """Three sign-offs that never happened, written past the services."""
    table = SignOffCount._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET signed = signed + 3 WHERE school_id = %s AND version_id = %s "  # noqa: S608
                       "AND staff_group = %s", [world.north.pk, signed_policy.current_version_id, "teaching"])
        assert cursor.rowcount == 1


def test_a_count_changed_behind_the_services_back_is_caught_and_named(signed, world):
    tamper(signed, world)

    check = counts.check_counts()

    assert (check.disagreements, check.named) == (1, [NAMED])
    assert check.summary == f"1 disagreement: first {NAMED}"
    state = CountsState.objects.get()
    assert (state.disagreements, state.checked_at is not None) == (1, True)
    assert counts.check_counts().disagreements == 1  # found, not repaired


def test_a_person_whose_kept_figures_are_lost_is_named(signed, world):
    PersonSignOffCount.objects.filter(person=world.school_hr).delete()

    check = counts.check_counts()

    assert check.named == [f"Hana North (person {world.school_hr.pk}): kept 0 owed, 0 overdue, "
                           "counted 1 owed, 1 overdue"]


def test_the_nightly_run_catches_repairs_and_logs_a_disagreement(signed, world, caplog):
    tamper(signed, world)

    with caplog.at_level(logging.ERROR, logger="acknowledgements.counts"):
        lines = run_daily(today=TODAY)

    assert f"counts checked: 1 disagreement repaired: first {NAMED}" in lines
    assert any(record.levelno == logging.ERROR and NAMED in record.getMessage() for record in caplog.records)
    assert counts.check_counts().disagreements == 0
    assert SignOffCount.objects.get(school=world.north, version=signed.current_version, staff_group="teaching"
                                    ).signed == 1


def test_the_nightly_run_says_when_all_counts_agree(signed):
    lines = run_daily(today=TODAY)

    assert "counts checked: 0 disagreements" in lines
    assert "counts rolled: as of 2026-11-25: 0 newly overdue, 0 leavers no longer counted" in lines
    assert CountsState.objects.get().disagreements == 0


def command(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("check_counts", *args, stdout=out)
    return out.getvalue().splitlines()


def test_the_command_names_a_disagreement_and_exits_1_without_repairing(signed, world):
    tamper(signed, world)
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 disagreement: first North Primary / Email Policy 1.0 / Teaching"):
        call_command("check_counts", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == f"  {NAMED}"
    assert lines[-1].startswith("counts: ") and lines[-1].endswith(f", 1 disagreement: first {NAMED}")
    assert counts.check_counts().disagreements == 1


def test_the_command_repairs_when_asked_and_then_finds_none(signed, world):
    tamper(signed, world)

    assert command("--repair")[-1].endswith(f", 1 disagreement repaired: first {NAMED}")
    last = command()[-1]

    assert last.startswith("counts: ") and last.endswith(" rows, 0 disagreements")


def test_rebuild_writes_every_row_from_a_recount(signed, world):
    expected = set(SignOffCount.objects.values_list("school", "version", "staff_group", "signed", "outstanding",
                                                    "overdue"))
    SignOffCount.objects.all().delete()
    PersonSignOffCount.objects.all().delete()
    assert counts.check_counts().disagreements > 0

    lines = command("--rebuild")

    assert lines[0].startswith("rebuilt: ") and lines[0].endswith(" rows, as of 2026-11-25")
    assert lines[-1].endswith(" rows, 0 disagreements")
    assert set(SignOffCount.objects.values_list("school", "version", "staff_group", "signed", "outstanding",
                                                "overdue")) == expected


def test_a_roll_already_done_costs_one_query(signed, django_assert_num_queries):
    counts.roll_overdue(TODAY)

    with django_assert_num_queries(1):
        rolled = counts.roll_overdue(TODAY)

    assert rolled.line() == "as of 2026-11-25: 0 newly overdue, 0 leavers no longer counted"


def test_rolling_the_clock_makes_due_dates_overdue_and_leavers_stop_counting(world):
    policy = published_policy(organisation=world.trust, title="Email Policy")
    sign_off_rule(policy, new_version_days=815)  # published 1 September 2024: due 25 November 2026
    world.trust_hr.leave_date = TODAY + datetime.timedelta(days=1)
    world.trust_hr.save()
    counts.roll_overdue(TODAY)
    owed = SignOffCount.objects.get(school=world.north, version=policy.current_version, staff_group="teaching")
    assert (owed.outstanding, owed.overdue) == (1, 0)

    rolled = counts.roll_overdue(TODAY + datetime.timedelta(days=1))

    assert rolled.line() == "as of 2026-11-26: 4 newly overdue, 1 leaver no longer counted"
    owed.refresh_from_db()
    assert (owed.outstanding, owed.overdue) == (1, 1)
    assert PersonSignOffCount.objects.get(person=world.trust_hr).owed == 0
    assert counts.check_counts().disagreements == 0
