import pytest

from approvals.models import CommitteeMember
from people.models import StaffGroup
from policies.models import Committee
from tests.factories import CommitteeFactory, PersonFactory, published_policy, sign_off_rule

BODY = "## 1. Introduction\n\n1.1 Staff must lock screens.\n\n## 2. Phishing\n\n2.1 Report phishing at once."


@pytest.fixture
def board(world):
    committee = CommitteeFactory(name="Trust Board", organisation=world.trust, quorum=2)
    members = [PersonFactory(first_name=name, last_name="Trustee", staff_group=StaffGroup.TRUSTEE,
                             email=f"{name.lower()}@board.example", schools=[world.trust])
               for name in ("Tara", "Tom", "Tess")]
    for member in members:
        CommitteeMember.objects.create(committee=committee, person=member)
    committee.trustees = members
    return committee


@pytest.fixture
def igg(world):
    committee = CommitteeFactory(name="Information Governance Group", short_name="IGG", organisation=world.trust,
                                 decision_mode=Committee.DecisionMode.CLERK)
    clerk = PersonFactory(first_name="Clara", last_name="Clerk", email="clerk@school.example", schools=[world.trust])
    CommitteeMember.objects.create(committee=committee, person=clerk, role=CommitteeMember.Role.CLERK)
    committee.clerk = clerk
    return committee


@pytest.fixture
def email_policy(world):
    policy = published_policy(title="Email Policy", owner=world.owner, organisation=world.trust, body=BODY)
    sign_off_rule(policy)
    return policy
