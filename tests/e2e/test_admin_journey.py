"""The administrator finds every model in the admin, and an approved
version there is read-only."""

import pytest
from playwright.sync_api import expect

from people.models import User
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, published_policy

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_admin_shows_an_approved_version_read_only(page, world):
    User.objects.create_superuser("admin@school.example", PASSWORD)
    policy = published_policy(title="Email Policy")
    sign_in(page, "admin@school.example", PASSWORD)
    page.goto("/admin/")
    for model in ["Policies", "Policy versions", "Committees", "Legislation", "People", "Organisations"]:
        expect(page.get_by_role("link", name=model, exact=True)).to_be_visible()
    page.goto(f"/admin/policies/policyversion/{policy.current_version.pk}/change/")
    expect(page.get_by_text("This policy explains what staff must do.")).to_be_visible()
    expect(page.locator("textarea[name=body]")).to_have_count(0)
    expect(page.get_by_role("link", name="Delete")).to_have_count(0)
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
