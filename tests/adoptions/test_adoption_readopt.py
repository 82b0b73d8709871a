"""A new major trust version asks every school that adopted an earlier one to
adopt again, and tells its governance lead; a minor one does not (it carries
the adoption forward: test_adoption_carry_forward). The
combined redline shows how the trust's changes meet the local parts."""

from __future__ import annotations

import pytest

from adoptions import services
from adoptions.models import Adoption
from adoptions.redlines import combined_redline
from outbox.models import OutboxEmail
from policies.models import PolicyVersion
from policies.services import publish_version
from tests.adoptions.conftest import BODY, adopt
from tests.factories import VersionFactory

pytestmark = pytest.mark.django_db

NEW_BODY = ("Opening words of the trust.\n\n## 1. Purpose\n\n1.1 Keeping children safe.\n\n"
            "## 3. Reporting concerns\n\n3.1 Tell the DSL the same day.\n")


@pytest.fixture
def adopted(world, trust_policy, school):
    adoption = services.start_adoption(school=world.north, policy=trust_policy, by=school.lead.user)
    services.add_contact(adoption, role="Designated Safeguarding Lead", name="Priya Patel")
    services.add_local_section(adoption, kind="replaces", section="3. Reporting concerns", body="Tell Ms Patel.")
    services.add_local_section(adoption, kind="adds_to", section="2. Roles", body="Our governors' roles.")
    services.add_local_section(adoption, kind="adds_to", section="1. Purpose", body="Our purpose too.")
    services.send_to_committee(adoption, committee=school.lgb, by=school.lead.user)
    return adopt(adoption, school)


def publish(policy, label, *, major, body=NEW_BODY):
    version = VersionFactory(policy=policy, label=label, is_major=major, body=body,
                             status=PolicyVersion.Status.APPROVED)
    return publish_version(version)


def test_a_major_version_asks_the_school_to_re_adopt_and_emails_its_governance_lead(adopted, trust_policy, school):
    publish(trust_policy, "2.0", major=True)
    adopted.refresh_from_db()
    assert adopted.status == "to_readopt" and adopted.readopt_since is not None
    email = OutboxEmail.objects.get(recipient=school.lead, subject__startswith="To re-adopt")
    assert email.subject == "To re-adopt: Safeguarding Policy, version 2.0"
    assert f"/adoptions/{adopted.pk}/redline/" in email.body_text
    assert not OutboxEmail.objects.filter(recipient=school.south_lead).exists()


def test_a_minor_version_does_not(adopted, trust_policy, school):
    publish(trust_policy, "1.1", major=False, body=BODY + "\nA typo fixed.\n")
    adopted.refresh_from_db()
    assert adopted.status == "superseded" and adopted.readopt_since is None  # carried forward to 1.1
    assert not Adoption.objects.filter(policy=trust_policy, status="to_readopt").exists()
    assert not OutboxEmail.objects.filter(recipient=school.lead, subject__startswith="To re-adopt").exists()


def test_the_combined_redline_says_how_each_local_part_meets_the_changes(adopted, trust_policy):
    publish(trust_policy, "2.0", major=True)
    adopted.refresh_from_db()
    combined = combined_redline(adopted)
    assert (combined.old_version.label, combined.new_version.label) == ("1.0", "2.0")
    assert [meets.words for meets in combined.local_parts] == [
        "Your local section replaces '3. Reporting concerns', which this version changed: check that it still fits.",
        "Your local section adds to '2. Roles', which this version removed: choose another section.",
        "Your local section adds to '1. Purpose', which this version left unchanged.",
    ]


def test_until_the_school_re_adopts_its_staff_sign_the_trust_s_text(adopted, trust_policy, world, signed_in):
    publish(trust_policy, "2.0", major=True)
    page = signed_in(world.staff).get(f"/my/sign/{trust_policy.slug}/").content.decode()
    assert "North Primary has not adopted version 2.0 yet: this is the trust's text." in page
    assert "Local to North Primary" not in page


def test_the_governance_lead_sees_the_redline_page(adopted, trust_policy, school, signed_in):
    publish(trust_policy, "2.0", major=True)
    client = signed_in(school.lead)
    overview = client.get("/adoptions/").content.decode()
    assert "To re-adopt" in overview
    page = client.get(f"/adoptions/{adopted.pk}/redline/").content.decode()
    assert "which this version removed: choose another section." in page
    assert "the same day" in page  # the trust's words, in the redline
