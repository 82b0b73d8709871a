"""A new starter's pack and a person's sign-off record as PDF."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from documents import tasks
from tests.factories import PersonFactory, published_policy, sign_off_rule, view_and_sign


@pytest.fixture
def owed(world):
    for title in ["Email Policy", "Data Protection Policy"]:
        sign_off_rule(published_policy(title=title, body=f"## 1. About\n\n1.1 The {title} in brief."))


def pdf_text(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


@pytest.mark.slow  # renders with WeasyPrint
def test_the_pack_is_built_by_the_worker_then_downloaded(world, signed_in, owed, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.build_pack, "delay", lambda person_id: queued.append(person_id))
    client = signed_in(world.staff)
    waiting = client.get(reverse("documents:my_pack"))
    assert "Preparing your pack" in waiting.content.decode()
    assert queued == [world.staff.pk]
    tasks.build_pack(world.staff.pk)  # what the worker does
    response = client.get(reverse("documents:my_pack"))
    reader = pdf_text(b"".join(response.streaming_content))
    cover = reader.pages[0].extract_text()
    assert "Policies to read and sign" in cover
    assert "Data Protection Policy" in cover and "Email Policy" in cover
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert {"Data Protection Policy", "Email Policy"} <= set(titles)


@pytest.mark.slow  # renders with WeasyPrint
def test_the_pack_is_built_in_the_request_if_the_broker_is_down(world, signed_in, owed, monkeypatch):
    def down(*args):
        raise ConnectionRefusedError("Redis is down")

    monkeypatch.setattr(tasks.build_pack, "delay", down)
    response = signed_in(world.staff).get(reverse("documents:my_pack"))
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.slow  # renders with WeasyPrint
def test_the_sign_off_record_lists_versions_hashes_and_methods(world, signed_in, owed):
    from policies.models import Policy

    version = Policy.objects.get(title="Email Policy").current_version
    sign_off, _ = view_and_sign(person=world.staff, version=version)
    response = signed_in(world.staff).get(reverse("documents:my_record"))
    text = " ".join("".join(page.extract_text() for page in pdf_text(response.content).pages).split())
    assert "Sign-off record: Sam Staff" in text
    assert "Email Policy, version 1.0" in text
    assert sign_off.content_hash in text.replace(" ", "")
    assert "Signed in the browser" in text


@pytest.mark.slow  # renders with WeasyPrint
def test_hr_downloads_a_record_only_for_their_school(world, signed_in):
    other = PersonFactory(schools=[world.south])
    client = signed_in(world.school_hr)
    assert client.get(reverse("documents:person_record", args=[world.staff.pk])).status_code == 200
    assert client.get(reverse("documents:person_record", args=[other.pk])).status_code == 403


def test_staff_cannot_download_someone_elses_record(world, signed_in):
    other = PersonFactory(schools=[world.north])
    assert signed_in(world.staff).get(reverse("documents:person_record", args=[other.pk])).status_code == 403


def test_the_waiting_page_asks_the_worker_once_then_gives_up_saying_so(world, signed_in, owed, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.build_pack, "delay", lambda person_id: queued.append(person_id))
    client = signed_in(world.staff)
    pages = [client.get(reverse("documents:my_pack"), {"attempt": n}) for n in range(5)]
    assert queued == [world.staff.pk]  # not a new task on every refresh
    assert 'content="3;url=?attempt=5"' in pages[-1].content.decode()
    failed = client.get(reverse("documents:my_pack"), {"attempt": 40})
    assert failed.status_code == 503
    page = failed.content.decode()
    assert "could not be made just now" in page and "http-equiv" not in page
    assert client.get(reverse("documents:my_pack"), {"attempt": "nonsense"}).status_code == 200
