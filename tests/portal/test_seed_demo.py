"""`manage.py seed_demo`: a large trust by bulk inserts (here, a small one)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from acknowledgements.models import Obligation, SignOff
from people.models import Person

pytestmark = pytest.mark.django_db


def test_seed_builds_staff_policies_and_obligations_mostly_signed():
    out = io.StringIO()
    call_command("seed_demo", "--schools", "3", "--staff", "40", "--policies", "5", stdout=out)
    assert Person.objects.filter(email__endswith="@large.example").count() == 41  # and the HR login
    assert Obligation.objects.count() == 200
    signed = Obligation.objects.filter(status="signed").count()
    assert 150 <= signed < 200
    assert SignOff.objects.count() == signed
    assert "seeded 3 schools, 40 staff, 5 policies, 200 obligations" in out.getvalue()


def test_seed_refuses_to_run_twice():
    call_command("seed_demo", "--schools", "1", "--staff", "2", "--policies", "1", stdout=io.StringIO())
    with pytest.raises(CommandError, match="already seeded"):
        call_command("seed_demo", "--schools", "1", "--staff", "2", "--policies", "1", stdout=io.StringIO())
