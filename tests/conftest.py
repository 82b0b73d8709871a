"""The small world every test can use: a trust with two schools, a member of
staff, a school's HR, trust HR, a governance lead, a policy owner and an
outsider with a login but no staff record."""

from __future__ import annotations

import copy
import datetime
import os
from types import SimpleNamespace

import pytest

from approvals.models import CommitteeMember
from people.models import Role, StaffGroup
from policies.models import Committee
from tests.factories import (
    PASSWORD,
    CommitteeFactory,
    PersonFactory,
    RoleFactory,
    SchoolFactory,
    TrustFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings):
    """Production serves hashed files collected by collectstatic; tests and the
    live server find them in place."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# The settings the tests' expectations are written against: the documented
# defaults (docs/configuration.md). portal/settings.py reads the environment
# and a developer's .env, so without this an .env that sets PORTAL_BASE_URL,
# a reminder interval or single sign-on would change what the suite proves.
# A test that needs another value sets it itself, after this. Celery's own
# settings (e.g. CELERY_TASK_ALWAYS_EAGER) are not here: Celery reads them once
# when the app is configured, they are not read from the environment, and no
# test runs tasks eagerly; REDIS_URL and DATABASE_URL are the environment's
# on purpose (the suite runs on SQLite or PostgreSQL, with or without Redis).
PINNED_SETTINGS = {
    "ALLOWED_HOSTS": ["localhost", "127.0.0.1", "[::1]", "testserver"],
    "CSRF_TRUSTED_ORIGINS": [],
    "TIME_ZONE": "Europe/London",
    "PORTAL_BASE_URL": "http://127.0.0.1:8000",
    "DEFAULT_FROM_EMAIL": "Policy Portal <policies@localhost>",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "EMAIL_MAX_ATTEMPTS": 5,
    "EMAIL_SENDING_TIMEOUT_MINUTES": 15,
    "POLICY_UPLOAD_MAX_BYTES": 10 * 1024 * 1024,
    "DATA_UPLOAD_MAX_MEMORY_SIZE": 10 * 1024 * 1024,
    "REVIEW_DUE_SOON_DAYS": 90,
    "REVIEW_REMINDER_DAYS": [90, 30, 7],
    "SIGN_OFF_REMINDER_INTERVAL_DAYS": 7,
    "LEAVER_RETENTION_DAYS": 6 * 365,
    "EXPORT_STREAM_MAX_ROWS": 250_000,
    "SESAME_MAX_AGE": 3 * 24 * 60 * 60,
    "AXES_FAILURE_LIMIT": 5,
    "AXES_COOLOFF_TIME": datetime.timedelta(minutes=15),
    "SESSION_COOKIE_AGE": 60 * 60 * 8,
    "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
    "SOCIALACCOUNT_PROVIDERS": {},  # single sign-on off unless a test configures it
}


@pytest.fixture(autouse=True)
def _settings_the_tests_rely_on(settings):
    for name, value in PINNED_SETTINGS.items():
        setattr(settings, name, copy.deepcopy(value))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing is slow by design; the tests sign in hundreds of times."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def build_world() -> SimpleNamespace:
    """The shared world's people, built in the current transaction. The
    ``world`` fixture builds it for one test; the permission matrix builds it
    once for its module and adds the roles only it needs."""
    trust = TrustFactory(name="Test Learning Trust", slug="test-trust")
    north = SchoolFactory(name="North Primary", slug="north", trust=trust)
    south = SchoolFactory(name="South Academy", slug="south", trust=trust)
    staff = PersonFactory(first_name="Sam", last_name="Staff", email="staff@school.example", schools=[north])
    school_hr = PersonFactory(
        first_name="Hana", last_name="North", email="hr.north@school.example",
        staff_group=StaffGroup.SUPPORT, schools=[north],
    )
    RoleFactory(person=school_hr, role=Role.HR, organisation=north)
    trust_hr = PersonFactory(
        first_name="Tariq", last_name="Trust", email="hr@school.example", staff_group=StaffGroup.SUPPORT,
        schools=[trust],
    )
    RoleFactory(person=trust_hr, role=Role.HR, organisation=trust)
    governance = PersonFactory(
        first_name="Grace", last_name="Gov", email="governance@school.example",
        staff_group=StaffGroup.LEADERSHIP, schools=[trust],
    )
    RoleFactory(person=governance, role=Role.GOVERNANCE_LEAD, organisation=trust)
    owner = PersonFactory(
        first_name="Owen", last_name="Owner", email="head.it@school.example", job_title="Head of IT",
        staff_group=StaffGroup.SUPPORT, schools=[trust],
    )
    outsider = UserFactory(email="outsider@elsewhere.example")
    return SimpleNamespace(
        trust=trust, north=north, south=south, staff=staff, school_hr=school_hr, trust_hr=trust_hr,
        governance=governance, owner=owner, outsider=outsider, password=PASSWORD,
    )


@pytest.fixture
def world(db):
    return build_world()


def build_board(world: SimpleNamespace):
    """The Trust Board: a committee that decides by members' votes (quorum 2 of 3)."""
    committee = CommitteeFactory(name="Trust Board", organisation=world.trust, quorum=2)
    members = [PersonFactory(first_name=name, last_name="Trustee", staff_group=StaffGroup.TRUSTEE,
                             email=f"{name.lower()}@board.example", schools=[world.trust])
               for name in ("Tara", "Tom", "Tess")]
    for member in members:
        CommitteeMember.objects.create(committee=committee, person=member)
    committee.trustees = members
    return committee


@pytest.fixture
def board(world):
    """A committee that decides by members' votes (quorum 2 of 3)."""
    return build_board(world)


@pytest.fixture
def igg(world):
    """A committee whose clerk records the meeting's decision."""
    committee = CommitteeFactory(name="Information Governance Group", short_name="IGG", organisation=world.trust,
                                 decision_mode=Committee.DecisionMode.CLERK)
    clerk = PersonFactory(first_name="Clara", last_name="Clerk", email="clerk@school.example", schools=[world.trust])
    CommitteeMember.objects.create(committee=committee, person=clerk, role=CommitteeMember.Role.CLERK)
    committee.clerk = clerk
    return committee


@pytest.fixture
def signed_in(client):
    """Sign a person (or a bare user) in with the test client."""

    def sign_in(who):
        user = getattr(who, "user", who)
        client.force_login(user)
        return client

    return sign_in


def is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


SHARED_SAMPLES_ABSENT = "shared sample policies not found"


def pytest_sessionfinish(session, exitstatus):
    """In CI (.ci/run) nothing may be skipped: a skip there means a missing
    install step, so it fails the run. The shared sample policies are the one
    exception: they sit beside the project, not in it."""
    if not os.environ.get("PORTAL_FORBID_SKIPS"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = [
        report for report in (reporter.stats.get("skipped", []) if reporter else [])
        if SHARED_SAMPLES_ABSENT not in str(report.longrepr)
    ]
    if skipped:
        reporter.write_line(f"PORTAL_FORBID_SKIPS: {len(skipped)} test(s) skipped; CI allows none.", red=True)
        session.exitstatus = 1
