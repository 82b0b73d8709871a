"""Every link in an email is built by portal.links.absolute_url from
PORTAL_BASE_URL, and every email is told its trust's name."""

import datetime
import re
from pathlib import Path

import pytest
from django.core import mail

from approvals import notifications, services
from approvals.models import CommitteeMember
from outbox.models import OutboxEmail
from outbox.services import deliver_pending
from people.sign_in import send_sign_in_link
from reminders.services import send_reminders
from tests.factories import CommitteeFactory, PersonFactory, published_policy, sign_off_rule

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://policies.trust.example"
TODAY = datetime.date(2026, 11, 25)
SOURCES = [path for path in ROOT.rglob("*") if path.suffix in {".py", ".txt", ".html"}
           and not {".venv", "staticfiles", "tests", "node_modules", "bench"} & set(path.relative_to(ROOT).parts)]
# Where the base address is defined, and the one place that builds links from it.
MAY_NAME_THE_BASE = {"portal/settings.py", "portal/settings_production.py", "portal/links.py"}


@pytest.fixture(autouse=True)
def base(settings):
    settings.PORTAL_BASE_URL = BASE


def links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", text)


def test_no_code_or_template_builds_a_link_from_the_base_address():
    naming = sorted(str(path.relative_to(ROOT)) for path in SOURCES
                    if re.search(r"PORTAL_BASE_URL|\bbase_url\b|get_host\(\)", path.read_text(encoding="utf-8"))
                    and str(path.relative_to(ROOT)) not in MAY_NAME_THE_BASE | {"documents/rendering.py"})
    assert naming == []


def test_email_templates_hold_no_address_and_follow_no_relation_to_the_database():
    for template in (ROOT / "templates" / "emails").iterdir():
        text = template.read_text(encoding="utf-8")
        assert not links(text), template.name
        assert not re.search(r"\.(all|first|count|exists)\b", text), template.name


def test_reminder_links_are_absolute_and_open_the_page_they_name(world, client):
    policy = published_policy(title="Email Policy", owner=world.owner,
                              next_review_on=TODAY + datetime.timedelta(days=20))
    sign_off_rule(policy)
    send_reminders(today=TODAY)
    deliver_pending()
    by_person = {m.to[0]: m for m in mail.outbox}
    review = by_person["head.it@school.example"]
    owed = by_person["staff@school.example"]
    assert links(review.body) == [f"{BASE}/policies/{policy.slug}/"]
    assert links(owed.body) == [f"{BASE}/my/", f"{BASE}/accounts/link/request/"]
    assert f'href="{BASE}/my/"' in owed.alternatives[0][0]
    assert "on the staff list of Test Learning Trust" in owed.body
    assert "Test Learning Trust · Policy Portal" in owed.alternatives[0][0]


def test_the_governance_digest_links_to_the_overdue_reviews(world):
    policy = published_policy(title="Email Policy", owner=world.owner,
                              next_review_on=TODAY - datetime.timedelta(days=3))
    send_reminders(today=TODAY)
    deliver_pending()
    digest = next(m for m in mail.outbox if m.subject.startswith("Weekly digest"))
    assert links(digest.body) == [f"{BASE}/policies/?review=overdue"]
    assert f'href="{BASE}/policies/{policy.slug}/"' in digest.alternatives[0][0]


def test_an_approval_email_links_to_the_submission(world, django_capture_on_commit_callbacks):
    board = CommitteeFactory(organisation=world.trust, quorum=1, allows_single_approver=True)
    CommitteeMember.objects.create(committee=board, person=PersonFactory(schools=[world.trust]))
    policy = published_policy(owner=world.owner, organisation=world.trust)
    draft = services.start_draft(policy, by=world.owner)
    services.save_draft(draft, body="## 1. New", reason="r", is_major=False, review_cycle_months=None, audiences=[])
    with django_capture_on_commit_callbacks(execute=True):
        submission = services.submit_draft(draft, committee=board, by=world.owner.user)
        notifications.decision_made(submission)
    assert {tuple(links(m.body)) for m in mail.outbox} == {(f"{BASE}/approvals/{submission.pk}/",)}
    assert OutboxEmail.objects.count() == len(mail.outbox)


def test_a_sign_in_link_starts_at_the_portal_address_not_the_host_asked(world, client,
                                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/link/request/", {"email": "staff@school.example"})  # asked of "testserver"
    (link,) = links(mail.outbox[0].body)
    assert link.startswith(f"{BASE}/accounts/link/?")
    assert "on the staff list of Test Learning Trust." in mail.outbox[0].body


def test_a_sign_in_link_opens_its_continue_page(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert send_sign_in_link(email="staff@school.example")
    (link,) = links(mail.outbox[0].body)
    assert client.get(link.removeprefix(BASE)).status_code == 200
