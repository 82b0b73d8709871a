"""Server errors. A database outage (a restart, a failover) answers 503 with a
page saying to try again, instead of a bare 500: the request's transaction was
rolled back, so nothing was half-written. Django calls this for an exception
raised anywhere, middleware included."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.csrf import requires_csrf_token

RETRY_AFTER_SECONDS = 30
CONNECTION_LOST = ("connection", "server closed", "terminating", "could not connect", "the database system is")


def database_unavailable(exception: BaseException | None) -> bool:
    """Lost or refused connections; not a query's own error, which is a bug
    and stays a 500."""
    if isinstance(exception, InterfaceError):
        return True
    return isinstance(exception, OperationalError) and any(w in str(exception).lower() for w in CONNECTION_LOST)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without a request context: the failure may be the database itself.
    if database_unavailable(sys.exc_info()[1]):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(render_to_string("500.html"), status=500)
