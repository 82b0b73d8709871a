"""Pages over the wire: gunicorn as production runs it, on loopback.

Used by `make bench` (bench/large_trust.py) and, for its environment, by
`make load` (bench/load/run.sh evaluates `python bench/wire.py env ...`), so
both measure the same server: deploy/gunicorn.conf.py, portal.settings_production
unchanged, requests carrying X-Forwarded-Proto: https as from the TLS proxy.

No Django import here: the server and the client are separate processes.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import secrets
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from requests.cookies import RequestsCookieJar

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# The worker runs below the web workers' priority, as the Procfile and systemd run it.
NICE = shutil.which("nice") or "/usr/bin/nice"
# The trivial view: no database, no session (portal/health.py `live`).
TRIVIAL = "/health/live/"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# A finished export job's page links its file; older code answers with the file itself.
DOWNLOAD = re.compile(r'href="([^"]+)"[^>]*>\s*(?:Download|download)')
# An export the worker prepares is asked for with this form's POST.
PREPARE = re.compile(r'<form method="post" action="(/reports/outstanding\.[^"]*)"')
POLL_SECONDS = 0.2


def production_env(*, database_url: str, redis_url: str, port: int, work: Path,
                   secret_key: str | None = None) -> dict[str, str]:
    """The environment portal.settings_production needs, for a server on
    127.0.0.1:`port` whose static and media files live in `work`."""
    return {
        "DJANGO_SETTINGS_MODULE": "portal.settings_production",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": secret_key or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "EMAIL_URL": "dummymail://",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }


class LoopbackJar(RequestsCookieJar):
    """Keeps the server's Secure cookies as plain ones, so they go back over
    plain HTTP: on loopback the client stands in for the TLS proxy."""

    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


@dataclass
class Server:
    """gunicorn (and, when an export is a job, a Celery worker) on one database."""

    database_url: str
    redis_url: str
    port: int
    work: Path
    env: dict[str, str] = field(default_factory=dict)
    gunicorn: subprocess.Popen | None = None
    worker: subprocess.Popen | None = None

    def __post_init__(self) -> None:
        self.work.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, **production_env(database_url=self.database_url, redis_url=self.redis_url,
                                                   port=self.port, work=self.work)}
        self.env.pop("DEBUG", None)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        # The commands are this virtualenv's own programs with fixed arguments.
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],  # noqa: S603
                       cwd=ROOT, env=self.env, check=True)
        log = (self.work / "gunicorn.log").open("ab")
        self.gunicorn = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "portal.wsgi"], cwd=ROOT, env=self.env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        # Five workers importing Django on two busy cores can take a while.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.gunicorn.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {self.work / 'gunicorn.log'}")
            try:
                if requests.get(self.base + TRIVIAL, headers={"X-Forwarded-Proto": "https"}, timeout=10).ok:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within 120 s: see {self.work / 'gunicorn.log'}")

    def start_worker(self) -> None:
        """A Celery worker as the Procfile runs it, for exports built as jobs."""
        if self.worker is not None:
            return
        log = (self.work / "worker.log").open("ab")
        self.worker = subprocess.Popen(  # noqa: S603
            [NICE, "-n", "10", str(BIN / "celery"), "-A", "portal", "--quiet", "worker", "--loglevel=INFO",
             "--concurrency=1", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def pids(self) -> list[int]:
        """The processes that serve: gunicorn's workers and the Celery worker's."""
        found = []
        for parent in (self.gunicorn, self.worker):
            if parent is not None and parent.poll() is None:
                found += children(parent.pid) or [parent.pid]
        return found

    def stop(self) -> None:
        for process in (self.worker, self.gunicorn):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)  # its own session: the master and its children
                try:
                    process.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        self.worker = self.gunicorn = None

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(child) for child in found]


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (the peak since the last reset) of a process, in kB."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in {"VmRSS", "VmHWM"}:
                values[key] = int(rest.split()[0])
    except OSError:
        pass
    return values


def reset_peak(pid: int) -> None:
    """Reset VmHWM to the current RSS (Linux: `5` to clear_refs), so the next
    peak is what the request under test cost."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass


class Client:
    """One browser: a cookie jar and a keep-alive connection to the server."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.origin = "https://" + self.base.split("://", 1)[1]
        self.http = requests.Session()
        self.http.cookies = LoopbackJar()
        self.http.headers["X-Forwarded-Proto"] = "https"

    def get(self, path: str, **options) -> requests.Response:
        options.setdefault("allow_redirects", False)
        options.setdefault("timeout", 600)
        return self.http.get(self.base + path, **options)

    def sign_in(self, email: str, password: str) -> None:
        page = self.get("/accounts/login/")
        token = CSRF.search(page.text)
        if page.status_code != 200 or not token:
            raise RuntimeError(f"no sign-in form: {page.status_code}")
        answer = self.http.post(self.base + "/accounts/login/", allow_redirects=False, timeout=60,
                                data={"csrfmiddlewaretoken": token.group(1), "username": email,
                                      "password": password, "next": ""},
                                headers={"Origin": self.origin, "Referer": self.origin + "/accounts/login/"})
        if answer.status_code != 302 or "/accounts/login/" in answer.headers.get("Location", ""):
            raise RuntimeError(f"sign-in refused for {email}: {answer.status_code}")

    def page_ms(self, path: str, *, runs: int, warm: int = 2, expect: str = "") -> list[float]:
        """Milliseconds to receive the whole page, `runs` times after `warm`
        unmeasured requests; fails on anything but a 200 showing `expect`."""
        timings = []
        for n in range(warm + runs):
            began = time.perf_counter()
            response = self.get(path)
            body = response.content
            elapsed = (time.perf_counter() - began) * 1000
            if response.status_code != 200 or expect.encode() not in body:
                raise RuntimeError(f"GET {path}: {response.status_code}, {body[:200]!r}")
            if n >= warm:
                timings.append(elapsed)
        return timings

    def download(self, path: str, *, on_job=None, timeout: float = 1800) -> tuple[int, int, float]:
        """Fetch an export to the end: (bytes, lines, seconds). An export the
        portal builds as a job offers a "Prepare" form whose POST redirects to
        its page (or the GET redirects there); that page is polled until it
        links the file, which is then fetched.
        `on_job` is called once when that happens (to start a worker)."""
        began = time.perf_counter()
        response = self.get(path, stream=True)
        form = None
        if response.status_code == 200 and "text/html" in response.headers.get("Content-Type", ""):
            page = response.text  # "Prepare": the job is started by the form's POST
            form, token = PREPARE.search(page), CSRF.search(page)
            if not form or not token:
                raise RuntimeError(f"GET {path}: a page without the export's form")
            response = self.http.post(self.base + html.unescape(form.group(1)), allow_redirects=False, timeout=60,
                                      data={"csrfmiddlewaretoken": token.group(1)},
                                      headers={"Origin": self.origin, "Referer": self.origin + path})
        if response.is_redirect:
            response.close()
            if on_job:
                on_job()
            progress = response.headers["Location"]
            deadline = time.monotonic() + timeout
            while True:
                page = self.get(progress)
                link = DOWNLOAD.search(page.text)
                if link:
                    response = self.get(link.group(1).replace("&amp;", "&"), stream=True)
                    break
                if page.status_code != 200 or time.monotonic() > deadline:
                    raise RuntimeError(f"export job at {progress}: {page.status_code}, no download link")
                time.sleep(POLL_SECONDS)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: {response.status_code}")
        size = lines = 0
        for block in response.iter_content(64 * 1024):
            size += len(block)
            lines += block.count(b"\n")
        return size, lines, time.perf_counter() - began


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description="Print the production server's environment as shell exports.")
    parser.add_argument("command", choices=["env"])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    env = production_env(database_url=args.database_url, redis_url=args.redis_url, port=args.port,
                         work=Path(args.work))
    for key, value in env.items():
        print(f"export {key}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
