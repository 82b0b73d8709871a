"""The production stack as deployed: gunicorn with deploy/gunicorn.conf.py,
the production settings, WhiteNoise serving hashed static files, JSON logs."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}},
        "DJANGO_SETTINGS_MODULE": "portal.settings_production",
        "SECRET_KEY": "gunicorn-test-" + "k" * 50, "ALLOWED_HOSTS": "127.0.0.1",
        "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}", "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"), "CELERY_BROKER_URL": "memory://",
        "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1",
    }
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=300)
    log = open(tmp / "gunicorn.log", "w+")
    process = subprocess.Popen([str(GUNICORN), "-c", "deploy/gunicorn.conf.py", "portal.wsgi"], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/health/", timeout=2)  # noqa: S310 (loopback)
            break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    yield base, tmp
    process.terminate()
    process.wait(timeout=30)
    log.close()


def get(url: str, https: bool = True):
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"} if https else {})  # noqa: S310
    try:
        return urllib.request.urlopen(request, timeout=10)  # noqa: S310 (loopback)
    except urllib.error.HTTPError as error:
        return error


def test_health_answers_over_plain_http_for_the_load_balancer(server):
    base, _ = server
    response = get(f"{base}/health/", https=False)
    assert response.status == 200
    assert json.loads(response.read()) == {"status": "ok", "database": "ok", "broker": "ok"}


def test_plain_http_is_redirected_to_https(server):
    base, _ = server

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(f"{base}/accounts/login/", timeout=10)
    assert redirect.value.code == 301
    assert redirect.value.headers["Location"].startswith("https://")


def test_pages_carry_hsts_csp_and_secure_cookies(server):
    base, _ = server
    response = get(f"{base}/accounts/login/")
    assert response.status == 200
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-csrftoken=") and "Secure" in cookie


def test_whitenoise_serves_hashed_static_files_for_a_year(server):
    base, tmp = server
    manifest = json.loads((tmp / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/portal.css"]
    response = get(f"{base}/static/{hashed}")
    assert response.status == 200
    assert "max-age=315360000" in response.headers["Cache-Control"]


def test_access_log_is_json_without_query_strings(server):
    base, tmp = server
    get(f"{base}/accounts/link/?token=secret-sign-in-token&q=Sam+Staff")
    time.sleep(0.5)
    lines = [json.loads(line) for line in (tmp / "gunicorn.log").read_text().splitlines()
             if line.startswith("{") and "gunicorn.access" in line]
    assert any(line["path"] == "/accounts/link/" for line in lines)
    text = (tmp / "gunicorn.log").read_text()
    assert "secret-sign-in-token" not in text and "Sam" not in text
    for line in text.splitlines():
        json.loads(line)  # every line, gunicorn's own and the application's, is one JSON object


def test_each_worker_starts_with_its_views_and_templates_frozen_out_of_garbage_collection(server):
    """Full collections paused requests for 76-139 ms under make load;
    post_worker_init loads and freezes what every worker keeps."""
    _, tmp = server
    ready = [json.loads(line)["message"] for line in (tmp / "gunicorn.log").read_text().splitlines()
             if line.startswith("{") and "objects frozen out of garbage collection" in line]
    assert ready, "the worker did not say it froze its start-up objects"
    frozen = int(ready[0].split(": ")[1].split()[0])
    assert frozen > 50_000  # Django, every view module and the compiled templates
