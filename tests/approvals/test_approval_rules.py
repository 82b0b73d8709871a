"""Issue 13, finding 3: nobody approves their own draft, backdates a decision
or routes a draft around the committees that approve the policy. Each test is
written as the insider who tried it."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from approvals import permissions, services
from approvals.forms import NOT_AN_APPROVING_COMMITTEE
from approvals.models import CommitteeMember, Decision, Submission, Vote
from policies.admin import WRONG_LEVEL_COMMITTEE
from policies.models import SINGLE_APPROVER_NEEDS_LEAVE, PolicyVersion
from tests.approvals.conftest import BODY
from tests.factories import CommitteeFactory, published_policy

TODAY = datetime.date.today()


def draft_of(policy, author):
    draft = services.start_draft(policy, by=author)
    return services.save_draft(draft, body=BODY + "\n\n2.2 Never click unknown links.", reason="Periodic review",
                               is_major=False, review_cycle_months=24, audiences=["teaching"])


@pytest.fixture
def north_lgb(world):
    return CommitteeFactory(name="North Primary Local Governing Body", organisation=world.north, quorum=2)


@pytest.fixture
def governance_clerks_igg(world, igg):
    CommitteeMember.objects.create(committee=igg, person=world.governance, role=CommitteeMember.Role.CLERK)
    return igg


def assert_nothing_decided(submission):
    submission.refresh_from_db()
    assert submission.status == Submission.Status.AWAITING
    assert not submission.votes.exists()
    assert PolicyVersion.objects.get(pk=submission.version_id).status == PolicyVersion.Status.AWAITING_APPROVAL


# ---- the author and the submitter never decide

def test_governance_lead_who_drafted_cannot_record_the_decision_as_clerk(world, email_policy, governance_clerks_igg):
    submission = services.submit_draft(draft_of(email_policy, world.governance), committee=governance_clerks_igg,
                                       by=world.governance.user)
    with pytest.raises(services.IllegalTransition) as refused:
        services.record_meeting_decision(submission, clerk=world.governance, decision=Decision.APPROVE,
                                         meeting_date=TODAY, minute_reference="IGG/26/1")
    assert str(refused.value) == permissions.AUTHOR_CANNOT_DECIDE.format(label="1.1")
    assert_nothing_decided(submission)


def test_owner_who_drafted_cannot_vote_on_his_own_draft(world, email_policy, board):
    CommitteeMember.objects.create(committee=board, person=world.owner)
    submission = services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.owner.user)
    with pytest.raises(services.IllegalTransition) as refused:
        services.record_vote(submission, member=world.owner, decision=Decision.APPROVE)
    assert str(refused.value) == permissions.AUTHOR_CANNOT_DECIDE.format(label="1.1")
    assert_nothing_decided(submission)


def test_governance_lead_who_submitted_someone_elses_draft_cannot_vote_on_it(world, email_policy, board):
    CommitteeMember.objects.create(committee=board, person=world.governance)
    submission = services.submit_draft(draft_of(email_policy, world.owner), committee=board,
                                       by=world.governance.user)
    with pytest.raises(services.IllegalTransition) as refused:
        services.record_vote(submission, member=world.governance, decision=Decision.APPROVE)
    assert str(refused.value) == permissions.SUBMITTER_CANNOT_DECIDE.format(label="1.1")
    assert_nothing_decided(submission)


def test_the_author_sees_why_there_is_no_decision_form_and_a_forged_post_is_refused(
    world, signed_in, email_policy, governance_clerks_igg,
):
    submission = services.submit_draft(draft_of(email_policy, world.governance), committee=governance_clerks_igg,
                                       by=world.governance.user)
    client = signed_in(world.governance)
    url = reverse("approvals:submission", args=[submission.pk])
    page = client.get(url).content.decode()
    assert escape(permissions.AUTHOR_CANNOT_DECIDE.format(label="1.1")) in page
    assert "Record decision" not in page
    response = client.post(url, {"decision": "approve", "meeting_date": TODAY.isoformat(), "minute_reference": "1"})
    assert response.status_code == 403
    assert escape(permissions.AUTHOR_CANNOT_DECIDE.format(label="1.1")) in response.content.decode()
    assert_nothing_decided(submission)


def test_the_inbox_does_not_ask_the_author_to_decide_her_own_draft(world, signed_in, email_policy,
                                                                   governance_clerks_igg):
    services.submit_draft(draft_of(email_policy, world.governance), committee=governance_clerks_igg,
                          by=world.governance.user)
    page = signed_in(world.governance).get(reverse("approvals:inbox")).content.decode()
    assert "Review<span" not in page
    assert "Review<span" in signed_in(governance_clerks_igg.clerk).get(reverse("approvals:inbox")).content.decode()


# ---- meeting dates lie between the submission and today

@pytest.mark.parametrize("meeting_date", [datetime.date(1999, 1, 1), datetime.date(2099, 12, 31),
                                          TODAY - datetime.timedelta(days=1), TODAY + datetime.timedelta(days=1)])
def test_a_clerk_cannot_record_a_meeting_before_the_submission_or_in_the_future(world, email_policy, igg,
                                                                                meeting_date):
    submission = services.submit_draft(draft_of(email_policy, world.owner), committee=igg, by=world.owner.user)
    with pytest.raises(services.IllegalTransition) as refused:
        services.record_meeting_decision(submission, clerk=igg.clerk, decision=Decision.APPROVE,
                                         meeting_date=meeting_date, minute_reference="IGG/26/1", today=TODAY)
    day = f"{TODAY.day} {TODAY:%B %Y}"
    assert str(refused.value) == services.MEETING_DATE_OUT_OF_RANGE.format(earliest=day, today=day)
    assert_nothing_decided(submission)
    assert not email_policy.versions.filter(approved_on__isnull=False, label="1.1").exists()


def test_a_meeting_on_the_day_the_clerk_records_it_is_accepted(world, email_policy, igg):
    submission = services.submit_draft(draft_of(email_policy, world.owner), committee=igg, by=world.owner.user)
    later = TODAY + datetime.timedelta(days=10)
    services.record_meeting_decision(submission, clerk=igg.clerk, decision=Decision.APPROVE,
                                     meeting_date=later, minute_reference="IGG/26/1", today=later)
    assert PolicyVersion.objects.get(policy=email_policy, label="1.1").approved_on == later


def test_the_clerk_sees_the_allowed_range_when_she_backdates_the_meeting(world, signed_in, email_policy, igg):
    submission = services.submit_draft(draft_of(email_policy, world.owner), committee=igg, by=world.owner.user)
    response = signed_in(igg.clerk).post(reverse("approvals:submission", args=[submission.pk]), {
        "decision": "approve", "meeting_date": "1999-01-01", "minute_reference": "IGG/99/1"}, follow=True)
    day = f"{TODAY.day} {TODAY:%B %Y}"
    assert escape(services.MEETING_DATE_OUT_OF_RANGE.format(earliest=day, today=day)) in response.content.decode()
    assert_nothing_decided(submission)


# ---- a draft goes only to the committees that approve the policy

def test_owner_cannot_send_a_trust_wide_draft_to_a_schools_governing_body(world, email_policy, north_lgb):
    draft = draft_of(email_policy, world.owner)
    with pytest.raises(services.IllegalTransition) as refused:
        services.submit_draft(draft, committee=north_lgb, by=world.owner.user)
    assert str(refused.value) == services.COMMITTEE_NOT_ALLOWED.format(committee=north_lgb, policy=email_policy)
    draft.refresh_from_db()
    assert draft.status == PolicyVersion.Status.DRAFT
    assert not Submission.objects.exists()


def test_the_submit_form_offers_only_the_policys_committees(world, signed_in, email_policy, board, igg, north_lgb):
    draft_of(email_policy, world.owner)
    client = signed_in(world.owner)
    page = client.get(reverse("approvals:draft", args=[email_policy.slug])).content.decode()
    assert ">Trust Board<" in page and ">Information Governance Group<" in page
    assert north_lgb.name not in page
    email_policy.approving_committees.set([igg])
    page = client.get(reverse("approvals:draft", args=[email_policy.slug])).content.decode()
    assert ">Information Governance Group<" in page
    assert ">Trust Board<" not in page


def test_a_forged_post_naming_another_committee_is_refused_and_writes_nothing(world, signed_in, email_policy,
                                                                              igg, board, north_lgb):
    email_policy.approving_committees.set([igg])
    draft = draft_of(email_policy, world.owner)
    client = signed_in(world.owner)
    for forged in (north_lgb, board):
        response = client.post(reverse("approvals:submit_draft", args=[email_policy.slug]),
                               {"committee": forged.pk}, follow=True)
        assert escape(NOT_AN_APPROVING_COMMITTEE) in response.content.decode()
    with pytest.raises(services.IllegalTransition):
        services.submit_draft(draft, committee=board, by=world.owner.user)
    draft.refresh_from_db()
    assert draft.status == PolicyVersion.Status.DRAFT
    assert not Submission.objects.exists()


def test_a_schools_policy_goes_to_its_own_or_the_trusts_committees_only(world, board, north_lgb):
    policy = published_policy(title="North Behaviour", owner=world.owner, organisation=world.north, body=BODY)
    south_lgb = CommitteeFactory(name="South Academy Local Governing Body", organisation=world.south)
    from approvals.selectors import approving_committees

    assert list(approving_committees(policy)) == [north_lgb, board]
    with pytest.raises(services.IllegalTransition, match="does not approve the North Behaviour"):
        services.submit_draft(draft_of(policy, world.owner), committee=south_lgb, by=world.owner.user)


def test_admin_cannot_choose_a_schools_committee_for_a_trust_policy(world, client, email_policy, north_lgb):
    from people.models import User

    client.force_login(User.objects.create_superuser("root@school.example", "x"))
    response = client.post(f"/admin/policies/policy/{email_policy.pk}/change/", {
        "organisation": world.trust.pk, "title": email_policy.title, "slug": email_policy.slug,
        "category": email_policy.category, "audiences": "[]", "approving_committees": [north_lgb.pk],
        "named_related-TOTAL_FORMS": "0", "named_related-INITIAL_FORMS": "0",
        "versions-TOTAL_FORMS": "1", "versions-INITIAL_FORMS": "1",
        "versions-0-id": email_policy.current_version.pk, "versions-0-policy": email_policy.pk,
    })
    assert escape(WRONG_LEVEL_COMMITTEE.format(committees=north_lgb.name)) in response.content.decode()
    assert not email_policy.approving_committees.exists()


# ---- a quorum of one only where the committee allows a single approver

def test_owner_cannot_send_a_draft_to_a_quorum_of_one_committee(world, email_policy):
    solo = CommitteeFactory(name="Owner's Panel", organisation=world.trust, quorum=1)
    draft = draft_of(email_policy, world.owner)
    with pytest.raises(services.IllegalTransition) as refused:
        services.submit_draft(draft, committee=solo, by=world.owner.user)
    assert str(refused.value) == services.SINGLE_APPROVER_NOT_ALLOWED.format(committee=solo, quorum=1)
    assert not Submission.objects.exists()


def test_a_committee_lowered_to_a_quorum_of_one_after_submission_cannot_decide(world, email_policy, board):
    submission = services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.owner.user)
    board.quorum = 1
    board.save()
    with pytest.raises(services.IllegalTransition) as refused:
        services.record_vote(submission, member=board.trustees[0], decision=Decision.APPROVE)
    assert str(refused.value) == services.SINGLE_APPROVER_NOT_ALLOWED.format(committee=board, quorum=1)
    assert not Vote.objects.exists()


def test_a_committee_that_allows_a_single_approver_decides_with_one_vote(world, email_policy, board):
    board.quorum, board.allows_single_approver = 1, True
    board.save()
    submission = services.submit_draft(draft_of(email_policy, world.owner), committee=board, by=world.owner.user)
    services.record_vote(submission, member=board.trustees[0], decision=Decision.APPROVE)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED


def test_the_committee_admin_refuses_a_quorum_of_one_without_leave(world, client):
    from people.models import User

    client.force_login(User.objects.create_superuser("root@school.example", "x"))
    form = {"organisation": world.trust.pk, "name": "Panel", "slug": "panel", "decision_mode": "quorum",
            "quorum": "1", "threshold": "m_of_n", "body": "other"}
    response = client.post("/admin/policies/committee/add/", form)
    assert escape(SINGLE_APPROVER_NEEDS_LEAVE) in response.content.decode()
    client.post("/admin/policies/committee/add/", {**form, "allows_single_approver": "on"})
    assert world.trust.committees.get(slug="panel").allows_single_approver


def test_the_demo_says_which_committees_approve_each_policy_and_which_decide_alone(db):
    import io

    from django.core.management import call_command

    from approvals.selectors import approving_committees
    from policies.models import Committee, Policy

    call_command("load_demo", stdout=io.StringIO())
    slugs = {policy.slug: [c.slug for c in approving_committees(policy)] for policy in Policy.objects.all()}
    assert slugs["acceptable-use"] == ["exco", "trust-board"]
    assert slugs["riverside-behaviour"] == ["riverside-lgb"]
    assert all(slugs.values())
    assert set(Committee.objects.filter(allows_single_approver=True).values_list("slug", flat=True)) == {
        "oakfield-primary-lgb", "riverside-lgb", "hilltop-lgb"}
    assert Submission.objects.get(version__policy__slug="acceptable-use").committee.slug == "trust-board"
