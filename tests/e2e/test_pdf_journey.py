"""Staff download a policy as PDF; a new starter asks for their pack."""

import pytest
from playwright.sync_api import expect

from documents import tasks
from tests.e2e.conftest import sign_in
from tests.factories import published_policy, sign_off_rule

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_download_the_policy_pdf(page, world):
    policy = published_policy(title="Email Policy", body="## 1. Phishing\n\n1.1 Report it.")
    sign_in(page, "staff@school.example", world.password)
    page.goto(policy.get_absolute_url())
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF of version 1.0").click()
    assert download.value.suggested_filename == f"{policy.slug}-v1.0.pdf"
    assert open(download.value.path(), "rb").read(4) == b"%PDF"


def test_the_pack_page_waits_for_the_worker(page, world, monkeypatch):
    sign_off_rule(published_policy(title="Email Policy"))
    monkeypatch.setattr(tasks.build_pack, "delay", lambda person_id: None)
    sign_in(page, "staff@school.example", world.password)
    page.get_by_role("link", name="Download all of them as one PDF").click()
    expect(page.get_by_role("heading", name="Preparing your pack")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Your 1 policy is being put into one PDF")


def test_the_pack_page_refreshes_itself_and_in_the_end_says_the_pack_failed(page, world, monkeypatch):
    from documents import views

    sign_off_rule(published_policy(title="Email Policy"))
    monkeypatch.setattr(tasks.build_pack, "delay", lambda person_id: None)  # a worker that never answers
    monkeypatch.setattr(views, "PACK_REFRESH_SECONDS", 0)
    monkeypatch.setattr(views, "PACK_GIVE_UP_AFTER", 3)
    sign_in(page, "staff@school.example", world.password)
    page.get_by_role("link", name="Download all of them as one PDF").click()
    expect(page.get_by_role("heading", name="Your pack could not be made just now")).to_be_visible()
    page.get_by_role("link", name="My policies").last.click()
    expect(page.get_by_role("heading", name="My policies")).to_be_visible()
