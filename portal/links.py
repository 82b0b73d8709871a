"""Links that leave the site (in emails, PDFs, exports) are built here and
nowhere else: the base address comes from settings, never from a request."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse


def absolute_url(name: str, *args, query: dict | None = None) -> str:
    """The full address of a named page: absolute_url("policies:policy", "email")."""
    url = f"{settings.PORTAL_BASE_URL}{reverse(name, args=args)}"
    return f"{url}?{urlencode(query)}" if query else url
