"""Issue 14: HR's page for a person does not call an obligation carried over
to a minor version "New major version"."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from acknowledgements.rules import CARRIED_OVER
from policies.services import publish_version
from tests.factories import VersionFactory, published_policy, sign_off_rule

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)


def why_column(client, person) -> list[str]:
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    return re.findall(r'<td data-label="Why">([^<]*)</td>', page)


def test_hr_sees_a_minor_versions_obligation_as_carried_over(world, signed_in):
    policy = published_policy(organisation=world.trust)
    sign_off_rule(policy)
    minor = VersionFactory(policy=policy, label="1.1", body="## 1. Text 1.1", is_major=False,
                           effective_on=TODAY - datetime.timedelta(days=1))
    publish_version(minor, on=minor.effective_on)
    assert timezone.localdate() == TODAY
    why = why_column(signed_in(world.trust_hr), world.staff)
    assert why == [CARRIED_OVER.format(major=1, label="1.1")]
    assert why == ["Owed since version 1, carried over to 1.1"]


def test_hr_sees_a_new_major_version_as_such(world, signed_in):
    sign_off_rule(published_policy(organisation=world.trust))
    assert why_column(signed_in(world.trust_hr), world.staff) == ["New major version"]
