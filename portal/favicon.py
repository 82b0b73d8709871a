"""/favicon.ico: browsers ask for it on a first visit whatever the page says,
and a 404 there is noise in every log and console."""

from __future__ import annotations

from functools import cache

from csp.decorators import csp_exempt
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

ICON = settings.BASE_DIR / "static" / "favicon.ico"


@cache
def _icon() -> bytes:
    return ICON.read_bytes()


@login_not_required
@require_safe
@csp_exempt()  # an image, not a page: Chromium shows it opened directly with its own inline styles
def favicon(request: HttpRequest) -> HttpResponse:
    """The icon itself, from the source tree: it needs no static-files
    manifest, so it answers the same before and after collectstatic (pages
    link the hashed copy in their <link rel="icon">)."""
    response = HttpResponse(_icon(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
