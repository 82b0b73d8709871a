"""Uploads are limited in size and type, are never stored, and never come
back as HTML: what a document says is shown as sanitised text."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.models import ImportItem
from imports.permissions import BATCH_DENIED
from imports.saving import ALREADY_IMPORTED
from people.models import Person
from policies.models import Policy, PolicyVersion
from tests.factories import PersonFactory, published_policy
from tests.imports.correcting import form_data, read_document

pytestmark = pytest.mark.django_db

HOSTILE = b"""# Hostile Policy

## 1. Purpose

1.1 <script>alert('stolen')</script> Staff <img src=x onerror="alert(1)"> must read this.
1.2 <a href="javascript:alert(2)">Click</a> and <iframe src="https://evil.example"></iframe>.
"""


def upload(client, name: str, content: bytes, organisation):
    document = SimpleUploadedFile(name, content, content_type="text/html")
    return client.post("/policies/import/", {"document": document, "organisation": organisation.pk})


# Real markup, not the escaped text of it (which shows the reader what the document said).
DANGEROUS = ("<script>alert", "<img", "<iframe", "<a href=\"javascript:")


def test_script_in_a_document_is_shown_as_harmless_text(world, signed_in):
    client = signed_in(world.governance)
    preview = client.get(upload(client, "hostile.md", HOSTILE, world.trust).url)
    assert preview.status_code == 200
    assert "must read this" in preview.content.decode()  # the document's text beside the form
    assert [dangerous for dangerous in DANGEROUS if dangerous in preview.content.decode()] == []
    assert not Policy.objects.exists()  # the correction form writes nothing

    item = ImportItem.objects.get()
    client.post(reverse("imports:item", args=[item.pk]), form_data(item))
    page = client.get(Policy.objects.get().get_absolute_url()).content.decode()
    assert "Staff" in page and "must read this" in page
    assert "&lt;script&gt;alert(&#x27;stolen&#x27;)" in page or "&lt;script&gt;alert('stolen')" in page
    assert [dangerous for dangerous in DANGEROUS if dangerous in page] == []


@pytest.mark.parametrize("name", ["policy.html", "policy.htm", "policy.svg", "policy.exe", "policy.docx.html"])
def test_only_word_markdown_and_text_are_accepted(world, signed_in, name):
    response = upload(signed_in(world.governance), name, HOSTILE, world.trust)
    assert "Choose a Word (.docx), Markdown (.md) or text (.txt) file." in response.content.decode()
    assert not PolicyVersion.objects.exists()


def test_an_oversized_document_is_refused_with_the_limit(world, signed_in, settings):
    settings.POLICY_UPLOAD_MAX_BYTES = 1024 * 1024
    response = upload(signed_in(world.governance), "big.txt", b"a" * (1024 * 1024 + 1), world.trust)
    assert "That file is larger than 1 MB" in response.content.decode()
    assert not Policy.objects.exists()


def test_an_oversized_staff_list_is_refused(world, signed_in):
    people_before = Person.objects.count()
    csv = SimpleUploadedFile("staff.csv", b"first name,last name\n" + b"a,b\n" * (5 * 1024 * 1024 // 4 + 1))
    response = signed_in(world.trust_hr).post("/people/import/", {"file": csv})
    assert "larger than 5 MB" in response.content.decode()
    assert Person.objects.count() == people_before


def test_a_staff_list_must_be_a_csv(world, signed_in):
    html = SimpleUploadedFile("staff.html", b"<script>alert(1)</script>", content_type="text/html")
    response = signed_in(world.trust_hr).post("/people/import/", {"file": html})
    assert "Choose a CSV file (.csv)" in response.content.decode()
    assert "<script>alert(1)" not in response.content.decode()


def test_a_huge_form_post_is_refused_before_it_is_read(world, signed_in, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = signed_in(world.staff)
    client.raise_request_exception = False
    response = client.post("/accounts/link/request/", {"email": "x" * 20_000})
    assert response.status_code == 400


def test_a_schools_policy_owner_imports_only_for_their_school(world, signed_in):
    owner = PersonFactory(first_name="Nia", last_name="North", schools=[world.north])
    published_policy(title="North Behaviour Policy", organisation=world.north, owner=owner)
    client = signed_in(owner)
    page = client.get("/policies/import/").content.decode()
    assert "North Primary" in page and "South Academy" not in page and "Test Learning Trust" not in page
    response = upload(client, "south.md", b"# South Policy\n\n## 1. Purpose\n\n1.1 Text.\n", world.south)
    assert "Select a valid choice" in response.content.decode()
    assert not Policy.objects.filter(organisation=world.south).exists()


def test_a_correction_moving_the_policy_to_another_school_is_refused(world, signed_in):
    owner = PersonFactory(first_name="Nia", last_name="North", schools=[world.north])
    published_policy(title="North Behaviour Policy", organisation=world.north, owner=owner)
    item = read_document(world.north, owner, b"# South Policy\n\n## 1. Purpose\n\n1.1 Text.\n", "south.md")
    response = signed_in(owner).post(reverse("imports:item", args=[item.pk]),
                                     form_data(item, organisation=world.south.pk))
    assert "Select a valid choice" in response.content.decode()
    assert not Policy.objects.filter(organisation=world.south).exists()


def test_a_forged_post_to_someone_elses_upload_is_refused(world, signed_in):
    item = read_document(world.trust, world.governance, b"# South Policy\n\n## 1. Purpose\n\n1.1 Text.\n")
    published_policy(title="Phones Policy", owner=world.owner)  # a policy owner, who may import his own
    response = signed_in(world.owner).post(reverse("imports:item", args=[item.pk]), form_data(item))
    assert response.status_code == 403
    assert BATCH_DENIED in response.content.decode()
    assert not Policy.objects.filter(title="South Policy").exists()


def test_an_imported_document_cannot_be_imported_twice(world, signed_in):
    item = read_document(world.trust, world.governance, b"# South Policy\n\n## 1. Purpose\n\n1.1 Text.\n")
    client = signed_in(world.governance)
    client.post(reverse("imports:item", args=[item.pk]), form_data(item))
    again = client.post(reverse("imports:item", args=[item.pk]), form_data(item, title="South Policy Again"),
                        follow=True)
    assert ALREADY_IMPORTED.format(file="email.md") in again.content.decode()
    assert list(Policy.objects.values_list("title", flat=True)) == ["South Policy"]
    assert PolicyVersion.objects.count() == 1


def test_trust_governance_imports_for_the_trust_and_every_school(world, signed_in):
    page = signed_in(world.governance).get("/policies/import/").content.decode()
    assert "Test Learning Trust" in page and "North Primary" in page and "South Academy" in page
