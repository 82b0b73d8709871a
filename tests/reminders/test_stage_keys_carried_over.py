"""Upgrading from per-obligation stage keys: migration reminders 0006 sets
each outstanding obligation's next reminder date from the stages already
sent, so the first run after the upgrade sends nothing twice and drops
nothing."""

import datetime
import importlib

from django.apps import apps
from django.core import mail

from acknowledgements.models import Obligation
from outbox.services import deliver_email
from reminders.models import Reminder
from reminders.services import send_reminders
from tests.factories import PersonFactory, published_policy, sign_off_rule, view_and_sign

OWED = datetime.date(2026, 11, 2)
migration = importlib.import_module("reminders.migrations.0006_next_reminder_from_sent_stages")


def sent_by_the_old_scheme(obligation: Obligation, *stages: int) -> None:
    Reminder.objects.bulk_create([Reminder(kind="sign_off", key=f"obligation:{obligation.pk}:stage:{stage}")
                                  for stage in stages])


def owed_since(day: datetime.date) -> None:
    Obligation.objects.update(owed_since=day, due_on=day + datetime.timedelta(days=30), next_reminder_on=None)


def emails_to(address: str, today: datetime.date) -> int:
    report = send_reminders(today=today)
    for email_id in report.email_ids:
        deliver_email(email_id)
    return len([m for m in mail.outbox if m.to == [address]])


def test_the_next_date_follows_the_last_stage_sent(world):
    other = PersonFactory(email="other@school.example", schools=[world.north])
    sign_off_rule(published_policy(title="Email Policy"))
    sign_off_rule(published_policy(title="Data Protection Policy"))
    owed_since(OWED)
    staff_owes = Obligation.objects.get(person=world.staff, policy__title="Email Policy")
    sent_by_the_old_scheme(staff_owes, 0, 1, 2)
    other_owes = Obligation.objects.get(person=other, policy__title="Email Policy")
    sent_by_the_old_scheme(other_owes, 0)
    never_reminded = Obligation.objects.get(person=world.staff, policy__title="Data Protection Policy")
    migration.carry_stage_keys_over(apps, None)
    next_on = dict(Obligation.objects.values_list("pk", "next_reminder_on"))
    assert next_on[staff_owes.pk] == OWED + datetime.timedelta(days=21)  # stage 3
    assert next_on[other_owes.pk] == OWED + datetime.timedelta(days=7)  # stage 1
    assert next_on[never_reminded.pk] is None  # due from owed_since, as before


def test_signed_obligations_are_left_alone(world):
    policy = published_policy(title="Email Policy")
    sign_off_rule(policy)
    owed_since(OWED)
    owes = Obligation.objects.get(person=world.staff)
    sent_by_the_old_scheme(owes, 0)
    view_and_sign(person=world.staff, version=policy.current_version)
    migration.carry_stage_keys_over(apps, None)
    assert Obligation.objects.get(pk=owes.pk).next_reminder_on is None


def test_after_the_upgrade_a_stage_already_sent_is_not_sent_again(world):
    sign_off_rule(published_policy(title="Email Policy"))
    owed_since(OWED)
    owes = Obligation.objects.get(person=world.staff)
    sent_by_the_old_scheme(owes, 0, 1, 2)  # the old runs, up to 16 November
    migration.carry_stage_keys_over(apps, None)
    assert emails_to("staff@school.example", OWED + datetime.timedelta(days=20)) == 0  # still stage 2
    assert emails_to("staff@school.example", OWED + datetime.timedelta(days=21)) == 1  # stage 3: due
    assert emails_to("staff@school.example", OWED + datetime.timedelta(days=22)) == 1


def test_without_the_migration_the_upgrade_would_send_again(world):
    """The test above can fail: the old keys alone do not stop a run."""
    sign_off_rule(published_policy(title="Email Policy"))
    owed_since(OWED)
    sent_by_the_old_scheme(Obligation.objects.get(person=world.staff), 0, 1, 2)
    assert emails_to("staff@school.example", OWED + datetime.timedelta(days=20)) == 1
