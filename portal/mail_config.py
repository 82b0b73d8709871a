"""EMAIL_URL as Django's email settings, with the file backend's folder fixed.

django-environ reads `filemail://sent-emails` as a host named "sent-emails"
and an empty path, so Django's file backend wrote every email (live sign-in
links included) into whatever folder the server was started from. Here the
folder is everything after `filemail://`: a relative one is under the project
folder, an absolute one (`filemail:///var/mail/portal`, or the four-slash form
docs/configuration.md shows) is used as it is, and none at all means
`sent-emails/`.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import environ

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
DEFAULT_FOLDER = "sent-emails"


def email_config(url: str, *, base_dir: Path) -> dict:
    """Django's EMAIL_* settings for an EMAIL_URL; a file backend's folder is absolute."""
    config = environ.Env.email_url_config(url)
    if config.get("EMAIL_BACKEND") == FILE_BACKEND:
        config["EMAIL_FILE_PATH"] = str(file_folder(url, base_dir=base_dir))
    return config


def file_folder(url: str, *, base_dir: Path) -> Path:
    """The folder a `filemail://` URL names, as an absolute path."""
    parts = urlsplit(url)
    folder = unquote(parts.netloc + parts.path)
    if folder.startswith("/"):
        # "filemail:////var/mail" leaves "//var/mail"; POSIX may treat a leading "//" specially.
        return Path("/" + folder.lstrip("/"))
    return base_dir / (folder or DEFAULT_FOLDER)
