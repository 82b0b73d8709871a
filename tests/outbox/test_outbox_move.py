"""The outbox in its own app: the same table and rows, its tasks under their
old names for one release, its admin at the old address by redirect."""

import pytest
from django.core import mail

from outbox.models import OutboxEmail
from outbox.services import queue_email
from portal.celery import app
from reminders.models import Reminder

pytestmark = pytest.mark.django_db


def test_the_outbox_keeps_the_table_it_had_in_reminders():
    assert OutboxEmail._meta.db_table == "reminders_outboxemail"
    assert Reminder._meta.get_field("email").related_model is OutboxEmail


def test_an_email_is_delivered_after_the_change_commits(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_email(recipient=world.staff, subject="Hello", body_text="Hi")
    assert [m.subject for m in mail.outbox] == ["Hello"]
    assert OutboxEmail.objects.get(pk=email.pk).status == OutboxEmail.Status.SENT


@pytest.mark.parametrize("old, new", [("reminders.tasks.deliver_email", "outbox.tasks.deliver_email"),
                                      ("reminders.tasks.deliver_pending", "outbox.tasks.deliver_pending")])
def test_a_task_queued_under_its_old_name_still_runs(world, old, new):
    import outbox.tasks  # noqa: F401  (registers the tasks, as the worker's autodiscovery does)
    import reminders.tasks  # noqa: F401

    assert new in app.tasks
    email = OutboxEmail.objects.create(recipient=world.staff, to=world.staff.email, subject="Queued", body_text="x")
    app.tasks[old](email.pk) if old.endswith("deliver_email") else app.tasks[old]()
    assert OutboxEmail.objects.get(pk=email.pk).status == OutboxEmail.Status.SENT


def test_the_old_admin_address_redirects_to_the_outbox(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(email="admin@school.example", is_staff=True, is_superuser=True))
    response = client.get("/admin/reminders/outboxemail/?status__exact=failed")
    assert (response.status_code, response["Location"]) == (301, "/admin/outbox/outboxemail/?status__exact=failed")
