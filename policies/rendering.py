"""Markdown policy text to sanitised HTML with a contents list.

Python-Markdown's toc extension builds the contents list from the numbered
headings; nh3 (the Rust ammonia sanitiser) then removes anything a browser
could execute, whatever the body or an imported document contained.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import markdown
import nh3
from django.core.cache import cache

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "li", "ol", "p", "pre", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"},
    "ol": {"start"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
}
# 2: tables are wrapped in a scroll box; older cached renders lack it.
RENDER_CACHE_VERSION = 2
# nh3 has already escaped any "<table" typed as text, so what this matches are
# real tables. The wrapper is added after sanitising so the allow-list stays
# closed: a policy's own text can never bring a div, a role or a tabindex.
_TABLE_OPEN = re.compile(r"<table\b[^>]*>")
_TABLE_CLOSE = "</table>"


@dataclass(frozen=True)
class ContentsEntry:
    anchor: str
    title: str
    children: list[ContentsEntry] = field(default_factory=list)


@dataclass(frozen=True)
class RenderedBody:
    html: str
    contents: list[ContentsEntry]


def render_markdown(body: str) -> RenderedBody:
    md = markdown.Markdown(
        extensions=["toc", "tables", "sane_lists"],
        extension_configs={"toc": {"toc_depth": "2-3"}},
        output_format="html",
    )
    raw_html = md.convert(body)
    safe_html = nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return RenderedBody(html=wrap_tables(safe_html), contents=[_entry(t) for t in md.toc_tokens])


def wrap_tables(safe_html: str) -> str:
    """Put each table of sanitised HTML in its own scroll box, so a wide table
    (a contacts list, a version table) scrolls sideways inside the text rather
    than widening the whole page on a phone. The box is focusable and named so
    a keyboard user can scroll it too; names are numbered so each is unique."""
    count = 0

    def open_box(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return f'<div class="table-scroll" tabindex="0" role="region" aria-label="Table {count}">{match.group(0)}'

    return _TABLE_OPEN.sub(open_box, safe_html).replace(_TABLE_CLOSE, _TABLE_CLOSE + "</div>")


def render_version_body(body: str, content_hash: str) -> RenderedBody:
    """Render, cached by the text's hash: an approved text never changes."""
    key = f"policy-body:{RENDER_CACHE_VERSION}:{content_hash}"
    rendered = cache.get(key)
    if rendered is None:
        rendered = render_markdown(body)
        cache.set(key, rendered, timeout=None)
    return rendered


def _entry(token: dict) -> ContentsEntry:
    return ContentsEntry(
        anchor=token["id"],
        title=html.unescape(token["name"]),
        children=[_entry(child) for child in token.get("children", [])],
    )
