"""The upload page: check what was recognised, then save."""

import io
import re

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from policies.forms import UNSUPPORTED_FILE
from policies.models import Policy
from policies.previews import PREVIEW_INVALID
from tests.factories import published_policy

TEXT_POLICY = (
    "Mobile Phone Policy\n\n"
    "Version\t1.2\nLast Approved Date\tMarch 2025\nReview Cycle\t2 Years\nReview Date\tMarch 2027\n\n"
    "1. Introduction\n\n1.1 Staff keep phones away during lessons.\n\n"
    "2. Legislation\n\n2.1 This policy reflects the Data Protection Act 2018.\n"
)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture
def owner_client(world, signed_in):
    published_policy(title="Email Policy", owner=world.owner)  # owning a policy makes a policy owner
    return signed_in(world.owner)


def test_staff_cannot_open_the_import_page(world, signed_in):
    response = signed_in(world.staff).get(reverse("imports:upload"))
    assert response.status_code == 403
    assert "Only policy owners and governance leads can import policies." in response.content.decode()


def test_staff_cannot_post_an_import_either(world, signed_in):
    response = signed_in(world.staff).post(
        reverse("imports:upload"),
        {"document": upload("p.txt", TEXT_POLICY.encode()), "organisation": world.trust.pk},
    )
    assert response.status_code == 403
    assert not Policy.objects.filter(title="Mobile Phone Policy").exists()


def test_governance_lead_can_open_the_import_page(world, signed_in):
    assert signed_in(world.governance).get(reverse("imports:upload")).status_code == 200


def test_preview_shows_what_was_recognised_and_saves_nothing(owner_client, world):
    response = owner_client.post(
        reverse("imports:upload"),
        {"document": upload("phones.txt", TEXT_POLICY.encode()), "organisation": world.trust.pk},
    )
    page = response.content.decode()
    assert "Check what was recognised" in page
    assert "Mobile Phone Policy" in page
    assert "Data Protection Act 2018" in page
    assert "1.2" in page
    assert "This will add a new policy" in page
    assert not Policy.objects.filter(title="Mobile Phone Policy").exists()


def test_confirming_the_preview_imports_the_policy(owner_client, world):
    preview = owner_client.post(
        reverse("imports:upload"),
        {"document": upload("phones.txt", TEXT_POLICY.encode()), "organisation": world.trust.pk},
    )
    payload = re.search(r'name="payload" value="([^"]+)"', preview.content.decode()).group(1)
    response = owner_client.post(reverse("imports:upload"), {"payload": payload}, follow=True)
    policy = Policy.objects.get(title="Mobile Phone Policy")
    assert response.redirect_chain[-1][0] == policy.get_absolute_url()
    # A policy owner's import is a draft for approval, even of a new policy.
    assert "Mobile Phone Policy: new policy, draft 1.2 for approval" in response.content.decode()
    assert policy.current_version is None
    assert policy.versions.get().status == "draft"


def test_a_forged_preview_is_refused_and_saves_nothing(owner_client):
    response = owner_client.post(reverse("imports:upload"), {"payload": "forged:payload"}, follow=True)
    assert PREVIEW_INVALID in response.content.decode()
    assert Policy.objects.count() == 1


def test_an_unsupported_file_type_is_explained(owner_client, world):
    response = owner_client.post(
        reverse("imports:upload"), {"document": upload("policy.pdf", b"%PDF-1.4"), "organisation": world.trust.pk}
    )
    assert UNSUPPORTED_FILE in response.content.decode()


def test_a_broken_word_file_is_explained_and_nothing_is_saved(owner_client, world):
    response = owner_client.post(
        reverse("imports:upload"),
        {"document": upload("broken.docx", b"this is not a zip"), "organisation": world.trust.pk},
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert Policy.objects.count() == 1


def test_a_word_document_can_be_previewed(owner_client, world):
    document = docx.Document()
    document.add_heading("Lone Working Policy", level=0)
    document.add_heading("1. Purpose", level=1)
    document.add_paragraph("1.1 Staff working alone must tell someone where they are.")
    data = io.BytesIO()
    document.save(data)
    response = owner_client.post(
        reverse("imports:upload"),
        {"document": upload("lone.docx", data.getvalue()), "organisation": world.trust.pk},
    )
    assert "Lone Working Policy" in response.content.decode()
