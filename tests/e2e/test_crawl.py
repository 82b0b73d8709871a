"""Every page every demo role can reach, in Chromium: no accessibility
violations, no console errors, no unexpected 4xx/5xx (issue 14, "Done when").

Each demo login (README, "Demo logins"), and nobody signed in, follows
same-site links breadth-first from where it lands (GET only: no form is
submitted, so sign-out and every change stay untouched). A page is checked with
axe-core, the console and every response it caused (its subresources
included). Downloads (PDF, CSV, XLSX, text, JSON) are requested once each and
must answer 200. The crawl is bounded: one visit per page kind (a URL's route
plus its query's keys; every policy's own page, as each holds different text),
at most three query forms of one route, at most MAX_PAGES per role, and of the
admin only its index and a few changelists, for the administrator alone.
"""

from __future__ import annotations

import re
import time
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urldefrag, urlsplit

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLES = [
    None,  # nobody signed in: the sign-in pages and the trust's public policies
    "admin@oakfield.example",
    "governance@oakfield.example",
    "hr@oakfield.example",
    "hr.riverside@oakfield.example",
    "head.it@oakfield.example",
    "trustee@oakfield.example",
    "new.starter@oakfield.example",
    "teacher@oakfield.example",
]

MAX_PAGES = 200
# A list's sorted, filtered and paged forms share one template: a few of them
# show it, all of them would only slow the suite.
MAX_QUERY_VARIANTS = 3
# Routes whose page shows a different policy's own text at each address (its
# tables, lists and headings): every one is visited, not one per route.
EVERY_ADDRESS = {"policies/<slug:slug>/", "public/policies/<slug:slug>/"}
# The admin is Django's own; the administrator's crawl proves its index and
# the changelists the trust's officers use open cleanly, not every change form.
ADMIN_PAGES = {
    "/admin/",
    "/admin/people/person/",
    "/admin/policies/policy/",
    "/admin/policies/policyversion/",
    "/admin/acknowledgements/signoff/",
    "/admin/approvals/submission/",
}
DOWNLOAD = re.compile(r"\.(pdf|csv|xlsx|txt|json)$")
DOWNLOAD_TYPES = ("application/pdf", "text/csv", "text/plain", "application/json", "application/vnd.openxmlformats")
# Never followed: sign-out would end the crawl (it is a POST form anyway).
NEVER_FOLLOW = ("/accounts/logout/",)

# Responses of 400 or more that a page may cause on purpose: (method, path
# pattern, status, why). Keep this near-empty: every row hides a user-visible
# fault unless it is a refusal the role is meant to get.
EXPECTED_FAILURES: list[tuple[str, re.Pattern[str], int, str]] = []


@dataclass
class Crawl:
    origin: str
    pages: list[str] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    seen_kinds: set[tuple] = field(default_factory=set)


def _kind(url: str) -> tuple:
    """What makes two URLs the same page: the route and the query's keys, so
    person 12 and person 13, or page 2 and page 3 of a list, count once
    (a policy's own page excepted)."""
    parts = urlsplit(url)
    try:
        route = resolve(parts.path).route
    except Resolver404:
        route = parts.path
    if route in EVERY_ADDRESS:
        route = parts.path
    download = DOWNLOAD.search(parts.path)
    if download:  # the CSV and the XLSX of one report are two files
        route += download.group(0)
    return route, tuple(sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)}))


def _expected(method: str, url: str, status: int) -> bool:
    path = urlsplit(url).path
    return any(m == method and p.search(path) and s == status for m, p, s, _ in EXPECTED_FAILURES)


def _wanted(crawl: Crawl, url: str, is_admin: bool) -> bool:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != crawl.origin or parts.path.startswith(NEVER_FOLLOW):
        return False
    if parts.path.startswith("/admin/") and (
        parts.query or parts.path not in ADMIN_PAGES or (parts.path != "/admin/" and not is_admin)
    ):
        return False
    kind = _kind(url)
    variants = sum(1 for seen in crawl.seen_kinds if seen[0] == kind[0])
    if kind in crawl.seen_kinds or variants >= MAX_QUERY_VARIANTS:
        return False
    crawl.seen_kinds.add(kind)
    return True


def _fetch_download(page: Page, crawl: Crawl, url: str) -> None:
    response = page.request.get(url)
    crawl.downloads.append(url)
    if response.status != 200:
        crawl.faults.append(f"{url}: download answered {response.status}")


def _check_page(page: Page, crawl: Crawl, url: str, events: list[str]) -> list[str]:
    """Open one page, check it, and return the links on it."""
    from axe_playwright_python.sync_playwright import Axe

    events.clear()
    try:
        response = page.goto(url)
    except PlaywrightError as error:  # a download the link did not announce (no extension, no attribute)
        if "Download is starting" not in error.message:
            raise
        _fetch_download(page, crawl, url)
        return []
    content_type = response.headers.get("content-type", "") if response else ""
    if content_type.startswith(DOWNLOAD_TYPES):
        crawl.downloads.append(url)
        return []
    crawl.pages.append(page.url)
    results = Axe().run(page)
    for violation in results.response["violations"]:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        crawl.faults.append(f"{page.url}: axe {violation['id']} ({violation['help']}) at {targets}")
    crawl.faults.extend(f"{page.url}: {event}" for event in events)
    return page.eval_on_selector_all(
        "a[href]", "links => links.map(a => (a.hasAttribute('download') ? 'download:' : '') + a.href)"
    )


def _watch(page: Page, events: list[str]) -> None:
    def on_response(response) -> None:
        if response.status >= 400 and not _expected(response.request.method, response.url, response.status):
            events.append(f"{response.request.method} {response.url} answered {response.status}")

    page.on("response", on_response)
    page.on("requestfailed", lambda request: _failed(request, events))
    page.on(
        "console",
        lambda message: events.append(f"console {message.type}: {message.text}") if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: events.append(f"page error: {error}"))


def _failed(request, events: list[str]) -> None:
    # ERR_ABORTED is the browser cancelling a request itself, as when the
    # crawl moves on before Chromium's late favicon fetch finishes; a server
    # failure shows as a status above, and a CSP or network refusal as
    # another error here.
    if request.failure != "net::ERR_ABORTED":
        events.append(f"{request.url} failed: {request.failure}")


def _start(page: Page, live_server, crawl: Crawl, email: str | None, password: str, events: list[str]) -> list[str]:
    """Sign in as the role (the sign-in page checked on the way) and return
    where its crawl begins."""
    if email is None:
        return [f"{live_server.url}/accounts/login/", f"{live_server.url}/public/policies/"]
    _check_page(page, crawl, f"{live_server.url}/accounts/login/", events)
    sign_in(page, email, password)
    page.wait_for_load_state("load")
    crawl.faults.extend(f"signing in: {event}" for event in events)
    # My policies links to all one's sign-offs only past its ten newest, more than a demo login has.
    mine = [f"{live_server.url}/my/sign-offs/"] if urlsplit(page.url).path == "/my/" else []
    return [page.url, *mine] + ([f"{live_server.url}/admin/"] if email.startswith("admin@") else [])


def crawl_as(page: Page, live_server, email: str | None, password: str) -> Crawl:
    crawl = Crawl(origin=live_server.url)
    events: list[str] = []
    _watch(page, events)
    start = _start(page, live_server, crawl, email, password, events)
    is_admin = bool(email) and email.startswith("admin@")
    queue = deque(url for url in start if _wanted(crawl, url, is_admin))
    while queue and len(crawl.pages) < MAX_PAGES:
        url = queue.popleft()
        if url.startswith("download:") or DOWNLOAD.search(urlsplit(url).path):
            _fetch_download(page, crawl, url.removeprefix("download:"))
            continue
        for link in _check_page(page, crawl, url, events):
            link = urldefrag(link).url
            if _wanted(crawl, link.removeprefix("download:"), is_admin):
                queue.append(link)
    return crawl


@pytest.fixture
def demo_trust(monkeypatch):
    from documents import tasks
    from people.models import User
    from portal.demo import load_demo
    from reports import tasks as report_tasks
    from reports.export_jobs import build_export_file, request_export
    from reports.permissions import report_scope
    from reports.selectors import OutstandingFilters

    # The new starter's pack page queues its build for the worker. Sent from this process to the
    # real broker, it would leave Celery's app state (queues, result backend) set up before
    # tests/reminders/test_celery_worker.py configures its own, and a task for a rolled-back row.
    # Unqueued, the page still answers 200 ("Preparing your pack"), which is what the crawl checks.
    monkeypatch.setattr(tasks.build_pack, "delay", lambda person_id: None)
    # Likewise an export HR asks for (the outstanding list's Prepare links).
    monkeypatch.setattr(report_tasks.build_export, "delay", lambda job_id: None)
    demo = load_demo()
    # Trust HR has one export ready, so the crawl reaches its page (from the
    # list's recent exports) and its download.
    hr = User.objects.get(email="hr@oakfield.example")
    job = request_export(by=hr, fmt="xlsx", filters=OutstandingFilters(), school_ids=report_scope(hr))
    build_export_file(job.pk)
    return demo


@pytest.mark.parametrize("email", ROLES, ids=lambda email: email or "anonymous")
def test_every_page_a_demo_role_reaches_is_accessible_and_error_free(page, live_server, demo_trust, email):
    started = time.monotonic()
    crawl = crawl_as(page, live_server, email, demo_trust.password)
    print(
        f"{email or 'anonymous'}: {len(crawl.pages)} pages, {len(crawl.downloads)} downloads, "
        f"{time.monotonic() - started:.1f} s",
        *crawl.pages,
        *crawl.downloads,
        sep="\n  ",
    )
    assert len(crawl.pages) >= 3, crawl.pages  # the crawl really went somewhere
    assert not crawl.faults, "\n".join(crawl.faults)
