"""A trust safeguarding policy, North Primary's governance lead and its local
governing body (the clerk records its meetings), South Academy's governance lead."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from approvals import services as approval_services
from approvals.models import CommitteeMember, Submission
from people.models import Role, StaffGroup
from policies.models import Committee
from tests.factories import CommitteeFactory, PersonFactory, RoleFactory, published_policy, sign_off_rule

BODY = ("Opening words of the trust.\n\n## 1. Purpose\n\n1.1 Keeping children safe.\n\n"
        "## 2. Roles\n\n2.1 Everyone has a role.\n\n## 3. Reporting concerns\n\n3.1 Tell the DSL at once.\n")


@pytest.fixture
def trust_policy(world):
    policy = published_policy(title="Safeguarding Policy", slug="safeguarding", organisation=world.trust,
                              owner=world.owner, body=BODY)
    sign_off_rule(policy)
    return policy


@pytest.fixture
def school(world):
    """North Primary's governance lead and its local governing body."""
    lead = PersonFactory(first_name="Lena", last_name="Lead", email="lead.north@school.example",
                         staff_group=StaffGroup.LEADERSHIP, schools=[world.north])
    RoleFactory(person=lead, role=Role.GOVERNANCE_LEAD, organisation=world.north)
    south_lead = PersonFactory(first_name="Sid", last_name="South", email="lead.south@school.example",
                               staff_group=StaffGroup.LEADERSHIP, schools=[world.south])
    RoleFactory(person=south_lead, role=Role.GOVERNANCE_LEAD, organisation=world.south)
    lgb = CommitteeFactory(name="North Primary Local Governing Body", organisation=world.north,
                           decision_mode=Committee.DecisionMode.CLERK)
    clerk = PersonFactory(first_name="Cal", last_name="Clerk", email="clerk.north@school.example",
                          staff_group=StaffGroup.GOVERNOR, schools=[world.north])
    CommitteeMember.objects.create(committee=lgb, person=clerk, role=CommitteeMember.Role.CLERK)
    south_lgb = CommitteeFactory(name="South Academy Local Governing Body", organisation=world.south,
                                 decision_mode=Committee.DecisionMode.CLERK)
    return SimpleNamespace(lead=lead, south_lead=south_lead, lgb=lgb, clerk=clerk, south_lgb=south_lgb)


def adopt(adoption, school, *, on: datetime.date | None = None):
    """The clerk records the local governing body's decision to adopt, at a
    meeting today (a meeting lies between the sending and today)."""
    on = on or timezone.localdate()
    submission = Submission.objects.get(adoption=adoption, status=Submission.Status.AWAITING)
    approval_services.record_meeting_decision(submission, clerk=school.clerk, decision="approve", meeting_date=on,
                                              minute_reference="LGB 4/26", today=on)
    adoption.refresh_from_db()
    return adoption
