"""The version lifecycle as a state machine: legal steps, refused steps."""

import datetime
import re

import pytest
from django.core import mail

from acknowledgements.models import Obligation
from approvals import services
from approvals.models import Decision, Submission
from policies.models import ImmutableVersionError, PolicyVersion
from tests.approvals.conftest import BODY
from tests.factories import view_and_sign


def draft_of(policy, owner, *, major=False, body=None, reason="Periodic review"):
    draft = services.start_draft(policy, by=owner, is_major=major)
    return services.save_draft(draft, body=body or BODY + "\n\n2.2 Never click unknown links.", reason=reason,
                               is_major=major, review_cycle_months=24, audiences=["teaching"])


def test_a_draft_starts_from_the_current_text_with_the_next_minor_label(world, email_policy):
    draft = services.start_draft(email_policy, by=world.owner)
    assert (draft.label, draft.status, draft.body) == ("1.1", "draft", BODY)


def test_a_major_draft_takes_the_next_major_label(world, email_policy):
    assert services.start_draft(email_policy, by=world.owner, is_major=True).label == "2.0"


def test_marking_a_draft_major_relabels_it(world, email_policy):
    draft = draft_of(email_policy, world.owner)
    draft = services.save_draft(draft, body=draft.body, reason="x", is_major=True, review_cycle_months=24,
                                audiences=[])
    assert draft.label == "2.0"


def test_only_one_open_draft_per_policy(world, email_policy):
    services.start_draft(email_policy, by=world.owner)
    with pytest.raises(services.IllegalTransition, match="There is already an open draft \\(version 1.1\\)"):
        services.start_draft(email_policy, by=world.governance)


def test_a_draft_needs_a_reason_before_it_is_submitted(world, email_policy, board):
    draft = draft_of(email_policy, world.owner, reason="")
    with pytest.raises(services.IllegalTransition, match=services.NOTHING_TO_SUBMIT):
        services.submit_draft(draft, committee=board, by=world.owner.user)


def test_a_submitted_draft_cannot_be_edited(world, email_policy, board):
    draft = draft_of(email_policy, world.owner)
    services.submit_draft(draft, committee=board, by=world.owner.user)
    with pytest.raises(services.IllegalTransition, match="Version 1.1 is awaiting approval, so it cannot be edited."):
        services.save_draft(draft, body="x", reason="y", is_major=False, review_cycle_months=None, audiences=[])


def test_quorum_of_approvals_approves_and_publishes(world, email_policy, board, django_capture_on_commit_callbacks):
    draft = draft_of(email_policy, world.owner)
    submission = services.submit_draft(draft, committee=board, by=world.owner.user)
    services.record_vote(submission, member=board.trustees[0], decision=Decision.APPROVE)
    draft.refresh_from_db()
    assert draft.status == PolicyVersion.Status.AWAITING_APPROVAL  # one of two
    with django_capture_on_commit_callbacks(execute=True):
        services.record_vote(submission, member=board.trustees[1], decision=Decision.APPROVE, comment="Clear.")
    draft.refresh_from_db()
    email_policy.refresh_from_db()
    assert draft.status == PolicyVersion.Status.PUBLISHED
    assert email_policy.current_version == draft
    assert draft.committee == board
    assert draft.approved_on == datetime.date.today()
    assert draft.next_review_on == services.add_months(datetime.date.today(), 24)
    assert email_policy.versions.get(label="1.0").status == "superseded"
    assert [m.to for m in mail.outbox] == [["head.it@school.example"]]


def test_a_member_cannot_vote_twice(world, email_policy, board):
    submission = services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.owner.user)
    services.record_vote(submission, member=board.trustees[0], decision=Decision.APPROVE)
    with pytest.raises(services.IllegalTransition, match=services.ALREADY_VOTED):
        services.record_vote(submission, member=board.trustees[0], decision=Decision.APPROVE)


def test_only_members_decide(world, email_policy, board):
    submission = services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.owner.user)
    with pytest.raises(services.IllegalTransition, match="Only members of the Trust Board can decide"):
        services.record_vote(submission, member=world.staff, decision=Decision.APPROVE)


def test_request_changes_returns_the_draft_to_its_owner(world, email_policy, board):
    draft = draft_of(email_policy, world.owner)
    submission = services.submit_draft(draft, committee=board, by=world.owner.user)
    services.record_vote(submission, member=board.trustees[0], decision=Decision.REQUEST_CHANGES,
                         comment="Add a section on AI tools.")
    draft.refresh_from_db()
    submission.refresh_from_db()
    assert draft.status == PolicyVersion.Status.DRAFT
    assert submission.status == Submission.Status.CHANGES_REQUESTED
    resubmitted = services.submit_draft(draft, committee=board, by=world.owner.user)
    assert resubmitted.status == Submission.Status.AWAITING


def test_request_changes_needs_a_comment(world, email_policy, board):
    submission = services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.owner.user)
    with pytest.raises(services.IllegalTransition, match=re.escape(services.COMMENT_NEEDED)):
        services.record_vote(submission, member=board.trustees[0], decision=Decision.REQUEST_CHANGES)


def test_rejection_closes_the_draft_and_frees_the_policy_for_a_new_one(world, email_policy, board):
    draft = draft_of(email_policy, world.owner)
    submission = services.submit_draft(draft, committee=board, by=world.owner.user)
    services.record_vote(submission, member=board.trustees[0], decision=Decision.REJECT, comment="Not needed.")
    draft.refresh_from_db()
    assert draft.status == PolicyVersion.Status.REJECTED
    assert services.start_draft(email_policy, by=world.owner).label == "1.2"


def test_a_decided_submission_cannot_be_decided_again(world, email_policy, board):
    submission = services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.owner.user)
    services.record_vote(submission, member=board.trustees[0], decision=Decision.REJECT, comment="No.")
    with pytest.raises(services.IllegalTransition, match=services.ALREADY_DECIDED):
        services.record_vote(submission, member=board.trustees[1], decision=Decision.APPROVE)


def test_the_clerk_records_a_meetings_decision(world, email_policy, igg):
    draft = draft_of(email_policy, world.owner)
    submission = services.submit_draft(draft, committee=igg, by=world.owner.user)
    # The meeting was three days after the draft was sent; the clerk records it a week after.
    meeting = datetime.date.today() + datetime.timedelta(days=3)
    services.record_meeting_decision(submission, clerk=igg.clerk, decision=Decision.APPROVE, meeting_date=meeting,
                                     minute_reference="IGG/26/14", today=meeting + datetime.timedelta(days=4))
    draft.refresh_from_db()
    submission.refresh_from_db()
    assert (draft.status, draft.approved_on, draft.committee) == ("published", meeting, igg)
    assert submission.minute_reference == "IGG/26/14"


def test_members_cannot_vote_where_the_clerk_records(world, email_policy, igg):
    submission = services.submit_draft(draft_of(email_policy, world.owner), committee=igg, by=world.owner.user)
    with pytest.raises(services.IllegalTransition, match="decides in its meetings"):
        services.record_vote(submission, member=igg.clerk, decision=Decision.APPROVE)


def test_only_the_clerk_records_the_meeting(world, email_policy, igg):
    submission = services.submit_draft(draft_of(email_policy, world.owner), committee=igg, by=world.owner.user)
    with pytest.raises(services.IllegalTransition, match="Only the clerk"):
        services.record_meeting_decision(submission, clerk=world.owner, decision=Decision.APPROVE,
                                         meeting_date=datetime.date(2026, 11, 12), minute_reference="1")


def test_an_approved_version_with_a_future_effective_date_waits_to_be_published(world, email_policy, igg):
    draft = services.start_draft(email_policy, by=world.owner)
    later = datetime.date.today() + datetime.timedelta(days=10)
    services.save_draft(draft, body=BODY + "\n\nx", reason="r", is_major=False, review_cycle_months=24, audiences=[],
                        effective_on=later)
    submission = services.submit_draft(draft, committee=igg, by=world.owner.user)
    services.record_meeting_decision(submission, clerk=igg.clerk, decision=Decision.APPROVE,
                                     meeting_date=datetime.date.today(), minute_reference="5")
    draft.refresh_from_db()
    assert draft.status == PolicyVersion.Status.APPROVED
    assert services.publish_due_versions(today=later - datetime.timedelta(days=1)) == []
    assert services.publish_due_versions(today=later) == [draft]
    draft.refresh_from_db()
    assert draft.status == PolicyVersion.Status.PUBLISHED


def test_an_approved_version_cannot_be_changed(world, email_policy, igg):
    draft = draft_of(email_policy, world.owner)
    submission = services.submit_draft(draft, committee=igg, by=world.owner.user)
    services.record_meeting_decision(submission, clerk=igg.clerk, decision=Decision.APPROVE,
                                     meeting_date=datetime.date.today(), minute_reference="5")
    draft.refresh_from_db()
    draft.body = "tampered"
    with pytest.raises(ImmutableVersionError):
        draft.save()
    with pytest.raises(services.IllegalTransition):
        services.save_draft(draft, body="x", reason="y", is_major=False, review_cycle_months=None, audiences=[])


def test_publishing_a_major_version_makes_signers_owe_it_and_a_minor_does_not(world, email_policy, igg):
    view_and_sign(person=world.staff, version=email_policy.current_version)

    def approve(draft):
        submission = services.submit_draft(draft, committee=igg, by=world.owner.user)
        services.record_meeting_decision(submission, clerk=igg.clerk, decision=Decision.APPROVE,
                                         meeting_date=datetime.date.today(), minute_reference="1")

    approve(draft_of(email_policy, world.owner, major=False))
    assert not Obligation.objects.filter(person=world.staff, status="outstanding").exists()
    approve(draft_of(email_policy, world.owner, major=True, body=BODY + "\n\n## 3. AI tools\n\n3.1 New."))
    owed = Obligation.objects.get(person=world.staff, status="outstanding")
    assert (owed.version.label, owed.reason) == ("2.0", "new_version")


def test_committee_members_are_emailed_when_a_draft_awaits_them(world, email_policy, board,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.owner.user)
    assert sorted(m.to[0] for m in mail.outbox) == ["tara@board.example", "tess@board.example", "tom@board.example"]
    assert "For approval: Email Policy, version 1.1" in mail.outbox[0].subject


def test_no_email_is_sent_if_the_transaction_rolls_back(world, email_policy, board, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.owner.user)
                raise RuntimeError("boom")
        except RuntimeError:
            pass
    assert callbacks == []
    assert mail.outbox == []


def test_publish_due_versions_command_is_safe_to_run_twice(world, email_policy, igg):
    import io

    from django.core.management import call_command

    draft = services.start_draft(email_policy, by=world.owner)
    services.save_draft(draft, body=BODY + "\n\nx", reason="r", is_major=False, review_cycle_months=24, audiences=[],
                        effective_on=datetime.date.today() + datetime.timedelta(days=1))
    submission = services.submit_draft(draft, committee=igg, by=world.owner.user)
    services.record_meeting_decision(submission, clerk=igg.clerk, decision=Decision.APPROVE,
                                     meeting_date=datetime.date.today(), minute_reference="5")
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    out = io.StringIO()
    call_command("publish_due_versions", "--today", tomorrow, stdout=out)
    call_command("publish_due_versions", "--today", tomorrow, stdout=out)
    assert out.getvalue().splitlines() == ["published Email Policy 1.1", "published: 1", "published: 0"]
