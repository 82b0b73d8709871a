"""Health: is this web process able to serve? Asked by the load balancer and
by monitoring, so it needs no sign-in and says nothing private. `live` only
says the process answers; `health` also asks the database and the broker."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

logger = logging.getLogger(__name__)
BROKER_TIMEOUT_SECONDS = 2


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "not healthy"; the reason goes to the log
        logger.warning("health: the database did not answer", exc_info=True)
        return False


def broker_answers() -> bool:
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=BROKER_TIMEOUT_SECONDS,
            transport_options={**settings.CELERY_BROKER_TRANSPORT_OPTIONS, "max_retries": 0},
        ) as broker:
            broker.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
        return True
    except Exception:  # as above
        logger.warning("health: the Celery broker did not answer", exc_info=True)
        return False


@login_not_required
@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    """200 while this web process answers at all: no database, no broker, no
    session. A liveness probe, and the floor the benchmarks measure every page
    over the wire against (`make bench`, `make load`): what gunicorn and the
    middleware cost on their own."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker both answer, else 503; the body
    names which one failed."""
    checks = {"database": database_answers(), "broker": broker_answers()}
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **{k: "ok" if v else "failed" for k, v in checks.items()}},
        status=200 if healthy else 503,
    )
