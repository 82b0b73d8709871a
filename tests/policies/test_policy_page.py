import datetime

import pytest
from django.urls import reverse

from policies.models import PolicyVersion, RelatedPolicyName
from policies.services import publish_version
from tests.factories import CommitteeFactory, PolicyFactory, VersionFactory, published_policy


def test_policy_page_prints_the_version_table_as_trusts_do(world, signed_in):
    board = CommitteeFactory(name="Trust Board", organisation=world.trust)
    igg = CommitteeFactory(name="Information Governance Group", short_name="IGG", organisation=world.trust)
    policy = PolicyFactory(title="Email Policy", organisation=world.trust)
    VersionFactory(policy=policy, label="1.0", status="superseded", committee=board, reason="New policy",
                   approved_on=datetime.date(2022, 7, 12), next_review_on=datetime.date(2024, 7, 1))
    current = VersionFactory(policy=policy, label="1.1", committee=igg, reason="Periodic review",
                             author="IT Manager", approved_on=datetime.date(2023, 9, 20),
                             next_review_on=datetime.date(2025, 9, 1))
    publish_version(current)
    response = signed_in(world.staff).get(policy.get_absolute_url())
    page = response.content.decode()
    for heading in ["Version", "Date approved (committee)", "Reason for revision", "Author", "Next review"]:
        assert f'<th scope="col">{heading}</th>' in page
    assert "12 Jul 2022 (Trust Board)" in page
    assert "20 Sep 2023 (IGG)" in page
    assert "Periodic review" in page
    assert page.index("12 Jul 2022") < page.index("20 Sep 2023")  # oldest first, as printed


def test_policy_page_shows_text_with_contents_list(world, signed_in):
    policy = published_policy(body="## 1. Introduction\n\n1.1 Hello.\n\n## 2. Scope\n\n2.1 Everyone.")
    page = signed_in(world.staff).get(policy.get_absolute_url()).content.decode()
    assert 'aria-labelledby="contents-heading"' in page
    assert '<a href="#1-introduction">1. Introduction</a>' in page
    assert '<h2 id="2-scope">2. Scope</h2>' in page


def test_policy_page_never_serves_a_script_from_the_body(world, signed_in):
    policy = published_policy(body="## 1. Intro\n\n<script>steal()</script><img src=x onerror=steal()>")
    page = signed_in(world.staff).get(policy.get_absolute_url()).content.decode()
    assert "steal()" not in page


def test_related_policies_are_linked_both_ways(world, signed_in):
    email = published_policy(title="Email Policy")
    data = published_policy(title="Data Protection Policy")
    email.related.add(data)
    client = signed_in(world.staff)
    assert "Data Protection Policy" in client.get(email.get_absolute_url()).content.decode()
    assert f'href="{email.get_absolute_url()}"' in client.get(data.get_absolute_url()).content.decode()


def test_named_related_policy_not_in_library_is_marked(world, signed_in):
    email = published_policy(title="Email Policy")
    RelatedPolicyName.objects.create(policy=email, name="Social Media Policy")
    page = signed_in(world.staff).get(email.get_absolute_url()).content.decode()
    assert "Social Media Policy" in page
    assert "not yet in the library" in page


def test_named_related_policy_links_once_it_joins_the_library(world, signed_in):
    email = published_policy(title="Email Policy")
    RelatedPolicyName.objects.create(policy=email, name="Acceptable Use Policy [Staff]")
    aup = published_policy(title="Acceptable Use Policy")
    page = signed_in(world.staff).get(email.get_absolute_url()).content.decode()
    assert f'<a href="{aup.get_absolute_url()}">Acceptable Use Policy [Staff]</a>' in page
    assert "not yet in the library" not in page


def test_legislation_is_listed(world, signed_in):
    from policies.models import Legislation

    policy = published_policy()
    policy.legislation.add(Legislation.objects.create(name="Data Protection Act 2018"))
    page = signed_in(world.staff).get(policy.get_absolute_url()).content.decode()
    assert "Data Protection Act 2018" in page


def test_older_version_has_a_stable_url_and_says_it_is_superseded(world, signed_in):
    policy = PolicyFactory(title="Email Policy")
    old = VersionFactory(policy=policy, label="1.0", body="## 1. Old words")
    publish_version(old)
    new = VersionFactory(policy=policy, label="2.0", body="## 1. New words")
    publish_version(new)
    response = signed_in(world.staff).get(reverse("policies:version", args=[policy.slug, "1.0"]))
    page = response.content.decode()
    assert "Old words" in page
    assert "which has been superseded" in page
    assert "Read the current version (2.0)" in page


def test_staff_never_see_a_draft_version(world, signed_in):
    policy = published_policy()
    VersionFactory(policy=policy, label="2.0", status=PolicyVersion.Status.DRAFT, body="## 1. Draft words")
    response = signed_in(world.staff).get(reverse("policies:version", args=[policy.slug, "2.0"]))
    assert response.status_code == 404


def test_owner_can_read_their_draft_version(world, signed_in):
    policy = published_policy(owner=world.owner)
    VersionFactory(policy=policy, label="2.0", status=PolicyVersion.Status.DRAFT, body="## 1. Draft words")
    response = signed_in(world.owner).get(reverse("policies:version", args=[policy.slug, "2.0"]))
    assert "Draft words" in response.content.decode()


def test_policy_with_no_published_version_is_hidden_from_staff(world, signed_in):
    policy = PolicyFactory()
    VersionFactory(policy=policy, status=PolicyVersion.Status.DRAFT)
    assert signed_in(world.staff).get(policy.get_absolute_url()).status_code == 404


def test_policy_page_shows_history_of_changes(world, signed_in):
    policy = published_policy()
    page = signed_in(world.staff).get(policy.get_absolute_url()).content.decode()
    assert "Audit timeline" in page
    assert "Version 1.0 created" in page


@pytest.mark.parametrize("days,label", [(-3, "Review overdue"), (20, "Review due within 90 days")])
def test_policy_page_shows_review_status(world, signed_in, days, label):
    from django.utils import timezone

    policy = published_policy(next_review_on=timezone.localdate() + datetime.timedelta(days=days))
    assert label in signed_in(world.staff).get(policy.get_absolute_url()).content.decode()


def test_policy_page_query_count_does_not_grow_with_versions(world, signed_in, django_assert_max_num_queries):
    policy = PolicyFactory(title="Email Policy")
    for n in range(1, 4):
        publish_version(VersionFactory(policy=policy, label=f"{n}.0", body=f"## 1. Words {n}"))
    client = signed_in(world.staff)
    with django_assert_max_num_queries(20) as few:
        client.get(policy.get_absolute_url())
    for n in range(4, 20):
        publish_version(VersionFactory(policy=policy, label=f"{n}.0", body=f"## 1. Words {n}"))
        policy.related.add(published_policy())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(policy.get_absolute_url())
