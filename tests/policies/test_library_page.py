import datetime

import pytest
from django.urls import reverse

from policies.models import PolicyVersion
from tests.factories import PolicyFactory, SchoolFactory, VersionFactory, published_policy

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("policies.selectors.today", lambda: TODAY)


def test_library_asks_anonymous_visitors_to_sign_in(client, db):
    response = client.get(reverse("policies:library"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_library_lists_published_policies_with_version_and_review(world, signed_in):
    published_policy(title="Email Policy", organisation=world.trust, next_review_on=datetime.date(2027, 3, 1))
    page = signed_in(world.staff).get(reverse("policies:library")).content.decode()
    assert "Email Policy" in page
    assert "1 Mar 2027" in page
    assert "1 policy" in page


def test_library_hides_policies_with_no_published_version(world, signed_in):
    VersionFactory(policy=PolicyFactory(title="Secret Draft Policy"), status=PolicyVersion.Status.DRAFT)
    page = signed_in(world.staff).get(reverse("policies:library")).content.decode()
    assert "Secret Draft Policy" not in page


def test_search_finds_words_in_the_text_not_only_the_title(world, signed_in):
    published_policy(title="Email Policy", body="## 1. Phishing\n\n1.1 Report phishing emails.")
    published_policy(title="Whistleblowing Policy", body="## 1. Concerns\n\n1.1 Raise concerns.")
    page = signed_in(world.staff).get(reverse("policies:library"), {"q": "phishing"}).content.decode()
    assert "Email Policy" in page
    assert "Whistleblowing Policy" not in page
    assert "matching “phishing”" in page


def test_school_filter_shows_that_schools_policies_and_the_trusts(world, signed_in):
    published_policy(title="Trust Data Protection Policy", organisation=world.trust)
    published_policy(title="North Behaviour Policy", organisation=world.north)
    published_policy(title="South Behaviour Policy", organisation=world.south)
    page = signed_in(world.staff).get(reverse("policies:library"), {"school": "north"}).content.decode()
    assert "Trust Data Protection Policy" in page
    assert "North Behaviour Policy" in page
    assert "South Behaviour Policy" not in page


@pytest.mark.parametrize(
    "review,shown",
    [("overdue", "Old Policy"), ("due", "Soon Policy"), ("current", "Fresh Policy")],
)
def test_review_status_filter(world, signed_in, review, shown):
    published_policy(title="Old Policy", next_review_on=TODAY - datetime.timedelta(days=1))
    published_policy(title="Soon Policy", next_review_on=TODAY + datetime.timedelta(days=30))
    published_policy(title="Fresh Policy", next_review_on=TODAY + datetime.timedelta(days=400))
    page = signed_in(world.staff).get(reverse("policies:library"), {"review": review}).content.decode()
    titles = {"Old Policy", "Soon Policy", "Fresh Policy"}
    assert shown in page
    for other in titles - {shown}:
        assert other not in page


def test_library_counts_reviews_by_status(world, signed_in):
    published_policy(title="Old Policy", next_review_on=TODAY - datetime.timedelta(days=1))
    published_policy(title="Older Policy", next_review_on=TODAY - datetime.timedelta(days=100))
    published_policy(title="Soon Policy", next_review_on=TODAY + datetime.timedelta(days=89))
    response = signed_in(world.staff).get(reverse("policies:library"))
    assert response.context["review_counts"] == {"overdue": 2, "due": 1, "current": 0, "none": 0}
    assert "Review overdue: <strong>2</strong>" in response.content.decode()


def test_unknown_filter_values_are_ignored_not_an_error(world, signed_in):
    published_policy(title="Email Policy")
    response = signed_in(world.staff).get(reverse("policies:library"), {"review": "<script>", "school": "nowhere"})
    assert response.status_code == 200
    assert "Email Policy" in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_library_query_count_does_not_grow_with_policies(world, signed_in, django_assert_max_num_queries):
    client = signed_in(world.staff)
    for n in range(3):
        published_policy(title=f"Policy {n}", organisation=SchoolFactory(trust=world.trust))
    with django_assert_max_num_queries(15) as small:
        client.get(reverse("policies:library"))
    for n in range(3, 30):
        published_policy(title=f"Policy {n}", organisation=SchoolFactory(trust=world.trust))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("policies:library"))
