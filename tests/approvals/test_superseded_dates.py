"""Dates agree after a backdated meeting (issue 14, item 2): the approval
date is the meeting's; the version it replaces is superseded on the day the
new one was published, which is the day the decision reached the portal."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals import services
from approvals.models import Decision, Submission
from policies.models import PolicyVersion
from tests.approvals.conftest import BODY

pytestmark = pytest.mark.django_db


def long(day: datetime.date) -> str:
    return f"{day.day} {day:%b %Y}"


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def sent_days_ago(world, policy, committee, days: int, **draft) -> Submission:
    version = services.start_draft(policy, by=world.owner)
    services.save_draft(version, body=BODY + "\n\n2.2 Forward it to the service desk.", reason="Phishing",
                        is_major=False, review_cycle_months=24, audiences=[], **draft)
    submission = services.submit_draft(version, committee=committee, by=world.owner.user)
    Submission.objects.filter(pk=submission.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=days))
    return submission


def test_a_clerk_recording_last_weeks_meeting_supersedes_the_old_version_today(world, signed_in, email_policy,
                                                                                igg):
    today = timezone.localdate()
    meeting = today - datetime.timedelta(days=7)
    submission = sent_days_ago(world, email_policy, igg, days=10)
    clerk = signed_in(igg.clerk)
    response = clerk.post(reverse("approvals:submission", args=[submission.pk]), {
        "decision": Decision.APPROVE, "meeting_date": meeting.isoformat(), "minute_reference": "IGG/25/4",
    }, follow=True)

    table = text_of(response.content.decode()).split("Version history", 1)[1]
    assert re.search(rf"1\.1 current {long(meeting)} \(IGG\) Phishing", table)
    old_page = text_of(clerk.get(reverse("policies:version", args=[email_policy.slug, "1.0"])).content.decode())
    assert f"Version 1.0 · Superseded on {long(today)}" in old_page
    new = PolicyVersion.objects.get(policy=email_policy, label="1.1")
    assert (new.approved_on, new.effective_on) == (meeting, today)


def test_a_version_published_by_a_late_daily_run_supersedes_on_the_day_it_ran(world, email_policy, igg):
    today = timezone.localdate()
    takes_effect = today + datetime.timedelta(days=3)
    submission = sent_days_ago(world, email_policy, igg, days=2, effective_on=takes_effect)
    services.record_meeting_decision(submission, clerk=igg.clerk, decision=Decision.APPROVE,
                                     meeting_date=today - datetime.timedelta(days=1), minute_reference="5")
    ran = takes_effect + datetime.timedelta(days=2)  # the job missed two nights
    services.publish_due_versions(today=ran)
    old = PolicyVersion.objects.get(policy=email_policy, label="1.0")
    assert old.superseded_on == ran


def test_an_imported_history_says_when_each_old_version_was_superseded(world, signed_in):
    from tests.policies.test_import_provenance import email_policy_document, import_through_the_page

    client = signed_in(world.governance)
    document = email_policy_document("1.0 | 01/09/2022 (Trust Board) | New policy",
                                     "1.1 | 01/09/2023 (Trust Board) | Contacts",
                                     "2.0 | 01/09/2024 (Trust Board) | Review")
    import_through_the_page(client, document, world.trust)

    for label, superseded in (("1.0", datetime.date(2023, 9, 1)), ("1.1", datetime.date(2024, 9, 1))):
        page = text_of(client.get(reverse("policies:version", args=["email", label])).content.decode())
        assert f"Version {label} · Superseded on {long(superseded)}" in page
