"""Issue 14: a policy's timeline says what a change changed, not just
"Policy changed"."""

from __future__ import annotations

import datetime
import re
from html import unescape

from policies.models import Legislation
from tests.factories import published_policy


def timeline_text(client, policy) -> str:
    page = client.get(policy.get_absolute_url()).content.decode()
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_the_timeline_names_the_fields_a_change_altered(world, signed_in):
    policy = published_policy(title="Email Policy")
    policy.owner = world.owner
    policy.next_review_on = datetime.date(2031, 3, 15)
    policy.save()
    text = timeline_text(signed_in(world.governance), policy)
    assert "Policy changed: next review on, owner" in text


def test_the_timeline_names_a_change_of_legislation(world, signed_in):
    policy = published_policy(title="Email Policy")
    policy.legislation.add(Legislation.objects.create(name="Data Protection Act 2018"))
    text = timeline_text(signed_in(world.governance), policy)
    assert "Policy changed: legislation" in text


def test_a_save_that_changed_nothing_says_so(world, signed_in):
    policy = published_policy(title="Email Policy")
    policy.save()
    text = timeline_text(signed_in(world.governance), policy)
    assert "Policy saved with nothing changed" in text
    assert not re.search(r"Policy changed(?!:)", text)
