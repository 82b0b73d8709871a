"""Upgrading the reminder dates, on a real database migrated back and
forward again: per-obligation stage keys (before reminders 0006) became each
outstanding obligation's next_reminder_on (0006), which moved off the
obligation into reminders.NextReminder (reminders 0007, acknowledgements
0017). After each step the first run sends nothing twice and drops nothing."""

import datetime
import importlib

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from acknowledgements.models import Obligation
from outbox.services import deliver_email
from reminders.models import NextReminder, Reminder
from reminders.services import send_reminders
from tests.conftest import build_world
from tests.factories import PersonFactory, published_policy, sign_off_rule, view_and_sign

OWED = datetime.date(2026, 11, 2)
BEFORE_THE_MOVE = [("reminders", "0006_next_reminder_from_sent_stages"),
                   ("acknowledgements", "0016_viewing_per_text")]
stage_keys_migration = importlib.import_module("reminders.migrations.0006_next_reminder_from_sent_stages")


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor.loader.project_state(targets).apps if targets else None


@pytest.fixture
def old(transactional_db):
    """The schema as it was before the move (the obligation's column), and
    its models; migrated forward to today's after the test, whatever happens."""
    apps = migrate(BEFORE_THE_MOVE)
    try:
        yield apps
    finally:
        migrate()


def sent_by_the_stage_scheme(obligation: Obligation, *stages: int) -> None:
    Reminder.objects.bulk_create([Reminder(kind="sign_off", key=f"obligation:{obligation.pk}:stage:{stage}")
                                  for stage in stages])


def owed_since(day: datetime.date) -> None:
    Obligation.objects.update(owed_since=day, due_on=day + datetime.timedelta(days=30))


def emails_to(address: str, today: datetime.date) -> int:
    report = send_reminders(today=today)
    for email_id in report.email_ids:
        deliver_email(email_id)
    return len([m for m in mail.outbox if m.to == [address]])


def test_the_stage_keys_become_dates_and_the_dates_move_beside_the_obligation(old):
    world = build_world()
    other = PersonFactory(email="other@school.example", schools=[world.north])
    sign_off_rule(published_policy(title="Email Policy"))
    sign_off_rule(published_policy(title="Data Protection Policy"))
    owed_since(OWED)
    staff_owes = Obligation.objects.get(person=world.staff, policy__title="Email Policy")
    sent_by_the_stage_scheme(staff_owes, 0, 1, 2)
    other_owes = Obligation.objects.get(person=other, policy__title="Email Policy")
    sent_by_the_stage_scheme(other_owes, 0)
    never_reminded = Obligation.objects.get(person=world.staff, policy__title="Data Protection Policy")
    stage_keys_migration.carry_stage_keys_over(old, None)
    on_the_obligation = dict(old.get_model("acknowledgements", "Obligation").objects.values_list(
        "pk", "next_reminder_on"))
    assert on_the_obligation[staff_owes.pk] == OWED + datetime.timedelta(days=21)  # stage 3
    assert on_the_obligation[other_owes.pk] == OWED + datetime.timedelta(days=7)  # stage 1
    assert on_the_obligation[never_reminded.pk] is None  # due from owed_since

    migrate()
    assert dict(NextReminder.objects.values_list("obligation_id", "day")) == {
        staff_owes.pk: OWED + datetime.timedelta(days=21), other_owes.pk: OWED + datetime.timedelta(days=7)}


def test_a_signed_obligation_carries_no_date(old):
    world = build_world()
    policy = published_policy(title="Email Policy")
    sign_off_rule(policy)
    owed_since(OWED)
    owes = Obligation.objects.get(person=world.staff)
    sent_by_the_stage_scheme(owes, 0)
    view_and_sign(person=world.staff, version=policy.current_version)
    stage_keys_migration.carry_stage_keys_over(old, None)
    migrate()
    assert not NextReminder.objects.exists()


def test_after_both_steps_a_stage_already_sent_is_not_sent_again(old):
    world = build_world()
    sign_off_rule(published_policy(title="Email Policy"))
    owed_since(OWED)
    sent_by_the_stage_scheme(Obligation.objects.get(person=world.staff), 0, 1, 2)  # the old runs, to 16 November
    stage_keys_migration.carry_stage_keys_over(old, None)
    migrate()
    assert emails_to("staff@school.example", OWED + datetime.timedelta(days=20)) == 0  # still stage 2
    assert emails_to("staff@school.example", OWED + datetime.timedelta(days=21)) == 1  # stage 3: due
    assert emails_to("staff@school.example", OWED + datetime.timedelta(days=22)) == 1


def test_without_the_migrations_the_upgrade_would_send_again(old):
    """The test above can fail: the old keys alone do not stop a run."""
    world = build_world()
    sign_off_rule(published_policy(title="Email Policy"))
    owed_since(OWED)
    sent_by_the_stage_scheme(Obligation.objects.get(person=world.staff), 0, 1, 2)
    migrate()
    assert emails_to("staff@school.example", OWED + datetime.timedelta(days=20)) == 1
