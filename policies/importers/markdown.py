"""Markdown: the first "# " heading is the title, "|" tables are tables,
and a paragraph may run over several lines."""

from __future__ import annotations

import re

from policies.importers.blocks import Block, clean, indent_width
from policies.importers.text import decode_text

_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_BULLET = re.compile(r"^(\s*)[-*+•]\s+(.*)$")
_ORDERED = re.compile(r"^(\s*)(\d{1,3}[.)]\s+.*)$")
_CLAUSE = re.compile(r"^\s*(?:\*\*)?\d{1,2}(?:\.\d{1,2})+\.?(?:\*\*)?\s")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def read_markdown(filename: str, data: bytes) -> list[Block]:
    lines = [clean(line) for line in decode_text(filename, data).split("\n")]
    blocks: list[Block] = []
    index = _front_matter(lines, blocks)
    previous_blank = True
    while index < len(lines):
        line = lines[index]
        following = lines[index + 1] if index + 1 < len(lines) else ""
        index += 1
        if not line.strip() or _FENCE.match(line) or re.fullmatch(r"\s*<!--.*-->\s*", line):
            previous_blank = True
            continue
        if _is_table_start(line, following):
            table = Block("table", rows=[_cells(line)])
            while index < len(lines) and ("|" in lines[index]) and lines[index].strip():
                if not _SEPARATOR.match(lines[index]):
                    table.rows.append(_cells(lines[index]))
                index += 1
            blocks.append(table)
        elif heading := _ATX.match(line):
            level, text = len(heading.group(1)), _bold(heading.group(2))
            is_title = level == 1 and not any(b.kind == "title" for b in blocks)
            blocks.append(Block("title" if is_title else "heading", text, level=level))
        elif _SETEXT.match(line) and not previous_blank and blocks and blocks[-1].kind == "para":
            level = 1 if line.strip().startswith("=") else 2
            is_title = level == 1 and not any(b.kind == "title" for b in blocks)
            blocks[-1] = Block("title" if is_title else "heading", blocks[-1].text, level=level)
        elif re.fullmatch(r"\s*([-*_])(\s*\1){2,}\s*", line):
            pass  # a horizontal rule
        elif bullet := _BULLET.match(line):
            blocks.append(Block("bullet", _bold(bullet.group(2).strip()), width=indent_width(bullet.group(1))))
        elif ordered := _ORDERED.match(line):
            blocks.append(Block("para", _bold(ordered.group(2).strip()), width=indent_width(ordered.group(1))))
        elif _continues(blocks, previous_blank, line):
            blocks[-1].text = f"{blocks[-1].text} {_bold(line.strip())}"
        else:
            blocks.append(Block("para", _bold(line.strip().lstrip(">").strip())))
        previous_blank = False
    return blocks


def _front_matter(lines: list[str], blocks: list[Block]) -> int:
    """YAML front matter ("---", "title: ...", "---") as a title and a
    key/value table, which the metadata recogniser reads like any other."""
    if not lines or lines[0].strip() != "---":
        return 0
    for end in range(1, min(len(lines), 60)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        return 0
    rows = []
    for line in lines[1:end]:
        key, sep, value = line.partition(":")
        value = value.strip().strip("\"'")
        if not sep or not value:
            continue
        if key.strip().lower() == "title":
            blocks.append(Block("title", value, level=1))
        else:
            rows.append([key.strip().replace("_", " "), value])
    if rows:
        blocks.append(Block("table", rows=rows))
    return end + 1


_BOLD_LABEL = re.compile(r"\s*\*\*[^*\n]{1,40}(?::\*\*|\*\*\s*:)")


def _continues(blocks: list[Block], previous_blank: bool, line: str) -> bool:
    """A line straight after a paragraph or list item carries it on, unless it
    starts a numbered clause of its own."""
    if previous_blank or not blocks or blocks[-1].kind not in ("para", "bullet"):
        return False
    # "**Policy owner:** Head of IT" on lines of their own are details, one
    # to a line, even though Markdown would join them into one paragraph.
    if _BOLD_LABEL.match(line) or _BOLD_LABEL.match(blocks[-1].text):
        return False
    return not _CLAUSE.match(line)


def _is_table_start(line: str, following: str) -> bool:
    return "|" in line and bool(_SEPARATOR.match(following)) and "-" in following


def _cells(line: str) -> list[str]:
    line = line.strip()
    line = line[1:] if line.startswith("|") else line
    line = line[:-1] if line.endswith("|") and not line.endswith("\\|") else line
    return [_bold(cell.strip().replace("\\|", "|")) for cell in re.split(r"(?<!\\)\|", line)]


def _bold(text: str) -> str:
    """__bold__ is the same as **bold**; one spelling keeps later steps simple."""
    return re.sub(r"(?<!\w)__(\S(?:.*?\S)?)__(?!\w)", r"**\1**", text)
