"""How many approvals decide a draft: one member, M of N, or every member
who may vote; and members joining or leaving while a draft is open."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape

from approvals import services
from approvals.models import CommitteeMember, Decision
from approvals.permissions import AUTHOR_CANNOT_DECIDE
from people.models import StaffGroup, User
from policies.models import ONE_MEMBER_NEEDS_LEAVE, Committee
from tests.approvals.conftest import BODY
from tests.factories import CommitteeFactory, PersonFactory


def draft_of(policy, author):
    draft = services.start_draft(policy, by=author)
    return services.save_draft(draft, body=BODY + "\n\n2.2 Never click unknown links.", reason="Periodic review",
                               is_major=False, review_cycle_months=24, audiences=[])


def committee_of(world, names, **options):
    committee = CommitteeFactory(name="Trust Board", organisation=world.trust, **options)
    people = [PersonFactory(first_name=name, last_name="Trustee", staff_group=StaffGroup.TRUSTEE,
                            email=f"{name.lower()}@board.example", schools=[world.trust]) for name in names]
    for person in people:
        CommitteeMember.objects.create(committee=committee, person=person)
    return committee, people


def status_of(submission):
    submission.refresh_from_db()
    return submission.status, submission.version.status


# ---- one member


def test_with_leave_the_first_approval_decides_where_one_member_decides(world, email_policy):
    board, (tara, _tom) = committee_of(world, ["Tara", "Tom"], threshold="one", allows_single_approver=True)
    submission = services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.owner.user)
    services.record_vote(submission, member=tara, decision=Decision.APPROVE)
    assert status_of(submission) == ("approved", "published")


def test_one_member_deciding_without_leave_is_refused_when_the_draft_is_sent(world, email_policy):
    board, _ = committee_of(world, ["Tara", "Tom"], threshold="one", allows_single_approver=False)
    with pytest.raises(services.IllegalTransition, match="decides by any one member's approval"):
        services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.owner.user)


def test_a_quorum_of_one_without_leave_keeps_its_message(world, email_policy):
    board, _ = committee_of(world, ["Tara", "Tom"], threshold="m_of_n", quorum=1)
    with pytest.raises(services.IllegalTransition, match="has a quorum of 1, so one member would approve alone"):
        services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.owner.user)


# ---- M of N


def test_m_of_n_approves_at_the_quorum(world, email_policy):
    board, (tara, tom, _tess) = committee_of(world, ["Tara", "Tom", "Tess"], threshold="m_of_n", quorum=2)
    submission = services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.owner.user)
    services.record_vote(submission, member=tara, decision=Decision.APPROVE)
    assert services.progress(submission).summary == "1 of 2 approvals needed"
    assert status_of(submission) == ("awaiting", "awaiting_approval")
    services.record_vote(submission, member=tom, decision=Decision.APPROVE)
    assert status_of(submission) == ("approved", "published")


def test_a_quorum_larger_than_those_who_may_vote_is_refused_when_the_draft_is_sent(world, email_policy):
    board, _ = committee_of(world, ["Tara", "Tom"], threshold="m_of_n", quorum=3)
    with pytest.raises(services.IllegalTransition, match="needs 3 approvals, but only 2 of its members may vote"):
        services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.owner.user)


# ---- every member


def test_every_member_must_approve_and_the_last_approval_publishes(world, email_policy):
    board, (tara, tom, tess) = committee_of(world, ["Tara", "Tom", "Tess"], threshold="all")
    submission = services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.owner.user)
    services.record_vote(submission, member=tara, decision=Decision.APPROVE)
    services.record_vote(submission, member=tom, decision=Decision.APPROVE)
    progress = services.progress(submission)
    assert (progress.summary, progress.waiting_for_names) == ("2 of 3 members have approved", "Tess Trustee")
    assert status_of(submission) == ("awaiting", "awaiting_approval")
    services.record_vote(submission, member=tess, decision=Decision.APPROVE)
    assert status_of(submission) == ("approved", "published")


def test_the_author_on_the_committee_is_not_counted_and_the_page_says_why(world, email_policy):
    board, (tara, tom, tess) = committee_of(world, ["Tara", "Tom", "Tess"], threshold="all")
    CommitteeMember.objects.create(committee=board, person=world.owner)
    submission = services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.governance.user)
    for member in (tara, tom):
        services.record_vote(submission, member=member, decision=Decision.APPROVE)
    progress = services.progress(submission)
    assert progress.summary == "2 of 3 members have approved"
    assert progress.not_voting == ["Owen Owner wrote this draft and does not vote"]
    services.record_vote(submission, member=tess, decision=Decision.APPROVE)
    assert status_of(submission) == ("approved", "published")


def test_the_authors_vote_is_refused_with_the_reason(world, email_policy):
    board, _ = committee_of(world, ["Tara", "Tom"], threshold="all")
    CommitteeMember.objects.create(committee=board, person=world.owner)
    submission = services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.governance.user)
    with pytest.raises(services.IllegalTransition) as refused:
        services.record_vote(submission, member=world.owner, decision=Decision.APPROVE)
    assert str(refused.value) == AUTHOR_CANNOT_DECIDE.format(label="1.1")
    assert not submission.votes.exists()


def test_the_sender_on_the_committee_is_named_as_not_voting(world, email_policy):
    board, _ = committee_of(world, ["Tara", "Tom"], threshold="all")
    CommitteeMember.objects.create(committee=board, person=world.governance)
    submission = services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.governance.user)
    assert services.progress(submission).not_voting == [
        "Grace Gov sent this draft to the committee and does not vote"]


def test_a_committee_where_nobody_may_vote_is_refused_and_says_why(world, email_policy):
    board = CommitteeFactory(name="Panel", organisation=world.trust, threshold="all")
    CommitteeMember.objects.create(committee=board, person=world.owner)
    with pytest.raises(services.IllegalTransition) as refused:
        services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.owner.user)
    assert str(refused.value) == (
        "Nobody on the Panel may vote on this draft: Owen Owner wrote this draft and does not vote. "
        "Add members to the committee, or send the draft to another committee.")
    email_policy.refresh_from_db()
    assert email_policy.versions.get(label="1.1").status == "draft"


def test_a_committee_with_no_members_is_refused(world, email_policy):
    board = CommitteeFactory(name="Panel", organisation=world.trust, threshold="all")
    with pytest.raises(services.IllegalTransition, match="the committee has no members"):
        services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.owner.user)


def test_every_member_with_only_one_voter_needs_leave(world, email_policy):
    board, _ = committee_of(world, ["Tara"], threshold="all")
    with pytest.raises(services.IllegalTransition, match="only Tara Trustee may vote on this draft"):
        services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.owner.user)
    board.allows_single_approver = True
    board.save()
    assert services.submit_draft(email_policy.versions.get(label="1.1"), committee=board, by=world.owner.user)


def test_a_request_for_changes_decides_at_once_where_every_member_must_approve(world, email_policy):
    board, (tara, tom, _tess) = committee_of(world, ["Tara", "Tom", "Tess"], threshold="all")
    submission = services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.owner.user)
    services.record_vote(submission, member=tara, decision=Decision.APPROVE)
    services.record_vote(submission, member=tom, decision=Decision.REQUEST_CHANGES, comment="Name the DPO.")
    assert status_of(submission) == ("changes_requested", "draft")


# ---- members joining and leaving while a draft is open


def test_a_member_who_joins_must_also_approve_where_every_member_must(world, email_policy):
    board, (tara, tom) = committee_of(world, ["Tara", "Tom"], threshold="all")
    submission = services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.owner.user)
    services.record_vote(submission, member=tara, decision=Decision.APPROVE)
    newcomer = PersonFactory(first_name="Nia", last_name="New", email="nia@board.example", schools=[world.trust])
    CommitteeMember.objects.create(committee=board, person=newcomer)
    services.record_vote(submission, member=tom, decision=Decision.APPROVE)
    assert services.progress(submission).summary == "2 of 3 members have approved"
    assert status_of(submission) == ("awaiting", "awaiting_approval")
    services.record_vote(submission, member=newcomer, decision=Decision.APPROVE)
    assert status_of(submission) == ("approved", "published")


def test_when_the_last_member_still_to_vote_leaves_the_others_approval_decides(world, email_policy):
    board, (tara, tom, tess) = committee_of(world, ["Tara", "Tom", "Tess"], threshold="all")
    submission = services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.owner.user)
    services.record_vote(submission, member=tara, decision=Decision.APPROVE)
    services.record_vote(submission, member=tom, decision=Decision.APPROVE)
    CommitteeMember.objects.get(committee=board, person=tess).delete()
    assert status_of(submission) == ("approved", "published")


def test_a_member_who_leaves_no_longer_counts_towards_the_quorum(world, email_policy):
    board, (tara, tom, tess) = committee_of(world, ["Tara", "Tom", "Tess"], threshold="m_of_n", quorum=2)
    submission = services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.owner.user)
    services.record_vote(submission, member=tara, decision=Decision.APPROVE)
    CommitteeMember.objects.get(committee=board, person=tara).delete()
    services.record_vote(submission, member=tom, decision=Decision.APPROVE)
    assert status_of(submission) == ("awaiting", "awaiting_approval")
    services.record_vote(submission, member=tess, decision=Decision.APPROVE)
    assert status_of(submission) == ("approved", "published")


def test_a_member_who_left_cannot_vote(world, email_policy):
    board, (tara, _tom, _tess) = committee_of(world, ["Tara", "Tom", "Tess"], threshold="all")
    submission = services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.owner.user)
    CommitteeMember.objects.get(committee=board, person=tara).delete()
    with pytest.raises(services.IllegalTransition, match="Only members of the Trust Board can decide"):
        services.record_vote(submission, member=tara, decision=Decision.APPROVE)


# ---- the committee's own rules, in the admin


def test_one_member_without_leave_is_refused_by_the_committee(world):
    committee = CommitteeFactory(organisation=world.trust, threshold="one", allows_single_approver=False)
    with pytest.raises(ValidationError) as refused:
        committee.clean()
    assert refused.value.message_dict == {"threshold": [ONE_MEMBER_NEEDS_LEAVE]}
    committee.allows_single_approver = True
    committee.clean()


def test_every_member_ignores_the_quorum(world):
    CommitteeFactory(organisation=world.trust, threshold="all", quorum=1).clean()
    with pytest.raises(ValidationError, match="A quorum of 1"):
        CommitteeFactory(organisation=world.trust, slug="other", threshold="m_of_n", quorum=1).clean()


def test_the_admin_saves_a_quorum_above_the_members_and_warns(world, client):
    client.force_login(User.objects.create_superuser("root@school.example", "x"))
    form = {"organisation": world.trust.pk, "name": "Panel", "slug": "panel", "decision_mode": "quorum",
            "quorum": "3", "threshold": "m_of_n", "body": "trust_committee"}
    response = client.post("/admin/policies/committee/add/", form, follow=True)
    assert escape("The Panel needs 3 approvals but has 0 members who vote") in response.content.decode()
    assert Committee.objects.get(slug="panel").quorum == 3


def test_the_admin_refuses_one_member_without_leave(world, client):
    client.force_login(User.objects.create_superuser("root@school.example", "x"))
    form = {"organisation": world.trust.pk, "name": "Panel", "slug": "panel", "decision_mode": "quorum",
            "quorum": "2", "threshold": "one", "body": "other"}
    response = client.post("/admin/policies/committee/add/", form)
    assert escape(ONE_MEMBER_NEEDS_LEAVE) in response.content.decode()
    assert not Committee.objects.filter(slug="panel").exists()
