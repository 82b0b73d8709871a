"""The application's PostgreSQL connections run without JIT (portal.settings.without_jit):
its compiling cost the trust-wide CSV and the reminder run more than it saved."""

from __future__ import annotations

import pytest
from django.db import connection

from portal.settings import without_jit
from tests.conftest import is_postgres
from tests.portal.test_deploy import PRODUCTION_ENV, manage


@pytest.mark.django_db
def test_the_portal_s_connection_runs_without_jit():
    if not is_postgres():
        pytest.skip("JIT is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_only_postgresql_is_given_the_option_and_a_deployment_s_own_options_stand():
    postgres = without_jit({"ENGINE": "django.db.backends.postgresql", "NAME": "portal"})
    assert postgres["OPTIONS"] == {"options": "-c jit=off"}
    assert without_jit({"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}) == {
        "ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}
    own = without_jit({"ENGINE": "django.db.backends.postgresql", "OPTIONS": {"options": "-c jit=on"}})
    assert own["OPTIONS"] == {"options": "-c jit=on"}


def test_production_settings_use_it_too():
    # Production's settings are read as a deployment starts them, with its PostgreSQL URL.
    result = manage("shell", "-c", "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])",
                    **{**PRODUCTION_ENV, "DATABASE_URL": "postgres://portal@db.trust.example:5432/portal"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "{'options': '-c jit=off'}"
