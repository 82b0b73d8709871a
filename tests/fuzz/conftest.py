"""Hypothesis profiles for the fuzz tests, and the helpers every fuzz test
shares: one example's database work rolled back, and row counts to prove an
invalid input wrote nothing.

HYPOTHESIS_PROFILE=deep runs many more examples (minutes, not seconds);
the default keeps the whole folder well under a minute.

Every hypothesis test here carries the `slow` marker (added below, so a new
one cannot forget it): `make test` and .ci/run run them, `make test-fast`
leaves them out. The plain examples beside them (cases fuzzing found) are
quick and stay in the edit loop."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.apps import apps
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

_DATABASE = DirectoryBasedExampleDatabase(Path(__file__).resolve().parents[2] / ".hypothesis" / "examples")
_COMMON = {
    "deadline": None,
    "database": _DATABASE,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                              HealthCheck.data_too_large],
    "print_blob": True,
}
settings.register_profile("default", max_examples=60, **_COMMON)
settings.register_profile("deep", max_examples=2000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Evidence and records an invalid input must never write.
EVIDENCE_MODELS = [
    "policies.Policy", "policies.PolicyVersion", "policies.Legislation", "policies.RelatedPolicyName",
    "people.Person", "people.User", "acknowledgements.SignOff", "acknowledgements.Obligation",
    "approvals.Submission", "approvals.Vote",
]


def row_counts(*labels: str) -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in labels or EVIDENCE_MODELS}


@contextmanager
def rolled_back():
    """One example's database work, undone afterwards so examples stay independent."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def is_plain_message(message: str) -> bool:
    """A message a person can read: some words, no traceback, markup or raw bytes."""
    text = str(message).strip()
    return (
        bool(text)
        and len(text) < 2000
        and "Traceback" not in text
        and "\x00" not in text
        and not text.startswith("<")
        and any(c.isalpha() for c in text)
    )


FUZZ_FOLDER = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    # A conftest's hook sees every collected test, not only this folder's.
    for item in items:
        if item.path.is_relative_to(FUZZ_FOLDER) and getattr(item.obj, "is_hypothesis_test", False):
            item.add_marker(pytest.mark.slow)
