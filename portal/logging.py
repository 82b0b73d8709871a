"""Logging helpers: nothing personal leaves the process in a log line."""

from __future__ import annotations

import logging


class RedactRequest(logging.Filter):
    """Django attaches the request to error and warning records; its repr
    carries the query string (search terms, sign-in link tokens). Keep the
    method and path only."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            record.request = f"{request.method} {request.path}"
        return True


JSON_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
    "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
}
