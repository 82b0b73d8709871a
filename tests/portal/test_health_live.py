"""/health/live/ says only that the web process answers: no database, no
broker, no session. It is the floor `make bench` and `make load` measure
every page against, so it must stay that cheap."""

from unittest import mock

import pytest
from django.db import OperationalError


@pytest.mark.django_db
def test_live_answers_ok_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_live_answers_while_the_database_is_down(client):
    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor",
                    side_effect=OperationalError("server closed")):
        response = client.get("/health/live/")
    assert response.status_code == 200


def test_live_starts_no_session_and_is_never_cached(client):
    response = client.get("/health/live/")
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"]


def test_live_needs_no_sign_in_and_refuses_posts(client):
    assert client.get("/health/live/").status_code == 200
    assert client.post("/health/live/").status_code == 405
