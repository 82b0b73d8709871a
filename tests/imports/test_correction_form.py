"""The correction form: everything read from a document can be put right
before it is saved, and what cannot be saved is said, not a 500."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from imports.item_forms import (
    LABEL_TOO_LONG,
    LABEL_TWICE,
    LABEL_WITH_SLASH,
    NOBODY_OR_GROUPS,
    OWNER_ELSEWHERE,
    TABLE_TAMPERED,
)
from imports.models import ImportItem
from imports.saving import ALREADY_IMPORTED
from policies.models import Policy, RelatedPolicyName
from tests.factories import PersonFactory, published_policy
from tests.imports.correcting import form_data, read_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(world):
    return read_document(world.trust, world.governance)


@pytest.fixture
def gov(world, signed_in):
    return signed_in(world.governance)


def page_of(gov, item) -> str:
    response = gov.get(reverse("imports:item", args=[item.pk]))
    assert response.status_code == 200
    return response.content.decode()


def post(gov, item, **changes):
    return gov.post(reverse("imports:item", args=[item.pk]), form_data(item, **changes))


def test_the_form_starts_from_what_was_read_with_the_document_beside_it(gov, item, world):
    page = page_of(gov, item)
    assert 'name="title" value="Email Policy"' in page
    assert f'<option value="{world.owner.pk}" selected>Owen Owner (Head of IT)</option>' in page
    assert "The document says: “Head of IT”" in page
    assert '<option value="it" selected>' in page  # the category the title suggests
    assert 'name="versions-1-version" value="2.0"' in page and 'value="2024-09-01"' in page
    assert "Staff use their work email for school business only." in page  # the document's text
    assert "This will add a new policy, “Email Policy”, with versions 1.0, 2.0" in page
    assert not Policy.objects.exists()


def test_what_was_read_with_low_confidence_says_check_this_and_is_described_by_it(gov, item):
    item.parsed = {**item.parsed, "uncertain": ["title", "versions.1.approved"]}
    item.save()
    page = page_of(gov, item)
    assert '<p class="check-this" id="check-title"><strong>Check this:</strong>' in page
    assert 'aria-describedby="check-title"' in page
    assert 'aria-describedby="check-versions-1-approved"' in page
    assert "the approval date of this row was hard to read." in page


def test_the_documents_warnings_are_listed_at_the_top(gov, item):
    item.parsed = {**item.parsed, "warnings": ["A table after section 3 could not be read; it was left out."]}
    item.save()
    page = page_of(gov, item)
    assert page.index("A table after section 3 could not be read") < page.index('name="title"')


@pytest.mark.parametrize(("changes", "saved"), [
    ({"title": "Email and Messaging Policy"}, lambda p: p.title == "Email and Messaging Policy"),
    ({"category": "data_protection"}, lambda p: p.category == "data_protection"),
    ({"review_cycle_months": "24"}, lambda p: p.review_cycle_months == 24),
    ({"next_review_on": "2026-09-01"}, lambda p: p.next_review_on.isoformat() == "2026-09-01"),
    ({"legislation": "Data Protection Act 2018\nUK GDPR"},
     lambda p: sorted(p.legislation.values_list("name", flat=True)) == ["Data Protection Act 2018", "UK GDPR"]),
    ({"related_policies": "Acceptable Use Policy\nSocial Media Policy"},
     lambda p: sorted(RelatedPolicyName.objects.filter(policy=p).values_list("name", flat=True))
     == ["Acceptable Use Policy", "Social Media Policy"]),
    ({"owner": ""}, lambda p: p.owner is None),
    ({"versions-1-approved_on": "2024-10-15"}, lambda p: p.current_version.approved_on.isoformat() == "2024-10-15"),
    ({"versions-1-reason": "Rewritten for the new email system"},
     lambda p: p.current_version.reason == "Rewritten for the new email system"),
    ({"versions-0-DELETE": "on"}, lambda p: list(p.versions.values_list("label", flat=True)) == ["2.0"]),
    ({"versions-2-version": "0.9", "versions-2-approved_on": "2022-09-01"},
     lambda p: sorted(p.versions.values_list("label", flat=True)) == ["0.9", "1.0", "2.0"]),
], ids=["title", "category", "review cycle", "next review", "legislation", "related policies", "owner",
        "version approved date", "version reason", "remove a row", "add a row"])
def test_each_correction_is_what_is_saved(gov, item, changes, saved):
    response = post(gov, item, **changes)
    assert response.status_code == 302
    policy = Policy.objects.get()
    assert response.url == policy.get_absolute_url()
    assert saved(policy)


def test_the_owner_can_be_another_person_of_the_trust(gov, item, world):
    head = PersonFactory(first_name="Dee", last_name="Head", job_title="Headteacher", schools=[world.north])
    post(gov, item, owner=head.pk)
    assert Policy.objects.get().owner == head


def test_the_policy_can_go_to_one_of_the_trusts_schools(gov, item, world):
    post(gov, item, organisation=world.north.pk, owner="")
    assert Policy.objects.get().organisation == world.north


def refused(response, message: str, typed: str) -> None:
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert escape(message) in page
    assert typed in page  # nothing typed is lost
    assert not Policy.objects.exists()


def test_an_owner_outside_the_school_is_a_form_error(gov, item, world):
    elsewhere = PersonFactory(first_name="Sol", last_name="South", schools=[world.south])
    response = post(gov, item, organisation=world.north.pk, owner=elsewhere.pk, title="Typed Title")
    refused(response, OWNER_ELSEWHERE.format(organisation="North Primary"), 'value="Typed Title"')


def test_a_version_label_over_twenty_characters_is_a_form_error(gov, item):
    response = post(gov, item, **{"versions-1-version": "2.0 approved by the board"}, title="Typed Title")
    refused(response, LABEL_TOO_LONG, 'value="Typed Title"')


def test_a_version_label_with_a_slash_is_a_form_error(gov, item):
    response = post(gov, item, **{"versions-1-version": "2024/25"})
    refused(response, LABEL_WITH_SLASH, 'value="2024/25"')


def test_two_rows_with_one_label_are_a_form_error(gov, item):
    response = post(gov, item, **{"versions-1-version": "1.0", "versions-1-reason": "Typed reason"})
    refused(response, LABEL_TWICE.format(label="1.0"), 'value="Typed reason"')


def test_a_malformed_date_is_a_form_error(gov, item):
    response = post(gov, item, **{"versions-1-approved_on": "31/02/2024"}, next_review_on="next spring")
    refused(response, "Enter a valid date.", 'value="next spring"')


def test_who_must_sign_must_be_said(gov, item):
    response = post(gov, item, staff_groups=[], title="Typed Title")
    refused(response, NOBODY_OR_GROUPS, 'value="Typed Title"')


def test_a_forged_version_table_is_a_form_error(gov, item):
    response = post(gov, item, **{"versions-1-source": "0"})
    refused(response, TABLE_TAMPERED, 'value="2.0"')


def test_a_forged_organisation_is_a_form_error(world, signed_in):
    nia = PersonFactory(first_name="Nia", last_name="North", schools=[world.north])
    published_policy(title="North Behaviour Policy", organisation=world.north, owner=nia)
    item = read_document(world.north, nia)
    response = signed_in(nia).post(reverse("imports:item", args=[item.pk]),
                                   form_data(item, organisation=world.south.pk))
    assert "Select a valid choice" in response.content.decode()
    assert not Policy.objects.filter(organisation=world.south).exists()


def test_a_policy_owner_imports_as_owner_of_the_draft(world, signed_in):
    published_policy(title="Phones Policy", owner=world.owner)
    item = read_document(world.trust, world.owner)
    client = signed_in(world.owner)
    page = client.get(reverse("imports:item", args=[item.pk])).content.decode()
    assert 'name="owner"' not in page
    assert "You: a policy you import arrives as a draft, yours to send for approval." in page
    client.post(reverse("imports:item", args=[item.pk]), form_data(item))
    assert Policy.objects.get(title="Email Policy").owner == world.owner


def test_save_and_mark_ready_keeps_the_corrections_for_a_reload(gov, item):
    item.state = ImportItem.State.NEEDS_LOOK
    item.save()
    response = post(gov, item, title="Email and Messaging Policy", action="save")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == ImportItem.State.READY
    assert not Policy.objects.exists()
    page = page_of(gov, item)
    assert 'name="title" value="Email and Messaging Policy"' in page
    assert "This will add a new policy, “Email and Messaging Policy”" in page


def test_checking_shows_what_the_corrections_would_save_and_saves_nothing(gov, item):
    response = post(gov, item, title="Email and Messaging Policy", action="check")
    assert "This will add a new policy, “Email and Messaging Policy”" in response.content.decode()
    item.refresh_from_db()
    assert item.corrections == {}
    assert not Policy.objects.exists()


def test_an_imported_item_is_not_imported_twice_and_links_to_its_policy(gov, item):
    post(gov, item)
    policy = Policy.objects.get()
    response = gov.post(reverse("imports:item", args=[item.pk]), form_data(item, title="Another"), follow=True)
    page = response.content.decode()
    assert ALREADY_IMPORTED.format(file="email.md") in page
    assert f'href="{policy.get_absolute_url()}"' in page
    assert list(Policy.objects.values_list("title", flat=True)) == ["Email Policy"]


def version_table(rows: int) -> bytes:
    lines = "\n".join(f"| {n}.0 | 01/09/{2000 + n} (Trust Board) | Review {n} | Head of IT |"
                      for n in range(1, rows + 1))
    header = "| Version | Date approved | Reason for revision | Author |\n|---|---|---|---|"
    return f"# Email Policy\n\n{header}\n{lines}\n\n## 1. Introduction\n\n1.1 Text.\n".encode()


def test_the_page_reads_the_same_few_queries_however_long_the_table_and_the_staff_list(
    gov, world, django_assert_max_num_queries
):
    short = read_document(world.trust, world.governance, version_table(2), "short.md")
    with django_assert_max_num_queries(35) as few:
        page_of(gov, short)
    long = read_document(world.trust, world.governance, version_table(12), "long.md")
    for n in range(15):
        PersonFactory(first_name=f"Extra{n}", schools=[world.north if n % 2 else world.trust])
    with django_assert_max_num_queries(len(few.captured_queries)):
        page_of(gov, long)
