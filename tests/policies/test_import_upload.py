"""The upload page: check what was recognised on the correction form, then save."""

import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.models import ImportItem
from imports.permissions import BATCH_DENIED
from imports.upload_forms import UNSUPPORTED_FILE
from policies.models import Policy
from tests.factories import published_policy
from tests.imports.correcting import form_data

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


def upload_one(client, organisation, name="phones.txt", content: bytes | None = None):
    """Upload one document and open its correction form, as a person does."""
    content = content or TEXT_POLICY.encode()
    response = client.post(reverse("imports:upload"), {"document": upload(name, content),
                                                       "organisation": organisation.pk})
    assert response.status_code == 302
    return client.get(response.url)


def test_preview_shows_what_was_recognised_and_saves_nothing(owner_client, world):
    page = upload_one(owner_client, world.trust).content.decode()
    assert "Check and correct what was read" in page
    assert "Mobile Phone Policy" in page
    assert "Data Protection Act 2018" in page
    assert "1.2" in page
    assert "This will add a new policy" in page
    assert not Policy.objects.filter(title="Mobile Phone Policy").exists()


def test_confirming_the_preview_imports_the_policy(owner_client, world):
    upload_one(owner_client, world.trust)
    item = ImportItem.objects.get()
    response = owner_client.post(reverse("imports:item", args=[item.pk]), form_data(item), follow=True)
    policy = Policy.objects.get(title="Mobile Phone Policy")
    assert response.redirect_chain[-1][0] == policy.get_absolute_url()
    # A policy owner's import is a draft for approval, even of a new policy.
    assert "Mobile Phone Policy: new policy, draft 1.2 for approval" in response.content.decode()
    assert policy.current_version is None
    assert policy.versions.get().status == "draft"


def test_someone_elses_upload_cannot_be_confirmed_and_saves_nothing(owner_client, world, signed_in):
    upload_one(signed_in(world.governance), world.trust)
    item = ImportItem.objects.get()
    response = signed_in(world.owner).post(reverse("imports:item", args=[item.pk]), form_data(item))
    assert response.status_code == 403
    assert BATCH_DENIED in response.content.decode()
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
    response = upload_one(owner_client, world.trust, "lone.docx", data.getvalue())
    assert 'value="Lone Working Policy"' in response.content.decode()
