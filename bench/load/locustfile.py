"""Inset day: a whole school signs a new policy in the same minute while HR exports.

Run by bench/load/run.sh; by hand:

    LOAD_CREDENTIALS=/tmp/creds.json LOAD_RESULTS=/tmp/signed.jsonl \
      locust -f bench/load/locustfile.py --headless -u 204 -r 10 -H http://127.0.0.1:8765

StaffMember: one per staff account in the credentials file (bench/load/prepare.py).
Signs in (STAFF_LOGIN=link, the default: opens the single-use sign-in link new
starters get by email and presses its Continue button; STAFF_LOGIN=password:
email and password), opens "My policies", opens the first policy it owes,
ticks "read and understood" and
signs (every DOUBLE_SUBMIT_EVERY-th account, default 10, double-clicks: two
POSTs at once, which must give one sign-off), opens the receipt, then idles:
each account signs exactly once. Every successful sign-off is appended to
LOAD_RESULTS for bench/load/verify.py.

HrOfficer (LOAD_HR of them, default 3): signs in with a password, then opens the
reports dashboard and downloads the outstanding list as CSV and as XLSX, again
and again. An export the portal prepares as a job (the page offers "Prepare",
whose POST redirects to the job's page) is polled until the page links the
file, which is then downloaded.

Watcher (one): opens the trivial view (/health/live/: no database, no
session) four times a second from start to end, each request on time whether
or not the last has answered, so the run measures its own floor:
bench/load/verify.py --stats holds the sign-off POST's p95 to within twice
the trivial view's.

Requests carry X-Forwarded-Proto: https, as from the TLS proxy in production,
so portal.settings_production runs unchanged (secure __Host- cookies, HTTPS
CSRF checks); the client's cookie jar sends those Secure cookies back over
plain HTTP, as a browser would over the proxy's HTTPS.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import gevent
from locust import HttpUser, between, constant, events, task
from requests.cookies import RequestsCookieJar

CREDENTIALS = json.loads(Path(os.environ["LOAD_CREDENTIALS"]).read_text(encoding="utf-8"))
RESULTS = os.environ.get("LOAD_RESULTS", "signed.jsonl")
STAFF_LOGIN = os.environ.get("STAFF_LOGIN", "link")
THINK = (float(os.environ.get("THINK_MIN", "1")), float(os.environ.get("THINK_MAX", "3")))
GRACE_SECONDS = float(os.environ.get("LOAD_GRACE", "5"))
# Every Nth account double-clicks "Sign": two POSTs at once, which must make one sign-off.
DOUBLE_SUBMIT_EVERY = int(os.environ.get("DOUBLE_SUBMIT_EVERY", "10"))

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
VERSION = re.compile(r'name="version" value="(\d+)"')
TO_SIGN = re.compile(r'href="/my/sign/([^/"]+)/"')
RECEIPT = re.compile(r"^/my/sign-offs/(\d+)/$")
# A finished export job's page links its file ("Download outstanding-....xlsx").
DOWNLOAD = re.compile(r'href="([^"]+)"[^>]*>\s*Download')
# An export prepared by the worker is asked for with this form's POST.
PREPARE = re.compile(r'<form method="post" action="(/reports/outstanding\.[^"]*)"')
TRIVIAL = "/health/live/"
TRIVIAL_NAME = "GET /health/live/ (trivial view)"
SIGN_OFF_NAME = "POST /my/sign/[policy]/ (sign-off)"
EXPORT_POLL_SECONDS = 1.0
EXPORT_POLLS = int(os.environ.get("LOAD_EXPORT_POLLS", "120"))

staff_accounts = list(reversed([{**account, "n": n} for n, account in enumerate(CREDENTIALS["staff"], 1)]))
hr_accounts = list(reversed(CREDENTIALS["hr"]))
finished = {"signed": 0, "failed": 0}


class LoopbackJar(RequestsCookieJar):
    """Keeps the server's Secure cookies as plain ones, so they go back over
    plain HTTP: on loopback the load script stands in for the TLS proxy.
    (A cookie policy would not do: requests copies the jar per request.)"""

    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


class PortalUser(HttpUser):
    abstract = True

    def on_start(self) -> None:
        self.client.cookies = LoopbackJar()
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.origin = "https://" + self.host.split("://", 1)[1].rstrip("/")

    def post(self, path: str, data: dict, *, name: str, referer: str):
        headers = {"Origin": self.origin, "Referer": self.origin + referer}
        return self.client.post(path, data=data, headers=headers, name=name, allow_redirects=False,
                                catch_response=True)

    def password_sign_in(self, email: str, password: str, *, name: str) -> bool:
        page = self.client.get("/accounts/login/", name="GET /accounts/login/")
        token = CSRF.search(page.text)
        if not token:
            return False
        with self.post("/accounts/login/", {"csrfmiddlewaretoken": token.group(1), "username": email,
                                            "password": password, "next": ""},
                       name=name, referer="/accounts/login/") as response:
            if response.status_code != 302 or "/accounts/login/" in response.headers.get("Location", ""):
                response.failure(f"sign-in refused for {email}: {response.status_code}")
                return False
        return True


class StaffMember(PortalUser):
    """One member of staff: signs one policy once, then idles."""

    weight = 1
    wait_time = between(*THINK)

    def on_start(self) -> None:
        super().on_start()
        self.account = staff_accounts.pop() if staff_accounts else None
        self.done = self.account is None

    @task
    def inset_day(self) -> None:
        if self.done:
            gevent.sleep(3600)  # never stop: locust would start a new user in our place
            return
        self.done, signed = True, False
        try:
            signed = self.sign_one()
        finally:
            finished["signed" if signed else "failed"] += 1
        if finished["signed"] + finished["failed"] == len(CREDENTIALS["staff"]):
            print(f"inset day over: {finished['signed']} signed, {finished['failed']} failed; "
                  f"stopping in {GRACE_SECONDS:.0f} s")
            gevent.spawn_later(GRACE_SECONDS, self.environment.runner.quit)

    def link_sign_in(self, email: str, link: str) -> bool:
        """Open the emailed link (its page only shows Continue, so an email
        scanner's GET uses nothing) and press Continue, whose POST signs in."""
        with self.client.get(link, name="GET /accounts/link/?token= (sign-in link page)",
                             catch_response=True) as response:
            fields = dict(HIDDEN.findall(response.text))
            if response.status_code != 200 or "token" not in fields:
                response.failure(f"no Continue button for {email}: {response.status_code}")
                return False
        with self.post("/accounts/link/", fields, name="POST /accounts/link/ (Continue)",
                       referer="/accounts/link/") as response:
            if response.status_code != 302 or response.headers.get("Location") != "/my/":
                response.failure(f"sign-in link refused for {email}: {response.status_code}")
                return False
        return True

    def sign_one(self) -> bool:
        email = self.account["email"]
        if STAFF_LOGIN == "password":
            if not self.password_sign_in(email, self.account["password"], name="POST /accounts/login/ (staff)"):
                return False
        else:
            if not self.link_sign_in(email, self.account["link"]):
                return False
        with self.client.get("/my/", name="GET /my/ (My policies)", catch_response=True) as response:
            owed = TO_SIGN.search(response.text)
            if response.status_code != 200 or not owed:
                response.failure(f"nothing to sign on My policies for {email}: {response.status_code}")
                return False
        slug = owed.group(1)
        self.wait()  # chooses a policy
        with self.client.get(f"/my/sign/{slug}/", name="GET /my/sign/[policy]/", catch_response=True) as response:
            token, version = CSRF.search(response.text), VERSION.search(response.text)
            if response.status_code != 200 or not token or not version:
                response.failure(f"no sign form for {email}: {response.status_code}")
                return False
        self.wait()  # reads it
        form = {"csrfmiddlewaretoken": token.group(1), "version": version.group(1), "confirm": "on"}
        double = DOUBLE_SUBMIT_EVERY and self.account["n"] % DOUBLE_SUBMIT_EVERY == 0
        posts = [gevent.spawn(self.sign_post, slug, form, email) for _ in range(2 if double else 1)]
        gevent.joinall(posts)
        receipts = {post.value[0] for post in posts}
        if None in receipts:
            return False
        if len(receipts) != 1:
            doubled = AssertionError(f"{email}: two receipts {receipts}")
            events.request.fire(request_type="CHECK", name="double submit gives one sign-off", response_time=0,
                                response_length=0, context={}, exception=doubled)
            return False
        sign_off = receipts.pop()
        # Recorded before the receipt is viewed: the sign-off exists once the POST has redirected.
        with open(RESULTS, "a", encoding="utf-8") as results:
            results.write(json.dumps({"email": email, "policy": slug, "version": int(version.group(1)),
                                      "sign_off": sign_off, "double": bool(double),
                                      "post_ms": [post.value[1] for post in posts]}) + "\n")
        with self.client.get(f"/my/sign-offs/{sign_off}/", name="GET /my/sign-offs/[id]/ (receipt)",
                             catch_response=True) as response:
            if response.status_code != 200 or email not in response.text or (
                    "already signed" in response.text and not double):
                response.failure(f"receipt {sign_off} wrong for {email}: {response.status_code}")
        return True

    def sign_post(self, slug: str, form: dict, email: str) -> tuple[int | None, float]:
        """The sign-off POST; returns the receipt's id it redirects to, and
        its time in ms as locust counts it (the report splits the double
        clicks out: the second waits for the first to commit)."""
        with self.post(f"/my/sign/{slug}/", form, name=SIGN_OFF_NAME,
                       referer=f"/my/sign/{slug}/") as response:
            receipt = RECEIPT.match(response.headers.get("Location", ""))
            took = response.request_meta["response_time"]
            if response.status_code != 302 or not receipt:
                response.failure(f"sign-off not recorded for {email}: {response.status_code} "
                                 f"{response.headers.get('Location')}")
                return None, took
        return int(receipt.group(1)), took


class HrOfficer(PortalUser):
    """HR at the trust or the school: the dashboard and both exports, over and over."""

    fixed_count = int(os.environ.get("LOAD_HR", "3"))
    # HR=0 runs staff alone: a fixed_count of 0 would make locust share users out by weight instead.
    abstract = fixed_count == 0
    wait_time = between(1, 3)

    def on_start(self) -> None:
        super().on_start()
        account = hr_accounts.pop(0) if hr_accounts else CREDENTIALS["hr"][0]
        hr_accounts.append(account)
        self.signed_in = self.password_sign_in(account["email"], account["password"],
                                               name="POST /accounts/login/ (HR)")

    @task
    def reports(self) -> None:
        if not self.signed_in:
            gevent.sleep(3600)  # the failed sign-in is counted; stay out of the figures
            return
        with self.client.get("/reports/", name="GET /reports/ (dashboard)", catch_response=True) as response:
            if response.status_code != 200 or "<table" not in response.text:
                response.failure(f"dashboard: {response.status_code}")
        self.wait()
        self.export("csv", lambda response: response.text.startswith("person,email,"))
        self.wait()
        self.export("xlsx", lambda response: response.content.startswith(b"PK"))

    def export(self, fmt: str, looks_right) -> None:
        """Download the outstanding list as `fmt`: at once, or (a job) through
        its page, polled until it links the file."""
        path = f"/reports/outstanding.{fmt}"
        job = prepare = None
        with self.client.get(path, name=f"GET {path}", allow_redirects=False, catch_response=True) as response:
            if response.status_code == 200 and looks_right(response):
                return
            form, token = PREPARE.search(response.text), CSRF.search(response.text)
            if response.is_redirect:
                job = response.headers["Location"]
            elif response.status_code == 200 and form and token:
                prepare = html.unescape(form.group(1))
            else:
                response.failure(f"{fmt} export: {response.status_code} {response.text[:60]!r}")
                return
        if prepare:  # the page offers "Prepare": its POST starts the job and redirects to its page
            with self.post(prepare, {"csrfmiddlewaretoken": token.group(1)}, name=f"POST {path} (prepare)",
                           referer=path) as response:
                if not response.is_redirect:
                    response.failure(f"{fmt} export: prepare answered {response.status_code}")
                    return
                job = response.headers["Location"]
        for _ in range(EXPORT_POLLS):
            with self.client.get(job, name="GET /reports/exports/[id]/ (export job page)",
                                 catch_response=True) as page:
                if page.status_code != 200:
                    page.failure(f"{fmt} export job page: {page.status_code}")
                    return
                link = DOWNLOAD.search(page.text)
                if "could not be prepared" in page.text:
                    page.failure(f"{fmt} export job failed: {job}")
                    return
            if link:
                break
            gevent.sleep(EXPORT_POLL_SECONDS)
        else:
            events.request.fire(request_type="CHECK", name=f"{fmt} export job finishes", response_time=0,
                                response_length=0, context={},
                                exception=AssertionError(f"{job} not ready after {EXPORT_POLLS} polls"))
            return
        with self.client.get(link.group(1), name=f"GET /reports/exports/[id]/download ({fmt})",
                             catch_response=True) as response:
            if response.status_code != 200 or not looks_right(response):
                response.failure(f"{fmt} export download: {response.status_code}")


class Watcher(PortalUser):
    """The trivial view, four times a second throughout: the run's own floor.
    Each request starts on time whether or not the last has answered (its own
    greenlet), so a slow spell is sampled as often as a quiet one, as the
    staff's requests are."""

    fixed_count = 1
    wait_time = constant(0.25)

    @task
    def live(self) -> None:
        gevent.spawn(self.ask)

    def ask(self) -> None:
        with self.client.get(TRIVIAL, name=TRIVIAL_NAME, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"trivial view: {response.status_code}")


@events.test_start.add_listener
def announce(environment, **kwargs) -> None:
    print(f"inset day: {len(CREDENTIALS['staff'])} staff sign in by {STAFF_LOGIN}, "
          f"{HrOfficer.fixed_count} HR officers export")
