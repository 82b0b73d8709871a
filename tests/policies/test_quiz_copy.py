"""A new draft, started on its page or imported, carries the current
version's check of understanding for the owner to edit with the text."""

from __future__ import annotations

from approvals import services as approvals
from policies.importers import ParsedPolicy, ParsedSection
from policies.models import Policy, PolicyVersion
from policies.services import import_policy_document, publish_version
from tests.factories import PolicyFactory, VersionFactory

BODY = "## 1. Introduction\n\n1.1 Hello."
QUIZ = [{"question": "Q?", "options": ["A", "B"], "answer": 1, "section": "1. Introduction"}]


def policy_with_quiz(world) -> Policy:
    policy = PolicyFactory(organisation=world.trust, owner=world.owner, title="Email Policy")
    publish_version(VersionFactory(policy=policy, body=BODY, quiz=QUIZ))
    policy.refresh_from_db()
    return policy


def parsed(body: str) -> ParsedPolicy:
    return ParsedPolicy(
        filename="email.docx", title="Email Policy", versions=[], review_cycle_months=24, next_review=None,
        next_review_on=None, first_published=None, related_policies=[], legislation=[],
        sections=[ParsedSection("1", "Introduction", 1)], body_markdown=body, warnings=[])


def test_a_new_draft_copies_the_current_versions_quiz(world):
    policy = policy_with_quiz(world)
    draft = approvals.start_draft(policy, by=world.owner)
    assert draft.quiz == QUIZ


def test_an_imported_newer_text_arrives_as_a_draft_with_the_quiz(world):
    policy = policy_with_quiz(world)
    import_policy_document(parsed(BODY + "\n1.2 A new clause."), organisation=world.trust, by=None,
                           may_import_history=True)
    draft = policy.versions.get(status=PolicyVersion.Status.DRAFT)
    assert draft.quiz == QUIZ


def test_importing_the_same_text_again_is_not_a_new_draft_because_of_the_quiz(world):
    policy = policy_with_quiz(world)
    import_policy_document(parsed(BODY), organisation=world.trust, by=None, may_import_history=True)
    assert not policy.versions.filter(status=PolicyVersion.Status.DRAFT).exists()
