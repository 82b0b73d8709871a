"""Issue 18, part 5: on a phone, My policies shows what is owed first (the
most urgent first, overdue marked), then the ten newest sign-offs; "Show all my
sign-offs" leads to every one, by policy, 50 a page. And a policy's PDF,
downloaded twice, is rendered once."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from documents.models import VersionPdf
from tests.acknowledgements.test_my_policies_page import owe, sign_offs
from tests.e2e.conftest import sign_in
from tests.factories import published_policy

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def accessibility_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    return [f"{v['id']}: {v['help']}" for v in Axe().run(page).response["violations"]]


def fits_the_screen(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= Math.min(window.innerWidth, screen.width)")


def test_owed_first_ten_newest_then_all_of_them_page_by_page_on_a_phone(phone, world):
    today = timezone.localdate()
    owe(world.staff, "Health and Safety Policy", today + datetime.timedelta(days=10))
    owe(world.staff, "Safeguarding Policy", today - datetime.timedelta(days=5))
    made = sign_offs(world.staff, ["Email Policy", "Acceptable Use Policy", "Code of Conduct"],
                     range(2007, 2027))  # 60: 20 years of each
    sign_in(phone, "staff@school.example", world.password)
    phone.goto("/my/")

    cards = phone.get_by_role("list", name="Policies to sign").get_by_role("listitem")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("Safeguarding Policy")
    expect(cards.first).to_contain_text("Overdue: was due")
    expect(cards.last).to_contain_text("Health and Safety Policy")
    signed = phone.get_by_role("table", name="Policies you have signed, newest first").locator("tbody tr")
    expect(signed).to_have_count(10)
    expect(signed.first).to_contain_text("Email Policy")
    expect(signed.first).to_contain_text("2026")
    assert fits_the_screen(phone)
    assert accessibility_violations(phone) == []

    phone.get_by_role("link", name="Show all my sign-offs (60)").click()
    expect(phone.get_by_role("heading", name="All my sign-offs")).to_be_visible()
    expect(phone.get_by_text("You have signed 60 times.")).to_be_visible()
    rows = phone.locator("table tbody tr")
    expect(rows).to_have_count(50)
    expect(rows.first).to_contain_text("Acceptable Use Policy")  # A to Z
    expect(phone.get_by_role("navigation", name="Pages")).to_contain_text("Page 1 of 2")
    assert fits_the_screen(phone)
    assert accessibility_violations(phone) == []

    phone.get_by_role("link", name="Next").click()
    expect(phone.get_by_role("navigation", name="Pages")).to_contain_text("Page 2 of 2")
    expect(rows).to_have_count(10)
    expect(rows.last).to_contain_text("Email Policy")
    expect(rows.last).to_contain_text("2007")
    phone.get_by_role("link", name="View receipt for Email Policy, version 1.0").last.click()
    expect(phone.get_by_text("signed the Email Policy, version 1.0")).to_be_visible()
    assert phone.url.endswith(f"/my/sign-offs/{made[19].pk}/")


def test_a_policy_pdf_downloaded_twice_is_rendered_once(page, world):
    policy = published_policy(title="Email Policy", body="## 1. Phishing\n\n1.1 Report it.")
    sign_in(page, "staff@school.example", world.password)
    files = []
    for _ in range(2):
        page.goto(policy.get_absolute_url())
        with page.expect_download() as download:
            page.get_by_role("link", name="Download PDF of version 1.0").click()
        files.append(open(download.value.path(), "rb").read())
    assert files[0].startswith(b"%PDF") and files[0] == files[1]
    assert VersionPdf.objects.filter(version=policy.current_version).exists()
