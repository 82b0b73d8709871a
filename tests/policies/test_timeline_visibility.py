"""The audit timeline shows each entry only to those who may see its
subject: a committee's comments on a draft stay with the committee and the
policy's editors (issue 13, finding 6)."""

import pytest
from django.utils import timezone
from django.utils.html import escape

from approvals.models import Decision, Submission, Vote
from policies.models import PolicyVersion
from tests.factories import PersonFactory, VersionFactory, published_policy

COMMENT = "CONFIDENTIAL: DPO advises the forwarding clause breaks the data protection policy"


@pytest.fixture
def changes_requested(world, igg):
    """Email Policy 2.0 drafted and sent to the IGG, whose clerk asked for
    changes with a confidential comment."""
    policy = published_policy(title="Email Policy", owner=world.owner, organisation=world.trust)
    draft = VersionFactory(policy=policy, label="2.0", status=PolicyVersion.Status.DRAFT,
                           approved_on=None, body="## 1. Draft words")
    submission = Submission.objects.create(version=draft, committee=igg, submitted_by=world.owner.user,
                                           status=Submission.Status.CHANGES_REQUESTED,
                                           decided_at=timezone.now())
    Vote.objects.create(submission=submission, person=igg.clerk, decision=Decision.REQUEST_CHANGES,
                        comment=COMMENT)
    return policy


def timeline_of(client, policy) -> str:
    page = client.get(policy.get_absolute_url()).content.decode()
    return page[page.index("Audit timeline"):]


def test_a_new_starter_never_sees_a_committees_comment_on_a_draft(world, signed_in, changes_requested):
    new_starter = PersonFactory(first_name="Nina", last_name="New", schools=[world.north],
                                start_date=timezone.localdate())
    timeline = timeline_of(signed_in(new_starter), changes_requested)
    assert "CONFIDENTIAL" not in timeline
    assert "submitted to the Information Governance Group" not in timeline
    assert "Version 2.0" not in timeline  # not even that a draft 2.0 exists
    assert "Version 1.0 created" in timeline  # the published version's history stays visible


def test_plain_staff_never_see_a_committees_comment_on_a_draft(world, signed_in, changes_requested):
    assert "CONFIDENTIAL" not in timeline_of(signed_in(world.staff), changes_requested)


def test_a_member_of_the_committee_sees_its_comment(signed_in, changes_requested, igg):
    timeline = timeline_of(signed_in(igg.clerk), changes_requested)
    assert escape(f"Request changes version 2.0: “{COMMENT}”") in timeline


def test_a_member_of_another_committee_does_not_see_it(world, signed_in, changes_requested, board):
    timeline = timeline_of(signed_in(board.trustees[0]), changes_requested)
    assert "CONFIDENTIAL" not in timeline


def test_the_policy_owner_sees_the_comment_on_his_draft(world, signed_in, changes_requested):
    assert escape(COMMENT) in timeline_of(signed_in(world.owner), changes_requested)


def test_staff_see_the_decision_that_approved_a_published_version_but_no_votes(world, signed_in, igg):
    policy = published_policy(title="Email Policy", owner=world.owner, organisation=world.trust)
    submission = Submission.objects.create(version=policy.current_version, committee=igg,
                                           submitted_by=world.owner.user, status=Submission.Status.APPROVED,
                                           decided_at=timezone.now())
    Vote.objects.create(submission=submission, person=igg.clerk, decision=Decision.APPROVE, comment="Minute 4")
    timeline = timeline_of(signed_in(world.staff), policy)
    assert "Decision on version 1.0: Approved" in timeline
    assert "Minute 4" not in timeline


def test_the_timeline_costs_no_more_queries_with_hidden_entries(
    world, signed_in, changes_requested, django_assert_max_num_queries
):
    client = signed_in(world.staff)
    # 21: whether the reader owes this version (a viewing); 22: the statutory items it meets ("Meets:")
    with django_assert_max_num_queries(22) as few:
        client.get(changes_requested.get_absolute_url())
    for n in range(3, 10):
        draft = changes_requested.versions.get(label="2.0")
        Submission.objects.create(version=draft, committee=Submission.objects.first().committee,
                                  submitted_by=world.owner.user, status=Submission.Status.REJECTED,
                                  decided_at=timezone.now(), minute_reference=str(n))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(changes_requested.get_absolute_url())
