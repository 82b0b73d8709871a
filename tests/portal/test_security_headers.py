"""Headers every page carries, and templates that never need an inline script
or style (so the Content-Security-Policy can forbid both)."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Emails are read in mail clients, which ignore stylesheets; they are never served as pages.
PAGE_TEMPLATES = sorted(p for p in TEMPLATES.rglob("*.html") if "emails" not in p.parts)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"\sstyle=|<style", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=|\shx-on[:-]|javascript:", re.IGNORECASE)


@pytest.mark.django_db
def test_pages_carry_security_headers(client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
                      "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"):
        assert directive in policy
    assert "unsafe" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_templates_were_found():
    assert len(PAGE_TEMPLATES) > 20


@pytest.mark.parametrize("template", PAGE_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_needs_inline_script_or_style(template):
    text = template.read_text()
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to a static file"
    assert not INLINE_STYLE.search(text), "inline style: use a class in static/css/portal.css"
    assert not EVENT_HANDLER.search(text), "inline event handler: CSP refuses it"
