"""Every page a person reads or signs fits a 360 px phone (issue 14, item 3).

The demo trust's Safeguarding policy has a contacts table and long contents
entries: at 360 px the sign page was 557 px wide, phone numbers were cut off
and a tap meant for the tick box landed on a table cell. These journeys open
every sign page, policy page and version page of the demo trust as the demo
users who may open them, at phone, tablet and desktop widths.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.urls import reverse

from acknowledgements.services import may_sign
from people.models import Person
from people.selectors import has_left
from policies.models import Policy
from portal.demo import DemoResult, load_demo
from tests.e2e.conftest import open_page, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
TABLET = {"width": 768, "height": 1024}
DESKTOP = {"width": 1280, "height": 900}
GOVERNANCE_LEAD = "governance@oakfield.example"  # sees every policy, draft and version

# Wider than the screen means the reader scrolls sideways to read a line. A
# phone widens its layout viewport to fit a page that overflows (the Safeguarding
# page made window.innerWidth 557), so the page is measured against the screen.
OVERFLOW = "document.scrollingElement.scrollWidth - Math.min(window.innerWidth, screen.width)"
# What a tap at the centre of the tick box lands on: the box or its own label.
# The tick box or, before a check of understanding is passed (no tick box
# yet), the check's first answer.
TAP_TARGET = """() => {
  const box = document.getElementById('id_confirm') || document.querySelector('fieldset.quiz-question input');
  box.scrollIntoView({block: 'center'});
  const r = box.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  const label = box.id === 'id_confirm' ? document.querySelector('label[for="id_confirm"]') : box.closest('label');
  return hit === box || (hit !== null && label !== null && label.contains(hit));
}"""


@dataclass(frozen=True)
class Reader:
    email: str
    urls: list[str]


@pytest.fixture
def demo(db) -> DemoResult:
    return load_demo()


def sign_pages(demo: DemoResult) -> list[Reader]:
    """For each demo login, the sign page of every policy they may sign."""
    policies = list(Policy.objects.filter(current_version__isnull=False).select_related("current_version"))
    readers = []
    for login in demo.logins:
        person = Person.objects.get(email=login.email)
        if has_left(person):
            continue
        urls = [reverse("acknowledgements:sign", args=[policy.slug])
                for policy in policies if may_sign(person, policy.current_version)]
        if urls:
            readers.append(Reader(login.email, urls))
    return readers


def policy_pages() -> list[str]:
    """Every policy page and every version page of every policy."""
    urls = []
    for policy in Policy.objects.prefetch_related("versions").order_by("title"):
        urls.append(reverse("policies:detail", args=[policy.slug]))
        urls += [reverse("policies:version", args=[policy.slug, v.label]) for v in policy.versions.all()]
    return urls


def public_pages() -> list[str]:
    public = Policy.objects.filter(is_public=True, current_version__isnull=False)
    return [reverse("public:policy", args=[slug]) for slug in public.values_list("slug", flat=True)]


@contextmanager
def browser_page(browser, live_server, viewport: dict):
    yield from open_page(browser, live_server, viewport=viewport, is_mobile=viewport["width"] < 768)


def too_wide(page, urls: list[str]) -> dict[str, int]:
    """The pages that scroll sideways, with how many pixels too wide each is."""
    wide = {}
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, f"{url} answered {response.status}"
        overflow = page.evaluate(OVERFLOW)
        if overflow > 0:
            wide[url] = overflow
    return wide


def untappable_tick_boxes(page, urls: list[str]) -> list[str]:
    misses = []
    for url in urls:
        page.goto(url)
        if not page.evaluate(TAP_TARGET):
            misses.append(url)
    return misses


def test_every_sign_page_fits_a_phone_and_its_tick_box_takes_the_tap(browser, live_server, demo):
    readers = sign_pages(demo)
    assert sum(len(r.urls) for r in readers) >= 10  # the demo gives most logins several to sign
    assert any("safeguarding" in url for r in readers for url in r.urls)
    for reader in readers:
        with browser_page(browser, live_server, PHONE) as page:
            sign_in(page, reader.email, demo.password)
            assert too_wide(page, reader.urls) == {}, f"sign pages wider than 360 px for {reader.email}"
            assert untappable_tick_boxes(page, reader.urls) == [], f"tick box covered for {reader.email}"


def test_every_policy_and_version_page_fits_a_phone(browser, live_server, demo):
    urls = policy_pages()
    assert len(urls) >= 20
    with browser_page(browser, live_server, PHONE) as page:
        sign_in(page, GOVERNANCE_LEAD, demo.password)
        assert too_wide(page, urls) == {}
    with browser_page(browser, live_server, PHONE) as page:
        assert too_wide(page, public_pages()) == {}


@pytest.mark.parametrize("viewport", [TABLET, DESKTOP], ids=["tablet", "desktop"])
def test_policy_and_sign_pages_fit_a_tablet_and_a_desktop(browser, live_server, demo, viewport):
    safeguarding = Policy.objects.get(slug__contains="safeguarding")
    urls = [u for u in policy_pages() if safeguarding.slug in u]
    with browser_page(browser, live_server, viewport) as page:
        sign_in(page, GOVERNANCE_LEAD, demo.password)
        assert too_wide(page, urls) == {}
    reader = next(r for r in sign_pages(demo) if any(safeguarding.slug in u for u in r.urls))
    with browser_page(browser, live_server, viewport) as page:
        sign_in(page, reader.email, demo.password)
        urls = [u for u in reader.urls if safeguarding.slug in u]
        assert too_wide(page, urls) == {}
        assert untappable_tick_boxes(page, urls) == []
