"""What django-axes records of a failed sign-in."""

from __future__ import annotations

from django.http import HttpRequest

EMAIL_MAX_LENGTH = 254  # RFC 5321; axes' column holds 255


def attempted_email(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The email a sign-in was attempted for, as axes counts it: trimmed, in
    lower case (so changing case does not dodge a lock-out), without NUL
    characters and no longer than an email can be. A forged post with a
    megabyte "email" is refused as a bad sign-in, not a database error."""
    data = credentials or getattr(request, "data", None) or request.POST
    username = data.get("username")
    if username is None:
        return None
    return str(username).replace("\x00", "").strip().lower()[:EMAIL_MAX_LENGTH]
