"""/health/ tells a load balancer whether this process can serve: the database
and the Celery broker must both answer."""

from unittest import mock

import pytest
from django.db import OperationalError

from tests.reminders.test_celery_worker import redis_answers, redis_url


@pytest.fixture
def memory_broker(settings):
    settings.CELERY_BROKER_URL = "memory://"


@pytest.mark.django_db
def test_healthy_when_database_and_broker_answer(client, memory_broker):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.skipif(not redis_answers(), reason=f"Redis is not answering at {redis_url()} (.ci/run starts it)")
def test_healthy_on_the_real_redis_broker(client, settings):
    settings.CELERY_BROKER_URL = redis_url()
    assert client.get("/health/").json()["broker"] == "ok"


@pytest.mark.django_db
def test_broker_down_is_503_naming_the_broker(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "broker": "failed"}


@pytest.mark.django_db
def test_database_down_is_503_naming_the_database(client, memory_broker):
    with mock.patch("portal.health.connection.cursor", side_effect=OperationalError("server closed")):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["database"] == "failed"
    assert "server closed" not in response.content.decode()


@pytest.mark.django_db
def test_health_needs_no_sign_in_and_refuses_posts(client, memory_broker):
    assert client.get("/health/").status_code == 200
    assert client.post("/health/").status_code == 405
