"""The adoption pages: who may open them, what a forged POST does, and the
list's query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from adoptions import services, views
from adoptions.models import Adoption, LocalContact, LocalSection
from approvals.models import Submission
from tests.factories import published_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def prepared(world, trust_policy, school):
    return services.start_adoption(school=world.north, policy=trust_policy, by=school.lead.user)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_list_shows_each_school_s_policies_and_where_it_stands(world, trust_policy, school, signed_in):
    page = signed_in(world.governance).get("/adoptions/").content.decode()
    assert "North Primary" in page and "South Academy" in page
    assert page.count("Not adopted") == 2


def test_a_school_s_governance_lead_sees_only_their_school(world, trust_policy, school, signed_in):
    page = signed_in(school.lead).get("/adoptions/").content.decode()
    assert "<h2>North Primary</h2>" in page and "South Academy" not in page


def test_staff_are_refused_the_adoptions_page(world, trust_policy, school, signed_in):
    response = signed_in(world.staff).get("/adoptions/")
    assert response.status_code == 403


def test_another_school_s_governance_lead_cannot_find_the_adoption(prepared, school, signed_in):
    client = signed_in(school.south_lead)
    for url in (f"/adoptions/{prepared.pk}/", f"/adoptions/{prepared.pk}/prepare/",
                f"/adoptions/{prepared.pk}/redline/"):
        assert client.get(url).status_code == 404, url
    response = client.post(f"/adoptions/{prepared.pk}/prepare/",
                           {"action": "add_contact", "role": "DSL", "name": "Mallory"})
    assert response.status_code == 404
    assert client.post(f"/adoptions/{prepared.pk}/send/", {"committee": school.lgb.pk}).status_code == 404
    assert not LocalContact.objects.exists()
    assert not Submission.objects.exists()


def test_staff_cannot_read_a_copy_that_is_not_in_force(prepared, world, signed_in):
    assert signed_in(world.staff).get(f"/adoptions/{prepared.pk}/").status_code == 404


def test_starting_for_another_school_is_refused_with_a_message(world, trust_policy, school, signed_in):
    response = signed_in(school.lead).post("/adoptions/start/", {"school": world.south.pk,
                                                                 "policy": trust_policy.pk}, follow=True)
    assert messages_of(response) == [views.NO_SUCH_CHOICE]
    assert not Adoption.objects.exists()


def test_a_missing_policy_is_refused_with_a_message(world, school, signed_in):
    response = signed_in(school.lead).post("/adoptions/start/", {"school": world.north.pk}, follow=True)
    assert messages_of(response) == [views.NO_SUCH_CHOICE]


def test_a_forged_section_name_is_refused_with_a_message(prepared, school, signed_in):
    response = signed_in(school.lead).post(f"/adoptions/{prepared.pk}/prepare/", {
        "action": "add_section", "kind": "replaces", "section": "9. Invented", "body": "Words"}, follow=True)
    assert messages_of(response) == [services.UNKNOWN_SECTION.format(section="9. Invented", label="1.0")]
    assert not LocalSection.objects.exists()


def test_a_section_typed_in_a_browser_is_saved_without_crlf(prepared, school, signed_in):
    signed_in(school.lead).post(f"/adoptions/{prepared.pk}/prepare/", {
        "action": "add_section", "kind": "adds_to", "section": "2. Roles", "body": "Line one  \r\nLine two\r\n"})
    assert LocalSection.objects.get().body == "Line one\nLine two"


def test_removing_another_adoption_s_part_changes_nothing(world, trust_policy, school, prepared, signed_in):
    south = services.start_adoption(school=world.south, policy=trust_policy, by=None)
    theirs = services.add_contact(south, role="DSL", name="Sara South")
    signed_in(school.lead).post(f"/adoptions/{prepared.pk}/prepare/", {"action": "remove_contact",
                                                                      "part": theirs.pk})
    assert LocalContact.objects.filter(pk=theirs.pk).exists()


def test_sending_to_another_school_s_committee_is_refused_with_a_message(prepared, school, signed_in):
    response = signed_in(school.lead).post(f"/adoptions/{prepared.pk}/send/", {"committee": school.south_lgb.pk},
                                           follow=True)
    assert messages_of(response) == [services.WRONG_COMMITTEE.format(committee=school.south_lgb,
                                                                     school=prepared.school)]
    prepared.refresh_from_db()
    assert prepared.status == "draft"


def test_sending_without_a_committee_is_refused_with_a_message(prepared, school, signed_in):
    response = signed_in(school.lead).post(f"/adoptions/{prepared.pk}/send/", {}, follow=True)
    assert messages_of(response) == [views.NO_SUCH_COMMITTEE]


def test_a_get_changes_nothing(world, trust_policy, school, signed_in):
    client = signed_in(school.lead)
    assert client.get("/adoptions/start/", {"school": world.north.pk, "policy": trust_policy.pk}).status_code == 405
    assert not Adoption.objects.exists()


def test_the_committee_page_shows_the_adoption_and_its_local_parts(prepared, school, signed_in):
    services.add_local_section(prepared, kind="replaces", section="3. Reporting concerns", body="Tell Ms Patel.")
    services.send_to_committee(prepared, committee=school.lgb, by=school.lead.user)
    submission = Submission.objects.get(adoption=prepared)
    page = signed_in(school.clerk).get(f"/approvals/{submission.pk}/").content.decode()
    assert "North Primary adopts version 1.0" in page
    assert '<span class="tag">Local to North Primary</span>' in page and "Tell Ms Patel." in page


def _some_policies(world, start: int, end: int) -> None:
    for n in range(start, end):
        policy = published_policy(organisation=world.trust, title=f"Policy {n:02}")
        if n % 2:
            services.start_adoption(school=world.north, policy=policy, by=None)


def test_the_list_s_queries_do_not_grow_with_the_policies(world, school, signed_in, django_assert_num_queries):
    client = signed_in(world.governance)
    _some_policies(world, 0, 2)
    client.get("/adoptions/")  # the session and the login's caches
    with CaptureQueriesContext(connection) as with_two:
        client.get("/adoptions/")
    assert len(with_two) <= 10
    _some_policies(world, 2, 20)
    with django_assert_num_queries(len(with_two)):
        response = client.get("/adoptions/")
    assert response.content.decode().count("Being prepared") == 10
