"""What the submission page and the inbox say about a draft's progress
towards its committee's threshold, and the inbox's queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals import services
from approvals.models import CommitteeMember, Decision
from people.models import StaffGroup
from tests.approvals.conftest import BODY
from tests.factories import CommitteeFactory, PersonFactory, published_policy


def submitted(policy, *, author, committee, by):
    draft = services.start_draft(policy, by=author)
    draft = services.save_draft(draft, body=BODY + "\n\n2.2 Never click unknown links.", reason="Periodic review",
                                is_major=False, review_cycle_months=24, audiences=[])
    return services.submit_draft(draft, committee=committee, by=by.user)


@pytest.fixture
def all_board(world):
    board = CommitteeFactory(name="Trust Board", organisation=world.trust, threshold="all")
    board.trustees = [PersonFactory(first_name=name, last_name="Trustee", staff_group=StaffGroup.TRUSTEE,
                                    email=f"{name.lower()}@board.example", schools=[world.trust])
                      for name in ("Ann", "Ben", "Cat", "Dee")]
    for person in board.trustees:
        CommitteeMember.objects.create(committee=board, person=person)
    CommitteeMember.objects.create(committee=board, person=world.owner)  # the author sits on it too
    return board


def test_the_submission_page_shows_progress_and_who_does_not_vote(world, email_policy, all_board, signed_in):
    submission = submitted(email_policy, author=world.owner, committee=all_board, by=world.governance)
    for member in all_board.trustees[:3]:
        services.record_vote(submission, member=member, decision=Decision.APPROVE)
    page = signed_in(world.governance).get(f"/approvals/{submission.pk}/").content.decode()
    assert "3 of 4 members have approved" in page
    assert "waiting for: Dee Trustee" in page
    assert "Owen Owner wrote this draft and does not vote." in page
    assert "Every member" in page


def test_the_author_on_the_committee_sees_why_they_cannot_vote(world, email_policy, all_board, signed_in):
    submission = submitted(email_policy, author=world.owner, committee=all_board, by=world.governance)
    response = signed_in(world.owner).post(f"/approvals/{submission.pk}/", {"decision": "approve", "comment": ""})
    assert response.status_code == 403
    page = signed_in(world.owner).get(f"/approvals/{submission.pk}/").content.decode()
    assert "You drafted version 1.1, so you cannot vote on it" in page
    assert not submission.votes.exists()


def test_the_m_of_n_page_says_approvals_needed(world, email_policy, board, signed_in):
    submission = submitted(email_policy, author=world.owner, committee=board, by=world.owner)
    services.record_vote(submission, member=board.trustees[0], decision=Decision.APPROVE)
    page = signed_in(board.trustees[1]).get(f"/approvals/{submission.pk}/").content.decode()
    assert "1 of 2 approvals needed" in page
    assert "waiting for: Tom Trustee, Tess Trustee" in page


def test_the_inbox_shows_each_drafts_progress(world, email_policy, all_board, signed_in):
    submission = submitted(email_policy, author=world.owner, committee=all_board, by=world.governance)
    services.record_vote(submission, member=all_board.trustees[0], decision=Decision.APPROVE)
    page = signed_in(all_board.trustees[1]).get("/approvals/").content.decode()
    assert "1 of 4 members have approved; waiting for: Ben Trustee, Cat Trustee, Dee Trustee" in page


def test_the_inbox_queries_do_not_grow_with_the_drafts(world, all_board, signed_in, django_assert_num_queries):
    client = signed_in(all_board.trustees[3])

    def add_drafts(start: int, count: int) -> None:
        for n in range(start, start + count):
            policy = published_policy(title=f"Policy {n}", slug=f"policy-{n}", owner=world.owner,
                                      organisation=world.trust, body=BODY)
            submission = submitted(policy, author=world.owner, committee=all_board, by=world.governance)
            services.record_vote(submission, member=all_board.trustees[n % 3], decision=Decision.APPROVE)

    add_drafts(0, 2)
    client.get("/approvals/")  # warm: the session, content types

    with CaptureQueriesContext(connection) as two:
        assert client.get("/approvals/").content.decode().count("members have approved") == 2
    add_drafts(2, 18)
    with django_assert_num_queries(len(two)):
        assert client.get("/approvals/").content.decode().count("members have approved") == 20
