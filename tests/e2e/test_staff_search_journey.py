"""HR finds a person by name; the name never appears in the address bar."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import PersonFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_hr_finds_a_person_by_name(page, world):
    PersonFactory(first_name="Sid", last_name="Southgate", schools=[world.south])
    sign_in(page, "hr@school.example", world.password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff").click()
    page.get_by_label("Name or email").fill("Southgate")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status")).to_have_text("1 person")
    expect(page.get_by_role("link", name="Sid Southgate")).to_be_visible()
    assert "Southgate" not in page.url and "searched=1" in page.url
    page.get_by_role("link", name="Sid Southgate").click()
    expect(page.get_by_role("heading", name="Sid Southgate")).to_be_visible()
