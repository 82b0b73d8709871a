"""The daily run clears the next reminder dates of obligations no longer
owed, so the table holds what is owed rather than every obligation ever
reminded; what is still owed keeps its date and is not reminded early."""

import datetime

import pytest

from acknowledgements.models import Obligation
from acknowledgements.services import sync_obligations
from portal.daily import run_daily
from reminders.models import NextReminder, Reminder
from reminders.services import send_reminders
from tests.factories import PersonFactory, published_policy, sign_off_rule, view_and_sign
from tests.kept_counts import fill_kept_counts

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)


def line(lines: list[str], name: str) -> str:
    return next(text for text in lines if text.startswith(f"{name}: "))


def test_a_signed_obligation_s_date_goes_and_an_owed_one_s_stays(world):
    policy = published_policy(title="Email Policy")
    sign_off_rule(policy)
    signer, waiting = PersonFactory(schools=[world.north]), PersonFactory(schools=[world.north])
    sync_obligations()
    Obligation.objects.filter(policy=policy).update(owed_since=TODAY - datetime.timedelta(days=10))
    fill_kept_counts(TODAY)
    send_reminders(today=TODAY)
    owed = Obligation.objects.get(person=waiting, policy=policy)
    assert NextReminder.objects.filter(obligation__person__in=[signer, waiting]).count() == 2
    waiting_day = NextReminder.objects.get(obligation=owed).day
    view_and_sign(person=signer, version=policy.current_version)

    dry = run_daily(today=TODAY, dry_run=True)
    assert line(dry, "old reminder dates") == "old reminder dates: would remove 1"
    assert NextReminder.objects.filter(obligation__person=signer).exists()

    lines = run_daily(today=TODAY)
    assert line(lines, "old reminder dates") == "old reminder dates: 1 removed"
    assert not NextReminder.objects.filter(obligation__person=signer).exists()
    assert NextReminder.objects.get(obligation=owed).day == waiting_day
    reminded = Reminder.objects.filter(kind="sign_off").count()
    assert line(run_daily(today=TODAY + datetime.timedelta(days=1)), "old reminder dates") == (
        "old reminder dates: 0 removed")
    assert Reminder.objects.filter(kind="sign_off").count() == reminded  # the waiting one's date is not yet
