"""Redis down: nothing a person does waits on the broker."""

import pytest
from django.urls import reverse

from acknowledgements.models import SignOff
from tests.factories import published_policy, sign_off_rule


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("Redis is down")

    monkeypatch.setattr("celery.app.task.Task.apply_async", refuse)
    monkeypatch.setattr("celery.Celery.send_task", refuse)


def test_signing_works_with_the_broker_down(world, signed_in, broker_down):
    policy = published_policy(title="Email Policy")
    sign_off_rule(policy)
    client = signed_in(world.staff)
    client.get(reverse("acknowledgements:sign", args=[policy.slug]))  # opens the text
    response = client.post(
        reverse("acknowledgements:sign", args=[policy.slug]), {"version": policy.current_version.pk, "confirm": "on"}
    )
    assert response.status_code == 302
    assert SignOff.objects.filter(person=world.staff).exists()


def test_pages_work_with_the_broker_down(world, signed_in, broker_down):
    policy = published_policy(title="Email Policy")
    client = signed_in(world.staff)
    for url in [reverse("acknowledgements:mine"), reverse("policies:library"), policy.get_absolute_url()]:
        assert client.get(url).status_code == 200


def test_a_mail_server_failure_never_fails_a_decision(world, monkeypatch, django_capture_on_commit_callbacks):
    from approvals import services
    from approvals.models import CommitteeMember
    from outbox.models import OutboxEmail
    from tests.factories import CommitteeFactory, PersonFactory

    def down(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", down)
    board = CommitteeFactory(organisation=world.trust, quorum=1, allows_single_approver=True)
    member = PersonFactory(schools=[world.trust])
    CommitteeMember.objects.create(committee=board, person=member)
    policy = published_policy(owner=world.owner, organisation=world.trust)
    draft = services.start_draft(policy, by=world.owner)
    services.save_draft(draft, body="## 1. New", reason="r", is_major=False, review_cycle_months=None, audiences=[])
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_draft(draft, committee=board, by=world.owner.user)
    email = OutboxEmail.objects.get(to=member.email)
    assert (email.status, email.attempts) == ("pending", 1)  # waiting for its retry, not lost
