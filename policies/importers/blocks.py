"""The common shape every reader produces: a flat list of blocks (paragraph,
bullet, heading, title, table), so one set of recognisers serves Word,
Markdown and text alike.

Block text is "marked text": plain text in which **double asterisks** mark bold
the source showed, and nothing else is Markdown yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Block:
    kind: str  # "para", "bullet", "numbered" (a list item), "heading", "title" or "table"
    text: str = ""
    width: int = 0  # list items: how far the source indented them (nesting is worked out later)
    level: int = 0  # headings: 1, 2, 3 as styled in the source
    rows: list[list[str]] = field(default_factory=list)  # tables
    loose: bool = False  # a table made of tab-separated lines rather than a real table
    furniture: bool = False  # from a Word page header or footer: read for details only
    flattened: bool = False  # a table rebuilt from lines of text (PDF-to-text): read with less confidence
    spaced: str = ""  # a paragraph's line as written, where runs of spaces may separate a flattened table's cells

    @property
    def plain(self) -> str:
        return strip_bold(self.text)


# Word's text export and pandoc leave these behind.
_ARTEFACTS = re.compile(r"\[(?:bookmark|image|picture): [^\]]*\]", re.IGNORECASE)
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f"), " ")
# "•", "·", "-", "*", "–" and the Symbol-font bullets Word writes as private-use characters.
_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?:[•·▪◦‣●○■□➢➤✓\-*–—\uf0b7\uf0a7\uf076\uf0d8\uf0fc]|o(?=\s))[ \t]+")
_NUMBER_THEN_TAB = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\.?|[a-z]\)|\([a-z]\))\t+[^\t]+$", re.IGNORECASE)
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def clean(text: str) -> str:
    text = _ARTEFACTS.sub("", text).translate(_INVISIBLE).translate(_SPACES)
    return text.rstrip()


def strip_bold(text: str) -> str:
    return _BOLD.sub(r"\1", text).replace("**", "").strip()


def indent_width(whitespace: str) -> int:
    return len(whitespace.expandtabs(4))


def line_block(raw: str) -> Block | None:
    """One line of text as a block. Tab-separated cells make a one-row table,
    except "1.1<tab>Text", which is how Word exports a numbered paragraph."""
    line = clean(raw)
    if not line.strip() or re.fullmatch(r"\s*[-=_*~.·•]{3,}\s*", line):
        return None  # blank, or a drawn separator line
    bullet = _BULLET.match(line)
    if bullet:
        text = re.sub(r"\s*\t\s*", " ", line[bullet.end() :]).strip()
        return Block("bullet", text, width=indent_width(bullet.group("indent"))) if text else None
    if _NUMBER_THEN_TAB.match(line):
        return Block("para", re.sub(r"\t+", " ", line.strip()))
    if "\t" in line.strip():
        return Block("table", rows=[[cell.strip() for cell in line.strip().split("\t")]], loose=True)
    spaced = line.strip() if re.search(r"\S {2,}\S", line.strip()) else ""
    return Block("para", re.sub(r"\s+", " ", line.strip()), spaced=spaced)


def merge_rows(blocks: list[Block]) -> list[Block]:
    """Consecutive tab-separated lines become one table."""
    merged: list[Block] = []
    for block in blocks:
        if block.kind == "table" and merged and merged[-1].loose and block.loose:
            merged[-1].rows.extend(block.rows)
        else:
            merged.append(block)
    return merged


def join_wrapped(blocks: list[Block]) -> list[Block]:
    """Hard-wrapped text: a long line that stops mid-sentence followed by one
    that starts in lower case is one paragraph."""
    joined: list[Block] = []
    for block in blocks:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and block.kind == "para"
            and previous.kind in ("para", "bullet")
            and len(previous.text) >= 40
            and not previous.text.endswith((".", ":", ";", "!", "?"))
            and block.text[:1].islower()
        ):
            previous.text = f"{previous.text} {block.text}"
        else:
            joined.append(block)
    return joined
