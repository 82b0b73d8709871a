"""A reminder run queues a template and a few ids; the email is written when
the outbox delivers it, from the data as it is then."""

import datetime
import json

from django.core import mail

from outbox.models import OutboxEmail
from outbox.services import NOT_SENT, deliver_email, deliver_pending
from reminders.models import Reminder
from reminders.rendering import HAS_LEFT, NOTHING_OWED, REVIEWS_DONE
from reminders.services import send_reminders
from tests.factories import published_policy, sign_off_rule, view_and_sign
from tests.kept_counts import fill_kept_counts

TODAY = datetime.date(2026, 11, 25)
NOW = datetime.datetime(2026, 11, 25, 7, 0, tzinfo=datetime.UTC)


def queued_to(address: str) -> OutboxEmail:
    return OutboxEmail.objects.get(to=address)


def two_policies_owed():
    email = published_policy(title="Email Policy")
    data = published_policy(title="Data Protection Policy")
    sign_off_rule(email)
    sign_off_rule(data)
    return email, data


def test_the_run_queues_a_template_and_ids_not_a_body(world):
    two_policies_owed()
    send_reminders(today=TODAY)
    email = queued_to("staff@school.example")
    assert (email.template, email.context, email.body_text, email.body_html) == (
        "emails/sign_off_reminder", {"today": "2026-11-25"}, "", "")
    assert len(json.dumps(email.context)) < 100


def test_a_sign_off_made_before_delivery_is_left_out(world):
    email_policy, data_policy = two_policies_owed()
    send_reminders(today=TODAY)
    view_and_sign(person=world.staff, version=email_policy.current_version)
    deliver_pending()
    (sent,) = [m for m in mail.outbox if m.to == ["staff@school.example"]]
    assert "Data Protection Policy" in sent.body and "Email Policy" not in sent.body
    assert sent.subject == "1 policy to read and sign (1 overdue)"
    assert "Email Policy" not in sent.alternatives[0][0]
    stored = queued_to("staff@school.example")
    assert (stored.status, stored.subject, stored.body_text) == ("sent", sent.subject, sent.body)


def test_an_email_with_nothing_left_to_say_is_not_sent_and_says_why(world):
    email_policy, data_policy = two_policies_owed()
    send_reminders(today=TODAY)
    for policy in (email_policy, data_policy):
        view_and_sign(person=world.staff, version=policy.current_version)
    deliver_pending()
    assert [m for m in mail.outbox if m.to == ["staff@school.example"]] == []
    email = queued_to("staff@school.example")
    assert (email.status, email.last_error) == (NOT_SENT, f"Not sent: {NOTHING_OWED}")
    assert Reminder.objects.get(email=email).kind == "sign_off"  # decided once; nothing owed to send again
    assert send_reminders(today=TODAY).total == 0
    assert deliver_email(email.pk) == NOT_SENT  # and never retried


def test_a_retry_after_a_failed_send_says_what_is_true_then(world, monkeypatch):
    email_policy, _ = two_policies_owed()
    send_reminders(today=TODAY)
    email = queued_to("staff@school.example")

    def down(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    with monkeypatch.context() as patched:
        patched.setattr("django.core.mail.EmailMultiAlternatives.send", down)
        assert deliver_email(email.pk, now=NOW) == "pending"
    assert "Email Policy" in OutboxEmail.objects.get(pk=email.pk).body_text
    view_and_sign(person=world.staff, version=email_policy.current_version)
    assert deliver_email(email.pk, now=NOW + datetime.timedelta(minutes=3)) == "sent"
    assert "Email Policy" not in mail.outbox[0].body


def test_a_review_done_before_delivery_is_left_out(world):
    policy = published_policy(title="Email Policy", owner=world.owner, next_review_on=TODAY + datetime.timedelta(25))
    send_reminders(today=TODAY)
    policy.next_review_on = datetime.date(2028, 9, 1)  # a new version was approved meanwhile
    policy.save()
    email = queued_to("head.it@school.example")
    assert deliver_email(email.pk) == NOT_SENT
    assert OutboxEmail.objects.get(pk=email.pk).last_error == f"Not sent: {REVIEWS_DONE}"


def test_a_digest_is_not_sent_when_nothing_is_overdue_any_more(world):
    sign_off_rule(published_policy(title="Email Policy"))
    fill_kept_counts(TODAY)
    send_reminders(today=TODAY)
    digest = OutboxEmail.objects.get(to="hr.north@school.example", template="emails/hr_digest")
    fill_kept_counts(TODAY - datetime.timedelta(days=3650))  # everyone signed, as far as the counts know
    assert deliver_email(digest.pk) == NOT_SENT


def test_someone_recorded_as_left_before_delivery_is_not_emailed(world):
    two_policies_owed()
    send_reminders(today=TODAY)
    world.staff.leave_date = TODAY  # HR records a leave date, back-dated, before the worker delivers
    world.staff.save()
    email = queued_to("staff@school.example")
    assert deliver_email(email.pk) == NOT_SENT
    assert OutboxEmail.objects.get(pk=email.pk).last_error == f"Not sent: {HAS_LEFT}"


def test_emails_queued_with_their_bodies_before_the_upgrade_still_go_as_written(world):
    email = OutboxEmail.objects.create(recipient=world.staff, to=world.staff.email, subject="Please sign",
                                       body_text="Dear Sam, written at queue time", body_html="<p>Dear Sam</p>")
    assert deliver_email(email.pk) == "sent"
    assert (mail.outbox[0].subject, mail.outbox[0].body) == ("Please sign", "Dear Sam, written at queue time")
