"""Production settings: `DJANGO_SETTINGS_MODULE=portal.settings_production`.

Everything here is secure by default; what a deployment must choose (the
secret key, the host names, the database) has no default, so a missing value
stops the start-up instead of running insecurely. `manage.py check --deploy`
reports nothing with these settings (tests/portal/test_deploy.py).
"""

from portal.logging import JSON_FORMATTER
from portal.settings import *  # noqa: F403
from portal.settings import LOGGING, env, without_jit

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
# Every emailed link (sign-in links, reminders, decisions) starts with it; the
# worker sends without a request to take a host from, and a development
# default here would email staff links to 127.0.0.1.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL").rstrip("/")
DATABASES = {"default": without_jit(env.db("DATABASE_URL"))}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# HTTPS only. TLS ends at the reverse proxy, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# The health check is asked over plain HTTP by the load balancer on loopback.
SECURE_REDIRECT_EXEMPT = [r"^health/(live/)?$"]  # the load balancer asks over plain HTTP
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

# One JSON object a line on standard error, for journald or a log shipper.
LOGGING = {
    **LOGGING,
    "formatters": {"json": JSON_FORMATTER},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["redact_request"]},
    },
}
# The Celery worker and beat log through the same JSON configuration instead
# of Celery's own plain-text format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
