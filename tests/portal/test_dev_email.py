"""Development emails: written to sent-emails/ in the project folder (never the
folder the server was started from), removed by `make clean`, and their links
point at the host and port `make run` serves."""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import uuid
from pathlib import Path

from django.core import mail

from outbox.services import deliver_email
from reminders.services import send_reminders
from tests.factories import published_policy, sign_off_rule

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv/bin/python")
SENT_EMAILS = ROOT / "sent-emails"


def _clean_env(**extra: str) -> dict[str, str]:
    """A bare environment: no EMAIL_URL or PORTAL_BASE_URL leaking in from the shell."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", str(ROOT)),
            "DJANGO_SETTINGS_MODULE": "portal.settings", "PYTHONPATH": str(ROOT), **extra}


def _python(code: str, *, cwd: Path, **env: str) -> str:
    result = subprocess.run([PYTHON, "-c", code], cwd=cwd, env=_clean_env(**env), capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_default_email_url_writes_into_sent_emails_in_the_project_folder(tmp_path):
    code = "from django.conf import settings; print(settings.EMAIL_BACKEND); print(settings.EMAIL_FILE_PATH)"
    backend, folder = _python(code, cwd=tmp_path).splitlines()
    assert backend == "django.core.mail.backends.filebased.EmailBackend"
    assert folder == str(SENT_EMAILS)


def test_an_email_sent_in_development_lands_in_sent_emails_not_the_working_folder(tmp_path):
    token = f"sign-in-token-{uuid.uuid4().hex}"
    before = set(SENT_EMAILS.glob("*.log")) if SENT_EMAILS.exists() else set()
    code = ("import django; django.setup(); from django.core.mail import send_mail; "
            f"send_mail('Your sign-in link', '{token}', 'portal@localhost', ['staff@school.example'])")
    _python(code, cwd=tmp_path)
    written = [f for f in set(SENT_EMAILS.glob("*.log")) - before if token in f.read_text()]
    try:
        assert list(tmp_path.iterdir()) == []  # nothing in the folder the process ran in
        assert len(written) == 1
    finally:
        for each in written:
            each.unlink()


def test_an_absolute_file_email_folder_is_used_as_given(tmp_path):
    folder = tmp_path / "mail"
    code = "from django.conf import settings; print(settings.EMAIL_FILE_PATH)"
    assert _python(code, cwd=tmp_path, EMAIL_URL=f"filemail://{folder}") == str(folder)


def test_make_run_points_email_links_at_its_host_and_port():
    result = subprocess.run(["make", "-n", "run", "HOST=127.0.0.2", "PORT=8123"], cwd=ROOT, env=_clean_env(),
                            capture_output=True, text=True, timeout=60, check=True)
    assert "PORTAL_BASE_URL=http://127.0.0.2:8123 bin/run-dev" in result.stdout


def test_bin_run_dev_defaults_the_email_base_url_to_the_address_it_serves():
    script = (ROOT / "bin/run-dev").read_text()
    line = next(line for line in script.splitlines() if line.startswith("export PORTAL_BASE_URL="))
    result = subprocess.run(["bash", "-c", f"{line}; echo $PORTAL_BASE_URL"],
                            env=_clean_env(HTTP_HOST="127.0.0.3", HTTP_PORT="8124"),
                            capture_output=True, text=True, timeout=10, check=True)
    assert result.stdout.strip() == "http://127.0.0.3:8124"


def test_the_worker_takes_the_email_base_url_from_the_environment(tmp_path):
    code = "from django.conf import settings; print(settings.PORTAL_BASE_URL)"
    assert _python(code, cwd=tmp_path, PORTAL_BASE_URL="http://127.0.0.2:8123/") == "http://127.0.0.2:8123"


def test_reminder_email_links_use_the_portal_base_url(world, settings):
    settings.PORTAL_BASE_URL = "http://127.0.0.2:8123"
    sign_off_rule(published_policy(title="Email Policy"))
    for email_id in send_reminders(today=datetime.date(2026, 11, 25)).email_ids:
        deliver_email(email_id)
    reminder = next(m for m in mail.outbox if m.to == ["staff@school.example"])
    assert "Read and sign: http://127.0.0.2:8123/my/" in reminder.body
    assert 'href="http://127.0.0.2:8123/my/"' in reminder.alternatives[0][0]


def test_make_clean_removes_sent_emails_and_stray_email_files_but_nothing_else(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "sent-emails").mkdir()
    (tmp_path / "sent-emails" / "20260101-120000-140234.log").write_text("token")
    stray = tmp_path / "20260101-120000-140235.log"  # written to the project folder by the old default
    stray.write_text("token")
    kept = [tmp_path / "notes.log", tmp_path / "celery-worker.log", tmp_path / "2026-report.log"]
    for each in kept:
        each.write_text("mine")
    subprocess.run(["make", "clean"], cwd=tmp_path, env=_clean_env(), capture_output=True, check=True, timeout=60)
    assert not (tmp_path / "sent-emails").exists()
    assert not stray.exists()
    assert all(each.exists() for each in kept)
