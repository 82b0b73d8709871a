"""Staff of two schools of one trust signing at the same moment never fork the
chain: the head row's lock serialises them (PostgreSQL, where requests really
run side by side), positions stay contiguous and the chain verifies intact.
The first writers of a chain that has no head yet race to make it safely."""


import pytest

from acknowledgements import evidence_check
from acknowledgements.models import ChainHead, EvidenceLink, SignOff
from people.models import Person
from tests.concurrency import side_by_side
from tests.conftest import is_postgres
from tests.factories import PersonFactory, published_policy, sign_off_rule, view_and_sign

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if not is_postgres():
        pytest.skip("SQLite lets one writer in at a time; the locks are PostgreSQL's")



def test_two_schools_signing_at_once_make_one_unforked_chain(world):
    policy = published_policy(organisation=world.trust, title="Email Policy")
    sign_off_rule(policy)
    people = [PersonFactory(schools=[school]) for school in (world.north, world.south) for _ in range(6)]
    version = policy.current_version
    assert not ChainHead.objects.exists()  # the first writers also race to make the head

    def sign(person: Person):
        return lambda: view_and_sign(person=Person.objects.get(pk=person.pk), version=version)

    side_by_side(*[sign(p) for p in people])

    name = f"trust-{world.trust.pk}"
    positions = list(EvidenceLink.objects.filter(chain=name).order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, 2 * len(people) + 1))  # a viewing and a sign-off each, no gap, no fork
    assert SignOff.objects.filter(version=version).count() == len(people)
    assert ChainHead.objects.get(chain=name).position == len(positions)
    result = evidence_check.verify()
    assert (result.intact, result.records) == (True, len(positions)), result.first_broken


def test_the_same_person_signing_in_two_tabs_at_once_is_sealed_once(world):
    policy = published_policy(organisation=world.trust, title="Email Policy")
    sign_off_rule(policy)
    version = policy.current_version
    from tests.factories import view

    view(world.staff, version)
    from acknowledgements.services import record_sign_off

    side_by_side(*[lambda: record_sign_off(person=Person.objects.get(pk=world.staff.pk), version=version)
                   for _ in range(4)])

    assert EvidenceLink.objects.filter(kind="sign_off").count() == SignOff.objects.count() == 1
    assert evidence_check.verify().intact
