"""My policies: what is owed first, then only the newest sign-offs, the rest a
link away on a list of their own, by policy, 50 a page (issue 18, part 5)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from acknowledgements.models import Obligation, SignOff
from acknowledgements.permissions import NO_STAFF_RECORD
from tests.factories import PersonFactory, published_policy

MINE = reverse("acknowledgements:mine")
ALL = reverse("acknowledgements:my_sign_offs")
RECEIPT_LINK = re.compile(r'href="/my/sign-offs/(\d+)/"')


def sign_offs(person, titles: list[str], years: range) -> list[SignOff]:
    """A past sign-off of each policy for each year (yearly re-reading), the
    first title's last year the newest."""
    now = timezone.now()
    policies = [published_policy(title=title) for title in titles]
    rows, age = [], 0
    for policy in policies:
        version = policy.current_version
        for year in reversed(years):
            rows.append(SignOff(
                person=person, version=version, content_hash=version.content_hash, period=str(year),
                statement=f"I confirm that I have read and understood the {policy.title}, version 1.0.",
                signed_at=now - datetime.timedelta(days=age),
                signed_on=timezone.localdate() - datetime.timedelta(days=age),
                method=SignOff.Method.BROWSER))
            age += 1
    return SignOff.objects.bulk_create(rows)


def owe(person, title: str, due_on: datetime.date) -> Obligation:
    policy = published_policy(title=title)
    return Obligation.objects.create(person=person, policy=policy, version=policy.current_version,
                                     reason=Obligation.Reason.NEW_STARTER, due_on=due_on,
                                     owed_since=due_on - datetime.timedelta(days=14))


def receipts(html: str) -> list[int]:
    return [int(pk) for pk in RECEIPT_LINK.findall(html)]


def test_my_policies_shows_the_ten_newest_sign_offs_and_a_link_to_all(world, signed_in):
    made = sign_offs(world.staff, ["Email Policy", "Data Protection Policy"], range(2014, 2027))  # 26
    html = signed_in(world.staff).get(MINE).content.decode()
    assert receipts(html) == [s.pk for s in made[:10]]
    assert "Your 10 most recent sign-offs, newest first." in html
    assert f'<a href="{ALL}">Show all my sign-offs (26)</a>' in html


def test_ten_or_fewer_sign_offs_are_all_shown_with_no_link(world, signed_in):
    made = sign_offs(world.staff, ["Email Policy"], range(2017, 2027))  # 10
    html = signed_in(world.staff).get(MINE).content.decode()
    assert receipts(html) == [s.pk for s in made]
    assert "Show all my sign-offs" not in html
    assert "most recent" not in html


def test_what_is_owed_comes_first_the_most_urgent_first_overdue_marked(world, signed_in):
    today = timezone.localdate()
    owe(world.staff, "Later Policy", today + datetime.timedelta(days=20))
    owe(world.staff, "Overdue Policy", today - datetime.timedelta(days=3))
    sign_offs(world.staff, ["Signed Policy"], range(2020, 2027))
    html = signed_in(world.staff).get(MINE).content.decode()
    assert html.index("Overdue Policy") < html.index("Later Policy") < html.index("<h2>Signed</h2>") \
        < html.index("Signed Policy")
    assert "<strong class=\"text-overdue\">1 overdue</strong>" in html
    assert f"Overdue: was due {today - datetime.timedelta(days=3):%-d %B %Y}" in html


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_my_policies_costs_the_same_queries_for_eleven_or_a_hundred_sign_offs(world, signed_in,
                                                                             django_assert_max_num_queries):
    client = signed_in(world.staff)
    owe(world.staff, "Owed Policy", timezone.localdate())
    sign_offs(world.staff, ["Email Policy"], range(2016, 2027))  # 11
    few = queries_for(client, MINE)
    sign_offs(world.staff, [f"Policy {n}" for n in range(9)], range(2016, 2026))  # 90 more
    with django_assert_max_num_queries(few):
        html = client.get(MINE).content.decode()
    assert "Show all my sign-offs (101)" in html
    # session, user, staff record; owed; newest sign-offs with their count; the menu's three questions;
    # whether they see the statutory checklist (statutory_dashboard)
    assert few <= 9


def test_all_my_sign_offs_are_by_policy_fifty_a_page(world, signed_in):
    made = sign_offs(world.staff, ["Safeguarding Policy", "Acceptable Use Policy", "Email Policy"],
                     range(2007, 2027))  # 60, 20 of each
    client = signed_in(world.staff)
    first = client.get(ALL).content.decode()
    second = client.get(ALL, {"page": 2}).content.decode()
    by_policy = [s.pk for s in made[20:40] + made[40:60] + made[:20]]  # A to Z, each newest first
    assert receipts(first) == by_policy[:50]
    assert receipts(second) == by_policy[50:]
    assert "You have signed 60 times." in first
    assert "Page 1 of 2" in first and "Page 2 of 2" in second


def test_all_my_sign_offs_cost_the_same_queries_for_any_number(world, signed_in, django_assert_max_num_queries):
    client = signed_in(world.staff)
    sign_offs(world.staff, ["Email Policy"], range(2020, 2027))
    few = queries_for(client, ALL)
    sign_offs(world.staff, [f"Policy {n}" for n in range(10)], range(2010, 2026))  # 160 more
    with django_assert_max_num_queries(few):
        assert client.get(ALL, {"page": 3}).status_code == 200


@pytest.mark.parametrize("page,shown", [("abc", "Page 1 of 2"), ("99", "Page 2 of 2"), ("-1", "Page 2 of 2")])
def test_a_page_number_that_is_not_one_shows_the_nearest_page(world, signed_in, page, shown):
    sign_offs(world.staff, ["Email Policy", "Data Protection Policy", "Safeguarding Policy"], range(2007, 2027))
    response = signed_in(world.staff).get(ALL, {"page": page})
    assert response.status_code == 200
    assert shown in response.content.decode()


def test_all_my_sign_offs_lists_only_mine(world, signed_in):
    mine = sign_offs(world.staff, ["Email Policy"], range(2020, 2027))
    other = PersonFactory(schools=[world.north])
    theirs = sign_offs(other, ["Data Protection Policy"], range(2020, 2027))
    html = signed_in(world.staff).get(ALL).content.decode()
    assert receipts(html) == [s.pk for s in mine]
    assert "Data Protection Policy" not in html and not set(receipts(html)) & {s.pk for s in theirs}


def test_nothing_signed_yet_says_so(world, signed_in):
    assert "Nothing signed yet." in signed_in(world.staff).get(ALL).content.decode()


def test_a_login_without_a_staff_record_is_refused_all_sign_offs(world, signed_in):
    response = signed_in(world.outsider).get(ALL)
    assert response.status_code == 403
    assert NO_STAFF_RECORD in response.content.decode()
