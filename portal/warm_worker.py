"""A web worker made ready before its first request (gunicorn's
post_worker_init, deploy/gunicorn.conf.py).

Why: a gunicorn worker holds about 140,000 objects that live as long as it
does (Django, the URL patterns, the compiled templates). Python's full
garbage collection walks all of them, and under make load each worker ran
one such pass of 76-139 ms in the middle of somebody's request (a sign-off,
say). Loading what every worker will load anyway, then `gc.freeze()`, moves
those objects out of the collector's sight, so a full collection walks only
what requests leave behind (docs/performance.md, "garbage collection pauses").
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.urls import get_resolver

log = logging.getLogger(__name__)


def our_template_names() -> list[str]:
    """The project's own templates (templates/), as get_template names them."""
    names = []
    for folder in (Path(d) for config in settings.TEMPLATES for d in config.get("DIRS", [])):
        names += sorted(str(path.relative_to(folder)) for path in folder.rglob("*.html"))
    return names


def warm() -> int:
    """Import every view (the URL patterns) and compile the project's
    templates into the cached loader; returns how many templates."""
    get_resolver().url_patterns  # noqa: B018  (the property imports every view module)
    compiled = 0
    for name in our_template_names():
        try:
            get_template(name)
        except (TemplateDoesNotExist, TemplateSyntaxError):  # a page would fail the same way: not start-up's to stop
            log.warning("template %s did not compile at worker start", name, exc_info=True)
            continue
        compiled += 1
    return compiled


def warm_and_freeze() -> int:
    """warm(), then freeze what is alive: full collections skip it from now
    on. Returns the number of objects frozen."""
    warm()
    gc.collect()  # nothing that is already garbage gets frozen
    gc.freeze()
    return gc.get_freeze_count()
