"""What HR sees is laid out as it reads (issue 14, item 6): on a person's page
a long work email stays in its own box instead of running over the school
name, and on the outstanding list each filter's tick box has its label beside
it, not under it. Checked at phone, tablet and desktop widths."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from acknowledgements.services import sync_obligations
from tests.e2e.conftest import open_page, sign_in
from tests.factories import PersonFactory, published_policy, sign_off_rule

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = [{"width": 360, "height": 740}, {"width": 768, "height": 1024}, {"width": 1280, "height": 900}]
IDS = ["phone", "tablet", "desktop"]
LONG_EMAIL = "catherine.walshthompson@oakfieldlearningtrust.example"  # no hyphen to break at
FILTER_TICK_BOXES = ["Overdue only", "New starters only"]


@contextmanager
def browser_page(browser, live_server, viewport: dict):
    yield from open_page(browser, live_server, viewport=viewport, is_mobile=viewport["width"] < 768)


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not on the page"
    return found


def overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def text_box(locator) -> dict:
    """Where an element's text is drawn, which can run outside the element's own box."""
    return locator.evaluate("""el => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const r = range.getBoundingClientRect();
      return {x: r.x, y: r.y, width: r.width, height: r.height};
    }""")


def fits_the_screen(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= Math.min(window.innerWidth, screen.width)")


@pytest.fixture
def catherine(world):
    return PersonFactory(first_name="Catherine", last_name="Walsh", email=LONG_EMAIL, schools=[world.north],
                         job_title="Chief Executive Officer")


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=IDS)
def test_a_long_work_email_does_not_run_over_the_school_name(browser, live_server, world, catherine, viewport):
    with browser_page(browser, live_server, viewport) as page:
        sign_in(page, "hr@school.example", world.password)
        page.goto(f"/people/{catherine.pk}/")
        facts = page.locator("dl.facts")
        email = facts.locator("dd", has_text="catherine.walsh")
        school = facts.locator("dd", has_text="North Primary")
        assert not overlap(text_box(email), text_box(school)), "the email is drawn over the school name"
        assert email.evaluate("dd => dd.scrollWidth <= dd.clientWidth"), "the email runs out of its box"
        assert fits_the_screen(page)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=IDS)
def test_each_outstanding_filter_tick_box_has_its_label_beside_it(browser, live_server, world, catherine, viewport):
    sign_off_rule(published_policy(title="Email Policy", organisation=world.trust))
    sync_obligations()
    with browser_page(browser, live_server, viewport) as page:
        sign_in(page, "hr@school.example", world.password)
        page.goto("/reports/outstanding/")
        for name in FILTER_TICK_BOXES:
            tick = box(page.get_by_role("checkbox", name=name))
            label = box(page.locator("label", has_text=name))
            assert label["y"] < tick["y"] + tick["height"] and tick["y"] < label["y"] + label["height"], (
                f"the label '{name}' is not on the tick box's line")
            assert label["x"] >= tick["x"] + tick["width"], f"the label '{name}' is not to the right of its box"
        assert page.get_by_role("link", name="Catherine Walsh").is_visible()
        assert fits_the_screen(page), "the outstanding list is wider than the screen"
