"""A document's own contents list ("Contents", then "1.0<tab>Introduction<tab>3"
...) lists the sections again; it is dropped so they are not read twice."""

from __future__ import annotations

import re

from policies.importers.blocks import Block

_HEADING = re.compile(r"^(?:table of )?contents?:?$|^index:?$", re.IGNORECASE)
_PAGE = re.compile(r"(?:\.{2,}|…+|\s)\s*(\d{1,3})$")
_ENTRY_NUMBER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|(?:appendix|annexe?|section|part)\s+\w+\s*[:.\-–—]?)\s*",
                           re.IGNORECASE)


def drop_contents(blocks: list[Block]) -> list[Block]:
    start = next((i for i, b in enumerate(blocks[:80]) if b.kind != "table" and _HEADING.match(b.plain)), None)
    if start is None:
        # No "Contents" line, but a table of numbered headings with page numbers is still one.
        return [b for b in blocks if not (b.kind == "table" and len(b.rows) >= 3 and all(map(_page_row, b.rows)))]
    keys: list[str] = []
    mode = None  # "pages": entries end in page numbers; "plain": the body will repeat the first entry
    end = start + 1
    while end < len(blocks):
        block = blocks[end]
        if block.kind == "table":
            if mode == "plain" or not all(map(_page_row, block.rows)):
                break
            mode, end = "pages", end + 1
            continue
        key = _entry_key(block)
        if key is None:
            break
        paged = bool(_PAGE.search(block.plain))
        mode = mode or ("pages" if paged else "plain")
        if (mode == "pages" and not paged) or (mode == "plain" and key in keys):
            break
        keys.append(key)
        end += 1
    repeated = mode == "plain" and end < len(blocks) and _entry_key(blocks[end]) in keys
    if mode == "pages" or repeated:
        return blocks[:start] + blocks[end:]
    return blocks[:start] + blocks[start + 1 :]  # only the word "Contents"; what follows is the body


def _entry_key(block: Block) -> str | None:
    """An entry's heading, lower-cased, without its number and page; None if
    the block does not look like a contents entry."""
    if block.kind not in ("para", "heading", "bullet", "numbered"):
        return None
    text = block.plain
    has_page = _PAGE.search(text) and (_ENTRY_NUMBER.match(text) or "\t" in text or ".." in text or len(text) < 80)
    if not (has_page or _ENTRY_NUMBER.match(text)) or len(text) > 120:
        return None
    if text.endswith((".", ";")) and not text.endswith(".."):
        return None
    text = _PAGE.sub("", text) if has_page else text
    return re.sub(r"\s+", " ", _ENTRY_NUMBER.sub("", text)).strip(" .\t").lower() or None


def _page_row(row: list[str]) -> bool:
    cells = [c for c in row if c.strip()]
    return len(cells) >= 2 and bool(re.fullmatch(r"\d{1,3}", cells[-1].strip()))
