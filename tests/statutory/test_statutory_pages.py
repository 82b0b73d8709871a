"""The checklist page, its CSV, the tagging page, the dashboard line, and who
may open each."""

import csv
import datetime
import html
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.models import CommitteeMember
from people.models import Role, StaffGroup
from statutory.services import UNKNOWN_ITEM
from statutory.views import TAGS_SAVED
from tests.factories import PersonFactory, RoleFactory, SchoolFactory
from tests.statutory.conftest import approved_policy, make_item

CHECKLIST = "/statutory/"
CSV = "/statutory/checklist.csv"


@pytest.fixture
def filled(statutory):
    """At each school the trust's safeguarding policy meets child protection and behaviour is
    missing; the trust itself is missing its scheme of delegation."""
    statutory.safeguarding_item = make_item("child-protection", name="Child protection policy and procedures")
    statutory.behaviour_item = make_item("behaviour", name="Behaviour policy")
    statutory.trust_item = make_item("scheme-of-delegation", applies_to=["trust"], name="Scheme of delegation",
                                     bodies=["trust_board"])
    statutory.safeguarding = approved_policy(
        statutory.world.trust, statutory.board, approved_on=datetime.date.today() - datetime.timedelta(days=30),
        next_review_on=datetime.date.today() + datetime.timedelta(days=300), items=[statutory.safeguarding_item],
        title="Safeguarding Policy", slug="safeguarding")
    return statutory


def _page_rows(page: str) -> list[list[str]]:
    """The checklist tables' rows as a reader sees them: school, then each cell."""
    rows = []
    for school, body in re.findall(r'<table class="statutory-table" data-school="([^"]+)">(.*?)</table>', page, re.S):
        for row in re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>")[1], re.S):
            cells = [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
                     for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            rows.append([html.unescape(school), *cells])
    return rows


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_governance_lead_sees_each_school_with_its_items_and_statuses(filled, signed_in):
    response = signed_in(filled.world.governance).get(CHECKLIST)
    assert response.status_code == 200
    rows = _page_rows(response.content.decode())
    north_safeguarding = next(row for row in rows
                              if row[:2] == ["North Primary", "Child protection policy and procedures"])
    assert north_safeguarding[2:5] == ["Met", "Safeguarding Policy", "Trust Board"]
    assert ["North Primary", "Behaviour policy", "Missing", "", "", "", "", "No policy is tagged as meeting it."] \
        in rows
    assert ["Test Learning Trust", "Scheme of delegation", "Missing", "", "", "", "",
            "No policy is tagged as meeting it."] in rows
    assert {row[0] for row in rows} == {"Test Learning Trust", "North Primary", "South Academy"}


def test_csv_rows_match_the_page_exactly_with_the_same_filters(filled, signed_in):
    client = signed_in(filled.world.governance)
    for query in ("", "?school=north", "?status=missing", "?school=south&status=met"):
        page = _page_rows(client.get(CHECKLIST + query).content.decode())
        response = client.get(CSV + query)
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        rows = _csv_rows(response)
        assert rows[0] == ["School", "Statutory item", "Status", "Policy", "Approved by", "Approved on", "Review by",
                           "Notes"]
        assert rows[1:] == page, query


def test_filter_to_one_school_and_one_status(filled, signed_in):
    client = signed_in(filled.world.governance)
    rows = _page_rows(client.get(CHECKLIST + "?school=north&status=missing").content.decode())
    assert rows == [["North Primary", "Behaviour policy", "Missing", "", "", "", "",
                     "No policy is tagged as meeting it."]]


def test_school_governance_lead_sees_only_their_school(filled, signed_in):
    lead = PersonFactory(email="gov.north@school.example", schools=[filled.world.north])
    RoleFactory(person=lead, role=Role.GOVERNANCE_LEAD, organisation=filled.world.north)
    client = signed_in(lead)
    assert {row[0] for row in _page_rows(client.get(CHECKLIST).content.decode())} == {"North Primary"}
    # Asking for another school by its slug shows only what they may see.
    assert {row[0] for row in _page_rows(client.get(CHECKLIST + "?school=south").content.decode())} == \
        {"North Primary"}
    assert {row[0] for row in _csv_rows(client.get(CSV + "?school=south"))[1:]} == {"North Primary"}


def test_trustees_and_trust_hr_see_the_checklist(filled, signed_in, client):
    trustee = PersonFactory(email="trustee@school.example", staff_group=StaffGroup.TRUSTEE,
                            schools=[filled.world.trust])
    board_member = PersonFactory(email="board@school.example", staff_group=StaffGroup.GOVERNOR,
                                 schools=[filled.world.north])
    CommitteeMember.objects.create(committee=filled.board, person=board_member)
    for who in (trustee, board_member, filled.world.trust_hr):
        assert signed_in(who).get(CHECKLIST).status_code == 200, who
        client.logout()


@pytest.mark.parametrize("who", ["staff", "school_hr", "owner", "outsider"])
def test_others_may_not_see_the_checklist_or_its_csv(filled, signed_in, who):
    client = signed_in(getattr(filled.world, who))
    for url in (CHECKLIST, CSV):
        response = client.get(url)
        assert response.status_code == 403
    assert "Only governance leads, trustees and the trust&#x27;s HR" in client.get(CHECKLIST).content.decode()


def test_checklist_query_count_does_not_grow_with_schools_and_policies(filled, signed_in, django_assert_num_queries):
    client = signed_in(filled.world.governance)
    client.get(CHECKLIST)  # sessions, content types: warm

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(CHECKLIST).status_code == 200
        return len(queries)

    few = count()
    for n in range(18):
        school = SchoolFactory(trust=filled.world.trust, school_type="academy")
        approved_policy(school, filled.board, approved_on=datetime.date.today(),
                        next_review_on=datetime.date.today() + datetime.timedelta(days=200),
                        items=[filled.behaviour_item], title=f"Behaviour {n}")
        make_item(f"extra-{n}")
    with django_assert_num_queries(few):
        assert client.get(CHECKLIST).status_code == 200


def test_policy_owner_tags_their_policy_and_the_checklist_counts_it(filled, signed_in):
    policy = approved_policy(filled.world.trust, filled.board, approved_on=datetime.date.today(),
                             next_review_on=datetime.date.today() + datetime.timedelta(days=300),
                             title="Behaviour Policy", slug="behaviour", owner=filled.world.owner)
    client = signed_in(filled.world.owner)
    page = client.get(reverse("statutory:tag_policy", args=[policy.slug])).content.decode()
    assert "Statutory items met by Behaviour Policy" in page
    response = client.post(reverse("statutory:tag_policy", args=[policy.slug]), {"items": ["behaviour"]},
                           follow=True)
    assert TAGS_SAVED in response.content.decode()
    assert list(policy.statutory_items.values_list("key", flat=True)) == ["behaviour"]
    detail = client.get(policy.get_absolute_url()).content.decode()
    assert "Meets:" in detail and "Behaviour policy" in detail


def test_unknown_item_in_a_forged_post_changes_nothing(filled, signed_in):
    client = signed_in(filled.world.governance)
    response = client.post(reverse("statutory:tag_policy", args=["safeguarding"]),
                           {"items": ["behaviour", "not-an-item"]})
    assert response.status_code == 200
    assert UNKNOWN_ITEM in response.content.decode()
    assert list(filled.safeguarding.statutory_items.values_list("key", flat=True)) == ["child-protection"]


def test_another_schools_governance_lead_cannot_tag_its_policy(filled, signed_in):
    south_lead = PersonFactory(email="gov.south@school.example", schools=[filled.world.south])
    RoleFactory(person=south_lead, role=Role.GOVERNANCE_LEAD, organisation=filled.world.south)
    north_policy = approved_policy(filled.world.north, filled.north_lgb, approved_on=datetime.date.today(),
                                   next_review_on=datetime.date.today() + datetime.timedelta(days=300),
                                   title="North behaviour", slug="north-behaviour")
    client = signed_in(south_lead)
    url = reverse("statutory:tag_policy", args=[north_policy.slug])
    assert client.post(url, {"items": ["behaviour"]}).status_code == 403
    assert client.get(url).status_code == 403
    assert not north_policy.statutory_items.exists()


def test_a_get_of_the_tagging_page_changes_nothing(filled, signed_in):
    signed_in(filled.world.governance).get(reverse("statutory:tag_policy", args=["safeguarding"]))
    assert list(filled.safeguarding.statutory_items.values_list("key", flat=True)) == ["child-protection"]


def test_hr_dashboard_shows_a_line_per_school_with_problems(filled, signed_in):
    page = signed_in(filled.world.trust_hr).get("/reports/").content.decode()
    assert "North Primary: 1 statutory policy missing" in page
    assert 'href="/statutory/?school=north"' in page


def test_dashboard_says_all_in_place_when_nothing_is_missing(statutory, signed_in):
    page = signed_in(statutory.world.trust_hr).get("/reports/").content.decode()
    assert "All statutory policies in place" in page


def test_school_hr_dashboard_has_no_statutory_line(filled, signed_in):
    page = signed_in(filled.world.school_hr).get("/reports/").content.decode()
    assert "statutory" not in page.lower()


def test_governance_lead_lands_on_my_policies_and_sees_the_line(filled, signed_in):
    page = signed_in(filled.world.governance).get("/my/").content.decode()
    assert "North Primary: 1 statutory policy missing" in page
    assert "Test Learning Trust: 1 statutory policy missing" in page


def test_staff_see_no_statutory_line_on_my_policies(filled, signed_in):
    page = signed_in(filled.world.staff).get("/my/").content.decode()
    assert "statutory" not in page.lower()


def _checklist_scope_queries(queries) -> list[str]:
    """statutory.permissions.checklist_scope's query: organisations found
    through, among others, a seat on a trust board."""
    return [q["sql"] for q in queries.captured_queries
            if 'FROM "people_organisation"' in q["sql"] and '"policies_committee"' in q["sql"]]


def test_my_policies_asks_nothing_of_the_checklist_for_staff_without_a_role_or_a_seat(filled, signed_in):
    """The menu already knows this person has no governance role and no
    committee seat, so the page does not ask who may see the checklist."""
    with CaptureQueriesContext(connection) as queries:
        assert signed_in(filled.world.staff).get("/my/").status_code == 200
    assert not _checklist_scope_queries(queries)
    with CaptureQueriesContext(connection) as queries:
        signed_in(filled.world.governance).get("/my/")
    assert _checklist_scope_queries(queries)


def test_a_trust_board_member_without_a_role_sees_the_line_on_my_policies(filled, signed_in):
    member = PersonFactory(schools=[filled.world.north], staff_group=StaffGroup.SUPPORT)
    CommitteeMember.objects.create(committee=filled.board, person=member, role=CommitteeMember.Role.MEMBER)
    page = signed_in(member).get("/my/").content.decode()
    assert "Test Learning Trust: 1 statutory policy missing" in page


def test_tagging_page_links_to_the_checklist_only_for_those_who_may_open_it(filled, signed_in, client):
    policy = approved_policy(filled.world.trust, filled.board, approved_on=datetime.date.today(),
                             next_review_on=datetime.date.today() + datetime.timedelta(days=300),
                             title="IT Policy", slug="it", owner=filled.world.owner)
    url = reverse("statutory:tag_policy", args=[policy.slug])
    assert 'href="/statutory/"' not in signed_in(filled.world.owner).get(url).content.decode()
    client.logout()
    assert 'href="/statutory/"' in signed_in(filled.world.governance).get(url).content.decode()
