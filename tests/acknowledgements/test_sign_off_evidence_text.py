"""What the browser sends is kept as evidence, but never fails a sign-off."""

from __future__ import annotations

import pytest

from acknowledgements.models import SignOff
from tests.factories import published_policy, sign_off_rule, view_and_sign

pytestmark = pytest.mark.django_db


def test_a_user_agent_with_a_nul_byte_is_recorded_without_it(world):
    policy = published_policy(organisation=world.trust)
    sign_off_rule(policy)
    view_and_sign(person=world.staff, version=policy.current_version, user_agent="Mozilla/5.0\x00 (evil)\x07")

    assert SignOff.objects.get(person=world.staff).user_agent == "Mozilla/5.0 (evil)"
