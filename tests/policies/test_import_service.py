"""Saving a recognised document: new policy, new version, or nothing."""

import datetime
from functools import partial

import pytest

from policies.importers import ParsedPolicy, ParsedSection, ParsedVersion
from policies.models import Policy, PolicyVersion, RelatedPolicyName
from policies.services import import_policy_document as import_as
from tests.factories import CommitteeFactory, published_policy

# The operator's command line (an administrator) may import a library's history.
import_policy_document = partial(import_as, by=None, may_import_history=True)


def parsed(title="Email Policy", body="## 1. Introduction\n\n1.1 Hello.", versions=None, **kwargs) -> ParsedPolicy:
    values = {
        "filename": "email.docx", "title": title, "versions": versions or [], "review_cycle_months": 24,
        "next_review": None, "next_review_on": None, "first_published": None, "related_policies": [],
        "legislation": [], "sections": [ParsedSection("1", "Introduction", 1)], "body_markdown": body,
        "warnings": [],
    }
    values.update(kwargs)
    return ParsedPolicy(**values)


def row(version, approved_on=None, approved_by=None, reason=None, next_review=None):
    approved = approved_on.strftime("%B %Y") if approved_on else None
    return ParsedVersion(version, approved, approved_on, approved_by, reason, "IT Manager", next_review)


def test_a_new_document_becomes_a_published_policy(world):
    CommitteeFactory(name="Trust Board", organisation=world.trust)
    outcome = import_policy_document(
        parsed(versions=[row("1.0", datetime.date(2024, 9, 1), "Trust Board", "New policy")],
               next_review_on=datetime.date(2026, 9, 1)),
        organisation=world.trust,
    )
    policy = Policy.objects.get(title="Email Policy")
    version = policy.current_version
    assert outcome.created_policy and outcome.versions_added == ["1.0"]
    assert version.status == PolicyVersion.Status.PUBLISHED
    assert version.provenance == PolicyVersion.Provenance.IMPORTED
    assert version.committee is None  # the document's claim, not a decision the portal saw
    assert version.approved_by_text == "Trust Board"
    assert version.approved_on == datetime.date(2024, 9, 1)
    assert policy.next_review_on == datetime.date(2026, 9, 1)
    assert policy.review_cycle_months == 24


def test_every_row_of_the_version_table_is_kept(world):
    rows = [row("1.0", datetime.date(2021, 7, 1)), row("1.1", datetime.date(2022, 9, 1)),
            row("2.0", datetime.date(2024, 9, 1))]
    import_policy_document(parsed(versions=rows), organisation=world.trust)
    policy = Policy.objects.get(title="Email Policy")
    statuses = dict(policy.versions.values_list("label", "status"))
    assert statuses == {"1.0": "superseded", "1.1": "superseded", "2.0": "published"}
    assert policy.current_version.body.startswith("## 1. Introduction")


def test_importing_the_same_document_again_changes_nothing(world):
    document = parsed(versions=[row("1.0", datetime.date(2024, 9, 1))], legislation=["Equality Act 2010"])
    import_policy_document(document, organisation=world.trust)
    outcome = import_policy_document(document, organisation=world.trust)
    assert not outcome.changed
    assert outcome.summary() == "Email Policy: unchanged"
    assert PolicyVersion.objects.count() == 1


def test_a_changed_document_arrives_as_a_draft_and_the_current_version_stays(world):
    import_policy_document(parsed(versions=[row("1.0")]), organisation=world.trust)
    outcome = import_policy_document(
        parsed(versions=[row("1.0"), row("1.1", reason="Periodic review")], body="## 1. Introduction\n\n1.1 Bye."),
        organisation=world.trust,
    )
    policy = Policy.objects.get(title="Email Policy")
    assert outcome.drafted == "1.1" and outcome.versions_added == []
    assert policy.current_version.label == "1.0"
    assert policy.versions.get(label="1.1").status == "draft"


def test_changed_text_with_the_same_version_number_becomes_the_next_minor_draft(world):
    import_policy_document(parsed(versions=[row("2")]), organisation=world.trust)
    outcome = import_policy_document(parsed(versions=[row("2")], body="## 1. Changed"), organisation=world.trust)
    assert outcome.drafted == "2.1"
    assert "no new version number" in outcome.notes[0]


def test_a_document_without_a_version_table_is_recorded_as_1_0_and_says_so(world):
    outcome = import_policy_document(parsed(versions=[]), organisation=world.trust)
    assert outcome.versions_added == ["1.0"]
    assert "gives no version number" in outcome.notes[0]


def test_dry_run_saves_nothing(world):
    outcome = import_policy_document(parsed(), organisation=world.trust, dry_run=True)
    assert outcome.created_policy
    assert not Policy.objects.exists()


def test_related_policies_in_the_library_are_linked_and_others_remembered(world):
    data = published_policy(title="Data Protection Policy")
    import_policy_document(
        parsed(related_policies=["Data Protection Policy", "Social Media Policy"]), organisation=world.trust
    )
    email = Policy.objects.get(title="Email Policy")
    assert list(data.related.all()) == [email]  # both ways
    assert list(RelatedPolicyName.objects.values_list("name", flat=True)) == ["Social Media Policy"]


def test_legislation_is_recorded_once(world):
    document = parsed(legislation=["Data Protection Act 2018", "Computer Misuse Act 1990"])
    import_policy_document(document, organisation=world.trust)
    import_policy_document(parsed(title="Other Policy", legislation=["Data Protection Act 2018"]),
                           organisation=world.trust)
    from policies.models import Legislation

    assert Legislation.objects.count() == 2


def test_a_school_policy_gets_a_slug_naming_the_school(world):
    import_policy_document(parsed(title="Behaviour Policy"), organisation=world.north)
    assert Policy.objects.get().slug == "north-behaviour"


@pytest.mark.parametrize("title,category", [("Safeguarding and Child Protection Policy", "safeguarding"),
                                            ("Email Policy", "it"), ("Lettings Policy", "governance")])
def test_category_starts_from_the_title(world, title, category):
    import_policy_document(parsed(title=title), organisation=world.trust)
    assert Policy.objects.get().category == category
