"""The portal's icon: /favicon.ico answers for anyone, and every page names it."""

from __future__ import annotations

from django.contrib.staticfiles import finders


def test_favicon_ico_answers_a_visitor_who_is_not_signed_in_with_the_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file's signature
    with open(finders.find("favicon.ico"), "rb") as icon:
        assert icon.read() == response.content


def test_the_sign_in_page_names_the_icon(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert '<link rel="icon" href="/static/favicon.ico" sizes="32x32">' in page
