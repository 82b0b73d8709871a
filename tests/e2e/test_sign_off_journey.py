"""A new starter follows the emailed link on a phone, reads, signs and sees
the receipt; HR records a paper sign-off and imports staff."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from acknowledgements.models import SignOff
from tests.e2e.conftest import sign_in
from tests.factories import PersonFactory, published_policy, sign_off_rule

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BODY = "## 1. Phishing\n\n1.1 Report phishing to the IT service desk.\n\n## 2. Passwords\n\n2.1 Never share them."


@pytest.fixture
def pack(world):
    for title in ["Email Policy", "Data Protection Policy"]:
        sign_off_rule(published_policy(title=title, organisation=world.trust, body=BODY))
    from acknowledgements.services import sync_obligations

    starter = PersonFactory(first_name="Nia", last_name="New", email="nia.new@school.example", user=None,
                            schools=[world.north], job_title="Teaching Assistant")
    sync_obligations()
    return starter


def test_new_starter_signs_on_a_phone_from_the_emailed_link(phone, world, pack):
    phone.goto("/accounts/login/")
    phone.get_by_role("link", name="Email me a sign-in link").click()
    phone.get_by_label("Work email").fill("nia.new@school.example")
    phone.get_by_role("button", name="Send link").click()
    expect(phone.get_by_role("status")).to_contain_text("a sign-in link is on its way")
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    phone.goto(link)
    phone.get_by_role("button", name="Continue").click()  # the link's page; only its Continue signs in
    expect(phone.get_by_role("heading", name="My policies")).to_be_visible()
    expect(phone.get_by_text("You have 2 policies to read and sign")).to_be_visible()
    phone.get_by_role("link", name="Read and sign the Email Policy").click()
    expect(phone.get_by_text("1.1 Report phishing to the IT service desk.")).to_be_visible()
    phone.get_by_label("I confirm that I have read and understood the Email Policy, version 1.0.").check()
    phone.get_by_role("button", name="Sign", exact=True).click()
    expect(phone.get_by_role("heading", name="Sign-off receipt")).to_be_visible()
    expect(phone.get_by_role("status")).to_contain_text("Nia New signed the Email Policy, version 1.0.")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Download receipt").click()
    assert "sign-off-" in download.value.suggested_filename
    phone.get_by_role("link", name="Back to my policies").click()
    expect(phone.get_by_text("You have 1 policy to read and sign")).to_be_visible()
    assert SignOff.objects.filter(person=pack).count() == 1


def test_signing_works_by_keyboard_alone(page, world, pack):
    sign_in(page, "staff@school.example", world.password)
    page.goto(f"/my/sign/{_slug_of('Email Policy')}/")
    page.get_by_label(re.compile("I confirm that I have read and understood")).focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Sign-off receipt")).to_be_visible()


def test_the_sign_page_has_no_accessibility_violations(page, world, pack):
    from axe_playwright_python.sync_playwright import Axe

    sign_in(page, "staff@school.example", world.password)
    page.goto(f"/my/sign/{_slug_of('Email Policy')}/")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_hr_records_a_paper_sign_off(page, world, pack):
    sign_in(page, "hr.north@school.example", world.password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff").click()
    page.get_by_role("link", name="Nia New").click()
    page.get_by_role("link", name="Record a paper sign-off").click()
    page.get_by_label("Policy and version signed").select_option(label="Email Policy, version 1.0")
    page.get_by_label("Date on the signed form").fill("2026-09-03")
    page.get_by_role("button", name="Record sign-off").click()
    expect(page.get_by_role("status")).to_contain_text("Paper sign-off recorded for Nia New.")
    expect(page.get_by_role("table", name="Sign-offs", exact=True)).to_contain_text("Paper form recorded by HR")


def test_hr_imports_a_staff_csv(page, world, tmp_path):
    csv = tmp_path / "staff.csv"
    csv.write_text("First name,Last name,Email,School,Staff group\nAnn,Lee,ann@school.example,north,teaching\n")
    sign_in(page, "hr@school.example", world.password)
    page.goto("/people/")
    page.get_by_role("link", name="Import staff CSV").click()
    page.get_by_label("Staff CSV file").set_input_files(str(csv))
    page.get_by_role("button", name="Check file").click()
    expect(page.get_by_role("status")).to_contain_text("1 new, 0 updated, 0 unchanged")
    page.get_by_role("button", name="Import staff").click()
    expect(page.get_by_role("link", name="Ann Lee")).to_be_visible()


def _slug_of(title: str) -> str:
    from policies.models import Policy

    return Policy.objects.get(title=title).slug
