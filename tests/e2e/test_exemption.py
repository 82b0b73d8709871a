"""HR exempts someone from a sign-off with a reason; their record, the
outstanding list's "Closed without signing" filter and its CSV say so; HR
owes it again; and the exempt page fits a phone."""

import csv
import io

import pytest
from playwright.sync_api import expect

from acknowledgements.models import Exemption, Obligation
from acknowledgements.services import sync_obligations
from tests.e2e.conftest import sign_in
from tests.factories import published_policy, sign_off_rule

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OVERFLOW = "document.scrollingElement.scrollWidth - Math.min(window.innerWidth, screen.width)"


@pytest.fixture
def owed(world):
    policy = published_policy(title="Code of Conduct", organisation=world.trust)
    sign_off_rule(policy, groups=["teaching"])
    sync_obligations()
    return Obligation.objects.get(person=world.staff, policy=policy)


def test_hr_exempts_someone_and_the_record_the_list_and_the_csv_show_why(page, world, owed):
    sign_in(page, "hr.north@school.example", world.password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff").click()
    page.get_by_role("link", name="Sam Staff").click()
    page.get_by_role("link", name="Exempt from Code of Conduct").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exempt Sam Staff from the Code of Conduct")

    page.get_by_role("button", name="Exempt Sam Staff").click()  # no reason yet
    expect(page.get_by_role("alert")).to_contain_text("Say why this person need not sign it")
    page.get_by_label("Why need they not sign it?").fill("On long-term sick leave until March")
    page.get_by_role("button", name="Exempt Sam Staff").click()

    expect(page.get_by_text("Sam Staff is exempted from the Code of Conduct.")).to_be_visible()
    closed = page.get_by_role("table", name="Sign-offs closed without signing, and why")
    expect(closed).to_contain_text("Exempted by Hana North on")
    expect(closed).to_contain_text("On long-term sick leave until March")
    expect(page.get_by_role("table", name="Sign-offs owed")).to_have_count(0)
    assert Exemption.objects.get().reason == "On long-term sick leave until March"

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    page.goto("/reports/outstanding/")
    expect(page.get_by_role("link", name="Sam Staff")).to_have_count(0)
    page.get_by_label("Closed without signing").check()
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status")).to_contain_text("1 sign-off closed without signing")
    expect(page.get_by_role("row", name="Sam Staff")).to_contain_text("Exempted by HR")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert rows[0][-1] == "closed_because"
    assert [(row[0], row[-1]) for row in rows[1:]] == [("Sam Staff", "Exempted by HR")]

    page.goto(f"/people/{world.staff.pk}/")
    page.get_by_role("link", name="Owe it again").click()
    page.get_by_role("button", name="Owe it again").click()
    expect(page.get_by_role("table", name="Sign-offs owed")).to_contain_text("Code of Conduct")
    expect(page.get_by_role("table", name="Sign-offs closed without signing, and why")).to_contain_text(
        "(owed again since)")


def test_the_exempt_page_fits_a_phone(phone, world, owed):
    sign_in(phone, "hr.north@school.example", world.password)
    for url in (f"/people/obligations/{owed.pk}/exempt/", f"/people/{world.staff.pk}/"):
        phone.goto(url)
        assert phone.evaluate(OVERFLOW) <= 0, url
    phone.goto(f"/people/obligations/{owed.pk}/exempt/")
    phone.get_by_label("Why need they not sign it?").fill("Seconded to the local authority")
    phone.get_by_role("button", name="Exempt Sam Staff").click()
    expect(phone.get_by_text("Seconded to the local authority")).to_be_visible()
    assert phone.evaluate(OVERFLOW) <= 0
