"""The documented backup and restore, run end to end by its own script."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import is_postgres

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_backup_restores_into_an_identical_portal():
    if not is_postgres():
        pytest.skip("backup and restore use pg_dump and pg_restore: PostgreSQL only (.ci/run provides it)")
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed (.ci/run installs postgresql)")
    from django.db import connection

    settings_dict = connection.settings_dict
    admin = f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}"
    env = {**os.environ, "PG_ADMIN_URL": admin, "PYTHON": str(ROOT / ".venv/bin/python")}
    result = subprocess.run(["deploy/test-backup-restore.sh"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "restored identically" in result.stdout
    assert result.stdout.rstrip().endswith("PASS: backup restored and verified")
