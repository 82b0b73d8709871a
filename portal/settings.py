"""Settings for Policy Portal, read from the environment (django-environ).

Every value has a safe development default so `make run` works on a bare
machine: SQLite in the project folder, emails as files in sent-emails/, DEBUG on only when asked.
"""

import datetime
from pathlib import Path

import environ
from csp.constants import NONE, SELF

from portal.mail_config import email_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str(
    "SECRET_KEY",
    default="dev-only-insecure-key-set-SECRET_KEY-in-production",  # noqa: S105
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.microsoft",
    "portal",
    "outbox",
    "people",
    "policies",
    "adoptions",
    "acknowledgements",
    "approvals",
    "reminders",
    "documents",
    "reports",
    "statutory",
    "privacy",
    "imports",
    "django_htmx",
    "django_celery_beat",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.refuse_nul_characters",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.signed_in_pages_not_stored",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]



def without_jit(database: dict) -> dict:
    """PostgreSQL's JIT compiles a query's expressions once its plan's cost
    passes jit_above_cost, as the trust-wide CSV and the reminder run's
    set-based decisions do at 20,000 staff. For these queries of a second or
    two, compiling cost more than it saved (0.6 s of the CSV's 2.2 s; the
    reminder decision grew 4.6x from 5,000 to 20,000 staff with it, 3.6x
    without: docs/performance.md, 2026-12-02), and nothing here is the
    hour-long analysis JIT is for."""
    if database["ENGINE"].endswith("postgresql"):
        database.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    return database


DATABASES = {
    "default": without_jit(env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")

# Celery: Redis is the broker; the schedule lives in the database
# (django-celery-beat) so an administrator changes times in the admin.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # The embedded file-based broker `make run` falls back to without Redis keeps
    # everything under .broker/ (git-ignored); its control folder would otherwise
    # be ./control in whatever folder the worker started from.
    "data_folder_in": str(BASE_DIR / ".broker"), "data_folder_out": str(BASE_DIR / ".broker"),
    "control_folder": str(BASE_DIR / ".broker" / "control"),
    # How long Redis holds a task taken by a worker that then died before it is
    # handed to another. Longer than any task runs (a reminder run for 20,000
    # staff: about a minute); and a task redelivered while still running is
    # harmless (runs are serialised and every reminder keyed).
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900),
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Reminders: days before a review falls due; days between sign-off reminders.
REVIEW_REMINDER_DAYS = [int(d) for d in env.list("REVIEW_REMINDER_DAYS", default=["90", "30", "7"])]
SIGN_OFF_REMINDER_INTERVAL_DAYS = env.int("SIGN_OFF_REMINDER_INTERVAL_DAYS", default=7)
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=5)
EMAIL_SENDING_TIMEOUT_MINUTES = env.int("EMAIL_SENDING_TIMEOUT_MINUTES", default=15)

AUTH_USER_MODEL = "people.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out sign-in before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "sesame.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Failed sign-ins (django-axes): five in a row for one email from one address
# locks that pair out for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The sign-in form posts the email as "username" (Django's AuthenticationForm).
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "people.lockout.attempted_email"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Keep no log of every successful sign-in (address, browser): the user's last
# sign-in time is enough, and what is not collected need not be retained.
AXES_DISABLE_ACCESS_LOG = True

# Sign-in links by email (django-sesame): single use, valid for three days,
# for people who have never set a password (a new starter's first contact).
SESAME_MAX_AGE = env.int("SIGN_IN_LINK_MAX_AGE", default=3 * 24 * 60 * 60)
SESAME_ONE_TIME = True
SESAME_TOKEN_NAME = "token"  # noqa: S105  (the query parameter's name, not a secret)

# Voting links by email (approvals.links): single use, for committee members
# who decide a draft without signing in; they expire after this many days.
VOTE_LINK_DAYS = env.int("VOTE_LINK_DAYS", default=7)

# Single sign-on with Microsoft 365 and Google (django-allauth), switched on
# by setting a provider's client id and secret. Only people who already have
# a staff record may sign in this way; allauth handles nothing else.
SOCIALACCOUNT_ONLY = True
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_ADAPTER = "people.sso.StaffOnlyAdapter"
SOCIALACCOUNT_PROVIDERS = {}
if env.str("SSO_MICROSOFT_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["microsoft"] = {
        "APPS": [{
            "client_id": env.str("SSO_MICROSOFT_CLIENT_ID"),
            "secret": env.str("SSO_MICROSOFT_SECRET"),
            "settings": {"tenant": env.str("SSO_MICROSOFT_TENANT", default="organizations")},
        }],
    }
if env.str("SSO_GOOGLE_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["google"] = {
        "APPS": [{"client_id": env.str("SSO_GOOGLE_CLIENT_ID"), "secret": env.str("SSO_GOOGLE_SECRET")}],
        "SCOPE": ["email", "profile"],
    }

# Development keeps every email as a file in sent-emails/ (read them there);
# production sets EMAIL_URL to its SMTP server. email_config puts a file
# backend's folder under BASE_DIR: django-environ alone left it empty, which
# wrote emails (sign-in links too) into the folder the server started in.
EMAIL_CONFIG = email_config(env.str("EMAIL_URL", default="filemail://sent-emails"), base_dir=BASE_DIR)
vars().update(EMAIL_CONFIG)
# Seconds to wait on the mail server. Django's default is to wait for ever: a
# relay that accepts the connection and then stalls would hold a worker, and the
# daily run that delivers reminders, until someone restarted them.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Where emails point people: the address staff use to reach the portal
# (`make run` sets it from HOST and PORT; the worker has no request to ask).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Policy Portal <policies@localhost>")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# Policy documents are small; a 10 MB cap stops an accidental upload of a video.
POLICY_UPLOAD_MAX_BYTES = env.int("POLICY_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = POLICY_UPLOAD_MAX_BYTES
# A trust's whole folder in one upload: the import form takes up to 300
# documents (imports.zips.MAX_FILES) and says so; past this Django refuses the
# request outright (400), before any file is read.
DATA_UPLOAD_MAX_NUMBER_FILES = 320

# A CSV of the outstanding list up to this many rows streams in the request (at
# COPY speed on PostgreSQL); a longer one, and every XLSX, is prepared by the
# worker with a progress page (reports/export_jobs.py).
EXPORT_STREAM_MAX_ROWS = env.int("EXPORT_STREAM_MAX_ROWS", default=250_000)

# Retention: a leaver's personal data is anonymised this many days after their
# leave date (six years: the usual schools' records retention for staff files).
# Their sign-offs stay as evidence: the version, its hash and the date.
LEAVER_RETENTION_DAYS = env.int("LEAVER_RETENTION_DAYS", default=6 * 365)

# Reviews falling due within this many days are shown as "due soon".
REVIEW_DUE_SOON_DAYS = env.int("REVIEW_DUE_SOON_DAYS", default=90)

# A session lasts a school day at most and ends when the browser closes: staff
# sign in on shared staffroom computers. Expired sessions are swept nightly.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp), the same in development, tests and
# production so a browser test catches any page that breaks it: scripts and
# styles come only from our own static files; no inline script, no inline
# style, no eval. Single sign-on redirects a posted form to the provider.
SSO_FORM_ACTIONS = [
    origin for provider, origin in (
        ("microsoft", "https://login.microsoftonline.com"), ("google", "https://accounts.google.com"),
    ) if provider in SOCIALACCOUNT_PROVIDERS
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF, *SSO_FORM_ACTIONS],
    },
}


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_request": {"()": "portal.logging.RedactRequest"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_request"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint, fontTools and django-axes narrate every step at INFO.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "axes")},
}

# A change's reason can name the file it was imported from and what a person
# corrected before saving, which does not fit simple_history's default 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
