"""Importing records history as history: a document's own version table
never publishes a version or names a committee's decision (issue 13,
finding 2)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from acknowledgements.models import Obligation
from documents.rendering import policy_document
from imports.models import ImportItem
from policies.models import Policy, PolicyVersion
from policies.services import IMPORTED_DRAFT_REASON, IMPORTED_HISTORY_REASON, NOTE_DRAFT
from tests.factories import CommitteeFactory, published_policy, sign_off_rule
from tests.imports.correcting import form_data

IMPORTED_LABEL = "imported — approval as stated in the document"


def email_policy_document(*rows: str, body: str = "1.1 Staff may forward work email to any address.") -> bytes:
    table = "\n".join(f"| {row} | Head of IT |" for row in rows)
    return (
        "# Email Policy\n\n"
        "| Version | Date approved | Reason for revision | Author |\n|---|---|---|---|\n"
        f"{table}\n\n## 1. Introduction\n\n{body}\n"
    ).encode()


ATTACK = email_policy_document(
    "1.0 | 01/09/2024 (Trust Board) | New policy",
    "3.0 | 15/11/2026 (Trust Board) | Staff may forward work email anywhere",
)


def open_the_form(client, data: bytes, organisation) -> str:
    """Upload one document and open its correction form."""
    response = client.post(reverse("imports:upload"), {
        "document": SimpleUploadedFile("email.md", data), "organisation": organisation.pk,
    })
    return client.get(response.url).content.decode()


def import_through_the_page(client, data: bytes, organisation) -> str:
    """Upload, then import from the correction form with nothing changed, as a person does."""
    open_the_form(client, data, organisation)
    item = ImportItem.objects.latest("pk")
    return client.post(reverse("imports:item", args=[item.pk]), form_data(item), follow=True).content.decode()


@pytest.fixture
def email_policy(world):
    """The library's Email Policy, version 1.0 published, owned by the Head of
    IT, with staff owing its sign-off."""
    CommitteeFactory(name="Trust Board", organisation=world.trust)
    policy = published_policy(title="Email Policy", owner=world.owner, organisation=world.trust)
    sign_off_rule(policy)
    return policy


def test_owner_importing_a_newer_version_gets_a_draft_not_a_publication(world, signed_in, email_policy):
    obligations = set(Obligation.objects.values_list("pk", "version_id"))
    assert obligations  # staff owe version 1.0
    page = import_through_the_page(signed_in(world.owner), ATTACK, world.trust)

    email_policy.refresh_from_db()
    imported = email_policy.versions.get(label="3.0")
    assert email_policy.current_version.label == "1.0"  # the real current version stays current
    assert imported.status == PolicyVersion.Status.DRAFT
    assert imported.committee is None and imported.approved_on is None and not imported.approved_by_text
    assert set(Obligation.objects.values_list("pk", "version_id")) == obligations  # nobody owes the forged text
    assert "Email Policy: draft 3.0 for approval" in page


def test_owner_sees_before_confirming_that_the_newer_version_will_be_a_draft(world, signed_in, email_policy):
    preview = open_the_form(signed_in(world.owner), ATTACK, world.trust)
    assert escape(NOTE_DRAFT.format(label="3.0")) in preview


def test_owner_importing_a_first_version_gets_a_draft_and_the_timeline_says_so(world, signed_in):
    published_policy(title="Phones Policy", owner=world.owner)  # owning one policy lets him import
    client = signed_in(world.owner)
    import_through_the_page(client, ATTACK, world.trust)

    policy = Policy.objects.get(title="Email Policy")
    assert policy.current_version is None
    assert list(policy.versions.values_list("label", "status")) == [("3.0", "draft")]  # no forged history rows
    page = client.get(policy.get_absolute_url()).content.decode()
    assert IMPORTED_DRAFT_REASON.format(who="Owen Owner") in page


def test_governance_lead_first_import_publishes_history_marked_imported(world, signed_in):
    CommitteeFactory(name="Trust Board", organisation=world.trust)
    client = signed_in(world.governance)
    import_through_the_page(client, ATTACK, world.trust)

    policy = Policy.objects.get(title="Email Policy")
    current = policy.current_version
    assert current.label == "3.0" and current.status == PolicyVersion.Status.PUBLISHED
    assert {v.provenance for v in policy.versions.all()} == {PolicyVersion.Provenance.IMPORTED}
    assert current.committee is None  # the document's words, not the portal's Trust Board
    assert current.approved_by_text == "Trust Board"
    page = client.get(policy.get_absolute_url()).content.decode()
    assert page.count(IMPORTED_LABEL) == 2  # both rows of the version table
    assert IMPORTED_HISTORY_REASON.format(who="Grace Gov") in page


def test_governance_lead_import_into_a_held_policy_keeps_older_rows_and_drafts_the_newer(
    world, signed_in, email_policy
):
    document = email_policy_document("0.9 | 01/09/2020 (Trust Board) | First draft",
                                     "3.0 | 15/11/2026 (Trust Board) | Review")
    import_through_the_page(signed_in(world.governance), document, world.trust)

    email_policy.refresh_from_db()
    statuses = dict(email_policy.versions.values_list("label", "status"))
    assert statuses == {"0.9": "superseded", "1.0": "published", "3.0": "draft"}
    assert email_policy.versions.get(label="0.9").provenance == PolicyVersion.Provenance.IMPORTED


def test_the_pdf_version_table_marks_imported_rows(world, signed_in):
    import_through_the_page(signed_in(world.governance), ATTACK, world.trust)
    version = Policy.objects.get(title="Email Policy").current_version

    html = render_to_string("documents/policy.html", policy_document(version).context)
    assert html.count(IMPORTED_LABEL) == 3  # the cover's approval line and both table rows


def test_a_version_approved_in_the_portal_is_not_marked_imported(world, signed_in, email_policy):
    page = signed_in(world.staff).get(email_policy.get_absolute_url()).content.decode()
    assert IMPORTED_LABEL not in page
