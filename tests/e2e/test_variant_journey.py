"""Documents per audience, in the browser: a volunteer owes and signs Annex A
of the safeguarding policy (the sign page and the receipt name it, the
sign-off pins the annex's hash) on a phone; a teacher signs the full text; HR's
outstanding CSV names the variant a contractor still owes; the policy owner
writes a draft's variant on the variants pages."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from acknowledgements.models import SignOff
from acknowledgements.services import sync_obligations
from approvals.services import start_draft
from people.models import StaffGroup
from policies.models import PolicyVersion, content_hash
from tests.e2e.conftest import sign_in
from tests.factories import PersonFactory
from tests.policies.variant_world import ANNEX_TEXT, ANNEX_TITLE, FULL_TEXT, safeguarding_with_annex

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STATEMENT = "I confirm that I have read and understood the Safeguarding Policy, version 1.0."
# The volunteer confirms the words they read: the statement names the annex.
ANNEX_STATEMENT = f"I confirm that I have read and understood the Safeguarding Policy, version 1.0 ({ANNEX_TITLE})."
FITS_THE_SCREEN = "document.scrollingElement.scrollWidth <= Math.min(window.innerWidth, screen.width)"


@pytest.fixture
def safeguarding(world):
    """Val volunteers at North, Colin is a contractor there; Sam Staff teaches."""
    PersonFactory(first_name="Val", last_name="Volunteer", email="val@school.example",
                  staff_group=StaffGroup.VOLUNTEER, job_title="Reading volunteer", schools=[world.north])
    PersonFactory(first_name="Colin", last_name="Contractor", email="colin@school.example",
                  staff_group=StaffGroup.CONTRACTOR, job_title="Electrician", schools=[world.north])
    policy = safeguarding_with_annex(world.trust, owner=world.owner)
    sync_obligations()
    return policy


def test_a_volunteer_signs_the_annex_on_a_phone_and_the_receipt_names_it(phone, world, safeguarding):
    sign_in(phone, "val@school.example", world.password)
    phone.goto("/my/")
    expect(phone.get_by_text(f"For your role: {ANNEX_TITLE}")).to_be_visible()
    phone.get_by_role("link", name="Read and sign the Safeguarding Policy").click()

    expect(phone.get_by_role("note")).to_have_text(
        f"You are reading {ANNEX_TITLE}, the version of this policy for your role.")
    expect(phone.get_by_text("1.1 Wear your visitor badge at all times.")).to_be_visible()
    expect(phone.get_by_text("the same day, in writing")).to_have_count(0)
    assert phone.evaluate(FITS_THE_SCREEN), "the sign page is wider than the phone"
    phone.get_by_label(ANNEX_STATEMENT).check()
    phone.get_by_role("button", name="Sign", exact=True).click()

    expect(phone.get_by_role("heading", name="Sign-off receipt")).to_be_visible()
    expect(phone.get_by_text(f"{ANNEX_TITLE}, the version of this policy for their role")).to_be_visible()
    assert phone.evaluate(FITS_THE_SCREEN), "the receipt is wider than the phone"
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Download receipt").click()
    assert f"Text signed:         {ANNEX_TITLE}" in download.value.path().read_text(encoding="utf-8")
    sign_off = SignOff.objects.get(person__email="val@school.example")
    assert sign_off.variant.key == "annex-a"
    assert sign_off.statement == ANNEX_STATEMENT
    assert sign_off.content_hash == content_hash(ANNEX_TEXT) != safeguarding.current_version.content_hash


def test_a_teacher_signs_the_full_text(page, world, safeguarding):
    sign_in(page, "staff@school.example", world.password)
    page.goto("/my/")
    expect(page.get_by_text("For your role")).to_have_count(0)
    page.get_by_role("link", name="Read and sign the Safeguarding Policy").click()
    expect(page.get_by_text("2.1 Tell the designated safeguarding lead the same day, in writing.")).to_be_visible()
    expect(page.get_by_text("You are reading")).to_have_count(0)
    page.get_by_label(STATEMENT).check()
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_role("heading", name="Sign-off receipt")).to_be_visible()
    expect(page.get_by_text("the version of this policy for their role")).to_have_count(0)
    sign_off = SignOff.objects.get(person=world.staff)
    assert sign_off.variant is None
    assert sign_off.content_hash == content_hash(FULL_TEXT) == safeguarding.current_version.content_hash


def test_hrs_outstanding_list_and_csv_name_the_variant(page, world, safeguarding):
    sign_in(page, "hr@school.example", world.password)
    page.goto("/reports/outstanding/")
    row = page.get_by_role("row").filter(has_text="Colin Contractor")
    expect(row.get_by_role("cell").filter(has_text=ANNEX_TITLE)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    rows = {row["email"]: row for row in csv.DictReader(io.StringIO(download.value.path().read_text("utf-8")))}
    assert rows["colin@school.example"]["variant"] == ANNEX_TITLE
    assert rows["val@school.example"]["variant"] == ANNEX_TITLE
    assert rows["staff@school.example"]["variant"] == ""


def test_the_owner_writes_a_drafts_variant_on_the_variants_pages(page, world, safeguarding):
    start_draft(safeguarding, by=world.owner, is_major=True)
    sign_in(page, "head.it@school.example", world.password)
    page.goto(f"/policies/{safeguarding.slug}/")
    page.get_by_role("link", name="Continue draft 2.0").click()
    page.get_by_role("link", name="Variants for audiences: 1 variant").click()
    expect(page.get_by_role("heading", name=ANNEX_TITLE)).to_be_visible()

    page.get_by_label("Key").fill("annex-b")
    page.get_by_label("Title").fill("Annex B: for visiting coaches")
    page.get_by_label("Text").fill("## 1. Changing rooms\n\n1.1 Never be alone with a pupil in a changing room.")
    page.get_by_role("button", name="Add variant").click()
    expect(page.get_by_role("status").first).to_contain_text("Variant “Annex B: for visiting coaches” added")
    expect(page.get_by_role("heading", name="Annex B: for visiting coaches")).to_be_visible()

    page.get_by_label("Key").fill("annex-b")
    page.get_by_label("Title").fill("Twice")
    page.get_by_label("Text").fill("Twice")
    page.get_by_role("button", name="Add variant").click()
    expect(page.get_by_role("alert")).to_contain_text("This draft already has a variant with the key “annex-b”")

    page.get_by_role("link", name=f"Edit {ANNEX_TITLE}").click()
    page.get_by_label("Text").fill(ANNEX_TEXT.replace("at all times", "while on site"))
    page.get_by_role("button", name="Save variant").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Variant “{ANNEX_TITLE}” saved.")

    page.get_by_role("link", name="Back to the draft").click()
    expect(page.get_by_text("This version adds the variant “Annex B: for visiting coaches”")).to_be_visible()
    expect(page.locator(".redline__variant ins").filter(has_text="while on site")).to_be_visible()
    draft = safeguarding.versions.get(status=PolicyVersion.Status.DRAFT)
    assert sorted(draft.variants.values_list("key", flat=True)) == ["annex-a", "annex-b"]


def test_the_variants_page_fits_a_phone(phone, world, safeguarding):
    start_draft(safeguarding, by=world.owner, is_major=True)
    sign_in(phone, "head.it@school.example", world.password)
    phone.goto(f"/policies/{safeguarding.slug}/variants/")
    expect(phone.get_by_role("heading", name="Add a variant")).to_be_visible()
    assert phone.evaluate(FITS_THE_SCREEN), "the variants page is wider than the phone"
    phone.get_by_role("link", name=f"Edit {ANNEX_TITLE}").click()
    expect(phone.get_by_role("button", name="Save variant")).to_be_visible()
    assert phone.evaluate(FITS_THE_SCREEN), "the variant's edit page is wider than the phone"
