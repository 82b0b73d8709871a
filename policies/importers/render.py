"""The outline as Markdown: "## 1. Introduction" sections, "## Appendix 1 –
Heading", "### 5.4 Email" sub-headings, clauses as paragraphs that keep their
numbers, and "- " lists nested as the source indented them.

Python-Markdown (the portal's renderer) nests lists by four spaces and would
pass raw HTML through, so both are handled here; the renderer sanitises too.
"""

from __future__ import annotations

import re

from policies.importers.outline import Item


def escape(text: str) -> str:
    """Keep text as text: no raw HTML, no accidental heading or rule. An
    ampersand is left alone: an entity can show a character, never make a tag."""
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"^(#{1,6})(?=\s|$)", r"\\\1", text)
    return re.sub(r"^([=\-_*+])(?=\1{2,}\s*$|\s)", r"\\\1", text)


def render_markdown(items: list[Item]) -> str:
    chunks: list[str] = []
    list_lines: list[str] = []
    widths: list[int] = []  # indentation of each open list level
    list_kind = None
    for item in items:
        if item.kind in ("bullet", "numbered"):
            depth = _depth(widths, item.width)
            if list_lines and depth == 0 and item.kind != list_kind:
                chunks.append("\n".join(list_lines))  # a bullet list after a numbered one is a new list
                list_lines = []
            list_kind = item.kind if depth == 0 else list_kind
            marker = "- " if item.kind == "bullet" else ""
            list_lines.append("    " * depth + marker + escape(item.text))
            continue
        if list_lines:
            chunks.append("\n".join(list_lines))
            list_lines, widths, list_kind = [], [], None
        chunk = _render(item)
        if chunk:
            chunks.append(chunk)
    if list_lines:
        chunks.append("\n".join(list_lines))
    return "\n\n".join(chunks).strip() + "\n" if chunks else ""


def _depth(widths: list[int], width: int) -> int:
    """Nesting from indentation, relative to the list's first item: an item
    indented further than the one before goes one level deeper."""
    while widths and width < widths[-1]:
        widths.pop()
    if not widths or width > widths[-1]:
        widths.append(width)
    return len(widths) - 1


def _render(item: Item) -> str:
    text = escape(item.text)
    if item.kind == "section":
        if item.number is None:
            return f"## {text}"
        if item.number.isdigit():
            return f"## {item.number}. {text}"
        if item.number[:1].isdigit():
            return f"## {item.number} {text}"
        return f"## {item.number} – {text}"
    if item.kind == "appendix":
        return f"## {item.number} – {text}" if text else f"## {item.number}"
    if item.kind == "subheading":
        hashes = "#" * (item.level + 1)
        return f"{hashes} {item.number} {text}" if item.number else f"{hashes} {text}"
    if item.kind == "table":
        return _table(item.rows)
    return text


def _table(rows: list[list[str]]) -> str:
    width = max(len(row) for row in rows)
    if len(rows) == 1:
        return escape(" – ".join(cell for cell in rows[0] if cell))  # spaced-out text, not a table
    cells = [[escape(c).replace("|", "\\|") for c in row] + [""] * (width - len(row)) for row in rows]
    lines = ["| " + " | ".join(cells[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(row) + " |" for row in cells[1:]]
    return "\n".join(lines)
