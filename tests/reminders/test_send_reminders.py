"""Reminders: the right people, at the right thresholds, exactly once."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command

from outbox.models import OutboxEmail
from outbox.services import deliver_email, deliver_pending
from people.models import Role
from reminders.models import Reminder
from reminders.services import send_reminders
from tests.factories import PersonFactory, RoleFactory, published_policy, sign_off_rule, view_and_sign
from tests.kept_counts import fill_kept_counts

TODAY = datetime.date(2026, 11, 25)


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def run(today=TODAY, **kwargs):
    fill_kept_counts(today)  # as the daily run brings the kept counts to its day before the reminders
    report = send_reminders(today=today, **kwargs)
    for email_id in report.email_ids:
        deliver_email(email_id)
    return report


def subjects_to(address: str) -> list[str]:
    return [m.subject for m in mail.outbox if m.to == [address]]


@pytest.fixture
def owned(world):
    return published_policy(title="Email Policy", owner=world.owner, next_review_on=days(25))


def test_owner_is_reminded_as_the_review_comes_near(world, owned):
    report = run()
    assert report.by_kind == {"review_due": 1}
    assert subjects_to("head.it@school.example") == ["Coming up: 1 policy review due"]
    assert "Email Policy" in mail.outbox[0].body
    assert "cannot unsubscribe" in mail.outbox[0].body


def test_each_threshold_is_sent_once(world, owned):
    run(today=days(-70))  # 95 days before: nothing yet
    assert mail.outbox == []
    run(today=days(-60))  # 85 days before: the 90-day reminder
    run(today=days(-59))
    run(today=days(0))  # 25 days before: the 30-day reminder
    run(today=days(19))  # 6 days before: the 7-day reminder
    run(today=days(20))
    assert len(subjects_to("head.it@school.example")) == 3


def test_a_run_after_downtime_sends_the_most_urgent_and_skips_the_rest(world, owned):
    run(today=days(20))  # first run ever, 5 days before the review
    keys = dict(Reminder.objects.values_list("key", "skipped"))
    assert len(mail.outbox) == 1
    assert sorted(keys.values()) == [False, True, True]  # 7 days sent; 30 and 90 skipped, never sent late


def test_overdue_reviews_are_reminded_weekly(world, owned):
    for day in range(26, 26 + 21):  # three weeks overdue, a run every day
        run(today=days(day))
    overdue = [s for s in subjects_to("head.it@school.example") if s.startswith("Overdue")]
    assert len(overdue) == 3


def test_governance_lead_gets_a_weekly_digest_of_overdue_reviews(world, owned):
    run(today=days(30))
    run(today=days(31))
    assert subjects_to("governance@school.example") == ["Weekly digest: 1 overdue policy review"]


def test_staff_are_emailed_what_they_owe_in_one_email(world):
    for title in ["Email Policy", "Data Protection Policy"]:
        sign_off_rule(published_policy(title=title))
    run()
    staff_mail = [m for m in mail.outbox if m.to == ["staff@school.example"]]
    assert len(staff_mail) == 1
    assert "Email Policy" in staff_mail[0].body and "Data Protection Policy" in staff_mail[0].body
    assert "/my/" in staff_mail[0].body
    html = staff_mail[0].alternatives[0][0]
    assert "Read and sign" in html


def test_sign_off_reminders_repeat_at_intervals_until_signed(world):
    from acknowledgements.services import sync_obligations

    policy = published_policy(title="Email Policy")
    sign_off_rule(policy)
    starter = PersonFactory(email="starter@school.example", schools=[world.north], start_date=TODAY)
    sync_obligations(person=starter, today=TODAY)
    for day in range(0, 14):
        run(today=days(day))
    assert len(subjects_to("starter@school.example")) == 2  # when owed, then a week later
    view_and_sign(person=starter, version=policy.current_version)
    for day in range(14, 30):
        run(today=days(day))
    assert len(subjects_to("starter@school.example")) == 2


def test_leavers_get_no_reminders(world):
    sign_off_rule(published_policy(title="Email Policy"))
    world.staff.leave_date = TODAY
    world.staff.save()
    run()
    assert subjects_to("staff@school.example") == []


def test_hr_and_line_managers_get_weekly_digests_of_overdue_people(world):
    manager = PersonFactory(first_name="Mia", last_name="Manager", email="mia@school.example", schools=[world.north])
    world.staff.line_manager = manager
    world.staff.save()
    policy = published_policy(title="Email Policy")
    sign_off_rule(policy, new_version_days=5)
    run(today=days(40))

    def digests(address):
        return [s for s in subjects_to(address) if s.startswith("Weekly digest")]

    assert digests("hr.north@school.example") == ["Weekly digest: 3 people have overdue sign-offs"]
    assert digests("hr@school.example") == ["Weekly digest: 6 people have overdue sign-offs"]
    assert digests("mia@school.example") == ["Weekly digest: 1 person has overdue sign-offs"]
    run(today=days(41))
    assert len(digests("mia@school.example")) == 1


def test_running_twice_sends_nothing_the_second_time(world, owned):
    sign_off_rule(published_policy(title="Data Protection Policy"))
    first = run()
    second = run()
    assert first.total > 0
    assert second.total == 0
    assert OutboxEmail.objects.count() == first.total


def test_dry_run_says_the_same_number_and_records_nothing(world, owned):
    sign_off_rule(published_policy(title="Data Protection Policy"))
    fill_kept_counts(TODAY)
    dry = send_reminders(today=TODAY, dry_run=True)
    assert not Reminder.objects.exists() and not OutboxEmail.objects.exists()
    assert run().total == dry.total


def test_the_command_prints_by_kind_and_the_total_last(world, owned):
    out = io.StringIO()
    call_command("send_reminders", "--today", TODAY.isoformat(), "--dry-run", stdout=out)
    assert out.getvalue().splitlines() == ["Review coming due: 1", "would send: 1"]
    out = io.StringIO()
    call_command("send_reminders", "--today", TODAY.isoformat(), stdout=out)
    assert out.getvalue().splitlines()[-1] == "sent: 1"
    out = io.StringIO()
    call_command("send_reminders", "--today", TODAY.isoformat(), stdout=out)
    assert out.getvalue().splitlines() == ["sent: 0"]


def test_a_failing_email_server_is_retried_with_backoff_then_marked_failed(world, owned, settings, monkeypatch):
    settings.EMAIL_MAX_ATTEMPTS = 3

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    report = send_reminders(today=TODAY)
    email_id = report.email_ids[0]
    now = datetime.datetime(2026, 11, 25, 7, 0, tzinfo=datetime.UTC)
    assert deliver_email(email_id, now=now) == "pending"
    email = OutboxEmail.objects.get(pk=email_id)
    assert email.next_attempt_at == now + datetime.timedelta(minutes=2)
    assert deliver_email(email_id, now=now) == "pending"  # not due yet: nothing tried
    assert OutboxEmail.objects.get(pk=email_id).attempts == 1
    deliver_pending(now=now + datetime.timedelta(minutes=3))
    deliver_pending(now=now + datetime.timedelta(minutes=10))
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", 3)
    assert "SMTP server down" in email.last_error


def test_a_worker_killed_mid_send_leaves_the_email_to_be_sent_again(world, owned):
    report = send_reminders(today=TODAY)
    email_id = report.email_ids[0]
    long_ago = datetime.datetime(2026, 11, 25, 6, 0, tzinfo=datetime.UTC)
    OutboxEmail.objects.filter(pk=email_id).update(status="sending", claimed_at=long_ago)
    deliver_pending(now=long_ago + datetime.timedelta(minutes=30))
    assert OutboxEmail.objects.get(pk=email_id).status == "sent"
    assert len(mail.outbox) == 1


def test_delivering_twice_sends_once(world, owned):
    report = send_reminders(today=TODAY)
    deliver_email(report.email_ids[0])
    deliver_email(report.email_ids[0])
    assert len(mail.outbox) == 1


def test_failed_emails_are_visible_to_an_administrator(world, owned, client):
    from people.models import User

    report = send_reminders(today=TODAY)
    OutboxEmail.objects.filter(pk=report.email_ids[0]).update(status="failed", last_error="SMTP down")
    client.force_login(User.objects.create_superuser("root@school.example", "x"))
    page = client.get("/admin/outbox/outboxemail/?status__exact=failed").content.decode()
    assert "Coming up: 1 policy review due" in page


def test_hr_role_without_overdue_people_gets_no_digest(world):
    RoleFactory(person=PersonFactory(email="hr2@school.example", schools=[world.south]), role=Role.HR,
                organisation=world.south)
    run()
    assert subjects_to("hr2@school.example") == []
