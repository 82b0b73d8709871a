"""A small statutory list and the committees that approve, on top of the
shared world (a trust, North Primary and South Academy)."""

import datetime
from types import SimpleNamespace

import pytest

from policies.models import Committee
from policies.services import publish_version
from statutory.models import StatutoryItem
from tests.factories import CommitteeFactory, PolicyFactory, VersionFactory

TODAY = datetime.date(2026, 11, 2)


def make_item(key: str, *, applies_to=("academy", "maintained"), bodies=("trust_board", "local_governing_body"),
              months=12, name=None) -> StatutoryItem:
    return StatutoryItem.objects.create(
        key=key, name=name or key.replace("-", " ").capitalize(), applies_to=list(applies_to),
        approver="Governing body or trust board", approver_bodies=list(bodies), review_months=months,
        review_text="Annually" if months == 12 else "")


def approved_policy(organisation, committee, *, approved_on, next_review_on, items=(), title=None, **kwargs):
    """A policy whose published version was approved by `committee` on `approved_on`."""
    policy = PolicyFactory(organisation=organisation, title=title or "Policy", **kwargs)
    version = VersionFactory(policy=policy, committee=committee, approved_on=approved_on,
                             effective_on=approved_on, next_review_on=next_review_on)
    publish_version(version, on=approved_on)
    policy.refresh_from_db()
    policy.statutory_items.add(*items)
    return policy


@pytest.fixture
def statutory(world):
    # Only this test's items: the data migration's list would otherwise be here too.
    StatutoryItem.objects.all().delete()
    world.north.school_type = "academy"
    world.north.save()
    world.south.school_type = "maintained"
    world.south.save()
    return SimpleNamespace(
        world=world,
        board=CommitteeFactory(name="Trust Board", slug="board", organisation=world.trust,
                               body=Committee.Body.TRUST_BOARD),
        exco=CommitteeFactory(name="Executive Committee", slug="exco", organisation=world.trust,
                              body=Committee.Body.HEADTEACHER),
        north_lgb=CommitteeFactory(name="North Local Governing Body", slug="north-lgb", organisation=world.north,
                                   body=Committee.Body.LOCAL_GOVERNING_BODY, quorum=1,
                                   allows_single_approver=True),
    )
