"""When the database goes away mid-request, people see a 503 saying to try
again (with Retry-After), not a traceback; other failures are a plain 500."""

from unittest import mock

import pytest
from django.db import OperationalError, ProgrammingError
from django.test import Client


@pytest.fixture
def client_seeing_errors(settings):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_a_lost_database_connection_is_a_503_to_try_again(world, client_seeing_errors):
    client_seeing_errors.force_login(world.staff.user)
    lost = OperationalError("server closed the connection unexpectedly")
    with mock.patch("acknowledgements.views.selectors.owed_sign_offs", side_effect=lost):
        response = client_seeing_errors.get("/my/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "back in a moment" in page and "Traceback" not in page and "server closed" not in page


@pytest.mark.django_db
def test_a_refused_connection_while_signing_in_is_a_503(client_seeing_errors):
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.load",
                    side_effect=OperationalError('connection to server at "127.0.0.1" failed: Connection refused')):
        client_seeing_errors.cookies["sessionid"] = "x" * 32
        response = client_seeing_errors.get("/my/")
    assert response.status_code == 503


@pytest.mark.django_db
def test_any_other_failure_is_a_plain_500(world, client_seeing_errors):
    client_seeing_errors.force_login(world.staff.user)
    with mock.patch("acknowledgements.views.selectors.owed_sign_offs", side_effect=ProgrammingError("bad SQL")):
        response = client_seeing_errors.get("/my/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "bad SQL" not in response.content.decode()
