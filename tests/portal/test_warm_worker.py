"""portal.warm_worker: what a gunicorn worker loads and freezes before its
first request (deploy/gunicorn.conf.py's post_worker_init)."""

import gc
import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import get_resolver

from portal import warm_worker

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def unfrozen():
    yield
    gc.unfreeze()  # the test process goes on collecting as before


def test_every_project_template_compiles_at_worker_start(caplog):
    names = warm_worker.our_template_names()
    assert "base.html" in names and "acknowledgements/my_policies.html" in names
    with caplog.at_level(logging.WARNING, logger="portal.warm_worker"):
        assert warm_worker.warm() == len(names)
    assert caplog.records == []


def test_a_template_that_does_not_compile_is_named_and_the_worker_still_starts(settings, tmp_path, caplog):
    (tmp_path / "broken.html").write_text("{% if %}", encoding="utf-8")
    (tmp_path / "fine.html").write_text("<p>{{ name }}</p>", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    with caplog.at_level(logging.WARNING, logger="portal.warm_worker"):
        assert warm_worker.warm() == 1
    assert [r.getMessage() for r in caplog.records] == ["template broken.html did not compile at worker start"]


def test_warming_loads_every_view_and_freezes_what_is_alive(unfrozen):
    frozen = warm_worker.warm_and_freeze()
    # A frozen object can still die (its last reference dropped, here or in
    # another thread of a long test run), so the count may only fall since.
    assert 10_000 < gc.get_freeze_count() <= frozen
    assert get_resolver().resolve("/my/").url_name == "mine"


def test_gunicorn_calls_it_once_each_worker_has_loaded_the_application(unfrozen):
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    said = []
    worker = SimpleNamespace(pid=4321, log=SimpleNamespace(info=lambda message, *args: said.append(message % args)))
    config["post_worker_init"](worker)
    assert said == [f"worker 4321 ready: {gc.get_freeze_count()} objects frozen out of garbage collection"]
