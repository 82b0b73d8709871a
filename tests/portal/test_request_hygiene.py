"""Rules every page keeps without its view having to remember them: a NUL byte
in an address is a clear 400, not a 500 from the database; what a signed-in
person is shown is never kept in a browser or proxy cache."""

import pytest
from django.test import Client

from portal.middleware import NUL_IN_REQUEST
from tests.factories import published_policy


@pytest.fixture
def client_seeing_errors(settings):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.mark.django_db
@pytest.mark.parametrize("address", [
    "/policies/email/versions/%00/",
    "/policies/email/versions/%00/pdf/",
    "/policies/%00/",
    "/policies/?q=%00",
    "/reports/outstanding/?policy=%00",
    "/my/?x%00=1",
])
def test_a_nul_byte_in_an_address_is_a_clear_400_for_a_signed_in_person(world, client_seeing_errors, address):
    published_policy(slug="email", title="Email", organisation=world.trust)
    client_seeing_errors.force_login(world.trust_hr.user)
    response = client_seeing_errors.get(address)
    assert response.status_code == 400
    assert response.content.decode() == NUL_IN_REQUEST


@pytest.mark.django_db
def test_a_nul_byte_is_refused_before_sign_in_too(client_seeing_errors):
    response = client_seeing_errors.get("/public/policies/%00/")
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["/my/", "/my/record.pdf", "/policies/", "/reports/outstanding/"])
def test_pages_for_a_signed_in_person_are_never_stored(world, client, address):
    published_policy(slug="email", title="Email", organisation=world.trust)
    client.force_login(world.trust_hr.user)
    response = client.get(address)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_staff_pack_is_never_stored(world, client, monkeypatch):
    from documents import tasks

    monkeypatch.setattr(tasks.build_pack, "delay", lambda person_id: None)  # no real broker in this test
    published_policy(slug="email", title="Email", organisation=world.trust)
    client.force_login(world.staff.user)
    response = client.get("/my/pack.pdf")
    assert response.status_code in (200, 202)
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_public_policy_page_for_a_visitor_is_not_marked_private(world, client):
    published_policy(slug="email", title="Email", organisation=world.trust, is_public=True)
    response = client.get("/public/policies/email/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
