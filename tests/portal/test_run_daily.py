"""The one daily run: every job as of one date, in order, one line each;
a dry run writes and sends nothing; a second run the same day does nothing."""

import datetime
import io

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from acknowledgements.models import Obligation, SignOff
from outbox.models import OutboxEmail
from people.models import Person, StaffGroup, User
from policies.models import PolicyVersion
from portal.daily import run_daily
from reminders.models import Reminder
from tests.factories import PersonFactory, PolicyFactory, VersionFactory, published_policy, sign_off_rule

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 25)


@pytest.fixture
def busy_day(world, settings):
    """One of each daily job due on TODAY: a version taking effect, a review
    coming due, a leaver past retention and an expired session."""
    settings.LEAVER_RETENTION_DAYS = 365
    published_policy(title="Email Policy", owner=world.owner, next_review_on=TODAY + datetime.timedelta(days=25))
    policy = PolicyFactory(title="Safeguarding Policy", organisation=world.trust)
    VersionFactory(policy=policy, approved_on=TODAY, effective_on=TODAY, next_review_on=datetime.date(2027, 9, 1))
    sign_off_rule(policy, groups=("teaching",))
    PersonFactory(first_name="Lee", last_name="Leaver", email="leaver@school.example", schools=[world.north],
                  staff_group=StaffGroup.SUPPORT, leave_date=TODAY - datetime.timedelta(days=366))
    Session.objects.create(session_key="expired-session", session_data="",
                           expire_date=timezone.now() - datetime.timedelta(days=1))
    return policy


def written() -> dict[str, int]:
    """Row counts of everything a daily job writes."""
    return {
        "published": PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED).count(),
        "obligations": Obligation.objects.count(),
        "reminders": Reminder.objects.count(),
        "outbox": OutboxEmail.objects.count(),
        "active logins": User.objects.filter(is_active=True).count(),
        "anonymised": Person.objects.filter(anonymised_on__isnull=False).count(),
        "sessions": Session.objects.count(),
        "sign-offs": SignOff.objects.count(),
    }


def command(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("run_daily", "--today", TODAY.isoformat(), *args, stdout=out)
    return out.getvalue().splitlines()


def test_each_job_runs_in_order_and_says_what_it_did(busy_day, world):
    lines = command()

    assert [line.split(":")[0] for line in lines] == [
        "publish versions", "sync obligations", "counts rolled", "send reminders", "retention", "counts checked",
        "evidence verified", "session sweep", "old uploads", "old exports", "old reminder dates", "done"]
    assert lines[0] == "publish versions: 1 published"
    assert lines[2].startswith("counts rolled: as of 2026-11-25")  # from the real date the set-up wrote on
    assert lines[4] == "retention: 1 leavers' logins closed, 1 anonymised"
    assert lines[5] == "counts checked: 0 disagreements"
    assert lines[6] == "evidence verified: 0 records, chain intact"
    assert lines[7] == "session sweep: 1 expired sessions removed"
    assert lines[-1] == "done: 11 jobs"


def test_a_version_taking_effect_today_is_owed_and_reminded_the_same_day(busy_day, world):
    """Publishing runs before the reminders (its obligations come through the
    publication event and the sync step alike)."""
    lines = command()

    assert Obligation.objects.filter(person=world.staff, version__policy=busy_day, owed_since=TODAY).exists()
    assert [m.subject for m in mail.outbox if m.to == ["staff@school.example"]] == ["1 policy to read and sign"]
    assert [m.subject for m in mail.outbox if m.to == ["head.it@school.example"]] == [
        "Coming up: 1 policy review due"]
    assert lines[3] == "send reminders: 2 sent"


def test_a_dry_run_writes_nothing_sends_nothing_and_says_what_it_would_do(busy_day):
    before = written()

    lines = command("--dry-run")

    assert written() == before
    assert mail.outbox == []
    assert lines[0] == "publish versions: would publish 1"
    assert lines[1].startswith("sync obligations: would create ")
    assert lines[2].startswith("counts rolled: would count as of 2026-11-25")
    assert lines[3].startswith("send reminders: would send ")
    assert lines[4] == "retention: would close 1 leavers' logins, would anonymise 1"
    assert lines[5] == "counts checked: 0 disagreements"
    assert lines[6] == "evidence verified: 0 records, chain intact"
    assert lines[7] == "session sweep: would remove 1 expired sessions"
    assert lines[-1] == "done: 11 jobs"


def test_a_second_run_the_same_day_does_nothing(busy_day):
    command()
    after_first, sent = written(), len(mail.outbox)

    assert command() == [
        "publish versions: 0 published",
        "sync obligations: 0 created, 0 reopened, 0 withdrawn",
        "counts rolled: as of 2026-11-25: 0 newly overdue, 0 leavers no longer counted",
        "send reminders: 0 sent",
        "retention: 0 leavers' logins closed, 0 anonymised",
        "counts checked: 0 disagreements",
        "evidence verified: 0 records, chain intact",
        "session sweep: 0 expired sessions removed",
        "old uploads: 0 uploads removed",
        "old exports: 0 exports removed",
        "old reminder dates: 0 removed",
        "done: 11 jobs",
    ]
    assert written() == after_first
    assert len(mail.outbox) == sent


def test_a_failed_job_is_reported_and_the_later_jobs_still_run(busy_day, monkeypatch):
    def mail_server_down(**kwargs):
        raise ConnectionError("mail planning failed")

    monkeypatch.setattr("portal.daily.reminders.send_reminders", mail_server_down)

    lines = run_daily(today=TODAY)

    assert lines[3] == "send reminders: FAILED (ConnectionError: mail planning failed)"
    assert lines[4] == "retention: 1 leavers' logins closed, 1 anonymised"
    assert lines[-1] == "done: 10 jobs, 1 failed"


def test_the_command_exits_with_an_error_when_a_job_failed(busy_day, monkeypatch):
    from django.core.management.base import CommandError

    monkeypatch.setattr("portal.daily.reminders.send_reminders", lambda **kwargs: 1 / 0)
    with pytest.raises(CommandError, match="done: 10 jobs, 1 failed"):
        command()


def test_the_celery_task_runs_the_same_jobs_as_of_the_real_date(world):
    from portal.tasks import run_daily as task

    lines = task()

    assert lines[-1] == "done: 11 jobs"


def test_beat_has_exactly_one_daily_entry_and_it_is_the_daily_run():
    from django_celery_beat.models import PeriodicTask

    daily = PeriodicTask.objects.filter(crontab__isnull=False).exclude(crontab__minute__startswith="*")
    assert [(task.task, task.crontab.hour, task.crontab.minute, str(task.crontab.timezone))
            for task in daily] == [("portal.tasks.run_daily", "2", "30", "Europe/London")]
    assert set(PeriodicTask.objects.values_list("task", flat=True)) == {
        "portal.tasks.run_daily", "outbox.tasks.deliver_pending", "reports.tasks.refresh_dashboards"}
