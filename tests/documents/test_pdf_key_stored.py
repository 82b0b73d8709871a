"""An approved version's PDF key is stored with it when first rendered, so a
cached PDF costs the version's own query and a file read (issue 18, part 5);
and every input of the key is still honoured: changing it gives a new PDF.

WeasyPrint is replaced by a stand-in that writes the HTML it was given, so
each test reads what the "PDF" would show without the seconds a real render
takes (tests/documents/test_policy_pdf.py renders real ones)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from documents import rendering
from documents.models import VersionPdf
from documents.views import VERSION_WITH_PDF
from people.models import Organisation
from policies.models import Legislation, Policy, PolicyVersion, RelatedPolicyName
from policies.services import publish_version
from tests.factories import CommitteeFactory, PolicyFactory, VersionFactory, published_policy


@pytest.fixture(autouse=True)
def renders(monkeypatch) -> list[str]:
    """Every HTML handed to the PDF renderer; the "PDF" is that HTML."""
    seen: list[str] = []

    def html_to_pdf(html: str) -> bytes:
        seen.append(html)
        return html.encode()

    monkeypatch.setattr(rendering, "html_to_pdf", html_to_pdf)
    return seen


@pytest.fixture
def email_policy(world) -> Policy:
    board = CommitteeFactory(name="Trust Board", short_name="", organisation=world.trust)
    policy = PolicyFactory(title="Email Policy", organisation=world.trust)
    first = VersionFactory(policy=policy, label="1.0", committee=board, approved_on=datetime.date(2022, 7, 12))
    publish_version(first, on=datetime.date(2022, 7, 12))
    current = VersionFactory(policy=policy, label="1.1", committee=board, reason="Periodic review",
                             approved_on=datetime.date(2024, 9, 10))
    publish_version(current, on=datetime.date(2024, 9, 10))
    policy.refresh_from_db()
    return policy


def download(version: PolicyVersion) -> str:
    """The version's PDF as the download view reads it: one query for the version."""
    return rendering.policy_pdf(VERSION_WITH_PDF.get(pk=version.pk)).read_text()


def current(policy: Policy) -> PolicyVersion:
    return Policy.objects.get(pk=policy.pk).current_version


# ---------------------------------------------------------------- the stored key


def test_the_first_download_stores_the_key_the_next_is_a_file_read(email_policy, renders):
    version = email_policy.current_version
    first = rendering.policy_pdf(VERSION_WITH_PDF.get(pk=version.pk))
    stored = VersionPdf.objects.get(version=version)
    assert first.name == f"policy-{stored.key}.pdf"
    assert rendering.policy_pdf(VERSION_WITH_PDF.get(pk=version.pk)) == first
    assert len(renders) == 1


def test_a_cached_pdf_costs_the_versions_query_through_the_view(email_policy, signed_in, world,
                                                               django_assert_num_queries):
    client = signed_in(world.staff)
    url = reverse("documents:version_pdf", args=[email_policy.slug, "1.1"])
    client.get(url)  # renders and stores the key
    with django_assert_num_queries(3):  # the session, the user, the version with its stored key
        response = client.get(url)
    assert b"".join(response.streaming_content).startswith(b"<!doctype html>")


def test_a_cached_public_pdf_costs_the_versions_query(email_policy, client, django_assert_num_queries):
    Policy.objects.filter(pk=email_policy.pk).update(is_public=True)
    url = reverse("documents:public_pdf", args=[email_policy.slug])
    client.get(url)
    with django_assert_num_queries(1):
        response = client.get(url)
    assert b'<td class="running-version">1.1</td>' in b"".join(response.streaming_content)


def test_the_public_pdf_is_the_current_version_of_a_public_policy_only(email_policy, client):
    url = reverse("documents:public_pdf", args=[email_policy.slug])
    assert client.get(url).status_code == 404
    Policy.objects.filter(pk=email_policy.pk).update(is_public=True)
    assert client.get(url).status_code == 200
    Policy.objects.filter(pk=email_policy.pk).update(current_version=None)
    assert client.get(url).status_code == 404


def test_a_draft_is_never_stored_and_its_changed_text_is_a_new_pdf(email_policy, renders):
    draft = VersionFactory(policy=email_policy, label="2.0", status=PolicyVersion.Status.DRAFT,
                           body="## 1. Draft\n\n1.1 First words.")
    assert "First words." in download(draft)
    draft.body = "## 1. Draft\n\n1.1 Second words."
    draft.save()
    assert "Second words." in download(draft)
    assert not VersionPdf.objects.filter(version=draft).exists()
    assert len(renders) == 2


def test_a_stored_key_whose_file_has_gone_renders_again(email_policy, renders):
    version = email_policy.current_version
    path = rendering.policy_pdf(VERSION_WITH_PDF.get(pk=version.pk))
    path.unlink()
    assert rendering.policy_pdf(VERSION_WITH_PDF.get(pk=version.pk)) == path
    assert path.exists() and len(renders) == 2


def test_a_full_disk_on_the_first_download_leaves_nothing_served_and_the_next_renders(email_policy, monkeypatch,
                                                                                       signed_in, world):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(rendering.os, "fsync", full)
    client = signed_in(world.staff)
    url = reverse("documents:version_pdf", args=[email_policy.slug, "1.1"])
    assert client.get(url).status_code == 503
    monkeypatch.undo()
    monkeypatch.setattr(rendering, "html_to_pdf", lambda html: html.encode())
    response = client.get(url)
    assert response.status_code == 200 and b"Email Policy" in b"".join(response.streaming_content)


def test_export_pdf_uses_and_stores_the_key(email_policy, tmp_path, renders):
    call_command("export_pdf", email_policy.slug, "--output", str(tmp_path / "x.pdf"), stdout=io.StringIO())
    call_command("export_pdf", "--all", "--output", str(tmp_path / "all"), stdout=io.StringIO())
    assert "Email Policy" in (tmp_path / "all" / f"{email_policy.slug}-v1.1.pdf").read_text()
    assert VersionPdf.objects.filter(version=email_policy.current_version).exists()
    assert len(renders) == 1


# ---------------------------------------------------------------- every input honoured


def test_bumping_the_template_version_renders_every_pdf_afresh(email_policy, monkeypatch, renders):
    before = rendering.policy_pdf(VERSION_WITH_PDF.get(pk=email_policy.current_version.pk))
    monkeypatch.setattr(rendering, "TEMPLATE_VERSION", rendering.TEMPLATE_VERSION + 1)
    after = rendering.policy_pdf(VERSION_WITH_PDF.get(pk=email_policy.current_version.pk))
    assert after != before and len(renders) == 2


def test_renaming_the_trust_is_a_new_pdf(email_policy, world):
    download(email_policy.current_version)
    world.trust.name = "Oakfield Learning Trust"
    world.trust.save()
    assert "Oakfield Learning Trust" in download(email_policy.current_version)


def test_renaming_the_trust_without_signals_is_still_a_new_pdf(email_policy, world):
    download(email_policy.current_version)
    Organisation.objects.filter(pk=world.trust.pk).update(name="Oakfield Learning Trust")
    assert "Oakfield Learning Trust" in download(email_policy.current_version)


def test_renaming_the_policy_is_a_new_pdf(email_policy):
    download(email_policy.current_version)
    Policy.objects.filter(pk=email_policy.pk).update(title="Email and Messaging Policy")  # no signal: the stamp
    assert "Email and Messaging Policy" in download(email_policy.current_version)


def test_a_new_review_cycle_is_a_new_pdf(email_policy):
    download(email_policy.current_version)
    email_policy.review_cycle_months = 36
    email_policy.save()
    assert "Every 3 years" in download(email_policy.current_version)


def test_moving_the_policy_to_a_school_is_a_new_pdf(email_policy, world):
    download(email_policy.current_version)
    email_policy.organisation = world.north
    email_policy.save()
    assert "North Primary" in download(email_policy.current_version)


def test_superseding_the_version_is_a_new_pdf(email_policy):
    version = email_policy.current_version
    assert "Superseded on" not in download(version)
    publish_version(VersionFactory(policy=email_policy, label="2.0"), on=datetime.date(2025, 9, 1))
    assert "Superseded on 1 September 2025" in download(version)


def test_an_earlier_version_added_to_the_table_is_a_new_pdf(email_policy):
    download(current(email_policy))
    VersionFactory(policy=email_policy, label="0.9", status=PolicyVersion.Status.SUPERSEDED,
                   reason="Imported first issue", superseded_on=datetime.date(2022, 7, 12))
    assert "Imported first issue" in download(current(email_policy))


def test_renaming_the_committee_is_a_new_pdf(email_policy):
    download(current(email_policy))
    board = current(email_policy).committee
    board.short_name = "Board of Trustees"
    board.save()
    assert "(Board of Trustees)" in download(current(email_policy))


def test_linking_a_related_policy_is_a_new_pdf_and_unlinking_it_too(email_policy):
    other = published_policy(title="Acceptable Use Policy")
    download(current(email_policy))
    email_policy.related.add(other)
    assert "<li>Acceptable Use Policy</li>" in download(current(email_policy))
    other.related.remove(email_policy)  # from the other side
    assert "<li>Acceptable Use Policy</li>" not in download(current(email_policy))
    email_policy.related.add(other)
    download(current(email_policy))
    email_policy.related.clear()
    assert "<li>Acceptable Use Policy</li>" not in download(current(email_policy))


def test_renaming_a_linked_policy_is_a_new_pdf(email_policy):
    other = published_policy(title="Acceptable Use Policy")
    email_policy.related.add(other)
    download(current(email_policy))
    other.title = "Acceptable Use of IT Policy"
    other.save()
    assert "<li>Acceptable Use of IT Policy</li>" in download(current(email_policy))


def test_a_linked_policy_published_later_is_a_new_pdf(email_policy):
    other = PolicyFactory(title="Social Media Policy", organisation=email_policy.organisation)
    email_policy.related.add(other)
    assert "Social Media Policy" not in download(current(email_policy))  # not in the library yet
    publish_version(VersionFactory(policy=other))
    assert "<li>Social Media Policy</li>" in download(current(email_policy))


def test_naming_a_related_policy_is_a_new_pdf_and_removing_it_too(email_policy):
    download(current(email_policy))
    named = RelatedPolicyName.objects.create(policy=email_policy, name="Staff Code of Conduct")
    assert "<li>Staff Code of Conduct</li>" in download(current(email_policy))
    named.delete()
    assert "Staff Code of Conduct" not in download(current(email_policy))


def test_adding_legislation_is_a_new_pdf_and_removing_it_too(email_policy):
    download(current(email_policy))
    law = Legislation.objects.create(name="Data Protection Act 2018")
    email_policy.legislation.add(law)
    assert "<li>Data Protection Act 2018</li>" in download(current(email_policy))
    email_policy.legislation.remove(law)
    assert "Data Protection Act 2018" not in download(current(email_policy))
    email_policy.legislation.add(law)
    download(current(email_policy))
    email_policy.legislation.clear()
    assert "Data Protection Act 2018" not in download(current(email_policy))


def test_renaming_or_deleting_a_law_is_a_new_pdf(email_policy):
    law = Legislation.objects.create(name="Data Protection Act 2018")
    email_policy.legislation.add(law)
    download(current(email_policy))
    law.name = "Data (Use and Access) Act 2025"
    law.save()
    assert "<li>Data (Use and Access) Act 2025</li>" in download(current(email_policy))
    law.delete()
    assert "Data (Use and Access) Act 2025" not in download(current(email_policy))


def test_a_change_to_another_policy_keeps_this_ones_stored_key(email_policy, renders):
    download(current(email_policy))
    other = published_policy(title="Unrelated Policy")
    other.title = "Still Unrelated Policy"
    other.save()
    download(current(email_policy))
    assert len(renders) == 1
    assert VersionPdf.objects.filter(version=current(email_policy)).exists()
