"""Browser journeys in Debian's Chromium, driven by Playwright for Python.

Playwright cannot download its own browsers here, so the tests launch the
distribution's /usr/bin/chromium (installed by .ci/run) and skip, saying so,
where it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"]

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the tests make to build their world are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium, or .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(browser, live_server, **context_options):
    """A page that fails its test if the browser refused anything under the
    Content-Security-Policy: every journey doubles as a CSP check."""
    context = browser.new_context(base_url=live_server.url, **context_options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert not violations, f"the page broke its Content-Security-Policy: {violations}"


@pytest.fixture(autouse=True)
def emailed_links_open_the_live_server(request, settings):
    """Emailed links start at PORTAL_BASE_URL (portal.links), never at the
    request's host, so a journey that follows one points it at the server."""
    if "live_server" in request.fixturenames:
        settings.PORTAL_BASE_URL = request.getfixturevalue("live_server").url


@pytest.fixture
def page(browser, live_server):
    yield from open_page(browser, live_server, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone(browser, live_server):
    yield from open_page(browser, live_server, viewport={"width": 360, "height": 740}, is_mobile=True)


def sign_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Work email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
