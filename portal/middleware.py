"""Request and response rules that hold for every page, so no view can forget
them."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.cache import patch_cache_control

NUL_IN_REQUEST = "This address contains a character that no page uses (a NUL byte)."

Handler = Callable[[HttpRequest], HttpResponse]


def refuse_nul_characters(get_response: Handler) -> Handler:
    """A NUL byte in a path or query string (`/versions/%00/`) is never a real
    address; PostgreSQL refuses it in a query, which would otherwise surface as
    a 500 from whichever view looked it up. Django's form fields already refuse
    NUL in posted values."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(NUL_IN_REQUEST, content_type="text/plain; charset=utf-8")
        return get_response(request)

    return middleware


def signed_in_pages_not_stored(get_response: Handler) -> Handler:
    """Anything shown to a signed-in person (their sign-offs, their record,
    HR's lists, draft PDFs) is personal or unpublished: a shared school PC's
    browser cache or a proxy must not keep it after they sign out. Views that
    set their own Cache-Control keep it."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        user = getattr(request, "user", None)
        # The header first: asking is_authenticated loads the session and the
        # user (two queries) that a view with its own Cache-Control never needs.
        if not response.has_header("Cache-Control") and user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response

    return middleware
