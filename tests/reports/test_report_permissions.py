"""Who sees the HR reports, and which schools' sign-offs (reports/permissions.py)."""

from __future__ import annotations

import datetime

from people.models import Person
from reports.permissions import report_scope
from tests.factories import UserFactory


def test_a_schools_hr_sees_its_school(world):
    assert report_scope(world.school_hr.user) == [world.north.pk]


def test_trust_hr_sees_the_trust_and_every_school(world):
    assert report_scope(world.trust_hr.user) == sorted([world.trust.pk, world.north.pk, world.south.pk])


def test_an_administrator_sees_every_organisation(world):
    admin = UserFactory(email="admin@school.example", is_superuser=True, is_staff=True)
    assert sorted(report_scope(admin)) == sorted([world.trust.pk, world.north.pk, world.south.pk])


def test_staff_governance_and_outsiders_see_no_reports(world):
    for user in (world.staff.user, world.governance.user, world.outsider):
        assert report_scope(user) is None


def test_hr_who_has_left_sees_no_reports(world):
    Person.objects.filter(pk=world.school_hr.pk).update(leave_date=datetime.date(2020, 1, 1))
    assert report_scope(world.school_hr.user) is None
