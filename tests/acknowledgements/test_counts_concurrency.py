"""Kept counts stay equal to a recount when many people sign at once, while
HR moves people between schools and the nightly roll moves the clock: the
writers hold the people they change and the counts' state row, so no two
interleave between reading "before" and adding the difference (PostgreSQL,
where requests really run side by side)."""

import datetime

import pytest

from acknowledgements import counts
from acknowledgements.models import Obligation, SignOffCount
from people.models import Person
from tests.concurrency import side_by_side
from tests.conftest import is_postgres
from tests.factories import PersonFactory, published_policy, sign_off_rule, view_and_sign

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
TODAY = datetime.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _postgres_only():
    if not is_postgres():
        pytest.skip("SQLite lets one writer in at a time; the locks are PostgreSQL's")



def test_counts_agree_after_sign_offs_school_moves_and_a_roll_at_once(world):
    policy = published_policy(organisation=world.trust, title="Email Policy")
    sign_off_rule(policy, new_version_days=815)  # due 25 November 2026: overdue from the 26th
    counts.roll_overdue(TODAY)
    signers = [PersonFactory(schools=[world.north]) for _ in range(10)]
    movers = [PersonFactory(schools=[world.north]) for _ in range(4)]
    version = policy.current_version

    def sign(person: Person):
        return lambda: view_and_sign(person=Person.objects.get(pk=person.pk), version=version)

    def move(person: Person):
        return lambda: Person.objects.get(pk=person.pk).schools.set([world.south, world.north][:1 + person.pk % 2])

    side_by_side(*[sign(p) for p in signers], *[move(p) for p in movers], *[sign(p) for p in movers[:2]],
                 lambda: counts.roll_overdue(TODAY + datetime.timedelta(days=1)))

    check = counts.check_counts()
    assert (check.disagreements, check.named) == (0, [])
    north = SignOffCount.objects.get(school=world.north, version=version, staff_group="teaching")
    signed_at_north = Obligation.objects.filter(version=version, status=Obligation.Status.SIGNED,
                                                person__schools=world.north)
    assert north.signed == signed_at_north.count() >= len(signers) + 1
    assert north.overdue == north.outstanding > 0  # the roll made what is still owed overdue
