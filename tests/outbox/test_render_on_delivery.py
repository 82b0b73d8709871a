"""The outbox renders an email queued as a template and a JSON context when
it delivers it; the app that queued it may supply the context then, and say
there is nothing left to say."""

import math

import pytest
from django.core import mail
from django.db import connection

from outbox import context
from outbox.context import NothingToSay, add_context_builder
from outbox.models import OutboxEmail
from outbox.services import BATCH_SIZE, NOT_SENT, deliver_email, new_email, record_email, record_emails

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _builders_as_they_were(monkeypatch):
    """A test's builders leave with it."""
    monkeypatch.setattr(context, "_builders", dict(context._builders))


def test_a_template_without_a_builder_is_rendered_from_its_stored_context(world):
    email = record_email(recipient=world.staff, subject="Your sign-in address changed",
                         template="emails/login_email_changed", context={"old": "a@x.example", "new": "b@x.example"})
    assert deliver_email(email.pk) == "sent"
    (sent,) = mail.outbox
    assert "a@x.example" in sent.body and "b@x.example" in sent.body
    assert sent.alternatives == []  # no HTML template: text only
    assert OutboxEmail.objects.get(pk=email.pk).body_text == sent.body  # what was sent is kept


def test_a_builder_supplies_the_context_and_subject_at_delivery(world):
    add_context_builder("emails/login_email_changed",
                        lambda email: {"subject": f"Hi {email.recipient.first_name}", "old": "then", "new": "now"})
    email = record_email(recipient=world.staff, subject="queued", template="emails/login_email_changed")
    assert deliver_email(email.pk) == "sent"
    assert (mail.outbox[0].subject, OutboxEmail.objects.get(pk=email.pk).subject) == ("Hi Sam", "Hi Sam")
    assert "then" in mail.outbox[0].body


def test_nothing_left_to_say_marks_the_email_not_sent_with_the_reason(world):
    def nothing(email):
        raise NothingToSay("it was all done")

    add_context_builder("emails/login_email_changed", nothing)
    email = record_email(recipient=world.staff, subject="queued", template="emails/login_email_changed")
    assert deliver_email(email.pk) == NOT_SENT
    assert mail.outbox == []
    stored = OutboxEmail.objects.get(pk=email.pk)
    assert (stored.status, stored.last_error) == (NOT_SENT, "Not sent: it was all done")
    assert deliver_email(email.pk) == NOT_SENT  # never retried


def test_many_emails_are_written_in_a_few_inserts(world, django_assert_num_queries):
    emails = [new_email(recipient_id=world.staff.pk, to=world.staff.email, subject=f"n{n}",
                        template="emails/login_email_changed", context={"old": n, "new": n}) for n in range(500)]
    fields = [f for f in OutboxEmail._meta.concrete_fields if not f.primary_key]
    per_insert = min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, emails))  # SQLite binds fewer at once
    with django_assert_num_queries(math.ceil(500 / per_insert)):
        record_emails(emails)
    assert len({e.pk for e in emails}) == 500
