import pytest

from tests.factories import published_policy, sign_off_rule

BODY = "## 1. Introduction\n\n1.1 Staff must lock screens.\n\n## 2. Phishing\n\n2.1 Report phishing at once."


@pytest.fixture
def email_policy(world):
    policy = published_policy(title="Email Policy", owner=world.owner, organisation=world.trust, body=BODY)
    sign_off_rule(policy)
    return policy
