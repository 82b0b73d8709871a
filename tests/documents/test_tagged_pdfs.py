"""Every PDF the portal makes is tagged for accessibility (PDF/UA-1): a
language, a title shown in the window, and a structure a screen reader
follows. pdfinfo (Debian's poppler-utils) is the judge, as a reader's tools
would be."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse

from documents import rendering
from policies.models import Policy
from tests.documents.certificate_data import assert_tagged, at, link_of, sign_off
from tests.factories import published_policy, sign_off_rule


@pytest.mark.slow  # loads the demo trust and renders every policy with WeasyPrint
def test_export_all_writes_a_tagged_pdf_with_its_title_for_every_policy_of_the_demo_trust(db, tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("export_pdf", "--all", "--output", str(tmp_path / "pdfs"), stdout=out)
    policies = Policy.objects.filter(current_version__isnull=False).select_related("current_version")
    written = sorted((tmp_path / "pdfs").glob("*.pdf"))
    assert len(written) == policies.count() >= 8
    assert out.getvalue().splitlines()[-1] == f"exported: {len(written)}"
    for policy in policies:
        path = tmp_path / "pdfs" / f"{policy.slug}-v{policy.current_version.label}.pdf"
        assert_tagged(path, f"{policy.title}, version {policy.current_version.label}")


@pytest.mark.slow  # renders with WeasyPrint
def test_the_pack_and_the_sign_off_record_are_tagged_with_their_titles(world, signed_in, tmp_path):
    sign_off_rule(published_policy(title="Email Policy"))
    pack = tmp_path / "pack.pdf"
    pack.write_bytes(rendering.pack_pdf(world.staff, list(world.staff.obligations.all())))
    assert_tagged(pack, "Policies to read and sign: Sam Staff")
    version = Policy.objects.get(title="Email Policy").current_version
    link_of(sign_off(world.staff, version, signed_at=at(2026, 3, 3, 9, 20)), trust=world.trust)
    record = tmp_path / "record.pdf"
    response = signed_in(world.school_hr).get(reverse("documents:person_record", args=[world.staff.pk]))
    record.write_bytes(response.content)
    assert_tagged(record, "Sign-off record: Sam Staff")


@pytest.mark.slow  # renders with WeasyPrint twice
def test_a_policy_pdf_cached_before_tagging_is_made_again(world, monkeypatch):
    version = published_policy(title="Email Policy").current_version
    tagged = rendering.html_to_pdf
    monkeypatch.setattr(rendering, "TEMPLATE_VERSION", rendering.TEMPLATE_VERSION - 1)
    monkeypatch.setattr(rendering, "html_to_pdf", lambda html: b"%PDF-1.4 untagged, as cached before issue 19")
    old = rendering.policy_pdf(version)
    monkeypatch.undo()
    assert rendering.html_to_pdf is tagged
    fresh = rendering.policy_pdf(Policy.objects.get(pk=version.policy_id).current_version)
    assert fresh != old
    assert_tagged(fresh, "Email Policy, version 1.0")


class _Structure(HTMLParser):
    """Headings, tables and header cells of the portal's own markup (a policy's
    text, inside <article>, is the policy owner's: its tables are checked for
    header scopes only)."""

    def __init__(self):
        super().__init__()
        self.headings: list[int] = []
        self.tables = self.captions = 0
        self.cells_without_scope: list[str] = []
        self.in_article = 0
        self.lang = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "article":
            self.in_article += 1
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "table" and not self.in_article:
            self.tables += 1
        if tag == "caption" and not self.in_article:
            self.captions += 1
        if tag == "th" and "scope" not in attrs:
            self.cells_without_scope.append(self.getpos())

    def handle_endtag(self, tag):
        if tag == "article":
            self.in_article -= 1


def structure(html: str) -> _Structure:
    parsed = _Structure()
    parsed.feed(html)
    return parsed


def assert_well_structured(html: str) -> None:
    parsed = structure(html)
    assert parsed.lang == "en-GB"
    assert parsed.headings[0] == 1
    skipped = [(a, b) for a, b in zip(parsed.headings, parsed.headings[1:], strict=False) if b > a + 1]
    assert not skipped, f"a heading level is skipped: {skipped}"
    assert parsed.tables == parsed.captions > 0
    assert not parsed.cells_without_scope


BODY_WITH_TABLE = "## 1. Contacts\n\n| Role | Name |\n| --- | --- |\n| DPO | Ann |\n\n### 1.1 Out of hours\n\nCall."


def test_a_policys_pdf_markup_has_headings_in_order_and_tables_with_captions_and_scopes(world):
    version = published_policy(title="Email Policy", body=BODY_WITH_TABLE).current_version
    document = rendering.policy_document(version)
    from django.template.loader import render_to_string

    html = render_to_string("documents/policy.html", document.context)
    assert_well_structured(html)
    assert '<th scope="col">Role</th>' in html  # the policy's own table too


def test_the_pack_and_record_markup_have_headings_in_order_and_tables_with_captions_and_scopes(world):
    from django.template.loader import render_to_string
    from django.utils import timezone

    sign_off_rule(published_policy(title="Email Policy", body=BODY_WITH_TABLE))
    documents = [rendering.policy_document(o.version) for o in world.staff.obligations.all()]
    assert_well_structured(render_to_string("documents/pack.html", {
        "person": world.staff, "documents": documents, "today": timezone.localdate()}))
    sign_off(world.staff, documents[0].version, signed_at=at(2026, 3, 3, 9, 20))
    assert_well_structured(rendering.record_html(world.staff))
