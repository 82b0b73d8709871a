"""Policy PDFs: what a board would file, read back with pypdf."""

import datetime
import io
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from documents import rendering
from policies.models import PolicyVersion
from policies.services import publish_version
from tests.factories import CommitteeFactory, PolicyFactory, VersionFactory, published_policy

BODY = "\n\n".join(f"## {n}. Section {n}\n\n{n}.1 " + "Staff must follow this clause carefully. " * 40
                   for n in range(1, 16))


def read(path) -> PdfReader:
    return PdfReader(str(path))


def text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def email_policy(world):
    board = CommitteeFactory(name="Trust Board", organisation=world.trust)
    policy = PolicyFactory(title="Email Policy", organisation=world.trust)
    first = VersionFactory(policy=policy, label="1.0", committee=board, reason="New policy",
                           approved_on=datetime.date(2022, 7, 12), body="## 1. Old\n\n1.1 Old text.")
    publish_version(first, on=datetime.date(2022, 7, 12))
    current = VersionFactory(policy=policy, label="1.1", committee=board, reason="Periodic review",
                             approved_on=datetime.date(2024, 9, 10), effective_on=datetime.date(2024, 9, 10),
                             next_review_on=datetime.date(2026, 9, 1), body=BODY)
    publish_version(current, on=current.effective_on)
    policy.refresh_from_db()
    return policy


@pytest.mark.slow  # renders with WeasyPrint
def test_cover_version_table_and_page_numbers(email_policy):
    reader = read(rendering.policy_pdf(email_policy.current_version))
    first = reader.pages[0].extract_text()
    assert "Test Learning Trust" in first
    assert "Email Policy" in first
    assert "10 September 2024 by the Trust Board" in first
    assert "Next review September 2026" in first
    pages = len(reader.pages)
    assert pages >= 5
    assert f"Version 1.1 · Page 1 of {pages}" in first
    assert f"Version 1.1 · Page {pages} of {pages}" in reader.pages[-1].extract_text()
    whole = text(reader)
    assert "Version history" in whole and "12 Jul 2022 (Trust Board)" in whole and "Periodic review" in whole


@pytest.mark.slow  # renders with WeasyPrint
def test_running_header_contents_and_numbered_sections(email_policy):
    reader = read(rendering.policy_pdf(email_policy.current_version))
    assert "Email Policy Test Learning Trust" in reader.pages[2].extract_text()  # running header
    whole = text(reader)
    assert "Contents" in whole
    assert "15. Section 15" in whole
    assert "Related policies" in whole and "Legislation and guidance" in whole


@pytest.mark.slow  # renders with WeasyPrint
def test_headings_become_bookmarks_and_the_language_is_set(email_policy):
    reader = read(rendering.policy_pdf(email_policy.current_version))
    titles = []
    for item in reader.outline:
        titles.extend(sub.title for sub in item) if isinstance(item, list) else titles.append(item.title)
    assert "Email Policy" in titles
    assert "1. Section 1" in titles
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def drawn_text(page) -> str:
    """The page's text runs in drawing order (the watermark, drawn under the
    text, is not interleaved with it as layout extraction would)."""
    runs: list[str] = []
    page.extract_text(visitor_text=lambda text, *args: runs.append(text))
    return "".join(runs)


@pytest.mark.slow  # renders with WeasyPrint
def test_a_draft_is_watermarked_on_every_page(world, email_policy):
    draft = VersionFactory(policy=email_policy, label="2.0", status=PolicyVersion.Status.DRAFT, body=BODY)
    reader = read(rendering.policy_pdf(draft))
    assert len(reader.pages) > 3
    assert all("DRAFT — not approved" in drawn_text(page) for page in reader.pages)


@pytest.mark.slow  # renders with WeasyPrint
def test_an_approved_version_has_no_watermark(email_policy):
    assert "DRAFT" not in text(read(rendering.policy_pdf(email_policy.current_version)))


@pytest.mark.slow  # renders with WeasyPrint
def test_a_superseded_version_says_so(email_policy):
    old = email_policy.versions.get(label="1.0")
    assert "Superseded on 10 September 2024" in read(rendering.policy_pdf(old)).pages[0].extract_text()


@pytest.mark.slow  # renders with WeasyPrint
def test_second_download_is_a_file_read(email_policy, monkeypatch):
    first = rendering.policy_pdf(email_policy.current_version)

    def no_rendering(html):
        raise AssertionError("rendered again")

    monkeypatch.setattr(rendering, "html_to_pdf", no_rendering)
    assert rendering.policy_pdf(email_policy.current_version) == first


@pytest.mark.slow  # renders with WeasyPrint
def test_superseding_a_version_renders_it_afresh(email_policy):
    current = email_policy.current_version
    before = rendering.policy_pdf(current)
    publish_version(VersionFactory(policy=email_policy, label="2.0", body="## 1. New"))
    current.refresh_from_db()
    after = rendering.policy_pdf(current)
    assert after != before
    assert "Superseded on" in read(after).pages[0].extract_text()


@pytest.mark.parametrize("title,body", [
    ("Empty Policy", ""),
    ("Politique de sécurité — Ærø ✓ Ω", "## 1. Überblick\n\n1.1 Zażółć gęślą jaźń — ✓ 安全."),
    ("Huge Table Policy", "## 1. Contacts\n\n| Name | Role | Phone |\n|---|---|---|\n"
     + "\n".join(f"| Person {n} | Role {n} | 0100 {n:04d} |" for n in range(400))),
])
@pytest.mark.slow  # renders with WeasyPrint
def test_awkward_documents_still_make_valid_pdfs(world, title, body):
    policy = published_policy(title=title, body=body)
    reader = read(rendering.policy_pdf(policy.current_version))
    assert len(reader.pages) >= 1
    assert title.split()[0] in reader.pages[0].extract_text()


@pytest.mark.slow  # renders with WeasyPrint
def test_a_long_table_repeats_its_header_on_each_page(world):
    body = "## 1. Contacts\n\n| Name | Role |\n|---|---|\n" + "\n".join(f"| P{n} | R{n} |" for n in range(300))
    reader = read(rendering.policy_pdf(published_policy(body=body).current_version))
    table_pages = [p.extract_text() for p in reader.pages if "P150" in p.extract_text() or "P299" in p.extract_text()]
    assert table_pages and all("Name Role" in page for page in table_pages)


@pytest.mark.slow  # renders with WeasyPrint
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed (.ci/run)")
def test_a_rendered_page_is_not_blank(email_policy, tmp_path):
    from PIL import Image

    pdf = rendering.policy_pdf(email_policy.current_version)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    dark = sum(image.histogram()[:128])  # pixels darker than mid-grey
    assert dark > 500


@pytest.mark.slow  # renders with WeasyPrint
def test_a_full_disk_is_a_clear_error_and_leaves_nothing_half_written(email_policy, monkeypatch, signed_in, world):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(rendering.os, "fsync", full)
    response = signed_in(world.staff).get(
        reverse("documents:version_pdf", args=[email_policy.slug, email_policy.current_version.label])
    )
    assert response.status_code == 503
    assert "The PDF could not be saved (No space left on device)." in response.content.decode()
    assert not list(rendering.cache_dir().glob("*"))


@pytest.mark.slow  # renders with WeasyPrint
def test_staff_download_a_published_version(email_policy, signed_in, world):
    response = signed_in(world.staff).get(reverse("documents:version_pdf", args=[email_policy.slug, "1.1"]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_staff_cannot_download_a_draft(email_policy, signed_in, world):
    VersionFactory(policy=email_policy, label="2.0", status=PolicyVersion.Status.DRAFT)
    assert signed_in(world.staff).get(reverse("documents:version_pdf", args=[email_policy.slug, "2.0"])
                                      ).status_code == 404


@pytest.mark.slow  # renders with WeasyPrint
def test_public_pdf_only_for_public_policies(client, world):
    public = published_policy(title="Behaviour Policy", is_public=True)
    private = published_policy(title="Internal Policy")
    assert client.get(reverse("documents:public_pdf", args=[public.slug])).status_code == 200
    assert client.get(reverse("documents:public_pdf", args=[private.slug])).status_code == 404


@pytest.mark.slow  # renders with WeasyPrint
def test_export_pdf_command(email_policy, tmp_path):
    out = io.StringIO()
    call_command("export_pdf", email_policy.slug, "--version", "1.0", "--output", str(tmp_path / "x.pdf"), stdout=out)
    assert "Email Policy, version 1.0" in out.getvalue()
    assert read(tmp_path / "x.pdf").pages[0].extract_text().count("Superseded on") == 1
    call_command("export_pdf", "--all", "--output", str(tmp_path / "all"), stdout=out)
    assert (tmp_path / "all" / f"{email_policy.slug}-v1.1.pdf").exists()
    assert out.getvalue().strip().endswith("exported: 1")


def test_export_pdf_refuses_an_unknown_policy(world, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No policy with the slug 'nope'"):
        call_command("export_pdf", "nope", "--output", str(tmp_path / "x.pdf"))
