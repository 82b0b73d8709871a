"""Running test jobs side by side, each in its own thread and database
connection (PostgreSQL only: SQLite lets one writer in at a time)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def side_by_side(*jobs: Callable[[], object]) -> None:
    """Run each job in its own thread and database connection, all starting together."""
    start, errors = threading.Barrier(len(jobs)), []

    def run(job) -> None:
        try:
            start.wait()
            job()
        except Exception as error:  # noqa: BLE001  (reported below, with the others)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
