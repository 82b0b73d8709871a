"""A first visit in Chromium: the icon the page names and /favicon.ico both load."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_first_visit_finds_the_icon_and_no_favicon_404(page, world):
    page.goto("/accounts/login/")
    icons = page.locator('link[rel="icon"]').evaluate_all("links => links.map(link => link.href)")
    assert len(icons) == 2
    for href in icons:
        response = page.request.get(href)
        assert response.ok, href
        assert response.headers["content-type"].startswith("image/"), href
    response = page.goto("/favicon.ico")
    assert response.ok
    assert response.headers["content-type"].startswith("image/")
