"""Gunicorn for Policy Portal: `gunicorn -c deploy/gunicorn.conf.py portal.wsgi`.

Every value can be set from the environment so one file serves every host.
"""

import os

from portal.logging import JSON_FORMATTER

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, one thread each: requests are short database round trips, large
# exports are built by the Celery worker, and the TLS proxy buffers slow clients.
# Not two threads: a sign-off locks its trust's evidence chain from the seal to
# the commit, and a thread waiting for its process's GIL in between holds every
# other sign-off of the trust (make load: lock waits over 100 ms, POST p99 1.3 s
# with 2 threads; none, and 110 ms, with 1; docs/performance.md).
workers = int(os.environ.get("GUNICORN_WORKERS", (os.cpu_count() or 1) * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak in a library never becomes an outage.
max_requests = 2000
max_requests_jitter = 200
# Heartbeat files in memory, not on a disk that may stall (gunicorn's own advice).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# One JSON object a line. The path is logged without its query string (%(U)s):
# queries carry search terms (people's names) and sign-in link tokens. No
# client address either: the reverse proxy keeps its own, shorter-lived log.
access_log_format = (
    '{"logger": "gunicorn.access", "method": "%(m)s", "path": "%(U)s", "status": %(s)s, '
    '"bytes": "%(B)s", "duration_ms": %(M)s}'
)
# Gunicorn's own messages as JSON lines too, like the application's.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": JSON_FORMATTER},
    "handlers": {"error_console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "loggers": {"gunicorn.error": {"handlers": ["error_console"], "level": loglevel.upper(), "propagate": False}},
    # Django configures its own loggers (portal.settings_production) when the app loads.
    "root": {"level": "WARNING", "handlers": []},
}
# The reverse proxy on the same host terminates TLS and sets X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def post_worker_init(worker) -> None:
    """Load the views and templates, then freeze them out of the garbage
    collector's full passes (portal/warm_worker.py says why)."""
    from portal.warm_worker import warm_and_freeze

    frozen = warm_and_freeze()
    worker.log.info("worker %s ready: %s objects frozen out of garbage collection", worker.pid, frozen)
