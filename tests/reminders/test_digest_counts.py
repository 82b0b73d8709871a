"""HR's and line managers' weekly digests are counts from the kept sign-off
counts, each linking to the outstanding list filtered to it, with at most the
50 longest-overdue names: never a row per obligation, never over 1 MB."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail

from acknowledgements import counts
from acknowledgements.models import Obligation, SignOffCount
from acknowledgements.services import sync_obligations
from outbox.models import OutboxEmail
from outbox.services import deliver_email
from people.models import Organisation, StaffGroup
from policies.models import Category, Policy, PolicyVersion
from reminders.rendering import DIGEST_NAMES
from reminders.services import send_reminders
from tests.factories import PersonFactory, published_policy, sign_off_rule
from tests.kept_counts import fill_kept_counts

TODAY = datetime.date(2026, 11, 25)
LATER = TODAY + datetime.timedelta(days=40)
BASE = "http://127.0.0.1:8000"
ONE_MB = 1024 * 1024
GROUPS = [StaffGroup.TEACHING, StaffGroup.SUPPORT]


def run(today=LATER):
    fill_kept_counts(today)
    report = send_reminders(today=today)
    for email_id in report.email_ids:
        deliver_email(email_id)
    return report


def digest_to(address: str):
    (digest,) = [m for m in mail.outbox if m.to == [address] and m.subject.startswith("Weekly digest")]
    return digest


def links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", text)


@pytest.fixture
def two_policies_overdue(world):
    policies = [published_policy(title=title, slug=slug) for title, slug in
                [("Email Policy", "email"), ("Data Protection Policy", "data-protection")]]
    for policy in policies:
        sign_off_rule(policy)
    return policies


def test_the_hr_digest_counts_overdue_sign_offs_by_school_policy_and_group(world, two_policies_overdue):
    run()
    body = digest_to("hr@school.example").body
    # North: Sam and Hana; the trust's own staff: Tariq, Grace and Owen. Two policies each.
    assert "10 sign-offs are overdue in your schools, owed by 5 people." in body
    assert "- Test Learning Trust: 6\n" in body
    assert f"- North Primary: 4\n  {BASE}/reports/outstanding/?school=north&overdue=1" in body
    assert f"- Email Policy: 5\n  {BASE}/reports/outstanding/?policy=email&overdue=1" in body
    assert f"- Support: 6\n  {BASE}/reports/outstanding/?group=support&overdue=1" in body
    assert f"- Teaching: 2\n  {BASE}/reports/outstanding/?group=teaching&overdue=1" in body
    assert "South Academy" not in body  # nobody there owes anything


def test_a_run_brings_the_kept_counts_to_its_own_day(world):
    """Not overdue when the counts were last rolled, overdue on the run's day:
    the run rolls them first, whoever starts it (the command, the old task)."""
    sign_off_rule(published_policy(title="Email Policy"))
    Obligation.objects.update(due_on=TODAY + datetime.timedelta(days=10))
    counts.roll_overdue(TODAY)
    send_reminders(today=LATER)
    assert OutboxEmail.objects.filter(to="hr@school.example", template="emails/hr_digest").exists()


def test_a_school_hr_digest_counts_only_its_school(world, two_policies_overdue):
    run()
    body = digest_to("hr.north@school.example").body
    assert "4 sign-offs are overdue in your schools, owed by 2 people." in body
    assert "Test Learning Trust:" not in body and "Owen" not in body


def test_each_digest_link_opens_the_outstanding_list_filtered_to_its_line(world, two_policies_overdue, signed_in):
    run()
    digest = digest_to("hr@school.example")
    client = signed_in(world.trust_hr)
    north = next(link for link in links(digest.body) if "school=north" in link)
    page = client.get(north.removeprefix(BASE)).content.decode()
    assert "Sam Staff" in page and "Hana North" in page and "Owen Owner" not in page
    assert parse_qs(urlsplit(north).query) == {"school": ["north"], "overdue": ["1"]}
    html = digest.alternatives[0][0]
    assert f'href="{BASE}/reports/outstanding/?policy=data-protection&amp;overdue=1"' in html


def test_the_digest_names_at_most_the_50_longest_overdue(world):
    policy = published_policy(title="Email Policy")
    sign_off_rule(policy)
    for n in range(DIGEST_NAMES + 10):
        PersonFactory(first_name=f"Late{n:02d}", last_name="Person", schools=[world.south])
    sync_obligations(policy=policy)
    late = Obligation.objects.filter(person__last_name="Person").order_by("person__first_name")
    for n, obligation in enumerate(late):
        obligation.due_on = TODAY - datetime.timedelta(days=3000 - n)  # before anyone else's
        obligation.save()
    run()
    body = digest_to("hr@school.example").body
    names = re.findall(r"- (.+): Email Policy 1.0, was due", body)
    assert len(names) == DIGEST_NAMES
    assert names[:2] == ["Late00 Person", "Late01 Person"]
    assert f"Overdue longest (the first {DIGEST_NAMES}):" in body


def test_a_line_manager_sees_their_reports_counts_and_names(world, two_policies_overdue):
    manager = PersonFactory(first_name="Mia", last_name="Manager", email="mia@school.example", schools=[world.north])
    world.staff.line_manager = manager
    world.staff.save()
    world.school_hr.line_manager = manager
    world.school_hr.save()
    run()
    digest = digest_to("mia@school.example")
    assert digest.subject == "Weekly digest: 2 people have overdue sign-offs"
    assert "2 people who report to you have 4 overdue sign-offs." in digest.body
    assert "- Sam Staff: Email Policy 1.0, was due" in digest.body
    assert "Tariq" not in digest.body
    assert links(digest.body) == [f"{BASE}/my/"]


def test_a_large_digest_stays_under_one_megabyte(world, django_assert_max_num_queries):
    """300 policies across 40 schools: counts, not rows."""
    trust = world.trust
    schools = Organisation.objects.bulk_create([
        Organisation(name=f"A School With A Long Name Number {n}", slug=f"large-school-{n}", kind="school", trust=trust)
        for n in range(40)
    ])
    policies = Policy.objects.bulk_create([
        Policy(organisation=trust, title=f"A Policy Whose Title Is As Long As Titles Get {n:03d}", slug=f"large-{n}",
               category=Category.IT)
        for n in range(300)
    ])
    versions = PolicyVersion.objects.bulk_create([
        PolicyVersion(policy=p, label="1.0", status="published", body="x", content_hash="0" * 64) for p in policies
    ])
    SignOffCount.objects.bulk_create([
        SignOffCount(school=s, policy_id=v.policy_id, version=v, staff_group=group, outstanding=9, overdue=7)
        for s in schools for v in versions for group in GROUPS
    ], batch_size=5000)
    sign_off_rule(published_policy(title="Email Policy"))
    Obligation.objects.update(due_on=TODAY - datetime.timedelta(days=30))
    PersonFactory.create_batch(DIGEST_NAMES, schools=[world.north])
    sync_obligations(today=TODAY)
    send_reminders(today=TODAY)  # the counts above as they are: a real run would have rolled them
    digest = OutboxEmail.objects.get(to="hr@school.example", template="emails/hr_digest")
    with django_assert_max_num_queries(12):
        deliver_email(digest.pk)
    sent = digest_to("hr@school.example")
    size = len(sent.body.encode()) + len(sent.alternatives[0][0].encode())
    overdue = int(re.search(r"(\d+) sign-offs are overdue", sent.body)[1])
    assert overdue >= 40 * 300 * len(GROUPS) * 7  # every count summed (and the Email Policy's, if kept)
    assert sent.body.count("?policy=") >= 300
    assert size < ONE_MB, size
