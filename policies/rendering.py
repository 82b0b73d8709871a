"""Markdown policy text to sanitised HTML with a contents list.

Python-Markdown's toc extension builds the contents list from the numbered
headings; nh3 (the Rust ammonia sanitiser) then removes anything a browser
could execute, whatever the body or an imported document contained.
"""

from __future__ import annotations

import html
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
RENDER_CACHE_VERSION = 1


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
    return RenderedBody(html=safe_html, contents=[_entry(t) for t in md.toc_tokens])


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
